//! Paid services (有偿服务): the project's price list, the bill a resolve makes from it, and the
//! resident's confirmation (or dispute) of that bill.

use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::{ChargeLine, ChargeStatus, NewPriceItem, amount};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{Audience, Reach};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::delivery::DeliverySetup;
use crate::entity::{price_item, ticket, ticket_charge};
use crate::error::{Result, StorageError};
use crate::notify::{audience_of, notify};
use crate::principal::Principal;
use crate::support::{Audit, new_id, require_admin};

impl Store {
    pub async fn create_price_item(
        &self,
        who: &Principal,
        input: NewPriceItem,
        now: DateTime<Utc>,
    ) -> Result<price_item::Model> {
        require_admin(who)?;
        self.project(who, &input.project_id)
            .await
            .map_err(|_| StorageError::field("project_id", FieldErrorCode::UnknownReference))?;
        let txn = self.begin_write().await?;
        let model = price_item::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            name: Set(input.name),
            unit: Set(input.unit),
            price_cents: Set(input.price_cents),
            active: Set(input.active),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "price_item", &model.id, "create")
            .record(
                &txn,
                json!({ "name": model.name, "unit": model.unit, "price_cents": model.price_cents }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// The price list of a project the caller sees.
    pub async fn price_items(
        &self,
        who: &Principal,
        project_id: &str,
    ) -> Result<Vec<price_item::Model>> {
        self.project(who, project_id).await?;
        Ok(price_item::Entity::find()
            .filter(price_item::Column::CompanyId.eq(&who.company_id))
            .filter(price_item::Column::ProjectId.eq(project_id))
            .order_by_asc(price_item::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// The lines of a bill from the project's active price list; an unknown item is refused.
    pub(crate) async fn bill(
        &self,
        t: &ticket::Model,
        lines: &[ChargeLine],
    ) -> Result<Vec<ticket_charge::Model>> {
        let mut bill = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let item =
                price_item::Entity::find_by_id((t.company_id.clone(), line.price_item_id.clone()))
                    .one(&self.db)
                    .await?
                    .filter(|p| p.active && p.project_id == t.project_id)
                    .ok_or_else(|| {
                        StorageError::field(
                            &format!("charges.{i}.price_item_id"),
                            FieldErrorCode::UnknownReference,
                        )
                    })?;
            bill.push(ticket_charge::Model {
                company_id: t.company_id.clone(),
                ticket_id: t.id.clone(),
                line: i32::try_from(i).unwrap_or(i32::MAX),
                price_item_id: item.id,
                name: item.name,
                unit: item.unit,
                unit_price_cents: item.price_cents,
                quantity: i32::try_from(line.quantity).unwrap_or(i32::MAX),
                amount_cents: amount(item.price_cents, line.quantity),
            });
        }
        Ok(bill)
    }

    /// The lines of a ticket's bill.
    pub async fn charges(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<Vec<ticket_charge::Model>> {
        let t = self.ticket(who, ticket_id).await?;
        Ok(ticket_charge::Entity::find()
            .filter(ticket_charge::Column::CompanyId.eq(&t.company_id))
            .filter(ticket_charge::Column::TicketId.eq(&t.id))
            .order_by_asc(ticket_charge::Column::Line)
            .all(&self.db)
            .await?)
    }
}

/// Replaces the ticket's bill (a resolve after rectification bills afresh) and asks the resident
/// to confirm it, in the resolve's transaction.
pub(crate) async fn write_bill(
    txn: &DatabaseTransaction,
    setup: &DeliverySetup,
    t: ticket::Model,
    bill: Vec<ticket_charge::Model>,
    now: DateTime<Utc>,
) -> Result<ticket::Model> {
    ticket_charge::Entity::delete_many()
        .filter(ticket_charge::Column::CompanyId.eq(&t.company_id))
        .filter(ticket_charge::Column::TicketId.eq(&t.id))
        .exec(txn)
        .await?;
    let total: i64 = bill.iter().map(|l| l.amount_cents).sum();
    ticket_charge::Entity::insert_many(bill.into_iter().map(ticket_charge::ActiveModel::from))
        .exec_without_returning(txn)
        .await?;
    let mut model: ticket::ActiveModel = t.into();
    model.charge_total_cents = Set(Some(total));
    model.charge_status = Set(Some(ChargeStatus::Pending.into()));
    let t = model.update(txn).await?;
    if let Some(phone) = &t.contact_phone {
        notify(
            txn,
            setup,
            (&t).into(),
            std::slice::from_ref(phone),
            NoticeKind::ChargesToConfirm,
            &json!({ "ticket_number": t.number, "total_cents": total }),
            now,
        )
        .await?;
    }
    Ok(t)
}

/// Records the resident's answer to the bill; a dispute goes to the project's supervisors.
pub(crate) async fn settle_bill(
    txn: &DatabaseTransaction,
    setup: &DeliverySetup,
    t: ticket::Model,
    accepted: bool,
    now: DateTime<Utc>,
) -> Result<ticket::Model> {
    let mut model: ticket::ActiveModel = t.into();
    model.charge_status = Set(Some(
        if accepted {
            ChargeStatus::Accepted
        } else {
            ChargeStatus::Disputed
        }
        .into(),
    ));
    let t = model.update(txn).await?;
    if !accepted {
        let supervisors = Audience::Rung {
            role: Role::Supervisor,
            reach: Reach::Project,
        };
        let to = audience_of(txn, &t.company_id, &t.project_id, &supervisors).await?;
        notify(
            txn,
            setup,
            (&t).into(),
            &to,
            NoticeKind::ChargesDisputed,
            &json!({ "ticket_number": t.number, "total_cents": t.charge_total_cents }),
            now,
        )
        .await?;
    }
    Ok(t)
}
