//! Room labels ("3栋1单元1502") by room id, for lists and headers. The store lists rooms per
//! building only, so the pages keep each company's labels for a minute instead of walking every
//! building on every page; a room added meanwhile shows without its label until then.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use guanjia_storage::{PageRequest, Principal, StorageError, Store};

const FRESH_FOR: Duration = Duration::from_secs(60);
/// Every row in one page: a company's places are a few thousand rows at most.
const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 100_000,
};

/// Room id → label.
pub type Labels = Arc<HashMap<String, String>>;

#[derive(Clone, Default)]
pub struct RoomBook(Arc<Mutex<HashMap<String, (Instant, Labels)>>>);

impl RoomBook {
    /// The company's room labels, loaded again once they are a minute old.
    pub async fn labels(&self, store: &Store, company_id: &str) -> Result<Labels, StorageError> {
        let cached = self
            .0
            .lock()
            .ok()
            .and_then(|map| map.get(company_id).cloned());
        if let Some((at, labels)) = cached
            && at.elapsed() < FRESH_FOR
        {
            return Ok(labels);
        }
        let labels = Arc::new(load(store, company_id).await?);
        if let Ok(mut map) = self.0.lock() {
            map.insert(company_id.to_owned(), (Instant::now(), labels.clone()));
        }
        Ok(labels)
    }
}

async fn load(store: &Store, company_id: &str) -> Result<HashMap<String, String>, StorageError> {
    // Labels only: callers show them for rooms of tickets and residents they already may see.
    let reader = Principal::system(company_id, "web-pages");
    let mut labels = HashMap::new();
    for project in store.projects(&reader, ALL).await?.items {
        for building in store.buildings(&reader, &project.id, ALL).await?.items {
            for room in store.rooms(&reader, &building.id, ALL).await?.items {
                labels.insert(
                    room.id,
                    format!("{}{}{}", building.name, room.unit, room.number),
                );
            }
        }
    }
    Ok(labels)
}
