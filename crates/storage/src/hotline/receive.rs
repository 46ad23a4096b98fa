//! An order arriving from the 12345 platform, by its webhook or in its spreadsheet export. The
//! first arrival of a number opens its ticket through [`Store::open_ticket_with`] (the one way in);
//! a later one updates that ticket and never opens another. Two arrivals of one number at once
//! are settled by the unique index on the number: the ticket of the one that loses is rolled
//! back, and it updates the winner's instead.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use guanjia_domain::hotline::{HotlineOrder, HotlineOrderInput, PlatformOrder};
use guanjia_domain::ticket::Visibility;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter,
};
use serde_json::{Map, Value, json};

use crate::db::Store;
use crate::entity::{hotline_order, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sla::{SlaContext, platform_order_of, sync_clocks};
use crate::support::{Audit, ForUpdate};
use crate::tickets::{AlsoWrite, Arrival, Opened, Understanding, timeline, visible_to};

/// What an arrival did: the order's ticket, and whether this arrival opened it.
pub struct OrderReceived {
    pub ticket: ticket::Model,
    pub sla: Arc<SlaContext>,
    pub created: bool,
}

impl Store {
    /// Takes an order from the platform: opens its ticket, or updates the one it opened before.
    /// Desk roles only (the roles that open tickets), within their projects.
    pub async fn receive_hotline_order(
        &self,
        who: &Principal,
        input: HotlineOrderInput,
        now: DateTime<Utc>,
    ) -> Result<OrderReceived> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let order = input.validate(now)?;
        // The second round is for an arrival that lost the number to a concurrent one.
        for _ in 0..2 {
            if let Some(known) = self.hotline_order_by_no(who, &order.order_no).await? {
                return self.update_hotline_order(who, known, &order, now).await;
            }
            match self.open_hotline_ticket(who, &order, now).await {
                Err(StorageError::AlreadyExists(_)) => continue,
                opened => return opened,
            }
        }
        Err(StorageError::AlreadyExists("hotline_order"))
    }

    async fn hotline_order_by_no(
        &self,
        who: &Principal,
        order_no: &str,
    ) -> Result<Option<hotline_order::Model>> {
        Ok(hotline_order::Entity::find()
            .filter(hotline_order::Column::CompanyId.eq(&who.company_id))
            .filter(hotline_order::Column::OrderNo.eq(order_no))
            .one(&self.db)
            .await?)
    }

    async fn open_hotline_ticket(
        &self,
        who: &Principal,
        order: &HotlineOrder,
        now: DateTime<Utc>,
    ) -> Result<OrderReceived> {
        let row = hotline_order::ActiveModel {
            company_id: Set(who.company_id.clone()),
            ticket_id: NotSet,
            order_no: Set(order.order_no.clone()),
            project_id: Set(order.project_id.clone()),
            street: Set(order.street.clone()),
            received_at: Set(order.received_at),
            arrivals: Set(1),
            reply: Set(None),
            replied_at: Set(None),
            replied_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        // The number is claimed by the unique index; one claimed meanwhile (an arrival of the
        // same order on another connection or node) rolls this ticket back.
        let claim: AlsoWrite = Box::new(move |txn, t| {
            Box::pin(async move {
                let mut row = row;
                row.ticket_id = Set(t.id.clone());
                let claimed = hotline_order::Entity::insert(row)
                    .on_conflict(
                        OnConflict::columns([
                            hotline_order::Column::CompanyId,
                            hotline_order::Column::OrderNo,
                        ])
                        .do_nothing()
                        .to_owned(),
                    )
                    .exec_without_returning(txn)
                    .await?;
                if claimed == 0 {
                    return Err(StorageError::AlreadyExists("hotline_order"));
                }
                Ok(())
            })
        });
        let arrival = Arrival {
            order: Some(PlatformOrder {
                order_no: order.order_no.clone(),
                accept_by: order.accept_by,
                finish_by: order.finish_by,
                answered_at: None,
            }),
            also: Some(claim),
        };
        let Opened { ticket, sla } = self
            .open_ticket_with(
                who,
                order.ticket_input(),
                now,
                Understanding::FromText,
                arrival,
            )
            .await?;
        Ok(OrderReceived {
            ticket,
            sla,
            created: true,
        })
    }

    /// A later arrival of a known order: what the platform changed (its deadlines, often
    /// extended; the request, supplemented; the caller; the street) replaces what the ticket
    /// had, and the timeline and the audit trail say what changed. The call time and the reply
    /// stay.
    async fn update_hotline_order(
        &self,
        who: &Principal,
        known: hotline_order::Model,
        order: &HotlineOrder,
        now: DateTime<Utc>,
    ) -> Result<OrderReceived> {
        if !who.sees_project(&known.project_id) {
            return Err(StorageError::NotFound("hotline_order"));
        }
        if known.project_id != order.project_id {
            return Err(StorageError::field("project_id", FieldErrorCode::Mismatch));
        }
        let sla = self.sla_context(&who.company_id).await?;
        let txn = self.begin_write().await?;
        let current = ticket::Entity::find()
            .filter(visible_to(who))
            .filter(ticket::Column::Id.eq(&known.ticket_id))
            .for_update(self.backend())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("hotline_order"))?;
        let before = platform_order_of(&current);
        let platform = PlatformOrder {
            order_no: order.order_no.clone(),
            accept_by: order.accept_by,
            finish_by: order.finish_by,
            answered_at: before.as_ref().and_then(|b| b.answered_at),
        };
        let mut changes = Map::new();
        let mut note = |field: &str, from: Value, to: Value| {
            if from != to {
                changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
            }
        };
        note("content", json!(current.description), json!(order.content));
        note(
            "accept_by",
            json!(before.as_ref().and_then(|b| b.accept_by)),
            json!(order.accept_by),
        );
        note(
            "finish_by",
            json!(before.as_ref().map(|b| b.finish_by)),
            json!(order.finish_by),
        );
        // The caller and the street as the platform sends them now; one left out stays.
        let caller_name = order.caller_name.clone().or(current.contact_name.clone());
        let caller_phone = order.caller_phone.clone().or(current.contact_phone.clone());
        let street = order.street.clone().or(known.street.clone());
        note(
            "caller_name",
            json!(current.contact_name),
            json!(caller_name),
        );
        note(
            "caller_phone",
            json!(current.contact_phone),
            json!(caller_phone),
        );
        note("street", json!(known.street), json!(street));
        let mut t: ticket::ActiveModel = current.clone().into();
        t.description = Set(order.content.clone());
        t.contact_name = Set(caller_name);
        t.contact_phone = Set(caller_phone);
        t.platform_order = Set(Some(json!(platform)));
        if !changes.is_empty() {
            t.updated_at = Set(now);
        }
        let updated = t.update(&txn).await?;
        let arrivals = known.arrivals + 1;
        let mut row: hotline_order::ActiveModel = known.into();
        row.arrivals = Set(arrivals);
        row.street = Set(street);
        row.updated_at = Set(now);
        row.update(&txn).await?;
        if !changes.is_empty() {
            let details =
                json!({ "order_no": order.order_no, "arrivals": arrivals, "changes": changes });
            timeline::record(
                &txn,
                who,
                &updated,
                "hotline_update",
                Visibility::Internal,
                details.clone(),
                now,
            )
            .await?;
            Audit::by(who, "hotline_order", &updated.id, "update")
                .record(&txn, details, now)
                .await?;
        }
        sync_clocks(&txn, &sla, std::slice::from_ref(&updated), now).await?;
        txn.commit().await?;
        Ok(OrderReceived {
            ticket: updated,
            sla,
            created: false,
        })
    }
}
