//! Writing to the notification outbox, and finding who should hear of something.

use chrono::{DateTime, Utc};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::sla::{Audience, StaffRef, recipients};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::delivery::{DeliverySetup, plan_deliveries, plan_resident_batch};
use crate::entity::{notification, staff, staff_project, ticket};
use crate::error::Result;
use crate::support::new_id;

/// The company's active staff as the audience rules see them.
pub(crate) async fn staff_refs(
    db: &impl ConnectionTrait,
    company_id: &str,
) -> Result<Vec<StaffRef>> {
    let people = staff::Entity::find()
        .filter(staff::Column::CompanyId.eq(company_id))
        .filter(staff::Column::Active.eq(true))
        .all(db)
        .await?;
    let links = staff_project::Entity::find()
        .filter(staff_project::Column::CompanyId.eq(company_id))
        .all(db)
        .await?;
    Ok(people
        .into_iter()
        .filter_map(|s| {
            let role = s.role.parse().ok()?;
            let project_ids = links
                .iter()
                .filter(|l| l.staff_id == s.id)
                .map(|l| l.project_id.clone())
                .collect();
            Some(StaffRef {
                id: s.id,
                role,
                project_ids,
            })
        })
        .collect())
}

/// The staff of `audience` for a ticket of `project_id`, looked up in the caller's transaction.
pub(crate) async fn audience_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    audience: &Audience,
) -> Result<Vec<String>> {
    Ok(recipients(
        audience,
        project_id,
        &staff_refs(db, company_id).await?,
    ))
}

/// What a notification is about: a ticket, or something of the company's (a survey).
pub(crate) struct Subject<'a> {
    pub company_id: &'a str,
    pub ticket_id: Option<&'a str>,
}

impl<'a> From<&'a ticket::Model> for Subject<'a> {
    fn from(t: &'a ticket::Model) -> Self {
        Subject {
            company_id: &t.company_id,
            ticket_id: Some(&t.id),
        }
    }
}

/// Puts one notification per recipient into the outbox, with their deliveries, in the caller's
/// transaction.
pub(crate) async fn notify(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    subject: Subject<'_>,
    to: &[String],
    kind: NoticeKind,
    details: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    notify_each(db, setup, subject, to, kind, details, now).await?;
    Ok(())
}

/// [`notify`], answering the notifications' ids in the recipients' order (for a record that
/// follows its notification's deliveries).
pub(crate) async fn notify_each(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    subject: Subject<'_>,
    to: &[String],
    kind: NoticeKind,
    details: &Value,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    if to.is_empty() {
        return Ok(vec![]);
    }
    let written: Vec<(String, String)> = to.iter().map(|r| (new_id(), r.clone())).collect();
    let rows = written
        .iter()
        .map(|(id, recipient)| notification::ActiveModel {
            company_id: Set(subject.company_id.to_owned()),
            id: Set(id.clone()),
            recipient_id: Set(recipient.clone()),
            kind: Set(kind.as_str().to_owned()),
            ticket_id: Set(subject.ticket_id.map(str::to_owned)),
            details: Set(details.clone()),
            created_at: Set(now),
            read_at: Set(None),
            delivered_at: Set(None),
        });
    notification::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    plan_deliveries(
        db,
        setup,
        subject.company_id,
        subject.ticket_id,
        kind,
        details,
        &written,
        now,
    )
    .await?;
    Ok(written.into_iter().map(|(id, _)| id).collect())
}

/// Puts one resident notification without a ticket per person (notification id, phone) into the
/// outbox with their deliveries, in the caller's transaction: for sends to thousands, one batch
/// of about a thousand at a time.
pub(crate) async fn notify_resident_batch(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    company_id: &str,
    kind: NoticeKind,
    details: &Value,
    written: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    if written.is_empty() {
        return Ok(());
    }
    let rows = written.iter().map(|(id, phone)| notification::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(id.clone()),
        recipient_id: Set(phone.clone()),
        kind: Set(kind.as_str().to_owned()),
        ticket_id: Set(None),
        details: Set(details.clone()),
        created_at: Set(now),
        read_at: Set(None),
        delivered_at: Set(None),
    });
    notification::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    plan_resident_batch(db, setup, company_id, kind, written, now).await
}
