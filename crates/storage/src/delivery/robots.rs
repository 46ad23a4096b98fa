//! WeCom group robots managed in the product (admins of their projects): each posts the staff
//! alerts of a project's tickets, or of one team's. Their webhook keys are sealed before they are
//! written and read back out only to send (a delivery, an admin's test).
//!
//! Which robot posts about a ticket: the ticket's team's robot here, then its project's here,
//! then the robots of guanjia.toml (team before project) where the product has none.

use chrono::{DateTime, Utc};
use guanjia_domain::validation::FieldErrorCode;
use guanjia_domain::wecom_robot::NewWecomRobot;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::wecom_robot;
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::secrets::SecretKey;
use crate::support::{Audit, Page, PageRequest, changes, new_id, require_admin};

/// How deliveries name a robot of this table: `robot:ID` (those of the file are `team:ID` and
/// `project:CODE`).
const NAME_PREFIX: &str = "robot:";

/// Where a robot's key is bound when sealed.
fn place(company_id: &str, robot_id: &str) -> String {
    format!("wecom_robots/{company_id}/{robot_id}/webhook_key")
}

impl Store {
    /// Adds a robot to a project (or one of its teams) the admin manages.
    pub async fn create_wecom_robot(
        &self,
        who: &Principal,
        input: NewWecomRobot,
        now: DateTime<Utc>,
    ) -> Result<wecom_robot::Model> {
        require_admin(who)?;
        self.check_robot_place(who, &input).await?;
        let Some(key) = input.webhook_key.as_deref() else {
            return Err(StorageError::field("webhook_key", FieldErrorCode::Required));
        };
        let id = new_id();
        let sealed = self.secret_key()?.seal(&place(&who.company_id, &id), key)?;
        let txn = self.begin_write().await?;
        let row = wecom_robot::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id.clone()),
            project_id: Set(input.project_id),
            team_id: Set(input.team_id),
            name: Set(input.name),
            webhook_key: Set(sealed),
            active: Set(true),
            created_by: Set(who.id.clone()),
            updated_by: Set(who.id.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "wecom_robot", &id, "create")
            .record(&txn, facts(&row), now)
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The robots of the projects the admin manages, by name; of one project when named.
    pub async fn wecom_robots(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<wecom_robot::Model>> {
        require_admin(who)?;
        let mut query =
            wecom_robot::Entity::find().filter(wecom_robot::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            query = query.filter(wecom_robot::Column::ProjectId.is_in(ids.clone()));
        }
        if let Some(project_id) = project_id {
            query = query.filter(wecom_robot::Column::ProjectId.eq(project_id));
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(wecom_robot::Column::Name)
            .order_by_asc(wecom_robot::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// One robot of a project the admin manages; otherwise not found.
    pub async fn wecom_robot(&self, who: &Principal, id: &str) -> Result<wecom_robot::Model> {
        if !who.role.administers() {
            return Err(StorageError::NotFound("wecom_robot"));
        }
        wecom_robot::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|r| who.projects.includes(&r.project_id))
            .ok_or(StorageError::NotFound("wecom_robot"))
    }

    /// Changes a robot: its name, project or team, and its key when a new one is given.
    pub async fn update_wecom_robot(
        &self,
        who: &Principal,
        id: &str,
        input: NewWecomRobot,
        now: DateTime<Utc>,
    ) -> Result<wecom_robot::Model> {
        require_admin(who)?;
        let current = self.wecom_robot(who, id).await?;
        self.check_robot_place(who, &input).await?;
        let sealed = match input.webhook_key.as_deref() {
            Some(key) => Some(self.secret_key()?.seal(&place(&who.company_id, id), key)?),
            None => None,
        };
        let before = facts(&current);
        let mut row: wecom_robot::ActiveModel = current.into();
        row.name = Set(input.name);
        row.project_id = Set(input.project_id);
        row.team_id = Set(input.team_id);
        if let Some(sealed) = sealed.clone() {
            row.webhook_key = Set(sealed);
        }
        row.updated_by = Set(who.id.clone());
        row.updated_at = Set(now);
        let txn = self.begin_write().await?;
        let updated = row.update(&txn).await?;
        let mut trail = changes(before, facts(&updated));
        if sealed.is_some() && trail.is_object() {
            // That the key changed, never its value.
            trail["webhook_key"] = json!({ "changed": true });
        }
        Audit::by(who, "wecom_robot", id, "update")
            .record(&txn, trail, now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Stops a robot (nothing more is posted through it) or starts it again.
    pub async fn set_wecom_robot_active(
        &self,
        who: &Principal,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<wecom_robot::Model> {
        require_admin(who)?;
        let current = self.wecom_robot(who, id).await?;
        let mut row: wecom_robot::ActiveModel = current.into();
        row.active = Set(active);
        row.updated_by = Set(who.id.clone());
        row.updated_at = Set(now);
        let txn = self.begin_write().await?;
        let updated = row.update(&txn).await?;
        Audit::by(
            who,
            "wecom_robot",
            id,
            if active { "activate" } else { "deactivate" },
        )
        .record(&txn, json!({ "active": active }), now)
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Removes a robot for good; deliveries still planned through it are skipped.
    pub async fn delete_wecom_robot(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        let current = self.wecom_robot(who, id).await?;
        let trail = facts(&current);
        let txn = self.begin_write().await?;
        current.delete(&txn).await?;
        Audit::by(who, "wecom_robot", id, "delete")
            .record(&txn, trail, now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The key of a robot the admin manages, to send a test through it. Never answered by the
    /// API.
    pub async fn wecom_robot_webhook_key(&self, who: &Principal, id: &str) -> Result<String> {
        require_admin(who)?;
        let robot = self.wecom_robot(who, id).await?;
        self.secret_key()?
            .open(&place(&robot.company_id, &robot.id), &robot.webhook_key)
            .ok_or_else(|| StorageError::Secret("the webhook key cannot be opened".into()))
    }

    /// A robot's project must be one the admin manages, and its team one of that project.
    async fn check_robot_place(&self, who: &Principal, input: &NewWecomRobot) -> Result<()> {
        self.project(who, &input.project_id)
            .await
            .map_err(|_| StorageError::field("project_id", FieldErrorCode::UnknownReference))?;
        if let Some(team_id) = &input.team_id {
            let team = self
                .team(who, team_id)
                .await
                .map_err(|_| StorageError::field("team_id", FieldErrorCode::UnknownReference))?;
            if team.project_id != input.project_id {
                return Err(StorageError::field("team_id", FieldErrorCode::Mismatch));
            }
        }
        Ok(())
    }
}

/// The name (`robot:ID`) of the active robot of a ticket of `team_id` in `project_id`: the
/// team's before the project's.
pub(crate) async fn robot_of_ticket(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    team_id: Option<&str>,
) -> Result<Option<String>> {
    let mut whose = Condition::any().add(wecom_robot::Column::TeamId.is_null());
    if let Some(team_id) = team_id {
        whose = whose.add(wecom_robot::Column::TeamId.eq(team_id));
    }
    let robots = wecom_robot::Entity::find()
        .filter(wecom_robot::Column::CompanyId.eq(company_id))
        .filter(wecom_robot::Column::ProjectId.eq(project_id))
        .filter(wecom_robot::Column::Active.eq(true))
        .filter(whose)
        .order_by_asc(wecom_robot::Column::CreatedAt)
        .order_by_asc(wecom_robot::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let chosen = robots
        .iter()
        .find(|r| r.team_id.is_some())
        .or_else(|| robots.first());
    Ok(chosen.map(|r| format!("{NAME_PREFIX}{}", r.id)))
}

/// The webhook key of the robot a delivery names, when it is one of this table and still active;
/// None for the file's robots (`team:…`, `project:…`) and for a robot removed or stopped.
pub(crate) async fn webhook_key_of(
    db: &impl ConnectionTrait,
    secrets: Option<&SecretKey>,
    company_id: &str,
    name: &str,
) -> Result<Option<String>> {
    let (Some(id), Some(secrets)) = (name.strip_prefix(NAME_PREFIX), secrets) else {
        return Ok(None);
    };
    Ok(
        wecom_robot::Entity::find_by_id((company_id.to_owned(), id.to_owned()))
            .one(db)
            .await?
            .filter(|r| r.active)
            .and_then(|r| secrets.open(&place(company_id, id), &r.webhook_key)),
    )
}

/// What the audit trail keeps of a robot: never its key.
fn facts(r: &wecom_robot::Model) -> serde_json::Value {
    json!({
        "name": r.name, "project_id": r.project_id, "team_id": r.team_id, "active": r.active,
    })
}
