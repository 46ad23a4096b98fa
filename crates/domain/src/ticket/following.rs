//! Duplicates follow their original (重复工单跟随原单): the work happens on the original, so a
//! duplicate's resident hears of each step of it, and the duplicate is resolved and closed with
//! it, through the state machine like any other change. A cancelled original lets its duplicates
//! go, so their residents' reports are handled on their own.

use chrono::{DateTime, Utc};

use super::{Action, ActionName, Actor, Change, Lifecycle, LoopRules, Status};
use crate::code::code_enum;

code_enum! {
    /// A step of the original worth telling a duplicate's resident of.
    pub enum Progress ("progress") {
        Dispatched = "dispatched",
        Arrived = "arrived",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

impl Progress {
    /// The step a change of the original is, if it is one: a status reached anew (not a
    /// resume from a suspension), or the technician's arrival.
    pub fn of(change: &Change) -> Option<Progress> {
        if change.action == ActionName::Resume {
            return None;
        }
        if change.action == ActionName::Arrive {
            return Some(Progress::Arrived);
        }
        if change.from == change.to {
            return None;
        }
        match change.to {
            Status::Dispatched => Some(Progress::Dispatched),
            Status::InProgress => Some(Progress::InProgress),
            Status::Resolved => Some(Progress::Resolved),
            Status::Closed => Some(Progress::Closed),
            Status::Cancelled => Some(Progress::Cancelled),
            _ => None,
        }
    }
}

/// What a duplicate does when its original moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    /// The step to tell the duplicate's resident of; None when it does not concern them.
    pub news: Option<Progress>,
    /// The actions that move the duplicate along, in order; each is one the state machine allows
    /// `actor` at that point, so a refused step (a complaint waiting for its follow-up call, an
    /// open sub-task) leaves the duplicate where it got to.
    pub steps: Vec<Action>,
}

/// How `duplicate` follows its original (numbered `number`) through `change`, acted by `actor`.
pub fn follow_original(
    change: &Change,
    number: &str,
    duplicate: &Lifecycle,
    actor: &Actor,
    rules: LoopRules,
    now: DateTime<Utc>,
) -> Following {
    let nothing = Following {
        news: None,
        steps: Vec::new(),
    };
    let Some(news) = Progress::of(change) else {
        return nothing;
    };
    // A finished duplicate has nothing to follow; a resolved one only waits to be closed.
    if duplicate.status.is_final()
        || (duplicate.status == Status::Resolved && news != Progress::Closed)
    {
        return nothing;
    }
    let mut simulated = duplicate.clone();
    let mut steps = Vec::new();
    let mut step = |simulated: &mut Lifecycle, action: Action| {
        if simulated.apply(&action, actor, now, rules).is_ok() {
            steps.push(action);
        }
    };
    let note = |what: &str| Some(format!("原工单 {number} {what}，本单随之处理"));
    if matches!(news, Progress::Resolved | Progress::Closed) {
        if simulated.status == Status::Suspended {
            step(
                &mut simulated,
                Action::Resume {
                    note: note("已完成"),
                },
            );
        }
        if simulated.status == Status::New {
            step(
                &mut simulated,
                Action::Accept {
                    note: note("已完成"),
                },
            );
        }
        if simulated.status != Status::Resolved {
            step(
                &mut simulated,
                Action::Resolve {
                    body: note("已完成"),
                    materials: Vec::new(),
                    charges: Vec::new(),
                },
            );
        }
    }
    if news == Progress::Closed && simulated.status == Status::Resolved {
        step(
            &mut simulated,
            Action::Close {
                note: note("已关闭"),
            },
        );
    }
    if news == Progress::Cancelled {
        step(
            &mut simulated,
            Action::UnlinkDuplicate {
                reason: Some(format!("原工单 {number} 已取消，本单单独处理")),
            },
        );
    }
    Following {
        news: Some(news),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use crate::taxonomy::Kind;
    use crate::ticket::Visibility;

    fn change(action: ActionName, from: Status, to: Status) -> Change {
        Change {
            action,
            from,
            to,
            visibility: Visibility::Resident,
        }
    }

    fn duplicate(kind: Kind, status: Status) -> Lifecycle {
        Lifecycle {
            status,
            duplicate_of: Some("original".into()),
            suspended_from: Some(Status::Accepted),
            ..Lifecycle::new(kind)
        }
    }

    fn follow(change: &Change, duplicate: &Lifecycle) -> Following {
        let agent = Actor {
            id: "agent".into(),
            role: Role::Agent,
        };
        follow_original(
            change,
            "GJ-20261130-0001",
            duplicate,
            &agent,
            LoopRules::default(),
            Utc::now(),
        )
    }

    fn names(following: &Following) -> Vec<ActionName> {
        following.steps.iter().map(Action::name).collect()
    }

    #[test]
    fn the_steps_worth_telling() {
        use ActionName as A;
        use Status as S;
        assert_eq!(
            Progress::of(&change(A::Dispatch, S::Accepted, S::Dispatched)),
            Some(Progress::Dispatched)
        );
        assert_eq!(
            Progress::of(&change(A::Accept, S::Dispatched, S::InProgress)),
            Some(Progress::InProgress)
        );
        assert_eq!(
            Progress::of(&change(A::Arrive, S::InProgress, S::InProgress)),
            Some(Progress::Arrived)
        );
        assert_eq!(
            Progress::of(&change(A::Resolve, S::InProgress, S::Resolved)),
            Some(Progress::Resolved)
        );
        assert_eq!(
            Progress::of(&change(A::FollowUp, S::Resolved, S::Closed)),
            Some(Progress::Closed)
        );
        assert_eq!(
            Progress::of(&change(A::Cancel, S::Accepted, S::Cancelled)),
            Some(Progress::Cancelled)
        );
        assert_eq!(
            Progress::of(&change(A::Comment, S::InProgress, S::InProgress)),
            None
        );
        assert_eq!(
            Progress::of(&change(A::Transfer, S::Dispatched, S::Dispatched)),
            None
        );
        assert_eq!(
            Progress::of(&change(A::Resume, S::Suspended, S::InProgress)),
            None
        );
        assert_eq!(Progress::of(&change(A::Accept, S::New, S::Accepted)), None);
    }

    #[test]
    fn progress_is_told_without_moving_the_duplicate() {
        let following = follow(
            &change(ActionName::Dispatch, Status::Accepted, Status::Dispatched),
            &duplicate(Kind::Repair, Status::New),
        );
        assert_eq!(
            (following.news, following.steps.len()),
            (Some(Progress::Dispatched), 0)
        );
    }

    #[test]
    fn a_duplicate_is_resolved_with_its_original_from_wherever_it_stands() {
        let resolved = change(ActionName::Resolve, Status::InProgress, Status::Resolved);
        assert_eq!(
            names(&follow(&resolved, &duplicate(Kind::Repair, Status::New))),
            [ActionName::Accept, ActionName::Resolve]
        );
        assert_eq!(
            names(&follow(
                &resolved,
                &duplicate(Kind::Repair, Status::Accepted)
            )),
            [ActionName::Resolve]
        );
        assert_eq!(
            names(&follow(
                &resolved,
                &duplicate(Kind::Repair, Status::Suspended)
            )),
            [ActionName::Resume, ActionName::Resolve]
        );
        let blocked = Lifecycle {
            open_subtasks: 1,
            ..duplicate(Kind::Repair, Status::Accepted)
        };
        let following = follow(&resolved, &blocked);
        assert_eq!(
            (following.news, following.steps.len()),
            (Some(Progress::Resolved), 0),
            "an open sub-task keeps it open, told"
        );
    }

    #[test]
    fn a_duplicate_closes_with_its_original_unless_the_state_machine_says_no() {
        let closed = change(ActionName::FollowUp, Status::Resolved, Status::Closed);
        assert_eq!(
            names(&follow(&closed, &duplicate(Kind::Repair, Status::Resolved))),
            [ActionName::Close]
        );
        assert_eq!(
            names(&follow(&closed, &duplicate(Kind::Repair, Status::Accepted))),
            [ActionName::Resolve, ActionName::Close]
        );
        // 投诉闭环: a complaint still waits for its own follow-up call.
        assert_eq!(
            names(&follow(
                &closed,
                &duplicate(Kind::Complaint, Status::Accepted)
            )),
            [ActionName::Resolve]
        );
    }

    #[test]
    fn a_cancelled_original_lets_its_duplicates_go() {
        let cancelled = change(ActionName::Cancel, Status::Accepted, Status::Cancelled);
        assert_eq!(
            names(&follow(&cancelled, &duplicate(Kind::Repair, Status::New))),
            [ActionName::UnlinkDuplicate]
        );
    }

    #[test]
    fn a_finished_duplicate_follows_nothing() {
        let resolved = change(ActionName::Resolve, Status::InProgress, Status::Resolved);
        assert_eq!(
            follow(&resolved, &duplicate(Kind::Repair, Status::Closed)),
            Following {
                news: None,
                steps: vec![]
            }
        );
        assert_eq!(
            follow(&resolved, &duplicate(Kind::Repair, Status::Resolved)).news,
            None
        );
    }

    #[test]
    fn every_step_is_one_the_state_machine_takes() {
        let agent = Actor {
            id: "agent".into(),
            role: Role::Agent,
        };
        let closed = change(ActionName::Close, Status::Resolved, Status::Closed);
        for status in Status::ALL {
            let mut lifecycle = duplicate(Kind::Repair, *status);
            for action in follow(&closed, &lifecycle).steps {
                assert!(
                    lifecycle
                        .apply(&action, &agent, Utc::now(), LoopRules::default())
                        .is_ok(),
                    "{status}: {action:?}"
                );
            }
        }
    }
}
