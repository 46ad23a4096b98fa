//! The timeline: every change of a ticket, who, when, from → to, details.

use guanjia_domain::ticket::{Status, Visibility};
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub ticket_id: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<Code<Status, Entity>>,
    pub to_status: Option<Code<Status, Entity>>,
    pub visibility: Code<Visibility, Entity>,
    pub details: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
