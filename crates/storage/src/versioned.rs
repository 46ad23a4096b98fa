//! Per-company configuration loaded from the database and shared until its version counter
//! moves: every change bumps the counter in its own transaction, so every node reloads on its next
//! read. The SLA context and the message-understanding vocabulary are kept this way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entity::counter;
use crate::error::Result;

/// Company id → (the version a value was loaded at, the value).
type ByCompany<T> = HashMap<String, (i64, Arc<T>)>;

/// One value per company, each with the version it was loaded at.
pub(crate) struct VersionedCache<T>(Arc<Mutex<ByCompany<T>>>);

impl<T> VersionedCache<T> {
    /// The company's value if it was loaded at `version`.
    pub(crate) fn fresh(&self, company_id: &str, version: i64) -> Option<Arc<T>> {
        let map = self.0.lock().ok()?;
        map.get(company_id)
            .filter(|(at, _)| *at == version)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` as the company's, loaded at `version`.
    pub(crate) fn keep(&self, company_id: &str, version: i64, value: Arc<T>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(company_id.to_owned(), (version, value));
        }
    }
}

impl<T> Default for VersionedCache<T> {
    fn default() -> Self {
        VersionedCache(Arc::default())
    }
}

impl<T> Clone for VersionedCache<T> {
    fn clone(&self) -> Self {
        VersionedCache(self.0.clone())
    }
}

impl<T> std::fmt::Debug for VersionedCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let companies = self.0.lock().map(|map| map.len()).unwrap_or_default();
        f.debug_struct("VersionedCache")
            .field("companies", &companies)
            .finish()
    }
}

/// The company's version of a configuration: the value of its counter (0 before any change).
pub(crate) async fn version_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    counter_name: &str,
) -> Result<i64> {
    Ok(
        counter::Entity::find_by_id((company_id.to_owned(), counter_name.to_owned()))
            .one(db)
            .await?
            .map_or(0, |c| c.value),
    )
}
