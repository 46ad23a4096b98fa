//! The analyser: one message in, kind, category, urgency, escalation risk and place out, each
//! with a confidence and the words that decided it.

use serde::{Deserialize, Serialize};

use crate::classify::Classifier;
use crate::danger::{DANGER, DANGER_THRESHOLD};
use crate::evidence::Evidence;
use crate::location::{Location, find_place};
use crate::normalize::Normalizer;
use crate::risk::RiskMatcher;
use crate::urgency::UrgencyMatcher;
use crate::vocabulary::{Urgency, Vocabulary, VocabularyError};

/// What a message says, as far as the intake can tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Taxonomy kind code (repair, complaint, …); `None` only for a message with no text.
    pub kind: Option<String>,
    /// Taxonomy category code `kind.category`; its prefix is always `kind`.
    pub category: Option<String>,
    /// emergency, urgent or normal.
    pub urgency: String,
    pub escalation_risk: bool,
    pub location: Location,
    /// The lift named ("1号梯", "左梯"), so duplicates about different lifts stay apart.
    pub lift: Option<String>,
    /// The gate named ("东门"), so reports about the barriers or lights of different gates stay apart.
    #[serde(default)]
    pub gate: Option<String>,
    /// Problem tags of the words seen (`lift.stopped`, `water.leak`): the message's signature for
    /// duplicate detection.
    pub problems: Vec<String>,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}

/// How sure each field is, from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Confidence {
    pub kind: f32,
    pub category: f32,
    pub urgency: f32,
    pub escalation_risk: f32,
    pub location: f32,
}

/// Kinds whose messages are not dissatisfied: naming an authority in them is no threat.
const CONTENT_KINDS: [&str; 3] = ["inquiry", "suggestion", "praise"];

/// A vocabulary compiled for analysis. Build it once and share it: analysing is read-only.
#[derive(Debug, Clone)]
pub struct Analyzer {
    vocabulary: Vocabulary,
    normalizer: Normalizer,
    classifier: Classifier,
    urgency: UrgencyMatcher,
    risk: RiskMatcher,
}

impl Analyzer {
    /// Compiles a vocabulary.
    ///
    /// # Panics
    /// When [`Analyzer::try_new`] fails: the vocabulary is inconsistent (check it with
    /// [`Vocabulary::check`] before saving an admin's edit) or too large to compile.
    pub fn new(vocabulary: Vocabulary) -> Analyzer {
        match Analyzer::try_new(vocabulary) {
            Ok(analyzer) => analyzer,
            Err(error) => panic!("unusable intake vocabulary: {error}"),
        }
    }

    /// Compiles a vocabulary, or says why it cannot be used.
    pub fn try_new(vocabulary: Vocabulary) -> Result<Analyzer, VocabularyError> {
        vocabulary.check()?;
        let too_large = |error: crate::phrases::TooLarge| VocabularyError::TooLarge(error.0);
        Ok(Analyzer {
            normalizer: Normalizer::new(&vocabulary.synonyms).map_err(too_large)?,
            classifier: Classifier::new(&vocabulary).map_err(too_large)?,
            urgency: UrgencyMatcher::new(&vocabulary.urgency_rules).map_err(too_large)?,
            risk: RiskMatcher::new(&vocabulary).map_err(too_large)?,
            vocabulary,
        })
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Analyses one message. `channel` is a glossary channel code (app, wechat, hotline_12345, …).
    pub fn analyze(&self, message: &str, channel: Option<&str>) -> Analysis {
        let text = self.normalizer.normalize(message);
        let classification = self.classifier.classify(&text);
        // A message of unknown words may well be a threat: only a recognised question, suggestion
        // or praise is taken as content.
        let dissatisfied = classification.guessed
            || classification
                .kind
                .as_deref()
                .is_none_or(|kind| !CONTENT_KINDS.contains(&kind));
        let mut urgency = self.urgency.assess(&text);
        // A question about an announced outage, or thanks for a fixed one, is no outage in
        // progress. Emergencies are never lowered: safety first.
        if !dissatisfied && urgency.urgency == Urgency::Urgent {
            urgency.urgency = Urgency::Normal;
            for item in &mut urgency.evidence {
                item.note = format!(
                    "{} — but the message is a {}, not a report",
                    item.note,
                    classification.kind.as_deref().unwrap_or_default()
                );
            }
        }
        // The second opinion is asked only when the rules saw no emergency; it reads the message
        // as written, as it learned from.
        if urgency.urgency < Urgency::Emergency
            && let danger = DANGER.judge(message)
            && danger.probability > DANGER_THRESHOLD
        {
            urgency.urgency = Urgency::Emergency;
            urgency.confidence = 0.6;
            urgency.evidence = vec![Evidence {
                field: "urgency".into(),
                words: danger.pairs,
                note: format!(
                    "worded like the emergencies among the labelled examples (probability {:.2}): treated as one, to be safe",
                    danger.probability
                ),
            }];
        }
        let risk = self.risk.assess(&text, channel, dissatisfied);
        let place = find_place(&text);

        let mut evidence = classification.evidence;
        evidence.extend(urgency.evidence);
        evidence.extend(risk.evidence);
        if !place.words.is_empty() {
            evidence.push(Evidence {
                field: "location".into(),
                words: place.words,
                note: "place named in the message".into(),
            });
        }
        // The place grammar is strict (a number must carry 栋, 单元, 室 …), so what it finds is
        // rarely wrong; finding nothing is less certain, since places can be described in words.
        let location_confidence = if place.location.is_empty() { 0.7 } else { 0.9 };
        Analysis {
            kind: classification.kind,
            category: classification.category,
            urgency: urgency.urgency.as_str().to_owned(),
            escalation_risk: risk.at_risk,
            location: place.location,
            lift: place.lift,
            gate: place.gate,
            problems: classification.problems,
            confidence: Confidence {
                kind: classification.kind_confidence,
                category: classification.category_confidence,
                urgency: urgency.confidence,
                escalation_risk: risk.confidence,
                location: location_confidence,
            },
            evidence,
        }
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(Vocabulary::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> Analysis {
        Analyzer::default().analyze(text, Some("wechat"))
    }

    #[test]
    fn the_issue_examples() {
        let broken = analyze("电悌又坏了!!!");
        assert_eq!(broken.category.as_deref(), Some("repair.elevator"));
        assert_eq!(broken.urgency, "urgent");

        let stuck = analyze("三号楼左边那部电梯卡在12楼了");
        assert_eq!(stuck.category.as_deref(), Some("repair.elevator"));
        assert_eq!(stuck.location.building.as_deref(), Some("3栋"));
        assert_eq!(stuck.lift.as_deref(), Some("左梯"));

        let transfer = Analyzer::default().analyze(
            "市民反映：某小区5号楼路灯不亮，要求物业尽快修复。",
            Some("hotline_12345"),
        );
        assert_eq!(transfer.kind.as_deref(), Some("repair"));
        assert!(transfer.escalation_risk);
    }

    #[test]
    fn the_category_prefix_is_the_kind() {
        for text in [
            "请问物业费怎么交",
            "物业费太贵了",
            "建议多装路灯",
            "谢谢保安",
            "帮我补办门禁卡",
            "漏水了",
        ] {
            let analysis = analyze(text);
            let (kind, category) = (analysis.kind.unwrap(), analysis.category.unwrap());
            assert!(
                category.starts_with(&format!("{kind}.")),
                "{text}: {kind} / {category}"
            );
        }
    }

    #[test]
    fn dangers_are_emergencies() {
        for text in [
            "厨房有煤气味",
            "楼道着火了",
            "水管爆了",
            "电梯困人",
            "电线裸露在外面",
            "高空坠物砸到车了",
        ] {
            assert_eq!(analyze(text).urgency, "emergency", "{text}");
        }
    }

    #[test]
    fn unknown_danger_wording_is_raised_with_its_evidence() {
        let analysis = analyze("地下室的电闸箱噼里啪啦冒蓝光");
        assert_eq!(analysis.urgency, "emergency");
        let urgency = analysis
            .evidence
            .iter()
            .find(|item| item.field == "urgency")
            .unwrap();
        assert!(urgency.note.contains("labelled examples") && !urgency.words.is_empty());
        assert_eq!(analyze("电梯里的广告屏不亮了").urgency, "normal");
    }

    #[test]
    fn evidence_names_the_deciding_words() {
        let analysis = analyze("3栋2单元电梯困人了");
        let urgency = analysis
            .evidence
            .iter()
            .find(|item| item.field == "urgency")
            .unwrap();
        assert!(urgency.words.contains(&"困人".to_owned()));
        assert!(
            analysis
                .evidence
                .iter()
                .any(|item| item.field == "location")
        );
    }

    #[test]
    fn confidences_are_between_zero_and_one() {
        let confidence = analyze("气死了！！！").confidence;
        for value in [
            confidence.kind,
            confidence.category,
            confidence.urgency,
            confidence.escalation_risk,
            confidence.location,
        ] {
            assert!((0.0..=1.0).contains(&value));
        }
    }

    #[test]
    fn analysis_serialises_with_the_api_field_names() {
        let json = serde_json::to_value(analyze("3栋漏水")).unwrap();
        for field in [
            "kind",
            "category",
            "urgency",
            "escalation_risk",
            "location",
            "confidence",
            "evidence",
        ] {
            assert!(json.get(field).is_some(), "{field}");
        }
        assert_eq!(json["location"]["building"], "3栋");
    }
}
