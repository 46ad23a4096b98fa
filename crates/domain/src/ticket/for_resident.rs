//! What a resident reads of their request: the work told in a resident's words (已受理, 师傅已接单,
//! 师傅已到场, 已完成, 请评价), not the desk's workflow (派单, 处理中, 待回访), and of each timeline
//! entry only what is meant for them: staff notes stay internal unless staff marked them for the
//! resident (告知住户).

use super::{ActionName, Status};
use crate::code::code_enum;
use crate::role::Role;

code_enum! {
    /// A step of the work as the resident reads it.
    pub enum ResidentStep ("resident step") {
        /// 已提交: the request is in, nobody has taken it yet.
        Submitted = "submitted",
        /// 已受理: the property company took it in.
        Received = "received",
        /// 正在安排师傅: someone is being found to do the work.
        Arranging = "arranging",
        /// 师傅已接单.
        TechnicianAccepted = "technician_accepted",
        /// 师傅已到场.
        TechnicianArrived = "technician_arrived",
        /// 暂停处理: waiting on the resident or a third party.
        Paused = "paused",
        /// 继续处理.
        Resumed = "resumed",
        /// 已完成.
        Done = "done",
        /// 请评价: done, and the resident's rating is asked for.
        PleaseRate = "please_rate",
        /// 已评价.
        Rated = "rated",
        /// 重新处理: rectification after an unsatisfied rating.
        Redoing = "redoing",
        /// 已办结.
        Closed = "closed",
        /// 已取消.
        Cancelled = "cancelled",
        /// 物业回复: words from the property company.
        Reply = "reply",
        /// 追加说明: the resident's own words.
        AddedInformation = "added_information",
        /// 已催单.
        Chased = "chased",
        /// 照片.
        Photo = "photo",
        /// 费用: the bill was answered.
        Bill = "bill",
        /// 进展更新: anything else meant for the resident.
        Update = "update",
    }
}

/// Where the request stands now, in the resident's words. `on_site`: whoever holds the job has
/// checked in on this visit; `may_rate`: the resident may rate it now; `rated`: they rated this
/// resolve.
pub fn step_now(status: Status, on_site: bool, may_rate: bool, rated: bool) -> ResidentStep {
    use ResidentStep as R;
    match status {
        Status::New => R::Submitted,
        Status::Accepted => R::Received,
        Status::Dispatched => R::Arranging,
        Status::InProgress if on_site => R::TechnicianArrived,
        Status::InProgress => R::TechnicianAccepted,
        Status::Suspended => R::Paused,
        Status::Resolved if may_rate => R::PleaseRate,
        Status::Resolved if rated => R::Rated,
        Status::Resolved => R::Done,
        Status::Reopened => R::Redoing,
        Status::Closed => R::Closed,
        Status::Cancelled => R::Cancelled,
    }
}

/// What a timeline entry meant for the resident tells them: its `action` code (an action, or
/// `create`, `photo`, …), by whom, and the status it led to.
pub fn step_of_entry(action: &str, actor: Role, to: Option<Status>) -> ResidentStep {
    use ResidentStep as R;
    let Ok(name) = action.parse::<ActionName>() else {
        return match action {
            "create" => R::Submitted,
            "photo" => R::Photo,
            _ => R::Update,
        };
    };
    match name {
        ActionName::Respond if to == Some(Status::Accepted) => R::Received,
        ActionName::Respond => R::Reply,
        ActionName::Accept if actor == Role::Technician => R::TechnicianAccepted,
        ActionName::Accept => R::Received,
        ActionName::Grab => R::TechnicianAccepted,
        ActionName::Dispatch | ActionName::Transfer | ActionName::Return => R::Arranging,
        ActionName::Arrive => R::TechnicianArrived,
        ActionName::Resolve => R::Done,
        ActionName::FollowUp => R::Rated,
        ActionName::Close | ActionName::CloseUnreachable | ActionName::Review => R::Closed,
        ActionName::Reopen => R::Redoing,
        ActionName::Suspend => R::Paused,
        ActionName::Resume => R::Resumed,
        ActionName::Cancel => R::Cancelled,
        ActionName::Comment if actor == Role::Resident => R::AddedInformation,
        ActionName::Comment => R::Reply,
        ActionName::Chase => R::Chased,
        ActionName::ConfirmCharges => R::Bill,
        ActionName::Escalate
        | ActionName::LinkDuplicate
        | ActionName::UnlinkDuplicate
        | ActionName::Reclassify => R::Update,
    }
}

/// Whether the words an entry carries (its body, note, reason or comment) are the resident's to
/// read: their own words, an answer to them (`respond`, a comment for them: such an entry reaches
/// them only when marked so), or a staff note marked for them (`told`). Every other staff note is
/// internal.
pub fn words_for_resident(action: &str, actor: Role, told: bool) -> bool {
    actor == Role::Resident
        || told
        || action == ActionName::Respond.as_str()
        || action == ActionName::Comment.as_str()
}

/// The facts of an entry's details a resident reads besides the words: the materials used, a
/// photo, the bill's answer, the original ticket's progress for a duplicate. Who was assigned,
/// which team, why the dispatcher chose them and where the technician checked in stay internal.
pub const RESIDENT_FACTS: &[&str] = &[
    "materials",
    "photo_id",
    "accepted",
    "original_number",
    "progress",
    "number",
    "title",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_reads_the_work_not_the_workflow() {
        assert_eq!(
            step_now(Status::Dispatched, false, false, false),
            ResidentStep::Arranging
        );
        assert_eq!(
            step_now(Status::InProgress, false, false, false),
            ResidentStep::TechnicianAccepted
        );
        assert_eq!(
            step_now(Status::InProgress, true, false, false),
            ResidentStep::TechnicianArrived
        );
        assert_eq!(
            step_now(Status::Resolved, false, true, false),
            ResidentStep::PleaseRate
        );
        assert_eq!(
            step_now(Status::Resolved, false, false, true),
            ResidentStep::Rated,
            "a rated complaint waits for the call, not for a rating"
        );
        assert_eq!(
            step_now(Status::Resolved, false, false, false),
            ResidentStep::Done
        );
        assert_eq!(
            step_of_entry("accept", Role::Technician, Some(Status::InProgress)),
            ResidentStep::TechnicianAccepted
        );
        assert_eq!(
            step_of_entry("accept", Role::Agent, Some(Status::Accepted)),
            ResidentStep::Received
        );
        assert_eq!(
            step_of_entry("arrive", Role::Technician, Some(Status::InProgress)),
            ResidentStep::TechnicianArrived
        );
        assert_eq!(
            step_of_entry("dispatch", Role::Supervisor, Some(Status::Dispatched)),
            ResidentStep::Arranging
        );
        assert_eq!(
            step_of_entry("comment", Role::Resident, None),
            ResidentStep::AddedInformation
        );
        assert_eq!(
            step_of_entry("create", Role::Resident, Some(Status::New)),
            ResidentStep::Submitted
        );
    }

    #[test]
    fn staff_notes_are_internal_unless_told() {
        assert!(!words_for_resident("dispatch", Role::Supervisor, false));
        assert!(words_for_resident("dispatch", Role::Supervisor, true));
        assert!(!words_for_resident("resolve", Role::Technician, false));
        assert!(words_for_resident("cancel", Role::Resident, false));
        assert!(
            words_for_resident("respond", Role::Agent, false),
            "an answer is for the resident"
        );
        assert!(!RESIDENT_FACTS.contains(&"assignee_id"));
        assert!(!RESIDENT_FACTS.contains(&"location"));
    }
}
