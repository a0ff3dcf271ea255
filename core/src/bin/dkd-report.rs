//! The main job.
//!
//! - `dkd-report [screen] [COHORT.jsonl] [--out DIR]`: screens a cohort of screening records
//!   (default: the bundled synthetic `data/screening_cohort.jsonl`), prints the screening
//!   report (counts and a CONSORT-style flow with exclusion reasons ranked) and writes the
//!   per-candidate results as `DIR/screening_results.json` and `.csv` (default DIR: `out/`).
//! - `dkd-report egfr [COHORT.csv]`: eGFR by every equation for a CSV of patients (default: the
//!   bundled `data/synthetic_cohort.csv`), printed as a table.
//! - `dkd-report generate [--seed S] [--count N]`: synthetic screening records as JSON lines.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amimestrocel_dkd::cohort::{egfr_row, parse_csv};
use amimestrocel_dkd::egfr::EgfrEquation;
use amimestrocel_dkd::eligibility::{csv_header, csv_row, screen_json_batch, ProtocolConfig, ScreeningSummary};
use amimestrocel_dkd::synthetic;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("egfr") => egfr(args.get(1).cloned()),
        Some("generate") => generate(&args[1..]),
        Some("screen") => screen(&args[1..]),
        Some("-h" | "--help") => {
            println!("usage: dkd-report [screen] [COHORT.jsonl] [--out DIR] | egfr [COHORT.csv] | generate [--seed S] [--count N]");
            Ok(())
        }
        _ => screen(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dkd-report: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes the report to standard output; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the report: {e}")),
        _ => Ok(()),
    }
}

fn option<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => {
            args.get(i + 1).and_then(|v| v.parse().ok()).map(Some).ok_or_else(|| format!("{name} needs a value"))
        }
        None => Ok(None),
    }
}

fn generate(args: &[String]) -> Result<(), String> {
    let seed = option(args, "--seed")?.unwrap_or(synthetic::BUNDLED_SEED);
    let count = option(args, "--count")?.unwrap_or(synthetic::BUNDLED_COUNT);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for record in synthetic::cohort(seed, count) {
        let line = serde_json::to_string(&record).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn screen(args: &[String]) -> Result<(), String> {
    let mut report = String::new();
    let positional: Vec<&String> = {
        let mut v = Vec::new();
        let mut skip = false;
        for a in args {
            if skip {
                skip = false;
            } else if a == "--out" {
                skip = true;
            } else {
                v.push(a);
            }
        }
        v
    };
    let path = positional.first().map(PathBuf::from).unwrap_or_else(|| Path::new(DATA).join("screening_cohort.jsonl"));
    let out_dir = option::<PathBuf>(args, "--out")?.unwrap_or_else(|| PathBuf::from("out"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect();
    let config = ProtocolConfig::default();
    let progress = lines.len() >= 50_000;
    let texts: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
    let mut results = Vec::with_capacity(texts.len());
    for part in texts.chunks(100_000) {
        results.extend(screen_json_batch(part, &config).map_err(|e| e.to_string())?);
        if progress {
            eprintln!("dkd-report: screened {} of {} records", results.len(), texts.len());
        }
    }
    // A refused line keeps its place, named by its line number.
    let ids: Vec<String> = results
        .iter()
        .zip(&lines)
        .map(|(r, (line_no, _))| match r {
            Ok(res) => res.id.clone(),
            Err(_) => format!("line {line_no}"),
        })
        .collect();
    let summary = ScreeningSummary::from_results(&results);
    let _ = writeln!(report, "NCT06969807 screening report — {} ({} records)", path.display(), results.len());
    let _ = writeln!(report, "Configuration: {}, eGFR by {}", config.version, config.egfr_equation);
    let _ = writeln!(report);
    let _ = write!(report, "{summary}");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let json_path = out_dir.join("screening_results.json");
    let csv_path = out_dir.join("screening_results.csv");
    let json: Vec<serde_json::Value> = results
        .iter()
        .zip(&ids)
        .map(|(r, id)| match r {
            Ok(res) => serde_json::to_value(res).unwrap_or(serde_json::Value::Null),
            Err(e) => serde_json::json!({"id": id, "status": "refused", "error": {"kind": e.kind(), "message": e.to_string()}}),
        })
        .collect();
    let body = serde_json::to_string_pretty(&serde_json::json!({"summary": summary, "results": json}))
        .map_err(|e| e.to_string())?;
    std::fs::write(&json_path, body).map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    let mut csv = csv_header();
    csv.push('\n');
    for (r, id) in results.iter().zip(&ids) {
        csv.push_str(&csv_row(id, r));
        csv.push('\n');
    }
    std::fs::write(&csv_path, csv).map_err(|e| format!("cannot write {}: {e}", csv_path.display()))?;
    let _ = writeln!(report);
    let _ = writeln!(report, "Per-candidate results: {} and {}", json_path.display(), csv_path.display());
    emit(&report)
}

fn egfr(path: Option<String>) -> Result<(), String> {
    let mut report = String::new();
    let path = path.map(PathBuf::from).unwrap_or_else(|| Path::new(DATA).join("synthetic_cohort.csv"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let rows = parse_csv(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let width = 20;
    let _ = write!(report, "{:<9}{:<4}{:>4} ", "id", "sex", "age");
    for eq in EgfrEquation::ALL {
        let _ = write!(report, "{:>width$}", eq.slug());
    }
    let _ = writeln!(report);
    let mut refused = 0;
    for row in &rows {
        let _ = write!(report, "{:<9}{:<4}{:>4} ", row.id, row.sex, row.age);
        let results = egfr_row(row);
        if results.iter().all(|(_, r)| r.is_err()) {
            refused += 1;
        }
        for (_, result) in results {
            let cell = match result {
                Ok(e) => format!("{:.1}", e.value()),
                Err(e) => e.kind().to_owned(),
            };
            let _ = write!(report, "{cell:>width$}");
        }
        let _ = writeln!(report);
    }
    let _ = writeln!(report);
    let _ = writeln!(report, "{} patients, {} with no estimate by any equation.", rows.len(), refused);
    let _ = writeln!(report, "Units: mL/min/1.73m² (cockcroft_gault: mL/min, not normalised).");
    let _ = writeln!(report, "Protocol default equation: {}.", amimestrocel_dkd::egfr::PROTOCOL_DEFAULT_EQUATION);
    emit(&report)
}
