//! What this installation can deliver on, from configuration: the rules need it when they plan.

use std::collections::HashSet;
use std::sync::Arc;

use guanjia_domain::delivery::{Backoff, QuietHours};
use tokio::sync::Notify;

/// The channels set up, the WeCom robots by team and project, the rules' settings, and the
/// signal that wakes this node's worker when something urgent was written.
#[derive(Debug, Clone, Default)]
pub struct DeliverySetup {
    pub sms: bool,
    pub wechat: bool,
    /// A mailbox answers to e-mail are sent from.
    pub email: bool,
    /// Project codes with a WeCom robot.
    pub project_robots: HashSet<String>,
    /// Team ids with a WeCom robot (before their project's).
    pub team_robots: HashSet<String>,
    pub quiet_hours: QuietHours,
    pub backoff: Backoff,
    pub(crate) wake: Arc<Notify>,
}

impl DeliverySetup {
    /// Anything at all is set up: otherwise notifications stay in the in-app list only.
    pub(crate) fn any(&self) -> bool {
        self.sms
            || self.wechat
            || self.email
            || !self.project_robots.is_empty()
            || !self.team_robots.is_empty()
    }

    /// The robot for a ticket of `team_id` in the project coded `project_code`, by name.
    pub(crate) fn robot(&self, team_id: Option<&str>, project_code: &str) -> Option<String> {
        team_id
            .filter(|t| self.team_robots.contains(*t))
            .map(|t| format!("team:{t}"))
            .or_else(|| {
                self.project_robots
                    .contains(project_code)
                    .then(|| format!("project:{project_code}"))
            })
    }
}
