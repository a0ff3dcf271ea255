//! The main job's endpoint report: baseline characteristics, the primary endpoints at week 28,
//! the secondary parameters at each visit, outcome proportions at the landmark visits, time to
//! event and safety, as report blocks ([`super::document`]) from a [`CohortReport`].

use crate::endpoints::stats::Summary;
use crate::endpoints::{CohortReport, ParameterVisitSummary};

use super::document::{to_markdown, Block};

fn fixed(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

fn mean_ci(s: &Summary, decimals: usize) -> String {
    match (s.mean, s.ci) {
        (Some(m), Some((lo, hi))) => format!("{m:.decimals$} ({lo:.decimals$} to {hi:.decimals$})"),
        (Some(m), None) => format!("{m:.decimals$}"),
        _ => "–".to_owned(),
    }
}

fn mean_sd(s: &Summary, decimals: usize) -> String {
    match (s.mean, s.sd) {
        (Some(m), Some(sd)) => format!("{m:.decimals$} ({sd:.decimals$})"),
        (Some(m), None) => format!("{m:.decimals$}"),
        _ => "–".to_owned(),
    }
}

fn median_iqr(s: &Summary, decimals: usize) -> String {
    match (s.median, s.q1, s.q3) {
        (Some(m), Some(a), Some(b)) => format!("{m:.decimals$} ({a:.decimals$} to {b:.decimals$})"),
        _ => "–".to_owned(),
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", 100.0 * v))
}

/// A Wilson interval as percentages, `–` when there is none.
fn percent_ci(ci: Option<(f64, f64)>) -> String {
    ci.map_or_else(|| "–".to_owned(), |(lo, hi)| format!("{} to {}", percent(Some(lo)), percent(Some(hi))))
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

fn visit_row(v: &ParameterVisitSummary) -> Vec<String> {
    let (chg, pchg) = (v.chg.as_ref(), v.pchg.as_ref());
    let mut row = vec![
        v.paramcd.clone(),
        v.avisit.clone(),
        chg.map_or(0, |s| s.n).to_string(),
        chg.map_or(0, |s| s.missing).to_string(),
        v.not_due.to_string(),
        chg.map_or_else(|| "–".to_owned(), |s| mean_ci(s, 2)),
        pchg.map_or_else(|| "–".to_owned(), |s| mean_ci(s, 1)),
    ];
    row.push(v.geometric_ratio.map_or_else(String::new, |g| {
        let ci = g.ci.map_or_else(String::new, |(lo, hi)| format!(" ({lo:.3} to {hi:.3})"));
        format!("{:.3}{ci}", g.ratio)
    }));
    row
}

/// The baseline characteristics of the dosed participants: their count, women, age, and the
/// baseline value of the main parameters (the report's summaries at `baseline`).
fn baseline(report: &CohortReport) -> Vec<Vec<String>> {
    let dosed = report.dosed;
    let mut rows = vec![strings(["participants dosed", &dosed.to_string(), "", ""])];
    rows.push(vec![
        "women".into(),
        report.women.to_string(),
        percent((dosed > 0).then(|| report.women as f64 / dosed as f64)),
        String::new(),
    ]);
    let age = &report.age;
    rows.push(vec!["age, years: mean (SD)".into(), age.n.to_string(), mean_sd(age, 1), age.missing.to_string()]);
    for (code, label, mean) in [
        ("EGFR", "eGFR, mL/min/1.73 m²: mean (SD)", true),
        ("UPRO24", "24-hour urine protein, g: median (IQR)", false),
        ("UACR", "UACR, mg/g: median (IQR)", false),
        ("HBA1C", "HbA1c, %: mean (SD)", true),
    ] {
        match report.visits.iter().find(|v| v.paramcd == code && v.avisit == "baseline") {
            Some(v) => {
                let s = &v.aval;
                let text = if mean { mean_sd(s, 1) } else { median_iqr(s, 1) };
                rows.push(vec![label.to_owned(), s.n.to_string(), text, s.missing.to_string()]);
            }
            // No dosed participant has a baseline value of it.
            None => rows.push(vec![label.to_owned(), "0".into(), "–".into(), dosed.to_string()]),
        }
    }
    rows
}

/// The endpoint report as blocks.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::endpoints::{derive, summarise_cohort, EndpointConfig};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::{endpoint_report::render, follow_up::bundled_as_of, timelines::timelines};
/// let plan = ScheduleConfig::bundled()?;
/// let config = EndpointConfig::default();
/// let derived = timelines(1, 20, bundled_as_of(), &plan)?
///     .into_iter()
///     .map(|t| derive(&t.check()?, &plan, &config))
///     .collect::<Result<Vec<_>, _>>()?;
/// let text = render(&summarise_cohort(&derived, &plan, &config)?);
/// assert!(text.contains("Primary endpoints at week 28"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn blocks(report: &CohortReport) -> Vec<Block> {
    let mut out = vec![
        Block::Heading(2, "Endpoints".into()),
        Block::Paragraph(format!(
            "{} participants, {} dosed (the analysis set); {} values not usable. Observed values only: a visit \
             without a value is missing (counted), one not yet due is left out. In the tables by visit, n counts \
             the changes from baseline: a participant without a baseline value is missing there too.",
            report.participants, report.dosed, report.unusable
        )),
        Block::Heading(3, "Baseline characteristics".into()),
        Block::Table(strings(["characteristic", "n", "value", "missing"]), baseline(report)),
    ];
    let header = strings([
        "param",
        "visit",
        "n",
        "missing",
        "not due",
        "change, mean (95 % CI)",
        "% change, mean (95 % CI)",
        "geometric mean ratio (95 % CI)",
    ]);
    let primary = |v: &&ParameterVisitSummary| v.avisit == "w28" && (v.paramcd == "UPRO24" || v.paramcd == "EGFR");
    out.push(Block::Heading(3, "Primary endpoints at week 28".into()));
    out.push(Block::Table(header.clone(), report.visits.iter().filter(primary).map(visit_row).collect()));
    out.push(Block::Heading(3, "Secondary parameters by visit".into()));
    out.push(Block::Table(
        header,
        report.visits.iter().filter(|v| v.avisit != "baseline" && !primary(v)).map(visit_row).collect(),
    ));
    out.push(Block::Heading(3, "Outcomes at landmark visits".into()));
    out.push(Block::Paragraph(
        "Proportion of the participants whose answer is known, with Wilson 95 % intervals; \"not known\" are those \
         followed less long without the event and, for the renal composite, those without a baseline eGFR to \
         measure a decline from (also left out of its Kaplan–Meier estimate below). Where most are not known yet, \
         those known are mostly those with the event: read the Kaplan–Meier estimates below."
            .into(),
    ));
    out.push(Block::Table(
        strings(["outcome", "visit", "events", "known", "not known", "proportion", "95 % CI"]),
        report
            .landmarks
            .iter()
            .map(|l| {
                let p = &l.proportion;
                vec![
                    l.outcome.clone(),
                    l.visit.clone(),
                    p.events.to_string(),
                    p.n.to_string(),
                    p.missing.to_string(),
                    percent(p.estimate),
                    percent_ci(p.ci),
                ]
            })
            .collect(),
    ));
    out.push(Block::Heading(3, "Time to event".into()));
    out.push(Block::Paragraph(
        "Kaplan–Meier estimates of being free of the event, days from the first infusion, censored at the last contact \
         or month 24 (Greenwood standard errors, log(−log) intervals)."
            .into(),
    ));
    out.push(Block::Table(
        strings(["outcome", "events", "participants", "median", "at 182 days", "at 365 days", "at 547 days"]),
        report
            .time_to_event
            .iter()
            .map(|t| {
                vec![
                    t.outcome.clone(),
                    t.km.events.to_string(),
                    t.km.n.to_string(),
                    t.km.median.map_or_else(|| "not reached".to_owned(), |m| format!("{m:.0} days")),
                    percent(Some(t.km.survival_at(182.0))),
                    percent(Some(t.km.survival_at(365.0))),
                    percent(Some(t.km.survival_at(547.0))),
                ]
            })
            .collect(),
    ));
    out.push(Block::Heading(3, "Safety".into()));
    out.push(Block::Paragraph(
        "Participants with adverse events starting within 28 weeks of the first infusion, of the dosed; and with a \
         new malignancy within 24 months, of those whose 24 months are known (Wilson 95 % intervals)."
            .into(),
    ));
    out.push(Block::Table(
        strings(["what", "participants", "of", "proportion", "95 % CI"]),
        report
            .safety
            .iter()
            .map(|s| {
                let p = &s.proportion;
                vec![
                    s.what.strip_prefix("term:").map_or_else(|| s.what.clone(), |t| format!("  {t}")),
                    p.events.to_string(),
                    p.n.to_string(),
                    percent(p.estimate),
                    percent_ci(p.ci),
                ]
            })
            .collect(),
    ));
    let slope = &report.egfr_slope;
    out.push(Block::Paragraph(format!(
        "eGFR slope (mL/min/1.73 m² per year, least squares from baseline, participants with at least 3 values): \
         n {}, mean {}, median {}.",
        slope.n,
        mean_ci(slope, 2),
        fixed(slope.median, 2)
    )));
    out
}

/// The endpoint report as Markdown.
pub fn render(report: &CohortReport) -> String {
    to_markdown(&blocks(report))
}
