//! Webhooks (事件推送): an admin subscribes a URL to events; each event is posted to it, signed,
//! retried with a growing wait, in order per ticket. The rules here need no I/O.

use std::net::IpAddr;

use chrono::Duration;
use serde::Deserialize;

use crate::code::code_enum;
use crate::delivery::Backoff;
use crate::ticket::{ActionName, Status};
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError, is_http_url};

code_enum! {
    /// What a subscription can hear of.
    pub enum WebhookEvent ("webhook event") {
        TicketCreated = "ticket.created",
        TicketStatusChanged = "ticket.status_changed",
        TicketAssigned = "ticket.assigned",
        /// Resident-visible comments, and internal ones for a subscription that asks for them.
        TicketCommented = "ticket.commented",
        TicketRated = "ticket.rated",
        SlaWarning = "sla.warning",
        SlaBreached = "sla.breached",
    }
}

pub const MAX_URL: usize = 500;
pub const MAX_PROJECTS: usize = 200;

/// Retries of one delivery: 10 s, 20 s, 40 s … up to an hour, twelve attempts (about six hours).
pub const BACKOFF: Backoff = Backoff {
    first: Duration::seconds(10),
    longest: Duration::hours(1),
    attempts: 12,
};

/// Failed attempts in a row after which a subscription is paused (and its admins told), so a
/// receiver that is gone does not keep a queue growing.
pub const PAUSE_AFTER_FAILURES: i32 = 50;

/// How far a receiver should accept the timestamp of a delivery (against replays).
pub const TIMESTAMP_TOLERANCE: Duration = Duration::minutes(5);

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// http(s) address that receives the POSTs.
    pub url: String,
    /// At least one event code.
    pub events: Vec<String>,
    /// Left out or empty: every project of the company.
    pub project_ids: Option<Vec<String>>,
    /// Also internal comments (`ticket.commented`); default only those the resident sees.
    pub include_internal: Option<bool>,
}

/// A subscription input that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    /// Sorted, without repeats.
    pub events: Vec<WebhookEvent>,
    /// Empty: every project.
    pub project_ids: Vec<String>,
    pub include_internal: bool,
}

impl WebhookInput {
    pub fn validate(self) -> Result<NewWebhook, ValidationError> {
        let mut p = Problems::new();
        let url = self.url.trim().to_owned();
        let rule = Allowed::HttpUrl { max: MAX_URL };
        if url.is_empty() {
            p.refuse("url", FieldErrorCode::Required, rule);
        } else if url.chars().count() > MAX_URL {
            p.refuse("url", FieldErrorCode::TooLong, rule);
        } else if !is_http_url(&url) {
            p.refuse("url", FieldErrorCode::Invalid, rule);
        }
        let events = p.codes("events", &self.events, WebhookEvent::ALL);
        let project_ids = p.project_ids("project_ids", self.project_ids, MAX_PROJECTS);
        p.into_result(NewWebhook {
            url,
            events,
            project_ids,
            include_internal: self.include_internal.unwrap_or(false),
        })
    }
}

/// The events a ticket action yields: a status change, a new assignee, a comment, a rating.
pub fn events_of_action(action: ActionName, from: Status, to: Status) -> Vec<WebhookEvent> {
    let mut events = vec![];
    if from != to {
        events.push(WebhookEvent::TicketStatusChanged);
    }
    if matches!(
        action,
        ActionName::Dispatch | ActionName::Transfer | ActionName::Grab
    ) {
        events.push(WebhookEvent::TicketAssigned);
    }
    if action == ActionName::Comment {
        events.push(WebhookEvent::TicketCommented);
    }
    if action == ActionName::FollowUp {
        events.push(WebhookEvent::TicketRated);
    }
    events
}

/// Whether an address is on the public internet. Loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast and documentation ranges are not: a webhook there could reach the
/// server's own network, so it is refused unless the installation allows it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &[&str]) -> WebhookInput {
        WebhookInput {
            url: url.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            project_ids: None,
            include_internal: None,
        }
    }

    #[test]
    fn a_subscription_needs_an_http_url_and_known_events() {
        let ok = input(
            "https://erp.example.com/hooks",
            &["ticket.created", "ticket.created"],
        )
        .validate()
        .unwrap();
        assert_eq!(ok.events, [WebhookEvent::TicketCreated]);
        let err = input("ftp://x", &["ticket.deleted"])
            .validate()
            .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["url", "events[0]"]);
        let err = input("https://x", &[]).validate().unwrap_err();
        assert_eq!(err.0[0].field, "events");
    }

    #[test]
    fn actions_yield_their_events() {
        use ActionName as A;
        use WebhookEvent as E;
        assert_eq!(
            events_of_action(A::Dispatch, Status::Accepted, Status::Dispatched),
            [E::TicketStatusChanged, E::TicketAssigned]
        );
        assert_eq!(
            events_of_action(A::Comment, Status::New, Status::New),
            [E::TicketCommented]
        );
        assert_eq!(
            events_of_action(A::FollowUp, Status::Resolved, Status::Closed),
            [E::TicketStatusChanged, E::TicketRated]
        );
        assert!(events_of_action(A::Chase, Status::New, Status::New).is_empty());
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "114.114.114.114", "2400:3200::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_grow_and_end() {
        assert_eq!(BACKOFF.wait(1), Duration::seconds(10));
        assert_eq!(BACKOFF.wait(2), Duration::seconds(20));
        assert_eq!(BACKOFF.wait(12), Duration::hours(1));
    }
}
