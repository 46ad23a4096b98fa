//! Who an announcement reaches, as one SQL statement over residents and their rooms: counted
//! for a preview, or read a batch at a time for sending, never all at once.

use guanjia_domain::announcement::Audience;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::entity::{resident, resident_tag, room};
use crate::error::Result;

/// People (phones) sent to in one step of a send.
pub(crate) const BATCH: u64 = 1_000;

/// The residents of `project_id` in `audience`, joined to their rooms, with no columns yet.
fn matching(company_id: &str, project_id: &str, audience: &Audience) -> SelectStatement {
    let r = |c: resident::Column| Expr::col((resident::Entity, c));
    let m = |c: room::Column| Expr::col((room::Entity, c));
    let mut q = Query::select();
    q.from(resident::Entity)
        .inner_join(
            room::Entity,
            m(room::Column::CompanyId)
                .equals((resident::Entity, resident::Column::CompanyId))
                .and(m(room::Column::Id).equals((resident::Entity, resident::Column::RoomId))),
        )
        .and_where(r(resident::Column::CompanyId).eq(company_id))
        .and_where(r(resident::Column::ProjectId).eq(project_id));
    if !audience.building_ids.is_empty() {
        q.and_where(m(room::Column::BuildingId).is_in(audience.building_ids.iter().cloned()));
    }
    if !audience.units.is_empty() {
        let mut any = sea_orm::Condition::any();
        for u in &audience.units {
            any = any.add(
                m(room::Column::BuildingId)
                    .eq(u.building_id.as_str())
                    .and(m(room::Column::Unit).eq(u.unit.as_str())),
            );
        }
        q.cond_where(any);
    }
    if !audience.tiers.is_empty() {
        q.and_where(r(resident::Column::Tier).is_in(audience.tiers.iter().map(|t| t.as_str())));
    }
    if !audience.room_kinds.is_empty() {
        q.and_where(m(room::Column::Kind).is_in(audience.room_kinds.iter().map(|k| k.as_str())));
    }
    if !audience.tags.is_empty() {
        let tagged = resident_tag::Entity::find()
            .select_only()
            .column(resident_tag::Column::ResidentId)
            .filter(resident_tag::Column::CompanyId.eq(company_id))
            .filter(resident_tag::Column::Code.is_in(audience.tags.iter().cloned()))
            .into_query();
        q.and_where(r(resident::Column::Id).in_subquery(tagged));
    }
    q
}

/// How many people `audience` reaches now.
pub(crate) async fn count(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    audience: &Audience,
) -> Result<u64> {
    let mut q = matching(company_id, project_id, audience);
    q.expr_as(
        Func::count_distinct(Expr::col((resident::Entity, resident::Column::Phone))),
        "n",
    );
    let row = db.query_one(&q).await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// The next [`BATCH`] people after `after` (by phone): (phone, one of their resident ids).
pub(crate) async fn batch(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    audience: &Audience,
    after: Option<&str>,
) -> Result<Vec<(String, String)>> {
    let phone = Expr::col((resident::Entity, resident::Column::Phone));
    let mut q = matching(company_id, project_id, audience);
    q.expr_as(phone.clone(), "phone")
        .expr_as(
            Func::min(Expr::col((resident::Entity, resident::Column::Id))),
            "resident_id",
        )
        .group_by_col((resident::Entity, resident::Column::Phone))
        .order_by((resident::Entity, resident::Column::Phone), Order::Asc)
        .limit(BATCH);
    if let Some(after) = after {
        q.and_where(phone.gt(after));
    }
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "phone")?, row.try_get("", "resident_id")?)))
        .collect()
}
