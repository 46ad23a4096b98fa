//! 考核: one locked card of a person or team for a month, as it stood when the month was locked.

use guanjia_domain::scorecard::Subject;
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scorecards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub month: String,
    pub role: Code<Subject, Entity>,
    pub subject_id: String,
    pub name: String,
    /// `guanjia_domain::scorecard::Scored`.
    pub scored: Json,
    pub total: f64,
    pub rank: i32,
    pub locked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
