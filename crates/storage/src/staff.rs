//! Staff accounts and the projects they belong to.

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewStaff, StaffProfile};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::session::SUBJECT_STAFF;
use crate::entity::{
    dispatch_offer, notification, praise_credit, project, roster, session, staff, staff_project,
    subtask, team_member, ticket, ticket_event,
};
use crate::error::{Result, StorageError};
use crate::passwords::hash_password;

use crate::principal::{Principal, ProjectScope};
use crate::sla::bump_config;
use crate::support::{
    Audit, Page, PageRequest, changes, in_use_or, new_id, require_admin, taken_or, unused,
};

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
        self.insert_staff(who, company_id, input, password_hash, now)
            .await
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
            extension: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "username"))?;
        link_projects(&txn, company_id, &model.id, &input.project_ids).await?;
        let audit = Audit {
            company_id,
            actor: who,
            entity: "staff",
            entity_id: &model.id,
            action: "create",
        };
        audit
            .record(&txn, json!({ "username": model.username, "role": model.role, "project_ids": input.project_ids }), now)
            .await?;
        txn.commit().await?;
        Ok(StaffMember {
            staff: model,
            project_ids: input.project_ids,
        })
    }

    /// Staff who share a project with the principal (all of them for company-wide roles).
    pub async fn staff_list(
        &self,
        who: &Principal,
        page: PageRequest,
    ) -> Result<Page<StaffMember>> {
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
    pub async fn set_staff_active(
        &self,
        who: &Principal,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<StaffMember> {
        require_admin(who)?;
        if who.id == id && !active {
            return Err(StorageError::field("active", FieldErrorCode::Invalid));
        }
        let member = self.staff_member(&who.company_id, id).await?;
        let txn = self.begin_write().await?;
        let mut row: staff::ActiveModel = member.staff.into();
        row.active = Set(active);
        let updated = row.update(&txn).await?;
        Audit::by(
            who,
            "staff",
            id,
            if active { "activate" } else { "deactivate" },
        )
        .record(&txn, json!({ "active": active }), now)
        .await?;
        txn.commit().await?;
        Ok(StaffMember {
            staff: updated,
            project_ids: member.project_ids,
        })
    }

    /// Gives a staff member the phone system's extension that rings at their desk, or takes it
    /// away (`None`); admins only, audited. An extension rings one agent: another's is `taken`.
    pub async fn set_staff_extension(
        &self,
        who: &Principal,
        id: &str,
        extension: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<StaffMember> {
        require_admin(who)?;
        let member = self.staff_member(&who.company_id, id).await?;
        let before = member.staff.extension.clone();
        let txn = self.begin_write().await?;
        let mut row: staff::ActiveModel = member.staff.into();
        row.extension = Set(extension.clone());
        let updated = row
            .update(&txn)
            .await
            .map_err(|e| taken_or(e, "extension"))?;
        Audit::by(who, "staff", id, "set_extension")
            .record(
                &txn,
                json!({ "extension": { "from": before, "to": extension } }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(StaffMember {
            staff: updated,
            project_ids: member.project_ids,
        })
    }

    /// Changes a staff member's name, role, projects, skills and phone (admins only; an admin
    /// cannot take the admin role from themselves). Who is told of escalations and who is
    /// dispatched to follow at once: every node reloads the company's configuration.
    pub async fn update_staff(
        &self,
        who: &Principal,
        id: &str,
        input: StaffProfile,
        now: DateTime<Utc>,
    ) -> Result<StaffMember> {
        require_admin(who)?;
        if who.id == id && !input.role.administers() {
            return Err(StorageError::field("role", FieldErrorCode::Invalid));
        }
        let member = self.staff_member(&who.company_id, id).await?;
        let before = staff_facts(&member);
        let txn = self.begin_write().await?;
        check_projects(&txn, &who.company_id, &input.project_ids).await?;
        let mut row: staff::ActiveModel = member.staff.into();
        row.name = Set(input.name);
        row.role = Set(input.role.as_str().to_owned());
        row.phone = Set(input.phone);
        row.skills = Set(json!(input.skills));
        let updated = row.update(&txn).await?;
        staff_project::Entity::delete_many()
            .filter(staff_project::Column::CompanyId.eq(&who.company_id))
            .filter(staff_project::Column::StaffId.eq(id))
            .exec(&txn)
            .await?;
        link_projects(&txn, &who.company_id, id, &input.project_ids).await?;
        let after = StaffMember {
            staff: updated,
            project_ids: input.project_ids,
        };
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "staff", id, "update")
            .record(&txn, changes(before, staff_facts(&after)), now)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Sets a new password for a staff member (admins only): every session of the account ends
    /// at once.
    pub async fn set_staff_password(
        &self,
        who: &Principal,
        id: &str,
        password: String,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        let member = self.staff_member(&who.company_id, id).await?;
        let password_hash = hash_password(password).await?;
        let txn = self.begin_write().await?;
        let mut row: staff::ActiveModel = member.staff.into();
        row.password_hash = Set(password_hash);
        row.update(&txn).await?;
        let ended = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
            .filter(session::Column::CompanyId.eq(&who.company_id))
            .filter(session::Column::SubjectKind.eq(SUBJECT_STAFF))
            .filter(session::Column::SubjectId.eq(id))
            .filter(session::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        Audit::by(who, "staff", id, "set_password")
            .record(&txn, json!({ "sessions_ended": ended.rows_affected }), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes a staff account made by mistake (admins only; not their own). One with history
    /// (tickets they took, handled or were offered, timeline entries, sub-tasks, praise) stays,
    /// to be deactivated instead, so the record of who did what is kept.
    pub async fn delete_staff(&self, who: &Principal, id: &str, now: DateTime<Utc>) -> Result<()> {
        require_admin(who)?;
        if who.id == id {
            return Err(StorageError::Forbidden);
        }
        let member = self.staff_member(&who.company_id, id).await?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(
                Condition::any()
                    .add(ticket::Column::AssigneeId.eq(id))
                    .add(ticket::Column::FirstContactOwnerId.eq(id))
                    .add(ticket::Column::CreatedBy.eq(id))
                    .add(ticket::Column::FollowUpOwnerId.eq(id)),
            )
            .count(&txn)
            .await?;
        let offers = dispatch_offer::Entity::find()
            .filter(dispatch_offer::Column::CompanyId.eq(company))
            .filter(dispatch_offer::Column::StaffId.eq(id))
            .count(&txn)
            .await?;
        let events = ticket_event::Entity::find()
            .filter(ticket_event::Column::CompanyId.eq(company))
            .filter(ticket_event::Column::ActorId.eq(id))
            .count(&txn)
            .await?;
        let subtasks = subtask::Entity::find()
            .filter(subtask::Column::CompanyId.eq(company))
            .filter(
                Condition::any()
                    .add(subtask::Column::AssigneeId.eq(id))
                    .add(subtask::Column::CreatedBy.eq(id))
                    .add(subtask::Column::DoneBy.eq(id)),
            )
            .count(&txn)
            .await?;
        let praise = praise_credit::Entity::find()
            .filter(praise_credit::Column::CompanyId.eq(company))
            .filter(praise_credit::Column::StaffId.eq(id))
            .count(&txn)
            .await?;
        unused(vec![
            ("tickets", tickets + offers),
            ("timeline_entries", events),
            ("subtasks", subtasks),
            ("praise", praise),
        ])?;
        session::Entity::delete_many()
            .filter(session::Column::CompanyId.eq(company))
            .filter(session::Column::SubjectKind.eq(SUBJECT_STAFF))
            .filter(session::Column::SubjectId.eq(id))
            .exec(&txn)
            .await?;
        notification::Entity::delete_many()
            .filter(notification::Column::CompanyId.eq(company))
            .filter(notification::Column::RecipientId.eq(id))
            .exec(&txn)
            .await?;
        roster::Entity::delete_many()
            .filter(roster::Column::CompanyId.eq(company))
            .filter(roster::Column::StaffId.eq(id))
            .exec(&txn)
            .await?;
        team_member::Entity::delete_many()
            .filter(team_member::Column::CompanyId.eq(company))
            .filter(team_member::Column::StaffId.eq(id))
            .exec(&txn)
            .await?;
        staff_project::Entity::delete_many()
            .filter(staff_project::Column::CompanyId.eq(company))
            .filter(staff_project::Column::StaffId.eq(id))
            .exec(&txn)
            .await?;
        staff::Entity::delete_by_id((company.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        bump_config(&txn, company).await?;
        Audit::by(who, "staff", id, "delete")
            .record(
                &txn,
                json!({ "username": member.staff.username, "name": member.staff.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    async fn with_projects(&self, rows: Vec<staff::Model>) -> Result<Vec<StaffMember>> {
        let Some(first) = rows.first() else {
            return Ok(vec![]);
        };
        let links = staff_project::Entity::find()
            .filter(staff_project::Column::CompanyId.eq(&first.company_id))
            .filter(staff_project::Column::StaffId.is_in(rows.iter().map(|s| s.id.clone())))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|staff| {
                let project_ids = links
                    .iter()
                    .filter(|l| l.staff_id == staff.id)
                    .map(|l| l.project_id.clone())
                    .collect();
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
        return Err(StorageError::field(
            "project_ids",
            FieldErrorCode::UnknownReference,
        ));
    }
    Ok(())
}

/// Makes a staff member a member of each project.
async fn link_projects(
    db: &impl ConnectionTrait,
    company_id: &str,
    staff_id: &str,
    project_ids: &[String],
) -> Result<()> {
    if project_ids.is_empty() {
        return Ok(());
    }
    let links = project_ids
        .iter()
        .map(|project_id| staff_project::ActiveModel {
            company_id: Set(company_id.to_owned()),
            staff_id: Set(staff_id.to_owned()),
            project_id: Set(project_id.clone()),
        });
    staff_project::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

fn staff_facts(m: &StaffMember) -> serde_json::Value {
    json!({ "name": m.staff.name, "role": m.staff.role, "project_ids": m.project_ids, "skills": m.staff.skills, "phone": m.staff.phone })
}
