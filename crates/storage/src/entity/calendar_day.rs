//! A dated exception of a calendar: a public holiday, a make-up workday (调休上班), special hours.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub calendar_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    pub is_workday: bool,
    /// `[["09:00", "12:00"], …]`; empty: the standard workday hours.
    pub hours: Json,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
