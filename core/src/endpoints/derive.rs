//! Analysis values of one participant: every checked value becomes a row of a BDS-style long
//! dataset ([`AnalysisRow`]) with its baseline, change, percent change and ratio to baseline;
//! one value per nominal visit is flagged for analysis (`ANL01FL`). The rules, in order:
//!
//! 1. **Baseline** (`ABLFL`): the last value on or before study day 1 and no more than
//!    [`EndpointConfig::baseline_look_back_days`] before it; of two on that date, the later
//!    entered. Values on day 1 are taken as before the infusion.
//! 2. **Visit**: a value after day 1 belongs to the visit that plans its assessment and whose
//!    window holds its date; in two windows, the visit whose target is nearer (the earlier of
//!    two as near). A value in no such window is unscheduled (`AVISIT` empty), kept, not
//!    analysed by visit.
//! 3. **Analysis value of a visit** (`ANL01FL`): by [`EndpointConfig::visit_value`].
//! 4. **Change**: `CHG = AVAL − BASE`, `PCHG = 100 · CHG / BASE` (none when BASE is 0),
//!    `R2BASE = AVAL / BASE`, on rows after day 1.
//!
//! eGFR is recomputed for every creatinine with [`EndpointConfig::egfr_equation`] (with the
//! cystatin C of the same date when the equation needs it) and the age on the sample's date;
//! a value that cannot be computed is listed in [`ParticipantEndpoints::unusable`] with the
//! reason, never dropped without a word.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::config::{EgfrSource, MissingRule, VisitValue};
use super::outcomes::{self, AdverseEventSummary, EventTime, Landmark};
use super::timeline::{CheckedTimeline, Eye};
use super::{EndpointConfig, EndpointError};
use crate::demographics::Age;
use crate::egfr::{estimate, EgfrEquation, EgfrInputs};
use crate::lab::{AnalyteKind, CystatinC, Measurement, SerumCreatinine, Uacr, Unit, UrineAlbumin, UrineCreatinine};
use crate::schedule::{Assessment, Calendar, ScheduleConfig, ScheduledVisit};

/// One row of the analysis dataset (ADaM BDS names in `docs/endpoints.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRow {
    /// USUBJID.
    pub usubjid: String,
    /// PARAMCD.
    pub paramcd: String,
    /// PARAM: the parameter with its unit.
    pub param: String,
    /// AVISIT: the visit id, none when unscheduled.
    pub avisit: Option<String>,
    /// ADT.
    #[serde(with = "crate::date::iso")]
    pub adt: NaiveDate,
    /// ADY: study day (day 1 the first infusion; the day before it is −1, as in SDTM).
    pub ady: i64,
    /// AVAL, in the parameter's unit.
    pub aval: f64,
    /// BASE.
    pub base: Option<f64>,
    /// CHG.
    pub chg: Option<f64>,
    /// PCHG, percent.
    pub pchg: Option<f64>,
    /// R2BASE.
    pub r2base: Option<f64>,
    /// ABLFL.
    pub ablfl: bool,
    /// ANL01FL: the visit's analysis value.
    pub anl01fl: bool,
    /// DTYPE: `LOCF` for a carried-forward row, none for an observed one.
    pub dtype: Option<String>,
    /// Where the value came from in the timeline (`labs[3]`; two for a computed value).
    pub src: String,
}

/// A value that could not be used, with the reason (an eGFR whose equation refused its inputs,
/// a cystatin C-based equation without a cystatin C of the same date, the data of a
/// participant never dosed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unusable {
    /// Where in the timeline.
    pub src: String,
    /// Why.
    pub reason: String,
}

/// The eGFR slope: ordinary least squares of eGFR on years since day 1 (a year of 365.25
/// days), from the baseline value on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Slope {
    /// mL/min/1.73 m² per year.
    pub per_year: f64,
    /// The fitted eGFR at day 1.
    pub intercept: f64,
    /// Values fitted.
    pub points: u32,
}

/// Everything derived for one participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantEndpoints {
    /// USUBJID.
    pub usubjid: String,
    /// Whether the participant was dosed (in the analysis set).
    pub dosed: bool,
    /// Study day 1.
    #[serde(with = "crate::date::iso_opt")]
    pub day_one: Option<NaiveDate>,
    /// Age in completed years on day 1 (at the last contact when not dosed).
    pub age: u32,
    /// The analysis rows.
    pub rows: Vec<AnalysisRow>,
    /// The eGFR slope, when enough values.
    pub egfr_slope: Option<Slope>,
    /// Time to the renal composite (≥ 50 % eGFR decline, ESRD, renal replacement).
    pub renal_composite: Option<EventTime>,
    /// A decline that was not confirmed (under a confirmation rule).
    #[serde(with = "crate::date::iso_opt")]
    pub unconfirmed_decline: Option<NaiveDate>,
    /// Time to MACE (CV death, MI, stroke, hospitalisation for HF).
    pub mace: Option<EventTime>,
    /// Time to death (any cause).
    pub death: Option<EventTime>,
    /// Time to a new malignancy, within its window.
    pub malignancy: Option<EventTime>,
    /// The outcomes at each landmark visit.
    pub landmarks: Vec<Landmark>,
    /// Adverse events by window.
    pub adverse_events: AdverseEventSummary,
    /// Whether a new malignancy was diagnosed within its window: none when follow-up ended
    /// before the window did without one.
    pub malignancy_within_window: Option<bool>,
    /// The visits a value is expected at: those whose window closed by the last contact, and
    /// every visit once follow-up ended by withdrawal or death (a visit without a value among
    /// them is missing, not "not due").
    pub visits_closed: Vec<String>,
    /// Subject-level values (ADSL).
    pub subject: SubjectLevel,
    /// Values not used, with the reason.
    pub unusable: Vec<Unusable>,
}

impl ParticipantEndpoints {
    /// A parameter's trend for the participant's own view: the baseline and every visit's
    /// analysis value, in date order (unscheduled and repeated values left out).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::endpoints::{derive, EndpointConfig, ParticipantTimeline};
    /// use amimestrocel_dkd::schedule::ScheduleConfig;
    /// let t = ParticipantTimeline::from_json(r#"{"schema_version": 1, "id": "P", "sex": "male",
    ///   "birth_date": "1958-01-01", "first_infusion": "2025-03-03", "last_contact": "2025-10-01",
    ///   "labs": [{"date": "2025-03-01", "analyte": "serum_creatinine", "value": 1.6, "unit": "mg/dL"},
    ///            {"date": "2025-09-14", "analyte": "serum_creatinine", "value": 1.5, "unit": "mg/dL"}]}"#)?.check()?;
    /// let p = derive(&t, &ScheduleConfig::bundled()?, &EndpointConfig::default())?;
    /// let trend = p.trend("EGFR");
    /// assert_eq!(trend.len(), 2);
    /// assert!(trend[1].chg.unwrap() > 0.0); // a lower creatinine, a higher eGFR
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trend(&self, paramcd: &str) -> Vec<&AnalysisRow> {
        let mut rows: Vec<&AnalysisRow> = self.rows.iter().filter(|r| r.paramcd == paramcd && r.anl01fl).collect();
        rows.sort_by_key(|r| r.adt);
        rows
    }
}

/// Subject-level values of the ADSL dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectLevel {
    /// SEX: `F` or `M`.
    pub sex: String,
    /// TRTEDT: the last infusion.
    #[serde(with = "crate::date::iso_opt")]
    pub last_infusion: Option<NaiveDate>,
    /// Infusions given.
    pub infusions: u32,
    /// EOSSTT: `COMPLETED` (followed to the end of follow-up), `DISCONTINUED` (withdrawn or
    /// died before it) or `ONGOING`.
    pub status: String,
    /// DTHDT.
    #[serde(with = "crate::date::iso_opt")]
    pub death: Option<NaiveDate>,
    /// LSTCNTDT.
    #[serde(with = "crate::date::iso")]
    pub last_contact: NaiveDate,
}

/// A parameter's values before baseline and visits are applied.
pub(crate) struct Param<'t> {
    pub code: String,
    pub label: Label<'t>,
    pub assessment: Option<Assessment>,
    /// (date, value, src), in the order entered.
    pub values: Vec<(NaiveDate, f64, Src)>,
}

/// A parameter's label (PARAM), written as text only when a row is made, so deriving does not
/// build a text per participant and parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label<'t> {
    /// `Serum creatinine (µmol/L)`: the analyte's label and the parameter's unit.
    Lab(AnalyteKind, Unit),
    /// `eGFR, ckd-epi-2021-cr (mL/min/1.73 m²)`: recomputed with that equation.
    Egfr(EgfrEquation),
    /// `dqol total score`: instrument and score.
    Questionnaire(&'t str, &'t str),
    /// `IL-6 (pg/mL)`.
    Biomarker(&'t str),
    /// `CD4+ T cells count (cells/µL)`.
    LymphocyteCount(&'t str),
    /// `CD4+ T cells (% of lymphocytes)`.
    LymphocyteProportion(&'t str),
    /// `Macular vascular density, right eye (%)`.
    Octa(&'static str),
    /// `Motor conduction velocity (m/s)`: the measure's name and unit.
    Emg(&'t str, &'t str),
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Lab(analyte, unit) => write!(f, "{} ({})", analyte.label(), unit.as_str()),
            Label::Egfr(equation) => write!(f, "eGFR, {} (mL/min/1.73 m²)", equation.slug()),
            Label::Questionnaire(instrument, score) => write!(f, "{instrument} {score} score"),
            Label::Biomarker(name) => write!(f, "{name} (pg/mL)"),
            Label::LymphocyteCount(subset) => write!(f, "{subset} count (cells/µL)"),
            Label::LymphocyteProportion(subset) => write!(f, "{subset} (% of lymphocytes)"),
            Label::Octa(eye) => write!(f, "Macular vascular density, {eye} eye (%)"),
            Label::Emg(name, unit) => write!(f, "{name} ({unit})"),
        }
    }
}

/// Where a value came from in the timeline: written as `SRC` (`labs[3]`, `labs[0]+labs[1]`,
/// `vital_signs[2].systolic`) only when a row is made, so deriving does not build a text per
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// `list[i]`.
    Entry(&'static str, usize),
    /// `labs[i]+labs[j]`: a value computed from two lab values.
    LabPair(usize, usize),
    /// `vital_signs[i].field`.
    VitalSign(usize, &'static str),
    /// Nowhere (written empty).
    Nothing,
}

impl std::fmt::Display for Src {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Src::Entry(list, i) => write!(f, "{list}[{i}]"),
            Src::LabPair(i, j) => write!(f, "labs[{i}]+labs[{j}]"),
            Src::VitalSign(i, field) => write!(f, "vital_signs[{i}].{field}"),
            Src::Nothing => Ok(()),
        }
    }
}

/// Derives every analysis value and outcome of one participant.
///
/// # Errors
/// [`EndpointError::InvalidConfig`] for a configuration out of range or a landmark or
/// follow-up end that is not a visit of `plan`; [`EndpointError::Schedule`] if the calendar
/// cannot be built.
///
/// # Examples
/// See the [module](super) example.
pub fn derive(
    timeline: &CheckedTimeline,
    plan: &ScheduleConfig,
    config: &EndpointConfig,
) -> Result<ParticipantEndpoints, EndpointError> {
    config.check()?;
    let t = &timeline.timeline;
    let Some(day_one) = t.first_infusion else {
        return Ok(not_dosed(timeline));
    };
    let calendar = participant_calendar(t, plan, day_one)?;
    let visit_of = |id: &str, field: &str| {
        calendar.visit(id).ok_or_else(|| EndpointError::InvalidConfig {
            path: field.to_owned(),
            reason: "names no visit of the schedule plan".to_owned(),
        })
    };
    let end_visit = visit_of(&config.follow_up_end, "follow_up_end")?;
    let end = end_visit.target;
    let landmark_visits = config.landmarks.iter().map(|id| visit_of(id, "landmarks")).collect::<Result<Vec<_>, _>>()?;

    // A visit is closed (due) once its window has ended by the last contact, and every visit
    // is after a withdrawal or a death: what the summaries count as missing and what carrying
    // forward fills.
    let closed = |v: &ScheduledVisit| t.withdrawal.is_some() || t.death.is_some() || v.window_last <= t.last_contact;
    let mut unusable = Vec::new();
    let params = parameters(timeline, config, &mut unusable);
    let mut rows = Vec::new();
    for param in &params {
        rows.extend(analyse(&t.id, param, day_one, &calendar, config, &closed));
    }
    let egfr_code = match config.egfr_source {
        EgfrSource::Recomputed => "EGFR",
        EgfrSource::LabReported => "EGFRLAB",
    };
    let egfr_rows: Vec<&AnalysisRow> = rows.iter().filter(|r| r.paramcd == egfr_code).collect();
    let egfr_slope = slope(&egfr_rows, day_one, config.slope_min_points);
    let egfr_points: Vec<outcomes::EgfrPoint> = egfr_rows.iter().map(|r| outcomes::EgfrPoint::from(*r)).collect();
    let (renal_composite, unconfirmed_decline) = outcomes::renal_composite(t, &egfr_points, day_one, end, config)?;
    let age = Age::on(t.birth_date, day_one).map(Age::years).unwrap_or(0);
    Ok(ParticipantEndpoints {
        usubjid: t.id.clone(),
        dosed: true,
        day_one: Some(day_one),
        age,
        egfr_slope,
        mace: Some(outcomes::mace(t, day_one, end, config)),
        death: Some(outcomes::death(t, day_one, end)),
        malignancy: Some(outcomes::malignancy(t, day_one, config)),
        landmarks: outcomes::landmarks(t, &landmark_visits, renal_composite.as_ref(), day_one, end, config),
        renal_composite: Some(renal_composite).flatten(),
        unconfirmed_decline,
        adverse_events: outcomes::adverse_events(t, day_one, config),
        malignancy_within_window: outcomes::malignancy_within_window(t, day_one, config),
        visits_closed: calendar.visits.iter().filter(|v| closed(v)).map(|v| v.visit.clone()).collect(),
        subject: subject_level(t, config.followed_to.from(end_visit)),
        rows,
        unusable,
    })
}

fn not_dosed(timeline: &CheckedTimeline) -> ParticipantEndpoints {
    let t = &timeline.timeline;
    let entered = timeline.labs.len()
        + timeline.blood_pressure.len()
        + t.questionnaires.len()
        + t.biomarkers.len()
        + t.lymphocyte_subsets.len()
        + t.octa.len()
        + t.emg.len();
    let unusable = if entered > 0 {
        vec![Unusable {
            src: "first_infusion".to_owned(),
            reason: format!("never dosed: {entered} values are outside the analysis set"),
        }]
    } else {
        Vec::new()
    };
    ParticipantEndpoints {
        usubjid: t.id.clone(),
        dosed: false,
        day_one: None,
        age: Age::on(t.birth_date, t.last_contact).map(Age::years).unwrap_or(0),
        rows: Vec::new(),
        egfr_slope: None,
        renal_composite: None,
        unconfirmed_decline: None,
        mace: None,
        death: None,
        malignancy: None,
        landmarks: Vec::new(),
        adverse_events: AdverseEventSummary::default(),
        malignancy_within_window: None,
        visits_closed: Vec::new(),
        subject: subject_level(t, NaiveDate::MAX),
        unusable,
    }
}

/// The subject-level values; `COMPLETED` once the last contact reaches `followed_from` (the
/// end-of-follow-up visit, as [`super::config::FollowedTo`] reads it).
fn subject_level(t: &super::ParticipantTimeline, followed_from: NaiveDate) -> SubjectLevel {
    let last_infusion = t.infusions.iter().map(|i| i.date).chain(t.first_infusion).max();
    let infusions = if t.infusions.is_empty() {
        u32::from(t.first_infusion.is_some())
    } else {
        u32::try_from(t.infusions.len()).unwrap_or(u32::MAX)
    };
    let status = if t.first_infusion.is_some() && t.last_contact >= followed_from {
        "COMPLETED"
    } else if t.withdrawal.is_some() || t.death.is_some() {
        "DISCONTINUED"
    } else {
        "ONGOING"
    };
    SubjectLevel {
        sex: match t.sex {
            crate::demographics::Sex::Female => "F",
            crate::demographics::Sex::Male => "M",
        }
        .to_owned(),
        last_infusion,
        infusions,
        status: status.to_owned(),
        death: t.death.as_ref().map(|d| d.date),
        last_contact: t.last_contact,
    }
}

/// The parameter code, label unit and assessment of a lab analyte. Every analyte is listed, so
/// adding one to the lab module fails to compile here until it is given a code.
fn lab_parameter(kind: AnalyteKind, config: &EndpointConfig) -> (&'static str, Unit, Option<Assessment>) {
    use AnalyteKind as K;
    match kind {
        K::UrineProtein24h => ("UPRO24", Unit::GramPer24Hours, Some(Assessment::UrineProtein24h)),
        K::SerumCreatinine => ("CREAT", Unit::MicromolePerLiter, Some(Assessment::Egfr)),
        K::CystatinC => ("CYSC", Unit::MilligramPerLiter, Some(Assessment::Egfr)),
        K::Egfr => ("EGFRLAB", Unit::MilliliterPerMinutePer173SquareMeter, Some(Assessment::Egfr)),
        K::FastingGlucose => ("GLUCF", Unit::MillimolePerLiter, Some(Assessment::FastingGlucose)),
        K::Hba1c => ("HBA1C", config.hba1c_unit, Some(Assessment::Hba1c)),
        K::Uacr => ("UACR", Unit::MilligramPerGram, Some(Assessment::Uacr)),
        K::UrineAlbumin => ("UALB", Unit::MilligramPerLiter, Some(Assessment::Uacr)),
        K::UrineCreatinine => ("UCREAT", Unit::MillimolePerLiter, Some(Assessment::Uacr)),
        K::Triglycerides => ("TRIG", Unit::MillimolePerLiter, None),
        K::LdlCholesterol => ("LDL", Unit::MillimolePerLiter, None),
        K::HdlCholesterol => ("HDL", Unit::MillimolePerLiter, None),
        K::TotalCholesterol => ("CHOL", Unit::MillimolePerLiter, None),
        K::Potassium => ("K", Unit::MillimolePerLiter, None),
        K::SystolicBp => ("SYSBP", Unit::MillimeterOfMercury, None),
        K::DiastolicBp => ("DIABP", Unit::MillimeterOfMercury, None),
        K::CreatinineClearance => ("CRCL", Unit::MilliliterPerMinute, None),
    }
}

/// A questionnaire score's code: `DQOL` or `TCM`, then `TOT` for the total, else the first
/// three letters of a one-word section id or the initials of a longer one.
fn questionnaire_code(instrument: &str, score: &str) -> String {
    let prefix = if instrument == "tcm-dkd" { "TCM" } else { "DQOL" };
    let words: Vec<&str> = score.split('_').filter(|w| !w.is_empty()).collect();
    let stem: String = match words.as_slice() {
        ["total"] => "TOT".to_owned(),
        [one] => one.chars().take(3).collect(),
        many => many.iter().filter_map(|w| w.chars().next()).collect(),
    };
    format!("{prefix}{}", stem.to_ascii_uppercase())
}

pub(crate) fn parameters<'t>(
    timeline: &'t CheckedTimeline,
    config: &EndpointConfig,
    unusable: &mut Vec<Unusable>,
) -> Vec<Param<'t>> {
    let t = &timeline.timeline;
    // A handful of parameters: found by code in a list, sorted by code at the end.
    let mut params: Vec<Param> = Vec::new();
    // Room for every lab value in each parameter, so that a parameter's values are not moved as
    // they come (a timeline's lists are short; the memory lives for one participant).
    let room = timeline.labs.len().max(1);
    let mut push = |code: &str, label: Label<'t>, assessment, value: (NaiveDate, f64, Src)| match params
        .iter_mut()
        .find(|p| p.code == code)
    {
        Some(param) => param.values.push(value),
        None => {
            let mut values = Vec::with_capacity(room);
            values.push(value);
            params.push(Param { code: code.to_owned(), label, assessment, values });
        }
    };
    for (i, (date, m)) in timeline.labs.iter().enumerate() {
        let (code, unit, assessment) = lab_parameter(m.analyte(), config);
        // The unit is one of the analyte's (lab_parameter lists only fitting units).
        let Ok(value) = m.in_unit(unit) else { continue };
        push(code, Label::Lab(m.analyte(), unit), assessment, (*date, value, Src::Entry("labs", i)));
    }
    for (i, (date, systolic, diastolic)) in timeline.blood_pressure.iter().enumerate() {
        for (m, field) in [(systolic, "systolic"), (diastolic, "diastolic")] {
            let (code, unit, _) = lab_parameter(m.analyte(), config);
            let Ok(value) = m.in_unit(unit) else { continue };
            push(code, Label::Lab(m.analyte(), unit), None, (*date, value, Src::VitalSign(i, field)));
        }
    }
    for (date, value, src) in recomputed_egfr(timeline, config, unusable) {
        push("EGFR", Label::Egfr(config.egfr_equation), Some(Assessment::Egfr), (date, value, src));
    }
    for (date, value, src) in computed_uacr(timeline, unusable) {
        let label = Label::Lab(AnalyteKind::Uacr, Unit::MilligramPerGram);
        push("UACR", label, Some(Assessment::Uacr), (date, value, src));
    }
    for (i, q) in t.questionnaires.iter().enumerate() {
        let code = questionnaire_code(&q.instrument, &q.score);
        let assessment = if q.instrument == "tcm-dkd" { Assessment::TcmScale } else { Assessment::Dqol };
        push(
            &code,
            Label::Questionnaire(&q.instrument, &q.score),
            Some(assessment),
            (q.date, q.value, Src::Entry("questionnaires", i)),
        );
    }
    for (i, (b, code)) in t.biomarkers.iter().zip(&timeline.codes.biomarkers).enumerate() {
        push(
            code,
            Label::Biomarker(&b.name),
            Some(Assessment::InflammationBiomarkers),
            (b.date, b.value, Src::Entry("biomarkers", i)),
        );
    }
    for (i, (l, stem)) in t.lymphocyte_subsets.iter().zip(&timeline.codes.lymphocytes).enumerate() {
        let src = Src::Entry("lymphocyte_subsets", i);
        if let Some(count) = l.count {
            push(
                &format!("{stem}C"),
                Label::LymphocyteCount(&l.subset),
                Some(Assessment::LymphocyteSubsets),
                (l.date, count, src),
            );
        }
        if let Some(p) = l.proportion {
            push(
                &format!("{stem}P"),
                Label::LymphocyteProportion(&l.subset),
                Some(Assessment::LymphocyteSubsets),
                (l.date, p, src),
            );
        }
    }
    for (i, o) in t.octa.iter().enumerate() {
        let (code, eye) = match o.eye {
            Eye::Right => ("MVDOD", "right"),
            Eye::Left => ("MVDOS", "left"),
        };
        push(code, Label::Octa(eye), Some(Assessment::Octa), (o.date, o.vessel_density, Src::Entry("octa", i)));
    }
    for (i, (e, code)) in t.emg.iter().zip(&timeline.codes.emg).enumerate() {
        push(code, Label::Emg(&e.name, &e.unit), Some(Assessment::Emg), (e.date, e.value, Src::Entry("emg", i)));
    }
    params.sort_by(|a, b| a.code.cmp(&b.code));
    params
}

/// The values of one analyte by date, in date order; of two on one date, the later entered:
/// (date, position in the labs, value).
struct ByDate(Vec<(NaiveDate, usize, Measurement)>);

impl ByDate {
    fn of(labs: &[(NaiveDate, Measurement)], analyte: AnalyteKind) -> ByDate {
        // Counted first, so that the list is allocated once at its size.
        let mut values = Vec::with_capacity(labs.iter().filter(|(_, m)| m.analyte() == analyte).count());
        values.extend(
            labs.iter().enumerate().filter(|(_, (_, m))| m.analyte() == analyte).map(|(i, (d, m))| (*d, i, *m)),
        );
        // Sorting is stable: within a date the order entered stays, and the later one is kept.
        values.sort_by_key(|v| v.0);
        values.dedup_by(|later, kept| {
            let same_date = later.0 == kept.0;
            if same_date {
                *kept = *later;
            }
            same_date
        });
        ByDate(values)
    }

    fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.0.iter().map(|v| v.0)
    }

    fn get(&self, date: NaiveDate) -> Option<(usize, Measurement)> {
        self.0.binary_search_by_key(&date, |v| v.0).ok().map(|k| (self.0[k].1, self.0[k].2))
    }
}

/// eGFR for every creatinine date (the later entered of two on one date), with the cystatin C
/// of the same date when the equation needs one.
fn recomputed_egfr(
    timeline: &CheckedTimeline,
    config: &EndpointConfig,
    unusable: &mut Vec<Unusable>,
) -> Vec<(NaiveDate, f64, Src)> {
    let t = &timeline.timeline;
    let creatinine = ByDate::of(&timeline.labs, AnalyteKind::SerumCreatinine);
    let cystatin = ByDate::of(&timeline.labs, AnalyteKind::CystatinC);
    let equation = config.egfr_equation;
    let mut dates: Vec<NaiveDate> = Vec::new();
    if equation.needs_creatinine() {
        dates.extend(creatinine.dates());
    } else if equation.needs_cystatin_c() {
        dates.extend(cystatin.dates());
    }
    let mut out = Vec::with_capacity(dates.len());
    for date in dates {
        let age = match Age::on(t.birth_date, date) {
            Ok(a) => a,
            Err(e) => {
                unusable.push(Unusable { src: format!("labs (eGFR on {date})"), reason: e.to_string() });
                continue;
            }
        };
        let mut inputs = EgfrInputs::new(age, t.sex);
        // The lab values it is computed from: the creatinine, then the cystatin C.
        let mut creatinine_at = None;
        if equation.needs_creatinine() {
            if let Some((i, m)) = creatinine.get(date) {
                creatinine_at = Some(i);
                match SerumCreatinine::try_from_measurement(m) {
                    Ok(v) => inputs = inputs.with_creatinine(v),
                    Err(e) => unusable.push(Unusable { src: format!("labs[{i}]"), reason: e.to_string() }),
                }
            }
        }
        let mut cystatin_at = None;
        if equation.needs_cystatin_c() {
            match cystatin.get(date) {
                Some((i, m)) => {
                    cystatin_at = Some(i);
                    if let Ok(v) = CystatinC::try_from_measurement(m) {
                        inputs = inputs.with_cystatin_c(v);
                    }
                }
                None => {
                    unusable.push(Unusable {
                        src: creatinine_at.map(|i| Src::Entry("labs", i).to_string()).unwrap_or_default(),
                        reason: format!("{} needs a cystatin C of the same date", equation.slug()),
                    });
                    continue;
                }
            }
        }
        let src = match (creatinine_at, cystatin_at) {
            (Some(i), Some(j)) => Src::LabPair(i, j),
            (Some(i), None) | (None, Some(i)) => Src::Entry("labs", i),
            // Every equation needs one of the two, and the dates are those of that one.
            (None, None) => Src::Nothing,
        };
        match estimate(equation, &inputs) {
            Ok(e) => out.push((date, e.value(), src)),
            Err(e) => unusable.push(Unusable { src: src.to_string(), reason: super::egfr_reason(&e) }),
        }
    }
    out
}

/// UACR from a urine albumin and a urine creatinine of the same date, where no UACR was
/// reported on that date.
fn computed_uacr(timeline: &CheckedTimeline, unusable: &mut Vec<Unusable>) -> Vec<(NaiveDate, f64, Src)> {
    let albumin = ByDate::of(&timeline.labs, AnalyteKind::UrineAlbumin);
    let creatinine = ByDate::of(&timeline.labs, AnalyteKind::UrineCreatinine);
    let reported: Vec<NaiveDate> =
        timeline.labs.iter().filter(|(_, m)| m.analyte() == AnalyteKind::Uacr).map(|(d, _)| *d).collect();
    let mut out = Vec::new();
    for &(date, i, a) in &albumin.0 {
        if reported.contains(&date) {
            continue;
        }
        let Some((j, c)) = creatinine.get(date) else { continue };
        let src = Src::LabPair(i, j);
        let ratio = UrineAlbumin::try_from_measurement(a)
            .and_then(|a| UrineCreatinine::try_from_measurement(c).map(|c| (a, c)))
            .and_then(|(a, c)| Uacr::from_spot_urine(a, c))
            .and_then(|u| u.in_unit(Unit::MilligramPerGram));
        match ratio {
            Ok(v) => out.push((date, v, src)),
            Err(e) => unusable.push(Unusable { src: src.to_string(), reason: e.to_string() }),
        }
    }
    out
}

/// The participant's calendar as the schedule makes it: from day 1 and, under the readings that
/// depend on them (`delayed_infusion = shifts_later`, `follow_up_from = last_infusion`), from
/// the infusions given, assigned to their visits by the schedule's rules (`docs/schedule.md`),
/// so that visit windows, landmarks and the end of follow-up are the schedule's.
fn participant_calendar(
    t: &super::ParticipantTimeline,
    plan: &ScheduleConfig,
    day_one: NaiveDate,
) -> Result<Calendar, EndpointError> {
    use crate::schedule::{Activity, DelayedInfusion, FollowUpFrom, Observation, ParticipantSchedule};
    let readings = &plan.readings;
    if readings.delayed_infusion != DelayedInfusion::ShiftsLater
        && readings.follow_up_from != FollowUpFrom::LastInfusion
    {
        return Ok(Calendar::build(plan, day_one, false)?);
    }
    // Every infusion, the first included (a timeline may list none but the first).
    let mut given: Vec<NaiveDate> = t.infusions.iter().map(|i| i.date).collect();
    if !given.contains(&day_one) {
        given.push(day_one);
    }
    let schedule = ParticipantSchedule {
        id: t.id.clone(),
        first_infusion: Some(day_one),
        planned_first_infusion: None,
        observations: given.into_iter().map(|date| Observation { date, activity: Activity::Infusion }).collect(),
        screening_date: None,
        // Only the calendar is read here (targets and windows), which leaving does not move.
        left_study: None,
    };
    Ok(schedule.calendar(plan, t.last_contact.max(day_one))?)
}

/// Study day, SDTM style: day 1 is `day_one`, the day before it −1 (there is no day 0).
pub(crate) fn study_day(date: NaiveDate, day_one: NaiveDate) -> i64 {
    let d = (date - day_one).num_days();
    if d >= 0 {
        d + 1
    } else {
        d
    }
}

/// What rules 1–3 of the module make of one parameter's values, by position (values in the
/// order entered): the baseline, the visits of each value, and each visit's analysis value.
/// Both the per-participant derivation and the lab table ([`super::lab_table`]) build their
/// rows from it, so the rules are written once.
pub(crate) struct Analysed {
    /// The baseline value (rule 1).
    pub baseline: Option<usize>,
    /// The visits of each value (indices into the visits given): none for the baseline, a
    /// value on or before day 1, or one in no window; two or more when visits share the
    /// nearest target (d28 and w4: one DQOL counts for both, as in the schedule) (rule 2).
    pub visits: Vec<SmallVec<[usize; 2]>>,
    /// Each visit's analysis value (rule 3), by the value's position; the baseline is not
    /// here (it is always analysed).
    pub best: Vec<Option<usize>>,
}

impl Analysed {
    /// Whether value `value` is visit `visit`'s analysis value.
    pub fn is_analysis(&self, value: usize, visit: usize) -> bool {
        self.best.get(visit).copied().flatten() == Some(value)
    }
}

/// Rules 1–3 for values dated `dates` (in the order entered), against `visits` (those
/// planning the parameter's assessment, baseline excluded).
pub(crate) fn analyse_dates(
    dates: &[NaiveDate],
    day_one: NaiveDate,
    visits: &[&ScheduledVisit],
    config: &EndpointConfig,
) -> Analysed {
    // A look-back from the configuration may reach before the first representable date: all of it counts.
    let look_back = day_one
        .checked_sub_days(chrono::Days::new(u64::from(config.baseline_look_back_days)))
        .unwrap_or(NaiveDate::MIN);
    // Rule 1: the latest on or before day 1 within the look-back; the later entered of a date.
    let baseline = dates
        .iter()
        .enumerate()
        .filter(|(_, d)| **d <= day_one && **d >= look_back)
        .max_by_key(|(i, d)| (**d, *i))
        .map(|(i, _)| i);
    // Rule 2.
    let visit: Vec<SmallVec<[usize; 2]>> = dates
        .iter()
        .enumerate()
        .map(
            |(i, date)| {
                if Some(i) == baseline || *date <= day_one {
                    SmallVec::new()
                } else {
                    visits_for(*date, visits)
                }
            },
        )
        .collect();
    // Rule 3: the analysis value of each visit, the value ranked first by this key.
    let rank = |i: usize, target: NaiveDate| {
        let day = (dates[i] - target).num_days();
        match config.visit_value {
            // Nearest first, then the earlier, then the later entered.
            VisitValue::NearestTarget => (day.abs(), day, std::cmp::Reverse(i)),
            // The latest, then the later entered.
            VisitValue::LastInWindow => (0, -day, std::cmp::Reverse(i)),
        }
    };
    // One pass over the values: the best so far of each visit (value, its rank).
    let mut best: Vec<Option<usize>> = vec![None; visits.len()];
    for (i, ks) in visit.iter().enumerate() {
        for &k in ks {
            let target = visits[k].target;
            if best[k].is_none_or(|b| rank(i, target) < rank(b, target)) {
                best[k] = Some(i);
            }
        }
    }
    Analysed { baseline, visits: visit, best }
}

/// The visits that plan `assessment`, baseline excluded (their positions in the calendar):
/// where a parameter's values go.
pub(crate) fn visits_of(calendar: &Calendar, assessment: Option<Assessment>) -> Vec<usize> {
    let Some(a) = assessment else { return Vec::new() };
    (0..calendar.visits.len())
        .filter(|&i| calendar.visits[i].visit != "baseline" && calendar.visits[i].assessments.contains(&a))
        .collect()
}

fn analyse(
    usubjid: &str,
    param: &Param,
    day_one: NaiveDate,
    calendar: &Calendar,
    config: &EndpointConfig,
    closed: &dyn Fn(&ScheduledVisit) -> bool,
) -> Vec<AnalysisRow> {
    let visits: Vec<&ScheduledVisit> =
        visits_of(calendar, param.assessment).into_iter().map(|i| &calendar.visits[i]).collect();
    let dates: Vec<NaiveDate> = param.values.iter().map(|(d, _, _)| *d).collect();
    let analysed = analyse_dates(&dates, day_one, &visits, config);
    let baseline = analysed.baseline;
    let base = baseline.map(|i| param.values[i].1);
    let label = param.label.to_string();
    let mut rows: Vec<AnalysisRow> = Vec::with_capacity(param.values.len());
    for (i, (date, value, src)) in param.values.iter().enumerate() {
        let (chg, pchg, r2base) = match (base, *date > day_one) {
            (Some(b), true) => change(*value, b),
            _ => (None, None, None),
        };
        let row = |avisit: Option<String>, anl01fl: bool| AnalysisRow {
            usubjid: usubjid.to_owned(),
            paramcd: param.code.clone(),
            param: label.clone(),
            avisit,
            adt: *date,
            ady: study_day(*date, day_one),
            aval: *value,
            base,
            chg,
            pchg,
            r2base,
            ablfl: Some(i) == baseline,
            anl01fl,
            dtype: None,
            src: src.to_string(),
        };
        if Some(i) == baseline {
            rows.push(row(Some("baseline".to_owned()), true));
        } else if analysed.visits[i].is_empty() {
            rows.push(row(None, false));
        } else {
            // One row per visit the value counts for (two when visits share its target).
            for &k in &analysed.visits[i] {
                rows.push(row(Some(visits[k].visit.clone()), analysed.is_analysis(i, k)));
            }
        }
    }
    if config.missing == MissingRule::LastObservationCarriedForward {
        carry_forward(&mut rows, &visits, base, day_one, closed);
    }
    rows.sort_by_key(|r| (r.adt, r.dtype.is_some()));
    rows
}

/// (CHG, PCHG, R2BASE) of `value` against `base`; the percent and the ratio need a base above 0,
/// and are left empty where they would not be a finite number (a base so near 0 that the
/// quotient overflows: an infinite percent change is not a result a table can carry).
pub(crate) fn change(value: f64, base: f64) -> (Option<f64>, Option<f64>, Option<f64>) {
    let chg = value - base;
    if base > 0.0 {
        let finite = |x: f64| Some(x).filter(|x| x.is_finite());
        (Some(chg), finite(100.0 * chg / base), finite(value / base))
    } else {
        (Some(chg), None, None)
    }
}

/// The visits whose window holds `date` (their indices in `visits`) with the nearest target,
/// the earlier of two targets as near; every visit of that target (d28 and w4 share day 28).
fn visits_for(date: NaiveDate, visits: &[&ScheduledVisit]) -> SmallVec<[usize; 2]> {
    let holding = || visits.iter().enumerate().filter(|(_, v)| v.window().contains(date));
    let nearest = holding().map(|(_, v)| ((date - v.target).num_days().abs(), v.target)).min();
    match nearest {
        Some((_, target)) => holding().filter(|(_, v)| v.target == target).map(|(k, _)| k).collect(),
        None => SmallVec::new(),
    }
}

/// Fills each closed visit without an analysis value with the last post-baseline analysis value
/// before its window (`DTYPE = LOCF`), also after the parameter's last value.
fn carry_forward(
    rows: &mut Vec<AnalysisRow>,
    visits: &[&ScheduledVisit],
    base: Option<f64>,
    day_one: NaiveDate,
    closed: &dyn Fn(&ScheduledVisit) -> bool,
) {
    let mut added = Vec::new();
    for visit in visits {
        let has = rows
            .iter()
            .chain(&added)
            .any(|r: &AnalysisRow| r.anl01fl && r.avisit.as_deref() == Some(visit.visit.as_str()));
        if has || !closed(visit) {
            continue;
        }
        let previous = rows
            .iter()
            .chain(&added)
            .filter(|r| r.anl01fl && !r.ablfl && r.adt < visit.window_first && r.adt > day_one)
            .max_by_key(|r| r.adt)
            .cloned();
        if let Some(mut row) = previous {
            row.avisit = Some(visit.visit.clone());
            row.dtype = Some("LOCF".to_owned());
            let (chg, pchg, r2base) = base.map_or((None, None, None), |b| change(row.aval, b));
            (row.chg, row.pchg, row.r2base) = (chg, pchg, r2base);
            added.push(row);
        }
    }
    rows.extend(added);
}

/// Least squares of AVAL on years since day 1 over the baseline row and every row after day 1
/// (one per date: of two, the later entered).
fn slope(rows: &[&AnalysisRow], day_one: NaiveDate, min_points: usize) -> Option<Slope> {
    let mut by_date: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.dtype.is_none() && (r.ablfl || r.adt > day_one)) {
        by_date.insert(r.adt, r.aval);
    }
    let points: Vec<(f64, f64)> =
        by_date.iter().map(|(d, v)| ((*d - day_one).num_days() as f64 / 365.25, *v)).collect();
    let n = points.len();
    if n < min_points.max(2) {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let per_year = sxy / sxx;
    Some(Slope { per_year, intercept: mean_y - per_year * mean_x, points: u32::try_from(n).unwrap_or(u32::MAX) })
}
