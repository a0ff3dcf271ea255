//! Synthetic OMOP tables: screening records written as the OMOP CDM v5.4 rows that hold them,
//! for the round trip record → OMOP → pre-screen (tests), the pre-screening benchmark and the
//! Python binding's `omop.synthetic_tables`. A tool, not the domain: the pre-screen's rules are
//! in [`crate::omop`].

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::eligibility::{CriterionId, ScreeningRecord};
use crate::omop::{
    Concept, ConceptSets, ConditionOccurrence, DrugExposure, Measurement, ObservationPeriod, OmopTables, Person, Series,
};

/// Concept sets with an id for every set: the bundled ones where they have one, made-up ids
/// (1 000 … 3 002, 4 001, 4 002, 6 001: not OMOP concepts) for the sets the bundled ones leave
/// empty, so that a round trip carries every field OMOP can carry.
pub fn complete_concept_sets() -> ConceptSets {
    let mut sets = ConceptSets::default();
    let series = [
        Series::UrineProtein24h,
        Series::Uacr,
        Series::Creatinine,
        Series::CystatinC,
        Series::Hba1c,
        Series::Triglycerides,
        Series::LdlCholesterol,
        Series::Potassium,
        Series::HbvDna,
        Series::HcvRna,
        Series::Hbsag,
        Series::AntiHcv,
        Series::Systolic,
        Series::Diastolic,
    ];
    for (i, &s) in series.iter().enumerate() {
        let ids = sets.measurements.entry(s).or_default();
        if ids.is_empty() {
            ids.push(1_000 + i as i64);
        }
    }
    for &kind in CriterionId::ALL.iter().flat_map(|c| c.condition_kinds()) {
        let ids = sets.conditions.entry(kind).or_default();
        if ids.is_empty() {
            ids.push(2_000 + kind as i64);
        }
    }
    for (list, id) in [
        (&mut sets.type2_diabetes, 3_001),
        (&mut sets.non_diabetic_kidney_disease, 3_002),
        (&mut sets.positive, 4_001),
        (&mut sets.negative, 4_002),
        (&mut sets.local_routes, 6_001),
    ] {
        if list.is_empty() {
            list.push(id);
        }
    }
    sets
}

/// The record as OMOP can hold it (under concept sets with an id for every set): what OMOP
/// does not carry (declarations, consent, the biopsy's finding, a condition's details, an ATC code, an undated condition) left out; the
/// history taken for both conditions and medications or for neither; within a taken history a
/// diagnosis not recorded is a no.
pub fn representable(mut r: ScreeningRecord) -> ScreeningRecord {
    let history = r.conditions.is_some() && r.medications.is_some();
    (r.lactating, r.pregnant, r.pregnancy_or_egg_donation_plan, r.childbearing_plan_without_contraception) =
        (None, None, None, None);
    (r.other_trials, r.informed_consent, r.investigator_deems_unsuitable, r.kidney_biopsy) = (None, None, None, None);
    if history {
        r.type2_diabetes = Some(r.type2_diabetes == Some(true));
        r.non_diabetic_kidney_disease = Some(r.non_diabetic_kidney_disease == Some(true));
        if let Some(list) = r.conditions.as_mut() {
            list.retain(|c| c.onset.is_some());
            for c in list {
                (c.nyha_class, c.residual_deficit, c.uncontrolled, c.iv_antibiotics) = (None, None, None, None);
            }
        }
        for m in r.medications.iter_mut().flatten() {
            m.atc = None;
        }
    } else {
        (r.conditions, r.medications, r.type2_diabetes, r.non_diabetic_kidney_disease) = (None, None, None, None);
    }
    r
}

/// OMOP tables holding `records` (person `i + 1` is record `i`) under `sets`: a lab entry as a
/// measurement (its unit a UCUM concept of the `concept` table, made-up ids from 5 000 000 000),
/// a blood pressure as two, a diagnosis (a condition, type 2 diabetes, a non-diabetic kidney
/// disease) as a condition occurrence, a medication as a drug exposure (its name the drug
/// concept's name, a local route where it is not systemic), and an observation period from
/// 4 000 days before the screening date to the day the database was extracted (the latest
/// screening date of all) where the record's history was taken (conditions and medications
/// both). An entry whose set is empty under `sets`, a condition without an onset,
/// and what OMOP does not carry (see [`representable`]) are not written.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::omop_synthetic::{complete_concept_sets, to_omop};
/// let records: Vec<_> = amimestrocel_dkd::tools::synthetic::records(1).take(3).collect();
/// let tables = to_omop(&records, &complete_concept_sets());
/// assert_eq!(tables.person.len(), 3);
/// assert!(!tables.measurement.unwrap().is_empty());
/// ```
pub fn to_omop(records: &[ScreeningRecord], sets: &ConceptSets) -> OmopTables {
    let extracted = records.iter().map(|r| r.screening_date).max().unwrap_or_default();
    let mut w = Writer { tables: OmopTables::default(), unit_ids: HashMap::new(), drug_ids: HashMap::new(), extracted };
    for (i, r) in records.iter().enumerate() {
        w.record(i as i64 + 1, r, sets);
    }
    // Every concept written is a set's own: `concept_ancestor` is given, with nothing below them.
    w.tables.concept_ancestor = Some(Vec::new());
    w.tables
}

struct Writer {
    tables: OmopTables,
    /// The day the synthetic database was extracted: the latest screening date.
    extracted: NaiveDate,
    unit_ids: HashMap<String, i64>,
    drug_ids: HashMap<String, i64>,
}

impl Writer {
    /// The id of a concept of `vocabulary` named and coded `text`, added to `concept` when new.
    fn concept(&mut self, text: &str, vocabulary: &str) -> i64 {
        let ids = if vocabulary == "UCUM" { &mut self.unit_ids } else { &mut self.drug_ids };
        if let Some(&id) = ids.get(text) {
            return id;
        }
        let id = 5_000_000_000 + (self.unit_ids.len() + self.drug_ids.len()) as i64;
        let ids = if vocabulary == "UCUM" { &mut self.unit_ids } else { &mut self.drug_ids };
        ids.insert(text.to_owned(), id);
        self.tables.concept.get_or_insert_with(Vec::new).push(Concept {
            concept_id: Some(id),
            concept_name: Some(text.to_owned()),
            vocabulary_id: Some(vocabulary.to_owned()),
            concept_code: Some(text.to_owned()),
        });
        id
    }

    fn measurement(&mut self, m: Measurement) {
        if m.concept_id.is_some() {
            self.tables.measurement.get_or_insert_with(Vec::new).push(m);
        }
    }

    fn record(&mut self, person: i64, r: &ScreeningRecord, sets: &ConceptSets) {
        let set = |s: Series| sets.measurements.get(&s).and_then(|ids| ids.first().copied());
        let dob = r.date_of_birth;
        self.tables.person.push(Person {
            person_id: Some(person),
            gender_concept_id: Some(if r.sex == crate::demographics::Sex::Male { 8507 } else { 8532 }),
            year_of_birth: Some(i64::from(dob.year())),
            month_of_birth: Some(i64::from(dob.month())),
            day_of_birth: Some(i64::from(dob.day())),
            birth_date: None,
        });
        let labs = &r.labs;
        for (series, list) in [
            (Series::UrineProtein24h, &labs.urine_protein_24h),
            (Series::Uacr, &labs.uacr),
            (Series::Creatinine, &labs.creatinine),
            (Series::CystatinC, &labs.cystatin_c),
            (Series::Hba1c, &labs.hba1c),
            (Series::Triglycerides, &labs.triglycerides),
            (Series::LdlCholesterol, &labs.ldl_cholesterol),
            (Series::Potassium, &labs.potassium),
        ] {
            for e in list {
                let unit = self.concept(e.unit.as_str(), "UCUM");
                self.measurement(Measurement {
                    person_id: Some(person),
                    concept_id: set(series),
                    date: Some(e.date),
                    value: Some(e.value),
                    unit_concept_id: Some(unit),
                    ..Measurement::default()
                });
            }
        }
        for (series, list) in [(Series::HbvDna, &labs.hbv_dna), (Series::HcvRna, &labs.hcv_rna)] {
            for v in list {
                self.measurement(Measurement {
                    person_id: Some(person),
                    concept_id: set(series),
                    date: Some(v.date),
                    value: Some(v.value),
                    range_high: Some(v.upper_limit_of_normal),
                    ..Measurement::default()
                });
            }
        }
        for (series, list) in [(Series::Hbsag, &labs.hbsag), (Series::AntiHcv, &labs.anti_hcv)] {
            for v in list {
                let answer = if v.positive { sets.positive.first() } else { sets.negative.first() };
                self.measurement(Measurement {
                    person_id: Some(person),
                    concept_id: set(series).filter(|_| answer.is_some()),
                    date: Some(v.date),
                    value_as_concept_id: answer.copied(),
                    ..Measurement::default()
                });
            }
        }
        for bp in &r.blood_pressures {
            let unit = self.concept(bp.unit.as_str(), "UCUM");
            if set(Series::Systolic).is_none() || set(Series::Diastolic).is_none() {
                continue;
            }
            for (series, value) in [(Series::Systolic, bp.systolic), (Series::Diastolic, bp.diastolic)] {
                self.measurement(Measurement {
                    person_id: Some(person),
                    concept_id: set(series),
                    date: Some(bp.date),
                    value: Some(value),
                    unit_concept_id: Some(unit),
                    ..Measurement::default()
                });
            }
        }
        let mut diagnoses: Vec<(Option<i64>, NaiveDate, Option<NaiveDate>)> = Vec::new();
        if r.type2_diabetes == Some(true) {
            diagnoses.push((sets.type2_diabetes.first().copied(), r.screening_date, None));
        }
        if r.non_diabetic_kidney_disease == Some(true) {
            diagnoses.push((sets.non_diabetic_kidney_disease.first().copied(), r.screening_date, None));
        }
        for c in r.conditions.iter().flatten() {
            let concept = sets.conditions.get(&c.condition).and_then(|ids| ids.first().copied());
            if let Some(onset) = c.onset {
                diagnoses.push((concept, onset, c.resolved));
            }
        }
        let conditions = self.tables.condition_occurrence.get_or_insert_with(Vec::new);
        // Still present at screening: written as ending after the extraction, which the
        // pre-screen reads as present on its date (a null end is read both ways).
        let ongoing = self.extracted.succ_opt();
        for (concept, start, end) in diagnoses {
            if concept.is_some() {
                conditions.push(ConditionOccurrence {
                    person_id: Some(person),
                    concept_id: concept,
                    start: Some(start),
                    end: end.or(ongoing),
                });
            }
        }
        for med in r.medications.iter().flatten() {
            let concept = self.concept(&med.name, "RxNorm");
            let route = if med.systemic { None } else { sets.local_routes.first().copied() };
            self.tables.drug_exposure.get_or_insert_with(Vec::new).push(DrugExposure {
                person_id: Some(person),
                concept_id: Some(concept),
                start: Some(med.start),
                end: med.end.or(ongoing),
                route_concept_id: route,
            });
        }
        if r.conditions.is_some() && r.medications.is_some() {
            self.tables.observation_period.get_or_insert_with(Vec::new).push(ObservationPeriod {
                person_id: Some(person),
                start: Some(r.screening_date.checked_sub_days(chrono::Days::new(4_000)).unwrap_or(NaiveDate::MIN)),
                end: Some(self.extracted),
            });
        }
    }
}
