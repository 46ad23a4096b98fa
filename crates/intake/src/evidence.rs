//! The words behind each decision, shared by every matcher and the analysis they make up.

use serde::{Deserialize, Serialize};

/// Which words decided a field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// kind, category, urgency, escalation_risk or location.
    pub field: String,
    pub words: Vec<String>,
    pub note: String,
}
