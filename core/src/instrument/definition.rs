//! An instrument's definition as data: sections, items, response scales with a label per
//! option, reverse scoring, "does not apply", text per language; read from a versioned JSON
//! file and checked when loaded.
//!
//! The bundled definitions are `core/data/instruments/*.json`; what each holds, and what could
//! and could not be sourced, is in `docs/instruments.md`.

use super::InstrumentError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The `format` tag of a definition file.
pub const DEFINITION_FORMAT: &str = "amimestrocel-dkd/instrument";
/// The `format` tag of a translation file.
pub const TRANSLATION_FORMAT: &str = "amimestrocel-dkd/instrument-translation";

/// The bundled DQOL definition (46 items; placeholder wording, see `docs/instruments.md`).
pub const BUNDLED_DQOL: &str = include_str!("../../data/instruments/dqol-1.json");
/// The bundled TCM syndrome score for diabetic kidney disease.
pub const BUNDLED_TCM_DKD: &str = include_str!("../../data/instruments/tcm-dkd-1.json");

/// Text in several languages, keyed by BCP 47 tag (`en`, `zh-Hans`).
pub type Text = BTreeMap<String, String>;

/// Who answers an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Respondent {
    /// The participant, on the phone (DQOL).
    Participant,
    /// Study staff (the TCM syndrome score).
    Staff,
}

/// Where an instrument's wording comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// Placeholders: the licensed wording is not bundled and must be loaded.
    Placeholder,
    /// From the published source named in `source`.
    Published,
    /// A site's licensed text, loaded from a translation file.
    Licensed,
}

/// How section and total scores are put on 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Raw scores only, no 0–100 score.
    RawOnly,
    /// 0 is the worst raw score, 100 the best: `(max − raw) / (max − min) × 100` where a higher
    /// raw score is worse (the DQOL's raw direction).
    HigherIsBetter,
    /// 0 is the lowest raw score, 100 the highest: `(raw − min) / (max − min) × 100`.
    SameAsRaw,
}

/// How an instrument is scored (its defaults; [`super::ScoreRules`] may override them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringSpec {
    /// Whether a total over every section is computed.
    pub total: bool,
    /// The 0–100 transform.
    pub transform: Transform,
    /// The share of a section's applicable scored items that must be answered for a prorated
    /// section score (`1.0`: every one).
    pub min_answered_fraction: f64,
}

/// One option of a response scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    /// The value recorded and scored.
    pub value: u8,
    /// The label shown, per language.
    pub label: Text,
}

/// A response scale shared by items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Its id (`satisfaction`).
    pub id: String,
    /// Its options, in the order shown, values strictly increasing.
    #[serde(deserialize_with = "crate::json::objects")]
    pub options: Vec<ScaleOption>,
}

impl Scale {
    /// The lowest and highest value.
    pub fn range(&self) -> (u8, u8) {
        let first = self.options.first().map_or(0, |o| o.value);
        let last = self.options.last().map_or(0, |o| o.value);
        (first, last)
    }

    /// The values, comma-separated (`0, 2, 4, 6`), as errors give them.
    pub fn values_text(&self) -> String {
        self.options.iter().map(|o| o.value.to_string()).collect::<Vec<_>>().join(", ")
    }

    /// Whether `value` is one of the options.
    pub fn allows(&self, value: u8) -> bool {
        self.options.iter().any(|o| o.value == value)
    }
}

fn yes() -> bool {
    true
}

/// One item (question or symptom).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its id, unique in the instrument (`sat01`, `fatigue`).
    pub id: String,
    /// Its text, per language.
    pub text: Text,
    /// The id of its response scale.
    pub scale: String,
    /// Scored as `min + max − value` (the scale's ends).
    #[serde(default)]
    pub reverse: bool,
    /// "Does not apply" may be answered.
    #[serde(default)]
    pub not_applicable: bool,
    /// It may be skipped; a session completes without it.
    #[serde(default)]
    pub optional: bool,
    /// It counts in the scores (tongue and pulse do not).
    #[serde(default = "yes")]
    pub scored: bool,
    /// Labels of this item's own for some options (the TCM grade anchors), by value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub option_labels: BTreeMap<String, Text>,
}

/// A section (a subscale of the DQOL, the primary symptoms of the TCM score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its id (`satisfaction`).
    pub id: String,
    /// Its title, per language.
    pub title: Text,
    /// Its items, in the order asked.
    #[serde(deserialize_with = "crate::json::objects")]
    pub items: Vec<Item>,
}

/// An instrument's definition, checked ([`Instrument::from_json`]).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::Instrument;
/// let dqol = Instrument::dqol()?;
/// assert_eq!((dqol.id(), dqol.version()), ("dqol", "1"));
/// assert_eq!(dqol.items().count(), 46);
/// assert_eq!(dqol.section("impact").map(|s| s.items.len()), Some(20));
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    format: String,
    id: String,
    version: String,
    /// Its title, per language.
    pub title: Text,
    /// Where its structure and wording come from.
    pub source: String,
    /// Whether its wording is a placeholder, published or licensed.
    pub wording: Wording,
    /// What the wording is, per language (shown to staff, not to participants).
    pub wording_note: Text,
    /// Every language its texts are in.
    pub languages: Vec<String>,
    /// Who answers it.
    pub respondent: Respondent,
    /// The response scales.
    #[serde(deserialize_with = "crate::json::objects")]
    pub scales: Vec<Scale>,
    /// The label of "does not apply", per language, if any item allows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable_label: Option<Text>,
    /// The sections, in the order asked.
    #[serde(deserialize_with = "crate::json::objects")]
    pub sections: Vec<Section>,
    /// How it is scored by default.
    #[serde(deserialize_with = "crate::json::object")]
    pub scoring: ScoringSpec,
    /// The languages whose text a site loaded from its licensed translation
    /// ([`Instrument::with_translation`]); their [`Instrument::wording_in`] is `licensed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licensed_languages: Vec<String>,
}

/// A site's text for an instrument in one language: the licensed wording, loaded from a file
/// without a code change ([`Instrument::with_translation`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// [`TRANSLATION_FORMAT`].
    pub format: String,
    /// The instrument id it is for.
    pub instrument: String,
    /// The instrument version it is for.
    pub version: String,
    /// Its language (BCP 47).
    pub language: String,
    /// Where the text comes from (the licence holder, the validated translation).
    pub source: String,
    /// The title.
    pub title: String,
    /// Every section's title, by section id.
    #[serde(deserialize_with = "unique_keys")]
    pub sections: BTreeMap<String, String>,
    /// Every item's text, by item id.
    #[serde(deserialize_with = "unique_keys")]
    pub items: BTreeMap<String, String>,
    /// Every option's label, by scale id then value.
    #[serde(deserialize_with = "unique_keys")]
    pub scales: BTreeMap<String, UniqueMap>,
    /// Item-specific option labels, by item id then value (for items that have them).
    #[serde(default, deserialize_with = "unique_keys")]
    pub option_labels: BTreeMap<String, UniqueMap>,
    /// The label of "does not apply" (if the instrument has one).
    #[serde(default)]
    pub not_applicable_label: Option<String>,
}

/// A map of texts by key whose JSON object may not name a key twice (serde_json would keep
/// the last silently).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UniqueMap(#[serde(deserialize_with = "unique_keys")] pub BTreeMap<String, String>);

impl std::ops::Deref for UniqueMap {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// Reads a JSON object into a map, refusing a key given twice.
fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visitor<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!("the key `{key}` is given twice")));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Visitor(std::marker::PhantomData))
}

/// An id FHIR accepts as a resource id and this library as an instrument id or version:
/// letters, digits, `-` and `.`, 1 to 64 of them.
fn fhir_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> InstrumentError {
    InstrumentError::InvalidDefinition { path: path.into(), reason: reason.into() }
}

fn invalid_translation(path: impl Into<String>, reason: impl Into<String>) -> InstrumentError {
    InstrumentError::InvalidTranslation { path: path.into(), reason: reason.into() }
}

impl Instrument {
    /// The bundled DQOL definition.
    ///
    /// # Errors
    /// Never for the bundled file (a test loads it); the `Result` keeps a broken build from
    /// panicking.
    pub fn dqol() -> Result<Instrument, InstrumentError> {
        Instrument::from_json(BUNDLED_DQOL)
    }

    /// The bundled TCM syndrome score for diabetic kidney disease.
    ///
    /// # Errors
    /// As [`Instrument::dqol`].
    pub fn tcm_dkd() -> Result<Instrument, InstrumentError> {
        Instrument::from_json(BUNDLED_TCM_DKD)
    }

    /// A bundled instrument by id (`dqol`, `tcm-dkd`).
    ///
    /// # Errors
    /// [`InstrumentError::UnknownInstrument`] for another id.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::Instrument;
    /// assert_eq!(Instrument::bundled("tcm-dkd")?.id(), "tcm-dkd");
    /// assert!(Instrument::bundled("sf-36").is_err());
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn bundled(id: &str) -> Result<Instrument, InstrumentError> {
        match id {
            "dqol" => Instrument::dqol(),
            "tcm-dkd" => Instrument::tcm_dkd(),
            _ => Err(InstrumentError::UnknownInstrument { id: id.to_owned(), version: String::new() }),
        }
    }

    /// Reads and checks a definition.
    ///
    /// # Errors
    /// [`InstrumentError::InvalidDefinition`] with the field path: malformed JSON, a wrong
    /// `format`, duplicate ids, an unknown scale, options not strictly increasing, a text
    /// missing in one of the instrument's languages, a fraction outside (0, 1].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Instrument, BUNDLED_TCM_DKD};
    /// let tcm = Instrument::from_json(BUNDLED_TCM_DKD)?;
    /// assert_eq!(tcm.scale("primary").map(|s| s.range()), Some((0, 6)));
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Instrument, InstrumentError> {
        // A text by language given twice (`"en"` twice) would keep the last without a word.
        crate::json::refuse_repeated_keys(text).map_err(|(path, reason)| invalid(path, reason))?;
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut track = serde_path_to_error::Track::new();
        // An object, never an array of its fields (`json::object`).
        let read = crate::json::object(serde_path_to_error::Deserializer::new(&mut *de, &mut track));
        let instrument: Instrument =
            read.map_err(|e| invalid(crate::json::field_path(&track.path()), crate::json::describe_at(&e)))?;
        // One text is one definition: anything after it is refused, never dropped.
        de.end().map_err(|e| invalid(".", crate::json::describe_at(&e)))?;
        instrument.validate()?;
        Ok(instrument)
    }

    fn validate(&self) -> Result<(), InstrumentError> {
        if self.format != DEFINITION_FORMAT {
            return Err(invalid("format", format!("expected `{DEFINITION_FORMAT}`")));
        }
        if !fhir_id(&self.id) {
            return Err(invalid("id", "1 to 64 letters, digits, `-` or `.`"));
        }
        if !fhir_id(&self.version) {
            return Err(invalid("version", "1 to 64 letters, digits, `-` or `.`"));
        }
        if self.languages.is_empty() {
            return Err(invalid("languages", "at least one language"));
        }
        let f = self.scoring.min_answered_fraction;
        if !(f > 0.0 && f <= 1.0) {
            return Err(invalid("scoring.min_answered_fraction", "must be in (0, 1]"));
        }
        self.check_text("title", &self.title)?;
        self.check_text("wording_note", &self.wording_note)?;
        if let Some(l) = self.licensed_languages.iter().find(|l| !self.languages.contains(l)) {
            return Err(invalid("licensed_languages", format!("`{l}` is not one of `languages`")));
        }
        let mut scale_ids = BTreeSet::new();
        for (s, scale) in self.scales.iter().enumerate() {
            let path = format!("scales[{s}]");
            if !scale_ids.insert(scale.id.as_str()) {
                return Err(invalid(format!("{path}.id"), format!("duplicate scale id `{}`", scale.id)));
            }
            if scale.options.len() < 2 {
                return Err(invalid(format!("{path}.options"), "a scale has at least two options"));
            }
            for (o, option) in scale.options.iter().enumerate() {
                if o > 0 && option.value <= scale.options[o - 1].value {
                    return Err(invalid(format!("{path}.options[{o}].value"), "values must strictly increase"));
                }
                self.check_text(&format!("{path}.options[{o}].label"), &option.label)?;
            }
        }
        if let Some(label) = &self.not_applicable_label {
            self.check_text("not_applicable_label", label)?;
        }
        // Section and item ids are the FHIR linkIds of one Questionnaire: one set for both.
        let mut link_ids = BTreeSet::new();
        if self.sections.is_empty() {
            return Err(invalid("sections", "at least one section"));
        }
        for (s, section) in self.sections.iter().enumerate() {
            let path = format!("sections[{s}]");
            if section.id.trim().is_empty() || section.id.chars().any(char::is_whitespace) {
                return Err(invalid(format!("{path}.id"), "an id is not empty and has no white space"));
            }
            if !link_ids.insert(section.id.as_str()) {
                return Err(invalid(format!("{path}.id"), format!("duplicate section or item id `{}`", section.id)));
            }
            self.check_text(&format!("{path}.title"), &section.title)?;
            if section.items.is_empty() {
                return Err(invalid(format!("{path}.items"), "a section has at least one item"));
            }
            for (i, item) in section.items.iter().enumerate() {
                let path = format!("{path}.items[{i}]");
                if item.id.trim().is_empty() || item.id.chars().any(char::is_whitespace) {
                    return Err(invalid(format!("{path}.id"), "an id is not empty and has no white space"));
                }
                if !link_ids.insert(item.id.as_str()) {
                    return Err(invalid(format!("{path}.id"), format!("duplicate section or item id `{}`", item.id)));
                }
                self.check_text(&format!("{path}.text"), &item.text)?;
                let Some(scale) = self.scale(&item.scale) else {
                    return Err(invalid(format!("{path}.scale"), format!("unknown scale `{}`", item.scale)));
                };
                if item.not_applicable && self.not_applicable_label.is_none() {
                    return Err(invalid(format!("{path}.not_applicable"), "needs `not_applicable_label`"));
                }
                for (value, label) in &item.option_labels {
                    // The key is the value as written by `to_string` ("2", not "02" or "+2"):
                    // the form `option_label` looks up.
                    let ok = value.parse::<u8>().is_ok_and(|v| scale.allows(v) && v.to_string() == *value);
                    if !ok {
                        return Err(invalid(
                            format!("{path}.option_labels.{value}"),
                            format!("not a value of scale `{}`", scale.id),
                        ));
                    }
                    self.check_text(&format!("{path}.option_labels.{value}"), label)?;
                }
            }
        }
        Ok(())
    }

    fn check_text(&self, path: &str, text: &Text) -> Result<(), InstrumentError> {
        for language in &self.languages {
            match text.get(language) {
                Some(t) if !t.trim().is_empty() => {}
                _ => return Err(invalid(path, format!("no text in `{language}`"))),
            }
        }
        Ok(())
    }

    /// Its id (`dqol`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its version (`1`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The wording of the text in `language`: `licensed` for a language a site loaded from its
    /// licensed translation, else the definition's [`Instrument::wording`].
    pub fn wording_in(&self, language: &str) -> Wording {
        if self.licensed_languages.iter().any(|l| l == language) {
            Wording::Licensed
        } else {
            self.wording
        }
    }

    /// A scale by id.
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }
    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
    /// Every item, in order, with its section.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections.iter().flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }
    /// An item and its scale, by item id.
    ///
    /// # Errors
    /// [`InstrumentError::UnknownItem`].
    pub fn item(&self, id: &str) -> Result<(&Item, &Scale), InstrumentError> {
        self.items()
            .find(|(_, i)| i.id == id)
            .and_then(|(_, i)| self.scale(&i.scale).map(|s| (i, s)))
            .ok_or_else(|| InstrumentError::UnknownItem { item: id.to_owned() })
    }

    /// The label of option `value` of `item` in `language`: the item's own label if it has one,
    /// else the scale's.
    pub fn option_label<'a>(&'a self, item: &'a Item, value: u8, language: &str) -> Option<&'a str> {
        let own = item.option_labels.get(&value.to_string()).and_then(|t| t.get(language));
        own.or_else(|| {
            self.scale(&item.scale)?.options.iter().find(|o| o.value == value).and_then(|o| o.label.get(language))
        })
        .map(String::as_str)
    }

    /// Checks that `language` is one of the instrument's languages.
    ///
    /// # Errors
    /// [`InstrumentError::UnknownLanguage`].
    pub fn check_language(&self, language: &str) -> Result<(), InstrumentError> {
        if self.languages.iter().any(|l| l == language) {
            Ok(())
        } else {
            Err(InstrumentError::UnknownLanguage { language: language.to_owned(), known: self.languages.join(", ") })
        }
    }

    /// The same instrument with a site's text for one language (its licensed translation),
    /// replacing the bundled text in that language or adding the language. Every title, item,
    /// option and "does not apply" label must be given: an app never shows a mix.
    ///
    /// # Errors
    /// [`InstrumentError::InvalidTranslation`] with the path: malformed JSON, a key given twice,
    /// another instrument or version, no `source`, an unknown or missing id, an empty text, or
    /// (for an instrument with placeholder wording) an item text that is the placeholder.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::{Instrument, Wording};
    /// let tcm = Instrument::tcm_dkd()?;
    /// let mut t = tcm.translation_template("en");
    /// t.language = "en-GB".into();
    /// t.source = "Site wording, approved 2025-01".into();
    /// t.items.insert("fatigue".into(), "Tiredness".into());
    /// let text = serde_json::to_string(&t).unwrap();
    /// let site = tcm.with_translation(&text)?;
    /// assert_eq!(site.item("fatigue")?.0.text["en-GB"], "Tiredness");
    /// assert_eq!((site.wording_in("en-GB"), site.wording_in("en")), (Wording::Licensed, Wording::Published));
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn with_translation(&self, text: &str) -> Result<Instrument, InstrumentError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut track = serde_path_to_error::Track::new();
        let read = crate::json::object(serde_path_to_error::Deserializer::new(&mut *de, &mut track));
        let t: Translation = read
            .map_err(|e| invalid_translation(crate::json::field_path(&track.path()), crate::json::describe_at(&e)))?;
        de.end().map_err(|e| invalid_translation(".", crate::json::describe_at(&e)))?;
        if t.format != TRANSLATION_FORMAT {
            return Err(invalid_translation("format", format!("expected `{TRANSLATION_FORMAT}`")));
        }
        if t.instrument != self.id {
            return Err(invalid_translation(
                "instrument",
                format!("the file is for `{}`, not `{}`", t.instrument, self.id),
            ));
        }
        if t.version != self.version {
            return Err(invalid_translation(
                "version",
                format!("the file is for version `{}`, not `{}`", t.version, self.version),
            ));
        }
        let lang = t.language.trim();
        if lang.is_empty() || lang.chars().any(char::is_whitespace) {
            return Err(invalid_translation("language", "a language tag, not empty, without white space"));
        }
        if t.source.trim().is_empty() {
            return Err(invalid_translation(
                "source",
                "say where the text comes from (the licence, the validated translation)",
            ));
        }
        if self.not_applicable_label.is_none() && t.not_applicable_label.is_some() {
            return Err(invalid_translation("not_applicable_label", "the instrument has no \"does not apply\""));
        }
        // The placeholder texts: every item's text in each language not loaded from a licence
        // (a licensed language's own wording, kept or reloaded, is no placeholder).
        let placeholders: BTreeSet<&str> = if self.wording == Wording::Placeholder {
            self.items()
                .flat_map(|(_, item)| item.text.iter())
                .filter(|(language, _)| !self.licensed_languages.iter().any(|l| l == *language))
                .map(|(_, text)| text.trim())
                .collect()
        } else {
            BTreeSet::new()
        };
        let mut out = self.clone();
        out.title.insert(lang.to_owned(), need(&t.title, "title")?);
        out.wording_note.insert(lang.to_owned(), format!("{} ({})", t.source, lang));
        for section in &mut out.sections {
            let title = t.sections.get(&section.id).ok_or_else(|| missing("sections", &section.id))?;
            section.title.insert(lang.to_owned(), need(title, &format!("sections.{}", section.id))?);
            for item in &mut section.items {
                let text = t.items.get(&item.id).ok_or_else(|| missing("items", &item.id))?;
                let path = format!("items.{}", item.id);
                // A placeholder (any item's) is not a translation: an app would show it as
                // licensed text.
                if placeholders.contains(text.trim()) {
                    return Err(invalid_translation(path, "the placeholder text, not the licensed wording"));
                }
                item.text.insert(lang.to_owned(), need(text, &path)?);
                if !item.option_labels.is_empty() {
                    let own = t.option_labels.get(&item.id).ok_or_else(|| missing("option_labels", &item.id))?;
                    for (value, label) in &mut item.option_labels {
                        let path = format!("option_labels.{}.{value}", item.id);
                        let given = own.get(value).ok_or_else(|| invalid_translation(&path, "missing"))?;
                        label.insert(lang.to_owned(), need(given, &path)?);
                    }
                    if own.len() != item.option_labels.len() {
                        return Err(invalid_translation(format!("option_labels.{}", item.id), "unknown value"));
                    }
                }
            }
        }
        for scale in &mut out.scales {
            let labels = t.scales.get(&scale.id).ok_or_else(|| missing("scales", &scale.id))?;
            for option in &mut scale.options {
                let path = format!("scales.{}.{}", scale.id, option.value);
                let given =
                    labels.get(&option.value.to_string()).ok_or_else(|| invalid_translation(&path, "missing"))?;
                option.label.insert(lang.to_owned(), need(given, &path)?);
            }
            if labels.len() != scale.options.len() {
                return Err(invalid_translation(format!("scales.{}", scale.id), "unknown value"));
            }
        }
        if let Some(label) = &mut out.not_applicable_label {
            let given = t.not_applicable_label.as_deref().ok_or_else(|| missing("not_applicable_label", ""))?;
            label.insert(lang.to_owned(), need(given, "not_applicable_label")?);
        }
        // Ids the instrument does not have are refused, not ignored.
        let ids = t.sections.keys().map(|k| ("sections", k)).chain(t.items.keys().map(|k| ("items", k)));
        for (what, id) in ids.chain(t.scales.keys().map(|k| ("scales", k))) {
            {
                let known = match what {
                    "sections" => self.section(id).is_some(),
                    "items" => self.item(id).is_ok(),
                    _ => self.scale(id).is_some(),
                };
                if !known {
                    return Err(invalid_translation(format!("{what}.{id}"), "unknown id"));
                }
            }
        }
        for id in t.option_labels.keys() {
            if self.item(id).map_or(true, |(i, _)| i.option_labels.is_empty()) {
                return Err(invalid_translation(format!("option_labels.{id}"), "unknown id"));
            }
        }
        if !out.languages.iter().any(|l| l == lang) {
            out.languages.push(lang.to_owned());
        }
        if !out.licensed_languages.iter().any(|l| l == lang) {
            out.licensed_languages.push(lang.to_owned());
        }
        Ok(out)
    }

    /// A translation with every text in `language` filled from this definition (or empty where
    /// the definition has none): the file a site fills with its licensed wording. Item texts of
    /// an instrument whose wording is a placeholder are left empty, to be filled.
    pub fn translation_template(&self, language: &str) -> Translation {
        let get = |t: &Text| t.get(language).cloned().unwrap_or_default();
        let item_text = |t: &Text| if self.wording == Wording::Placeholder { String::new() } else { get(t) };
        Translation {
            format: TRANSLATION_FORMAT.to_owned(),
            instrument: self.id.clone(),
            version: self.version.clone(),
            language: language.to_owned(),
            source: String::new(),
            title: get(&self.title),
            sections: self.sections.iter().map(|s| (s.id.clone(), get(&s.title))).collect(),
            items: self.items().map(|(_, i)| (i.id.clone(), item_text(&i.text))).collect(),
            scales: self
                .scales
                .iter()
                .map(|s| {
                    (s.id.clone(), UniqueMap(s.options.iter().map(|o| (o.value.to_string(), get(&o.label))).collect()))
                })
                .collect(),
            option_labels: self
                .items()
                .filter(|(_, i)| !i.option_labels.is_empty())
                .map(|(_, i)| {
                    (i.id.clone(), UniqueMap(i.option_labels.iter().map(|(v, t)| (v.clone(), get(t))).collect()))
                })
                .collect(),
            not_applicable_label: self.not_applicable_label.as_ref().map(get),
        }
    }
}

fn missing(what: &str, id: &str) -> InstrumentError {
    let path = if id.is_empty() { what.to_owned() } else { format!("{what}.{id}") };
    invalid_translation(path, "missing")
}

fn need(text: &str, path: &str) -> Result<String, InstrumentError> {
    if text.trim().is_empty() {
        Err(invalid_translation(path, "empty text"))
    } else {
        Ok(text.to_owned())
    }
}
