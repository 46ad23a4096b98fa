//! What every handler shares.

use guanjia_domain::ticket::LoopRules;
use guanjia_storage::Store;
use metrics_exporter_prometheus::PrometheusHandle;

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
}
