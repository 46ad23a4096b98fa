//! Duty rosters (排班): when each staff member is on duty.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guanjia_domain::calendar::input::hours_text;
use guanjia_domain::calendar::{Exception, WeeklyHours};
use guanjia_domain::dispatch::roster_calendar;
use guanjia_domain::role::Role;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::db::Store;
use crate::entity::roster;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sla::{exception_of_json, exceptions_json, weekly_json, weekly_of};
use crate::staff::StaffMember;
use crate::support::Audit;

/// Whether each of `staff_ids` is on duty at `at`; a staff member without a roster always is.
pub(crate) async fn on_duty(
    db: &impl ConnectionTrait,
    company_id: &str,
    staff_ids: &[String],
    zone: Tz,
    at: DateTime<Utc>,
) -> Result<Vec<bool>> {
    let rosters = roster::Entity::find()
        .filter(roster::Column::CompanyId.eq(company_id))
        .filter(roster::Column::StaffId.is_in(staff_ids.to_vec()))
        .all(db)
        .await?;
    Ok(staff_ids
        .iter()
        .map(|id| match rosters.iter().find(|r| &r.staff_id == id) {
            None => true,
            Some(r) => roster_calendar(
                zone,
                weekly_of(&r.weekly_hours),
                exception_of_json(&r.exceptions),
            )
            .is_open(at),
        })
        .collect())
}

impl Store {
    /// Sets a staff member's roster (admins and supervisors of a shared project).
    pub async fn set_roster(
        &self,
        who: &Principal,
        staff_id: &str,
        weekly: WeeklyHours,
        exceptions: Vec<Exception>,
        now: DateTime<Utc>,
    ) -> Result<Value> {
        self.rostered(who, staff_id).await?;
        let row = roster::ActiveModel {
            company_id: Set(who.company_id.clone()),
            staff_id: Set(staff_id.to_owned()),
            weekly_hours: Set(weekly_json(&weekly)),
            exceptions: Set(exceptions_json(&exceptions)),
            updated_at: Set(now),
        };
        let txn = self.begin_write().await?;
        roster::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([roster::Column::CompanyId, roster::Column::StaffId])
                    .update_columns([
                        roster::Column::WeeklyHours,
                        roster::Column::Exceptions,
                        roster::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let view = json!({ "staff_id": staff_id, "weekly_hours": weekly.0.iter().map(|d| hours_text(d)).collect::<Vec<_>>(), "exceptions": exceptions_json(&exceptions) });
        Audit::by(who, "roster", staff_id, "set")
            .record(&txn, view.clone(), now)
            .await?;
        txn.commit().await?;
        Ok(view)
    }

    /// A staff member whose roster `who` keeps: admins any, supervisors those of their projects.
    async fn rostered(&self, who: &Principal, staff_id: &str) -> Result<StaffMember> {
        if !(who.role.administers() || who.role == Role::Supervisor) {
            return Err(StorageError::Forbidden);
        }
        let member = self.staff_member(&who.company_id, staff_id).await?;
        if who.role == Role::Supervisor && !member.project_ids.iter().any(|p| who.sees_project(p)) {
            return Err(StorageError::NotFound("staff"));
        }
        Ok(member)
    }

    /// A staff member and their roster: weekly hours and dated exceptions, or none when they
    /// have no roster (and so are always on duty). For those who may set it.
    pub async fn roster(
        &self,
        who: &Principal,
        staff_id: &str,
    ) -> Result<(StaffMember, Option<(WeeklyHours, Vec<Exception>)>)> {
        let member = self.rostered(who, staff_id).await?;
        let row = roster::Entity::find_by_id((who.company_id.clone(), staff_id.to_owned()))
            .one(&self.db)
            .await?;
        Ok((
            member,
            row.map(|r| (weekly_of(&r.weekly_hours), exception_of_json(&r.exceptions))),
        ))
    }

    /// The technicians of a project on duty at `at` ("who is on duty now").
    pub async fn on_duty_now(
        &self,
        who: &Principal,
        project_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let project = self.project(who, project_id).await?;
        let zone: Tz = project
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        let ids = self
            .technicians_of(&who.company_id, project_id)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect::<Vec<_>>();
        let duty = on_duty(&self.db, &who.company_id, &ids, zone, at).await?;
        Ok(ids
            .into_iter()
            .zip(duty)
            .filter(|(_, on)| *on)
            .map(|(id, _)| id)
            .collect())
    }
}
