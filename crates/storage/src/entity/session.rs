//! Bearer tokens, stored as SHA-256 hashes; `subject_kind` is staff or resident.

use sea_orm::entity::prelude::*;

/// `subject_kind` of a staff member's session; `subject_id` is their staff id.
pub const SUBJECT_STAFF: &str = "staff";
/// `subject_kind` of a resident's session; `subject_id` is their phone.
pub const SUBJECT_RESIDENT: &str = "resident";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
