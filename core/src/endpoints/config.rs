//! The readings of the endpoints where the protocol is silent, each a named parameter with a
//! default argued in `docs/interpretation.md`, "Endpoints".

use serde::{Deserialize, Serialize};

use super::stats::{KmInterval, QuantileMethod};
use super::EndpointError;
use crate::egfr::{EgfrEquation, PROTOCOL_DEFAULT_EQUATION};
use crate::lab::{AnalyteKind, Unit};

/// Whether a ≥ 50 % eGFR decline must be confirmed to count for the renal composite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Confirmation {
    /// One eGFR at or below the threshold counts, as the registry words it.
    #[default]
    None,
    /// The next eGFR at least `days` later must also be at or below the threshold; the event
    /// date is the first one's. A decline with no such later value is reported as unconfirmed
    /// and does not count.
    After {
        /// Days between the two values, at least.
        days: u32,
    },
}

/// Which adverse events are treatment-emergent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentEmergent {
    /// An event that starts on or after the day of the first infusion (an event starting on day
    /// 1 counts: onset time is not recorded).
    #[default]
    OnOrAfterFirstInfusion,
    /// An event that starts after the day of the first infusion.
    AfterFirstInfusion,
}

/// What a visit's analysis value is when its window holds several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VisitValue {
    /// The value nearest the visit's target date; of two equally near, the earlier; of two on
    /// one date, the later entered (a correction).
    #[default]
    NearestTarget,
    /// The last value in the window (of two on one date, the later entered).
    LastInWindow,
}

/// What a visit without a value contributes to the summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MissingRule {
    /// Nothing: the visit is missing, counted in the summary's `missing` (no imputation).
    #[default]
    ObservedOnly,
    /// The last post-baseline analysis value before the visit is carried forward, in a row
    /// flagged `DTYPE = "LOCF"`, for a visit whose window has closed by the last contact.
    LastObservationCarriedForward,
}

/// How the cohort summary of UACR change is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UacrSummary {
    /// The geometric mean of the ratio to baseline, from the mean of log ratios, with its t
    /// interval (UACR is log-normal; the usual analysis).
    #[default]
    GeometricRatio,
    /// The arithmetic mean of change and percent change, as for other parameters.
    Arithmetic,
}

/// When a participant counts as followed to a visit: at a landmark (known there) and at the end
/// of follow-up (`EOSSTT = COMPLETED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FollowedTo {
    /// Once the last contact reaches the visit's window: a participant seen at the visit, even
    /// before its target date, has been followed to it.
    #[default]
    VisitWindow,
    /// Only once the last contact reaches the visit's target date.
    TargetDate,
}

impl FollowedTo {
    /// The first date of contact that counts as followed to `visit`.
    pub fn from(self, visit: &crate::schedule::ScheduledVisit) -> chrono::NaiveDate {
        match self {
            FollowedTo::VisitWindow => visit.window_first,
            FollowedTo::TargetDate => visit.target,
        }
    }
}

/// How MACE reads a death whose cause is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnknownCauseDeath {
    /// Not a cardiovascular death: it censors MACE at its date.
    #[default]
    NotCardiovascular,
    /// A cardiovascular death, as many clinical-events committees presume an undetermined
    /// death to be: it is a MACE event.
    Cardiovascular,
}

/// What the renal composite does with renal failure recorded before study day 1 (an ESRD
/// diagnosis or the start of renal replacement therapy dated before the first infusion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PrevalentRenalFailure {
    /// Refused as an error naming the field: the participant was in the composite's outcome
    /// before dosing, which the eligibility criteria rule out, so the date is most likely wrong.
    #[default]
    Refuse,
    /// The participant's renal composite is not evaluable (left empty, as without a baseline
    /// eGFR): no time at risk after day 1.
    NotEvaluable,
}

/// Which eGFR feeds the renal composite and the slope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EgfrSource {
    /// Recomputed from creatinine (and cystatin C) with [`EndpointConfig::egfr_equation`].
    #[default]
    Recomputed,
    /// As the lab reported it (lab equations differ; only if a site's analysis plan says so).
    LabReported,
}

/// The readings of the endpoints. JSON: every field optional, defaults as below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointConfig {
    /// The baseline is the last value on or before study day 1 within this many days before
    /// it (default 28, the baseline visit's window).
    pub baseline_look_back_days: u32,
    /// The equation eGFR is recomputed with (default CKD-EPI 2021 creatinine, the protocol's).
    pub egfr_equation: EgfrEquation,
    /// Which eGFR the renal composite and the slope read.
    pub egfr_source: EgfrSource,
    /// The unit HbA1c is analysed in (default `%`, NGSP, as Chinese labs report it).
    pub hba1c_unit: Unit,
    /// Which value of a window is the visit's.
    pub visit_value: VisitValue,
    /// Missing visits in summaries.
    pub missing: MissingRule,
    /// The fraction of decline from baseline that is an event (default 0.5, "≥ 50 %").
    pub decline_fraction: f64,
    /// Whether the decline must be confirmed.
    pub confirmation: Confirmation,
    /// An eGFR below this (mL/min/1.73 m²) also counts as ESRD, besides a recorded diagnosis
    /// (default none: ESRD as the site records it).
    pub esrd_egfr_below: Option<f64>,
    /// The fewest eGFR values a slope is fitted to (default 3).
    pub slope_min_points: usize,
    /// Adverse events are collected for this many days after day 1 (default 196: 28 weeks;
    /// an event starting up to day 1 + 196 days counts).
    pub ae_window_days: u32,
    /// Which adverse events are treatment-emergent.
    pub treatment_emergent: TreatmentEmergent,
    /// Malignancies are counted up to this many calendar months after day 1 (default 24).
    pub malignancy_window_months: u32,
    /// The visits at which outcome proportions are reported (default week 28, months 12, 18
    /// and 24: "at 28 weeks and then every 6 months … up to 24 months").
    pub landmarks: Vec<String>,
    /// The visit whose target ends follow-up for time-to-event (default `m24`): later events
    /// are not counted and follow-up is censored there.
    pub follow_up_end: String,
    /// When a participant counts as followed to a landmark or to `follow_up_end`.
    pub followed_to: FollowedTo,
    /// How MACE reads a death of unknown cause.
    pub unknown_cause_death: UnknownCauseDeath,
    /// What the renal composite does with ESRD or renal replacement dated before day 1.
    pub prevalent_renal_failure: PrevalentRenalFailure,
    /// Confidence level of every interval (default 0.95).
    pub level: f64,
    /// Sample quantiles of the summaries.
    pub quantile_method: QuantileMethod,
    /// Kaplan–Meier intervals.
    pub km_interval: KmInterval,
    /// How UACR change is summarised.
    pub uacr_summary: UacrSummary,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        EndpointConfig {
            baseline_look_back_days: 28,
            egfr_equation: PROTOCOL_DEFAULT_EQUATION,
            egfr_source: EgfrSource::Recomputed,
            hba1c_unit: Unit::Percent,
            visit_value: VisitValue::NearestTarget,
            missing: MissingRule::ObservedOnly,
            decline_fraction: 0.5,
            confirmation: Confirmation::None,
            esrd_egfr_below: None,
            slope_min_points: 3,
            ae_window_days: 196,
            treatment_emergent: TreatmentEmergent::OnOrAfterFirstInfusion,
            malignancy_window_months: 24,
            landmarks: ["w28", "m12", "m18", "m24"].map(str::to_owned).to_vec(),
            follow_up_end: "m24".to_owned(),
            followed_to: FollowedTo::VisitWindow,
            unknown_cause_death: UnknownCauseDeath::NotCardiovascular,
            prevalent_renal_failure: PrevalentRenalFailure::Refuse,
            level: 0.95,
            quantile_method: QuantileMethod::Type7,
            km_interval: KmInterval::LogLog,
            uacr_summary: UacrSummary::GeometricRatio,
        }
    }
}

impl EndpointConfig {
    /// Reads a configuration from JSON (fields not given keep their defaults) and checks it.
    ///
    /// # Errors
    /// [`EndpointError::InvalidConfig`] naming the field, for text that is not such an object
    /// (an unknown reading, a wrong type) and for a reading out of range.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::endpoints::{Confirmation, EndpointConfig};
    /// let c = EndpointConfig::from_json(r#"{"confirmation": {"rule": "after", "days": 28}}"#)?;
    /// assert_eq!(c.confirmation, Confirmation::After { days: 28 });
    /// assert!(EndpointConfig::from_json(r#"{"decline_fraction": 1.5}"#).is_err());
    /// let unknown = EndpointConfig::from_json(r#"{"foo": 1}"#).unwrap_err();
    /// assert_eq!((unknown.kind(), unknown.path()), ("invalid_config", "foo"));
    /// # Ok::<(), amimestrocel_dkd::endpoints::EndpointError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<EndpointConfig, EndpointError> {
        // A configuration that does not read (an unknown reading, a wrong type) is the
        // configuration's error, as a value out of range is.
        let config: EndpointConfig =
            crate::json::read_config(text).map_err(|(path, reason)| EndpointError::InvalidConfig { path, reason })?;
        config.check()?;
        Ok(config)
    }

    /// Checks the readings' ranges.
    ///
    /// # Errors
    /// [`EndpointError::InvalidConfig`] naming the field.
    pub fn check(&self) -> Result<(), EndpointError> {
        let bad = |path: &str, reason: &str| {
            Err(EndpointError::InvalidConfig { path: path.to_owned(), reason: reason.to_owned() })
        };
        if !(self.decline_fraction > 0.0 && self.decline_fraction < 1.0) {
            return bad("decline_fraction", "must be between 0 and 1");
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return bad("level", "must be between 0 and 1");
        }
        if self.slope_min_points < 2 {
            return bad("slope_min_points", "a line needs at least 2 points");
        }
        if self.esrd_egfr_below.is_some_and(|v| !(v.is_finite() && v > 0.0)) {
            return bad("esrd_egfr_below", "must be a positive number");
        }
        if !AnalyteKind::Hba1c.fits(self.hba1c_unit) {
            return bad("hba1c_unit", "is not a unit of HbA1c (% or mmol/mol)");
        }
        if self.landmarks.is_empty() {
            return bad("landmarks", "at least one visit is needed");
        }
        Ok(())
    }
}
