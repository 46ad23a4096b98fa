//! Incidents (事件): one real-world problem that several tickets report. The tickets a duplicate
//! link joins (an original and its duplicates) form one automatically; the desk can also gather
//! tickets into one by hand. An incident is closed while all its tickets are closed or cancelled.
//! Webhooks hear `incident.opened` from [`open_around`] and `incident.closed` from [`settle`], the
//! only places an incident is formed and closed, in the transaction of the change.

use chrono::{DateTime, Utc};
use guanjia_domain::machine::webhook::WebhookEvent;
use guanjia_domain::ticket::{Action, Change, Status, Visibility};
use guanjia_domain::validation::FieldErrorCode;
use guanjia_intake::TicketFacts;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{incident, ticket};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, new_id};
use crate::tickets::{timeline, visible_to};
use crate::webhooks::{Event, SubscriptionCache, emit, incident_data};

/// Tickets gathered into an incident by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub title: String,
    pub ticket_ids: Vec<String>,
}

/// Filters of the incident list.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub project_id: Option<String>,
    /// Only open ones (true) or only closed ones (false).
    pub open: Option<bool>,
}

/// Where a ticket's text says it is, as residents say it (3栋2单元).
fn place_of(t: &ticket::Model) -> Option<String> {
    let facts: TicketFacts = serde_json::from_value(t.facts.clone()?).ok()?;
    let place: String = [facts.location.building, facts.location.unit]
        .into_iter()
        .flatten()
        .collect();
    (!place.is_empty()).then_some(place)
}

/// Moves an incident's count of tickets by `by`, in SQL, so concurrent changes add up.
async fn count(
    db: &impl ConnectionTrait,
    company_id: &str,
    incident_id: &str,
    by: i32,
) -> Result<()> {
    incident::Entity::update_many()
        .col_expr(
            incident::Column::TicketCount,
            Expr::col(incident::Column::TicketCount).add(by),
        )
        .filter(incident::Column::CompanyId.eq(company_id))
        .filter(incident::Column::Id.eq(incident_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Closes an incident whose tickets are all closed or cancelled (telling webhooks), and opens it
/// again otherwise.
async fn settle(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    company_id: &str,
    incident_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let finished = [Status::Closed.as_str(), Status::Cancelled.as_str()];
    // One open ticket is enough to know: an outage's incident may gather thousands.
    let any_open: Option<String> = ticket::Entity::find()
        .select_only()
        .column(ticket::Column::Id)
        .filter(ticket::Column::CompanyId.eq(company_id))
        .filter(ticket::Column::IncidentId.eq(incident_id))
        .filter(ticket::Column::Status.is_not_in(finished))
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let closing = any_open.is_none();
    let (closed_at, still) = if closing {
        (Expr::value(Some(now)), incident::Column::ClosedAt.is_null())
    } else {
        (
            Expr::value(Option::<DateTime<Utc>>::None),
            incident::Column::ClosedAt.is_not_null(),
        )
    };
    let moved = incident::Entity::update_many()
        .col_expr(incident::Column::ClosedAt, closed_at)
        .filter(incident::Column::CompanyId.eq(company_id))
        .filter(incident::Column::Id.eq(incident_id))
        .filter(still)
        .exec(db)
        .await?;
    if closing && moved.rows_affected > 0 {
        let closed = incident::Entity::find_by_id((company_id.to_owned(), incident_id.to_owned()))
            .one(db)
            .await?
            .ok_or(StorageError::NotFound("incident"))?;
        tell(db, webhooks, &closed, WebhookEvent::IncidentClosed, now).await?;
    }
    Ok(())
}

/// Writes an incident event for the subscriptions of its project, ordered by the incident.
async fn tell(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    i: &incident::Model,
    event: WebhookEvent,
    now: DateTime<Utc>,
) -> Result<()> {
    let e = Event {
        company_id: i.company_id.clone(),
        project_id: i.project_id.clone(),
        order_key: i.id.clone(),
        event,
        internal: false,
        data: incident_data(i),
    };
    emit(db, webhooks, e, now).await
}

/// Takes a ticket out of its incident, if it is in one.
async fn leave(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    t: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(incident_id) = &t.incident_id else {
        return Ok(());
    };
    ticket::Entity::update_many()
        .col_expr(
            ticket::Column::IncidentId,
            Expr::value(Option::<String>::None),
        )
        .filter(ticket::Column::CompanyId.eq(&t.company_id))
        .filter(ticket::Column::Id.eq(&t.id))
        .exec(db)
        .await?;
    count(db, &t.company_id, incident_id, -1).await?;
    settle(db, webhooks, &t.company_id, incident_id, now).await
}

/// A new incident around `first`, which the caller then has `opens_with` tickets join (itself
/// included); webhooks hear of it with that count.
async fn open_around(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    first: &ticket::Model,
    opens_with: usize,
    title: String,
    created_by: Option<String>,
    now: DateTime<Utc>,
) -> Result<incident::Model> {
    let opened = incident::ActiveModel {
        company_id: Set(first.company_id.clone()),
        id: Set(new_id()),
        project_id: Set(first.project_id.clone()),
        title: Set(title),
        category: Set(first.category.clone()),
        place: Set(place_of(first)),
        opened_at: Set(first.reported_at),
        closed_at: Set(None),
        ticket_count: Set(0),
        created_by: Set(created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let told = incident::Model {
        ticket_count: i32::try_from(opens_with).unwrap_or(i32::MAX),
        ..opened.clone()
    };
    tell(db, webhooks, &told, WebhookEvent::IncidentOpened, now).await?;
    Ok(opened)
}

/// Sets a ticket's incident and counts it there.
async fn join(db: &impl ConnectionTrait, t: &ticket::Model, incident_id: &str) -> Result<()> {
    ticket::Entity::update_many()
        .col_expr(ticket::Column::IncidentId, Expr::value(incident_id))
        .filter(ticket::Column::CompanyId.eq(&t.company_id))
        .filter(ticket::Column::Id.eq(&t.id))
        .exec(db)
        .await?;
    count(db, &t.company_id, incident_id, 1).await
}

/// The incident of an original that a new duplicate joins: its own, or a new one formed around
/// it. The caller counts the duplicate in (see [`counted_in`]).
pub(crate) async fn incident_of_original(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    company_id: &str,
    original_id: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let original = ticket::Entity::find_by_id((company_id.to_owned(), original_id.to_owned()))
        .one(db)
        .await?
        .ok_or(StorageError::NotFound("ticket"))?;
    if let Some(id) = &original.incident_id {
        return Ok(id.clone());
    }
    // The original and the duplicate that forms it.
    let title = original.title.clone();
    let opened = open_around(db, webhooks, &original, 2, title, None, now).await?;
    join(db, &original, &opened.id).await?;
    Ok(opened.id)
}

/// Counts a ticket just written with `incident_id` into that incident.
pub(crate) async fn counted_in(
    db: &impl ConnectionTrait,
    webhooks: &SubscriptionCache,
    t: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(incident_id) = &t.incident_id else {
        return Ok(());
    };
    count(db, &t.company_id, incident_id, 1).await?;
    settle(db, webhooks, &t.company_id, incident_id, now).await
}

impl Store {
    /// Keeps incidents with a ticket's change, in its transaction: a duplicate link joins the
    /// original's incident, an unlink leaves it, and a status change may close or reopen it.
    /// Returns the ticket's incident afterwards.
    pub(crate) async fn incident_follows(
        &self,
        db: &impl ConnectionTrait,
        before: &ticket::Model,
        after: &ticket::Model,
        action: &Action,
        change: &Change,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        match action {
            Action::LinkDuplicate { original_id } => {
                let hooks = &self.webhooks;
                let incident_id =
                    incident_of_original(db, hooks, &after.company_id, original_id, now).await?;
                if before.incident_id.as_deref() != Some(incident_id.as_str()) {
                    leave(db, hooks, before, now).await?;
                    join(db, after, &incident_id).await?;
                }
                settle(db, hooks, &after.company_id, &incident_id, now).await?;
                Ok(Some(incident_id))
            }
            Action::UnlinkDuplicate { .. } => {
                leave(db, &self.webhooks, before, now).await?;
                Ok(None)
            }
            _ => {
                if let Some(incident_id) = &after.incident_id
                    && change.from != change.to
                {
                    settle(db, &self.webhooks, &after.company_id, incident_id, now).await?;
                }
                Ok(after.incident_id.clone())
            }
        }
    }

    /// Gathers tickets the desk sees into a new incident; a ticket in another one leaves it.
    pub async fn create_incident(
        &self,
        who: &Principal,
        input: NewIncident,
        now: DateTime<Utc>,
    ) -> Result<incident::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let mut tickets = Vec::new();
        for id in &input.ticket_ids {
            let t = self
                .ticket(who, id)
                .await
                .map_err(|_| StorageError::field("ticket_ids", FieldErrorCode::UnknownReference))?;
            if tickets.iter().any(|other: &ticket::Model| other.id == t.id) {
                continue;
            }
            tickets.push(t);
        }
        tickets.sort_by_key(|t| t.reported_at);
        let Some(first) = tickets.first() else {
            return Err(StorageError::field("ticket_ids", FieldErrorCode::Required));
        };
        if tickets.iter().any(|t| t.project_id != first.project_id) {
            return Err(StorageError::field("ticket_ids", FieldErrorCode::Mismatch));
        }
        let txn = self.begin_write().await?;
        let hooks = &self.webhooks;
        let by = Some(who.id.clone());
        let opened = open_around(&txn, hooks, first, tickets.len(), input.title, by, now).await?;
        let details = json!({ "incident_id": opened.id, "title": opened.title });
        for t in &tickets {
            leave(&txn, hooks, t, now).await?;
            join(&txn, t, &opened.id).await?;
            timeline::record(
                &txn,
                who,
                t,
                "join_incident",
                Visibility::Internal,
                details.clone(),
                now,
            )
            .await?;
        }
        settle(&txn, hooks, &who.company_id, &opened.id, now).await?;
        let ids: Vec<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
        Audit::by(who, "incident", &opened.id, "create")
            .record(
                &txn,
                json!({ "title": opened.title, "ticket_ids": ids }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(opened)
    }

    /// The incidents of the projects the caller sees, newest first.
    pub async fn incidents(
        &self,
        who: &Principal,
        filter: IncidentFilter,
        page: PageRequest,
    ) -> Result<Page<incident::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut query =
            incident::Entity::find().filter(incident::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            query = query.filter(incident::Column::ProjectId.is_in(ids.clone()));
        }
        if let Some(project_id) = filter.project_id {
            query = query.filter(incident::Column::ProjectId.eq(project_id));
        }
        match filter.open {
            Some(true) => query = query.filter(incident::Column::ClosedAt.is_null()),
            Some(false) => query = query.filter(incident::Column::ClosedAt.is_not_null()),
            None => {}
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(incident::Column::OpenedAt)
            .order_by_desc(incident::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// One incident and its tickets the caller may see, in the order they were reported.
    pub async fn incident(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<(incident::Model, Vec<ticket::Model>)> {
        let found = incident::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|i| who.sees_project(&i.project_id))
            .ok_or(StorageError::NotFound("incident"))?;
        let tickets = ticket::Entity::find()
            .filter(visible_to(who))
            .filter(ticket::Column::IncidentId.eq(&found.id))
            .order_by_asc(ticket::Column::ReportedAt)
            .all(&self.db)
            .await?;
        Ok((found, tickets))
    }
}
