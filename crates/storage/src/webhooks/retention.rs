//! The delivery log's retention: delivered deliveries go after a while; failed and undelivered
//! ones stay until an admin has seen to them.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::webhook_delivery;
use crate::error::Result;

impl Store {
    /// Removes up to `batch` deliveries delivered before `before`, the oldest first, of every
    /// company; answers how many went. Housekeeping calls it until a batch comes back short.
    pub async fn forget_delivered_webhooks(
        &self,
        before: DateTime<Utc>,
        batch: u64,
    ) -> Result<u64> {
        let delivered = || {
            Condition::all()
                .add(webhook_delivery::Column::State.eq("delivered"))
                .add(webhook_delivery::Column::DeliveredAt.lt(before))
        };
        let oldest: Vec<(String, String)> = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::CompanyId)
            .column(webhook_delivery::Column::Id)
            .filter(delivered())
            .order_by_asc(webhook_delivery::Column::DeliveredAt)
            .limit(batch)
            .into_tuple()
            .all(&self.db)
            .await?;
        if oldest.is_empty() {
            return Ok(0);
        }
        let mut keys = Condition::any();
        for (company_id, id) in oldest {
            keys = keys.add(
                Condition::all()
                    .add(webhook_delivery::Column::CompanyId.eq(company_id))
                    .add(webhook_delivery::Column::Id.eq(id)),
            );
        }
        let txn = self.begin_write().await?;
        // Checked again: a replay since the read makes a delivery pending, and it stays.
        let gone = webhook_delivery::Entity::delete_many()
            .filter(keys)
            .filter(delivered())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(gone.rows_affected)
    }
}
