//! The analysis datasets as Parquet (issue 14): the same rows and columns as the CSV datasets
//! (`docs/endpoints.md`), typed. Text columns are UTF-8 strings; ADT, TRTSDT, TRTEDT, DTHDT and
//! LSTCNTDT are Parquet dates (days since 1970-01-01, read as `date32` by Arrow); ADY, AGE,
//! NINF, RENALDY and MACEDY are 64-bit integers; AVAL, BASE, CHG, PCHG, R2BASE and EGFRSLP are
//! doubles; flags are `Y` (and `N` where the CSV has it) or null, as CDISC writes them. An empty
//! CSV field is a null here. Snappy-compressed.
//!
//! Rows are buffered per column and written as a row group every [`ROW_GROUP_ROWS`] rows, so
//! memory stays flat however many participants stream through.

use std::fs::File;
use std::io::BufWriter;
use std::sync::Arc;

use amimestrocel_dkd::endpoints::{AdslRecord, ParticipantEndpoints, ADSL_COLUMNS, BDS_COLUMNS, STUDYID};
use chrono::{Datelike, NaiveDate};
use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// Rows per row group: large enough for good compression, small enough for flat memory.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// A column's physical and logical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `binary (STRING)`.
    Text,
    /// `int32 (DATE)`.
    Date,
    /// `int64`.
    Integer,
    /// `double`.
    Real,
}

/// A column: its name (from core's column list), type, and whether it may be null.
#[derive(Debug, Clone, Copy)]
struct Spec {
    kind: Kind,
    optional: bool,
}

const fn required(kind: Kind) -> Spec {
    Spec { kind, optional: false }
}

const fn optional(kind: Kind) -> Spec {
    Spec { kind, optional: true }
}

/// The BDS columns' types, in the order of [`BDS_COLUMNS`].
const BDS_TYPES: [Spec; 16] = [
    required(Kind::Text),    // STUDYID
    required(Kind::Text),    // USUBJID
    required(Kind::Text),    // PARAMCD
    required(Kind::Text),    // PARAM
    optional(Kind::Text),    // AVISIT
    required(Kind::Date),    // ADT
    required(Kind::Integer), // ADY
    required(Kind::Real),    // AVAL
    optional(Kind::Real),    // BASE
    optional(Kind::Real),    // CHG
    optional(Kind::Real),    // PCHG
    optional(Kind::Real),    // R2BASE
    optional(Kind::Text),    // ABLFL
    optional(Kind::Text),    // ANL01FL
    optional(Kind::Text),    // DTYPE
    required(Kind::Text),    // SRC
];

/// The ADSL columns' types, in the order of [`ADSL_COLUMNS`].
const ADSL_TYPES: [Spec; 20] = [
    required(Kind::Text),    // STUDYID
    required(Kind::Text),    // USUBJID
    required(Kind::Text),    // SEX
    required(Kind::Integer), // AGE
    optional(Kind::Text),    // SAFFL
    optional(Kind::Date),    // TRTSDT
    optional(Kind::Date),    // TRTEDT
    required(Kind::Integer), // NINF
    required(Kind::Text),    // EOSSTT
    optional(Kind::Text),    // DTHFL
    optional(Kind::Date),    // DTHDT
    required(Kind::Date),    // LSTCNTDT
    optional(Kind::Text),    // RENALFL
    optional(Kind::Integer), // RENALDY
    optional(Kind::Text),    // MACEFL
    optional(Kind::Integer), // MACEDY
    optional(Kind::Text),    // TEAEFL
    optional(Kind::Text),    // SAEFL
    optional(Kind::Text),    // MALIGFL
    optional(Kind::Real),    // EGFRSLP
];

/// One value of a row, null as `None`.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Text(Option<&'a str>),
    Date(Option<NaiveDate>),
    Integer(Option<i64>),
    Real(Option<f64>),
}

/// A column's values since the last row group, and its definition levels (1 present, 0 null).
#[derive(Debug, Default)]
struct Buffer {
    texts: Vec<ByteArray>,
    dates: Vec<i32>,
    integers: Vec<i64>,
    reals: Vec<f64>,
    levels: Vec<i16>,
}

fn error(message: String) -> ParquetError {
    ParquetError::General(message)
}

/// A Parquet dataset being written.
pub struct Dataset {
    names: &'static [&'static str],
    specs: &'static [Spec],
    buffers: Vec<Buffer>,
    rows: usize,
    writer: SerializedFileWriter<BufWriter<File>>,
}

impl Dataset {
    /// The BDS dataset, written to `file`.
    pub fn bds(file: BufWriter<File>) -> Result<Dataset, ParquetError> {
        Dataset::create(file, "endpoints_bds", &BDS_COLUMNS, &BDS_TYPES)
    }

    /// The ADSL dataset, written to `file`.
    pub fn adsl(file: BufWriter<File>) -> Result<Dataset, ParquetError> {
        Dataset::create(file, "endpoints_adsl", &ADSL_COLUMNS, &ADSL_TYPES)
    }

    fn create(
        file: BufWriter<File>,
        message: &str,
        names: &'static [&'static str],
        specs: &'static [Spec],
    ) -> Result<Dataset, ParquetError> {
        if names.len() != specs.len() {
            return Err(error(format!("{message}: {} column names but {} types", names.len(), specs.len())));
        }
        let fields: Vec<String> = names
            .iter()
            .zip(specs)
            .map(|(name, spec)| {
                let repetition = if spec.optional { "optional" } else { "required" };
                let physical = match spec.kind {
                    Kind::Text => "binary",
                    Kind::Date => "int32",
                    Kind::Integer => "int64",
                    Kind::Real => "double",
                };
                let logical = match spec.kind {
                    Kind::Text => " (STRING)",
                    Kind::Date => " (DATE)",
                    Kind::Integer | Kind::Real => "",
                };
                format!("{repetition} {physical} {name}{logical};")
            })
            .collect();
        let schema = parse_message_type(&format!("message {message} {{ {} }}", fields.join(" ")))?;
        let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))?;
        let buffers = specs.iter().map(|_| Buffer::default()).collect();
        Ok(Dataset { names, specs, buffers, rows: 0, writer })
    }

    /// Adds one row; writes a row group when enough rows are buffered.
    fn push(&mut self, row: &[Value<'_>]) -> Result<(), ParquetError> {
        if row.len() != self.specs.len() {
            return Err(error(format!("a row of {} values for {} columns", row.len(), self.specs.len())));
        }
        for ((value, spec), name) in row.iter().zip(self.specs).zip(self.names) {
            let present = match (value, spec.kind) {
                (Value::Text(v), Kind::Text) => v.is_some(),
                (Value::Date(v), Kind::Date) => v.is_some(),
                (Value::Integer(v), Kind::Integer) => v.is_some(),
                (Value::Real(v), Kind::Real) => v.is_some(),
                _ => return Err(error(format!("{name}: a value of the wrong type"))),
            };
            if !present && !spec.optional {
                return Err(error(format!("{name}: null in a required column")));
            }
        }
        for (value, buffer) in row.iter().zip(&mut self.buffers) {
            let mut present = true;
            match *value {
                Value::Text(Some(s)) => buffer.texts.push(ByteArray::from(s)),
                Value::Date(Some(d)) => buffer.dates.push(days_since_epoch(d)?),
                Value::Integer(Some(i)) => buffer.integers.push(i),
                Value::Real(Some(x)) => buffer.reals.push(x),
                Value::Text(None) | Value::Date(None) | Value::Integer(None) | Value::Real(None) => present = false,
            }
            buffer.levels.push(i16::from(present));
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        for (buffer, spec) in self.buffers.iter_mut().zip(self.specs) {
            let mut column = group.next_column()?.ok_or_else(|| error("fewer columns than the schema".to_owned()))?;
            let levels = spec.optional.then_some(buffer.levels.as_slice());
            let written = match column.untyped() {
                ColumnWriter::ByteArrayColumnWriter(w) => w.write_batch(&buffer.texts, levels, None)?,
                ColumnWriter::Int32ColumnWriter(w) => w.write_batch(&buffer.dates, levels, None)?,
                ColumnWriter::Int64ColumnWriter(w) => w.write_batch(&buffer.integers, levels, None)?,
                ColumnWriter::DoubleColumnWriter(w) => w.write_batch(&buffer.reals, levels, None)?,
                _ => return Err(error("a column of a type this writer does not write".to_owned())),
            };
            let expected = buffer.texts.len() + buffer.dates.len() + buffer.integers.len() + buffer.reals.len();
            if written != expected {
                return Err(error(format!("{written} of {expected} values written")));
            }
            column.close()?;
            *buffer = Buffer::default();
        }
        group.close()?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the remaining rows and the file's footer.
    pub fn close(mut self) -> Result<(), ParquetError> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }

    /// Adds one participant's BDS rows.
    pub fn push_bds(&mut self, p: &ParticipantEndpoints) -> Result<(), ParquetError> {
        let flag = |b: bool| b.then_some("Y");
        for r in &p.rows {
            self.push(&[
                Value::Text(Some(STUDYID)),
                Value::Text(Some(&r.usubjid)),
                Value::Text(Some(&r.paramcd)),
                Value::Text(Some(&r.param)),
                Value::Text(r.avisit.as_deref()),
                Value::Date(Some(r.adt)),
                Value::Integer(Some(r.ady)),
                Value::Real(Some(r.aval)),
                Value::Real(r.base),
                Value::Real(r.chg),
                Value::Real(r.pchg),
                Value::Real(r.r2base),
                Value::Text(flag(r.ablfl)),
                Value::Text(flag(r.anl01fl)),
                Value::Text(r.dtype.as_deref()),
                Value::Text(Some(&r.src)),
            ])?;
        }
        Ok(())
    }

    /// Adds one participant's ADSL row.
    pub fn push_adsl(&mut self, p: &ParticipantEndpoints) -> Result<(), ParquetError> {
        let r = AdslRecord::of(p);
        let flag = |b: bool| b.then_some("Y");
        let yes_no = |b: Option<bool>| b.map(|b| if b { "Y" } else { "N" });
        self.push(&[
            Value::Text(Some(STUDYID)),
            Value::Text(Some(r.usubjid)),
            Value::Text(Some(r.sex)),
            Value::Integer(Some(i64::from(r.age))),
            Value::Text(flag(r.saffl)),
            Value::Date(r.trtsdt),
            Value::Date(r.trtedt),
            Value::Integer(Some(i64::from(r.ninf))),
            Value::Text(Some(r.eosstt)),
            Value::Text(flag(r.dthfl)),
            Value::Date(r.dthdt),
            Value::Date(Some(r.lstcntdt)),
            Value::Text(yes_no(r.renalfl)),
            Value::Integer(r.renaldy),
            Value::Text(yes_no(r.macefl)),
            Value::Integer(r.macedy),
            Value::Text(yes_no(r.teaefl)),
            Value::Text(yes_no(r.saefl)),
            Value::Text(yes_no(r.maligfl)),
            Value::Real(r.egfrslp),
        ])
    }
}

/// Parquet's DATE: days since 1970-01-01.
fn days_since_epoch(date: NaiveDate) -> Result<i32, ParquetError> {
    // 1970-01-01 is day 719 163 of the common era (day 1: 0001-01-01).
    let days = i64::from(date.num_days_from_ce()) - 719_163;
    i32::try_from(days).map_err(|_| error(format!("{date} is beyond Parquet's dates")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    #[test]
    fn each_dataset_has_a_type_for_every_column_of_core() {
        assert_eq!(BDS_TYPES.len(), BDS_COLUMNS.len());
        assert_eq!(ADSL_TYPES.len(), ADSL_COLUMNS.len());
    }

    #[test]
    fn parquet_dates_count_days_from_1970() {
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()).unwrap(), 1);
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap()).unwrap(), 20150);
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()).unwrap(), -1);
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("dkd-parquet-{name}-{}.parquet", std::process::id()))
    }

    #[test]
    fn a_null_in_a_required_column_or_a_value_of_the_wrong_type_is_refused() {
        let path = scratch("refused");
        let mut d = Dataset::adsl(BufWriter::new(File::create(&path).unwrap())).unwrap();
        let mut row = vec![Value::Text(Some("x")); 20];
        let err = d.push(&row).unwrap_err();
        assert!(err.to_string().contains("AGE: a value of the wrong type"), "{err}");
        row[3] = Value::Integer(None);
        let err = d.push(&row).unwrap_err();
        assert!(err.to_string().contains("AGE: null in a required column"), "{err}");
        let err = d.push(&row[..3]).unwrap_err();
        assert!(err.to_string().contains("a row of 3 values for 20 columns"), "{err}");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rows_past_a_row_group_are_all_written_and_read_back_in_order() {
        let path = scratch("groups");
        let mut d = Dataset::bds(BufWriter::new(File::create(&path).unwrap())).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let n = ROW_GROUP_ROWS + 3;
        for i in 0..n {
            let id = format!("P{i}");
            let base = (i % 2 == 0).then_some(1.5);
            d.push(&[
                Value::Text(Some(STUDYID)),
                Value::Text(Some(&id)),
                Value::Text(Some("EGFR")),
                Value::Text(Some("eGFR")),
                Value::Text(None),
                Value::Date(Some(day)),
                Value::Integer(Some(i as i64)),
                Value::Real(Some(2.0)),
                Value::Real(base),
                Value::Real(None),
                Value::Real(None),
                Value::Real(None),
                Value::Text(Some("Y")),
                Value::Text(None),
                Value::Text(None),
                Value::Text(Some("labs[0]")),
            ])
            .unwrap();
        }
        d.close().unwrap();
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        let rows: Vec<_> = reader.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), n);
        let last = rows.last().unwrap();
        let fields: Vec<(&String, &Field)> = last.get_column_iter().collect();
        assert_eq!(fields[1], (&"USUBJID".to_owned(), &Field::Str(format!("P{}", n - 1))));
        assert_eq!(fields[6].1, &Field::Long((n - 1) as i64));
        assert_eq!(fields[8].1, if (n - 1) % 2 == 0 { &Field::Double(1.5) } else { &Field::Null });
        let _ = std::fs::remove_file(&path);
    }
}
