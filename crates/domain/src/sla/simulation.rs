//! What an admin asks when checking a policy: the deadlines a ticket like this would get.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::policy::TicketTraits;
use crate::resident::ServiceTier;
use crate::taxonomy::{Kind, category_kind};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SimulationInput {
    pub project_id: String,
    pub kind: String,
    pub category: Option<String>,
    pub urgency: String,
    /// basic (default) or premium
    pub tier: Option<String>,
    /// When the ticket would be reported; default now.
    pub start_at: Option<DateTime<Utc>>,
}

impl SimulationInput {
    pub fn validate(
        self,
        now: DateTime<Utc>,
    ) -> Result<(TicketTraits, DateTime<Utc>), ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 36);
        let kind: Option<Kind> = p.code("kind", &self.kind);
        let urgency = p.code("urgency", &self.urgency);
        let tier = match self.tier.as_deref() {
            Some(t) => p.code("tier", t),
            None => Some(ServiceTier::Basic),
        };
        if let Some(category) = &self.category
            && category_kind(category).is_none_or(|of| kind.is_some_and(|k| k != of))
        {
            p.add("category", FieldErrorCode::Invalid);
        }
        p.into_result(())?;
        // Each code that did not parse was recorded above, so all three are here.
        let (Some(kind), Some(urgency), Some(tier)) = (kind, urgency, tier) else {
            return Err(ValidationError::single("kind", FieldErrorCode::Invalid));
        };
        let traits = TicketTraits {
            project_id: self.project_id,
            kind,
            category: self.category,
            urgency,
            tier,
        };
        Ok((traits, self.start_at.unwrap_or(now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulation_names_a_ticket_precisely() {
        let now = Utc::now();
        let ok: SimulationInput = serde_json::from_value(serde_json::json!({
            "project_id": "p", "kind": "repair", "category": "repair.water", "urgency": "urgent"
        }))
        .unwrap();
        let (traits, start) = ok.validate(now).unwrap();
        assert_eq!((traits.tier, start), (ServiceTier::Basic, now));
        let bad: SimulationInput = serde_json::from_value(serde_json::json!({
            "project_id": "", "kind": "complaint", "category": "repair.water", "urgency": "asap", "tier": "gold"
        }))
        .unwrap();
        let fields: Vec<String> = bad
            .validate(now)
            .unwrap_err()
            .0
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["project_id", "urgency", "tier", "category"]);
    }
}
