//! Acting on a ticket: the domain's state machine decides; this writes the result and its
//! timeline entry in one transaction.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::FollowUpPolicy;
use guanjia_domain::dispatch::{Explanation, check_finish_photos};
use guanjia_domain::machine::webhook::events_of_action;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{Audience, Reach, StepKind};
use guanjia_domain::ticket::{Action, ActionName, ActionRequest, Change, Status, Visibility};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use super::lifecycle::{lifecycle_of, write_lifecycle};
use super::visible_to;
use crate::db::Store;
use crate::delivery::DeliverySetup;
use crate::dispatch::{settle_bill, write_bill};
use crate::entity::{category, dispatch_offer, photo, ticket, ticket_event};
use crate::error::{Result, StorageError};
use crate::notify::{audience_of, notify};
use crate::principal::Principal;
use crate::sla::{SlaContext, sync_clocks};
use crate::support::{ForUpdate, new_id};
use crate::webhooks::{Event, emit, ticket_data};

/// Why the system, not a person, took an action: automatic dispatch's reasons, or the scheduled
/// step that ran out (a resolved ticket nobody rated closes itself).
#[derive(Clone, Copy)]
pub(crate) enum SystemCause<'a> {
    Dispatch(&'a Explanation),
    Step(StepKind),
}

impl Store {
    /// Applies `action` to a ticket the principal can see, or changes nothing and says why not.
    /// The words it carries reach the resident only when the request says so (告知住户).
    pub async fn act_on_ticket(
        &self,
        who: &Principal,
        ticket_id: &str,
        request: impl Into<ActionRequest>,
        now: DateTime<Utc>,
    ) -> Result<ticket::Model> {
        let ActionRequest {
            action,
            tell_resident,
        } = request.into();
        action.validate()?;
        let ctx = self.sla_context(&who.company_id).await?;
        let txn = self.begin_write().await?;
        let find = ticket::Entity::find()
            .filter(visible_to(who))
            .filter(ticket::Column::Id.eq(ticket_id))
            .for_update(self.backend());
        let current = find
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("ticket"))?;
        if let Action::Dispatch {
            assignee_id,
            team_id,
            ..
        }
        | Action::Transfer {
            assignee_id,
            team_id,
            ..
        } = &action
        {
            if let Some(assignee_id) = assignee_id {
                self.dispatchable(who, assignee_id, &current.project_id)
                    .await?;
            }
            if let Some(team_id) = team_id {
                self.team_of_project(&who.company_id, team_id, &current.project_id)
                    .await?;
            }
        }
        if let Action::LinkDuplicate { original_id } = &action {
            self.check_original(who, &current, original_id).await?;
        }
        let bill = match &action {
            Action::Resolve { charges, .. } if !charges.is_empty() => {
                Some(self.bill(&current, charges).await?)
            }
            _ => None,
        };
        if matches!(action, Action::Resolve { .. }) && who.role == Role::Technician {
            self.finish_has_its_photos(&txn, &current).await?;
        }
        let mut updated = self
            .apply_in(&txn, who, current, &action, tell_resident, None, &ctx, now)
            .await?;
        if let Some(bill) = bill {
            updated = write_bill(&txn, &self.delivery, updated, bill, now).await?;
        }
        if let Action::ConfirmCharges { accepted, .. } = &action {
            updated = settle_bill(&txn, &self.delivery, updated, *accepted, now).await?;
        }
        // A word for the resident on a ticket a conversation is linked to goes back where they
        // wrote.
        if let Action::Comment {
            body,
            visibility: Visibility::Resident,
        } = &action
            && who.role.is_desk()
        {
            self.answer_on_linked_conversation(&txn, who, &updated, body, now)
                .await?;
        }
        txn.commit().await?;
        Ok(updated)
    }

    /// Applies an action inside the caller's write transaction: the state machine decides, and
    /// the ticket, its timeline entry, its clocks and what a resolve starts (the follow-up owner,
    /// the resident's rating link) are written with it; the resident hears of a step that is news
    /// to them; its duplicates follow it. `tell_resident`:
    /// the words the action carries are for the resident too; `system`: why the system, not a
    /// person, acted, kept with the entry as facts.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_in(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        current: ticket::Model,
        action: &Action,
        tell_resident: bool,
        system: Option<SystemCause<'_>>,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<ticket::Model> {
        let before = current.clone();
        let (updated, change) = self
            .apply_one(txn, who, current, action, tell_resident, system, ctx, now)
            .await?;
        self.tell_resident(txn, who, &before, &updated, &change, now)
            .await?;
        self.follow_original(txn, who, &updated, &change, ctx, now)
            .await?;
        Ok(updated)
    }

    /// [`Store::apply_in`] for this ticket alone.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_one(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        current: ticket::Model,
        action: &Action,
        tell_resident: bool,
        system: Option<SystemCause<'_>>,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<(ticket::Model, Change)> {
        let mut lifecycle = lifecycle_of(&current);
        if matches!(action, Action::Resolve { .. }) {
            lifecycle.checklist_left = super::checklist_gate::required_left(txn, &current).await?;
        }
        let change = lifecycle.apply(action, &who.actor(), now, self.loop_rules)?;
        let resolved = change.action == ActionName::Resolve;
        let follows_up = lifecycle.follow_up_policy != FollowUpPolicy::Never;
        let mut model: ticket::ActiveModel = current.clone().into();
        write_lifecycle(&mut model, lifecycle);
        if matches!(
            change.action,
            ActionName::Dispatch | ActionName::Transfer | ActionName::Grab
        ) {
            model.dispatched_at = Set(Some(now));
            // Someone has the job now: whatever was offered for grabbing is taken.
            dispatch_offer::Entity::delete_many()
                .filter(dispatch_offer::Column::CompanyId.eq(&current.company_id))
                .filter(dispatch_offer::Column::TicketId.eq(&current.id))
                .exec(txn)
                .await?;
        }
        if resolved && follows_up {
            model.follow_up_owner_id = Set(self.follow_up_owner(txn, &current).await?);
        }
        if let Action::Reclassify {
            kind,
            category,
            urgency,
            reason,
        } = action
        {
            self.reclassify(
                txn,
                who,
                &current,
                [kind, category, urgency],
                reason.as_deref(),
                &mut model,
                now,
            )
            .await?;
        }
        model.updated_at = Set(now);
        let updated = model.update(txn).await?;
        sync_clocks(txn, ctx, std::slice::from_ref(&updated), now).await?;
        let mut details = serde_json::to_value(ActionRequest {
            action: action.clone(),
            tell_resident,
        })
        .unwrap_or_default();
        if let (Some(system), Some(fields)) = (system, details.as_object_mut()) {
            let (key, fact) = match system {
                SystemCause::Dispatch(explanation) => {
                    ("explanation", serde_json::json!(explanation))
                }
                SystemCause::Step(step) => ("step", serde_json::json!(step.key())),
            };
            fields.insert(key.to_owned(), fact);
        }
        ticket_event::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            ticket_id: Set(updated.id.clone()),
            actor_id: Set(Some(who.id.clone())),
            actor_role: Set(who.role.as_str().to_owned()),
            action: Set(change.action.as_str().to_owned()),
            from_status: Set(Some(change.from.into())),
            to_status: Set(Some(change.to.into())),
            visibility: Set(change.visibility.into()),
            details: Set(details.clone()),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        let internal = change.visibility == Visibility::Internal;
        for event in events_of_action(change.action, change.from, change.to) {
            let data = serde_json::json!({
                "ticket": ticket_data(&updated), "action": change.action.as_str(),
                "from_status": change.from.as_str(), "to_status": change.to.as_str(),
                "actor_id": who.id, "details": details,
            });
            let e = Event {
                company_id: updated.company_id.clone(),
                project_id: updated.project_id.clone(),
                order_key: updated.id.clone(),
                event,
                internal,
                data,
            };
            emit(txn, &self.webhooks, e, now).await?;
        }
        if resolved {
            self.send_rating_link(txn, &updated, now).await?;
        }
        self.tell_owner(txn, who, &updated, change.action, now)
            .await?;
        tell_assignee(txn, &self.delivery, who, &current, &updated, now).await?;
        if change.action == ActionName::FollowUp && change.to == Status::Reopened {
            // 整改: an unsatisfied resident is the supervisor's business at once.
            let supervisors = Audience::Rung {
                role: Role::Supervisor,
                reach: Reach::Project,
            };
            let to =
                audience_of(txn, &updated.company_id, &updated.project_id, &supervisors).await?;
            let details = serde_json::json!({ "ticket_number": updated.number, "satisfaction": updated.satisfaction });
            notify(
                txn,
                &self.delivery,
                (&updated).into(),
                &to,
                NoticeKind::Rectification,
                &details,
                now,
            )
            .await?;
        }
        let mut updated = updated;
        updated.incident_id = self
            .incident_follows(txn, &current, &updated, action, &change, now)
            .await?;
        Ok((updated, change))
    }

    /// 首问负责制: the first-contact owner hears of every step of the work on what they own;
    /// a returned job goes back to the dispatchers, and the supervisors hear of it.
    async fn tell_owner(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        t: &ticket::Model,
        action: ActionName,
        now: DateTime<Utc>,
    ) -> Result<()> {
        use ActionName as A;
        if !matches!(
            action,
            A::Dispatch | A::Transfer | A::Return | A::Accept | A::Arrive | A::Resolve | A::Chase
        ) {
            return Ok(());
        }
        let details = serde_json::json!({ "ticket_number": t.number, "action": action.as_str(), "by": who.name });
        if action == A::Chase {
            return self.tell_chase(txn, t, &details, now).await;
        }
        if let Some(owner) = t
            .first_contact_owner_id
            .as_ref()
            .filter(|owner| **owner != who.id)
        {
            notify(
                txn,
                &self.delivery,
                t.into(),
                std::slice::from_ref(owner),
                NoticeKind::TicketProgress,
                &details,
                now,
            )
            .await?;
        }
        if action == A::Return {
            let supervisors = Audience::Rung {
                role: Role::Supervisor,
                reach: Reach::Project,
            };
            let to = audience_of(txn, &t.company_id, &t.project_id, &supervisors).await?;
            notify(
                txn,
                &self.delivery,
                t.into(),
                &to,
                NoticeKind::DispatchQueued,
                &details,
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// A technician's finish shows the work with the photos its category asks for.
    async fn finish_has_its_photos(
        &self,
        txn: &DatabaseTransaction,
        t: &ticket::Model,
    ) -> Result<()> {
        let Some(code) = &t.category else {
            return Ok(());
        };
        let required = category::Entity::find_by_id((t.company_id.clone(), code.clone()))
            .one(txn)
            .await?
            .and_then(|c| c.min_photos)
            .unwrap_or(0);
        if required == 0 {
            return Ok(());
        }
        let have = photo::Entity::find()
            .filter(photo::Column::CompanyId.eq(&t.company_id))
            .filter(photo::Column::TicketId.eq(&t.id))
            .count(txn)
            .await?;
        Ok(check_finish_photos(required, have)?)
    }

    /// 催单: whoever owns the ticket and whoever holds the job hear the resident's chase; with
    /// nobody on it yet, the project's supervisors do.
    async fn tell_chase(
        &self,
        txn: &DatabaseTransaction,
        t: &ticket::Model,
        details: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut to: Vec<String> = t
            .first_contact_owner_id
            .iter()
            .chain(t.assignee_id.iter())
            .cloned()
            .collect();
        to.dedup();
        if to.is_empty() {
            let supervisors = Audience::Rung {
                role: Role::Supervisor,
                reach: Reach::Project,
            };
            to = audience_of(txn, &t.company_id, &t.project_id, &supervisors).await?;
        }
        notify(
            txn,
            &self.delivery,
            t.into(),
            &to,
            NoticeKind::Chase,
            details,
            now,
        )
        .await
    }

    /// The ticket a duplicate points at must be another open original of the same project.
    async fn check_original(
        &self,
        who: &Principal,
        duplicate: &ticket::Model,
        original_id: &str,
    ) -> Result<()> {
        let field = |code| StorageError::field("original_id", code);
        let original = self
            .ticket(who, original_id)
            .await
            .map_err(|_| field(FieldErrorCode::UnknownReference))?;
        let is_open = original.status.is_open();
        if original.id == duplicate.id || original.duplicate_of.is_some() || !is_open {
            return Err(field(FieldErrorCode::Invalid));
        }
        if original.project_id != duplicate.project_id {
            return Err(field(FieldErrorCode::Mismatch));
        }
        Ok(())
    }

    /// A staff member who may be given work in `project_id`: unknown is a 422 on `assignee_id`.
    async fn dispatchable(&self, who: &Principal, staff_id: &str, project_id: &str) -> Result<()> {
        let member = self
            .staff_member(&who.company_id, staff_id)
            .await
            .map_err(|_| StorageError::field("assignee_id", FieldErrorCode::UnknownReference))?;
        let in_project = member.project_ids.iter().any(|p| p == project_id)
            || (member.project_ids.is_empty() && member.role().may_span_company());
        if !member.staff.active || !in_project || member.role() == Role::Resident {
            return Err(StorageError::field(
                "assignee_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(())
    }
}

/// The actions `who` may take on the ticket now, in the state machine's order: what a screen
/// offers as buttons.
pub fn allowed_actions(who: &Principal, t: &ticket::Model) -> Vec<ActionName> {
    let lifecycle = lifecycle_of(t);
    let actor = who.actor();
    ActionName::ALL
        .iter()
        .copied()
        .filter(|&a| lifecycle.target(a, &actor).is_ok())
        .collect()
}

/// Whoever a job was just given to hears of it at once (their bell, and later their phone),
/// whether a person or the pipeline gave it; not someone who took it themselves.
async fn tell_assignee(
    txn: &DatabaseTransaction,
    setup: &DeliverySetup,
    who: &Principal,
    before: &ticket::Model,
    after: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    match after.assignee_id.as_ref() {
        Some(assignee) if *assignee != who.id && before.assignee_id.as_ref() != Some(assignee) => {
            let details = serde_json::json!({ "ticket_number": after.number });
            notify(
                txn,
                setup,
                after.into(),
                std::slice::from_ref(assignee),
                NoticeKind::JobAssigned,
                &details,
                now,
            )
            .await
        }
        _ => Ok(()),
    }
}
