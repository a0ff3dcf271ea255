//! The rows of the OMOP CDM v5.4 tables the pre-screen reads, one struct per table with the
//! columns it reads (names as in the CDM; every column optional where the CDM allows a null,
//! and where a reader may find one anyway), and the [`RowError`] of a row that could not be
//! read. A row of the wrong shape is reported, never dropped unseen.

use chrono::NaiveDate;
use thiserror::Error;

/// A row of `person`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Person {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `gender_concept_id`.
    pub gender_concept_id: Option<i64>,
    /// `year_of_birth`.
    pub year_of_birth: Option<i64>,
    /// `month_of_birth`.
    pub month_of_birth: Option<i64>,
    /// `day_of_birth`.
    pub day_of_birth: Option<i64>,
    /// The date of `birth_datetime`.
    pub birth_date: Option<NaiveDate>,
}

/// A row of `observation_period`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObservationPeriod {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `observation_period_start_date`.
    pub start: Option<NaiveDate>,
    /// `observation_period_end_date`.
    pub end: Option<NaiveDate>,
}

/// A row of `measurement`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measurement {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `measurement_concept_id`.
    pub concept_id: Option<i64>,
    /// `measurement_date`.
    pub date: Option<NaiveDate>,
    /// `value_as_number`.
    pub value: Option<f64>,
    /// `unit_concept_id`.
    pub unit_concept_id: Option<i64>,
    /// `operator_concept_id`.
    pub operator_concept_id: Option<i64>,
    /// `range_high`: read as the upper limit of normal of a viral load.
    pub range_high: Option<f64>,
    /// `value_as_concept_id`: read for a serology (positive, negative).
    pub value_as_concept_id: Option<i64>,
}

/// A row of `condition_occurrence`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConditionOccurrence {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `condition_concept_id`.
    pub concept_id: Option<i64>,
    /// `condition_start_date`.
    pub start: Option<NaiveDate>,
    /// `condition_end_date`.
    pub end: Option<NaiveDate>,
}

/// A row of `drug_exposure`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrugExposure {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `drug_concept_id`.
    pub concept_id: Option<i64>,
    /// `drug_exposure_start_date`.
    pub start: Option<NaiveDate>,
    /// `drug_exposure_end_date`.
    pub end: Option<NaiveDate>,
    /// `route_concept_id`.
    pub route_concept_id: Option<i64>,
}

/// A row of `procedure_occurrence`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcedureOccurrence {
    /// `person_id`.
    pub person_id: Option<i64>,
    /// `procedure_concept_id`.
    pub concept_id: Option<i64>,
    /// `procedure_date`.
    pub date: Option<NaiveDate>,
}

/// A row of `concept`: the pre-screen reads the UCUM code of unit concepts and the name of
/// drug concepts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Concept {
    /// `concept_id`.
    pub concept_id: Option<i64>,
    /// `concept_name`.
    pub concept_name: Option<String>,
    /// `vocabulary_id` (`UCUM` for units).
    pub vocabulary_id: Option<String>,
    /// `concept_code` (the UCUM code of a unit: `mg/dL`).
    pub concept_code: Option<String>,
}

/// A row of `concept_ancestor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConceptAncestor {
    /// `ancestor_concept_id`.
    pub ancestor: Option<i64>,
    /// `descendant_concept_id`.
    pub descendant: Option<i64>,
}

/// The tables of one pre-screen. A table left out (`None`) leaves the criteria that read it
/// unknown; `person` is always needed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OmopTables {
    /// `person`.
    pub person: Vec<Person>,
    /// `observation_period`: without it, no history counts as taken.
    pub observation_period: Option<Vec<ObservationPeriod>>,
    /// `measurement`.
    pub measurement: Option<Vec<Measurement>>,
    /// `condition_occurrence`.
    pub condition_occurrence: Option<Vec<ConditionOccurrence>>,
    /// `drug_exposure`.
    pub drug_exposure: Option<Vec<DrugExposure>>,
    /// `procedure_occurrence`.
    pub procedure_occurrence: Option<Vec<ProcedureOccurrence>>,
    /// `concept`: the unit codes and drug names.
    pub concept: Option<Vec<Concept>>,
    /// `concept_ancestor`: descendants of the concept sets (without it, the listed concepts only).
    pub concept_ancestor: Option<Vec<ConceptAncestor>>,
}

/// A table of the CDM, as row errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// `person`.
    Person,
    /// `observation_period`.
    ObservationPeriod,
    /// `measurement`.
    Measurement,
    /// `condition_occurrence`.
    ConditionOccurrence,
    /// `drug_exposure`.
    DrugExposure,
    /// `procedure_occurrence`.
    ProcedureOccurrence,
    /// `concept`.
    Concept,
    /// `concept_ancestor`.
    ConceptAncestor,
}

impl Table {
    /// Its CDM name.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Person => "person",
            Table::ObservationPeriod => "observation_period",
            Table::Measurement => "measurement",
            Table::ConditionOccurrence => "condition_occurrence",
            Table::DrugExposure => "drug_exposure",
            Table::ProcedureOccurrence => "procedure_occurrence",
            Table::Concept => "concept",
            Table::ConceptAncestor => "concept_ancestor",
        }
    }
}

/// What is wrong with a row.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RowProblem {
    /// A null where the pre-screen needs a value (`person_id`, a date, `value_as_number`).
    #[error("{column} is missing")]
    Missing {
        /// The column.
        column: &'static str,
    },
    /// A person listed twice in `person`.
    #[error("person_id is listed before, at row {first}")]
    PersonTwice {
        /// The row of its first listing.
        first: usize,
    },
    /// A concept listed twice in `concept`: its first row is read.
    #[error("concept_id is listed before, at row {first}")]
    ConceptTwice {
        /// The row of its first listing.
        first: usize,
    },
    /// A row of a person not in `person`.
    #[error("person_id is not in the person table")]
    PersonUnknown,
    /// A gender concept that is neither in `male` nor in `female`.
    #[error("gender_concept_id {concept} is neither male nor female in the concept sets")]
    GenderUnknown {
        /// The concept.
        concept: i64,
    },
    /// A year, month and day of birth that make no date.
    #[error("year, month and day of birth are not a date")]
    BirthNotADate,
    /// `unit_concept_id` 0: OMOP's "no matching concept", the source unit was not mapped.
    #[error("unit_concept_id is 0 (no matching concept): the source unit was not mapped")]
    UnitNotMapped,
    /// A unit concept that is not a UCUM concept of the `concept` table.
    #[error("unit_concept_id {concept} is not a UCUM concept in the concept table")]
    UnitNotUcum {
        /// The concept.
        concept: i64,
    },
    /// A value with an operator other than `=` (`< 5`): censored, not a value.
    #[error("operator_concept_id {concept} is not '=': a censored value is not read as a value")]
    Censored {
        /// The operator concept.
        concept: i64,
    },
    /// A serology whose value concept is neither positive nor negative.
    #[error("value_as_concept_id is neither positive nor negative in the concept sets")]
    SerologyUnread,
    /// A measurement concept that falls in two measurement sets through its ancestors.
    #[error("measurement_concept_id {concept} descends from concepts of two sets: {sets}")]
    Ambiguous {
        /// The concept.
        concept: i64,
        /// The sets, joined by commas.
        sets: String,
    },
    /// A systolic or diastolic pressure without its other side on the same date.
    #[error("a {side} pressure without the other side on the same date")]
    Unpaired {
        /// `systolic` or `diastolic`.
        side: &'static str,
    },
    /// A value the record's check refused (a unit that does not fit, an implausible value, an
    /// end before its start), with the check's kind and message.
    #[error("{message}")]
    Refused {
        /// The check's stable kind (`unit_mismatch`, `dates_out_of_order`).
        kind: &'static str,
        /// Its message.
        message: String,
    },
}

impl RowProblem {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            RowProblem::Missing { .. } => "missing",
            RowProblem::PersonTwice { .. } => "person_listed_twice",
            RowProblem::ConceptTwice { .. } => "concept_listed_twice",
            RowProblem::PersonUnknown => "person_unknown",
            RowProblem::GenderUnknown { .. } => "gender_unknown",
            RowProblem::BirthNotADate => "birth_not_a_date",
            RowProblem::UnitNotMapped => "unit_not_mapped",
            RowProblem::UnitNotUcum { .. } => "unit_not_ucum",
            RowProblem::Censored { .. } => "censored_value",
            RowProblem::SerologyUnread => "serology_unread",
            RowProblem::Ambiguous { .. } => "ambiguous_concept",
            RowProblem::Unpaired { .. } => "unpaired_blood_pressure",
            RowProblem::Refused { kind, .. } => kind,
        }
    }
}

/// A row the pre-screen could not use, and why: the table, the row (0-based, in the order the
/// rows were given), the person (when known), and the problem.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}[{row}]: {problem}", table.as_str())]
pub struct RowError {
    /// The table.
    pub table: Table,
    /// The row.
    pub row: usize,
    /// The person, when the row names one.
    pub person_id: Option<i64>,
    /// What is wrong.
    pub problem: RowProblem,
}
