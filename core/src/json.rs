//! Messages for JSON that could not be read, without the input in them.
//!
//! serde_json's messages quote the offending value (`invalid type: string "4711", expected
//! f64`), and a value in a screening record is personal health data: messages here keep the
//! category, the expectation and the position, and drop the value.

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

    #[test]
    fn structural_messages_are_kept() {
        let e = serde_json::from_str::<f64>("").unwrap_err();
        assert_eq!(describe_at(&e), "EOF while parsing a value at line 1 column 0");
    }
}
