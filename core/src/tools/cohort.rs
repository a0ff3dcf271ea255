//! The bundled cohort format (CSV) and the eGFR table the main job prints.
//!
//! Columns: `id,sex,age,creatinine,creatinine_unit,cystatin_c,cystatin_c_unit,weight_kg`.
//! An empty cell is a missing value. A malformed line is a [`CohortError`] naming the line and
//! column; a value that parses but is refused (an unknown unit, an age under 18) is kept and
//! reported in its row of the table, never dropped.

use thiserror::Error;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

use crate::demographics::{Age, Sex};
use crate::egfr::{estimate, EgfrEquation, EgfrError, EgfrInputs, GfrEstimate};
use crate::lab::{CystatinC, SerumCreatinine};

/// A cohort file could not be read. Messages name the place, not the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CohortError {
    /// The header is not the expected one.
    #[error("line 1: header must be `{expected}`")]
    Header {
        /// The expected header.
        expected: &'static str,
    },
    /// A line has the wrong number of cells.
    #[error("line {line}: expected {expected} cells, found {found}")]
    Cells {
        /// 1-based line number.
        line: usize,
        /// Cells expected.
        expected: usize,
        /// Cells found.
        found: usize,
    },
    /// A line that is not UTF-8 text, or is too long.
    #[error("{reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it (names the line, not its content).
        reason: String,
    },
    /// The input could not be read.
    #[error("cannot read the cohort: {reason}")]
    Io {
        /// The system's reason.
        reason: String,
    },
    /// A cell is not a number where one is needed.
    #[error("line {line}: column `{column}` is not a number")]
    NotANumber {
        /// 1-based line number.
        line: usize,
        /// The column.
        column: &'static str,
    },
}

/// The expected header line.
pub const HEADER: &str = "id,sex,age,creatinine,creatinine_unit,cystatin_c,cystatin_c_unit,weight_kg";

/// One row of the cohort, as written (numbers parsed, nothing checked yet).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortRow {
    /// Pseudonymous identifier.
    pub id: String,
    /// Sex as written.
    pub sex: String,
    /// Age in years as written.
    pub age: f64,
    /// Creatinine value and unit, if given.
    pub creatinine: Option<(f64, String)>,
    /// Cystatin C value and unit, if given.
    pub cystatin_c: Option<(f64, String)>,
    /// Weight in kg, if given.
    pub weight_kg: Option<f64>,
}

/// Parses the cohort CSV held in memory (see [`rows`] to read a file of any size).
///
/// # Errors
/// [`CohortError`] for a wrong header, a line with the wrong number of cells, or a number cell
/// that is not a number.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::cohort::{parse_csv, HEADER};
/// let text = format!("{HEADER}\nP1,F,60,1.0,mg/dL,,,\n");
/// let rows = parse_csv(&text)?;
/// assert_eq!(rows[0].creatinine, Some((1.0, "mg/dL".to_string())));
/// # Ok::<(), amimestrocel_dkd::tools::cohort::CohortError>(())
/// ```
pub fn parse_csv(text: &str) -> Result<Vec<CohortRow>, CohortError> {
    rows(text.as_bytes()).collect()
}

/// The rows of a cohort CSV, read one line at a time (constant memory for a file of any
/// size). The first item is the header's error if the header is wrong; each bad line is its
/// own error, and the lines after it are read as usual. Lines end with `\n`, `\r\n` or `\r`
/// ([`crate::jsonl::JsonLines`]); blank lines are passed over.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::cohort::{rows, HEADER};
/// let text = format!("{HEADER}\nP1,F,60,1.0,mg/dL,,,\nP2,M,61\nP3,M,62,1.1,mg/dL,,,\n");
/// let got: Vec<_> = rows(text.as_bytes()).map(|r| r.map(|row| row.id)).collect();
/// assert_eq!(got[0].as_deref(), Ok("P1"));
/// assert_eq!(got[1].as_ref().unwrap_err().to_string(), "line 3: expected 8 cells, found 3");
/// assert_eq!(got[2].as_deref(), Ok("P3"));
/// ```
pub fn rows<R: std::io::BufRead>(reader: R) -> impl Iterator<Item = Result<CohortRow, CohortError>> {
    let mut lines = crate::jsonl::JsonLines::new(reader);
    let (mut header_seen, mut done) = (false, false);
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        let line = match lines.next() {
            None if header_seen => return None,
            // An empty file has no header: it is not a cohort file.
            None => {
                done = true;
                return Some(Err(CohortError::Header { expected: HEADER }));
            }
            Some(Err(e)) => {
                done = true;
                return Some(Err(CohortError::Io { reason: e.to_string() }));
            }
            Some(Ok(line)) => line,
        };
        let line_no = usize::try_from(line.number).unwrap_or(usize::MAX);
        if !header_seen {
            header_seen = true;
            if line.text.as_deref().is_ok_and(|t| t.trim() == HEADER) {
                continue;
            }
            // After a wrong header nothing else is read: the file is not a cohort file.
            done = true;
            return Some(Err(CohortError::Header { expected: HEADER }));
        }
        return Some(parse_line(line_no, line.text));
    })
}

/// One data line of the cohort CSV.
fn parse_line(line_no: usize, text: Result<String, crate::jsonl::LineError>) -> Result<CohortRow, CohortError> {
    let line = text.map_err(|e| CohortError::Line { line: line_no, reason: e.to_string() })?;
    let cells: Vec<&str> = line.split(',').map(str::trim).collect();
    if cells.len() != 8 {
        return Err(CohortError::Cells { line: line_no, expected: 8, found: cells.len() });
    }
    let number = |k: usize, column: &'static str| -> Result<Option<f64>, CohortError> {
        if cells[k].is_empty() {
            return Ok(None);
        }
        cells[k].parse::<f64>().map(Some).map_err(|_| CohortError::NotANumber { line: line_no, column })
    };
    let with_unit = |k: usize, column: &'static str| -> Result<Option<(f64, String)>, CohortError> {
        Ok(number(k, column)?.map(|v| (v, cells[k + 1].to_owned())))
    };
    Ok(CohortRow {
        id: cells[0].to_owned(),
        sex: cells[1].to_owned(),
        age: number(2, "age")?.unwrap_or(f64::NAN),
        creatinine: with_unit(3, "creatinine")?,
        cystatin_c: with_unit(5, "cystatin_c")?,
        weight_kg: number(7, "weight_kg")?,
    })
}

/// The inputs of one row, checked; an error says which input was refused.
///
/// # Errors
/// [`EgfrError::Demographics`] for age or sex, [`EgfrError::Lab`] for a lab value.
pub fn inputs(row: &CohortRow) -> Result<EgfrInputs, EgfrError> {
    let mut inputs = EgfrInputs::new(Age::from_f64(row.age)?, Sex::parse(&row.sex)?);
    if let Some((v, unit)) = &row.creatinine {
        inputs = inputs.with_creatinine(SerumCreatinine::new(*v, unit)?);
    }
    if let Some((v, unit)) = &row.cystatin_c {
        inputs = inputs.with_cystatin_c(CystatinC::new(*v, unit)?);
    }
    if let Some(w) = row.weight_kg {
        inputs = inputs.with_weight(Mass::new::<kilogram>(w));
    }
    Ok(inputs)
}

/// Every equation's estimate for one row (or why there is none).
pub fn egfr_row(row: &CohortRow) -> Vec<(EgfrEquation, Result<GfrEstimate, EgfrError>)> {
    let checked = inputs(row);
    EgfrEquation::ALL.into_iter().map(|eq| (eq, checked.clone().and_then(|inp| estimate(eq, &inp)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_must_match() {
        assert!(matches!(parse_csv("a,b\n"), Err(CohortError::Header { .. })));
    }

    #[test]
    fn a_short_line_names_its_line_number() {
        let text = format!("{HEADER}\nP1,F,60\n");
        assert_eq!(parse_csv(&text), Err(CohortError::Cells { line: 2, expected: 8, found: 3 }));
    }

    #[test]
    fn a_non_number_names_line_and_column() {
        let text = format!("{HEADER}\nP1,F,60,abc,mg/dL,,,\n");
        assert_eq!(parse_csv(&text).unwrap_err().to_string(), "line 2: column `creatinine` is not a number");
    }

    #[test]
    fn refused_values_stay_in_the_table_with_their_reason() {
        let text = format!("{HEADER}\nP1,F,60,1.4,mg/furlong,,,\nP2,M,17,0.9,mg/dL,,,\n");
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows.len(), 2);
        let first = egfr_row(&rows[0]);
        assert!(first.iter().all(|(_, r)| r.as_ref().unwrap_err().kind() == "unknown_unit"));
        let second = egfr_row(&rows[1]);
        assert_eq!(second[1].1.as_ref().unwrap_err().kind(), "age_out_of_range");
    }

    #[test]
    fn bundled_cohort_parses_and_every_row_is_reported() {
        let text = include_str!("../../../data/synthetic_cohort.csv");
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 32);
        let ok = rows.iter().filter(|r| egfr_row(r)[1].1.is_ok()).count();
        assert_eq!(ok, 30, "all but the two deliberately bad rows give a CKD-EPI 2021 eGFR");
    }
}
