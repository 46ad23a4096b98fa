//! 质检: one inspection of a handled ticket, its score and its appeal.

use guanjia_domain::inspection::{InspectionState, SampleReason};
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub ticket_id: String,
    /// The person inspected.
    pub staff_id: String,
    /// The Monday of the week whose round took it.
    pub week: Date,
    pub reason: Code<SampleReason, Entity>,
    pub state: Code<InspectionState, Entity>,
    pub sheet_id: Option<String>,
    /// `guanjia_domain::inspection::ScoreFacts`, once scored.
    pub facts: Option<Json>,
    /// The score that counts: the inspector's, or the one a granted appeal gave.
    pub score: Option<i32>,
    pub inspector_score: Option<i32>,
    pub inspector_id: Option<String>,
    pub scored_at: Option<DateTimeUtc>,
    pub appeal_reason: Option<String>,
    pub appealed_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
