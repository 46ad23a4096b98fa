//! The ticket state machine: which role may take which action in which status, and what changes.
//!
//! Storage loads a ticket's [`Lifecycle`], calls [`Lifecycle::apply`], and writes back the fields
//! together with a timeline entry in one transaction. Nothing here does I/O.

use chrono::{DateTime, Utc};

use super::reclassify::Reclassification;
use super::{Action, ActionName, Status, Visibility};
use crate::closed_loop::{
    AUTO_CLOSE_DAYS, CallOutcome, FollowUpPolicy, FollowUpResult, MAX_FAILED_ATTEMPTS,
};
use crate::role::Role;
use crate::sla::Pause;
use crate::taxonomy::Kind;
use crate::validation::FieldErrorCode;
use crate::validation::ValidationError;

/// Configurable thresholds of the closed loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopRules {
    /// A follow-up rating below this reopens the ticket for rectification (整改).
    pub satisfied_at_least: i64,
    /// A resolved ticket nobody rated closes this many days after resolve (not complaints).
    pub auto_close_days: u32,
}

impl Default for LoopRules {
    fn default() -> Self {
        Self {
            satisfied_at_least: 3,
            auto_close_days: AUTO_CLOSE_DAYS,
        }
    }
}

/// Who is acting, and how they relate to the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}

/// The part of a ticket the state machine reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub kind: Kind,
    pub status: Status,
    /// The status to return to on resume.
    pub suspended_from: Option<Status>,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<i64>,
    pub escalation_level: i32,
    pub reopen_count: i32,
    /// 首问负责人: set by the first desk member to handle the ticket; never changes after.
    pub first_contact_owner_id: Option<String>,
    /// When the current suspension began; SLA clocks are paused since then.
    pub suspended_at: Option<DateTime<Utc>>,
    /// Time spent suspended before the current suspension, deducted from SLA clocks.
    pub paused_seconds: i64,
    /// The finished suspensions, so that each SLA clock deducts them in its own business time.
    pub pauses: Vec<Pause>,
    /// The ticket this one reports again; its work happens there.
    pub duplicate_of: Option<String>,
    /// Whether the ticket needs a staff call back after resolve.
    pub follow_up_policy: FollowUpPolicy,
    /// Follow-up calls that did not reach the resident, this resolve.
    pub follow_up_attempts: i32,
    /// How the follow-up ended, and when.
    pub follow_up_result: Option<FollowUpResult>,
    pub followed_up_at: Option<DateTime<Utc>>,
    /// The first resolve: the resolution clock stops there, whatever rectification follows.
    pub first_resolved_at: Option<DateTime<Utc>>,
    /// The latest reopen: the rectification clock starts there.
    pub reopened_at: Option<DateTime<Utc>>,
    pub timeliness: Option<i64>,
    pub attitude: Option<i64>,
    /// A reviewed suggestion: adopted or declined.
    pub adopted: Option<bool>,
    /// Collaboration sub-tasks (协办) not done yet: the ticket is not resolved before they are.
    pub open_subtasks: i32,
    /// A paid service's bill waits for the resident's confirmation.
    pub charges_pending: bool,
    /// When whoever holds the job now checked in on site: one arrival per visit. A new hand
    /// (dispatch, transfer, return, grab) or a rectification starts a new visit.
    pub on_site_at: Option<DateTime<Utc>>,
    /// When the resident rated the current resolve: one rating per resolution.
    pub rated_at: Option<DateTime<Utc>>,
    /// The latest chase (催单), which holds back the next one for [`CHASE_INTERVAL_MINUTES`].
    pub chased_at: Option<DateTime<Utc>>,
    /// The steps of the category's checklist not ticked yet, when the category requires it
    /// before resolve (see [`crate::checklist`]); empty otherwise.
    pub checklist_left: Vec<String>,
}

/// A chase (催单) tells the people on the ticket at most once in this many minutes.
pub const CHASE_INTERVAL_MINUTES: i64 = 60;

impl Lifecycle {
    /// A ticket as it is created.
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            status: Status::New,
            suspended_from: None,
            assignee_id: None,
            team_id: None,
            first_responded_at: None,
            arrived_at: None,
            resolved_at: None,
            closed_at: None,
            satisfaction: None,
            escalation_level: 0,
            reopen_count: 0,
            first_contact_owner_id: None,
            suspended_at: None,
            paused_seconds: 0,
            pauses: Vec::new(),
            duplicate_of: None,
            follow_up_policy: FollowUpPolicy::effective(kind, None),
            follow_up_attempts: 0,
            follow_up_result: None,
            followed_up_at: None,
            first_resolved_at: None,
            reopened_at: None,
            timeliness: None,
            attitude: None,
            adopted: None,
            open_subtasks: 0,
            charges_pending: false,
            on_site_at: None,
            rated_at: None,
            chased_at: None,
            checklist_left: Vec::new(),
        }
    }
}

/// What an applied action did, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: ActionName,
    pub from: Status,
    pub to: Status,
    /// Whether the resident sees this entry in their progress timeline.
    pub visibility: Visibility,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("role {role} may not {action}")]
    Forbidden { role: Role, action: ActionName },
    #[error("{action} is not allowed while the ticket is {status}")]
    InvalidTransition {
        action: ActionName,
        status: Status,
        reason: Option<TransitionBlock>,
    },
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The category requires its checklist before resolve, and these steps are not ticked.
    #[error("checklist steps not ticked: {}", .steps.join(", "))]
    ChecklistIncomplete { steps: Vec<String> },
}

crate::code::code_enum! {
    /// A rule that blocks a transition the status alone would allow.
    pub enum TransitionBlock ("transition block") {
        /// 投诉闭环: a complaint closes only through a follow-up.
        FollowUpRequired = "follow_up_required",
        /// A technician acts only on jobs assigned to them.
        NotAssignee = "not_assignee",
        /// A resident may withdraw a request only before work starts.
        WorkStarted = "work_started",
        /// Only an inquiry may close straight from intake (answered at first contact).
        NotAnInquiry = "not_an_inquiry",
        /// A duplicate is not dispatched again: the work happens on its original.
        Duplicate = "duplicate",
        /// Closing as unreachable needs the allowed number of failed calls first.
        TooFewAttempts = "too_few_attempts",
        /// Only a suggestion is reviewed.
        NotASuggestion = "not_a_suggestion",
        /// Only work that was given to someone can be transferred or returned.
        NotDispatched = "not_dispatched",
        /// Another team's sub-task (协办) is still open.
        OpenSubtasks = "open_subtasks",
        /// There is no bill waiting for confirmation.
        NoCharges = "no_charges",
        /// The technician already checked in on this visit.
        AlreadyOnSite = "already_on_site",
        /// The resident already rated this resolve; a new one comes after rectification.
        AlreadyRated = "already_rated",
        /// The ticket was chased less than an hour ago.
        ChasedRecently = "chased_recently",
    }
}

/// Whether `role` may ever take `action`, whatever the status. Checked first, so that a role
/// that can never do something gets 403 rather than 409.
pub fn role_permits(role: Role, action: ActionName) -> bool {
    use ActionName::*;
    match role {
        // Grabbing is how a technician answers an offer; the desk dispatches instead. A chase is
        // the resident's own push; the desk acts instead of chasing.
        Role::Admin | Role::Manager | Role::Supervisor | Role::Agent | Role::Butler => {
            !matches!(action, Grab | Chase)
        }
        Role::Technician => matches!(
            action,
            Accept | Arrive | Resolve | Suspend | Resume | Comment | Return | Grab
        ),
        Role::Resident => matches!(action, Comment | Cancel | FollowUp | ConfirmCharges | Chase),
    }
}

impl Lifecycle {
    /// The status `action` leads to from here for `actor`, or why it may not be taken.
    /// A follow-up is reported as leading to `closed`; a low rating reopens instead (see [`apply`]).
    ///
    /// [`apply`]: Lifecycle::apply
    pub fn target(&self, action: ActionName, actor: &Actor) -> Result<Status, LifecycleError> {
        use ActionName as A;
        use Status as S;
        if !role_permits(actor.role, action) {
            return Err(LifecycleError::Forbidden {
                role: actor.role,
                action,
            });
        }
        let invalid = |reason| LifecycleError::InvalidTransition {
            action,
            status: self.status,
            reason,
        };
        if actor.role == Role::Technician
            && action != ActionName::Grab
            && self.assignee_id.as_deref() != Some(actor.id.as_str())
        {
            return Err(invalid(Some(TransitionBlock::NotAssignee)));
        }
        let status = self.status;
        let to = match (action, status) {
            (A::Comment, _) => Some(status),
            (A::LinkDuplicate, s) if s.is_open() => Some(s),
            (A::Reclassify, s) if !s.is_final() => Some(s),
            (A::UnlinkDuplicate, s) if !s.is_final() && self.duplicate_of.is_some() => Some(s),
            (A::Respond, S::New) => Some(S::Accepted),
            (
                A::Respond,
                S::Accepted | S::Dispatched | S::InProgress | S::Reopened | S::Suspended,
            ) => Some(status),
            (A::Accept, S::New | S::Reopened) if actor.role.is_desk() => Some(S::Accepted),
            (A::Accept, S::Dispatched)
                if self.assignee_id.as_deref() == Some(actor.id.as_str()) =>
            {
                Some(S::InProgress)
            }
            (A::Dispatch, _) if self.duplicate_of.is_some() => {
                return Err(invalid(Some(TransitionBlock::Duplicate)));
            }
            (A::Dispatch, S::New | S::Accepted | S::Dispatched | S::InProgress | S::Reopened) => {
                Some(S::Dispatched)
            }
            (A::Grab, S::New | S::Accepted) if self.assignee_id.is_none() => Some(S::InProgress),
            (A::ConfirmCharges, S::Resolved | S::Closed) if self.charges_pending => Some(status),
            (A::ConfirmCharges, _) => return Err(invalid(Some(TransitionBlock::NoCharges))),
            (A::Transfer | A::Return, S::Dispatched | S::InProgress)
                if self.assignee_id.is_none() && self.team_id.is_none() =>
            {
                return Err(invalid(Some(TransitionBlock::NotDispatched)));
            }
            (A::Transfer, S::Dispatched | S::InProgress) => Some(S::Dispatched),
            (A::Return, S::Dispatched | S::InProgress) => Some(S::Accepted),
            (A::Arrive, S::Dispatched | S::InProgress) if self.on_site_at.is_some() => {
                return Err(invalid(Some(TransitionBlock::AlreadyOnSite)));
            }
            (A::Arrive, S::Dispatched | S::InProgress) => Some(S::InProgress),
            (A::Resolve, S::Accepted | S::Dispatched | S::InProgress | S::Reopened)
                if self.open_subtasks > 0 =>
            {
                return Err(invalid(Some(TransitionBlock::OpenSubtasks)));
            }
            (A::Resolve, S::Accepted | S::Dispatched | S::InProgress | S::Reopened)
                if !self.checklist_left.is_empty() =>
            {
                return Err(LifecycleError::ChecklistIncomplete {
                    steps: self.checklist_left.clone(),
                });
            }
            (A::Resolve, S::Accepted | S::Dispatched | S::InProgress | S::Reopened) => {
                Some(S::Resolved)
            }
            (A::FollowUp, S::Resolved)
                if actor.role == Role::Resident && self.rated_at.is_some() =>
            {
                return Err(invalid(Some(TransitionBlock::AlreadyRated)));
            }
            (A::FollowUp, S::Resolved) => Some(S::Closed),
            (A::Chase, s) if s.is_open() => Some(s),
            (A::CloseUnreachable, S::Resolved)
                if self.follow_up_attempts >= MAX_FAILED_ATTEMPTS =>
            {
                Some(S::Closed)
            }
            (A::CloseUnreachable, S::Resolved) => {
                return Err(invalid(Some(TransitionBlock::TooFewAttempts)));
            }
            (A::Review, _) if self.kind != Kind::Suggestion => {
                return Err(invalid(Some(TransitionBlock::NotASuggestion)));
            }
            (A::Review, s) if !s.is_final() && s != S::Suspended => Some(S::Closed),
            (A::Close, S::Resolved) if self.kind == Kind::Complaint => {
                return Err(invalid(Some(TransitionBlock::FollowUpRequired)));
            }
            (A::Close, S::Resolved) => Some(S::Closed),
            (A::Close, S::New | S::Accepted) if self.kind == Kind::Inquiry => Some(S::Closed),
            (A::Close, S::New | S::Accepted) => {
                return Err(invalid(Some(TransitionBlock::NotAnInquiry)));
            }
            (A::Reopen, S::Resolved | S::Closed) => Some(S::Reopened),
            (A::Suspend, S::Accepted | S::Dispatched | S::InProgress | S::Reopened) => {
                Some(S::Suspended)
            }
            (A::Resume, S::Suspended) => self.suspended_from,
            (A::Escalate, s) if !s.is_final() => Some(s),
            (A::Cancel, S::New | S::Accepted) => Some(S::Cancelled),
            (A::Cancel, S::Dispatched | S::InProgress | S::Suspended | S::Reopened)
                if actor.role == Role::Resident =>
            {
                return Err(invalid(Some(TransitionBlock::WorkStarted)));
            }
            (A::Cancel, S::Dispatched | S::InProgress | S::Suspended | S::Reopened) => {
                Some(S::Cancelled)
            }
            _ => None,
        };
        to.ok_or_else(|| invalid(None))
    }

    /// Applies `action` by `actor` at `now`, or changes nothing and says why not.
    pub fn apply(
        &mut self,
        action: &Action,
        actor: &Actor,
        now: DateTime<Utc>,
        rules: LoopRules,
    ) -> Result<Change, LifecycleError> {
        action.validate()?;
        let name = action.name();
        let mut to = self.target(name, actor)?;
        let from = self.status;
        if let Action::Resolve { body, .. } = action
            && actor.role == Role::Technician
            && body.as_deref().is_none_or(|b| b.trim().is_empty())
        {
            // The technician's record of the work is what the resident is asked to rate.
            return Err(ValidationError::single("body", FieldErrorCode::Required).into());
        }
        if name == ActionName::Chase
            && self
                .chased_at
                .is_some_and(|at| now - at < chrono::Duration::minutes(CHASE_INTERVAL_MINUTES))
        {
            return Err(LifecycleError::InvalidTransition {
                action: name,
                status: from,
                reason: Some(TransitionBlock::ChasedRecently),
            });
        }
        let mut visibility = Visibility::Resident;
        match action {
            Action::Dispatch {
                assignee_id,
                team_id,
                ..
            }
            | Action::Transfer {
                assignee_id,
                team_id,
                ..
            } => {
                self.assignee_id = assignee_id.clone();
                self.team_id = team_id.clone();
                self.on_site_at = None;
            }
            Action::Chase { .. } => {
                self.chased_at = Some(now);
            }
            Action::ConfirmCharges { .. } => {
                self.charges_pending = false;
            }
            Action::Grab { .. } => {
                self.assignee_id = Some(actor.id.clone());
                self.team_id = None;
                self.on_site_at = None;
            }
            Action::Return { .. } => {
                // Back in the dispatcher queue: nobody holds it now.
                self.assignee_id = None;
                self.team_id = None;
                self.on_site_at = None;
            }
            Action::Arrive { .. } => {
                self.arrived_at.get_or_insert(now);
                self.on_site_at = Some(now);
            }
            Action::Resolve { .. } => {
                self.resolved_at = Some(now);
                // A new resolution is rated afresh.
                self.rated_at = None;
                self.first_resolved_at.get_or_insert(now);
                // Each resolve is followed up afresh.
                self.follow_up_attempts = 0;
                self.follow_up_result = None;
                self.followed_up_at = None;
            }
            Action::FollowUp {
                outcome: CallOutcome::NotReached,
                ..
            } if actor.role == Role::Resident => {
                return Err(ValidationError::single("outcome", FieldErrorCode::Invalid).into());
            }
            Action::FollowUp {
                outcome: CallOutcome::NotReached,
                ..
            } => {
                self.follow_up_attempts += 1;
                to = Status::Resolved;
                visibility = Visibility::Internal;
            }
            Action::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction,
                timeliness,
                attitude,
                ..
            } => {
                let satisfaction = satisfaction.unwrap_or_default();
                let by_resident = actor.role == Role::Resident;
                if by_resident {
                    self.rated_at = Some(now);
                }
                self.satisfaction = Some(satisfaction);
                self.timeliness = *timeliness;
                self.attitude = *attitude;
                if satisfaction < rules.satisfied_at_least {
                    // 整改: back to work, and the rating counts as the follow-up's answer.
                    to = Status::Reopened;
                } else if by_resident && !self.follow_up_policy.rating_closes() {
                    // A complaint closes only after staff have called back themselves.
                    to = Status::Resolved;
                }
                if !(by_resident && to == Status::Resolved) {
                    self.follow_up_result = Some(if by_resident {
                        FollowUpResult::Rated
                    } else {
                        FollowUpResult::Reached
                    });
                    self.followed_up_at = Some(now);
                }
            }
            Action::CloseUnreachable { .. } => {
                self.follow_up_result = Some(FollowUpResult::Unreachable);
                self.followed_up_at = Some(now);
            }
            Action::Review { adopted, .. } => {
                self.adopted = Some(*adopted);
            }
            Action::Suspend { .. } => {
                self.suspended_from = Some(from);
                self.suspended_at = Some(now);
            }
            Action::Resume { .. } => {
                self.suspended_from = None;
            }
            Action::Escalate { .. } => {
                self.escalation_level += 1;
                visibility = Visibility::Internal;
            }
            Action::LinkDuplicate { original_id } => {
                self.duplicate_of = Some(original_id.clone());
                visibility = Visibility::Internal;
            }
            Action::UnlinkDuplicate { .. } => {
                self.duplicate_of = None;
                visibility = Visibility::Internal;
            }
            Action::Reclassify {
                kind,
                category,
                urgency,
                ..
            } => {
                // The codes passed `validate` above; category and urgency are not the state
                // machine's, the kind is (a complaint closes only through a follow-up).
                let mut problems = crate::validation::Problems::new();
                if let Some(request) = Reclassification::check(
                    &mut problems,
                    kind.as_deref(),
                    category.as_deref(),
                    urgency.as_deref(),
                ) {
                    self.kind = request.kind_after(self.kind);
                    self.follow_up_policy =
                        FollowUpPolicy::effective(self.kind, Some(self.follow_up_policy));
                }
                visibility = Visibility::Internal;
            }
            Action::Comment {
                visibility: requested,
                ..
            } => {
                // A resident's words are always theirs to see.
                visibility = if actor.role == Role::Resident {
                    Visibility::Resident
                } else {
                    *requested
                };
            }
            Action::Respond { .. }
            | Action::Accept { .. }
            | Action::Close { .. }
            | Action::Reopen { .. }
            | Action::Cancel { .. } => {}
        }
        // Leaving a suspension by any action (resume or cancel) stops the pause.
        if from == Status::Suspended
            && to != Status::Suspended
            && let Some(since) = self.suspended_at.take()
        {
            self.paused_seconds += (now - since).num_seconds().max(0);
            self.pauses.push(Pause {
                from: since,
                to: now,
            });
        }
        if actor.role.is_desk() {
            self.first_contact_owner_id
                .get_or_insert_with(|| actor.id.clone());
        }
        if to == Status::Reopened {
            // Rectification is a new visit.
            self.on_site_at = None;
            self.reopen_count += 1;
            self.reopened_at = Some(now);
            self.resolved_at = None;
            self.closed_at = None;
        }
        if to == Status::Closed {
            self.closed_at = Some(now);
        }
        // 首次响应 is the first thing staff do that the resident sees, whichever action it is.
        if actor.role.is_staff() && visibility == Visibility::Resident {
            self.first_responded_at.get_or_insert(now);
        }
        self.status = to;
        Ok(Change {
            action: name,
            from,
            to,
            visibility,
        })
    }
}

#[cfg(test)]
mod tests;
