//! Ticket statuses and comment visibility.

use crate::code::code_enum;

code_enum! {
    /// Where a ticket stands in the closed loop (受理 → 派单 → 处理 → 完成 → 回访 → 关闭).
    pub enum Status ("status") {
        New = "new",
        Accepted = "accepted",
        Dispatched = "dispatched",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
        Suspended = "suspended",
        Reopened = "reopened",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// Open tickets still need work; SLA clocks and queues only look at these.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }

    /// The codes of the open statuses, for queries that select open tickets.
    pub fn open_codes() -> Vec<&'static str> {
        Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect()
    }

    /// Final statuses: nothing but comments (and a reopen of a closed ticket) happens after.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
}

code_enum! {
    /// Who may read a timeline entry: staff only, or the resident too.
    #[derive(Default)]
    pub enum Visibility ("visibility") {
        #[default]
        Internal = "internal",
        Resident = "resident",
    }
}
