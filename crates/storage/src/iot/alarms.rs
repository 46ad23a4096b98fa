//! Receiving an alarm: open a ticket, join the open one, or write a recovery on it; the same
//! alarm twice changes nothing.
//!
//! Safe with any number of nodes and deliveries, on both databases, without locks held across
//! reads: each path reads, then writes in one transaction that fails on a unique key if another
//! writer got there first (the alarm itself: device, type, state and time; or the claim on the
//! device's open ticket for the type, taken in the new ticket's own transaction). A writer that
//! lost reads again and takes the other path: it finds the alarm already received, or the ticket
//! the winner opened, and joins it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use guanjia_domain::iot::{Alarm, AlarmOutcome, AlarmState, AlarmTicket, DeviceType, alarm_ticket};
use guanjia_domain::ticket::{Action, Status, TicketInput, Visibility};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait,
    QueryFilter, SqlErr, TransactionTrait,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{alarm_ticket, device, device_alarm, ticket, ticket_event};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sla::SlaContext;
use crate::support::{ForUpdate, new_id};
use crate::tickets::{AlsoWrite, Arrival, Understanding};

/// Reads and writes tried before giving up: each retry follows a writer that got there first,
/// after which the next try joins what it wrote, so two are enough but for a ticket closing
/// in between.
const ATTEMPTS: usize = 4;

/// What receiving an alarm did, and the ticket it went to (none for an unmatched recovery).
pub struct AlarmReceived {
    pub outcome: AlarmOutcome,
    pub ticket: Option<ticket::Model>,
    pub sla: Arc<SlaContext>,
}

/// The device's open ticket for the alarm's type, as read before writing.
enum Current {
    /// No ticket yet, or the one claimed is over: the claim to replace.
    Free {
        claimed: Option<String>,
    },
    Open(ticket::Model),
    /// Resolved, not closed: a recovery is still written on it.
    Resolved(ticket::Model),
}

impl Store {
    /// Receives an alarm from a device of the caller's projects: desk staff over the webhook,
    /// or the installation for the MQTT subscriber.
    pub async fn receive_alarm(
        &self,
        who: &Principal,
        alarm: &Alarm,
        now: DateTime<Utc>,
    ) -> Result<AlarmReceived> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let device = self.alarmed_device(who, &alarm.device_id).await?;
        let sla = self.sla_context(&who.company_id).await?;
        let received = |outcome, ticket| AlarmReceived {
            outcome,
            ticket,
            sla: sla.clone(),
        };
        let mut last = None;
        for _ in 0..ATTEMPTS {
            if let Some(seen) = self.seen(&device, alarm).await? {
                return Ok(received(AlarmOutcome::Repeated, seen));
            }
            let attempt = match (alarm.state, self.current(&device, alarm).await?) {
                (AlarmState::Alarm, Current::Open(t)) => {
                    self.join(who, &device, alarm, t, now).await
                }
                (AlarmState::Alarm, Current::Free { claimed }) => {
                    self.open_for(who, &device, alarm, claimed, now).await
                }
                (AlarmState::Alarm, Current::Resolved(t)) => {
                    self.open_for(who, &device, alarm, Some(t.id), now).await
                }
                (AlarmState::Recovered, Current::Open(t) | Current::Resolved(t)) => {
                    self.recover(who, &device, alarm, t, &sla, now).await
                }
                (AlarmState::Recovered, Current::Free { .. }) => {
                    self.unmatched(who, &device, alarm, now).await
                }
            };
            match attempt {
                Ok(Some((outcome, ticket))) => return Ok(received(outcome, ticket)),
                Ok(None) => {}
                Err(e) if lost_race(&e) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            StorageError::Database(sea_orm::DbErr::Custom(
                "the device's ticket kept changing while the alarm was received".into(),
            ))
        }))
    }

    /// The ticket of the same alarm received before (`Some(None)` for an unmatched recovery).
    async fn seen(
        &self,
        d: &device::Model,
        alarm: &Alarm,
    ) -> Result<Option<Option<ticket::Model>>> {
        let Some(row) = device_alarm::Entity::find()
            .filter(device_alarm::Column::CompanyId.eq(&d.company_id))
            .filter(device_alarm::Column::DeviceRef.eq(&d.id))
            .filter(device_alarm::Column::AlarmType.eq(alarm.alarm_type.as_str()))
            .filter(device_alarm::Column::State.eq(alarm.state.as_str()))
            .filter(device_alarm::Column::At.eq(alarm.at))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let ticket = match row.ticket_id {
            Some(id) => {
                ticket::Entity::find_by_id((d.company_id.clone(), id))
                    .one(&self.db)
                    .await?
            }
            None => None,
        };
        Ok(Some(ticket))
    }

    async fn current(&self, d: &device::Model, alarm: &Alarm) -> Result<Current> {
        let claim = alarm_ticket::Entity::find_by_id((
            d.company_id.clone(),
            d.id.clone(),
            alarm.alarm_type.as_str().to_owned(),
        ))
        .one(&self.db)
        .await?;
        let Some(claim) = claim else {
            return Ok(Current::Free { claimed: None });
        };
        let found = ticket::Entity::find_by_id((d.company_id.clone(), claim.ticket_id.clone()))
            .one(&self.db)
            .await?;
        Ok(match found.map(|t| (*t.status, t)) {
            Some((status, t)) if status.is_open() => Current::Open(t),
            Some((Status::Resolved, t)) => Current::Resolved(t),
            _ => Current::Free {
                claimed: Some(claim.ticket_id),
            },
        })
    }

    /// A repeat: a timeline entry on the open ticket, if it is still open once locked.
    async fn join(
        &self,
        who: &Principal,
        d: &device::Model,
        alarm: &Alarm,
        t: ticket::Model,
        now: DateTime<Utc>,
    ) -> Result<Option<(AlarmOutcome, Option<ticket::Model>)>> {
        let txn = self.begin_write().await?;
        let Some(t) = locked_ticket(&txn, self, &t)
            .await?
            .filter(|t| t.status.is_open())
        else {
            return Ok(None);
        };
        record(&txn, who, d, alarm, Some(&t.id), AlarmOutcome::Joined, now).await?;
        write_entry(&txn, who, d, alarm, &t, now).await?;
        ticket::Entity::update_many()
            .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
            .filter(ticket::Column::CompanyId.eq(&t.company_id))
            .filter(ticket::Column::Id.eq(&t.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(Some((AlarmOutcome::Joined, Some(t))))
    }

    /// A new ticket through the one way in, claiming the device's slot for the type in the
    /// ticket's own transaction (replacing `claimed`, the ticket that is over).
    async fn open_for(
        &self,
        who: &Principal,
        d: &device::Model,
        alarm: &Alarm,
        claimed: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Option<(AlarmOutcome, Option<ticket::Model>)>> {
        let device_type: DeviceType = d.device_type.parse().unwrap_or(DeviceType::Other);
        let table = alarm_ticket(alarm.alarm_type, device_type);
        let place = self.device_place(d).await?;
        let input = TicketInput {
            project_id: d.project_id.clone(),
            channel: guanjia_domain::taxonomy::Channel::Iot.as_str().to_owned(),
            description: AlarmTicket::description(
                alarm.alarm_type,
                device_type,
                &d.device_id,
                &place,
            ),
            kind: Some(table.kind.as_str().to_owned()),
            category: Some(table.category.to_owned()),
            urgency: Some(table.urgency.as_str().to_owned()),
            room_id: d.room_id.clone(),
            resident_id: None,
            contact: None,
            title: Some(AlarmTicket::title(alarm.alarm_type, &place)),
            attachments: vec![],
            reported_at: Some(alarm.at.to_rfc3339()),
        };
        let (who_, d_, alarm_) = (who.clone(), d.clone(), alarm.clone());
        let also: AlsoWrite = Box::new(move |txn, t| {
            Box::pin(async move {
                claim(txn, &d_, &alarm_, &t.id, claimed).await?;
                record(
                    txn,
                    &who_,
                    &d_,
                    &alarm_,
                    Some(&t.id),
                    AlarmOutcome::Opened,
                    now,
                )
                .await?;
                write_entry(txn, &who_, &d_, &alarm_, t, now).await
            })
        });
        let opened = self
            .open_ticket_with(
                who,
                input,
                now,
                Understanding::AsGiven,
                Arrival {
                    order: None,
                    also: Some(also),
                },
            )
            .await?;
        Ok(Some((AlarmOutcome::Opened, Some(opened.ticket))))
    }

    /// A recovery: written on the ticket, which it resolves where the device (or, when it does
    /// not say, the alarm type) wants it and the ticket's state allows.
    async fn recover(
        &self,
        who: &Principal,
        d: &device::Model,
        alarm: &Alarm,
        t: ticket::Model,
        sla: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<Option<(AlarmOutcome, Option<ticket::Model>)>> {
        let device_type: DeviceType = d.device_type.parse().unwrap_or(DeviceType::Other);
        let resolves = d
            .resolve_on_recovery
            .unwrap_or(alarm_ticket(alarm.alarm_type, device_type).resolves_on_recovery);
        let txn = self.begin_write().await?;
        let Some(t) = locked_ticket(&txn, self, &t).await? else {
            return Ok(None);
        };
        let id = record(&txn, who, d, alarm, Some(&t.id), AlarmOutcome::Noted, now).await?;
        write_entry(&txn, who, d, alarm, &t, now).await?;
        let resolved = if resolves && t.status.is_open() {
            self.resolve_recovered(&txn, who, t.clone(), sla, now)
                .await?
        } else {
            None
        };
        let (outcome, t) = match resolved {
            Some(updated) => {
                device_alarm::Entity::update_many()
                    .col_expr(
                        device_alarm::Column::Outcome,
                        Expr::value(AlarmOutcome::Resolved.as_str()),
                    )
                    .filter(device_alarm::Column::CompanyId.eq(&d.company_id))
                    .filter(device_alarm::Column::Id.eq(&id))
                    .exec(&txn)
                    .await?;
                (AlarmOutcome::Resolved, updated)
            }
            None => (AlarmOutcome::Noted, t),
        };
        txn.commit().await?;
        Ok(Some((outcome, Some(t))))
    }

    /// Accepts (when nobody has yet) and resolves a recovered ticket in a savepoint: a state
    /// that does not allow it (suspended, sub-tasks open) leaves the ticket as it was.
    async fn resolve_recovered(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        t: ticket::Model,
        sla: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<Option<ticket::Model>> {
        let savepoint = txn.begin().await?;
        let steps = async {
            let t = if *t.status == Status::New {
                let accept = Action::Accept { note: None };
                self.apply_in(&savepoint, who, t, &accept, false, None, sla, now)
                    .await?
            } else {
                t
            };
            let resolve = Action::Resolve {
                body: None,
                materials: vec![],
                charges: vec![],
            };
            self.apply_in(&savepoint, who, t, &resolve, false, None, sla, now)
                .await
        };
        match steps.await {
            Ok(updated) => {
                savepoint.commit().await?;
                Ok(Some(updated))
            }
            Err(StorageError::Lifecycle(_)) => {
                savepoint.rollback().await?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// A recovery with no ticket to go to: kept, so a repeat of it is known.
    async fn unmatched(
        &self,
        who: &Principal,
        d: &device::Model,
        alarm: &Alarm,
        now: DateTime<Utc>,
    ) -> Result<Option<(AlarmOutcome, Option<ticket::Model>)>> {
        let txn = self.begin_write().await?;
        record(&txn, who, d, alarm, None, AlarmOutcome::Unmatched, now).await?;
        txn.commit().await?;
        Ok(Some((AlarmOutcome::Unmatched, None)))
    }
}

/// The ticket as it is now, locked for this transaction (PostgreSQL; SQLite's writer is alone).
async fn locked_ticket(
    txn: &DatabaseTransaction,
    store: &Store,
    t: &ticket::Model,
) -> Result<Option<ticket::Model>> {
    Ok(
        ticket::Entity::find_by_id((t.company_id.clone(), t.id.clone()))
            .for_update(store.backend())
            .one(txn)
            .await?,
    )
}

/// Claims the device's slot for the alarm type for `ticket_id`: inserted when there was none,
/// else taken over from `claimed`. A writer that claimed first makes the insert fail on the key.
async fn claim(
    txn: &DatabaseTransaction,
    d: &device::Model,
    alarm: &Alarm,
    ticket_id: &str,
    claimed: Option<String>,
) -> Result<()> {
    let slot = Condition::all()
        .add(alarm_ticket::Column::CompanyId.eq(&d.company_id))
        .add(alarm_ticket::Column::DeviceRef.eq(&d.id))
        .add(alarm_ticket::Column::AlarmType.eq(alarm.alarm_type.as_str()));
    if let Some(claimed) = claimed {
        // Only the ticket read as over: one that replaced it meanwhile stays, and the insert
        // below then fails on the key.
        alarm_ticket::Entity::delete_many()
            .filter(slot)
            .filter(alarm_ticket::Column::TicketId.eq(claimed))
            .exec(txn)
            .await?;
    }
    alarm_ticket::ActiveModel {
        company_id: Set(d.company_id.clone()),
        device_ref: Set(d.id.clone()),
        alarm_type: Set(alarm.alarm_type.as_str().to_owned()),
        ticket_id: Set(ticket_id.to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Keeps the alarm, unique by device, type, state and time; returns its id.
async fn record(
    txn: &DatabaseTransaction,
    who: &Principal,
    d: &device::Model,
    alarm: &Alarm,
    ticket_id: Option<&str>,
    outcome: AlarmOutcome,
    now: DateTime<Utc>,
) -> Result<String> {
    let row = device_alarm::ActiveModel {
        company_id: Set(d.company_id.clone()),
        id: Set(new_id()),
        device_ref: Set(d.id.clone()),
        alarm_type: Set(alarm.alarm_type.as_str().to_owned()),
        state: Set(alarm.state.as_str().to_owned()),
        at: Set(alarm.at),
        ticket_id: Set(ticket_id.map(str::to_owned)),
        outcome: Set(outcome.as_str().to_owned()),
        received_by: Set(who.id.clone()),
        received_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(row.id)
}

/// The alarm or recovery on the ticket's timeline, for staff: what, which device, when.
async fn write_entry(
    txn: &DatabaseTransaction,
    who: &Principal,
    d: &device::Model,
    alarm: &Alarm,
    t: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let action = match alarm.state {
        AlarmState::Alarm => "iot_alarm",
        AlarmState::Recovered => "iot_recovered",
    };
    ticket_event::ActiveModel {
        company_id: Set(t.company_id.clone()),
        id: Set(new_id()),
        ticket_id: Set(t.id.clone()),
        actor_id: Set(Some(who.id.clone())),
        actor_role: Set(who.role.as_str().to_owned()),
        action: Set(action.to_owned()),
        from_status: Set(None),
        to_status: Set(Some((*t.status).into())),
        visibility: Set(Visibility::Internal.into()),
        details: Set(json!({
            "device_id": d.device_id, "device_type": d.device_type,
            "alarm_type": alarm.alarm_type.as_str(), "state": alarm.state.as_str(), "at": alarm.at,
        })),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Another writer got there first: the alarm, or the claim on the device's ticket, is taken.
fn lost_race(e: &StorageError) -> bool {
    matches!(e, StorageError::Database(db)
        if matches!(db.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
}
