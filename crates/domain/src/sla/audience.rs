//! Who is told when a step fires. Nobody may be left untold: each audience falls back to a
//! wider one when nobody fits.

use super::policy::Reach;
use crate::role::Role;

/// A staff member as the audience rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRef {
    pub id: String,
    pub role: Role,
    /// Empty: the member spans the whole company.
    pub project_ids: Vec<String>,
}

/// Whom a step addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// An early warning: whoever handles the ticket (assignee and first-contact owner); the
    /// project's supervisors when nobody does yet.
    Handlers {
        assignee_id: Option<String>,
        owner_id: Option<String>,
    },
    /// A rung of the escalation ladder.
    Rung { role: Role, reach: Reach },
}

/// The ids of the staff to notify, without repeats, in a stable order.
pub fn recipients(audience: &Audience, project_id: &str, staff: &[StaffRef]) -> Vec<String> {
    let of_project = |role: Role| -> Vec<String> {
        staff
            .iter()
            .filter(|s| s.role == role && s.project_ids.iter().any(|p| p == project_id))
            .map(|s| s.id.clone())
            .collect()
    };
    let company_wide = |role: Role| -> Vec<String> {
        staff
            .iter()
            .filter(|s| s.role == role && s.project_ids.is_empty())
            .map(|s| s.id.clone())
            .collect()
    };
    let mut ids = match audience {
        Audience::Handlers {
            assignee_id,
            owner_id,
        } => {
            let handlers: Vec<String> =
                assignee_id.iter().chain(owner_id.iter()).cloned().collect();
            if handlers.is_empty() {
                of_project(Role::Supervisor)
            } else {
                handlers
            }
        }
        Audience::Rung { role, reach } => {
            let first = match reach {
                Reach::Project => of_project(*role),
                Reach::Company => company_wide(*role),
            };
            [
                first,
                of_project(*role),
                company_wide(*role),
                company_wide(Role::Admin),
            ]
            .into_iter()
            .find(|ids| !ids.is_empty())
            .unwrap_or_default()
        }
    };
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, role: Role, projects: &[&str]) -> StaffRef {
        StaffRef {
            id: id.into(),
            role,
            project_ids: projects.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    fn staff() -> Vec<StaffRef> {
        vec![
            member("sup-a", Role::Supervisor, &["a"]),
            member("sup-b", Role::Supervisor, &["b"]),
            member("mgr-a", Role::Manager, &["a"]),
            member("mgr-all", Role::Manager, &[]),
            member("admin", Role::Admin, &[]),
        ]
    }

    #[test]
    fn warnings_go_to_the_handlers_or_else_the_projects_supervisors() {
        let handlers = Audience::Handlers {
            assignee_id: Some("tech".into()),
            owner_id: Some("agent".into()),
        };
        assert_eq!(recipients(&handlers, "a", &staff()), ["agent", "tech"]);
        let nobody = Audience::Handlers {
            assignee_id: None,
            owner_id: None,
        };
        assert_eq!(recipients(&nobody, "b", &staff()), ["sup-b"]);
    }

    #[test]
    fn each_rung_reaches_its_role_and_falls_back_when_nobody_fits() {
        let rung = |role, reach| Audience::Rung { role, reach };
        assert_eq!(
            recipients(&rung(Role::Supervisor, Reach::Project), "a", &staff()),
            ["sup-a"]
        );
        assert_eq!(
            recipients(&rung(Role::Manager, Reach::Project), "a", &staff()),
            ["mgr-a"]
        );
        assert_eq!(
            recipients(&rung(Role::Manager, Reach::Project), "b", &staff()),
            ["mgr-all"],
            "no project manager: the company's"
        );
        assert_eq!(
            recipients(&rung(Role::Manager, Reach::Company), "a", &staff()),
            ["mgr-all"]
        );
        assert_eq!(
            recipients(&rung(Role::Supervisor, Reach::Project), "c", &staff()),
            ["admin"],
            "nobody else: the admins"
        );
    }
}
