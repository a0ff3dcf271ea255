//! `dkd-report endpoints`: the trial's endpoints for a cohort. Reads participants' timelines as
//! JSON lines (`docs/endpoints.md`), one at a time, or the bundled synthetic follow-up with its
//! measurements; writes the analysis datasets DIR/endpoints_bds.csv and DIR/endpoints_adsl.csv,
//! and the same as DIR/endpoints_bds.parquet and DIR/endpoints_adsl.parquet (replaced together),
//! a participant at a time, and prints the endpoint report. A line that is
//! not a valid timeline is counted as refused, with its line number and error on standard
//! error: nothing is dropped silently. Each participant's derived endpoints are written and
//! added to the cohort summaries ([`CohortSummaries`]), then dropped: what stays is the numbers
//! exact medians and Kaplan–Meier need (a few kB per participant), not the participants.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use amimestrocel_dkd::endpoints::{
    derive, write_adsl_row, write_bds_rows, CohortSummaries, EndpointConfig, ParticipantEndpoints, ParticipantTimeline,
    ADSL_COLUMNS, BDS_COLUMNS,
};
use amimestrocel_dkd::jsonl::JsonLines;
use amimestrocel_dkd::schedule::ScheduleConfig;
use amimestrocel_dkd::tools::document::Block;
use amimestrocel_dkd::tools::{endpoint_report, follow_up, timelines};

use crate::output::OutputSet;
use crate::parquet::Dataset;
use crate::Failure;

const NAMES: [&str; 4] = ["endpoints_bds.csv", "endpoints_adsl.csv", "endpoints_bds.parquet", "endpoints_adsl.parquet"];

/// Derives, writes and reports `input` (default: the bundled synthetic timelines): the report
/// as text for the terminal, and as blocks for the trial report. Once `interrupted` is set, it
/// stops before the next participant (the output set is then not replaced).
pub fn run(input: Option<&Path>, out: &Path, interrupted: &AtomicBool) -> Result<(String, Vec<Block>), Failure> {
    let plan = ScheduleConfig::bundled().map_err(|e| Failure::run(format!("the schedule plan is refused: {e}")))?;
    let config = EndpointConfig::default();
    let write_error = |e: std::io::Error| Failure::run(format!("cannot write {}: {e}", out.display()));
    let mut set = OutputSet::create(out, &NAMES).map_err(write_error)?;
    use std::io::Write as _;
    writeln!(set.writer(0).map_err(write_error)?, "{}", BDS_COLUMNS.join(",")).map_err(write_error)?;
    writeln!(set.writer(1).map_err(write_error)?, "{}", ADSL_COLUMNS.join(",")).map_err(write_error)?;
    let parquet_error = |e: parquet::errors::ParquetError| Failure::run(format!("cannot write Parquet: {e}"));
    let mut bds = Dataset::bds(set.owned_writer(2).map_err(write_error)?).map_err(parquet_error)?;
    let mut adsl = Dataset::adsl(set.owned_writer(3).map_err(write_error)?).map_err(parquet_error)?;
    let mut summaries = CohortSummaries::new(&plan, &config).map_err(|e| Failure::run(format!("the report: {e}")))?;
    let mut refused = 0usize;
    let mut keep = |set: &mut OutputSet, p: ParticipantEndpoints| -> Result<(), Failure> {
        if interrupted.load(Ordering::Relaxed) {
            return Err(Failure::interrupted());
        }
        write_bds_rows(set.writer(0).map_err(write_error)?, &p).map_err(write_error)?;
        write_adsl_row(set.writer(1).map_err(write_error)?, &p).map_err(write_error)?;
        bds.push_bds(&p).map_err(parquet_error)?;
        adsl.push_adsl(&p).map_err(parquet_error)?;
        summaries.add(&p);
        Ok(())
    };
    match input {
        None => {
            let cohort = timelines::timelines(
                follow_up::BUNDLED_SEED,
                follow_up::BUNDLED_COUNT,
                follow_up::bundled_as_of(),
                &plan,
            )
            .map_err(|e| Failure::run(format!("the synthetic timelines: {e}")))?;
            for t in cohort {
                let p = t
                    .check()
                    .and_then(|t| derive(&t, &plan, &config))
                    .map_err(|e| Failure::run(format!("a synthetic timeline is refused (a bug): {e}")))?;
                keep(&mut set, p)?;
            }
        }
        Some(path) => {
            let file = File::open(path).map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
            for line in JsonLines::new(BufReader::new(file)) {
                let line = line.map_err(|e| Failure::run(format!("cannot read {}: {e}", path.display())))?;
                if interrupted.load(Ordering::Relaxed) {
                    return Err(Failure::interrupted());
                }
                let text = match &line.text {
                    Ok(text) => text,
                    Err(e) => {
                        eprintln!("dkd-report: {e}");
                        refused += 1;
                        continue;
                    }
                };
                match ParticipantTimeline::from_json(text)
                    .and_then(ParticipantTimeline::check)
                    .and_then(|t| derive(&t, &plan, &config))
                {
                    Ok(p) => keep(&mut set, p)?,
                    Err(e) => {
                        eprintln!("dkd-report: line {}: {} at {}: {e}", line.number, e.kind(), e.path());
                        refused += 1;
                    }
                }
            }
        }
    }
    if interrupted.load(Ordering::Relaxed) {
        return Err(Failure::interrupted());
    }
    bds.close().map_err(parquet_error)?;
    adsl.close().map_err(parquet_error)?;
    let report = summaries.finish().map_err(|e| Failure::run(format!("the report: {e}")))?;
    let targets: Vec<String> = set.targets().iter().map(|p| p.display().to_string()).collect();
    set.commit().map_err(write_error)?;
    let mut blocks = endpoint_report::blocks(&report);
    if refused > 0 {
        blocks.push(Block::Paragraph(format!("Refused timelines: {refused} (see standard error).")));
    }
    let mut text = amimestrocel_dkd::tools::document::to_markdown(&blocks);
    text.push_str(&format!("Analysis datasets: {}\n", targets.join(", ")));
    Ok((text, blocks))
}
