//! Rating links (评价链接): a resident rates a resolved ticket without signing in.
//!
//! The link is signed over the company, ticket, resolve round, nonce and expiry (see `signing`).
//! It expires with the rating window and is spent in the same transaction that applies the
//! rating, so it works once.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::closed_loop::Rating;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde_json::json;

use super::signing;
use crate::db::Store;
use crate::entity::{rating_link, ticket};
use crate::error::{Result, StorageError};
use crate::notify::notify;
use crate::principal::Principal;
use crate::support::ForUpdate;

/// What a rating link is for, shown before the resident rates.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingLinkInfo {
    pub ticket: ticket::Model,
    pub expires_at: DateTime<Utc>,
}

fn claims(link: &rating_link::Model) -> String {
    format!(
        "rate|{}|{}|{}|{}|{}",
        link.company_id,
        link.ticket_id,
        link.round,
        link.nonce,
        link.expires_at.timestamp()
    )
}

/// The link a token names, if its signature holds; anything else is "not found".
async fn verified(db: &impl ConnectionTrait, token: &str) -> Result<rating_link::Model> {
    let nonce = signing::nonce_of(token)?;
    let link = rating_link::Entity::find()
        .filter(rating_link::Column::Nonce.eq(nonce))
        .one(db)
        .await?
        .ok_or(StorageError::NotFound("link"))?;
    signing::verify(db, token, &claims(&link)).await?;
    Ok(link)
}

impl Store {
    /// Issues the resident a link to rate the resolve that just happened, through the outbox.
    pub(crate) async fn send_rating_link(
        &self,
        db: &impl ConnectionTrait,
        t: &ticket::Model,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(phone) = t.contact_phone.clone() else {
            return Ok(());
        };
        let link = rating_link::ActiveModel {
            company_id: Set(t.company_id.clone()),
            nonce: Set(signing::nonce()?),
            ticket_id: Set(t.id.clone()),
            round: Set(t.reopen_count),
            phone: Set(phone.clone()),
            expires_at: Set(now + Duration::days(i64::from(self.loop_rules.auto_close_days))),
            used_at: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        let token = signing::token(db, &link.nonce, &claims(&link)).await?;
        let details = json!({ "ticket_number": t.number, "token": token, "path": format!("/rate/{token}"), "expires_at": link.expires_at });
        notify(
            db,
            &self.delivery,
            t.into(),
            &[phone],
            NoticeKind::RatingLink,
            &details,
            now,
        )
        .await
    }

    /// What a link would rate, or why it cannot be used.
    pub async fn rating_link(&self, token: &str, now: DateTime<Utc>) -> Result<RatingLinkInfo> {
        let link = verified(&self.db, token).await?;
        let ticket = usable(&self.db, &link, now).await?;
        Ok(RatingLinkInfo {
            ticket,
            expires_at: link.expires_at,
        })
    }

    /// Applies the resident's rating through the link and spends it; a refused rating leaves the
    /// link usable and the ticket unchanged.
    pub async fn rate_by_link(
        &self,
        token: &str,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Result<ticket::Model> {
        let link = verified(&self.db, token).await?;
        let ctx = self.sla_context(&link.company_id).await?;
        let txn = self.begin_write().await?;
        let spent = rating_link::Entity::update_many()
            .col_expr(rating_link::Column::UsedAt, Expr::value(now))
            .filter(rating_link::Column::CompanyId.eq(&link.company_id))
            .filter(rating_link::Column::Nonce.eq(&link.nonce))
            .filter(rating_link::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(StorageError::LinkUsed);
        }
        let current = usable(&txn, &link, now).await?;
        let find = ticket::Entity::find_by_id((current.company_id.clone(), current.id.clone()))
            .for_update(self.backend());
        let current = find
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("rating link"))?;
        let households = current.household_id.iter().cloned().collect();
        let resident = Principal::resident(
            &link.company_id,
            &link.phone,
            current.contact_name.as_deref().unwrap_or_default(),
            households,
        );
        let updated = self
            .apply_in(
                &txn,
                &resident,
                current,
                &rating.into_action(),
                false,
                None,
                &ctx,
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(updated)
    }
}

/// The ticket a link rates, while the link can still be used for it.
async fn usable(
    db: &impl ConnectionTrait,
    link: &rating_link::Model,
    now: DateTime<Utc>,
) -> Result<ticket::Model> {
    if link.used_at.is_some() {
        return Err(StorageError::LinkUsed);
    }
    let ticket = ticket::Entity::find_by_id((link.company_id.clone(), link.ticket_id.clone()))
        .one(db)
        .await?
        .ok_or(StorageError::NotFound("rating link"))?;
    // A link rates one resolve: after a reopen, or once the ticket closed, it has lapsed.
    let current_round = ticket.reopen_count == link.round && ticket.status == Status::Resolved;
    if now > link.expires_at || !current_round {
        return Err(StorageError::LinkExpired);
    }
    // One rating per resolution: rated already (on their request page), the link is spent too.
    if ticket.rated_at.is_some() {
        return Err(StorageError::LinkUsed);
    }
    Ok(ticket)
}
