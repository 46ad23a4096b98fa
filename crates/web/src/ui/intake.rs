//! Opening a ticket exactly as `POST /api/v1/tickets` does: kind, category and urgency left out
//! are read from the text, and an escalation risk in it is flagged.

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::{Suggestion, TicketInput};
use guanjia_storage::entity::ticket;
use guanjia_storage::{Principal, Reading};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn open_ticket(
    state: &AppState,
    who: &Principal,
    mut input: TicketInput,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let analyzer = state.store.analyzer(&who.company_id).await?;
    let analysis = analyzer.analyze(&input.description, Some(&input.channel));
    let filled = input.complete(Suggestion {
        kind: analysis.kind.clone(),
        category: analysis.category.clone(),
        urgency: Some(analysis.urgency.clone()),
    });
    let mut draft = input.validate(now)?;
    draft.escalation_risk |= analysis.escalation_risk;
    draft.filled_from_text = filled;
    let reading = Reading {
        analysis: &analysis,
        vocabulary: analyzer.vocabulary(),
    };
    let ticket = state
        .store
        .create_ticket(who, draft, Some(reading), now)
        .await?;
    metrics::counter!("guanjia_tickets_created_total").increment(1);
    Ok(ticket)
}
