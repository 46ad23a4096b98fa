//! The ticket list component: one row per ticket with its SLA badge, as the workbench and the
//! supervisors' board show it.

use askama::Template;
use chrono::{DateTime, Utc};
use guanjia_domain::phone::mask_phone;
use guanjia_domain::sla::SlaState;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::Status;
use guanjia_storage::entity::ticket;
use guanjia_storage::{PageRequest, SlaContext, TicketFilter};
use serde::{Deserialize, Serialize};

use super::directory::Directory;
use super::error::UiError;
use super::session::Session;
use super::sla_badge::{self, Badge};
use super::text::{self, Labels};
use super::time;
use crate::i18n::Lang;
use crate::state::AppState;

/// The workbench's filters, as its form and links carry them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct QueueQuery {
    /// `open` (the default), `all`, or one status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_state: Option<String>,
    /// One channel: `hotline_12345` lists the 12345 orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `true`: 我的, only the tickets the staff member owns from first contact or is assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    // The tickets behind a figure of the dashboard (下钻): a period and one group, carried along
    // as the form's hidden fields. Written out, not a flattened struct: flattening would read
    // `page` as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact_owner_id: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_to: Option<String>,
}

pub const OPEN: &str = "open";
pub const ALL: &str = "all";
/// Every ticket the figures count: all but the cancelled ones.
pub const COUNTED: &str = "counted";

impl QueueQuery {
    /// The dashboard's drill-down fields set, as the form's hidden inputs carry them.
    pub fn drill(&self) -> Vec<(&'static str, String)> {
        [
            ("project_id", &self.project_id),
            ("category", &self.category),
            ("assignee_id", &self.assignee_id),
            ("team_id", &self.team_id),
            ("first_contact_owner_id", &self.first_contact_owner_id),
            ("reported_from", &self.reported_from),
            ("reported_to", &self.reported_to),
        ]
        .into_iter()
        .filter_map(|(name, value)| {
            value
                .as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| (name, v.clone()))
        })
        .collect()
    }

    pub fn mine(&self) -> bool {
        self.mine.as_deref() == Some("true")
    }

    /// The store's filter for staff member `me`; a value no select offers is ignored, like a
    /// filter not set.
    pub fn filter(&self, me: &str, now: DateTime<Utc>) -> TicketFilter {
        let statuses = match self
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(OPEN)
        {
            ALL => vec![],
            COUNTED => Status::ALL
                .iter()
                .filter(|s| **s != Status::Cancelled)
                .map(|s| s.as_str().to_owned())
                .collect(),
            OPEN => Status::open_codes()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            one => one
                .parse::<Status>()
                .map(|s| vec![s.as_str().to_owned()])
                .unwrap_or_default(),
        };
        let known = |value: &Option<String>, ok: fn(&str) -> bool| value.clone().filter(|v| ok(v));
        let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
        let moment = |value: &Option<String>| {
            value
                .as_deref()
                .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        TicketFilter {
            statuses,
            kind: known(&self.kind, |v| v.parse::<Kind>().is_ok()),
            urgency: known(&self.urgency, |v| v.parse::<Urgency>().is_ok()),
            channel: known(&self.channel, |v| v.parse::<Channel>().is_ok()),
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            sla_state: self
                .sla_state
                .as_deref()
                .and_then(|s| s.parse::<SlaState>().ok())
                .map(|s| (s, now)),
            mine_of: self.mine().then(|| me.to_owned()),
            project_id: given(&self.project_id),
            category: given(&self.category),
            assignee_id: given(&self.assignee_id),
            team_id: given(&self.team_id),
            first_contact_owner_id: given(&self.first_contact_owner_id),
            reported_from: moment(&self.reported_from),
            reported_to: moment(&self.reported_to),
            ..TicketFilter::default()
        }
    }

    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, 1_000_000)
    }

    /// The ticket list's spreadsheet (`format=xlsx`) under the filter this page applies, so the
    /// file holds exactly the tickets the pages list.
    pub fn export_url(&self, me: &str, now: DateTime<Utc>) -> String {
        let filter = self.filter(me, now);
        let statuses = filter.statuses.join(",");
        let (from, to) = (
            filter.reported_from.map(|t| t.to_rfc3339()),
            filter.reported_to.map(|t| t.to_rfc3339()),
        );
        let mut pairs: Vec<(&str, &str)> = vec![("format", "xlsx")];
        let given = [
            ("status", Some(statuses.as_str()).filter(|s| !s.is_empty())),
            ("kind", filter.kind.as_deref()),
            ("urgency", filter.urgency.as_deref()),
            ("channel", filter.channel.as_deref()),
            ("q", filter.q.as_deref()),
            ("sla_state", filter.sla_state.map(|(s, _)| s.as_str())),
            ("mine", filter.mine_of.is_some().then_some("true")),
            ("project_id", filter.project_id.as_deref()),
            ("category", filter.category.as_deref()),
            ("assignee_id", filter.assignee_id.as_deref()),
            ("team_id", filter.team_id.as_deref()),
            (
                "first_contact_owner_id",
                filter.first_contact_owner_id.as_deref(),
            ),
            ("reported_from", from.as_deref()),
            ("reported_to", to.as_deref()),
        ];
        pairs.extend(given.into_iter().filter_map(|(k, v)| Some((k, v?))));
        format!(
            "/api/v1/tickets?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The workbench URL of these filters at `page`, leaving out what is empty.
    pub fn url(&self, page: u64) -> String {
        let mut query = self.clone();
        for value in [
            &mut query.status,
            &mut query.kind,
            &mut query.urgency,
            &mut query.sla_state,
            &mut query.q,
            &mut query.mine,
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *value = None;
            }
        }
        query.page = (page > 1).then_some(page);
        let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
        if encoded.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{encoded}")
        }
    }
}

pub struct TicketRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status_code: String,
    pub status: &'static str,
    pub kind: &'static str,
    pub category: Option<String>,
    pub urgency_code: String,
    pub urgency: &'static str,
    pub project: String,
    pub room: Option<String>,
    pub contact: String,
    pub assignee: Option<String>,
    pub created: String,
    pub badge: Option<Badge>,
    pub risk: bool,
    pub duplicate: bool,
}

impl TicketRow {
    pub fn new(
        t: ticket::Model,
        sla: &SlaContext,
        dir: &Directory,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Self {
        let badge = sla_badge::most_pressing(&sla.clocks(&t, now), sla, lang);
        let contact = [
            t.contact_name.clone(),
            t.contact_phone.as_deref().map(mask_phone),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        TicketRow {
            status: text::status(lang, *t.status),
            kind: text::kind(lang, *t.kind),
            urgency: text::urgency(lang, *t.urgency),
            category: dir.category(t.category.as_deref()),
            project: dir.project_name(&t.project_id),
            room: dir.room(t.room_id.as_deref()),
            assignee: dir.staff_name(t.assignee_id.as_deref()),
            created: time::short(t.created_at, dir.zone(&t.project_id)),
            badge,
            contact,
            risk: t.escalation_risk,
            duplicate: t.duplicate_of.is_some(),
            id: t.id,
            number: t.number,
            title: t.title,
            status_code: t.status.to_string(),
            urgency_code: t.urgency.to_string(),
        }
    }
}

/// One list of tickets, with its paging links.
#[derive(Template)]
#[template(path = "queue.html")]
pub struct Queue {
    pub t: &'static Labels,
    /// The element id htmx swaps.
    pub id: &'static str,
    pub caption: String,
    pub rows: Vec<TicketRow>,
    pub total: String,
    pub pages: Option<Pages>,
    /// A link to the full list, for lists that show only their first page.
    pub more: Option<String>,
    /// The API's spreadsheet of every ticket under the same filters.
    pub export: String,
}

pub struct Pages {
    pub current: u64,
    pub last: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Queue {
    /// Loads a page of the tickets the staff member sees under `query`.
    pub async fn load(
        state: &AppState,
        session: &Session,
        dir: &Directory,
        query: &QueueQuery,
        per_page: u64,
    ) -> Result<Self, UiError> {
        let now = Utc::now();
        let request = PageRequest {
            page: query.page(),
            per_page,
        };
        let filter = query.filter(&session.who.id, now);
        let by_lateness = filter.sla_state.is_some();
        let (page, sla) = tokio::try_join!(
            state.store.tickets(&session.who, filter, request),
            state.store.sla_context(&session.who.company_id),
        )
        .map_err(|e| UiError::api(e, session.lang))?;
        let mut rows: Vec<TicketRow> = page
            .items
            .into_iter()
            .map(|t| TicketRow::new(t, &sla, dir, session.lang, now))
            .collect();
        if by_lateness {
            // The store orders by due time; the badges count business time, so the page orders
            // by the badge too, and the most overdue badge is never shown below a lesser one.
            rows.sort_by_cached_key(|row| {
                (row.badge.is_none(), row.badge.as_ref().map(Badge::pressure))
            });
        }
        let last = page.total.div_ceil(per_page).max(1);
        let current = request.page;
        let pages = Pages {
            current,
            last,
            previous: (current > 1).then(|| query.url(current - 1)),
            next: (current < last).then(|| query.url(current + 1)),
        };
        Ok(Queue {
            t: text::labels(session.lang),
            id: "queue",
            caption: String::new(),
            rows,
            total: text::total(session.lang, page.total),
            pages: Some(pages),
            more: None,
            export: query.export_url(&session.who.id, now),
        })
    }
}
