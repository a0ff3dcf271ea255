//! The main job's reader: JSON lines (any line ends, BOM, bad UTF-8, long lines), each line
//! screened. Invariant: every line is returned, refused or counted blank, in order.
#![no_main]
use amimestrocel_dkd::eligibility::{screen_json_batch, ProtocolConfig};
use amimestrocel_dkd::jsonl::JsonLines;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut lines = JsonLines::with_max_line_bytes(data, 4096);
    let mut texts = Vec::new();
    let mut last = 0;
    let mut seen = 0u64;
    for line in lines.by_ref() {
        let line = line.expect("reading a slice cannot fail");
        assert!(line.number > last, "line numbers rise");
        last = line.number;
        seen += 1;
        if let Ok(t) = line.text {
            texts.push(t);
        }
    }
    assert_eq!(seen + lines.blank_lines(), lines.lines_read(), "every line is accounted for");
    let results = screen_json_batch(&texts, &ProtocolConfig::default()).expect("the default configuration is valid");
    assert_eq!(results.len(), texts.len(), "one result per line");
});
