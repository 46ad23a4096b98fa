//! A value message understanding read from a ticket's text that the desk changed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intake_corrections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    /// kind, category or urgency.
    #[sea_orm(primary_key, auto_increment = false)]
    pub field: String,
    pub project_id: String,
    /// What the text was read as.
    pub analysed: Option<String>,
    /// What the desk chose.
    pub chosen: Option<String>,
    pub corrected_by: String,
    pub reason: Option<String>,
    /// The ticket's.
    pub reported_at: DateTimeUtc,
    pub corrected_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
