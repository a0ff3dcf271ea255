#![no_main]
//! The Python binding's reader of screening records from Arrow batches
//! (`bindings-python/src/record_arrow.rs`, included here with the column readers it uses) on
//! arbitrary batches shaped like the published schema: any subset of its columns, nulls
//! anywhere, arbitrary texts, numbers and dates, lists of any lengths, and now and then a column
//! of another type or layout, or one the record does not have. A batch is refused with a typed
//! error, or every row gives its record or why it is refused; it never panics, and a record
//! read keeps its row's id.

use std::sync::Arc;

use arbitrary::Unstructured;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, LargeStringArray, ListArray, RecordBatch,
    StringArray, StructArray, UInt8Array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields, Schema};
use libfuzzer_sys::fuzz_target;

#[path = "../../bindings-python/src/arrow_read.rs"]
#[allow(dead_code)]
mod arrow_read;

#[path = "../../bindings-python/src/record_arrow.rs"]
#[allow(dead_code)]
mod record_arrow;

fn nulls(u: &mut Unstructured<'_>, n: usize) -> Option<NullBuffer> {
    u.ratio(1, 3)
        .unwrap_or(false)
        .then(|| NullBuffer::from((0..n).map(|_| !u.ratio(1, 6).unwrap_or(false)).collect::<Vec<_>>()))
}

/// An array of `n` values of `data_type` (or, now and then, of another type).
fn array(u: &mut Unstructured<'_>, data_type: &DataType, n: usize, depth: usize) -> ArrayRef {
    if u.ratio(1, 40).unwrap_or(false) {
        // Another type than the schema's: the reader must refuse it, not misread it.
        return Arc::new((0..n).map(|_| u.arbitrary::<i64>().ok()).collect::<Int64Array>());
    }
    match data_type {
        DataType::Utf8 => {
            let words = ["female", "male", "F", "mg/g", "mmol/L", "g/24h", "%", "heart_failure", "non_diabetic", ""];
            let values: Vec<Option<String>> = (0..n)
                .map(|_| {
                    if u.ratio(1, 8).unwrap_or(false) {
                        None
                    } else if u.arbitrary::<bool>().unwrap_or(false) {
                        Some(words[u.choose_index(words.len()).unwrap_or(0)].to_owned())
                    } else {
                        Some(u.arbitrary::<String>().unwrap_or_default())
                    }
                })
                .collect();
            if u.ratio(1, 5).unwrap_or(false) {
                Arc::new(values.into_iter().collect::<LargeStringArray>())
            } else {
                Arc::new(values.into_iter().collect::<StringArray>())
            }
        }
        // Dates as text now and then: read row by row, a text that is no date refusing its row.
        DataType::Date32 if u.ratio(1, 5).unwrap_or(false) => Arc::new(
            (0..n)
                .map(|_| {
                    (!u.ratio(1, 8).unwrap_or(false)).then(|| {
                        if u.arbitrary::<bool>().unwrap_or(false) {
                            format!(
                                "20{:02}-{:02}-{:02}",
                                u.int_in_range(0..=99u8).unwrap_or(0),
                                u.int_in_range(0..=13u8).unwrap_or(0),
                                u.int_in_range(0..=32u8).unwrap_or(0)
                            )
                        } else {
                            u.arbitrary::<String>().unwrap_or_default()
                        }
                    })
                })
                .collect::<StringArray>(),
        ),
        DataType::Date32 => Arc::new(
            (0..n)
                .map(|_| (!u.ratio(1, 8).unwrap_or(false)).then(|| u.arbitrary::<i32>().unwrap_or(0)))
                .collect::<Date32Array>(),
        ),
        DataType::Float64 => Arc::new(
            (0..n)
                .map(|_| (!u.ratio(1, 8).unwrap_or(false)).then(|| u.arbitrary::<f64>().unwrap_or(0.0)))
                .collect::<Float64Array>(),
        ),
        DataType::UInt8 => {
            Arc::new((0..n).map(|_| u.arbitrary::<Option<u8>>().unwrap_or(None)).collect::<UInt8Array>())
        }
        DataType::Boolean => {
            Arc::new((0..n).map(|_| u.arbitrary::<Option<bool>>().unwrap_or(None)).collect::<BooleanArray>())
        }
        DataType::Struct(fields) => {
            let (kept, arrays) = children(u, fields, n, depth);
            match StructArray::try_new(kept, arrays, nulls(u, n)) {
                Ok(s) => Arc::new(s),
                Err(_) => Arc::new(Int64Array::from(vec![0; n])),
            }
        }
        DataType::List(item) => {
            let lengths: Vec<usize> = (0..n).map(|_| u.int_in_range(0..=3usize).unwrap_or(0)).collect();
            let total = lengths.iter().sum();
            let values = array(u, item.data_type(), total, depth + 1);
            let field = Arc::new(Field::new("item", values.data_type().clone(), true));
            match ListArray::try_new(field, OffsetBuffer::from_lengths(lengths), values, nulls(u, n)) {
                Ok(l) => Arc::new(l),
                Err(_) => Arc::new(Int64Array::from(vec![0; n])),
            }
        }
        _ => Arc::new(Int64Array::from(vec![0; n])),
    }
}

/// Some of `fields` (each kept or not), now and then one the record does not have.
fn children(u: &mut Unstructured<'_>, fields: &Fields, n: usize, depth: usize) -> (Fields, Vec<ArrayRef>) {
    let mut kept = Vec::new();
    let mut arrays = Vec::new();
    for f in fields.iter() {
        if u.ratio(1, 6).unwrap_or(false) || depth > 3 {
            continue;
        }
        let a = array(u, f.data_type(), n, depth);
        kept.push(Field::new(f.name(), a.data_type().clone(), true));
        arrays.push(a);
    }
    if u.ratio(1, 30).unwrap_or(false) {
        kept.push(Field::new("not_a_field", DataType::Int64, true));
        arrays.push(Arc::new(Int64Array::from(vec![1; n])));
    }
    (Fields::from(kept), arrays)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let n = u.int_in_range(0..=6usize).unwrap_or(0);
    let schema = record_arrow::record_schema();
    let (fields, arrays) = children(&mut u, schema.fields(), n, 0);
    let Ok(batch) = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays) else { return };
    match record_arrow::Batch::read(&batch, None) {
        Ok(columns) => {
            assert_eq!(columns.rows(), n, "one row per row of the batch");
            for row in 0..n {
                if let Ok(record) = columns.record(row) {
                    assert_eq!(Some(record.id.clone()), columns.id(row), "a record keeps its row's id");
                    // What was read is a record core can check (an error, never a panic).
                    let _ = record.check();
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
