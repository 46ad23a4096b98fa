//! 物业公司: the tenant of the whole installation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    pub created_at: DateTimeUtc,
    /// The name residents see on their pages (the legal `name` otherwise).
    pub display_name: Option<String>,
    /// The logo residents see: a checked image shrunk to a JPEG thumbnail.
    pub logo: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
