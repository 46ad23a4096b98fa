//! 标签: a code staff set on a resident (独居老人, VIP…) that announcements can target; a
//! sensitive one is shown to butlers, managers and admins only, with who recorded the
//! resident's consent and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resident_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub resident_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub sensitive: bool,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    /// On a sensitive tag: who recorded that the resident consented, and when.
    pub consent_by: Option<String>,
    pub consent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
