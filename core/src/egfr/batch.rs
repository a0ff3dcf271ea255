//! Column-wise eGFR for data frames: one fused pass per row, split over the cores, one error
//! code per row so that one bad row does not lose the batch.

use serde::Serialize;

use super::{evaluate, umol_per_mg_dl, EgfrEquation, EgfrError, Row};
use crate::demographics::{Age, Sex};
use crate::lab::{AnalyteKind, LabError, Unit};

/// Why one row of a batch has no estimate. `code()` is what the batch writes per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum RowError {
    /// Age NaN, negative, fractional or above the oldest accepted.
    InvalidAge = 1,
    /// Age outside the equation's range.
    AgeOutOfRange = 2,
    /// Sex code neither 1 (male) nor 2 (female) in ISO/IEC 5218.
    UnknownSex = 3,
    /// Creatinine NaN (missing) or infinite.
    CreatinineNotFinite = 4,
    /// Creatinine negative.
    CreatinineNegative = 5,
    /// Creatinine outside its plausibility bounds.
    CreatinineOutOfBounds = 6,
    /// Cystatin C NaN (missing) or infinite.
    CystatinCNotFinite = 7,
    /// Cystatin C negative.
    CystatinCNegative = 8,
    /// Cystatin C outside its plausibility bounds.
    CystatinCOutOfBounds = 9,
    /// Weight NaN or outside the accepted range.
    WeightOutOfBounds = 10,
    /// The estimate falls outside the plausibility bounds of eGFR.
    ResultOutOfBounds = 11,
}

impl RowError {
    /// Every row error, by code.
    pub const ALL: [RowError; 11] = [
        RowError::InvalidAge,
        RowError::AgeOutOfRange,
        RowError::UnknownSex,
        RowError::CreatinineNotFinite,
        RowError::CreatinineNegative,
        RowError::CreatinineOutOfBounds,
        RowError::CystatinCNotFinite,
        RowError::CystatinCNegative,
        RowError::CystatinCOutOfBounds,
        RowError::WeightOutOfBounds,
        RowError::ResultOutOfBounds,
    ];

    /// The code written to the batch's code column; 0 means no error.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The stable snake_case slug.
    pub fn slug(self) -> &'static str {
        match self {
            RowError::InvalidAge => "invalid_age",
            RowError::AgeOutOfRange => "age_out_of_range",
            RowError::UnknownSex => "unknown_sex",
            RowError::CreatinineNotFinite => "creatinine_not_finite",
            RowError::CreatinineNegative => "creatinine_negative",
            RowError::CreatinineOutOfBounds => "creatinine_out_of_bounds",
            RowError::CystatinCNotFinite => "cystatin_c_not_finite",
            RowError::CystatinCNegative => "cystatin_c_negative",
            RowError::CystatinCOutOfBounds => "cystatin_c_out_of_bounds",
            RowError::WeightOutOfBounds => "weight_out_of_bounds",
            RowError::ResultOutOfBounds => "result_out_of_bounds",
        }
    }

    /// The row error of a code, `None` for 0 or an unused code.
    pub fn from_code(code: u8) -> Option<RowError> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    fn from_lab(error: &LabError) -> RowError {
        let analyte = match error {
            LabError::NotFinite { analyte }
            | LabError::Negative { analyte }
            | LabError::OutOfBounds { analyte, .. } => *analyte,
            _ => AnalyteKind::Egfr,
        };
        match (analyte, error) {
            (AnalyteKind::SerumCreatinine, LabError::NotFinite { .. }) => RowError::CreatinineNotFinite,
            (AnalyteKind::SerumCreatinine, LabError::Negative { .. }) => RowError::CreatinineNegative,
            (AnalyteKind::SerumCreatinine, _) => RowError::CreatinineOutOfBounds,
            (AnalyteKind::CystatinC, LabError::NotFinite { .. }) => RowError::CystatinCNotFinite,
            (AnalyteKind::CystatinC, LabError::Negative { .. }) => RowError::CystatinCNegative,
            (AnalyteKind::CystatinC, _) => RowError::CystatinCOutOfBounds,
            _ => RowError::ResultOutOfBounds,
        }
    }
}

/// The columns of a batch. All present columns have the length of `age`.
#[derive(Debug, Clone, Copy)]
pub struct BatchColumns<'a> {
    /// Age in whole years (as floats, the way data frames hold them).
    pub age: &'a [f64],
    /// Sex as ISO/IEC 5218 codes: 1 male, 2 female.
    pub sex: &'a [u8],
    /// Serum creatinine in `creatinine_unit`; NaN marks a missing value.
    pub creatinine: Option<&'a [f64]>,
    /// Unit of the creatinine column.
    pub creatinine_unit: Unit,
    /// Cystatin C in `cystatin_c_unit`.
    pub cystatin_c: Option<&'a [f64]>,
    /// Unit of the cystatin C column.
    pub cystatin_c_unit: Unit,
    /// Body weight in kg, for Cockcroft–Gault.
    pub weight_kg: Option<&'a [f64]>,
    /// Black-race coefficient flags (2009 and 2012 Cr–Cys CKD-EPI, MDRD); absent means none.
    pub black: Option<&'a [bool]>,
}

impl<'a> BatchColumns<'a> {
    /// Columns with age and sex only; set the lab columns you have.
    pub fn new(age: &'a [f64], sex: &'a [u8]) -> Self {
        BatchColumns {
            age,
            sex,
            creatinine: None,
            creatinine_unit: Unit::MilligramPerDeciliter,
            cystatin_c: None,
            cystatin_c_unit: Unit::MilligramPerLiter,
            weight_kg: None,
            black: None,
        }
    }

    fn check(&self, equation: EgfrEquation) -> Result<(), EgfrError> {
        let n = self.age.len();
        let len = |column: &'static str, actual: usize| {
            if actual == n {
                Ok(())
            } else {
                Err(EgfrError::ColumnLength {
                    column,
                    expected: n,
                    actual,
                })
            }
        };
        len("sex", self.sex.len())?;
        let needed = [
            (
                "creatinine",
                self.creatinine.map(<[f64]>::len),
                equation.needs_creatinine(),
            ),
            (
                "cystatin_c",
                self.cystatin_c.map(<[f64]>::len),
                equation.needs_cystatin_c(),
            ),
            ("weight", self.weight_kg.map(<[f64]>::len), equation.needs_weight()),
        ];
        for (input, column, needs) in needed {
            match column {
                Some(actual) => len(input, actual)?,
                None if needs => return Err(EgfrError::MissingInput { equation, input }),
                None => {}
            }
        }
        if let Some(black) = self.black {
            len("black", black.len())?;
        }
        // Refuse a unit that does not fit before any row is read.
        AnalyteKind::SerumCreatinine.convert(
            1.0,
            self.creatinine_unit,
            AnalyteKind::SerumCreatinine.canonical_unit(),
        )?;
        AnalyteKind::CystatinC.convert(1.0, self.cystatin_c_unit, AnalyteKind::CystatinC.canonical_unit())?;
        Ok(())
    }

    fn row(&self, equation: EgfrEquation, i: usize) -> Result<f64, RowError> {
        let age = Age::from_f64(self.age[i]).map_err(|_| RowError::InvalidAge)?;
        let female = match Sex::from_iso5218(i64::from(self.sex[i])) {
            Ok(sex) => sex == Sex::Female,
            Err(_) => return Err(RowError::UnknownSex),
        };
        let lab = |column: Option<&[f64]>, kind: AnalyteKind, unit: Unit| -> Result<Option<f64>, RowError> {
            match column {
                Some(values) => kind
                    .validate(values[i], unit)
                    .map(Some)
                    .map_err(|e| RowError::from_lab(&e)),
                None => Ok(None),
            }
        };
        let scr_umol = if equation.needs_creatinine() {
            lab(self.creatinine, AnalyteKind::SerumCreatinine, self.creatinine_unit)?
        } else {
            None
        };
        let scys = if equation.needs_cystatin_c() {
            lab(self.cystatin_c, AnalyteKind::CystatinC, self.cystatin_c_unit)?
        } else {
            None
        };
        let row = Row {
            age: f64::from(age.years()),
            female,
            black: self.black.is_some_and(|b| b[i]),
            scr_mg_dl: scr_umol.map(|v| v / umol_per_mg_dl()),
            scys_mg_l: scys,
            weight_kg: if equation.needs_weight() {
                self.weight_kg.map(|w| w[i])
            } else {
                None
            },
        };
        evaluate(equation, &row).map_err(|e| match e {
            EgfrError::AgeOutOfRange { .. } => RowError::AgeOutOfRange,
            EgfrError::WeightOutOfBounds { .. } => RowError::WeightOutOfBounds,
            EgfrError::Lab(lab) => RowError::from_lab(&lab),
            // `check` has made sure every needed column is present.
            _ => RowError::ResultOutOfBounds,
        })
    }
}

/// Rows per thread below which splitting is not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 16_384;

/// Estimates `equation` for every row of `columns`, writing the estimate (NaN for a bad row)
/// to `out` and the row's [`RowError::code`] (0 when fine) to `codes`.
///
/// `threads` = 0 uses every core the machine offers.
///
/// # Errors
/// Whole-batch problems only: [`EgfrError::ColumnLength`] (including `out`/`codes`),
/// [`EgfrError::MissingInput`] for a needed column that is absent, [`EgfrError::Lab`] for a
/// column unit that does not fit. Bad rows are reported through `codes`.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::egfr::{egfr_batch, BatchColumns, EgfrEquation, RowError};
/// let age = [60.0, 60.0, 60.5];
/// let sex = [2, 2, 2];
/// let scr = [1.0, f64::NAN, 1.0];
/// let mut cols = BatchColumns::new(&age, &sex);
/// cols.creatinine = Some(&scr);
/// let (mut out, mut codes) = ([0.0; 3], [0u8; 3]);
/// egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, 1)?;
/// assert_eq!(out[0].round(), 64.0);
/// assert!(out[1].is_nan());
/// assert_eq!(codes, [0, RowError::CreatinineNotFinite.code(), RowError::InvalidAge.code()]);
/// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
/// ```
pub fn egfr_batch(
    equation: EgfrEquation,
    columns: &BatchColumns<'_>,
    out: &mut [f64],
    codes: &mut [u8],
    threads: usize,
) -> Result<(), EgfrError> {
    columns.check(equation)?;
    let n = columns.age.len();
    if out.len() != n {
        return Err(EgfrError::ColumnLength {
            column: "out",
            expected: n,
            actual: out.len(),
        });
    }
    if codes.len() != n {
        return Err(EgfrError::ColumnLength {
            column: "codes",
            expected: n,
            actual: codes.len(),
        });
    }
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        threads
    };
    let threads = threads.min(n / MIN_ROWS_PER_THREAD).max(1);
    let fill = |start: usize, out: &mut [f64], codes: &mut [u8]| {
        for (k, (o, c)) in out.iter_mut().zip(codes.iter_mut()).enumerate() {
            match columns.row(equation, start + k) {
                Ok(v) => {
                    *o = v;
                    *c = 0;
                }
                Err(e) => {
                    *o = f64::NAN;
                    *c = e.code();
                }
            }
        }
    };
    if threads == 1 {
        fill(0, out, codes);
        return Ok(());
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|scope| {
        for (k, (o, c)) in out.chunks_mut(chunk).zip(codes.chunks_mut(chunk)).enumerate() {
            let fill = &fill;
            scope.spawn(move || fill(k * chunk, o, c));
        }
    });
    Ok(())
}
