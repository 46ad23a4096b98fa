//! The orders the caller's projects received, newest first: a page for the list, or every one
//! of a period (up to [`MAX_EXPORT`]) for the export in the platform's columns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::closed_loop::figures_projects;
use crate::db::Store;
use crate::entity::{hotline_order, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest};

/// Orders one export holds at most: a month of a busy city district, and a bounded file.
pub const MAX_EXPORT: u64 = 5_000;

/// Which orders: of one project (else every project the caller sees), arrived in `[from, to)`,
/// answered or not.
#[derive(Debug, Clone, Default)]
pub struct HotlineOrderFilter {
    pub project_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub answered: Option<bool>,
}

/// An order with its ticket.
#[derive(Debug, Clone)]
pub struct HotlineOrderRow {
    pub order: hotline_order::Model,
    pub ticket: ticket::Model,
}

impl Store {
    /// A page of the orders `who` sees (desk roles), newest first.
    pub async fn hotline_orders(
        &self,
        who: &Principal,
        filter: &HotlineOrderFilter,
        page: PageRequest,
    ) -> Result<Page<HotlineOrderRow>> {
        let condition = matching(who, filter)?;
        let total = hotline_order::Entity::find()
            .filter(condition.clone())
            .count(&self.db)
            .await?;
        let orders = newest_first(condition)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(self.with_tickets(who, orders).await?, total))
    }

    /// The orders of a period for the export, newest first, at most [`MAX_EXPORT`].
    pub async fn hotline_export(
        &self,
        who: &Principal,
        filter: &HotlineOrderFilter,
    ) -> Result<Vec<HotlineOrderRow>> {
        let orders = newest_first(matching(who, filter)?)
            .limit(MAX_EXPORT)
            .all(&self.db)
            .await?;
        self.with_tickets(who, orders).await
    }

    /// The order behind a ticket the caller sees, if it came from the platform.
    pub async fn hotline_order_of(
        &self,
        who: &Principal,
        ticket: &ticket::Model,
    ) -> Result<Option<hotline_order::Model>> {
        if !who.role.is_desk() || ticket.company_id != who.company_id {
            return Ok(None);
        }
        Ok(
            hotline_order::Entity::find_by_id((who.company_id.clone(), ticket.id.clone()))
                .one(&self.db)
                .await?,
        )
    }

    /// Each order with its ticket, read in batches by key.
    async fn with_tickets(
        &self,
        who: &Principal,
        orders: Vec<hotline_order::Model>,
    ) -> Result<Vec<HotlineOrderRow>> {
        let mut tickets: HashMap<String, ticket::Model> = HashMap::new();
        for chunk in orders.chunks(500) {
            let ids: Vec<&str> = chunk.iter().map(|o| o.ticket_id.as_str()).collect();
            let found = ticket::Entity::find()
                .filter(ticket::Column::CompanyId.eq(&who.company_id))
                .filter(ticket::Column::Id.is_in(ids))
                .all(&self.db)
                .await?;
            tickets.extend(found.into_iter().map(|t| (t.id.clone(), t)));
        }
        Ok(orders
            .into_iter()
            .filter_map(|order| {
                let ticket = tickets.remove(&order.ticket_id)?;
                Some(HotlineOrderRow { order, ticket })
            })
            .collect())
    }
}

/// The orders of the filter within the caller's projects.
pub(super) fn matching(who: &Principal, filter: &HotlineOrderFilter) -> Result<Condition> {
    if !who.role.is_desk() {
        return Err(StorageError::Forbidden);
    }
    let mut condition = Condition::all().add(hotline_order::Column::CompanyId.eq(&who.company_id));
    if let Some(ids) = figures_projects(who, filter.project_id.as_deref())? {
        condition = condition.add(hotline_order::Column::ProjectId.is_in(ids));
    }
    if let Some(from) = filter.from {
        condition = condition.add(hotline_order::Column::ReceivedAt.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(hotline_order::Column::ReceivedAt.lt(to));
    }
    match filter.answered {
        Some(true) => condition = condition.add(hotline_order::Column::RepliedAt.is_not_null()),
        Some(false) => condition = condition.add(hotline_order::Column::RepliedAt.is_null()),
        None => {}
    }
    Ok(condition)
}

fn newest_first(condition: Condition) -> sea_orm::Select<hotline_order::Entity> {
    hotline_order::Entity::find()
        .filter(condition)
        .order_by_desc(hotline_order::Column::ReceivedAt)
        .order_by_desc(hotline_order::Column::TicketId)
}
