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

use crate::demographics::{Age, Sex};
use crate::lab::{
    AlbuminCreatinineRatio, Analyte, AnalyteKind, Creatinine, CystatinCMarker, DiastolicBp, GlycatedHaemoglobin,
    LabError, LdlC, PotassiumIon, SystolicBp, Triglyceride, UnitText, UrineProtein,
};
use crate::series::{check_lab_series, CheckedSeries, Dated};
pub use crate::series::{LabEntry, SerologyResult, ViralLoad};
use smallvec::SmallVec;

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

    /// The path of the field the error is about: the [`path`](Self::path), except that a missing
    /// field, which the JSON reader reports at the object that lacks it (`.`, with the reason
    /// "missing field `sex`"), is named itself (`sex`, `medications[0].start`), as a table's
    /// reader names the column. For a one-line account of a refused record.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ScreeningRecord;
    /// let e = ScreeningRecord::from_json(r#"{"id": "A", "date_of_birth": "1960-01-01", "screening_date": "2025-01-01"}"#)
    ///     .unwrap_err();
    /// assert_eq!((e.path(), e.field().as_str()), (".", "sex"));
    /// ```
    pub fn field(&self) -> String {
        let missing = match self {
            RecordError::Malformed { reason, .. } => {
                reason.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(name, _)| name)
            }
            _ => None,
        };
        match (missing, self.path()) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), path) => format!("{path}.{name}"),
            (None, path) => path.to_owned(),
        }
    }
}

/// The lab series of a record. Every series may be empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Labs {
    /// 24-hour urine protein.
    #[serde(deserialize_with = "crate::json::objects")]
    pub urine_protein_24h: Vec<LabEntry>,
    /// Urine albumin-to-creatinine ratio.
    #[serde(deserialize_with = "crate::json::objects")]
    pub uacr: Vec<LabEntry>,
    /// Serum creatinine.
    #[serde(deserialize_with = "crate::json::objects")]
    pub creatinine: Vec<LabEntry>,
    /// Serum cystatin C.
    #[serde(deserialize_with = "crate::json::objects")]
    pub cystatin_c: Vec<LabEntry>,
    /// HbA1c.
    #[serde(deserialize_with = "crate::json::objects")]
    pub hba1c: Vec<LabEntry>,
    /// Serum triglycerides.
    #[serde(deserialize_with = "crate::json::objects")]
    pub triglycerides: Vec<LabEntry>,
    /// LDL cholesterol.
    #[serde(deserialize_with = "crate::json::objects")]
    pub ldl_cholesterol: Vec<LabEntry>,
    /// Serum potassium.
    #[serde(deserialize_with = "crate::json::objects")]
    pub potassium: Vec<LabEntry>,
    /// HBV DNA.
    #[serde(deserialize_with = "crate::json::objects")]
    pub hbv_dna: Vec<ViralLoad>,
    /// HCV RNA.
    #[serde(deserialize_with = "crate::json::objects")]
    pub hcv_rna: Vec<ViralLoad>,
    /// Hepatitis B surface antigen.
    #[serde(deserialize_with = "crate::json::objects")]
    pub hbsag: Vec<SerologyResult>,
    /// Antibodies to hepatitis C virus.
    #[serde(deserialize_with = "crate::json::objects")]
    pub anti_hcv: Vec<SerologyResult>,
}

/// One blood pressure reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BloodPressure {
    /// Date of the reading.
    #[serde(with = "crate::date::iso")]
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
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Its finding.
    pub finding: BiopsyFinding,
}

/// A medication course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medication {
    /// The name as entered (generic or brand, English or Chinese, with or without dose and
    /// form), classified through the medication table (`eligibility::medications`).
    pub name: String,
    /// Its ATC code, if known (`L04AD02`); classifies a name the table does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atc: Option<String>,
    /// Whether it is systemic (oral, IV). Topical and inhaled forms are not systemic. Left out:
    /// [`Medication::SYSTEMIC_UNLESS_SAID`].
    #[serde(default = "Medication::systemic_unless_said")]
    pub systemic: bool,
    /// First day taken.
    #[serde(with = "crate::date::iso")]
    pub start: NaiveDate,
    /// Last day taken; absent while ongoing.
    #[serde(default, with = "crate::date::iso_opt")]
    pub end: Option<NaiveDate>,
}

impl Medication {
    /// A course whose record does not say whether it is systemic is taken as systemic: the
    /// immunosuppressant exclusion asks about systemic use, and a course entered without the
    /// route is far more often oral or IV than topical (`docs/interpretation.md`, "Systemic
    /// unless said"). Every reader of records (JSON, Arrow) fills the field with this.
    pub const SYSTEMIC_UNLESS_SAID: bool = true;

    fn systemic_unless_said() -> bool {
        Self::SYSTEMIC_UNLESS_SAID
    }
}

/// A condition of the medical history that some criterion asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// Myocardial infarction (dated by `onset`).
    MyocardialInfarction,
    /// Acute coronary syndrome other than a myocardial infarction (dated by `onset`).
    AcuteCoronarySyndrome,
    /// Severe valvular heart disease (ACC/AHA stage C or D).
    SevereValvularDisease,
}

impl ConditionKind {
    /// Its name in words (`atrial fibrillation`), as reasons write it.
    pub fn label(self) -> &'static str {
        match self {
            ConditionKind::AtrialFibrillation => "atrial fibrillation",
            ConditionKind::CongenitalHeartDisease => "congenital heart disease",
            ConditionKind::HeartFailure => "heart failure",
            ConditionKind::UnstableAngina => "unstable angina",
            ConditionKind::CerebralHaemorrhage => "cerebral haemorrhage",
            ConditionKind::CerebralInfarction => "cerebral infarction",
            ConditionKind::LacunarInfarction => "lacunar infarction",
            ConditionKind::Malignancy => "malignancy",
            ConditionKind::ActiveTuberculosis => "active tuberculosis",
            ConditionKind::Hiv => "hiv",
            ConditionKind::SevereImmunodeficiency => "severe immunodeficiency",
            ConditionKind::BloodProductAllergy => "blood product allergy",
            ConditionKind::HeterologousProteinAllergy => "heterologous protein allergy",
            ConditionKind::Hyperkalaemia => "hyperkalaemia",
            ConditionKind::ActiveInfection => "active infection",
            ConditionKind::MyocardialInfarction => "myocardial infarction",
            ConditionKind::AcuteCoronarySyndrome => "acute coronary syndrome",
            ConditionKind::SevereValvularDisease => "severe valvular disease",
        }
    }
}

impl From<ConditionKind> for crate::evaluation::Arg {
    fn from(c: ConditionKind) -> Self {
        crate::evaluation::Arg::Text(c.label())
    }
}

/// A dated condition with the attributes the criteria need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// What it is.
    pub condition: ConditionKind,
    /// Onset or diagnosis date; absent if not known.
    #[serde(default, with = "crate::date::iso_opt")]
    pub onset: Option<NaiveDate>,
    /// Date resolved (cured, ended); absent while ongoing.
    #[serde(default, with = "crate::date::iso_opt")]
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
    #[serde(with = "crate::date::iso")]
    pub start: NaiveDate,
    /// Last day; absent while ongoing.
    #[serde(default, with = "crate::date::iso_opt")]
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
    #[serde(with = "crate::date::iso")]
    pub date_of_birth: NaiveDate,
    /// The screening date, taken as the enrolment date for look-backs.
    #[serde(with = "crate::date::iso")]
    pub screening_date: NaiveDate,
    /// Diagnosed type 2 diabetes.
    #[serde(default)]
    pub type2_diabetes: Option<bool>,
    /// The most recent kidney biopsy.
    #[serde(default, deserialize_with = "crate::json::optional_object")]
    pub kidney_biopsy: Option<KidneyBiopsy>,
    /// A kidney disease not caused by diabetes (clinical diagnosis).
    #[serde(default)]
    pub non_diabetic_kidney_disease: Option<bool>,
    /// Lab series.
    #[serde(default, deserialize_with = "crate::json::object")]
    pub labs: Labs,
    /// Blood pressure readings.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub blood_pressures: Vec<BloodPressure>,
    /// Medications; absent if the history was not taken.
    #[serde(default, deserialize_with = "crate::json::optional_objects")]
    pub medications: Option<Vec<Medication>>,
    /// Medical history; absent if not taken.
    #[serde(default, deserialize_with = "crate::json::optional_objects")]
    pub conditions: Option<Vec<Condition>>,
    /// Lactating (women).
    #[serde(default)]
    pub lactating: Option<bool>,
    /// Currently pregnant (women).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnant: Option<bool>,
    /// A pregnancy or egg-donation plan during the study and follow-up (women).
    #[serde(default)]
    pub pregnancy_or_egg_donation_plan: Option<bool>,
    /// A childbearing or sperm-donation plan (of the man or his partner) during the study,
    /// without willingness to use contraception (men).
    #[serde(default)]
    pub childbearing_plan_without_contraception: Option<bool>,
    /// Other clinical trials; absent if not asked.
    #[serde(default, deserialize_with = "crate::json::optional_objects")]
    pub other_trials: Option<Vec<TrialParticipation>>,
    /// Written informed consent given.
    #[serde(default)]
    pub informed_consent: Option<bool>,
    /// The investigator deems the candidate not suitable.
    #[serde(default)]
    pub investigator_deems_unsuitable: Option<bool>,
}

impl ScreeningRecord {
    /// Writes the record as JSON, in the form [`ScreeningRecord::from_json`] reads back to the
    /// same record. Values are not checked (a record that screening would refuse can still be
    /// stored), but the text is read back once: a number JSON cannot hold (NaN, an infinity,
    /// which serde_json would write as `null`) is refused.
    ///
    /// # Errors
    /// [`RecordError::Malformed`] at the path of a NaN or infinite number.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ScreeningRecord;
    /// let r = ScreeningRecord::from_json(r#"{"id": "P", "sex": "M", "date_of_birth": "1960-01-01", "screening_date": "2025-06-01"}"#)?;
    /// assert_eq!(ScreeningRecord::from_json(&r.to_json()?)?, r);
    /// # Ok::<(), amimestrocel_dkd::eligibility::RecordError>(())
    /// ```
    pub fn to_json(&self) -> Result<String, RecordError> {
        // Plain data: serde_json fails on it only if memory does, and then the error is typed.
        let json = serde_json::to_string(self)
            .map_err(|e| RecordError::Malformed { path: ".".into(), reason: e.to_string() })?;
        ScreeningRecord::from_json(&json)?;
        Ok(json)
    }

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
        let de = &mut serde_json::Deserializer::from_str(text);
        if let Ok(record) = crate::json::object::<_, ScreeningRecord>(&mut *de) {
            if de.end().is_ok() {
                return Ok(record);
            }
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut track = serde_path_to_error::Track::new();
        let read =
            crate::json::object::<_, ScreeningRecord>(serde_path_to_error::Deserializer::new(&mut *de, &mut track));
        let record = read.map_err(|e| {
            let path = crate::json::field_path(&track.path());
            // The path is the better place than serde_json's line and column; the reason never
            // repeats the value (crate::json).
            RecordError::Malformed { path, reason: crate::json::describe(&e) }
        })?;
        // One text is one record: anything after it (a second record, stray text) is refused,
        // never dropped.
        de.end().map_err(|e| RecordError::Malformed { path: ".".to_owned(), reason: crate::json::describe_at(&e) })?;
        Ok(record)
    }

    /// The `id` of a record given as JSON text, if the text is a JSON object whose `id` is a
    /// string, whatever else is wrong with it: so that a refused record can still be named
    /// by its id beside its error.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ScreeningRecord;
    /// assert_eq!(ScreeningRecord::id_in_json(r#"{"id": "P-7", "sex": "x"}"#).as_deref(), Some("P-7"));
    /// assert_eq!(ScreeningRecord::id_in_json(r#"{"id": 7}"#), None);
    /// assert_eq!(ScreeningRecord::id_in_json("not json"), None);
    /// ```
    pub fn id_in_json(text: &str) -> Option<String> {
        #[derive(Deserialize)]
        struct IdOnly {
            id: Option<serde_json::Value>,
        }
        let found: IdOnly = crate::json::object(&mut serde_json::Deserializer::from_str(text)).ok()?;
        match found.id? {
            serde_json::Value::String(id) => Some(id),
            _ => None,
        }
    }

    /// Checks every value and date; see the module documentation.
    ///
    /// # Errors
    /// The first [`RecordError`] found, in field order.
    pub fn validate(&self) -> Result<(), RecordError> {
        self.check().map(|_| ())
    }

    /// Checks every value and date (see the module documentation) and gives the record with
    /// what the checks found: the age on the screening date, and every lab value and blood
    /// pressure reading as a typed measurement. The criteria read that, never the text again.
    ///
    /// # Errors
    /// The first [`RecordError`] found, in field order.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ScreeningRecord;
    /// let r = ScreeningRecord::from_json(r#"{"id": "P", "sex": "F", "date_of_birth": "1962-07-15",
    ///     "screening_date": "2025-06-01", "labs": {"uacr": [{"date": "2025-05-20", "value": 113.12, "unit": "mg/mmol"}]}}"#)?;
    /// let checked = r.check()?;
    /// assert_eq!(checked.age.years(), 62);
    /// assert!((checked.labs.uacr[0].value.canonical() - 1000.0).abs() < 1e-9);
    /// # Ok::<(), amimestrocel_dkd::eligibility::RecordError>(())
    /// ```
    pub fn check(&self) -> Result<CheckedRecord<'_>, RecordError> {
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
        let Ok(age) = Age::on(self.date_of_birth, screening) else {
            return Err(RecordError::Invalid {
                path: "date_of_birth".into(),
                reason: format!("gives an age above {} years on the screening date", Age::MAX_YEARS),
            });
        };
        if let Some(b) = &self.kidney_biopsy {
            not_after(b.date, &|| "kidney_biopsy.date".into())?;
        }
        let labs = CheckedLabs {
            urine_protein_24h: checked_lab("urine_protein_24h", &self.labs.urine_protein_24h, screening)?,
            uacr: checked_lab("uacr", &self.labs.uacr, screening)?,
            creatinine: checked_lab("creatinine", &self.labs.creatinine, screening)?,
            cystatin_c: checked_lab("cystatin_c", &self.labs.cystatin_c, screening)?,
            hba1c: checked_lab("hba1c", &self.labs.hba1c, screening)?,
            triglycerides: checked_lab("triglycerides", &self.labs.triglycerides, screening)?,
            ldl_cholesterol: checked_lab("ldl_cholesterol", &self.labs.ldl_cholesterol, screening)?,
            potassium: checked_lab("potassium", &self.labs.potassium, screening)?,
        };
        for (name, series) in [("hbv_dna", &self.labs.hbv_dna), ("hcv_rna", &self.labs.hcv_rna)] {
            for (i, v) in series.iter().enumerate() {
                not_after(v.date, &|| format!("labs.{name}[{i}].date"))?;
                if !v.value.is_finite() || v.value < 0.0 {
                    return Err(RecordError::Invalid {
                        path: format!("labs.{name}[{i}].value"),
                        reason: "must be a finite, non-negative number".into(),
                    });
                }
                // A load is compared with its lab's upper limit of normal: a limit of 0 makes
                // every load "infinitely" above or exactly at it, which no lab reports.
                let uln = v.upper_limit_of_normal;
                if !uln.is_finite() || uln <= 0.0 {
                    return Err(RecordError::Invalid {
                        path: format!("labs.{name}[{i}].upper_limit_of_normal"),
                        reason: "must be a finite number above 0".into(),
                    });
                }
            }
        }
        let mut readings = SmallVec::new();
        for (i, bp) in self.blood_pressures.iter().enumerate() {
            not_after(bp.date, &|| format!("blood_pressures[{i}].date"))?;
            let systolic = SystolicBp::entered(bp.systolic, &bp.unit)
                .map_err(|source| RecordError::Lab { path: format!("blood_pressures[{i}].systolic"), source })?;
            let diastolic = DiastolicBp::entered(bp.diastolic, &bp.unit)
                .map_err(|source| RecordError::Lab { path: format!("blood_pressures[{i}].diastolic"), source })?;
            readings.push(CheckedReading { index: i, date: bp.date, systolic, diastolic });
        }
        for (name, series) in [("hbsag", &self.labs.hbsag), ("anti_hcv", &self.labs.anti_hcv)] {
            for (i, v) in series.iter().enumerate() {
                not_after(v.date, &|| format!("labs.{name}[{i}].date"))?;
            }
        }
        for (i, m) in self.medications.iter().flatten().enumerate() {
            not_after(m.start, &|| format!("medications[{i}].start"))?;
            if m.atc.as_deref().is_some_and(|code| !super::medications::is_atc_code(code.trim())) {
                return Err(RecordError::Invalid {
                    path: format!("medications[{i}].atc"),
                    reason: "is not an ATC code (a letter, two digits, two letters, two digits, or an upper level)"
                        .into(),
                });
            }
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
        Ok(CheckedRecord { record: self, age, labs, blood_pressures: readings })
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

/// A screening record with what checking it found: made only by [`ScreeningRecord::check`],
/// so holding one means every value and date of the record is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRecord<'r> {
    /// The record as entered.
    pub record: &'r ScreeningRecord,
    /// Age in completed years on the screening date.
    pub age: Age,
    /// Every lab series, checked.
    pub labs: CheckedLabs,
    /// Every blood pressure reading, checked.
    pub blood_pressures: SmallVec<[CheckedReading; 2]>,
}

/// Checks the dates of a lab series (none after screening), then its values for `A`; errors
/// name the entry (`labs.uacr[1].date`, `labs.uacr[1]`), dates first, in field order.
fn checked_lab<A: Analyte>(
    name: &str,
    series: &[LabEntry],
    screening: NaiveDate,
) -> Result<CheckedSeries<A>, RecordError> {
    if let Some(i) = series.iter().position(|e| e.date > screening) {
        return Err(RecordError::AfterScreening { path: format!("labs.{name}[{i}].date") });
    }
    check_lab_series(series).map_err(|(i, source)| RecordError::Lab { path: format!("labs.{name}[{i}]"), source })
}

/// The lab series of a record, each entry a typed value of its analyte (see [`Labs`] for the
/// fields).
#[derive(Debug, Clone, PartialEq, Default)]
#[allow(missing_docs)]
pub struct CheckedLabs {
    pub urine_protein_24h: CheckedSeries<UrineProtein>,
    pub uacr: CheckedSeries<AlbuminCreatinineRatio>,
    pub creatinine: CheckedSeries<Creatinine>,
    pub cystatin_c: CheckedSeries<CystatinCMarker>,
    pub hba1c: CheckedSeries<GlycatedHaemoglobin>,
    pub triglycerides: CheckedSeries<Triglyceride>,
    pub ldl_cholesterol: CheckedSeries<LdlC>,
    pub potassium: CheckedSeries<PotassiumIon>,
}

/// A blood pressure reading, checked: its index in the record, its date, and both pressures
/// as typed values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckedReading {
    /// Its index in `blood_pressures`.
    pub index: usize,
    /// Date of the reading.
    pub date: NaiveDate,
    /// Systolic pressure.
    pub systolic: SystolicBp,
    /// Diastolic pressure.
    pub diastolic: DiastolicBp,
}

impl Dated for CheckedReading {
    fn date(&self) -> NaiveDate {
        self.date
    }
}
