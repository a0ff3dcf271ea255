//! The protocol configuration: every threshold and look-back of the eligibility criteria as a
//! named, typed parameter. The defaults are the registry text's values, read as argued in
//! `docs/interpretation.md`; the configuration is versioned and serialisable, so that a
//! screening result can say under which reading it was made.

use serde::{Deserialize, Serialize};

use crate::demographics::Age;
use crate::egfr::EgfrEquation;
use crate::evaluation::{Bound, Threshold};
use crate::lab::{
    AlbuminCreatinineRatio, Diastolic, EgfrPer173, GlycatedHaemoglobin, LdlC, PotassiumIon, Systolic, Triglyceride,
    Unit, UrineProtein,
};
pub use crate::study_time::DayWindow;

/// How "the duration of treatment exceeds one week" is read for an immunosuppressant course
/// (`docs/interpretation.md`, "Course length").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExposureReading {
    /// The course, from its first to its last day (the screening date if ongoing), is longer
    /// than the minimum, and it reaches into the look-back window.
    CourseLength,
    /// The days of the course that fall inside the look-back window are more than the minimum.
    DaysInWindow,
}

/// Which medication entries make one course of treatment (`docs/interpretation.md`, "Course
/// length").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseJoining {
    /// Counted entries that overlap or follow on the next day are one course, whichever
    /// immunosuppressants they name (a dose change or a switch splits one treatment into
    /// entries).
    Joined,
    /// Each entry is a course of its own (readings-2).
    EachEntry,
}

/// What a kidney biopsy older than the look-back says (`docs/interpretation.md`, "A biopsy
/// older than 10 years").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleBiopsy {
    /// The diagnosis is older than the window: the inclusion is not met (a new biopsy can
    /// be recorded and the candidate screened again).
    NotMet,
    /// The inclusion is unknown, as for a lab value older than its look-back.
    Unknown,
}

/// The protocol configuration (see the module documentation). Every field has the protocol's
/// value as default; `version` names the reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProtocolConfig {
    /// Names this set of readings; results carry it.
    pub version: String,
    /// Youngest age, inclusive, on the screening date.
    pub age_min_years: u32,
    /// Oldest age, inclusive.
    pub age_max_years: u32,
    /// How far back a kidney biopsy counts, years.
    pub biopsy_lookback_years: u32,
    /// What a biopsy older than the look-back says.
    pub biopsy_beyond_lookback: StaleBiopsy,
    /// 24-hour urine protein threshold every counted measurement must pass.
    #[serde(deserialize_with = "crate::json::object")]
    pub urine_protein: Threshold<UrineProtein>,
    /// "Continuously": how many 24-hour urine protein measurements are needed.
    pub urine_protein_min_measurements: usize,
    /// "Continuously": the window, days before screening, in which they are counted.
    pub urine_protein_window_days: u32,
    /// "Continuously": the fewest days between the collection dates of two measurements that
    /// both count (0: distinct dates suffice; measurements of one date always count once).
    pub urine_protein_min_spacing_days: u32,
    /// UACR threshold (on the latest value in its look-back).
    #[serde(deserialize_with = "crate::json::object")]
    pub uacr: Threshold<AlbuminCreatinineRatio>,
    /// UACR look-back, days.
    pub uacr_lookback_days: u32,
    /// The eGFR threshold.
    #[serde(deserialize_with = "crate::json::object")]
    pub egfr: Threshold<EgfrPer173>,
    /// The equation that reads "CKD-EPI formula".
    pub egfr_equation: EgfrEquation,
    /// Creatinine (and cystatin C) look-back for eGFR, days.
    pub egfr_lookback_days: u32,
    /// Systolic threshold for "can be controlled".
    #[serde(deserialize_with = "crate::json::object")]
    pub systolic: Threshold<Systolic>,
    /// Diastolic threshold for "can be controlled".
    #[serde(deserialize_with = "crate::json::object")]
    pub diastolic: Threshold<Diastolic>,
    /// Blood pressure look-back, days.
    pub bp_lookback_days: u32,
    /// How many of the most recent readings in the look-back are averaged (1: the latest).
    pub bp_readings_averaged: usize,
    /// HbA1c threshold.
    #[serde(deserialize_with = "crate::json::object")]
    pub hba1c: Threshold<GlycatedHaemoglobin>,
    /// HbA1c look-back, days.
    pub hba1c_lookback_days: u32,
    /// Systemic immunosuppressant look-back before enrolment, days.
    pub immunosuppressant_lookback_days: u32,
    /// A course must exceed this many days (as `immunosuppressant_exposure` reads it) to
    /// exclude: "exceeds one week".
    pub immunosuppressant_min_exposure_days: u32,
    /// How the course length is read.
    pub immunosuppressant_exposure: ExposureReading,
    /// Which entries make one course.
    pub immunosuppressant_courses: CourseJoining,
    /// Names a site counts as systemic immunosuppressants besides the bundled table (read as
    /// the table reads names). `immunosuppressants`, the name of earlier versions, is read too.
    #[serde(alias = "immunosuppressants")]
    pub immunosuppressant_extra_names: Vec<String>,
    /// Names a site has reviewed and marks as not counting (a medication the table does not
    /// know, which would otherwise leave the criterion unknown).
    pub not_immunosuppressant_names: Vec<String>,
    /// Whether systemic glucocorticoids count as immunosuppressants.
    pub count_glucocorticoids: bool,
    /// Stroke look-back, months.
    pub stroke_lookback_months: u32,
    /// Triglyceride threshold for severe hyperlipidaemia (excludes when met).
    #[serde(deserialize_with = "crate::json::object")]
    pub triglycerides: Threshold<Triglyceride>,
    /// LDL-C threshold for severe hyperlipidaemia (excludes when met).
    #[serde(deserialize_with = "crate::json::object")]
    pub ldl_cholesterol: Threshold<LdlC>,
    /// Lipid look-back, days.
    pub lipid_lookback_days: u32,
    /// The potassium level above which a candidate with no hyperkalaemia recorded is held
    /// unknown for the hyperkalaemia exclusion (default > 5.5 mmol/L).
    #[serde(deserialize_with = "crate::json::object")]
    pub potassium: Threshold<PotassiumIon>,
    /// Potassium look-back, days.
    pub potassium_lookback_days: u32,
    /// HBV DNA / HCV RNA (and serology) look-back, days.
    pub viral_load_lookback_days: u32,
    /// A negative HBsAg (anti-HCV) within the look-back rules out active hepatitis B (C)
    /// when no viral load is known; a positive one then needs the viral load.
    pub negative_serology_rules_out_hepatitis: bool,
    /// Malignancy look-back, years.
    pub malignancy_lookback_years: u32,
    /// Active infection with IV antibiotics look-back, days.
    pub iv_antibiotics_lookback_days: u32,
    /// Other interventional trial look-back, months.
    pub other_trial_lookback_months: u32,
    /// NYHA classes that count as severe (III–IV).
    pub nyha_min_class: u8,
    /// A myocardial infarction or acute coronary syndrome within this many months counts as a
    /// severe cardiovascular disease.
    pub recent_acs_lookback_months: u32,
    /// A current pregnancy excludes (beyond the registry text, which names lactation and
    /// pregnancy plans).
    pub current_pregnancy_excludes: bool,
    /// How a look-back of N days is counted.
    pub day_window: DayWindow,
}

/// The longest look-back in days a configuration accepts (ten years).
pub const MAX_LOOKBACK_DAYS: u64 = 3_650;
/// The longest look-back in months a configuration accepts (ten years).
pub const MAX_LOOKBACK_MONTHS: u64 = 120;
/// The longest look-back in years a configuration accepts.
pub const MAX_LOOKBACK_YEARS: u64 = 100;
/// The largest count (of measurements, of readings) a configuration accepts.
pub const MAX_COUNT: usize = 50;

/// The version string of the default readings.
pub const DEFAULT_CONFIG_VERSION: &str = "nct06969807-registry-2025/readings-3";

impl Default for ProtocolConfig {
    fn default() -> Self {
        use Bound::*;
        ProtocolConfig {
            version: DEFAULT_CONFIG_VERSION.to_owned(),
            age_min_years: 45,
            age_max_years: 80,
            biopsy_lookback_years: 10,
            biopsy_beyond_lookback: StaleBiopsy::NotMet,
            urine_protein: const { Threshold::must(AtLeast, 3.5, Unit::GramPer24Hours) },
            urine_protein_min_measurements: 2,
            urine_protein_window_days: 90,
            urine_protein_min_spacing_days: 7,
            uacr: const { Threshold::must(Above, 1000.0, Unit::MilligramPerGram) },
            uacr_lookback_days: 90,
            egfr: const { Threshold::must(AtLeast, 20.0, Unit::MilliliterPerMinutePer173SquareMeter) },
            egfr_equation: crate::egfr::PROTOCOL_DEFAULT_EQUATION,
            egfr_lookback_days: 30,
            systolic: const { Threshold::must(AtMost, 160.0, Unit::MillimeterOfMercury) },
            diastolic: const { Threshold::must(AtMost, 100.0, Unit::MillimeterOfMercury) },
            bp_lookback_days: 30,
            bp_readings_averaged: 1,
            hba1c: const { Threshold::must(Below, 9.0, Unit::Percent) },
            hba1c_lookback_days: 90,
            immunosuppressant_lookback_days: 30,
            immunosuppressant_min_exposure_days: 7,
            immunosuppressant_exposure: ExposureReading::CourseLength,
            immunosuppressant_courses: CourseJoining::Joined,
            immunosuppressant_extra_names: Vec::new(),
            not_immunosuppressant_names: Vec::new(),
            count_glucocorticoids: false,
            stroke_lookback_months: 6,
            triglycerides: const { Threshold::must(AtLeast, 6.2, Unit::MillimolePerLiter) },
            ldl_cholesterol: const { Threshold::must(AtLeast, 4.1, Unit::MillimolePerLiter) },
            lipid_lookback_days: 90,
            potassium: const { Threshold::must(Above, 5.5, Unit::MillimolePerLiter) },
            potassium_lookback_days: 30,
            viral_load_lookback_days: 90,
            negative_serology_rules_out_hepatitis: true,
            malignancy_lookback_years: 5,
            iv_antibiotics_lookback_days: 7,
            other_trial_lookback_months: 3,
            nyha_min_class: 3,
            recent_acs_lookback_months: 6,
            current_pregnancy_excludes: true,
            day_window: DayWindow::ElapsedDays,
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration field `{field}`: {reason}")]
pub struct ConfigError {
    /// The field path (`uacr.unit`, `.` for the document).
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl ConfigError {
    fn at(field: &str, reason: impl Into<String>) -> Self {
        ConfigError { field: field.to_owned(), reason: reason.into() }
    }
}

impl ProtocolConfig {
    /// Reads a configuration from JSON. Absent fields take the protocol's defaults. If
    /// `version` is absent but a reading differs from the defaults, the version becomes
    /// `<default version>+custom`, so that no result claims the default readings it did not use.
    ///
    /// # Errors
    /// [`ConfigError`] naming the field path, for malformed JSON, an unknown field, a wrong type
    /// or an inconsistent value ([`ProtocolConfig::validate`]).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ProtocolConfig;
    /// let c = ProtocolConfig::from_json(r#"{"urine_protein_min_measurements": 3}"#)?;
    /// assert_eq!(c.version, "nct06969807-registry-2025/readings-3+custom");
    /// assert_eq!(ProtocolConfig::from_json(r#"{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}"#)
    ///     .unwrap_err().field, "uacr");
    /// # Ok::<(), amimestrocel_dkd::eligibility::ConfigError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<ProtocolConfig, ConfigError> {
        let mut config: ProtocolConfig =
            crate::json::read_config(text).map_err(|(path, reason)| ConfigError::at(&path, reason))?;
        let named = serde_json::from_str::<serde_json::Value>(text).ok().is_some_and(|v| v.get("version").is_some());
        if !named && config != ProtocolConfig::default() {
            config.version = format!("{DEFAULT_CONFIG_VERSION}+custom");
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks that the ranges, counts and names make sense (each threshold's unit fits its
    /// analyte by its type).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.age_min_years > self.age_max_years {
            return Err(ConfigError::at("age_min_years", "is above age_max_years"));
        }
        // Every count and look-back within a range that means something: a look-back longer
        // than a lifetime, or a count of thousands, is a slip (and date arithmetic on it could
        // only overflow).
        let ranges: [(&str, u64, (u64, u64)); 20] = [
            ("age_min_years", self.age_min_years.into(), (0, Age::MAX_YEARS.into())),
            ("age_max_years", self.age_max_years.into(), (0, Age::MAX_YEARS.into())),
            ("biopsy_lookback_years", self.biopsy_lookback_years.into(), (1, MAX_LOOKBACK_YEARS)),
            ("malignancy_lookback_years", self.malignancy_lookback_years.into(), (1, MAX_LOOKBACK_YEARS)),
            ("stroke_lookback_months", self.stroke_lookback_months.into(), (1, MAX_LOOKBACK_MONTHS)),
            ("other_trial_lookback_months", self.other_trial_lookback_months.into(), (1, MAX_LOOKBACK_MONTHS)),
            ("urine_protein_window_days", self.urine_protein_window_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("uacr_lookback_days", self.uacr_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("egfr_lookback_days", self.egfr_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("bp_lookback_days", self.bp_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("hba1c_lookback_days", self.hba1c_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("immunosuppressant_lookback_days", self.immunosuppressant_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            (
                "immunosuppressant_min_exposure_days",
                self.immunosuppressant_min_exposure_days.into(),
                (0, MAX_LOOKBACK_DAYS),
            ),
            ("lipid_lookback_days", self.lipid_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("potassium_lookback_days", self.potassium_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("viral_load_lookback_days", self.viral_load_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("iv_antibiotics_lookback_days", self.iv_antibiotics_lookback_days.into(), (1, MAX_LOOKBACK_DAYS)),
            ("nyha_min_class", self.nyha_min_class.into(), (1, 4)),
            ("urine_protein_min_spacing_days", self.urine_protein_min_spacing_days.into(), (0, MAX_LOOKBACK_DAYS)),
            ("recent_acs_lookback_months", self.recent_acs_lookback_months.into(), (1, MAX_LOOKBACK_MONTHS)),
        ];
        for (field, value, (min, max)) in ranges {
            if !(min..=max).contains(&value) {
                return Err(ConfigError::at(field, format!("must be between {min} and {max}")));
            }
        }
        for (field, value) in [
            ("urine_protein_min_measurements", self.urine_protein_min_measurements),
            ("bp_readings_averaged", self.bp_readings_averaged),
        ] {
            if !(1..=MAX_COUNT).contains(&value) {
                return Err(ConfigError::at(field, format!("must be between 1 and {MAX_COUNT}")));
            }
        }
        // `screen` validates its configuration on every call: these text checks look at as few
        // characters as they can (a name whose first character is not white space is not blank).
        let blank = |text: &str| text.chars().next().is_none_or(char::is_whitespace) && text.trim().is_empty();
        let control = |text: &str| {
            text.bytes().any(|b| b.is_ascii_control()) || (!text.is_ascii() && text.chars().any(char::is_control))
        };
        if blank(&self.version) || self.version.len() > 200 || control(&self.version) {
            return Err(ConfigError::at("version", "must be 1–200 characters of text without control characters"));
        }
        for (field, names) in [
            ("immunosuppressant_extra_names", &self.immunosuppressant_extra_names),
            ("not_immunosuppressant_names", &self.not_immunosuppressant_names),
        ] {
            if let Some(i) = names.iter().position(|name| blank(name)) {
                return Err(ConfigError::at(&format!("{field}[{i}]"), "is empty"));
            }
        }
        if !self.egfr_equation.is_normalised() {
            return Err(ConfigError::at(
                "egfr_equation",
                "must give eGFR per 1.73 m² (Cockcroft–Gault gives a clearance)",
            ));
        }
        Ok(())
    }
}
