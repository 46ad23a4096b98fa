//! Repeat complaints (重复投诉): the same household or room complains again about the same thing.

use chrono::{DateTime, Duration, Utc};

use crate::taxonomy::Kind;

/// How far back an earlier complaint makes a new one a repeat.
pub const REPEAT_WINDOW_DAYS: i64 = 30;

/// What of a ticket the repeat rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub kind: Kind,
    pub category: Option<String>,
    pub household_id: Option<String>,
    pub room_id: Option<String>,
    pub reported_at: DateTime<Utc>,
}

impl Report {
    fn same_place(&self, other: &Report) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        same(&self.household_id, &other.household_id) || same(&self.room_id, &other.room_id)
    }
}

/// The earlier complaints that `new` repeats, most recent first: complaints of the same category
/// from the same household or room, reported within the window before it.
pub fn repeats<'a>(new: &Report, earlier: &'a [Report]) -> Vec<&'a Report> {
    if new.kind != Kind::Complaint || new.category.is_none() {
        return Vec::new();
    }
    let window = Duration::days(REPEAT_WINDOW_DAYS);
    let mut found: Vec<&Report> = earlier
        .iter()
        .filter(|e| {
            e.id != new.id
                && e.kind == Kind::Complaint
                && e.category == new.category
                && new.same_place(e)
                && e.reported_at <= new.reported_at
                && new.reported_at - e.reported_at <= window
        })
        .collect();
    found.sort_by(|a, b| {
        b.reported_at
            .cmp(&a.reported_at)
            .then_with(|| b.id.cmp(&a.id))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(
        id: &str,
        kind: Kind,
        category: &str,
        household: Option<&str>,
        room: Option<&str>,
        days_ago: i64,
    ) -> Report {
        let now = DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z")
            .unwrap()
            .to_utc();
        Report {
            id: id.into(),
            kind,
            category: Some(category.into()),
            household_id: household.map(Into::into),
            room_id: room.map(Into::into),
            reported_at: now - Duration::days(days_ago),
        }
    }

    #[test]
    fn a_complaint_from_the_same_home_about_the_same_thing_within_30_days_repeats() {
        let new = report(
            "new",
            Kind::Complaint,
            "complaint.noise",
            Some("h1"),
            Some("r1"),
            0,
        );
        let earlier = vec![
            report("a", Kind::Complaint, "complaint.noise", Some("h1"), None, 3),
            report(
                "b",
                Kind::Complaint,
                "complaint.noise",
                None,
                Some("r1"),
                20,
            ),
            report(
                "too-old",
                Kind::Complaint,
                "complaint.noise",
                Some("h1"),
                Some("r1"),
                31,
            ),
            report(
                "other-topic",
                Kind::Complaint,
                "complaint.service",
                Some("h1"),
                Some("r1"),
                2,
            ),
            report(
                "neighbour",
                Kind::Complaint,
                "complaint.noise",
                Some("h2"),
                Some("r2"),
                2,
            ),
            report(
                "a-repair",
                Kind::Repair,
                "complaint.noise",
                Some("h1"),
                Some("r1"),
                2,
            ),
        ];
        let ids: Vec<&str> = repeats(&new, &earlier)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let repair = report(
            "new",
            Kind::Repair,
            "repair.water",
            Some("h1"),
            Some("r1"),
            0,
        );
        assert!(
            repeats(&repair, &earlier).is_empty(),
            "only complaints repeat"
        );
        let nowhere = report("new", Kind::Complaint, "complaint.noise", None, None, 0);
        assert!(
            repeats(&nowhere, &earlier).is_empty(),
            "an unknown place matches nothing"
        );
    }
}
