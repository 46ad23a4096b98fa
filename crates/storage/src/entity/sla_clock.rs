//! One SLA clock of one ticket as last computed: which policy and calendar it follows and when
//! it is due. Kept for the list filters and reports; recomputed whenever the ticket, a policy or
//! a calendar changes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_clocks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub policy_id: String,
    pub calendar_id: String,
    pub target: Json,
    pub started_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub warn_at: Option<DateTimeUtc>,
    pub state: String,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
