//! Urgency: emergency, urgent or normal, erring on the side of safety.

use crate::evidence::Evidence;
use crate::phrases::{PhraseSet, TooLarge};
use crate::vocabulary::{Urgency, UrgencyRule};

/// Words that, written right before a trigger, say it is not happening (没冒烟, 不漏气, 没闻到味道)
/// or only might (万一着火怎么跑).
const NEGATIONS: [&str; 14] = [
    "没有",
    "没",
    "不",
    "未",
    "无",
    "没有闻到",
    "没闻到",
    "闻不到",
    "没看到",
    "万一",
    "如果",
    "要是",
    "以防",
    "防止",
];

/// The decided urgency with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct UrgencyFinding {
    pub urgency: Urgency,
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
}

/// The urgency rules, compiled.
#[derive(Debug, Clone)]
pub struct UrgencyMatcher {
    rules: Vec<UrgencyRule>,
    // Overlapping matching throughout: a word of one rule must never hide a word of another.
    triggers: PhraseSet<usize>,
    contexts: PhraseSet<usize>,
    exceptions: PhraseSet<usize>,
}

impl UrgencyMatcher {
    pub fn new(rules: &[UrgencyRule]) -> Result<Self, TooLarge> {
        let words = |list: fn(&UrgencyRule) -> &Vec<String>| -> Vec<(usize, &str)> {
            rules
                .iter()
                .enumerate()
                .flat_map(|(index, rule)| list(rule).iter().map(move |word| (index, word.as_str())))
                .collect()
        };
        Ok(UrgencyMatcher {
            rules: rules.to_vec(),
            triggers: PhraseSet::overlapping(words(|rule| &rule.words))?,
            contexts: PhraseSet::overlapping(words(|rule| &rule.context))?,
            exceptions: PhraseSet::overlapping(words(|rule| &rule.unless))?,
        })
    }

    /// The highest urgency of any rule whose words appear (not negated) in its context.
    pub fn assess(&self, text: &str) -> UrgencyFinding {
        let present = |set: &PhraseSet<usize>| -> Vec<usize> {
            set.hits(text).iter().map(|hit| hit.owner).collect()
        };
        let (contexts, exceptions) = (present(&self.contexts), present(&self.exceptions));
        let mut fired: Vec<(usize, Vec<String>)> = Vec::new();
        for hit in self.triggers.hits(text) {
            if is_negated(&text[..hit.start]) {
                continue;
            }
            let rule = &self.rules[hit.owner];
            let in_context = rule.context.is_empty() || contexts.contains(&hit.owner);
            if !in_context || exceptions.contains(&hit.owner) {
                continue;
            }
            match fired.iter_mut().find(|(index, _)| *index == hit.owner) {
                Some((_, words)) if !words.iter().any(|word| word == hit.word) => {
                    words.push(hit.word.to_owned())
                }
                Some(_) => {}
                None => fired.push((hit.owner, vec![hit.word.to_owned()])),
            }
        }
        let urgency = fired
            .iter()
            .map(|(index, _)| self.rules[*index].urgency)
            .max()
            .unwrap_or(Urgency::Normal);
        let evidence: Vec<Evidence> = fired
            .into_iter()
            .filter(|(index, _)| self.rules[*index].urgency == urgency)
            .map(|(index, words)| Evidence {
                field: "urgency".into(),
                words,
                note: self.rules[index].note.clone(),
            })
            .collect();
        // A named danger is near certain; "normal" only means no danger word was seen.
        let confidence = if evidence.is_empty() { 0.7 } else { 0.95 };
        UrgencyFinding {
            urgency,
            confidence,
            evidence,
        }
    }
}

fn is_negated(before: &str) -> bool {
    // 有没有漏气 asks whether there is a leak: that is no denial.
    if before.ends_with("有没有") || before.ends_with("有没") {
        return false;
    }
    NEGATIONS.iter().any(|negation| before.ends_with(negation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(urgency: Urgency, words: &[&str], context: &[&str], unless: &[&str]) -> UrgencyRule {
        let list = |words: &[&str]| words.iter().map(|word| word.to_string()).collect();
        UrgencyRule {
            urgency,
            note: "test".into(),
            words: list(words),
            context: list(context),
            unless: list(unless),
        }
    }

    fn matcher() -> UrgencyMatcher {
        UrgencyMatcher::new(&[
            rule(Urgency::Emergency, &["冒烟"], &[], &[]),
            rule(Urgency::Emergency, &["困"], &["电梯"], &[]),
            rule(Urgency::Urgent, &["没电"], &[], &["插座"]),
        ])
        .unwrap()
    }

    #[test]
    fn the_highest_level_wins_and_names_its_words() {
        let finding = matcher().assess("家里没电了，楼道冒烟");
        assert_eq!(finding.urgency, Urgency::Emergency);
        assert_eq!(finding.evidence[0].words, vec!["冒烟".to_owned()]);
    }

    #[test]
    fn context_is_required_when_given() {
        assert_eq!(matcher().assess("困死了").urgency, Urgency::Normal);
        assert_eq!(matcher().assess("电梯里困人了").urgency, Urgency::Emergency);
    }

    #[test]
    fn exceptions_and_negations_hold_a_rule_back() {
        assert_eq!(matcher().assess("插座没电了").urgency, Urgency::Normal);
        assert_eq!(
            matcher().assess("烟感响了，没冒烟").urgency,
            Urgency::Normal
        );
        assert_eq!(matcher().assess("有没有冒烟").urgency, Urgency::Emergency);
        assert_eq!(matcher().assess("万一冒烟怎么跑").urgency, Urgency::Normal);
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Urgency::Emergency > Urgency::Urgent && Urgency::Urgent > Urgency::Normal);
        assert_eq!(
            serde_json::to_string(&Urgency::Emergency).unwrap(),
            "\"emergency\""
        );
    }
}
