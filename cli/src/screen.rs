//! `dkd-report screen`: screens a cohort of screening records, streaming.
//!
//! The input is read a chunk of lines at a time ([`CHUNK`]); each chunk is screened on every
//! core and its results are written before the next is read, so memory stays the same for
//! ten thousand records or ten million. Every non-blank line is either screened or refused
//! with its line number (and its `id`, when the text names one); blank lines are counted.
//!
//! Outputs, replaced together ([`crate::output::OutputSet`]):
//! - `screening_results.jsonl`: one JSON object per record, in input order: `line`, then the
//!   screening result, or for a refused record `line`, `id` (if readable), `status:
//!   "refused"` and `error` (`kind`, `path`, `message`);
//! - `screening_results.csv`: `line`, `id`, `screening_date`, `status`, `error` and one column
//!   per criterion holding its outcome;
//! - `screening_summary.json`: the counts and ranked reasons of the report.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use amimestrocel_dkd::eligibility::{
    screen_json_batch, ProtocolConfig, ScreeningError, ScreeningRecord, ScreeningResult,
};
use amimestrocel_dkd::jsonl::{JsonLines, LineError};
use amimestrocel_dkd::tools::report::{csv_header, csv_row_screened, ScreeningTally};
use serde::Serialize;

use crate::output::OutputSet;
use crate::Failure;

/// Lines screened together: enough to keep both cores busy, few enough that memory does not
/// depend on the cohort (about 3 MB of results per chunk).
pub const CHUNK: usize = 4096;

/// The output files, in the order they are renamed.
pub const OUTPUTS: [&str; 3] = ["screening_results.csv", "screening_results.jsonl", "screening_summary.json"];

/// The bundled synthetic cohort.
pub fn bundled_cohort() -> PathBuf {
    Path::new(crate::DATA).join("screening_cohort.jsonl")
}

/// One record's line in `screening_results.jsonl`.
#[derive(Serialize)]
struct Screened<'a> {
    line: u64,
    #[serde(flatten)]
    result: &'a ScreeningResult,
}

/// A refused record's line in `screening_results.jsonl`.
#[derive(Serialize)]
struct Refused<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    status: &'static str,
    error: RefusedError<'a>,
}

#[derive(Serialize)]
struct RefusedError<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    message: String,
}

/// What one line became.
enum Outcome {
    Screened(Box<ScreeningResult>),
    Refused { id: Option<String>, kind: &'static str, path: Option<String>, message: String },
}

/// Runs the screening; returns the report text for standard output.
///
/// # Errors
/// [`Failure`] if the configuration or the input cannot be read, an output cannot be written,
/// or `interrupted` is set (by SIGINT/SIGTERM) before the outputs are complete. In every case
/// the previous outputs are left as they were.
pub fn run(
    input: Option<&Path>,
    out_dir: &Path,
    config_path: Option<&Path>,
    interrupted: &AtomicBool,
) -> Result<String, Failure> {
    let config = match config_path {
        None => ProtocolConfig::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Failure::run(format!("cannot read the configuration {}: {e}", p.display())))?;
            ProtocolConfig::from_json(&text)
                .map_err(|e| Failure::run(format!("the configuration {} is refused: {e}", p.display())))?
        }
    };
    config.validate().map_err(|e| Failure::run(format!("the configuration is refused: {e}")))?;
    let path = input.map_or_else(bundled_cohort, Path::to_path_buf);
    let file = File::open(&path).map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
    let mut lines = JsonLines::new(BufReader::with_capacity(1 << 20, file));
    let mut outputs = OutputSet::create(out_dir, &OUTPUTS)
        .map_err(|e| Failure::run(format!("cannot write into {}: {e}", out_dir.display())))?;
    let write_err = |e: io::Error| Failure::run(format!("cannot write into {}: {e}", out_dir.display()));
    let mut header = String::from("line,");
    header.push_str(&csv_header());
    header.push('\n');
    outputs.writer(0).and_then(|w| w.write_all(header.as_bytes())).map_err(write_err)?;

    let mut tally = ScreeningTally::new();
    let mut chunk: Vec<(u64, Result<String, LineError>)> = Vec::with_capacity(CHUNK);
    let mut read = 0u64;
    let mut next_progress = 100_000u64;
    loop {
        chunk.clear();
        for line in lines.by_ref().take(CHUNK) {
            let line = line.map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
            chunk.push((line.number, line.text));
        }
        if chunk.is_empty() {
            break;
        }
        if interrupted.load(Ordering::Relaxed) {
            return Err(Failure::interrupted());
        }
        for (number, outcome) in screen_chunk(&chunk, &config)? {
            write_one(&mut outputs, number, &outcome).map_err(write_err)?;
            match &outcome {
                Outcome::Screened(r) => tally.add_screened(r),
                Outcome::Refused { kind, .. } => tally.add_refused(kind),
            }
        }
        read += chunk.len() as u64;
        if read >= next_progress {
            eprintln!("dkd-report: screened {read} records");
            next_progress += 100_000;
        }
    }
    if interrupted.load(Ordering::Relaxed) {
        return Err(Failure::interrupted());
    }
    let summary = tally.summary();
    let json = serde_json::to_vec_pretty(&summary).map_err(|e| Failure::run(e.to_string()))?;
    outputs.writer(2).and_then(|w| w.write_all(&json)).map_err(write_err)?;
    let targets: Vec<String> = outputs.targets().iter().map(|p| p.display().to_string()).collect();
    outputs.commit().map_err(write_err)?;

    let mut report = String::new();
    // The bundled cohort is named as the repository names it, not by the path it had on the
    // machine that built the binary.
    let shown = match input {
        None => "data/screening_cohort.jsonl (the bundled synthetic cohort)".to_owned(),
        Some(p) => p.display().to_string(),
    };
    report.push_str(&format!("NCT06969807 screening report — {shown} ({} records)\n", summary.screened));
    report.push_str(&format!("Configuration: {}, eGFR by {}\n", config.version, config.egfr_equation));
    if lines.blank_lines() > 0 {
        report.push_str(&format!("Blank lines passed over: {}\n", lines.blank_lines()));
    }
    report.push('\n');
    report.push_str(&summary.to_string());
    report.push('\n');
    report.push_str(&format!("Per-candidate results: {}, {}; summary: {}\n", targets[1], targets[0], targets[2]));
    Ok(report)
}

/// Screens the text lines of a chunk (on every core) and pairs every line with its outcome.
fn screen_chunk(
    chunk: &[(u64, Result<String, LineError>)],
    config: &ProtocolConfig,
) -> Result<Vec<(u64, Outcome)>, Failure> {
    let texts: Vec<&str> = chunk.iter().filter_map(|(_, t)| t.as_deref().ok()).collect();
    let mut screened = screen_json_batch(&texts, config)
        .map_err(|e| Failure::run(format!("the configuration is refused: {e}")))?
        .into_iter()
        .zip(texts);
    let mut out = Vec::with_capacity(chunk.len());
    for (number, text) in chunk {
        let outcome = match text {
            Err(e) => Outcome::Refused { id: None, kind: e.kind(), path: None, message: e.to_string() },
            Ok(_) => match screened.next() {
                Some((Ok(result), _)) => Outcome::Screened(Box::new(result)),
                Some((Err(e), text)) => refused(&e, text),
                // Not reached: one result per text.
                None => return Err(Failure::run("internal error: a record lost its result".to_owned())),
            },
        };
        out.push((*number, outcome));
    }
    Ok(out)
}

fn refused(e: &ScreeningError, text: &str) -> Outcome {
    let path = match e {
        ScreeningError::Record(r) => Some(r.path().to_owned()),
        ScreeningError::Config(c) => Some(c.field.clone()),
    };
    Outcome::Refused { id: ScreeningRecord::id_in_json(text), kind: e.kind(), path, message: e.to_string() }
}

/// Writes one line's outcome to the CSV and the JSON lines.
fn write_one(outputs: &mut OutputSet, number: u64, outcome: &Outcome) -> io::Result<()> {
    let (csv, json) = match outcome {
        Outcome::Screened(r) => (csv_row_screened(r), serde_json::to_vec(&Screened { line: number, result: r })?),
        Outcome::Refused { id, kind, path, message } => {
            let what = match path {
                Some(p) => format!("{kind} at {p}"),
                None => (*kind).to_owned(),
            };
            let json = serde_json::to_vec(&Refused {
                line: number,
                id: id.as_deref(),
                status: "refused",
                error: RefusedError { kind, path: path.as_deref(), message: message.clone() },
            })?;
            (refused_csv_row(id.as_deref().unwrap_or(""), &what), json)
        }
    };
    let w = outputs.writer(0)?;
    write!(w, "{number},")?;
    w.write_all(csv.as_bytes())?;
    w.write_all(b"\n")?;
    let w = outputs.writer(1)?;
    w.write_all(&json)?;
    w.write_all(b"\n")
}

/// The CSV row of a refused record: its id (if readable) and what was wrong.
fn refused_csv_row(id: &str, what: &str) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut row = format!("{},,refused,{}", quote(id), quote(what));
    row.push_str(&",".repeat(amimestrocel_dkd::eligibility::CriterionId::ALL.len()));
    row
}
