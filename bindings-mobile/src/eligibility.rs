//! Eligibility: core's screening record and screening result as they are ("typed records in,
//! typed results out"), the criteria listing and the functions over them. Every rule,
//! threshold and check is core's (`amimestrocel_dkd::eligibility`; JSON form in
//! `docs/screening-record.md`).
//!
//! Each record and enum below is core's own type, declared to uniffi with
//! `#[uniffi::remote(...)]`: the field lists are checked against core's by the compiler, and no
//! conversion code exists. Dates are `chrono::NaiveDate` (see the crate docs: Kotlin
//! `java.time.LocalDate`, Swift `CalendarDate`). Optional fields stay optional as in core:
//! `null`/`nil` means *not yet known*, an empty list *asked, none*.

use amimestrocel_dkd::eligibility::{self as core_eligibility, EvidenceList, ProtocolConfig};
pub use amimestrocel_dkd::eligibility::{
    BiopsyFinding, BloodPressure, Condition, ConditionKind, CriterionId, CriterionInfo, CriterionKind, CriterionResult,
    Evidence, KidneyBiopsy, LabEntry, Labs, Medication, Outcome, Parameter, Quantity, ScreeningRecord, ScreeningResult,
    SerologyResult, Status, TrialParticipation, ViralLoad,
};
use amimestrocel_dkd::evaluation::{Field, QuantityUnit, Reason};
use amimestrocel_dkd::lab::UnitText;
use chrono::NaiveDate;

use crate::egfr::Sex;
use crate::error::{guard, DkdError};
use crate::ConfigVersion;

// ------------------------------------------------------------------------
// the screening record (core's types)
// ------------------------------------------------------------------------

/// A dated lab value as entered; the unit is checked by `screen`, against its series.
#[uniffi::remote(Record)]
pub struct LabEntry {
    pub date: NaiveDate,
    pub value: f64,
    pub unit: UnitText,
}

/// A viral load (HBV DNA, HCV RNA) with the upper limit of normal of the lab that measured it.
#[uniffi::remote(Record)]
pub struct ViralLoad {
    pub date: NaiveDate,
    pub value: f64,
    pub upper_limit_of_normal: f64,
}

/// A qualitative serology result (HBsAg, anti-HCV).
#[uniffi::remote(Record)]
pub struct SerologyResult {
    pub date: NaiveDate,
    pub positive: bool,
}

/// The lab series of a record; every series may be empty (the default).
#[uniffi::remote(Record)]
pub struct Labs {
    #[uniffi(default)]
    pub urine_protein_24h: Vec<LabEntry>,
    #[uniffi(default)]
    pub uacr: Vec<LabEntry>,
    #[uniffi(default)]
    pub creatinine: Vec<LabEntry>,
    #[uniffi(default)]
    pub cystatin_c: Vec<LabEntry>,
    #[uniffi(default)]
    pub hba1c: Vec<LabEntry>,
    #[uniffi(default)]
    pub triglycerides: Vec<LabEntry>,
    #[uniffi(default)]
    pub ldl_cholesterol: Vec<LabEntry>,
    #[uniffi(default)]
    pub potassium: Vec<LabEntry>,
    #[uniffi(default)]
    pub hbv_dna: Vec<ViralLoad>,
    #[uniffi(default)]
    pub hcv_rna: Vec<ViralLoad>,
    #[uniffi(default)]
    pub hbsag: Vec<SerologyResult>,
    #[uniffi(default)]
    pub anti_hcv: Vec<SerologyResult>,
}

/// One blood pressure reading (both pressures in `unit`, `mmHg` or `kPa`).
#[uniffi::remote(Record)]
pub struct BloodPressure {
    pub date: NaiveDate,
    pub systolic: f64,
    pub diastolic: f64,
    pub unit: UnitText,
}

/// What a kidney biopsy showed.
#[uniffi::remote(Enum)]
pub enum BiopsyFinding {
    DiabeticKidneyDisease,
    NonDiabetic,
}

/// A kidney biopsy.
#[uniffi::remote(Record)]
pub struct KidneyBiopsy {
    pub date: NaiveDate,
    pub finding: BiopsyFinding,
}

/// A medication course (`systemic` is true unless given; `end` is null while ongoing).
#[uniffi::remote(Record)]
pub struct Medication {
    pub name: String,
    #[uniffi(default)]
    pub atc: Option<String>,
    #[uniffi(default = true)]
    pub systemic: bool,
    pub start: NaiveDate,
    #[uniffi(default)]
    pub end: Option<NaiveDate>,
}

/// A condition of the medical history that some criterion asks about.
#[uniffi::remote(Enum)]
pub enum ConditionKind {
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
}

/// A condition with the details its criteria read.
#[uniffi::remote(Record)]
pub struct Condition {
    pub condition: ConditionKind,
    #[uniffi(default)]
    pub onset: Option<NaiveDate>,
    #[uniffi(default)]
    pub resolved: Option<NaiveDate>,
    #[uniffi(default)]
    pub nyha_class: Option<u8>,
    #[uniffi(default)]
    pub residual_deficit: Option<bool>,
    #[uniffi(default)]
    pub uncontrolled: Option<bool>,
    #[uniffi(default)]
    pub iv_antibiotics: Option<bool>,
}

/// Participation in another clinical trial.
#[uniffi::remote(Record)]
pub struct TrialParticipation {
    pub interventional: bool,
    pub start: NaiveDate,
    #[uniffi(default)]
    pub end: Option<NaiveDate>,
}

/// One candidate's screening data (docs/screening-record.md).
#[uniffi::remote(Record)]
pub struct ScreeningRecord {
    pub id: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub screening_date: NaiveDate,
    #[uniffi(default)]
    pub type2_diabetes: Option<bool>,
    #[uniffi(default)]
    pub kidney_biopsy: Option<KidneyBiopsy>,
    #[uniffi(default)]
    pub non_diabetic_kidney_disease: Option<bool>,
    #[uniffi(default)]
    pub labs: Labs,
    #[uniffi(default)]
    pub blood_pressures: Vec<BloodPressure>,
    #[uniffi(default)]
    pub medications: Option<Vec<Medication>>,
    #[uniffi(default)]
    pub conditions: Option<Vec<Condition>>,
    #[uniffi(default)]
    pub lactating: Option<bool>,
    #[uniffi(default)]
    pub pregnant: Option<bool>,
    #[uniffi(default)]
    pub pregnancy_or_egg_donation_plan: Option<bool>,
    #[uniffi(default)]
    pub childbearing_plan_without_contraception: Option<bool>,
    #[uniffi(default)]
    pub other_trials: Option<Vec<TrialParticipation>>,
    #[uniffi(default)]
    pub informed_consent: Option<bool>,
    #[uniffi(default)]
    pub investigator_deems_unsuitable: Option<bool>,
}

// ------------------------------------------------------------------------
// the result (core's types)
// ------------------------------------------------------------------------

/// What a criterion says of a candidate.
#[uniffi::remote(Enum)]
pub enum Outcome {
    Met,
    NotMet,
    Unknown,
}

/// The overall status of a screening.
#[uniffi::remote(Enum)]
pub enum Status {
    Eligible,
    Ineligible,
    Pending,
}

/// Inclusion or exclusion.
#[uniffi::remote(Enum)]
pub enum CriterionKind {
    Inclusion,
    Exclusion,
}

/// A criterion of the protocol (its stable slug: `criterionIdSlug`).
#[uniffi::remote(Enum)]
pub enum CriterionId {
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
}

/// A number with its unit (`mg/g`, `years`), as entered or as compared.
#[uniffi::remote(Record)]
pub struct Quantity {
    pub value: f64,
    pub unit: QuantityUnit,
}

/// One piece of evidence a criterion used: the field (`labs.uacr[2]`), its date, the value as
/// entered and as compared.
#[uniffi::remote(Record)]
pub struct Evidence {
    pub field: Field,
    pub date: Option<NaiveDate>,
    pub entered: Option<Quantity>,
    pub converted: Option<Quantity>,
}

/// The evaluation of one criterion: outcome, the evidence used, and why.
#[uniffi::remote(Record)]
pub struct CriterionResult {
    pub id: CriterionId,
    pub kind: CriterionKind,
    pub outcome: Outcome,
    pub evidence: EvidenceList,
    pub reason: Reason,
}

/// The screening of one candidate.
#[uniffi::remote(Record)]
pub struct ScreeningResult {
    pub id: String,
    pub screening_date: NaiveDate,
    pub status: Status,
    pub criteria: Vec<CriterionResult>,
    pub config_version: ConfigVersion,
}

/// One configuration parameter a criterion reads, with its value as text (`> 1000 mg/g`, `90`).
#[uniffi::remote(Record)]
pub struct Parameter {
    pub name: String,
    pub value: String,
}

/// A criterion as listed for users: id, kind, protocol text and the parameters it reads.
#[uniffi::remote(Record)]
pub struct CriterionInfo {
    pub id: CriterionId,
    pub kind: CriterionKind,
    pub protocol_text: String,
    pub parameters: Vec<Parameter>,
}

// ------------------------------------------------------------------------
// slugs (the stable ids of JSON, Python and the shared vectors)
// ------------------------------------------------------------------------

/// `met`, `not_met` or `unknown`.
#[uniffi::export]
pub fn outcome_slug(outcome: Outcome) -> Result<String, DkdError> {
    guard(|| Ok(outcome.as_str().to_owned()))
}

/// `eligible`, `ineligible` or `pending`.
#[uniffi::export]
pub fn status_slug(status: Status) -> Result<String, DkdError> {
    guard(|| Ok(status.as_str().to_owned()))
}

/// `inclusion` or `exclusion`.
#[uniffi::export]
pub fn criterion_kind_slug(kind: CriterionKind) -> Result<String, DkdError> {
    guard(|| Ok(kind.as_str().to_owned()))
}

/// The stable id of a criterion (`inc_age`, `exc_immunosuppressant`).
///
/// ```kotlin
/// check(criterionIdSlug(CriterionId.EXC_STROKE) == "exc_stroke")
/// ```
#[uniffi::export]
pub fn criterion_id_slug(id: CriterionId) -> Result<String, DkdError> {
    guard(|| Ok(id.slug().to_owned()))
}

/// The criterion of a stable id such as `inc_uacr`; `null` for an id no criterion has.
#[uniffi::export]
pub fn parse_criterion_id(slug: String) -> Result<Option<CriterionId>, DkdError> {
    guard(|| Ok(CriterionId::from_slug(&slug)))
}

// ------------------------------------------------------------------------
// functions
// ------------------------------------------------------------------------

/// Screens one record under the protocol's default configuration: checks every value and date,
/// evaluates every criterion, and combines them: `INELIGIBLE` if any inclusion is not met or
/// any exclusion met, else `PENDING` if anything is unknown, else `ELIGIBLE`.
///
/// # Errors
/// `InvalidInput` naming the field's `path`, for a value core refuses (a lab kind,
/// `date_after_screening`, `dates_out_of_order`, `invalid_value`).
///
/// ```swift
/// let result = try screen(record: record)
/// if result.status == .pending { /* ask for what is unknown */ }
/// ```
#[uniffi::export]
pub fn screen(record: ScreeningRecord) -> Result<ScreeningResult, DkdError> {
    guard(|| Ok(core_eligibility::screen(&record, &ProtocolConfig::default())?))
}

/// Screens one record under a protocol configuration given as JSON, in core's form (the one
/// `defaultConfigJson()` returns); fields left out keep their default, so
/// `{"urine_protein_min_measurements": 3}` changes one parameter.
///
/// # Errors
/// `InvalidConfig` naming the field; then as `screen`.
#[uniffi::export]
pub fn screen_with_config(record: ScreeningRecord, config_json: String) -> Result<ScreeningResult, DkdError> {
    guard(|| Ok(core_eligibility::screen(&record, &ProtocolConfig::from_json(&config_json)?)?))
}

/// Reads a screening record from JSON (`docs/screening-record.md`), as core reads it; values are
/// checked by `screen`.
///
/// # Errors
/// `InvalidInput` of kind `malformed`, `path` naming the field.
#[uniffi::export]
pub fn screening_record_from_json(json: String) -> Result<ScreeningRecord, DkdError> {
    guard(|| Ok(ScreeningRecord::from_json(&json)?))
}

/// Writes a screening record as JSON (core's `ScreeningRecord::to_json`), which
/// `screeningRecordFromJson` and every other binding read back to the same record; values are
/// not checked, but a number JSON cannot hold (NaN, an infinity) is refused.
///
/// # Errors
/// `InvalidInput` of kind `malformed` at the path of a NaN or infinite number.
#[uniffi::export]
pub fn screening_record_to_json(record: ScreeningRecord) -> Result<String, DkdError> {
    guard(|| Ok(record.to_json()?))
}

/// Every criterion, inclusions first, in protocol order, with its protocol text and the
/// configuration parameters it reads (their default values).
#[uniffi::export]
pub fn criteria() -> Result<Vec<CriterionInfo>, DkdError> {
    guard(|| Ok(core_eligibility::criteria(&ProtocolConfig::default())))
}

/// The protocol's default configuration as JSON (core's form, indented): every threshold and
/// look-back as a named parameter, and the `version` results carry.
#[uniffi::export]
pub fn default_config_json() -> Result<String, DkdError> {
    // Plain data always serialises; an empty string would be the only other outcome.
    guard(|| Ok(serde_json::to_string_pretty(&ProtocolConfig::default()).unwrap_or_default()))
}
