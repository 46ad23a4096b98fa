//! Staff accounts; `skills` is a JSON array of category codes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub phone: Option<String>,
    pub skills: Json,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// The last time a job was dispatched to them (round-robin reads it).
    pub last_assigned_at: Option<DateTimeUtc>,
    /// The phone system's extension (分机号) that rings at their desk: unique in the company.
    pub extension: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
