#![no_main]
//! The Python binding's Arrow column reader (`bindings-python/src/arrow_read.rs`, included
//! here) on arbitrary arrays, as a producer hands them over the C Data Interface: text of any
//! content, dictionaries whose keys may point outside their values (the interface does not
//! check them), numbers, dates and timestamps, nulls anywhere, chunks and slices. Each reader
//! (sex codes, numbers, flags, text codes, days) gives one value per row, or its typed error; it
//! never panics.

use std::sync::Arc;

use amimestrocel_dkd::demographics::Sex;
use arbitrary::Unstructured;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int8Type, UInt32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, Int8Array,
    LargeStringArray, StringArray, StringViewArray, TimestampNanosecondArray, UInt32Array,
};
use libfuzzer_sys::fuzz_target;

#[path = "../../bindings-python/src/arrow_read.rs"]
#[allow(dead_code)]
mod arrow_read;

fn texts(u: &mut Unstructured<'_>, n: usize) -> Vec<Option<String>> {
    (0..n)
        .map(|_| if u.ratio(1, 5).unwrap_or(false) { None } else { Some(u.arbitrary::<String>().unwrap_or_default()) })
        .collect()
}

fn array(u: &mut Unstructured<'_>) -> Option<ArrayRef> {
    let n = u.int_in_range(0..=48usize).ok()?;
    let null = |u: &mut Unstructured<'_>| u.ratio(1, 6).unwrap_or(false);
    Some(match u.int_in_range(0..=11u8).ok()? {
        0 => Arc::new(StringArray::from(texts(u, n))),
        1 => Arc::new(LargeStringArray::from(texts(u, n))),
        2 => Arc::new(StringViewArray::from(texts(u, n))),
        3 | 4 => {
            let distinct = u.int_in_range(0..=4usize).ok()?;
            let values = StringArray::from(texts(u, distinct));
            if u.arbitrary::<bool>().ok()? {
                let keys: Int8Array = (0..n).map(|_| (!null(u)).then(|| u.arbitrary::<i8>().unwrap_or(0))).collect();
                // SAFETY (of the test, not of the reader): keys outside the values, as an
                // unchecked producer may send them; the reader must look them up safely.
                Arc::new(unsafe { DictionaryArray::<Int8Type>::new_unchecked(keys, Arc::new(values)) })
            } else {
                let keys: UInt32Array =
                    (0..n).map(|_| (!null(u)).then(|| u.int_in_range(0..=6u32).unwrap_or(0))).collect();
                Arc::new(unsafe { DictionaryArray::<UInt32Type>::new_unchecked(keys, Arc::new(values)) })
            }
        }
        5 => Arc::new((0..n).map(|_| (!null(u)).then(|| u.arbitrary::<i64>().unwrap_or(0))).collect::<Int64Array>()),
        6 => Arc::new((0..n).map(|_| (!null(u)).then(|| u.arbitrary::<f64>().unwrap_or(0.0))).collect::<Float64Array>()),
        7 => Arc::new((0..n).map(|_| (!null(u)).then(|| u.arbitrary::<bool>().unwrap_or(false))).collect::<BooleanArray>()),
        8 => Arc::new((0..n).map(|_| (!null(u)).then(|| u.int_in_range(0..=2i64).unwrap_or(0))).collect::<Int64Array>()),
        9 => Arc::new((0..n).map(|_| (!null(u)).then(|| u.arbitrary::<i32>().unwrap_or(0))).collect::<Date32Array>()),
        10 => Arc::new(
            (0..n).map(|_| (!null(u)).then(|| u.arbitrary::<i64>().unwrap_or(0))).collect::<TimestampNanosecondArray>(),
        ),
        // Instants: a timestamp with a time zone.
        _ => Arc::new(
            (0..n)
                .map(|_| (!null(u)).then(|| u.arbitrary::<i64>().unwrap_or(0)))
                .collect::<TimestampNanosecondArray>()
                .with_timezone("Asia/Shanghai"),
        ),
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(whole) = array(&mut u) else { return };
    // The column as two chunks: the whole array and a slice of it.
    let offset = u.int_in_range(0..=whole.len()).unwrap_or(0);
    let length = u.int_in_range(0..=whole.len() - offset).unwrap_or(0);
    let chunks = vec![Arc::clone(&whole), whole.slice(offset, length)];
    let rows = whole.len() + length;
    let labels: Vec<(String, Sex)> = (0..u.int_in_range(0..=3usize).unwrap_or(0))
        .map(|_| {
            let sex = if u.arbitrary::<bool>().unwrap_or(false) { Sex::Female } else { Sex::Male };
            (u.arbitrary::<String>().unwrap_or_default(), sex)
        })
        .collect();

    let mut codes = Vec::new();
    if arrow_read::sex_codes_of("sex", &chunks, &labels, &mut codes).is_ok() {
        assert_eq!(codes.len(), rows, "one sex code per row");
        assert!(codes.iter().all(|c| *c <= 2), "codes are 0 (none), 1 or 2");
    }
    let mut numbers = vec![0.0; rows];
    if arrow_read::floats_into("age", &chunks, &mut numbers).is_ok() {
        let nulls = chunks.iter().map(|c| c.null_count()).sum::<usize>();
        assert!(numbers.iter().filter(|v| v.is_nan()).count() >= nulls, "a null is NaN");
    }
    match arrow_read::text_codes("text", &chunks, None) {
        Ok((codes, texts)) => {
            assert_eq!(codes.len(), rows, "one code per row");
            assert!(codes.iter().all(|c| (*c as usize) < texts.len()), "every code names a text");
            // With the texts as the known ones, the same codes come back.
            let again = arrow_read::text_codes("text", &chunks, Some(&texts)).map(|(c, _)| c);
            assert_eq!(again.ok(), Some(codes), "known texts give the same codes");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    // A unit column: nulls are rows without a unit (-1); every other code names a text.
    if let Ok((codes, texts)) = arrow_read::text_codes_or_null("unit", &chunks) {
        assert_eq!(codes.len(), rows, "one code per row");
        assert!(codes.iter().all(|c| *c == -1 || (*c as usize) < texts.len()), "a code is -1 or names a text");
    }
    // The nulls (a dictionary's logical nulls are not counted: its keys may point outside it,
    // and neither reader below takes a dictionary).
    let nulls = chunks
        .iter()
        .filter(|c| !matches!(c.data_type(), arrow_schema::DataType::Dictionary(..)))
        .map(|c| c.logical_null_count())
        .sum::<usize>();
    // Exactly the nulls are missing: a value is never read as missing. Dates read a dictionary
    // too: its nulls are null keys and keys of null values (once read, every key a row uses is
    // known to be in its dictionary).
    let missing = |days: &[i32]| days.iter().filter(|d| **d == i32::MIN).count();
    let date_nulls = || -> usize {
        chunks
            .iter()
            .map(|c| {
                // The dictionaries made above have int8 or uint32 keys.
                let keys: Vec<Option<usize>> = if let Some(d) = c.as_dictionary_opt::<Int8Type>() {
                    d.keys().iter().map(|k| k.map(|k| k as usize)).collect()
                } else if let Some(d) = c.as_dictionary_opt::<UInt32Type>() {
                    d.keys().iter().map(|k| k.map(|k| k as usize)).collect()
                } else {
                    return c.logical_null_count();
                };
                let values = c.as_any_dictionary().values();
                // A key outside the dictionary is no null: an error, or its row's unreadable mark.
                keys.iter().filter(|k| k.is_none_or(|k| k < values.len() && values.is_null(k))).count()
            })
            .sum()
    };
    match arrow_read::days("date", &chunks, i32::MIN, None, None) {
        Ok(days) => {
            assert_eq!(days.len(), rows, "one day per row");
            assert_eq!(missing(&days), date_nulls(), "only a null is missing");
        }
        Err(e) => assert!(e.to_string().contains("date")),
    }
    // A date a row cannot have (a day beyond int32, a text that is not a date, also as a
    // dictionary value, a key outside its dictionary) marked on its row, not an error: one value
    // per row still.
    if let Ok(days) = arrow_read::days("date", &chunks, i32::MIN, Some(i32::MIN + 1), None) {
        assert_eq!(days.len(), rows, "one day per row");
        assert_eq!(missing(&days), date_nulls(), "only a null is missing");
    }
    // Instants read in a zone of two offsets (any instant, however far, has a day or is missing).
    if let Some(zone) = arrow_read::Zone::new(vec![0, 1_000_000_000], vec![8 * 3600, -5 * 3600]) {
        if let Ok(days) = arrow_read::days("date", &chunks, i32::MIN, None, Some(&zone)) {
            assert_eq!(days.len(), rows, "one day per row");
        }
    }
    // An identifier column: integers only, a null is NO_INT.
    match arrow_read::ints("person_id", &chunks) {
        Ok(ids) => {
            assert_eq!(ids.len(), rows, "one id per row");
            assert_eq!(ids.iter().filter(|v| **v == arrow_read::NO_INT).count(), nulls, "only a null is NO_INT");
        }
        Err(e) => assert!(e.to_string().contains("person_id")),
    }
    if let Ok(marks) = arrow_read::flags("black", &chunks) {
        assert_eq!(marks.len(), rows, "one flag per row");
        assert!(marks.iter().all(|m| matches!(m, 0 | 1 | 255)), "flags are 0, 1 or 255");
    }
});
