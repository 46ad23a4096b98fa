//! 排班: when a staff member is on duty: hours per weekday and dated exceptions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rosters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: String,
    /// Seven lists of `["08:00", "20:00"]` spans, Monday first.
    pub weekly_hours: Json,
    /// `[{date, is_workday, hours, name}]`.
    pub exceptions: Json,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
