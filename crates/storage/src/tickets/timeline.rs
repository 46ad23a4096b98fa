//! Timeline entries for what happens around a ticket without moving its status: dispatch
//! decisions, sub-tasks, photos, praise.

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::ticket::{RESIDENT_FACTS, Visibility, words_for_resident};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::{Map, Value};

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
        from_status: Set(Some((*t.status).into())),
        to_status: Set(Some((*t.status).into())),
        visibility: Set(visibility.into()),
        details: Set(details),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The keys under which an entry keeps the words its action carried.
const WORDS: [&str; 4] = ["body", "note", "reason", "comment"];

/// An entry meant for the resident as they may read it: their own entries whole; of staff
/// entries the facts meant for them, and the words only when they are theirs to read (see
/// [`words_for_resident`]). Who was assigned, the dispatcher's reasons and internal notes stay out.
pub(crate) fn for_resident(mut e: ticket_event::Model) -> ticket_event::Model {
    let actor = e.actor_role.parse::<Role>().unwrap_or(Role::Admin);
    if actor == Role::Resident {
        return e;
    }
    let told = e
        .details
        .get("tell_resident")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let words = words_for_resident(&e.action, actor, told);
    let kept: Map<String, Value> = match e.details.take() {
        Value::Object(all) => all
            .into_iter()
            .filter(|(key, _)| {
                key == "action"
                    || RESIDENT_FACTS.contains(&key.as_str())
                    || (words && WORDS.contains(&key.as_str()))
            })
            .collect(),
        _ => Map::new(),
    };
    e.details = Value::Object(kept);
    e
}
