//! Sending an announcement, and reminding who has not read or acknowledged it: in the caller's
//! transaction, a batch of people at a time, so 50,000 households never sit in memory at once.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::announcement::{AnnouncementState, Audience};
use guanjia_domain::machine::webhook::WebhookEvent;
use guanjia_domain::notice::NoticeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::{Value, json};

use super::audience::{self, BATCH};
use crate::delivery::DeliverySetup;
use crate::entity::{announcement, announcement_recipient};
use crate::error::Result;
use crate::notify::notify_resident_batch;
use crate::support::new_id;
use crate::webhooks::{Event, SubscriptionCache, emit};

/// What a notification about an announcement carries: enough to word it and open it.
fn details(a: &announcement::Model) -> Value {
    json!({ "announcement_id": a.id, "title": a.title, "category": a.category,
            "requires_ack": a.requires_ack })
}

/// Writes a recipient row and a notification for every person in `audience`, marks the
/// announcement sent and tells the webhooks, all in `txn`.
pub(super) async fn send_in(
    txn: &DatabaseTransaction,
    setup: &DeliverySetup,
    webhooks: &SubscriptionCache,
    a: announcement::Model,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<announcement::Model> {
    let details = details(&a);
    let mut after: Option<String> = None;
    let mut total: i64 = 0;
    loop {
        let people = audience::batch(
            txn,
            &a.company_id,
            &a.project_id,
            audience,
            after.as_deref(),
        )
        .await?;
        let Some((last, _)) = people.last() else {
            break;
        };
        after = Some(last.clone());
        let written: Vec<(String, String)> = people
            .iter()
            .map(|(phone, _)| (new_id(), phone.clone()))
            .collect();
        notify_resident_batch(
            txn,
            setup,
            &a.company_id,
            NoticeKind::Announcement,
            &details,
            &written,
            now,
        )
        .await?;
        let rows =
            people
                .iter()
                .zip(&written)
                .map(|((phone, resident_id), (notification_id, _))| {
                    announcement_recipient::ActiveModel {
                        company_id: Set(a.company_id.clone()),
                        announcement_id: Set(a.id.clone()),
                        phone: Set(phone.clone()),
                        resident_id: Set(resident_id.clone()),
                        notification_id: Set(notification_id.clone()),
                        read_at: Set(None),
                        acknowledged_at: Set(None),
                        reminded_at: Set(None),
                    }
                });
        announcement_recipient::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
        total += people.len() as i64;
        if (people.len() as u64) < BATCH {
            break;
        }
    }
    let remind_at = now + Duration::hours(a.remind_after_hours.into());
    let mut sent: announcement::ActiveModel = a.into();
    sent.state = Set(AnnouncementState::Sent.as_str().to_owned());
    sent.sent_at = Set(Some(now));
    sent.remind_at = Set(Some(remind_at));
    sent.recipients = Set(total as i32);
    sent.lease_owner = Set(None);
    sent.lease_until = Set(None);
    sent.updated_at = Set(now);
    let sent = sent.update(txn).await?;
    let event = Event {
        company_id: sent.company_id.clone(),
        project_id: sent.project_id.clone(),
        order_key: sent.id.clone(),
        event: WebhookEvent::AnnouncementSent,
        internal: false,
        data: json!({ "announcement": {
            "id": sent.id, "project_id": sent.project_id, "title": sent.title,
            "category": sent.category, "requires_ack": sent.requires_ack,
            "audience": sent.audience, "recipients": sent.recipients, "sent_at": sent.sent_at,
        } }),
    };
    emit(txn, webhooks, event, now).await?;
    Ok(sent)
}

/// Reminds, once, every recipient who still owes a read (or the acknowledgement it asks for);
/// answers how many were reminded.
pub(super) async fn remind_in(
    txn: &DatabaseTransaction,
    setup: &DeliverySetup,
    a: &announcement::Model,
    now: DateTime<Utc>,
) -> Result<u64> {
    let details = details(a);
    let owing = || {
        let q = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(&a.company_id))
            .filter(announcement_recipient::Column::AnnouncementId.eq(&a.id))
            .filter(announcement_recipient::Column::RemindedAt.is_null());
        if a.requires_ack {
            q.filter(announcement_recipient::Column::AcknowledgedAt.is_null())
        } else {
            q.filter(announcement_recipient::Column::ReadAt.is_null())
        }
    };
    let mut total = 0;
    loop {
        // Each batch is marked reminded below, so the next read starts after it.
        let phones: Vec<String> = owing()
            .select_only()
            .column(announcement_recipient::Column::Phone)
            .order_by_asc(announcement_recipient::Column::Phone)
            .limit(BATCH)
            .into_tuple()
            .all(txn)
            .await?;
        if phones.is_empty() {
            break;
        }
        let written: Vec<(String, String)> = phones.iter().map(|p| (new_id(), p.clone())).collect();
        notify_resident_batch(
            txn,
            setup,
            &a.company_id,
            NoticeKind::AnnouncementReminder,
            &details,
            &written,
            now,
        )
        .await?;
        announcement_recipient::Entity::update_many()
            .col_expr(announcement_recipient::Column::RemindedAt, Expr::value(now))
            .filter(announcement_recipient::Column::CompanyId.eq(&a.company_id))
            .filter(announcement_recipient::Column::AnnouncementId.eq(&a.id))
            .filter(announcement_recipient::Column::Phone.is_in(phones.iter().cloned()))
            .exec(txn)
            .await?;
        total += phones.len() as u64;
        if (phones.len() as u64) < BATCH {
            break;
        }
    }
    Ok(total)
}
