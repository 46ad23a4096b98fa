//! Announcements (公告): written by staff ([`Store::create_announcement`]), sent at once or by
//! the scheduler ([`sweep`]) to every person in their audience ([`audience`], [`send`]), read and
//! acknowledged by residents ([`residents`]), with their figures and the list of whom to call.

mod audience;
mod residents;
mod send;
mod sweep;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guanjia_domain::announcement::{AnnouncementState, Audience, NewAnnouncement, outstanding};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{announcement, announcement_recipient, building, notification, resident, room};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::profiles::butlers_of;
use crate::support::{Audit, Page, PageRequest, new_id};

pub use residents::MyNotice;
pub use sweep::{ANNOUNCEMENT_LEASE, AnnouncementSweep};

/// What an announcement reached, counted from its recipient rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnnouncementFigures {
    pub recipients: u64,
    /// Their notification left on a channel (SMS, WeChat) and the provider took it.
    pub delivered: u64,
    pub read: u64,
    pub acknowledged: u64,
    pub reminded: u64,
}

/// An announcement with its figures.
#[derive(Debug, Clone)]
pub struct AnnouncementRow {
    pub row: announcement::Model,
    pub figures: AnnouncementFigures,
}

/// A person still owing a read (or an acknowledgement), for their butler to call.
#[derive(Debug, Clone)]
pub struct ToCall {
    pub resident_id: String,
    pub name: String,
    pub phone: String,
    pub room_id: String,
    /// 2单元 1502, as the rooms name it.
    pub room: String,
    pub read_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    /// Who calls them: their household's butler, when it has one.
    pub butler_id: Option<String>,
}

impl Store {
    /// Writes an announcement of a project the caller oversees, and sends it at once unless it is
    /// scheduled (audited). Sending writes every recipient and their notification in this
    /// transaction, a batch at a time.
    pub async fn create_announcement(
        &self,
        who: &Principal,
        input: NewAnnouncement,
        now: DateTime<Utc>,
    ) -> Result<AnnouncementRow> {
        self.may_announce(who, &input.project_id).await?;
        self.check_audience(who, &input.project_id, &input.audience)
            .await?;
        let txn = self.begin_write().await?;
        let row = announcement::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            title: Set(input.title),
            body: Set(input.body),
            category: Set(input.category.as_str().to_owned()),
            audience: Set(json!(input.audience)),
            requires_ack: Set(input.requires_ack),
            state: Set(AnnouncementState::Scheduled.as_str().to_owned()),
            send_at: Set(input.send_at.unwrap_or(now)),
            sent_at: Set(None),
            remind_after_hours: Set(input.remind_after.num_hours() as i32),
            remind_at: Set(None),
            reminded_at: Set(None),
            lease_owner: Set(None),
            lease_until: Set(None),
            recipients: Set(0),
            author_id: Set(Some(who.id.clone())),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "announcement", &row.id, "create")
            .record(
                &txn,
                json!({ "title": row.title, "category": row.category, "audience": row.audience,
                        "requires_ack": row.requires_ack, "send_at": row.send_at }),
                now,
            )
            .await?;
        let row = if input.send_at.is_none() {
            send::send_in(
                &txn,
                &self.delivery,
                &self.webhooks,
                row,
                &input.audience,
                now,
            )
            .await?
        } else {
            row
        };
        txn.commit().await?;
        self.with_figures(row).await
    }

    /// How many people an audience reaches now, for the form's preview.
    pub async fn preview_audience(
        &self,
        who: &Principal,
        project_id: &str,
        audience: &Audience,
    ) -> Result<u64> {
        self.may_announce(who, project_id).await?;
        self.check_audience(who, project_id, audience).await?;
        audience::count(&self.db, &who.company_id, project_id, audience).await
    }

    /// One announcement of the caller's projects, with its figures.
    pub async fn announcement(&self, who: &Principal, id: &str) -> Result<AnnouncementRow> {
        let row = self.visible_announcement(who, id).await?;
        self.with_figures(row).await
    }

    /// The announcements of the caller's projects, newest send first, with their figures.
    pub async fn announcements(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<AnnouncementRow>> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let mut q = announcement::Entity::find()
            .filter(announcement::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            q = q.filter(announcement::Column::ProjectId.is_in(ids.iter().cloned()));
        }
        if let Some(project_id) = project_id {
            q = q.filter(announcement::Column::ProjectId.eq(project_id));
        }
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(announcement::Column::SendAt)
            .order_by_desc(announcement::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut figures = figures_of(&self.db, &who.company_id, &ids).await?;
        let items = rows
            .into_iter()
            .map(|row| AnnouncementRow {
                figures: figures.remove(&row.id).unwrap_or_default(),
                row,
            })
            .collect();
        Ok(page.wrap(items, total))
    }

    /// Takes an announcement back (audited): a scheduled one is never sent, a sent one leaves
    /// the residents' notice board and is not reminded of.
    pub async fn withdraw_announcement(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<AnnouncementRow> {
        let current = self.visible_announcement(who, id).await?;
        self.may_announce(who, &current.project_id).await?;
        let txn = self.begin_write().await?;
        let done = announcement::Entity::update_many()
            .col_expr(
                announcement::Column::State,
                Expr::value(AnnouncementState::Withdrawn.as_str()),
            )
            .col_expr(announcement::Column::UpdatedAt, Expr::value(now))
            .filter(announcement::Column::CompanyId.eq(&who.company_id))
            .filter(announcement::Column::Id.eq(id))
            .filter(announcement::Column::State.ne(AnnouncementState::Withdrawn.as_str()))
            .exec(&txn)
            .await?;
        if done.rows_affected == 1 {
            Audit::by(who, "announcement", id, "withdraw")
                .record(&txn, json!({ "state": { "from": current.state } }), now)
                .await?;
        }
        txn.commit().await?;
        self.announcement(who, id).await
    }

    /// The recipients who still owe a read (or an acknowledgement, when it asks for one), a
    /// page at a time after `after` (a resident id), with phones masked by the caller.
    pub async fn to_call(
        &self,
        who: &Principal,
        id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<ToCall>> {
        let a = self.visible_announcement(who, id).await?;
        let mut q = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(&who.company_id))
            .filter(announcement_recipient::Column::AnnouncementId.eq(id));
        q = if a.requires_ack {
            q.filter(announcement_recipient::Column::AcknowledgedAt.is_null())
        } else {
            q.filter(announcement_recipient::Column::ReadAt.is_null())
        };
        if let Some(after) = after {
            q = q.filter(announcement_recipient::Column::ResidentId.gt(after));
        }
        let owing = q
            .order_by_asc(announcement_recipient::Column::ResidentId)
            .limit(limit)
            .all(&self.db)
            .await?;
        let people: HashMap<String, resident::Model> = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(&who.company_id))
            .filter(resident::Column::Id.is_in(owing.iter().map(|o| o.resident_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let rooms: HashMap<String, room::Model> = room::Entity::find()
            .filter(room::Column::CompanyId.eq(&who.company_id))
            .filter(room::Column::Id.is_in(people.values().map(|r| r.room_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let households: Vec<String> = people.values().map(|p| p.household_id.clone()).collect();
        let butlers = butlers_of(&self.db, &who.company_id, &households).await?;
        Ok(owing
            .into_iter()
            .filter(|o| outstanding(a.requires_ack, o.read_at, o.acknowledged_at))
            .map(|o| {
                let person = people.get(&o.resident_id);
                let room_id = person.map(|p| p.room_id.clone()).unwrap_or_default();
                let room = rooms
                    .get(&room_id)
                    .map(|m| format!("{} {}", m.unit, m.number).trim().to_owned())
                    .unwrap_or_default();
                ToCall {
                    butler_id: person
                        .and_then(|p| butlers.get(&p.household_id))
                        .map(|(id, _)| id.clone()),
                    name: person.map(|p| p.name.clone()).unwrap_or_default(),
                    resident_id: o.resident_id,
                    phone: o.phone,
                    room_id,
                    room,
                    read_at: o.read_at,
                    reminded_at: o.reminded_at,
                }
            })
            .collect())
    }

    async fn visible_announcement(&self, who: &Principal, id: &str) -> Result<announcement::Model> {
        let row = announcement::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|a| who.role.is_desk() && who.sees_project(&a.project_id));
        row.ok_or(StorageError::NotFound("announcement"))
    }

    /// Admins, managers and supervisors of the project write announcements.
    async fn may_announce(&self, who: &Principal, project_id: &str) -> Result<()> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        if !who.sees_project(project_id) {
            return Err(StorageError::field(
                "project_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(())
    }

    /// The buildings an audience names are the project's.
    async fn check_audience(
        &self,
        who: &Principal,
        project_id: &str,
        audience: &Audience,
    ) -> Result<()> {
        let named: Vec<String> = audience
            .building_ids
            .iter()
            .chain(audience.units.iter().map(|u| &u.building_id))
            .cloned()
            .collect();
        if named.is_empty() {
            return Ok(());
        }
        let mut distinct = named.clone();
        distinct.sort();
        distinct.dedup();
        let found = building::Entity::find()
            .filter(building::Column::CompanyId.eq(&who.company_id))
            .filter(building::Column::ProjectId.eq(project_id))
            .filter(building::Column::Id.is_in(distinct.iter().cloned()))
            .count(&self.db)
            .await?;
        if found as usize != distinct.len() {
            return Err(StorageError::field(
                "audience.building_ids",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(())
    }

    async fn with_figures(&self, row: announcement::Model) -> Result<AnnouncementRow> {
        let mut figures =
            figures_of(&self.db, &row.company_id, std::slice::from_ref(&row.id)).await?;
        Ok(AnnouncementRow {
            figures: figures.remove(&row.id).unwrap_or_default(),
            row,
        })
    }
}

/// The figures of some announcements, counted in one grouped query over their recipients.
async fn figures_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    ids: &[String],
) -> Result<HashMap<String, AnnouncementFigures>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ar = |c: announcement_recipient::Column| Expr::col((announcement_recipient::Entity, c));
    let mut q = Query::select();
    q.from(announcement_recipient::Entity)
        .left_join(
            notification::Entity,
            Expr::col((notification::Entity, notification::Column::CompanyId))
                .equals((
                    announcement_recipient::Entity,
                    announcement_recipient::Column::CompanyId,
                ))
                .and(
                    Expr::col((notification::Entity, notification::Column::Id)).equals((
                        announcement_recipient::Entity,
                        announcement_recipient::Column::NotificationId,
                    )),
                ),
        )
        .expr_as(
            ar(announcement_recipient::Column::AnnouncementId),
            "announcement_id",
        )
        .expr_as(
            Func::count(Expr::col(sea_orm::sea_query::Asterisk)),
            "recipients",
        )
        .expr_as(
            Func::count(Expr::col((
                notification::Entity,
                notification::Column::DeliveredAt,
            ))),
            "delivered",
        )
        .expr_as(
            Func::count(ar(announcement_recipient::Column::ReadAt)),
            "read",
        )
        .expr_as(
            Func::count(ar(announcement_recipient::Column::AcknowledgedAt)),
            "acknowledged",
        )
        .expr_as(
            Func::count(ar(announcement_recipient::Column::RemindedAt)),
            "reminded",
        )
        .and_where(ar(announcement_recipient::Column::CompanyId).eq(company_id))
        .and_where(ar(announcement_recipient::Column::AnnouncementId).is_in(ids.iter().cloned()))
        .group_by_col((
            announcement_recipient::Entity,
            announcement_recipient::Column::AnnouncementId,
        ));
    let rows = db.query_all(&q).await?;
    let count = |row: &sea_orm::QueryResult, name: &str| -> Result<u64> {
        Ok(u64::try_from(row.try_get::<i64>("", name)?).unwrap_or(0))
    };
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", "announcement_id")?,
                AnnouncementFigures {
                    recipients: count(row, "recipients")?,
                    delivered: count(row, "delivered")?,
                    read: count(row, "read")?,
                    acknowledged: count(row, "acknowledged")?,
                    reminded: count(row, "reminded")?,
                },
            ))
        })
        .collect()
}
