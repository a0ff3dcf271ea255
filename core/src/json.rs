//! Messages for JSON that could not be read, without the input in them.
//!
//! serde_json's messages quote the offending value (`invalid type: string "4711", expected
//! f64`), and a value in a screening record is personal health data: messages here keep the
//! category, the expectation and the position, and drop the value.
//!
//! Also the readers that take a record only from a JSON object ([`object`] and its variants).

use serde::Deserialize as _;

/// A description of `error` that never repeats the input: `invalid type or value, expected f64`,
/// `missing field `unit``, `unknown variant, expected one of …`, `EOF while parsing a value`.
///
/// # Examples
/// ```
/// let e = serde_json::from_str::<f64>(r#""4711""#).unwrap_err();
/// assert_eq!(amimestrocel_dkd::json::describe(&e), "invalid type or value, expected f64");
/// ```
pub fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    let expected = |rest: &str| rest.split_once(", expected ").map(|(_, e)| e.to_owned());
    if let Some(rest) = text.strip_prefix("invalid type: ").or_else(|| text.strip_prefix("invalid value: ")) {
        match expected(rest) {
            Some(e) => format!("invalid type or value, expected {e}"),
            None => "invalid type or value".to_owned(),
        }
    } else if let Some(rest) = text.strip_prefix("unknown variant ") {
        match expected(rest) {
            Some(e) => format!("unknown variant, expected {e}"),
            None => "unknown variant".to_owned(),
        }
    } else {
        text.to_owned()
    }
}

/// [`describe`] with the position: `… at line L column C`.
pub fn describe_at(error: &serde_json::Error) -> String {
    format!("{} at line {} column {}", describe(error), error.line(), error.column())
}

/// The field path of a reading error as `serde_path_to_error` tracked it, in the form errors
/// give it: `.` for the document itself, and no trailing `?` (the segment of a key not yet read,
/// as in a truncated `{`).
///
/// # Examples
/// ```
/// let mut track = serde_path_to_error::Track::new();
/// let de = &mut serde_json::Deserializer::from_str("{");
/// let r: Result<std::collections::BTreeMap<String, u8>, _> =
///     serde::Deserialize::deserialize(serde_path_to_error::Deserializer::new(de, &mut track));
/// assert!(r.is_err());
/// assert_eq!(amimestrocel_dkd::json::field_path(&track.path()), ".");
/// ```
pub fn field_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    let text = text.trim_end_matches(".?").trim_end_matches('?');
    if text.is_empty() {
        ".".to_owned()
    } else {
        text.to_owned()
    }
}

/// Reads a whole JSON document as a `T` from an object (never from an array, as [`object`]
/// explains), tracking where it fails: the error is the field path (as [`field_path`] gives it)
/// and the reader's message without the input's values. Text after the document is refused.
pub(crate) fn read_tracked<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let read = object::<_, T>(serde_path_to_error::Deserializer::new(&mut *de, &mut track));
    let value = read.map_err(|e| (field_path(&track.path()), describe(&e)))?;
    de.end().map_err(|e| (".".to_owned(), describe_at(&e)))?;
    Ok(value)
}

/// Reads a `T` only from a JSON object, never from an array.
///
/// serde's derived readers take a struct from a sequence of its fields in order as well as
/// from an object, so `["2025-01-01", 5.0, "mg/g"]` would read as a lab entry. The documented
/// form of every record is an object, and an array where one is expected is a slip more
/// likely than a meaning: through this reader it is refused (`invalid type: sequence,
/// expected an object`). Use as `#[serde(deserialize_with = "crate::json::object")]`, or the
/// variants for lists and options.
///
/// # Errors
/// The deserializer's error for anything but an object, or the error of `T` itself.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    deserializer.deserialize_map(ObjectOnly(std::marker::PhantomData))
}

/// Reads a whole JSON text as an object of `T`, naming the field of the first error: the
/// error is `(path, what is wrong)`, the path as [`field_path`] writes it (`.` for the text
/// itself), the message as [`describe`] writes it (no values echoed).
///
/// # Errors
/// As above, for malformed JSON, a value of the wrong type, an unknown or missing field, or
/// text after the object.
///
/// # Examples
/// ```
/// #[derive(serde::Deserialize, Debug)]
/// #[serde(deny_unknown_fields)]
/// struct Limits { low: u32 }
/// let (path, _) = amimestrocel_dkd::json::from_str_with_path::<Limits>(r#"{"low": "x"}"#).unwrap_err();
/// assert_eq!(path, "low");
/// ```
pub fn from_str_with_path<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    read_tracked(text)
}

/// [`read_tracked`] for a configuration text (read once, not per record): first refuses an
/// object anywhere in it that names a key twice, which a map (readings, concept sets by series,
/// texts by language) would otherwise read as its last value without a word; the error is the
/// repeated key's path.
pub(crate) fn read_config<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    refuse_repeated_keys(text)?;
    read_tracked(text)
}

/// Refuses a JSON text in which an object names a key twice: `Err((path, reason))`, the path
/// of the second one (`measurements.uacr`). Malformed JSON passes here, for the reader to
/// describe.
pub(crate) fn refuse_repeated_keys(text: &str) -> Result<(), (String, String)> {
    let repeated = std::cell::RefCell::new(None);
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde::de::DeserializeSeed::deserialize(UniqueKeys { path: String::new(), repeated: &repeated }, de) {
        Err(_) => match repeated.into_inner() {
            Some(path) => Err((path, "is given twice in its object (a key names one value)".to_owned())),
            None => Ok(()),
        },
        Ok(()) => Ok(()),
    }
}

/// Walks any JSON value, noting the path of the first key an object repeats.
struct UniqueKeys<'a> {
    path: String,
    repeated: &'a std::cell::RefCell<Option<String>>,
}

impl UniqueKeys<'_> {
    fn child(&self, segment: &str) -> Self {
        let path = if self.path.is_empty() { segment.to_owned() } else { format!("{}.{segment}", self.path) };
        UniqueKeys { path, repeated: self.repeated }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if !seen.insert(key) {
                *self.repeated.borrow_mut() = Some(child.path);
                return Err(serde::de::Error::custom("a key given twice"));
            }
            map.next_value_seed(child)?;
        }
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(UniqueKeys { path: format!("{}[{i}]", self.path), repeated: self.repeated })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// [`object`] for an optional field: `null` or an object.
///
/// # Errors
/// As [`object`].
pub fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|o| o.0))
}

/// [`object`] for a list of objects.
///
/// # Errors
/// As [`object`], for the list or any of its items.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Vec::<Object<T>>::deserialize(deserializer)?.into_iter().map(|o| o.0).collect())
}

/// [`objects`] for an optional list: `null`, or a list of objects.
///
/// # Errors
/// As [`object`].
pub fn optional_objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Option::<Vec<Object<T>>>::deserialize(deserializer)?.map(|v| v.into_iter().map(|o| o.0).collect()))
}

/// A `T` read by [`object`].
struct Object<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer).map(Object)
    }
}

struct ObjectOnly<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_message_repeats_the_input_value() {
        for (text, secret) in [(r#""secret-4711""#, "secret-4711"), ("\"4711\"", "4711")] {
            let e = serde_json::from_str::<f64>(text).unwrap_err();
            assert!(!describe(&e).contains(secret), "{}", describe(&e));
            assert!(!describe_at(&e).contains(secret));
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Hiv,
        }
        let e = serde_json::from_str::<Kind>(r#""confidential-diagnosis""#).unwrap_err();
        assert_eq!(describe(&e), "unknown variant, expected `hiv`");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        date: String,
        value: f64,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(deserialize_with = "objects")]
        entries: Vec<Entry>,
        #[serde(default, deserialize_with = "optional_object")]
        one: Option<Entry>,
    }

    #[test]
    fn an_array_is_not_read_as_an_object() {
        let e = serde_json::from_str::<Outer>(r#"{"entries": [["2025-01-01", 5.0]]}"#).unwrap_err();
        assert_eq!(describe(&e), "invalid type or value, expected an object");
        let e = serde_json::from_str::<Outer>(r#"{"entries": [], "one": ["2025-01-01", 5.0]}"#).unwrap_err();
        assert_eq!(describe(&e), "invalid type or value, expected an object");
        let mut de = serde_json::Deserializer::from_str(r#"["x", 1.0]"#);
        assert!(object::<_, Entry>(&mut de).is_err());
        // A whole document read with its paths (timelines, plans, configurations) too.
        assert_eq!(read_tracked::<Entry>(r#"["x", 1.0]"#).unwrap_err().0, ".");
        assert!(read_tracked::<Entry>(r#"{"date": "x", "value": 1.0}"#).is_ok());
    }

    #[test]
    fn objects_read_as_before_with_their_paths() {
        let ok: Outer = serde_json::from_str(r#"{"entries": [{"date": "d", "value": 1}], "one": null}"#).unwrap();
        assert_eq!(ok.entries, vec![Entry { date: "d".into(), value: 1.0 }]);
        assert_eq!(ok.one, None);
        let de = &mut serde_json::Deserializer::from_str(r#"{"entries": [{"date": "d", "value": "x"}]}"#);
        let err = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "entries[0].value");
        let de = &mut serde_json::Deserializer::from_str(r#"{"entries": [{"date": "d", "value": 1, "x": 2}]}"#);
        let err = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "entries[0].x");
    }

    #[test]
    fn structural_messages_are_kept() {
        let e = serde_json::from_str::<f64>("").unwrap_err();
        assert_eq!(describe_at(&e), "EOF while parsing a value at line 1 column 0");
    }
}

#[cfg(test)]
mod unique_key_tests {
    use super::refuse_repeated_keys;

    #[test]
    fn a_key_given_twice_in_any_object_is_refused_with_its_path() {
        assert_eq!(refuse_repeated_keys(r#"{"a": 1, "b": {"c": 2}, "d": [{"e": 1}]}"#), Ok(()));
        let repeated = |text: &str| refuse_repeated_keys(text).unwrap_err().0;
        assert_eq!(repeated(r#"{"overdue_days": 7, "overdue_days": 30}"#), "overdue_days");
        assert_eq!(repeated(r#"{"measurements": {"uacr": [1], "uacr": [2]}}"#), "measurements.uacr");
        assert_eq!(
            repeated(r#"{"items": [{"text": {"en": "A"}}, {"text": {"en": "A", "en": "B"}}]}"#),
            "items[1].text.en"
        );
        // The same key in two objects is no repetition; malformed JSON is the reader's to describe.
        assert_eq!(refuse_repeated_keys(r#"[{"a": 1}, {"a": 1}]"#), Ok(()));
        assert_eq!(refuse_repeated_keys(r#"{"a": "#), Ok(()));
    }
}
