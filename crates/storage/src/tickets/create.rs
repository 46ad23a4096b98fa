//! Creating a ticket: references checked against stored data, numbered, first timeline entry.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::Report;
use guanjia_domain::hotline::PlatformOrder;
use guanjia_domain::machine::webhook::WebhookEvent;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::place::local_date;
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{Audience, Reach};
use std::sync::Arc;

use guanjia_domain::ticket::{
    Status, Suggestion, TicketDraft, TicketInput, Visibility, number_counter, ticket_number,
};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::db::{Store, Write};
use crate::delivery::DeliverySetup;
use crate::webhooks::{Event, SubscriptionCache, emit, ticket_data};
use guanjia_intake::{Analysis, Location, TicketFacts, Vocabulary};

use crate::calls::link_call;
use crate::closed_loop::{Repeat, credit_named};
use crate::code::Code;
use crate::entity::{building, project, resident, room, ticket, ticket_event, ticket_problem_key};
use crate::error::{Result, StorageError};
use crate::incidents::{counted_in, incident_of_original};
use crate::notify::{audience_of, notify};
use crate::principal::Principal;
use crate::residents::household_in_room;
use crate::sla::{SlaContext, start_clocks};
use crate::support::{new_id, next_counter};
use crate::tickets::problem_key_rows;

/// Where a ticket is and whose it is, once its references are resolved.
struct Parties {
    project: project::Model,
    room_id: Option<String>,
    household_id: Option<String>,
    resident: Option<resident::Model>,
}

/// What message understanding read in a new ticket's text, with the vocabulary it read with.
#[derive(Clone, Copy)]
struct Reading<'a> {
    analysis: &'a Analysis,
    vocabulary: &'a Vocabulary,
}

/// Whether a new ticket's text is read by message understanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Understanding {
    /// Kind, category and urgency left out are read from the text, an escalation risk in it is
    /// flagged, the place it names is kept and the ticket is linked to the one it reports again.
    FromText,
    /// Taken as given: records carried over from elsewhere (the demo's history), whose fields
    /// were settled where they came from.
    AsGiven,
}

/// Writes that belong in a new ticket's own transaction (a channel's record of what opened it):
/// they commit with the ticket, and a failure undoes the ticket too.
pub(crate) type AlsoWrite =
    Box<dyn for<'t> FnOnce(&'t DatabaseTransaction, &'t ticket::Model) -> Write<'t, ()> + Send>;

/// What a channel adds to a ticket it opens: an outside platform's order, kept on the ticket
/// (its deadlines are the ticket's clocks), and the channel's own record of the arrival,
/// written in the ticket's transaction.
#[derive(Default)]
pub(crate) struct Arrival {
    pub(crate) order: Option<PlatformOrder>,
    pub(crate) also: Option<AlsoWrite>,
}

/// A ticket just opened, with the SLA configuration its clocks were set with (what a caller
/// shows its deadlines with).
pub struct Opened {
    pub ticket: ticket::Model,
    pub sla: Arc<SlaContext>,
}

impl Store {
    /// Opens a ticket from what a caller, a page, an import or a channel received: the one way
    /// in, so that every ticket is understood, checked, numbered and clocked alike.
    pub async fn open_ticket(
        &self,
        who: &Principal,
        input: TicketInput,
        now: DateTime<Utc>,
        understanding: Understanding,
    ) -> Result<Opened> {
        self.open_ticket_with(who, input, now, understanding, Arrival::default())
            .await
    }

    /// [`Store::open_ticket`] for a channel that adds to the ticket it opens.
    pub(crate) async fn open_ticket_with(
        &self,
        who: &Principal,
        mut input: TicketInput,
        now: DateTime<Utc>,
        understanding: Understanding,
        arrival: Arrival,
    ) -> Result<Opened> {
        let opened = match understanding {
            Understanding::FromText => {
                let analyzer = self.analyzer(&who.company_id).await?;
                let analysis = analyzer.analyze(&input.description, Some(&input.channel));
                let filled = input.complete(Suggestion {
                    kind: analysis.kind.clone(),
                    category: analysis.category.clone(),
                    urgency: Some(analysis.urgency.clone()),
                });
                let mut draft = input.validate(now)?;
                draft.escalation_risk |= analysis.escalation_risk;
                draft.filled_from_text = filled;
                let reading = Reading {
                    analysis: &analysis,
                    vocabulary: analyzer.vocabulary(),
                };
                self.create(who, draft, Some(reading), arrival, now).await?
            }
            Understanding::AsGiven => {
                self.create(who, input.validate(now)?, None, arrival, now)
                    .await?
            }
        };
        metrics::counter!("guanjia_tickets_created_total").increment(1);
        Ok(opened)
    }

    /// Creates a validated ticket. With a `reading`, its place and problem are kept, and it is
    /// linked to the open ticket it reports again, if there is one.
    async fn create(
        &self,
        who: &Principal,
        draft: TicketDraft,
        reading: Option<Reading<'_>>,
        arrival: Arrival,
        now: DateTime<Utc>,
    ) -> Result<Opened> {
        if !(who.role.is_desk() || who.role == Role::Resident) {
            return Err(StorageError::Forbidden);
        }
        let follow_up_policy = match &draft.category {
            Some(category) => self
                .active_category(&who.company_id, category)
                .await?
                .follow_up_policy
                .map(|p| (*p).into()),
            None => None,
        };
        if !draft.attachments.is_empty() {
            return Err(StorageError::field(
                "attachments",
                FieldErrorCode::UnknownReference,
            ));
        }
        let mut parties = self.parties(who, &draft).await?;
        if parties.room_id.is_none()
            && let Some(reading) = reading
        {
            // The place only: the household of a room someone else reports about does not get
            // to see the ticket (it may be a complaint about them).
            parties.room_id = self
                .named_room(
                    &who.company_id,
                    &parties.project.id,
                    &reading.analysis.location,
                )
                .await?;
        }
        let id = new_id();
        let (facts, duplicates) = match reading {
            Some(reading) => {
                let home = self
                    .home(&who.company_id, parties.room_id.as_deref())
                    .await?;
                let facts = TicketFacts::from_analysis(
                    &id,
                    reading.analysis,
                    home.as_ref(),
                    draft.reported_at.timestamp(),
                    true,
                );
                let found = self
                    .duplicates(
                        &who.company_id,
                        &parties.project.id,
                        &facts,
                        reading.vocabulary,
                    )
                    .await?;
                (Some(facts), Some(found))
            }
            None => (None, None),
        };
        let duplicate_of = duplicates.as_ref().and_then(|d| d.original.clone());
        let key_rows = facts.as_ref().map_or_else(Vec::new, |f| {
            problem_key_rows(
                &who.company_id,
                &id,
                &parties.project.id,
                draft.reported_at,
                f,
            )
        });
        let report = Report {
            id: id.clone(),
            kind: draft.kind,
            category: draft.category.clone(),
            household_id: parties.household_id.clone(),
            room_id: parties.room_id.clone(),
            reported_at: draft.reported_at,
        };
        let repeat = self.repeats(&who.company_id, &report).await?;
        // 第三次重复投诉: the third time the same home complains of the same thing is a risk.
        let escalation_risk = draft.escalation_risk || repeat.earlier >= 2;
        let contact_name = draft.contact.as_ref().and_then(|c| c.name.clone());
        let contact_phone = draft.contact.as_ref().and_then(|c| c.phone.clone());
        let ctx = self.sla_context(&who.company_id).await?;
        let Arrival { order, also } = arrival;
        let tier = match &parties.resident {
            Some(r) => {
                let tier = Code::<ServiceTier, resident::Entity>::parse(&r.id, "tier", &r.tier)?;
                Some(tier.0.into())
            }
            None => None,
        };
        let row = ticket::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id),
            // Numbered and joined to an incident when written (`write_ticket`).
            number: NotSet,
            project_id: Set(parties.project.id.clone()),
            room_id: Set(parties.room_id),
            household_id: Set(parties.household_id),
            resident_id: Set(parties.resident.as_ref().map(|r| r.id.clone())),
            contact_name: Set(
                contact_name.or_else(|| parties.resident.as_ref().map(|r| r.name.clone()))
            ),
            contact_phone: Set(
                contact_phone.or_else(|| parties.resident.as_ref().map(|r| r.phone.clone()))
            ),
            kind: Set(draft.kind.into()),
            category: Set(draft.category),
            urgency: Set(draft.urgency.into()),
            status: Set(Status::New.into()),
            suspended_from: Set(None),
            channel: Set(draft.channel.into()),
            title: Set(draft.title),
            description: Set(draft.description),
            // The desk member who takes the call owns it; a resident's own report, like a
            // machine's, waits for the first desk member to handle it (see the lifecycle).
            first_contact_owner_id: Set((who.role.is_desk()
                && !who.is_machine()
                && !draft.channel.received_by_machine())
            .then(|| who.id.clone())),
            assignee_id: Set(None),
            team_id: Set(None),
            escalation_level: Set(0),
            escalation_risk: Set(escalation_risk),
            duplicate_of: Set(duplicate_of.clone()),
            repeat_of: Set(repeat.original.clone()),
            satisfaction: Set(None),
            reopen_count: Set(0),
            paused_seconds: Set(0),
            suspended_at: Set(None),
            reported_at: Set(draft.reported_at),
            created_at: Set(now),
            updated_at: Set(now),
            first_responded_at: Set(None),
            arrived_at: Set(None),
            resolved_at: Set(None),
            closed_at: Set(None),
            created_by: Set(who.role.is_staff().then(|| who.id.clone())),
            facts: Set(facts.map(|f| json!(f))),
            duplicate_candidates: Set(duplicates.map(|d| json!(d.candidates))),
            pauses: Set(None),
            tier: Set(tier),
            follow_up_policy: Set(follow_up_policy),
            follow_up_owner_id: Set(None),
            follow_up_attempts: Set(0),
            follow_up_result: Set(None),
            followed_up_at: Set(None),
            first_resolved_at: Set(None),
            reopened_at: Set(None),
            timeliness: Set(None),
            attitude: Set(None),
            adopted: Set(None),
            dispatch_explanation: Set(None),
            dispatched_at: Set(None),
            open_subtasks: Set(0),
            charge_total_cents: Set(None),
            charge_status: Set(None),
            incident_id: NotSet,
            filled_from_text: Set(Some(json!(draft.filled_from_text))),
            on_site_at: Set(None),
            rated_at: Set(None),
            chased_at: Set(None),
            platform_order: Set(order.map(|o| json!(o))),
        };
        let day = local_date(&parties.project.time_zone, now);
        // Where creations commit side by side (PostgreSQL), the day's counter row taken inside
        // the creation's transaction stays locked until it commits and queues every other
        // creation of the company behind it; taken in a statement of its own it is held for
        // that statement only, as a sequence is (a creation that fails then leaves a gap in the
        // numbers). On SQLite writes are one at a time anyway, so the number commits with its
        // batch and stays gapless.
        let sequence = if self.writes_in_parallel() {
            Some(next_counter(&self.db, &who.company_id, &number_counter(day)).await?)
        } else {
            None
        };
        let new = NewTicket {
            row,
            day,
            sequence,
            duplicate_of,
            key_rows,
            actor: who.clone(),
            filled_from_text: draft.filled_from_text,
            repeat,
            ctx: ctx.clone(),
            delivery: self.delivery.clone(),
            webhooks: self.webhooks.clone(),
            now,
            also,
        };
        let ticket = self
            .write_batched(move |txn| Box::pin(write_ticket(txn, new)))
            .await?;
        Ok(Opened { ticket, sla: ctx })
    }

    /// Where the reporter's room is, in the words residents use, to complete a place the text
    /// leaves half said ("电梯坏了" from 3栋2单元 is about 3栋's lift).
    async fn home(&self, company_id: &str, room_id: Option<&str>) -> Result<Option<Location>> {
        let Some(room_id) = room_id else {
            return Ok(None);
        };
        let Some(room) = room::Entity::find_by_id((company_id.to_owned(), room_id.to_owned()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let building =
            building::Entity::find_by_id((company_id.to_owned(), room.building_id.clone()))
                .one(&self.db)
                .await?;
        Ok(Some(Location {
            building: building.map(|b| b.name),
            unit: Some(room.unit).filter(|u| !u.is_empty()),
            room: Some(room.number),
        }))
    }

    /// The project's room that a message names ("3栋2单元1502"), when exactly one fits.
    async fn named_room(
        &self,
        company_id: &str,
        project_id: &str,
        place: &Location,
    ) -> Result<Option<String>> {
        let (Some(building_name), Some(number)) = (&place.building, &place.room) else {
            return Ok(None);
        };
        let Some(building) = building::Entity::find()
            .filter(building::Column::CompanyId.eq(company_id))
            .filter(building::Column::ProjectId.eq(project_id))
            .filter(building::Column::Name.eq(building_name))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let mut rooms = room::Entity::find()
            .filter(room::Column::CompanyId.eq(company_id))
            .filter(room::Column::BuildingId.eq(&building.id))
            .filter(room::Column::Number.eq(number));
        if let Some(unit) = &place.unit {
            rooms = rooms.filter(room::Column::Unit.eq(unit));
        }
        let mut found = rooms.limit(2).all(&self.db).await?;
        Ok(if found.len() == 1 {
            found.pop().map(|r| r.id)
        } else {
            None
        })
    }

    /// Resolves project, room, household and resident of a draft, within the creator's scope.
    async fn parties(&self, who: &Principal, draft: &TicketDraft) -> Result<Parties> {
        let unknown = |field: &str| StorageError::field(field, FieldErrorCode::UnknownReference);
        let project =
            project::Entity::find_by_id((who.company_id.clone(), draft.project_id.clone()))
                .one(&self.db)
                .await?
                .filter(|p| who.role == Role::Resident || who.sees_project(&p.id))
                .ok_or_else(|| unknown("project_id"))?;
        let room = match &draft.room_id {
            Some(id) => Some(self.referenced_room(who, id, "room_id").await?),
            None => None,
        };
        if room.as_ref().is_some_and(|r| r.project_id != project.id) {
            return Err(StorageError::field("room_id", FieldErrorCode::Mismatch));
        }
        let resident = match (&draft.resident_id, who.role) {
            (Some(id), _) => {
                let found = self
                    .resident(who, id)
                    .await
                    .map_err(|_| unknown("resident_id"))?;
                if found.project_id != project.id {
                    return Err(StorageError::field("resident_id", FieldErrorCode::Mismatch));
                }
                Some(found)
            }
            (None, Role::Resident) => Some(
                self.reporting_resident(who, &project, room.as_ref())
                    .await?,
            ),
            (None, _) => {
                self.caller_by_phone(&who.company_id, &project.id, draft)
                    .await?
            }
        };
        if who.role == Role::Resident
            && resident
                .as_ref()
                .is_none_or(|r| !who.households.contains(&r.household_id))
        {
            return Err(unknown("resident_id"));
        }
        let room_id = room
            .as_ref()
            .map(|r| r.id.clone())
            .or_else(|| resident.as_ref().map(|r| r.room_id.clone()));
        let household_id = match (&resident, &room) {
            (Some(r), _) => Some(r.household_id.clone()),
            (None, Some(room)) => household_in_room(&self.db, &who.company_id, &room.id)
                .await?
                .map(|h| h.id),
            (None, None) => None,
        };
        Ok(Parties {
            project,
            room_id,
            household_id,
            resident,
        })
    }

    /// A resident reporting for themselves: their registration in the named room, or their only one.
    async fn reporting_resident(
        &self,
        who: &Principal,
        project: &project::Model,
        room: Option<&room::Model>,
    ) -> Result<resident::Model> {
        let mine: Vec<resident::Model> = self
            .residents_by_phone(&who.company_id, &who.id)
            .await?
            .into_iter()
            .filter(|r| r.project_id == project.id)
            .collect();
        let chosen = match room {
            Some(room) => mine.into_iter().find(|r| r.room_id == room.id),
            None if mine.len() == 1 => mine.into_iter().next(),
            None => return Err(StorageError::field("room_id", FieldErrorCode::Required)),
        };
        chosen.ok_or_else(|| StorageError::field("project_id", FieldErrorCode::UnknownReference))
    }

    /// A caller registered in the project under the contact phone: one identity across channels.
    async fn caller_by_phone(
        &self,
        company_id: &str,
        project_id: &str,
        draft: &TicketDraft,
    ) -> Result<Option<resident::Model>> {
        let Some(phone) = draft.contact.as_ref().and_then(|c| c.phone.as_deref()) else {
            return Ok(None);
        };
        let mut matches: Vec<resident::Model> = self
            .residents_by_phone(company_id, phone)
            .await?
            .into_iter()
            .filter(|r| r.project_id == project_id)
            .filter(|r| draft.room_id.as_ref().is_none_or(|room| &r.room_id == room))
            .collect();
        Ok(if matches.len() == 1 {
            matches.pop()
        } else {
            None
        })
    }
}

/// Everything about a new ticket decided before its write transaction: the writes then take
/// the writer as briefly as they can.
struct NewTicket {
    /// The row, all but its number and incident.
    row: ticket::ActiveModel,
    /// The project's local date, which the number counts in.
    day: chrono::NaiveDate,
    /// The number within the day when it was taken before the transaction.
    sequence: Option<i64>,
    /// The open ticket it reports again, whose incident it joins.
    duplicate_of: Option<String>,
    key_rows: Vec<ticket_problem_key::ActiveModel>,
    actor: Principal,
    filled_from_text: Vec<&'static str>,
    repeat: Repeat,
    ctx: Arc<SlaContext>,
    /// What notifications can be delivered on.
    delivery: Arc<DeliverySetup>,
    /// Which webhook subscriptions hear of it.
    webhooks: SubscriptionCache,
    now: DateTime<Utc>,
    also: Option<AlsoWrite>,
}

/// A new ticket's writes, in the (batch's) write transaction: its number, its incident if it is
/// a duplicate, the row, its problem keys, the first timeline entry, its clocks and notices.
async fn write_ticket(txn: &DatabaseTransaction, new: NewTicket) -> Result<ticket::Model> {
    let NewTicket {
        mut row,
        day,
        sequence,
        duplicate_of,
        key_rows,
        actor,
        filled_from_text,
        repeat,
        ctx,
        delivery,
        webhooks,
        now,
        also,
    } = new;
    let sequence = match sequence {
        Some(taken) => taken,
        None => next_counter(txn, &actor.company_id, &number_counter(day)).await?,
    };
    row.number = Set(ticket_number(day, sequence));
    // A duplicate joins its original's incident (formed around the original the first time).
    row.incident_id = Set(match &duplicate_of {
        Some(original) => {
            Some(incident_of_original(txn, &webhooks, &actor.company_id, original, now).await?)
        }
        None => None,
    });
    let model = row.insert(txn).await?;
    if !key_rows.is_empty() {
        ticket_problem_key::Entity::insert_many(key_rows)
            .exec(txn)
            .await?;
    }
    counted_in(txn, &webhooks, &model, now).await?;
    ticket_event::ActiveModel {
        company_id: Set(actor.company_id.clone()),
        id: Set(new_id()),
        ticket_id: Set(model.id.clone()),
        actor_id: Set(Some(actor.id.clone())),
        actor_role: Set(actor.role.as_str().to_owned()),
        action: Set("create".to_owned()),
        from_status: Set(None),
        to_status: Set(Some((*model.status).into())),
        visibility: Set(Visibility::Resident.into()),
        details: Set(json!({
            "number": model.number, "kind": model.kind, "category": model.category,
            "urgency": model.urgency, "channel": model.channel, "title": model.title,
            "reported_at": model.reported_at, "escalation_risk": model.escalation_risk,
            "filled_from_text": filled_from_text, "duplicate_of": model.duplicate_of,
            "repeat_of": model.repeat_of,
        })),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let e = Event {
        company_id: model.company_id.clone(),
        project_id: model.project_id.clone(),
        order_key: model.id.clone(),
        event: WebhookEvent::TicketCreated,
        internal: false,
        data: json!({ "ticket": ticket_data(&model) }),
    };
    emit(txn, &webhooks, e, now).await?;
    start_clocks(txn, &ctx, &model, now).await?;
    if let Some(original) = &repeat.original {
        let supervisors = Audience::Rung {
            role: Role::Supervisor,
            reach: Reach::Project,
        };
        let to = audience_of(txn, &actor.company_id, &model.project_id, &supervisors).await?;
        let details = json!({ "ticket_number": model.number, "repeat_of": original, "earlier": repeat.earlier });
        notify(
            txn,
            &delivery,
            (&model).into(),
            &to,
            NoticeKind::RepeatComplaint,
            &details,
            now,
        )
        .await?;
    }
    credit_named(txn, &delivery, &model, now).await?;
    link_call(txn, &actor, &model, now).await?;
    if let Some(also) = also {
        also(txn, &model).await?;
    }
    Ok(model)
}
