//! The actions that move a ticket, with what each carries. This type is also the HTTP input of
//! `POST /api/v1/tickets/{id}/actions`, so the contract and the rules share one definition.

use serde::{Deserialize, Serialize};

use super::Visibility;
use super::reclassify::Reclassification;
use crate::closed_loop::CallOutcome;
use crate::closed_loop::follow_up::score;
use crate::code::code_enum;
use crate::dispatch::field_work::{ChargeLine, GeoPoint, Material, check_location, check_work};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// The name of an action, without its payload.
    pub enum ActionName ("action") {
        Respond = "respond",
        Accept = "accept",
        Dispatch = "dispatch",
        Arrive = "arrive",
        Resolve = "resolve",
        FollowUp = "follow_up",
        Close = "close",
        Reopen = "reopen",
        Suspend = "suspend",
        Resume = "resume",
        Escalate = "escalate",
        Cancel = "cancel",
        Comment = "comment",
        LinkDuplicate = "link_duplicate",
        UnlinkDuplicate = "unlink_duplicate",
        CloseUnreachable = "close_unreachable",
        Review = "review",
        Transfer = "transfer",
        Return = "return",
        Grab = "grab",
        ConfirmCharges = "confirm_charges",
        Reclassify = "reclassify",
        Chase = "chase",
    }
}

/// Longest free text an action may carry.
pub const MAX_ACTION_TEXT: usize = 4000;

/// One action on a ticket, as the API receives it: `{"action": "dispatch", "assignee_id": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// First (or further) answer to the resident; takes a new ticket in.
    Respond {
        body: Option<String>,
    },
    /// The desk takes a ticket in (受理), or the assignee accepts a dispatched job (接单).
    Accept {
        note: Option<String>,
    },
    /// Gives the work to a person or a team (派单).
    Dispatch {
        assignee_id: Option<String>,
        team_id: Option<String>,
        note: Option<String>,
    },
    /// The technician is on site (到场), optionally with where they checked in.
    Arrive {
        note: Option<String>,
        location: Option<GeoPoint>,
    },
    /// The work is done (完成): what was done (`body`), the materials used, and for a paid
    /// service the items of the project's price list, which the resident then confirms.
    Resolve {
        body: Option<String>,
        #[serde(default)]
        materials: Vec<Material>,
        #[serde(default)]
        charges: Vec<ChargeLine>,
    },
    /// The follow-up after the work (回访): a staff call (`outcome` reached, the default, with the
    /// resident's ratings; or not_reached, without), or the resident's own rating. Ratings 1–5;
    /// `satisfaction` is the overall one that decides.
    FollowUp {
        #[serde(default)]
        outcome: CallOutcome,
        satisfaction: Option<i64>,
        timeliness: Option<i64>,
        attitude: Option<i64>,
        comment: Option<String>,
    },
    Close {
        note: Option<String>,
    },
    Reopen {
        reason: Option<String>,
    },
    /// Waiting on the resident or a third party (挂起): SLA clocks pause.
    Suspend {
        reason: String,
    },
    Resume {
        note: Option<String>,
    },
    Escalate {
        reason: Option<String>,
    },
    Cancel {
        reason: String,
    },
    Comment {
        body: String,
        #[serde(default)]
        visibility: Visibility,
    },
    /// Marks this ticket as reporting what `original_id` already reports (重复工单).
    LinkDuplicate {
        original_id: String,
    },
    /// Undoes a duplicate link that was wrong.
    UnlinkDuplicate {
        reason: Option<String>,
    },
    /// Closes a resolved ticket whose resident could not be reached after the allowed calls.
    CloseUnreachable {
        reason: String,
    },
    /// Ends a suggestion: adopted, or declined with the reason (建议采纳).
    Review {
        adopted: bool,
        reason: Option<String>,
    },
    /// Gives dispatched work to another person or team, with the reason (转单).
    Transfer {
        assignee_id: Option<String>,
        team_id: Option<String>,
        reason: String,
    },
    /// The assignee gives the job back, with the reason; it returns to the dispatcher queue (退单).
    Return {
        reason: String,
    },
    /// A technician takes a job offered to them (抢单): the first one wins.
    Grab {
        note: Option<String>,
    },
    /// The resident accepts (or disputes) the bill of a paid service.
    ConfirmCharges {
        accepted: bool,
        note: Option<String>,
    },
    /// The desk corrects what the ticket is: its kind, category or urgency (a category of another
    /// kind brings its kind along). Deadlines follow; a value read from the text and changed here
    /// is recorded as a correction of message understanding.
    Reclassify {
        kind: Option<String>,
        category: Option<String>,
        urgency: Option<String>,
        reason: Option<String>,
    },
    /// The resident (or the desk on their behalf) asks for the work to hurry (催单): recorded on
    /// the timeline and told to whoever owns and holds the ticket, at most once an hour.
    Chase {
        note: Option<String>,
    },
}

/// An action as asked for, and whether the words it carries (note, reason, work done) are told to
/// the resident (告知住户): staff notes are internal unless told. `{"action": "dispatch",
/// "assignee_id": "…", "note": "…", "tell_resident": true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRequest {
    #[serde(flatten)]
    pub action: Action,
    /// Shows the words this action carries to the resident too; internal otherwise.
    #[serde(default)]
    pub tell_resident: bool,
}

impl From<Action> for ActionRequest {
    fn from(action: Action) -> Self {
        ActionRequest {
            action,
            tell_resident: false,
        }
    }
}

impl Action {
    pub fn name(&self) -> ActionName {
        match self {
            Action::Respond { .. } => ActionName::Respond,
            Action::Accept { .. } => ActionName::Accept,
            Action::Dispatch { .. } => ActionName::Dispatch,
            Action::Arrive { .. } => ActionName::Arrive,
            Action::Resolve { .. } => ActionName::Resolve,
            Action::FollowUp { .. } => ActionName::FollowUp,
            Action::Close { .. } => ActionName::Close,
            Action::Reopen { .. } => ActionName::Reopen,
            Action::Suspend { .. } => ActionName::Suspend,
            Action::Resume { .. } => ActionName::Resume,
            Action::Escalate { .. } => ActionName::Escalate,
            Action::Cancel { .. } => ActionName::Cancel,
            Action::Comment { .. } => ActionName::Comment,
            Action::LinkDuplicate { .. } => ActionName::LinkDuplicate,
            Action::UnlinkDuplicate { .. } => ActionName::UnlinkDuplicate,
            Action::CloseUnreachable { .. } => ActionName::CloseUnreachable,
            Action::Review { .. } => ActionName::Review,
            Action::Transfer { .. } => ActionName::Transfer,
            Action::Return { .. } => ActionName::Return,
            Action::Grab { .. } => ActionName::Grab,
            Action::ConfirmCharges { .. } => ActionName::ConfirmCharges,
            Action::Reclassify { .. } => ActionName::Reclassify,
            Action::Chase { .. } => ActionName::Chase,
        }
    }

    /// Checks the payload on its own, before any state is looked at.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut problems = Problems::new();
        match self {
            Action::Arrive { note, location } => {
                problems.optional_text("note", note.as_deref(), MAX_ACTION_TEXT);
                check_location(&mut problems, location.as_ref());
            }
            Action::Resolve {
                body,
                materials,
                charges,
            } => {
                problems.optional_text("body", body.as_deref(), MAX_ACTION_TEXT);
                check_work(&mut problems, materials, charges);
            }
            Action::ConfirmCharges { note, .. } => {
                problems.optional_text("note", note.as_deref(), MAX_ACTION_TEXT)
            }
            Action::Respond { body: text }
            | Action::Accept { note: text }
            | Action::Close { note: text }
            | Action::Reopen { reason: text }
            | Action::Resume { note: text }
            | Action::Escalate { reason: text }
            | Action::Grab { note: text }
            | Action::Chase { note: text }
            | Action::UnlinkDuplicate { reason: text } => {
                problems.optional_text(self.text_field(), text.as_deref(), MAX_ACTION_TEXT)
            }
            Action::Dispatch {
                assignee_id,
                team_id,
                note,
            } => {
                if assignee_id.is_none() && team_id.is_none() {
                    problems.add("assignee_id", FieldErrorCode::Required);
                }
                problems.optional_text("note", note.as_deref(), MAX_ACTION_TEXT);
            }
            Action::FollowUp {
                outcome,
                satisfaction,
                timeliness,
                attitude,
                comment,
            } => {
                match (outcome, satisfaction) {
                    (CallOutcome::Reached, None) => {
                        problems.add("satisfaction", FieldErrorCode::Required)
                    }
                    (CallOutcome::NotReached, _)
                        if satisfaction.or(*timeliness).or(*attitude).is_some() =>
                    {
                        problems.add("outcome", FieldErrorCode::Mismatch)
                    }
                    _ => {}
                }
                score(&mut problems, "satisfaction", *satisfaction);
                score(&mut problems, "timeliness", *timeliness);
                score(&mut problems, "attitude", *attitude);
                problems.optional_text("comment", comment.as_deref(), MAX_ACTION_TEXT);
            }
            Action::Suspend { reason }
            | Action::Cancel { reason }
            | Action::CloseUnreachable { reason }
            | Action::Return { reason } => problems.text("reason", reason, MAX_ACTION_TEXT),
            Action::Transfer {
                assignee_id,
                team_id,
                reason,
            } => {
                if assignee_id.is_none() && team_id.is_none() {
                    problems.add("assignee_id", FieldErrorCode::Required);
                }
                problems.text("reason", reason, MAX_ACTION_TEXT);
            }
            Action::Review {
                adopted: true,
                reason,
            } => problems.optional_text("reason", reason.as_deref(), MAX_ACTION_TEXT),
            Action::Review {
                adopted: false,
                reason,
            } => problems.text(
                "reason",
                reason.as_deref().unwrap_or_default(),
                MAX_ACTION_TEXT,
            ),
            Action::Comment { body, .. } => problems.text("body", body, MAX_ACTION_TEXT),
            Action::LinkDuplicate { original_id } => problems.text("original_id", original_id, 64),
            Action::Reclassify {
                kind,
                category,
                urgency,
                reason,
            } => {
                Reclassification::check(
                    &mut problems,
                    kind.as_deref(),
                    category.as_deref(),
                    urgency.as_deref(),
                );
                problems.optional_text("reason", reason.as_deref(), MAX_ACTION_TEXT);
            }
        }
        problems.into_result(())
    }

    /// The name of the optional free-text field of the simple actions, for error reports.
    fn text_field(&self) -> &'static str {
        match self {
            Action::Respond { .. } => "body",
            Action::Reopen { .. } | Action::Escalate { .. } | Action::UnlinkDuplicate { .. } => {
                "reason"
            }
            _ => "note",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_api_shape() {
        let action: Action =
            serde_json_like(r#"{"action":"follow_up","satisfaction":4,"comment":"很好"}"#);
        assert_eq!(action, follow_up(Some(4), Some("很好")));
        let action: Action = serde_json_like(r#"{"action":"accept"}"#);
        assert_eq!(action.name(), ActionName::Accept);
    }

    #[test]
    fn payload_rules() {
        assert!(follow_up(Some(0), None).validate().is_err());
        assert!(
            follow_up(None, None).validate().is_err(),
            "a call that reached the resident has a rating"
        );
        assert!(follow_up(Some(5), None).validate().is_ok());
        let missed = |satisfaction| Action::FollowUp {
            outcome: CallOutcome::NotReached,
            satisfaction,
            timeliness: None,
            attitude: None,
            comment: None,
        };
        assert!(missed(None).validate().is_ok());
        assert!(
            missed(Some(3)).validate().is_err(),
            "nobody answered, so nobody rated"
        );
        assert!(
            Action::Review {
                adopted: false,
                reason: Some(" ".into())
            }
            .validate()
            .is_err(),
            "a decline says why"
        );
        assert!(
            Action::Review {
                adopted: true,
                reason: None
            }
            .validate()
            .is_ok()
        );
        assert!(
            Action::CloseUnreachable {
                reason: "三次未接通".into()
            }
            .validate()
            .is_ok()
        );
        assert!(
            Action::Suspend {
                reason: "  ".into()
            }
            .validate()
            .is_err()
        );
        assert!(
            Action::Dispatch {
                assignee_id: None,
                team_id: None,
                note: None
            }
            .validate()
            .is_err()
        );
        let long = "长".repeat(MAX_ACTION_TEXT + 1);
        assert!(
            Action::Comment {
                body: long,
                visibility: Visibility::Internal
            }
            .validate()
            .is_err()
        );
    }

    fn follow_up(satisfaction: Option<i64>, comment: Option<&str>) -> Action {
        Action::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction,
            timeliness: None,
            attitude: None,
            comment: comment.map(Into::into),
        }
    }

    #[test]
    fn a_request_tells_the_resident_only_when_asked_and_still_refuses_unknown_fields() {
        let told: ActionRequest = serde_json::from_str(
            r#"{"action":"dispatch","assignee_id":"s1","note":"师傅十点到","tell_resident":true}"#,
        )
        .unwrap();
        assert!(told.tell_resident);
        assert_eq!(
            told.action,
            Action::Dispatch {
                assignee_id: Some("s1".into()),
                team_id: None,
                note: Some("师傅十点到".into())
            }
        );
        let quiet: ActionRequest = serde_json::from_str(r#"{"action":"resolve","body":"换了角阀","materials":[{"name":"角阀","quantity":1.5}]}"#).unwrap();
        assert!(!quiet.tell_resident);
        assert!(
            serde_json::from_str::<ActionRequest>(r#"{"action":"accept","colour":"red"}"#).is_err()
        );
        assert!(serde_json::from_str::<ActionRequest>(r#"{"tell_resident":true}"#).is_err());
    }

    fn serde_json_like(json: &str) -> Action {
        serde_json::from_str(json).expect("valid action")
    }
}
