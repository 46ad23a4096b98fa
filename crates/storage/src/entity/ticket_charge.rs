//! A line of a paid job's bill, with the price it was made with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_charges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub line: i32,
    pub price_item_id: String,
    pub name: String,
    pub unit: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub amount_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
