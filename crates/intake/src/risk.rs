//! Escalation risk: the resident threatens to go over the company's head, or the message came
//! through the 12345 government hotline.

use std::sync::LazyLock;

use regex::Regex;

use crate::evidence::Evidence;
use crate::numerals::parse_number;
use crate::phrases::{PhraseSet, TooLarge};
use crate::vocabulary::{EscalationRule, Vocabulary};

/// A count of times: 第三次, 三次了, 十几次, 4回, 五遍.
static REPEAT: LazyLock<Regex> = LazyLock::new(|| {
    // A constant pattern, checked by this file's tests.
    Regex::new(r"([0-9]{1,4}|[零一二两三四五六七八九十百几]{1,5})\s*(?:次|回|遍|趟)")
        .expect("repeat pattern compiles")
});

/// The decided risk with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFinding {
    pub at_risk: bool,
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
}

/// The escalation vocabulary, compiled.
#[derive(Debug, Clone)]
pub struct RiskMatcher {
    rules: Vec<EscalationRule>,
    words: PhraseSet<usize>,
    channels: Vec<String>,
    repeat_threshold: u32,
}

impl RiskMatcher {
    pub fn new(vocabulary: &Vocabulary) -> Result<Self, TooLarge> {
        let rules = vocabulary.escalation_rules.clone();
        let words =
            PhraseSet::overlapping(rules.iter().enumerate().flat_map(|(index, rule)| {
                rule.words.iter().map(move |word| (index, word.as_str()))
            }))?;
        Ok(RiskMatcher {
            rules,
            words,
            channels: vocabulary.escalation_channels.clone(),
            repeat_threshold: vocabulary.repeat_threshold,
        })
    }

    /// `dissatisfied` is false for plain questions, suggestions and praise, where naming an
    /// authority is no threat.
    pub fn assess(&self, text: &str, channel: Option<&str>, dissatisfied: bool) -> RiskFinding {
        let mut evidence = Vec::new();
        if let Some(channel) =
            channel.filter(|channel| self.channels.iter().any(|risky| risky == channel))
        {
            evidence.push(Evidence {
                field: "escalation_risk".into(),
                words: vec![channel.to_owned()],
                note: "came through the 12345 government hotline".into(),
            });
        }
        for hit in self.words.hits(text) {
            let rule = &self.rules[hit.owner];
            if rule.only_when_dissatisfied && !dissatisfied {
                continue;
            }
            push_word(&mut evidence, hit.word, &rule.note);
        }
        for captures in REPEAT.captures_iter(text) {
            let count = captures
                .get(1)
                .and_then(|number| parse_number(number.as_str()));
            if count.is_some_and(|count| count >= self.repeat_threshold) {
                let note = format!("reported {} times or more", self.repeat_threshold);
                push_word(&mut evidence, &captures[0], &note);
            }
        }
        let at_risk = !evidence.is_empty();
        // The channel and explicit threats are near certain; the absence of risk words is less so,
        // since threats can be phrased in ways no list foresees.
        let confidence = if at_risk { 0.95 } else { 0.85 };
        RiskFinding {
            at_risk,
            confidence,
            evidence,
        }
    }
}

fn push_word(evidence: &mut Vec<Evidence>, word: &str, note: &str) {
    match evidence.iter_mut().find(|item| item.note == note) {
        Some(item) if !item.words.iter().any(|known| known == word) => {
            item.words.push(word.to_owned())
        }
        Some(_) => {}
        None => evidence.push(Evidence {
            field: "escalation_risk".into(),
            words: vec![word.to_owned()],
            note: note.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> RiskMatcher {
        RiskMatcher::new(&Vocabulary::default()).unwrap()
    }

    #[test]
    fn every_12345_transfer_is_a_risk() {
        assert!(
            matcher()
                .assess("路灯不亮", Some("hotline_12345"), true)
                .at_risk
        );
        assert!(!matcher().assess("路灯不亮", Some("app"), true).at_risk);
    }

    #[test]
    fn threats_are_risks() {
        for text in [
            "再不修我就打12345",
            "我要去住建局反映",
            "找媒体曝光",
            "请律师起诉",
            "明年物业费我不交了",
            "我们要找业委会",
            "发抖音",
        ] {
            assert!(matcher().assess(text, None, true).at_risk, "{text}");
        }
    }

    #[test]
    fn a_third_repeat_is_a_risk_a_second_is_not() {
        assert!(matcher().assess("这已经是第三次了", None, true).at_risk);
        assert!(matcher().assess("一个月坏3次", None, true).at_risk);
        assert!(matcher().assess("打了十几次电话", None, true).at_risk);
        assert!(!matcher().assess("电梯又坏了", None, true).at_risk);
        assert!(!matcher().assess("第二次了", None, true).at_risk);
    }

    #[test]
    fn a_plate_number_is_no_hotline_call() {
        assert!(!matcher().assess("车牌浙a12345", None, true).at_risk);
    }

    #[test]
    fn a_neutral_question_about_an_authority_is_no_threat() {
        assert!(!matcher().assess("街道办的电话是多少", None, false).at_risk);
        assert!(matcher().assess("我要去街道办反映", None, true).at_risk);
    }
}
