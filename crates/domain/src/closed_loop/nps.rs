//! Net Promoter Score (净推荐值): "how likely are you to recommend us?" from 0 to 10.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::resident::ServiceTier;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

/// How an answer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

pub fn stance(score: i64) -> Stance {
    match score {
        9.. => Stance::Promoter,
        7..=8 => Stance::Passive,
        _ => Stance::Detractor,
    }
}

/// The answers of a project or campaign over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsSummary {
    pub responses: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// (promoters − detractors) ÷ responses × 100, from −100 to 100; null without answers.
    pub score: Option<f64>,
}

pub fn summarize(scores: &[i64]) -> NpsSummary {
    let mut s = NpsSummary {
        responses: scores.len() as u64,
        ..NpsSummary::default()
    };
    for &score in scores {
        match stance(score) {
            Stance::Promoter => s.promoters += 1,
            Stance::Passive => s.passives += 1,
            Stance::Detractor => s.detractors += 1,
        }
    }
    s.score = (s.responses > 0)
        .then(|| (s.promoters as f64 - s.detractors as f64) * 100.0 / s.responses as f64);
    s
}

/// The question asked when a campaign names none.
pub const DEFAULT_QUESTION: &str = "您有多大可能向亲友推荐我们的物业服务？(0–10)";

/// A survey campaign as an admin or manager writes it: to a project, or a segment of it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    pub project_id: String,
    /// Only the residents of this building.
    pub building_id: Option<String>,
    /// Only residents of this service tier: basic or premium.
    pub tier: Option<String>,
    pub question: Option<String>,
    /// When the survey links stop working.
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub name: String,
    pub project_id: String,
    pub building_id: Option<String>,
    pub tier: Option<ServiceTier>,
    pub question: String,
    pub closes_at: DateTime<Utc>,
}

impl CampaignInput {
    pub fn validate(self, now: DateTime<Utc>) -> Result<NewCampaign, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, 100);
        p.text("project_id", &self.project_id, 36);
        p.optional_text("question", self.question.as_deref(), 200);
        let tier = self.tier.as_deref().and_then(|t| p.code("tier", t));
        if self.closes_at <= now || self.closes_at > now + chrono::Duration::days(366) {
            p.add("closes_at", FieldErrorCode::OutOfRange);
        }
        p.into_result(NewCampaign {
            name: self.name.trim().to_owned(),
            project_id: self.project_id,
            building_id: self.building_id,
            tier,
            question: self
                .question
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty())
                .unwrap_or_else(|| DEFAULT_QUESTION.to_owned()),
            closes_at: self.closes_at,
        })
    }
}

/// A resident's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NpsAnswer {
    /// 0–10.
    pub score: i64,
    pub reason: Option<String>,
}

impl NpsAnswer {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut p = Problems::new();
        if !(0..=10).contains(&self.score) {
            p.add("score", FieldErrorCode::OutOfRange);
        }
        p.optional_text("reason", self.reason.as_deref(), 1000);
        p.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promoters_minus_detractors() {
        assert_eq!(
            (
                stance(10),
                stance(9),
                stance(8),
                stance(7),
                stance(6),
                stance(0)
            ),
            (
                Stance::Promoter,
                Stance::Promoter,
                Stance::Passive,
                Stance::Passive,
                Stance::Detractor,
                Stance::Detractor
            )
        );
        let s = summarize(&[10, 9, 9, 8, 3]);
        assert_eq!((s.promoters, s.passives, s.detractors), (3, 1, 1));
        assert_eq!(s.score, Some(40.0));
        assert_eq!(summarize(&[]).score, None);
    }

    #[test]
    fn answers_and_campaigns_are_checked() {
        assert!(
            NpsAnswer {
                score: 11,
                reason: None
            }
            .validate()
            .is_err()
        );
        assert!(
            NpsAnswer {
                score: 0,
                reason: Some("太吵".into())
            }
            .validate()
            .is_ok()
        );
        let now = Utc::now();
        let input = |closes_at| CampaignInput {
            name: "2026年第四季度满意度".into(),
            project_id: "p".into(),
            building_id: None,
            tier: Some("gold".into()),
            question: None,
            closes_at,
        };
        let fields: Vec<String> = input(now - chrono::Duration::days(1))
            .validate(now)
            .unwrap_err()
            .0
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["tier", "closes_at"]);
        let ok = CampaignInput {
            tier: None,
            ..input(now + chrono::Duration::days(14))
        }
        .validate(now)
        .unwrap();
        assert_eq!(ok.question, DEFAULT_QUESTION);
    }
}
