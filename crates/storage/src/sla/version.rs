//! The version of a company's SLA configuration: what every node compares before reusing the
//! configuration it loaded, so a change made on one node moves deadlines on all.

use sea_orm::ConnectionTrait;

use crate::error::Result;
use crate::support::next_counter;

/// The counter bumped by every change that moves deadlines.
pub(crate) const CONFIG_VERSION: &str = "sla_config";

/// Moves deadlines: every node reloads the company's SLA configuration on its next read. Every
/// change of what [`SlaContext::load`] reads (policies, calendars and their days, projects and
/// their calendars) calls this in its own transaction, or the change stays invisible to clocks.
pub(crate) async fn bump_config(db: &impl ConnectionTrait, company_id: &str) -> Result<()> {
    next_counter(db, company_id, CONFIG_VERSION)
        .await
        .map(|_| ())
}
