//! Exports of lists and figures: each is a read of the company's data, personal data among it,
//! so each is written to the audit like the PIPL export of one person.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::db::Store;
use crate::error::Result;
use crate::principal::Principal;
use crate::support::Audit;

impl Store {
    /// Records that `who` exported `rows` rows of `endpoint` (the API path, e.g.
    /// `/api/v1/tickets`) with the `filters` of their query.
    pub async fn record_export(
        &self,
        who: &Principal,
        endpoint: &str,
        filters: Value,
        rows: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        Audit::by(who, "export", endpoint, "export")
            .record(&txn, json!({ "filters": filters, "rows": rows }), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
