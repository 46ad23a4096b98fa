//! PIPL (个人信息保护法): one person's data exported on request, and erased on request — their
//! record, contact points, tags, sessions and what they wrote are gone; the company's tickets
//! stay, without their name or phone.

use chrono::{DateTime, Utc};
use guanjia_domain::profile::ImportantDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::json;

use super::facts_of;
use crate::db::Store;
use crate::entity::{
    announcement, announcement_recipient, contact_point, conversation, conversation_message,
    household, notification, rating_link, resident, resident_tag, session, sign_in_code, ticket,
};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::Audit;

/// At most this many rows of each kind go into one export.
const MAX_ROWS: u64 = 10_000;

/// Everything stored about one person.
#[derive(Debug, Clone)]
pub struct PersonExport {
    pub resident: resident::Model,
    pub contact_points: Vec<contact_point::Model>,
    pub tags: Vec<resident_tag::Model>,
    /// The tickets they opened (their ratings are on them).
    pub tickets: Vec<ticket::Model>,
    /// Their conversations' messages, both ways.
    pub messages: Vec<conversation_message::Model>,
    /// The announcements sent to them, with where they stand with each.
    pub announcements: Vec<(announcement::Model, announcement_recipient::Model)>,
    /// Their household's important dates that are theirs.
    pub important_dates: Vec<ImportantDate>,
}

/// What an erasure removed or anonymised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub tickets: u64,
    pub conversations: u64,
    pub messages: u64,
    pub contact_points: u64,
    pub tags: u64,
    pub sessions: u64,
}

impl Store {
    /// One person's data (admins and managers of their project; audited).
    pub async fn export_resident(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<PersonExport> {
        may_handle_personal_data(who)?;
        let person = self.resident(who, id).await?;
        let company = &who.company_id;
        let contact_points = contact_point::Entity::find()
            .filter(contact_point::Column::CompanyId.eq(company))
            .filter(contact_point::Column::ResidentId.eq(id))
            .limit(MAX_ROWS)
            .all(&self.db)
            .await?;
        let tags = resident_tag::Entity::find()
            .filter(resident_tag::Column::CompanyId.eq(company))
            .filter(resident_tag::Column::ResidentId.eq(id))
            .all(&self.db)
            .await?;
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::ResidentId.eq(id))
            .order_by_asc(ticket::Column::ReportedAt)
            .limit(MAX_ROWS)
            .all(&self.db)
            .await?;
        let messages = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(company))
            .filter(
                conversation_message::Column::ConversationId
                    .in_subquery(conversations_of(company, id)),
            )
            .order_by_asc(conversation_message::Column::SentAt)
            .limit(MAX_ROWS)
            .all(&self.db)
            .await?;
        let marks = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(company))
            .filter(announcement_recipient::Column::ResidentId.eq(id))
            .limit(MAX_ROWS)
            .all(&self.db)
            .await?;
        let sent = announcement::Entity::find()
            .filter(announcement::Column::CompanyId.eq(company))
            .filter(announcement::Column::Id.is_in(marks.iter().map(|m| m.announcement_id.clone())))
            .all(&self.db)
            .await?;
        let announcements = marks
            .into_iter()
            .filter_map(|m| {
                let a = sent.iter().find(|a| a.id == m.announcement_id)?.clone();
                Some((a, m))
            })
            .collect();
        let important_dates =
            household::Entity::find_by_id((company.clone(), person.household_id.clone()))
                .one(&self.db)
                .await?
                .map(|h| facts_of(&h).important_dates)
                .unwrap_or_default()
                .into_iter()
                .filter(|d| d.resident_id.as_deref() == Some(id))
                .collect();
        let txn = self.begin_write().await?;
        Audit::by(who, "resident", id, "export")
            .record(&txn, json!({}), now)
            .await?;
        txn.commit().await?;
        Ok(PersonExport {
            resident: person,
            contact_points,
            tags,
            tickets,
            messages,
            announcements,
            important_dates,
        })
    }

    /// Erases a person on request (admins and managers of their project; audited without their
    /// name): their record, contact points, tags and what they wrote in conversations go;
    /// their tickets stay for the company's records without their name or phone. Under their
    /// phone, sessions, sign-in codes and rating links go too, unless the phone is still
    /// another record's (the same person in another room keeps signing in).
    pub async fn erase_resident(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Erased> {
        may_handle_personal_data(who)?;
        let person = self.resident(who, id).await?;
        let company = &who.company_id;
        let phone_kept = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(company))
            .filter(resident::Column::Phone.eq(&person.phone))
            .filter(resident::Column::Id.ne(id))
            .one(&self.db)
            .await?
            .is_some();
        let household =
            household::Entity::find_by_id((company.clone(), person.household_id.clone()))
                .one(&self.db)
                .await?;
        let mut erased = Erased::default();
        let txn = self.begin_write().await?;
        erased.tickets = ticket::Entity::update_many()
            .col_expr(
                ticket::Column::ResidentId,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                ticket::Column::ContactName,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                ticket::Column::ContactPhone,
                Expr::value(Option::<String>::None),
            )
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::ResidentId.eq(id))
            .exec(&txn)
            .await?
            .rows_affected;
        erased.messages = conversation_message::Entity::update_many()
            .col_expr(
                conversation_message::Column::Text,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                conversation_message::Column::Attachment,
                Expr::value(Option::<serde_json::Value>::None),
            )
            .filter(conversation_message::Column::CompanyId.eq(company))
            .filter(conversation_message::Column::SenderKind.eq("resident"))
            .filter(
                conversation_message::Column::ConversationId
                    .in_subquery(conversations_of(company, id)),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        let conversations = conversation::Entity::find()
            .filter(conversation::Column::CompanyId.eq(company))
            .filter(conversation::Column::ResidentId.eq(id))
            .all(&txn)
            .await?;
        for c in &conversations {
            // The contact (openid, phone, address) goes; its unique key stays unique.
            conversation::Entity::update_many()
                .col_expr(
                    conversation::Column::ResidentId,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    conversation::Column::ContactValue,
                    Expr::value(format!("erased:{}", c.id)),
                )
                .col_expr(
                    conversation::Column::LastText,
                    Expr::value(Option::<String>::None),
                )
                .filter(conversation::Column::CompanyId.eq(company))
                .filter(conversation::Column::Id.eq(&c.id))
                .exec(&txn)
                .await?;
        }
        erased.conversations = conversations.len() as u64;
        erased.contact_points = contact_point::Entity::delete_many()
            .filter(contact_point::Column::CompanyId.eq(company))
            .filter(contact_point::Column::ResidentId.eq(id))
            .exec(&txn)
            .await?
            .rows_affected;
        erased.tags = resident_tag::Entity::delete_many()
            .filter(resident_tag::Column::CompanyId.eq(company))
            .filter(resident_tag::Column::ResidentId.eq(id))
            .exec(&txn)
            .await?
            .rows_affected;
        // Announcement figures keep counting them, under a key that is no phone.
        let no_phone = id.replace('-', "");
        announcement_recipient::Entity::update_many()
            .col_expr(
                announcement_recipient::Column::Phone,
                Expr::value(no_phone.clone()),
            )
            .filter(announcement_recipient::Column::CompanyId.eq(company))
            .filter(announcement_recipient::Column::ResidentId.eq(id))
            .exec(&txn)
            .await?;
        if !phone_kept {
            notification::Entity::update_many()
                .col_expr(notification::Column::RecipientId, Expr::value(no_phone))
                .filter(notification::Column::CompanyId.eq(company))
                .filter(notification::Column::RecipientId.eq(&person.phone))
                .exec(&txn)
                .await?;
            erased.sessions = session::Entity::delete_many()
                .filter(session::Column::CompanyId.eq(company))
                .filter(session::Column::SubjectKind.eq(session::SUBJECT_RESIDENT))
                .filter(session::Column::SubjectId.eq(&person.phone))
                .exec(&txn)
                .await?
                .rows_affected;
            sign_in_code::Entity::delete_many()
                .filter(sign_in_code::Column::CompanyId.eq(company))
                .filter(sign_in_code::Column::Phone.eq(&person.phone))
                .exec(&txn)
                .await?;
            rating_link::Entity::delete_many()
                .filter(rating_link::Column::CompanyId.eq(company))
                .filter(rating_link::Column::Phone.eq(&person.phone))
                .exec(&txn)
                .await?;
        }
        // Their important dates leave the household's profile.
        if let Some(household) = household {
            let mut facts = facts_of(&household);
            let before = facts.important_dates.len();
            facts
                .important_dates
                .retain(|d| d.resident_id.as_deref() != Some(id));
            if facts.important_dates.len() != before {
                let mut model: household::ActiveModel = household.into();
                model.facts = Set(Some(json!(facts)));
                model.update(&txn).await?;
            }
        }
        resident::Entity::delete_many()
            .filter(resident::Column::CompanyId.eq(company))
            .filter(resident::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        Audit::by(who, "resident", id, "erase")
            .record(
                &txn,
                json!({
                    "household_id": person.household_id,
                    "tickets": erased.tickets, "conversations": erased.conversations,
                    "messages": erased.messages, "contact_points": erased.contact_points,
                    "tags": erased.tags, "sessions": erased.sessions,
                }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(erased)
    }
}

/// Admins and managers answer a person's requests about their data.
fn may_handle_personal_data(who: &Principal) -> Result<()> {
    if who.role.manages() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

/// The ids of a resident's conversations.
fn conversations_of(company_id: &str, resident_id: &str) -> sea_orm::sea_query::SelectStatement {
    conversation::Entity::find()
        .select_only()
        .column(conversation::Column::Id)
        .filter(conversation::Column::CompanyId.eq(company_id))
        .filter(conversation::Column::ResidentId.eq(resident_id))
        .into_query()
}
