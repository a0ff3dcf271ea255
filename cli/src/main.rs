//! `dkd-report`, the main job of amimestrocel-dkd.
//!
//! - `dkd-report [screen] [COHORT.jsonl] [--out DIR] [--config CONFIG.json]`: screens a cohort
//!   of screening records (default: the bundled synthetic `data/screening_cohort.jsonl`),
//!   streaming, prints the screening report (counts and a CONSORT-style flow with exclusion
//!   reasons ranked) and writes the per-candidate results ([`screen`]). Run without a cohort
//!   (the main job), it then prints the visit schedule of the bundled synthetic follow-up.
//! - `dkd-report schedule [PARTICIPANTS.jsonl] [--on DATE]`: the visit schedule of a cohort on a
//!   date (each visit's states, deviations), streaming ([`schedule`]).
//! - `dkd-report endpoints [TIMELINES.jsonl] [--out DIR]`: the trial's endpoints for a cohort of
//!   participant timelines (default: the bundled synthetic follow-up with its measurements):
//!   the analysis datasets and the endpoint report ([`endpoints`]). The main job prints it too.
//! - `dkd-report egfr [COHORT.csv]`: eGFR by every equation for a CSV of patients (default:
//!   the bundled `data/synthetic_cohort.csv`), printed as a table, streaming.
//! - `dkd-report generate [--seed S] [--count N]`: synthetic screening records as JSON lines,
//!   streaming.
//!
//! Exit status: 0 done; 1 the run failed (the message says why; outputs are not touched);
//! 2 a usage error; 130 interrupted by SIGINT or SIGTERM (outputs are not touched). A closed
//! standard output (`dkd-report generate | head`) ends a command early with status 0.

mod args;
mod endpoints;
mod output;
mod parquet;
mod schedule;
mod screen;
mod trial_report;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use amimestrocel_dkd::egfr::EgfrEquation;
use amimestrocel_dkd::schedule::ScheduleConfig;
use amimestrocel_dkd::tools::cohort::{egfr_row, rows};
use amimestrocel_dkd::tools::{follow_up, synthetic, timelines};

use args::{Command, Generated};

/// The bundled data.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data");

/// Why a run did not complete: a message and the exit status.
#[derive(Debug)]
pub struct Failure {
    message: String,
    status: u8,
}

impl Failure {
    /// The run failed (status 1).
    pub fn run(message: String) -> Self {
        Failure { message, status: 1 }
    }

    /// Interrupted by a signal (status 130, as a shell reports SIGINT).
    pub fn interrupted() -> Self {
        Failure { message: "interrupted".to_owned(), status: 130 }
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let command = match args::parse(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("dkd-report: {message}");
            return ExitCode::from(2);
        }
    };
    // What the run has already published (output sets replaced), for the message of a later
    // failure: "outputs not updated" only while nothing has been.
    let mut published: Option<&'static str> = None;
    let result = match command {
        Command::Help => emit(&format!("{}\n", args::USAGE)),
        Command::Version => emit(&format!("dkd-report {}\n", env!("CARGO_PKG_VERSION"))),
        Command::Egfr { input } => egfr(input),
        Command::Schedule { input, on } => schedule::run(input.as_deref(), on).and_then(|report| emit(&report)),
        Command::Endpoints { input, out } => {
            let interrupted = on_signals();
            endpoints::run(input.as_deref(), &out, &interrupted).and_then(|(text, _)| {
                published = Some("the endpoint datasets were replaced");
                emit(&text)
            })
        }
        Command::Generate { what, seed, count } => generate(what, seed, count),
        Command::Screen { input, out, config } => {
            let interrupted = on_signals();
            let stop_if_interrupted = || {
                if interrupted.load(Ordering::Relaxed) {
                    Err(Failure::interrupted())
                } else {
                    Ok(())
                }
            };
            // The main job (the bundled cohort) also prints the bundled follow-up's schedule and
            // endpoints; a signal is honoured between its steps.
            let main_job = input.is_none();
            screen::run(input.as_deref(), &out, config.as_deref(), &interrupted).and_then(|screening| {
                published = Some("the screening outputs were replaced");
                emit(&screening)?;
                if !main_job {
                    return Ok(());
                }
                stop_if_interrupted()?;
                let schedule = schedule::run(None, None)?;
                emit(&format!("\n{schedule}"))?;
                stop_if_interrupted()?;
                let (text, blocks) = endpoints::run(None, &out, &interrupted)?;
                published = Some("the screening outputs and the endpoint datasets were replaced");
                emit(&format!("\n{text}"))?;
                stop_if_interrupted()?;
                let paths = trial_report::write(&out, &screening, &schedule, blocks)?;
                published = Some("every output was replaced");
                emit(&format!("Trial report: {paths}\n"))
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let note = match published {
                Some(what) => format!("; {what} before it"),
                None if f.status == 130
                    || f.message.starts_with("cannot write")
                    || f.message.starts_with("cannot read") =>
                {
                    "; outputs not updated".to_owned()
                }
                None => String::new(),
            };
            eprintln!("dkd-report: {}{note}", f.message);
            ExitCode::from(f.status)
        }
    }
}

/// For the commands that write an output set: SIGINT and SIGTERM set the flag returned instead
/// of ending the process, so that the run stops at its next step and removes its temporary
/// files, and the renames that publish the outputs are never cut in two. A second signal, while
/// the first is being honoured, ends the process (status 130): a run blocked on its input, or
/// in a long step, can always be stopped. It waits for renames under way to finish, so an
/// output set is still replaced whole or not at all.
fn on_signals() -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    match signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]) {
        Ok(mut signals) => {
            let flag = Arc::clone(&interrupted);
            std::thread::spawn(move || {
                for _ in signals.forever() {
                    if flag.swap(true, Ordering::SeqCst) {
                        let _renames_done = output::renames_finished();
                        eprintln!("dkd-report: interrupted");
                        std::process::exit(130);
                    }
                }
            });
        }
        Err(e) => eprintln!("dkd-report: cannot handle SIGINT and SIGTERM: {e}"),
    }
    interrupted
}

/// Writes `text` to standard output; a closed pipe is not an error.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::run(format!("cannot write the report: {e}"))),
        _ => Ok(()),
    }
}

/// Synthetic records as JSON lines, one at a time.
fn generate(what: Generated, seed: u64, count: u64) -> Result<(), Failure> {
    let mut out = BufWriter::new(io::stdout().lock());
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let plan = ScheduleConfig::bundled().map_err(|e| Failure::run(format!("the schedule plan is refused: {e}")))?;
    let mut write = || -> io::Result<()> {
        match what {
            Generated::Records => {
                for record in synthetic::records(seed).take(count) {
                    serde_json::to_writer(&mut out, &record)?;
                    out.write_all(b"\n")?;
                }
            }
            // One at a time: memory flat in the count.
            Generated::Timelines => {
                for timeline in timelines::stream(seed, follow_up::bundled_as_of(), &plan).take(count) {
                    let timeline = timeline.map_err(|e| io::Error::other(format!("the synthetic timelines: {e}")))?;
                    serde_json::to_writer(&mut out, &timeline)?;
                    out.write_all(b"\n")?;
                }
            }
        }
        out.flush()
    };
    match write() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::run(format!("cannot write: {e}"))),
        _ => Ok(()),
    }
}

/// The eGFR table, a row at a time.
fn egfr(input: Option<PathBuf>) -> Result<(), Failure> {
    let path = input.unwrap_or_else(|| Path::new(DATA).join("synthetic_cohort.csv"));
    let file = std::fs::File::open(&path).map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
    let mut out = BufWriter::new(io::stdout().lock());
    let width = 20;
    let mut head = format!("{:<9}{:<4}{:>4} ", "id", "sex", "age");
    for eq in EgfrEquation::ALL {
        let _ = write!(head, "{:>width$}", eq.slug());
    }
    let (mut patients, mut refused, mut unreadable) = (0u64, 0u64, 0u64);
    let write = || -> io::Result<Result<(), Failure>> {
        writeln!(out, "{head}")?;
        for row in rows(io::BufReader::new(file)) {
            let row = match row {
                Ok(row) => row,
                // A wrong header or a failed read: the table would be cut short, so the run fails.
                Err(
                    e @ (amimestrocel_dkd::tools::cohort::CohortError::Header { .. }
                    | amimestrocel_dkd::tools::cohort::CohortError::Io { .. }),
                ) => {
                    out.flush()?;
                    return Ok(Err(Failure::run(format!("{}: {e}", path.display()))));
                }
                Err(e) => {
                    // A line that cannot be read keeps its place in the table, by number.
                    unreadable += 1;
                    writeln!(out, "{e}")?;
                    continue;
                }
            };
            patients += 1;
            let mut line = format!("{:<9}{:<4}{:>4} ", row.id, row.sex, row.age);
            let results = egfr_row(&row);
            if results.iter().all(|(_, r)| r.is_err()) {
                refused += 1;
            }
            for (_, result) in results {
                let cell = match result {
                    Ok(e) => format!("{:.1}", e.value()),
                    Err(e) => e.kind().to_owned(),
                };
                let _ = write!(line, "{cell:>width$}");
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out)?;
        writeln!(out, "{patients} patients, {refused} with no estimate by any equation.")?;
        if unreadable > 0 {
            writeln!(out, "{unreadable} lines could not be read (listed above by line number).")?;
        }
        writeln!(out, "Units: mL/min/1.73m² (cockcroft_gault: mL/min, not normalised).")?;
        writeln!(out, "Protocol default equation: {}.", amimestrocel_dkd::egfr::PROTOCOL_DEFAULT_EQUATION)?;
        out.flush()?;
        Ok(Ok(()))
    };
    match write() {
        Ok(result) => result,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::run(format!("cannot write the table: {e}"))),
    }
}
