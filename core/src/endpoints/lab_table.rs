//! The lab endpoints of a whole cohort from columns: a long lab table (one row per result, as
//! an SDTM LB or a lab export holds them) and a subject table, in; the analysis values of every
//! lab parameter (baseline, visit, analysis flag, change, percent change, ratio) and the renal
//! composite, out, as columns. The rules are those of [`derive`](super::derive) (the same
//! functions: parameters and eGFR recomputation, rules 1–3 of the visit assignment, change,
//! the composite), without a JSON timeline per participant and without a text per row, so a
//! registry-sized table is derived in one pass: rows are grouped by participant, each
//! participant is derived on its own, and participants are shared between the cores.
//!
//! Only what a lab table holds is derived: lab parameters and the composite (from eGFR, ESRD,
//! renal replacement therapy, censored at the last contact, at death, or at the follow-up's
//! end). Questionnaires, events of MACE and safety need the participant's timeline
//! ([`ParticipantTimeline`](super::ParticipantTimeline)). Carrying values forward
//! (`missing = last_observation_carried_forward`) is refused here.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::config::MissingRule;
use super::derive::{analyse_dates, change, parameters, study_day, visits_of, Unusable};
use super::outcomes::{renal_composite, EgfrPoint, EventTime};
use super::timeline::{in_life, CheckedTimeline, Death, DeathCause, RenalReplacement, RenalReplacementKind};
use super::{EndpointConfig, EndpointError, ParticipantTimeline};
use crate::demographics::Sex;
use crate::lab::{AnalyteKind, Measurement, Unit};
use crate::schedule::{Assessment, Calendar, ScheduleConfig};

/// A participant of a lab table.
#[derive(Debug, Clone, PartialEq)]
pub struct LabSubject {
    /// USUBJID.
    pub id: String,
    /// SEX.
    pub sex: Sex,
    /// BRTHDT.
    pub birth_date: NaiveDate,
    /// TRTSDT: study day 1; none when never dosed (no analysis values then).
    pub first_infusion: Option<NaiveDate>,
    /// LSTCNTDT.
    pub last_contact: NaiveDate,
    /// ESRD, when recorded (before study day 1: as
    /// [`EndpointConfig::prevalent_renal_failure`] reads it).
    pub esrd: Option<NaiveDate>,
    /// The start of renal replacement therapy, when recorded (its first start; before study day
    /// 1: as [`EndpointConfig::prevalent_renal_failure`] reads it).
    pub renal_replacement: Option<NaiveDate>,
    /// The date of death, when the participant died (any death censors the composite).
    pub death: Option<NaiveDate>,
}

/// One lab result: the participant (a position in the subject table), the date, the analyte,
/// the number and its unit (parsed once per distinct text by the caller).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabRow {
    /// The participant's position in the subjects.
    pub participant: u32,
    /// The sample's date.
    pub date: NaiveDate,
    /// What was measured.
    pub analyte: AnalyteKind,
    /// The number as reported.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
}

/// The derived columns: one entry per analysis value (BDS rows, participant by participant in
/// the subjects' order, then by parameter code, then by date), and one composite per subject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabEndpoints {
    /// PARAMCD and PARAM of each parameter code in [`LabEndpoints::param`].
    pub parameters: Vec<(String, String)>,
    /// The visit ids [`LabEndpoints::avisit`] points into (the plan's visits).
    pub visits: Vec<String>,
    /// The participant of each row (a position in the subjects).
    pub participant: Vec<u32>,
    /// The parameter of each row (a position in [`LabEndpoints::parameters`]).
    pub param: Vec<u16>,
    /// AVISIT (a position in [`LabEndpoints::visits`]), none when unscheduled.
    pub avisit: Vec<Option<u16>>,
    /// ADT.
    pub adt: Vec<NaiveDate>,
    /// ADY.
    pub ady: Vec<i64>,
    /// AVAL, in the parameter's unit.
    pub aval: Vec<f64>,
    /// BASE.
    pub base: Vec<Option<f64>>,
    /// CHG.
    pub chg: Vec<Option<f64>>,
    /// PCHG.
    pub pchg: Vec<Option<f64>>,
    /// R2BASE.
    pub r2base: Vec<Option<f64>>,
    /// ABLFL.
    pub ablfl: Vec<bool>,
    /// ANL01FL.
    pub anl01fl: Vec<bool>,
    /// The renal composite of each subject (none when never dosed, or with neither a baseline
    /// eGFR nor ESRD nor renal replacement).
    pub renal_composite: Vec<Option<EventTime>>,
    /// Values that could not be used, by participant.
    pub unusable: Vec<(u32, Unusable)>,
}

impl LabEndpoints {
    /// The number of analysis rows.
    pub fn len(&self) -> usize {
        self.participant.len()
    }

    /// Whether there are no analysis rows.
    pub fn is_empty(&self) -> bool {
        self.participant.is_empty()
    }
}

/// Derives the lab endpoints of `subjects` from `labs` (rows in the order entered; a
/// participant's rows need not be together).
///
/// # Errors
/// [`EndpointError::InvalidConfig`] for a configuration refused or carrying values forward;
/// the subject's error under `subjects[i]` (dates that cannot be, as a timeline refuses them);
/// under `labs[k]` a row whose participant is not in the subjects, whose value its analyte
/// and unit refuse, or dated before birth or after the last contact.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::Sex;
/// use amimestrocel_dkd::endpoints::{derive_lab_table, EndpointConfig, LabRow, LabSubject};
/// use amimestrocel_dkd::lab::{AnalyteKind, Unit};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let subject = LabSubject {
///     id: "P-1".into(), sex: Sex::Male, birth_date: d(1958, 1, 1), first_infusion: Some(d(2025, 1, 6)),
///     last_contact: d(2025, 9, 1), esrd: None, renal_replacement: None, death: None,
/// };
/// let protein = |date, value| LabRow {
///     participant: 0, date, analyte: AnalyteKind::UrineProtein24h, value, unit: Unit::GramPer24Hours,
/// };
/// let labs = [protein(d(2025, 1, 2), 4.0), protein(d(2025, 7, 22), 3.0)];
/// let out = derive_lab_table(&[subject], &labs, &ScheduleConfig::bundled()?, &EndpointConfig::default())?;
/// assert_eq!(out.parameters[out.param[1] as usize].0, "UPRO24");
/// assert_eq!(out.visits[out.avisit[1].unwrap() as usize], "w28");
/// assert_eq!((out.chg[1], out.pchg[1], out.anl01fl[1]), (Some(-1.0), Some(-25.0), true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn derive_lab_table(
    subjects: &[LabSubject],
    labs: &[LabRow],
    plan: &ScheduleConfig,
    config: &EndpointConfig,
) -> Result<LabEndpoints, EndpointError> {
    let mut batches = derive_lab_batches(subjects, labs, plan, config)?.into_iter();
    // The first batch is the start of the whole (no copy); the others are appended to it.
    let mut out = batches.next().unwrap_or_default();
    out.visits = visit_names(plan);
    let rest: Vec<LabEndpoints> = batches.collect();
    out.reserve(rest.iter().map(LabEndpoints::len).sum());
    for batch in rest {
        out.append(batch);
    }
    Ok(out)
}

/// [`derive_lab_table`] as batches (at least one), one per worker, each for a contiguous range
/// of subjects in order (its `participant` positions are the subjects'; its `parameters` are its own), for a
/// caller that copies the columns once into its own buffers (the Python binding).
///
/// # Errors
/// As [`derive_lab_table`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::Sex;
/// use amimestrocel_dkd::endpoints::{derive_lab_batches, EndpointConfig, LabRow, LabSubject};
/// use amimestrocel_dkd::lab::{AnalyteKind, Unit};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let subject = |id: &str| LabSubject {
///     id: id.into(), sex: Sex::Female, birth_date: d(1960, 5, 1), first_infusion: Some(d(2025, 3, 3)),
///     last_contact: d(2025, 12, 1), esrd: None, renal_replacement: None, death: None,
/// };
/// let row = |participant| LabRow {
///     participant, date: d(2025, 2, 20), analyte: AnalyteKind::Hba1c, value: 7.2, unit: Unit::Percent,
/// };
/// let batches = derive_lab_batches(&[subject("A"), subject("B")], &[row(1), row(0)],
///     &ScheduleConfig::bundled()?, &EndpointConfig::default())?;
/// // Every subject is in exactly one batch, in order.
/// let participants: Vec<u32> = batches.iter().flat_map(|b| b.participant.clone()).collect();
/// assert_eq!(participants, vec![0, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn derive_lab_batches(
    subjects: &[LabSubject],
    labs: &[LabRow],
    plan: &ScheduleConfig,
    config: &EndpointConfig,
) -> Result<Vec<LabEndpoints>, EndpointError> {
    let table = LabTable::new(subjects, labs, plan, config)?;
    if subjects.is_empty() {
        return Ok(vec![LabEndpoints { visits: visit_names(plan), ..Default::default() }]);
    }
    // One piece per worker: its whole range, taken without a copy.
    let mut batches: Vec<LabEndpoints> = table.work().iter().map(|_| LabEndpoints::default()).collect();
    let sinks: Vec<_> = batches
        .iter_mut()
        .map(|batch| {
            move |piece: &mut LabEndpoints| -> Result<(), EndpointError> {
                *batch = std::mem::take(piece);
                Ok(())
            }
        })
        .collect();
    table.derive_pieces(usize::MAX, sinks)?;
    Ok(batches)
}

/// What one thread of [`LabTable::derive_pieces`] derives: a contiguous range of subjects, and
/// the most analysis rows they can give, so that a caller can place each thread's rows in its
/// own buffers before they are derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabWork {
    /// The subjects (positions in the subject table), in order.
    pub subjects: std::ops::Range<usize>,
    /// At most this many analysis rows: one per lab value of these subjects (its own
    /// parameter), and one per serum creatinine, cystatin C and urine albumin value (the eGFR
    /// and the UACR computed from them: at most one per date of each).
    pub max_rows: usize,
}

/// A lab table ready to derive: the configuration checked, the rows grouped by participant
/// (the order entered kept), and the subjects shared between the threads of the machine
/// ([`LabTable::work`]). [`derive_lab_table`] and [`derive_lab_batches`] are made with it; a
/// caller that writes the result into buffers of its own (the Python binding writes numpy
/// arrays) uses [`LabTable::derive_pieces`], so that the whole result is never held twice.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::Sex;
/// use amimestrocel_dkd::endpoints::{EndpointConfig, EndpointError, LabEndpoints, LabRow, LabSubject, LabTable};
/// use amimestrocel_dkd::lab::{AnalyteKind, Unit};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let subject = LabSubject {
///     id: "P-1".into(), sex: Sex::Male, birth_date: d(1958, 1, 1), first_infusion: Some(d(2025, 1, 6)),
///     last_contact: d(2025, 9, 1), esrd: None, renal_replacement: None, death: None,
/// };
/// let creatinine = |date, value| LabRow {
///     participant: 0, date, analyte: AnalyteKind::SerumCreatinine, value, unit: Unit::MilligramPerDeciliter,
/// };
/// let labs = [creatinine(d(2025, 1, 2), 1.4), creatinine(d(2025, 7, 22), 1.3)];
/// let (subjects, plan, config) = ([subject], ScheduleConfig::bundled()?, EndpointConfig::default());
/// let table = LabTable::new(&subjects, &labs, &plan, &config)?;
/// // Two creatinine values: at most two CREAT rows and two EGFR rows.
/// assert_eq!(table.work().iter().map(|w| w.max_rows).sum::<usize>(), 4);
/// let mut rows = vec![0; table.work().len()];
/// let sinks: Vec<_> = rows.iter_mut().map(|n| move |piece: &mut LabEndpoints| -> Result<(), EndpointError> {
///     *n += piece.len();
///     Ok(())
/// }).collect();
/// table.derive_pieces(1024, sinks)?;
/// assert_eq!(rows.iter().sum::<usize>(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LabTable<'a> {
    subjects: &'a [LabSubject],
    labs: &'a [LabRow],
    plan: &'a ScheduleConfig,
    config: &'a EndpointConfig,
    /// Participant `p`'s rows are `order[starts[p]..starts[p + 1]]` (positions in `labs`).
    starts: Vec<usize>,
    order: Vec<usize>,
    work: Vec<LabWork>,
}

impl<'a> LabTable<'a> {
    /// Checks the configuration and groups the rows by participant.
    ///
    /// # Errors
    /// As [`derive_lab_table`]: a configuration refused or carrying values forward, more
    /// subjects than `u32` counts, or a row whose participant is not in the subjects.
    pub fn new(
        subjects: &'a [LabSubject],
        labs: &'a [LabRow],
        plan: &'a ScheduleConfig,
        config: &'a EndpointConfig,
    ) -> Result<LabTable<'a>, EndpointError> {
        config.check()?;
        if config.missing == MissingRule::LastObservationCarriedForward {
            return Err(EndpointError::InvalidConfig {
                path: "missing".to_owned(),
                reason: "a lab table takes observed values only; carry values forward from timelines".to_owned(),
            });
        }
        // The readings that move visits by the infusions given need each infusion's date, which
        // a lab table does not hold: refused, not computed on the planned calendar.
        let readings = &plan.readings;
        for (path, needs) in [
            ("delayed_infusion", readings.delayed_infusion == crate::schedule::DelayedInfusion::ShiftsLater),
            ("follow_up_from", readings.follow_up_from == crate::schedule::FollowUpFrom::LastInfusion),
        ] {
            if needs {
                return Err(EndpointError::InvalidConfig {
                    path: path.to_owned(),
                    reason: "moves visits by the infusions given, which a lab table does not hold; derive from \
                             timelines with their infusions"
                        .to_owned(),
                });
            }
        }
        if u32::try_from(subjects.len()).is_err() {
            return Err(EndpointError::value("subjects", "more than 4 294 967 295 subjects"));
        }
        // Group the rows by participant, keeping the order entered (a counting sort), and count
        // the values an eGFR or a UACR is computed from.
        let mut starts = vec![0usize; subjects.len() + 1];
        let mut computed = vec![0usize; subjects.len()];
        for (k, row) in labs.iter().enumerate() {
            let p = row.participant as usize;
            if p >= subjects.len() {
                return Err(EndpointError::value(
                    format!("labs[{k}].participant"),
                    format!("is {p}, but there are {} subjects", subjects.len()),
                ));
            }
            starts[p + 1] += 1;
            if matches!(row.analyte, AnalyteKind::SerumCreatinine | AnalyteKind::CystatinC | AnalyteKind::UrineAlbumin)
            {
                computed[p] += 1;
            }
        }
        for p in 0..subjects.len() {
            starts[p + 1] += starts[p];
        }
        let mut next = starts.clone();
        let mut order = vec![0usize; labs.len()];
        for (k, row) in labs.iter().enumerate() {
            let p = row.participant as usize;
            order[next[p]] = k;
            next[p] += 1;
        }
        // Participants shared between the cores, in contiguous ranges.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
        let chunk = subjects.len().div_ceil(threads).max(1);
        let work = (0..subjects.len())
            .step_by(chunk)
            .map(|a| {
                let b = (a + chunk).min(subjects.len());
                LabWork { subjects: a..b, max_rows: starts[b] - starts[a] + computed[a..b].iter().sum::<usize>() }
            })
            .collect();
        Ok(LabTable { subjects, labs, plan, config, starts, order, work })
    }

    /// The visit ids a piece's `avisit` points into (the plan's visits, and `baseline`).
    pub fn visits(&self) -> Vec<String> {
        visit_names(self.plan)
    }

    /// The threads' shares of the subjects, in order (none when there are no subjects).
    pub fn work(&self) -> &[LabWork] {
        &self.work
    }

    /// Derives each share of [`LabTable::work`] on a thread of its own, `piece` subjects at a
    /// time into one [`LabEndpoints`] that the thread reuses, and hands each piece, in order, to
    /// that share's sink (`sinks[i]` for `work()[i]`; a piece's `participant` positions are
    /// the subjects', its `parameters` its own, its `visits` the plan's). What a sink leaves in
    /// the piece is cleared before the next.
    ///
    /// # Errors
    /// As [`derive_lab_table`] for a subject or a row; a sink's own error; a sink count that is
    /// not the number of shares, as [`EndpointError::InvalidValue`].
    pub fn derive_pieces<S, E>(&self, piece: usize, sinks: Vec<S>) -> Result<(), E>
    where
        S: FnMut(&mut LabEndpoints) -> Result<(), E> + Send,
        E: From<EndpointError> + Send,
    {
        if sinks.len() != self.work.len() {
            return Err(EndpointError::value(
                "sinks",
                format!("are {}, for {} shares of the subjects", sinks.len(), self.work.len()),
            )
            .into());
        }
        let piece = piece.max(1);
        let run = |range: std::ops::Range<usize>, mut sink: S| -> Result<(), E> {
            let mut part = Part::new(self.plan);
            let mut a = range.start;
            while a < range.end {
                let b = range.end.min(a.saturating_add(piece));
                part.out.clear();
                part.out.visits = visit_names(self.plan);
                // About one row per lab value, and one more per creatinine (its eGFR).
                let rows = self.starts[b] - self.starts[a];
                part.out.reserve(rows + rows / 2);
                for p in a..b {
                    let rows = &self.order[self.starts[p]..self.starts[p + 1]];
                    part.participant(p, &self.subjects[p], rows, self.labs, self.config)?;
                }
                sink(&mut part.out)?;
                a = b;
            }
            Ok(())
        };
        let mut shares = self.work.iter().map(|w| w.subjects.clone()).zip(sinks);
        if self.work.len() <= 1 {
            return shares.try_for_each(|(range, sink)| run(range, sink));
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = shares.map(|(range, sink)| scope.spawn(move || run(range, sink))).collect();
            handles.into_iter().try_for_each(|h| {
                h.join().unwrap_or_else(|_| Err(EndpointError::value("labs", "a worker stopped unexpectedly").into()))
            })
        })
    }
}

impl LabEndpoints {
    /// Empty, keeping the memory of every column.
    fn clear(&mut self) {
        self.parameters.clear();
        self.visits.clear();
        self.participant.clear();
        self.param.clear();
        self.avisit.clear();
        self.adt.clear();
        self.ady.clear();
        self.aval.clear();
        self.base.clear();
        self.chg.clear();
        self.pchg.clear();
        self.r2base.clear();
        self.ablfl.clear();
        self.anl01fl.clear();
        self.renal_composite.clear();
        self.unusable.clear();
    }

    /// Room for `rows` more analysis rows.
    fn reserve(&mut self, rows: usize) {
        self.participant.reserve(rows);
        self.param.reserve(rows);
        self.avisit.reserve(rows);
        self.adt.reserve(rows);
        self.ady.reserve(rows);
        self.aval.reserve(rows);
        self.base.reserve(rows);
        self.chg.reserve(rows);
        self.pchg.reserve(rows);
        self.r2base.reserve(rows);
        self.ablfl.reserve(rows);
        self.anl01fl.reserve(rows);
    }

    /// Appends another part, mapping its parameter codes onto this one's.
    fn append(&mut self, part: LabEndpoints) {
        let map: Vec<u16> =
            part.parameters.iter().map(|(code, label)| intern(&mut self.parameters, code, label)).collect();
        self.participant.extend(part.participant);
        self.param.extend(part.param.iter().map(|&i| map[usize::from(i)]));
        self.avisit.extend(part.avisit);
        self.adt.extend(part.adt);
        self.ady.extend(part.ady);
        self.aval.extend(part.aval);
        self.base.extend(part.base);
        self.chg.extend(part.chg);
        self.pchg.extend(part.pchg);
        self.r2base.extend(part.r2base);
        self.ablfl.extend(part.ablfl);
        self.anl01fl.extend(part.anl01fl);
        self.renal_composite.extend(part.renal_composite);
        self.unusable.extend(part.unusable);
    }
}

/// The names AVISIT points into: the plan's visits, and `baseline` after them if the plan has
/// no visit of that id (a baseline value is always `baseline`, as in `derive`).
fn visit_names(plan: &ScheduleConfig) -> Vec<String> {
    let mut names: Vec<String> = plan.visits.iter().map(|v| v.id.clone()).collect();
    if !names.iter().any(|n| n == "baseline") {
        names.push("baseline".to_owned());
    }
    names
}

/// The position of a parameter code in `parameters`, added with its label (written as text
/// then) when new.
fn intern(parameters: &mut Vec<(String, String)>, code: &str, label: &dyn std::fmt::Display) -> u16 {
    let at = parameters.iter().position(|(c, _)| c == code).unwrap_or_else(|| {
        parameters.push((code.to_owned(), label.to_string()));
        parameters.len() - 1
    });
    // A lab table has at most one parameter per analyte and two computed ones.
    u16::try_from(at).unwrap_or(u16::MAX)
}

/// One worker's participants.
struct Part<'p> {
    plan: &'p ScheduleConfig,
    /// The AVISIT of a baseline value.
    baseline_visit: Option<usize>,
    /// Calendars by study day 1 (a calendar depends on nothing else), with the follow-up's end.
    calendars: HashMap<NaiveDate, (Calendar, NaiveDate)>,
    /// The visits planning each assessment (positions in every calendar of the plan).
    visits_of: HashMap<Option<Assessment>, Vec<usize>>,
    /// A parameter's dates, and their order, kept between parameters (not allocated each time).
    dates: Vec<NaiveDate>,
    by_date: Vec<usize>,
    out: LabEndpoints,
}

impl<'p> Part<'p> {
    fn new(plan: &'p ScheduleConfig) -> Part<'p> {
        let baseline_visit = visit_names(plan).iter().position(|v| v == "baseline");
        Part {
            plan,
            baseline_visit,
            calendars: HashMap::new(),
            visits_of: HashMap::new(),
            dates: Vec::new(),
            by_date: Vec::new(),
            out: LabEndpoints::default(),
        }
    }

    fn participant(
        &mut self,
        p: usize,
        subject: &LabSubject,
        rows: &[usize],
        labs: &[LabRow],
        config: &EndpointConfig,
    ) -> Result<(), EndpointError> {
        let who = u32::try_from(p).unwrap_or(u32::MAX);
        // The subject as a timeline without entries: checked as a timeline is.
        let timeline = ParticipantTimeline {
            schema_version: super::timeline::SCHEMA_VERSION,
            id: subject.id.clone(),
            sex: subject.sex,
            birth_date: subject.birth_date,
            first_infusion: subject.first_infusion,
            infusions: Vec::new(),
            labs: Vec::new(),
            vital_signs: Vec::new(),
            questionnaires: Vec::new(),
            biomarkers: Vec::new(),
            lymphocyte_subsets: Vec::new(),
            octa: Vec::new(),
            emg: Vec::new(),
            adverse_events: Vec::new(),
            // Any death censors the composite: the cause does not enter it.
            death: subject.death.map(|date| Death { date, cause: DeathCause::Other }),
            esrd: subject.esrd,
            // The kind does not enter the composite.
            renal_replacement: subject
                .renal_replacement
                .map(|start| vec![RenalReplacement { start, kind: RenalReplacementKind::Dialysis }])
                .unwrap_or_default(),
            cardiovascular_events: Vec::new(),
            malignancies: Vec::new(),
            withdrawal: None,
            last_contact: subject.last_contact,
        };
        let mut checked: CheckedTimeline = timeline.check().map_err(|e| e.under(&format!("subjects[{p}]")))?;
        checked.labs.reserve(rows.len());
        for &k in rows {
            let row = &labs[k];
            if row.date < subject.birth_date || row.date > subject.last_contact {
                in_life(format!("labs[{k}].date"), row.date, subject.birth_date, subject.last_contact)?;
            }
            let m = Measurement::with_unit(row.analyte, row.value, row.unit)
                .map_err(|source| EndpointError::InvalidLab { path: format!("labs[{k}]"), source })?;
            checked.labs.push((row.date, m));
        }
        let Some(day_one) = subject.first_infusion else {
            self.out.renal_composite.push(None);
            if !rows.is_empty() {
                self.out.unusable.push((
                    who,
                    Unusable {
                        src: "first_infusion".to_owned(),
                        reason: format!("never dosed: {} values are outside the analysis set", rows.len()),
                    },
                ));
            }
            return Ok(());
        };
        if !self.calendars.contains_key(&day_one) {
            let calendar = Calendar::build(self.plan, day_one, false)?;
            let end = calendar
                .visit(&config.follow_up_end)
                .ok_or_else(|| EndpointError::InvalidConfig {
                    path: "follow_up_end".to_owned(),
                    reason: "names no visit of the schedule plan".to_owned(),
                })?
                .target;
            self.calendars.insert(day_one, (calendar, end));
        }
        let Some((calendar, end)) = self.calendars.get(&day_one) else { return Ok(()) };
        let end = *end;
        let mut unusable = Vec::new();
        let params = parameters(&checked, config, &mut unusable);
        let egfr_code = match config.egfr_source {
            super::config::EgfrSource::Recomputed => "EGFR",
            super::config::EgfrSource::LabReported => "EGFRLAB",
        };
        let mut egfr: Vec<EgfrPoint> = Vec::with_capacity(rows.len());
        for param in &params {
            let code = intern(&mut self.out.parameters, &param.code, &param.label);
            let visit_index =
                self.visits_of.entry(param.assessment).or_insert_with(|| visits_of(calendar, param.assessment));
            let visits: Vec<_> = visit_index.iter().map(|&i| &calendar.visits[i]).collect();
            let mut dates = std::mem::take(&mut self.dates);
            dates.clear();
            dates.extend(param.values.iter().map(|(d, _, _)| *d));
            let analysed = analyse_dates(&dates, day_one, &visits, config);
            let base = analysed.baseline.map(|i| param.values[i].1);
            let is_egfr = param.code == egfr_code;
            // Rows in date order; of one date, in the order entered (as `derive` sorts them).
            let mut by_date = std::mem::take(&mut self.by_date);
            by_date.clear();
            by_date.extend(0..dates.len());
            by_date.sort_by_key(|&i| dates[i]);
            for &i in &by_date {
                let (date, value) = (dates[i], param.values[i].1);
                let is_base = analysed.baseline == Some(i);
                let (chg, pchg, r2base) = match base {
                    Some(b) if date > day_one => change(value, b),
                    _ => (None, None, None),
                };
                // The row's visit and flag: the baseline; else one row per visit the value counts
                // for (two when visits share its target), or one row of no visit.
                let mut row_visits: smallvec::SmallVec<[(Option<usize>, bool); 2]> = smallvec::SmallVec::new();
                if is_base {
                    row_visits.push((self.baseline_visit, true));
                } else if analysed.visits[i].is_empty() {
                    row_visits.push((None, false));
                } else {
                    row_visits
                        .extend(analysed.visits[i].iter().map(|&k| (Some(visit_index[k]), analysed.is_analysis(i, k))));
                }
                let out = &mut self.out;
                for (avisit, anl01fl) in row_visits {
                    out.participant.push(who);
                    out.param.push(code);
                    out.avisit.push(avisit.and_then(|v| u16::try_from(v).ok()));
                    out.adt.push(date);
                    out.ady.push(study_day(date, day_one));
                    out.aval.push(value);
                    out.base.push(base);
                    out.chg.push(chg);
                    out.pchg.push(pchg);
                    out.r2base.push(r2base);
                    out.ablfl.push(is_base);
                    out.anl01fl.push(anl01fl);
                }
                if is_egfr {
                    egfr.push(EgfrPoint { adt: date, aval: value, base, observed: true, ablfl: is_base });
                }
            }
            self.dates = dates;
            self.by_date = by_date;
        }
        // The subject's one renal replacement date is the timeline's first entry: named as the
        // subject's field.
        let (composite, _) = renal_composite(&checked.timeline, &egfr, day_one, end, config)
            .map_err(|e| match e {
                EndpointError::InvalidDate { path, reason } if path.starts_with("renal_replacement") => {
                    EndpointError::InvalidDate { path: "renal_replacement".to_owned(), reason }
                }
                other => other,
            })
            .map_err(|e| e.under(&format!("subjects[{p}]")))?;
        self.out.renal_composite.push(composite);
        self.out.unusable.extend(unusable.into_iter().map(|u| (who, u)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::derive;
    use crate::tools::{follow_up, timelines::timelines};

    fn subject_of(t: &ParticipantTimeline) -> LabSubject {
        LabSubject {
            id: t.id.clone(),
            sex: t.sex,
            birth_date: t.birth_date,
            first_infusion: t.first_infusion,
            last_contact: t.last_contact,
            esrd: t.esrd,
            renal_replacement: t.renal_replacement.iter().map(|r| r.start).min(),
            death: t.death.as_ref().map(|d| d.date),
        }
    }

    /// The synthetic follow-up's timelines as a lab table, their rows interleaved across
    /// participants (a table need not be grouped).
    fn table(cohort: &[ParticipantTimeline]) -> (Vec<LabSubject>, Vec<LabRow>) {
        let subjects = cohort.iter().map(subject_of).collect();
        let mut rows = Vec::new();
        let longest = cohort.iter().map(|t| t.labs.len()).max().unwrap_or(0);
        for i in 0..longest {
            for (p, t) in cohort.iter().enumerate() {
                if let Some(l) = t.labs.get(i) {
                    rows.push(LabRow {
                        participant: p as u32,
                        date: l.date,
                        analyte: l.analyte,
                        value: l.value,
                        unit: Unit::parse(&l.unit).unwrap(),
                    });
                }
            }
        }
        (subjects, rows)
    }

    #[test]
    fn a_lab_table_gives_the_lab_rows_and_the_composite_of_each_participants_derivation() {
        let plan = ScheduleConfig::bundled().unwrap();
        for config in [
            EndpointConfig::default(),
            EndpointConfig::from_json(r#"{"visit_value": "last_in_window", "confirmation": {"rule": "after", "days": 28}, "esrd_egfr_below": 20}"#).unwrap(),
        ] {
            let cohort = timelines(9, 80, follow_up::bundled_as_of(), &plan).unwrap();
            let (subjects, rows) = table(&cohort);
            let out = derive_lab_table(&subjects, &rows, &plan, &config).unwrap();
            assert_eq!(out.renal_composite.len(), cohort.len());
            let mut k = 0;
            for (p, t) in cohort.iter().enumerate() {
                let expected = derive(&t.clone().check().unwrap(), &plan, &config).unwrap();
                let lab_rows: Vec<_> = expected.rows.iter().filter(|r| r.src.starts_with("labs[")).collect();
                assert!(!lab_rows.is_empty());
                let mut by_code: Vec<_> = lab_rows.clone();
                by_code.sort_by(|a, b| a.paramcd.cmp(&b.paramcd)); // stable: dates stay in order
                for r in by_code {
                    assert_eq!(out.participant[k] as usize, p);
                    assert_eq!(out.parameters[usize::from(out.param[k])], (r.paramcd.clone(), r.param.clone()));
                    let avisit = out.avisit[k].map(|v| out.visits[usize::from(v)].clone());
                    assert_eq!(avisit, r.avisit, "{} {} {}", t.id, r.paramcd, r.adt);
                    assert_eq!((out.adt[k], out.ady[k], out.aval[k]), (r.adt, r.ady, r.aval));
                    assert_eq!((out.base[k], out.chg[k], out.pchg[k], out.r2base[k]), (r.base, r.chg, r.pchg, r.r2base));
                    assert_eq!((out.ablfl[k], out.anl01fl[k]), (r.ablfl, r.anl01fl), "{} {} {}", t.id, r.paramcd, r.adt);
                    k += 1;
                }
                assert_eq!(out.renal_composite[p], expected.renal_composite, "{}", t.id);
            }
            assert_eq!(k, out.len(), "every row of the table is one of a participant's lab rows");
        }
    }

    #[test]
    fn pieces_of_any_size_give_the_rows_of_the_whole_table_within_each_shares_bound() {
        let plan = ScheduleConfig::bundled().unwrap();
        let config = EndpointConfig::default();
        let cohort = timelines(11, 60, follow_up::bundled_as_of(), &plan).unwrap();
        let (subjects, rows) = table(&cohort);
        let whole = derive_lab_table(&subjects, &rows, &plan, &config).unwrap();
        let lab_table = LabTable::new(&subjects, &rows, &plan, &config).unwrap();
        let shares = lab_table.work();
        assert_eq!(shares.first().map(|w| w.subjects.start), Some(0));
        assert_eq!(shares.last().map(|w| w.subjects.end), Some(subjects.len()));
        for piece in [1, 7, usize::MAX] {
            // Each share's pieces, as (participant, code, date, value, base, change, flags) rows.
            let mut got: Vec<Vec<_>> = vec![Vec::new(); shares.len()];
            let mut composites: Vec<Vec<_>> = vec![Vec::new(); shares.len()];
            let sinks: Vec<_> = got
                .iter_mut()
                .zip(composites.iter_mut())
                .map(|(rows, composite)| {
                    move |p: &mut LabEndpoints| -> Result<(), EndpointError> {
                        assert!(p.renal_composite.len() <= piece);
                        for k in 0..p.len() {
                            let code = p.parameters[usize::from(p.param[k])].clone();
                            let avisit = p.avisit[k].map(|v| p.visits[usize::from(v)].clone());
                            rows.push((p.participant[k], code, avisit, p.adt[k], p.aval[k], p.chg[k], p.anl01fl[k]));
                        }
                        composite.extend(p.renal_composite.iter().cloned());
                        Ok(())
                    }
                })
                .collect();
            lab_table.derive_pieces(piece, sinks).unwrap();
            for (share, rows) in shares.iter().zip(&got) {
                assert!(rows.len() <= share.max_rows, "a share gave more rows than its bound");
            }
            let expected: Vec<_> = (0..whole.len())
                .map(|k| {
                    let code = whole.parameters[usize::from(whole.param[k])].clone();
                    let avisit = whole.avisit[k].map(|v| whole.visits[usize::from(v)].clone());
                    (whole.participant[k], code, avisit, whole.adt[k], whole.aval[k], whole.chg[k], whole.anl01fl[k])
                })
                .collect();
            assert_eq!(got.concat(), expected, "pieces of {piece}");
            assert_eq!(composites.concat(), whole.renal_composite);
        }
        type Sink = fn(&mut LabEndpoints) -> Result<(), EndpointError>;
        let none: Vec<Sink> = Vec::new();
        assert!(matches!(lab_table.derive_pieces(10, none), Err(EndpointError::InvalidValue { .. })));
    }

    #[test]
    fn a_bad_row_or_subject_is_refused_with_its_place() {
        let plan = ScheduleConfig::bundled().unwrap();
        let config = EndpointConfig::default();
        let cohort = timelines(2, 3, follow_up::bundled_as_of(), &plan).unwrap();
        let (mut subjects, mut rows) = table(&cohort);
        let good = rows[4];
        rows[4].participant = 7;
        let e = derive_lab_table(&subjects, &rows, &plan, &config).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_value", "labs[4].participant"));
        rows[4] = LabRow { value: f64::NAN, ..good };
        let e = derive_lab_table(&subjects, &rows, &plan, &config).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_lab", "labs[4]"));
        rows[4] = LabRow { date: subjects[good.participant as usize].birth_date.pred_opt().unwrap(), ..good };
        let e = derive_lab_table(&subjects, &rows, &plan, &config).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_date", "labs[4].date"));
        rows[4] = good;
        subjects[1].death = Some(subjects[1].last_contact.succ_opt().unwrap());
        let e = derive_lab_table(&subjects, &rows, &plan, &config).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_date", "subjects[1].death.date"));
        let locf = EndpointConfig::from_json(r#"{"missing": "last_observation_carried_forward"}"#).unwrap();
        let e = derive_lab_table(&subjects, &rows, &plan, &locf).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_config", "missing"));
    }
}
