//! A participant's dated data as the sites record it ([`ParticipantTimeline`], JSON with a
//! schema version), and its check into a [`CheckedTimeline`] whose lab values are typed.
//!
//! The JSON form is documented field by field in `docs/endpoints.md`. Every entry is kept: a
//! value that cannot be read is an error naming its field, never skipped.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::EndpointError;
use crate::demographics::Sex;
use crate::instrument::{score, Instrument, ScoreRules};
use crate::lab::{AnalyteKind, Measurement, UnitText};

/// The schema version of the timeline JSON this library reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A dated lab value of any analyte, as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabObservation {
    /// Date of the sample.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The analyte (`serum_creatinine`, `urine_protein_24h`, …; `egfr` for a lab-reported eGFR).
    pub analyte: AnalyteKind,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered.
    pub unit: UnitText,
}

/// Blood pressure of one visit (both in `unit`: `mmHg` or `kPa`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VitalSigns {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Systolic pressure.
    pub systolic: f64,
    /// Diastolic pressure.
    pub diastolic: f64,
    /// The unit of both.
    pub unit: UnitText,
}

/// A questionnaire score (as [`crate::instrument`] computes it from a completed session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireScore {
    /// Date of the session.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The instrument (`dqol` or `tcm-dkd`).
    pub instrument: String,
    /// `total` or a section id of the instrument (`satisfaction`, `impact`, …).
    pub score: String,
    /// The raw score, within the instrument's range for it.
    pub value: f64,
}

/// A value of a named measure: an inflammation biomarker (pg/mL) or an EMG measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedValue {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The measure's name (`IL-6`, `TNF-α`, …).
    pub name: String,
    /// The analysis parameter code (8 characters at most, letters, digits and `_`); derived
    /// from the name when not given.
    #[serde(default)]
    pub paramcd: Option<String>,
    /// The value.
    pub value: f64,
    /// The unit (biomarkers: `pg/mL`).
    pub unit: String,
}

/// An EMG result (nerve conduction): a named measure in m/s, ms, mV or µV.
pub type EmgResult = NamedValue;

/// A lymphocyte subset (T, B, NK cells, …): an absolute count, a proportion, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LymphocyteSubset {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The subset (`CD4+ T`, `B`, `NK`, …).
    pub subset: String,
    /// The parameter code stem (6 characters at most; `C` or `P` is added); derived when not
    /// given.
    #[serde(default)]
    pub paramcd: Option<String>,
    /// Cells per µL.
    #[serde(default)]
    pub count: Option<f64>,
    /// Percent of lymphocytes (0–100).
    #[serde(default)]
    pub proportion: Option<f64>,
}

/// Which eye.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eye {
    /// Right (OD).
    Right,
    /// Left (OS).
    Left,
}

/// OCTA macular vascular density of one eye, in percent (0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OctaResult {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The eye.
    pub eye: Eye,
    /// Macular vascular density, %.
    pub vessel_density: f64,
}

/// The outcome of an adverse event (CDISC AEOUT terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AeOutcome {
    /// Recovered/resolved.
    Recovered,
    /// Recovering/resolving.
    Recovering,
    /// Not recovered/not resolved.
    NotRecovered,
    /// Recovered/resolved with sequelae.
    RecoveredWithSequelae,
    /// Fatal.
    Fatal,
    /// Unknown.
    Unknown,
}

/// An adverse event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdverseEvent {
    /// The reported term.
    pub term: String,
    /// Onset.
    #[serde(with = "crate::date::iso")]
    pub start: NaiveDate,
    /// Resolution (none while ongoing).
    #[serde(default, with = "crate::date::iso_opt")]
    pub end: Option<NaiveDate>,
    /// Serious (ICH E2A).
    pub serious: bool,
    /// Severity grade, 1–5 (CTCAE).
    pub grade: u8,
    /// Related to the study product, in the investigator's judgement.
    pub related: bool,
    /// Outcome.
    pub outcome: AeOutcome,
}

/// What a death was attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathCause {
    /// Cardiovascular (counts for MACE).
    Cardiovascular,
    /// Renal.
    Renal,
    /// Malignancy.
    Malignancy,
    /// Infection.
    Infection,
    /// Another cause.
    Other,
    /// Not known.
    Unknown,
}

/// A death.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Death {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Cause.
    pub cause: DeathCause,
}

/// A non-fatal cardiovascular event of the MACE definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardiovascularEventKind {
    /// Myocardial infarction.
    MyocardialInfarction,
    /// Stroke.
    Stroke,
    /// Hospitalisation for heart failure.
    HeartFailureHospitalisation,
}

/// A cardiovascular event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardiovascularEvent {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Kind.
    pub kind: CardiovascularEventKind,
}

/// A kind of renal replacement therapy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenalReplacementKind {
    /// Haemodialysis or peritoneal dialysis.
    Dialysis,
    /// Kidney transplant.
    Transplant,
}

/// The start of a renal replacement therapy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenalReplacement {
    /// Start.
    #[serde(with = "crate::date::iso")]
    pub start: NaiveDate,
    /// Kind.
    pub kind: RenalReplacementKind,
}

/// A new malignancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Malignancy {
    /// Date of diagnosis.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The reported term.
    pub term: String,
}

/// A participant's dated data. JSON (`docs/endpoints.md`): `{"schema_version": 1, "id": …,
/// "sex": …, "birth_date": …, "first_infusion": …, "last_contact": …, "labs": [...], …}`;
/// lists are optional and empty by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantTimeline {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The participant's identifier (USUBJID; kept out of error messages).
    pub id: String,
    /// Sex (for the eGFR equations).
    pub sex: Sex,
    /// Date of birth (age at each sample, for the eGFR equations).
    #[serde(with = "crate::date::iso")]
    pub birth_date: NaiveDate,
    /// Study day 1, the first infusion; none for a participant never dosed (not in the
    /// analysis set).
    #[serde(default, with = "crate::date::iso_opt")]
    pub first_infusion: Option<NaiveDate>,
    /// Every infusion given, the first included (dates).
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub infusions: Vec<InfusionDate>,
    /// Lab values.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub labs: Vec<LabObservation>,
    /// Blood pressures.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub vital_signs: Vec<VitalSigns>,
    /// Questionnaire scores.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub questionnaires: Vec<QuestionnaireScore>,
    /// Inflammation biomarkers (pg/mL).
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub biomarkers: Vec<NamedValue>,
    /// Lymphocyte subsets.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub lymphocyte_subsets: Vec<LymphocyteSubset>,
    /// OCTA results.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub octa: Vec<OctaResult>,
    /// EMG results.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub emg: Vec<EmgResult>,
    /// Adverse events.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub adverse_events: Vec<AdverseEvent>,
    /// The death, if the participant died.
    #[serde(default, deserialize_with = "crate::json::optional_object")]
    pub death: Option<Death>,
    /// The date ESRD was diagnosed.
    #[serde(default, with = "crate::date::iso_opt")]
    pub esrd: Option<NaiveDate>,
    /// Renal replacement therapies started.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub renal_replacement: Vec<RenalReplacement>,
    /// Non-fatal cardiovascular events.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub cardiovascular_events: Vec<CardiovascularEvent>,
    /// New malignancies.
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub malignancies: Vec<Malignancy>,
    /// The date of withdrawal from the study, if any.
    #[serde(default, with = "crate::date::iso_opt")]
    pub withdrawal: Option<NaiveDate>,
    /// The last date the participant's status is known (follow-up is censored here).
    #[serde(with = "crate::date::iso")]
    pub last_contact: NaiveDate,
}

/// An infusion's date (`{"date": "2025-03-03"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfusionDate {
    /// Date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
}

/// A timeline that passed [`ParticipantTimeline::check`]: every lab value typed and within its
/// bounds, every date in order, every score within its instrument's range.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedTimeline {
    pub(crate) timeline: ParticipantTimeline,
    /// The lab values, in the order entered, checked.
    pub(crate) labs: Vec<(NaiveDate, Measurement)>,
    /// Blood pressures, checked: (date, systolic, diastolic) in mmHg.
    pub(crate) blood_pressure: Vec<(NaiveDate, Measurement, Measurement)>,
    /// The parameter code of each biomarker, lymphocyte and EMG entry (derived or given).
    pub(crate) codes: Codes,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Codes {
    pub biomarkers: Vec<String>,
    pub lymphocytes: Vec<String>,
    pub emg: Vec<String>,
}

/// Nothing of a participant is dated before their birth or after their last contact.
pub(crate) fn in_life(path: String, date: NaiveDate, birth: NaiveDate, last: NaiveDate) -> Result<(), EndpointError> {
    if date < birth {
        Err(EndpointError::date(path, "is before the date of birth"))
    } else if date > last {
        Err(EndpointError::date(path, "is after the last contact"))
    } else {
        Ok(())
    }
}

impl CheckedTimeline {
    /// The timeline as given.
    pub fn timeline(&self) -> &ParticipantTimeline {
        &self.timeline
    }
}

const BIOMARKER_UNITS: [&str; 1] = ["pg/mL"];
const EMG_UNITS: [&str; 4] = ["m/s", "ms", "mV", "µV"];

impl ParticipantTimeline {
    /// Reads a timeline from JSON (not yet checked: see [`ParticipantTimeline::check`]).
    ///
    /// # Errors
    /// [`EndpointError::InvalidJson`] with the field path.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::endpoints::ParticipantTimeline;
    /// let e = ParticipantTimeline::from_json(r#"{"schema_version": 1, "id": "P", "sex": "male"}"#).unwrap_err();
    /// assert_eq!(e.kind(), "invalid_json");
    /// ```
    pub fn from_json(text: &str) -> Result<ParticipantTimeline, EndpointError> {
        crate::json::read_tracked(text).map_err(|(path, reason)| EndpointError::InvalidJson { path, reason })
    }

    /// Checks every entry once: the schema version, lab values and units, dates (not before
    /// birth, not after the last contact, ends after starts, the first infusion the earliest),
    /// scores within their instrument's range, proportions within 0–100, grades 1–5, parameter
    /// codes that are valid and do not collide.
    ///
    /// # Errors
    /// The first problem found, as an [`EndpointError`] naming its field.
    pub fn check(self) -> Result<CheckedTimeline, EndpointError> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(EndpointError::UnsupportedSchemaVersion {
                found: self.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        if self.id.trim().is_empty() {
            return Err(EndpointError::value("id", "must not be empty"));
        }
        let birth = self.birth_date;
        let last = self.last_contact;
        let in_life = |path: String, date: NaiveDate| in_life(path, date, birth, last);
        if last < birth {
            return Err(EndpointError::date("last_contact", "is before the date of birth"));
        }
        if let Some(first) = self.first_infusion {
            in_life("first_infusion".into(), first)?;
        }
        for (i, infusion) in self.infusions.iter().enumerate() {
            let path = format!("infusions[{i}].date");
            in_life(path.clone(), infusion.date)?;
            // One infusion a day: a date given twice is a duplicated row, which NINF would
            // count twice (the schedule refuses a second infusion on the first one's day too).
            if self.infusions[..i].iter().any(|earlier| earlier.date == infusion.date) {
                return Err(EndpointError::date(path, "is the date of an earlier infusion (one infusion a day)"));
            }
            match self.first_infusion {
                None => return Err(EndpointError::date(path, "an infusion is recorded but no first_infusion")),
                Some(first) if infusion.date < first => {
                    return Err(EndpointError::date(path, "is before first_infusion (a second first infusion)"))
                }
                _ => {}
            }
        }
        // The list holds every infusion, the first included, or is left empty (the first only):
        // a list without the first would make NINF one short of TRTSDT's.
        if let (Some(first), false) = (self.first_infusion, self.infusions.is_empty()) {
            if !self.infusions.iter().any(|infusion| infusion.date == first) {
                return Err(EndpointError::date(
                    "infusions",
                    "does not list first_infusion (the list holds every infusion, the first included)",
                ));
            }
        }
        let mut labs = Vec::with_capacity(self.labs.len());
        for (i, lab) in self.labs.iter().enumerate() {
            in_life(format!("labs[{i}].date"), lab.date)?;
            let m = Measurement::entered(lab.analyte, lab.value, &lab.unit)
                .map_err(|source| EndpointError::InvalidLab { path: format!("labs[{i}]"), source })?;
            labs.push((lab.date, m));
        }
        let mut blood_pressure = Vec::with_capacity(self.vital_signs.len());
        for (i, v) in self.vital_signs.iter().enumerate() {
            in_life(format!("vital_signs[{i}].date"), v.date)?;
            let read = |kind, value, field: &str| {
                Measurement::entered(kind, value, &v.unit)
                    .map_err(|source| EndpointError::InvalidLab { path: format!("vital_signs[{i}].{field}"), source })
            };
            let systolic = read(AnalyteKind::SystolicBp, v.systolic, "systolic")?;
            let diastolic = read(AnalyteKind::DiastolicBp, v.diastolic, "diastolic")?;
            if diastolic.canonical() > systolic.canonical() {
                return Err(EndpointError::value(format!("vital_signs[{i}]"), "diastolic is above systolic"));
            }
            blood_pressure.push((v.date, systolic, diastolic));
        }
        check_questionnaires(&self.questionnaires, &in_life)?;
        let mut codes = Codes::default();
        for (i, b) in self.biomarkers.iter().enumerate() {
            let path = format!("biomarkers[{i}]");
            in_life(format!("{path}.date"), b.date)?;
            check_named(b, &path, &BIOMARKER_UNITS)?;
            codes.biomarkers.push(code(b.paramcd.as_deref(), &b.name, 8, &path)?);
        }
        for (i, e) in self.emg.iter().enumerate() {
            let path = format!("emg[{i}]");
            in_life(format!("{path}.date"), e.date)?;
            check_named(e, &path, &EMG_UNITS)?;
            codes.emg.push(code(e.paramcd.as_deref(), &e.name, 8, &path)?);
        }
        for (i, l) in self.lymphocyte_subsets.iter().enumerate() {
            let path = format!("lymphocyte_subsets[{i}]");
            in_life(format!("{path}.date"), l.date)?;
            if l.count.is_none() && l.proportion.is_none() {
                return Err(EndpointError::value(path, "neither a count nor a proportion"));
            }
            if let Some(c) = l.count {
                non_negative(c, &format!("{path}.count"))?;
            }
            if let Some(p) = l.proportion {
                percent(p, &format!("{path}.proportion"))?;
            }
            codes.lymphocytes.push(code(l.paramcd.as_deref(), &l.subset, 6, &path)?);
        }
        check_collisions(
            &self.biomarkers.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            &codes.biomarkers,
            "biomarkers",
        )?;
        check_collisions(&self.emg.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), &codes.emg, "emg")?;
        check_collisions(
            &self.lymphocyte_subsets.iter().map(|b| b.subset.as_str()).collect::<Vec<_>>(),
            &codes.lymphocytes,
            "lymphocyte_subsets",
        )?;
        for (i, o) in self.octa.iter().enumerate() {
            in_life(format!("octa[{i}].date"), o.date)?;
            percent(o.vessel_density, &format!("octa[{i}].vessel_density"))?;
        }
        for (i, ae) in self.adverse_events.iter().enumerate() {
            let path = format!("adverse_events[{i}]");
            if ae.term.trim().is_empty() {
                return Err(EndpointError::value(format!("{path}.term"), "must not be empty"));
            }
            in_life(format!("{path}.start"), ae.start)?;
            if let Some(end) = ae.end {
                in_life(format!("{path}.end"), end)?;
                if end < ae.start {
                    return Err(EndpointError::date(format!("{path}.end"), "is before its start"));
                }
            }
            if !(1..=5).contains(&ae.grade) {
                return Err(EndpointError::value(format!("{path}.grade"), "a CTCAE grade is 1 to 5"));
            }
            if (ae.grade == 5) != (ae.outcome == AeOutcome::Fatal) {
                return Err(EndpointError::value(format!("{path}.grade"), "grade 5 and a fatal outcome go together"));
            }
        }
        if let Some(death) = &self.death {
            in_life("death.date".into(), death.date)?;
        }
        if let Some(esrd) = self.esrd {
            in_life("esrd".into(), esrd)?;
        }
        for (i, r) in self.renal_replacement.iter().enumerate() {
            in_life(format!("renal_replacement[{i}].start"), r.start)?;
        }
        for (i, c) in self.cardiovascular_events.iter().enumerate() {
            in_life(format!("cardiovascular_events[{i}].date"), c.date)?;
        }
        for (i, m) in self.malignancies.iter().enumerate() {
            in_life(format!("malignancies[{i}].date"), m.date)?;
        }
        if let Some(w) = self.withdrawal {
            in_life("withdrawal".into(), w)?;
        }
        // Nothing of the follow-up may outlive the participant.
        if let Some(death) = &self.death {
            if self.last_contact > death.date {
                return Err(EndpointError::date("last_contact", "is after the date of death"));
            }
        }
        Ok(CheckedTimeline { timeline: self, labs, blood_pressure, codes })
    }
}

fn check_questionnaires(
    scores: &[QuestionnaireScore],
    in_life: &dyn Fn(String, NaiveDate) -> Result<(), EndpointError>,
) -> Result<(), EndpointError> {
    for (i, q) in scores.iter().enumerate() {
        let path = format!("questionnaires[{i}]");
        in_life(format!("{path}.date"), q.date)?;
        let known = bundled_score_ranges().get(q.instrument.as_str()).ok_or_else(|| {
            EndpointError::value(format!("{path}.instrument"), "names no bundled instrument (dqol, tcm-dkd)")
        })?;
        let Some((_, min, max)) = known.iter().find(|(name, _, _)| *name == q.score) else {
            let names: Vec<&str> = known.iter().map(|(n, _, _)| n.as_str()).collect();
            return Err(EndpointError::value(
                format!("{path}.score"),
                format!("is not a score of the instrument ({})", names.join(", ")),
            ));
        };
        if !(q.value.is_finite() && q.value >= *min && q.value <= *max) {
            return Err(EndpointError::value(
                format!("{path}.value"),
                format!("is outside the score's range {min}–{max}"),
            ));
        }
    }
    Ok(())
}

/// Each bundled instrument's scores (`total` and its sections) with their ranges.
type ScoreRanges = BTreeMap<&'static str, Vec<(String, f64, f64)>>;

/// The score ranges of each bundled instrument, read from its definition once per process
/// (reading a definition costs more than checking a whole timeline).
fn bundled_score_ranges() -> &'static ScoreRanges {
    static RANGES: OnceLock<ScoreRanges> = OnceLock::new();
    RANGES.get_or_init(|| {
        ["dqol", "tcm-dkd"]
            .into_iter()
            .filter_map(|id| Instrument::bundled(id).ok().map(|i| (id, score_ranges(&i))))
            .collect()
    })
}

/// `total` and each section's score with its range, from the instrument's definition.
fn score_ranges(instrument: &Instrument) -> Vec<(String, f64, f64)> {
    let Ok(empty) = score(instrument, &BTreeMap::new(), &ScoreRules::of(instrument)) else { return Vec::new() };
    let mut ranges = vec![("total".to_owned(), empty.total_min, empty.total_max)];
    ranges.extend(empty.sections.iter().map(|s| (s.section.clone(), s.min, s.max)));
    ranges
}

fn check_named(v: &NamedValue, path: &str, units: &[&str]) -> Result<(), EndpointError> {
    if v.name.trim().is_empty() {
        return Err(EndpointError::value(format!("{path}.name"), "must not be empty"));
    }
    non_negative(v.value, &format!("{path}.value"))?;
    let unit = v.unit.replace("ug", "µg").replace("uV", "µV");
    if !units.iter().any(|u| u.eq_ignore_ascii_case(&unit) || *u == unit) {
        return Err(EndpointError::value(format!("{path}.unit"), format!("accepted units: {}", units.join(", "))));
    }
    Ok(())
}

fn non_negative(x: f64, path: &str) -> Result<(), EndpointError> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(EndpointError::value(path, "must be a finite number of at least 0"))
    }
}

fn percent(x: f64, path: &str) -> Result<(), EndpointError> {
    if x.is_finite() && (0.0..=100.0).contains(&x) {
        Ok(())
    } else {
        Err(EndpointError::value(path, "a percentage is between 0 and 100"))
    }
}

/// The parameter code: the one given (checked), else the name's letters and digits, upper
/// case, cut to `width`.
fn code(given: Option<&str>, name: &str, width: usize, path: &str) -> Result<String, EndpointError> {
    match given {
        Some(c) => {
            if c.is_empty() || c.len() > width || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                Err(EndpointError::value(
                    format!("{path}.paramcd"),
                    format!("a parameter code is 1 to {width} letters, digits or _"),
                ))
            } else {
                Ok(c.to_ascii_uppercase())
            }
        }
        None => {
            let derived: String =
                name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).take(width).collect();
            if derived.is_empty() {
                Err(EndpointError::value(
                    format!("{path}.name"),
                    "has no letters or digits to make a parameter code of; give paramcd",
                ))
            } else {
                Ok(derived)
            }
        }
    }
}

/// Two names that share a code would merge two measures: refused.
fn check_collisions(names: &[&str], codes: &[String], list: &str) -> Result<(), EndpointError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, (name, code)) in names.iter().zip(codes).enumerate() {
        if let Some(other) = seen.insert(code, name) {
            if other != *name {
                return Err(EndpointError::value(
                    format!("{list}[{i}].paramcd"),
                    "two different names have the same parameter code; give paramcd",
                ));
            }
        }
    }
    Ok(())
}

/// The date `months` calendar months after `date` (the month's last day when shorter).
pub(crate) fn months_after(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}
