//! Who acts: staff roles and residents.

use crate::code::code_enum;

code_enum! {
    /// A user's role. Staff roles come from product.md; `resident` is a signed-in resident.
    pub enum Role ("role") {
        Admin = "admin",
        Manager = "manager",
        Supervisor = "supervisor",
        Agent = "agent",
        Butler = "butler",
        Technician = "technician",
        Resident = "resident",
    }
}

impl Role {
    /// Roles that staff accounts may have (everything but `resident`).
    pub const STAFF: &'static [Role] = &[
        Role::Admin,
        Role::Manager,
        Role::Supervisor,
        Role::Agent,
        Role::Butler,
        Role::Technician,
    ];

    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }

    /// Desk roles run the whole closed loop: accept, dispatch, follow up, close.
    pub fn is_desk(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::Manager | Role::Supervisor | Role::Agent | Role::Butler
        )
    }

    /// Company-wide roles may be given no project and then see all of them.
    pub fn may_span_company(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Admins and managers decide for the company's residents: which butler looks after a
    /// building, and a person's request to export or erase their data.
    pub fn manages(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Only admins change the company's set-up (projects, places, staff, taxonomy).
    pub fn administers(self) -> bool {
        self == Role::Admin
    }

    /// Roles that answer for others' work across a project or more: they read the service
    /// figures, watch the teams' load and are whom an escalation climbs to.
    pub fn oversees(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Supervisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supervisors_managers_and_admins_oversee_and_nobody_else() {
        let overseers: Vec<Role> = Role::STAFF
            .iter()
            .chain([Role::Resident].iter())
            .copied()
            .filter(|role| role.oversees())
            .collect();
        assert_eq!(overseers, [Role::Admin, Role::Manager, Role::Supervisor]);
    }
}
