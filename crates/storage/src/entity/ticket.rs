//! 工单: one request, whatever its kind.

use guanjia_domain::closed_loop::{FollowUpPolicy, FollowUpResult};
use guanjia_domain::dispatch::ChargeStatus;
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::Status;
use sea_orm::entity::prelude::*;

use crate::code::Code;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: String,
    pub project_id: String,
    pub room_id: Option<String>,
    pub household_id: Option<String>,
    pub resident_id: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub kind: Code<Kind, Entity>,
    pub category: Option<String>,
    pub urgency: Code<Urgency, Entity>,
    pub status: Code<Status, Entity>,
    pub suspended_from: Option<Code<Status, Entity>>,
    pub channel: Code<Channel, Entity>,
    pub title: String,
    pub description: String,
    pub first_contact_owner_id: Option<String>,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub escalation_level: i32,
    pub escalation_risk: bool,
    pub duplicate_of: Option<String>,
    pub repeat_of: Option<String>,
    pub satisfaction: Option<i32>,
    pub reopen_count: i32,
    pub paused_seconds: i64,
    pub suspended_at: Option<DateTimeUtc>,
    pub reported_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_responded_at: Option<DateTimeUtc>,
    pub arrived_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: Option<String>,
    /// What message understanding read in the text: place, lift, problems (for duplicates).
    pub facts: Option<Json>,
    /// Open tickets that may report the same thing, best first: `[{id, score, reason}]`.
    pub duplicate_candidates: Option<Json>,
    /// Finished suspensions `[{from, to}]`, deducted from SLA clocks in business time.
    pub pauses: Option<Json>,
    /// The resident's service tier when the ticket was opened; SLA policies may differ by it.
    pub tier: Option<Code<ServiceTier, Entity>>,
    /// Whether staff must call back after resolve; none: the kind's default.
    pub follow_up_policy: Option<Code<FollowUpPolicy, Entity>>,
    /// Who calls back: the first-contact owner, else a butler of the project.
    pub follow_up_owner_id: Option<String>,
    /// Calls that did not reach the resident since the last resolve.
    pub follow_up_attempts: i32,
    /// How the follow-up ended.
    pub follow_up_result: Option<Code<FollowUpResult, Entity>>,
    pub followed_up_at: Option<DateTimeUtc>,
    pub first_resolved_at: Option<DateTimeUtc>,
    pub reopened_at: Option<DateTimeUtc>,
    pub timeliness: Option<i32>,
    pub attitude: Option<i32>,
    /// A reviewed suggestion: adopted or declined.
    pub adopted: Option<bool>,
    /// Why the last automatic dispatch chose whom it chose (or queued the job).
    pub dispatch_explanation: Option<String>,
    /// When it was last given to someone: the acceptance window counts from here.
    pub dispatched_at: Option<DateTimeUtc>,
    /// Collaboration sub-tasks not done yet.
    pub open_subtasks: i32,
    /// A paid service's bill, in fen.
    pub charge_total_cents: Option<i64>,
    /// Whether the resident confirmed the bill.
    pub charge_status: Option<Code<ChargeStatus, Entity>>,
    /// The incident (one outage, many tickets) this ticket is part of.
    pub incident_id: Option<String>,
    /// The fields message understanding filled in at creation: `["kind", "category", "urgency"]`.
    pub filled_from_text: Option<Json>,
    /// When whoever holds the job checked in on this visit (cleared when the job changes hands).
    pub on_site_at: Option<DateTimeUtc>,
    /// When the resident rated the current resolve (cleared by the next resolve).
    pub rated_at: Option<DateTimeUtc>,
    /// The latest chase (催单) by the resident.
    pub chased_at: Option<DateTimeUtc>,
    /// The 12345 order it came from: number, the platform's deadlines and when it was answered
    /// (`guanjia_domain::hotline::PlatformOrder`); its clocks are computed from them.
    pub platform_order: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
