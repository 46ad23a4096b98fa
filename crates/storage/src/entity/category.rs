//! 分类: the company's editable category tree (`kind.category` codes).

use guanjia_domain::closed_loop::FollowUpPolicy;
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub kind: String,
    pub label_zh: String,
    pub label_en: String,
    pub active: bool,
    pub position: i32,
    /// None: unless_rated.
    pub follow_up_policy: Option<Code<FollowUpPolicy, Entity>>,
    /// least_load or round_robin; None: least_load.
    pub dispatch_mode: Option<String>,
    /// Grab mode: minutes an offer stands before least load decides; None: the default 5.
    pub grab_minutes: Option<i32>,
    /// Photos of the work a technician's finish needs (none when null).
    pub min_photos: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
