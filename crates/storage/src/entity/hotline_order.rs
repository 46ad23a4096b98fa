//! 12345 工单: an order of the government hotline's platform, with the ticket it opened.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hotline_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: String,
    /// 工单编号, unique in the company.
    pub order_no: String,
    pub project_id: String,
    /// 所属街道
    pub street: Option<String>,
    /// 来电时间
    pub received_at: DateTimeUtc,
    /// How many times the platform sent the order (a re-sent order updates it).
    pub arrivals: i32,
    /// 办理结果: the handling result as last written, complete by the domain's rule.
    pub reply: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    pub replied_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
