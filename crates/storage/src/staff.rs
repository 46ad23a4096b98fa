//! Staff accounts and the projects they belong to.

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::json;

use crate::auth::hash_password;
use crate::db::Store;
use crate::entity::{project, staff, staff_project};
use crate::error::{Result, StorageError};

use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, new_id, require_admin, taken_or};

/// A staff member with the projects they belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub staff: staff::Model,
    pub project_ids: Vec<String>,
}

impl StaffMember {
    pub fn role(&self) -> Role {
        self.staff.role.parse().unwrap_or(Role::Technician)
    }

    pub fn skills(&self) -> Vec<String> {
        serde_json::from_value(self.staff.skills.clone()).unwrap_or_default()
    }
}

impl Store {
    /// Creates a staff account. `who` is `None` for the command line, which is how the first
    /// admin of an empty installation is made.
    pub async fn create_staff(
        &self,
        who: Option<&Principal>,
        company_id: &str,
        input: NewStaff,
        now: DateTime<Utc>,
    ) -> Result<StaffMember> {
        if let Some(who) = who {
            require_admin(who)?;
        }
        let password_hash = hash_password(input.password.clone()).await?;
        self.insert_staff(who, company_id, input, password_hash, now).await
    }

    /// Inserts a staff account whose password is already hashed (demo data shares one hash).
    pub async fn insert_staff(
        &self,
        who: Option<&Principal>,
        company_id: &str,
        input: NewStaff,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Result<StaffMember> {
        let txn = self.begin_write().await?;
        check_projects(&txn, company_id, &input.project_ids).await?;
        let model = staff::ActiveModel {
            company_id: Set(company_id.to_owned()),
            id: Set(new_id()),
            username: Set(input.username),
            name: Set(input.name),
            role: Set(input.role.as_str().to_owned()),
            password_hash: Set(password_hash),
            phone: Set(input.phone),
            skills: Set(json!(input.skills)),
            active: Set(true),
            created_at: Set(now),
            last_assigned_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "username"))?;
        if !input.project_ids.is_empty() {
            let links = input.project_ids.iter().map(|project_id| staff_project::ActiveModel {
                company_id: Set(company_id.to_owned()),
                staff_id: Set(model.id.clone()),
                project_id: Set(project_id.clone()),
            });
            staff_project::Entity::insert_many(links).exec(&txn).await?;
        }
        let audit = Audit { company_id, actor: who, entity: "staff", entity_id: &model.id, action: "create" };
        audit
            .record(&txn, json!({ "username": model.username, "role": model.role, "project_ids": input.project_ids }), now)
            .await?;
        txn.commit().await?;
        Ok(StaffMember { staff: model, project_ids: input.project_ids })
    }

    /// Staff who share a project with the principal (all of them for company-wide roles).
    pub async fn staff_list(&self, who: &Principal, page: PageRequest) -> Result<Page<StaffMember>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut condition = Condition::all().add(staff::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            let members = staff_project::Entity::find()
                .select_only()
                .column(staff_project::Column::StaffId)
                .filter(staff_project::Column::CompanyId.eq(&who.company_id))
                .filter(staff_project::Column::ProjectId.is_in(ids.clone()))
                .into_query();
            condition = condition.add(staff::Column::Id.in_subquery(members));
        }
        let query = staff::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let rows = query
            .order_by_asc(staff::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let members = self.with_projects(rows).await?;
        Ok(page.wrap(members, total))
    }

    /// A staff member of the principal's company.
    pub async fn staff_member(&self, company_id: &str, id: &str) -> Result<StaffMember> {
        let row = staff::Entity::find_by_id((company_id.to_owned(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("staff"))?;
        Ok(self.with_projects(vec![row]).await?.remove(0))
    }

    /// Lets a staff member sign in and be given work again, or stops it (admins only): an
    /// inactive account's sessions stop working at once and it is never dispatched to. Admins
    /// cannot deactivate themselves.
    pub async fn set_staff_active(&self, who: &Principal, id: &str, active: bool, now: DateTime<Utc>) -> Result<StaffMember> {
        require_admin(who)?;
        if who.id == id && !active {
            return Err(StorageError::field("active", FieldErrorCode::Invalid));
        }
        let member = self.staff_member(&who.company_id, id).await?;
        let txn = self.begin_write().await?;
        let mut row: staff::ActiveModel = member.staff.into();
        row.active = Set(active);
        let updated = row.update(&txn).await?;
        Audit::by(who, "staff", id, if active { "activate" } else { "deactivate" }).record(&txn, json!({ "active": active }), now).await?;
        txn.commit().await?;
        Ok(StaffMember { staff: updated, project_ids: member.project_ids })
    }

    async fn with_projects(&self, rows: Vec<staff::Model>) -> Result<Vec<StaffMember>> {
        let Some(first) = rows.first() else { return Ok(vec![]) };
        let links = staff_project::Entity::find()
            .filter(staff_project::Column::CompanyId.eq(&first.company_id))
            .filter(staff_project::Column::StaffId.is_in(rows.iter().map(|s| s.id.clone())))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|staff| {
                let project_ids =
                    links.iter().filter(|l| l.staff_id == staff.id).map(|l| l.project_id.clone()).collect();
                StaffMember { staff, project_ids }
            })
            .collect())
    }
}

/// Every listed project must exist in the company.
async fn check_projects(db: &impl ConnectionTrait, company_id: &str, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = project::Entity::find()
        .filter(project::Column::CompanyId.eq(company_id))
        .filter(project::Column::Id.is_in(ids.to_vec()))
        .count(db)
        .await?;
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    if found as usize != distinct.len() {
        return Err(StorageError::field("project_ids", FieldErrorCode::UnknownReference));
    }
    Ok(())
}
