//! 来电: one call the phone system reported, as its events made it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calls")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The phone system's id of the call: unique in the company.
    pub call_id: String,
    /// A `guanjia_domain::calls::CallState` code.
    pub state: String,
    pub caller_phone: String,
    pub extension: String,
    /// The agent of the extension.
    pub staff_id: String,
    pub ringing_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub recording_url: Option<String>,
    /// The ticket its agent opened for the caller during it.
    pub ticket_id: Option<String>,
    pub received_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
