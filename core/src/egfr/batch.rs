//! Column-wise eGFR for data frames: one fused pass per row, split over the cores, one error
//! code per row so that one bad row does not lose the batch.

use serde::Serialize;

use super::elementary::{exp, ln};
use super::log_linear::LogLinear;
use super::{
    equations, finish, prepare, with_form, EgfrEquation, EgfrError, PrepareError, Prepared, Row, MG_DL_PER_UMOL,
};
use crate::demographics::{Age, Sex};
use crate::lab::{AnalyteKind, LabError, Unit, ValueProblem};

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
    /// The Black-race flag is neither 0 nor 1 (missing or unreadable) for an equation that
    /// uses it.
    BlackNotKnown = 12,
    /// Age not given (a null where the caller's table has one); see [`mark_missing`].
    AgeMissing = 13,
    /// Sex not given.
    SexMissing = 14,
    /// Creatinine not given.
    CreatinineMissing = 15,
    /// Cystatin C not given.
    CystatinCMissing = 16,
    /// Weight not given.
    WeightMissing = 17,
    /// The row's creatinine unit is not given (a unit column with a null); see [`RowUnits`].
    CreatinineUnitMissing = 18,
    /// The row's creatinine unit names no unit the library knows.
    CreatinineUnitUnknown = 19,
    /// The row's creatinine unit is a unit, but not one of creatinine's (`mmHg`, `mg/g`).
    CreatinineUnitNotForAnalyte = 20,
    /// The row's cystatin C unit is not given.
    CystatinCUnitMissing = 21,
    /// The row's cystatin C unit names no unit the library knows.
    CystatinCUnitUnknown = 22,
    /// The row's cystatin C unit is a unit, but not one of cystatin C's.
    CystatinCUnitNotForAnalyte = 23,
}

impl RowError {
    /// Every row error, by code.
    pub const ALL: [RowError; 23] = [
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
        RowError::BlackNotKnown,
        RowError::AgeMissing,
        RowError::SexMissing,
        RowError::CreatinineMissing,
        RowError::CystatinCMissing,
        RowError::WeightMissing,
        RowError::CreatinineUnitMissing,
        RowError::CreatinineUnitUnknown,
        RowError::CreatinineUnitNotForAnalyte,
        RowError::CystatinCUnitMissing,
        RowError::CystatinCUnitUnknown,
        RowError::CystatinCUnitNotForAnalyte,
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
            RowError::BlackNotKnown => "black_not_known",
            RowError::AgeMissing => "age_missing",
            RowError::SexMissing => "sex_missing",
            RowError::CreatinineMissing => "creatinine_missing",
            RowError::CystatinCMissing => "cystatin_c_missing",
            RowError::WeightMissing => "weight_missing",
            RowError::CreatinineUnitMissing => "creatinine_unit_missing",
            RowError::CreatinineUnitUnknown => "creatinine_unit_unknown",
            RowError::CreatinineUnitNotForAnalyte => "creatinine_unit_not_for_analyte",
            RowError::CystatinCUnitMissing => "cystatin_c_unit_missing",
            RowError::CystatinCUnitUnknown => "cystatin_c_unit_unknown",
            RowError::CystatinCUnitNotForAnalyte => "cystatin_c_unit_not_for_analyte",
        }
    }

    /// The row error of a code, `None` for 0 or an unused code.
    pub fn from_code(code: u8) -> Option<RowError> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    fn from_problem(analyte: AnalyteKind, problem: ValueProblem) -> RowError {
        match (analyte, problem) {
            (AnalyteKind::SerumCreatinine, ValueProblem::NotFinite) => RowError::CreatinineNotFinite,
            (AnalyteKind::SerumCreatinine, ValueProblem::Negative) => RowError::CreatinineNegative,
            (AnalyteKind::SerumCreatinine, ValueProblem::OutOfBounds) => RowError::CreatinineOutOfBounds,
            (AnalyteKind::CystatinC, ValueProblem::NotFinite) => RowError::CystatinCNotFinite,
            (AnalyteKind::CystatinC, ValueProblem::Negative) => RowError::CystatinCNegative,
            (AnalyteKind::CystatinC, ValueProblem::OutOfBounds) => RowError::CystatinCOutOfBounds,
            _ => RowError::ResultOutOfBounds,
        }
    }
}

/// An input column of a batch, to say which one a caller held as null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchInput {
    /// `age`.
    Age,
    /// `sex`.
    Sex,
    /// `creatinine`.
    Creatinine,
    /// `cystatin_c`.
    CystatinC,
    /// `weight_kg`.
    Weight,
}

impl BatchInput {
    /// The column's name, as the batch's errors give it.
    pub fn name(self) -> &'static str {
        match self {
            BatchInput::Age => "age",
            BatchInput::Sex => "sex",
            BatchInput::Creatinine => "creatinine",
            BatchInput::CystatinC => "cystatin_c",
            BatchInput::Weight => "weight_kg",
        }
    }

    /// What the batch says of a row whose value in this column is NaN (or, for sex, code 0),
    /// and what it says of a null: the same check, named for what was wrong.
    fn codes(self) -> (RowError, RowError) {
        match self {
            BatchInput::Age => (RowError::InvalidAge, RowError::AgeMissing),
            BatchInput::Sex => (RowError::UnknownSex, RowError::SexMissing),
            BatchInput::Creatinine => (RowError::CreatinineNotFinite, RowError::CreatinineMissing),
            BatchInput::CystatinC => (RowError::CystatinCNotFinite, RowError::CystatinCMissing),
            BatchInput::Weight => (RowError::WeightOutOfBounds, RowError::WeightMissing),
        }
    }
}

/// Names the nulls of a column in a batch's codes. The batch reads numbers: a caller whose
/// table has nulls (Arrow, pandas) passes NaN (sex: code 0) for them, and the batch reports
/// the row by its first failing check, as it does a NaN. This renames that report where the
/// value was null: a row whose code is the column's NaN error (`creatinine_not_finite`) and
/// whose `missing` entry is true gets the column's missing error (`creatinine_missing`). A row
/// that failed an earlier check keeps that error, so the order of the checks is unchanged.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::egfr::{mark_missing, BatchInput, RowError};
/// let mut codes = [0, RowError::CreatinineNotFinite.code(), RowError::CreatinineNotFinite.code()];
/// mark_missing(&mut codes, &[false, true, false], BatchInput::Creatinine)?;
/// assert_eq!(RowError::from_code(codes[1]), Some(RowError::CreatinineMissing)); // a null
/// assert_eq!(RowError::from_code(codes[2]), Some(RowError::CreatinineNotFinite)); // a NaN
/// assert!(mark_missing(&mut codes, &[true], BatchInput::Creatinine).is_err()); // one flag for three rows
/// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
/// ```
///
/// # Errors
/// [`EgfrError::ColumnLength`] when `missing` has not one flag per row of `codes` (no row is
/// then changed: a shorter list would leave rows unmarked).
pub fn mark_missing(codes: &mut [u8], missing: &[bool], column: BatchInput) -> Result<(), EgfrError> {
    same_length(column.name(), codes.len(), missing.len())?;
    let (nan, null) = column.codes();
    for (code, _) in codes.iter_mut().zip(missing).filter(|(code, missing)| **missing && **code == nan.code()) {
        *code = null.code();
    }
    Ok(())
}

/// Refuses a column of `actual` rows where `expected` are needed.
fn same_length(column: &'static str, expected: usize, actual: usize) -> Result<(), EgfrError> {
    if expected == actual {
        Ok(())
    } else {
        Err(EgfrError::ColumnLength { column, expected, actual })
    }
}

/// A lab column of a batch whose rows carry their own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabColumn {
    /// `creatinine`, serum creatinine.
    Creatinine,
    /// `cystatin_c`, serum cystatin C.
    CystatinC,
}

impl LabColumn {
    fn analyte(self) -> AnalyteKind {
        match self {
            LabColumn::Creatinine => AnalyteKind::SerumCreatinine,
            LabColumn::CystatinC => AnalyteKind::CystatinC,
        }
    }

    /// The row errors of a unit missing, unknown, or not of this analyte.
    fn unit_errors(self) -> [RowError; 3] {
        match self {
            LabColumn::Creatinine => [
                RowError::CreatinineUnitMissing,
                RowError::CreatinineUnitUnknown,
                RowError::CreatinineUnitNotForAnalyte,
            ],
            LabColumn::CystatinC => {
                [RowError::CystatinCUnitMissing, RowError::CystatinCUnitUnknown, RowError::CystatinCUnitNotForAnalyte]
            }
        }
    }

    fn input(self) -> BatchInput {
        match self {
            LabColumn::Creatinine => BatchInput::Creatinine,
            LabColumn::CystatinC => BatchInput::CystatinC,
        }
    }
}

/// The units of a lab column, one per row, as a table holds them: each row's code into the
/// distinct unit texts (how an Arrow dictionary, a pandas categorical or `pandas.factorize`
/// gives them; SDTM's `LBSTRESU` beside `LBSTRESN`). A code that indexes no text (negative, as
/// for a null) is a row without a unit. Each distinct text is parsed once, by [`Unit::parse`].
#[derive(Debug, Clone, Copy)]
pub struct RowUnits<'a> {
    /// Each row's position in `texts`.
    pub codes: &'a [i64],
    /// The distinct unit texts.
    pub texts: &'a [&'a str],
}

/// A lab column brought to one unit by [`RowUnits::to_canonical`].
#[derive(Debug, Clone, PartialEq)]
pub struct OneUnitColumn {
    /// The unit of `values`: the analyte's canonical unit, to give the batch as the column's.
    pub unit: Unit,
    /// The values in `unit`; NaN where the row's unit had an error.
    pub values: Vec<f64>,
    /// Per row 0, or the code of the row error of its unit.
    pub unit_errors: Vec<u8>,
}

impl RowUnits<'_> {
    /// `values` (of `column`, each in its row's unit) in the analyte's canonical unit, by the
    /// factor the batch itself uses for a column in one unit (so a row gives the same number
    /// either way), and per row 0 or the row error of its unit (`creatinine_unit_missing`,
    /// `_unknown`, `_not_for_analyte`), whose value is then NaN. A value that is NaN already
    /// keeps its own problem and gets none for its unit. Give the batch these values in
    /// [`OneUnitColumn::unit`], then [`mark_unit_errors`] names the unit errors in its codes.
    ///
    /// # Errors
    /// [`EgfrError::ColumnLength`] if the codes and the values differ in length.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::{LabColumn, RowError, RowUnits};
    /// use amimestrocel_dkd::lab::Unit;
    /// let units = RowUnits { codes: &[0, 1, 2, -1], texts: &["mg/dL", "umol/L", "mmHg"] };
    /// let scr = units.to_canonical(LabColumn::Creatinine, &[1.0, 88.4, 1.0, 1.0])?;
    /// assert_eq!(scr.unit, Unit::MicromolePerLiter);
    /// assert!((scr.values[0] - 88.40).abs() < 0.01 && (scr.values[1] - 88.4).abs() < 1e-9 && scr.values[2].is_nan());
    /// assert_eq!(scr.unit_errors[2], RowError::CreatinineUnitNotForAnalyte.code());
    /// assert_eq!(scr.unit_errors[3], RowError::CreatinineUnitMissing.code());
    /// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
    /// ```
    pub fn to_canonical(&self, column: LabColumn, values: &[f64]) -> Result<OneUnitColumn, EgfrError> {
        if self.codes.len() != values.len() {
            return Err(EgfrError::ColumnLength { column: "units", expected: values.len(), actual: self.codes.len() });
        }
        let analyte = column.analyte();
        let [missing, unknown, not_for_analyte] = column.unit_errors();
        // Each distinct text once: its factor into the canonical unit (every unit of creatinine
        // and cystatin C is proportional), or the row error of the text.
        let factors: Vec<Result<f64, RowError>> = self
            .texts
            .iter()
            .map(|text| match Unit::parse(text) {
                Err(_) => Err(unknown),
                Ok(unit) => match analyte.linear_factor(unit) {
                    Ok(Some(factor)) => Ok(factor),
                    _ => Err(not_for_analyte),
                },
            })
            .collect();
        let mut out = Vec::with_capacity(values.len());
        let mut unit_errors = Vec::with_capacity(values.len());
        for (&value, &code) in values.iter().zip(self.codes) {
            let factor = usize::try_from(code).ok().and_then(|c| factors.get(c)).copied().unwrap_or(Err(missing));
            let (v, e) = match factor {
                _ if value.is_nan() => (value, 0),
                Ok(factor) => (value * factor, 0),
                Err(e) => (f64::NAN, e.code()),
            };
            out.push(v);
            unit_errors.push(e);
        }
        Ok(OneUnitColumn { unit: analyte.canonical_unit(), values: out, unit_errors })
    }
}

/// Names the unit errors of [`RowUnits::to_canonical`] in a batch's codes: a row whose code is
/// the column's NaN error (the NaN `to_canonical` wrote for it) and whose unit had an error gets that
/// error. A row that failed an earlier check (age, sex) keeps that error, as with
/// [`mark_missing`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::egfr::{mark_unit_errors, LabColumn, RowError};
/// let mut codes = [RowError::CreatinineNotFinite.code(), RowError::InvalidAge.code()];
/// let unit = RowError::CreatinineUnitUnknown.code();
/// mark_unit_errors(&mut codes, &[unit, unit], LabColumn::Creatinine)?;
/// assert_eq!(codes, [unit, RowError::InvalidAge.code()]);
/// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
/// ```
///
/// # Errors
/// [`EgfrError::ColumnLength`] when `unit_errors` has not one entry per row of `codes`.
pub fn mark_unit_errors(codes: &mut [u8], unit_errors: &[u8], column: LabColumn) -> Result<(), EgfrError> {
    same_length(column.input().name(), codes.len(), unit_errors.len())?;
    let (nan, _) = column.input().codes();
    for (code, &unit) in codes.iter_mut().zip(unit_errors) {
        if unit != 0 && *code == nan.code() {
            *code = unit;
        }
    }
    Ok(())
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
    /// Black-race coefficient flags (2009 and 2012 Cr–Cys CKD-EPI, MDRD): 0 no, 1 yes; any
    /// other value (how a binding marks a missing or unreadable flag) is the row error
    /// [`RowError::BlackNotKnown`] for an equation that uses the flag, and is ignored by the
    /// others. Absent means no row has the coefficient.
    pub black: Option<&'a [u8]>,
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

    fn check(&self, equation: EgfrEquation) -> Result<Factors, EgfrError> {
        let n = self.age.len();
        let len = |column: &'static str, actual: usize| {
            if actual == n {
                Ok(())
            } else {
                Err(EgfrError::ColumnLength { column, expected: n, actual })
            }
        };
        len("sex", self.sex.len())?;
        let needed = [
            ("creatinine", self.creatinine.map(<[f64]>::len), equation.needs_creatinine()),
            ("cystatin_c", self.cystatin_c.map(<[f64]>::len), equation.needs_cystatin_c()),
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
        // Refuse a unit that does not fit before any row is read; both conversions are
        // proportional, so one factor converts the whole column.
        let factor = |kind: AnalyteKind, unit: Unit| -> Result<f64, EgfrError> {
            kind.linear_factor(unit)?.ok_or_else(|| {
                EgfrError::Lab(LabError::UnitNotForAnalyte { analyte: kind, unit, accepted: String::new() })
            })
        };
        Ok(Factors {
            creatinine_to_umol: factor(AnalyteKind::SerumCreatinine, self.creatinine_unit)?,
            cystatin_c: factor(AnalyteKind::CystatinC, self.cystatin_c_unit)?,
        })
    }

    #[inline]
    fn row(&self, equation: EgfrEquation, factors: &Factors, i: usize) -> Result<Prepared, RowError> {
        let age = Age::from_f64_opt(self.age[i]).ok_or(RowError::InvalidAge)?;
        // ISO/IEC 5218: 1 male, 2 female (the check of `Sex::from_iso5218`, without a branch on
        // which of the two it is).
        let code = self.sex[i];
        if code.wrapping_sub(1) > 1 {
            return Err(RowError::UnknownSex);
        }
        let female = code == Sex::Female.iso5218();
        // The checks of `AnalyteKind::validate`, with the column's factor.
        let lab = |column: Option<&[f64]>, kind: AnalyteKind, factor: f64| -> Result<Option<f64>, RowError> {
            match column {
                Some(values) => {
                    let v = values[i];
                    kind.check_value(v, v * factor).map(Some).map_err(|p| RowError::from_problem(kind, p))
                }
                None => Ok(None),
            }
        };
        let scr_mg_dl = if equation.needs_creatinine() {
            lab(self.creatinine, AnalyteKind::SerumCreatinine, factors.creatinine_to_umol)?
                .map(|umol| umol * MG_DL_PER_UMOL)
        } else {
            None
        };
        let scys = if equation.needs_cystatin_c() {
            lab(self.cystatin_c, AnalyteKind::CystatinC, factors.cystatin_c)?
        } else {
            None
        };
        let row = Row {
            age: f64::from(age.years()),
            female,
            black: match self.black.map(|b| b[i]) {
                None | Some(0) => false,
                Some(1) => true,
                Some(_) if equation.uses_race() => return Err(RowError::BlackNotKnown),
                Some(_) => false,
            },
            scr_mg_dl,
            scys_mg_l: scys,
            weight_kg: if equation.needs_weight() { self.weight_kg.map(|w| w[i]) } else { None },
        };
        prepare(equation, &row).map_err(|e| match e {
            PrepareError::AgeOutOfRange => RowError::AgeOutOfRange,
            PrepareError::WeightOutOfBounds => RowError::WeightOutOfBounds,
            // `check` has made sure every needed column is present.
            PrepareError::MissingInput(_) => RowError::ResultOutOfBounds,
        })
    }

    /// The checks of [`Self::row`] for a block of rows of a log-linear equation, column by column
    /// and without branches, so that each loop vectorises: each check only clears a row's `ok`
    /// flag. The rare rows that fail are checked again by [`Self::row`], which gives their exact
    /// first error, so the codes are those of the scalar path by construction. Fills `codes` and
    /// the cleaned inputs of the forms.
    #[inline(always)]
    fn check_block(
        &self,
        equation: EgfrEquation,
        limits: &Limits,
        factors: &Factors,
        rows: std::ops::Range<usize>,
        codes: &mut [u8],
        ins: &mut BlockInputs,
    ) {
        // The checks of `AnalyteKind::check_value`: finite, not negative, within bounds.
        #[inline(always)]
        fn lab_ok(v: f64, canonical: f64, range: (f64, f64)) -> bool {
            v.is_finite() & (v >= 0.0) & (canonical >= range.0) & (canonical <= range.1)
        }
        let m = rows.len();
        let (ages, sexes) = (&self.age[rows.clone()], &self.sex[rows.clone()]);
        let ok = &mut ins.ok[..m];
        // `Age::from_f64_opt` (a whole number; adding and removing 2^52 rounds to an integer,
        // so only integers come back unchanged) and the equation's age range, which lies
        // within 0..=MAX_YEARS.
        for ((o, a), age) in ok.iter_mut().zip(ages).zip(&mut ins.age[..m]) {
            let whole = (a + TWO52) - TWO52 == *a;
            *o = (*a >= limits.age_min) & (*a <= limits.age_max) & whole;
            *age = *a;
        }
        if let Some(column) = self.cystatin_c.filter(|_| equation.needs_cystatin_c()) {
            for ((o, v), out) in ok.iter_mut().zip(&column[rows.clone()]).zip(&mut ins.scys[..m]) {
                *out = v * limits.cystatin_c_factor;
                *o &= lab_ok(*v, *out, limits.cystatin_c_range);
            }
        }
        if let Some(column) = self.creatinine.filter(|_| equation.needs_creatinine()) {
            for ((o, v), out) in ok.iter_mut().zip(&column[rows.clone()]).zip(&mut ins.scr[..m]) {
                let umol = v * limits.creatinine_factor;
                *out = umol * MG_DL_PER_UMOL;
                *o &= lab_ok(*v, umol, limits.creatinine_range);
            }
        }
        let female_code = Sex::Female.iso5218();
        for ((o, s), f) in ok.iter_mut().zip(sexes).zip(&mut ins.female[..m]) {
            *o &= s.wrapping_sub(1) <= 1;
            *f = *s == female_code;
        }
        if let Some(column) = self.black.filter(|_| equation.uses_race()) {
            for (o, b) in ok.iter_mut().zip(&column[rows.clone()]) {
                *o &= *b <= 1;
            }
        }
        for (k, (c, o)) in codes.iter_mut().zip(ok.iter()).enumerate() {
            *c = if *o {
                0
            } else {
                match self.row(equation, factors, rows.start + k) {
                    Err(e) => e.code(),
                    // Cannot happen (the checks are the same); the row is then computed as valid.
                    Ok(_) => 0,
                }
            };
        }
        match self.black {
            Some(column) => {
                for (b, flag) in ins.black[..m].iter_mut().zip(&column[rows]) {
                    *b = *flag == 1;
                }
            }
            None => ins.black[..m].fill(false),
        }
    }

    /// Fills `out`/`codes` for the rows from `start` on, a block at a time: (1) check and
    /// prepare each row, (2) the logarithms column-wise, (3) exponent and exponential
    /// column-wise, (4) bounds of the result. Passes 2 and 3 have no branches and compile to
    /// SIMD; they compute exactly what `LogLinear::eval` computes for one row.
    ///
    /// Always inlined, down to the elementary functions, so that a caller compiled for a wider
    /// instruction set (see [`CheckedBatch::fill_rows`]) gets all of it compiled for that set.
    #[inline(always)]
    fn fill(&self, equation: EgfrEquation, factors: &Factors, start: usize, out: &mut [f64], codes: &mut [u8]) {
        with_form!(
            equation,
            f => self.fill_with(equation, factors, start, out, codes, Some(&f)),
            self.fill_with::<fn(f64, bool, bool, f64, f64) -> LogLinear>(equation, factors, start, out, codes, None)
        )
    }

    /// [`Self::fill`] for one equation's form builder (`None`: Cockcroft–Gault, row by row).
    #[inline(always)]
    fn fill_with<F: Fn(f64, bool, bool, f64, f64) -> LogLinear>(
        &self,
        equation: EgfrEquation,
        factors: &Factors,
        start: usize,
        out: &mut [f64],
        codes: &mut [u8],
        form: Option<&F>,
    ) {
        const BLOCK: usize = 256;
        let used = terms_used(equation);
        let limits = Limits {
            age_min: f64::from(equation.age_range().0),
            age_max: f64::from(equation.age_range().1),
            creatinine_factor: factors.creatinine_to_umol,
            creatinine_range: AnalyteKind::SerumCreatinine.accepted_range(),
            cystatin_c_factor: factors.cystatin_c,
            cystatin_c_range: AnalyteKind::CystatinC.accepted_range(),
        };
        let mut c0 = [0.0f64; BLOCK];
        let mut x = [[1.0f64; BLOCK]; 3];
        let mut below = [[0.0f64; BLOCK]; 3];
        let mut above = [[0.0f64; BLOCK]; 3];
        let mut l = [[0.0f64; BLOCK]; 3];
        let mut direct = [f64::NAN; BLOCK];
        let mut ins = BlockInputs::default();
        let result_range = super::result_kind(equation).accepted_range();
        for (b, (out, codes)) in out.chunks_mut(BLOCK).zip(codes.chunks_mut(BLOCK)).enumerate() {
            let m = out.len();
            // Unused terms keep x = 1, exponents 0 from initialisation, as in the form.
            let mut put = |k: usize, form: &LogLinear| {
                c0[k] = form.c0;
                for j in 0..3 {
                    if used[j] {
                        x[j][k] = form.x[j];
                        below[j][k] = form.below[j];
                        above[j][k] = form.above[j];
                    }
                }
            };
            match form {
                // A bad row's form is computed from its bad inputs and stored anyway (the
                // elementary functions take any bits without panicking); its code makes it NaN.
                Some(f) => {
                    let rows = start + b * BLOCK..start + b * BLOCK + m;
                    self.check_block(equation, &limits, factors, rows, codes, &mut ins);
                    // The forms, column-wise: only selects and arithmetic, so this vectorises.
                    for k in 0..m {
                        put(k, &f(ins.age[k], ins.female[k], ins.black[k], ins.scr[k], ins.scys[k]));
                    }
                }
                None => {
                    for (k, d) in direct[..m].iter_mut().enumerate() {
                        codes[k] = match self.row(equation, factors, start + b * BLOCK + k) {
                            Ok(Prepared::Form(form)) => {
                                put(k, &form);
                                0
                            }
                            Ok(Prepared::Direct(value)) => {
                                *d = value;
                                put(k, &LogLinear::unit());
                                0
                            }
                            Err(e) => {
                                put(k, &LogLinear::unit());
                                e.code()
                            }
                        };
                    }
                }
            }
            for j in 0..3 {
                if used[j] {
                    for (lj, xj) in l[j][..m].iter_mut().zip(&x[j][..m]) {
                        *lj = ln(*xj);
                    }
                }
            }
            // The exponent, term by term over the used terms only (an unused term adds an exact
            // zero in `LogLinear::eval`, so leaving it out changes no bit), then exp.
            let e = &mut c0;
            for j in (0..3).filter(|&j| used[j]) {
                for (((e, l), lo), hi) in e[..m].iter_mut().zip(&l[j][..m]).zip(&below[j][..m]).zip(&above[j][..m]) {
                    *e += if *l < 0.0 { *lo } else { *hi } * *l;
                }
            }
            for (o, e) in out.iter_mut().zip(&e[..m]) {
                *o = exp(*e);
            }
            if form.is_some() {
                // Bounds of the result, without branches (the checks of `finish`).
                let (lo, hi) = result_range;
                for (o, c) in out.iter_mut().zip(codes.iter_mut()) {
                    let v = *o;
                    let bad = !((v >= lo) & (v <= hi)) & (*c == 0);
                    *c = if bad { RowError::ResultOutOfBounds.code() } else { *c };
                    *o = if *c != 0 { f64::NAN } else { v };
                }
            } else {
                for (k, d) in direct[..m].iter_mut().enumerate() {
                    let value = std::mem::replace(d, f64::NAN);
                    out[k] = if codes[k] != 0 {
                        f64::NAN
                    } else {
                        match finish(equation, value) {
                            Ok(v) => v,
                            Err(_) => {
                                codes[k] = RowError::ResultOutOfBounds.code();
                                f64::NAN
                            }
                        }
                    };
                }
            }
        }
    }
}

/// 2^52.
const TWO52: f64 = 4_503_599_627_370_496.0;

/// The cleaned inputs of the forms for one block.
struct BlockInputs {
    ok: [bool; 256],
    age: [f64; 256],
    female: [bool; 256],
    black: [bool; 256],
    scr: [f64; 256],
    scys: [f64; 256],
}

impl Default for BlockInputs {
    fn default() -> Self {
        BlockInputs {
            ok: [true; 256],
            age: [0.0; 256],
            female: [false; 256],
            black: [false; 256],
            scr: [f64::NAN; 256],
            scys: [f64::NAN; 256],
        }
    }
}

/// What the branch-free row check needs, computed once per batch.
struct Limits {
    age_min: f64,
    age_max: f64,
    creatinine_factor: f64,
    creatinine_range: (f64, f64),
    cystatin_c_factor: f64,
    cystatin_c_range: (f64, f64),
}

/// Which power terms of the log-linear form an equation uses (see `log_linear::LogLinear`).
fn terms_used(equation: EgfrEquation) -> [bool; 3] {
    match equation {
        EgfrEquation::CkdEpi2009Cr | EgfrEquation::CkdEpi2021Cr | EgfrEquation::Ekfc2021Cr => [true, false, false],
        EgfrEquation::CkdEpi2012Cys | EgfrEquation::Ekfc2023Cys => [false, true, false],
        EgfrEquation::CkdEpi2012CrCys | EgfrEquation::CkdEpi2021CrCys => [true, true, false],
        EgfrEquation::Mdrd4Idms => [true, false, true],
        EgfrEquation::CockcroftGault | EgfrEquation::Ekfc2023CrCys => [false, false, false],
    }
}

/// Per-column conversion factors, computed once per batch.
#[derive(Debug)]
struct Factors {
    creatinine_to_umol: f64,
    cystatin_c: f64,
}

/// Rows per thread below which splitting is not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 16_384;

/// A batch whose columns have been checked as a whole (lengths, needed inputs, units) for one
/// equation: what a worker needs to fill any range of its rows. Made by [`BatchColumns::checked`].
#[derive(Debug)]
pub struct CheckedBatch<'a> {
    columns: &'a BatchColumns<'a>,
    equation: EgfrEquation,
    factors: Factors,
}

impl<'a> BatchColumns<'a> {
    /// Checks the columns as a whole for `equation`: every column as long as `age`, every input
    /// the equation needs present, each unit fitting its analyte.
    ///
    /// # Errors
    /// [`EgfrError::ColumnLength`], [`EgfrError::MissingInput`], [`EgfrError::Lab`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::{BatchColumns, EgfrEquation};
    /// let (age, sex, scr) = ([70.0, 60.0], [1, 2], [f64::NAN, 1.0]);
    /// let mut cols = BatchColumns::new(&age, &sex);
    /// cols.creatinine = Some(&scr);
    /// let batch = cols.checked(EgfrEquation::CkdEpi2021Cr)?;
    /// let (mut out, mut codes) = ([0.0; 1], [0u8; 1]);
    /// batch.fill_rows(1, &mut out, &mut codes)?; // the second row only
    /// assert_eq!((out[0].round(), codes[0]), (64.0, 0));
    /// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
    /// ```
    pub fn checked(&'a self, equation: EgfrEquation) -> Result<CheckedBatch<'a>, EgfrError> {
        Ok(CheckedBatch { columns: self, equation, factors: self.check(equation)? })
    }
}

impl CheckedBatch<'_> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.columns.age.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The equation the batch was checked for.
    pub fn equation(&self) -> EgfrEquation {
        self.equation
    }

    /// Fills rows `start..start + out.len()` on the calling thread: the estimate (NaN for a bad
    /// row) in `out`, the row's [`RowError::code`] (0 when fine) in `codes`. Every element of
    /// both is written, whatever the rows hold (tested for every equation).
    ///
    /// This is the whole per-row computation, always inlined: a caller that wraps it in a
    /// function compiled for a wider instruction set (`#[target_feature(enable = "avx2")]`,
    /// chosen at run time, as the Python binding does) gets the column loops compiled for that
    /// set. Without fused multiply-add contraction, which Rust never applies on its own, every
    /// instruction set gives the same bits.
    ///
    /// # Errors
    /// [`EgfrError::ColumnLength`] if `codes` is not as long as `out` or the range runs past
    /// the last row.
    #[inline(always)]
    pub fn fill_rows(&self, start: usize, out: &mut [f64], codes: &mut [u8]) -> Result<(), EgfrError> {
        if codes.len() != out.len() {
            return Err(EgfrError::ColumnLength { column: "codes", expected: out.len(), actual: codes.len() });
        }
        let n = self.len();
        if start.checked_add(out.len()).is_none_or(|end| end > n) {
            return Err(EgfrError::ColumnLength {
                column: "out",
                expected: n.saturating_sub(start),
                actual: out.len(),
            });
        }
        self.columns.fill(self.equation, &self.factors, start, out, codes);
        Ok(())
    }
}

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
    egfr_batch_with(equation, columns, out, codes, threads, |b, s, o, c| b.fill_rows(s, o, c))
}

/// [`egfr_batch`] with the per-thread kernel given: `kernel(batch, start, out, codes)` fills
/// one thread's rows, normally by calling [`CheckedBatch::fill_rows`], perhaps from a function
/// compiled for a wider instruction set.
///
/// # Errors
/// As [`egfr_batch`], and whatever `kernel` returns.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::egfr::{egfr_batch_with, BatchColumns, EgfrEquation};
/// let (age, sex, scr) = ([60.0; 3], [2; 3], [1.0; 3]);
/// let mut cols = BatchColumns::new(&age, &sex);
/// cols.creatinine = Some(&scr);
/// let (mut out, mut codes) = ([0.0; 3], [0u8; 3]);
/// egfr_batch_with(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, 0, |b, s, o, c| b.fill_rows(s, o, c))?;
/// assert_eq!(out.map(f64::round), [64.0; 3]);
/// # Ok::<(), amimestrocel_dkd::egfr::EgfrError>(())
/// ```
pub fn egfr_batch_with<K>(
    equation: EgfrEquation,
    columns: &BatchColumns<'_>,
    out: &mut [f64],
    codes: &mut [u8],
    threads: usize,
    kernel: K,
) -> Result<(), EgfrError>
where
    K: Fn(&CheckedBatch<'_>, usize, &mut [f64], &mut [u8]) -> Result<(), EgfrError> + Sync,
{
    let batch = columns.checked(equation)?;
    let n = columns.age.len();
    if out.len() != n {
        return Err(EgfrError::ColumnLength { column: "out", expected: n, actual: out.len() });
    }
    if codes.len() != n {
        return Err(EgfrError::ColumnLength { column: "codes", expected: n, actual: codes.len() });
    }
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, usize::from) } else { threads };
    let threads = threads.min(n / MIN_ROWS_PER_THREAD).max(1);
    if threads == 1 {
        return kernel(&batch, 0, out, codes);
    }
    let chunk = n.div_ceil(threads);
    let (batch, kernel) = (&batch, &kernel);
    std::thread::scope(|scope| {
        let handles: Vec<_> = out
            .chunks_mut(chunk)
            .zip(codes.chunks_mut(chunk))
            .enumerate()
            .map(|(k, (o, c))| scope.spawn(move || kernel(batch, k * chunk, o, c)))
            .collect();
        // A panic in a worker is a bug: re-raise it rather than lose its rows.
        handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}
