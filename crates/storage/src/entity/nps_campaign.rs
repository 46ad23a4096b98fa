//! An NPS survey campaign (净推荐值调查) to a project or a segment of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nps_campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub building_id: Option<String>,
    pub tier: Option<String>,
    pub question: String,
    /// Residents invited (one per phone).
    pub invited: i32,
    pub closes_at: DateTimeUtc,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
