//! The criteria, in protocol order: the catalogue ([`CriterionId`], each with its protocol text
//! and the configuration parameters it reads) and one function each, grouped by what they read:
//! lab series ([`labs`]), the medical history and declarations ([`history`]), the medication
//! history ([`medication`]). Each reads a [`CheckedRecord`] (every value already checked and
//! typed) and its thresholds and readings from the [`ProtocolConfig`].

mod history;
mod labs;
mod medication;

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::config::ProtocolConfig;
use super::record::CheckedRecord;
use super::CriterionResult;
use crate::evaluation::{Evidence, EvidenceList, Field, Outcome, Reason, ThresholdWire};

/// Inclusion or exclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Must be met.
    Inclusion,
    /// Must not be met.
    Exclusion,
}

impl CriterionKind {
    /// Both kinds, inclusion first.
    pub const ALL: [CriterionKind; 2] = [CriterionKind::Inclusion, CriterionKind::Exclusion];

    /// Whether an outcome of a criterion of this kind keeps the candidate out: an inclusion not
    /// met, an exclusion met.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::{CriterionKind, Outcome};
    /// assert!(CriterionKind::Exclusion.excluded_by(Outcome::Met));
    /// assert!(!CriterionKind::Inclusion.excluded_by(Outcome::Unknown));
    /// ```
    pub fn excluded_by(self, outcome: Outcome) -> bool {
        matches!(
            (self, outcome),
            (CriterionKind::Inclusion, Outcome::NotMet) | (CriterionKind::Exclusion, Outcome::Met)
        )
    }

    /// `inclusion` or `exclusion`, as in JSON and every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Inclusion => "inclusion",
            CriterionKind::Exclusion => "exclusion",
        }
    }
}

/// Declares the catalogue once: id, slug, kind, protocol text and the configuration fields each
/// criterion reads (checked by the compiler to be fields of [`ProtocolConfig`]).
macro_rules! criteria_catalogue {
    ($($variant:ident => $slug:literal, $kind:ident, $text:literal, [$($param:ident),*];)*) => {
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

            /// The names of the configuration fields the criterion reads.
            pub fn parameters(self) -> &'static [&'static str] {
                match self { $(CriterionId::$variant => &[$(stringify!($param)),*],)* }
            }
        }

        /// Not called: names every listed parameter as a field, so that a parameter that is not
        /// a field of the configuration does not compile.
        #[allow(dead_code)]
        fn listed_parameters_are_fields(c: &ProtocolConfig) {
            $($(let _ = &c.$param;)*)*
        }
    };
}

criteria_catalogue! {
    IncAge => "inc_age", Inclusion, "Men and women who are ≥ 45 and ≤ 80 years old.",
        [age_min_years, age_max_years];
    IncType2Diabetes => "inc_type2_diabetes", Inclusion, "Diagnosed with type 2 diabetes mellitus.", [];
    IncDkdBiopsy => "inc_dkd_biopsy", Inclusion, "Diagnosed with diabetic kidney disease based on renal pathology within the past 10 years.",
        [biopsy_lookback_years, biopsy_beyond_lookback];
    IncUrineProtein => "inc_urine_protein", Inclusion, "The 24-hour urine protein quantification is continuously ≥ 3.5 g, and the urine albumin-to-creatinine ratio (UACR) > 1000 mg/g. (24-hour urine protein part)",
        [urine_protein, urine_protein_min_measurements, urine_protein_window_days, urine_protein_min_spacing_days, day_window];
    IncUacr => "inc_uacr", Inclusion, "The 24-hour urine protein quantification is continuously ≥ 3.5 g, and the urine albumin-to-creatinine ratio (UACR) > 1000 mg/g. (UACR part)",
        [uacr, uacr_lookback_days, day_window];
    IncEgfr => "inc_egfr", Inclusion, "The estimated glomerular filtration rate (eGFR) ≥ 20 ml/min/1.73m² (calculated according to the CKD-EPI formula).",
        [egfr, egfr_equation, egfr_lookback_days, day_window];
    IncBloodPressure => "inc_blood_pressure", Inclusion, "The blood pressure can be controlled at BP ≤ 160/100 mmHg.",
        [systolic, diastolic, bp_lookback_days, bp_readings_averaged, day_window];
    IncHba1c => "inc_hba1c", Inclusion, "Glycated hemoglobin (HbA1c) < 9%.", [hba1c, hba1c_lookback_days, day_window];
    IncConsent => "inc_consent", Inclusion, "Willing and able to provide written informed consent.", [];
    ExcNonDiabeticKidneyDisease => "exc_non_diabetic_kidney_disease", Exclusion, "Patients with kidney diseases not caused by diabetes mellitus.", [];
    ExcImmunosuppressant => "exc_immunosuppressant", Exclusion, "Patients who have received treatment with systemic immunosuppressants (such as cyclosporine A, tacrolimus, mycophenolate mofetil, etc.) within 30 days before enrollment and the duration of treatment exceeds one week.",
        [immunosuppressant_lookback_days, immunosuppressant_min_exposure_days, immunosuppressant_exposure, immunosuppressant_courses,
         immunosuppressant_extra_names, not_immunosuppressant_names, count_glucocorticoids, day_window];
    ExcSevereCardiovascular => "exc_severe_cardiovascular", Exclusion, "Severe cardiovascular diseases, such as congenital heart diseases, atrial fibrillation, NYHA class Ⅲ-IV, unstable angina pectoris, etc.",
        [nyha_min_class, recent_acs_lookback_months];
    ExcStroke => "exc_stroke", Exclusion, "A history of cerebral hemorrhage or cerebral infarction within the past six months (except for those with a history of lacunar cerebral infarction without residual limb movement disorders, cognitive and language function disorders).",
        [stroke_lookback_months];
    ExcHyperlipidaemia => "exc_hyperlipidaemia", Exclusion, "Patients with severe hyperlipidemia: (serum triglyceride ≥ 6.2 mmol/L, serum low-density lipoprotein cholesterol ≥ 4.1 mmol/L).",
        [triglycerides, ldl_cholesterol, lipid_lookback_days, day_window];
    ExcHyperkalaemia => "exc_hyperkalaemia", Exclusion, "Hyperkalemia that cannot be controlled through diet or potassium-lowering treatment.",
        [potassium, potassium_lookback_days, day_window];
    ExcViralHepatitis => "exc_viral_hepatitis", Exclusion, "Patients with active infections of hepatitis B or hepatitis C viruses (the copy number of HBV DNA or HCV RNA exceeds the upper limit of the normal value).",
        [viral_load_lookback_days, negative_serology_rules_out_hepatitis, day_window];
    ExcTuberculosisHivImmunodeficiency => "exc_tuberculosis_hiv_immunodeficiency", Exclusion, "Patients with active tuberculosis; patients with severe immunodeficiency diseases, human immunodeficiency virus (HIV) infection, etc.", [];
    ExcMalignancy => "exc_malignancy", Exclusion, "Patients with a history of malignant tumors within the past five years.", [malignancy_lookback_years];
    ExcAllergy => "exc_allergy", Exclusion, "Patients with a known history of severe allergy to component blood or blood products, or patients with a history of allergy to heterologous proteins.", [];
    ExcPregnancyLactation => "exc_pregnancy_lactation", Exclusion, "Lactating women, or female patients who have a pregnancy plan or an egg donation plan from the start of the study to the follow-up period, and male patients (or their partners) who have a childbearing plan or a sperm donation plan from the start of the study to the follow-up period and are unwilling to take contraceptive measures.",
        [current_pregnancy_excludes];
    ExcActiveInfection => "exc_active_infection", Exclusion, "Active infection within one week before enrollment and requiring treatment with intravenous antibiotics.",
        [iv_antibiotics_lookback_days, day_window];
    ExcOtherTrial => "exc_other_trial", Exclusion, "Patients who have participated in other interventional clinical trials within three months before enrollment.",
        [other_trial_lookback_months];
    ExcInvestigatorJudgement => "exc_investigator_judgement", Exclusion, "The research physician deems that the patient's condition is not suitable for participating in this clinical study.", [];
}

impl CriterionId {
    /// The conditions of the medical history this criterion reads (none for a criterion that
    /// does not read the history). A reader that can tell only some conditions apart (OMOP,
    /// through concept sets) needs this to know which absences a "not met" relies on.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::{ConditionKind, CriterionId};
    /// assert!(CriterionId::ExcStroke.condition_kinds().contains(&ConditionKind::LacunarInfarction));
    /// assert!(CriterionId::IncUacr.condition_kinds().is_empty());
    /// ```
    pub fn condition_kinds(self) -> &'static [super::ConditionKind] {
        use CriterionId as Id;
        match self {
            Id::ExcSevereCardiovascular => history::SEVERE_CARDIOVASCULAR,
            Id::ExcStroke => history::STROKE,
            Id::ExcHyperkalaemia => history::HYPERKALAEMIA,
            Id::ExcTuberculosisHivImmunodeficiency => history::TUBERCULOSIS_HIV_IMMUNODEFICIENCY,
            Id::ExcMalignancy => history::MALIGNANCY,
            Id::ExcAllergy => history::ALLERGY,
            Id::ExcActiveInfection => history::ACTIVE_INFECTION,
            _ => &[],
        }
    }

    /// Parses an id.
    pub fn from_slug(slug: &str) -> Option<CriterionId> {
        Self::ALL.iter().copied().find(|c| c.slug() == slug)
    }
}

/// A criterion as listed for users: id, kind, protocol text and the parameters it reads.
/// Plain owned data, as every binding carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionInfo {
    /// The stable id.
    pub id: CriterionId,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// The protocol's words.
    pub protocol_text: String,
    /// Each configuration parameter the criterion reads; the immunosuppressant criterion also
    /// names its `medication_table`.
    pub parameters: Vec<Parameter>,
}

/// One configuration parameter a criterion reads, with its value as text (`> 1000 mg/g`, `90`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    /// The configuration field, as in the configuration's JSON.
    pub name: String,
    /// Its value under the configuration listed.
    pub value: String,
}

/// Every criterion with its parameters under `config`, their values as the configuration's JSON
/// holds them (a threshold as `> 1000 mg/g`, a list joined by commas).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{criteria, ProtocolConfig};
/// let list = criteria(&ProtocolConfig::default());
/// let uacr = list.iter().find(|c| c.id.slug() == "inc_uacr").unwrap();
/// assert_eq!((uacr.parameters[0].name.as_str(), uacr.parameters[0].value.as_str()), ("uacr", "> 1000 mg/g"));
/// ```
pub fn criteria(config: &ProtocolConfig) -> Vec<CriterionInfo> {
    let values = serde_json::to_value(config).unwrap_or_default();
    let shown = |name: &str| -> String {
        match values.get(name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
            Some(v @ serde_json::Value::Object(_)) => {
                serde_json::from_value::<ThresholdWire>(v.clone()).map_or_else(|_| v.to_string(), |t| t.to_string())
            }
            Some(v) => v.to_string(),
            None => String::new(),
        }
    };
    CriterionId::ALL
        .iter()
        .map(|&id| {
            let mut parameters: Vec<Parameter> =
                id.parameters().iter().map(|&name| Parameter { name: name.to_owned(), value: shown(name) }).collect();
            if id == CriterionId::ExcImmunosuppressant {
                let table = super::medications::MEDICATION_TABLE_VERSION.to_owned();
                parameters.push(Parameter { name: "medication_table".to_owned(), value: table });
            }
            CriterionInfo { id, kind: id.kind(), protocol_text: id.protocol_text().to_owned(), parameters }
        })
        .collect()
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

/// Unknown, keeping any evidence already pushed: the data needed is absent or out of date.
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

/// A criterion answered by one recorded yes/no: met, not met, or unknown when not recorded.
fn flag(
    out: &mut CriterionResult,
    value: Option<bool>,
    field: &'static str,
    yes: &'static str,
    no: &'static str,
    not_recorded: &'static str,
) {
    let (outcome, text) = match value {
        Some(true) => (Outcome::Met, yes),
        Some(false) => (Outcome::NotMet, no),
        None => (Outcome::Unknown, not_recorded),
    };
    if value.is_some() {
        out.evidence.push(Evidence { field: Field::named(field), date: None, entered: None, converted: None });
    }
    answer(out, outcome, Reason::new(text, SmallVec::new()));
}

/// Evaluates one criterion into its result.
fn evaluate(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    use CriterionId as Id;
    let record = r.record;
    match out.id {
        Id::IncAge => history::inc_age(r, c, out),
        Id::IncType2Diabetes => flag(
            out,
            record.type2_diabetes,
            "type2_diabetes",
            "Type 2 diabetes is diagnosed.",
            "Type 2 diabetes is not diagnosed.",
            "Whether type 2 diabetes is diagnosed is not recorded.",
        ),
        Id::IncDkdBiopsy => history::inc_dkd_biopsy(r, c, out),
        Id::IncUrineProtein => labs::inc_urine_protein(r, c, out),
        Id::IncUacr => {
            labs::latest_lab(out, r, ("labs.uacr", &r.labs.uacr), &c.uacr, (c.uacr_lookback_days, c.day_window))
        }
        Id::IncEgfr => labs::inc_egfr(r, c, out),
        Id::IncBloodPressure => labs::inc_blood_pressure(r, c, out),
        Id::IncHba1c => {
            labs::latest_lab(out, r, ("labs.hba1c", &r.labs.hba1c), &c.hba1c, (c.hba1c_lookback_days, c.day_window))
        }
        Id::IncConsent => flag(
            out,
            record.informed_consent,
            "informed_consent",
            "Written informed consent is given.",
            "Written informed consent is not given.",
            "Informed consent is not yet recorded.",
        ),
        Id::ExcNonDiabeticKidneyDisease => history::exc_non_diabetic_kidney_disease(r, out),
        Id::ExcImmunosuppressant => medication::exc_immunosuppressant(r, c, out),
        Id::ExcSevereCardiovascular => history::exc_severe_cardiovascular(r, c, out),
        Id::ExcStroke => history::exc_stroke(r, c, out),
        Id::ExcHyperlipidaemia => labs::exc_hyperlipidaemia(r, c, out),
        Id::ExcHyperkalaemia => history::exc_hyperkalaemia(r, c, out),
        Id::ExcViralHepatitis => labs::exc_viral_hepatitis(r, c, out),
        Id::ExcTuberculosisHivImmunodeficiency => history::exc_tuberculosis_hiv_immunodeficiency(r, out),
        Id::ExcMalignancy => history::exc_malignancy(r, c, out),
        Id::ExcAllergy => history::exc_allergy(r, out),
        Id::ExcPregnancyLactation => history::exc_pregnancy_lactation(r, c, out),
        Id::ExcActiveInfection => history::exc_active_infection(r, c, out),
        Id::ExcOtherTrial => history::exc_other_trial(r, c, out),
        Id::ExcInvestigatorJudgement => flag(
            out,
            record.investigator_deems_unsuitable,
            "investigator_deems_unsuitable",
            "The investigator deems the candidate not suitable.",
            "The investigator deems the candidate suitable.",
            "The investigator has not yet given a judgement.",
        ),
    }
}

/// Every criterion for a checked record, in [`CriterionId::ALL`] order. Each writes into its
/// own result, made empty beforehand.
pub(crate) fn evaluate_all(r: &CheckedRecord<'_>, c: &ProtocolConfig) -> Vec<CriterionResult> {
    let mut results: Vec<CriterionResult> = CriterionId::ALL.iter().map(|&id| empty(id)).collect();
    for out in &mut results {
        evaluate(r, c, out);
    }
    results
}
