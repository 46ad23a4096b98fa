//! Settling a history loaded in one go. The demo company's two months are replayed through the
//! state machine in a moment, with no scheduler watching: every warning, escalation, reassignment
//! and auto-close its open tickets passed on the way would otherwise all fire on the first sweep,
//! a burst of stale notifications about weeks-old tickets.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db::Store;
use crate::entity::sla_step;
use crate::error::Result;
use crate::principal::Principal;
use crate::support::{Audit, require_admin};

impl Store {
    /// Marks each of the company's steps due by `now` and not fired as fired at its own time,
    /// writing no timeline entry or notification; steps still ahead fire as usual. Returns how
    /// many were settled.
    pub async fn settle_past_steps(&self, who: &Principal, now: DateTime<Utc>) -> Result<u64> {
        require_admin(who)?;
        let txn = self.begin_write().await?;
        let settled = sla_step::Entity::update_many()
            .col_expr(
                sla_step::Column::FiredAt,
                Expr::col(sla_step::Column::FireAt),
            )
            .col_expr(
                sla_step::Column::FireAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                sla_step::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                sla_step::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(sla_step::Column::CompanyId.eq(&who.company_id))
            .filter(sla_step::Column::FiredAt.is_null())
            .filter(sla_step::Column::FireAt.lte(now))
            .exec(&txn)
            .await?
            .rows_affected;
        Audit::by(who, "sla_steps", &who.company_id, "settle")
            .record(&txn, json!({ "settled": settled, "due_by": now }), now)
            .await?;
        txn.commit().await?;
        Ok(settled)
    }
}
