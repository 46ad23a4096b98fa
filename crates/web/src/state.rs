//! What every handler shares.

use guanjia_domain::ticket::LoopRules;
use guanjia_storage::Store;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub rules: LoopRules,
    pub metrics: PrometheusHandle,
}
