//! Filing tickets stored before the duplicate check had problem keys: each ticket understood from
//! its text is filed under its keys from the facts it was stored with. Read a page at a time in
//! primary-key order, so a database of a million tickets is never held in memory at once.

use chrono::{DateTime, Utc};
use guanjia_intake::TicketFacts;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{ticket, ticket_problem_key};
use crate::tickets::problem_key_rows;

/// Tickets read per page.
const PAGE: u64 = 1_000;

/// What filing a ticket reads: company, id, project, reported at, facts.
type Understood = (
    String,
    String,
    String,
    DateTime<Utc>,
    Option<serde_json::Value>,
);

/// Files every understood ticket under its problem keys; answers how many tickets were read.
pub(crate) async fn refile_understood(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    refile_in_pages(db, PAGE).await
}

pub(crate) async fn refile_in_pages(db: &impl ConnectionTrait, page: u64) -> Result<u64, DbErr> {
    let mut after: Option<(String, String)> = None;
    let mut read = 0;
    loop {
        // Only the columns filing reads: later migrations add columns to the entity.
        let mut query = ticket::Entity::find()
            .select_only()
            .column(ticket::Column::CompanyId)
            .column(ticket::Column::Id)
            .column(ticket::Column::ProjectId)
            .column(ticket::Column::ReportedAt)
            .column(ticket::Column::Facts)
            .filter(ticket::Column::Facts.is_not_null())
            .order_by_asc(ticket::Column::CompanyId)
            .order_by_asc(ticket::Column::Id)
            .limit(page);
        if let Some((company_id, id)) = &after {
            query = query.filter(
                Expr::tuple([
                    Expr::col(ticket::Column::CompanyId),
                    Expr::col(ticket::Column::Id),
                ])
                .gt(Expr::tuple([
                    Expr::val(company_id.as_str()),
                    Expr::val(id.as_str()),
                ])),
            );
        }
        let understood: Vec<Understood> = query.into_tuple().all(db).await?;
        let Some((company_id, id, ..)) = understood.last() else {
            return Ok(read);
        };
        after = Some((company_id.clone(), id.clone()));
        read += understood.len() as u64;
        for (company_id, id, project_id, reported_at, facts) in understood {
            let Some(facts) = facts.and_then(|f| serde_json::from_value::<TicketFacts>(f).ok())
            else {
                continue;
            };
            let rows = problem_key_rows(&company_id, &id, &project_id, reported_at, &facts);
            if !rows.is_empty() {
                ticket_problem_key::Entity::insert_many(rows)
                    .exec(db)
                    .await?;
            }
        }
    }
}
