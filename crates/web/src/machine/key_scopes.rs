//! The scope each endpoint needs when the caller is an API key. An endpoint not listed is closed
//! to keys (setting up the company, staff, keys and webhooks is for people), so a new endpoint
//! stays closed until someone decides which scope opens it.

use axum::http::Method;
use guanjia_domain::machine::api_key::ApiScope;

/// The scope that opens `path` (the route's template, e.g. `/api/v1/tickets/{id}`) for
/// `method`, or None when keys may not call it.
pub fn required(method: &Method, path: &str) -> Option<ApiScope> {
    use ApiScope::*;
    let read = *method == Method::GET;
    let write = *method == Method::POST || *method == Method::PUT;
    let scope = match path {
        "/api/v1/tickets"
        | "/api/v1/tickets/{id}"
        | "/api/v1/tickets/{id}/events"
        | "/api/v1/tickets/{id}/photos"
        | "/api/v1/tickets/{id}/subtasks"
        | "/api/v1/tickets/{id}/praise"
        | "/api/v1/incidents"
        | "/api/v1/incidents/{id}"
        | "/api/v1/hotline/orders"
        | "/api/v1/categories"
            if read =>
        {
            TicketsRead
        }
        "/api/v1/tickets"
        | "/api/v1/tickets/{id}/actions"
        | "/api/v1/tickets/{id}/photos"
        | "/api/v1/tickets/{id}/subtasks"
        | "/api/v1/subtasks/{id}/complete"
        | "/api/v1/intake/analyze"
            if write =>
        {
            TicketsWrite
        }
        "/api/v1/hotline/orders" | "/api/v1/tickets/{id}/hotline-reply" if write => HotlineWrite,
        "/api/v1/iot/alarms" if write => IotWrite,
        "/api/v1/calls/events" if write => CallsWrite,
        "/api/v1/residents" | "/api/v1/residents/{id}" if read => ResidentsRead,
        "/api/v1/projects"
        | "/api/v1/projects/{id}"
        | "/api/v1/projects/{id}/buildings"
        | "/api/v1/buildings/{id}/rooms"
            if read =>
        {
            PlacesRead
        }
        "/api/v1/metrics/service"
        | "/api/v1/metrics/hotline"
        | "/api/v1/metrics/intake"
        | "/api/v1/metrics/praise"
            if read =>
        {
            FiguresRead
        }
        _ => return None,
    };
    Some(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_and_writing_tickets_are_two_scopes() {
        assert_eq!(
            required(&Method::GET, "/api/v1/tickets"),
            Some(ApiScope::TicketsRead)
        );
        assert_eq!(
            required(&Method::POST, "/api/v1/tickets"),
            Some(ApiScope::TicketsWrite)
        );
        assert_eq!(
            required(&Method::POST, "/api/v1/tickets/{id}/actions"),
            Some(ApiScope::TicketsWrite)
        );
    }

    #[test]
    fn machine_channels_have_their_own_scopes() {
        assert_eq!(
            required(&Method::POST, "/api/v1/hotline/orders"),
            Some(ApiScope::HotlineWrite)
        );
        assert_eq!(
            required(&Method::POST, "/api/v1/iot/alarms"),
            Some(ApiScope::IotWrite)
        );
        assert_eq!(
            required(&Method::POST, "/api/v1/calls/events"),
            Some(ApiScope::CallsWrite)
        );
    }

    #[test]
    fn set_up_and_unknown_endpoints_are_closed_to_keys() {
        for (method, path) in [
            (Method::POST, "/api/v1/staff"),
            (Method::POST, "/api/v1/api-keys"),
            (Method::POST, "/api/v1/webhooks"),
            (Method::DELETE, "/api/v1/tickets/{id}"),
            (Method::GET, "/api/v1/me"),
            (Method::GET, "/api/v1/something-new"),
        ] {
            assert_eq!(required(&method, path), None, "{method} {path}");
        }
    }
}
