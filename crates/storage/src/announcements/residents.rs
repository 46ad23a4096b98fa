//! The residents' side: their notice board, reading a notice and acknowledging it (已知晓).

use chrono::{DateTime, Utc};
use guanjia_domain::announcement::AnnouncementState;
use guanjia_domain::role::Role;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::db::Store;
use crate::entity::{announcement, announcement_recipient, notification};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest};

/// One notice on a resident's board: the announcement and where they stand with it.
#[derive(Debug, Clone)]
pub struct MyNotice {
    pub announcement: announcement::Model,
    pub read_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The notices sent to the signed-in resident, newest first; withdrawn ones are gone.
    pub async fn my_notices(&self, who: &Principal, page: PageRequest) -> Result<Page<MyNotice>> {
        let mine = self.mine(who)?;
        let q = announcement::Entity::find()
            .filter(announcement::Column::CompanyId.eq(&who.company_id))
            .filter(announcement::Column::State.eq(AnnouncementState::Sent.as_str()))
            .filter(
                announcement::Column::Id.in_subquery(
                    mine.select_only()
                        .column(announcement_recipient::Column::AnnouncementId)
                        .into_query(),
                ),
            );
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(announcement::Column::SentAt)
            .order_by_desc(announcement::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let marks = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(&who.company_id))
            .filter(announcement_recipient::Column::Phone.eq(&who.id))
            .filter(
                announcement_recipient::Column::AnnouncementId
                    .is_in(rows.iter().map(|a| a.id.clone())),
            )
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(|a| {
                let mark = marks.iter().find(|m| m.announcement_id == a.id);
                MyNotice {
                    read_at: mark.and_then(|m| m.read_at),
                    acknowledged_at: mark.and_then(|m| m.acknowledged_at),
                    announcement: a,
                }
            })
            .collect();
        Ok(page.wrap(items, total))
    }

    /// How many sent notices the resident has not opened yet.
    pub async fn my_unread_notices(&self, who: &Principal) -> Result<u64> {
        let sent = announcement::Entity::find()
            .select_only()
            .column(announcement::Column::Id)
            .filter(announcement::Column::CompanyId.eq(&who.company_id))
            .filter(announcement::Column::State.eq(AnnouncementState::Sent.as_str()));
        Ok(self
            .mine(who)?
            .filter(announcement_recipient::Column::ReadAt.is_null())
            .filter(announcement_recipient::Column::AnnouncementId.in_subquery(sent.into_query()))
            .count(&self.db)
            .await?)
    }

    /// One notice of the resident's; opening it marks it read (and its notification).
    pub async fn open_notice(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<MyNotice> {
        self.mark_notice(who, id, false, now).await
    }

    /// 已知晓: the resident acknowledges a notice that asks for it (reading it too).
    pub async fn acknowledge_notice(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<MyNotice> {
        self.mark_notice(who, id, true, now).await
    }

    async fn mark_notice(
        &self,
        who: &Principal,
        id: &str,
        acknowledge: bool,
        now: DateTime<Utc>,
    ) -> Result<MyNotice> {
        let mine = self.mine(who)?;
        let Some(mark) = mine
            .filter(announcement_recipient::Column::AnnouncementId.eq(id))
            .one(&self.db)
            .await?
        else {
            return Err(StorageError::NotFound("announcement"));
        };
        let a = announcement::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|a| a.state == AnnouncementState::Sent.as_str())
            .ok_or(StorageError::NotFound("announcement"))?;
        if acknowledge && !a.requires_ack {
            return Err(StorageError::field("requires_ack", FieldErrorCode::Invalid));
        }
        let key = |q: sea_orm::UpdateMany<announcement_recipient::Entity>| {
            q.filter(announcement_recipient::Column::CompanyId.eq(&who.company_id))
                .filter(announcement_recipient::Column::AnnouncementId.eq(id))
                .filter(announcement_recipient::Column::Phone.eq(&who.id))
        };
        let txn = self.begin_write().await?;
        if mark.read_at.is_none() {
            key(announcement_recipient::Entity::update_many())
                .col_expr(announcement_recipient::Column::ReadAt, Expr::value(now))
                .filter(announcement_recipient::Column::ReadAt.is_null())
                .exec(&txn)
                .await?;
            notification::Entity::update_many()
                .col_expr(notification::Column::ReadAt, Expr::value(now))
                .filter(notification::Column::CompanyId.eq(&who.company_id))
                .filter(notification::Column::Id.eq(&mark.notification_id))
                .filter(notification::Column::ReadAt.is_null())
                .exec(&txn)
                .await?;
        }
        if acknowledge && mark.acknowledged_at.is_none() {
            key(announcement_recipient::Entity::update_many())
                .col_expr(
                    announcement_recipient::Column::AcknowledgedAt,
                    Expr::value(now),
                )
                .filter(announcement_recipient::Column::AcknowledgedAt.is_null())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(MyNotice {
            announcement: a,
            read_at: mark.read_at.or(Some(now)),
            acknowledged_at: mark.acknowledged_at.or(acknowledge.then_some(now)),
        })
    }

    /// The recipient rows of the signed-in resident; staff are 403.
    fn mine(&self, who: &Principal) -> Result<sea_orm::Select<announcement_recipient::Entity>> {
        if who.role != Role::Resident {
            return Err(StorageError::Forbidden);
        }
        Ok(announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(&who.company_id))
            .filter(announcement_recipient::Column::Phone.eq(&who.id)))
    }
}
