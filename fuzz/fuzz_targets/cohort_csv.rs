//! The eGFR cohort CSV, read a line at a time; every row's estimates by every equation.
#![no_main]
use amimestrocel_dkd::tools::cohort::{egfr_row, rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for row in rows(data) {
        if let Ok(row) = row {
            for (_, estimate) in egfr_row(&row) {
                if let Ok(e) = estimate {
                    assert!(e.value().is_finite() && e.value() > 0.0);
                }
            }
        }
    }
});
