//! A unit as a record holds it: the text exactly as entered, with the [`Unit`] it names.
//!
//! A screening record keeps each lab value's unit as entered (`umol/L` stays `umol/L`), so that
//! nothing entered is lost when the record is written back. Most entries use one of the usual
//! spellings, which [`UnitText`] keeps as a reference to the unit table: no heap block per
//! entry, and the unit is known without parsing again. Any other text is kept as given, parsed
//! once when the value is made.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

use super::unit::exact;
use super::{LabError, Unit};

/// The unit of an entered value: its text as entered, and the unit it names, if any. 24 bytes.
///
/// Reads and writes as a plain string; dereferences to the text. An unknown text is kept, not
/// refused, so that the record can say which entry holds it: [`UnitText::parse`] gives the
/// error.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::lab::{Unit, UnitText};
/// let entered = UnitText::from("umol/L");
/// assert_eq!(entered.as_str(), "umol/L"); // the spelling as entered
/// assert_eq!(entered.unit(), Some(Unit::MicromolePerLiter));
/// assert_eq!(UnitText::from(" mg / dl ").parse()?, Unit::MilligramPerDeciliter);
/// let unknown: UnitText = serde_json::from_str(r#""mg/furlong""#)?;
/// assert_eq!(unknown.parse().unwrap_err().kind(), "unknown_unit");
/// assert_eq!(serde_json::to_string(&unknown)?, r#""mg/furlong""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct UnitText(Repr);

#[derive(Clone)]
enum Repr {
    /// A spelling of the unit table, exactly: no allocation.
    Table(Unit, &'static str),
    /// Any other text, with the unit it names when it names one.
    Other(Option<Unit>, Box<str>),
}

impl UnitText {
    /// The text as entered.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Table(_, text) => text,
            Repr::Other(_, text) => text,
        }
    }

    /// The unit the text names, if it names one ([`Unit::parse`] of the text).
    pub fn unit(&self) -> Option<Unit> {
        match &self.0 {
            Repr::Table(unit, _) => Some(*unit),
            Repr::Other(unit, _) => *unit,
        }
    }

    /// The unit the text names.
    ///
    /// # Errors
    /// [`LabError::UnknownUnit`] with the text, as [`Unit::parse`] gives it.
    pub fn parse(&self) -> Result<Unit, LabError> {
        match self.unit() {
            Some(unit) => Ok(unit),
            None => Unit::parse(self.as_str()),
        }
    }
}

impl UnitText {
    /// A usual spelling, as a reference into the unit table.
    fn in_table(text: &str) -> Option<Self> {
        exact(text).map(|(unit, spelling)| UnitText(Repr::Table(unit, spelling)))
    }
}

impl From<&str> for UnitText {
    fn from(text: &str) -> Self {
        UnitText::in_table(text).unwrap_or_else(|| UnitText(Repr::Other(Unit::parse(text).ok(), text.into())))
    }
}

impl From<String> for UnitText {
    fn from(text: String) -> Self {
        match UnitText::in_table(&text) {
            Some(usual) => usual,
            None => UnitText(Repr::Other(Unit::parse(&text).ok(), text.into_boxed_str())),
        }
    }
}

impl From<Unit> for UnitText {
    /// The unit's canonical spelling.
    fn from(unit: Unit) -> Self {
        UnitText(Repr::Table(unit, unit.as_str()))
    }
}

impl From<UnitText> for String {
    fn from(text: UnitText) -> Self {
        match text.0 {
            Repr::Table(_, text) => text.to_owned(),
            Repr::Other(_, text) => text.into_string(),
        }
    }
}

impl Deref for UnitText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for UnitText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Equal when the texts are equal (`umol/L` and `µmol/L` name one unit but are not one text).
impl PartialEq for UnitText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for UnitText {}

impl std::hash::Hash for UnitText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for UnitText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for UnitText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for UnitText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for UnitText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UnitText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UnitText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = UnitText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a unit as text")
            }
            // A usual spelling is read without allocating; any other is copied once.
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<UnitText, E> {
                Ok(UnitText::from(text))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<UnitText, E> {
                Ok(UnitText::from(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_text_keeps_the_spelling_as_entered_and_names_its_unit() {
        for (text, unit) in [
            ("µmol/L", Unit::MicromolePerLiter),
            ("μmol/L", Unit::MicromolePerLiter),
            ("umol/L", Unit::MicromolePerLiter),
            ("UMOL/L", Unit::MicromolePerLiter),
            (" mg / dL ", Unit::MilligramPerDeciliter),
            ("g/(24.h)", Unit::GramPer24Hours),
            ("mg/gcr", Unit::MilligramPerGram),
        ] {
            let t = UnitText::from(text);
            assert_eq!(t.as_str(), text);
            assert_eq!(t.unit(), Some(unit), "{text}");
            assert_eq!(t.parse(), Ok(unit), "{text}");
            assert_eq!(UnitText::from(text.to_owned()), t);
            assert_eq!(String::from(t), text);
        }
    }

    #[test]
    fn a_unit_text_names_the_unit_that_unit_parse_names_for_every_spelling() {
        for unit in Unit::ALL {
            for text in [unit.as_str(), unit.ucum()] {
                assert_eq!(UnitText::from(text).unit(), Some(unit), "{text}");
            }
            assert_eq!(UnitText::from(unit).as_str(), unit.as_str());
        }
    }

    #[test]
    fn an_unknown_unit_text_is_kept_and_refused_only_when_parsed() {
        let t = UnitText::from("mg/furlong");
        assert_eq!(t.unit(), None);
        assert_eq!(t.as_str(), "mg/furlong");
        assert_eq!(t.parse(), Unit::parse("mg/furlong"));
        assert_eq!(t.parse().unwrap_err().kind(), "unknown_unit");
    }

    #[test]
    fn unit_texts_are_equal_when_their_texts_are() {
        assert_ne!(UnitText::from("umol/L"), UnitText::from("µmol/L"));
        assert_eq!(UnitText::from("umol/L"), "umol/L");
        assert_eq!(UnitText::from("mg/furlong"), UnitText::from("mg/furlong".to_owned()));
    }

    #[test]
    fn a_unit_text_reads_and_writes_as_a_json_string() {
        for text in ["umol/L", "mg / dl", "mg/furlong", "", "μmol/L"] {
            let json = serde_json::to_string(&text).unwrap();
            let t: UnitText = serde_json::from_str(&json).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
        // An escaped string is read too (serde_json hands it over as a transient string).
        let t: UnitText = serde_json::from_str(r#""\u00b5mol/L""#).unwrap();
        assert_eq!((t.as_str(), t.unit()), ("µmol/L", Some(Unit::MicromolePerLiter)));
        assert!(serde_json::from_str::<UnitText>("12").is_err());
    }

    #[test]
    fn a_unit_text_takes_24_bytes() {
        assert_eq!(std::mem::size_of::<UnitText>(), 24);
    }
}
