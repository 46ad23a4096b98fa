//! 导师制: a staff member's mentor and the checklist of their first weeks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_mentors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    /// The mentee.
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: String,
    pub mentor_id: String,
    /// `[guanjia_domain::training::ChecklistItem]`.
    pub checklist: Json,
    pub assigned_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
