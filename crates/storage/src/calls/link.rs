//! A ticket opened during a call keeps it: the agent's call with the ticket's caller that is on,
//! or just ended (after-call work), takes the ticket in the ticket's own transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::facts_of;
use crate::entity::{call, ticket};
use crate::error::Result;
use crate::principal::Principal;

/// Calls of the agent with the caller looked at, the latest first.
const LOOKED_AT: u64 = 3;

/// Links `t`, just opened by `who`, to the call it was opened during, if there is one.
pub(crate) async fn link_call(
    txn: &DatabaseTransaction,
    who: &Principal,
    t: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(phone) = &t.contact_phone else {
        return Ok(());
    };
    if !who.role.is_desk() {
        return Ok(());
    }
    let calls = call::Entity::find()
        .filter(call::Column::CompanyId.eq(&t.company_id))
        .filter(call::Column::StaffId.eq(&who.id))
        .filter(call::Column::CallerPhone.eq(phone))
        .filter(call::Column::TicketId.is_null())
        .order_by_desc(call::Column::CreatedAt)
        .limit(LOOKED_AT)
        .all(txn)
        .await?;
    if let Some(during) = calls.into_iter().find(|c| facts_of(c).takes_ticket(now)) {
        let mut row: call::ActiveModel = during.into();
        row.ticket_id = Set(Some(t.id.clone()));
        row.updated_at = Set(now);
        row.update(txn).await?;
    }
    Ok(())
}
