//! Reading the notification outbox: each staff member sees their own.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::notification;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest};

impl Store {
    /// The caller's notifications, newest first; `unread` keeps only those not yet read.
    pub async fn notifications(&self, who: &Principal, unread: bool, page: PageRequest) -> Result<Page<notification::Model>> {
        let mut query = notification::Entity::find()
            .filter(notification::Column::CompanyId.eq(&who.company_id))
            .filter(notification::Column::RecipientId.eq(&who.id));
        if unread {
            query = query.filter(notification::Column::ReadAt.is_null());
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(notification::Column::CreatedAt)
            .order_by_desc(notification::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// Marks one of the caller's notifications read; reading it again changes nothing.
    pub async fn mark_notification_read(&self, who: &Principal, id: &str, now: DateTime<Utc>) -> Result<notification::Model> {
        let find = || notification::Entity::find_by_id((who.company_id.clone(), id.to_owned())).filter(notification::Column::RecipientId.eq(&who.id));
        find().one(&self.db).await?.ok_or(StorageError::NotFound("notification"))?;
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now))
            .filter(notification::Column::CompanyId.eq(&who.company_id))
            .filter(notification::Column::Id.eq(id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.db)
            .await?;
        find().one(&self.db).await?.ok_or(StorageError::NotFound("notification"))
    }
}
