//! FHIR R4 export: an instrument as a `Questionnaire`, a session as a `QuestionnaireResponse`
//! (HL7 FHIR R4 4.0.1, <https://hl7.org/fhir/R4/questionnaire.html> and
//! <https://hl7.org/fhir/R4/questionnaireresponse.html>).
//!
//! - Each section is a `group` item, each instrument item a `choice` item whose
//!   `answerOption`s are `Coding`s: system [`scale_system`], code the value, display the label.
//!   "Does not apply" is one more option with code `not_applicable` where the item allows it.
//! - The response answers each answered item with the option's `Coding`; a skipped item is
//!   listed without an answer (FHIR allows an item with no answer), an unanswered one is left
//!   out. Status `completed` or `in-progress`; `authored` is the completion time or the last
//!   change; the subject and encounter are given by identifier.

use super::{Answer, Instrument, InstrumentError, Session, SessionStatus};
use serde_json::{json, Value};

/// The canonical URL of an instrument's `Questionnaire` (a URN: the trial has no FHIR server).
pub fn questionnaire_url(instrument: &Instrument) -> String {
    format!("urn:amimestrocel-dkd:questionnaire:{}", instrument.id())
}

/// The code system of a scale's options.
pub fn scale_system(instrument: &Instrument, scale: &str) -> String {
    format!("urn:amimestrocel-dkd:questionnaire:{}:{}:scale:{scale}", instrument.id(), instrument.version())
}

/// A FHIR computable name (`[A-Z]([A-Za-z0-9_]){0,254}`) from an instrument id: upper case,
/// `-` and `.` as `_`, and a leading `Q` if the id does not start with a letter (`tcm-dkd` is
/// `TCM_DKD`).
fn computable_name(id: &str) -> String {
    let name: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("Q{name}")
    }
}

/// The identifier system of participant ids.
pub const PARTICIPANT_SYSTEM: &str = "urn:amimestrocel-dkd:nct06969807:participant";
/// The identifier system of visit ids.
pub const VISIT_SYSTEM: &str = "urn:amimestrocel-dkd:nct06969807:visit";

fn not_applicable_coding(instrument: &Instrument, label: &str) -> Value {
    json!({"system": format!("urn:amimestrocel-dkd:questionnaire:{}:{}:not-applicable", instrument.id(), instrument.version()),
           "code": "not_applicable", "display": label})
}

/// The instrument as a FHIR R4 `Questionnaire`, with its texts in `language`.
///
/// # Errors
/// [`InstrumentError::UnknownLanguage`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{fhir, Instrument};
/// let q = fhir::questionnaire(&Instrument::tcm_dkd()?, "en")?;
/// assert_eq!(q["resourceType"], "Questionnaire");
/// assert_eq!(q["item"][0]["item"][0]["answerOption"][2]["valueCoding"]["code"], "4");
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
pub fn questionnaire(instrument: &Instrument, language: &str) -> Result<Value, InstrumentError> {
    let view = instrument.view(language)?;
    let groups: Vec<Value> = view
        .sections
        .iter()
        .map(|section| {
            let items: Vec<Value> = section
                .items
                .iter()
                .map(|item| {
                    let scale = instrument.item(&item.id).map(|(i, _)| i.scale.clone()).unwrap_or_default();
                    let system = scale_system(instrument, &scale);
                    let mut options: Vec<Value> = item
                        .options
                        .iter()
                        .map(|o| {
                            json!({"valueCoding": {"system": system, "code": o.value.to_string(), "display": o.label}})
                        })
                        .collect();
                    if let Some(label) = &item.not_applicable {
                        options.push(json!({"valueCoding": not_applicable_coding(instrument, label)}));
                    }
                    json!({"linkId": item.id, "text": item.text, "type": "choice",
                           "required": !item.optional, "answerOption": options})
                })
                .collect();
            json!({"linkId": section.id, "text": section.title, "type": "group", "item": items})
        })
        .collect();
    Ok(json!({
        "resourceType": "Questionnaire",
        "id": format!("{}-{}", instrument.id(), instrument.version()),
        "url": questionnaire_url(instrument),
        "version": instrument.version(),
        "name": computable_name(instrument.id()),
        "title": view.title,
        "status": "active",
        "language": language,
        "description": instrument.source,
        "item": groups,
    }))
}

/// A session as a FHIR R4 `QuestionnaireResponse`, with displays in the session's language.
///
/// # Errors
/// [`InstrumentError::InstrumentMismatch`] if the session is of another instrument version;
/// [`InstrumentError::UnknownLanguage`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{fhir, Instrument, Session};
/// use chrono::DateTime;
/// let dqol = Instrument::dqol()?;
/// let at = DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").unwrap();
/// let mut s = Session::start(&dqol, "S-001", "w4", "en", at)?;
/// s.answer(&dqol, "imp03", 4, at)?;
/// let r = fhir::questionnaire_response(&dqol, &s)?;
/// assert_eq!(r["status"], "in-progress");
/// assert_eq!(r["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"], "4");
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
pub fn questionnaire_response(instrument: &Instrument, session: &Session) -> Result<Value, InstrumentError> {
    let (id, version) = session.instrument();
    if id != instrument.id() || version != instrument.version() {
        return Err(InstrumentError::InstrumentMismatch {
            expected: format!("{}@{}", instrument.id(), instrument.version()),
            found: format!("{id}@{version}"),
        });
    }
    let language = session.language();
    let view = instrument.view(language)?;
    let mut groups = Vec::new();
    for section in &view.sections {
        let mut items = Vec::new();
        for item in &section.items {
            let Some(answer) = session.answers().get(&item.id) else { continue };
            let scale = instrument.item(&item.id).map(|(i, _)| i.scale.clone()).unwrap_or_default();
            let coding = match answer {
                Answer::Value(v) => {
                    let label = item.options.iter().find(|o| o.value == *v).map(|o| o.label.clone());
                    Some(json!({"system": scale_system(instrument, &scale), "code": v.to_string(),
                                "display": label.unwrap_or_default()}))
                }
                Answer::NotApplicable => {
                    Some(not_applicable_coding(instrument, item.not_applicable.as_deref().unwrap_or("")))
                }
                Answer::Skipped => None,
            };
            let mut entry = json!({"linkId": item.id, "text": item.text});
            if let Some(c) = coding {
                entry["answer"] = json!([{"valueCoding": c}]);
            }
            items.push(entry);
        }
        if !items.is_empty() {
            groups.push(json!({"linkId": section.id, "text": section.title, "item": items}));
        }
    }
    let status = match session.status() {
        SessionStatus::Completed => "completed",
        SessionStatus::InProgress => "in-progress",
    };
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("{}|{}", questionnaire_url(instrument), instrument.version()),
        "status": status,
        "subject": {"identifier": {"system": PARTICIPANT_SYSTEM, "value": session.participant()}},
        "encounter": {"identifier": {"system": VISIT_SYSTEM, "value": session.visit()}},
        "authored": session.last_changed().to_rfc3339(),
        "language": language,
    });
    if !groups.is_empty() {
        response["item"] = Value::Array(groups);
    }
    Ok(response)
}
