//! A second opinion on danger, for wording the emergency vocabulary does not know yet.
//!
//! Every fresh batch of real-world messages has shown dangerous phrasings that no list of words
//! foresaw (eval/README.md). This model learns which pairs of characters (火苗, 冒烟, 困在, 漏电…)
//! tend to appear in emergencies from the labelled examples that ship with the crate, and flags a
//! message only when it is very sure. It can only raise a message to an emergency, never lower one:
//! safety first. Naive Bayes over the presence of character bigrams: small, explainable (the pairs
//! that weighed most are the evidence) and a few microseconds per message.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::labelled::{LabelledMessage, parse_jsonl};

/// Messages the model learns from: the DEV set, never the held-out ones.
const EXAMPLES: &str = include_str!("../eval/dev_messages.jsonl");

/// Additive smoothing; chosen with the threshold by cross-validation on the DEV set and on the
/// EXTERNAL set parts 1–3 (eval/README.md, steps 13 and 18).
const SMOOTHING: f64 = 0.1;
/// How sure the model must be before it raises a message.
pub const DANGER_THRESHOLD: f64 = 0.99;
/// How many of the weightiest pairs are shown as evidence.
const EVIDENCE_PAIRS: usize = 3;

/// What the model thinks of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct DangerOpinion {
    /// Probability that the message reports an emergency.
    pub probability: f64,
    /// The character pairs that pointed most towards danger, weightiest first.
    pub pairs: Vec<String>,
}

/// Counts of each character pair among emergencies and other messages.
#[derive(Debug, Clone)]
pub struct DangerModel {
    pairs: HashMap<(char, char), [u32; 2]>,
    /// Messages per class: [emergency, other].
    messages: [u32; 2],
}

/// The model learned from the shipped examples, once per process.
pub static DANGER: LazyLock<DangerModel> = LazyLock::new(|| {
    let examples: Vec<LabelledMessage> = parse_jsonl(EXAMPLES).expect("built-in examples parse");
    DangerModel::learn(
        examples
            .iter()
            .map(|m| (m.text.as_str(), m.urgency == "emergency")),
    )
});

impl DangerModel {
    /// Learns from (text, is an emergency) pairs.
    pub fn learn<'a>(examples: impl IntoIterator<Item = (&'a str, bool)>) -> Self {
        let mut model = DangerModel {
            pairs: HashMap::new(),
            messages: [0, 0],
        };
        for (text, danger) in examples {
            let class = usize::from(!danger);
            model.messages[class] += 1;
            for pair in pairs(text) {
                model.pairs.entry(pair).or_default()[class] += 1;
            }
        }
        model
    }

    /// The model's opinion; pairs it never saw in training say nothing.
    pub fn judge(&self, text: &str) -> DangerOpinion {
        let total = f64::from(self.messages[0] + self.messages[1]);
        if self.messages.contains(&0) {
            return DangerOpinion {
                probability: 0.0,
                pairs: Vec::new(),
            };
        }
        let likelihood = |count: u32, class: usize| {
            ((f64::from(count) + SMOOTHING) / (f64::from(self.messages[class]) + 2.0 * SMOOTHING))
                .ln()
        };
        let mut log_odds =
            (f64::from(self.messages[0]) / total).ln() - (f64::from(self.messages[1]) / total).ln();
        let mut weights: Vec<(f64, (char, char))> = Vec::new();
        for pair in pairs(text) {
            if let Some(&[danger, other]) = self.pairs.get(&pair) {
                let weight = likelihood(danger, 0) - likelihood(other, 1);
                log_odds += weight;
                weights.push((weight, pair));
            }
        }
        weights.sort_by(|a, b| b.0.total_cmp(&a.0));
        let pairs = weights
            .into_iter()
            .take_while(|(weight, _)| *weight > 0.0)
            .take(EVIDENCE_PAIRS)
            .map(|(_, (a, b))| [a, b].iter().collect())
            .collect();
        DangerOpinion {
            probability: 1.0 / (1.0 + (-log_odds).exp()),
            pairs,
        }
    }
}

/// The distinct character pairs of a message, within runs of characters: digits count as one
/// digit and Latin words as one letter, punctuation and spaces separate.
fn pairs(text: &str) -> Vec<(char, char)> {
    let mut out: Vec<(char, char)> = Vec::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let c = match c {
            c if c.is_ascii_digit() => '0',
            c if c.is_ascii_alphabetic() => 'a',
            c if c.is_whitespace() || is_separator(c) => {
                previous = None;
                continue;
            }
            c => c,
        };
        // A number or a word is one symbol however long it is.
        if previous == Some(c) && (c == '0' || c == 'a') {
            continue;
        }
        if let Some(p) = previous
            && !out.contains(&(p, c))
        {
            out.push((p, c));
        }
        previous = Some(c);
    }
    out
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '!'
            | '?'
            | ','
            | '.'
            | '、'
            | '；'
            | ';'
            | '：'
            | ':'
            | '“'
            | '”'
            | '"'
            | '（'
            | '）'
            | '('
            | ')'
            | '…'
            | '~'
            | '～'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_stay_within_runs_and_fold_numbers() {
        assert_eq!(
            pairs("冒烟了，3栋"),
            vec![('冒', '烟'), ('烟', '了'), ('0', '栋')]
        );
        assert_eq!(pairs("1502房"), vec![('0', '房')]);
        assert_eq!(pairs("wifi断"), vec![('a', '断')]);
    }

    #[test]
    fn it_learns_what_danger_sounds_like() {
        let model = DangerModel::learn([
            ("楼道冒烟了", true),
            ("厨房冒烟了", true),
            ("楼道灯不亮", false),
            ("厨房水龙头滴水", false),
        ]);
        let smoke = model.judge("车库冒烟");
        let light = model.judge("车库灯不亮");
        assert!(
            smoke.probability > 0.5 && light.probability < 0.5,
            "{smoke:?} {light:?}"
        );
        assert_eq!(smoke.pairs, vec!["冒烟".to_owned()]);
    }

    #[test]
    fn the_shipped_model_hears_danger_in_new_words() {
        // Sparks described by their sound and colour: no word of the emergency vocabulary.
        let opinion = DANGER.judge("地下室的电闸箱噼里啪啦冒蓝光");
        assert!(opinion.probability > DANGER_THRESHOLD, "{opinion:?}");
        assert!(DANGER.judge("请问物业费怎么交").probability < 0.5);
    }

    #[test]
    fn an_untrained_model_says_nothing() {
        let model = DangerModel::learn([("冒烟", true)]);
        assert_eq!(model.judge("冒烟").probability, 0.0);
    }
}
