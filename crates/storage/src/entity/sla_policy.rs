//! 服务时限标准: targets per project, kind, category, urgency and service tier.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub project_id: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub tier: Option<String>,
    /// None: the ticket's project's calendar.
    pub calendar_id: Option<String>,
    pub targets: Json,
    pub warn_at_percent: Json,
    pub escalation: Json,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
