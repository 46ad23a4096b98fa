//! 质检评分表: a score sheet of the company.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_sheets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    /// `[guanjia_domain::inspection::SheetItem]`.
    pub items: Json,
    /// `[guanjia_domain::inspection::RedLine]`.
    pub red_lines: Json,
    /// Inactive sheets score nothing new; inspections scored on them keep their facts.
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
