//! A day whose facts must be summed again: a ticket reported at `reported_at` in the project
//! changed (written by the database's triggers; consumed by the refresh).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_day_marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: String,
    pub project_id: String,
    pub reported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
