//! The criteria, one function each, in protocol order. Each quotes its protocol text in
//! [`CriterionId::protocol_text`] and reads its thresholds from the [`ProtocolConfig`].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::config::{DayWindow, ExposureReading, ProtocolConfig, StaleBiopsy};
use super::medications::{self, DrugClass, MedicationTable};
use super::record::{BiopsyFinding, ConditionKind, LabEntry, ScreeningRecord};
use super::{CriterionResult, Detail, Evidence, EvidenceList, Outcome, Quantity, QuantityUnit};
use crate::demographics::{Age, Sex};
use crate::egfr::{estimate, EgfrInputs};
use crate::evaluation::text::{reason, Arg, Field, Reason};
use crate::evaluation::Threshold;
use crate::lab::{AnalyteKind, CystatinC, Measurement, SerumCreatinine, Unit};
use smallvec::SmallVec;

/// Inclusion or exclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Must be met.
    Inclusion,
    /// Must not be met.
    Exclusion,
}

macro_rules! criteria_ids {
    ($($variant:ident => $slug:literal, $kind:ident, $text:literal;)*) => {
        /// A criterion of the protocol, with a stable snake_case id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum CriterionId {
            $(
                #[doc = $text]
                $variant,
            )*
        }

        impl CriterionId {
            /// Every criterion, inclusions first, in protocol order.
            pub const ALL: &'static [CriterionId] = &[$(CriterionId::$variant),*];

            /// The stable id.
            pub fn slug(self) -> &'static str {
                match self { $(CriterionId::$variant => $slug,)* }
            }

            /// Inclusion or exclusion.
            pub fn kind(self) -> CriterionKind {
                match self { $(CriterionId::$variant => CriterionKind::$kind,)* }
            }

            /// The protocol's words (registry text of NCT06969807).
            pub fn protocol_text(self) -> &'static str {
                match self { $(CriterionId::$variant => $text,)* }
            }
        }
    };
}

criteria_ids! {
    IncAge => "inc_age", Inclusion, "Men and women who are ≥ 45 and ≤ 80 years old.";
    IncType2Diabetes => "inc_type2_diabetes", Inclusion, "Diagnosed with type 2 diabetes mellitus.";
    IncDkdBiopsy => "inc_dkd_biopsy", Inclusion, "Diagnosed with diabetic kidney disease based on renal pathology within the past 10 years.";
    IncUrineProtein => "inc_urine_protein", Inclusion, "The 24-hour urine protein quantification is continuously ≥ 3.5 g, and the urine albumin-to-creatinine ratio (UACR) > 1000 mg/g. (24-hour urine protein part)";
    IncUacr => "inc_uacr", Inclusion, "The 24-hour urine protein quantification is continuously ≥ 3.5 g, and the urine albumin-to-creatinine ratio (UACR) > 1000 mg/g. (UACR part)";
    IncEgfr => "inc_egfr", Inclusion, "The estimated glomerular filtration rate (eGFR) ≥ 20 ml/min/1.73m² (calculated according to the CKD-EPI formula).";
    IncBloodPressure => "inc_blood_pressure", Inclusion, "The blood pressure can be controlled at BP ≤ 160/100 mmHg.";
    IncHba1c => "inc_hba1c", Inclusion, "Glycated hemoglobin (HbA1c) < 9%.";
    IncConsent => "inc_consent", Inclusion, "Willing and able to provide written informed consent.";
    ExcNonDiabeticKidneyDisease => "exc_non_diabetic_kidney_disease", Exclusion, "Patients with kidney diseases not caused by diabetes mellitus.";
    ExcImmunosuppressant => "exc_immunosuppressant", Exclusion, "Patients who have received treatment with systemic immunosuppressants (such as cyclosporine A, tacrolimus, mycophenolate mofetil, etc.) within 30 days before enrollment and the duration of treatment exceeds one week.";
    ExcSevereCardiovascular => "exc_severe_cardiovascular", Exclusion, "Severe cardiovascular diseases, such as congenital heart diseases, atrial fibrillation, NYHA class Ⅲ-IV, unstable angina pectoris, etc.";
    ExcStroke => "exc_stroke", Exclusion, "A history of cerebral hemorrhage or cerebral infarction within the past six months (except for those with a history of lacunar cerebral infarction without residual limb movement disorders, cognitive and language function disorders).";
    ExcHyperlipidaemia => "exc_hyperlipidaemia", Exclusion, "Patients with severe hyperlipidemia: (serum triglyceride ≥ 6.2 mmol/L, serum low-density lipoprotein cholesterol ≥ 4.1 mmol/L).";
    ExcHyperkalaemia => "exc_hyperkalaemia", Exclusion, "Hyperkalemia that cannot be controlled through diet or potassium-lowering treatment.";
    ExcViralHepatitis => "exc_viral_hepatitis", Exclusion, "Patients with active infections of hepatitis B or hepatitis C viruses (the copy number of HBV DNA or HCV RNA exceeds the upper limit of the normal value).";
    ExcTuberculosisHivImmunodeficiency => "exc_tuberculosis_hiv_immunodeficiency", Exclusion, "Patients with active tuberculosis; patients with severe immunodeficiency diseases, human immunodeficiency virus (HIV) infection, etc.";
    ExcMalignancy => "exc_malignancy", Exclusion, "Patients with a history of malignant tumors within the past five years.";
    ExcAllergy => "exc_allergy", Exclusion, "Patients with a known history of severe allergy to component blood or blood products, or patients with a history of allergy to heterologous proteins.";
    ExcPregnancyLactation => "exc_pregnancy_lactation", Exclusion, "Lactating women, or female patients who have a pregnancy plan or an egg donation plan from the start of the study to the follow-up period, and male patients (or their partners) who have a childbearing plan or a sperm donation plan from the start of the study to the follow-up period and are unwilling to take contraceptive measures.";
    ExcActiveInfection => "exc_active_infection", Exclusion, "Active infection within one week before enrollment and requiring treatment with intravenous antibiotics.";
    ExcOtherTrial => "exc_other_trial", Exclusion, "Patients who have participated in other interventional clinical trials within three months before enrollment.";
    ExcInvestigatorJudgement => "exc_investigator_judgement", Exclusion, "The research physician deems that the patient's condition is not suitable for participating in this clinical study.";
}

impl CriterionId {
    /// Parses an id.
    pub fn from_slug(slug: &str) -> Option<CriterionId> {
        Self::ALL.iter().copied().find(|c| c.slug() == slug)
    }
}

/// A criterion as listed for users: id, kind, protocol text and the parameters it reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionInfo {
    /// The stable id.
    pub id: CriterionId,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// The protocol's words.
    pub protocol_text: &'static str,
    /// (name, value) of each configuration parameter the criterion reads.
    pub parameters: Vec<(&'static str, String)>,
}

/// Every criterion with its parameters under `config`.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{criteria, ProtocolConfig};
/// let list = criteria(&ProtocolConfig::default());
/// let uacr = list.iter().find(|c| c.id.slug() == "inc_uacr").unwrap();
/// assert_eq!(uacr.parameters[0], ("uacr", "> 1000 mg/g".to_string()));
/// ```
pub fn criteria(config: &ProtocolConfig) -> Vec<CriterionInfo> {
    let c = config;
    CriterionId::ALL
        .iter()
        .map(|&id| {
            let p: Vec<(&'static str, String)> = match id {
                CriterionId::IncAge => {
                    vec![("age_min_years", c.age_min_years.to_string()), ("age_max_years", c.age_max_years.to_string())]
                }
                CriterionId::IncDkdBiopsy => vec![
                    ("biopsy_lookback_years", c.biopsy_lookback_years.to_string()),
                    ("biopsy_beyond_lookback", slug(&c.biopsy_beyond_lookback)),
                ],
                CriterionId::IncUrineProtein => vec![
                    ("urine_protein", c.urine_protein.to_string()),
                    ("urine_protein_min_measurements", c.urine_protein_min_measurements.to_string()),
                    ("urine_protein_window_days", c.urine_protein_window_days.to_string()),
                    ("urine_protein_min_spacing_days", c.urine_protein_min_spacing_days.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::IncUacr => {
                    vec![
                        ("uacr", c.uacr.to_string()),
                        ("uacr_lookback_days", c.uacr_lookback_days.to_string()),
                        ("day_window", slug(&c.day_window)),
                    ]
                }
                CriterionId::IncEgfr => vec![
                    ("egfr", c.egfr.to_string()),
                    ("egfr_equation", c.egfr_equation.slug().to_owned()),
                    ("egfr_lookback_days", c.egfr_lookback_days.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::IncBloodPressure => vec![
                    ("systolic", c.systolic.to_string()),
                    ("diastolic", c.diastolic.to_string()),
                    ("bp_lookback_days", c.bp_lookback_days.to_string()),
                    ("bp_readings_averaged", c.bp_readings_averaged.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::IncHba1c => {
                    vec![
                        ("hba1c", c.hba1c.to_string()),
                        ("hba1c_lookback_days", c.hba1c_lookback_days.to_string()),
                        ("day_window", slug(&c.day_window)),
                    ]
                }
                CriterionId::ExcImmunosuppressant => vec![
                    ("immunosuppressant_lookback_days", c.immunosuppressant_lookback_days.to_string()),
                    ("immunosuppressant_min_exposure_days", c.immunosuppressant_min_exposure_days.to_string()),
                    ("immunosuppressant_exposure", slug(&c.immunosuppressant_exposure)),
                    ("immunosuppressant_extra_names", c.immunosuppressant_extra_names.join(", ")),
                    ("not_immunosuppressant_names", c.not_immunosuppressant_names.join(", ")),
                    ("count_glucocorticoids", c.count_glucocorticoids.to_string()),
                    ("medication_table", super::medications::MEDICATION_TABLE_VERSION.to_owned()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::ExcSevereCardiovascular => vec![
                    ("nyha_min_class", c.nyha_min_class.to_string()),
                    ("recent_acs_lookback_months", c.recent_acs_lookback_months.to_string()),
                ],
                CriterionId::ExcStroke => vec![("stroke_lookback_months", c.stroke_lookback_months.to_string())],
                CriterionId::ExcHyperlipidaemia => vec![
                    ("triglycerides", c.triglycerides.to_string()),
                    ("ldl_cholesterol", c.ldl_cholesterol.to_string()),
                    ("lipid_lookback_days", c.lipid_lookback_days.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::ExcViralHepatitis => vec![
                    ("viral_load_lookback_days", c.viral_load_lookback_days.to_string()),
                    ("negative_serology_rules_out_hepatitis", c.negative_serology_rules_out_hepatitis.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::ExcPregnancyLactation => {
                    vec![("current_pregnancy_excludes", c.current_pregnancy_excludes.to_string())]
                }
                CriterionId::ExcMalignancy => {
                    vec![("malignancy_lookback_years", c.malignancy_lookback_years.to_string())]
                }
                CriterionId::ExcActiveInfection => vec![
                    ("iv_antibiotics_lookback_days", c.iv_antibiotics_lookback_days.to_string()),
                    ("day_window", slug(&c.day_window)),
                ],
                CriterionId::ExcOtherTrial => {
                    vec![("other_trial_lookback_months", c.other_trial_lookback_months.to_string())]
                }
                _ => Vec::new(),
            };
            CriterionInfo { id, kind: id.kind(), protocol_text: id.protocol_text(), parameters: p }
        })
        .collect()
}

/// The JSON name of a reading (`elapsed_days`), for the parameter listing.
fn slug<T: Serialize>(reading: &T) -> String {
    serde_json::to_value(reading).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The first day of a look-back of `days` days ending on `screening` (inclusive), as `window`
/// counts days (`DayWindow`); the earliest date chrono represents if the look-back reaches past
/// it (never an overflow).
fn days_before(screening: NaiveDate, days: u32, window: DayWindow) -> NaiveDate {
    let back = match window {
        DayWindow::ElapsedDays => days,
        DayWindow::CalendarDates => days.saturating_sub(1),
    };
    screening.checked_sub_days(chrono::Days::new(u64::from(back))).unwrap_or(NaiveDate::MIN)
}

/// The same day `months` calendar months earlier (clamped to the month's end).
///
/// What chrono's `checked_sub_months` computes (a property test compares them), by plain
/// year-and-month arithmetic, which is several times cheaper; `NaiveDate::MIN` if out of range.
pub(super) fn months_before(screening: NaiveDate, months: u32) -> NaiveDate {
    let total = i64::from(screening.year()) * 12 + i64::from(screening.month0()) - i64::from(months);
    let (Ok(year), Ok(month0)) = (i32::try_from(total.div_euclid(12)), u32::try_from(total.rem_euclid(12))) else {
        return NaiveDate::MIN;
    };
    // The same day, or the month's last day when the month is shorter (31 March - 1 month is
    // 28 or 29 February).
    let mut day = screening.day();
    loop {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month0 + 1, day) {
            return date;
        }
        if day <= 28 {
            return NaiveDate::MIN;
        }
        day -= 1;
    }
}

/// The result of `id` before its criterion is evaluated: unknown, no evidence, no reason.
fn empty(id: CriterionId) -> CriterionResult {
    CriterionResult {
        id,
        kind: id.kind(),
        outcome: Outcome::Unknown,
        evidence: EvidenceList::new(),
        reason: Reason::new("", SmallVec::new()),
    }
}

/// Writes the outcome and reason of a criterion into its result, whose evidence the criterion
/// has pushed as it found it.
fn answer(out: &mut CriterionResult, outcome: Outcome, reason: Reason) {
    out.outcome = outcome;
    out.reason = reason;
}

/// Unknown, keeping any evidence already pushed: the data needed is absent, out of date or
/// unreadable.
fn unknown(out: &mut CriterionResult, reason: Reason) {
    answer(out, Outcome::Unknown, reason);
}

fn met_if(condition: bool) -> Outcome {
    if condition {
        Outcome::Met
    } else {
        Outcome::NotMet
    }
}

/// A lab entry's measurement (the record has been validated, so it converts).
fn measure(kind: AnalyteKind, entry: &LabEntry) -> Option<Measurement> {
    Measurement::entered(kind, entry.value, &entry.unit).ok()
}

/// Entries dated within `[from, screening]`, with their index, latest first (stable for ties:
/// the later entry in the list counts as more recent).
pub(super) fn in_window(
    series: &[LabEntry],
    from: NaiveDate,
    screening: NaiveDate,
) -> SmallVec<[(usize, &LabEntry); 4]> {
    let mut v: SmallVec<[(usize, &LabEntry); 4]> =
        series.iter().enumerate().filter(|(_, e)| e.date >= from && e.date <= screening).collect();
    v.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(b.0.cmp(&a.0)));
    v
}

/// The latest entry dated within `[from, screening]`, with its index: the first of
/// [`in_window`], found in one pass.
pub(super) fn latest_in_window(
    series: &[LabEntry],
    from: NaiveDate,
    screening: NaiveDate,
) -> Option<(usize, &LabEntry)> {
    // `max_by_key` keeps the last of equal keys: the later entry in the list wins a tie.
    series.iter().enumerate().filter(|(_, e)| e.date >= from && e.date <= screening).max_by_key(|(_, e)| e.date)
}

/// The evidence of one lab entry: as entered, and `converted` (the measurement in `compared_in`,
/// computed once by the caller, which compares it too).
fn lab_evidence(
    series: &'static str,
    i: usize,
    entry: &LabEntry,
    m: &Measurement,
    compared_in: Unit,
    converted: Option<f64>,
) -> Evidence {
    Evidence {
        field: Field::item(series, i),
        date: Some(entry.date),
        entered: Some(Quantity { value: m.value(), unit: m.unit().into() }),
        converted: converted.map(|v| Quantity { value: v, unit: compared_in.into() }),
    }
}

/// The latest value of a series within a look-back, compared with a threshold.
fn latest_lab(
    out: &mut CriterionResult,
    record: &ScreeningRecord,
    series: &'static str,
    kind: AnalyteKind,
    entries: &[LabEntry],
    threshold: &Threshold,
    (lookback_days, window): (u32, DayWindow),
) {
    let from = days_before(record.screening_date, lookback_days, window);
    let Some((i, entry)) = latest_in_window(entries, from, record.screening_date) else {
        return unknown(out, reason!("No {} within the {} days before screening.", kind, lookback_days));
    };
    let Some(m) = measure(kind, entry) else {
        return unknown(out, reason!("The latest {} could not be read.", kind));
    };
    // Compared in the threshold's own unit (what `Threshold::passes` does), converted once.
    let converted = m.in_unit(threshold.unit).ok();
    let passes = converted.is_some_and(|v| threshold.passes_value(v));
    let value = converted.unwrap_or(f64::NAN);
    // For an inclusion, passing the threshold meets it; for an exclusion (lipids), passing
    // the threshold (≥ 6.2 mmol/L) is what excludes: either way "passes" is "met".
    let outcome = met_if(passes);
    let why = reason!(
        "Latest {} ({}) is {} {}, {} {}.",
        kind,
        entry.date,
        value,
        threshold.unit,
        if passes { "which is" } else { "which is not" },
        *threshold
    );
    out.evidence.push(lab_evidence(series, i, entry, &m, threshold.unit, converted));
    answer(out, outcome, why);
}

fn inc_age(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    match Age::on(r.date_of_birth, r.screening_date) {
        Ok(age) => {
            let y = age.years();
            let ok = y >= c.age_min_years && y <= c.age_max_years;
            out.evidence.push(Evidence {
                field: Field::named("date_of_birth"),
                date: Some(r.date_of_birth),
                entered: None,
                converted: Some(Quantity { value: f64::from(y), unit: QuantityUnit::Years }),
            });
            answer(
                out,
                met_if(ok),
                reason!(
                    "Age {} on the screening date is {} {}–{} years.",
                    y,
                    if ok { "within" } else { "outside" },
                    c.age_min_years,
                    c.age_max_years
                ),
            )
        }
        Err(_) => unknown(out, reason!("Age could not be computed from the dates.")),
    }
}

fn flag(
    out: &mut CriterionResult,
    value: Option<bool>,
    field: &'static str,
    yes: &'static str,
    no: &'static str,
    unknown: &'static str,
) {
    let (outcome, text) = match value {
        Some(true) => (Outcome::Met, yes),
        Some(false) => (Outcome::NotMet, no),
        None => (Outcome::Unknown, unknown),
    };
    if value.is_some() {
        out.evidence.push(Evidence { field: Field::named(field), date: None, entered: None, converted: None });
    }
    answer(out, outcome, Reason::new(text, SmallVec::new()));
}

fn inc_dkd_biopsy(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let from = months_before(r.screening_date, c.biopsy_lookback_years.saturating_mul(12));
    match &r.kidney_biopsy {
        None => unknown(out, reason!("No kidney biopsy is recorded.")),
        Some(b) if b.date < from => {
            out.evidence.push(Evidence {
                field: Field::named("kidney_biopsy"),
                date: Some(b.date),
                entered: None,
                converted: None,
            });
            let outcome = match c.biopsy_beyond_lookback {
                StaleBiopsy::NotMet => Outcome::NotMet,
                StaleBiopsy::Unknown => Outcome::Unknown,
            };
            answer(
                out,
                outcome,
                reason!(
                    "The kidney biopsy ({}) is older than {} years: the diagnosis is not within the past {} years.",
                    b.date,
                    c.biopsy_lookback_years,
                    c.biopsy_lookback_years
                ),
            )
        }
        Some(b) => {
            let ok = b.finding == BiopsyFinding::DiabeticKidneyDisease;
            out.evidence.push(Evidence {
                field: Field::named("kidney_biopsy"),
                date: Some(b.date),
                entered: None,
                converted: None,
            });
            answer(
                out,
                met_if(ok),
                reason!(
                    "Kidney biopsy of {} shows {}.",
                    b.date,
                    if ok { "diabetic kidney disease" } else { "a non-diabetic kidney disease" }
                ),
            )
        }
    }
}

fn inc_urine_protein(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let t = &c.urine_protein;
    let from = days_before(r.screening_date, c.urine_protein_window_days, c.day_window);
    let window = in_window(&r.labs.urine_protein_24h, from, r.screening_date);
    let evidence = &mut out.evidence;
    let mut failing = None;
    let mut dates: SmallVec<[NaiveDate; 4]> = SmallVec::new();
    for &(i, e) in &window {
        if let Some(m) = measure(AnalyteKind::UrineProtein24h, e) {
            let converted = m.in_unit(t.unit).ok();
            if !converted.is_some_and(|v| t.passes_value(v)) && failing.is_none() {
                failing = Some((e.date, converted.unwrap_or(f64::NAN)));
            }
            dates.push(e.date);
            evidence.push(lab_evidence("labs.urine_protein_24h", i, e, &m, t.unit, converted));
        }
    }
    let days = c.urine_protein_window_days;
    if let Some((date, v)) = failing {
        return answer(
            out,
            Outcome::NotMet,
            reason!("24-hour urine protein of {} is {} {}, not {}: not continuously so.", date, v, t.unit, *t),
        );
    }
    // "Continuously": measurements on distinct dates at least the configured spacing apart
    // (the most such dates, taken from the earliest on).
    dates.sort_unstable();
    let mut spaced = 0usize;
    let mut last: Option<NaiveDate> = None;
    for d in dates {
        if last.is_none_or(|l| (d - l).num_days() >= i64::from(c.urine_protein_min_spacing_days.max(1))) {
            spaced += 1;
            last = Some(d);
        }
    }
    let n = out.evidence.len();
    if spaced < c.urine_protein_min_measurements {
        return answer(
            out,
            Outcome::Unknown,
            reason!(
                "{} 24-hour urine protein measurement(s) within {} days, on {} date(s) at least {} days apart; {} needed, all {}.",
                n,
                days,
                spaced,
                c.urine_protein_min_spacing_days,
                c.urine_protein_min_measurements,
                *t
            ),
        );
    }
    answer(
        out,
        Outcome::Met,
        reason!(
            "All {} 24-hour urine protein measurements within {} days are {}, on {} dates at least {} days apart.",
            n,
            days,
            *t,
            spaced,
            c.urine_protein_min_spacing_days
        ),
    )
}

fn inc_egfr(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let eq = c.egfr_equation;
    let from = days_before(r.screening_date, c.egfr_lookback_days, c.day_window);
    let mut inputs = match Age::on(r.date_of_birth, r.screening_date) {
        Ok(age) => EgfrInputs::new(age, r.sex),
        Err(_) => return unknown(out, reason!("Age could not be computed from the dates.")),
    };
    let mut latest_date = None;
    // The latest creatinine and (if the equation needs it) cystatin C within the look-back.
    let inputs_needed = [
        (
            eq.needs_creatinine(),
            "labs.creatinine",
            AnalyteKind::SerumCreatinine,
            &r.labs.creatinine,
            "creatinine",
            Unit::MilligramPerDeciliter,
        ),
        (
            eq.needs_cystatin_c(),
            "labs.cystatin_c",
            AnalyteKind::CystatinC,
            &r.labs.cystatin_c,
            "cystatin C",
            Unit::MilligramPerLiter,
        ),
    ];
    // Each is shown in the unit the equation is published in.
    for (needed, series, kind, entries, name, shown_in) in inputs_needed {
        if !needed {
            continue;
        }
        let Some((i, e)) = latest_in_window(entries, from, r.screening_date) else {
            return unknown(out, reason!("No {} within the {} days before screening.", name, c.egfr_lookback_days));
        };
        if let Some(m) = measure(kind, e) {
            out.evidence.push(lab_evidence(series, i, e, &m, shown_in, m.in_unit(shown_in).ok()));
            if let Ok(v) = SerumCreatinine::try_from_measurement(m) {
                inputs = inputs.with_creatinine(v);
            } else if let Ok(v) = CystatinC::try_from_measurement(m) {
                inputs = inputs.with_cystatin_c(v);
            }
        }
        latest_date = latest_date.max(Some(e.date));
    }
    match estimate(eq, &inputs) {
        Ok(est) => {
            let value = est.value();
            let ok = c.egfr.passes_value(value);
            out.evidence.push(Evidence {
                field: Field::named("egfr").with_detail(Detail::Equation(eq)),
                date: latest_date,
                entered: None,
                converted: Some(Quantity { value, unit: est.unit().into() }),
            });
            answer(
                out,
                met_if(ok),
                reason!(
                    "eGFR by {} is {} {}, {} {}.",
                    eq,
                    value,
                    est.unit(),
                    if ok { "which is" } else { "which is not" },
                    c.egfr
                ),
            )
        }
        Err(e) => unknown(out, reason!("eGFR could not be estimated: {}.", e.to_string())),
    }
}

fn inc_blood_pressure(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let from = days_before(r.screening_date, c.bp_lookback_days, c.day_window);
    let mut readings: SmallVec<[(usize, &super::BloodPressure); 4]> =
        r.blood_pressures.iter().enumerate().filter(|(_, b)| b.date >= from && b.date <= r.screening_date).collect();
    readings.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(b.0.cmp(&a.0)));
    readings.truncate(c.bp_readings_averaged);
    if readings.is_empty() {
        return unknown(out, reason!("No blood pressure within the {} days before screening.", c.bp_lookback_days));
    }
    let (mut sys, mut dia) = (0.0, 0.0);
    for (i, b) in &readings {
        let s = Measurement::entered(AnalyteKind::SystolicBp, b.systolic, &b.unit);
        let d = Measurement::entered(AnalyteKind::DiastolicBp, b.diastolic, &b.unit);
        let (Ok(s), Ok(d)) = (s, d) else {
            return unknown(out, reason!("A blood pressure reading could not be read."));
        };
        let (Ok(s_conv), Ok(d_conv)) = (s.in_unit(c.systolic.unit), d.in_unit(c.diastolic.unit)) else {
            return unknown(out, reason!("A blood pressure reading could not be read."));
        };
        sys += s_conv;
        dia += d_conv;
        for (m, conv, unit, part) in
            [(s, s_conv, c.systolic.unit, Detail::Systolic), (d, d_conv, c.diastolic.unit, Detail::Diastolic)]
        {
            out.evidence.push(Evidence {
                field: Field::item("blood_pressures", *i).with_detail(part),
                date: Some(b.date),
                entered: Some(Quantity { value: m.value(), unit: m.unit().into() }),
                converted: Some(Quantity { value: conv, unit: unit.into() }),
            });
        }
    }
    let n = readings.len() as f64;
    let (sys, dia) = (sys / n, dia / n);
    let ok = c.systolic.passes_value(sys) && c.diastolic.passes_value(dia);
    let verdict: &'static str = if ok { "within" } else { "above" };
    let why = if readings.len() == 1 {
        reason!(
            "Latest blood pressure is {}/{} {}, {} {}/{}.",
            sys,
            dia,
            c.systolic.unit,
            verdict,
            c.systolic,
            c.diastolic
        )
    } else {
        reason!(
            "Mean of the latest {} blood pressure is {}/{} {}, {} {}/{}.",
            readings.len(),
            sys,
            dia,
            c.systolic.unit,
            verdict,
            c.systolic,
            c.diastolic
        )
    };
    answer(out, met_if(ok), why);
}

/// Days of `[start, end]` (end inclusive, ongoing = screening) that fall in `[from, to]`.
fn overlap_days(start: NaiveDate, end: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> i64 {
    let end = end.unwrap_or(to).min(to);
    let start = start.max(from);
    if end < start {
        0
    } else {
        (end - start).num_days() + 1
    }
}

fn exc_non_diabetic_kidney_disease(r: &ScreeningRecord, out: &mut CriterionResult) {
    match &r.kidney_biopsy {
        Some(b) if b.finding == BiopsyFinding::NonDiabetic => {
            out.evidence.push(Evidence {
                field: Field::named("kidney_biopsy"),
                date: Some(b.date),
                entered: None,
                converted: None,
            });
            answer(out, Outcome::Met, reason!("The kidney biopsy shows a kidney disease not caused by diabetes."));
        }
        _ => flag(
            out,
            r.non_diabetic_kidney_disease,
            "non_diabetic_kidney_disease",
            "A kidney disease not caused by diabetes is recorded.",
            "No kidney disease other than diabetic is recorded.",
            "Whether a non-diabetic kidney disease is present is not recorded.",
        ),
    }
}

/// How the criterion reads one medication: counted (an immunosuppressant, or a glucocorticoid
/// when configured), not counted, or unclassified (the criterion cannot tell).
enum Counts {
    Yes,
    No,
    CannotTell,
}

/// Classifies a medication under the configuration: the site's own lists first (names read as
/// the table reads them), then the bundled table, then the ATC code.
fn counts(m: &super::Medication, c: &ProtocolConfig, table: Option<&MedicationTable>) -> Counts {
    let listed = |names: &[String]| -> bool {
        if names.is_empty() {
            return false;
        }
        let form = medications::table_form(&m.name);
        !form.is_empty() && names.iter().any(|n| medications::table_form(n) == form)
    };
    if listed(&c.not_immunosuppressant_names) {
        return Counts::No;
    }
    if listed(&c.immunosuppressant_extra_names) {
        return Counts::Yes;
    }
    let Some(table) = table else {
        return Counts::CannotTell;
    };
    let found = table.classify(&m.name, m.atc.as_deref());
    if found.local() {
        // A topical, ophthalmic, nasal or inhaled form is not systemic.
        return Counts::No;
    }
    match found.class() {
        Some(DrugClass::Immunosuppressant) => Counts::Yes,
        Some(DrugClass::Glucocorticoid) if c.count_glucocorticoids => Counts::Yes,
        Some(DrugClass::Glucocorticoid | DrugClass::NotImmunosuppressant) => Counts::No,
        None => Counts::CannotTell,
    }
}

fn exc_immunosuppressant(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let Some(meds) = &r.medications else {
        return unknown(out, reason!("The medication history has not been taken."));
    };
    let screening = r.screening_date;
    let from = days_before(screening, c.immunosuppressant_lookback_days, c.day_window);
    let table = MedicationTable::bundled().ok();
    let min = i64::from(c.immunosuppressant_min_exposure_days);
    // The longest counted course that reaches into the window, and the first medication the
    // rules cannot classify.
    let mut longest: Option<(usize, i64)> = None;
    let mut unclassified: Option<usize> = None;
    let mut unclassified_evidence = EvidenceList::new();
    for (i, m) in meds.iter().enumerate() {
        let end = m.end.unwrap_or(screening).min(screening);
        // Only a course that reaches into the window matters.
        if !m.systemic || end < from {
            continue;
        }
        let evidence = |days: Option<i64>, unit| Evidence {
            field: Field::item("medications", i),
            date: Some(m.start),
            entered: None,
            converted: days.map(|d| Quantity { value: d as f64, unit }),
        };
        match counts(m, c, table) {
            Counts::No => {}
            Counts::CannotTell => {
                unclassified.get_or_insert(i);
                unclassified_evidence.push(evidence(None, QuantityUnit::DaysOfTreatment));
            }
            Counts::Yes => {
                let (days, unit) = match c.immunosuppressant_exposure {
                    ExposureReading::CourseLength => ((end - m.start).num_days() + 1, QuantityUnit::DaysOfTreatment),
                    ExposureReading::DaysInWindow => {
                        (overlap_days(m.start, m.end, from, screening), QuantityUnit::DaysInLookBack)
                    }
                };
                out.evidence.push(evidence(Some(days), unit));
                if longest.is_none_or(|(_, d)| days > d) {
                    longest = Some((i, days));
                }
            }
        }
    }
    let lookback = c.immunosuppressant_lookback_days;
    let course = match c.immunosuppressant_exposure {
        ExposureReading::CourseLength => "a course of",
        ExposureReading::DaysInWindow => "taken on",
    };
    match longest {
        Some((i, days)) if days > min => answer(
            out,
            Outcome::Met,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: more than {} days.",
                meds[i].name.trim().to_owned(),
                course,
                days,
                from,
                min
            ),
        ),
        _ if unclassified.is_some() => {
            let i = unclassified.unwrap_or(0);
            out.evidence.extend_from_slice(&unclassified_evidence);
            unknown(
                out,
                reason!(
                    "{} in the look-back from {} is not a medication the rules can classify: add its ATC code to the record, or name it in the configuration.",
                    meds[i].name.trim().to_owned(),
                    from
                ),
            )
        }
        Some((i, days)) => answer(
            out,
            Outcome::NotMet,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: not more than {} days.",
                meds[i].name.trim().to_owned(),
                course,
                days,
                from,
                min
            ),
        ),
        None => answer(
            out,
            Outcome::NotMet,
            reason!("No systemic immunosuppressant in the {} days before enrolment (since {}).", lookback, from),
        ),
    }
}

fn condition_evidence(i: usize, c: &super::Condition) -> Evidence {
    Evidence { field: Field::item("conditions", i), date: c.onset, entered: None, converted: None }
}

/// What an exclusion by conditions is about, for its reasons.
#[derive(Clone, Copy)]
enum What {
    Fixed(&'static str),
    WithNumber(&'static str, u32),
}

impl From<What> for Arg {
    fn from(w: What) -> Self {
        match w {
            What::Fixed(s) => Arg::Text(s),
            What::WithNumber(s, n) => Arg::Phrase(s, n),
        }
    }
}

/// An exclusion met by a condition for which `counts` answers Some(true) (counts), Some(false)
/// (does not) or None (cannot tell); unknown if the history has not been taken.
fn exc_by_conditions(
    out: &mut CriterionResult,
    r: &ScreeningRecord,
    kinds: &[ConditionKind],
    what: What,
    counts: impl Fn(&super::Condition) -> Option<bool>,
) {
    let Some(list) = r.conditions.as_ref() else {
        return unknown(out, reason!("The medical history has not been taken."));
    };
    // The evidence is what counts; failing that, what cannot be told.
    let (met, mut unsure) = (&mut out.evidence, EvidenceList::new());
    let (mut first_met, mut first_unsure) = (None, None);
    for (i, c) in list.iter().enumerate().filter(|(_, c)| kinds.contains(&c.condition)) {
        match counts(c) {
            Some(true) => {
                first_met.get_or_insert(c.condition);
                met.push(condition_evidence(i, c));
            }
            Some(false) => {}
            None => {
                first_unsure.get_or_insert(c.condition);
                unsure.push(condition_evidence(i, c));
            }
        }
    }
    if let Some(kind) = first_met {
        return answer(out, Outcome::Met, reason!("Recorded {} counts as {}.", kind, what));
    }
    if let Some(kind) = first_unsure {
        out.evidence.extend_from_slice(&unsure);
        return unknown(
            out,
            reason!("Recorded {} lacks a date or detail needed to tell whether it counts as {}.", kind, what),
        );
    }
    answer(out, Outcome::NotMet, reason!("No {} in the medical history.", what));
}

/// Active at the screening date: begun (or undated) and not resolved before it.
fn active_at(c: &super::Condition, date: NaiveDate) -> bool {
    c.resolved.is_none_or(|res| res >= date)
}

/// Present at some time from `from` to the screening date: `None` if the onset date is
/// missing (validation has made sure onsets are not after screening).
fn present_within(c: &super::Condition, from: NaiveDate) -> Option<bool> {
    c.onset?;
    Some(c.resolved.is_none_or(|res| res >= from))
}

fn exc_hyperlipidaemia(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let days = (c.lipid_lookback_days, c.day_window);
    let (mut tg, mut ldl) = (empty(out.id), empty(out.id));
    latest_lab(
        &mut tg,
        r,
        "labs.triglycerides",
        AnalyteKind::Triglycerides,
        &r.labs.triglycerides,
        &c.triglycerides,
        days,
    );
    latest_lab(
        &mut ldl,
        r,
        "labs.ldl_cholesterol",
        AnalyteKind::LdlCholesterol,
        &r.labs.ldl_cholesterol,
        &c.ldl_cholesterol,
        days,
    );
    let outcome = match (tg.outcome, ldl.outcome) {
        (Outcome::Met, _) | (_, Outcome::Met) => Outcome::Met,
        (Outcome::NotMet, Outcome::NotMet) => Outcome::NotMet,
        _ => Outcome::Unknown,
    };
    out.evidence.extend_from_slice(&tg.evidence);
    out.evidence.extend_from_slice(&ldl.evidence);
    answer(out, outcome, reason!("{} {}", tg.reason, ldl.reason));
}

/// Whether one hepatitis virus is active: by the latest viral load in the look-back (above the
/// lab's upper limit of normal, or not); failing that, by the latest serology (negative rules
/// it out where configured; positive needs the viral load); else not known.
fn hepatitis_active(
    out: &mut CriterionResult,
    (load_path, loads): (&'static str, &[super::ViralLoad]),
    (serology_path, serology): (&'static str, &[super::SerologyResult]),
    (from, screening): (NaiveDate, NaiveDate),
    serology_rules_out: bool,
) -> Option<bool> {
    let latest_load = loads
        .iter()
        .enumerate()
        .filter(|(_, v)| v.date >= from && v.date <= screening)
        .max_by(|a, b| a.1.date.cmp(&b.1.date).then(a.0.cmp(&b.0)));
    if let Some((i, v)) = latest_load {
        let ratio = if v.upper_limit_of_normal > 0.0 { v.value / v.upper_limit_of_normal } else { f64::INFINITY };
        out.evidence.push(Evidence {
            field: Field::item(load_path, i),
            date: Some(v.date),
            entered: Some(Quantity { value: v.value, unit: QuantityUnit::LabUnits }),
            converted: Some(Quantity { value: ratio, unit: QuantityUnit::TimesUpperLimitOfNormal }),
        });
        return Some(v.value > v.upper_limit_of_normal);
    }
    let latest_serology = serology
        .iter()
        .enumerate()
        .filter(|(_, s)| s.date >= from && s.date <= screening)
        .max_by(|a, b| a.1.date.cmp(&b.1.date).then(a.0.cmp(&b.0)));
    let (i, s) = latest_serology?;
    out.evidence.push(Evidence {
        field: Field::item(serology_path, i),
        date: Some(s.date),
        entered: None,
        converted: None,
    });
    (!s.positive && serology_rules_out).then_some(false)
}

fn exc_viral_hepatitis(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let window = (days_before(r.screening_date, c.viral_load_lookback_days, c.day_window), r.screening_date);
    let rules_out = c.negative_serology_rules_out_hepatitis;
    let hbv =
        hepatitis_active(out, ("labs.hbv_dna", &r.labs.hbv_dna), ("labs.hbsag", &r.labs.hbsag), window, rules_out);
    let hcv = hepatitis_active(
        out,
        ("labs.hcv_rna", &r.labs.hcv_rna),
        ("labs.anti_hcv", &r.labs.anti_hcv),
        window,
        rules_out,
    );
    let days = c.viral_load_lookback_days;
    let which = match (hbv, hcv) {
        (Some(true), Some(true)) => Some("HBV DNA and HCV RNA"),
        (Some(true), _) => Some("HBV DNA"),
        (_, Some(true)) => Some("HCV RNA"),
        _ => None,
    };
    if let Some(which) = which {
        answer(out, Outcome::Met, reason!("{} above the upper limit of normal.", which));
    } else if hbv == Some(false) && hcv == Some(false) {
        answer(
            out,
            Outcome::NotMet,
            reason!("Within {} days, neither hepatitis B nor C is active (by viral load or negative serology).", days),
        );
    } else {
        unknown(
            out,
            reason!(
                "Within {} days, hepatitis B and C are not both ruled out: a viral load (or, where allowed, a negative HBsAg / anti-HCV) is needed for each.",
                days
            ),
        );
    }
}

fn exc_pregnancy_lactation(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let field = |f: &'static str| Evidence { field: Field::named(f), date: None, entered: None, converted: None };
    match r.sex {
        Sex::Female => {
            // A current pregnancy is a reading beyond the registry text (configured).
            let pregnant = if c.current_pregnancy_excludes { r.pregnant } else { Some(false) };
            match (pregnant, r.lactating, r.pregnancy_or_egg_donation_plan) {
                (Some(true), _, _) => {
                    out.evidence.push(field("pregnant"));
                    answer(out, Outcome::Met, reason!("She is pregnant."));
                }
                (_, Some(true), _) => {
                    out.evidence.push(field("lactating"));
                    answer(out, Outcome::Met, reason!("She is lactating."));
                }
                (_, _, Some(true)) => {
                    out.evidence.push(field("pregnancy_or_egg_donation_plan"));
                    answer(out, Outcome::Met, reason!("She plans a pregnancy or egg donation during the study."));
                }
                (Some(false), Some(false), Some(false)) => {
                    if c.current_pregnancy_excludes {
                        out.evidence.push(field("pregnant"));
                    }
                    out.evidence.extend_from_slice(&[field("lactating"), field("pregnancy_or_egg_donation_plan")]);
                    let why = if c.current_pregnancy_excludes {
                        reason!("Not pregnant or lactating; no pregnancy or egg-donation plan.")
                    } else {
                        reason!("Not lactating; no pregnancy or egg-donation plan.")
                    };
                    answer(out, Outcome::NotMet, why);
                }
                _ => unknown(out, reason!("Pregnancy, lactation or pregnancy plans are not recorded.")),
            }
        }
        Sex::Male => flag(
            out,
            r.childbearing_plan_without_contraception,
            "childbearing_plan_without_contraception",
            "He (or his partner) plans a child or sperm donation and will not use contraception.",
            "No childbearing plan without contraception.",
            "Childbearing plans and contraception are not recorded.",
        ),
    }
}

fn exc_other_trial(r: &ScreeningRecord, c: &ProtocolConfig, out: &mut CriterionResult) {
    let Some(trials) = &r.other_trials else {
        return unknown(out, reason!("Participation in other trials has not been asked."));
    };
    let from = months_before(r.screening_date, c.other_trial_lookback_months);
    let months = c.other_trial_lookback_months;
    out.evidence.extend(
        trials
            .iter()
            .enumerate()
            .filter(|(_, t)| t.interventional && overlap_days(t.start, t.end, from, r.screening_date) > 0)
            .map(|(i, t)| Evidence {
                field: Field::item("other_trials", i),
                date: Some(t.start),
                entered: None,
                converted: None,
            }),
    );
    if out.evidence.is_empty() {
        answer(out, Outcome::NotMet, reason!("No interventional trial in the {} months before enrolment.", months));
    } else {
        answer(out, Outcome::Met, reason!("In an interventional trial within the {} months before enrolment.", months));
    }
}

/// The result slot of `id`; in debug builds (every test run), checks that the slot is `id`'s.
fn slot(out: &mut CriterionResult, id: CriterionId) -> &mut CriterionResult {
    debug_assert_eq!(out.id, id, "the result of {id:?} is written into the slot of {:?}", out.id);
    out
}

/// Every criterion for a validated record, in [`CriterionId::ALL`] order.
///
/// Each criterion writes its result in place, into a vector made with one empty result per
/// criterion: building each 272-byte result on the stack and moving it into the vector cost
/// about a sixth of a screening (a call to `memcpy` per result). Each slot is checked to hold
/// the criterion written into it ([`slot`]) in debug builds.
pub(crate) fn evaluate_all(r: &ScreeningRecord, c: &ProtocolConfig) -> Vec<CriterionResult> {
    use ConditionKind as K;
    use CriterionId as Id;
    let screening = r.screening_date;
    let stroke_from = months_before(screening, c.stroke_lookback_months);
    let malignancy_from = months_before(screening, c.malignancy_lookback_years.saturating_mul(12));
    let infection_from = days_before(screening, c.iv_antibiotics_lookback_days, c.day_window);
    let mut results: Vec<CriterionResult> = CriterionId::ALL.iter().map(|&id| empty(id)).collect();
    let Ok(slots) = <&mut [CriterionResult; CriterionId::ALL.len()]>::try_from(results.as_mut_slice()) else {
        // Not reached: the vector holds one result per criterion.
        debug_assert_eq!(results.len(), CriterionId::ALL.len());
        return results;
    };
    let [age, diabetes, biopsy, protein, uacr, egfr, bp, hba1c, consent, exclusions @ ..] = slots;
    let [non_diabetic, immuno, cardio, stroke, lipids, potassium, hepatitis, rest @ ..] = exclusions;
    let [tb_hiv, cancer, allergy, pregnancy, infection, trial, judgement] = rest;
    inc_age(r, c, slot(age, Id::IncAge));
    flag(
        slot(diabetes, Id::IncType2Diabetes),
        r.type2_diabetes,
        "type2_diabetes",
        "Type 2 diabetes is diagnosed.",
        "Type 2 diabetes is not diagnosed.",
        "Whether type 2 diabetes is diagnosed is not recorded.",
    );
    inc_dkd_biopsy(r, c, slot(biopsy, Id::IncDkdBiopsy));
    inc_urine_protein(r, c, slot(protein, Id::IncUrineProtein));
    latest_lab(
        slot(uacr, Id::IncUacr),
        r,
        "labs.uacr",
        AnalyteKind::Uacr,
        &r.labs.uacr,
        &c.uacr,
        (c.uacr_lookback_days, c.day_window),
    );
    inc_egfr(r, c, slot(egfr, Id::IncEgfr));
    inc_blood_pressure(r, c, slot(bp, Id::IncBloodPressure));
    latest_lab(
        slot(hba1c, Id::IncHba1c),
        r,
        "labs.hba1c",
        AnalyteKind::Hba1c,
        &r.labs.hba1c,
        &c.hba1c,
        (c.hba1c_lookback_days, c.day_window),
    );
    flag(
        slot(consent, Id::IncConsent),
        r.informed_consent,
        "informed_consent",
        "Written informed consent is given.",
        "Written informed consent is not given.",
        "Informed consent is not yet recorded.",
    );
    exc_non_diabetic_kidney_disease(r, slot(non_diabetic, Id::ExcNonDiabeticKidneyDisease));
    exc_immunosuppressant(r, c, slot(immuno, Id::ExcImmunosuppressant));
    let acs_from = months_before(screening, c.recent_acs_lookback_months);
    exc_by_conditions(
        slot(cardio, Id::ExcSevereCardiovascular),
        r,
        &[
            K::CongenitalHeartDisease,
            K::AtrialFibrillation,
            K::HeartFailure,
            K::UnstableAngina,
            K::MyocardialInfarction,
            K::AcuteCoronarySyndrome,
            K::SevereValvularDisease,
        ],
        What::Fixed("severe cardiovascular disease"),
        |cond| match cond.condition {
            // An infarction or acute coronary syndrome is an event: it counts when its onset
            // falls within the configured months, whatever its `resolved` date says.
            K::MyocardialInfarction | K::AcuteCoronarySyndrome => cond.onset.map(|d| d >= acs_from),
            _ if !active_at(cond, screening) => Some(false),
            K::HeartFailure => cond.nyha_class.map(|n| n >= c.nyha_min_class),
            _ => Some(true),
        },
    );
    exc_by_conditions(
        slot(stroke, Id::ExcStroke),
        r,
        &[K::CerebralHaemorrhage, K::CerebralInfarction, K::LacunarInfarction],
        What::WithNumber("stroke within {} months", c.stroke_lookback_months),
        |cond| {
            let within = cond.onset.map(|d| d >= stroke_from)?;
            if !within {
                return Some(false);
            }
            match cond.condition {
                // The protocol's exception: a lacunar infarction without residual deficit.
                K::LacunarInfarction => cond.residual_deficit,
                _ => Some(true),
            }
        },
    );
    exc_hyperlipidaemia(r, c, slot(lipids, Id::ExcHyperlipidaemia));
    exc_by_conditions(
        slot(potassium, Id::ExcHyperkalaemia),
        r,
        &[K::Hyperkalaemia],
        What::Fixed("hyperkalaemia not controlled by diet or treatment"),
        |cond| if active_at(cond, screening) { cond.uncontrolled } else { Some(false) },
    );
    exc_viral_hepatitis(r, c, slot(hepatitis, Id::ExcViralHepatitis));
    exc_by_conditions(
        slot(tb_hiv, Id::ExcTuberculosisHivImmunodeficiency),
        r,
        &[K::ActiveTuberculosis, K::Hiv, K::SevereImmunodeficiency],
        What::Fixed("active tuberculosis, HIV or severe immunodeficiency"),
        |cond| Some(active_at(cond, screening)),
    );
    exc_by_conditions(
        slot(cancer, Id::ExcMalignancy),
        r,
        &[K::Malignancy],
        What::WithNumber("malignancy within {} years", c.malignancy_lookback_years),
        |cond| present_within(cond, malignancy_from),
    );
    exc_by_conditions(
        slot(allergy, Id::ExcAllergy),
        r,
        &[K::BloodProductAllergy, K::HeterologousProteinAllergy],
        What::Fixed("severe allergy to blood products or heterologous protein"),
        |_| Some(true),
    );
    exc_pregnancy_lactation(r, c, slot(pregnancy, Id::ExcPregnancyLactation));
    exc_by_conditions(
        slot(infection, Id::ExcActiveInfection),
        r,
        &[K::ActiveInfection],
        What::WithNumber("infection treated with IV antibiotics within {} days", c.iv_antibiotics_lookback_days),
        |cond| match present_within(cond, infection_from) {
            Some(true) => cond.iv_antibiotics,
            other => other,
        },
    );
    exc_other_trial(r, c, slot(trial, Id::ExcOtherTrial));
    flag(
        slot(judgement, Id::ExcInvestigatorJudgement),
        r.investigator_deems_unsuitable,
        "investigator_deems_unsuitable",
        "The investigator deems the candidate not suitable.",
        "The investigator deems the candidate suitable.",
        "The investigator has not yet given a judgement.",
    );
    results
}
