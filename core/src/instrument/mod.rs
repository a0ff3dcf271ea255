//! Patient- and staff-reported instruments: the Diabetes Quality of Life Measure (DQOL), which
//! participants answer on their phones at each visit, and the TCM syndrome score for diabetic
//! kidney disease, which staff record.
//!
//! - [`definition`]: an [`Instrument`] as versioned data (sections, items, scales, reverse
//!   scoring, "does not apply", text per language), checked when loaded; a site's licensed
//!   wording loads from a [`Translation`] file;
//! - [`view`]: the instrument in one language, as an app shows it;
//! - [`session`]: a [`Session`], the state machine the apps drive (answer, change, clear, skip,
//!   progress, complete), with an audit trail of every change, saved and resumed as JSON;
//! - [`scoring`]: section and total [`Scores`] with the missing-item rule ([`ScoreRules`]), and
//!   the TCM [`efficacy`] index;
//! - [`fhir`]: FHIR R4 `Questionnaire` and `QuestionnaireResponse`.
//!
//! What each bundled instrument holds, and what could not be sourced (the DQOL's licensed item
//! wording among it), is in `docs/instruments.md`; the readings are in `docs/interpretation.md`.
//! Times are passed in by the caller, never read from a clock here.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::instrument::{Instrument, Session};
//! use chrono::DateTime;
//! let tcm = Instrument::tcm_dkd()?;
//! let at = DateTime::parse_from_rfc3339("2025-03-03T09:00:00+08:00").unwrap();
//! let mut session = Session::start(&tcm, "S-001", "baseline", "zh-Hans", at)?;
//! for (_, item) in tcm.items().filter(|(_, i)| !i.optional) {
//!     session.answer(&tcm, &item.id, 2, at)?;
//! }
//! let scores = session.complete(&tcm, at, &tcm.default_rules())?;
//! assert_eq!(scores.total, Some(14.0));
//! # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
//! ```

pub mod definition;
pub mod fhir;
pub mod scoring;
pub mod session;
pub mod view;

pub use definition::UniqueMap;
pub use definition::{
    Instrument, Item, Respondent, Scale, ScaleOption, ScoringSpec, Section, Text, Transform, Translation, Wording,
    BUNDLED_DQOL, BUNDLED_TCM_DKD, DEFINITION_FORMAT, TRANSLATION_FORMAT,
};
pub use scoring::{
    efficacy, item_score, score, Efficacy, EfficacyCategory, EfficacyThresholds, ScoreRules, Scores, SectionScore,
};
pub use session::{
    Answer, AuditEntry, FlatResponse, Progress, SectionProgress, Session, SessionStatus, SessionStore, StoredSession,
    SAVE_FORMAT, SAVE_FORMAT_VERSION,
};
pub use view::{InstrumentView, ItemView, OptionView, SectionView};

/// Why an instrument, an answer, a session or a saved session was refused. Messages name
/// items and fields, never an answer's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    /// A definition file was refused.
    #[error("instrument definition field `{path}`: {reason}")]
    InvalidDefinition {
        /// The field path (`sections[1].items[3].scale`).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A translation file was refused.
    #[error("instrument translation field `{path}`: {reason}")]
    InvalidTranslation {
        /// The field path (`items.sat01`).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// No instrument of this id and version is loaded or bundled.
    #[error("unknown instrument `{id}` version `{version}`")]
    UnknownInstrument {
        /// The id asked for.
        id: String,
        /// The version asked for (empty when only the id was given).
        version: String,
    },
    /// The instrument has no text in this language.
    #[error("the instrument has no text in `{language}` (it has: {known})")]
    UnknownLanguage {
        /// The language asked for.
        language: String,
        /// The languages it has, comma-separated.
        known: String,
    },
    /// The instrument has no item of this id.
    #[error("unknown item `{item}`")]
    UnknownItem {
        /// The item id given.
        item: String,
    },
    /// An answer that is not one of the item's scale values.
    #[error("the answer to `{item}` is not one of its scale's values ({allowed})")]
    OutOfScale {
        /// The item.
        item: String,
        /// The values allowed.
        allowed: String,
    },
    /// "Does not apply" to an item that does not allow it.
    #[error("`{item}` cannot be answered \"does not apply\"")]
    NotApplicableNotAllowed {
        /// The item.
        item: String,
    },
    /// A skip of an item that must be answered.
    #[error("`{item}` must be answered and cannot be skipped")]
    SkipNotAllowed {
        /// The item.
        item: String,
    },
    /// A change to a completed session (or a second completion).
    #[error("{}", completed_text(item))]
    Completed {
        /// The item the change was for (empty for a second completion).
        item: String,
    },
    /// Completion while items that must be answered are not.
    #[error("the session cannot be completed: {} item(s) must be answered, first `{}`", .items.len(), .items.first().map_or("", String::as_str))]
    Incomplete {
        /// The unanswered required items, in order.
        items: Vec<String>,
    },
    /// A session field that is not acceptable (an empty participant id).
    #[error("{path}: {reason}")]
    InvalidInput {
        /// The field.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A saved session that is malformed, truncated, altered or inconsistent.
    #[error("the saved session cannot be read: {reason}")]
    CorruptSave {
        /// What is wrong (position, field or check; no values).
        reason: String,
    },
    /// A saved session of another instrument or version than the one given.
    #[error("the saved session is for `{found}`, not `{expected}`")]
    InstrumentMismatch {
        /// `id@version` of the instrument given.
        expected: String,
        /// `id@version` in the save.
        found: String,
    },
    /// Scoring readings that are not acceptable.
    #[error("scoring rules: {reason}")]
    InvalidRules {
        /// What is wrong.
        reason: String,
    },
    /// The efficacy index has no value for these scores.
    #[error("the efficacy index is not defined: {reason}")]
    EfficacyUndefined {
        /// Why.
        reason: String,
    },
    /// A cell of a table of responses that is not an answer (text other than the answer words,
    /// a number that is not whole, a boolean).
    #[error("the cell for `{item}` is not an answer: {reason}")]
    InvalidAnswer {
        /// The item (the column).
        item: String,
        /// What the cell is.
        reason: String,
    },
    /// A table of responses without a column for a scored item.
    #[error("the table has no column for `{item}`, an item that counts in the scores")]
    MissingColumn {
        /// The first scored item without a column.
        item: String,
    },
    /// Saving or reading a session file failed.
    #[error("session file: {reason}")]
    Storage {
        /// What the system said.
        reason: String,
    },
}

/// The text of [`InstrumentError::Completed`]: the item a change was for, or a second completion.
fn completed_text(item: &str) -> String {
    if item.is_empty() {
        "the session is already completed".to_owned()
    } else {
        format!("the session is completed: `{item}` cannot be changed")
    }
}

impl InstrumentError {
    /// The stable snake_case kind, the same in every language.
    pub fn kind(&self) -> &'static str {
        match self {
            InstrumentError::InvalidDefinition { .. } => "invalid_instrument",
            InstrumentError::InvalidTranslation { .. } => "invalid_translation",
            InstrumentError::UnknownInstrument { .. } => "unknown_instrument",
            InstrumentError::UnknownLanguage { .. } => "unknown_language",
            InstrumentError::UnknownItem { .. } => "unknown_item",
            InstrumentError::OutOfScale { .. } => "answer_out_of_scale",
            InstrumentError::NotApplicableNotAllowed { .. } => "not_applicable_not_allowed",
            InstrumentError::SkipNotAllowed { .. } => "skip_not_allowed",
            InstrumentError::Completed { .. } => "session_completed",
            InstrumentError::Incomplete { .. } => "session_incomplete",
            InstrumentError::InvalidInput { .. } => "invalid_session",
            InstrumentError::CorruptSave { .. } => "corrupt_save",
            InstrumentError::InstrumentMismatch { .. } => "instrument_mismatch",
            InstrumentError::InvalidRules { .. } => "invalid_rules",
            InstrumentError::EfficacyUndefined { .. } => "efficacy_undefined",
            InstrumentError::InvalidAnswer { .. } => "invalid_answer",
            InstrumentError::MissingColumn { .. } => "missing_column",
            InstrumentError::Storage { .. } => "storage",
        }
    }

    /// Every kind, as [`InstrumentError::kind`] gives them.
    pub const KINDS: &'static [&'static str] = &[
        "invalid_instrument",
        "invalid_translation",
        "unknown_instrument",
        "unknown_language",
        "unknown_item",
        "answer_out_of_scale",
        "not_applicable_not_allowed",
        "skip_not_allowed",
        "session_completed",
        "session_incomplete",
        "invalid_session",
        "corrupt_save",
        "instrument_mismatch",
        "invalid_rules",
        "efficacy_undefined",
        "invalid_answer",
        "missing_column",
        "storage",
    ];

    /// Where the problem is: the item id for an answer, the field path for a file, else "".
    pub fn path(&self) -> &str {
        match self {
            InstrumentError::InvalidDefinition { path, .. }
            | InstrumentError::InvalidTranslation { path, .. }
            | InstrumentError::InvalidInput { path, .. } => path,
            InstrumentError::UnknownItem { item }
            | InstrumentError::OutOfScale { item, .. }
            | InstrumentError::NotApplicableNotAllowed { item }
            | InstrumentError::SkipNotAllowed { item }
            | InstrumentError::Completed { item }
            | InstrumentError::InvalidAnswer { item, .. }
            | InstrumentError::MissingColumn { item } => item,
            InstrumentError::Incomplete { items } => items.first().map_or("", String::as_str),
            _ => "",
        }
    }

    /// Whether the error is about a definition, translation or scoring readings (the
    /// configuration), rather than about what was entered.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            InstrumentError::InvalidDefinition { .. }
                | InstrumentError::InvalidTranslation { .. }
                | InstrumentError::InvalidRules { .. }
        )
    }
}

/// One cell of a table of responses (one row per session, one column per item), as a data
/// frame holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// No value (None, NaN, NA).
    Empty,
    /// A whole number.
    Integer(i64),
    /// A floating-point number (a column of numbers with gaps is one).
    Float(f64),
    /// Text.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
}

impl Instrument {
    /// The answer in one cell of a table of responses: none for an empty cell or NaN; a whole
    /// number (integer, or float without a fraction) as a value of the item's scale; the text
    /// `"not_applicable"` or `"skipped"` (the JSON words of [`Answer`]).
    ///
    /// # Errors
    /// [`InstrumentError::InvalidAnswer`] for other text, a fraction or a boolean; as
    /// [`Instrument::answer_of`] and [`Instrument::check_answer`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Answer, Cell, Instrument};
    /// let tcm = Instrument::tcm_dkd()?;
    /// assert_eq!(tcm.answer_of_cell("fatigue", Cell::Float(4.0))?, Some(Answer::Value(4)));
    /// assert_eq!(tcm.answer_of_cell("fatigue", Cell::Float(f64::NAN))?, None);
    /// assert_eq!(tcm.answer_of_cell("fatigue", Cell::Text("severe")).unwrap_err().kind(), "invalid_answer");
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn answer_of_cell(&self, item: &str, cell: Cell<'_>) -> Result<Option<Answer>, InstrumentError> {
        let invalid =
            |reason: &str| InstrumentError::InvalidAnswer { item: item.to_owned(), reason: reason.to_owned() };
        let answer = match cell {
            Cell::Empty => return Ok(None),
            Cell::Float(f) if f.is_nan() => return Ok(None),
            Cell::Integer(v) => return self.answer_of(item, v).map(Some),
            Cell::Float(f) => {
                if f.fract() != 0.0 {
                    return Err(invalid("a number that is not whole"));
                }
                // A whole number beyond i64 is beyond every scale: read as the nearest end of
                // i64, which the scale check refuses as out of scale.
                return self.answer_of(item, f.clamp(-9.0e18, 9.0e18) as i64).map(Some);
            }
            Cell::Text("not_applicable") => Answer::NotApplicable,
            Cell::Text("skipped") => Answer::Skipped,
            Cell::Text(_) => return Err(invalid("text other than \"not_applicable\" or \"skipped\"")),
            Cell::Bool(_) => return Err(invalid("a boolean")),
        };
        self.check_answer(item, &answer)?;
        Ok(Some(answer))
    }

    /// Checks that a table of responses has a column for every scored item (unscored ones, the
    /// TCM tongue and pulse, may be absent).
    ///
    /// # Errors
    /// [`InstrumentError::MissingColumn`] naming the first scored item without a column.
    pub fn check_columns(&self, columns: &[&str]) -> Result<(), InstrumentError> {
        match self.items().find(|(_, i)| i.scored && !columns.contains(&i.id.as_str())) {
            Some((_, item)) => Err(InstrumentError::MissingColumn { item: item.id.clone() }),
            None => Ok(()),
        }
    }

    /// The definition's default scoring readings ([`ScoreRules::of`]).
    pub fn default_rules(&self) -> ScoreRules {
        ScoreRules::of(self)
    }

    /// The answer to `item` of a whole number as another language holds it (Python's `int`):
    /// a value of the item's scale, or [`InstrumentError::OutOfScale`] for any other number,
    /// negative or beyond 255 included.
    ///
    /// # Errors
    /// As [`Instrument::check_answer`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Answer, Instrument};
    /// let tcm = Instrument::tcm_dkd()?;
    /// assert_eq!(tcm.answer_of("fatigue", 4)?, Answer::Value(4));
    /// assert_eq!(tcm.answer_of("fatigue", -4).unwrap_err().kind(), "answer_out_of_scale");
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn answer_of(&self, item: &str, value: i64) -> Result<Answer, InstrumentError> {
        let (_, scale) = self.item(item)?;
        match u8::try_from(value) {
            Ok(v) => {
                let answer = Answer::Value(v);
                self.check_answer(item, &answer)?;
                Ok(answer)
            }
            Err(_) => Err(InstrumentError::OutOfScale { item: item.to_owned(), allowed: scale.values_text() }),
        }
    }

    /// Checks one answer to `item`.
    ///
    /// # Errors
    /// [`InstrumentError::UnknownItem`], [`InstrumentError::OutOfScale`],
    /// [`InstrumentError::NotApplicableNotAllowed`] or [`InstrumentError::SkipNotAllowed`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Answer, Instrument};
    /// let dqol = Instrument::dqol()?;
    /// assert!(dqol.check_answer("sat01", &Answer::Value(5)).is_ok());
    /// assert_eq!(dqol.check_answer("sat01", &Answer::Value(6)).unwrap_err().kind(), "answer_out_of_scale");
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn check_answer(&self, item: &str, answer: &Answer) -> Result<(), InstrumentError> {
        let (it, scale) = self.item(item)?;
        match answer {
            Answer::Value(v) if scale.allows(*v) => Ok(()),
            Answer::Value(_) => {
                Err(InstrumentError::OutOfScale { item: item.to_owned(), allowed: scale.values_text() })
            }
            Answer::NotApplicable if it.not_applicable => Ok(()),
            Answer::NotApplicable => Err(InstrumentError::NotApplicableNotAllowed { item: item.to_owned() }),
            Answer::Skipped if it.optional => Ok(()),
            Answer::Skipped => Err(InstrumentError::SkipNotAllowed { item: item.to_owned() }),
        }
    }
}

#[cfg(test)]
mod tests;
