//! Questionnaires for the phone: the DQOL that participants answer and the TCM syndrome score
//! that staff record, as response sessions the app drives. Every rule is core's
//! (`amimestrocel_dkd::instrument`, `docs/instruments.md`).
//!
//! Core's records and enums cross as they are (`#[uniffi::remote(...)]`). Two objects of this
//! crate hold core's values behind a handle, because an app keeps them across calls:
//! [`Instrument`] (a loaded definition) and [`Session`] (the answers being given, behind a
//! lock, since Kotlin and Swift may call from several threads). Times are
//! `java.time.OffsetDateTime` in Kotlin and RFC 3339 strings in Swift; the app passes the time
//! of each change, the library never reads a clock.
//!
//! ```kotlin
//! val dqol = Instrument.bundled("dqol")
//! val now = OffsetDateTime.parse("2025-04-01T10:00:00+08:00")
//! val session = Session.start(dqol, "S-001", "w4", "zh-Hans", now)
//! session.answer("sat01", 2L, now)
//! val saved = session.toJson() // or SessionStore(path).save(session)
//! val resumed = Session.resume(dqol, saved)
//! check(resumed.progress().answered == 1u)
//! ```
//! ```swift
//! let dqol = try Instrument.bundled(id: "dqol")
//! let session = try Session.start(instrument: dqol, participant: "S-001", visit: "w4", language: "zh-Hans", at: "2025-04-01T10:00:00+08:00")
//! try session.answer(item: "sat01", value: 2, at: "2025-04-01T10:00:05+08:00")
//! let resumed = try Session.resume(instrument: dqol, saved: try session.toJson())
//! let progress = try resumed.progress()
//! assert(progress.answered == 1)
//! ```

use std::sync::{Arc, Mutex};

use amimestrocel_dkd::instrument::{
    self as core, fhir, Answer, AuditEntry, Efficacy, EfficacyCategory, EfficacyThresholds, InstrumentView, ItemView,
    OptionView, Progress, Respondent, ScoreRules, Scores, SectionProgress, SectionScore, SectionView, SessionStatus,
    Transform, Wording,
};
use chrono::{DateTime, FixedOffset};
use uniffi::deps::anyhow;

use crate::error::{guard, DkdError};

/// An instant with its offset from UTC, as the app's clock gives it: RFC 3339
/// (`2025-04-01T10:00:00+08:00`) on the wire.
pub type Timestamp = DateTime<FixedOffset>;

// A timestamp crosses as RFC 3339 text.
uniffi::custom_type!(Timestamp, String, {
    remote,
    try_lift: |text| text.parse::<DateTime<FixedOffset>>()
        .map_err(|_| anyhow::Error::new(DkdError::invalid_time())),
    lower: |time| time.to_rfc3339(),
});

// ------------------------------------------------------------------------
// core's types
// ------------------------------------------------------------------------

/// An answer to one item.
#[uniffi::remote(Enum)]
pub enum Answer {
    Value(u8),
    NotApplicable,
    Skipped,
}

/// Where an instrument's wording comes from.
#[uniffi::remote(Enum)]
pub enum Wording {
    Placeholder,
    Published,
    Licensed,
}

/// Who answers an instrument.
#[uniffi::remote(Enum)]
pub enum Respondent {
    Participant,
    Staff,
}

/// How scores are put on 0–100.
#[uniffi::remote(Enum)]
pub enum Transform {
    RawOnly,
    HigherIsBetter,
    SameAsRaw,
}

/// In progress or completed.
#[uniffi::remote(Enum)]
pub enum SessionStatus {
    InProgress,
    Completed,
}

/// An option as shown.
#[uniffi::remote(Record)]
pub struct OptionView {
    pub value: u8,
    pub label: String,
}

/// An item as shown.
#[uniffi::remote(Record)]
pub struct ItemView {
    pub id: String,
    pub section: String,
    pub text: String,
    pub options: Vec<OptionView>,
    pub not_applicable: Option<String>,
    pub optional: bool,
    pub scored: bool,
}

/// A section as shown.
#[uniffi::remote(Record)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemView>,
}

/// An instrument in one language.
#[uniffi::remote(Record)]
pub struct InstrumentView {
    pub id: String,
    pub version: String,
    pub language: String,
    pub title: String,
    pub wording: Wording,
    pub wording_note: String,
    pub respondent: Respondent,
    pub sections: Vec<SectionView>,
}

/// One change of an answer.
#[uniffi::remote(Record)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub item: String,
    pub old: Option<Answer>,
    pub new: Option<Answer>,
}

/// Progress of one section.
#[uniffi::remote(Record)]
pub struct SectionProgress {
    pub section: String,
    pub answered: u32,
    pub skipped: u32,
    pub total: u32,
}

/// How far a session is.
#[uniffi::remote(Record)]
pub struct Progress {
    pub answered: u32,
    pub skipped: u32,
    pub total: u32,
    pub required_remaining: u32,
    pub next_item: Option<String>,
    pub sections: Vec<SectionProgress>,
    pub completed: bool,
}

/// The scoring readings.
#[uniffi::remote(Record)]
pub struct ScoreRules {
    pub min_answered_fraction: f64,
    pub transform: Transform,
}

/// A section's score.
#[uniffi::remote(Record)]
pub struct SectionScore {
    pub section: String,
    pub raw: Option<f64>,
    pub transformed: Option<f64>,
    pub prorated: bool,
    pub answered: u32,
    pub not_applicable: u32,
    pub items: u32,
    pub min: f64,
    pub max: f64,
}

/// The scores of a set of answers.
#[uniffi::remote(Record)]
pub struct Scores {
    pub sections: Vec<SectionScore>,
    pub total: Option<f64>,
    pub total_transformed: Option<f64>,
    pub total_min: f64,
    pub total_max: f64,
}

/// The efficacy category of a TCM syndrome score change.
#[uniffi::remote(Enum)]
pub enum EfficacyCategory {
    ClinicalRecovery,
    MarkedlyEffective,
    Effective,
    Ineffective,
}

/// The thresholds of the efficacy categories, percent.
#[uniffi::remote(Record)]
pub struct EfficacyThresholds {
    pub clinical_recovery: f64,
    pub markedly_effective: f64,
    pub effective: f64,
}

/// The efficacy of a change in TCM syndrome score.
#[uniffi::remote(Record)]
pub struct Efficacy {
    pub index_percent: f64,
    pub category: EfficacyCategory,
}

// ------------------------------------------------------------------------
// objects
// ------------------------------------------------------------------------

/// A loaded instrument definition (core's `Instrument`), shared by the sessions made from it.
#[derive(uniffi::Object)]
pub struct Instrument {
    inner: core::Instrument,
}

#[uniffi::export]
impl Instrument {
    /// A bundled instrument: `dqol` or `tcm-dkd`.
    #[uniffi::constructor]
    pub fn bundled(id: String) -> Result<Arc<Self>, DkdError> {
        guard(|| Ok(Arc::new(Instrument { inner: core::Instrument::bundled(&id)? })))
    }

    /// A definition read from JSON (a site's own).
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, DkdError> {
        guard(|| Ok(Arc::new(Instrument { inner: core::Instrument::from_json(&text)? })))
    }

    /// The same instrument with a site's licensed text for one language, from a translation file.
    pub fn with_translation(&self, text: String) -> Result<Arc<Self>, DkdError> {
        guard(|| Ok(Arc::new(Instrument { inner: self.inner.with_translation(&text)? })))
    }

    /// The id (`dqol`).
    pub fn id(&self) -> Result<String, DkdError> {
        guard(|| Ok(self.inner.id().to_owned()))
    }

    /// The version.
    pub fn version(&self) -> Result<String, DkdError> {
        guard(|| Ok(self.inner.version().to_owned()))
    }

    /// The languages its texts are in.
    pub fn languages(&self) -> Result<Vec<String>, DkdError> {
        guard(|| Ok(self.inner.languages.clone()))
    }

    /// The instrument in one language, as the app shows it.
    pub fn view(&self, language: String) -> Result<InstrumentView, DkdError> {
        guard(|| Ok(self.inner.view(&language)?))
    }

    /// The definition's scoring readings.
    pub fn default_rules(&self) -> Result<ScoreRules, DkdError> {
        guard(|| Ok(self.inner.default_rules()))
    }

    /// A translation file with every text in `language` filled from the definition, as JSON:
    /// what a site fills with its licensed wording.
    pub fn translation_template(&self, language: String) -> Result<String, DkdError> {
        guard(|| json(&self.inner.translation_template(&language)))
    }

    /// The definition as a FHIR R4 `Questionnaire` (JSON), texts in `language`.
    pub fn fhir_questionnaire(&self, language: String) -> Result<String, DkdError> {
        guard(|| json(&fhir::questionnaire(&self.inner, &language)?))
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DkdError> {
    serde_json::to_string(value).map_err(|_| DkdError::internal())
}

/// A response session (core's `Session`): one participant, one visit, one instrument version.
#[derive(uniffi::Object)]
pub struct Session {
    instrument: Arc<Instrument>,
    inner: Mutex<core::Session>,
}

impl Session {
    /// Runs `body` on the locked session inside the guard.
    fn guard_with<T>(
        &self,
        body: impl FnOnce(&mut core::Session, &core::Instrument) -> Result<T, DkdError>,
    ) -> Result<T, DkdError> {
        guard(|| {
            // A panic inside an earlier call poisons the lock but cannot leave the session half
            // changed (core checks before it changes anything): the session stays usable, and
            // above all savable.
            let mut session = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            body(&mut session, &self.instrument.inner)
        })
    }
}

#[uniffi::export]
impl Session {
    /// Starts a session.
    #[uniffi::constructor]
    pub fn start(
        instrument: Arc<Instrument>,
        participant: String,
        visit: String,
        language: String,
        at: Timestamp,
    ) -> Result<Arc<Self>, DkdError> {
        guard(|| {
            let inner = core::Session::start(&instrument.inner, &participant, &visit, &language, at)?;
            Ok(Arc::new(Session { instrument, inner: Mutex::new(inner) }))
        })
    }

    /// Resumes a session saved by [`Session::to_json`], exactly as it was.
    #[uniffi::constructor]
    pub fn resume(instrument: Arc<Instrument>, saved: String) -> Result<Arc<Self>, DkdError> {
        guard(|| {
            let inner = core::Session::resume(&instrument.inner, &saved)?;
            Ok(Arc::new(Session { instrument, inner: Mutex::new(inner) }))
        })
    }

    /// Answers (or changes the answer to) `item` with one of its scale's values. The value is a
    /// 64-bit integer so that the app passes what its control gives without narrowing it first
    /// (a narrowing wraps in Kotlin, 257 becoming 1, and traps in Swift); a value off the scale
    /// is `InvalidInput` of kind `answer_out_of_scale` naming the item.
    ///
    /// ```kotlin
    /// session.answer("sat01", 3L, OffsetDateTime.now())
    /// ```
    pub fn answer(&self, item: String, value: i64, at: Timestamp) -> Result<(), DkdError> {
        self.guard_with(|s, i| {
            s.check_open(&item)?; // core's order: a completed session says so first
            let answer = i.answer_of(&item, value)?;
            Ok(s.set(i, &item, Some(answer), at)?)
        })
    }

    /// Answers `item` "does not apply".
    pub fn not_applicable(&self, item: String, at: Timestamp) -> Result<(), DkdError> {
        self.guard_with(|s, i| Ok(s.not_applicable(i, &item, at)?))
    }

    /// Skips `item` (an optional one).
    pub fn skip(&self, item: String, at: Timestamp) -> Result<(), DkdError> {
        self.guard_with(|s, i| Ok(s.skip(i, &item, at)?))
    }

    /// Clears the answer to `item`.
    pub fn clear(&self, item: String, at: Timestamp) -> Result<(), DkdError> {
        self.guard_with(|s, i| Ok(s.clear(i, &item, at)?))
    }

    /// The answer to `item`, if any.
    pub fn answer_to(&self, item: String) -> Result<Option<Answer>, DkdError> {
        self.guard_with(|s, i| {
            i.item(&item)?;
            Ok(s.answers().get(&item).copied())
        })
    }

    /// Where the session is.
    pub fn progress(&self) -> Result<Progress, DkdError> {
        self.guard_with(|s, i| Ok(s.progress(i)))
    }

    /// The scores of the answers so far, under the definition's readings or `rules`.
    pub fn scores(&self, rules: Option<ScoreRules>) -> Result<Scores, DkdError> {
        self.guard_with(|s, i| Ok(s.scores(i, &rules.unwrap_or_else(|| i.default_rules()))?))
    }

    /// Completes the session and gives its scores.
    pub fn complete(&self, at: Timestamp, rules: Option<ScoreRules>) -> Result<Scores, DkdError> {
        self.guard_with(|s, i| Ok(s.complete(i, at, &rules.unwrap_or_else(|| i.default_rules()))?))
    }

    /// In progress or completed.
    pub fn status(&self) -> Result<SessionStatus, DkdError> {
        self.guard_with(|s, _| Ok(s.status()))
    }

    /// Every change, in the order made.
    pub fn audit(&self) -> Result<Vec<AuditEntry>, DkdError> {
        self.guard_with(|s, _| Ok(s.audit().to_vec()))
    }

    /// The session saved as JSON (with a checksum), to keep between two answers.
    pub fn to_json(&self) -> Result<String, DkdError> {
        self.guard_with(|s, _| Ok(s.to_json()))
    }

    /// The session as a FHIR R4 `QuestionnaireResponse` (JSON).
    pub fn fhir_response(&self) -> Result<String, DkdError> {
        self.guard_with(|s, i| json(&fhir::questionnaire_response(i, s)?))
    }

    /// The session as one flat JSON record for the data pipeline, its scores under the
    /// definition's readings or `rules` (the same `rules` as `scores` and `complete`, so that the
    /// pipeline gets the scores the app showed).
    pub fn flat_json(&self, rules: Option<ScoreRules>) -> Result<String, DkdError> {
        self.guard_with(|s, i| json(&s.flat(i, &rules.unwrap_or_else(|| i.default_rules()))?))
    }
}

/// A session kept in a file (core's `SessionStore`): each save replaces the file atomically and
/// keeps the good save before it; a load falls back to that one when the file is damaged.
#[derive(uniffi::Object)]
pub struct SessionStore {
    inner: core::SessionStore,
}

/// A session loaded from a [`SessionStore`], and why the latest save could not be read when
/// the previous one was loaded instead (an app should tell the participant: answers since that
/// save must be given again). A record of this crate's own, since core's holds the session as
/// a value and this one the [`Session`] object, and the reason as its text.
#[derive(uniffi::Record)]
pub struct StoredSession {
    pub session: Arc<Session>,
    pub recovered_from: Option<String>,
}

#[uniffi::export]
impl SessionStore {
    /// A store at `path` (a file in the app's own storage).
    #[uniffi::constructor]
    pub fn new(path: String) -> Result<Arc<Self>, DkdError> {
        guard(|| Ok(Arc::new(SessionStore { inner: core::SessionStore::new(path) })))
    }

    /// Saves `session`.
    pub fn save(&self, session: Arc<Session>) -> Result<(), DkdError> {
        guard(|| session.guard_with(|s, _| Ok(self.inner.save(s)?)))
    }

    /// Loads the newest save that resumes.
    pub fn load(&self, instrument: Arc<Instrument>) -> Result<StoredSession, DkdError> {
        guard(|| {
            let stored = self.inner.load(&instrument.inner)?;
            let session = Arc::new(Session { instrument, inner: Mutex::new(stored.session) });
            Ok(StoredSession { session, recovered_from: stored.recovered_from.map(|e| e.to_string()) })
        })
    }
}

/// The TCM efficacy index `(pre − post) / pre × 100 %` and its category.
#[uniffi::export]
pub fn efficacy(pre: f64, post: f64, thresholds: Option<EfficacyThresholds>) -> Result<Efficacy, DkdError> {
    guard(|| Ok(core::efficacy(pre, post, &thresholds.unwrap_or_default())?))
}
