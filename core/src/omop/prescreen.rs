//! The pre-screen: each person's OMOP rows made into a screening record, screened by the
//! criteria of [`crate::eligibility`], and the answers OMOP cannot support made unknown.
//!
//! Per person, on every core:
//! 1. the rows of the person dated up to `as_of` become a [`ScreeningRecord`] (labs through
//!    the concept sets, units through the unit concept's UCUM code, conditions, medications by
//!    their concept's name and route); the medical and medication history count as taken only
//!    when an observation period covers [`ConceptSets::history_observed_days`] up to `as_of`;
//! 2. the record is checked as every record is; an entry the check refuses (a unit that does not
//!    fit its analyte, an implausible value) becomes a row error of its row and the record is
//!    checked again without it;
//! 3. a birth known only to the year (or month) is screened at both ends of what it may be,
//!    and a criterion whose outcome differs between them is unknown;
//! 4. a criterion that found nothing in a history that OMOP can read only in part (a condition
//!    whose concept set is empty) is unknown, not "not met".

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use smallvec::SmallVec;

use super::concept_sets::{ConceptIndex, ConceptSetError, ConceptSets, Diagnosis, Series, UnrecordedEnd};
use super::tables::{OmopTables, RowError, RowProblem, Table};
use crate::demographics::Sex;
use crate::eligibility::medications::classify_atc;
use crate::eligibility::{
    parallel, screen_checked, BloodPressure, Condition, ConfigError, CriterionId, CriterionResult, LabEntry,
    Medication, ProtocolConfig, RecordError, ScreeningRecord, ScreeningResult, SerologyResult, Status, ViralLoad,
};
use crate::evaluation::text::reason;
use crate::evaluation::{EvidenceList, Outcome};
use crate::lab::UnitText;
use crate::study_time::{DayWindow, Window};

/// Why a pre-screen could not run at all (each row's own trouble is a [`RowError`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrescreenError {
    /// The protocol configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The concept sets are inconsistent.
    #[error(transparent)]
    ConceptSets(#[from] ConceptSetError),
}

impl PrescreenError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            PrescreenError::Config(_) => "invalid_config",
            PrescreenError::ConceptSets(e) => e.kind(),
        }
    }
}

/// How much of the date of birth `person` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Birth {
    /// The day (from `birth_datetime`, or year, month and day).
    Exact(NaiveDate),
    /// Only the year, or the year and month: the first and last day it may be.
    Between(NaiveDate, NaiveDate),
}

impl Birth {
    /// How much of the date is known: `day`, `month` (a span within one month) or `year`.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::omop::{Birth, Person};
    /// let p = Person { year_of_birth: Some(1960), month_of_birth: Some(2), ..Person::default() };
    /// assert_eq!(Birth::of(&p)?.known_to(), "month");
    /// # Ok::<(), amimestrocel_dkd::omop::RowProblem>(())
    /// ```
    pub fn known_to(self) -> &'static str {
        match self {
            Birth::Exact(_) => "day",
            Birth::Between(first, last) if (first.year(), first.month()) == (last.year(), last.month()) => "month",
            Birth::Between(..) => "year",
        }
    }

    /// The date of birth of a `person` row: `birth_datetime` when given (the CDM's most precise
    /// field), else year, month and day; a missing day or month widens it to the month or year.
    ///
    /// # Errors
    /// [`RowProblem::Missing`] without a year; [`RowProblem::BirthNotADate`] for parts that make
    /// no date (month 13, 30 February).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::omop::{Birth, Person};
    /// let p = Person { year_of_birth: Some(1960), ..Person::default() };
    /// let Birth::Between(first, last) = Birth::of(&p)? else { panic!() };
    /// assert_eq!((first.to_string(), last.to_string()), ("1960-01-01".into(), "1960-12-31".into()));
    /// # Ok::<(), amimestrocel_dkd::omop::RowProblem>(())
    /// ```
    pub fn of(person: &super::tables::Person) -> Result<Birth, RowProblem> {
        if let Some(date) = person.birth_date {
            return Ok(Birth::Exact(date));
        }
        let year = person.year_of_birth.ok_or(RowProblem::Missing { column: "year_of_birth" })?;
        let year = i32::try_from(year).map_err(|_| RowProblem::BirthNotADate)?;
        let part = |v: i64| u32::try_from(v).map_err(|_| RowProblem::BirthNotADate);
        let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).ok_or(RowProblem::BirthNotADate);
        match (person.month_of_birth, person.day_of_birth) {
            (Some(m), Some(d)) => Ok(Birth::Exact(date(year, part(m)?, part(d)?)?)),
            (Some(m), None) => {
                let first = date(year, part(m)?, 1)?;
                let next = first.checked_add_months(chrono::Months::new(1)).ok_or(RowProblem::BirthNotADate)?;
                Ok(Birth::Between(first, next.pred_opt().ok_or(RowProblem::BirthNotADate)?))
            }
            (None, _) => Ok(Birth::Between(date(year, 1, 1)?, date(year, 12, 31)?)),
        }
    }
}

/// What the pre-screen says of one person.
#[derive(Debug, Clone, PartialEq)]
pub struct Prescreened {
    /// One outcome per criterion, in [`CriterionId::ALL`] order.
    pub outcomes: Vec<Outcome>,
    /// The status the outcomes give.
    pub status: Status,
    /// No criterion excludes the person on the record: what the pre-screen can say.
    pub not_excluded_by_record: bool,
    /// The criteria still unknown, which a site must check (in protocol order).
    pub still_to_check: Vec<CriterionId>,
    /// How much of the date of birth was known.
    pub birth: Birth,
    /// Whether the medical and medication history counted as taken.
    pub history_taken: bool,
    /// The latest kidney biopsy procedure up to `as_of` (its finding is not in OMOP).
    pub kidney_biopsy: Option<NaiveDate>,
}

impl Prescreened {
    fn of(result: &ScreeningResult, birth: Birth, history_taken: bool, kidney_biopsy: Option<NaiveDate>) -> Self {
        let not_excluded_by_record = !result.criteria.iter().any(CriterionResult::excludes);
        Prescreened {
            outcomes: result.criteria.iter().map(|c| c.outcome).collect(),
            status: result.status,
            not_excluded_by_record,
            still_to_check: result
                .criteria
                .iter()
                .filter(|c| not_excluded_by_record && c.outcome == Outcome::Unknown)
                .map(|c| c.id)
                .collect(),
            birth,
            history_taken,
            kidney_biopsy,
        }
    }
}

/// One row of `person` and its pre-screen, or `None` where the person was refused (its row
/// error says why).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonPrescreen<R> {
    /// `person_id` (a person without one is only a row error).
    pub person_id: i64,
    /// Its row in `person`.
    pub row: usize,
    /// What the pre-screen kept of it.
    pub screened: Option<R>,
}

/// The pre-screen of a set of OMOP tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Prescreen<R> {
    /// One per row of `person` that has a `person_id`, in its order.
    pub persons: Vec<PersonPrescreen<R>>,
    /// Every row that could not be used, by table and row.
    pub row_errors: Vec<RowError>,
    /// Rows dated after `as_of`, per table: not known at `as_of`, so not read.
    pub rows_after_as_of: std::collections::BTreeMap<Table, usize>,
    /// Rows of `measurement`, `condition_occurrence` and `procedure_occurrence` whose concept is
    /// 0 (OMOP's "no matching concept": the source code was not mapped), per table: no concept
    /// set can hold them, so they are not read, but one could be a value or diagnosis a criterion
    /// reads. Counted so that a poorly mapped extraction shows.
    pub rows_unmapped: std::collections::BTreeMap<Table, usize>,
    /// The concept sets' version.
    pub concept_sets_version: String,
    /// The protocol configuration's version.
    pub config_version: String,
}

/// Pre-screens the persons of `tables` on `as_of`: per person, which criteria the record
/// already answers, which exclude, and which are still to check.
///
/// # Errors
/// [`PrescreenError`] for an inconsistent configuration or concept sets; each row's own trouble
/// is a [`RowError`] in the result.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::ProtocolConfig;
/// use amimestrocel_dkd::omop::{prescreen, ConceptSets, OmopTables, Person};
/// use chrono::NaiveDate;
/// let tables = OmopTables {
///     person: vec![Person { person_id: Some(7), gender_concept_id: Some(8532), year_of_birth: Some(1990),
///                           ..Person::default() }],
///     ..OmopTables::default()
/// };
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let out = prescreen(&tables, &ConceptSets::default(), &ProtocolConfig::default(), as_of)?;
/// let p = out.persons[0].screened.as_ref().unwrap();
/// assert!(!p.not_excluded_by_record); // 35 or 36 years old: below 45 either way
/// # Ok::<(), amimestrocel_dkd::omop::PrescreenError>(())
/// ```
pub fn prescreen(
    tables: &OmopTables,
    sets: &ConceptSets,
    config: &ProtocolConfig,
    as_of: NaiveDate,
) -> Result<Prescreen<Prescreened>, PrescreenError> {
    prescreen_map(tables, sets, config, as_of, |result, birth, history, biopsy| {
        Prescreened::of(result, birth, history, biopsy)
    })
}

/// [`prescreen`], each person's full [`ScreeningResult`] (reasons and evidence) handed to
/// `keep` on the core that made it, with how much of the birth date was known, whether the
/// history counted as taken and the latest kidney biopsy; what `keep` returns is kept.
///
/// # Errors
/// As [`prescreen`].
pub fn prescreen_map<R, K>(
    tables: &OmopTables,
    sets: &ConceptSets,
    config: &ProtocolConfig,
    as_of: NaiveDate,
    keep: K,
) -> Result<Prescreen<R>, PrescreenError>
where
    R: Send,
    K: Fn(&ScreeningResult, Birth, bool, Option<NaiveDate>) -> R + Sync,
{
    config.validate()?;
    sets.validate()?;
    let mut gathered = Gathered::new(tables, sets, as_of);
    let drugs: std::collections::HashSet<i64> =
        tables.drug_exposure.iter().flatten().filter_map(|d| d.concept_id).collect();
    let mut drug_names: HashMap<i64, &str> = HashMap::new();
    for c in tables.concept.iter().flatten() {
        if let (Some(id), Some(name)) = (c.concept_id.filter(|id| drugs.contains(id)), c.concept_name.as_deref()) {
            // A concept listed twice is a row error (`Gathered::new`); its first row is read.
            drug_names.entry(id).or_insert(name);
        }
    }
    let drug_atc = drug_atc_codes(tables, &drugs);
    let reader = PersonReader { tables, sets, config, as_of, drug_names, drug_atc };
    let people: Vec<(usize, &Vec<Item>)> = gathered.people.iter().copied().zip(gathered.items.iter()).collect();
    let done = parallel(&people, |&(row, items)| reader.screen(row, items, &keep));
    let mut persons = Vec::with_capacity(done.len());
    for ((row, _), (screened, errors)) in people.iter().zip(done) {
        let person_id = tables.person[*row].person_id.unwrap_or_default();
        gathered.row_errors.extend(errors);
        persons.push(PersonPrescreen { person_id, row: *row, screened });
    }
    // Refused persons keep their place among the listed ones.
    persons.extend(gathered.refused.iter().map(|&(row, person_id)| PersonPrescreen { person_id, row, screened: None }));
    persons.sort_by_key(|p| p.row);
    gathered.row_errors.sort_by_key(|e| (e.table, e.row));
    Ok(Prescreen {
        persons,
        row_errors: gathered.row_errors,
        rows_after_as_of: gathered.after_as_of,
        rows_unmapped: gathered.unmapped,
        concept_sets_version: sets.version.clone(),
        config_version: config.version.clone(),
    })
}

/// A row of a person, read and placed: what it adds to the record.
#[derive(Debug, Clone)]
enum Item {
    Lab { series: Series, row: usize, date: NaiveDate, value: f64, unit: UnitText },
    Viral { series: Series, row: usize, date: NaiveDate, value: f64, uln: f64 },
    Serology { series: Series, row: usize, date: NaiveDate, positive: bool },
    Pressure { side: Series, row: usize, date: NaiveDate, value: f64, unit: UnitText },
    Diagnosis { diagnosis: Diagnosis, row: usize, start: NaiveDate, end: Option<NaiveDate> },
    Drug { row: usize, concept: i64, start: NaiveDate, end: Option<NaiveDate>, systemic: bool },
    Biopsy { date: NaiveDate },
    Observed { start: NaiveDate, end: NaiveDate },
}

/// Every table's rows placed under their person, with the rows that could not be.
struct Gathered {
    /// The `person` row of each listed person.
    people: Vec<usize>,
    /// Each listed person's items.
    items: Vec<Vec<Item>>,
    /// Persons refused before their record (row, id).
    refused: Vec<(usize, i64)>,
    row_errors: Vec<RowError>,
    after_as_of: std::collections::BTreeMap<Table, usize>,
    unmapped: std::collections::BTreeMap<Table, usize>,
}

impl Gathered {
    fn new(tables: &OmopTables, sets: &ConceptSets, as_of: NaiveDate) -> Gathered {
        let mut g = Gathered {
            people: Vec::new(),
            items: Vec::new(),
            refused: Vec::new(),
            row_errors: Vec::new(),
            after_as_of: std::collections::BTreeMap::new(),
            unmapped: std::collections::BTreeMap::new(),
        };
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(tables.person.len());
        let mut first_row: HashMap<i64, usize> = HashMap::new();
        for (row, p) in tables.person.iter().enumerate() {
            let Some(id) = p.person_id else {
                g.error(Table::Person, row, None, RowProblem::Missing { column: "person_id" });
                continue;
            };
            if let Some(&first) = first_row.get(&id) {
                g.error(Table::Person, row, Some(id), RowProblem::PersonTwice { first });
                g.refused.push((row, id));
                continue;
            }
            first_row.insert(id, row);
            index.insert(id, g.people.len());
            g.people.push(row);
            g.items.push(Vec::new());
        }

        let ancestors = tables.concept_ancestor.iter().flatten().filter_map(|a| Some((a.ancestor?, a.descendant?)));
        let concept_index = sets.expand(ancestors);
        for (row, a) in tables.concept_ancestor.iter().flatten().enumerate() {
            if a.ancestor.is_none() || a.descendant.is_none() {
                let column = if a.ancestor.is_none() { "ancestor_concept_id" } else { "descendant_concept_id" };
                g.error(Table::ConceptAncestor, row, None, RowProblem::Missing { column });
            }
        }
        let mut ucum: HashMap<i64, UnitText> = HashMap::new();
        let mut concept_rows: HashMap<i64, usize> = HashMap::new();
        for (row, c) in tables.concept.iter().flatten().enumerate() {
            let Some(id) = c.concept_id else {
                g.error(Table::Concept, row, None, RowProblem::Missing { column: "concept_id" });
                continue;
            };
            if let Some(&first) = concept_rows.get(&id) {
                g.error(Table::Concept, row, None, RowProblem::ConceptTwice { first });
                continue;
            }
            concept_rows.insert(id, row);
            if c.vocabulary_id.as_deref() == Some("UCUM") {
                match c.concept_code.as_deref() {
                    Some(code) => {
                        ucum.insert(id, UnitText::from(code));
                    }
                    None => g.error(Table::Concept, row, None, RowProblem::Missing { column: "concept_code" }),
                }
            }
        }

        g.observation_periods(tables, &index);
        g.measurements(tables, sets, &concept_index, &ucum, &index, as_of);
        g.conditions(tables, &concept_index, &index, as_of);
        g.drugs(tables, sets, &index, as_of);
        g.procedures(tables, &concept_index, &index, as_of);
        g
    }

    fn error(&mut self, table: Table, row: usize, person_id: Option<i64>, problem: RowProblem) {
        self.row_errors.push(RowError { table, row, person_id, problem });
    }

    /// The listed person of a row, or the row's error.
    fn owner(&mut self, index: &HashMap<i64, usize>, table: Table, row: usize, id: Option<i64>) -> Option<usize> {
        let Some(id) = id else {
            self.error(table, row, None, RowProblem::Missing { column: "person_id" });
            return None;
        };
        let found = index.get(&id).copied();
        if found.is_none() {
            self.error(table, row, Some(id), RowProblem::PersonUnknown);
        }
        found
    }

    /// A required date, or the row's error; `Ok(None)` for a date after `as_of` (counted).
    fn dated(
        &mut self,
        table: Table,
        row: usize,
        person_id: Option<i64>,
        (column, date): (&'static str, Option<NaiveDate>),
        as_of: NaiveDate,
    ) -> Option<NaiveDate> {
        match date {
            None => {
                self.error(table, row, person_id, RowProblem::Missing { column });
                None
            }
            Some(d) if d > as_of => {
                *self.after_as_of.entry(table).or_default() += 1;
                None
            }
            Some(d) => Some(d),
        }
    }

    fn observation_periods(&mut self, tables: &OmopTables, index: &HashMap<i64, usize>) {
        for (row, p) in tables.observation_period.iter().flatten().enumerate() {
            let Some(at) = self.owner(index, Table::ObservationPeriod, row, p.person_id) else { continue };
            match (p.start, p.end) {
                (Some(start), Some(end)) if end >= start => self.items[at].push(Item::Observed { start, end }),
                (Some(_), Some(_)) => self.error(
                    Table::ObservationPeriod,
                    row,
                    p.person_id,
                    RowProblem::Refused {
                        kind: "dates_out_of_order",
                        message: "observation_period_end_date is before observation_period_start_date".into(),
                    },
                ),
                (start, _) => {
                    let column =
                        if start.is_none() { "observation_period_start_date" } else { "observation_period_end_date" };
                    self.error(Table::ObservationPeriod, row, p.person_id, RowProblem::Missing { column });
                }
            }
        }
    }

    fn measurements(
        &mut self,
        tables: &OmopTables,
        sets: &ConceptSets,
        concepts: &ConceptIndex,
        ucum: &HashMap<i64, UnitText>,
        index: &HashMap<i64, usize>,
        as_of: NaiveDate,
    ) {
        const T: Table = Table::Measurement;
        for (row, m) in tables.measurement.iter().flatten().enumerate() {
            let Some(concept) = m.concept_id else {
                self.error(T, row, m.person_id, RowProblem::Missing { column: "measurement_concept_id" });
                continue;
            };
            if concept == 0 {
                *self.unmapped.entry(T).or_default() += 1;
                continue;
            }
            let series = match concepts.series(concept) {
                [] => continue, // a measurement no criterion reads
                [one] => *one,
                several => {
                    let sets = several.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                    self.error(T, row, m.person_id, RowProblem::Ambiguous { concept, sets });
                    continue;
                }
            };
            let Some(at) = self.owner(index, T, row, m.person_id) else { continue };
            let Some(date) = self.dated(T, row, m.person_id, ("measurement_date", m.date), as_of) else { continue };
            let problem = |p: RowProblem| RowError { table: T, row, person_id: m.person_id, problem: p };
            let item = match series {
                Series::Hbsag | Series::AntiHcv => match m.value_as_concept_id {
                    Some(v) if sets.positive.contains(&v) => Ok(Item::Serology { series, row, date, positive: true }),
                    Some(v) if sets.negative.contains(&v) => Ok(Item::Serology { series, row, date, positive: false }),
                    _ => Err(problem(RowProblem::SerologyUnread)),
                },
                // A viral load is compared with its own lab's upper limit, in the same unit: the
                // unit is not read.
                Series::HbvDna | Series::HcvRna => {
                    exact_value(m, sets).map_err(problem).and_then(|value| match m.range_high {
                        Some(uln) => Ok(Item::Viral { series, row, date, value, uln }),
                        None => Err(problem(RowProblem::Missing { column: "range_high" })),
                    })
                }
                _ => measured_value(m, sets, ucum).map_err(problem).map(|(value, unit)| match series {
                    Series::Systolic | Series::Diastolic => Item::Pressure { side: series, row, date, value, unit },
                    _ => Item::Lab { series, row, date, value, unit },
                }),
            };
            match item {
                Ok(item) => self.items[at].push(item),
                Err(e) => self.row_errors.push(e),
            }
        }
    }

    fn conditions(
        &mut self,
        tables: &OmopTables,
        concepts: &ConceptIndex,
        index: &HashMap<i64, usize>,
        as_of: NaiveDate,
    ) {
        const T: Table = Table::ConditionOccurrence;
        for (row, c) in tables.condition_occurrence.iter().flatten().enumerate() {
            let Some(concept) = c.concept_id else {
                self.error(T, row, c.person_id, RowProblem::Missing { column: "condition_concept_id" });
                continue;
            };
            if concept == 0 {
                *self.unmapped.entry(T).or_default() += 1;
                continue;
            }
            let diagnoses = concepts.diagnoses(concept);
            if diagnoses.is_empty() {
                continue;
            }
            let Some(at) = self.owner(index, T, row, c.person_id) else { continue };
            let Some(start) = self.dated(T, row, c.person_id, ("condition_start_date", c.start), as_of) else {
                continue;
            };
            // Resolved after `as_of`: still present on it.
            let end = c.end.filter(|&e| e <= as_of);
            for &diagnosis in diagnoses {
                self.items[at].push(Item::Diagnosis { diagnosis, row, start, end });
            }
        }
    }

    fn drugs(&mut self, tables: &OmopTables, sets: &ConceptSets, index: &HashMap<i64, usize>, as_of: NaiveDate) {
        const T: Table = Table::DrugExposure;
        for (row, d) in tables.drug_exposure.iter().flatten().enumerate() {
            let Some(at) = self.owner(index, T, row, d.person_id) else { continue };
            let Some(concept) = d.concept_id else {
                self.error(T, row, d.person_id, RowProblem::Missing { column: "drug_concept_id" });
                continue;
            };
            let Some(start) = self.dated(T, row, d.person_id, ("drug_exposure_start_date", d.start), as_of) else {
                continue;
            };
            let systemic = match d.route_concept_id {
                Some(route) if sets.local_routes.contains(&route) => false,
                _ => Medication::SYSTEMIC_UNLESS_SAID,
            };
            // Ended after `as_of`: still taken on it.
            let end = d.end.filter(|&e| e <= as_of);
            self.items[at].push(Item::Drug { row, concept, start, end, systemic });
        }
    }

    fn procedures(
        &mut self,
        tables: &OmopTables,
        concepts: &ConceptIndex,
        index: &HashMap<i64, usize>,
        as_of: NaiveDate,
    ) {
        const T: Table = Table::ProcedureOccurrence;
        for (row, p) in tables.procedure_occurrence.iter().flatten().enumerate() {
            let Some(concept) = p.concept_id else {
                self.error(T, row, p.person_id, RowProblem::Missing { column: "procedure_concept_id" });
                continue;
            };
            if concept == 0 {
                *self.unmapped.entry(T).or_default() += 1;
                continue;
            }
            if !concepts.is_kidney_biopsy(concept) {
                continue;
            }
            let Some(at) = self.owner(index, T, row, p.person_id) else { continue };
            if let Some(date) = self.dated(T, row, p.person_id, ("procedure_date", p.date), as_of) {
                self.items[at].push(Item::Biopsy { date });
            }
        }
    }
}

/// The value of a measurement read as a number: present, and exact (no operator but `=`).
fn exact_value(m: &super::tables::Measurement, sets: &ConceptSets) -> Result<f64, RowProblem> {
    // 0 ("no matching concept") is no operator, as null is: converters write it for every value.
    if let Some(op) = m.operator_concept_id.filter(|op| *op != 0 && !sets.exact_operators.contains(op)) {
        return Err(RowProblem::Censored { concept: op });
    }
    m.value.ok_or(RowProblem::Missing { column: "value_as_number" })
}

/// The value and unit of a measurement: [`exact_value`], with a unit concept that the concept
/// table gives a UCUM code for.
fn measured_value(
    m: &super::tables::Measurement,
    sets: &ConceptSets,
    ucum: &HashMap<i64, UnitText>,
) -> Result<(f64, UnitText), RowProblem> {
    let value = exact_value(m, sets)?;
    let unit = match m.unit_concept_id {
        None => return Err(RowProblem::Missing { column: "unit_concept_id" }),
        Some(0) => return Err(RowProblem::UnitNotMapped),
        Some(concept) => ucum.get(&concept).cloned().ok_or(RowProblem::UnitNotUcum { concept })?,
    };
    Ok((value, unit))
}

/// Where each list entry of a record came from, to turn a refused entry into its row's error.
#[derive(Default)]
struct Sources {
    by_list: HashMap<&'static str, Vec<Rows>>,
}

/// The rows one entry came from (two for a blood pressure reading).
type Rows = SmallVec<[(Table, usize); 2]>;

impl Sources {
    fn push(&mut self, list: &'static str, rows: Rows) {
        self.by_list.entry(list).or_default().push(rows);
    }
}

/// The list and index a record error's path names (`labs.uacr[3].unit` → `labs.uacr`, 3).
fn entry_of(path: &str) -> Option<(&str, usize)> {
    let (list, rest) = path.split_once('[')?;
    let (index, _) = rest.split_once(']')?;
    Some((list, index.parse().ok()?))
}

/// Removes entry `i` of the record's list `list`; false if there is no such entry.
fn remove_entry(record: &mut ScreeningRecord, list: &str, i: usize) -> bool {
    fn take<T>(v: &mut Vec<T>, i: usize) -> bool {
        (i < v.len()).then(|| v.remove(i)).is_some()
    }
    let labs = &mut record.labs;
    match list {
        "labs.urine_protein_24h" => take(&mut labs.urine_protein_24h, i),
        "labs.uacr" => take(&mut labs.uacr, i),
        "labs.creatinine" => take(&mut labs.creatinine, i),
        "labs.cystatin_c" => take(&mut labs.cystatin_c, i),
        "labs.hba1c" => take(&mut labs.hba1c, i),
        "labs.triglycerides" => take(&mut labs.triglycerides, i),
        "labs.ldl_cholesterol" => take(&mut labs.ldl_cholesterol, i),
        "labs.potassium" => take(&mut labs.potassium, i),
        "labs.hbv_dna" => take(&mut labs.hbv_dna, i),
        "labs.hcv_rna" => take(&mut labs.hcv_rna, i),
        "labs.hbsag" => take(&mut labs.hbsag, i),
        "labs.anti_hcv" => take(&mut labs.anti_hcv, i),
        "blood_pressures" => take(&mut record.blood_pressures, i),
        "conditions" => record.conditions.as_mut().is_some_and(|v| take(v, i)),
        "medications" => record.medications.as_mut().is_some_and(|v| take(v, i)),
        _ => false,
    }
}

/// Reads one person's items into a record and screens it.
struct PersonReader<'a> {
    tables: &'a OmopTables,
    /// The name of each drug concept of `drug_exposure` that `concept` names.
    drug_names: HashMap<i64, &'a str>,
    /// The ATC code of each drug concept that has one (`drug_atc_codes`).
    drug_atc: HashMap<i64, &'a str>,
    sets: &'a ConceptSets,
    config: &'a ProtocolConfig,
    as_of: NaiveDate,
}

impl PersonReader<'_> {
    fn screen<R>(
        &self,
        row: usize,
        items: &[Item],
        keep: &impl Fn(&ScreeningResult, Birth, bool, Option<NaiveDate>) -> R,
    ) -> (Option<R>, Vec<RowError>) {
        let person = &self.tables.person[row];
        let person_id = person.person_id;
        let refuse = |problem| (None, vec![RowError { table: Table::Person, row, person_id, problem }]);
        let sex = match person.gender_concept_id {
            None => return refuse(RowProblem::Missing { column: "gender_concept_id" }),
            Some(g) if self.sets.male.contains(&g) => Sex::Male,
            Some(g) if self.sets.female.contains(&g) => Sex::Female,
            Some(concept) => return refuse(RowProblem::GenderUnknown { concept }),
        };
        let birth = match Birth::of(person) {
            Ok(b) => b,
            Err(problem) => return refuse(problem),
        };
        // A birth in the year of `as_of` is not after `as_of`.
        let (earliest, latest) = match birth {
            Birth::Exact(d) => (d, d),
            Birth::Between(first, last) => (first, last.min(self.as_of)),
        };
        let (mut record, mut sources, mut errors, history_taken, biopsy) = self.record(person_id, sex, earliest, items);
        // Check; an entry the check refuses is its row's error, and the record is checked again
        // without it. A refusal that names no entry refuses the person.
        loop {
            match record.check() {
                Ok(_) => break,
                Err(e) => {
                    let Some((list, i)) = entry_of(e.path()).filter(|&(l, i)| remove_entry(&mut record, l, i)) else {
                        errors.push(RowError { table: Table::Person, row, person_id, problem: refused(&e) });
                        return (None, errors);
                    };
                    let Some(rows) = sources.by_list.get_mut(list).filter(|v| i < v.len()).map(|v| v.remove(i)) else {
                        // Every entry has its rows; should one not, the person is refused, not
                        // screened with an entry dropped unseen.
                        errors.push(RowError { table: Table::Person, row, person_id, problem: refused(&e) });
                        return (None, errors);
                    };
                    for (table, r) in rows {
                        errors.push(RowError { table, row: r, person_id, problem: refused(&e) });
                    }
                }
            }
        }
        if self.sets.unrecorded_end == UnrecordedEnd::EndedOnStart {
            if let Some(closed) = self.with_unrecorded_ends_closed(&record, &sources) {
                record = closed;
            }
        }
        let screened = |record: &ScreeningRecord, dob: NaiveDate| -> Result<ScreeningResult, RecordError> {
            let mut r = record.clone();
            r.date_of_birth = dob;
            Ok(screen_checked(&r.check()?, self.config))
        };
        let mut result = match screened(&record, earliest) {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError { table: Table::Person, row, person_id, problem: refused(&e) });
                return (None, errors);
            }
        };
        let births = if latest != earliest { vec![earliest, latest] } else { vec![earliest] };
        if latest != earliest {
            match screened(&record, latest) {
                Ok(other) => unknown_where_birth_matters(&mut result, &other, earliest, latest),
                Err(e) => {
                    errors.push(RowError { table: Table::Person, row, person_id, problem: refused(&e) });
                    return (None, errors);
                }
            }
        }
        // An end not recorded is read as `unrecorded_end` says: by default both ways, still
        // ongoing on `as_of` (the record as built) and ended on its start day, at each end of
        // the birth's span.
        let closed = match self.sets.unrecorded_end {
            UnrecordedEnd::BothWays => self.with_unrecorded_ends_closed(&record, &sources),
            UnrecordedEnd::Ongoing | UnrecordedEnd::EndedOnStart => None,
        };
        if let Some(closed) = closed {
            for &dob in &births {
                match screened(&closed, dob) {
                    Ok(other) => unknown_where_an_unrecorded_end_matters(&mut result, &other),
                    Err(e) => {
                        errors.push(RowError { table: Table::Person, row, person_id, problem: refused(&e) });
                        return (None, errors);
                    }
                }
            }
        }
        if !history_taken {
            unknown_where_history_is_not_taken(&mut result, self.sets.history_observed_days);
        }
        if record.conditions.is_some() {
            unknown_where_history_is_partial(&mut result, self.sets, self.tables.concept_ancestor.is_some());
        }
        result.status = Status::of(&result.criteria);
        (Some(keep(&result, birth, history_taken, biopsy)), errors)
    }

    /// The record of a person's items, where each entry came from, the errors of unpaired
    /// pressures, whether the history counts as taken, and the latest biopsy.
    fn record(
        &self,
        person_id: Option<i64>,
        sex: Sex,
        date_of_birth: NaiveDate,
        items: &[Item],
    ) -> (ScreeningRecord, Sources, Vec<RowError>, bool, Option<NaiveDate>) {
        let observed_from =
            Window::days_back(self.as_of, self.sets.history_observed_days, DayWindow::ElapsedDays).first;
        // Observation periods that overlap or follow on the next day are one span of
        // observation (an extraction from several sources splits one into periods).
        let mut periods: Vec<(NaiveDate, NaiveDate)> = items
            .iter()
            .filter_map(|i| match i {
                Item::Observed { start, end } => Some((*start, *end)),
                _ => None,
            })
            .collect();
        periods.sort_unstable();
        let mut spans: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(periods.len());
        for (start, end) in periods {
            match spans.last_mut() {
                // The day after the span, checked (dates come from outside): none at the last date.
                Some(span) if span.1.checked_add_days(chrono::Days::new(1)).is_none_or(|next| start <= next) => {
                    span.1 = span.1.max(end)
                }
                _ => spans.push((start, end)),
            }
        }
        let history_taken = spans.iter().any(|&(start, end)| start <= observed_from && end >= self.as_of);
        // What is found is kept whether or not the history counts as taken: a diagnosis or a drug
        // recorded is there. Only its absence needs the history taken
        // (`unknown_where_history_is_not_taken`).
        let conditions_read = self.tables.condition_occurrence.is_some();
        // Without `concept_ancestor`, a diagnosis coded below a set's concept is not found.
        let descendants_read = self.tables.concept_ancestor.is_some();
        let medications_read = self.tables.drug_exposure.is_some();
        let mut record = ScreeningRecord {
            id: person_id.map(|id| id.to_string()).unwrap_or_default(),
            sex,
            date_of_birth,
            screening_date: self.as_of,
            type2_diabetes: None,
            kidney_biopsy: None,
            non_diabetic_kidney_disease: None,
            labs: Default::default(),
            blood_pressures: Vec::new(),
            medications: medications_read.then(Vec::new),
            conditions: conditions_read.then(Vec::new),
            lactating: None,
            pregnant: None,
            pregnancy_or_egg_donation_plan: None,
            childbearing_plan_without_contraception: None,
            other_trials: None,
            informed_consent: None,
            investigator_deems_unsuitable: None,
        };
        let mut sources = Sources::default();
        let mut errors = Vec::new();
        let mut biopsy: Option<NaiveDate> = None;
        let (mut type2, mut non_diabetic) = (false, false);
        let mut pressures: Vec<(Series, usize, NaiveDate, f64, &UnitText)> = Vec::new();
        for item in items {
            match item {
                Item::Lab { series, row, date, value, unit } => {
                    let labs = &mut record.labs;
                    let (list, name) = match series {
                        Series::UrineProtein24h => (&mut labs.urine_protein_24h, "labs.urine_protein_24h"),
                        Series::Uacr => (&mut labs.uacr, "labs.uacr"),
                        Series::Creatinine => (&mut labs.creatinine, "labs.creatinine"),
                        Series::CystatinC => (&mut labs.cystatin_c, "labs.cystatin_c"),
                        Series::Hba1c => (&mut labs.hba1c, "labs.hba1c"),
                        Series::Triglycerides => (&mut labs.triglycerides, "labs.triglycerides"),
                        Series::LdlCholesterol => (&mut labs.ldl_cholesterol, "labs.ldl_cholesterol"),
                        Series::Potassium => (&mut labs.potassium, "labs.potassium"),
                        // Made into other items when read (`Gathered::measurements`).
                        Series::HbvDna
                        | Series::HcvRna
                        | Series::Hbsag
                        | Series::AntiHcv
                        | Series::Systolic
                        | Series::Diastolic => continue,
                    };
                    list.push(LabEntry { date: *date, value: *value, unit: unit.clone() });
                    sources.push(name, [(Table::Measurement, *row)].into_iter().collect());
                }
                Item::Viral { series, row, date, value, uln } => {
                    let (list, name) = if *series == Series::HbvDna {
                        (&mut record.labs.hbv_dna, "labs.hbv_dna")
                    } else {
                        (&mut record.labs.hcv_rna, "labs.hcv_rna")
                    };
                    list.push(ViralLoad { date: *date, value: *value, upper_limit_of_normal: *uln });
                    sources.push(name, [(Table::Measurement, *row)].into_iter().collect());
                }
                Item::Serology { series, row, date, positive } => {
                    let (list, name) = if *series == Series::Hbsag {
                        (&mut record.labs.hbsag, "labs.hbsag")
                    } else {
                        (&mut record.labs.anti_hcv, "labs.anti_hcv")
                    };
                    list.push(SerologyResult { date: *date, positive: *positive });
                    sources.push(name, [(Table::Measurement, *row)].into_iter().collect());
                }
                Item::Pressure { side, row, date, value, unit } => pressures.push((*side, *row, *date, *value, unit)),
                Item::Diagnosis { diagnosis, row, start, end } => match diagnosis {
                    Diagnosis::Type2Diabetes => type2 = true,
                    Diagnosis::NonDiabeticKidneyDisease => non_diabetic = true,
                    Diagnosis::Condition(kind) => {
                        if let Some(list) = record.conditions.as_mut() {
                            list.push(Condition {
                                condition: *kind,
                                onset: Some(*start),
                                resolved: *end,
                                nyha_class: None,
                                residual_deficit: None,
                                uncontrolled: None,
                                iv_antibiotics: None,
                            });
                            sources.push("conditions", [(Table::ConditionOccurrence, *row)].into_iter().collect());
                        }
                    }
                },
                Item::Drug { row, concept, start, end, systemic } => {
                    if let Some(list) = record.medications.as_mut() {
                        list.push(Medication {
                            name: self.drug_name(*concept),
                            atc: self.drug_atc.get(concept).map(|code| (*code).to_owned()),
                            systemic: *systemic,
                            start: *start,
                            end: *end,
                        });
                        sources.push("medications", [(Table::DrugExposure, *row)].into_iter().collect());
                    }
                }
                Item::Biopsy { date } => biopsy = biopsy.max(Some(*date)),
                Item::Observed { .. } => {}
            }
        }
        // A diagnosis recorded is a yes; none in a history taken with a concept set to find it
        // is a no; otherwise not known.
        let answer = |found: bool, set: &[i64]| {
            if found {
                Some(true)
            } else {
                (history_taken && conditions_read && descendants_read && !set.is_empty()).then_some(false)
            }
        };
        record.type2_diabetes = answer(type2, &self.sets.type2_diabetes);
        record.non_diabetic_kidney_disease = answer(non_diabetic, &self.sets.non_diabetic_kidney_disease);
        self.pair_pressures(&mut pressures, &mut record, &mut sources, &mut errors, person_id);
        (record, sources, errors, history_taken, biopsy)
    }

    /// Blood pressure readings: on each date, the n-th systolic (in row order) with the n-th
    /// diastolic of the same unit; a side left over is an unpaired row.
    fn pair_pressures(
        &self,
        pressures: &mut [(Series, usize, NaiveDate, f64, &UnitText)],
        record: &mut ScreeningRecord,
        sources: &mut Sources,
        errors: &mut Vec<RowError>,
        person_id: Option<i64>,
    ) {
        pressures.sort_by_key(|p| (p.2, p.1));
        for day in pressures.chunk_by(|a, b| a.2 == b.2) {
            let systolic: Vec<_> = day.iter().filter(|p| p.0 == Series::Systolic).collect();
            let mut diastolic: Vec<_> = day.iter().filter(|p| p.0 == Series::Diastolic).map(Some).collect();
            for s in systolic {
                let partner = diastolic.iter_mut().find(|d| d.is_some_and(|d| d.4 == s.4)).and_then(Option::take);
                match partner {
                    Some(d) => {
                        record.blood_pressures.push(BloodPressure {
                            date: s.2,
                            systolic: s.3,
                            diastolic: d.3,
                            unit: s.4.clone(),
                        });
                        sources.push(
                            "blood_pressures",
                            [(Table::Measurement, s.1), (Table::Measurement, d.1)].into_iter().collect(),
                        );
                    }
                    None => errors.push(RowError {
                        table: Table::Measurement,
                        row: s.1,
                        person_id,
                        problem: RowProblem::Unpaired { side: "systolic" },
                    }),
                }
            }
            for d in diastolic.into_iter().flatten() {
                errors.push(RowError {
                    table: Table::Measurement,
                    row: d.1,
                    person_id,
                    problem: RowProblem::Unpaired { side: "diastolic" },
                });
            }
        }
    }

    /// The record with every condition and medication whose end is not recorded (a null
    /// `condition_end_date` or `drug_exposure_end_date`) read as ended on its start day; none when
    /// every end is recorded. The record as built reads such an end as still ongoing on
    /// `as_of`: the two are the ends of what the row allows (an end on or after the start), and
    /// every criterion that reads a course or a condition is monotone in its end (a later end
    /// only adds days present).
    fn with_unrecorded_ends_closed(&self, record: &ScreeningRecord, sources: &Sources) -> Option<ScreeningRecord> {
        let unrecorded = |list: &str, i: usize| {
            sources.by_list.get(list).and_then(|v| v.get(i)).is_some_and(|rows| {
                rows.iter().any(|&(table, r)| match table {
                    Table::ConditionOccurrence => self
                        .tables
                        .condition_occurrence
                        .as_ref()
                        .and_then(|t| t.get(r))
                        .is_some_and(|c| c.end.is_none()),
                    Table::DrugExposure => {
                        self.tables.drug_exposure.as_ref().and_then(|t| t.get(r)).is_some_and(|d| d.end.is_none())
                    }
                    _ => false,
                })
            })
        };
        let mut closed = record.clone();
        let mut any = false;
        for (i, c) in closed.conditions.iter_mut().flatten().enumerate() {
            if unrecorded("conditions", i) {
                c.resolved = c.onset;
                any = true;
            }
        }
        for (i, m) in closed.medications.iter_mut().flatten().enumerate() {
            if unrecorded("medications", i) {
                m.end = Some(m.start);
                any = true;
            }
        }
        any.then_some(closed)
    }

    /// A drug's name: its concept's name, else `concept <id>` (which no table classifies, so
    /// the immunosuppressant criterion stays unknown, naming it).
    fn drug_name(&self, concept: i64) -> String {
        self.drug_names.get(&concept).map_or_else(|| format!("concept {concept}"), |name| (*name).to_owned())
    }
}

/// The ATC code of each drug concept of `drug_exposure`: the concept's own code when it is an
/// ATC concept (its first row in `concept`), else the most specific ATC classes above it in
/// `concept_ancestor` (the longest codes: 7-character substances where there are some). The
/// vocabulary links ATC classes to ingredients, so one drug can sit below classes that read
/// differently (tacrolimus below L04AD02, systemic, and D11AH01, topical): when the most
/// specific classes do not all classify the drug alike, it gets no code, and a drug whose name
/// the medication table does not know then leaves the criterion unknown rather than decided by
/// the order of the codes. Where they agree, the first code in sort order is given. The
/// medication table reads a drug's name first and its ATC code only for a name it does not know.
fn drug_atc_codes<'a>(tables: &'a OmopTables, drugs: &std::collections::HashSet<i64>) -> HashMap<i64, &'a str> {
    let mut atc: HashMap<i64, &str> = HashMap::new();
    for c in tables.concept.iter().flatten().filter(|c| c.vocabulary_id.as_deref() == Some("ATC")) {
        if let (Some(id), Some(code)) = (c.concept_id, c.concept_code.as_deref()) {
            atc.entry(id).or_insert(code);
        }
    }
    let mut found: HashMap<i64, &str> = drugs.iter().filter_map(|d| atc.get(d).map(|code| (*d, *code))).collect();
    // The most specific classes above each drug without a code of its own.
    let mut above: HashMap<i64, Vec<&str>> = HashMap::new();
    for a in tables.concept_ancestor.iter().flatten() {
        let (Some(ancestor), Some(drug)) = (a.ancestor, a.descendant) else { continue };
        let Some(&code) = atc.get(&ancestor) else { continue };
        if !drugs.contains(&drug) || found.contains_key(&drug) {
            continue;
        }
        let codes = above.entry(drug).or_default();
        match codes.first().map(|c| c.len()) {
            Some(len) if len > code.len() => {}
            Some(len) if len < code.len() => *codes = vec![code],
            _ => codes.push(code),
        }
    }
    for (drug, mut codes) in above {
        codes.sort_unstable();
        codes.dedup();
        if let Some((first, rest)) = codes.split_first() {
            let class = classify_atc(first);
            if rest.iter().all(|c| classify_atc(c) == class) {
                found.insert(drug, first);
            }
        }
    }
    found
}

fn refused(e: &RecordError) -> RowProblem {
    RowProblem::Refused { kind: e.kind(), message: e.to_string() }
}

/// A birth known only between `first` and `last`: a criterion whose outcome differs at the two
/// ends is unknown. Both ends suffice: every criterion that reads the date of birth reads it
/// through the age in completed years, and is monotone in it (the age range, eGFR thresholds).
fn unknown_where_birth_matters(
    result: &mut ScreeningResult,
    other: &ScreeningResult,
    first: NaiveDate,
    last: NaiveDate,
) {
    for (c, o) in result.criteria.iter_mut().zip(&other.criteria) {
        if c.outcome != o.outcome {
            c.outcome = Outcome::Unknown;
            c.evidence = EvidenceList::new();
            c.reason = reason!(
                "The date of birth is known only to lie from {} to {}, and the outcome differs within it.",
                first,
                last
            );
        }
    }
}

/// Without the history taken, a criterion that reads the medical or medication history and
/// found nothing that excludes is unknown: what it found is there, but nothing found is not an
/// absence. A criterion that found what excludes keeps its answer.
fn unknown_where_history_is_not_taken(result: &mut ScreeningResult, observed_days: u32) {
    for c in &mut result.criteria {
        let reads_history = !c.id.condition_kinds().is_empty() || c.id == CriterionId::ExcImmunosuppressant;
        if reads_history && !c.excludes() && c.outcome != Outcome::Unknown {
            c.outcome = Outcome::Unknown;
            c.reason = reason!(
                "No observation period covers the {} days up to the pre-screening date, so the history is not taken: what is not recorded is not known to be absent.",
                i64::from(observed_days)
            );
        }
    }
}

/// A criterion that reads conditions OMOP cannot tell apart (an empty concept set) and found
/// none that excludes: unknown, since the absence it relies on is not in the record. Without
/// `concept_ancestor` (`descendants_read` false) no condition set is read whole (a diagnosis
/// coded below a set's concept is not found), and the same holds for every such criterion.
fn unknown_where_history_is_partial(result: &mut ScreeningResult, sets: &ConceptSets, descendants_read: bool) {
    for c in &mut result.criteria {
        if c.excludes() || c.outcome != Outcome::NotMet {
            continue;
        }
        let kinds = c.id.condition_kinds();
        if let Some(&kind) = kinds.iter().find(|&&k| !sets.reads_condition(k)) {
            c.outcome = Outcome::Unknown;
            c.reason =
                reason!("The OMOP concept sets cannot find {} (its set is empty), so its absence is not known.", kind);
        } else if !kinds.is_empty() && !descendants_read {
            c.outcome = Outcome::Unknown;
            c.reason = reason!(
                "concept_ancestor was not given, so a diagnosis coded below a concept set's concept is not found: its absence is not known."
            );
        }
    }
}

/// A criterion whose outcome differs between reading an unrecorded end as still ongoing and as
/// ended on its start day is unknown (its evidence kept: it names the entry). One already
/// unknown stays as it is.
fn unknown_where_an_unrecorded_end_matters(result: &mut ScreeningResult, other: &ScreeningResult) {
    for (c, o) in result.criteria.iter_mut().zip(&other.criteria) {
        if c.outcome != Outcome::Unknown && c.outcome != o.outcome {
            c.outcome = Outcome::Unknown;
            c.reason = reason!(
                "An end date is not recorded (a null condition_end_date or drug_exposure_end_date), and the outcome differs between reading it as still ongoing and as ended on its start day."
            );
        }
    }
}

/// One step of the attrition: after the criterion (or the reading of `person`, first), how
/// many persons it excludes, how many remain, and how many of those it leaves unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttritionStep {
    /// The criterion, or `None` for the first step (persons read; refused persons excluded).
    pub criterion: Option<CriterionId>,
    /// Persons excluded at this step (not by an earlier one).
    pub excluded: usize,
    /// Persons remaining after it.
    pub remaining: usize,
    /// Of those remaining, persons for whom the criterion is unknown.
    pub unknown: usize,
}

/// The attrition table of a pre-screen, criteria in protocol order: a person counts as excluded
/// at the first criterion that excludes it.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::ProtocolConfig;
/// use amimestrocel_dkd::omop::{attrition, prescreen, ConceptSets, OmopTables, Person};
/// let young = Person { person_id: Some(1), gender_concept_id: Some(8507), year_of_birth: Some(2000), ..Person::default() };
/// let tables = OmopTables { person: vec![young], ..OmopTables::default() };
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let steps = attrition(&prescreen(&tables, &ConceptSets::default(), &ProtocolConfig::default(), as_of)?.persons);
/// assert_eq!((steps[0].remaining, steps[1].excluded, steps[1].remaining), (1, 1, 0)); // inc_age
/// # Ok::<(), amimestrocel_dkd::omop::PrescreenError>(())
/// ```
pub fn attrition(persons: &[PersonPrescreen<Prescreened>]) -> Vec<AttritionStep> {
    let screened: Vec<&Prescreened> = persons.iter().filter_map(|p| p.screened.as_ref()).collect();
    let mut remaining: Vec<&Prescreened> = screened.clone();
    let mut steps = vec![AttritionStep {
        criterion: None,
        excluded: persons.len() - screened.len(),
        remaining: remaining.len(),
        unknown: 0,
    }];
    for (i, &id) in CriterionId::ALL.iter().enumerate() {
        let outcome = |p: &Prescreened| p.outcomes.get(i).copied().unwrap_or(Outcome::Unknown);
        let before = remaining.len();
        remaining.retain(|p| !id.kind().excluded_by(outcome(p)));
        let unknown = remaining.iter().filter(|p| outcome(p) == Outcome::Unknown).count();
        steps.push(AttritionStep {
            criterion: Some(id),
            excluded: before - remaining.len(),
            remaining: remaining.len(),
            unknown,
        });
    }
    steps
}
