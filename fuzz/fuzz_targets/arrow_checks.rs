#![no_main]
//! The check the Python binding makes of Arrow data on arrival (`arrow_read::check`, included
//! from `bindings-python/src/arrow_read.rs`), on text arrays built unchecked from raw bytes, as
//! an unchecked producer may hand them over the C Data Interface: offsets in any order, bytes
//! that are not UTF-8, views that point anywhere. Its faster reading of utf8, large_utf8 and
//! utf8_view must accept exactly what arrow's own full validation accepts, and neither may
//! panic.

use arbitrary::Unstructured;
use arrow_buffer::Buffer;
use arrow_data::ArrayData;
use arrow_schema::DataType;
use libfuzzer_sys::fuzz_target;

#[path = "../../bindings-python/src/arrow_read.rs"]
#[allow(dead_code)]
mod arrow_read;

/// Bytes that are mostly text (ASCII, Chinese, a few invalid bytes), so that valid arrays are
/// common enough to matter.
fn bytes(u: &mut Unstructured<'_>, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        match u.int_in_range(0..=9u8).unwrap_or(0) {
            0..=5 => out.push(u.int_in_range(0x20..=0x7Eu8).unwrap_or(b'a')),
            6..=8 => out.extend_from_slice("张肾".as_bytes()),
            _ => out.push(u.arbitrary::<u8>().unwrap_or(0xFF)),
        }
    }
    out.truncate(n);
    out
}

fn utf8(u: &mut Unstructured<'_>, large: bool) -> Option<ArrayData> {
    let len = u.int_in_range(0..=16usize).ok()?;
    let n = u.int_in_range(0..=64usize).ok()?;
    let values = bytes(u, n);
    // Mostly ascending offsets within the bytes, sometimes not.
    let mut offsets = vec![0i64];
    for _ in 0..len {
        let last = *offsets.last()?;
        let step = u.int_in_range(-2..=8i64).ok()?;
        offsets.push(if u.ratio(1, 8).ok()? { u.int_in_range(-4..=80i64).ok()? } else { last + step.max(0) });
    }
    let offsets = if large {
        Buffer::from_vec(offsets)
    } else {
        Buffer::from_vec(offsets.into_iter().map(|o| o as i32).collect::<Vec<_>>())
    };
    let data_type = if large { DataType::LargeUtf8 } else { DataType::Utf8 };
    let offset = u.int_in_range(0..=len.min(2)).ok()?;
    // SAFETY (of the test): deliberately unchecked; only the checks below read it.
    Some(unsafe {
        ArrayData::builder(data_type)
            .len(len - offset)
            .offset(offset)
            .add_buffer(offsets)
            .add_buffer(Buffer::from_vec(values))
            .build_unchecked()
    })
}

fn views(u: &mut Unstructured<'_>) -> Option<ArrayData> {
    let len = u.int_in_range(0..=16usize).ok()?;
    let count = u.int_in_range(0..=2usize).ok()?;
    let mut buffers: Vec<Vec<u8>> = Vec::with_capacity(count);
    for _ in 0..count {
        let n = u.int_in_range(0..=64usize).unwrap_or(0);
        buffers.push(bytes(u, n));
    }
    let mut list = Vec::with_capacity(len);
    for _ in 0..len {
        let text_len = u.int_in_range(0..=24u32).ok()?;
        let view = if text_len <= 12 && u.ratio(7, 8).ok()? {
            // An inline text, padded with zeros (or not, sometimes).
            let mut raw = [0u8; 16];
            raw[..4].copy_from_slice(&text_len.to_le_bytes());
            let text = bytes(u, text_len as usize);
            raw[4..4 + text_len as usize].copy_from_slice(&text);
            if u.ratio(1, 10).ok()? {
                raw[15] = 1;
            }
            u128::from_le_bytes(raw)
        } else {
            let index = u.int_in_range(0..=2u32).ok()?;
            let offset = u.int_in_range(0..=48u32).ok()?;
            let prefix = buffers
                .get(index as usize)
                .and_then(|b| b.get(offset as usize..offset as usize + 4))
                .map_or(0, |p| u32::from_le_bytes([p[0], p[1], p[2], p[3]]));
            let prefix = if u.ratio(1, 10).ok()? { prefix ^ 1 } else { prefix };
            u128::from(text_len.max(13))
                | u128::from(prefix) << 32
                | u128::from(index) << 64
                | u128::from(offset) << 96
        };
        list.push(view);
    }
    let mut builder = ArrayData::builder(DataType::Utf8View).len(len).add_buffer(Buffer::from_vec(list));
    for b in buffers {
        builder = builder.add_buffer(Buffer::from_vec(b));
    }
    // SAFETY (of the test): deliberately unchecked; only the checks below read it.
    Some(unsafe { builder.build_unchecked() })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(array) = (match u.int_in_range(0..=2u8).unwrap_or(0) {
        0 => utf8(&mut u, false),
        1 => utf8(&mut u, true),
        _ => views(&mut u),
    }) else {
        return;
    };
    let ours = arrow_read::check(&array, true).is_ok();
    let arrows = array.validate_full().is_ok();
    assert_eq!(ours, arrows, "our check and arrow's disagree on {array:?}");
});
