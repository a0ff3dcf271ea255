//! The main job: eGFR by every equation for each patient of a cohort CSV, printed as a table.
//!
//! Usage: `dkd-report [COHORT.csv]` (default: the bundled `data/synthetic_cohort.csv`).
//! A row whose input is refused shows the error kind in each cell it affects.

use std::process::ExitCode;

use amimestrocel_dkd::cohort::{egfr_row, parse_csv};
use amimestrocel_dkd::egfr::EgfrEquation;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../data/synthetic_cohort.csv").to_owned());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("dkd-report: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let rows = match parse_csv(&text) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("dkd-report: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let width = 20;
    print!("{:<9}{:<4}{:>4} ", "id", "sex", "age");
    for eq in EgfrEquation::ALL {
        print!("{:>width$}", eq.slug());
    }
    println!();
    let mut refused = 0;
    for row in &rows {
        print!("{:<9}{:<4}{:>4} ", row.id, row.sex, row.age);
        let results = egfr_row(row);
        if results.iter().all(|(_, r)| r.is_err()) {
            refused += 1;
        }
        for (_, result) in results {
            let cell = match result {
                Ok(e) => format!("{:.1}", e.value()),
                Err(e) => e.kind().to_owned(),
            };
            print!("{cell:>width$}");
        }
        println!();
    }
    println!();
    println!("{} patients, {} with no estimate by any equation.", rows.len(), refused);
    println!("Units: mL/min/1.73m² (cockcroft_gault: mL/min, not normalised).");
    println!("Protocol default equation: {}.", amimestrocel_dkd::egfr::PROTOCOL_DEFAULT_EQUATION);
    ExitCode::SUCCESS
}
