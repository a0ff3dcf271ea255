//! The screening record: what is known of one candidate at screening, as entered.
//!
//! JSON schema: `docs/screening-record.md`. Values keep the unit they were entered in; dates
//! are ISO 8601 (`YYYY-MM-DD`). A missing optional field means *not yet known*; an empty list
//! (`"conditions": []`) means *asked, none*. [`ScreeningRecord::from_json`] refuses malformed
//! JSON, unknown fields and values without a unit, and [`ScreeningRecord::validate`] refuses
//! units that do not fit, impossible values, dates after the screening date and dates out of
//! order, each with the path of the field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::demographics::Sex;
use crate::lab::{AnalyteKind, LabError, Measurement, UnitText};

/// Why a screening record was refused. `path` names the field (`labs.uacr[1].unit`).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RecordError {
    /// Not JSON, a field of the wrong type, an unknown or a missing field.
    #[error("{path}: {reason}")]
    Malformed {
        /// The field path (`.` for the document itself).
        path: String,
        /// What is wrong, as the JSON reader says it (no values).
        reason: String,
    },
    /// A lab value was refused (unit, NaN, negative, implausible).
    #[error("{path}: {source}")]
    Lab {
        /// The field path.
        path: String,
        /// The lab error.
        source: LabError,
    },
    /// A date after the screening date.
    #[error("{path}: date is after the screening date")]
    AfterScreening {
        /// The field path.
        path: String,
    },
    /// An end before its start (or a date of birth after screening).
    #[error("{path}: date is before `{start}` of the same entry")]
    OutOfOrder {
        /// The field path of the later date.
        path: String,
        /// The name of the earlier field.
        start: String,
    },
    /// A number outside what the field allows (an NYHA class of 5, a negative viral load).
    #[error("{path}: {reason}")]
    Invalid {
        /// The field path.
        path: String,
        /// What the field allows.
        reason: String,
    },
}

impl RecordError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::Malformed { .. } => "malformed",
            RecordError::Lab { source, .. } => source.kind(),
            RecordError::AfterScreening { .. } => "date_after_screening",
            RecordError::OutOfOrder { .. } => "dates_out_of_order",
            RecordError::Invalid { .. } => "invalid_value",
        }
    }

    /// The kinds of its own variants (a refused lab value keeps its [`LabError`] kind).
    pub const KINDS: &'static [&'static str] =
        &["malformed", "date_after_screening", "dates_out_of_order", "invalid_value"];

    /// The field path.
    pub fn path(&self) -> &str {
        match self {
            RecordError::Malformed { path, .. }
            | RecordError::Lab { path, .. }
            | RecordError::AfterScreening { path }
            | RecordError::OutOfOrder { path, .. }
            | RecordError::Invalid { path, .. } => path,
        }
    }
}

/// A dated lab value as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabEntry {
    /// Date of the sample.
    pub date: NaiveDate,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered (kept as written; [`UnitText::unit`] names it).
    pub unit: UnitText,
}

/// A viral load (HBV DNA, HCV RNA) with the upper limit of normal of the lab that measured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViralLoad {
    /// Date of the sample.
    pub date: NaiveDate,
    /// The copy number (IU/mL or copies/mL, as the lab reports; compared with the lab's own ULN).
    pub value: f64,
    /// The lab's upper limit of normal, in the same unit.
    pub upper_limit_of_normal: f64,
}

/// The lab series of a record. Every series may be empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Labs {
    /// 24-hour urine protein.
    pub urine_protein_24h: Vec<LabEntry>,
    /// Urine albumin-to-creatinine ratio.
    pub uacr: Vec<LabEntry>,
    /// Serum creatinine.
    pub creatinine: Vec<LabEntry>,
    /// Serum cystatin C.
    pub cystatin_c: Vec<LabEntry>,
    /// HbA1c.
    pub hba1c: Vec<LabEntry>,
    /// Serum triglycerides.
    pub triglycerides: Vec<LabEntry>,
    /// LDL cholesterol.
    pub ldl_cholesterol: Vec<LabEntry>,
    /// Serum potassium.
    pub potassium: Vec<LabEntry>,
    /// HBV DNA.
    pub hbv_dna: Vec<ViralLoad>,
    /// HCV RNA.
    pub hcv_rna: Vec<ViralLoad>,
}

/// One blood pressure reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BloodPressure {
    /// Date of the reading.
    pub date: NaiveDate,
    /// Systolic pressure.
    pub systolic: f64,
    /// Diastolic pressure.
    pub diastolic: f64,
    /// Unit of both (`mmHg` or `kPa`), as entered.
    pub unit: UnitText,
}

/// What a kidney biopsy showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BiopsyFinding {
    /// Diabetic kidney disease (diabetic nephropathy).
    DiabeticKidneyDisease,
    /// A kidney disease not caused by diabetes.
    NonDiabetic,
}

/// A kidney biopsy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KidneyBiopsy {
    /// Date of the biopsy.
    pub date: NaiveDate,
    /// Its finding.
    pub finding: BiopsyFinding,
}

/// A medication course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medication {
    /// Generic name (English or Chinese), matched against the configured immunosuppressants.
    pub name: String,
    /// Whether it is systemic (oral, IV). Topical and inhaled forms are not systemic.
    #[serde(default = "yes")]
    pub systemic: bool,
    /// First day taken.
    pub start: NaiveDate,
    /// Last day taken; absent while ongoing.
    #[serde(default)]
    pub end: Option<NaiveDate>,
}

fn yes() -> bool {
    true
}

/// A condition of the medical history that some criterion asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    /// Atrial fibrillation.
    AtrialFibrillation,
    /// Congenital heart disease.
    CongenitalHeartDisease,
    /// Heart failure (with `nyha_class`).
    HeartFailure,
    /// Unstable angina pectoris.
    UnstableAngina,
    /// Cerebral haemorrhage.
    CerebralHaemorrhage,
    /// Cerebral infarction other than lacunar.
    CerebralInfarction,
    /// Lacunar cerebral infarction (with `residual_deficit`).
    LacunarInfarction,
    /// Malignant tumour.
    Malignancy,
    /// Active tuberculosis.
    ActiveTuberculosis,
    /// HIV infection.
    Hiv,
    /// Severe immunodeficiency disease.
    SevereImmunodeficiency,
    /// Severe allergy to blood components or blood products.
    BloodProductAllergy,
    /// Allergy to heterologous (foreign) protein.
    HeterologousProteinAllergy,
    /// Hyperkalaemia (with `uncontrolled`).
    Hyperkalaemia,
    /// Active infection (with `iv_antibiotics`).
    ActiveInfection,
}

/// A dated condition with the attributes the criteria need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// What it is.
    pub condition: ConditionKind,
    /// Onset or diagnosis date; absent if not known.
    #[serde(default)]
    pub onset: Option<NaiveDate>,
    /// Date resolved (cured, ended); absent while ongoing.
    #[serde(default)]
    pub resolved: Option<NaiveDate>,
    /// NYHA class 1–4, for heart failure.
    #[serde(default)]
    pub nyha_class: Option<u8>,
    /// For a lacunar infarction: a residual limb-motor, cognitive or language deficit.
    #[serde(default)]
    pub residual_deficit: Option<bool>,
    /// For hyperkalaemia: not controlled by diet or potassium-lowering treatment.
    #[serde(default)]
    pub uncontrolled: Option<bool>,
    /// For an active infection: treated with intravenous antibiotics.
    #[serde(default)]
    pub iv_antibiotics: Option<bool>,
}

/// Participation in another clinical trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialParticipation {
    /// Whether the trial was interventional.
    pub interventional: bool,
    /// First day in the trial.
    pub start: NaiveDate,
    /// Last day; absent while ongoing.
    #[serde(default)]
    pub end: Option<NaiveDate>,
}

/// Everything the criteria read, for one candidate at one screening date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRecord {
    /// A pseudonymous identifier (never a name or an ID-card number).
    pub id: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// The screening date, taken as the enrolment date for look-backs.
    pub screening_date: NaiveDate,
    /// Diagnosed type 2 diabetes.
    #[serde(default)]
    pub type2_diabetes: Option<bool>,
    /// The most recent kidney biopsy.
    #[serde(default)]
    pub kidney_biopsy: Option<KidneyBiopsy>,
    /// A kidney disease not caused by diabetes (clinical diagnosis).
    #[serde(default)]
    pub non_diabetic_kidney_disease: Option<bool>,
    /// Lab series.
    #[serde(default)]
    pub labs: Labs,
    /// Blood pressure readings.
    #[serde(default)]
    pub blood_pressures: Vec<BloodPressure>,
    /// Medications; absent if the history was not taken.
    #[serde(default)]
    pub medications: Option<Vec<Medication>>,
    /// Medical history; absent if not taken.
    #[serde(default)]
    pub conditions: Option<Vec<Condition>>,
    /// Lactating (women).
    #[serde(default)]
    pub lactating: Option<bool>,
    /// A pregnancy or egg-donation plan during the study and follow-up (women).
    #[serde(default)]
    pub pregnancy_or_egg_donation_plan: Option<bool>,
    /// A childbearing or sperm-donation plan (of the man or his partner) during the study,
    /// without willingness to use contraception (men).
    #[serde(default)]
    pub childbearing_plan_without_contraception: Option<bool>,
    /// Other clinical trials; absent if not asked.
    #[serde(default)]
    pub other_trials: Option<Vec<TrialParticipation>>,
    /// Written informed consent given.
    #[serde(default)]
    pub informed_consent: Option<bool>,
    /// The investigator deems the candidate not suitable.
    #[serde(default)]
    pub investigator_deems_unsuitable: Option<bool>,
}

impl ScreeningRecord {
    /// Reads a record from JSON; errors name the field path.
    ///
    /// # Errors
    /// [`RecordError::Malformed`] for bad JSON, a wrong type, an unknown or missing field.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ScreeningRecord;
    /// let err = ScreeningRecord::from_json(r#"{"id": "X", "sex": "female", "colour": 1}"#).unwrap_err();
    /// assert_eq!(err.kind(), "malformed");
    /// assert_eq!(err.path(), "colour");
    /// ```
    pub fn from_json(text: &str) -> Result<ScreeningRecord, RecordError> {
        // Fast path: plain serde_json. Only a record that fails is read again, tracking the path.
        if let Ok(record) = serde_json::from_str::<ScreeningRecord>(text) {
            return Ok(record);
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let record: ScreeningRecord = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path.is_empty() { ".".to_owned() } else { path };
            // The path is the better place than serde_json's line and column; the reason never
            // repeats the value (crate::json).
            RecordError::Malformed { path, reason: crate::json::describe(e.inner()) }
        })?;
        Ok(record)
    }

    /// Checks every value and date; see the module documentation.
    ///
    /// # Errors
    /// The first [`RecordError`] found, in field order.
    pub fn validate(&self) -> Result<(), RecordError> {
        let screening = self.screening_date;
        let not_after = |date: NaiveDate, path: &dyn Fn() -> String| -> Result<(), RecordError> {
            if date > screening {
                Err(RecordError::AfterScreening { path: path() })
            } else {
                Ok(())
            }
        };
        let ordered = |start: NaiveDate, end: Option<NaiveDate>, start_name: &str, path: &dyn Fn() -> String| match end
        {
            Some(end) if end < start => Err(RecordError::OutOfOrder { path: path(), start: start_name.to_owned() }),
            _ => Ok(()),
        };
        if self.date_of_birth > screening {
            return Err(RecordError::OutOfOrder { path: "screening_date".into(), start: "date_of_birth".into() });
        }
        if let Some(b) = &self.kidney_biopsy {
            not_after(b.date, &|| "kidney_biopsy.date".into())?;
        }
        for (name, kind, series) in self.labs.series() {
            for (i, entry) in series.iter().enumerate() {
                not_after(entry.date, &|| format!("labs.{name}[{i}].date"))?;
                Measurement::entered(kind, entry.value, &entry.unit)
                    .map_err(|source| RecordError::Lab { path: format!("labs.{name}[{i}]"), source })?;
            }
        }
        for (name, series) in [("hbv_dna", &self.labs.hbv_dna), ("hcv_rna", &self.labs.hcv_rna)] {
            for (i, v) in series.iter().enumerate() {
                not_after(v.date, &|| format!("labs.{name}[{i}].date"))?;
                for (field, x) in [("value", v.value), ("upper_limit_of_normal", v.upper_limit_of_normal)] {
                    if !x.is_finite() || x < 0.0 {
                        return Err(RecordError::Invalid {
                            path: format!("labs.{name}[{i}].{field}"),
                            reason: "must be a finite, non-negative number".into(),
                        });
                    }
                }
            }
        }
        for (i, bp) in self.blood_pressures.iter().enumerate() {
            not_after(bp.date, &|| format!("blood_pressures[{i}].date"))?;
            Measurement::entered(AnalyteKind::SystolicBp, bp.systolic, &bp.unit)
                .map_err(|source| RecordError::Lab { path: format!("blood_pressures[{i}].systolic"), source })?;
            Measurement::entered(AnalyteKind::DiastolicBp, bp.diastolic, &bp.unit)
                .map_err(|source| RecordError::Lab { path: format!("blood_pressures[{i}].diastolic"), source })?;
        }
        for (i, m) in self.medications.iter().flatten().enumerate() {
            not_after(m.start, &|| format!("medications[{i}].start"))?;
            if let Some(end) = m.end {
                not_after(end, &|| format!("medications[{i}].end"))?;
            }
            ordered(m.start, m.end, "start", &|| format!("medications[{i}].end"))?;
        }
        for (i, c) in self.conditions.iter().flatten().enumerate() {
            if let Some(onset) = c.onset {
                not_after(onset, &|| format!("conditions[{i}].onset"))?;
                ordered(onset, c.resolved, "onset", &|| format!("conditions[{i}].resolved"))?;
            }
            if let Some(resolved) = c.resolved {
                not_after(resolved, &|| format!("conditions[{i}].resolved"))?;
            }
            if let Some(class) = c.nyha_class {
                if !(1..=4).contains(&class) {
                    return Err(RecordError::Invalid {
                        path: format!("conditions[{i}].nyha_class"),
                        reason: "NYHA class is 1, 2, 3 or 4".into(),
                    });
                }
            }
        }
        for (i, t) in self.other_trials.iter().flatten().enumerate() {
            not_after(t.start, &|| format!("other_trials[{i}].start"))?;
            if let Some(end) = t.end {
                not_after(end, &|| format!("other_trials[{i}].end"))?;
            }
            ordered(t.start, t.end, "start", &|| format!("other_trials[{i}].end"))?;
        }
        Ok(())
    }
}

impl Labs {
    /// The unit-bearing series with their field names and analytes.
    pub fn series(&self) -> [(&'static str, AnalyteKind, &Vec<LabEntry>); 8] {
        [
            ("urine_protein_24h", AnalyteKind::UrineProtein24h, &self.urine_protein_24h),
            ("uacr", AnalyteKind::Uacr, &self.uacr),
            ("creatinine", AnalyteKind::SerumCreatinine, &self.creatinine),
            ("cystatin_c", AnalyteKind::CystatinC, &self.cystatin_c),
            ("hba1c", AnalyteKind::Hba1c, &self.hba1c),
            ("triglycerides", AnalyteKind::Triglycerides, &self.triglycerides),
            ("ldl_cholesterol", AnalyteKind::LdlCholesterol, &self.ldl_cholesterol),
            ("potassium", AnalyteKind::Potassium, &self.potassium),
        ]
    }
}
