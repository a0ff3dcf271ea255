//! The main job's endpoint report: the primary endpoints at week 28, the secondary parameters
//! at each visit, outcome proportions at the landmark visits, time to event and safety, as
//! plain text from a [`CohortReport`].

use std::fmt::Write as _;

use crate::endpoints::stats::Summary;
use crate::endpoints::CohortReport;

fn number(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

fn mean_ci(s: &Summary, decimals: usize) -> String {
    match (s.mean, s.ci) {
        (Some(m), Some((lo, hi))) => format!("{m:.decimals$} ({lo:.decimals$} to {hi:.decimals$})"),
        (Some(m), None) => format!("{m:.decimals$}"),
        _ => "–".to_owned(),
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", 100.0 * v))
}

/// The report as text.
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
pub fn render(report: &CohortReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Endpoints: {} participants, {} dosed (the analysis set); {} values not usable",
        report.participants, report.dosed, report.unusable
    );
    let _ = writeln!(out, "\nPrimary endpoints at week 28 (change from baseline, mean and 95 % CI; observed only):");
    let header = format!(
        "  {:<8} {:<6} {:>4} {:>8} {:>8} {:>26} {:>26}",
        "param", "visit", "n", "missing", "not due", "change", "percent change"
    );
    let _ = writeln!(out, "{header}");
    let row = |out: &mut String, v: &crate::endpoints::ParameterVisitSummary| {
        let (chg, pchg) = (v.chg.as_ref(), v.pchg.as_ref());
        let _ = writeln!(
            out,
            "  {:<8} {:<6} {:>4} {:>8} {:>8} {:>26} {:>26}",
            v.paramcd,
            v.avisit,
            chg.map_or(0, |s| s.n),
            chg.map_or(0, |s| s.missing),
            v.not_due,
            chg.map_or_else(|| "–".to_owned(), |s| mean_ci(s, 2)),
            pchg.map_or_else(|| "–".to_owned(), |s| mean_ci(s, 1)),
        );
    };
    for v in report.visits.iter().filter(|v| v.avisit == "w28" && (v.paramcd == "UPRO24" || v.paramcd == "EGFR")) {
        row(&mut out, v);
    }
    let _ = writeln!(out, "\nSecondary parameters by visit:");
    let _ = writeln!(out, "{header}");
    for v in report
        .visits
        .iter()
        .filter(|v| v.avisit != "baseline" && !(v.avisit == "w28" && (v.paramcd == "UPRO24" || v.paramcd == "EGFR")))
    {
        row(&mut out, v);
        if let Some(g) = v.geometric_ratio {
            let ci = g.ci.map_or_else(String::new, |(lo, hi)| format!(" ({lo:.3} to {hi:.3})"));
            let _ =
                writeln!(out, "  {:<8} {:<6} geometric mean ratio to baseline {:.3}{ci}, n {}", "", "", g.ratio, g.n);
        }
    }
    let _ = writeln!(
        out,
        "\nOutcomes at landmark visits (proportion of those known, Wilson 95 % CI; not known = followed less long):"
    );
    let _ = writeln!(
        out,
        "  {:<16} {:<6} {:>7} {:>6} {:>10} {:>10} {:>20}",
        "outcome", "visit", "events", "known", "not known", "percent", "95 % CI"
    );
    for l in &report.landmarks {
        let p = &l.proportion;
        let ci =
            p.ci.map_or_else(|| "–".to_owned(), |(lo, hi)| format!("{} to {}", percent(Some(lo)), percent(Some(hi))));
        let _ = writeln!(
            out,
            "  {:<16} {:<6} {:>7} {:>6} {:>10} {:>10} {:>20}",
            l.outcome,
            l.visit,
            p.events,
            p.n,
            p.missing,
            percent(p.estimate),
            ci
        );
    }
    let _ = writeln!(
        out,
        "  (A proportion counts only participants whose answer is known: where most are not known yet, those\n   known are mostly those with the event; read the Kaplan–Meier estimate below.)"
    );
    let _ = writeln!(
        out,
        "\nTime to event (Kaplan–Meier, days from the first infusion; censored at last contact or month 24):"
    );
    for t in &report.time_to_event {
        let last = t.km.steps.last();
        let _ = writeln!(
            out,
            "  {:<16} {} events of {}; median {}; estimate at the last time ({} days) {}",
            t.outcome,
            t.km.events,
            t.km.n,
            t.km.median.map_or_else(|| "not reached".to_owned(), |m| format!("{m:.0} days")),
            last.map_or(0.0, |s| s.time),
            percent(last.map(|s| s.survival)),
        );
    }
    let _ =
        writeln!(out, "\nSafety (participants, of the dosed; adverse events within 28 weeks of the first infusion):");
    for s in report.safety.iter().filter(|s| !s.what.starts_with("term:")) {
        let p = &s.proportion;
        let _ = writeln!(out, "  {:<28} {:>4} of {:<4} {:>8}", s.what, p.events, p.n, percent(p.estimate));
    }
    for s in report.safety.iter().filter(|s| s.what.starts_with("term:")) {
        let p = &s.proportion;
        let _ = writeln!(out, "    {:<26} {:>4} of {:<4} {:>8}", &s.what[5..], p.events, p.n, percent(p.estimate));
    }
    let slope = &report.egfr_slope;
    let _ = writeln!(
        out,
        "\neGFR slope (mL/min/1.73 m² per year): n {}, mean {}, median {}",
        slope.n,
        mean_ci(slope, 2),
        number(slope.median, 2)
    );
    out
}
