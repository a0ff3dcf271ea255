//! `dkd-report schedule`: the visit schedule of a cohort on a date. Reads participants'
//! schedules as JSON lines (`docs/schedule.md`), one at a time (memory flat in the number of
//! participants), or the bundled synthetic follow-up; prints the schedule report. A line that
//! is not a valid participant is counted as refused, by error kind, with its line number on
//! standard error: nothing is dropped silently.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use amimestrocel_dkd::jsonl::JsonLines;
use amimestrocel_dkd::schedule::{ParticipantSchedule, ScheduleConfig};
use amimestrocel_dkd::tools::schedule_report::ScheduleTally;
use amimestrocel_dkd::tools::{follow_up, timelines};
use chrono::NaiveDate;

use crate::Failure;

/// The report of `input` (default: the bundled synthetic follow-up) on `on` (default: the
/// bundled follow-up's date).
pub fn run(input: Option<&Path>, on: Option<NaiveDate>) -> Result<String, Failure> {
    let plan = ScheduleConfig::bundled().map_err(|e| Failure::run(format!("the schedule plan is refused: {e}")))?;
    let on = on.unwrap_or_else(follow_up::bundled_as_of);
    let mut tally = ScheduleTally::new();
    match input {
        None => {
            let mut cohort = follow_up::participants(follow_up::BUNDLED_SEED, follow_up::BUNDLED_COUNT, on, &plan)
                .map_err(|e| Failure::run(format!("the synthetic follow-up: {e}")))?;
            // Who left the study (withdrawn, or dead) is drawn with the follow-up's timelines.
            let timelines = timelines::timelines(follow_up::BUNDLED_SEED, follow_up::BUNDLED_COUNT, on, &plan)
                .map_err(|e| Failure::run(format!("the synthetic follow-up: {e}")))?;
            for (p, t) in cohort.iter_mut().zip(&timelines) {
                if p.id != t.id {
                    return Err(Failure::run(
                        "the synthetic follow-up's timelines are not in its schedules' order".into(),
                    ));
                }
                timelines::record_departure(p, t);
            }
            for p in &cohort {
                match p.status(&plan, on) {
                    Ok(status) => tally.add(&status),
                    Err(e) => tally.add_refused(e.kind()),
                }
            }
        }
        Some(path) => {
            let file = File::open(path).map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
            for line in JsonLines::new(BufReader::new(file)) {
                let line = line.map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
                let result = match &line.text {
                    Ok(text) => ParticipantSchedule::from_json(text).and_then(|p| p.status(&plan, on)),
                    Err(e) => {
                        eprintln!("dkd-report: {e}");
                        tally.add_refused(e.kind());
                        continue;
                    }
                };
                match result {
                    Ok(status) => tally.add(&status),
                    Err(e) => {
                        eprintln!("dkd-report: line {}: {} at {}", line.number, e.kind(), e.path());
                        tally.add_refused(e.kind());
                    }
                }
            }
        }
    }
    Ok(tally.render(&plan, on))
}
