//! The one mapping between a stored ticket and the state machine's [`Lifecycle`], each way.

use guanjia_domain::closed_loop::FollowUpPolicy;
use guanjia_domain::dispatch::ChargeStatus;
use guanjia_domain::ticket::Lifecycle;
use sea_orm::ActiveValue::Set;

use crate::entity::ticket;

/// The state machine's view of a stored ticket.
pub(crate) fn lifecycle_of(t: &ticket::Model) -> Lifecycle {
    Lifecycle {
        kind: *t.kind,
        status: *t.status,
        suspended_from: t.suspended_from.map(|s| *s),
        assignee_id: t.assignee_id.clone(),
        team_id: t.team_id.clone(),
        first_responded_at: t.first_responded_at,
        arrived_at: t.arrived_at,
        resolved_at: t.resolved_at,
        closed_at: t.closed_at,
        satisfaction: t.satisfaction.map(i64::from),
        escalation_level: t.escalation_level,
        reopen_count: t.reopen_count,
        first_contact_owner_id: t.first_contact_owner_id.clone(),
        suspended_at: t.suspended_at,
        paused_seconds: t.paused_seconds,
        pauses: t
            .pauses
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        duplicate_of: t.duplicate_of.clone(),
        follow_up_policy: follow_up_policy_of(t),
        follow_up_attempts: t.follow_up_attempts,
        follow_up_result: t.follow_up_result.map(|r| *r),
        followed_up_at: t.followed_up_at,
        first_resolved_at: t.first_resolved_at,
        reopened_at: t.reopened_at,
        timeliness: t.timeliness.map(i64::from),
        attitude: t.attitude.map(i64::from),
        adopted: t.adopted,
        open_subtasks: t.open_subtasks,
        charges_pending: t.charge_status.is_some_and(|c| c == ChargeStatus::Pending),
        on_site_at: t.on_site_at,
        rated_at: t.rated_at,
        chased_at: t.chased_at,
        // Read only when resolving: see `checklist_left`.
        checklist_left: Vec::new(),
    }
}

/// Writes what the state machine moves into the row: its status, hands, clocks and ratings.
/// The rest (kind, policy, sub-tasks, bill) is written by what changes it.
pub(crate) fn write_lifecycle(model: &mut ticket::ActiveModel, lifecycle: Lifecycle) {
    model.status = Set(lifecycle.status.into());
    model.suspended_from = Set(lifecycle.suspended_from.map(Into::into));
    model.assignee_id = Set(lifecycle.assignee_id);
    model.team_id = Set(lifecycle.team_id);
    model.first_responded_at = Set(lifecycle.first_responded_at);
    model.arrived_at = Set(lifecycle.arrived_at);
    model.resolved_at = Set(lifecycle.resolved_at);
    model.closed_at = Set(lifecycle.closed_at);
    model.satisfaction = Set(lifecycle.satisfaction.and_then(|s| i32::try_from(s).ok()));
    model.timeliness = Set(lifecycle.timeliness.and_then(|s| i32::try_from(s).ok()));
    model.attitude = Set(lifecycle.attitude.and_then(|s| i32::try_from(s).ok()));
    model.escalation_level = Set(lifecycle.escalation_level);
    model.reopen_count = Set(lifecycle.reopen_count);
    model.first_contact_owner_id = Set(lifecycle.first_contact_owner_id);
    model.suspended_at = Set(lifecycle.suspended_at);
    model.paused_seconds = Set(lifecycle.paused_seconds);
    model.pauses = Set(Some(serde_json::json!(lifecycle.pauses)));
    model.duplicate_of = Set(lifecycle.duplicate_of);
    model.follow_up_attempts = Set(lifecycle.follow_up_attempts);
    model.follow_up_result = Set(lifecycle.follow_up_result.map(Into::into));
    model.followed_up_at = Set(lifecycle.followed_up_at);
    model.first_resolved_at = Set(lifecycle.first_resolved_at);
    model.reopened_at = Set(lifecycle.reopened_at);
    model.adopted = Set(lifecycle.adopted);
    model.on_site_at = Set(lifecycle.on_site_at);
    model.rated_at = Set(lifecycle.rated_at);
    model.chased_at = Set(lifecycle.chased_at);
}

/// The follow-up policy a ticket was opened with (complaints are always followed up).
pub fn follow_up_policy_of(t: &ticket::Model) -> FollowUpPolicy {
    FollowUpPolicy::effective(*t.kind, t.follow_up_policy.map(|p| *p))
}
