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

/// How soon a ticket needs attention (taxonomy.md). Ordered: normal < urgent < emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    Normal,
    Urgent,
    Emergency,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
            Urgency::Emergency => "emergency",
        }
    }
}

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
    pub urgency: Urgency,
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

/// A vocabulary the analyser cannot use, with where in it the fault is (`categories[3].code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VocabularyError {
    /// A category code that is not `kind.category` with a known kind.
    BadCategoryCode { at: String, code: String },
    /// A kind cue or fallback naming an unknown kind, or a fallback category of another kind.
    BadKind { at: String, kind: String },
    /// A value the analyser cannot work with (an empty word, a weight that is no positive number,
    /// a category listed twice, a window of no minutes …).
    Invalid { at: String, reason: &'static str },
    /// A word list too large to compile.
    TooLarge(String),
}

impl VocabularyError {
    /// Where in the vocabulary the fault is, as a path of its JSON form.
    pub fn at(&self) -> &str {
        match self {
            VocabularyError::BadCategoryCode { at, .. }
            | VocabularyError::BadKind { at, .. }
            | VocabularyError::Invalid { at, .. } => at,
            VocabularyError::TooLarge(_) => "",
        }
    }
}

impl std::fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VocabularyError::BadCategoryCode { at, code } => {
                write!(
                    f,
                    "{at}: category code {code:?} is not kind.category with a known kind"
                )
            }
            VocabularyError::BadKind { at, kind } => write!(f, "{at}: unknown kind {kind:?}"),
            VocabularyError::Invalid { at, reason } => write!(f, "{at}: {reason}"),
            VocabularyError::TooLarge(reason) => write!(f, "word list too large: {reason}"),
        }
    }
}

impl std::error::Error for VocabularyError {}

/// Longest duplicate window a category may have: thirty days.
pub const MAX_WINDOW_MINUTES: u32 = 30 * 24 * 60;

/// Largest weight a word group may carry.
const MAX_WEIGHT: f32 = 100.0;

fn invalid(at: String, reason: &'static str) -> VocabularyError {
    VocabularyError::Invalid { at, reason }
}

/// Every word is something to find: not blank.
fn check_words(at: &str, words: &[String]) -> Result<(), VocabularyError> {
    if words.is_empty() {
        return Err(invalid(
            format!("{at}.words"),
            "a word list needs at least one word",
        ));
    }
    match words.iter().position(|word| word.trim().is_empty()) {
        Some(i) => Err(invalid(
            format!("{at}.words[{i}]"),
            "a word must not be blank",
        )),
        None => Ok(()),
    }
}

fn check_weight(at: &str, weight: f32) -> Result<(), VocabularyError> {
    if weight.is_finite() && (0.0..=MAX_WEIGHT).contains(&weight) {
        Ok(())
    } else {
        Err(invalid(
            format!("{at}.weight"),
            "a weight is a number from 0 to 100 (0: a word that only hides a shorter one)",
        ))
    }
}

/// The kind of a category code (`repair.water` → `repair`), when it has a known one.
pub fn kind_of(code: &str) -> Option<&str> {
    let (kind, rest) = code.split_once('.')?;
    (KINDS.contains(&kind) && !rest.is_empty()).then_some(kind)
}

impl Vocabulary {
    /// Checks what the analyser relies on: category prefixes are known kinds, cues name known
    /// kinds, every word list has words and every weight and window is usable. The first fault
    /// found is reported with where it is.
    pub fn check(&self) -> Result<(), VocabularyError> {
        for (i, synonym) in self.synonyms.iter().enumerate() {
            if synonym.from.trim().is_empty() {
                return Err(invalid(
                    format!("synonyms[{i}].from"),
                    "a synonym rewrites a word that is not blank",
                ));
            }
        }
        for (i, rule) in self.categories.iter().enumerate() {
            let at = format!("categories[{i}]");
            if kind_of(&rule.code).is_none() {
                return Err(VocabularyError::BadCategoryCode {
                    at: format!("{at}.code"),
                    code: rule.code.clone(),
                });
            }
            if self.categories[..i]
                .iter()
                .any(|earlier| earlier.code == rule.code)
            {
                return Err(invalid(format!("{at}.code"), "a category is listed once"));
            }
            if rule.duplicate_window_minutes == 0
                || rule.duplicate_window_minutes > MAX_WINDOW_MINUTES
            {
                return Err(invalid(
                    format!("{at}.duplicate_window_minutes"),
                    "a duplicate window is 1 minute to 30 days",
                ));
            }
            for (j, group) in rule.keywords.iter().enumerate() {
                let at = format!("{at}.keywords[{j}]");
                check_weight(&at, group.weight)?;
                check_words(&at, &group.words)?;
            }
        }
        for (i, cue) in self.kind_cues.iter().enumerate() {
            let at = format!("kind_cues[{i}]");
            if !KINDS.contains(&cue.kind.as_str()) {
                return Err(VocabularyError::BadKind {
                    at: format!("{at}.kind"),
                    kind: cue.kind.clone(),
                });
            }
            check_weight(&at, cue.weight)?;
            check_words(&at, &cue.words)?;
        }
        for (kind, category) in &self.fallback_categories {
            if kind_of(category) != Some(kind.as_str()) {
                return Err(VocabularyError::BadKind {
                    at: format!("fallback_categories.{kind}"),
                    kind: format!("{kind} → {category}"),
                });
            }
        }
        for (i, rule) in self.urgency_rules.iter().enumerate() {
            check_words(&format!("urgency_rules[{i}]"), &rule.words)?;
        }
        for (i, rule) in self.escalation_rules.iter().enumerate() {
            check_words(&format!("escalation_rules[{i}]"), &rule.words)?;
        }
        if self.repeat_threshold < 2 {
            return Err(invalid(
                "repeat_threshold".into(),
                "a repeat is the second report or later",
            ));
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
        let error = vocabulary.check().unwrap_err();
        assert!(matches!(error, VocabularyError::BadCategoryCode { .. }));
        assert_eq!(error.at(), "categories[0].code");
    }

    #[test]
    fn check_names_where_an_unusable_value_is() {
        let broken = |edit: fn(&mut Vocabulary)| {
            let mut vocabulary = Vocabulary::default();
            edit(&mut vocabulary);
            vocabulary.check().unwrap_err().at().to_owned()
        };
        assert_eq!(
            broken(|v| v.categories[1].keywords[0].words.push(" ".into())),
            format!(
                "categories[1].keywords[0].words[{}]",
                Vocabulary::default().categories[1].keywords[0].words.len()
            )
        );
        assert_eq!(
            broken(|v| v.categories[2].keywords[0].weight = f32::NAN),
            "categories[2].keywords[0].weight"
        );
        assert_eq!(
            broken(|v| v.categories[0].duplicate_window_minutes = 0),
            "categories[0].duplicate_window_minutes"
        );
        assert_eq!(
            broken(|v| {
                let first = v.categories[0].clone();
                v.categories.push(first)
            }),
            format!(
                "categories[{}].code",
                Vocabulary::default().categories.len()
            )
        );
        assert_eq!(
            broken(|v| v.urgency_rules[0].words.clear()),
            "urgency_rules[0].words"
        );
        assert_eq!(broken(|v| v.repeat_threshold = 1), "repeat_threshold");
        assert_eq!(
            broken(|v| v.kind_cues[0].kind = "gossip".into()),
            "kind_cues[0].kind"
        );
    }

    #[test]
    fn every_taxonomy_category_has_words() {
        let vocabulary = Vocabulary::default();
        for code in guanjia_domain::taxonomy::DEFAULT_CATEGORIES
            .iter()
            .map(|c| c.code)
        {
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
