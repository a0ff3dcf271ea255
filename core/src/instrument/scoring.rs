//! Scores: section (subscale) sums with the missing-item rule, the total, the 0–100 transform,
//! and the TCM efficacy index with its categories.
//!
//! Rules (stated in `docs/instruments.md`, readings argued in `docs/interpretation.md`):
//! - an item's score is its value, or `min + max − value` for a reverse-scored item (the ends
//!   of its scale);
//! - a section's raw score is the sum of its scored items' scores when every one is answered;
//!   when some are missing or "does not apply", and at least `min_answered_fraction` of the
//!   applicable ones are answered, it is the mean of the answered scores times the number of
//!   scored items (prorated); otherwise it is missing;
//! - the total is the sum of the section raw scores, missing if any section is missing;
//! - the 0–100 transform puts a raw score on its possible range, in the stated direction.

use super::{Answer, Instrument, InstrumentError, Transform};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scoring readings: the definition's defaults, or a site's own.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{Instrument, ScoreRules, Transform};
/// let dqol = Instrument::dqol()?;
/// let rules = ScoreRules::of(&dqol);
/// assert_eq!((rules.min_answered_fraction, rules.transform), (0.5, Transform::HigherIsBetter));
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRules {
    /// See [`super::ScoringSpec::min_answered_fraction`].
    pub min_answered_fraction: f64,
    /// The 0–100 transform.
    pub transform: Transform,
}

impl ScoreRules {
    /// The defaults of `instrument`'s definition.
    pub fn of(instrument: &Instrument) -> ScoreRules {
        ScoreRules {
            min_answered_fraction: instrument.scoring.min_answered_fraction,
            transform: instrument.scoring.transform,
        }
    }

    /// Checks the readings.
    ///
    /// # Errors
    /// [`InstrumentError::InvalidRules`] for a fraction outside (0, 1].
    pub fn check(&self) -> Result<(), InstrumentError> {
        let f = self.min_answered_fraction;
        if f > 0.0 && f <= 1.0 {
            Ok(())
        } else {
            Err(InstrumentError::InvalidRules { reason: "min_answered_fraction must be in (0, 1]".to_owned() })
        }
    }
}

/// A section's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    /// The section id.
    pub section: String,
    /// The raw score (a sum; prorated when `prorated`), or none if too few items are answered.
    pub raw: Option<f64>,
    /// The raw score on 0–100, if the rules transform.
    pub transformed: Option<f64>,
    /// Whether `raw` was prorated from fewer answers than items.
    pub prorated: bool,
    /// Scored items answered with a value.
    pub answered: u32,
    /// Scored items answered "does not apply".
    pub not_applicable: u32,
    /// Scored items.
    pub items: u32,
    /// The lowest possible raw score.
    pub min: f64,
    /// The highest possible raw score.
    pub max: f64,
}

/// The scores of a set of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Per section, in the instrument's order (sections without scored items are left out).
    pub sections: Vec<SectionScore>,
    /// The total raw score, if the instrument has one and every section has a score.
    pub total: Option<f64>,
    /// The total on 0–100, if the rules transform.
    pub total_transformed: Option<f64>,
    /// The lowest possible total.
    pub total_min: f64,
    /// The highest possible total.
    pub total_max: f64,
}

impl Scores {
    /// A section's score by id.
    pub fn section(&self, id: &str) -> Option<&SectionScore> {
        self.sections.iter().find(|s| s.section == id)
    }
}

/// The score of one answer `value` on a scale from `min` to `max`: the value, or
/// `min + max − value` when reverse-scored. Reversing twice gives the value back. A value
/// outside `min..=max` (answers are checked where they enter, so only a direct call can give
/// one) is taken as the nearer end first, so the score stays on the scale.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::item_score;
/// assert_eq!(item_score(2, 1, 5, true), 4);
/// assert_eq!(item_score(item_score(2, 1, 5, true), 1, 5, true), 2);
/// ```
pub fn item_score(value: u8, min: u8, max: u8, reverse: bool) -> u8 {
    let (min, max) = (min.min(max), min.max(max));
    let value = value.clamp(min, max);
    if reverse {
        // In u16: min + max may exceed 255; the result, min + max − value, is within min..=max.
        let reversed = u16::from(min) + u16::from(max) - u16::from(value);
        u8::try_from(reversed).unwrap_or(max)
    } else {
        value
    }
}

/// Whether `answered` of `applicable` items reach `fraction` of them. The product is compared
/// with a tolerance of 1e-9 items, so that 0.28 × 25 (7.000000000000001 in floating point)
/// needs 7 answers, as written.
pub(crate) fn enough(answered: u32, applicable: u32, fraction: f64) -> bool {
    f64::from(answered) + 1e-9 >= fraction * f64::from(applicable)
}

fn transform(raw: f64, min: f64, max: f64, t: Transform) -> Option<f64> {
    if max <= min {
        return None;
    }
    match t {
        Transform::RawOnly => None,
        Transform::HigherIsBetter => Some((max - raw) / (max - min) * 100.0),
        Transform::SameAsRaw => Some((raw - min) / (max - min) * 100.0),
    }
}

/// Scores `answers` (by item id) of `instrument` under `rules`.
///
/// # Errors
/// [`InstrumentError::InvalidRules`]; [`InstrumentError::UnknownItem`] or an answer error for
/// an answer the instrument does not allow.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{score, Answer, Instrument, ScoreRules};
/// use std::collections::BTreeMap;
/// let tcm = Instrument::tcm_dkd()?;
/// let answers: BTreeMap<String, Answer> = tcm.items()
///     .filter(|(_, i)| i.scored)
///     .map(|(_, i)| (i.id.clone(), Answer::Value(if i.scale == "primary" { 4 } else { 1 })))
///     .collect();
/// let scores = score(&tcm, &answers, &ScoreRules::of(&tcm))?;
/// assert_eq!(scores.total, Some(2.0 * 4.0 + 5.0 * 1.0));
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
pub fn score(
    instrument: &Instrument,
    answers: &BTreeMap<String, Answer>,
    rules: &ScoreRules,
) -> Result<Scores, InstrumentError> {
    rules.check()?;
    for (item, answer) in answers {
        instrument.check_answer(item, answer)?;
    }
    let mut sections = Vec::new();
    for section in &instrument.sections {
        let (mut items, mut answered, mut not_applicable) = (0u32, 0u32, 0u32);
        let (mut sum, mut min, mut max) = (0.0, 0.0, 0.0);
        for item in section.items.iter().filter(|i| i.scored) {
            let Some(scale) = instrument.scale(&item.scale) else { continue };
            let (lo, hi) = scale.range();
            items += 1;
            min += f64::from(lo);
            max += f64::from(hi);
            match answers.get(&item.id) {
                Some(Answer::Value(v)) => {
                    answered += 1;
                    sum += f64::from(item_score(*v, lo, hi, item.reverse));
                }
                Some(Answer::NotApplicable) => not_applicable += 1,
                Some(Answer::Skipped) | None => {}
            }
        }
        if items == 0 {
            continue;
        }
        let applicable = items - not_applicable;
        let raw = if answered == items {
            Some(sum)
        } else if answered > 0 && enough(answered, applicable, rules.min_answered_fraction) {
            Some(sum / f64::from(answered) * f64::from(items))
        } else {
            None
        };
        sections.push(SectionScore {
            section: section.id.clone(),
            raw,
            transformed: raw.and_then(|r| transform(r, min, max, rules.transform)),
            prorated: raw.is_some() && answered < items,
            answered,
            not_applicable,
            items,
            min,
            max,
        });
    }
    // Sums from +0 (Rust's float `sum` starts at −0, which an instrument without a scored
    // section would report as a total of −0).
    let total_min = sections.iter().fold(0.0, |sum, s| sum + s.min);
    let total_max = sections.iter().fold(0.0, |sum, s| sum + s.max);
    let total =
        if instrument.scoring.total { sections.iter().try_fold(0.0, |sum, s| s.raw.map(|r| sum + r)) } else { None };
    Ok(Scores {
        total_transformed: total.and_then(|t| transform(t, total_min, total_max, rules.transform)),
        sections,
        total,
        total_min,
        total_max,
    })
}

/// The efficacy category of a TCM syndrome score change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EfficacyCategory {
    /// 临床痊愈: the index reaches `clinical_recovery`.
    ClinicalRecovery,
    /// 显效: the index reaches `markedly_effective`.
    MarkedlyEffective,
    /// 有效: the index reaches `effective`.
    Effective,
    /// 无效: below `effective` (including a worsening).
    Ineffective,
}

/// The thresholds of the efficacy categories, in percent of the index (each inclusive).
///
/// Defaults ≥ 95 / ≥ 70 / ≥ 30 %: the DKD trial protocol of Wu et al., Trials 2020;21:951
/// (clinical recovery ≥ 95 %, markedly effective ≥ 70 %), and the ≥ 30 % / < 30 % split of the
/// Guiding Principles' diabetes chapter as reproduced in trial protocols (`docs/instruments.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfficacyThresholds {
    /// Clinical recovery, percent.
    pub clinical_recovery: f64,
    /// Markedly effective, percent.
    pub markedly_effective: f64,
    /// Effective, percent.
    pub effective: f64,
}

impl Default for EfficacyThresholds {
    fn default() -> Self {
        EfficacyThresholds { clinical_recovery: 95.0, markedly_effective: 70.0, effective: 30.0 }
    }
}

/// The efficacy of a change in TCM syndrome score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Efficacy {
    /// `(pre − post) / pre × 100`, percent (negative for a worsening).
    pub index_percent: f64,
    /// Its category.
    pub category: EfficacyCategory,
}

/// The efficacy index `(pre − post) / pre × 100 %` and its category.
///
/// # Errors
/// [`InstrumentError::InvalidRules`] for thresholds that are not finite and decreasing
/// (recovery > markedly > effective); [`InstrumentError::EfficacyUndefined`] for a baseline
/// total of zero (nothing to improve) or a score that is negative or not finite.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::instrument::{efficacy, EfficacyCategory, EfficacyThresholds};
/// let e = efficacy(20.0, 6.0, &EfficacyThresholds::default())?;
/// assert_eq!((e.index_percent, e.category), (70.0, EfficacyCategory::MarkedlyEffective));
/// # Ok::<(), amimestrocel_dkd::instrument::InstrumentError>(())
/// ```
pub fn efficacy(pre: f64, post: f64, thresholds: &EfficacyThresholds) -> Result<Efficacy, InstrumentError> {
    let t = thresholds;
    let ordered = [t.clinical_recovery, t.markedly_effective, t.effective].iter().all(|v| v.is_finite())
        && t.clinical_recovery > t.markedly_effective
        && t.markedly_effective > t.effective;
    if !ordered {
        return Err(InstrumentError::InvalidRules {
            reason:
                "efficacy thresholds must be finite and decrease: clinical recovery > markedly effective > effective"
                    .to_owned(),
        });
    }
    if !(pre.is_finite() && post.is_finite() && pre >= 0.0 && post >= 0.0) {
        return Err(InstrumentError::EfficacyUndefined { reason: "scores must be finite and non-negative".to_owned() });
    }
    if pre == 0.0 {
        return Err(InstrumentError::EfficacyUndefined {
            reason: "the score before treatment is 0, so there is nothing to improve".to_owned(),
        });
    }
    // Multiplied before dividing, so a change of exactly 70 % of an integer score is 70.0, not
    // 69.999…: the boundaries are inclusive and must hold as written.
    let index_percent = (pre - post) * 100.0 / pre;
    if !index_percent.is_finite() {
        return Err(InstrumentError::EfficacyUndefined { reason: "the scores are too large to compare".to_owned() });
    }
    let category = if index_percent >= t.clinical_recovery {
        EfficacyCategory::ClinicalRecovery
    } else if index_percent >= t.markedly_effective {
        EfficacyCategory::MarkedlyEffective
    } else if index_percent >= t.effective {
        EfficacyCategory::Effective
    } else {
        EfficacyCategory::Ineffective
    };
    Ok(Efficacy { index_percent, category })
}
