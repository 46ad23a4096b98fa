//! 协办: a sub-task for another team on the same ticket.

use guanjia_domain::dispatch::SubtaskStatus;
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subtasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub ticket_id: String,
    pub title: String,
    pub team_id: Option<String>,
    pub assignee_id: Option<String>,
    pub status: Code<SubtaskStatus, Entity>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub done_by: Option<String>,
    pub done_at: Option<DateTimeUtc>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
