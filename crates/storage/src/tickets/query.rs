//! Reading tickets and their timelines, always within the reader's scope.

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::sla::{ClockState, SlaState};
use guanjia_domain::ticket::{Status, Visibility};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
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
    pub team_id: Option<String>,
    pub first_contact_owner_id: Option<String>,
    /// Reported at or after, and before: the tickets behind a figure of a period.
    pub reported_from: Option<DateTime<Utc>>,
    pub reported_to: Option<DateTime<Utc>>,
    /// A ticket number, part of a phone number, or words of the title or description.
    pub q: Option<String>,
    /// Tickets with an open clock past its first warning, or overdue, as of the given moment.
    /// Listed by deadline, whatever `order` says.
    pub sla_state: Option<(SlaState, DateTime<Utc>)>,
    /// Resolved tickets waiting for this staff member's follow-up call.
    pub awaiting_follow_up_by: Option<String>,
    /// 我的: tickets this staff member owns from first contact or is assigned.
    pub mine_of: Option<String>,
    pub order: TicketOrder,
}

/// The order of a ticket list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TicketOrder {
    /// The newest first.
    #[default]
    Newest,
    /// The nearest deadline still counting first, the most overdue before all; tickets with no
    /// clock counting come last, oldest first.
    Deadline,
}

/// Where a keyset page starts: right after this ticket, in the list's order. `at` is what the
/// list is ordered by: the creation time (newest first), or the deadline (None: none counting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub at: Option<DateTime<Utc>>,
    pub id: String,
}

impl After {
    /// The cursor as clients pass it back: the time in nanoseconds (or `n`), `_`, the id.
    pub fn encode(&self) -> String {
        let at = self
            .at
            .and_then(|at| at.timestamp_nanos_opt())
            .map_or_else(|| "n".to_owned(), |nanos| nanos.to_string());
        format!("{at}_{}", self.id)
    }

    /// A cursor made by `encode`; None for anything else.
    pub fn decode(cursor: &str) -> Option<After> {
        let (at, id) = cursor.split_once('_')?;
        let at = match at {
            "n" => None,
            nanos => Some(DateTime::from_timestamp_nanos(nanos.parse().ok()?)),
        };
        let valid = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        valid.then(|| After {
            at,
            id: id.to_owned(),
        })
    }
}

/// A keyset page: the tickets after the cursor, how many match in all, and the cursor of the
/// next page when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPage {
    pub items: Vec<ticket::Model>,
    pub total: u64,
    pub next: Option<After>,
}

/// The column the queue is ordered by; not in the entity (see migration m0013).
pub(crate) const NEXT_DUE_AT: &str = "next_due_at";

fn next_due_at() -> Expr {
    Expr::col((ticket::Entity, Alias::new(NEXT_DUE_AT)))
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

    /// A page of the tickets `who` sees under `filter`, by its number.
    pub async fn tickets(
        &self,
        who: &Principal,
        filter: TicketFilter,
        page: PageRequest,
    ) -> Result<Page<ticket::Model>> {
        let order = order_of(&filter);
        let (query, total) = self.matching(who, filter).await?;
        let items = ordered(query, order)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// The `per_page` tickets `who` sees under `filter` right after `after` (from the first
    /// without it), walking an index whatever the depth, and the next page's cursor.
    pub async fn tickets_after(
        &self,
        who: &Principal,
        filter: TicketFilter,
        per_page: u64,
        after: Option<&After>,
    ) -> Result<TicketPage> {
        let order = order_of(&filter);
        let (query, total) = self.matching(who, filter).await?;
        let wanted = per_page + 1;
        let mut items = match order {
            TicketOrder::Newest => {
                let mut query = query;
                if let Some(after) = after {
                    let at = after.at.ok_or(StorageError::field(
                        "after",
                        guanjia_domain::validation::FieldErrorCode::Invalid,
                    ))?;
                    query = query.filter(
                        Condition::any().add(ticket::Column::CreatedAt.lt(at)).add(
                            Condition::all()
                                .add(ticket::Column::CreatedAt.eq(at))
                                .add(ticket::Column::Id.lt(after.id.clone())),
                        ),
                    );
                }
                ordered(query, order).limit(wanted).all(&self.db).await?
            }
            TicketOrder::Deadline => self.by_deadline(query, wanted, after).await?,
        };
        let next = if items.len() as u64 > per_page {
            items.truncate(per_page as usize);
            match items.last() {
                Some(last) => Some(self.cursor_of(last, order).await?),
                None => None,
            }
        } else {
            None
        };
        Ok(TicketPage { items, total, next })
    }

    /// The cursor right after `last` in `order`.
    async fn cursor_of(&self, last: &ticket::Model, order: TicketOrder) -> Result<After> {
        let at = match order {
            TicketOrder::Newest => Some(last.created_at),
            TicketOrder::Deadline => ticket::Entity::find()
                .select_only()
                .expr(next_due_at())
                .filter(ticket::Column::CompanyId.eq(&last.company_id))
                .filter(ticket::Column::Id.eq(&last.id))
                .into_tuple::<Option<DateTime<Utc>>>()
                .one(&self.db)
                .await?
                .flatten(),
        };
        Ok(After {
            at,
            id: last.id.clone(),
        })
    }

    /// Up to `limit` tickets of `query` after `after` by deadline: first those with a deadline
    /// (one index walk, from the cursor on), then, when those run out, those without. Two
    /// queries rather than one ORDER BY over both, which no index serves and which the two
    /// databases would order differently (NULLs first on SQLite, last on PostgreSQL).
    async fn by_deadline(
        &self,
        query: Select<ticket::Entity>,
        limit: u64,
        after: Option<&After>,
    ) -> Result<Vec<ticket::Model>> {
        let mut items = Vec::new();
        if after.is_none_or(|a| a.at.is_some()) {
            let mut due = query.clone().filter(next_due_at().is_not_null());
            if let Some(After { at: Some(at), id }) = after {
                due = due.filter(
                    Condition::any().add(next_due_at().gt(*at)).add(
                        Condition::all()
                            .add(next_due_at().eq(*at))
                            .add(ticket::Column::Id.gt(id.clone())),
                    ),
                );
            }
            items = due
                .order_by(next_due_at(), Order::Asc)
                .order_by_asc(ticket::Column::Id)
                .limit(limit)
                .all(&self.db)
                .await?;
        }
        let left = limit - items.len() as u64;
        if left > 0 {
            let mut none = query.filter(next_due_at().is_null());
            if let Some(After { at: None, id }) = after {
                none = none.filter(ticket::Column::Id.gt(id.clone()));
            }
            items.extend(
                none.order_by_asc(ticket::Column::Id)
                    .limit(left)
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(items)
    }

    /// The tickets `who` sees under `filter`, and how many. A search for a whole ticket number
    /// or phone answers from their indexes alone when it finds something; the scan of words and
    /// phone fragments is for the rest.
    async fn matching(
        &self,
        who: &Principal,
        filter: TicketFilter,
    ) -> Result<(Select<ticket::Entity>, u64)> {
        let q = filter
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned);
        let base = ticket::Entity::find().filter(conditions(who, filter));
        let Some(q) = q else {
            let total = base.clone().count(&self.db).await?;
            return Ok((base, total));
        };
        let exact = base.clone().filter(exactly(&who.company_id, &q));
        let total = exact.clone().count(&self.db).await?;
        if total > 0 {
            return Ok((exact, total));
        }
        let searched = base.filter(search(&q));
        let total = searched.clone().count(&self.db).await?;
        Ok((searched, total))
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
/// unfinished); paused and finished clocks press on nobody. What `next_due_at` keeps. The state
/// is tested inside MIN rather than in WHERE, so that the ticket's clocks are found by their
/// primary key: with the state in WHERE, SQLite went through every counting clock of the company
/// by the (company, state, due time) index, and each creation was slower than the last.
pub(crate) fn earliest_open_due() -> Expr {
    let (running, breached) = (ClockState::Running.as_str(), ClockState::Breached.as_str());
    Expr::cust(format!(
        "(SELECT MIN(CASE WHEN c.state IN ('{running}', '{breached}') THEN c.due_at END) FROM sla_clocks c \
         WHERE c.company_id = tickets.company_id AND c.ticket_id = tickets.id AND c.finished_at IS NULL)"
    ))
}

/// A list at risk comes by lateness whatever was asked.
fn order_of(filter: &TicketFilter) -> TicketOrder {
    if filter.sla_state.is_some() {
        TicketOrder::Deadline
    } else {
        filter.order
    }
}

/// `query` in `order`, for a page by number; ties broken by id, so every ticket has one place.
fn ordered(query: Select<ticket::Entity>, order: TicketOrder) -> Select<ticket::Entity> {
    match order {
        TicketOrder::Newest => query
            .order_by_desc(ticket::Column::CreatedAt)
            .order_by_desc(ticket::Column::Id),
        // Tickets with no deadline last on both databases, as `by_deadline` lists them.
        TicketOrder::Deadline => query
            .order_by(next_due_at().is_null(), Order::Asc)
            .order_by(next_due_at(), Order::Asc)
            .order_by_asc(ticket::Column::Id),
    }
}

/// What `filter` asks of the tickets `who` sees, but its search.
fn conditions(who: &Principal, filter: TicketFilter) -> Condition {
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
        (ticket::Column::TeamId, filter.team_id),
        (
            ticket::Column::FirstContactOwnerId,
            filter.first_contact_owner_id,
        ),
    ];
    for (column, value) in exact {
        if let Some(value) = value {
            condition = condition.add(column.eq(value));
        }
    }
    if let Some(from) = filter.reported_from {
        condition = condition.add(ticket::Column::ReportedAt.gte(from));
    }
    if let Some(to) = filter.reported_to {
        condition = condition.add(ticket::Column::ReportedAt.lt(to));
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
        condition =
            condition.add(ticket::Column::Id.in_subquery(clocks_in(&who.company_id, state, now)));
        if state == SlaState::Warning {
            // About to be late, not late already: an overdue ticket is listed as breached.
            condition = condition.add(ticket::Column::Id.not_in_subquery(clocks_in(
                &who.company_id,
                SlaState::Breached,
                now,
            )));
        }
    }
    condition
}

/// The digits of `q` when it reads as (part of) a phone number: at least four digits, and
/// nothing else but spaces and dashes.
fn phone_digits(q: &str) -> Option<String> {
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let phone_like = digits.len() >= 4
        && digits.len()
            == q.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .count();
    phone_like.then_some(digits)
}

/// The tickets `q` names exactly: by number, or by the whole phone. Each an indexed look-up,
/// their ids joined by UNION: an OR of the two would make SQLite scan every ticket.
fn exactly(company_id: &str, q: &str) -> Condition {
    let ids_where = |condition: Condition| {
        ticket::Entity::find()
            .select_only()
            .column(ticket::Column::Id)
            .filter(ticket::Column::CompanyId.eq(company_id))
            .filter(condition)
            .into_query()
    };
    let mut ids = ids_where(Condition::all().add(ticket::Column::Number.eq(q.to_uppercase())));
    if let Some(digits) = phone_digits(q) {
        ids.union(
            UnionType::All,
            ids_where(Condition::all().add(ticket::Column::ContactPhone.eq(digits))),
        );
    }
    Condition::all().add(ticket::Column::Id.in_subquery(ids))
}

/// What `q` matches: the number exactly, a phone by its digits, or words in the text.
fn search(q: &str) -> Condition {
    let mut any = Condition::any()
        .add(ticket::Column::Number.eq(q.to_uppercase()))
        .add(contains_literally(ticket::Column::Title, q))
        .add(contains_literally(ticket::Column::Description, q));
    if let Some(digits) = phone_digits(q) {
        any = any.add(contains_literally(ticket::Column::ContactPhone, &digits));
    }
    any
}
