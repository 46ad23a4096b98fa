//! Who is asking, and what they may see. Every query takes a [`Principal`] and narrows to it.

use guanjia_domain::machine::api_key::ApiScope;
use guanjia_domain::role::Role;
use guanjia_domain::ticket::Actor;

/// The projects a staff member sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectScope {
    /// Company-wide admins and managers with no project of their own.
    All,
    Only(Vec<String>),
}

impl ProjectScope {
    pub fn includes(&self, project_id: &str) -> bool {
        match self {
            ProjectScope::All => true,
            ProjectScope::Only(ids) => ids.iter().any(|id| id == project_id),
        }
    }
}

/// A signed-in user: a staff member, or a resident known by their phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub company_id: String,
    /// Staff id; for a resident, their normalised phone (one identity across rooms and channels).
    pub id: String,
    pub role: Role,
    pub name: String,
    pub projects: ProjectScope,
    /// The households a resident belongs to; empty for staff.
    pub households: Vec<String>,
    /// For an API key, what it may do (the HTTP layer refuses every other endpoint); None for
    /// people.
    pub key_scopes: Option<Vec<ApiScope>>,
}

impl Principal {
    /// A resident known by their normalised phone, with the households they belong to.
    pub fn resident(company_id: &str, phone: &str, name: &str, households: Vec<String>) -> Self {
        Principal {
            company_id: company_id.to_owned(),
            id: phone.to_owned(),
            role: Role::Resident,
            name: name.to_owned(),
            projects: ProjectScope::Only(vec![]),
            households,
            key_scopes: None,
        }
    }

    /// The installation itself acting as a company-wide admin (loading demo or bench data);
    /// `id` names it in the audit trail.
    pub fn system(company_id: &str, id: &str) -> Self {
        Principal {
            company_id: company_id.to_owned(),
            id: id.to_owned(),
            role: Role::Admin,
            name: id.to_owned(),
            projects: ProjectScope::All,
            households: vec![],
            key_scopes: None,
        }
    }

    /// A machine calling with an API key: it acts as itself (`id` is the key's id) with a desk
    /// admin's reach, narrowed by the HTTP layer to its scopes and here to its projects.
    pub fn machine(
        company_id: &str,
        key_id: &str,
        name: &str,
        projects: ProjectScope,
        scopes: Vec<ApiScope>,
    ) -> Self {
        Principal {
            company_id: company_id.to_owned(),
            id: key_id.to_owned(),
            role: Role::Admin,
            name: name.to_owned(),
            projects,
            households: vec![],
            key_scopes: Some(scopes),
        }
    }

    /// Whether this is a machine with an API key rather than a person.
    pub fn is_machine(&self) -> bool {
        self.key_scopes.is_some()
    }

    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            role: self.role,
        }
    }

    /// Whether this principal may see objects of `project_id` at all.
    pub fn sees_project(&self, project_id: &str) -> bool {
        self.role.is_staff() && self.projects.includes(project_id)
    }
}
