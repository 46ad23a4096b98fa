use super::*;
use crate::closed_loop::CallOutcome;

/// Every (action, status) pair and what each role gets, for a repair assigned to the technician
/// and suspended from `dispatched`, not linked as a duplicate. Cells: a status code (allowed, leads there), `409` (not in this
/// status), `403` (never for this role). `desk` stands for admin, manager, supervisor, agent and
/// butler, each checked on its own.
const TABLE: &str = "
action     status      desk        technician  resident
respond    new         accepted    403         403
respond    accepted    accepted    403         403
respond    dispatched  dispatched  403         403
respond    in_progress in_progress 403         403
respond    resolved    409         403         403
respond    closed      409         403         403
respond    suspended   suspended   403         403
respond    reopened    reopened    403         403
respond    cancelled   409         403         403
accept     new         accepted    409         403
accept     accepted    409         409         403
accept     dispatched  409         in_progress 403
accept     in_progress 409         409         403
accept     resolved    409         409         403
accept     closed      409         409         403
accept     suspended   409         409         403
accept     reopened    accepted    409         403
accept     cancelled   409         409         403
dispatch   new         dispatched  403         403
dispatch   accepted    dispatched  403         403
dispatch   dispatched  dispatched  403         403
dispatch   in_progress dispatched  403         403
dispatch   resolved    409         403         403
dispatch   closed      409         403         403
dispatch   suspended   409         403         403
dispatch   reopened    dispatched  403         403
dispatch   cancelled   409         403         403
arrive     new         409         409         403
arrive     accepted    409         409         403
arrive     dispatched  in_progress in_progress 403
arrive     in_progress in_progress in_progress 403
arrive     resolved    409         409         403
arrive     closed      409         409         403
arrive     suspended   409         409         403
arrive     reopened    409         409         403
arrive     cancelled   409         409         403
resolve    new         409         409         403
resolve    accepted    resolved    resolved    403
resolve    dispatched  resolved    resolved    403
resolve    in_progress resolved    resolved    403
resolve    resolved    409         409         403
resolve    closed      409         409         403
resolve    suspended   409         409         403
resolve    reopened    resolved    resolved    403
resolve    cancelled   409         409         403
follow_up  new         409         403         409
follow_up  accepted    409         403         409
follow_up  dispatched  409         403         409
follow_up  in_progress 409         403         409
follow_up  resolved    closed      403         closed
follow_up  closed      409         403         409
follow_up  suspended   409         403         409
follow_up  reopened    409         403         409
follow_up  cancelled   409         403         409
close      new         409         403         403
close      accepted    409         403         403
close      dispatched  409         403         403
close      in_progress 409         403         403
close      resolved    closed      403         403
close      closed      409         403         403
close      suspended   409         403         403
close      reopened    409         403         403
close      cancelled   409         403         403
reopen     new         409         403         403
reopen     accepted    409         403         403
reopen     dispatched  409         403         403
reopen     in_progress 409         403         403
reopen     resolved    reopened    403         403
reopen     closed      reopened    403         403
reopen     suspended   409         403         403
reopen     reopened    409         403         403
reopen     cancelled   409         403         403
suspend    new         409         409         403
suspend    accepted    suspended   suspended   403
suspend    dispatched  suspended   suspended   403
suspend    in_progress suspended   suspended   403
suspend    resolved    409         409         403
suspend    closed      409         409         403
suspend    suspended   409         409         403
suspend    reopened    suspended   suspended   403
suspend    cancelled   409         409         403
resume     new         409         409         403
resume     accepted    409         409         403
resume     dispatched  409         409         403
resume     in_progress 409         409         403
resume     resolved    409         409         403
resume     closed      409         409         403
resume     suspended   dispatched  dispatched  403
resume     reopened    409         409         403
resume     cancelled   409         409         403
escalate   new         new         403         403
escalate   accepted    accepted    403         403
escalate   dispatched  dispatched  403         403
escalate   in_progress in_progress 403         403
escalate   resolved    resolved    403         403
escalate   closed      409         403         403
escalate   suspended   suspended   403         403
escalate   reopened    reopened    403         403
escalate   cancelled   409         403         403
cancel     new         cancelled   403         cancelled
cancel     accepted    cancelled   403         cancelled
cancel     dispatched  cancelled   403         409
cancel     in_progress cancelled   403         409
cancel     resolved    409         403         409
cancel     closed      409         403         409
cancel     suspended   cancelled   403         409
cancel     reopened    cancelled   403         409
cancel     cancelled   409         403         409
comment    new         new         new         new
comment    accepted    accepted    accepted    accepted
comment    dispatched  dispatched  dispatched  dispatched
comment    in_progress in_progress in_progress in_progress
comment    resolved    resolved    resolved    resolved
comment    closed      closed      closed      closed
comment    suspended   suspended   suspended   suspended
comment    reopened    reopened    reopened    reopened
comment    cancelled   cancelled   cancelled   cancelled
link_duplicate   new         new         403         403
link_duplicate   accepted    accepted    403         403
link_duplicate   dispatched  dispatched  403         403
link_duplicate   in_progress in_progress 403         403
link_duplicate   resolved    409         403         403
link_duplicate   closed      409         403         403
link_duplicate   suspended   suspended   403         403
link_duplicate   reopened    reopened    403         403
link_duplicate   cancelled   409         403         403
unlink_duplicate new         409         403         403
unlink_duplicate accepted    409         403         403
unlink_duplicate dispatched  409         403         403
unlink_duplicate in_progress 409         403         403
unlink_duplicate resolved    409         403         403
unlink_duplicate closed      409         403         403
unlink_duplicate suspended   409         403         403
unlink_duplicate reopened    409         403         403
unlink_duplicate cancelled   409         403         403
close_unreachable new         409         403         403
close_unreachable accepted    409         403         403
close_unreachable dispatched  409         403         403
close_unreachable in_progress 409         403         403
close_unreachable resolved    409         403         403
close_unreachable closed      409         403         403
close_unreachable suspended   409         403         403
close_unreachable reopened    409         403         403
close_unreachable cancelled   409         403         403
review     new         409         403         403
review     accepted    409         403         403
review     dispatched  409         403         403
review     in_progress 409         403         403
review     resolved    409         403         403
review     closed      409         403         403
review     suspended   409         403         403
review     reopened    409         403         403
review     cancelled   409         403         403
transfer   new         409         403         403
transfer   accepted    409         403         403
transfer   dispatched  dispatched  403         403
transfer   in_progress dispatched  403         403
transfer   resolved    409         403         403
transfer   closed      409         403         403
transfer   suspended   409         403         403
transfer   reopened    409         403         403
transfer   cancelled   409         403         403
return     new         409         409         403
return     accepted    409         409         403
return     dispatched  accepted    accepted    403
return     in_progress accepted    accepted    403
return     resolved    409         409         403
return     closed      409         409         403
return     suspended   409         409         403
return     reopened    409         409         403
return     cancelled   409         409         403
grab       new         403         409         403
grab       accepted    403         409         403
grab       dispatched  403         409         403
grab       in_progress 403         409         403
grab       resolved    403         409         403
grab       closed      403         409         403
grab       suspended   403         409         403
grab       reopened    403         409         403
grab       cancelled   403         409         403
confirm_charges new         409         403         409
confirm_charges accepted    409         403         409
confirm_charges dispatched  409         403         409
confirm_charges in_progress 409         403         409
confirm_charges resolved    409         403         409
confirm_charges closed      409         403         409
confirm_charges suspended   409         403         409
confirm_charges reopened    409         403         409
confirm_charges cancelled   409         403         409
reclassify new         new         403         403
reclassify accepted    accepted    403         403
reclassify dispatched  dispatched  403         403
reclassify in_progress in_progress 403         403
reclassify resolved    resolved    403         403
reclassify closed      409         403         403
reclassify suspended   suspended   403         403
reclassify reopened    reopened    403         403
reclassify cancelled   409         403         403
chase      new         403         403         new
chase      accepted    403         403         accepted
chase      dispatched  403         403         dispatched
chase      in_progress 403         403         in_progress
chase      resolved    403         403         409
chase      closed      403         403         409
chase      suspended   403         403         suspended
chase      reopened    403         403         reopened
chase      cancelled   403         403         409
";

const TECH: &str = "tech-1";

fn ticket(kind: Kind, status: Status) -> Lifecycle {
    Lifecycle {
        status,
        suspended_from: (status == Status::Suspended).then_some(Status::Dispatched),
        assignee_id: Some(TECH.into()),
        ..Lifecycle::new(kind)
    }
}

fn actor(role: Role) -> Actor {
    let id = if role == Role::Technician {
        TECH
    } else {
        "someone"
    };
    Actor {
        id: id.into(),
        role,
    }
}

fn outcome(result: Result<Status, LifecycleError>) -> String {
    match result {
        Ok(status) => status.as_str().to_owned(),
        Err(LifecycleError::Forbidden { .. }) => "403".into(),
        Err(LifecycleError::InvalidTransition { .. }) => "409".into(),
        Err(LifecycleError::Validation(e)) => panic!("target() never validates: {e}"),
        // The table's tickets have no checklist.
        Err(e @ LifecycleError::ChecklistIncomplete { .. }) => panic!("{e}"),
    }
}

#[test]
fn every_status_action_role_triple_matches_the_table() {
    let mut checked = std::collections::HashSet::new();
    for line in TABLE.lines().skip(2).filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let [action, status, desk, technician, resident] = cells[..] else {
            panic!("bad row {line}")
        };
        let action: ActionName = action.parse().unwrap();
        let status: Status = status.parse().unwrap();
        for role in Role::ALL {
            let expected = match role {
                Role::Technician => technician,
                Role::Resident => resident,
                _ => desk,
            };
            let got = outcome(ticket(Kind::Repair, status).target(action, &actor(*role)));
            assert_eq!(got, expected, "{role} {action} in {status}");
            checked.insert((action, status, *role));
        }
    }
    assert_eq!(
        checked.len(),
        ActionName::ALL.len() * Status::ALL.len() * Role::ALL.len()
    );
}

fn action_for(name: ActionName) -> Action {
    match name {
        ActionName::Respond => Action::Respond {
            body: Some("您好，已收到".into()),
        },
        ActionName::Accept => Action::Accept { note: None },
        ActionName::Dispatch => Action::Dispatch {
            assignee_id: Some(TECH.into()),
            team_id: None,
            note: None,
        },
        ActionName::Arrive => Action::Arrive {
            note: None,
            location: None,
        },
        ActionName::Resolve => Action::Resolve {
            body: Some("更换了角阀".into()),
            materials: vec![],
            charges: vec![],
        },
        ActionName::FollowUp => Action::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction: Some(5),
            timeliness: None,
            attitude: None,
            comment: None,
        },
        ActionName::Close => Action::Close { note: None },
        ActionName::Reopen => Action::Reopen { reason: None },
        ActionName::Suspend => Action::Suspend {
            reason: "等待配件".into(),
        },
        ActionName::Resume => Action::Resume { note: None },
        ActionName::Escalate => Action::Escalate { reason: None },
        ActionName::Cancel => Action::Cancel {
            reason: "业主已自行处理".into(),
        },
        ActionName::Comment => Action::Comment {
            body: "备注".into(),
            visibility: Visibility::Internal,
        },
        ActionName::LinkDuplicate => Action::LinkDuplicate {
            original_id: "original".into(),
        },
        ActionName::UnlinkDuplicate => Action::UnlinkDuplicate { reason: None },
        ActionName::CloseUnreachable => Action::CloseUnreachable {
            reason: "三次电话未接通".into(),
        },
        ActionName::Review => Action::Review {
            adopted: true,
            reason: None,
        },
        ActionName::Transfer => Action::Transfer {
            assignee_id: Some("tech-2".into()),
            team_id: None,
            reason: "原师傅请假".into(),
        },
        ActionName::Return => Action::Return {
            reason: "缺少配件，无法处理".into(),
        },
        ActionName::Grab => Action::Grab { note: None },
        ActionName::ConfirmCharges => Action::ConfirmCharges {
            accepted: true,
            note: None,
        },
        ActionName::Reclassify => Action::Reclassify {
            kind: None,
            category: Some("repair.electric".into()),
            urgency: Some("urgent".into()),
            reason: None,
        },
        ActionName::Chase => Action::Chase {
            note: Some("师傅什么时候来？".into()),
        },
    }
}

#[test]
fn apply_agrees_with_target_and_changes_nothing_when_refused() {
    let now = Utc::now();
    for role in Role::ALL {
        for status in Status::ALL {
            for name in ActionName::ALL {
                let mut lifecycle = ticket(Kind::Repair, *status);
                let before = lifecycle.clone();
                let expected = lifecycle.target(*name, &actor(*role));
                let applied =
                    lifecycle.apply(&action_for(*name), &actor(*role), now, LoopRules::default());
                match (expected, applied) {
                    (Ok(to), Ok(change)) => {
                        assert_eq!((change.from, change.to), (*status, to));
                        assert_eq!(lifecycle.status, to);
                    }
                    (Err(e), Err(f)) => {
                        assert_eq!(e, f);
                        assert_eq!(
                            lifecycle, before,
                            "{role} {name} in {status} changed a refused ticket"
                        );
                    }
                    (e, f) => panic!("{role} {name} in {status}: target {e:?} but apply {f:?}"),
                }
            }
        }
    }
}

#[test]
fn a_complaint_closes_only_through_a_follow_up() {
    let agent = actor(Role::Agent);
    let mut complaint = ticket(Kind::Complaint, Status::Resolved);
    let err = complaint.apply(
        &Action::Close { note: None },
        &agent,
        Utc::now(),
        LoopRules::default(),
    );
    assert!(matches!(
        err,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::FollowUpRequired),
            ..
        })
    ));
    let change = complaint
        .apply(
            &Action::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction: Some(4),
                timeliness: None,
                attitude: None,
                comment: None,
            },
            &agent,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(change.to, Status::Closed);
    assert_eq!(complaint.satisfaction, Some(4));
    assert!(complaint.closed_at.is_some());
}

#[test]
fn an_unsatisfied_follow_up_reopens_for_rectification() {
    let rules = LoopRules::default();
    let mut lifecycle = ticket(Kind::Complaint, Status::Resolved);
    lifecycle.resolved_at = Some(Utc::now());
    let change = lifecycle
        .apply(
            &Action::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction: Some(2),
                timeliness: None,
                attitude: None,
                comment: Some("没修好".into()),
            },
            &actor(Role::Resident),
            Utc::now(),
            rules,
        )
        .unwrap();
    assert_eq!(change.to, Status::Reopened);
    assert_eq!(lifecycle.reopen_count, 1);
    assert_eq!(lifecycle.resolved_at, None);
    // The threshold is configurable.
    let mut strict = ticket(Kind::Repair, Status::Resolved);
    let change = strict
        .apply(
            &Action::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction: Some(3),
                timeliness: None,
                attitude: None,
                comment: None,
            },
            &actor(Role::Agent),
            Utc::now(),
            LoopRules {
                satisfied_at_least: 4,
                ..LoopRules::default()
            },
        )
        .unwrap();
    assert_eq!(change.to, Status::Reopened);
}

#[test]
fn an_inquiry_answered_at_first_contact_closes_at_once() {
    let mut inquiry = ticket(Kind::Inquiry, Status::New);
    let change = inquiry.apply(
        &Action::Close { note: None },
        &actor(Role::Agent),
        Utc::now(),
        LoopRules::default(),
    );
    assert_eq!(change.map(|c| c.to), Ok(Status::Closed));
    assert!(
        inquiry.first_responded_at.is_some(),
        "closing an answered inquiry is a response"
    );
}

#[test]
fn a_technician_acts_only_on_their_own_jobs() {
    let other = Actor {
        id: "tech-2".into(),
        role: Role::Technician,
    };
    let result = ticket(Kind::Repair, Status::Dispatched).target(ActionName::Accept, &other);
    assert!(matches!(
        result,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::NotAssignee),
            ..
        })
    ));
}

#[test]
fn first_response_is_the_first_thing_the_resident_sees_from_staff() {
    let now = Utc::now();
    let later = now + chrono::Duration::minutes(5);
    let mut lifecycle = Lifecycle::new(Kind::Repair);
    let internal = Action::Comment {
        body: "内部备注".into(),
        visibility: Visibility::Internal,
    };
    lifecycle
        .apply(&internal, &actor(Role::Agent), now, LoopRules::default())
        .unwrap();
    assert_eq!(lifecycle.first_responded_at, None);
    lifecycle
        .apply(
            &action_for(ActionName::Respond),
            &actor(Role::Agent),
            now,
            LoopRules::default(),
        )
        .unwrap();
    lifecycle
        .apply(
            &action_for(ActionName::Respond),
            &actor(Role::Agent),
            later,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(lifecycle.first_responded_at, Some(now));
}

#[test]
fn suspend_and_resume_return_to_where_the_ticket_was() {
    let agent = actor(Role::Agent);
    let mut lifecycle = ticket(Kind::Repair, Status::InProgress);
    lifecycle
        .apply(
            &action_for(ActionName::Suspend),
            &agent,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(lifecycle.status, Status::Suspended);
    let later = Utc::now() + chrono::Duration::minutes(90);
    lifecycle
        .apply(
            &action_for(ActionName::Resume),
            &agent,
            later,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (lifecycle.status, lifecycle.suspended_from),
        (Status::InProgress, None)
    );
    assert!(
        (5399..=5401).contains(&lifecycle.paused_seconds),
        "{}",
        lifecycle.paused_seconds
    );
    assert_eq!(lifecycle.suspended_at, None);
    assert_eq!(
        lifecycle.pauses.len(),
        1,
        "the pause is kept for the SLA clocks"
    );
    assert_eq!(lifecycle.pauses[0].to, later);
}

#[test]
fn invalid_payloads_are_validation_errors_and_change_nothing() {
    let mut lifecycle = ticket(Kind::Repair, Status::Resolved);
    let before = lifecycle.clone();
    let result = lifecycle.apply(
        &Action::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction: Some(9),
            timeliness: None,
            attitude: None,
            comment: None,
        },
        &actor(Role::Agent),
        Utc::now(),
        LoopRules::default(),
    );
    assert!(matches!(result, Err(LifecycleError::Validation(_))));
    assert_eq!(lifecycle, before);
}

#[test]
fn the_first_desk_member_to_act_owns_the_ticket_for_good() {
    let mut lifecycle = Lifecycle::new(Kind::Repair);
    let first = Actor {
        id: "agent-a".into(),
        role: Role::Agent,
    };
    let second = Actor {
        id: "agent-b".into(),
        role: Role::Supervisor,
    };
    lifecycle
        .apply(
            &action_for(ActionName::Accept),
            &first,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    lifecycle
        .apply(
            &action_for(ActionName::Dispatch),
            &second,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(lifecycle.first_contact_owner_id.as_deref(), Some("agent-a"));
    assert_eq!(lifecycle.assignee_id.as_deref(), Some(TECH));
}

#[test]
fn a_duplicate_is_not_dispatched_again() {
    let mut lifecycle = Lifecycle {
        duplicate_of: Some("original".into()),
        ..Lifecycle::new(Kind::Repair)
    };
    let result = lifecycle.target(ActionName::Dispatch, &actor(Role::Agent));
    assert!(matches!(
        result,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::Duplicate),
            ..
        })
    ));
    assert_eq!(
        lifecycle.target(ActionName::Accept, &actor(Role::Agent)),
        Ok(Status::Accepted)
    );
    let change = lifecycle
        .apply(
            &Action::UnlinkDuplicate {
                reason: Some("不是同一部电梯".into()),
            },
            &actor(Role::Agent),
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (change.to, change.visibility),
        (Status::New, Visibility::Internal)
    );
    assert_eq!(lifecycle.duplicate_of, None);
    assert_eq!(
        lifecycle.target(ActionName::Dispatch, &actor(Role::Agent)),
        Ok(Status::Dispatched)
    );
}

fn follow_up(outcome: CallOutcome, satisfaction: Option<i64>) -> Action {
    let rated = satisfaction.is_some();
    Action::FollowUp {
        outcome,
        satisfaction,
        timeliness: rated.then_some(4),
        attitude: rated.then_some(5),
        comment: None,
    }
}

#[test]
fn three_unanswered_calls_allow_closing_as_unreachable() {
    let agent = actor(Role::Agent);
    let mut lifecycle = ticket(Kind::Repair, Status::Resolved);
    let close = Action::CloseUnreachable {
        reason: "三次电话未接通".into(),
    };
    for attempt in 1..=MAX_FAILED_ATTEMPTS {
        let refused = lifecycle
            .apply(&close, &agent, Utc::now(), LoopRules::default())
            .unwrap_err();
        assert!(matches!(
            refused,
            LifecycleError::InvalidTransition {
                reason: Some(TransitionBlock::TooFewAttempts),
                ..
            }
        ));
        let change = lifecycle
            .apply(
                &follow_up(CallOutcome::NotReached, None),
                &agent,
                Utc::now(),
                LoopRules::default(),
            )
            .unwrap();
        assert_eq!(
            (change.to, change.visibility, lifecycle.follow_up_attempts),
            (Status::Resolved, Visibility::Internal, attempt)
        );
    }
    lifecycle
        .apply(&close, &agent, Utc::now(), LoopRules::default())
        .unwrap();
    assert_eq!(
        (lifecycle.status, lifecycle.follow_up_result),
        (Status::Closed, Some(FollowUpResult::Unreachable))
    );
    let resident = actor(Role::Resident);
    let mut other = ticket(Kind::Repair, Status::Resolved);
    assert!(matches!(
        other.apply(
            &follow_up(CallOutcome::NotReached, None),
            &resident,
            Utc::now(),
            LoopRules::default()
        ),
        Err(LifecycleError::Validation(_))
    ));
    assert_eq!(
        other,
        ticket(Kind::Repair, Status::Resolved),
        "refused changes nothing"
    );
}

#[test]
fn a_residents_rating_closes_a_repair_but_a_complaint_waits_for_the_call() {
    let resident = actor(Role::Resident);
    let mut repair = ticket(Kind::Repair, Status::Resolved);
    repair
        .apply(
            &follow_up(CallOutcome::Reached, Some(5)),
            &resident,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (repair.status, repair.follow_up_result, repair.attitude),
        (Status::Closed, Some(FollowUpResult::Rated), Some(5))
    );

    let mut complaint = ticket(Kind::Complaint, Status::Resolved);
    complaint
        .apply(
            &follow_up(CallOutcome::Reached, Some(5)),
            &resident,
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (
            complaint.status,
            complaint.satisfaction,
            complaint.follow_up_result
        ),
        (Status::Resolved, Some(5), None)
    );
    complaint
        .apply(
            &follow_up(CallOutcome::Reached, Some(4)),
            &actor(Role::Agent),
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (complaint.status, complaint.follow_up_result),
        (Status::Closed, Some(FollowUpResult::Reached))
    );

    // Unsatisfied: rectification, with the reopen time that starts its clock.
    let mut unhappy = ticket(Kind::Complaint, Status::Resolved);
    let now = Utc::now();
    unhappy
        .apply(
            &follow_up(CallOutcome::Reached, Some(1)),
            &resident,
            now,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (unhappy.status, unhappy.reopen_count, unhappy.reopened_at),
        (Status::Reopened, 1, Some(now))
    );
}

#[test]
fn the_first_resolve_is_kept_through_rectification() {
    let agent = actor(Role::Agent);
    let mut lifecycle = ticket(Kind::Repair, Status::InProgress);
    let first = Utc::now();
    lifecycle
        .apply(
            &Action::Resolve {
                body: None,
                materials: vec![],
                charges: vec![],
            },
            &agent,
            first,
            LoopRules::default(),
        )
        .unwrap();
    lifecycle
        .apply(
            &follow_up(CallOutcome::Reached, Some(2)),
            &agent,
            first,
            LoopRules::default(),
        )
        .unwrap();
    let again = first + chrono::Duration::hours(3);
    lifecycle
        .apply(
            &Action::Resolve {
                body: None,
                materials: vec![],
                charges: vec![],
            },
            &agent,
            again,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (lifecycle.first_resolved_at, lifecycle.resolved_at),
        (Some(first), Some(again))
    );
}

#[test]
fn only_suggestions_are_reviewed() {
    let supervisor = actor(Role::Supervisor);
    let mut suggestion = ticket(Kind::Suggestion, Status::Accepted);
    let decline = Action::Review {
        adopted: false,
        reason: Some("与消防规定冲突".into()),
    };
    suggestion
        .apply(&decline, &supervisor, Utc::now(), LoopRules::default())
        .unwrap();
    assert_eq!(
        (suggestion.status, suggestion.adopted),
        (Status::Closed, Some(false))
    );
    let mut repair = ticket(Kind::Repair, Status::Accepted);
    let refused = repair.apply(
        &Action::Review {
            adopted: true,
            reason: None,
        },
        &supervisor,
        Utc::now(),
        LoopRules::default(),
    );
    assert!(matches!(
        refused,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::NotASuggestion),
            ..
        })
    ));
}

#[test]
fn a_returned_job_goes_back_to_the_queue_and_a_transfer_needs_a_reason() {
    let mut job = ticket(Kind::Repair, Status::InProgress);
    let change = job
        .apply(
            &Action::Return {
                reason: "不是水电问题".into(),
            },
            &actor(Role::Technician),
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (change.to, job.assignee_id.clone()),
        (Status::Accepted, None)
    );
    let refused = job.target(ActionName::Transfer, &actor(Role::Agent));
    assert!(
        matches!(refused, Err(LifecycleError::InvalidTransition { .. })),
        "nothing left to transfer"
    );
    let no_reason = Action::Transfer {
        assignee_id: Some("tech-2".into()),
        team_id: None,
        reason: " ".into(),
    };
    assert!(no_reason.validate().is_err());
}

#[test]
fn a_technician_grabs_an_unassigned_job_once() {
    let mut job = Lifecycle {
        status: Status::Accepted,
        ..Lifecycle::new(Kind::Repair)
    };
    let change = job
        .apply(
            &Action::Grab { note: None },
            &actor(Role::Technician),
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (change.to, job.assignee_id.as_deref()),
        (Status::InProgress, Some(TECH))
    );
    let other = Actor {
        id: "tech-2".into(),
        role: Role::Technician,
    };
    assert!(
        job.target(ActionName::Grab, &other).is_err(),
        "the first one wins"
    );
    assert!(matches!(
        job.target(ActionName::Grab, &actor(Role::Agent)),
        Err(LifecycleError::Forbidden { .. })
    ));
}

#[test]
fn an_open_subtask_keeps_the_ticket_from_resolving() {
    let mut job = Lifecycle {
        open_subtasks: 1,
        ..ticket(Kind::Repair, Status::InProgress)
    };
    let refused = job.apply(
        &Action::Resolve {
            body: None,
            materials: vec![],
            charges: vec![],
        },
        &actor(Role::Technician),
        Utc::now(),
        LoopRules::default(),
    );
    assert!(matches!(
        refused,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::OpenSubtasks),
            ..
        })
    ));
    job.open_subtasks = 0;
    assert!(
        job.apply(
            &action_for(ActionName::Resolve),
            &actor(Role::Technician),
            Utc::now(),
            LoopRules::default()
        )
        .is_ok()
    );
}

#[test]
fn reclassifying_to_a_complaint_brings_the_complaint_rules() {
    let agent = actor(Role::Agent);
    let mut lifecycle = ticket(Kind::Repair, Status::Resolved);
    let to_complaint = Action::Reclassify {
        kind: None,
        category: Some("complaint.repair_quality".into()),
        urgency: None,
        reason: Some("其实是投诉".into()),
    };
    let change = lifecycle
        .apply(&to_complaint, &agent, Utc::now(), LoopRules::default())
        .unwrap();
    assert_eq!(
        (change.to, change.visibility, lifecycle.kind),
        (Status::Resolved, Visibility::Internal, Kind::Complaint)
    );
    assert!(matches!(
        lifecycle.target(ActionName::Close, &agent),
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::FollowUpRequired),
            ..
        })
    ));
    let refused = lifecycle.apply(
        &Action::Reclassify {
            kind: Some("repair".into()),
            category: Some("complaint.noise".into()),
            urgency: None,
            reason: None,
        },
        &agent,
        Utc::now(),
        LoopRules::default(),
    );
    assert!(matches!(refused, Err(LifecycleError::Validation(_))));
}

#[test]
fn a_technician_arrives_once_per_visit() {
    let technician = actor(Role::Technician);
    let mut job = ticket(Kind::Repair, Status::Dispatched);
    job.apply(
        &action_for(ActionName::Arrive),
        &technician,
        Utc::now(),
        LoopRules::default(),
    )
    .unwrap();
    assert!(matches!(
        job.target(ActionName::Arrive, &technician),
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::AlreadyOnSite),
            ..
        })
    ));
    let before = job.clone();
    assert!(
        job.apply(
            &action_for(ActionName::Arrive),
            &technician,
            Utc::now(),
            LoopRules::default()
        )
        .is_err()
    );
    assert_eq!(job, before, "a second arrival records nothing");
    // Another hand, another visit; the first arrival stays for the arrival clock.
    let first = job.arrived_at;
    job.apply(
        &action_for(ActionName::Dispatch),
        &actor(Role::Supervisor),
        Utc::now(),
        LoopRules::default(),
    )
    .unwrap();
    assert_eq!(
        job.target(ActionName::Arrive, &technician),
        Ok(Status::InProgress)
    );
    assert_eq!(job.arrived_at, first);
}

#[test]
fn a_technician_resolves_only_with_the_work_done() {
    let technician = actor(Role::Technician);
    let mut job = ticket(Kind::Repair, Status::InProgress);
    for body in [None, Some("  ".to_owned())] {
        let refused = job.apply(
            &Action::Resolve {
                body,
                materials: vec![],
                charges: vec![],
            },
            &technician,
            Utc::now(),
            LoopRules::default(),
        );
        let Err(LifecycleError::Validation(problems)) = refused else {
            panic!("a resolve without the work done: {refused:?}")
        };
        assert_eq!(problems.0[0].field, "body");
    }
    assert_eq!(job.status, Status::InProgress);
    job.apply(
        &action_for(ActionName::Resolve),
        &technician,
        Utc::now(),
        LoopRules::default(),
    )
    .unwrap();
    assert_eq!(job.status, Status::Resolved);
}

#[test]
fn one_rating_per_resolution() {
    let resident = actor(Role::Resident);
    let now = Utc::now();
    let mut complaint = ticket(Kind::Complaint, Status::Resolved);
    complaint
        .apply(
            &follow_up(CallOutcome::Reached, Some(5)),
            &resident,
            now,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (complaint.status, complaint.rated_at),
        (Status::Resolved, Some(now)),
        "a complaint waits for the call"
    );
    let before = complaint.clone();
    let again = complaint.apply(
        &follow_up(CallOutcome::Reached, Some(1)),
        &resident,
        now,
        LoopRules::default(),
    );
    assert!(matches!(
        again,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::AlreadyRated),
            ..
        })
    ));
    assert_eq!(
        complaint, before,
        "the second rating neither reopens nor changes the first"
    );
    // The staff call still closes it.
    assert_eq!(
        complaint.target(ActionName::FollowUp, &actor(Role::Agent)),
        Ok(Status::Closed)
    );

    // After rectification and a new resolve, the new work is rated afresh.
    let mut repair = ticket(Kind::Repair, Status::Resolved);
    repair
        .apply(
            &follow_up(CallOutcome::Reached, Some(1)),
            &resident,
            now,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(repair.status, Status::Reopened);
    repair
        .apply(
            &action_for(ActionName::Resolve),
            &actor(Role::Agent),
            now,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(repair.rated_at, None);
    assert_eq!(
        repair.target(ActionName::FollowUp, &resident),
        Ok(Status::Closed)
    );
}

#[test]
fn a_chase_is_recorded_at_most_once_an_hour() {
    let resident = actor(Role::Resident);
    let now = Utc::now();
    let mut job = ticket(Kind::Repair, Status::Dispatched);
    let change = job
        .apply(
            &action_for(ActionName::Chase),
            &resident,
            now,
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(
        (change.to, change.visibility, job.chased_at),
        (Status::Dispatched, Visibility::Resident, Some(now))
    );
    let soon = now + chrono::Duration::minutes(CHASE_INTERVAL_MINUTES - 1);
    let refused = job.apply(
        &action_for(ActionName::Chase),
        &resident,
        soon,
        LoopRules::default(),
    );
    assert!(matches!(
        refused,
        Err(LifecycleError::InvalidTransition {
            reason: Some(TransitionBlock::ChasedRecently),
            ..
        })
    ));
    let later = now + chrono::Duration::minutes(CHASE_INTERVAL_MINUTES);
    assert!(
        job.apply(
            &action_for(ActionName::Chase),
            &resident,
            later,
            LoopRules::default()
        )
        .is_ok()
    );
}

#[test]
fn a_required_checklist_keeps_the_ticket_from_resolving_until_ticked() {
    let mut job = Lifecycle {
        checklist_left: vec!["关闭燃气总阀".into(), "开窗通风".into()],
        ..ticket(Kind::Repair, Status::InProgress)
    };
    let refused = job.apply(
        &action_for(ActionName::Resolve),
        &actor(Role::Technician),
        Utc::now(),
        LoopRules::default(),
    );
    match refused {
        Err(LifecycleError::ChecklistIncomplete { steps }) => {
            assert_eq!(steps, ["关闭燃气总阀", "开窗通风"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(job.status, Status::InProgress, "nothing changed");
    // Other actions are not held back by it.
    assert!(
        job.target(ActionName::Comment, &actor(Role::Technician))
            .is_ok()
    );
    job.checklist_left.clear();
    let change = job
        .apply(
            &action_for(ActionName::Resolve),
            &actor(Role::Technician),
            Utc::now(),
            LoopRules::default(),
        )
        .unwrap();
    assert_eq!(change.to, Status::Resolved);
}
