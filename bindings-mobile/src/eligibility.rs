//! Eligibility: the screening record as uniffi records ("typed records in, typed results out"),
//! the screening result, the criteria and the functions over them. Every rule, threshold and
//! check is core's (`amimestrocel_dkd::eligibility`, JSON form in `docs/screening-record.md`);
//! this module only maps fields between uniffi's records and core's types.
//!
//! Dates cross the FFI as ISO-8601 calendar dates, `YYYY-MM-DD` strings (uniffi has no date type
//! that maps well to both `java.time.LocalDate` and Swift's `Date`). A date that does not parse
//! is `ScreeningError.InvalidDate` naming the field (`labs.uacr[0].date`). Optional fields stay
//! optional as in core: `null`/`nil` means *not yet known*, an empty list *asked, none*.
//!
//! ```kotlin
//! val record = ScreeningRecord(
//!     id = "P-001", sex = Sex.FEMALE, dateOfBirth = "1962-07-15", screeningDate = "2025-06-01",
//!     labs = Labs(uacr = listOf(LabEntry(date = "2025-05-20", value = 113.12, unit = "mg/mmol"))),
//! )
//! val result = screen(record)
//! check(result.status == Status.INELIGIBLE) // 113.12 mg/mmol is exactly 1000 mg/g, not > 1000
//! ```

use amimestrocel_dkd::eligibility as core_eligibility;
use amimestrocel_dkd::eligibility::ProtocolConfig;
use chrono::NaiveDate;

use crate::egfr::Sex;
use crate::error::{guard, ScreeningError};

// ------------------------------------------------------------------------
// the screening record
// ------------------------------------------------------------------------

/// A dated lab value as entered (core's `eligibility::LabEntry`). The unit is checked by
/// `screen`, against the series the entry is in.
///
/// ```kotlin
/// LabEntry(date = "2025-05-20", value = 450.0, unit = "mg/g")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LabEntry {
    /// Date of the sample, `YYYY-MM-DD`.
    pub date: String,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered (`mg/g`, `mg/mmol`, `µmol/L`, …).
    pub unit: String,
}

/// A viral load (HBV DNA, HCV RNA) with the upper limit of normal of the lab that measured it.
///
/// ```kotlin
/// ViralLoad(date = "2025-05-01", value = 20.0, upperLimitOfNormal = 100.0)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViralLoad {
    /// Date of the sample, `YYYY-MM-DD`.
    pub date: String,
    /// The copy number (IU/mL or copies/mL, as the lab reports it).
    pub value: f64,
    /// The lab's upper limit of normal, in the same unit.
    pub upper_limit_of_normal: f64,
}

/// The lab series of a record; every series may be empty (the default).
///
/// ```kotlin
/// Labs(uacr = listOf(LabEntry("2025-05-20", 1200.0, "mg/g")), hba1c = listOf(LabEntry("2025-05-20", 7.1, "%")))
/// ```
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct Labs {
    /// 24-hour urine protein.
    #[uniffi(default)]
    pub urine_protein_24h: Vec<LabEntry>,
    /// Urine albumin-to-creatinine ratio.
    #[uniffi(default)]
    pub uacr: Vec<LabEntry>,
    /// Serum creatinine.
    #[uniffi(default)]
    pub creatinine: Vec<LabEntry>,
    /// Serum cystatin C.
    #[uniffi(default)]
    pub cystatin_c: Vec<LabEntry>,
    /// HbA1c.
    #[uniffi(default)]
    pub hba1c: Vec<LabEntry>,
    /// Serum triglycerides.
    #[uniffi(default)]
    pub triglycerides: Vec<LabEntry>,
    /// LDL cholesterol.
    #[uniffi(default)]
    pub ldl_cholesterol: Vec<LabEntry>,
    /// Serum potassium.
    #[uniffi(default)]
    pub potassium: Vec<LabEntry>,
    /// HBV DNA.
    #[uniffi(default)]
    pub hbv_dna: Vec<ViralLoad>,
    /// HCV RNA.
    #[uniffi(default)]
    pub hcv_rna: Vec<ViralLoad>,
    /// Hepatitis B surface antigen.
    #[uniffi(default)]
    pub hbsag: Vec<SerologyResult>,
    /// Antibodies to hepatitis C virus.
    #[uniffi(default)]
    pub anti_hcv: Vec<SerologyResult>,
}

/// A qualitative serology result (HBsAg, anti-HCV); core's `eligibility::SerologyResult`.
///
/// ```kotlin
/// SerologyResult(date = "2025-05-20", positive = false)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SerologyResult {
    /// Date of the sample, `YYYY-MM-DD`.
    pub date: String,
    /// Reactive (positive) or not.
    pub positive: bool,
}

/// One blood pressure reading.
///
/// ```kotlin
/// BloodPressure(date = "2025-05-25", systolic = 138.0, diastolic = 84.0, unit = "mmHg")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BloodPressure {
    /// Date of the reading, `YYYY-MM-DD`.
    pub date: String,
    /// Systolic pressure.
    pub systolic: f64,
    /// Diastolic pressure.
    pub diastolic: f64,
    /// Unit of both (`mmHg` or `kPa`).
    pub unit: String,
}

/// What a kidney biopsy showed; mirrors core's `BiopsyFinding`.
///
/// ```kotlin
/// KidneyBiopsy(date = "2021-03-10", finding = BiopsyFinding.DIABETIC_KIDNEY_DISEASE)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum BiopsyFinding {
    /// Diabetic kidney disease (diabetic nephropathy).
    DiabeticKidneyDisease,
    /// A kidney disease not caused by diabetes.
    NonDiabetic,
}

/// A kidney biopsy.
///
/// ```kotlin
/// KidneyBiopsy(date = "2021-03-10", finding = BiopsyFinding.DIABETIC_KIDNEY_DISEASE)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct KidneyBiopsy {
    /// Date of the biopsy, `YYYY-MM-DD`.
    pub date: String,
    /// Its finding.
    pub finding: BiopsyFinding,
}

/// A medication course.
///
/// ```kotlin
/// Medication(name = "tacrolimus", start = "2025-05-01", end = "2025-05-20") // systemic = true by default
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Medication {
    /// The name as entered (generic or brand, English or Chinese, with dose and form),
    /// classified through core's medication table.
    pub name: String,
    /// Its ATC code, if known (`L04AD02`).
    #[uniffi(default)]
    pub atc: Option<String>,
    /// Whether it is systemic (oral, IV); topical and inhaled forms are not.
    #[uniffi(default = true)]
    pub systemic: bool,
    /// First day taken, `YYYY-MM-DD`.
    pub start: String,
    /// Last day taken, `YYYY-MM-DD`; `null` while ongoing.
    #[uniffi(default)]
    pub end: Option<String>,
}

/// A condition of the medical history that some criterion asks about; mirrors core's
/// `ConditionKind`.
///
/// ```kotlin
/// Condition(condition = ConditionKind.HEART_FAILURE, nyhaClass = 3u)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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
    /// Severe valvular heart disease.
    SevereValvularDisease,
}

/// A dated condition with the attributes the criteria need.
///
/// ```kotlin
/// Condition(condition = ConditionKind.LACUNAR_INFARCTION, onset = "2025-03-01", residualDeficit = false)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Condition {
    /// What it is.
    pub condition: ConditionKind,
    /// Onset or diagnosis date, `YYYY-MM-DD`; `null` if not known.
    #[uniffi(default)]
    pub onset: Option<String>,
    /// Date resolved (cured, ended), `YYYY-MM-DD`; `null` while ongoing.
    #[uniffi(default)]
    pub resolved: Option<String>,
    /// NYHA class 1–4, for heart failure (another number is refused by `screen`).
    #[uniffi(default)]
    pub nyha_class: Option<u8>,
    /// For a lacunar infarction: a residual limb-motor, cognitive or language deficit.
    #[uniffi(default)]
    pub residual_deficit: Option<bool>,
    /// For hyperkalaemia: not controlled by diet or potassium-lowering treatment.
    #[uniffi(default)]
    pub uncontrolled: Option<bool>,
    /// For an active infection: treated with intravenous antibiotics.
    #[uniffi(default)]
    pub iv_antibiotics: Option<bool>,
}

/// Participation in another clinical trial.
///
/// ```kotlin
/// TrialParticipation(interventional = true, start = "2025-04-01")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrialParticipation {
    /// Whether the trial was interventional.
    pub interventional: bool,
    /// First day in the trial, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`; `null` while ongoing.
    #[uniffi(default)]
    pub end: Option<String>,
}

/// Everything the criteria read, for one candidate at one screening date; mirrors core's
/// `eligibility::ScreeningRecord` field for field (JSON form: `docs/screening-record.md`).
///
/// Only `id`, `sex`, `date_of_birth` and `screening_date` are required. An optional field left
/// `null` means *not yet known* (the criteria that need it answer `UNKNOWN`); an empty list means
/// *asked, none*. Values are checked by `screen`, not here, so a record can be built up field by
/// field.
///
/// ```kotlin
/// val record = ScreeningRecord(
///     id = "P-001", sex = Sex.FEMALE, dateOfBirth = "1962-07-15", screeningDate = "2025-06-01",
///     type2Diabetes = true, medications = emptyList(),   // asked: takes no medication
///     labs = Labs(uacr = listOf(LabEntry("2025-05-20", 1200.0, "mg/g"))),
/// )
/// ```
/// ```swift
/// let record = ScreeningRecord(id: "P-001", sex: .female, dateOfBirth: "1962-07-15", screeningDate: "2025-06-01",
///                              type2Diabetes: true, labs: Labs(uacr: [LabEntry(date: "2025-05-20", value: 1200, unit: "mg/g")]))
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningRecord {
    /// A pseudonymous identifier (never a name or an ID-card number).
    pub id: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// The screening date, `YYYY-MM-DD`, taken as the enrolment date for look-backs.
    pub screening_date: String,
    /// Diagnosed type 2 diabetes.
    #[uniffi(default)]
    pub type2_diabetes: Option<bool>,
    /// The most recent kidney biopsy.
    #[uniffi(default)]
    pub kidney_biopsy: Option<KidneyBiopsy>,
    /// A kidney disease not caused by diabetes (clinical diagnosis).
    #[uniffi(default)]
    pub non_diabetic_kidney_disease: Option<bool>,
    /// Lab series.
    #[uniffi(default)]
    pub labs: Labs,
    /// Blood pressure readings.
    #[uniffi(default)]
    pub blood_pressures: Vec<BloodPressure>,
    /// Medications; `null` if the history was not taken.
    #[uniffi(default)]
    pub medications: Option<Vec<Medication>>,
    /// Medical history; `null` if not taken.
    #[uniffi(default)]
    pub conditions: Option<Vec<Condition>>,
    /// Lactating (women).
    #[uniffi(default)]
    pub lactating: Option<bool>,
    /// Currently pregnant (women).
    #[uniffi(default)]
    pub pregnant: Option<bool>,
    /// A pregnancy or egg-donation plan during the study and follow-up (women).
    #[uniffi(default)]
    pub pregnancy_or_egg_donation_plan: Option<bool>,
    /// A childbearing or sperm-donation plan (of the man or his partner) during the study,
    /// without willingness to use contraception (men).
    #[uniffi(default)]
    pub childbearing_plan_without_contraception: Option<bool>,
    /// Other clinical trials; `null` if not asked.
    #[uniffi(default)]
    pub other_trials: Option<Vec<TrialParticipation>>,
    /// Written informed consent given.
    #[uniffi(default)]
    pub informed_consent: Option<bool>,
    /// The investigator deems the candidate not suitable.
    #[uniffi(default)]
    pub investigator_deems_unsuitable: Option<bool>,
}

// ------------------------------------------------------------------------
// the result
// ------------------------------------------------------------------------

/// What a criterion says of a candidate; mirrors core's `Outcome`. For an exclusion criterion,
/// `MET` means the exclusion applies. `slug()` gives `met`, `not_met` or `unknown`.
///
/// ```kotlin
/// if (c.outcome == Outcome.UNKNOWN) println("${c.id.slug()}: ${c.reason}")
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Outcome {
    /// The criterion holds (for an exclusion: the candidate is excluded by it).
    Met,
    /// The criterion does not hold.
    NotMet,
    /// Not enough (recent) data to tell; never quietly "not met".
    Unknown,
}

/// The overall screening status; mirrors core's `Status`. `slug()` gives `eligible`,
/// `ineligible` or `pending`.
///
/// ```kotlin
/// when (screen(record).status) { Status.ELIGIBLE -> enrol(); Status.PENDING -> askForMore(); Status.INELIGIBLE -> {} }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Status {
    /// Every inclusion met, no exclusion met or unknown.
    Eligible,
    /// Some inclusion not met or some exclusion met.
    Ineligible,
    /// Nothing excludes, but something needed is unknown.
    Pending,
}

/// Inclusion or exclusion; mirrors core's `CriterionKind`. `slug()` gives `inclusion` or
/// `exclusion`.
///
/// ```kotlin
/// val exclusions = criteria().filter { it.kind == CriterionKind.EXCLUSION }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CriterionKind {
    /// Must be met.
    Inclusion,
    /// Must not be met.
    Exclusion,
}

/// A criterion of the protocol, inclusions first, in protocol order; mirrors core's
/// `CriterionId`. Its stable snake_case id (the one JSON, Python and the shared vectors use) is
/// `slug()`; `parseCriterionId` reads it; `criteria()` gives each one's protocol text.
///
/// An enum rather than a bare string so that a `when`/`switch` over criteria is checked by the
/// compiler and a misspelt id does not compile.
///
/// ```kotlin
/// val uacr = result.criteria.first { it.id == CriterionId.INC_UACR }
/// check(CriterionId.INC_UACR.slug() == "inc_uacr" && parseCriterionId("inc_uacr") == CriterionId.INC_UACR)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CriterionId {
    /// `inc_age`: men and women ≥ 45 and ≤ 80 years old.
    IncAge,
    /// `inc_type2_diabetes`: diagnosed type 2 diabetes mellitus.
    IncType2Diabetes,
    /// `inc_dkd_biopsy`: diabetic kidney disease on renal pathology within the past 10 years.
    IncDkdBiopsy,
    /// `inc_urine_protein`: 24-hour urine protein continuously ≥ 3.5 g.
    IncUrineProtein,
    /// `inc_uacr`: UACR > 1000 mg/g.
    IncUacr,
    /// `inc_egfr`: eGFR ≥ 20 mL/min/1.73m² (CKD-EPI).
    IncEgfr,
    /// `inc_blood_pressure`: blood pressure controlled at ≤ 160/100 mmHg.
    IncBloodPressure,
    /// `inc_hba1c`: HbA1c < 9 %.
    IncHba1c,
    /// `inc_consent`: written informed consent.
    IncConsent,
    /// `exc_non_diabetic_kidney_disease`: a kidney disease not caused by diabetes.
    ExcNonDiabeticKidneyDisease,
    /// `exc_immunosuppressant`: systemic immunosuppressants within 30 days, for over a week.
    ExcImmunosuppressant,
    /// `exc_severe_cardiovascular`: severe cardiovascular disease.
    ExcSevereCardiovascular,
    /// `exc_stroke`: cerebral haemorrhage or infarction within six months.
    ExcStroke,
    /// `exc_hyperlipidaemia`: severe hyperlipidaemia.
    ExcHyperlipidaemia,
    /// `exc_hyperkalaemia`: uncontrolled hyperkalaemia.
    ExcHyperkalaemia,
    /// `exc_viral_hepatitis`: active hepatitis B or C.
    ExcViralHepatitis,
    /// `exc_tuberculosis_hiv_immunodeficiency`: active tuberculosis, HIV, severe immunodeficiency.
    ExcTuberculosisHivImmunodeficiency,
    /// `exc_malignancy`: malignant tumour within five years.
    ExcMalignancy,
    /// `exc_allergy`: severe allergy to blood products or heterologous proteins.
    ExcAllergy,
    /// `exc_pregnancy_lactation`: lactation, or pregnancy / childbearing plans.
    ExcPregnancyLactation,
    /// `exc_active_infection`: active infection with IV antibiotics within a week.
    ExcActiveInfection,
    /// `exc_other_trial`: another interventional trial within three months.
    ExcOtherTrial,
    /// `exc_investigator_judgement`: the investigator deems the patient unsuitable.
    ExcInvestigatorJudgement,
}

/// A number with its unit, as entered or as converted for comparison.
///
/// ```kotlin
/// val converted: Quantity? = evidence.converted // e.g. Quantity(1000.0, "mg/g")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Quantity {
    /// The number.
    pub value: f64,
    /// The unit (canonical spelling).
    pub unit: String,
}

/// One piece of evidence a criterion used.
///
/// ```kotlin
/// val e = result.criteria.first { it.id == CriterionId.INC_UACR }.evidence[0]
/// println("${e.field} ${e.date}: ${e.entered?.value} ${e.entered?.unit} = ${e.converted?.value} ${e.converted?.unit}")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Evidence {
    /// The field path in the record (`labs.uacr[2]`, `conditions[0]`).
    pub field: String,
    /// Its date, `YYYY-MM-DD`, if it has one.
    pub date: Option<String>,
    /// The value as entered.
    pub entered: Option<Quantity>,
    /// The value converted to the unit of the threshold (or computed, such as an eGFR).
    pub converted: Option<Quantity>,
}

/// The evaluation of one criterion: outcome, the evidence used, and why.
///
/// ```kotlin
/// for (c in result.criteria) println("${c.id.slug()} ${c.outcome.slug()}: ${c.reason}")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CriterionResult {
    /// The criterion.
    pub id: CriterionId,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// Met, not met or unknown.
    pub outcome: Outcome,
    /// What was used.
    pub evidence: Vec<Evidence>,
    /// Why, in one sentence.
    pub reason: String,
}

/// The screening of one candidate.
///
/// ```kotlin
/// val result = screen(record)
/// println("${result.id} ${result.screeningDate}: ${result.status.slug()} under ${result.configVersion}")
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningResult {
    /// The candidate's pseudonymous id.
    pub id: String,
    /// The screening date, `YYYY-MM-DD`.
    pub screening_date: String,
    /// The overall status.
    pub status: Status,
    /// One result per criterion, inclusions first, in protocol order.
    pub criteria: Vec<CriterionResult>,
    /// The version of the configuration the screening used.
    pub config_version: String,
}

/// One configuration parameter a criterion reads, with its value as text (`> 1000 mg/g`, `90`).
///
/// ```kotlin
/// criteria().first { it.id == CriterionId.INC_UACR }.parameters[0] // Parameter(name = "uacr", value = "> 1000 mg/g")
/// ```
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Parameter {
    /// The configuration field, as in `defaultConfigJson()`.
    pub name: String,
    /// Its value under the default configuration.
    pub value: String,
}

/// A criterion as listed for users: id, kind, protocol text and the parameters it reads.
///
/// ```kotlin
/// for (c in criteria()) println("${c.id.slug()} (${c.kind.slug()}): ${c.protocolText}")
/// ```
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CriterionInfo {
    /// The criterion.
    pub id: CriterionId,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// The protocol's words (registry text of NCT06969807).
    pub protocol_text: String,
    /// The configuration parameters it reads, with their default values.
    pub parameters: Vec<Parameter>,
}

// ------------------------------------------------------------------------
// slugs
// ------------------------------------------------------------------------

#[uniffi::export]
impl Outcome {
    /// `met`, `not_met` or `unknown`, as in JSON, Python and the shared vectors.
    ///
    /// ```kotlin
    /// check(Outcome.NOT_MET.slug() == "not_met")
    /// ```
    pub fn slug(&self) -> Result<String, ScreeningError> {
        guard(|| Ok(core_eligibility::Outcome::from(*self).as_str().to_owned()))
    }
}

#[uniffi::export]
impl Status {
    /// `eligible`, `ineligible` or `pending`, as in JSON, Python and the shared vectors.
    ///
    /// ```kotlin
    /// check(Status.PENDING.slug() == "pending")
    /// ```
    pub fn slug(&self) -> Result<String, ScreeningError> {
        guard(|| Ok(core_eligibility::Status::from(*self).as_str().to_owned()))
    }
}

#[uniffi::export]
impl CriterionKind {
    /// `inclusion` or `exclusion`.
    ///
    /// ```kotlin
    /// check(CriterionKind.EXCLUSION.slug() == "exclusion")
    /// ```
    pub fn slug(&self) -> Result<String, ScreeningError> {
        guard(|| {
            Ok({
                // Core names the kinds only in its serde form.
                let core = core_eligibility::CriterionKind::from(*self);
                serde_json::to_value(core).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            })
        })
    }
}

#[uniffi::export]
impl CriterionId {
    /// The stable snake_case id (`inc_age`, `exc_immunosuppressant`), as in JSON, Python and
    /// the shared vectors.
    ///
    /// ```kotlin
    /// check(CriterionId.EXC_STROKE.slug() == "exc_stroke")
    /// ```
    pub fn slug(&self) -> Result<String, ScreeningError> {
        guard(|| Ok(core_eligibility::CriterionId::from(*self).slug().to_owned()))
    }
}

/// The criterion of a stable id such as `inc_uacr`; `null` for an id no criterion has.
///
/// ```kotlin
/// check(parseCriterionId("exc_stroke") == CriterionId.EXC_STROKE && parseCriterionId("exc_colour") == null)
/// ```
#[uniffi::export]
pub fn parse_criterion_id(slug: String) -> Result<Option<CriterionId>, ScreeningError> {
    guard(|| Ok(core_eligibility::CriterionId::from_slug(&slug).map(CriterionId::from)))
}

// ------------------------------------------------------------------------
// functions
// ------------------------------------------------------------------------

/// Screens one record under the protocol's default configuration: checks every value and date
/// (units, plausibility, dates not after screening, ends not before starts), evaluates every
/// criterion, and combines them: `INELIGIBLE` if any inclusion is not met or any exclusion met,
/// else `PENDING` if anything is unknown, else `ELIGIBLE`.
///
/// # Errors
/// `InvalidDate` for a date that is not `YYYY-MM-DD`; `Lab`, `DateAfterScreening`,
/// `DatesOutOfOrder` or `InvalidValue` for a value core refuses; each names the field's path.
///
/// ```kotlin
/// val result = screen(record)
/// val uacr = result.criteria.first { it.id == CriterionId.INC_UACR }
/// println("${result.status.slug()}: ${uacr.outcome.slug()} (${uacr.reason})")
/// ```
/// ```swift
/// let result = try screen(record: record)
/// if result.status == .pending { /* ask for what is unknown */ }
/// ```
#[uniffi::export]
pub fn screen(record: ScreeningRecord) -> Result<ScreeningResult, ScreeningError> {
    guard(|| screen_under(&record, &ProtocolConfig::default()))
}

/// Screens one record under a protocol configuration given as JSON, in core's form (the one
/// `defaultConfigJson()` returns). Fields left out keep their default, so
/// `{"urine_protein_min_measurements": 3}` changes one parameter.
///
/// # Errors
/// `InvalidConfig` for text that is not a configuration (path: the field) or an inconsistent one;
/// then as `screen`.
///
/// ```kotlin
/// val strict = screenWithConfig(record, """{"urine_protein_min_measurements": 3}""")
/// ```
#[uniffi::export]
pub fn screen_with_config(record: ScreeningRecord, config_json: String) -> Result<ScreeningResult, ScreeningError> {
    guard(|| screen_under(&record, &config_from_json(&config_json)?))
}

/// Reads a screening record from JSON (`docs/screening-record.md`; what apps receive and what
/// the shared vectors hold), as core reads it. Values are not checked here but by `screen`.
///
/// # Errors
/// `Malformed` for text that is not JSON, a field of the wrong type, an unknown or a missing
/// field, a lab value without its unit, a date that is not `YYYY-MM-DD`; `path` names the field.
///
/// ```kotlin
/// val record = screeningRecordFromJson("""{"id": "P-001", "sex": "F", "date_of_birth": "1962-07-15", "screening_date": "2025-06-01"}""")
/// check(record.sex == Sex.FEMALE && record.medications == null)
/// ```
#[uniffi::export]
pub fn screening_record_from_json(json: String) -> Result<ScreeningRecord, ScreeningError> {
    guard(|| Ok(core_eligibility::ScreeningRecord::from_json(&json)?.into()))
}

/// Writes a screening record as JSON, in core's form, which `screeningRecordFromJson` (and
/// every other binding) reads back to the same record. Values are not checked (a record that
/// `screen` would refuse can still be stored), but the text is read back once: a number that
/// JSON cannot hold (NaN, an infinity) is refused rather than written as `null`.
///
/// # Errors
/// `InvalidDate` for a date that is not `YYYY-MM-DD`; `Malformed` at the path of a NaN or
/// infinite number.
///
/// ```kotlin
/// val json = screeningRecordToJson(record)
/// check(screeningRecordFromJson(json) == record)
/// ```
#[uniffi::export]
pub fn screening_record_to_json(record: ScreeningRecord) -> Result<String, ScreeningError> {
    guard(|| {
        let core = record.to_core()?;
        // `ScreeningRecord` is plain data: serde_json only fails on it if memory does.
        let json = serde_json::to_string(&core).map_err(|e| {
            ScreeningError::from(core_eligibility::RecordError::Malformed { path: ".".into(), reason: e.to_string() })
        })?;
        core_eligibility::ScreeningRecord::from_json(&json)?;
        Ok(json)
    })
}

/// Every criterion, inclusions first, in protocol order, with its protocol text and the
/// configuration parameters it reads (their default values).
///
/// ```kotlin
/// for (c in criteria()) println("${c.id.slug()}: ${c.parameters.joinToString { "${it.name} ${it.value}" }}")
/// ```
#[uniffi::export]
pub fn criteria() -> Result<Vec<CriterionInfo>, ScreeningError> {
    guard(|| Ok(core_eligibility::criteria(&ProtocolConfig::default()).into_iter().map(CriterionInfo::from).collect()))
}

/// The protocol's default configuration as JSON (core's form, indented): every threshold and
/// look-back as a named parameter, and the `version` results carry. Edit it and pass it to
/// `screenWithConfig`.
///
/// # Panics
/// Never: the configuration is plain data.
///
/// ```kotlin
/// check("\"uacr\"" in defaultConfigJson())
/// ```
#[uniffi::export]
pub fn default_config_json() -> Result<String, ScreeningError> {
    guard(|| {
        Ok({
            // Plain data always serialises; an empty string would be the only other outcome.
            serde_json::to_string_pretty(&ProtocolConfig::default()).unwrap_or_default()
        })
    })
}

fn screen_under(record: &ScreeningRecord, config: &ProtocolConfig) -> Result<ScreeningResult, ScreeningError> {
    let core = record.to_core()?;
    Ok(core_eligibility::screen(&core, config)?.into())
}

/// Core's configuration from JSON (`ProtocolConfig::from_json`: defaults for absent fields, an
/// error naming the field).
fn config_from_json(json: &str) -> Result<ProtocolConfig, ScreeningError> {
    ProtocolConfig::from_json(json).map_err(|e| core_eligibility::ScreeningError::Config(e).into())
}

// ------------------------------------------------------------------------
// conversions: uniffi records -> core (dates parsed, each error naming its path)
// ------------------------------------------------------------------------

/// A `YYYY-MM-DD` date, read as core reads dates in JSON.
fn date(text: &str, path: impl FnOnce() -> String) -> Result<NaiveDate, ScreeningError> {
    amimestrocel_dkd::date::parse_iso_date(text).map_err(|_| ScreeningError::invalid_date(path()))
}

fn optional_date(text: Option<&str>, path: impl FnOnce() -> String) -> Result<Option<NaiveDate>, ScreeningError> {
    text.map(|t| date(t, path)).transpose()
}

/// Converts a list, each element with its index, stopping at the first error.
fn each<T, U>(
    items: &[T],
    mut convert: impl FnMut(usize, &T) -> Result<U, ScreeningError>,
) -> Result<Vec<U>, ScreeningError> {
    items.iter().enumerate().map(|(i, item)| convert(i, item)).collect()
}

impl LabEntry {
    fn to_core(&self, path: &str) -> Result<core_eligibility::LabEntry, ScreeningError> {
        Ok(core_eligibility::LabEntry {
            date: date(&self.date, || format!("{path}.date"))?,
            value: self.value,
            unit: self.unit.as_str().into(),
        })
    }
}

impl ViralLoad {
    fn to_core(&self, path: &str) -> Result<core_eligibility::ViralLoad, ScreeningError> {
        Ok(core_eligibility::ViralLoad {
            date: date(&self.date, || format!("{path}.date"))?,
            value: self.value,
            upper_limit_of_normal: self.upper_limit_of_normal,
        })
    }
}

impl Labs {
    fn to_core(&self) -> Result<core_eligibility::Labs, ScreeningError> {
        let entries = |name: &str, series: &[LabEntry]| each(series, |i, e| e.to_core(&format!("labs.{name}[{i}]")));
        let loads = |name: &str, series: &[ViralLoad]| each(series, |i, v| v.to_core(&format!("labs.{name}[{i}]")));
        let serology = |name: &str, series: &[SerologyResult]| {
            each(series, |i, v| {
                Ok(core_eligibility::SerologyResult {
                    date: date(&v.date, || format!("labs.{name}[{i}].date"))?,
                    positive: v.positive,
                })
            })
        };
        Ok(core_eligibility::Labs {
            urine_protein_24h: entries("urine_protein_24h", &self.urine_protein_24h)?,
            uacr: entries("uacr", &self.uacr)?,
            creatinine: entries("creatinine", &self.creatinine)?,
            cystatin_c: entries("cystatin_c", &self.cystatin_c)?,
            hba1c: entries("hba1c", &self.hba1c)?,
            triglycerides: entries("triglycerides", &self.triglycerides)?,
            ldl_cholesterol: entries("ldl_cholesterol", &self.ldl_cholesterol)?,
            potassium: entries("potassium", &self.potassium)?,
            hbv_dna: loads("hbv_dna", &self.hbv_dna)?,
            hcv_rna: loads("hcv_rna", &self.hcv_rna)?,
            hbsag: serology("hbsag", &self.hbsag)?,
            anti_hcv: serology("anti_hcv", &self.anti_hcv)?,
        })
    }
}

impl BloodPressure {
    fn to_core(&self, path: &str) -> Result<core_eligibility::BloodPressure, ScreeningError> {
        Ok(core_eligibility::BloodPressure {
            date: date(&self.date, || format!("{path}.date"))?,
            systolic: self.systolic,
            diastolic: self.diastolic,
            unit: self.unit.as_str().into(),
        })
    }
}

impl KidneyBiopsy {
    fn to_core(&self) -> Result<core_eligibility::KidneyBiopsy, ScreeningError> {
        Ok(core_eligibility::KidneyBiopsy {
            date: date(&self.date, || "kidney_biopsy.date".to_owned())?,
            finding: self.finding.into(),
        })
    }
}

impl Medication {
    fn to_core(&self, path: &str) -> Result<core_eligibility::Medication, ScreeningError> {
        Ok(core_eligibility::Medication {
            name: self.name.clone(),
            atc: self.atc.clone(),
            systemic: self.systemic,
            start: date(&self.start, || format!("{path}.start"))?,
            end: optional_date(self.end.as_deref(), || format!("{path}.end"))?,
        })
    }
}

impl Condition {
    fn to_core(&self, path: &str) -> Result<core_eligibility::Condition, ScreeningError> {
        Ok(core_eligibility::Condition {
            condition: self.condition.into(),
            onset: optional_date(self.onset.as_deref(), || format!("{path}.onset"))?,
            resolved: optional_date(self.resolved.as_deref(), || format!("{path}.resolved"))?,
            nyha_class: self.nyha_class,
            residual_deficit: self.residual_deficit,
            uncontrolled: self.uncontrolled,
            iv_antibiotics: self.iv_antibiotics,
        })
    }
}

impl TrialParticipation {
    fn to_core(&self, path: &str) -> Result<core_eligibility::TrialParticipation, ScreeningError> {
        Ok(core_eligibility::TrialParticipation {
            interventional: self.interventional,
            start: date(&self.start, || format!("{path}.start"))?,
            end: optional_date(self.end.as_deref(), || format!("{path}.end"))?,
        })
    }
}

impl ScreeningRecord {
    /// Core's record, field for field; the only failure is a date that does not parse, named by
    /// its path (the paths core's own errors use).
    pub(crate) fn to_core(&self) -> Result<core_eligibility::ScreeningRecord, ScreeningError> {
        Ok(core_eligibility::ScreeningRecord {
            id: self.id.clone(),
            sex: self.sex.into(),
            date_of_birth: date(&self.date_of_birth, || "date_of_birth".to_owned())?,
            screening_date: date(&self.screening_date, || "screening_date".to_owned())?,
            type2_diabetes: self.type2_diabetes,
            kidney_biopsy: self.kidney_biopsy.as_ref().map(KidneyBiopsy::to_core).transpose()?,
            non_diabetic_kidney_disease: self.non_diabetic_kidney_disease,
            labs: self.labs.to_core()?,
            blood_pressures: each(&self.blood_pressures, |i, bp| bp.to_core(&format!("blood_pressures[{i}]")))?,
            medications: self
                .medications
                .as_deref()
                .map(|list| each(list, |i, m| m.to_core(&format!("medications[{i}]"))))
                .transpose()?,
            conditions: self
                .conditions
                .as_deref()
                .map(|list| each(list, |i, c| c.to_core(&format!("conditions[{i}]"))))
                .transpose()?,
            lactating: self.lactating,
            pregnant: self.pregnant,
            pregnancy_or_egg_donation_plan: self.pregnancy_or_egg_donation_plan,
            childbearing_plan_without_contraception: self.childbearing_plan_without_contraception,
            other_trials: self
                .other_trials
                .as_deref()
                .map(|list| each(list, |i, t| t.to_core(&format!("other_trials[{i}]"))))
                .transpose()?,
            informed_consent: self.informed_consent,
            investigator_deems_unsuitable: self.investigator_deems_unsuitable,
        })
    }
}

// ------------------------------------------------------------------------
// conversions: core -> uniffi records (dates written YYYY-MM-DD)
// ------------------------------------------------------------------------

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn list<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

impl From<core_eligibility::LabEntry> for LabEntry {
    fn from(e: core_eligibility::LabEntry) -> Self {
        LabEntry { date: iso(e.date), value: e.value, unit: e.unit.into() }
    }
}

impl From<core_eligibility::ViralLoad> for ViralLoad {
    fn from(v: core_eligibility::ViralLoad) -> Self {
        ViralLoad { date: iso(v.date), value: v.value, upper_limit_of_normal: v.upper_limit_of_normal }
    }
}

impl From<core_eligibility::Labs> for Labs {
    fn from(l: core_eligibility::Labs) -> Self {
        Labs {
            urine_protein_24h: list(l.urine_protein_24h),
            uacr: list(l.uacr),
            creatinine: list(l.creatinine),
            cystatin_c: list(l.cystatin_c),
            hba1c: list(l.hba1c),
            triglycerides: list(l.triglycerides),
            ldl_cholesterol: list(l.ldl_cholesterol),
            potassium: list(l.potassium),
            hbv_dna: list(l.hbv_dna),
            hcv_rna: list(l.hcv_rna),
            hbsag: l.hbsag.into_iter().map(|v| SerologyResult { date: iso(v.date), positive: v.positive }).collect(),
            anti_hcv: l
                .anti_hcv
                .into_iter()
                .map(|v| SerologyResult { date: iso(v.date), positive: v.positive })
                .collect(),
        }
    }
}

impl From<core_eligibility::BloodPressure> for BloodPressure {
    fn from(bp: core_eligibility::BloodPressure) -> Self {
        BloodPressure { date: iso(bp.date), systolic: bp.systolic, diastolic: bp.diastolic, unit: bp.unit.into() }
    }
}

impl From<core_eligibility::KidneyBiopsy> for KidneyBiopsy {
    fn from(b: core_eligibility::KidneyBiopsy) -> Self {
        KidneyBiopsy { date: iso(b.date), finding: b.finding.into() }
    }
}

impl From<core_eligibility::Medication> for Medication {
    fn from(m: core_eligibility::Medication) -> Self {
        Medication { name: m.name, atc: m.atc, systemic: m.systemic, start: iso(m.start), end: m.end.map(iso) }
    }
}

impl From<core_eligibility::Condition> for Condition {
    fn from(c: core_eligibility::Condition) -> Self {
        Condition {
            condition: c.condition.into(),
            onset: c.onset.map(iso),
            resolved: c.resolved.map(iso),
            nyha_class: c.nyha_class,
            residual_deficit: c.residual_deficit,
            uncontrolled: c.uncontrolled,
            iv_antibiotics: c.iv_antibiotics,
        }
    }
}

impl From<core_eligibility::TrialParticipation> for TrialParticipation {
    fn from(t: core_eligibility::TrialParticipation) -> Self {
        TrialParticipation { interventional: t.interventional, start: iso(t.start), end: t.end.map(iso) }
    }
}

impl From<core_eligibility::ScreeningRecord> for ScreeningRecord {
    fn from(r: core_eligibility::ScreeningRecord) -> Self {
        ScreeningRecord {
            id: r.id,
            sex: r.sex.into(),
            date_of_birth: iso(r.date_of_birth),
            screening_date: iso(r.screening_date),
            type2_diabetes: r.type2_diabetes,
            kidney_biopsy: r.kidney_biopsy.map(KidneyBiopsy::from),
            non_diabetic_kidney_disease: r.non_diabetic_kidney_disease,
            labs: r.labs.into(),
            blood_pressures: list(r.blood_pressures),
            medications: r.medications.map(list),
            conditions: r.conditions.map(list),
            lactating: r.lactating,
            pregnant: r.pregnant,
            pregnancy_or_egg_donation_plan: r.pregnancy_or_egg_donation_plan,
            childbearing_plan_without_contraception: r.childbearing_plan_without_contraception,
            other_trials: r.other_trials.map(list),
            informed_consent: r.informed_consent,
            investigator_deems_unsuitable: r.investigator_deems_unsuitable,
        }
    }
}

impl From<core_eligibility::Quantity> for Quantity {
    fn from(q: core_eligibility::Quantity) -> Self {
        Quantity { value: q.value, unit: q.unit.to_string() }
    }
}

impl From<core_eligibility::Evidence> for Evidence {
    fn from(e: core_eligibility::Evidence) -> Self {
        Evidence {
            field: e.field.to_string(),
            date: e.date.map(iso),
            entered: e.entered.map(Quantity::from),
            converted: e.converted.map(Quantity::from),
        }
    }
}

impl From<core_eligibility::CriterionResult> for CriterionResult {
    fn from(c: core_eligibility::CriterionResult) -> Self {
        CriterionResult {
            id: c.id.into(),
            kind: c.kind.into(),
            outcome: c.outcome.into(),
            evidence: c.evidence.into_iter().map(Evidence::from).collect(),
            reason: c.reason.to_string(),
        }
    }
}

impl From<core_eligibility::ScreeningResult> for ScreeningResult {
    fn from(r: core_eligibility::ScreeningResult) -> Self {
        ScreeningResult {
            id: r.id,
            screening_date: iso(r.screening_date),
            status: r.status.into(),
            criteria: r.criteria.into_iter().map(CriterionResult::from).collect(),
            config_version: r.config_version.into_owned(),
        }
    }
}

impl From<core_eligibility::CriterionInfo> for CriterionInfo {
    fn from(c: core_eligibility::CriterionInfo) -> Self {
        CriterionInfo {
            id: c.id.into(),
            kind: c.kind.into(),
            protocol_text: c.protocol_text.to_owned(),
            parameters: c
                .parameters
                .into_iter()
                .map(|(name, value)| Parameter { name: name.to_owned(), value })
                .collect(),
        }
    }
}

// ------------------------------------------------------------------------
// enums, one to one with core's (both ways, so that a new core variant does not compile here)
// ------------------------------------------------------------------------

/// `From` both ways between a binding enum and core's, variant for variant.
macro_rules! mirror_enum {
    ($ours:ident <=> $core:path { $($variant:ident),* $(,)? }) => {
        impl From<$ours> for $core {
            fn from(value: $ours) -> Self {
                match value { $($ours::$variant => <$core>::$variant,)* }
            }
        }
        impl From<$core> for $ours {
            fn from(value: $core) -> Self {
                match value { $(<$core>::$variant => $ours::$variant,)* }
            }
        }
    };
}

mirror_enum!(BiopsyFinding <=> core_eligibility::BiopsyFinding { DiabeticKidneyDisease, NonDiabetic });
mirror_enum!(ConditionKind <=> core_eligibility::ConditionKind {
    AtrialFibrillation,
    CongenitalHeartDisease,
    HeartFailure,
    UnstableAngina,
    CerebralHaemorrhage,
    CerebralInfarction,
    LacunarInfarction,
    Malignancy,
    ActiveTuberculosis,
    Hiv,
    SevereImmunodeficiency,
    BloodProductAllergy,
    HeterologousProteinAllergy,
    Hyperkalaemia,
    ActiveInfection,
    MyocardialInfarction,
    AcuteCoronarySyndrome,
    SevereValvularDisease,
});
mirror_enum!(Outcome <=> core_eligibility::Outcome { Met, NotMet, Unknown });
mirror_enum!(Status <=> core_eligibility::Status { Eligible, Ineligible, Pending });
mirror_enum!(CriterionKind <=> core_eligibility::CriterionKind { Inclusion, Exclusion });
mirror_enum!(CriterionId <=> core_eligibility::CriterionId {
    IncAge,
    IncType2Diabetes,
    IncDkdBiopsy,
    IncUrineProtein,
    IncUacr,
    IncEgfr,
    IncBloodPressure,
    IncHba1c,
    IncConsent,
    ExcNonDiabeticKidneyDisease,
    ExcImmunosuppressant,
    ExcSevereCardiovascular,
    ExcStroke,
    ExcHyperlipidaemia,
    ExcHyperkalaemia,
    ExcViralHepatitis,
    ExcTuberculosisHivImmunodeficiency,
    ExcMalignancy,
    ExcAllergy,
    ExcPregnancyLactation,
    ExcActiveInfection,
    ExcOtherTrial,
    ExcInvestigatorJudgement,
});
