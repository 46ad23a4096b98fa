//! One identity per resident: an unknown sender binds their contact point to a resident with a
//! phone number and a one-time code (sent as a sign-in code, under the sign-in throttles), after
//! which their conversations and earlier messages are that resident's; and two resident records
//! found to be one person are merged, all history kept.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{ContactKind, ContactPoint, Direction};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QuerySelect, QueryTrait, SqlErr,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{
    contact_point, conversation, conversation_message, notification, resident, ticket,
};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sign_in_codes::SignInCode;
use crate::support::{Audit, new_id, require_admin};

/// What merging two resident records moved onto the one kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub resident: resident::Model,
    pub tickets: u64,
    pub conversations: u64,
    pub contact_points: u64,
    pub notifications: u64,
}

impl Store {
    /// Sends a one-time code to `phone` for binding the unknown sender of conversation `id`
    /// (desk staff, or the installation for a channel's own flow). Throttled as sign-in codes
    /// are; an unregistered phone gets nothing (None), which callers answer alike.
    pub async fn request_binding_code(
        &self,
        who: &Principal,
        id: &str,
        phone: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignInCode>> {
        self.unbound(who, id).await?;
        let phone = ContactPoint::new("phone", ContactKind::Phone, None, phone)?;
        // Counted whether registered or not: the throttles are those of signing in.
        self.issue_sign_in_code(phone.value(), client, now).await
    }

    /// Binds the unknown sender of conversation `id` to the resident of `phone`, once `code`
    /// (sent by [`Store::request_binding_code`]) is right: their contact point becomes the
    /// resident's, and every conversation and earlier message of it joins them.
    pub async fn bind_conversation(
        &self,
        who: &Principal,
        id: &str,
        phone: &str,
        code: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<conversation::Model> {
        let c = self.unbound(who, id).await?;
        let phone = ContactPoint::new("phone", ContactKind::Phone, None, phone)?;
        let homes = self
            .residents_by_phone(&c.company_id, phone.value())
            .await?;
        let chosen = c
            .project_id
            .as_ref()
            .and_then(|p| homes.iter().find(|r| &r.project_id == p))
            .or(homes.first())
            .cloned();
        let (txn, company_id) = self
            .use_code(phone.value(), code, client, now)
            .await
            .map_err(|e| match e {
                StorageError::Unauthenticated => {
                    StorageError::field("code", FieldErrorCode::Invalid)
                }
                other => other,
            })?;
        let Some(r) = chosen.filter(|_| company_id == c.company_id) else {
            return Err(StorageError::field("code", FieldErrorCode::Invalid));
        };
        let bound = contact_point::ActiveModel {
            company_id: Set(c.company_id.clone()),
            id: Set(new_id()),
            resident_id: Set(r.id.clone()),
            kind: Set(c.contact_kind.clone()),
            account: Set(c.contact_account.clone()),
            value: Set(c.contact_value.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        if let Err(e) = bound {
            return Err(
                if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                    StorageError::field("contact", FieldErrorCode::Taken)
                } else {
                    e.into()
                },
            );
        }
        let of_contact = Condition::all()
            .add(conversation::Column::CompanyId.eq(&c.company_id))
            .add(conversation::Column::ContactKind.eq(&c.contact_kind))
            .add(conversation::Column::ContactAccount.eq(&c.contact_account))
            .add(conversation::Column::ContactValue.eq(&c.contact_value))
            .add(conversation::Column::ResidentId.is_null());
        let joining = conversation::Entity::find()
            .select_only()
            .column(conversation::Column::Id)
            .filter(of_contact.clone())
            .into_query();
        conversation_message::Entity::update_many()
            .col_expr(
                conversation_message::Column::SenderId,
                Expr::value(r.id.clone()),
            )
            .filter(conversation_message::Column::CompanyId.eq(&c.company_id))
            .filter(conversation_message::Column::Direction.eq(Direction::In.as_str()))
            .filter(conversation_message::Column::ConversationId.in_subquery(joining))
            .exec(&txn)
            .await?;
        conversation::Entity::update_many()
            .col_expr(
                conversation::Column::ProjectId,
                Expr::value(r.project_id.clone()),
            )
            .filter(of_contact.clone())
            .filter(conversation::Column::ProjectId.is_null())
            .exec(&txn)
            .await?;
        let joined = conversation::Entity::update_many()
            .col_expr(conversation::Column::ResidentId, Expr::value(r.id.clone()))
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .filter(of_contact)
            .exec(&txn)
            .await?;
        Audit::by(who, "conversation", &c.id, "bind")
            .record(
                &txn,
                json!({ "resident_id": r.id, "contact_kind": c.contact_kind, "conversations": joined.rows_affected }),
                now,
            )
            .await?;
        txn.commit().await?;
        self.conversation(who, id).await
    }

    /// A conversation `who` may bind: seen by them (desk staff or the installation), its
    /// sender still unknown.
    async fn unbound(&self, who: &Principal, id: &str) -> Result<conversation::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        if c.resident_id.is_some() {
            return Err(StorageError::field("resident_id", FieldErrorCode::Taken));
        }
        Ok(c)
    }

    /// Merges resident record `from` into `into` (admins): tickets, conversations, contact
    /// points, messages and notifications move to the one kept, `from`'s phone becomes one of
    /// its contact points when it differs, and `from` is deleted; audited with what moved.
    pub async fn merge_residents(
        &self,
        who: &Principal,
        into_id: &str,
        from_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Merged> {
        require_admin(who)?;
        if into_id == from_id {
            return Err(StorageError::field(
                "from_resident_id",
                FieldErrorCode::Mismatch,
            ));
        }
        let into = self.resident(who, into_id).await?;
        let from = self.resident(who, from_id).await.map_err(|_| {
            StorageError::field("from_resident_id", FieldErrorCode::UnknownReference)
        })?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        let tickets = ticket::Entity::update_many()
            .col_expr(ticket::Column::ResidentId, Expr::value(into.id.clone()))
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::ResidentId.eq(&from.id))
            .exec(&txn)
            .await?
            .rows_affected;
        let conversations = conversation::Entity::update_many()
            .col_expr(
                conversation::Column::ResidentId,
                Expr::value(into.id.clone()),
            )
            .filter(conversation::Column::CompanyId.eq(company))
            .filter(conversation::Column::ResidentId.eq(&from.id))
            .exec(&txn)
            .await?
            .rows_affected;
        conversation_message::Entity::update_many()
            .col_expr(
                conversation_message::Column::SenderId,
                Expr::value(into.id.clone()),
            )
            .filter(conversation_message::Column::CompanyId.eq(company))
            .filter(conversation_message::Column::SenderId.eq(&from.id))
            .exec(&txn)
            .await?;
        let mut contact_points = contact_point::Entity::update_many()
            .col_expr(
                contact_point::Column::ResidentId,
                Expr::value(into.id.clone()),
            )
            .filter(contact_point::Column::CompanyId.eq(company))
            .filter(contact_point::Column::ResidentId.eq(&from.id))
            .exec(&txn)
            .await?
            .rows_affected;
        let mut notifications = 0;
        if from.phone != into.phone {
            contact_points += keep_phone(&txn, company, &into.id, &from.phone, now).await?;
            // The person's phone is their identity in the outbox: what the old record was
            // told is now told to the one kept, unless the old phone still has a record.
            let still_used = resident::Entity::find()
                .filter(resident::Column::CompanyId.eq(company))
                .filter(resident::Column::Phone.eq(&from.phone))
                .filter(resident::Column::Id.ne(&from.id))
                .one(&self.db)
                .await?
                .is_some();
            if !still_used {
                notifications = notification::Entity::update_many()
                    .col_expr(
                        notification::Column::RecipientId,
                        Expr::value(into.phone.clone()),
                    )
                    .filter(notification::Column::CompanyId.eq(company))
                    .filter(notification::Column::RecipientId.eq(&from.phone))
                    .exec(&txn)
                    .await?
                    .rows_affected;
            }
        }
        resident::Entity::delete_many()
            .filter(resident::Column::CompanyId.eq(company))
            .filter(resident::Column::Id.eq(&from.id))
            .exec(&txn)
            .await?;
        Audit::by(who, "resident", &into.id, "merge")
            .record(
                &txn,
                json!({
                    "from": { "id": from.id, "name": from.name, "phone": from.phone, "room_id": from.room_id },
                    "tickets": tickets, "conversations": conversations,
                    "contact_points": contact_points, "notifications": notifications,
                }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(Merged {
            resident: into,
            tickets,
            conversations,
            contact_points,
            notifications,
        })
    }
}

/// Keeps `phone` as a contact point of `resident_id` (nothing when it is one already).
async fn keep_phone(
    db: &impl ConnectionTrait,
    company_id: &str,
    resident_id: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let row = contact_point::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(new_id()),
        resident_id: Set(resident_id.to_owned()),
        kind: Set(ContactKind::Phone.as_str().to_owned()),
        account: Set(String::new()),
        value: Set(phone.to_owned()),
        created_at: Set(now),
    };
    let done = contact_point::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                contact_point::Column::CompanyId,
                contact_point::Column::Kind,
                contact_point::Column::Account,
                contact_point::Column::Value,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match done {
        Ok(n) => Ok(n),
        Err(sea_orm::DbErr::RecordNotInserted) => Ok(0),
        Err(e) => Err(e.into()),
    }
}
