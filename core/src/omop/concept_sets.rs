//! Concept sets: which OMOP concepts stand for which field of the screening record, as
//! versioned configuration (`core/data/omop-concept-sets.json`, version
//! [`DEFAULT_CONCEPT_SETS_VERSION`]). Each set lists root concepts; [`ConceptSets::expand`]
//! adds their descendants from `concept_ancestor`. A set left empty is a field OMOP does not
//! fill: the record leaves it unknown, never "absent".
//!
//! The bundled defaults hold only concept ids that were verified against public OHDSI
//! material (`docs/interpretation.md`, "OMOP pre-screening", lists each with its source).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use thiserror::Error;

use crate::eligibility::ConditionKind;

/// The version of the bundled concept sets.
pub const DEFAULT_CONCEPT_SETS_VERSION: &str = "omop-concept-sets-2026.12.2";

const BUNDLED: &str = include_str!("../../data/omop-concept-sets.json");

/// Why a concept-set configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConceptSetError {
    /// Not JSON, an unknown or missing field, a value of the wrong type.
    #[error("concept sets: {path}: {reason}")]
    Malformed {
        /// The field path (`.` for the document).
        path: String,
        /// What is wrong, without values.
        reason: String,
    },
    /// A concept id that is not positive (0 is OMOP's "no matching concept").
    #[error("concept sets: {set} lists {concept}, which is not a concept id (ids are positive)")]
    NotAConcept {
        /// The set.
        set: String,
        /// The id.
        concept: i64,
    },
    /// One concept listed as the root of two measurement sets: a value would be two analytes.
    #[error("concept sets: concept {concept} is listed in both {first} and {second}")]
    TwoMeasurements {
        /// The concept.
        concept: i64,
        /// The first set.
        first: String,
        /// The second set.
        second: String,
    },
    /// A version that is empty.
    #[error("concept sets: version is empty")]
    NoVersion,
}

impl ConceptSetError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ConceptSetError::Malformed { .. } => "malformed",
            ConceptSetError::NotAConcept { .. } => "not_a_concept",
            ConceptSetError::TwoMeasurements { .. } => "two_measurement_sets",
            ConceptSetError::NoVersion => "no_version",
        }
    }
}

/// A lab series of the screening record that measurements fill, or one side of a blood
/// pressure reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// `labs.urine_protein_24h`.
    #[serde(rename = "urine_protein_24h")]
    UrineProtein24h,
    /// `labs.uacr`.
    Uacr,
    /// `labs.creatinine`.
    Creatinine,
    /// `labs.cystatin_c`.
    CystatinC,
    /// `labs.hba1c`.
    Hba1c,
    /// `labs.triglycerides`.
    Triglycerides,
    /// `labs.ldl_cholesterol`.
    LdlCholesterol,
    /// `labs.potassium`.
    Potassium,
    /// `labs.hbv_dna` (value compared with the row's `range_high`).
    HbvDna,
    /// `labs.hcv_rna` (likewise).
    HcvRna,
    /// `labs.hbsag` (positive or negative through `value_as_concept_id`).
    Hbsag,
    /// `labs.anti_hcv` (likewise).
    AntiHcv,
    /// The systolic side of `blood_pressures`.
    Systolic,
    /// The diastolic side of `blood_pressures`.
    Diastolic,
}

impl Series {
    /// Its name in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Series::UrineProtein24h => "urine_protein_24h",
            Series::Uacr => "uacr",
            Series::Creatinine => "creatinine",
            Series::CystatinC => "cystatin_c",
            Series::Hba1c => "hba1c",
            Series::Triglycerides => "triglycerides",
            Series::LdlCholesterol => "ldl_cholesterol",
            Series::Potassium => "potassium",
            Series::HbvDna => "hbv_dna",
            Series::HcvRna => "hcv_rna",
            Series::Hbsag => "hbsag",
            Series::AntiHcv => "anti_hcv",
            Series::Systolic => "systolic",
            Series::Diastolic => "diastolic",
        }
    }
}

/// A diagnosis a condition concept stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Diagnosis {
    /// A condition of the medical history (`conditions`).
    Condition(ConditionKind),
    /// `type2_diabetes`.
    Type2Diabetes,
    /// `non_diabetic_kidney_disease`.
    NonDiabeticKidneyDisease,
}

/// The concept sets, as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConceptSets {
    /// Names these sets; the pre-screen's results carry it.
    pub version: String,
    /// Measurement concepts per series (`"uacr": [3034485]`).
    pub measurements: BTreeMap<Series, Vec<i64>>,
    /// Condition concepts per condition of the medical history.
    pub conditions: BTreeMap<ConditionKind, Vec<i64>>,
    /// Condition concepts of type 2 diabetes.
    pub type2_diabetes: Vec<i64>,
    /// Condition concepts of a kidney disease not caused by diabetes.
    pub non_diabetic_kidney_disease: Vec<i64>,
    /// Procedure concepts of a kidney biopsy (its date is shown; its finding is not in OMOP).
    pub kidney_biopsy: Vec<i64>,
    /// Gender concepts read as male.
    pub male: Vec<i64>,
    /// Gender concepts read as female.
    pub female: Vec<i64>,
    /// Operator concepts that mean the value is exact (`=`); a value with any other operator
    /// (`<`, `>=`) is censored and not read as a value.
    pub exact_operators: Vec<i64>,
    /// `value_as_concept_id`s read as a positive serology.
    pub positive: Vec<i64>,
    /// `value_as_concept_id`s read as a negative serology.
    pub negative: Vec<i64>,
    /// Route concepts of a medication that is not systemic (topical, ophthalmic, inhaled, …);
    /// any other route, and no route, is read as systemic.
    pub local_routes: Vec<i64>,
    /// The medical and medication history count as taken when an observation period covers
    /// this many days up to the pre-screening date (`docs/interpretation.md`).
    pub history_observed_days: u32,
    /// How a null `condition_end_date` or `drug_exposure_end_date` is read
    /// (`docs/interpretation.md`, "An end date not recorded"). Absent in a file: both ways.
    #[serde(default)]
    pub unrecorded_end: UnrecordedEnd,
}

/// How an end date the row does not record is read. The CDM leaves `condition_end_date`
/// optional and many databases leave it null whether the condition goes on or not; a site
/// whose extraction says what its nulls mean can say so here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnrecordedEnd {
    /// Both ways, still ongoing on the pre-screening date and ended on its start day; a
    /// criterion whose outcome differs is unknown (the default: nothing decided on a guess).
    #[default]
    BothWays,
    /// Still ongoing on the pre-screening date (the site's database ends every course it knows
    /// to have ended).
    Ongoing,
    /// Ended on its start day (the site records one-off events with no end).
    EndedOnStart,
}

impl Default for ConceptSets {
    /// The bundled sets.
    fn default() -> Self {
        // The bundled file is tested to read; should it ever not, the empty sets leave every
        // field unknown rather than wrong.
        ConceptSets::from_json(BUNDLED).unwrap_or_else(|_| ConceptSets {
            version: DEFAULT_CONCEPT_SETS_VERSION.to_owned(),
            measurements: BTreeMap::new(),
            conditions: BTreeMap::new(),
            type2_diabetes: Vec::new(),
            non_diabetic_kidney_disease: Vec::new(),
            kidney_biopsy: Vec::new(),
            male: Vec::new(),
            female: Vec::new(),
            exact_operators: Vec::new(),
            positive: Vec::new(),
            negative: Vec::new(),
            local_routes: Vec::new(),
            history_observed_days: 365,
            unrecorded_end: UnrecordedEnd::BothWays,
        })
    }
}

impl ConceptSets {
    /// Reads and checks concept sets from JSON.
    ///
    /// # Errors
    /// [`ConceptSetError`]: malformed JSON (with the field path), an id that is not positive,
    /// a concept at the root of two measurement sets, an empty version.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::omop::ConceptSets;
    /// let sets = ConceptSets::default();
    /// let again = ConceptSets::from_json(&serde_json::to_string(&sets).unwrap())?;
    /// assert_eq!(again, sets);
    /// assert_eq!(ConceptSets::from_json("{}").unwrap_err().kind(), "malformed");
    /// # Ok::<(), amimestrocel_dkd::omop::ConceptSetError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<ConceptSets, ConceptSetError> {
        let sets: ConceptSets =
            crate::json::read_config(text).map_err(|(path, reason)| ConceptSetError::Malformed { path, reason })?;
        sets.validate()?;
        Ok(sets)
    }

    /// Checks the sets: ids positive, no root in two measurement sets, a version.
    ///
    /// # Errors
    /// As [`ConceptSets::from_json`].
    pub fn validate(&self) -> Result<(), ConceptSetError> {
        if self.version.trim().is_empty() {
            return Err(ConceptSetError::NoVersion);
        }
        for (set, ids) in self.named_lists() {
            if let Some(&concept) = ids.iter().find(|&&id| id <= 0) {
                return Err(ConceptSetError::NotAConcept { set, concept });
            }
        }
        let mut seen: HashMap<i64, Series> = HashMap::new();
        for (&series, ids) in &self.measurements {
            for &id in ids {
                if let Some(first) = seen.insert(id, series).filter(|&s| s != series) {
                    return Err(ConceptSetError::TwoMeasurements {
                        concept: id,
                        first: first.as_str().to_owned(),
                        second: series.as_str().to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every list with its name, for checks and messages.
    fn named_lists(&self) -> Vec<(String, &[i64])> {
        let mut lists: Vec<(String, &[i64])> = Vec::new();
        lists.extend(self.measurements.iter().map(|(s, ids)| (format!("measurements.{}", s.as_str()), ids.as_slice())));
        lists.extend(self.conditions.iter().map(|(k, ids)| (format!("conditions.{}", k.label()), ids.as_slice())));
        for (name, ids) in [
            ("type2_diabetes", &self.type2_diabetes),
            ("non_diabetic_kidney_disease", &self.non_diabetic_kidney_disease),
            ("kidney_biopsy", &self.kidney_biopsy),
            ("male", &self.male),
            ("female", &self.female),
            ("exact_operators", &self.exact_operators),
            ("positive", &self.positive),
            ("negative", &self.negative),
            ("local_routes", &self.local_routes),
        ] {
            lists.push((name.to_owned(), ids.as_slice()));
        }
        lists
    }

    /// Whether the sets can tell a condition of `kind` apart (its set is not empty).
    pub fn reads_condition(&self, kind: ConditionKind) -> bool {
        self.conditions.get(&kind).is_some_and(|ids| !ids.is_empty())
    }

    /// The sets with their descendants: each `(ancestor, descendant)` pair of `concept_ancestor`
    /// whose ancestor is a root of a set adds the descendant to that set (pairs of other
    /// ancestors are skipped, so the whole table can be passed). Where a concept falls in two
    /// sets and one set's root descends from the other's (a lacunar infarction is a cerebral
    /// infarction), only the more specific set keeps it; two sets that are not nested both keep
    /// it (type 2 diabetes with nephropathy is both a diagnosis of diabetes and of diabetic kidney
    /// disease).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::ConditionKind;
    /// use amimestrocel_dkd::omop::{ConceptSets, Diagnosis};
    /// let sets = ConceptSets::default();
    /// // 443454 cerebral infarction, 4046360 lacunar infarction (a descendant of it), and a
    /// // lacunar-infarction concept below both.
    /// let index = sets.expand([(443454, 4046360), (443454, 99), (4046360, 99)]);
    /// assert_eq!(index.diagnoses(99), &[Diagnosis::Condition(ConditionKind::LacunarInfarction)]);
    /// ```
    pub fn expand(&self, ancestors: impl IntoIterator<Item = (i64, i64)>) -> ConceptIndex {
        // Every root with what it stands for.
        let mut measurement_roots: HashMap<i64, Series> = HashMap::new();
        for (&series, ids) in &self.measurements {
            measurement_roots.extend(ids.iter().map(|&id| (id, series)));
        }
        let mut diagnosis_roots: HashMap<i64, SmallVec<[Diagnosis; 2]>> = HashMap::new();
        let mut add = |ids: &[i64], d: Diagnosis| {
            for &id in ids {
                let list = diagnosis_roots.entry(id).or_default();
                if !list.contains(&d) {
                    list.push(d);
                }
            }
        };
        for (&kind, ids) in &self.conditions {
            add(ids, Diagnosis::Condition(kind));
        }
        add(&self.type2_diabetes, Diagnosis::Type2Diabetes);
        add(&self.non_diabetic_kidney_disease, Diagnosis::NonDiabeticKidneyDisease);
        let biopsy_roots: HashSet<i64> = self.kidney_biopsy.iter().copied().collect();

        // Each concept with the roots it descends from (itself, if a root).
        let mut measurement_reach: HashMap<i64, Vec<i64>> = measurement_roots.keys().map(|&r| (r, vec![r])).collect();
        let mut diagnosis_reach: HashMap<i64, Vec<i64>> = diagnosis_roots.keys().map(|&r| (r, vec![r])).collect();
        let mut biopsy: HashSet<i64> = biopsy_roots.clone();
        // Root pairs: (ancestor root, descendant root), to tell nested sets apart.
        let mut nested: HashSet<(i64, i64)> = HashSet::new();
        for (ancestor, descendant) in ancestors {
            if ancestor == descendant {
                continue;
            }
            if measurement_roots.contains_key(&ancestor) {
                measurement_reach.entry(descendant).or_default().push(ancestor);
                if measurement_roots.contains_key(&descendant) {
                    nested.insert((ancestor, descendant));
                }
            }
            if diagnosis_roots.contains_key(&ancestor) {
                diagnosis_reach.entry(descendant).or_default().push(ancestor);
                if diagnosis_roots.contains_key(&descendant) {
                    nested.insert((ancestor, descendant));
                }
            }
            if biopsy_roots.contains(&ancestor) {
                biopsy.insert(descendant);
            }
        }
        // A root reached whose own root descends from another reached root is more specific:
        // the less specific roots are dropped.
        let most_specific = |roots: &[i64]| -> Vec<i64> {
            roots.iter().copied().filter(|&r| !roots.iter().any(|&s| s != r && nested.contains(&(r, s)))).collect()
        };
        let measurements = measurement_reach
            .into_iter()
            .map(|(concept, roots)| {
                let mut series: SmallVec<[Series; 1]> = SmallVec::new();
                for root in most_specific(&roots) {
                    if let Some(&s) = measurement_roots.get(&root) {
                        if !series.contains(&s) {
                            series.push(s);
                        }
                    }
                }
                series.sort();
                (concept, series)
            })
            .collect();
        let diagnoses = diagnosis_reach
            .into_iter()
            .map(|(concept, roots)| {
                let mut found: SmallVec<[Diagnosis; 2]> = SmallVec::new();
                for root in most_specific(&roots) {
                    for &d in diagnosis_roots.get(&root).map_or(&[][..], |v| v.as_slice()) {
                        if !found.contains(&d) {
                            found.push(d);
                        }
                    }
                }
                found.sort();
                (concept, found)
            })
            .collect();
        ConceptIndex { measurements, diagnoses, biopsy }
    }
}

/// The concept sets with their descendants, looked up per concept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConceptIndex {
    measurements: HashMap<i64, SmallVec<[Series; 1]>>,
    diagnoses: HashMap<i64, SmallVec<[Diagnosis; 2]>>,
    biopsy: HashSet<i64>,
}

impl ConceptIndex {
    /// The series a measurement concept fills: none, one, or (descendant of two unrelated
    /// measurement roots) several, which the pre-screen refuses as ambiguous.
    pub fn series(&self, concept: i64) -> &[Series] {
        self.measurements.get(&concept).map_or(&[], |s| s.as_slice())
    }

    /// The diagnoses a condition concept stands for.
    pub fn diagnoses(&self, concept: i64) -> &[Diagnosis] {
        self.diagnoses.get(&concept).map_or(&[], |s| s.as_slice())
    }

    /// Whether a procedure concept is a kidney biopsy.
    pub fn is_kidney_biopsy(&self, concept: i64) -> bool {
        self.biopsy.contains(&concept)
    }
}
