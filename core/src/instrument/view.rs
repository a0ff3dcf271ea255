//! An instrument in one language, as an app shows it: plain lists and strings.

use super::{Instrument, InstrumentError, Respondent, Wording};
use serde::Serialize;

/// An option as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionView {
    /// The value recorded.
    pub value: u8,
    /// Its label in the view's language.
    pub label: String,
}

/// An item as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    /// Its id.
    pub id: String,
    /// The id of its section.
    pub section: String,
    /// Its text.
    pub text: String,
    /// Its options, in order.
    pub options: Vec<OptionView>,
    /// The "does not apply" label, if the item allows it.
    pub not_applicable: Option<String>,
    /// Whether it may be skipped.
    pub optional: bool,
    /// Whether it counts in the scores.
    pub scored: bool,
}

/// A section as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its items.
    pub items: Vec<ItemView>,
}

/// An instrument in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstrumentView {
    /// The instrument id.
    pub id: String,
    /// The instrument version.
    pub version: String,
    /// The language of every text here.
    pub language: String,
    /// The title.
    pub title: String,
    /// Whether the wording is a placeholder, published or licensed.
    pub wording: Wording,
    /// What the wording is.
    pub wording_note: String,
    /// Who answers it.
    pub respondent: Respondent,
    /// The sections, in order.
    pub sections: Vec<SectionView>,
}

impl Instrument {
    /// The instrument in `language` (`en`, `zh-Hans`, or a language a translation added).
    ///
    /// # Errors
    /// [`InstrumentError::UnknownLanguage`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::instrument::Instrument;
    /// let view = Instrument::tcm_dkd()?.view("zh-Hans")?;
    /// assert_eq!(view.sections[0].items[1].text, "神疲乏力");
    /// assert_eq!(view.sections[0].items[1].options.len(), 4);
    /// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
    /// ```
    pub fn view(&self, language: &str) -> Result<InstrumentView, InstrumentError> {
        self.check_language(language)?;
        // Every text has every language (checked when loaded and when a translation is added).
        let text = |t: &super::Text| t.get(language).cloned().unwrap_or_default();
        let sections = self
            .sections
            .iter()
            .map(|section| SectionView {
                id: section.id.clone(),
                title: text(&section.title),
                items: section
                    .items
                    .iter()
                    .map(|item| ItemView {
                        id: item.id.clone(),
                        section: section.id.clone(),
                        text: text(&item.text),
                        options: self
                            .scale(&item.scale)
                            .map(|s| s.options.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .map(|o| OptionView {
                                value: o.value,
                                label: self.option_label(item, o.value, language).unwrap_or_default().to_owned(),
                            })
                            .collect(),
                        not_applicable: if item.not_applicable {
                            self.not_applicable_label.as_ref().map(text)
                        } else {
                            None
                        },
                        optional: item.optional,
                        scored: item.scored,
                    })
                    .collect(),
            })
            .collect();
        Ok(InstrumentView {
            id: self.id().to_owned(),
            version: self.version().to_owned(),
            language: language.to_owned(),
            title: text(&self.title),
            wording: self.wording_in(language),
            wording_note: text(&self.wording_note),
            respondent: self.respondent,
            sections,
        })
    }
}
