//! Planning a notification's deliveries in the transaction that writes it: the route the rules
//! give for the recipient, each first channel's row pending from the moment quiet hours allow.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guanjia_domain::conversation::ContactKind;
use guanjia_domain::delivery::{
    Audience, Available, DeliveryChannel, DeliveryState, PreferredChannel, Recipient, route,
};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::place::DEFAULT_TIME_ZONE;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::taxonomy::Urgency;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::Value;

use super::robots::robot_of_ticket;
use super::setup::DeliverySetup;
use crate::entity::{contact_point, delivery, project, resident, ticket};
use crate::error::Result;
use crate::support::new_id;

/// What planning knows of the notification's ticket (or its absence).
pub(crate) struct Context {
    zone: Tz,
    emergency: bool,
    /// The WeCom robot for staff notifications about this ticket, if one is set up (see
    /// [`super::robots`] for which).
    robot: Option<String>,
}

impl Context {
    /// Reads the ticket's project and urgency; a notification without a ticket (a survey, a
    /// sign-in code) counts in the default zone and has no robot.
    pub(crate) async fn read(
        db: &impl ConnectionTrait,
        setup: &DeliverySetup,
        company_id: &str,
        ticket_id: Option<&str>,
    ) -> Result<Context> {
        let default = Context {
            zone: DEFAULT_TIME_ZONE.parse().unwrap_or(Tz::Asia__Shanghai),
            emergency: false,
            robot: None,
        };
        let Some(ticket_id) = ticket_id else {
            return Ok(default);
        };
        let Some(t) = ticket::Entity::find_by_id((company_id.to_owned(), ticket_id.to_owned()))
            .one(db)
            .await?
        else {
            return Ok(default);
        };
        let p = project::Entity::find_by_id((company_id.to_owned(), t.project_id.clone()))
            .one(db)
            .await?;
        Ok(Context {
            zone: p
                .as_ref()
                .and_then(|p| p.time_zone.parse().ok())
                .unwrap_or(default.zone),
            emergency: t.urgency == Urgency::Emergency,
            robot: match p {
                Some(p) => robot_of_ticket(db, company_id, &p.id, t.team_id.as_deref())
                    .await?
                    .or_else(|| setup.robot(t.team_id.as_deref(), &p.code)),
                None => None,
            },
        })
    }

    /// When a message of `kind` due at `at` may leave: residents wait out quiet hours, except
    /// for emergencies and sign-in codes; staff alerts go at any hour.
    pub(crate) fn release(
        &self,
        setup: &DeliverySetup,
        kind: NoticeKind,
        at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        if kind.audience() == Audience::Staff || kind.is_urgent() || self.emergency {
            at
        } else {
            setup.quiet_hours.release(at, self.zone)
        }
    }
}

/// What is known of a notification's recipient: a resident's preference, read by phone (one
/// identity across rooms), or for an answer in a conversation the channel it goes back on.
pub(crate) async fn recipient_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    kind: NoticeKind,
    recipient_id: &str,
    details: &Value,
) -> Result<Recipient> {
    if kind.audience() == Audience::Staff {
        return Ok(Recipient::Staff);
    }
    if kind == NoticeKind::ConversationReply {
        let channel = details["channel"]
            .as_str()
            .and_then(|c| c.parse::<Channel>().ok())
            .unwrap_or(Channel::App);
        return Ok(Recipient::InConversation { channel });
    }
    let found = resident::Entity::find()
        .filter(resident::Column::CompanyId.eq(company_id))
        .filter(resident::Column::Phone.eq(recipient_id))
        .one(db)
        .await?;
    let wechat_bound = wechat_contact_of(db, company_id, recipient_id)
        .await?
        .is_some();
    Ok(Recipient::Resident {
        preferred: found
            .as_ref()
            .and_then(|r| r.preferred_channel.parse().ok())
            .unwrap_or(PreferredChannel::Sms),
        wechat_bound,
    })
}

/// The WeChat contact point of the person with this phone (any of their resident records).
pub(crate) async fn wechat_contact_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    phone: &str,
) -> Result<Option<contact_point::Model>> {
    let theirs = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .filter(resident::Column::CompanyId.eq(company_id))
        .filter(resident::Column::Phone.eq(phone))
        .into_query();
    Ok(contact_point::Entity::find()
        .filter(contact_point::Column::CompanyId.eq(company_id))
        .filter(contact_point::Column::Kind.eq(ContactKind::Wechat.as_str()))
        .filter(contact_point::Column::ResidentId.in_subquery(theirs))
        .order_by_asc(contact_point::Column::CreatedAt)
        .one(db)
        .await?)
}

/// What the channels of this installation and ticket allow.
pub(crate) fn available(setup: &DeliverySetup, ctx: &Context) -> Available {
    Available {
        sms: setup.sms,
        wechat: setup.wechat,
        wecom: ctx.robot.is_some(),
        email: setup.email,
    }
}

/// The row of a delivery on `channel`, pending from `at`.
pub(crate) fn pending_row(
    company_id: &str,
    notification_id: &str,
    channel: DeliveryChannel,
    target: String,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> delivery::ActiveModel {
    delivery::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(new_id()),
        notification_id: Set(notification_id.to_owned()),
        channel: Set(channel.as_str().to_owned()),
        target: Set(target),
        state: Set(DeliveryState::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(Some(at)),
        lease_owner: Set(None),
        provider: Set(None),
        provider_message_id: Set(None),
        error_code: Set(None),
        error_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
    }
}

/// Whom or where a delivery on `channel` goes, as staff may read it.
pub(crate) fn target(channel: DeliveryChannel, recipient_id: &str, ctx: &Context) -> String {
    match channel {
        DeliveryChannel::Sms => mask_phone(recipient_id),
        DeliveryChannel::Wechat => "wechat".to_owned(),
        DeliveryChannel::Wecom => ctx.robot.clone().unwrap_or_default(),
        DeliveryChannel::Email => "email".to_owned(),
    }
}

/// Plans the deliveries of notifications just written (id, recipient), in the caller's
/// transaction: one row for each first channel; fallbacks are added if the first one fails.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn plan_deliveries(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    company_id: &str,
    ticket_id: Option<&str>,
    kind: NoticeKind,
    details: &Value,
    written: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    if !setup.any() {
        return Ok(());
    }
    let ctx = Context::read(db, setup, company_id, ticket_id).await?;
    let available = available(setup, &ctx);
    let at = ctx.release(setup, kind, now);
    let mut rows = Vec::new();
    let mut robot_planned = false;
    for (notification_id, recipient_id) in written {
        let recipient = recipient_of(db, company_id, kind, recipient_id, details).await?;
        if let Some(r) = route(kind, recipient, available) {
            // The ticket's robot posts once for everyone told, naming them all (see
            // `claim::address_of`).
            if r.first == DeliveryChannel::Wecom {
                if robot_planned {
                    continue;
                }
                robot_planned = true;
            }
            let target = target(r.first, recipient_id, &ctx);
            rows.push(pending_row(
                company_id,
                notification_id,
                r.first,
                target,
                at,
                now,
            ));
        }
    }
    if !rows.is_empty() {
        delivery::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        if kind.is_urgent() || ctx.emergency {
            setup.wake.notify_one();
        }
    }
    Ok(())
}

/// Plans the deliveries of resident notifications of `kind` without a ticket, written in bulk
/// (id, phone), in the caller's transaction: the recipients' preferences and WeChat bindings are
/// read with one query each for the whole batch rather than two per person.
pub(crate) async fn plan_resident_batch(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    company_id: &str,
    kind: NoticeKind,
    written: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    if !setup.any() || written.is_empty() {
        return Ok(());
    }
    let ctx = Context::read(db, setup, company_id, None).await?;
    let available = available(setup, &ctx);
    let at = ctx.release(setup, kind, now);
    let phones: Vec<&str> = written.iter().map(|(_, phone)| phone.as_str()).collect();
    let preferred: std::collections::HashMap<String, String> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Phone)
        .column(resident::Column::PreferredChannel)
        .filter(resident::Column::CompanyId.eq(company_id))
        .filter(resident::Column::Phone.is_in(phones.iter().copied()))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let bound: std::collections::HashSet<String> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Phone)
        .filter(resident::Column::CompanyId.eq(company_id))
        .filter(resident::Column::Phone.is_in(phones.iter().copied()))
        .filter(
            resident::Column::Id.in_subquery(
                contact_point::Entity::find()
                    .select_only()
                    .column(contact_point::Column::ResidentId)
                    .filter(contact_point::Column::CompanyId.eq(company_id))
                    .filter(contact_point::Column::Kind.eq(ContactKind::Wechat.as_str()))
                    .into_query(),
            ),
        )
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<delivery::ActiveModel> = written
        .iter()
        .filter_map(|(notification_id, phone)| {
            let recipient = Recipient::Resident {
                preferred: preferred
                    .get(phone)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(PreferredChannel::Sms),
                wechat_bound: bound.contains(phone),
            };
            let r = route(kind, recipient, available)?;
            Some(pending_row(
                company_id,
                notification_id,
                r.first,
                target(r.first, phone, &ctx),
                at,
                now,
            ))
        })
        .collect();
    if !rows.is_empty() {
        delivery::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
