//! The screening report: counts, a CONSORT-style flow with exclusion reasons ranked, and the
//! per-candidate table (CSV).

use serde::Serialize;
use std::fmt;

use super::{CriterionId, CriterionKind, Outcome, ScreeningError, ScreeningResult, Status};

/// How many candidates a criterion affected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The criterion.
    pub criterion: CriterionId,
    /// Candidates it affects.
    pub count: usize,
}

/// Counts and ranked reasons over a screened cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningSummary {
    /// Records read.
    pub screened: usize,
    /// Records refused as bad input (not screened), with their error kinds.
    pub refused: usize,
    /// Eligible candidates.
    pub eligible: usize,
    /// Ineligible candidates.
    pub ineligible: usize,
    /// Pending candidates.
    pub pending: usize,
    /// Among the ineligible: how many each criterion excludes (a candidate may count under
    /// several), most frequent first.
    pub exclusion_reasons: Vec<ReasonCount>,
    /// Among the pending: how many each unknown criterion holds back, most frequent first.
    pub pending_reasons: Vec<ReasonCount>,
}

fn ranked(counts: Vec<(CriterionId, usize)>) -> Vec<ReasonCount> {
    let mut v: Vec<ReasonCount> =
        counts.into_iter().filter(|(_, n)| *n > 0).map(|(criterion, count)| ReasonCount { criterion, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.criterion.cmp(&b.criterion)));
    v
}

impl ScreeningSummary {
    /// Summarises screening results (and refused records).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::{screen_batch, ProtocolConfig, ScreeningSummary};
    /// use amimestrocel_dkd::synthetic::cohort;
    /// let results = screen_batch(&cohort(1, 50), &ProtocolConfig::default())?;
    /// let summary = ScreeningSummary::from_results(&results);
    /// assert_eq!(summary.eligible + summary.ineligible + summary.pending + summary.refused, 50);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_results(results: &[Result<ScreeningResult, ScreeningError>]) -> ScreeningSummary {
        let mut excl: Vec<(CriterionId, usize)> = CriterionId::ALL.iter().map(|&c| (c, 0)).collect();
        let mut pend = excl.clone();
        let mut s = ScreeningSummary {
            screened: results.len(),
            refused: 0,
            eligible: 0,
            ineligible: 0,
            pending: 0,
            exclusion_reasons: Vec::new(),
            pending_reasons: Vec::new(),
        };
        for r in results {
            let Ok(r) = r else {
                s.refused += 1;
                continue;
            };
            match r.status {
                Status::Eligible => s.eligible += 1,
                Status::Ineligible => s.ineligible += 1,
                Status::Pending => s.pending += 1,
            }
            for (k, c) in r.criteria.iter().enumerate() {
                if r.status == Status::Ineligible && c.excludes() {
                    excl[k].1 += 1;
                }
                if r.status == Status::Pending && c.outcome == Outcome::Unknown {
                    pend[k].1 += 1;
                }
            }
        }
        s.exclusion_reasons = ranked(excl);
        s.pending_reasons = ranked(pend);
        s
    }
}

impl fmt::Display for ScreeningSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = |c: CriterionId| match c.kind() {
            CriterionKind::Inclusion => "not met",
            CriterionKind::Exclusion => "met",
        };
        writeln!(f, "Screened                      {:>6}", self.screened)?;
        if self.refused > 0 {
            writeln!(f, "├─ refused (bad input)         {:>6}", self.refused)?;
        }
        writeln!(f, "├─ ineligible                  {:>6}", self.ineligible)?;
        for r in &self.exclusion_reasons {
            writeln!(f, "│    {:<38} {:>5}  ({})", r.criterion.slug(), r.count, word(r.criterion))?;
        }
        writeln!(f, "├─ pending (data to complete)  {:>6}", self.pending)?;
        for r in &self.pending_reasons {
            writeln!(f, "│    {:<38} {:>5}  (unknown)", r.criterion.slug(), r.count)?;
        }
        writeln!(f, "└─ eligible                    {:>6}", self.eligible)
    }
}

/// The CSV header of [`csv_row`]: id, status, one column per criterion.
pub fn csv_header() -> String {
    let mut h = String::from("id,screening_date,status,error");
    for c in CriterionId::ALL {
        h.push(',');
        h.push_str(c.slug());
    }
    h
}

/// Quotes a CSV field if it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One CSV row: the result's outcomes, or the refused record's error kind and path.
pub fn csv_row(id: &str, result: &Result<ScreeningResult, ScreeningError>) -> String {
    match result {
        Ok(r) => {
            let mut row = format!("{},{},{},", csv_field(&r.id), r.screening_date, r.status.as_str());
            for c in &r.criteria {
                row.push(',');
                row.push_str(c.outcome.as_str());
            }
            row
        }
        Err(e) => {
            let what = match e {
                ScreeningError::Record(r) => format!("{} at {}", e.kind(), r.path()),
                ScreeningError::Config(_) => e.kind().to_owned(),
            };
            let mut row = format!("{},,refused,{}", csv_field(id), csv_field(&what));
            row.push_str(&",".repeat(CriterionId::ALL.len()));
            row
        }
    }
}
