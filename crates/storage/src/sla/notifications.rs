//! Reading the notification outbox: each staff member sees their own.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Asterisk, Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::notification;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest};

/// The kinds that bring a technician a new job: one dispatched to them, or one offered to grab.
pub const NEW_JOB_KINDS: [&str; 2] = ["job_assigned", "job_offered"];

/// What the bell shows: unread notifications, and how many of them are new jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unread {
    pub all: u64,
    pub new_jobs: u64,
}

impl Store {
    /// The caller's unread notifications, counted in one query over one index alone (COUNT(*),
    /// not of a column the index lacks).
    pub async fn unread(&self, who: &Principal) -> Result<Unread> {
        let jobs = Expr::case(notification::Column::Kind.is_in(NEW_JOB_KINDS), 1).finally(0);
        let counts: Option<(i64, Option<i64>)> = notification::Entity::find()
            .select_only()
            .column_as(Expr::from(Func::count(Expr::col(Asterisk))), "all")
            .column_as(Expr::from(Func::sum(jobs)), "new_jobs")
            .filter(notification::Column::CompanyId.eq(&who.company_id))
            .filter(notification::Column::RecipientId.eq(&who.id))
            .filter(notification::Column::ReadAt.is_null())
            .into_tuple()
            .one(&self.db)
            .await?;
        let (all, jobs) = counts.unwrap_or_default();
        Ok(Unread {
            all: u64::try_from(all).unwrap_or_default(),
            new_jobs: u64::try_from(jobs.unwrap_or_default()).unwrap_or_default(),
        })
    }

    /// Marks every unread notification of the caller read; answers how many it marked.
    pub async fn mark_all_notifications_read(
        &self,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let done = notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now))
            .filter(notification::Column::CompanyId.eq(&who.company_id))
            .filter(notification::Column::RecipientId.eq(&who.id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.writer)
            .await?;
        Ok(done.rows_affected)
    }

    /// The caller's notifications, newest first; `unread` keeps only those not yet read.
    pub async fn notifications(
        &self,
        who: &Principal,
        unread: bool,
        page: PageRequest,
    ) -> Result<Page<notification::Model>> {
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
    pub async fn mark_notification_read(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<notification::Model> {
        let find = || {
            notification::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
                .filter(notification::Column::RecipientId.eq(&who.id))
        };
        find()
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("notification"))?;
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now))
            .filter(notification::Column::CompanyId.eq(&who.company_id))
            .filter(notification::Column::Id.eq(id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.writer)
            .await?;
        find()
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("notification"))
    }
}
