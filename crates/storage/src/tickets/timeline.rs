//! Timeline entries for what happens around a ticket without moving its status: dispatch
//! decisions, sub-tasks, photos, praise.

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::Visibility;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::Value;

use crate::entity::{ticket, ticket_event};
use crate::error::Result;
use crate::principal::Principal;
use crate::support::new_id;

/// Writes an entry by `who` on `t`, in the caller's transaction.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    who: &Principal,
    t: &ticket::Model,
    action: &str,
    visibility: Visibility,
    details: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    ticket_event::ActiveModel {
        company_id: Set(t.company_id.clone()),
        id: Set(new_id()),
        ticket_id: Set(t.id.clone()),
        actor_id: Set(Some(who.id.clone())),
        actor_role: Set(who.role.as_str().to_owned()),
        action: Set(action.to_owned()),
        from_status: Set(Some(t.status.clone())),
        to_status: Set(Some(t.status.clone())),
        visibility: Set(visibility.as_str().to_owned()),
        details: Set(details),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
