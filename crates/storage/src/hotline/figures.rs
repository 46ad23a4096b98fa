//! 按时办结率: of the orders that arrived in a period, how many were answered within the
//! platform's own deadline. Counted in SQL over the 办结 clocks the SLA engine keeps, so the
//! figure and the ticket's deadline never disagree.

use chrono::{DateTime, Utc};
use guanjia_domain::sla::{ClockName, ClockState};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType};
use sea_orm::{Condition, EntityTrait, QueryFilter, QuerySelect, RelationDef};

use super::orders::{HotlineOrderFilter, matching};
use crate::db::Store;
use crate::entity::{hotline_order, sla_clock};
use crate::error::Result;
use crate::principal::Principal;

/// The on-time figure of the orders received in a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HotlineFigures {
    pub orders: u64,
    /// With a complete handling result.
    pub answered: u64,
    /// Answered by the platform's 办结 deadline.
    pub answered_in_time: u64,
    /// Answered after it.
    pub answered_late: u64,
    /// Not answered, and past the deadline already.
    pub overdue: u64,
    /// `answered_in_time` ÷ the orders whose outcome is known (answered, or overdue); None when
    /// there is none yet.
    pub on_time_rate: Option<f64>,
}

/// Orders, then the sums: answered, in time, late, overdue (null over no rows).
type Counts = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// An order's 办结 clock (the entities declare no relations: joins are spelled out).
fn finish_clock() -> RelationDef {
    hotline_order::Entity::belongs_to(sla_clock::Entity)
        .from((
            hotline_order::Column::CompanyId,
            hotline_order::Column::TicketId,
        ))
        .to((sla_clock::Column::CompanyId, sla_clock::Column::TicketId))
        .on_condition(|_, clock| {
            Condition::all().add(
                Expr::col((clock, sla_clock::Column::Name)).eq(ClockName::HotlineFinish.as_str()),
            )
        })
        .into()
}

/// `1` where `condition` holds, summed.
fn count_where(condition: sea_orm::sea_query::SimpleExpr) -> sea_orm::sea_query::SimpleExpr {
    Expr::case(condition, 1).finally(0).sum()
}

impl Store {
    /// The figure over the orders `filter` picks (its `answered` is not used), as of `now`.
    pub async fn hotline_figures(
        &self,
        who: &Principal,
        filter: &HotlineOrderFilter,
        now: DateTime<Utc>,
    ) -> Result<HotlineFigures> {
        let filter = HotlineOrderFilter {
            answered: None,
            ..filter.clone()
        };
        let clock = |column: sla_clock::Column| Expr::col((sla_clock::Entity, column));
        let finished = clock(sla_clock::Column::FinishedAt).is_not_null();
        let counts: Option<Counts> = hotline_order::Entity::find()
            .select_only()
            .column_as(
                Expr::col((hotline_order::Entity, hotline_order::Column::TicketId)).count(),
                "orders",
            )
            .column_as(
                count_where(
                    Expr::col((hotline_order::Entity, hotline_order::Column::RepliedAt))
                        .is_not_null(),
                ),
                "answered",
            )
            .column_as(
                count_where(
                    clock(sla_clock::Column::State)
                        .eq(ClockState::Met.as_str())
                        .and(finished.clone()),
                ),
                "in_time",
            )
            .column_as(
                count_where(
                    clock(sla_clock::Column::State)
                        .eq(ClockState::Breached.as_str())
                        .and(finished),
                ),
                "late",
            )
            .column_as(
                count_where(
                    clock(sla_clock::Column::FinishedAt)
                        .is_null()
                        .and(clock(sla_clock::Column::DueAt).lt(now)),
                ),
                "overdue",
            )
            .join(JoinType::LeftJoin, finish_clock())
            .filter(matching(who, &filter)?)
            .into_tuple()
            .one(&self.db)
            .await?;
        let (orders, answered, in_time, late, overdue) = counts.unwrap_or_default();
        let n = |v: Option<i64>| u64::try_from(v.unwrap_or(0)).unwrap_or(0);
        let (in_time, late, overdue) = (n(in_time), n(late), n(overdue));
        let decided = in_time + late + overdue;
        Ok(HotlineFigures {
            orders: n(Some(orders)),
            answered: n(answered),
            answered_in_time: in_time,
            answered_late: late,
            overdue,
            on_time_rate: (decided > 0).then(|| in_time as f64 / decided as f64),
        })
    }
}
