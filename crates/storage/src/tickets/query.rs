//! Reading tickets and their timelines, always within the reader's scope.

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::sla::{ClockState, SlaState};
use guanjia_domain::ticket::{Status, Visibility};
use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::{timeline, visible_to};
use crate::db::Store;
use crate::entity::{sla_clock, ticket, ticket_event};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest, contains_literally};

/// Filters of the ticket list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub statuses: Vec<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub channel: Option<String>,
    pub project_id: Option<String>,
    pub assignee_id: Option<String>,
    pub room_id: Option<String>,
    /// A ticket number, part of a phone number, or words of the title or description.
    pub q: Option<String>,
    /// Tickets with an open clock past its first warning, or overdue, as of the given moment.
    pub sla_state: Option<(SlaState, DateTime<Utc>)>,
    /// Resolved tickets waiting for this staff member's follow-up call.
    pub awaiting_follow_up_by: Option<String>,
    /// 我的: tickets this staff member owns from first contact or is assigned.
    pub mine_of: Option<String>,
}

impl Store {
    pub async fn ticket(&self, who: &Principal, id: &str) -> Result<ticket::Model> {
        ticket::Entity::find()
            .filter(visible_to(who))
            .filter(ticket::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("ticket"))
    }

    pub async fn tickets(
        &self,
        who: &Principal,
        filter: TicketFilter,
        page: PageRequest,
    ) -> Result<Page<ticket::Model>> {
        let mut condition = visible_to(who);
        if !filter.statuses.is_empty() {
            condition = condition.add(ticket::Column::Status.is_in(filter.statuses));
        }
        let exact = [
            (ticket::Column::Kind, filter.kind),
            (ticket::Column::Category, filter.category),
            (ticket::Column::Urgency, filter.urgency),
            (ticket::Column::Channel, filter.channel),
            (ticket::Column::ProjectId, filter.project_id),
            (ticket::Column::AssigneeId, filter.assignee_id),
            (ticket::Column::RoomId, filter.room_id),
        ];
        for (column, value) in exact {
            if let Some(value) = value {
                condition = condition.add(column.eq(value));
            }
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            condition = condition.add(search(q));
        }
        if let Some(owner) = filter.awaiting_follow_up_by {
            condition = condition
                .add(ticket::Column::FollowUpOwnerId.eq(owner))
                .add(ticket::Column::Status.eq(Status::Resolved.as_str()))
                .add(ticket::Column::FollowUpResult.is_null());
        }
        if let Some(me) = filter.mine_of {
            condition = condition.add(
                Condition::any()
                    .add(ticket::Column::FirstContactOwnerId.eq(me.clone()))
                    .add(ticket::Column::AssigneeId.eq(me)),
            );
        }
        if let Some((state, now)) = filter.sla_state {
            condition = condition.add(ticket::Column::Id.in_subquery(clocks_in(
                &who.company_id,
                state,
                now,
            )));
            if state == SlaState::Warning {
                // About to be late, not late already: an overdue ticket is listed as breached.
                condition = condition.add(ticket::Column::Id.not_in_subquery(clocks_in(
                    &who.company_id,
                    SlaState::Breached,
                    now,
                )));
            }
        }
        let mut query = ticket::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        if filter.sla_state.is_some() {
            // Tickets at risk come by lateness: the most overdue, then the nearest due, first.
            query = query.order_by(earliest_open_due(), Order::Asc);
        }
        let items = query
            .order_by_desc(ticket::Column::CreatedAt)
            .order_by_desc(ticket::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// The timeline of a ticket, oldest first; residents see only what is meant for them.
    pub async fn ticket_events(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<Vec<ticket_event::Model>> {
        self.ticket(who, ticket_id).await?;
        let mut query = ticket_event::Entity::find()
            .filter(ticket_event::Column::CompanyId.eq(&who.company_id))
            .filter(ticket_event::Column::TicketId.eq(ticket_id));
        let for_resident = who.role == Role::Resident;
        if for_resident {
            query =
                query.filter(ticket_event::Column::Visibility.eq(Visibility::Resident.as_str()));
        }
        let events = query
            .order_by_asc(ticket_event::Column::CreatedAt)
            .order_by_asc(ticket_event::Column::Id)
            .all(&self.db)
            .await?;
        Ok(if for_resident {
            events.into_iter().map(timeline::for_resident).collect()
        } else {
            events
        })
    }
}

/// The tickets with an open clock in `state` at `now`, from the stored clocks.
pub(crate) fn clocks_in(company_id: &str, state: SlaState, now: DateTime<Utc>) -> SelectStatement {
    let running = sla_clock::Column::State.eq(ClockState::Running.as_str());
    let matching = match state {
        SlaState::Warning => Condition::all()
            .add(running)
            .add(sla_clock::Column::WarnAt.lte(now))
            .add(sla_clock::Column::DueAt.gte(now)),
        SlaState::Breached => Condition::any()
            .add(sla_clock::Column::State.eq(ClockState::Breached.as_str()))
            .add(
                Condition::all()
                    .add(running)
                    .add(sla_clock::Column::DueAt.lt(now)),
            ),
    };
    sla_clock::Entity::find()
        .select_only()
        .column(sla_clock::Column::TicketId)
        .filter(sla_clock::Column::CompanyId.eq(company_id))
        .filter(sla_clock::Column::FinishedAt.is_null())
        .filter(matching)
        .into_query()
}

/// The ticket's earliest due time among its clocks still counting (running, or overdue and
/// unfinished); paused and finished clocks press on nobody.
fn earliest_open_due() -> Expr {
    let (running, breached) = (ClockState::Running.as_str(), ClockState::Breached.as_str());
    Expr::cust(format!(
        "(SELECT MIN(c.due_at) FROM sla_clocks c WHERE c.company_id = tickets.company_id AND c.ticket_id = tickets.id \
         AND c.finished_at IS NULL AND c.state IN ('{running}', '{breached}'))"
    ))
}

/// What `q` matches: the number exactly, a phone by its digits, or words in the text.
fn search(q: &str) -> Condition {
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let mut any = Condition::any()
        .add(ticket::Column::Number.eq(q.to_uppercase()))
        .add(contains_literally(ticket::Column::Title, q))
        .add(contains_literally(ticket::Column::Description, q));
    if digits.len() >= 4
        && digits.len()
            == q.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .count()
    {
        any = any.add(contains_literally(ticket::Column::ContactPhone, &digits));
    }
    any
}
