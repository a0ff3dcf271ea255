//! Screening records as Arrow (issue 15): the published schema, which mirrors the JSON record
//! (`docs/screening-record.md`) field by field, and a reader of record batches of it into
//! core's `ScreeningRecord`, one batch at a time.
//!
//! The reader is plain Rust over arrow-rs arrays (no Python), so the fuzz target `arrow_records`
//! runs it. It builds each record as a struct literal, so a field added to the record does not
//! compile here until it is read. What it reads besides the schema's own types: text in any
//! string layout or dictionary; dates as date32, date64, timestamps without zone or
//! `YYYY-MM-DD` text; numbers of any integer or float type; lists and large lists.
//!
//! A column the record does not have is refused (nothing a user entered is dropped silently);
//! a column the table lacks is absent from every record (a list empty, an answer unknown), but
//! `id`, `sex`, `date_of_birth` and `screening_date` must be there. A null where the record
//! needs a value (an id, a lab entry's date) refuses that row only, with the field's path
//! (`labs.uacr[1].date`), as the JSON reader does.

use std::sync::Arc;

use amimestrocel_dkd::demographics::Sex;
use amimestrocel_dkd::eligibility::{
    BiopsyFinding, BloodPressure, Condition, ConditionKind, KidneyBiopsy, LabEntry, Labs, Medication, RecordError,
    ScreeningRecord, SerologyResult, TrialParticipation, ViralLoad,
};
use amimestrocel_dkd::lab::UnitText;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Fields, Schema};
use chrono::NaiveDate;
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::Deserialize;

use crate::arrow_read::{days, floats_into, text_codes_or_null, ColumnError, Zone};

// ------------------------------------------------------------------------
// the published schema
// ------------------------------------------------------------------------

/// A field of the schema. Every field is nullable in Arrow, the ones the record needs too: a
/// producer may write a null anywhere (pyarrow does, whatever the schema says), and the reader
/// refuses such a row with the field's path rather than the whole table. A field the record
/// needs (`optional` false) says so in its metadata, `required: true`.
fn field(name: &str, data_type: DataType, optional: bool) -> Field {
    let field = Field::new(name, data_type, true);
    if optional {
        field
    } else {
        field.with_metadata(std::collections::HashMap::from([("required".to_owned(), "true".to_owned())]))
    }
}

fn list_of(fields: Vec<Field>) -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Struct(Fields::from(fields)), true)))
}

fn lab_entries() -> DataType {
    list_of(vec![
        field("date", DataType::Date32, false),
        field("value", DataType::Float64, false),
        field("unit", DataType::Utf8, false),
    ])
}

fn viral_loads() -> DataType {
    list_of(vec![
        field("date", DataType::Date32, false),
        field("value", DataType::Float64, false),
        field("upper_limit_of_normal", DataType::Float64, false),
    ])
}

fn serologies() -> DataType {
    list_of(vec![field("date", DataType::Date32, false), field("positive", DataType::Boolean, false)])
}

/// The lab series, in the record's order, with the kind of entry each holds.
const LAB_SERIES: [(&str, Entry); 12] = [
    ("urine_protein_24h", Entry::Lab),
    ("uacr", Entry::Lab),
    ("creatinine", Entry::Lab),
    ("cystatin_c", Entry::Lab),
    ("hba1c", Entry::Lab),
    ("triglycerides", Entry::Lab),
    ("ldl_cholesterol", Entry::Lab),
    ("potassium", Entry::Lab),
    ("hbv_dna", Entry::Viral),
    ("hcv_rna", Entry::Viral),
    ("hbsag", Entry::Serology),
    ("anti_hcv", Entry::Serology),
];

#[derive(Clone, Copy)]
enum Entry {
    Lab,
    Viral,
    Serology,
}

/// The Arrow schema of a screening record: the JSON record's fields, names and nesting, with
/// dates as date32, lists as `list<struct<...>>`, an answer not yet known as null. A list that
/// is null is "not asked" where the record distinguishes it (`medications`, `conditions`,
/// `other_trials`), and empty elsewhere.
pub fn record_schema() -> Schema {
    let labs = LAB_SERIES
        .iter()
        .map(|(name, entry)| {
            let data_type = match entry {
                Entry::Lab => lab_entries(),
                Entry::Viral => viral_loads(),
                Entry::Serology => serologies(),
            };
            field(name, data_type, true)
        })
        .collect::<Vec<_>>();
    let flag = |name: &str| field(name, DataType::Boolean, true);
    Schema::new(vec![
        field("id", DataType::Utf8, false),
        field("sex", DataType::Utf8, false),
        field("date_of_birth", DataType::Date32, false),
        field("screening_date", DataType::Date32, false),
        flag("type2_diabetes"),
        field(
            "kidney_biopsy",
            DataType::Struct(Fields::from(vec![
                field("date", DataType::Date32, false),
                field("finding", DataType::Utf8, false),
            ])),
            true,
        ),
        flag("non_diabetic_kidney_disease"),
        field("labs", DataType::Struct(Fields::from(labs)), true),
        field(
            "blood_pressures",
            list_of(vec![
                field("date", DataType::Date32, false),
                field("systolic", DataType::Float64, false),
                field("diastolic", DataType::Float64, false),
                field("unit", DataType::Utf8, false),
            ]),
            true,
        ),
        field(
            "medications",
            list_of(vec![
                field("name", DataType::Utf8, false),
                field("atc", DataType::Utf8, true),
                field("systemic", DataType::Boolean, true),
                field("start", DataType::Date32, false),
                field("end", DataType::Date32, true),
            ]),
            true,
        ),
        field(
            "conditions",
            list_of(vec![
                field("condition", DataType::Utf8, false),
                field("onset", DataType::Date32, true),
                field("resolved", DataType::Date32, true),
                field("nyha_class", DataType::UInt8, true),
                flag("residual_deficit"),
                flag("uncontrolled"),
                flag("iv_antibiotics"),
            ]),
            true,
        ),
        flag("lactating"),
        flag("pregnant"),
        flag("pregnancy_or_egg_donation_plan"),
        flag("childbearing_plan_without_contraception"),
        field(
            "other_trials",
            list_of(vec![
                field("interventional", DataType::Boolean, false),
                field("start", DataType::Date32, false),
                field("end", DataType::Date32, true),
            ]),
            true,
        ),
        flag("informed_consent"),
        flag("investigator_deems_unsuitable"),
    ])
}

// ------------------------------------------------------------------------
// columns of a batch, read once
// ------------------------------------------------------------------------

/// Why a batch cannot be read at all (the table is wrong, not a row).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A column the record needs is not in the table.
    #[error("no column {0} in the table of screening records")]
    Missing(String),
    /// A column given twice (one of the two would be dropped).
    #[error("column {0} is in the table twice")]
    Twice(String),
    /// A column the record does not have (a typo would otherwise be dropped silently).
    #[error("column {column} is not a field of a screening record (its fields there: {known})")]
    Unknown { column: String, known: String },
    /// A column of a type its field does not read.
    #[error(transparent)]
    Column(#[from] ColumnError),
    /// A column of another layout than its field's (a list where a struct is wanted).
    #[error("column {column} is {data_type}, not {wanted}")]
    Layout { column: String, data_type: String, wanted: &'static str },
}

fn layout(path: &str, array: &ArrayRef, wanted: &'static str) -> BatchError {
    BatchError::Layout { column: path.to_owned(), data_type: array.data_type().to_string(), wanted }
}

/// The named children of a struct (or the columns of a batch), checked against the names the
/// record has there.
struct Children<'a> {
    path: String,
    names: Vec<&'a str>,
    arrays: Vec<&'a ArrayRef>,
}

impl<'a> Children<'a> {
    fn new(path: &str, fields: &'a Fields, arrays: &'a [ArrayRef], known: &[&str]) -> Result<Self, BatchError> {
        let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
        if let Some(unknown) = names.iter().find(|n| !known.contains(n)) {
            return Err(BatchError::Unknown { column: join(path, unknown), known: known.join(", ") });
        }
        if let Some(twice) = names.iter().enumerate().find_map(|(i, n)| names[..i].contains(n).then_some(n)) {
            return Err(BatchError::Twice(join(path, twice)));
        }
        Ok(Children { path: path.to_owned(), names, arrays: arrays.iter().collect() })
    }

    fn get(&self, name: &str) -> Option<&'a ArrayRef> {
        self.names.iter().position(|n| *n == name).map(|i| self.arrays[i])
    }

    fn need(&self, name: &str) -> Result<&'a ArrayRef, BatchError> {
        self.get(name).ok_or_else(|| BatchError::Missing(join(&self.path, name)))
    }

    fn at(&self, name: &str) -> String {
        join(&self.path, name)
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// A text column: each row's text, none where null.
struct Texts {
    codes: Vec<i64>,
    texts: Vec<String>,
}

impl Texts {
    fn read(path: &str, array: &ArrayRef) -> Result<Self, BatchError> {
        let (codes, texts) = text_codes_or_null(path, std::slice::from_ref(array))?;
        Ok(Texts { codes, texts })
    }

    fn get(&self, row: usize) -> Option<&str> {
        usize::try_from(self.codes[row]).ok().map(|c| self.texts[c].as_str())
    }
}

/// A text column read where Arrow keeps it, row by row (the ids: all distinct, so no table of
/// distinct texts is made for them), or through its codes for a dictionary.
enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Coded(Texts),
}

impl<'a> Strings<'a> {
    fn read(path: &str, array: &'a ArrayRef) -> Result<Self, BatchError> {
        Ok(match array.data_type() {
            DataType::Utf8 => Strings::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Strings::Large(array.as_string::<i64>()),
            DataType::Utf8View => Strings::View(array.as_string_view()),
            _ => Strings::Coded(Texts::read(path, array)?),
        })
    }

    fn get(&self, row: usize) -> Option<&str> {
        match self {
            Strings::Utf8(a) => a.is_valid(row).then(|| a.value(row)),
            Strings::Large(a) => a.is_valid(row).then(|| a.value(row)),
            Strings::View(a) => a.is_valid(row).then(|| a.value(row)),
            Strings::Coded(t) => t.get(row),
        }
    }
}

/// A date column: each row's day since 1970, [`NO_DATE`] where null, [`NOT_A_DATE`] where a
/// text is not `YYYY-MM-DD` (that row is refused, not the table).
struct Dates(Vec<i32>);

const NO_DATE: i32 = i32::MIN;
const NOT_A_DATE: i32 = i32::MIN + 1;

impl Dates {
    /// Reads a date column by the column reader (text by core's reader, instants as their day
    /// in `zone`, refused without one); a date a row cannot have is that row's, not the table's.
    fn read(path: &str, array: &ArrayRef, zone: Option<&Zone>) -> Result<Self, BatchError> {
        Ok(Dates(days(path, std::slice::from_ref(array), NO_DATE, Some(NOT_A_DATE), zone)?))
    }

    fn absent(len: usize) -> Self {
        Dates(vec![NO_DATE; len])
    }

    /// The date of `row` (none where null), or the row refused at `path` where it is no date.
    fn get(&self, row: usize, path: impl FnOnce() -> String) -> Result<Option<NaiveDate>, RecordError> {
        match self.0[row] {
            NO_DATE => Ok(None),
            day => match amimestrocel_dkd::date::date_of_day(day) {
                Some(date) if day != NOT_A_DATE => Ok(Some(date)),
                _ => Err(refused(path(), "is not a date (YYYY-MM-DD) the library can hold")),
            },
        }
    }

    /// The date of `row`, which the record needs.
    fn need(&self, row: usize, path: impl Fn() -> String) -> Result<NaiveDate, RecordError> {
        required(self.get(row, &path)?, path)
    }
}

/// A number column: each row's number, none where null (a NaN that is not null stays a NaN,
/// for core to refuse as it refuses one in JSON... which cannot hold one: `not_finite`).
struct Numbers {
    values: Vec<f64>,
    nulls: Option<NullBuffer>,
}

impl Numbers {
    fn read(path: &str, array: &ArrayRef) -> Result<Self, BatchError> {
        let mut values = vec![0.0; array.len()];
        floats_into(path, std::slice::from_ref(array), &mut values)?;
        Ok(Numbers { values, nulls: array.logical_nulls() })
    }

    fn get(&self, row: usize) -> Option<f64> {
        self.nulls.as_ref().is_none_or(|n| n.is_valid(row)).then(|| self.values[row])
    }
}

/// A boolean column: each row's answer, none where null.
struct Flags(Vec<Option<bool>>);

impl Flags {
    fn read(path: &str, array: &ArrayRef) -> Result<Self, BatchError> {
        match array.as_boolean_opt() {
            Some(b) => Ok(Flags(b.iter().collect())),
            // A column of nulls only (what pandas and pyarrow infer for a column of None).
            None if array.data_type() == &DataType::Null => Ok(Flags::absent(array.len())),
            None => Err(layout(path, array, "booleans")),
        }
    }

    fn absent(len: usize) -> Self {
        Flags(vec![None; len])
    }

    fn get(&self, row: usize) -> Option<bool> {
        self.0[row]
    }
}

/// A list column of structs: each row's range of entries in the child struct, none where null.
/// A list of `null` (what pyarrow infers for lists that are all empty or hold only None) has no
/// child struct: its empty lists are empty, and an entry in it is a null entry.
struct List<'a> {
    offsets: Vec<usize>,
    nulls: Option<NullBuffer>,
    entries: Option<&'a StructArray>,
}

impl<'a> List<'a> {
    fn read(path: &str, array: &'a ArrayRef) -> Result<Self, BatchError> {
        let (offsets, values): (Vec<usize>, &ArrayRef) = if let Some(l) = array.as_list_opt::<i32>() {
            (l.offsets().iter().map(|o| usize::try_from(*o).unwrap_or(0)).collect(), l.values())
        } else if let Some(l) = array.as_list_opt::<i64>() {
            (l.offsets().iter().map(|o| usize::try_from(*o).unwrap_or(0)).collect(), l.values())
        } else {
            return Err(layout(path, array, "a list of structs"));
        };
        let entries = match values.data_type() {
            DataType::Null => None,
            _ => Some(values.as_struct_opt().ok_or_else(|| layout(path, values, "a list of structs"))?),
        };
        Ok(List { offsets, nulls: array.logical_nulls(), entries })
    }

    fn range(&self, row: usize) -> Option<std::ops::Range<usize>> {
        self.nulls.as_ref().is_none_or(|n| n.is_valid(row)).then(|| self.offsets[row]..self.offsets[row + 1])
    }

    /// Whether entry `i` is null (every entry of a list of `null` is).
    fn is_null(&self, i: usize) -> bool {
        self.entries.is_none_or(|e| e.is_null(i))
    }
}

/// A row refused: the path of the field and what is wrong, as the JSON reader says it.
fn refused(path: String, reason: &str) -> RecordError {
    RecordError::Malformed { path, reason: reason.to_owned() }
}

fn required<T>(value: Option<T>, path: impl FnOnce() -> String) -> Result<T, RecordError> {
    value.ok_or_else(|| refused(path(), "is missing"))
}

/// A text as one of core's enums (sex, a biopsy finding, a condition), by the enum's own
/// reader: the same texts as in JSON.
fn parse<'de, T: Deserialize<'de>>(text: &'de str, path: impl FnOnce() -> String) -> Result<T, RecordError> {
    T::deserialize(StrDeserializer::<ValueError>::new(text)).map_err(|e| refused(path(), &e.to_string()))
}

// ------------------------------------------------------------------------
// the entries of a list
// ------------------------------------------------------------------------

/// A list column read once: its rows' ranges and the columns of its entries (none when the
/// table has no such column: every row's list is then absent).
struct Series<'a, E> {
    /// The list, and the columns of its entries (none for a list of `null`).
    read: Option<(List<'a>, Option<E>)>,
    path: String,
}

impl<E> Series<'_, E> {
    /// The entries of `row` built by `build(columns, entry, path of a field)`; none where the
    /// list is absent or null; the first refused entry refuses the row.
    fn get<T>(
        &self,
        row: usize,
        build: impl Fn(&E, usize, &dyn Fn(&str) -> String) -> Result<T, RecordError>,
    ) -> Result<Option<Vec<T>>, RecordError> {
        let Some((list, entries)) = &self.read else { return Ok(None) };
        let Some(range) = list.range(row) else { return Ok(None) };
        let mut out = Vec::with_capacity(range.len());
        for (k, entry) in range.enumerate() {
            // A null entry is no entry: refused, as JSON refuses `null` in a list (its fields
            // hold whatever the producer left there).
            let Some(entries) = entries.as_ref().filter(|_| !list.is_null(entry)) else {
                return Err(refused(format!("{}[{k}]", self.path), "is null"));
            };
            let at = |name: &str| format!("{}[{k}].{name}", self.path);
            out.push(build(entries, entry, &at)?);
        }
        Ok(Some(out))
    }
}

struct LabColumns<'a> {
    date: Dates,
    value: Numbers,
    unit: Strings<'a>,
}

struct ViralColumns {
    date: Dates,
    value: Numbers,
    uln: Numbers,
}

struct SerologyColumns {
    date: Dates,
    positive: Flags,
}

enum SeriesColumns<'a> {
    Lab(Series<'a, LabColumns<'a>>),
    Viral(Series<'a, ViralColumns>),
    Serology(Series<'a, SerologyColumns>),
}

/// A list or struct column of nulls only (what pandas and pyarrow infer for a column of None)
/// holds nothing for any row: read as if the table had no such column.
fn nulls_only_absent(array: &ArrayRef) -> Option<&ArrayRef> {
    (array.data_type() != &DataType::Null).then_some(array)
}

fn series<'a, E>(
    path: String,
    array: Option<&'a ArrayRef>,
    known: &[&str],
    columns: impl FnOnce(&Children<'a>) -> Result<E, BatchError>,
) -> Result<Series<'a, E>, BatchError> {
    let Some(array) = array.and_then(nulls_only_absent) else { return Ok(Series { read: None, path }) };
    let list = List::read(&path, array)?;
    let entries = match list.entries {
        Some(e) => Some(columns(&Children::new(&path, e.fields(), e.columns(), known)?)?),
        None => None,
    };
    Ok(Series { read: Some((list, entries)), path })
}

fn lab_entry(c: &LabColumns<'_>, i: usize, at: &dyn Fn(&str) -> String) -> Result<LabEntry, RecordError> {
    Ok(LabEntry {
        date: c.date.need(i, || at("date"))?,
        value: required(c.value.get(i), || at("value"))?,
        unit: UnitText::from(required(c.unit.get(i), || at("unit"))?),
    })
}

fn viral_load(c: &ViralColumns, i: usize, at: &dyn Fn(&str) -> String) -> Result<ViralLoad, RecordError> {
    Ok(ViralLoad {
        date: c.date.need(i, || at("date"))?,
        value: required(c.value.get(i), || at("value"))?,
        upper_limit_of_normal: required(c.uln.get(i), || at("upper_limit_of_normal"))?,
    })
}

fn serology(c: &SerologyColumns, i: usize, at: &dyn Fn(&str) -> String) -> Result<SerologyResult, RecordError> {
    Ok(SerologyResult {
        date: c.date.need(i, || at("date"))?,
        positive: required(c.positive.get(i), || at("positive"))?,
    })
}

// ------------------------------------------------------------------------
// a batch
// ------------------------------------------------------------------------

/// The columns of one batch of records, each read once; [`Batch::record`] builds a row.
pub struct Batch<'a> {
    rows: usize,
    id: Strings<'a>,
    sex: Texts,
    date_of_birth: Dates,
    screening_date: Dates,
    flags: Vec<Flags>,
    biopsy: Option<(Option<NullBuffer>, Dates, Texts)>,
    labs: Vec<SeriesColumns<'a>>,
    blood_pressures: Series<'a, (Dates, Numbers, Numbers, Strings<'a>)>,
    medications: Series<'a, (Texts, Texts, Flags, Dates, Dates)>,
    conditions: Series<'a, (Texts, Dates, Dates, Numbers, Flags, Flags, Flags)>,
    other_trials: Series<'a, (Flags, Dates, Dates)>,
}

/// The record's yes/no answers at the top level, in the order of `Batch::flags`.
const FLAGS: [&str; 8] = [
    "type2_diabetes",
    "non_diabetic_kidney_disease",
    "lactating",
    "pregnant",
    "pregnancy_or_egg_donation_plan",
    "childbearing_plan_without_contraception",
    "informed_consent",
    "investigator_deems_unsuitable",
];

fn top_level_names() -> Vec<String> {
    record_schema().fields().iter().map(|f| f.name().clone()).collect()
}

impl<'a> Batch<'a> {
    /// Reads the columns of `batch`.
    ///
    /// # Errors
    /// [`BatchError`] for a table that is not one of records: a column missing or unknown, of
    /// the wrong type or layout.
    pub fn read(batch: &'a RecordBatch, zone: Option<&Zone>) -> Result<Self, BatchError> {
        let dates = |path: &str, array: &ArrayRef| Dates::read(path, array, zone);
        let names = top_level_names();
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        let schema = batch.schema_ref();
        let top = Children::new("", schema.fields(), batch.columns(), &known)?;
        let rows = batch.num_rows();
        let flags = FLAGS
            .iter()
            .map(|name| match top.get(name) {
                Some(a) => Flags::read(name, a),
                None => Ok(Flags::absent(rows)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let biopsy = match top.get("kidney_biopsy").and_then(nulls_only_absent) {
            None => None,
            Some(a) => {
                let s = a.as_struct_opt().ok_or_else(|| layout("kidney_biopsy", a, "a struct"))?;
                let c = Children::new("kidney_biopsy", s.fields(), s.columns(), &["date", "finding"])?;
                Some((
                    a.logical_nulls(),
                    dates(&c.at("date"), c.need("date")?)?,
                    Texts::read(&c.at("finding"), c.need("finding")?)?,
                ))
            }
        };
        let lab_names: Vec<&str> = LAB_SERIES.iter().map(|(n, _)| *n).collect();
        let labs_struct = match top.get("labs").and_then(nulls_only_absent) {
            None => None,
            Some(a) => Some(a.as_struct_opt().ok_or_else(|| layout("labs", a, "a struct"))?),
        };
        let lab_children = match labs_struct {
            None => None,
            Some(s) => Some(Children::new("labs", s.fields(), s.columns(), &lab_names)?),
        };
        let mut labs = Vec::with_capacity(LAB_SERIES.len());
        for (name, entry) in LAB_SERIES {
            let path = format!("labs.{name}");
            let array = lab_children.as_ref().and_then(|c| c.get(name));
            labs.push(match entry {
                Entry::Lab => SeriesColumns::Lab(series(path, array, &["date", "value", "unit"], |c| {
                    Ok(LabColumns {
                        date: dates(&c.at("date"), c.need("date")?)?,
                        value: Numbers::read(&c.at("value"), c.need("value")?)?,
                        unit: Strings::read(&c.at("unit"), c.need("unit")?)?,
                    })
                })?),
                Entry::Viral => {
                    SeriesColumns::Viral(series(path, array, &["date", "value", "upper_limit_of_normal"], |c| {
                        Ok(ViralColumns {
                            date: dates(&c.at("date"), c.need("date")?)?,
                            value: Numbers::read(&c.at("value"), c.need("value")?)?,
                            uln: Numbers::read(&c.at("upper_limit_of_normal"), c.need("upper_limit_of_normal")?)?,
                        })
                    })?)
                }
                Entry::Serology => SeriesColumns::Serology(series(path, array, &["date", "positive"], |c| {
                    Ok(SerologyColumns {
                        date: dates(&c.at("date"), c.need("date")?)?,
                        positive: Flags::read(&c.at("positive"), c.need("positive")?)?,
                    })
                })?),
            });
        }
        let optional_texts = |c: &Children<'_>, name: &str, len: usize| -> Result<Texts, BatchError> {
            match c.get(name) {
                Some(a) => Texts::read(&c.at(name), a),
                None => Ok(Texts { codes: vec![-1; len], texts: Vec::new() }),
            }
        };
        let optional_dates = |c: &Children<'_>, name: &str, len: usize| -> Result<Dates, BatchError> {
            match c.get(name) {
                Some(a) => dates(&c.at(name), a),
                None => Ok(Dates::absent(len)),
            }
        };
        let optional_flags = |c: &Children<'_>, name: &str, len: usize| -> Result<Flags, BatchError> {
            match c.get(name) {
                Some(a) => Flags::read(&c.at(name), a),
                None => Ok(Flags::absent(len)),
            }
        };
        let blood_pressures = series(
            "blood_pressures".to_owned(),
            top.get("blood_pressures"),
            &["date", "systolic", "diastolic", "unit"],
            |c| {
                Ok((
                    dates(&c.at("date"), c.need("date")?)?,
                    Numbers::read(&c.at("systolic"), c.need("systolic")?)?,
                    Numbers::read(&c.at("diastolic"), c.need("diastolic")?)?,
                    Strings::read(&c.at("unit"), c.need("unit")?)?,
                ))
            },
        )?;
        let medications = series(
            "medications".to_owned(),
            top.get("medications"),
            &["name", "atc", "systemic", "start", "end"],
            |c| {
                let len = c.need("name")?.len();
                Ok((
                    Texts::read(&c.at("name"), c.need("name")?)?,
                    optional_texts(c, "atc", len)?,
                    optional_flags(c, "systemic", len)?,
                    dates(&c.at("start"), c.need("start")?)?,
                    optional_dates(c, "end", len)?,
                ))
            },
        )?;
        let conditions = series(
            "conditions".to_owned(),
            top.get("conditions"),
            &["condition", "onset", "resolved", "nyha_class", "residual_deficit", "uncontrolled", "iv_antibiotics"],
            |c| {
                let len = c.need("condition")?.len();
                let nyha = match c.get("nyha_class") {
                    Some(a) => Numbers::read(&c.at("nyha_class"), a)?,
                    None => Numbers { values: vec![0.0; len], nulls: Some(NullBuffer::new_null(len)) },
                };
                Ok((
                    Texts::read(&c.at("condition"), c.need("condition")?)?,
                    optional_dates(c, "onset", len)?,
                    optional_dates(c, "resolved", len)?,
                    nyha,
                    optional_flags(c, "residual_deficit", len)?,
                    optional_flags(c, "uncontrolled", len)?,
                    optional_flags(c, "iv_antibiotics", len)?,
                ))
            },
        )?;
        let other_trials =
            series("other_trials".to_owned(), top.get("other_trials"), &["interventional", "start", "end"], |c| {
                let len = c.need("start")?.len();
                Ok((
                    Flags::read(&c.at("interventional"), c.need("interventional")?)?,
                    dates(&c.at("start"), c.need("start")?)?,
                    optional_dates(c, "end", len)?,
                ))
            })?;
        Ok(Batch {
            rows,
            id: Strings::read("id", top.need("id")?)?,
            sex: Texts::read("sex", top.need("sex")?)?,
            date_of_birth: dates("date_of_birth", top.need("date_of_birth")?)?,
            screening_date: dates("screening_date", top.need("screening_date")?)?,
            flags,
            biopsy,
            labs,
            blood_pressures,
            medications,
            conditions,
            other_trials,
        })
    }

    /// The rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The id of row `row`, if it has one (a refused row keeps it in the output).
    pub fn id(&self, row: usize) -> Option<String> {
        self.id.get(row).map(str::to_owned)
    }

    /// The record of row `row`, or why it is refused (with the field's path).
    ///
    /// # Errors
    /// [`RecordError::Malformed`] naming the field that is null where a value is needed, or a
    /// text that names no sex, finding or condition.
    pub fn record(&self, row: usize) -> Result<ScreeningRecord, RecordError> {
        let field = |name: &'static str| move || name.to_owned();
        let sex: Sex = parse(required(self.sex.get(row), field("sex"))?, field("sex"))?;
        let kidney_biopsy = match &self.biopsy {
            Some((nulls, date, finding)) if nulls.as_ref().is_none_or(|n| n.is_valid(row)) => Some(KidneyBiopsy {
                date: date.need(row, || "kidney_biopsy.date".to_owned())?,
                finding: parse::<BiopsyFinding>(
                    required(finding.get(row), || "kidney_biopsy.finding".to_owned())?,
                    || "kidney_biopsy.finding".to_owned(),
                )?,
            }),
            _ => None,
        };
        let mut labs = Labs::default();
        for (series, (name, _)) in self.labs.iter().zip(LAB_SERIES) {
            match series {
                SeriesColumns::Lab(s) => {
                    let entries = s.get(row, lab_entry)?.unwrap_or_default();
                    match name {
                        "urine_protein_24h" => labs.urine_protein_24h = entries,
                        "uacr" => labs.uacr = entries,
                        "creatinine" => labs.creatinine = entries,
                        "cystatin_c" => labs.cystatin_c = entries,
                        "hba1c" => labs.hba1c = entries,
                        "triglycerides" => labs.triglycerides = entries,
                        "ldl_cholesterol" => labs.ldl_cholesterol = entries,
                        _ => labs.potassium = entries,
                    }
                }
                SeriesColumns::Viral(s) => {
                    let entries = s.get(row, viral_load)?.unwrap_or_default();
                    if name == "hbv_dna" {
                        labs.hbv_dna = entries;
                    } else {
                        labs.hcv_rna = entries;
                    }
                }
                SeriesColumns::Serology(s) => {
                    let entries = s.get(row, serology)?.unwrap_or_default();
                    if name == "hbsag" {
                        labs.hbsag = entries;
                    } else {
                        labs.anti_hcv = entries;
                    }
                }
            }
        }
        let blood_pressures = self
            .blood_pressures
            .get(row, |c, i, at| {
                let (date, systolic, diastolic, unit) = c;
                Ok(BloodPressure {
                    date: date.need(i, || at("date"))?,
                    systolic: required(systolic.get(i), || at("systolic"))?,
                    diastolic: required(diastolic.get(i), || at("diastolic"))?,
                    unit: UnitText::from(required(unit.get(i), || at("unit"))?),
                })
            })?
            .unwrap_or_default();
        let medications = self.medications.get(row, |c, i, at| {
            let (name, atc, systemic, start, end) = c;
            Ok(Medication {
                name: required(name.get(i), || at("name"))?.to_owned(),
                atc: atc.get(i).map(str::to_owned),
                // A null is "not said", as a field JSON leaves out: core's default.
                systemic: systemic.get(i).unwrap_or(Medication::SYSTEMIC_UNLESS_SAID),
                start: start.need(i, || at("start"))?,
                end: end.get(i, || at("end"))?,
            })
        })?;
        let conditions = self.conditions.get(row, |c, i, at| {
            let (condition, onset, resolved, nyha, deficit, uncontrolled, iv) = c;
            let nyha_class = match nyha.get(i) {
                None => None,
                Some(v) if v.fract() == 0.0 && (0.0..=255.0).contains(&v) => Some(v as u8),
                Some(_) => return Err(refused(at("nyha_class"), "is not a whole number from 0 to 255")),
            };
            Ok(Condition {
                condition: parse::<ConditionKind>(required(condition.get(i), || at("condition"))?, || at("condition"))?,
                onset: onset.get(i, || at("onset"))?,
                resolved: resolved.get(i, || at("resolved"))?,
                nyha_class,
                residual_deficit: deficit.get(i),
                uncontrolled: uncontrolled.get(i),
                iv_antibiotics: iv.get(i),
            })
        })?;
        let other_trials = self.other_trials.get(row, |c, i, at| {
            let (interventional, start, end) = c;
            Ok(TrialParticipation {
                interventional: required(interventional.get(i), || at("interventional"))?,
                start: start.need(i, || at("start"))?,
                end: end.get(i, || at("end"))?,
            })
        })?;
        let flag = |k: usize| self.flags.get(k).and_then(|f| f.get(row));
        Ok(ScreeningRecord {
            id: required(self.id.get(row), field("id"))?.to_owned(),
            sex,
            date_of_birth: self.date_of_birth.need(row, field("date_of_birth"))?,
            screening_date: self.screening_date.need(row, field("screening_date"))?,
            type2_diabetes: flag(0),
            kidney_biopsy,
            non_diabetic_kidney_disease: flag(1),
            labs,
            blood_pressures,
            medications,
            conditions,
            lactating: flag(2),
            pregnant: flag(3),
            pregnancy_or_egg_donation_plan: flag(4),
            childbearing_plan_without_contraception: flag(5),
            other_trials,
            informed_consent: flag(6),
            investigator_deems_unsuitable: flag(7),
        })
    }
}
