//! The main job's schedule report: how many visits of each kind are done, due, overdue or
//! missed on a date across a cohort, the deviations by kind, and who is overdue now.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::schedule::{Deviation, ScheduleConfig, ScheduleStatus, VisitState};

/// Counts over a cohort's schedules on one date, filled one participant at a time (streaming).
#[derive(Debug, Clone, Default)]
pub struct ScheduleTally {
    participants: usize,
    refused: BTreeMap<String, usize>,
    states: BTreeMap<String, [usize; VisitState::ALL.len()]>,
    deviations: BTreeMap<&'static str, usize>,
    next_overdue: usize,
    finished: usize,
    left: usize,
}

impl ScheduleTally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one participant's status.
    pub fn add(&mut self, status: &ScheduleStatus) {
        self.participants += 1;
        for v in &status.visits {
            let row = self.states.entry(v.visit.clone()).or_insert([0; VisitState::ALL.len()]);
            if let Some(i) = VisitState::ALL.iter().position(|s| *s == v.state) {
                row[i] += 1;
            }
        }
        for d in &status.deviations {
            *self.deviations.entry(d.kind()).or_default() += 1;
        }
        match status.next() {
            Some(next) if next.state == VisitState::Overdue => self.next_overdue += 1,
            // Nothing more is due: the follow-up is complete, or the participant left the study.
            None if status.visits.iter().any(|v| v.state == VisitState::NotExpected) => self.left += 1,
            None => self.finished += 1,
            _ => {}
        }
    }

    /// Counts a participant whose schedule was refused, by error kind.
    pub fn add_refused(&mut self, kind: &str) {
        *self.refused.entry(kind.to_owned()).or_default() += 1;
    }

    /// The report as text, visits in the plan's order.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::ScheduleConfig;
    /// use amimestrocel_dkd::tools::{follow_up, schedule_report::ScheduleTally};
    /// let plan = ScheduleConfig::bundled()?;
    /// let on = follow_up::bundled_as_of();
    /// let mut tally = ScheduleTally::new();
    /// for p in follow_up::participants(1, 5, on, &plan)? {
    ///     tally.add(&p.status(&plan, on)?);
    /// }
    /// assert!(tally.render(&plan, on).contains("5 participants"));
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn render(&self, plan: &ScheduleConfig, on: NaiveDate) -> String {
        let refused: usize = self.refused.values().sum();
        let mut out = format!(
            "Visit schedule on {on} ({}): {} participants, {refused} refused\n\n",
            plan.version, self.participants
        );
        out.push_str(&format!("  {:<9}", "visit"));
        for s in VisitState::ALL {
            out.push_str(&format!(" {:>18}", s.slug()));
        }
        out.push('\n');
        for visit in &plan.visits {
            let row = self.states.get(&visit.id).copied().unwrap_or([0; VisitState::ALL.len()]);
            out.push_str(&format!("  {:<9}", visit.id));
            for n in row {
                out.push_str(&format!(" {n:>18}"));
            }
            out.push('\n');
        }
        out.push_str("\nDeviations (settled visits; extra infusions as given):\n");
        for kind in Deviation::KINDS {
            out.push_str(&format!("  {kind:<24} {}\n", self.deviations.get(kind).copied().unwrap_or(0)));
        }
        out.push_str(&format!(
            "\nNext visit overdue: {} participants; follow-up complete: {}; left the study: {}\n",
            self.next_overdue, self.finished, self.left
        ));
        for (kind, n) in &self.refused {
            out.push_str(&format!("Refused ({kind}): {n}\n"));
        }
        out
    }
}
