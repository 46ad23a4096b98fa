//! Kind and category: weighted keywords per category, plus cue words per kind.
//!
//! A category's words also vote for its kind; cue words (请问, 建议, 谢谢, 投诉, 坏了) vote for a kind
//! whatever the topic. The kind with the most votes wins, then its best category; the category's
//! prefix is therefore always the kind.

use std::collections::{BTreeMap, HashMap};

use crate::evidence::Evidence;
use crate::phrases::{PhraseSet, TooLarge};
use crate::vocabulary::{KINDS, Vocabulary, kind_of};

/// What the classifier decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub kind_confidence: f32,
    pub category_confidence: f32,
    /// Problem tags of every keyword seen, for duplicate detection.
    pub problems: Vec<String>,
    /// No word of any list was seen: the kind is only a guess.
    pub guessed: bool,
    pub evidence: Vec<Evidence>,
}

/// One keyword's meaning in one category.
#[derive(Debug, Clone)]
struct Sense {
    category: usize,
    weight: f32,
    problem: Option<String>,
}

/// The category and kind vocabulary, compiled.
#[derive(Debug, Clone)]
pub struct Classifier {
    /// (code, index of its kind in KINDS)
    categories: Vec<(String, usize)>,
    /// A word may mean something in several categories (物业费: a question or a complaint).
    senses: Vec<Vec<Sense>>,
    keywords: PhraseSet<usize>,
    /// (index of the kind in KINDS, weight) per cue word.
    cues: PhraseSet<(usize, f32)>,
    fallbacks: BTreeMap<String, String>,
}

impl Classifier {
    /// Categories with an unknown kind are skipped (`Vocabulary::check` reports them).
    pub fn new(vocabulary: &Vocabulary) -> Result<Self, TooLarge> {
        let mut categories = Vec::new();
        let mut senses: Vec<Vec<Sense>> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        for rule in &vocabulary.categories {
            let Some(kind) = kind_of(&rule.code).and_then(kind_index) else {
                continue;
            };
            let category = categories.len();
            categories.push((rule.code.clone(), kind));
            for group in &rule.keywords {
                for word in &group.words {
                    let sense = Sense {
                        category,
                        weight: group.weight,
                        problem: group.problem.clone(),
                    };
                    match index_of.get(word) {
                        Some(&index) => senses[index].push(sense),
                        None => {
                            index_of.insert(word.clone(), words.len());
                            words.push(word.clone());
                            senses.push(vec![sense]);
                        }
                    }
                }
            }
        }
        let keywords = PhraseSet::longest(words.iter().map(String::as_str).enumerate())?;
        let cues = PhraseSet::longest(vocabulary.kind_cues.iter().flat_map(|cue| {
            let owner = kind_index(&cue.kind).map(|kind| (kind, cue.weight));
            cue.words
                .iter()
                .filter_map(move |word| owner.map(|owner| (owner, word.as_str())))
        }))?;
        Ok(Classifier {
            categories,
            senses,
            keywords,
            cues,
            fallbacks: vocabulary.fallback_categories.clone(),
        })
    }

    pub fn classify(&self, text: &str) -> Classification {
        let mut category_scores = vec![0.0_f32; self.categories.len()];
        let mut category_words: Vec<Vec<&str>> = vec![Vec::new(); self.categories.len()];
        let mut problems: Vec<String> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for hit in self.keywords.hits(text) {
            // A word repeated (漏水…漏水) is one piece of evidence, not two.
            if seen.contains(&hit.owner) {
                continue;
            }
            seen.push(hit.owner);
            for sense in &self.senses[hit.owner] {
                category_scores[sense.category] += sense.weight;
                category_words[sense.category].push(hit.word);
                if let Some(problem) = sense
                    .problem
                    .as_ref()
                    .filter(|problem| !problems.contains(problem))
                {
                    problems.push(problem.clone());
                }
            }
        }

        let mut cue_scores = [0.0_f32; KINDS.len()];
        let mut cue_words: [Vec<&str>; KINDS.len()] = Default::default();
        for hit in self.cues.hits(text) {
            let (kind, weight) = hit.owner;
            if !cue_words[kind].contains(&hit.word) {
                cue_scores[kind] += weight;
                cue_words[kind].push(hit.word);
            }
        }

        // Each kind: its cues plus its best category.
        let best_category = |kind: usize| -> Option<(usize, f32)> {
            self.categories
                .iter()
                .enumerate()
                .filter(|(index, (_, of_kind))| *of_kind == kind && category_scores[*index] > 0.0)
                .map(|(index, _)| (index, category_scores[index]))
                .fold(None, |best: Option<(usize, f32)>, candidate| match best {
                    Some(best) if best.1 >= candidate.1 => Some(best),
                    _ => Some(candidate),
                })
        };
        let kind_scores: Vec<f32> = (0..KINDS.len())
            .map(|kind| cue_scores[kind] + best_category(kind).map_or(0.0, |(_, score)| score))
            .collect();
        let Some((kind, kind_score)) = top(&kind_scores) else {
            return self.unclassified(text, problems);
        };
        let kind_confidence = confidence(&kind_scores, kind_score);

        let mut evidence = Vec::new();
        if !cue_words[kind].is_empty() {
            evidence.push(Evidence {
                field: "kind".into(),
                words: cue_words[kind]
                    .iter()
                    .map(|word| word.to_string())
                    .collect(),
                note: format!("words that say the resident wants a {}", KINDS[kind]),
            });
        }
        let (category, category_confidence) = match best_category(kind) {
            Some((index, score)) => {
                evidence.push(Evidence {
                    field: "category".into(),
                    words: category_words[index]
                        .iter()
                        .map(|word| word.to_string())
                        .collect(),
                    note: format!("keywords of {}", self.categories[index].0),
                });
                let of_kind: Vec<f32> = self
                    .categories
                    .iter()
                    .enumerate()
                    .map(|(other, (_, other_kind))| {
                        if *other_kind == kind {
                            category_scores[other]
                        } else {
                            0.0
                        }
                    })
                    .collect();
                (
                    Some(self.categories[index].0.clone()),
                    confidence(&of_kind, score),
                )
            }
            None => {
                let fallback = self.fallbacks.get(KINDS[kind]).cloned();
                if let Some(code) = &fallback {
                    evidence.push(Evidence {
                        field: "category".into(),
                        words: Vec::new(),
                        note: format!(
                            "no topic words: the default category of {}, {code}",
                            KINDS[kind]
                        ),
                    });
                }
                (fallback, 0.5)
            }
        };
        Classification {
            kind: Some(KINDS[kind].to_owned()),
            category,
            kind_confidence,
            category_confidence,
            problems,
            guessed: false,
            evidence,
        }
    }

    /// No word of any list: a message with text is most likely a question an agent should read
    /// (你好，在吗); an empty one says nothing.
    fn unclassified(&self, text: &str, problems: Vec<String>) -> Classification {
        let has_text = text.chars().any(char::is_alphanumeric);
        let kind = has_text.then(|| "inquiry".to_owned());
        let category = kind
            .as_ref()
            .and_then(|kind| self.fallbacks.get(kind).cloned());
        let evidence = if has_text {
            vec![Evidence {
                field: "kind".into(),
                words: Vec::new(),
                note: "no known words: treated as a question".into(),
            }]
        } else {
            Vec::new()
        };
        Classification {
            kind,
            category,
            kind_confidence: 0.3,
            category_confidence: 0.3,
            problems,
            guessed: true,
            evidence,
        }
    }
}

fn kind_index(kind: &str) -> Option<usize> {
    KINDS.iter().position(|known| *known == kind)
}

/// The index and score of the highest positive score (first wins a tie).
fn top(scores: &[f32]) -> Option<(usize, f32)> {
    scores
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, score)| *score > 0.0)
        .fold(None, |best, candidate| match best {
            Some(best) if best.1 >= candidate.1 => Some(best),
            _ => Some(candidate),
        })
}

/// How sure a decision is: high when the winner is well ahead of the runner-up and rests on
/// several words, low on a narrow or thin win.
fn confidence(scores: &[f32], winner: f32) -> f32 {
    let runner_up = scores
        .iter()
        .copied()
        .filter(|score| *score < winner)
        .fold(0.0_f32, f32::max);
    let ties = scores.iter().filter(|score| **score == winner).count();
    let margin = if ties > 1 {
        0.0
    } else {
        (winner - runner_up) / winner
    };
    let strength = (winner / 6.0).min(1.0);
    (0.35 + 0.6 * margin * strength + 0.05 * strength).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{CategoryRule, KeywordGroup, KindCue, Scope};

    fn vocabulary() -> Vocabulary {
        let group = |weight: f32, problem: Option<&str>, words: &[&str]| KeywordGroup {
            weight,
            problem: problem.map(str::to_owned),
            words: words.iter().map(|word| word.to_string()).collect(),
        };
        let category = |code: &str, keywords| CategoryRule {
            code: code.into(),
            keywords,
            duplicate_window_minutes: 60,
            scope: Scope::Room,
        };
        Vocabulary {
            categories: vec![
                category(
                    "repair.water",
                    vec![group(3.0, Some("water.leak"), &["漏水"])],
                ),
                category(
                    "complaint.fee",
                    vec![group(2.0, None, &["物业费"]), group(2.0, None, &["太贵"])],
                ),
                category("inquiry.fee", vec![group(2.0, None, &["物业费"])]),
            ],
            kind_cues: vec![KindCue {
                kind: "inquiry".into(),
                weight: 2.0,
                words: vec!["请问".into(), "吗".into()],
            }],
            ..Vocabulary::default()
        }
    }

    fn classify(text: &str) -> Classification {
        Classifier::new(&vocabulary()).unwrap().classify(text)
    }

    #[test]
    fn keywords_pick_the_category_and_its_kind() {
        let result = classify("卫生间漏水了");
        assert_eq!(result.kind.as_deref(), Some("repair"));
        assert_eq!(result.category.as_deref(), Some("repair.water"));
        assert_eq!(result.problems, vec!["water.leak".to_owned()]);
    }

    #[test]
    fn cues_decide_between_kinds_sharing_a_topic() {
        assert_eq!(
            classify("请问物业费在哪交").category.as_deref(),
            Some("inquiry.fee")
        );
        assert_eq!(
            classify("物业费太贵").category.as_deref(),
            Some("complaint.fee")
        );
    }

    #[test]
    fn a_kind_without_topic_words_takes_its_fallback_category() {
        assert_eq!(
            classify("请问在吗").category.as_deref(),
            Some("inquiry.other")
        );
    }

    #[test]
    fn empty_text_is_unclassified() {
        let result = classify("  ");
        assert_eq!((result.kind, result.category), (None, None));
    }

    #[test]
    fn repeating_a_word_does_not_add_evidence() {
        let once = classify("物业费太贵");
        let twice = classify("物业费太贵，太贵");
        assert_eq!(once.kind_confidence, twice.kind_confidence);
    }
}
