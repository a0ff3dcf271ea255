//! Reading Arrow columns into the layout the eGFR batch reads: numbers as float64, sex as
//! ISO/IEC 5218 codes (text read by core's `Sex::parse` once per distinct text or dictionary
//! value), flags as 0/1/255. Plain Rust over arrow-rs arrays, without Python, so that the fuzz
//! target `arrow_columns` runs it on arbitrary arrays (`fuzz/fuzz_targets/arrow_columns.rs`
//! includes this file); `arrow.rs` maps its errors to Python's.

use amimestrocel_dkd::demographics::Sex;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, DictionaryArray, OffsetSizeTrait, RecordBatch};
use arrow_buffer::ArrowNativeType;
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, DataType};

/// `batch`, checked as the Arrow format requires before any value of it is read: buffer sizes,
/// offsets, null counts and the UTF-8 of every text, at every depth. The C Data Interface hands
/// data over unchecked, and a producer may send what it never checked itself (pyarrow's
/// `cast(..., safe=False)` makes utf8 of any bytes, GBK for one): reading such a text would be
/// undefined behaviour, so it is refused, naming the column. A dictionary's keys are left to
/// the readers: a key outside its dictionary is its row's error (named, or the eGFR batch's
/// row error), never read as another value. `texts: false` leaves the
/// texts to [`check_texts`], for a reader that checks each piece where it reads it.
pub fn checked(batch: RecordBatch, texts: bool) -> Result<RecordBatch, ArrowError> {
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        check(&column.to_data(), texts)
            .map_err(|e| ArrowError::InvalidArgumentError(format!("column {}: {e}", field.name())))?;
    }
    Ok(batch)
}

/// The texts of a piece of a column (its chunks, sliced), checked as [`checked`] checks them.
pub fn check_texts(name: &str, chunks: &[ArrayRef]) -> Result<(), ColumnError> {
    for chunk in chunks {
        check(&chunk.to_data(), true)
            .map_err(|e| ColumnError::NotValid { column: name.to_owned(), reason: e.to_string() })?;
    }
    Ok(())
}

/// [`checked`] for one array and its children.
pub fn check(data: &ArrayData, texts: bool) -> Result<(), ArrowError> {
    data.validate()?;
    data.validate_nulls()?;
    match data.data_type() {
        DataType::Dictionary(..) => {}
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View if !texts => {}
        DataType::Utf8 => utf8::<i32>(data)?,
        DataType::LargeUtf8 => utf8::<i64>(data)?,
        DataType::Utf8View => utf8_views(data)?,
        _ => data.validate_values()?,
    }
    // A dictionary's texts are few: always checked.
    let texts = texts || matches!(data.data_type(), DataType::Dictionary(..));
    data.child_data().iter().try_for_each(|c| check(c, texts))
}

fn not_texts(what: String) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("the texts are not valid: {what}"))
}

/// Buffer `i` of `data` as `T`s from the array's offset on: refused, not a panic, when its
/// length is not a whole number of `T`s or it is not aligned for them (arrow's `validate`
/// accepts a buffer longer than needed, and `typed_data` asserts both).
fn typed<T: ArrowNativeType>(data: &ArrayData, i: usize) -> Result<&[T], ArrowError> {
    let buffer = data.buffers().get(i).ok_or_else(|| not_texts(format!("no buffer {i}")))?;
    let size = std::mem::size_of::<T>();
    if buffer.len() % size != 0 || buffer.as_ptr().align_offset(std::mem::align_of::<T>()) != 0 {
        return Err(not_texts(format!("buffer {i} is not whole or aligned {size}-byte values")));
    }
    buffer.typed_data::<T>().get(data.offset()..).ok_or_else(|| not_texts(format!("buffer {i} is too short")))
}

/// The texts of a utf8 column checked in one pass over its bytes: the offsets ascend within
/// the bytes, the bytes they span are UTF-8 as a whole, and each offset falls on the start of a
/// character, so every text between two offsets is UTF-8. It is the guarantee of arrow's own
/// check of each value (`ArrayData::validate_values`, which the fuzz target `arrow_checks`
/// compares it with), made once per column rather than once per text, which cost a column of
/// ten million one-letter sexes 17 ms more (`docs/performance.md`).
fn utf8<O: OffsetSizeTrait>(data: &ArrayData) -> Result<(), ArrowError> {
    // `validate` has checked the offsets buffer holds `len + 1` of them past `offset`.
    let offsets = typed::<O>(data, 0)?.get(..=data.len()).ok_or_else(|| not_texts("too few offsets".into()))?;
    let bytes = data.buffers().get(1).map_or(&[][..], |b| b.as_slice());
    let (Some(first), Some(last)) = (offsets.first(), offsets.last()) else { return Ok(()) };
    let (Some(start), Some(end)) = (first.to_usize(), last.to_usize()) else {
        return Err(not_texts("a negative offset".into()));
    };
    if offsets.windows(2).any(|w| w[0] > w[1]) || end > bytes.len() {
        return Err(not_texts("offsets that do not ascend within the bytes".into()));
    }
    let spanned = bytes.get(start..end).ok_or_else(|| not_texts("offsets beyond the bytes".into()))?;
    std::str::from_utf8(spanned).map_err(|e| not_texts(format!("invalid utf-8 ({e})")))?;
    // Every offset before `end` starts a text that is not empty (the offsets ascend), so it
    // must fall on a character's first byte: a continuation byte (0b10xx_xxxx) never is. The
    // span being UTF-8 already makes `start` one, and `end` the end of one.
    let starts_a_character = |o: &&O| bytes.get(o.as_usize()).is_none_or(|b| b & 0xC0 != 0x80);
    if !offsets.iter().filter(|o| o.as_usize() < end).all(|o| starts_a_character(&o)) {
        return Err(not_texts("invalid utf-8 (an offset inside a character)".into()));
    }
    Ok(())
}

/// The texts of a utf8_view column (polars'), checked as arrow checks them
/// (`arrow_data::validate_string_view`: an inline text's padding is zero, a long one lies in its
/// buffer and starts with its prefix, each is UTF-8), except that an inline text whose twelve
/// bytes are all below 0x80 is known to be UTF-8 (ASCII) without a call per text.
fn utf8_views(data: &ArrayData) -> Result<(), ArrowError> {
    /// The top bit of each of the twelve inline bytes (bits 32 to 127 of a view).
    const NOT_ASCII: u128 = 0x8080_8080_8080_8080_8080_8080 << 32;
    let views = typed::<u128>(data, 0)?.get(..data.len()).ok_or_else(|| not_texts("too few views".into()))?;
    let buffers = data.buffers().get(1..).unwrap_or_default();
    for (i, &view) in views.iter().enumerate() {
        let len = view as u32;
        let text: &[u8] = if len <= 12 {
            if len < 12 && view >> (32 + len * 8) != 0 {
                return Err(not_texts(format!("view {i} has non-zero padding")));
            }
            if view & NOT_ASCII == 0 {
                continue;
            }
            &view.to_le_bytes()[4..4 + len as usize]
        } else {
            let (prefix, index, offset) = ((view >> 32) as u32, (view >> 64) as u32, (view >> 96) as u32);
            let buffer = buffers.get(index as usize).ok_or_else(|| not_texts(format!("view {i} names no buffer")))?;
            let (start, end) = (offset as usize, offset as usize + len as usize);
            let text = buffer.get(start..end).ok_or_else(|| not_texts(format!("view {i} lies beyond its buffer")))?;
            if !text.starts_with(&prefix.to_le_bytes()) {
                return Err(not_texts(format!("view {i} does not start with its prefix")));
            }
            // The bytes are owned by the buffer; `text` borrows them for the check below.
            std::str::from_utf8(text).map_err(|e| not_texts(format!("invalid utf-8 at {i} ({e})")))?;
            continue;
        };
        std::str::from_utf8(text).map_err(|e| not_texts(format!("invalid utf-8 at {i} ({e})")))?;
    }
    Ok(())
}

/// Why a column cannot be read: a type the column's rule does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    /// A number column of another type (text is never read as a number).
    #[error("column {column} is {data_type}, not numbers: convert it first; text is never read as a number")]
    NotNumbers { column: String, data_type: String },
    /// A sex column of booleans.
    #[error(
        "column {column} holds booleans, which is ambiguous for sex (which is True?): pass text, ISO/IEC 5218 \
         codes (1 male, 2 female) or declared labels"
    )]
    BooleanSex { column: String },
    /// A sex column of another type.
    #[error("column {column} is {data_type}, not sex text or codes")]
    NotSex { column: String, data_type: String },
    /// A flag that is neither 0 nor 1.
    #[error("{column}[{row}] is not a flag: pass booleans (or 0/1), null for not known")]
    NotAFlag { column: String, row: usize },
    /// Columns of one table that differ in length.
    #[error("the table's columns differ in length")]
    Length,
    /// An identifier column of another type than integers.
    #[error("column {column} is {data_type}, not integers (identifiers and concept ids are integers)")]
    NotIntegers { column: String, data_type: String },
    /// A text column of another type.
    #[error("column {column} is {data_type}, not text")]
    NotText { column: String, data_type: String },
    /// A null where a value is needed.
    #[error("{column}[{row}]: is missing")]
    Missing { column: String, row: usize },
    /// A text that is not one of those the column may hold (a participant not among the subjects).
    #[error("{column}[{row}]: is not one of the {of}")]
    NotKnown { column: String, row: usize, of: &'static str },
    /// A dictionary key outside its dictionary (a producer's defect).
    #[error("{column}[{row}]: is a dictionary key outside its dictionary")]
    BadKey { column: String, row: usize },
    /// A date column of another type, or with a time zone.
    #[error(
        "column {column} is {data_type}, not dates (date32, date64, a timestamp without time zone, or YYYY-MM-DD text)"
    )]
    NotDates { column: String, data_type: String },
    /// Instants (timestamps with a time zone) read without a zone to take their day in.
    #[error(
        "column {column} is {data_type}: instants, whose day depends on a time zone; give tz= (an IANA zone such as \"Asia/Shanghai\") to read each as its day there"
    )]
    NeedsZone { column: String, data_type: String },
    /// A date that cannot be read.
    #[error("{column}[{row}]: is not a date")]
    NotADate { column: String, row: usize },
    /// Arrow data that breaks the format (texts that are not UTF-8, offsets out of order).
    #[error("column {column}: {reason}")]
    NotValid { column: String, reason: String },
    /// The one int64 value the reader keeps for null (−2^63): no identifier is it, and it is
    /// refused rather than read as missing.
    #[error("{column}[{row}]: is -9223372036854775808, which is not an identifier")]
    ReservedInt { column: String, row: usize },
}

impl ColumnError {
    /// The same error with its row counted `by` rows further: a reader given a piece of a
    /// column (rows `by..`) names the row of the whole column.
    pub fn offset_rows(self, by: usize) -> Self {
        match self {
            ColumnError::NotAFlag { column, row } => ColumnError::NotAFlag { column, row: row + by },
            ColumnError::Missing { column, row } => ColumnError::Missing { column, row: row + by },
            ColumnError::NotKnown { column, row, of } => ColumnError::NotKnown { column, row: row + by, of },
            ColumnError::BadKey { column, row } => ColumnError::BadKey { column, row: row + by },
            ColumnError::NotADate { column, row } => ColumnError::NotADate { column, row: row + by },
            ColumnError::ReservedInt { column, row } => ColumnError::ReservedInt { column, row: row + by },
            other => other,
        }
    }
}

/// The keys of a dictionary chunk as positions (none where null), whatever the key type; a
/// negative key becomes a position no dictionary has.
fn dictionary_keys(chunk: &ArrayRef) -> Vec<Option<usize>> {
    macro_rules! keys {
        ($t:ty) => {
            chunk.as_dictionary::<$t>().keys().iter().map(|k| k.map(|k| k.as_usize())).collect()
        };
    }
    match chunk.data_type() {
        DataType::Dictionary(key, _) => match key.as_ref() {
            DataType::Int8 => keys!(Int8Type),
            DataType::Int16 => keys!(Int16Type),
            DataType::Int32 => keys!(Int32Type),
            DataType::Int64 => keys!(Int64Type),
            DataType::UInt8 => keys!(UInt8Type),
            DataType::UInt16 => keys!(UInt16Type),
            DataType::UInt32 => keys!(UInt32Type),
            DataType::UInt64 => keys!(UInt64Type),
            _ => vec![None; chunk.len()],
        },
        _ => vec![None; chunk.len()],
    }
}

/// The codes of a text column (utf8, large_utf8, utf8_view, or a dictionary of any of them):
/// each row's position in the distinct texts, which come back in order of first appearance, or,
/// with `known`, in those. A null, or with `known` a text not among them, is an error naming
/// the row.
pub fn text_codes(
    name: &str,
    chunks: &[ArrayRef],
    known: Option<&[String]>,
) -> Result<(Vec<i64>, Vec<String>), ColumnError> {
    codes_of_texts(name, chunks, known, None)
}

/// [`text_codes`] of a column whose nulls are rows without a value (a unit column): a null is
/// the code -1, not an error.
pub fn text_codes_or_null(name: &str, chunks: &[ArrayRef]) -> Result<(Vec<i64>, Vec<String>), ColumnError> {
    codes_of_texts(name, chunks, None, Some(-1))
}

fn codes_of_texts(
    name: &str,
    chunks: &[ArrayRef],
    known: Option<&[String]>,
    null: Option<i64>,
) -> Result<(Vec<i64>, Vec<String>), ColumnError> {
    let mut texts: Vec<String> = known.map(<[String]>::to_vec).unwrap_or_default();
    let mut index: std::collections::HashMap<String, i64> =
        texts.iter().enumerate().map(|(i, t)| (t.clone(), i as i64)).collect();
    let mut codes = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    let mut row = 0;
    let mut code_of = |text: Option<&str>, row: usize| -> Result<i64, ColumnError> {
        let Some(text) = text else {
            return null.ok_or_else(|| ColumnError::Missing { column: name.to_owned(), row });
        };
        if let Some(code) = index.get(text) {
            return Ok(*code);
        }
        if known.is_some() {
            return Err(ColumnError::NotKnown { column: name.to_owned(), row, of: "subjects" });
        }
        let code = texts.len() as i64;
        texts.push(text.to_owned());
        index.insert(text.to_owned(), code);
        Ok(code)
    };
    for chunk in chunks {
        macro_rules! each {
            ($iter:expr) => {
                for text in $iter {
                    codes.push(code_of(text, row)?);
                    row += 1;
                }
            };
        }
        match chunk.data_type() {
            DataType::Utf8 => each!(chunk.as_string::<i32>().iter()),
            DataType::LargeUtf8 => each!(chunk.as_string::<i64>().iter()),
            DataType::Utf8View => each!(chunk.as_string_view().iter()),
            // A column of nulls only (what pandas and pyarrow infer for a column of None).
            DataType::Null => each!(std::iter::repeat_n(None, chunk.len())),
            DataType::Dictionary(_, _) => {
                // The dictionary's texts once, then its keys (a key outside them is missing).
                let dictionary = chunk.as_any_dictionary();
                let values = dictionary.values();
                let value_texts: Vec<Option<String>> = match values.data_type() {
                    DataType::Utf8 => values.as_string::<i32>().iter().map(|t| t.map(str::to_owned)).collect(),
                    DataType::LargeUtf8 => values.as_string::<i64>().iter().map(|t| t.map(str::to_owned)).collect(),
                    DataType::Utf8View => values.as_string_view().iter().map(|t| t.map(str::to_owned)).collect(),
                    other => {
                        return Err(ColumnError::NotText {
                            column: name.to_owned(),
                            data_type: format!("a dictionary of {other}"),
                        })
                    }
                };
                // Each key as a position; a null key is missing, a key outside the dictionary
                // (which the C Data Interface does not check) is refused, never read as another.
                for key in dictionary_keys(chunk) {
                    let text = match key {
                        None => None,
                        Some(k) => match value_texts.get(k) {
                            Some(text) => text.as_deref(),
                            None => return Err(ColumnError::BadKey { column: name.to_owned(), row }),
                        },
                    };
                    codes.push(code_of(text, row)?);
                    row += 1;
                }
            }
            other => return Err(ColumnError::NotText { column: name.to_owned(), data_type: other.to_string() }),
        }
    }
    Ok((codes, texts))
}

/// A time zone as its UTC offsets: from each start (seconds since 1970, UTC, ascending) the
/// offset in seconds, until the next start; before the first start, the first offset. The
/// Python side builds it from the IANA database (`zoneinfo`) for the zone the caller names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    starts: Vec<i64>,
    offsets: Vec<i64>,
}

impl Zone {
    /// The zone of `starts` and `offsets`, which must be as long as each other and not empty,
    /// the starts ascending.
    pub fn new(starts: Vec<i64>, offsets: Vec<i64>) -> Option<Zone> {
        let ascending = starts.windows(2).all(|w| w[0] < w[1]);
        (starts.len() == offsets.len() && !starts.is_empty() && ascending).then_some(Zone { starts, offsets })
    }

    /// The day (since 1970) of the instant `seconds` (since 1970, UTC) in this zone.
    pub fn day_of(&self, seconds: i64) -> i64 {
        let after = self.starts.partition_point(|s| *s <= seconds);
        let offset = self.offsets[after.saturating_sub(1)];
        seconds.saturating_add(offset).div_euclid(86_400)
    }
}

/// Days since 1970-01-01 of a date column: date32, date64 and timestamps without a time zone
/// (the day of the time), or `YYYY-MM-DD` text read by core; a null is `missing` (the caller
/// decides whether a date may be absent). A timestamp with a time zone (an instant) is read as
/// its day in `zone`, and refused without one ([`ColumnError::NeedsZone`]): which day it is
/// depends on a zone the caller must choose. A date that cannot be read on its row (a text that
/// is not a date, also as a dictionary value; a date64 or timestamp whose day count int32 cannot
/// hold) is `unreadable` where given (a reader that refuses such a row on its own), else
/// [`ColumnError::NotADate`] naming the row: never read as missing.
pub fn days(
    name: &str,
    chunks: &[ArrayRef],
    missing: i32,
    unreadable: Option<i32>,
    zone: Option<&Zone>,
) -> Result<Vec<i32>, ColumnError> {
    use arrow_array::types::{
        Date32Type, Date64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    use arrow_schema::TimeUnit;
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    // A date the row cannot have: `unreadable`, or the row's error.
    let refused = |row: usize| unreadable.ok_or_else(|| ColumnError::NotADate { column: name.to_owned(), row });
    // A day int32 cannot hold is one.
    let held = |day: i64, row: usize| -> Result<i32, ColumnError> { i32::try_from(day).or_else(|_| refused(row)) };
    for chunk in chunks {
        let start = out.len();
        let valid = |i: usize| chunk.is_valid(i);
        // Days from a count of `per_day` units since 1970 (floored: before 1970 too); a null's
        // slot holds any number and is not read.
        let mut from_units = |values: &[i64], per_day: i64| -> Result<(), ColumnError> {
            for (i, v) in values.iter().enumerate() {
                out.push(if valid(i) { held(v.div_euclid(per_day), start + i)? } else { missing });
            }
            Ok(())
        };
        match chunk.data_type() {
            DataType::Date32 => {
                for (i, &d) in chunk.as_primitive::<Date32Type>().values().iter().enumerate() {
                    // A day equal to a sentinel (millions of years away) is beyond what the
                    // library holds: read as such, never as missing.
                    let sentinel = d == missing || Some(d) == unreadable;
                    out.push(if sentinel && valid(i) { held(i64::MAX, start + i)? } else { d });
                }
            }
            DataType::Date64 => from_units(chunk.as_primitive::<Date64Type>().values(), 86_400_000)?,
            DataType::Timestamp(unit, None) => match unit {
                TimeUnit::Second => from_units(chunk.as_primitive::<TimestampSecondType>().values(), 86_400)?,
                TimeUnit::Millisecond => {
                    from_units(chunk.as_primitive::<TimestampMillisecondType>().values(), 86_400_000)?
                }
                TimeUnit::Microsecond => {
                    from_units(chunk.as_primitive::<TimestampMicrosecondType>().values(), 86_400_000_000)?
                }
                TimeUnit::Nanosecond => {
                    from_units(chunk.as_primitive::<TimestampNanosecondType>().values(), 86_400_000_000_000)?
                }
            },
            DataType::Timestamp(unit, Some(_)) => {
                let Some(zone) = zone else {
                    return Err(ColumnError::NeedsZone {
                        column: name.to_owned(),
                        data_type: chunk.data_type().to_string(),
                    });
                };
                let (values, per_second): (&[i64], i64) = match unit {
                    TimeUnit::Second => (chunk.as_primitive::<TimestampSecondType>().values(), 1),
                    TimeUnit::Millisecond => (chunk.as_primitive::<TimestampMillisecondType>().values(), 1_000),
                    TimeUnit::Microsecond => (chunk.as_primitive::<TimestampMicrosecondType>().values(), 1_000_000),
                    TimeUnit::Nanosecond => (chunk.as_primitive::<TimestampNanosecondType>().values(), 1_000_000_000),
                };
                for (i, v) in values.iter().enumerate() {
                    out.push(if valid(i) { held(zone.day_of(v.div_euclid(per_second)), start + i)? } else { missing });
                }
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let texts: Box<dyn Iterator<Item = Option<&str>>> = match chunk.data_type() {
                    DataType::Utf8 => Box::new(chunk.as_string::<i32>().iter()),
                    DataType::LargeUtf8 => Box::new(chunk.as_string::<i64>().iter()),
                    _ => Box::new(chunk.as_string_view().iter()),
                };
                for (i, text) in texts.enumerate() {
                    let day = match text {
                        None => missing,
                        Some(t) => match amimestrocel_dkd::date::parse_iso_date(t) {
                            Ok(date) => amimestrocel_dkd::date::day_number(date),
                            Err(_) => refused(start + i)?,
                        },
                    };
                    out.push(day);
                }
            }
            // A column of nulls only (what pandas and pyarrow infer for a column of None).
            DataType::Null => out.extend(std::iter::repeat_n(missing, chunk.len())),
            // Dates as a dictionary (a pandas categorical of texts or dates): each dictionary
            // value read once, by the rules above, then looked up by key; a value that is not a
            // date is refused on each row that uses it (an unused one is never read).
            DataType::Dictionary(key, _) if key.is_integer() => {
                let values = chunk.as_any_dictionary().values();
                let mut value_days: Vec<Option<i32>> = Vec::with_capacity(values.len());
                for v in 0..values.len() {
                    match days(name, &[values.slice(v, 1)], missing, None, zone) {
                        Ok(day) => value_days.push(day.first().copied()),
                        Err(ColumnError::NotADate { .. }) => value_days.push(None),
                        // Not dates at all, or instants without a zone: the column's error.
                        Err(other) => return Err(other),
                    }
                }
                for (i, key) in dictionary_keys(chunk).into_iter().enumerate() {
                    out.push(match key {
                        None => missing,
                        Some(k) => match value_days.get(k).copied().flatten() {
                            Some(day) => day,
                            None => refused(start + i)?,
                        },
                    });
                }
            }
            other => return Err(ColumnError::NotDates { column: name.to_owned(), data_type: other.to_string() }),
        }
        if let Some(nulls) = chunk.logical_nulls().filter(|n| n.null_count() > 0) {
            for (i, valid) in nulls.iter().enumerate() {
                if !valid {
                    out[start + i] = missing;
                }
            }
        }
    }
    Ok(out)
}

/// The float nearest the decimal `value` × 10^−`scale`. Where the integer and the power of ten
/// are both exact in float64 (|value| ≤ 2^53, 0 ≤ scale ≤ 22), one division is correctly
/// rounded; otherwise the decimal is written out and parsed, which is also correctly rounded
/// (a `DECIMAL(38, 22)` holding 1000 reads as 1000, not 1000.0000000000001).
fn decimal_to_f64(value: i128, scale: i8) -> f64 {
    const EXACT: u128 = 1 << 53;
    if value.unsigned_abs() <= EXACT && (0..=22).contains(&scale) {
        return value as f64 / 10f64.powi(i32::from(scale));
    }
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    let text = format!("{sign}{digits}e{}", -i32::from(scale));
    text.parse().unwrap_or(f64::NAN)
}

/// A number column as float64 into `out` (as long as the column): any integer or float type;
/// null is NaN (a row error of the batch). Text, booleans and dates are a `TypeError` naming the
/// column.
pub fn floats_into(name: &str, chunks: &[ArrayRef], out: &mut [f64]) -> Result<(), ColumnError> {
    let mut at = 0;
    macro_rules! read {
        ($chunk:expr, $t:ty, $target:expr) => {{
            // Whole numbers up to 2^53 are exact in float64 (ages, codes); larger ones round.
            for (o, v) in $target.iter_mut().zip($chunk.as_primitive::<$t>().values().iter()) {
                *o = *v as f64;
            }
        }};
    }
    for chunk in chunks {
        let target = out.get_mut(at..at + chunk.len()).ok_or(ColumnError::Length)?;
        match chunk.data_type() {
            DataType::Float64 => target.copy_from_slice(chunk.as_primitive::<Float64Type>().values()),
            DataType::Float32 => read!(chunk, Float32Type, target),
            // Half precision: every f16 is exact in float64.
            DataType::Float16 => {
                let values = chunk.as_primitive::<arrow_array::types::Float16Type>().values();
                for (o, v) in target.iter_mut().zip(values.iter()) {
                    *o = v.to_f64();
                }
            }
            DataType::Int8 => read!(chunk, Int8Type, target),
            DataType::Int16 => read!(chunk, Int16Type, target),
            DataType::Int32 => read!(chunk, Int32Type, target),
            DataType::Int64 => read!(chunk, Int64Type, target),
            DataType::UInt8 => read!(chunk, UInt8Type, target),
            DataType::UInt16 => read!(chunk, UInt16Type, target),
            DataType::UInt32 => read!(chunk, UInt32Type, target),
            DataType::UInt64 => read!(chunk, UInt64Type, target),
            // A column of nulls only (what pandas and pyarrow infer for a column of None).
            DataType::Null => target.fill(f64::NAN),
            // SQL's NUMERIC (the CDM's `value_as_number`, `range_high`) as DuckDB and Postgres
            // give it: the float nearest the decimal.
            DataType::Decimal128(_, scale) => {
                for (o, v) in target.iter_mut().zip(chunk.as_primitive::<Decimal128Type>().values().iter()) {
                    *o = decimal_to_f64(*v, *scale);
                }
            }
            other => return Err(ColumnError::NotNumbers { column: name.to_owned(), data_type: other.to_string() }),
        }
        // A null's slot holds any number: it is NaN here.
        if let Some(nulls) = chunk.logical_nulls().filter(|n| n.null_count() > 0) {
            for i in nulls.iter().enumerate().filter(|(_, valid)| !valid).map(|(i, _)| i) {
                target[i] = f64::NAN;
            }
        }
        at += chunk.len();
    }
    Ok(())
}

/// [`floats_into`] a new vector.
pub fn floats(name: &str, chunks: &[ArrayRef]) -> Result<Vec<f64>, ColumnError> {
    let mut out = vec![0.0; chunks.iter().map(|c| c.len()).sum()];
    floats_into(name, chunks, &mut out)?;
    Ok(out)
}

/// The ISO/IEC 5218 code of a sex text (1 male, 2 female), 0 when it names none; `labels`
/// (declared by the caller, such as `{"1": "male"}`) first, then core's `Sex::parse`.
pub fn sex_code(text: &str, labels: &[(String, Sex)]) -> u8 {
    let sex = match labels.iter().find(|(label, _)| label == text) {
        Some((_, sex)) => Some(*sex),
        None => Sex::parse(text).ok(),
    };
    sex.map_or(0, Sex::iso5218)
}

/// The codes of the distinct texts of one chunk, each read by core once: a sex column has a
/// handful of them (`F`/`M`, `female`/`male`, `女`/`男`).
struct Seen<'l> {
    labels: &'l [(String, Sex)],
    /// One-byte texts (`F`, `M`, `1`), by byte: read or not yet.
    byte: [Option<u8>; 256],
    /// Longer texts.
    texts: Vec<(Vec<u8>, u8)>,
}

impl<'l> Seen<'l> {
    fn new(labels: &'l [(String, Sex)]) -> Self {
        Seen { labels, byte: [None; 256], texts: Vec::new() }
    }

    fn code(&mut self, text: &[u8]) -> u8 {
        if let [b] = text {
            if let Some(code) = self.byte[usize::from(*b)] {
                return code;
            }
        } else if let Some((_, code)) = self.texts.iter().find(|(t, _)| t == text) {
            return *code;
        }
        // Not UTF-8 is no sex (an Arrow string array holds UTF-8).
        let code = std::str::from_utf8(text).map_or(0, |t| sex_code(t, self.labels));
        match text {
            [b] => self.byte[usize::from(*b)] = Some(code),
            // A column of many distinct texts is not a sex column: they are not all kept.
            _ if self.texts.len() < 64 => self.texts.push((text.to_vec(), code)),
            _ => {}
        }
        code
    }
}

/// Codes of a utf8 or large_utf8 chunk, read from its offsets and bytes.
fn string_codes<O: arrow_array::OffsetSizeTrait>(
    array: &arrow_array::GenericStringArray<O>,
    labels: &[(String, Sex)],
    out: &mut Vec<u8>,
) {
    let mut seen = Seen::new(labels);
    let (offsets, bytes) = (array.value_offsets(), array.value_data());
    let nulls = array.nulls().filter(|n| n.null_count() > 0);
    for (i, w) in offsets.windows(2).enumerate() {
        if nulls.is_some_and(|n| n.is_null(i)) {
            out.push(0);
            continue;
        }
        let text = bytes.get(w[0].as_usize()..w[1].as_usize()).unwrap_or_default();
        out.push(seen.code(text));
    }
}

/// Codes of a utf8_view chunk.
fn view_codes(array: &arrow_array::StringViewArray, labels: &[(String, Sex)], out: &mut Vec<u8>) {
    let mut seen = Seen::new(labels);
    for text in array.iter() {
        out.push(text.map_or(0, |t| seen.code(t.as_bytes())));
    }
}

/// The codes of a dictionary chunk: each dictionary value read once, then looked up by key.
fn dictionary_codes<K: ArrowDictionaryKeyType>(
    name: &str,
    chunk: &DictionaryArray<K>,
    labels: &[(String, Sex)],
    out: &mut Vec<u8>,
) -> Result<(), ColumnError> {
    let mut values = Vec::with_capacity(chunk.values().len());
    sex_codes_of(name, std::slice::from_ref(chunk.values()), labels, &mut values)?;
    for key in chunk.keys().iter() {
        let code = key.and_then(|k| values.get(k.as_usize()).copied());
        out.push(code.unwrap_or(0));
    }
    Ok(())
}

pub fn sex_codes_of(
    name: &str,
    chunks: &[ArrayRef],
    labels: &[(String, Sex)],
    out: &mut Vec<u8>,
) -> Result<(), ColumnError> {
    for chunk in chunks {
        match chunk.data_type() {
            DataType::Utf8 => string_codes(chunk.as_string::<i32>(), labels, out),
            DataType::LargeUtf8 => string_codes(chunk.as_string::<i64>(), labels, out),
            DataType::Utf8View => view_codes(chunk.as_string_view(), labels, out),
            DataType::Dictionary(key, _) => match key.as_ref() {
                DataType::Int8 => dictionary_codes(name, chunk.as_dictionary::<Int8Type>(), labels, out)?,
                DataType::Int16 => dictionary_codes(name, chunk.as_dictionary::<Int16Type>(), labels, out)?,
                DataType::Int32 => dictionary_codes(name, chunk.as_dictionary::<Int32Type>(), labels, out)?,
                DataType::Int64 => dictionary_codes(name, chunk.as_dictionary::<Int64Type>(), labels, out)?,
                DataType::UInt8 => dictionary_codes(name, chunk.as_dictionary::<UInt8Type>(), labels, out)?,
                DataType::UInt16 => dictionary_codes(name, chunk.as_dictionary::<UInt16Type>(), labels, out)?,
                DataType::UInt32 => dictionary_codes(name, chunk.as_dictionary::<UInt32Type>(), labels, out)?,
                DataType::UInt64 => dictionary_codes(name, chunk.as_dictionary::<UInt64Type>(), labels, out)?,
                other => {
                    let data_type = format!("a dictionary with {other} keys");
                    return Err(ColumnError::NotSex { column: name.to_owned(), data_type });
                }
            },
            DataType::Int8 => integer_codes(chunk.as_primitive::<Int8Type>(), labels, out),
            DataType::Int16 => integer_codes(chunk.as_primitive::<Int16Type>(), labels, out),
            DataType::Int32 => integer_codes(chunk.as_primitive::<Int32Type>(), labels, out),
            DataType::Int64 => integer_codes(chunk.as_primitive::<Int64Type>(), labels, out),
            DataType::UInt8 => integer_codes(chunk.as_primitive::<UInt8Type>(), labels, out),
            DataType::UInt16 => integer_codes(chunk.as_primitive::<UInt16Type>(), labels, out),
            DataType::UInt32 => integer_codes(chunk.as_primitive::<UInt32Type>(), labels, out),
            DataType::UInt64 => integer_codes(chunk.as_primitive::<UInt64Type>(), labels, out),
            DataType::Boolean => return Err(ColumnError::BooleanSex { column: name.to_owned() }),
            other => return Err(ColumnError::NotSex { column: name.to_owned(), data_type: other.to_string() }),
        }
    }
    Ok(())
}

/// Codes of an integer sex column: ISO/IEC 5218 (1 male, 2 female, anything else no sex), or
/// the labels declared for the numbers (`{"7": "male"}`), which come first.
fn integer_codes<T>(chunk: &arrow_array::PrimitiveArray<T>, labels: &[(String, Sex)], out: &mut Vec<u8>)
where
    T: arrow_array::ArrowPrimitiveType,
    T::Native: Into<i128>,
{
    let declared: Vec<(i128, u8)> =
        labels.iter().filter_map(|(l, _)| l.trim().parse::<i128>().ok().map(|n| (n, sex_code(l, labels)))).collect();
    // Core's reading of an ISO/IEC 5218 code (0 where it names no sex), asked once for each of
    // the codes 0-9 and looked up per row; a code beyond them is asked of core on its row.
    let core_code = |v: i128| i64::try_from(v).ok().and_then(|v| Sex::from_iso5218(v).ok()).map_or(0, Sex::iso5218);
    let small: [u8; 10] = std::array::from_fn(|v| core_code(v as i128));
    let nulls = chunk.nulls().filter(|n| n.null_count() > 0);
    for (i, v) in chunk.values().iter().enumerate() {
        let v: i128 = (*v).into();
        let code = match declared.iter().find(|(n, _)| *n == v) {
            _ if nulls.is_some_and(|n| n.is_null(i)) => 0,
            Some((_, code)) => *code,
            None => usize::try_from(v).ok().and_then(|v| small.get(v).copied()).unwrap_or_else(|| core_code(v)),
        };
        out.push(code);
    }
}

/// Black-race flags: booleans or 0/1 integers as 0/1; null 255 (not known); another number is
/// a `TypeError` naming the row.
pub fn flags(name: &str, chunks: &[ArrayRef]) -> Result<Vec<u8>, ColumnError> {
    let mut out = Vec::new();
    for chunk in chunks {
        if chunk.data_type() == &DataType::Boolean {
            out.extend(chunk.as_boolean().iter().map(|v| v.map_or(255, u8::from)));
            continue;
        }
        for v in floats(name, std::slice::from_ref(chunk))? {
            out.push(match v {
                v if v.is_nan() => 255,
                0.0 => 0,
                1.0 => 1,
                _ => return Err(ColumnError::NotAFlag { column: name.to_owned(), row: out.len() }),
            });
        }
    }
    Ok(out)
}

/// The value a null takes in [`ints`].
pub const NO_INT: i64 = i64::MIN;

/// An identifier column (person ids, concept ids, years) as int64: any integer type; a null is
/// [`NO_INT`]. Floats, text and dates are refused ([`ColumnError::NotIntegers`]): an identifier
/// is never rounded, and a uint64 above int64's range is refused rather than wrapped.
pub fn ints(name: &str, chunks: &[ArrayRef]) -> Result<Vec<i64>, ColumnError> {
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    let not_integers =
        |c: &ArrayRef| ColumnError::NotIntegers { column: name.to_owned(), data_type: c.data_type().to_string() };
    for chunk in chunks {
        let start = out.len();
        macro_rules! widen {
            ($t:ty) => {
                out.extend(chunk.as_primitive::<$t>().values().iter().map(|v| i64::from(*v)))
            };
        }
        match chunk.data_type() {
            DataType::Int64 => {
                let values = chunk.as_primitive::<Int64Type>().values();
                // The null value itself, where it is a value, is refused, not read as null.
                if let Some(i) = values.iter().enumerate().position(|(i, v)| *v == NO_INT && chunk.is_valid(i)) {
                    return Err(ColumnError::ReservedInt { column: name.to_owned(), row: start + i });
                }
                out.extend_from_slice(values);
            }
            DataType::Int32 => widen!(Int32Type),
            DataType::Int16 => widen!(Int16Type),
            DataType::Int8 => widen!(Int8Type),
            DataType::UInt32 => widen!(UInt32Type),
            DataType::UInt16 => widen!(UInt16Type),
            DataType::UInt8 => widen!(UInt8Type),
            DataType::UInt64 => {
                // A null's slot holds any number and is not read (a number above int64's range
                // there is no reason to refuse the column).
                for (i, v) in chunk.as_primitive::<UInt64Type>().values().iter().enumerate() {
                    let held =
                        if chunk.is_valid(i) { i64::try_from(*v).map_err(|_| not_integers(chunk))? } else { NO_INT };
                    out.push(held);
                }
            }
            // A column of nulls only (an empty CDM column read without a type).
            DataType::Null => out.extend(std::iter::repeat_n(NO_INT, chunk.len())),
            _ => return Err(not_integers(chunk)),
        }
        if let Some(nulls) = chunk.logical_nulls().filter(|n| n.null_count() > 0) {
            for (i, valid) in nulls.iter().enumerate() {
                if !valid {
                    out[start + i] = NO_INT;
                }
            }
        }
    }
    Ok(out)
}
