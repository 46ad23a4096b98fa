//! A ticket filed under one of its problem keys, for the duplicate check's lookup.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_problem_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    /// `subject:lift` or `category:repair.lift` (see `guanjia_intake::problem_keys`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub project_id: String,
    pub reported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
