//! A warning or escalation the scheduler fires once, claimed with a lease so that one node fires it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    /// A clock name, or `risk`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub clock: String,
    /// `warning:50`, `escalation:2`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub step: String,
    /// None while the clock is paused, and once fired.
    pub fire_at: Option<DateTimeUtc>,
    pub fired_at: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
