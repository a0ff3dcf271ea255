//! The screening report: counts, a CONSORT-style flow with exclusion reasons ranked, and the
//! per-candidate table (CSV).

use serde::Serialize;
use std::fmt;

use crate::eligibility::{CriterionId, CriterionKind, Outcome, ScreeningError, ScreeningResult, Status};

/// How many candidates a criterion affected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The criterion.
    pub criterion: CriterionId,
    /// Candidates it affects.
    pub count: usize,
}

/// How many records were refused with an error of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// The error kind (`malformed`, `date_after_screening`, `not_utf8`, …).
    pub kind: &'static str,
    /// Records refused with it.
    pub count: usize,
}

/// Counts and ranked reasons over a screened cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningSummary {
    /// Records read (screened or refused).
    pub screened: usize,
    /// Records refused as bad input (not screened).
    pub refused: usize,
    /// The refused records by error kind, most frequent first.
    pub refused_kinds: Vec<KindCount>,
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

fn ranked(counts: &[(CriterionId, usize)]) -> Vec<ReasonCount> {
    let mut v: Vec<ReasonCount> =
        counts.iter().filter(|(_, n)| *n > 0).map(|&(criterion, count)| ReasonCount { criterion, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.criterion.cmp(&b.criterion)));
    v
}

/// The counts of a [`ScreeningSummary`], kept as results stream past (one result at a time,
/// in constant memory), for a summary at the end.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{screen_batch, ProtocolConfig};
/// use amimestrocel_dkd::tools::report::ScreeningTally;
/// use amimestrocel_dkd::tools::synthetic::cohort;
/// let mut tally = ScreeningTally::new();
/// for result in screen_batch(&cohort(1, 50), &ProtocolConfig::default())? {
///     tally.add(&result);
/// }
/// tally.add_refused("not_utf8"); // a line that was not even text
/// let summary = tally.summary();
/// assert_eq!(summary.screened, 51);
/// assert_eq!(summary.eligible + summary.ineligible + summary.pending + summary.refused, 51);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningTally {
    screened: usize,
    eligible: usize,
    ineligible: usize,
    pending: usize,
    refused: Vec<KindCount>,
    excluded_by: Vec<(CriterionId, usize)>,
    held_by: Vec<(CriterionId, usize)>,
}

impl Default for ScreeningTally {
    fn default() -> Self {
        Self::new()
    }
}

impl ScreeningTally {
    /// No records yet.
    pub fn new() -> Self {
        let zero: Vec<(CriterionId, usize)> = CriterionId::ALL.iter().map(|&c| (c, 0)).collect();
        ScreeningTally {
            screened: 0,
            eligible: 0,
            ineligible: 0,
            pending: 0,
            refused: Vec::new(),
            excluded_by: zero.clone(),
            held_by: zero,
        }
    }

    /// Counts one record's result (or its refusal).
    pub fn add(&mut self, result: &Result<ScreeningResult, ScreeningError>) {
        match result {
            Ok(r) => self.add_screened(r),
            Err(e) => self.add_refused(e.kind()),
        }
    }

    /// Counts one screened record.
    pub fn add_screened(&mut self, r: &ScreeningResult) {
        self.screened += 1;
        match r.status {
            Status::Eligible => self.eligible += 1,
            Status::Ineligible => self.ineligible += 1,
            Status::Pending => self.pending += 1,
        }
        for c in &r.criteria {
            let k = CriterionId::ALL.iter().position(|&id| id == c.id).unwrap_or(0);
            if r.status == Status::Ineligible && c.excludes() {
                self.excluded_by[k].1 += 1;
            }
            if r.status == Status::Pending && c.outcome == Outcome::Unknown {
                self.held_by[k].1 += 1;
            }
        }
    }

    /// Counts a record refused before it could be screened (a line that is not text), by the
    /// kind of its error.
    pub fn add_refused(&mut self, kind: &'static str) {
        self.screened += 1;
        match self.refused.iter_mut().find(|k| k.kind == kind) {
            Some(k) => k.count += 1,
            None => self.refused.push(KindCount { kind, count: 1 }),
        }
    }

    /// The summary of what has been counted.
    pub fn summary(&self) -> ScreeningSummary {
        let mut refused_kinds = self.refused.clone();
        refused_kinds.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(b.kind)));
        ScreeningSummary {
            screened: self.screened,
            refused: self.refused.iter().map(|k| k.count).sum(),
            refused_kinds,
            eligible: self.eligible,
            ineligible: self.ineligible,
            pending: self.pending,
            exclusion_reasons: ranked(&self.excluded_by),
            pending_reasons: ranked(&self.held_by),
        }
    }
}

impl ScreeningSummary {
    /// Summarises screening results (and refused records).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::{screen_batch, ProtocolConfig};
    /// use amimestrocel_dkd::tools::report::ScreeningSummary;
    /// use amimestrocel_dkd::tools::synthetic::cohort;
    /// let results = screen_batch(&cohort(1, 50), &ProtocolConfig::default())?;
    /// let summary = ScreeningSummary::from_results(&results);
    /// assert_eq!(summary.eligible + summary.ineligible + summary.pending + summary.refused, 50);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_results(results: &[Result<ScreeningResult, ScreeningError>]) -> ScreeningSummary {
        let mut tally = ScreeningTally::new();
        for r in results {
            tally.add(r);
        }
        tally.summary()
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
            for k in &self.refused_kinds {
                writeln!(f, "│    {:<38} {:>5}", k.kind, k.count)?;
            }
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

/// The CSV row of a screened record: id, date, status, no error, and each criterion's outcome.
pub fn csv_row_screened(r: &ScreeningResult) -> String {
    let mut row = format!("{},{},{},", csv_field(&r.id), r.screening_date, r.status.as_str());
    for c in &r.criteria {
        row.push(',');
        row.push_str(c.outcome.as_str());
    }
    row
}

/// One CSV row: the result's outcomes, or the refused record's error kind and path.
pub fn csv_row(id: &str, result: &Result<ScreeningResult, ScreeningError>) -> String {
    match result {
        Ok(r) => csv_row_screened(r),
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
