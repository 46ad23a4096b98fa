//! Requests per minute per API key, counted in fixed one-minute windows on this node. Memory
//! stays bounded: a window that ended is forgotten at the next count.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

#[derive(Debug, Default)]
pub struct KeyRate {
    /// Key id → (the minute counted, requests in it).
    windows: Mutex<HashMap<String, (i64, i64)>>,
}

impl KeyRate {
    /// Counts one request of `key_id`; `Err(seconds)` when the key already made `per_minute`
    /// this minute, with the seconds until the next.
    pub fn admit(&self, key_id: &str, per_minute: i64, now: DateTime<Utc>) -> Result<(), i64> {
        let minute = now.timestamp().div_euclid(60);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if !windows.contains_key(key_id) {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let window = windows.entry(key_id.to_owned()).or_insert((minute, 0));
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= per_minute {
            return Err(60 - now.timestamp().rem_euclid(60));
        }
        window.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_key_is_held_to_its_rate_until_the_next_minute() {
        let rate = KeyRate::default();
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 4, 0, 50).unwrap();
        assert_eq!(rate.admit("k", 2, at), Ok(()));
        assert_eq!(rate.admit("k", 2, at), Ok(()));
        assert_eq!(rate.admit("k", 2, at), Err(10));
        assert_eq!(rate.admit("other", 2, at), Ok(()));
        assert_eq!(
            rate.admit("k", 2, at + chrono::Duration::seconds(10)),
            Ok(())
        );
    }
}
