//! The editable data the analyser works from: word lists, weights, synonyms and time windows.
//!
//! Everything here is plain data (serde), so admins can edit it and preview the effect; the
//! built-in Chinese lists are in `default_vocabulary.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The kinds of the default taxonomy; category codes are `kind.category` with one of them.
pub const KINDS: [&str; 6] = [
    "repair",
    "complaint",
    "inquiry",
    "service",
    "suggestion",
    "praise",
];

/// Everything the analyser knows about how residents write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Typos, homophones and variants rewritten before anything else (电悌 → 电梯).
    pub synonyms: Vec<Synonym>,
    /// Words that point at a category, per category.
    pub categories: Vec<CategoryRule>,
    /// Words that say what the resident wants (a question, a request, praise) whatever the topic.
    pub kind_cues: Vec<KindCue>,
    /// The category used when a kind wins on its cues alone (kind → category code).
    pub fallback_categories: BTreeMap<String, String>,
    /// How far apart two reports of one problem tag may be placed and still be duplicates.
    pub problem_scopes: BTreeMap<String, Scope>,
    /// Emergency and urgent vocabulary.
    pub urgency_rules: Vec<UrgencyRule>,
    /// Escalation-risk vocabulary (12345, media, court, …).
    pub escalation_rules: Vec<EscalationRule>,
    /// Channels whose every message carries escalation risk (12345 transfers).
    pub escalation_channels: Vec<String>,
    /// A problem reported this many times (第三次, 三次了) is an escalation risk.
    pub repeat_threshold: u32,
}

/// `from` is rewritten to `to` before analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synonym {
    pub from: String,
    pub to: String,
}

/// The words of one category and how its duplicates are found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRule {
    /// Taxonomy code, `kind.category`.
    pub code: String,
    pub keywords: Vec<KeywordGroup>,
    /// Two tickets of this category further apart than this are never duplicates.
    pub duplicate_window_minutes: u32,
    /// Where two reports must be to be about one thing, when their words name no problem tag.
    pub scope: Scope,
}

/// Words sharing a weight and, optionally, a problem tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeywordGroup {
    pub weight: f32,
    /// What the words say is wrong, for duplicate detection. A tag is a subject (`lift`) or a
    /// subject and its problem (`lift.noise`); two reports about the same subject with different
    /// problems are not duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    pub words: Vec<String>,
}

/// Words that count towards a kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindCue {
    pub kind: String,
    pub weight: f32,
    pub words: Vec<String>,
}

/// How close two places must be to be "the same place" for a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Anywhere in the project (square dancing, street lights).
    Project,
    /// The same building (a building without water).
    Building,
    /// The same entrance and, when named, the same lift.
    Unit,
    /// The same room.
    Room,
    /// The same room or the one directly above or below (leaks).
    Vertical,
}

/// Emergency or urgent vocabulary, optionally only in a context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgencyRule {
    pub urgency: crate::urgency::Urgency,
    /// Why these words raise the urgency, shown as evidence.
    pub note: String,
    pub words: Vec<String>,
    /// When not empty, one of these must appear too (困人 counts only about a lift).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// When one of these appears, the rule does not apply (插座没电 is not a power cut).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<String>,
}

/// Escalation-risk vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationRule {
    /// Why these words are a risk, shown as evidence.
    pub note: String,
    pub words: Vec<String>,
    /// Count only when the message is not a plain question, suggestion or praise: asking for the
    /// street office's phone number is no threat to go there.
    #[serde(default)]
    pub only_when_dissatisfied: bool,
}

/// A vocabulary the analyser cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VocabularyError {
    /// A category code that is not `kind.category` with a known kind.
    BadCategoryCode(String),
    /// A kind cue or fallback naming an unknown kind, or a fallback category of another kind.
    BadKind(String),
    /// A word list too large to compile.
    TooLarge(String),
}

impl std::fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VocabularyError::BadCategoryCode(code) => write!(
                f,
                "category code {code:?} is not kind.category with a known kind"
            ),
            VocabularyError::BadKind(kind) => write!(f, "unknown kind {kind:?}"),
            VocabularyError::TooLarge(reason) => write!(f, "word list too large: {reason}"),
        }
    }
}

impl std::error::Error for VocabularyError {}

/// The kind of a category code (`repair.water` → `repair`), when it has a known one.
pub fn kind_of(code: &str) -> Option<&str> {
    let (kind, rest) = code.split_once('.')?;
    (KINDS.contains(&kind) && !rest.is_empty()).then_some(kind)
}

impl Vocabulary {
    /// Checks what the analyser relies on: category prefixes are known kinds, cues name known kinds.
    pub fn check(&self) -> Result<(), VocabularyError> {
        for rule in &self.categories {
            kind_of(&rule.code)
                .ok_or_else(|| VocabularyError::BadCategoryCode(rule.code.clone()))?;
        }
        for cue in &self.kind_cues {
            if !KINDS.contains(&cue.kind.as_str()) {
                return Err(VocabularyError::BadKind(cue.kind.clone()));
            }
        }
        for (kind, category) in &self.fallback_categories {
            if kind_of(category) != Some(kind.as_str()) {
                return Err(VocabularyError::BadKind(format!("{kind} → {category}")));
            }
        }
        Ok(())
    }

    /// The rule of a category code.
    pub fn category(&self, code: &str) -> Option<&CategoryRule> {
        self.categories.iter().find(|rule| rule.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_of_reads_the_prefix() {
        assert_eq!(kind_of("repair.water"), Some("repair"));
        assert_eq!(kind_of("repair."), None);
        assert_eq!(kind_of("unknown.water"), None);
        assert_eq!(kind_of("repair"), None);
    }

    #[test]
    fn the_default_vocabulary_is_consistent_and_round_trips_as_data() {
        let vocabulary = Vocabulary::default();
        assert_eq!(vocabulary.check(), Ok(()));
        let json = serde_json::to_string(&vocabulary).unwrap();
        let back: Vocabulary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vocabulary);
    }

    #[test]
    fn check_rejects_a_category_of_an_unknown_kind() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.categories[0].code = "broken.water".into();
        assert!(matches!(
            vocabulary.check(),
            Err(VocabularyError::BadCategoryCode(_))
        ));
    }

    #[test]
    fn every_taxonomy_category_has_words() {
        let vocabulary = Vocabulary::default();
        for code in guanjia_domain::taxonomy::DEFAULT_CATEGORIES.iter().map(|c| c.code) {
            let has_words = vocabulary
                .category(code)
                .is_some_and(|rule| !rule.keywords.is_empty());
            let is_fallback = vocabulary
                .fallback_categories
                .values()
                .any(|fallback| fallback == code);
            assert!(
                has_words || is_fallback,
                "{code} has no words and is no fallback"
            );
        }
    }
}
