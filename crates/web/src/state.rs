//! What every handler shares.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::{ActionRequest, LoopRules};
use guanjia_storage::entity::ticket;
use guanjia_storage::{Principal, StorageError, Store};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::machine::key_rate::KeyRate;

/// How this server behaves, from configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    pub rules: LoopRules,
    /// Writes residents' sign-in codes to the log: for demos, until SMS delivery exists.
    pub log_sign_in_codes: bool,
    /// Requests come through a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`; the sign-in throttle counts per that address.
    pub behind_proxy: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Settings,
    pub metrics: PrometheusHandle,
    /// The providers a request may send through; none in an app that sends nothing itself.
    pub senders: Option<guanjia_channels::Senders>,
    /// Each API key's requests this minute on this node.
    pub key_rate: Arc<KeyRate>,
}

impl AppState {
    /// Applies a ticket action (see [`Store::act_on_ticket`]) and counts it in
    /// `guanjia_ticket_actions_total` by action once it is done: every page and the API act
    /// through here, so the figure counts them all.
    pub async fn act_on_ticket(
        &self,
        who: &Principal,
        ticket_id: &str,
        request: impl Into<ActionRequest>,
        now: DateTime<Utc>,
    ) -> Result<ticket::Model, StorageError> {
        let request = request.into();
        let name = request.action.name();
        let ticket = self
            .store
            .act_on_ticket(who, ticket_id, request, now)
            .await?;
        metrics::counter!("guanjia_ticket_actions_total", "action" => name.as_str()).increment(1);
        Ok(ticket)
    }
}
