//! The reply step: staff write the handling result (办理结果) the platform expects back; the
//! domain decides whether it is complete, and the first complete one stops the 办结 clock.

use chrono::{DateTime, Utc};
use guanjia_domain::hotline::check_reply;
use guanjia_domain::ticket::Visibility;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db::Store;
use crate::entity::{hotline_order, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sla::{platform_order_of, sync_clocks};
use crate::support::{Audit, ForUpdate};
use crate::tickets::{timeline, visible_to};

impl Store {
    /// Writes the handling result of the order behind a ticket the caller sees (desk roles).
    /// An incomplete one is refused with every rule it fails, and nothing changes.
    pub async fn reply_to_hotline_order(
        &self,
        who: &Principal,
        ticket_id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(ticket::Model, hotline_order::Model)> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let sla = self.sla_context(&who.company_id).await?;
        let txn = self.begin_write().await?;
        let current = ticket::Entity::find()
            .filter(visible_to(who))
            .filter(ticket::Column::Id.eq(ticket_id))
            .for_update(self.backend())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("ticket"))?;
        let (Some(mut platform), Some(known)) = (
            platform_order_of(&current),
            hotline_order::Entity::find_by_id((who.company_id.clone(), current.id.clone()))
                .one(&txn)
                .await?,
        ) else {
            return Err(StorageError::NotFound("hotline_order"));
        };
        let reply = check_reply(text, *current.status, &current.description)?;
        // The first complete result answers the order; later ones correct its words.
        platform.answered_at = Some(platform.answered_at.unwrap_or(now));
        let mut t: ticket::ActiveModel = current.into();
        t.platform_order = Set(Some(json!(platform)));
        t.updated_at = Set(now);
        let updated = t.update(&txn).await?;
        let previous = known.reply.clone();
        let mut row: hotline_order::ActiveModel = known.into();
        row.reply = Set(Some(reply.clone()));
        row.replied_at = Set(Some(now));
        row.replied_by = Set(Some(who.id.clone()));
        row.updated_at = Set(now);
        let order = row.update(&txn).await?;
        let details = json!({ "order_no": order.order_no, "result": reply });
        timeline::record(
            &txn,
            who,
            &updated,
            "hotline_reply",
            Visibility::Internal,
            details,
            now,
        )
        .await?;
        Audit::by(who, "hotline_order", &updated.id, "reply")
            .record(&txn, json!({ "from": previous, "to": reply }), now)
            .await?;
        sync_clocks(&txn, &sla, std::slice::from_ref(&updated), now).await?;
        txn.commit().await?;
        Ok((updated, order))
    }
}
