//! 户: the people of one room.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "households")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub room_id: String,
    pub created_at: DateTimeUtc,
    /// Important dates and preferences (`guanjia_domain::profile::HouseholdFacts`).
    pub facts: Option<Json>,
    /// The butler set by hand; when none, the building's butler looks after it.
    pub butler_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
