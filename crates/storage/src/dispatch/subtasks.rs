//! Collaboration sub-tasks (协办): created by the desk for another team or person, done by them;
//! each step is in the ticket's timeline and counted on the ticket, which cannot be resolved
//! while one is open.

use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::{NewSubtask, SubtaskStatus};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::ticket::{Status, Visibility};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{subtask, team_member, ticket};
use crate::error::{Result, StorageError};
use crate::notify::notify;
use crate::principal::Principal;
use crate::support::new_id;
use crate::tickets::timeline;

/// Moves the ticket's count of open sub-tasks by `by`, in SQL, so concurrent changes add up.
async fn count_open(txn: &DatabaseTransaction, t: &ticket::Model, by: i32) -> Result<()> {
    ticket::Entity::update_many()
        .col_expr(
            ticket::Column::OpenSubtasks,
            Expr::col(ticket::Column::OpenSubtasks).add(by),
        )
        .filter(ticket::Column::CompanyId.eq(&t.company_id))
        .filter(ticket::Column::Id.eq(&t.id))
        .exec(txn)
        .await?;
    Ok(())
}

impl Store {
    /// Asks another team or person to do part of a ticket (desk staff).
    pub async fn create_subtask(
        &self,
        who: &Principal,
        ticket_id: &str,
        input: NewSubtask,
        now: DateTime<Utc>,
    ) -> Result<subtask::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let t = self.ticket(who, ticket_id).await?;
        if t.status.is_final() || t.status == Status::Resolved {
            return Err(StorageError::field("ticket", FieldErrorCode::Invalid));
        }
        if let Some(team_id) = &input.team_id {
            self.team_of_project(&who.company_id, team_id, &t.project_id)
                .await?;
        }
        if let Some(assignee_id) = &input.assignee_id {
            let member = self
                .staff_member(&who.company_id, assignee_id)
                .await
                .map_err(|_| {
                    StorageError::field("assignee_id", FieldErrorCode::UnknownReference)
                })?;
            if !member.staff.active
                || !(member.project_ids.contains(&t.project_id) || member.project_ids.is_empty())
            {
                return Err(StorageError::field(
                    "assignee_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
        }
        let mut told: Vec<String> = input.assignee_id.iter().cloned().collect();
        if let Some(team_id) = &input.team_id {
            let members = team_member::Entity::find()
                .filter(team_member::Column::CompanyId.eq(&who.company_id))
                .filter(team_member::Column::TeamId.eq(team_id))
                .all(&self.db)
                .await?;
            told.extend(
                members
                    .into_iter()
                    .map(|m| m.staff_id)
                    .filter(|id| input.assignee_id.as_ref().is_none_or(|a| a != id)),
            );
        }
        let txn = self.begin_write().await?;
        let created = subtask::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            ticket_id: Set(t.id.clone()),
            title: Set(input.title),
            team_id: Set(input.team_id),
            assignee_id: Set(input.assignee_id),
            status: Set(SubtaskStatus::Open.into()),
            created_by: Set(who.id.clone()),
            created_at: Set(now),
            done_by: Set(None),
            done_at: Set(None),
            note: Set(None),
        }
        .insert(&txn)
        .await?;
        count_open(&txn, &t, 1).await?;
        let details = json!({ "subtask_id": created.id, "title": created.title, "team_id": created.team_id, "assignee_id": created.assignee_id });
        timeline::record(
            &txn,
            who,
            &t,
            "subtask_created",
            Visibility::Internal,
            details,
            now,
        )
        .await?;
        notify(
            &txn,
            &self.delivery,
            (&t).into(),
            &told,
            NoticeKind::SubtaskAssigned,
            &json!({ "ticket_number": t.number, "title": created.title }),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The sub-tasks of a ticket the caller can see, oldest first.
    pub async fn subtasks(&self, who: &Principal, ticket_id: &str) -> Result<Vec<subtask::Model>> {
        let t = self.ticket(who, ticket_id).await?;
        Ok(subtask::Entity::find()
            .filter(subtask::Column::CompanyId.eq(&t.company_id))
            .filter(subtask::Column::TicketId.eq(&t.id))
            .order_by_asc(subtask::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Marks a sub-task done: by its assignee, a member of its team, or desk staff.
    pub async fn complete_subtask(
        &self,
        who: &Principal,
        subtask_id: &str,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<subtask::Model> {
        let found = subtask::Entity::find_by_id((who.company_id.clone(), subtask_id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("subtask"))?;
        let t = self
            .ticket(who, &found.ticket_id)
            .await
            .map_err(|_| StorageError::NotFound("subtask"))?;
        let in_team = match &found.team_id {
            Some(team_id) => team_member::Entity::find_by_id((
                who.company_id.clone(),
                team_id.clone(),
                who.id.clone(),
            ))
            .one(&self.db)
            .await?
            .is_some(),
            None => false,
        };
        if !(who.role.is_desk() || found.assignee_id.as_deref() == Some(who.id.as_str()) || in_team)
        {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let done = subtask::Entity::update_many()
            .col_expr(
                subtask::Column::Status,
                Expr::value(SubtaskStatus::Done.as_str()),
            )
            .col_expr(subtask::Column::DoneBy, Expr::value(who.id.clone()))
            .col_expr(subtask::Column::DoneAt, Expr::value(now))
            .col_expr(subtask::Column::Note, Expr::value(note.clone()))
            .filter(subtask::Column::CompanyId.eq(&who.company_id))
            .filter(subtask::Column::Id.eq(subtask_id))
            .filter(subtask::Column::Status.eq(SubtaskStatus::Open.as_str()))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(StorageError::field("subtask", FieldErrorCode::Invalid));
        }
        count_open(&txn, &t, -1).await?;
        timeline::record(
            &txn,
            who,
            &t,
            "subtask_done",
            Visibility::Internal,
            json!({ "subtask_id": subtask_id, "title": found.title, "note": note }),
            now,
        )
        .await?;
        let updated = subtask::Entity::find_by_id((who.company_id.clone(), subtask_id.to_owned()))
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("subtask"))?;
        txn.commit().await?;
        Ok(updated)
    }
}
