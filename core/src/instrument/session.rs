//! A response session: the state machine a mobile app drives while a participant answers (or
//! staff record) an instrument.
//!
//! A session is started for a participant, a visit, an instrument version and a language. Each
//! item can be answered, changed, answered "does not apply" (where allowed), skipped (where
//! allowed) or cleared, until the session is completed; completion gives the scores. Every
//! change is appended to the audit trail (time, item, old answer, new answer), in the order
//! made, with the time the caller passes in. A refused operation changes nothing.
//!
//! A session saves to JSON at any point ([`Session::to_json`]) and resumes from it exactly
//! ([`Session::resume`]); the save carries a checksum, and resuming checks it, the instrument
//! version and that replaying the audit trail gives the answers. [`SessionStore`] keeps a save
//! in a file, replacing it atomically and keeping the previous good save beside it.

use super::{score, Instrument, InstrumentError, ScoreRules, Scores};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `format` tag of a saved session.
pub const SAVE_FORMAT: &str = "amimestrocel-dkd/session";
/// The version of the saved-session format this library writes and reads.
pub const SAVE_FORMAT_VERSION: u32 = 1;

/// An answer to one item. In JSON: the value as a number, `"not_applicable"` or `"skipped"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// One of the scale's values.
    Value(u8),
    /// "Does not apply" (where the item allows it).
    NotApplicable,
    /// Skipped on purpose (where the item is optional): recorded, not missing by accident.
    Skipped,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum AnswerWire {
    Value(u8),
    Word(AnswerWord),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AnswerWord {
    NotApplicable,
    Skipped,
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Value(v) => AnswerWire::Value(*v),
            Answer::NotApplicable => AnswerWire::Word(AnswerWord::NotApplicable),
            Answer::Skipped => AnswerWire::Word(AnswerWord::Skipped),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match AnswerWire::deserialize(deserializer)? {
            AnswerWire::Value(v) => Answer::Value(v),
            AnswerWire::Word(AnswerWord::NotApplicable) => Answer::NotApplicable,
            AnswerWire::Word(AnswerWord::Skipped) => Answer::Skipped,
        })
    }
}

/// One change of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// When, as the caller gave it.
    pub at: DateTime<FixedOffset>,
    /// The item.
    pub item: String,
    /// The answer before (none if unanswered).
    pub old: Option<Answer>,
    /// The answer after (none if cleared).
    pub new: Option<Answer>,
}

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Answers may still change.
    InProgress,
    /// Completed: no answer may change.
    Completed,
}

/// Answers of a session, an instrument version and who, when and where.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{Instrument, Session};
/// use chrono::DateTime;
/// let dqol = Instrument::dqol()?;
/// let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut s = Session::start(&dqol, "S-001", "w4", "zh-Hans", t("2025-04-01T10:00:00+08:00"))?;
/// s.answer(&dqol, "sat01", 2, t("2025-04-01T10:00:05+08:00"))?;
/// s.answer(&dqol, "sat01", 3, t("2025-04-01T10:00:09+08:00"))?;
/// let saved = s.to_json();
/// let resumed = Session::resume(&dqol, &saved)?;
/// assert_eq!(resumed, s);
/// assert_eq!(resumed.audit().len(), 2); // both answers kept
/// assert!(s.answer(&dqol, "sat01", 9, t("2025-04-01T10:00:12+08:00")).is_err());
/// assert_eq!(s.progress(&dqol).answered, 1); // a refused answer changes nothing
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
///
/// A session is serialised (its save's `session` field) but not deserialised on its own: the
/// one way back from text is [`Session::resume`], which checks the save against the
/// instrument. A plain `Deserialize` would hand out sessions whose answers and audit trail no
/// check has seen:
///
/// ```compile_fail
/// # use amimestrocel_dkd::instrument::Session;
/// let _: Session = serde_json::from_str("{}").unwrap(); // no: Session is not Deserialize
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    instrument: String,
    version: String,
    participant: String,
    visit: String,
    language: String,
    started_at: DateTime<FixedOffset>,
    completed_at: Option<DateTime<FixedOffset>>,
    answers: BTreeMap<String, Answer>,
    audit: Vec<AuditEntry>,
}

/// A session's fields as a save holds them, not yet checked: read only inside
/// [`Session::resume`] (through `read_save`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UncheckedSession {
    instrument: String,
    version: String,
    participant: String,
    visit: String,
    language: String,
    started_at: DateTime<FixedOffset>,
    completed_at: Option<DateTime<FixedOffset>>,
    answers: BTreeMap<String, Answer>,
    audit: Vec<AuditEntry>,
}

impl From<UncheckedSession> for Session {
    fn from(s: UncheckedSession) -> Self {
        let UncheckedSession {
            instrument,
            version,
            participant,
            visit,
            language,
            started_at,
            completed_at,
            answers,
            audit,
        } = s;
        Session { instrument, version, participant, visit, language, started_at, completed_at, answers, audit }
    }
}

/// Progress of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionProgress {
    /// The section id.
    pub section: String,
    /// Items with an answer (a value or "does not apply").
    pub answered: u32,
    /// Items skipped.
    pub skipped: u32,
    /// Items.
    pub total: u32,
}

/// How far a session is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items with an answer (a value or "does not apply").
    pub answered: u32,
    /// Items skipped.
    pub skipped: u32,
    /// Items.
    pub total: u32,
    /// Required items still without an answer.
    pub required_remaining: u32,
    /// The first item, in order, with neither an answer nor a skip.
    pub next_item: Option<String>,
    /// Per section, in order.
    pub sections: Vec<SectionProgress>,
    /// Whether the session is completed.
    pub completed: bool,
}

/// A session as one flat record for the data pipeline: every item (null if unanswered), the
/// scores under the given rules, and the size of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlatResponse {
    /// The participant.
    pub participant: String,
    /// The visit.
    pub visit: String,
    /// The instrument id.
    pub instrument: String,
    /// The instrument version.
    pub version: String,
    /// The language answered in.
    pub language: String,
    /// In progress or completed.
    pub status: SessionStatus,
    /// Started.
    pub started_at: DateTime<FixedOffset>,
    /// Completed, if it is.
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// Every item of the instrument, in order, with its answer or null.
    pub answers: Vec<(String, Option<Answer>)>,
    /// The scores.
    pub scores: Scores,
    /// Changes made, in all.
    pub changes: usize,
}

/// The largest offset from UTC a time may have: 14 hours (no time zone is further from UTC;
/// Java's `OffsetDateTime`, which the Kotlin app reads times into, takes up to 18).
const MAX_OFFSET_SECONDS: i32 = 14 * 3600;

/// A time every reader of a save can take back, so that it saves, resumes and exports (FHIR
/// `dateTime`, Kotlin's `OffsetDateTime`, Python's `datetime`) exactly: its offset from UTC is
/// whole minutes, at most 14 hours; its local year has four digits and is not 0 (0001–9999, as
/// FHIR's `dateTime`); and it is no leap second (`10:00:60`: chrono reads one, Java and Python
/// do not).
fn whole_minute_offset(at: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, InstrumentError> {
    let refuse = |reason: &str| InstrumentError::InvalidInput { path: "at".to_owned(), reason: reason.to_owned() };
    let offset = at.offset().local_minus_utc();
    if offset % 60 != 0 {
        return Err(refuse("the offset from UTC is not a whole number of minutes"));
    }
    if offset.abs() > MAX_OFFSET_SECONDS {
        return Err(refuse("the offset from UTC is more than 14 hours"));
    }
    if !(1..=9999).contains(&chrono::Datelike::year(&at.naive_local())) {
        return Err(refuse("the year is not one FHIR and RFC 3339 write (0001 to 9999)"));
    }
    if chrono::Timelike::nanosecond(&at) >= 1_000_000_000 {
        return Err(refuse("a leap second (second 60) is not a time the apps can read"));
    }
    Ok(at)
}

fn nonempty(path: &str, value: &str) -> Result<String, InstrumentError> {
    if value.trim().is_empty() {
        Err(InstrumentError::InvalidInput { path: path.to_owned(), reason: "must not be empty".to_owned() })
    } else {
        Ok(value.to_owned())
    }
}

impl Session {
    /// Starts a session of `instrument` for a participant at a visit, in `language`.
    ///
    /// # Errors
    /// [`InstrumentError::InvalidInput`] for an empty participant or visit;
    /// [`InstrumentError::UnknownLanguage`].
    pub fn start(
        instrument: &Instrument,
        participant: &str,
        visit: &str,
        language: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<Session, InstrumentError> {
        instrument.check_language(language)?;
        let at = whole_minute_offset(at)?;
        Ok(Session {
            instrument: instrument.id().to_owned(),
            version: instrument.version().to_owned(),
            participant: nonempty("participant", participant)?,
            visit: nonempty("visit", visit)?,
            language: language.to_owned(),
            started_at: at,
            completed_at: None,
            answers: BTreeMap::new(),
            audit: Vec::new(),
        })
    }

    fn same_instrument(&self, instrument: &Instrument) -> Result<(), InstrumentError> {
        if self.instrument == instrument.id() && self.version == instrument.version() {
            Ok(())
        } else {
            Err(InstrumentError::InstrumentMismatch {
                expected: format!("{}@{}", instrument.id(), instrument.version()),
                found: format!("{}@{}", self.instrument, self.version),
            })
        }
    }

    /// Sets (or, with `None`, clears) the answer to `item`: the one operation behind
    /// [`Session::answer`], [`Session::not_applicable`], [`Session::skip`] and
    /// [`Session::clear`]. A change to the same answer is not recorded.
    ///
    /// # Errors
    /// [`InstrumentError::Completed`], [`InstrumentError::InstrumentMismatch`], or the answer's
    /// error ([`Instrument::check_answer`]); the session is unchanged.
    pub fn set(
        &mut self,
        instrument: &Instrument,
        item: &str,
        answer: Option<Answer>,
        at: DateTime<FixedOffset>,
    ) -> Result<(), InstrumentError> {
        self.same_instrument(instrument)?;
        self.check_open(item)?;
        let at = whole_minute_offset(at)?;
        match &answer {
            Some(a) => instrument.check_answer(item, a)?,
            None => {
                instrument.item(item)?;
            }
        }
        let old = self.answers.get(item).copied();
        if old == answer {
            return Ok(());
        }
        match answer {
            Some(a) => self.answers.insert(item.to_owned(), a),
            None => self.answers.remove(item),
        };
        self.audit.push(AuditEntry { at, item: item.to_owned(), old, new: answer });
        Ok(())
    }

    /// Whether the session takes changes to `item`: the error [`Session::set`] gives before it
    /// reads the answer. A binding that reads an answer from its own form first (a 64-bit
    /// integer, a table cell) calls this before, so that a completed session says so whatever
    /// the answer, in every language.
    ///
    /// # Errors
    /// [`InstrumentError::Completed`] once the session is completed.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Instrument, Session};
    /// let tcm = Instrument::tcm_dkd()?;
    /// let at = chrono::DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").unwrap();
    /// let session = Session::start(&tcm, "S-1", "w4", "en", at)?;
    /// assert!(session.check_open("fatigue").is_ok());
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn check_open(&self, item: &str) -> Result<(), InstrumentError> {
        match self.completed_at {
            Some(_) => Err(InstrumentError::Completed { item: item.to_owned() }),
            None => Ok(()),
        }
    }

    /// Answers (or changes the answer to) `item` with one of its scale's values.
    ///
    /// # Errors
    /// As [`Session::set`].
    pub fn answer(
        &mut self,
        instrument: &Instrument,
        item: &str,
        value: u8,
        at: DateTime<FixedOffset>,
    ) -> Result<(), InstrumentError> {
        self.set(instrument, item, Some(Answer::Value(value)), at)
    }

    /// Answers `item` "does not apply".
    ///
    /// # Errors
    /// As [`Session::set`].
    pub fn not_applicable(
        &mut self,
        instrument: &Instrument,
        item: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(), InstrumentError> {
        self.set(instrument, item, Some(Answer::NotApplicable), at)
    }

    /// Skips `item` (an optional one).
    ///
    /// # Errors
    /// As [`Session::set`].
    pub fn skip(
        &mut self,
        instrument: &Instrument,
        item: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(), InstrumentError> {
        self.set(instrument, item, Some(Answer::Skipped), at)
    }

    /// Clears the answer to `item`.
    ///
    /// # Errors
    /// As [`Session::set`].
    pub fn clear(
        &mut self,
        instrument: &Instrument,
        item: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(), InstrumentError> {
        self.set(instrument, item, None, at)
    }

    /// Where the session is.
    pub fn progress(&self, instrument: &Instrument) -> Progress {
        let mut sections = Vec::new();
        let (mut answered, mut skipped, mut total, mut required_remaining) = (0, 0, 0, 0);
        let mut next_item = None;
        for section in &instrument.sections {
            let mut p = SectionProgress { section: section.id.clone(), answered: 0, skipped: 0, total: 0 };
            for item in &section.items {
                p.total += 1;
                match self.answers.get(&item.id) {
                    Some(Answer::Value(_) | Answer::NotApplicable) => p.answered += 1,
                    Some(Answer::Skipped) => p.skipped += 1,
                    None => {
                        if next_item.is_none() {
                            next_item = Some(item.id.clone());
                        }
                    }
                }
                if !item.optional
                    && !matches!(self.answers.get(&item.id), Some(Answer::Value(_) | Answer::NotApplicable))
                {
                    required_remaining += 1;
                }
            }
            answered += p.answered;
            skipped += p.skipped;
            total += p.total;
            sections.push(p);
        }
        Progress {
            answered,
            skipped,
            total,
            required_remaining,
            next_item,
            sections,
            completed: self.completed_at.is_some(),
        }
    }

    /// The scores of the answers so far, under `rules`.
    ///
    /// # Errors
    /// [`InstrumentError::InvalidRules`], [`InstrumentError::InstrumentMismatch`].
    pub fn scores(&self, instrument: &Instrument, rules: &ScoreRules) -> Result<Scores, InstrumentError> {
        self.same_instrument(instrument)?;
        score(instrument, &self.answers, rules)
    }

    /// Completes the session and gives its scores. Optional items left unanswered count as
    /// missing in the scores (the missing-item rule decides).
    ///
    /// # Errors
    /// [`InstrumentError::Incomplete`] listing the required items without an answer;
    /// [`InstrumentError::Completed`] for a second completion; as [`Session::scores`]. The
    /// session is unchanged.
    pub fn complete(
        &mut self,
        instrument: &Instrument,
        at: DateTime<FixedOffset>,
        rules: &ScoreRules,
    ) -> Result<Scores, InstrumentError> {
        self.same_instrument(instrument)?;
        if self.completed_at.is_some() {
            return Err(InstrumentError::Completed { item: String::new() });
        }
        let at = whole_minute_offset(at)?;
        let missing = self.required_unanswered(instrument);
        if !missing.is_empty() {
            return Err(InstrumentError::Incomplete { items: missing });
        }
        let scores = self.scores(instrument, rules)?;
        self.completed_at = Some(at);
        Ok(scores)
    }

    /// The required items without an answer (a value or "does not apply"), in order.
    fn required_unanswered(&self, instrument: &Instrument) -> Vec<String> {
        instrument
            .items()
            .filter(|(_, i)| !i.optional)
            .filter(|(_, i)| !matches!(self.answers.get(&i.id), Some(Answer::Value(_) | Answer::NotApplicable)))
            .map(|(_, i)| i.id.clone())
            .collect()
    }

    /// The answers, by item id.
    pub fn answers(&self) -> &BTreeMap<String, Answer> {
        &self.answers
    }
    /// The audit trail, in the order the changes were made.
    pub fn audit(&self) -> &[AuditEntry] {
        &self.audit
    }
    /// In progress or completed.
    pub fn status(&self) -> SessionStatus {
        if self.completed_at.is_some() {
            SessionStatus::Completed
        } else {
            SessionStatus::InProgress
        }
    }
    /// The participant.
    pub fn participant(&self) -> &str {
        &self.participant
    }
    /// The visit.
    pub fn visit(&self) -> &str {
        &self.visit
    }
    /// The language.
    pub fn language(&self) -> &str {
        &self.language
    }
    /// `(id, version)` of the instrument.
    pub fn instrument(&self) -> (&str, &str) {
        (&self.instrument, &self.version)
    }
    /// When it was started.
    pub fn started_at(&self) -> DateTime<FixedOffset> {
        self.started_at
    }
    /// When it was completed.
    pub fn completed_at(&self) -> Option<DateTime<FixedOffset>> {
        self.completed_at
    }
    /// When it last changed: the last audit entry, the completion, or the start.
    pub fn last_changed(&self) -> DateTime<FixedOffset> {
        self.completed_at.or_else(|| self.audit.last().map(|e| e.at)).unwrap_or(self.started_at)
    }

    /// The session as one flat record ([`FlatResponse`]).
    ///
    /// # Errors
    /// As [`Session::scores`].
    pub fn flat(&self, instrument: &Instrument, rules: &ScoreRules) -> Result<FlatResponse, InstrumentError> {
        Ok(FlatResponse {
            participant: self.participant.clone(),
            visit: self.visit.clone(),
            instrument: self.instrument.clone(),
            version: self.version.clone(),
            language: self.language.clone(),
            status: self.status(),
            started_at: self.started_at,
            completed_at: self.completed_at,
            answers: instrument.items().map(|(_, i)| (i.id.clone(), self.answers.get(&i.id).copied())).collect(),
            scores: self.scores(instrument, rules)?,
            changes: self.audit.len(),
        })
    }

    /// The session saved as JSON: format, version, checksum and the session.
    pub fn to_json(&self) -> String {
        // A session holds strings, integers and times only: it always serialises.
        let body = serde_json::to_string(self).unwrap_or_default();
        format!(
            r#"{{"format":"{SAVE_FORMAT}","format_version":{SAVE_FORMAT_VERSION},"checksum":"{}","session":{body}}}"#,
            checksum(&body)
        )
    }

    /// Resumes a session saved by [`Session::to_json`], exactly as it was.
    ///
    /// # Errors
    /// [`InstrumentError::CorruptSave`] for text that is malformed, truncated, altered (the
    /// checksum), of another format version, or whose audit trail does not lead to its answers;
    /// [`InstrumentError::InstrumentMismatch`] for a save of another instrument version; an
    /// answer's error (with its item) for an answer the instrument does not allow.
    pub fn resume(instrument: &Instrument, text: &str) -> Result<Session, InstrumentError> {
        let session = read_save(text)?;
        let corrupt = |reason: String| InstrumentError::CorruptSave { reason };
        session.same_instrument(instrument)?;
        instrument.check_language(&session.language)?;
        for (item, answer) in &session.answers {
            instrument.check_answer(item, answer)?;
        }
        // Every answer the trail ever held was one the instrument allows, at a time `answer`
        // would take (a save written by another program may hold one it would not).
        for entry in &session.audit {
            for answer in [entry.old, entry.new].iter().flatten() {
                instrument.check_answer(&entry.item, answer)?;
            }
        }
        let times = session.audit.iter().map(|e| e.at).chain([session.started_at]).chain(session.completed_at);
        for at in times {
            whole_minute_offset(at).map_err(|e| corrupt(format!("a time of the save: {e}")))?;
        }
        if session.completed_at.is_some() {
            if let Some(item) = session.required_unanswered(instrument).first() {
                return Err(corrupt(format!("the session is completed but `{item}` has no answer")));
            }
        }
        Ok(session)
    }
}

impl Session {
    /// A session read from its fields as JSON **without any check**: what a faulty writer
    /// could save with a correct checksum. Only in tests and fuzzing builds (`cfg(fuzzing)`,
    /// set by cargo-fuzz), so that they can make such saves and show that `resume` refuses
    /// them; never in the library's API.
    #[cfg(any(test, fuzzing))]
    #[doc(hidden)]
    pub fn unchecked_from_json(text: &str) -> Result<Session, serde_json::Error> {
        serde_json::from_str::<UncheckedSession>(text).map(Session::from)
    }
}

/// Reads a save's envelope: format, version and checksum; the session inside is not yet
/// checked against an instrument.
fn read_save(text: &str) -> Result<Session, InstrumentError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Envelope {
        format: String,
        format_version: u32,
        checksum: String,
        session: UncheckedSession,
    }
    let corrupt = |reason: String| InstrumentError::CorruptSave { reason };
    let de = &mut serde_json::Deserializer::from_str(text);
    let envelope: Envelope = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        corrupt(format!("field `{}`: {}", crate::json::field_path(e.path()), crate::json::describe_at(e.inner())))
    })?;
    // One text is one save: text after it (a second save, appended bytes) is not a save.
    de.end().map_err(|e| corrupt(format!("text after the save: {}", crate::json::describe_at(&e))))?;
    if envelope.format != SAVE_FORMAT {
        return Err(corrupt(format!("not a saved session (format is not `{SAVE_FORMAT}`)")));
    }
    if envelope.format_version != SAVE_FORMAT_VERSION {
        return Err(corrupt(format!(
            "format version {} is not the one this library reads ({SAVE_FORMAT_VERSION})",
            envelope.format_version
        )));
    }
    let session = Session::from(envelope.session);
    let body = serde_json::to_string(&session).unwrap_or_default();
    if checksum(&body) != envelope.checksum {
        return Err(corrupt("the checksum does not match: the save was altered or damaged".to_owned()));
    }
    nonempty("participant", &session.participant).map_err(|_| corrupt("the participant is empty".to_owned()))?;
    nonempty("visit", &session.visit).map_err(|_| corrupt("the visit is empty".to_owned()))?;
    // Replaying the audit trail from no answers gives the answers; no entry is a non-change.
    let mut replayed: BTreeMap<String, Answer> = BTreeMap::new();
    for (n, entry) in session.audit.iter().enumerate() {
        if replayed.get(&entry.item).copied() != entry.old || entry.old == entry.new {
            return Err(corrupt(format!("audit entry {n} does not follow from the ones before it")));
        }
        match entry.new {
            Some(a) => replayed.insert(entry.item.clone(), a),
            None => replayed.remove(&entry.item),
        };
    }
    if replayed != session.answers {
        return Err(corrupt("the audit trail does not lead to the answers".to_owned()));
    }
    Ok(session)
}

/// FNV-1a (64 bit) of `text`, as 16 hex digits after `fnv1a64:`: catches truncation and
/// accidental damage of a save (not tampering; a save is not a signed document).
fn checksum(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

/// A session kept in a file, so that a write cut short or a damaged file never loses the
/// answers of the last good save.
///
/// - **Save**: the save is written to `<file>.writing` and flushed. The file in place, if it is
///   a good save (the checks a load makes that need no instrument: format, checksum, audit
///   trail), is copied to `<file>.previous` through a flushed `<file>.previous.writing`. Then
///   `<file>.writing` is renamed over the file and the folder is flushed. The file is never
///   removed: at every moment it holds a complete save, old or new.
/// - **Load**: `<file>.writing` if it holds a save that resumes (a save whose last rename was
///   cut short: the newest), else the file, else `<file>.previous`; [`StoredSession::recovered_from`]
///   says why the file was not used when the previous save was.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{Instrument, Session, SessionStore};
/// use chrono::DateTime;
/// let dqol = Instrument::dqol()?;
/// let at = DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").unwrap();
/// let dir = std::env::temp_dir().join(format!("dkd-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let store = SessionStore::new(dir.join("dqol-S-001-w4.json"));
/// let mut s = Session::start(&dqol, "S-001", "w4", "en", at)?;
/// s.answer(&dqol, "sat01", 2, at)?;
/// store.save(&s)?;
/// let loaded = store.load(&dqol)?;
/// assert_eq!(loaded.session, s);
/// assert!(loaded.recovered_from.is_none());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStore {
    path: PathBuf,
}

/// A session loaded from a [`SessionStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The session.
    pub session: Session,
    /// Why the file could not be read, when the previous save was loaded instead.
    pub recovered_from: Option<InstrumentError>,
}

fn storage(what: &str, e: &std::io::Error) -> InstrumentError {
    InstrumentError::Storage { reason: format!("{what}: {}", e.kind()) }
}

/// Writes `text` to `path` and flushes it to the disk.
fn write_flushed(path: &Path, text: &str) -> Result<(), InstrumentError> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(|e| storage("cannot create the file", &e))?;
    file.write_all(text.as_bytes()).map_err(|e| storage("cannot write the file", &e))?;
    file.sync_all().map_err(|e| storage("cannot flush the file", &e))
}

impl SessionStore {
    /// A store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> SessionStore {
        SessionStore { path: path.into() }
    }

    /// The file of the latest save.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    /// Saves `session`, keeping the good save before it as `<file>.previous`.
    ///
    /// # Errors
    /// [`InstrumentError::Storage`] if a file cannot be written or renamed; the file in place is
    /// then the last good save (or the new one, if only flushing the folder failed).
    pub fn save(&self, session: &Session) -> Result<(), InstrumentError> {
        // Saves within the process one at a time: two sessions saved to one path from two
        // threads (a session resumed twice) would otherwise interleave their writes to the one
        // `.writing` file and could put a mixed file in place.
        static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = SAVING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let writing = self.sibling(".writing");
        // A good save left in `.writing` by a save cut short before its rename is newer than the
        // file: finish that save first, so it is not overwritten by a write that may fail too.
        if std::fs::read_to_string(&writing).is_ok_and(|t| read_save(&t).is_ok()) {
            self.promote(&writing)?;
        }
        write_flushed(&writing, &session.to_json())?;
        self.promote(&writing)
    }

    /// Keeps the file in place as `.previous` if it is a good save, then renames `writing`
    /// over the file and flushes the folder.
    fn promote(&self, writing: &Path) -> Result<(), InstrumentError> {
        let incoming = std::fs::read_to_string(writing).ok().and_then(|t| read_save(&t).ok());
        let instrument_of = |s: &Session| (s.instrument.clone(), s.version.clone());
        if let Ok(current) = std::fs::read_to_string(&self.path) {
            // Only a good save of the same instrument version becomes the previous one: a
            // damaged file, or another instrument's, must not replace a good previous save.
            let good = read_save(&current)
                .is_ok_and(|c| incoming.as_ref().is_some_and(|n| instrument_of(n) == instrument_of(&c)));
            if good {
                let previous_writing = self.sibling(".previous.writing");
                write_flushed(&previous_writing, &current)?;
                std::fs::rename(&previous_writing, self.sibling(".previous"))
                    .map_err(|e| storage("cannot keep the previous save", &e))?;
            }
        }
        std::fs::rename(writing, &self.path).map_err(|e| storage("cannot replace the save", &e))?;
        // Flush the folder, so that the rename itself survives a power cut.
        let folder = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::File::open(&folder)
            .and_then(|f| f.sync_all())
            .map_err(|e| storage("the save is in place but the folder could not be flushed", &e))
    }

    /// Loads the newest save that resumes: `<file>.writing` (a save whose rename was cut
    /// short), the file, or `<file>.previous` (saying why the file could not be read).
    ///
    /// # Errors
    /// The file's error if none resumes; [`InstrumentError::Storage`] if there is no save.
    pub fn load(&self, instrument: &Instrument) -> Result<StoredSession, InstrumentError> {
        let read = |path: &Path| -> Result<Session, InstrumentError> {
            let text = std::fs::read_to_string(path).map_err(|e| storage("cannot read the save", &e))?;
            Session::resume(instrument, &text)
        };
        if let Ok(session) = read(&self.sibling(".writing")) {
            return Ok(StoredSession { session, recovered_from: None });
        }
        match read(&self.path) {
            Ok(session) => Ok(StoredSession { session, recovered_from: None }),
            Err(latest) => match read(&self.sibling(".previous")) {
                Ok(session) => Ok(StoredSession { session, recovered_from: Some(latest) }),
                Err(_) => Err(latest),
            },
        }
    }
}
