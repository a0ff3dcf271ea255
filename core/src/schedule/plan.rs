//! The plan of visits as data: which visits, at which nominal time, with which window, doing
//! what; and the readings of the protocol's silent points (`docs/interpretation.md`, "The
//! visit schedule"). The protocol's plan is bundled (`core/data/schedule-plan.json`); a site may
//! load its own.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ScheduleError;

/// The bundled plan of NCT06969807, `core/data/schedule-plan.json`.
pub const BUNDLED_PLAN: &str = include_str!("../../data/schedule-plan.json");

/// An assessment planned at a visit (labs, imaging, questionnaires, event reviews).
///
/// The names are the registry's outcome measures; `docs/schedule.md` lists which visit plans
/// which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// 24-hour urine protein (primary endpoint).
    #[serde(rename = "urine_protein_24h")]
    UrineProtein24h,
    /// Serum creatinine (and cystatin C) for the eGFR (primary endpoint, renal composite).
    Egfr,
    /// Serum/plasma biomarkers of inflammation (pg/mL).
    InflammationBiomarkers,
    /// Circulating T, B and NK cells.
    LymphocyteSubsets,
    /// Macular vascular density by optical coherence tomography angiography.
    Octa,
    /// Electromyography (peripheral nerve injury).
    Emg,
    /// Fasting blood glucose.
    FastingGlucose,
    /// Glycated haemoglobin.
    Hba1c,
    /// Urine albumin-to-creatinine ratio (spot morning urine).
    Uacr,
    /// The TCM syndrome rating scale (recorded by staff).
    TcmScale,
    /// The Diabetes Quality of Life Measure (patient-reported, "at each visit").
    Dqol,
    /// Review of major adverse cardiac events and deaths.
    MaceMortality,
    /// Review of the renal composite (≥ 50 % eGFR decline, ESRD, renal replacement therapy).
    RenalComposite,
    /// Collection of adverse events and serious adverse events (to week 28).
    AdverseEvents,
    /// Review of secondary malignancies (to month 24).
    SecondaryMalignancy,
}

impl Assessment {
    /// Every assessment, in the order of the registry's outcome list.
    pub const ALL: [Assessment; 15] = [
        Assessment::UrineProtein24h,
        Assessment::Egfr,
        Assessment::InflammationBiomarkers,
        Assessment::LymphocyteSubsets,
        Assessment::Octa,
        Assessment::Emg,
        Assessment::FastingGlucose,
        Assessment::Hba1c,
        Assessment::Uacr,
        Assessment::TcmScale,
        Assessment::Dqol,
        Assessment::MaceMortality,
        Assessment::RenalComposite,
        Assessment::AdverseEvents,
        Assessment::SecondaryMalignancy,
    ];

    /// The snake_case name (as in JSON).
    pub fn slug(self) -> &'static str {
        match self {
            Assessment::UrineProtein24h => "urine_protein_24h",
            Assessment::Egfr => "egfr",
            Assessment::InflammationBiomarkers => "inflammation_biomarkers",
            Assessment::LymphocyteSubsets => "lymphocyte_subsets",
            Assessment::Octa => "octa",
            Assessment::Emg => "emg",
            Assessment::FastingGlucose => "fasting_glucose",
            Assessment::Hba1c => "hba1c",
            Assessment::Uacr => "uacr",
            Assessment::TcmScale => "tcm_scale",
            Assessment::Dqol => "dqol",
            Assessment::MaceMortality => "mace_mortality",
            Assessment::RenalComposite => "renal_composite",
            Assessment::AdverseEvents => "adverse_events",
            Assessment::SecondaryMalignancy => "secondary_malignancy",
        }
    }

    /// Whether it is a questionnaire (an instrument filled in at the visit: DQOL by the
    /// patient, the TCM scale by staff).
    pub fn is_questionnaire(self) -> bool {
        matches!(self, Assessment::Dqol | Assessment::TcmScale)
    }

    /// The assessment of a snake_case name.
    pub fn from_slug(slug: &str) -> Option<Assessment> {
        Assessment::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

/// What an observation says was done: the infusion, an assessment, or only that the
/// participant attended. JSON: `"infusion"`, `"attended"` or an assessment's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    /// The infusion of the study product.
    Infusion,
    /// The participant came to the visit (nothing more is said).
    Attended,
    /// An assessment.
    Assessment(Assessment),
}

impl Activity {
    /// The name in JSON.
    pub fn slug(self) -> &'static str {
        match self {
            Activity::Infusion => "infusion",
            Activity::Attended => "attended",
            Activity::Assessment(a) => a.slug(),
        }
    }

    /// The activity of a name.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{Activity, Assessment};
    /// assert_eq!(Activity::from_slug("dqol"), Some(Activity::Assessment(Assessment::Dqol)));
    /// assert_eq!(Activity::from_slug("infusion"), Some(Activity::Infusion));
    /// assert_eq!(Activity::from_slug("DQOL"), None);
    /// ```
    pub fn from_slug(slug: &str) -> Option<Activity> {
        match slug {
            "infusion" => Some(Activity::Infusion),
            "attended" => Some(Activity::Attended),
            other => Assessment::from_slug(other).map(Activity::Assessment),
        }
    }
}

// Every activity's bit fits a `u32` (two bits, then one per assessment).
const _: () = assert!(Assessment::ALL.len() <= 30);

impl Activity {
    /// A bit of its own (bits 0 and 1: infusion, attended; then the assessments in
    /// [`Assessment::ALL`] order), for sets of activities.
    pub(crate) fn bit(self) -> u32 {
        match self {
            Activity::Infusion => 1,
            Activity::Attended => 2,
            Activity::Assessment(a) => 4 << (a as u32),
        }
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl Serialize for Activity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Activity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Activity, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Activity::from_slug(&text).ok_or_else(|| {
            serde::de::Error::custom("unknown activity (expected infusion, attended or an assessment's name)")
        })
    }
}

/// The nominal time of a visit as the protocol writes it. JSON: `{"day": 14}`, `{"week": 8}`,
/// `{"month": 12}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Nominal {
    /// Study day n (day 1: the first infusion).
    Day(u32),
    /// Week n, placed by [`WeekDay`].
    Week(u32),
    /// Month n, placed by [`MonthDay`] from [`FollowUpFrom`].
    Month(u32),
}

/// Which study day "week N" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekDay {
    /// Study day 7N: week 2 is day 14 and week 4 day 28, as the protocol's own day 14 and day 28.
    SevenTimesWeeks,
    /// Study day 7N + 1: N whole weeks after day 1.
    WeekAfterDayOne,
}

/// Which date "month M" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthDay {
    /// The same day of the month M calendar months after the anchor (the month's last day when
    /// it is shorter).
    CalendarMonths,
    /// The anchor plus round(30.4375 × M) days (a month as 365.25 / 12 days).
    AverageDays,
}

/// What the months of "every 6 months … up to 24 months after cell infusion" count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpFrom {
    /// Study day 1, the first infusion (the clock of week 28).
    FirstInfusion,
    /// The last infusion (done, else planned).
    LastInfusion,
}

/// Whether a delayed (or early) infusion moves the visits after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayedInfusion {
    /// Every target stays where the plan puts it from day 1.
    KeepsPlan,
    /// The visits after a done infusion move with it.
    ShiftsLater,
}

/// The kind of window a visit has (widths in [`Windows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowClass {
    /// The baseline assessments, before the first infusion.
    Baseline,
    /// The first infusion (it defines study day 1).
    FirstInfusion,
    /// The infusions of day 14 and day 28.
    EarlyInfusion,
    /// The infusions of weeks 8 to 24.
    Infusion,
    /// Assessment visits counted in weeks (week 4, week 28).
    WeekVisit,
    /// Follow-up visits counted in months.
    MonthVisit,
}

/// Days before and after a target in a visit's window (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowWidth {
    /// Days before the target.
    pub before: u32,
    /// Days after the target.
    pub after: u32,
}

/// The window width of each [`WindowClass`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Windows {
    /// Baseline.
    #[serde(deserialize_with = "crate::json::object")]
    pub baseline: WindowWidth,
    /// First infusion.
    #[serde(deserialize_with = "crate::json::object")]
    pub first_infusion: WindowWidth,
    /// Day 14 and day 28 infusions.
    #[serde(deserialize_with = "crate::json::object")]
    pub early_infusion: WindowWidth,
    /// Week 8–24 infusions.
    #[serde(deserialize_with = "crate::json::object")]
    pub infusion: WindowWidth,
    /// Week visits.
    #[serde(deserialize_with = "crate::json::object")]
    pub week_visit: WindowWidth,
    /// Month visits.
    #[serde(deserialize_with = "crate::json::object")]
    pub month_visit: WindowWidth,
}

impl Windows {
    /// The width of a class.
    pub fn of(&self, class: WindowClass) -> WindowWidth {
        match class {
            WindowClass::Baseline => self.baseline,
            WindowClass::FirstInfusion => self.first_infusion,
            WindowClass::EarlyInfusion => self.early_infusion,
            WindowClass::Infusion => self.infusion,
            WindowClass::WeekVisit => self.week_visit,
            WindowClass::MonthVisit => self.month_visit,
        }
    }

    fn named(&self) -> [(&'static str, WindowWidth); 6] {
        [
            ("baseline", self.baseline),
            ("first_infusion", self.first_infusion),
            ("early_infusion", self.early_infusion),
            ("infusion", self.infusion),
            ("week_visit", self.week_visit),
            ("month_visit", self.month_visit),
        ]
    }
}

/// The readings of the schedule where the protocol is silent; each argued in
/// `docs/interpretation.md`, "The visit schedule".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleReadings {
    /// Which study day "week N" is.
    pub week_day: WeekDay,
    /// Which date "month M" is.
    pub month_day: MonthDay,
    /// What follow-up months count from.
    pub follow_up_from: FollowUpFrom,
    /// Whether a delayed infusion moves the rest of the plan.
    pub delayed_infusion: DelayedInfusion,
    /// Days after a window closes during which an unattended visit is overdue (it can still be
    /// done, out of window); after them it is missed.
    pub overdue_days: u32,
    /// Window widths.
    #[serde(deserialize_with = "crate::json::object")]
    pub windows: Windows,
}

/// A visit of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedVisit {
    /// A short stable id (`d14`, `w28`, `m12`).
    pub id: String,
    /// A label for people.
    pub label: String,
    /// When, as the protocol writes it.
    pub nominal: Nominal,
    /// Its kind of window.
    pub window: WindowClass,
    /// Whether the study product is infused at it.
    pub infusion: bool,
    /// What is assessed at it, in the order the plan lists them.
    pub assessments: Vec<Assessment>,
}

impl PlannedVisit {
    /// The activities the visit plans as a set of [`Activity::bit`]s.
    pub(crate) fn activity_bits(&self) -> u32 {
        let mut bits = Activity::Attended.bit();
        if self.infusion {
            bits |= Activity::Infusion.bit();
        }
        for a in &self.assessments {
            bits |= Activity::Assessment(*a).bit();
        }
        bits
    }

    /// Whether the visit plans `activity` (every visit plans [`Activity::Attended`]).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{Activity, Assessment, ScheduleConfig};
    /// let plan = ScheduleConfig::bundled()?;
    /// let w28 = plan.visit("w28").unwrap();
    /// assert!(w28.plans(Activity::Assessment(Assessment::UrineProtein24h)) && !w28.plans(Activity::Infusion));
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn plans(&self, activity: Activity) -> bool {
        match activity {
            Activity::Attended => true,
            Activity::Infusion => self.infusion,
            Activity::Assessment(a) => self.assessments.contains(&a),
        }
    }
}

/// The schedule configuration: a versioned plan and its readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Names this plan and readings; every calendar carries it.
    pub version: String,
    /// Where the plan comes from.
    #[serde(default)]
    pub source: String,
    /// The readings.
    #[serde(deserialize_with = "crate::json::object")]
    pub readings: ScheduleReadings,
    /// The visits, in the plan's order (ties are broken by it).
    #[serde(deserialize_with = "crate::json::objects")]
    pub visits: Vec<PlannedVisit>,
}

/// Bounds that keep every date computable and every plan meaningful: 10 years of study days,
/// weeks and months, a window or an overdue period of a year at most, 200 visits.
const MAX_DAY: u32 = 3660;
const MAX_WEEK: u32 = 523;
const MAX_MONTH: u32 = 120;
const MAX_WIDTH: u32 = 366;
const MAX_VISITS: usize = 200;

impl ScheduleConfig {
    /// The protocol's plan with its default readings (the bundled file).
    ///
    /// # Errors
    /// None in practice (the bundled file is checked by the test suite); the signature admits
    /// the reader's error rather than panicking.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::ScheduleConfig;
    /// let plan = ScheduleConfig::bundled()?;
    /// assert_eq!(plan.version, "nct06969807-schedule-1");
    /// assert_eq!(plan.visits.iter().filter(|v| v.infusion).count(), 8);
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn bundled() -> Result<ScheduleConfig, ScheduleError> {
        // The text is constant: read and checked (its timing from every length of month) once
        // per process, then copied; the bindings ask for it on every call.
        static BUNDLED: std::sync::OnceLock<Result<ScheduleConfig, ScheduleError>> = std::sync::OnceLock::new();
        BUNDLED.get_or_init(|| ScheduleConfig::from_json(BUNDLED_PLAN)).clone()
    }

    /// Reads a whole schedule configuration from JSON and checks it.
    ///
    /// # Errors
    /// [`ScheduleError::Config`] naming the field path: malformed JSON, an unknown field or
    /// activity, a duplicate visit id, a bound exceeded.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::ScheduleConfig;
    /// let err = ScheduleConfig::from_json(r#"{"version": "x"}"#).unwrap_err();
    /// assert_eq!(err.path(), ".");
    /// ```
    pub fn from_json(text: &str) -> Result<ScheduleConfig, ScheduleError> {
        let config: ScheduleConfig = read_json(text, ScheduleError::config)?;
        config.validate()?;
        Ok(config)
    }

    /// The same plan under other readings. The version becomes `<version>+custom` when they
    /// differ, so that no calendar claims readings it did not use.
    ///
    /// # Errors
    /// [`ScheduleError::Config`] if a width or the overdue period is beyond its bound.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{ScheduleConfig, WeekDay};
    /// let plan = ScheduleConfig::bundled()?;
    /// let mut readings = plan.readings;
    /// readings.week_day = WeekDay::WeekAfterDayOne;
    /// assert_eq!(plan.with_readings(readings)?.version, "nct06969807-schedule-1+custom");
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn with_readings(&self, readings: ScheduleReadings) -> Result<ScheduleConfig, ScheduleError> {
        let mut config = self.clone();
        if readings != self.readings && !config.version.ends_with("+custom") {
            config.version.push_str("+custom");
        }
        config.readings = readings;
        config.validate()?;
        Ok(config)
    }

    /// The same plan with some readings changed, given as a JSON object of the fields to
    /// change (`{"week_day": "week_after_day_one"}`; `windows` as a whole).
    ///
    /// # Errors
    /// [`ScheduleError::Config`] naming the field: not an object, an unknown reading, a bad
    /// value.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{ScheduleConfig, MonthDay};
    /// let plan = ScheduleConfig::bundled()?.with_readings_json(r#"{"month_day": "average_days"}"#)?;
    /// assert_eq!(plan.readings.month_day, MonthDay::AverageDays);
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn with_readings_json(&self, text: &str) -> Result<ScheduleConfig, ScheduleError> {
        let changes: serde_json::Map<String, serde_json::Value> = read_json(text, ScheduleError::config)?;
        let mut merged = match serde_json::to_value(self.readings) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(ScheduleError::config(".", "the readings could not be written")),
        };
        for (key, value) in changes {
            if !merged.contains_key(&key) {
                return Err(ScheduleError::config(&key, "unknown schedule reading"));
            }
            merged.insert(key, value);
        }
        let text = serde_json::Value::Object(merged).to_string();
        let readings: ScheduleReadings = read_json(&text, ScheduleError::config)?;
        self.with_readings(readings)
    }

    /// Checks ids, bounds and activities.
    ///
    /// # Errors
    /// [`ScheduleError::Config`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if self.version.trim().is_empty() {
            return Err(ScheduleError::config("version", "is empty"));
        }
        if self.readings.overdue_days > MAX_WIDTH {
            return Err(ScheduleError::config("readings.overdue_days", format!("is above {MAX_WIDTH} days")));
        }
        for (name, width) in self.readings.windows.named() {
            if width.before > MAX_WIDTH || width.after > MAX_WIDTH {
                return Err(ScheduleError::config(
                    &format!("readings.windows.{name}"),
                    format!("a width is above {MAX_WIDTH} days"),
                ));
            }
        }
        if self.visits.is_empty() || self.visits.len() > MAX_VISITS {
            return Err(ScheduleError::config("visits", format!("needs 1 to {MAX_VISITS} visits")));
        }
        let mut ids = HashSet::new();
        for (i, visit) in self.visits.iter().enumerate() {
            let at = |field: &str| format!("visits[{i}].{field}");
            let well_formed = !visit.id.is_empty()
                && visit.id.len() <= 32
                && visit.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err(ScheduleError::config(&at("id"), "needs 1 to 32 of a-z, 0-9 and _"));
            }
            if !ids.insert(visit.id.as_str()) {
                return Err(ScheduleError::config(&at("id"), "is used by an earlier visit"));
            }
            let (ok, bound) = match visit.nominal {
                Nominal::Day(n) => ((1..=MAX_DAY).contains(&n), format!("a day from 1 to {MAX_DAY}")),
                Nominal::Week(n) => ((1..=MAX_WEEK).contains(&n), format!("a week from 1 to {MAX_WEEK}")),
                Nominal::Month(n) => ((1..=MAX_MONTH).contains(&n), format!("a month from 1 to {MAX_MONTH}")),
            };
            if !ok {
                return Err(ScheduleError::config(&at("nominal"), format!("needs {bound}")));
            }
            let mut seen = HashSet::new();
            if let Some(dup) = visit.assessments.iter().find(|a| !seen.insert(**a)) {
                return Err(ScheduleError::config(&at("assessments"), format!("lists {} twice", dup.slug())));
            }
        }
        self.check_timing()
    }

    /// The plan's rules of time, on the calendar of every day 1 a participant can have: visits
    /// are listed in time order (ties are broken by that order), and the windows of consecutive
    /// infusions do not overlap (one infusion could otherwise count for two visits). Other
    /// windows may overlap: an observation in two windows goes to the nearest target
    /// (`docs/schedule.md`). A month is 28 to 31 days from one day 1 to another, so a plan that
    /// mixes days or weeks with months is checked from [`reference_days_one`], each length of
    /// each span of months over a leap-year cycle.
    fn check_timing(&self) -> Result<(), ScheduleError> {
        for day_one in reference_days_one() {
            self.check_timing_from(day_one)?;
        }
        Ok(())
    }

    fn check_timing_from(&self, reference: chrono::NaiveDate) -> Result<(), ScheduleError> {
        let calendar = super::Calendar::build(self, reference, false)?;
        let mut previous_infusion: Option<&super::ScheduledVisit> = None;
        for (i, visit) in calendar.visits.iter().enumerate() {
            if i > 0 && visit.target < calendar.visits[i - 1].target {
                return Err(ScheduleError::config(
                    &format!("visits[{i}].nominal"),
                    "comes before the visit listed before it: list visits in time order",
                ));
            }
            if visit.infusion {
                if let Some(before) = previous_infusion.filter(|p| p.window_last >= visit.window_first) {
                    return Err(ScheduleError::config(
                        &format!("visits[{i}].window"),
                        format!("overlaps the window of the infusion visit {} before it", before.visit),
                    ));
                }
                previous_infusion = Some(visit);
            }
        }
        Ok(())
    }

    /// The visit of an id.
    pub fn visit(&self, id: &str) -> Option<&PlannedVisit> {
        self.visits.iter().find(|v| v.id == id)
    }
}

/// The days 1 a plan's timing is checked from: the 1st and the 28th to the 31st of every month
/// of a whole leap-year cycle, 2000 to 2003 (a span of months then holds 29 February at its
/// start, in its middle or not at all). A span of calendar months from a day up to the 28th is
/// as long as from the 1st of that month; the 29th to 31st end at a month's last day (from 31
/// January, month 1 is 28 or 29 February).
fn reference_days_one() -> impl Iterator<Item = chrono::NaiveDate> {
    (2000..=2003).flat_map(|year| {
        (1..=12).flat_map(move |month| {
            [1, 28, 29, 30, 31].into_iter().filter_map(move |day| chrono::NaiveDate::from_ymd_opt(year, month, day))
        })
    })
}

/// Reads one configuration document (a plan, readings) with its field path on error, refusing
/// trailing content and a key given twice in an object.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    text: &str,
    error: fn(&str, String) -> ScheduleError,
) -> Result<T, ScheduleError> {
    crate::json::read_config(text).map_err(|(path, reason)| error(&path, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_plan_is_the_registrys() {
        let plan = ScheduleConfig::bundled().unwrap();
        let infusions: Vec<_> = plan.visits.iter().filter(|v| v.infusion).map(|v| v.nominal).collect();
        assert_eq!(
            infusions,
            [
                Nominal::Day(1),
                Nominal::Day(14),
                Nominal::Day(28),
                Nominal::Week(8),
                Nominal::Week(12),
                Nominal::Week(16),
                Nominal::Week(20),
                Nominal::Week(24)
            ]
        );
        // Primary endpoints at week 28; DQOL at each visit; AE collection to week 28 only.
        let w28 = plan.visit("w28").unwrap();
        assert!(w28.plans(Activity::Assessment(Assessment::UrineProtein24h)));
        assert!(w28.plans(Activity::Assessment(Assessment::Egfr)));
        assert!(plan.visits.iter().all(|v| v.plans(Activity::Assessment(Assessment::Dqol))));
        assert!(!plan.visit("m12").unwrap().plans(Activity::Assessment(Assessment::AdverseEvents)));
        // Mechanism biomarkers at weeks 4, 12, 28 and month 12 (and baseline), not at month 18.
        let with_biomarkers: Vec<_> = plan
            .visits
            .iter()
            .filter(|v| v.plans(Activity::Assessment(Assessment::InflammationBiomarkers)))
            .map(|v| v.id.as_str())
            .collect();
        assert_eq!(with_biomarkers, ["baseline", "w4", "w12", "w28", "m12"]);
    }

    #[test]
    fn a_bad_plan_is_refused_with_its_field() {
        let plan: serde_json::Value = serde_json::from_str(BUNDLED_PLAN).unwrap();
        let cases = [
            ("/visits/2/id", serde_json::json!("d1"), "visits[2].id"),
            ("/visits/2/id", serde_json::json!("D 14"), "visits[2].id"),
            ("/visits/2/nominal", serde_json::json!({"day": 0}), "visits[2].nominal"),
            ("/visits/2/nominal", serde_json::json!({"month": 121}), "visits[2].nominal"),
            ("/visits/2/assessments", serde_json::json!(["dqol", "dqol"]), "visits[2].assessments"),
            ("/visits/2/assessments", serde_json::json!(["quality"]), "visits[2].assessments[0]"),
            ("/readings/overdue_days", serde_json::json!(400), "readings.overdue_days"),
            (
                "/readings/windows/infusion",
                serde_json::json!({"before": 3, "after": 4000}),
                "readings.windows.infusion",
            ),
            ("/visits", serde_json::json!([]), "visits"),
        ];
        for (pointer, value, path) in cases {
            let mut bad = plan.clone();
            *bad.pointer_mut(pointer).unwrap() = value;
            let err = ScheduleConfig::from_json(&bad.to_string()).unwrap_err();
            assert_eq!(err.path(), path, "{pointer}: {err}");
            assert_eq!(err.kind(), "invalid_config");
        }
        assert_eq!(ScheduleConfig::from_json(&format!("{BUNDLED_PLAN} {{}}")).unwrap_err().path(), ".");
    }

    #[test]
    fn changed_readings_rename_the_version() {
        let plan = ScheduleConfig::bundled().unwrap();
        assert_eq!(plan.with_readings(plan.readings).unwrap().version, plan.version);
        let changed = plan.with_readings_json(r#"{"overdue_days": 7}"#).unwrap();
        assert_eq!(changed.readings.overdue_days, 7);
        assert!(changed.version.ends_with("+custom"));
        assert_eq!(plan.with_readings_json(r#"{"overdue": 7}"#).unwrap_err().path(), "overdue");
        assert_eq!(plan.with_readings_json(r#"{"week_day": "weekly"}"#).unwrap_err().path(), "week_day");
        assert_eq!(plan.with_readings_json("[1]").unwrap_err().path(), ".");
    }

    #[test]
    fn the_activity_bits_say_what_plans_says() {
        let plan = ScheduleConfig::bundled().unwrap();
        let activities: Vec<Activity> = [Activity::Infusion, Activity::Attended]
            .into_iter()
            .chain(Assessment::ALL.into_iter().map(Activity::Assessment))
            .collect();
        assert_eq!(activities.iter().map(|a| a.bit()).fold(0, |all, b| all | b).count_ones(), 17);
        for v in &plan.visits {
            for &a in &activities {
                assert_eq!(v.activity_bits() & a.bit() != 0, v.plans(a), "{} {a}", v.id);
            }
        }
    }

    #[test]
    fn every_activity_name_reads_back() {
        for a in Assessment::ALL {
            let activity = Activity::Assessment(a);
            assert_eq!(Activity::from_slug(activity.slug()), Some(activity));
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.slug()));
        }
    }
}
