//! Progress pushed to the resident (进度推送): which change of a ticket is news for the resident
//! who reported it, so nobody waits a day and a half to hear what happens to their request.
//!
//! Only the steps a resident reads as progress are told: taken in (已受理), given to a named
//! person (已派师傅), the technician on site (师傅已到场) and done. Internal notes,
//! reclassifications, escalations and the desk's reshuffles (a job returned to the queue, given to
//! a team with nobody named yet) are not news. Each step is one notification, also when one change
//! takes two (a new ticket dispatched at once is taken in and given out: two notifications, in
//! that order). What is coalesced: the resolve is told by the rating link its resolve issues (one
//! message, "done, please rate"), not by a second message of its own; and a duplicate's resident
//! hears its original's steps (`original_progress`), not the steps the duplicate takes with it.

use super::{ActionName, Change, Status};
use crate::notice::NoticeKind;

/// What changed besides the status: who holds the job before and after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hands<'a> {
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The notifications a change is for the ticket's resident, in the order its steps happened;
/// empty when it is no news to them. The resolve is not: its rating link tells it (see above).
pub fn resident_news(change: &Change, hands: Hands<'_>) -> Vec<NoticeKind> {
    use ActionName as A;
    let taken_in = change.from == Status::New
        && matches!(
            change.to,
            Status::Accepted | Status::Dispatched | Status::InProgress
        );
    let given_out = matches!(change.action, A::Dispatch | A::Transfer | A::Grab)
        && hands.after.is_some()
        && hands.after != hands.before;
    let mut news = Vec::new();
    if taken_in {
        news.push(NoticeKind::TicketAccepted);
    }
    if given_out {
        news.push(NoticeKind::TicketDispatched);
    }
    if change.action == A::Arrive {
        news.push(NoticeKind::TechnicianArrived);
    }
    news
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::Visibility;

    fn change(action: ActionName, from: Status, to: Status) -> Change {
        Change {
            action,
            from,
            to,
            visibility: Visibility::Resident,
        }
    }

    const NOBODY: Hands<'static> = Hands {
        before: None,
        after: None,
    };

    #[test]
    fn the_first_answer_or_intake_is_the_accepted_step() {
        for action in [ActionName::Respond, ActionName::Accept] {
            assert_eq!(
                resident_news(&change(action, Status::New, Status::Accepted), NOBODY),
                [NoticeKind::TicketAccepted]
            );
        }
        assert_eq!(
            resident_news(
                &change(ActionName::Respond, Status::Accepted, Status::Accepted),
                NOBODY
            ),
            [],
            "a later answer is not a step"
        );
    }

    #[test]
    fn a_job_given_to_a_person_is_news_and_to_a_team_is_not() {
        let dispatch = change(ActionName::Dispatch, Status::Accepted, Status::Dispatched);
        let to_tech = Hands {
            before: None,
            after: Some("t1"),
        };
        assert_eq!(
            resident_news(&dispatch, to_tech),
            [NoticeKind::TicketDispatched]
        );
        assert_eq!(resident_news(&dispatch, NOBODY), [], "a team only");
        let transfer = change(ActionName::Transfer, Status::Dispatched, Status::Dispatched);
        let same = Hands {
            before: Some("t1"),
            after: Some("t1"),
        };
        assert_eq!(resident_news(&transfer, same), [], "same hands");
        let other = Hands {
            before: Some("t1"),
            after: Some("t2"),
        };
        assert_eq!(
            resident_news(&transfer, other),
            [NoticeKind::TicketDispatched]
        );
    }

    #[test]
    fn a_new_ticket_given_out_at_once_is_two_steps_in_order() {
        let to_tech = Hands {
            before: None,
            after: Some("t1"),
        };
        let both = [NoticeKind::TicketAccepted, NoticeKind::TicketDispatched];
        let dispatch = change(ActionName::Dispatch, Status::New, Status::Dispatched);
        assert_eq!(resident_news(&dispatch, to_tech), both);
        let grab = change(ActionName::Grab, Status::New, Status::InProgress);
        assert_eq!(resident_news(&grab, to_tech), both);
        assert_eq!(
            resident_news(&dispatch, NOBODY),
            [NoticeKind::TicketAccepted],
            "to a team: taken in, nobody named yet"
        );
        let inquiry_closed = change(ActionName::Close, Status::New, Status::Closed);
        assert_eq!(resident_news(&inquiry_closed, NOBODY), []);
    }

    #[test]
    fn arrival_is_news_and_the_rest_is_not() {
        assert_eq!(
            resident_news(
                &change(ActionName::Arrive, Status::InProgress, Status::InProgress),
                NOBODY
            ),
            [NoticeKind::TechnicianArrived]
        );
        for (action, from, to) in [
            (ActionName::Comment, Status::Accepted, Status::Accepted),
            (ActionName::Resolve, Status::InProgress, Status::Resolved),
            (ActionName::Return, Status::Dispatched, Status::Accepted),
            (ActionName::Escalate, Status::Accepted, Status::Accepted),
            (ActionName::Reclassify, Status::New, Status::New),
            (ActionName::Accept, Status::Dispatched, Status::InProgress),
        ] {
            let hands = Hands {
                before: Some("t1"),
                after: Some("t1"),
            };
            assert_eq!(
                resident_news(&change(action, from, to), hands),
                [],
                "{action}"
            );
        }
    }
}
