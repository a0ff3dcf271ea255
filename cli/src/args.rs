//! The command line, read strictly: every argument is a known command, a known option with
//! its value, or the one input path a command takes. Anything else is a usage error, never a
//! file name (`--version` is not a cohort).

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Screen a cohort of screening records (JSON lines).
    Screen {
        /// The cohort (default: the bundled synthetic one).
        input: Option<PathBuf>,
        /// Where the per-candidate outputs go.
        out: PathBuf,
        /// A protocol configuration (JSON) instead of the default readings.
        config: Option<PathBuf>,
    },
    /// The eGFR table of a cohort CSV.
    Egfr {
        /// The CSV (default: the bundled one).
        input: Option<PathBuf>,
    },
    /// Synthetic screening records, or participants' timelines, as JSON lines on standard
    /// output.
    Generate {
        /// What to generate.
        what: Generated,
        /// The generator's seed.
        seed: u64,
        /// How many records.
        count: u64,
    },
    /// The visit schedule of a cohort on a date.
    Schedule {
        /// Participants' schedules as JSON lines (default: the bundled synthetic follow-up).
        input: Option<PathBuf>,
        /// The status date (default: the bundled follow-up's date).
        on: Option<chrono::NaiveDate>,
    },
    /// The endpoints of a cohort of participant timelines.
    Endpoints {
        /// Timelines as JSON lines (default: the bundled synthetic follow-up's).
        input: Option<PathBuf>,
        /// Where the analysis datasets go.
        out: PathBuf,
    },
    /// Print the usage.
    Help,
    /// Print the version.
    Version,
}

/// What `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// Screening records (`records`, the default).
    Records,
    /// Participants' timelines with follow-up (`timelines`), the input of `endpoints`.
    Timelines,
}

/// The usage text.
pub const USAGE: &str = "\
usage: dkd-report [screen] [COHORT.jsonl] [--out DIR] [--config CONFIG.json]
       dkd-report egfr [COHORT.csv]
       dkd-report schedule [PARTICIPANTS.jsonl] [--on YYYY-MM-DD]
       dkd-report endpoints [TIMELINES.jsonl] [--out DIR]
       dkd-report generate [records|timelines] [--seed S] [--count N]
       dkd-report --help | --version

screen    screens a cohort of screening records (JSON lines; default: the bundled synthetic
          cohort), prints the screening report and writes DIR/screening_results.jsonl,
          DIR/screening_results.csv and DIR/screening_summary.json (default DIR: out),
          all three replaced together or not at all; with no COHORT it is the main job, which
          also prints the schedule and endpoints and writes their datasets and the trial report
schedule  prints the visit schedule of a cohort on a date: each visit's states, the deviations
          (participants' schedules as JSON lines, docs/schedule.md; default: the bundled
          synthetic follow-up of 120 participants on 2026-12-01)
endpoints derives the trial's endpoints for participants' timelines (JSON lines,
          docs/endpoints.md; default: the bundled synthetic follow-up with its measurements),
          writes DIR/endpoints_{bds,adsl}.csv and .parquet (default DIR: out) and prints
          the endpoint report; the main job (no command) prints it after the schedule
egfr      prints eGFR by every equation for a cohort CSV (default: the bundled one)
generate  writes synthetic screening records as JSON lines (default: the bundled cohort's
          seed and count), or with `timelines` participants' timelines with follow-up
          (the input of `endpoints`; default: the bundled follow-up's seed and count)

exit status: 0 done; 1 the run failed (its message says whether outputs were replaced before
             it: an output set is replaced whole or not at all); 2 usage error; 130 interrupted
             (SIGINT or SIGTERM; a second one ends the run, once any outputs being renamed into
             place are)";

/// The defaults of `generate`: the bundled cohort.
const DEFAULT_SEED: u64 = amimestrocel_dkd::tools::synthetic::BUNDLED_SEED;
const DEFAULT_COUNT: u64 = amimestrocel_dkd::tools::synthetic::BUNDLED_COUNT as u64;
/// The defaults of `generate timelines`: the bundled follow-up.
const TIMELINES_SEED: u64 = amimestrocel_dkd::tools::follow_up::BUNDLED_SEED;
const TIMELINES_COUNT: u64 = amimestrocel_dkd::tools::follow_up::BUNDLED_COUNT as u64;

/// Reads the arguments (without the program name).
///
/// # Errors
/// A one-line message for an unknown command or option, an option without its value, a
/// value that does not parse, or an argument too many.
pub fn parse(args: &[OsString]) -> Result<Command, String> {
    // After `--` every argument is a file name (a file may be called `--help`).
    let options = || args.iter().take_while(|a| *a != "--");
    if options().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help);
    }
    if options().any(|a| a == "-V" || a == "--version") {
        return Ok(Command::Version);
    }
    let (name, rest) = match args.first().and_then(|a| a.to_str()) {
        Some(c @ ("screen" | "egfr" | "generate" | "schedule" | "endpoints" | "help")) => (c, &args[1..]),
        _ => ("screen", args),
    };
    let options: &[&str] = match name {
        "screen" => &["--out", "--config"],
        "endpoints" => &["--out"],
        "generate" => &["--seed", "--count"],
        "schedule" => &["--on"],
        _ => &[],
    };
    let (values, positional) = split(rest, options)?;
    let value = |option: &str| values.iter().rev().find(|(o, _)| *o == option).map(|(_, v)| v.clone());
    let max_positional = match name {
        "screen" | "egfr" | "schedule" | "endpoints" | "generate" => 1,
        _ => 0,
    };
    if let Some(extra) = positional.get(max_positional) {
        return Err(format!("unexpected argument `{}` (see --help)", extra.to_string_lossy()));
    }
    let input = positional.first().map(PathBuf::from);
    match name {
        "help" => Ok(Command::Help),
        "egfr" => Ok(Command::Egfr { input }),
        "endpoints" => {
            Ok(Command::Endpoints { input, out: value("--out").map_or_else(|| PathBuf::from("out"), PathBuf::from) })
        }
        "schedule" => Ok(Command::Schedule {
            input,
            on: value("--on")
                .map(|v| {
                    amimestrocel_dkd::date::parse_iso_date(&v.to_string_lossy())
                        .map_err(|_| "--on needs a date YYYY-MM-DD".to_owned())
                })
                .transpose()?,
        }),
        "generate" => {
            let (what, seed, count) = match positional.first().map(|p| p.to_string_lossy()) {
                None => (Generated::Records, DEFAULT_SEED, DEFAULT_COUNT),
                Some(p) if p == "records" => (Generated::Records, DEFAULT_SEED, DEFAULT_COUNT),
                Some(p) if p == "timelines" => (Generated::Timelines, TIMELINES_SEED, TIMELINES_COUNT),
                Some(p) => return Err(format!("generate writes `records` or `timelines`, not `{p}`")),
            };
            Ok(Command::Generate {
                what,
                seed: value("--seed").map(|v| number("--seed", &v)).transpose()?.unwrap_or(seed),
                count: value("--count").map(|v| number("--count", &v)).transpose()?.unwrap_or(count),
            })
        }
        _ => Ok(Command::Screen {
            input,
            out: value("--out").map_or_else(|| PathBuf::from("out"), PathBuf::from),
            config: value("--config").map(PathBuf::from),
        }),
    }
}

type Split = (Vec<(&'static str, OsString)>, Vec<OsString>);

/// Separates `--option value` / `--option=value` pairs (for the options in `known`) from the
/// positional arguments; `--` ends the options.
fn split(args: &[OsString], known: &[&'static str]) -> Result<Split, String> {
    let (mut values, mut positional) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            positional.extend(it.cloned());
            break;
        }
        if !text.starts_with('-') || text == "-" {
            positional.push(arg.clone());
            continue;
        }
        let (flag, inline) = match text.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(OsString::from(v))),
            None => (text.clone().into_owned(), None),
        };
        let Some(&option) = known.iter().find(|k| **k == flag) else {
            return Err(format!("unknown option `{flag}` (see --help)"));
        };
        let value = match inline {
            Some(v) => v,
            None => it.next().cloned().ok_or_else(|| format!("{option} needs a value"))?,
        };
        if value.is_empty() {
            return Err(format!("{option} needs a value"));
        }
        values.push((option, value));
    }
    Ok((values, positional))
}

/// A whole number from 0 to `u64::MAX`.
fn number(option: &str, value: &OsStr) -> Result<u64, String> {
    value
        .to_str()
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| format!("{option} must be a whole number from 0 to {}", u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    fn screen(input: Option<&str>, out: &str, config: Option<&str>) -> Command {
        Command::Screen { input: input.map(PathBuf::from), out: PathBuf::from(out), config: config.map(PathBuf::from) }
    }

    #[test]
    fn screening_is_the_default_command() {
        assert_eq!(run(&[]), Ok(screen(None, "out", None)));
        assert_eq!(run(&["c.jsonl"]), Ok(screen(Some("c.jsonl"), "out", None)));
        assert_eq!(run(&["screen", "c.jsonl", "--out", "o"]), Ok(screen(Some("c.jsonl"), "o", None)));
        assert_eq!(run(&["--out=o", "--config", "k.json"]), Ok(screen(None, "o", Some("k.json"))));
    }

    #[test]
    fn help_and_version_are_flags_not_paths() {
        assert_eq!(run(&["--version"]), Ok(Command::Version));
        assert_eq!(run(&["screen", "-V"]), Ok(Command::Version));
        assert_eq!(run(&["generate", "--help"]), Ok(Command::Help));
        assert_eq!(run(&["help"]), Ok(Command::Help));
        // After `--`, a file may be called `--help`.
        assert_eq!(run(&["screen", "--", "--help"]), Ok(screen(Some("--help"), "out", None)));
    }

    #[test]
    fn unknown_options_are_usage_errors() {
        assert_eq!(run(&["--foo"]), Err("unknown option `--foo` (see --help)".into()));
        assert_eq!(run(&["egfr", "--out", "o"]), Err("unknown option `--out` (see --help)".into()));
        assert_eq!(run(&["generate", "--out", "o"]), Err("unknown option `--out` (see --help)".into()));
        assert_eq!(
            run(&["endpoints", "t.jsonl", "--out", "o"]),
            Ok(Command::Endpoints { input: Some(PathBuf::from("t.jsonl")), out: PathBuf::from("o") })
        );
    }

    #[test]
    fn extra_arguments_are_usage_errors() {
        assert_eq!(run(&["a.jsonl", "b.jsonl"]), Err("unexpected argument `b.jsonl` (see --help)".into()));
        assert_eq!(run(&["generate", "10"]), Err("generate writes `records` or `timelines`, not `10`".into()));
        assert_eq!(run(&["generate", "timelines", "10"]), Err("unexpected argument `10` (see --help)".into()));
        assert_eq!(run(&["egfr", "a.csv", "b.csv"]), Err("unexpected argument `b.csv` (see --help)".into()));
    }

    #[test]
    fn counts_are_whole_non_negative_numbers() {
        let msg = format!("--count must be a whole number from 0 to {}", u64::MAX);
        assert_eq!(run(&["generate", "--count", "-1"]), Err(msg.clone()));
        assert_eq!(run(&["generate", "--count", "1.5"]), Err(msg.clone()));
        assert_eq!(run(&["generate", "--count", "99999999999999999999999"]), Err(msg));
        assert_eq!(run(&["generate", "--count"]), Err("--count needs a value".into()));
        assert_eq!(run(&["generate", "--count="]), Err("--count needs a value".into()));
        let records = Generated::Records;
        assert_eq!(
            run(&["generate", "--count", "0", "--seed", "7"]),
            Ok(Command::Generate { what: records, seed: 7, count: 0 })
        );
        assert_eq!(
            run(&["generate"]),
            Ok(Command::Generate { what: records, seed: DEFAULT_SEED, count: DEFAULT_COUNT })
        );
        assert_eq!(
            run(&["generate", "timelines", "--count", "5"]),
            Ok(Command::Generate { what: Generated::Timelines, seed: TIMELINES_SEED, count: 5 })
        );
        assert_eq!(run(&["generate", "cats"]), Err("generate writes `records` or `timelines`, not `cats`".into()));
    }

    #[test]
    fn a_double_dash_ends_the_options() {
        assert_eq!(run(&["screen", "--", "--odd-name.jsonl"]), Ok(screen(Some("--odd-name.jsonl"), "out", None)));
    }
}
