//! A device's alarm history, newest first by keyset pages, and its retention: alarms older than
//! the configured days are removed in bounded batches. Removing the same old rows from several
//! nodes at once is harmless (a row already gone is simply not deleted again), so no lease is
//! needed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::Store;
use crate::entity::device_alarm;
use crate::error::Result;
use crate::principal::Principal;
use crate::tickets::After;

/// Alarms removed per statement: each batch is a short write, so SQLite's one writer and other
/// nodes wait little.
pub const FORGET_BATCH: u64 = 500;

/// A keyset page of a device's alarms: the alarms after the cursor, how many it has in all,
/// and the cursor of the next page when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmPage {
    pub items: Vec<device_alarm::Model>,
    pub total: u64,
    pub next: Option<After>,
}

impl Store {
    /// The alarms of a device the caller sees (staff of its project), newest received first,
    /// `limit` after `after`; otherwise not found.
    pub async fn device_alarms(
        &self,
        who: &Principal,
        device_id: &str,
        limit: u64,
        after: Option<&After>,
    ) -> Result<AlarmPage> {
        let device = self.device(who, device_id).await?;
        let of_device = device_alarm::Entity::find()
            .filter(device_alarm::Column::CompanyId.eq(&device.company_id))
            .filter(device_alarm::Column::DeviceRef.eq(&device.id));
        let total = of_device.clone().count(&self.db).await?;
        let mut query = of_device;
        if let Some(After { at: Some(at), id }) = after {
            query = query.filter(
                Condition::any()
                    .add(device_alarm::Column::ReceivedAt.lt(*at))
                    .add(
                        Condition::all()
                            .add(device_alarm::Column::ReceivedAt.eq(*at))
                            .add(device_alarm::Column::Id.lt(id.as_str())),
                    ),
            );
        }
        let mut items = query
            .order_by_desc(device_alarm::Column::ReceivedAt)
            .order_by_desc(device_alarm::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let next = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(|a| After {
                at: Some(a.received_at),
                id: a.id.clone(),
            })
        } else {
            None
        };
        Ok(AlarmPage { items, total, next })
    }

    /// Removes up to `batch` alarms received before `before`, the oldest first, of every
    /// company; answers how many went. Housekeeping calls it until a batch comes back short.
    pub async fn forget_old_alarms(&self, before: DateTime<Utc>, batch: u64) -> Result<u64> {
        let oldest: Vec<(String, String)> = device_alarm::Entity::find()
            .select_only()
            .column(device_alarm::Column::CompanyId)
            .column(device_alarm::Column::Id)
            .filter(device_alarm::Column::ReceivedAt.lt(before))
            .order_by_asc(device_alarm::Column::ReceivedAt)
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
                    .add(device_alarm::Column::CompanyId.eq(company_id))
                    .add(device_alarm::Column::Id.eq(id)),
            );
        }
        let txn = self.begin_write().await?;
        let gone = device_alarm::Entity::delete_many()
            .filter(keys)
            .filter(device_alarm::Column::ReceivedAt.lt(before))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(gone.rows_affected)
    }
}
