//! 服务看板: the managers' figures over a period, as charts (ECharts, drawn in the browser from a
//! JSON island on the page) and, for keyboards, screen readers and pages without scripts, as the
//! same numbers in tables.

use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use guanjia_domain::closed_loop::{Breakdown, Figures};
use guanjia_storage::{
    Dashboard as Data, DashboardQuery, FiguresQuery, MonthFigures, PageRequest, ProjectFigures,
    ServiceFigures,
};
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::assets;
use crate::ui::choice::{Select, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::json_island;
use crate::ui::queue::COUNTED;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The periods offered, in days (1: today); the first is the default.
const PERIODS: [u32; 5] = [30, 1, 7, 90, 365];
const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    project_id: Option<String>,
    days: Option<u32>,
    /// The breakdown of the group table; by project when left out or unknown.
    by: Option<String>,
    /// Custom dates (YYYY-MM-DD, both included), instead of `days` when both read.
    from: Option<String>,
    to: Option<String>,
}

/// What the dashboard covers: the last `days` days, today included, or the custom dates
/// `first`–`last` (both included) — days in `zone`, never past `now`.
fn period(
    zone: Tz,
    now: DateTime<Utc>,
    days: u32,
    custom: Option<(NaiveDate, NaiveDate)>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |day: NaiveDate| {
        zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
    };
    let today = now.with_timezone(&zone).date_naive();
    let (first, end) = match custom {
        Some((first, last)) => (first, last.succ_opt().and_then(midnight)),
        None => (today - Duration::days(i64::from(days) - 1), None),
    };
    let from = midnight(first).unwrap_or(now - Duration::days(i64::from(days)));
    (from, end.map_or(now, |end| end.min(now)))
}

/// Custom dates that read, the first not after the last.
fn custom_dates(params: &Params) -> Option<(NaiveDate, NaiveDate)> {
    let date = |v: &Option<String>| {
        v.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let (first, last) = (date(&params.from)?, date(&params.to)?);
    (first <= last).then_some((first, last))
}

/// One group of the breakdown table, with the link to the tickets behind its count.
pub struct GroupLine {
    pub name: String,
    pub tickets: String,
    /// The workbench listing the group's tickets of the period; none where it cannot filter.
    pub drill: Option<String>,
    pub values: Vec<String>,
}

/// A headline figure.
pub struct Tile {
    pub label: &'static str,
    pub value: String,
}

/// A row of a plain table: a label and its values, already formatted.
pub struct Line {
    pub label: String,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    selects: Vec<Select>,
    period: String,
    /// The custom dates asked for, or empty.
    custom_from: String,
    custom_to: String,
    tiles: Vec<Tile>,
    projects: Vec<Line>,
    open: Vec<Line>,
    sla: Vec<Line>,
    days: Vec<Line>,
    weeks: Vec<Line>,
    groups: Vec<GroupLine>,
    /// The last twelve months, oldest first.
    months: Vec<Line>,
    data: String,
    echarts: String,
    script: String,
    /// The service figures of the same projects and period as a spreadsheet.
    export: String,
}

/// `GET /dashboard`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    OriginalUri(uri): OriginalUri,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let t = text::labels(lang);
    if !session.who.role.oversees() {
        return Err(UiError::api(ApiError::new(ErrorCode::Forbidden), lang));
    }
    let fail = |e| UiError::api(e, lang);
    let projects = state
        .store
        .projects(&session.who, PROJECTS)
        .await
        .map_err(fail)?
        .items;
    let project = params
        .project_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .and_then(|id| projects.iter().find(|p| p.id == id));
    let zone: Tz = project
        .or(projects.first())
        .and_then(|p| p.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let days = params
        .days
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(PERIODS[0]);
    let now = Utc::now();
    let custom = custom_dates(&params);
    let (from, to) = period(zone, now, days, custom);
    let query = DashboardQuery {
        project_id: project.map(|p| p.id.clone()),
        from,
        to,
        zone,
    };
    let by = params
        .by
        .as_deref()
        .and_then(|b| b.parse().ok())
        .unwrap_or(Breakdown::Project);
    // The period before, for the repeat complaints' change and each group's count then.
    let asked = FiguresQuery {
        project_id: query.project_id.clone(),
        from,
        to,
        by: Some(by),
        compare_previous: true,
    };
    let (data, figures, months) = tokio::try_join!(
        state.store.dashboard(&session.who, &query),
        state.store.service_figures(&session.who, &asked),
        state.store.monthly_figures(
            &session.who,
            query.project_id.as_deref(),
            TREND_MONTHS,
            zone,
            now
        )
    )
    .map_err(fail)?;

    let name_of = |id: &str| {
        projects
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let mut project_lines: Vec<(String, &ProjectFigures)> = data
        .projects
        .iter()
        .map(|(id, f)| (name_of(id), f))
        .collect();
    league(&mut project_lines);
    let selects = vec![
        Select {
            name: "project_id",
            label: t.project,
            options: choices(
                Some(query.project_id.as_deref().unwrap_or_default()),
                [("", t.all_projects)]
                    .into_iter()
                    .chain(projects.iter().map(|p| (p.id.as_str(), p.name.as_str()))),
            ),
        },
        Select {
            name: "days",
            label: t.period,
            options: {
                let labels: Vec<(String, String)> = PERIODS
                    .iter()
                    .map(|d| (d.to_string(), period_name(lang, *d)))
                    .collect();
                choices(
                    Some(&days.to_string()),
                    labels.iter().map(|(v, l)| (v.as_str(), l.as_str())),
                )
            },
        },
        Select {
            name: "by",
            label: t.breakdown,
            options: choices(
                Some(by.as_str()),
                Breakdown::ALL
                    .iter()
                    .map(|b| (b.as_str(), text::breakdown(lang, *b))),
            ),
        },
    ];
    let groups = group_lines(&figures, by, &query, lang);
    let page = DashboardPage {
        chrome: Chrome::signed_in(
            &session,
            t.dashboard_title,
            Nav::Dashboard,
            uri.path_and_query().map_or("/dashboard", |p| p.as_str()),
        ),
        selects,
        period: match custom {
            Some((first, last)) => format!("{first} — {last}"),
            None => period_name(lang, days),
        },
        custom_from: custom.map(|(d, _)| d.to_string()).unwrap_or_default(),
        custom_to: custom.map(|(_, d)| d.to_string()).unwrap_or_default(),
        tiles: tiles(&data, &figures.current.figures, lang),
        projects: project_lines
            .iter()
            .enumerate()
            .map(|(rank, (name, f))| Line {
                label: format!("{}. {name}", rank + 1),
                values: project_values(f, lang),
            })
            .collect(),
        months: months
            .iter()
            .map(|m| {
                let f = &m.figures;
                Line {
                    label: m.month.format("%Y-%m").to_string(),
                    values: vec![
                        f.tickets.to_string(),
                        f.complaints.to_string(),
                        text::percent(lang, f.closed_loop_rate),
                        text::percent(lang, f.one_time_resolution_rate),
                        rating(lang, f.csat_average),
                    ],
                }
            })
            .collect(),
        open: data
            .open_by_status
            .iter()
            .map(|(s, n)| Line {
                label: text::status(lang, *s).to_owned(),
                values: vec![n.to_string()],
            })
            .collect(),
        sla: data
            .sla_by_clock
            .iter()
            .map(|(name, c)| Line {
                label: clock_label(lang, name),
                values: vec![
                    text::percent(lang, c.share()),
                    format!("{} / {}", c.met, c.finished),
                    c.open_late.to_string(),
                ],
            })
            .collect(),
        days: data
            .reported_by_day
            .iter()
            .map(|(d, n)| Line {
                label: d.format("%m-%d").to_string(),
                values: vec![n.to_string()],
            })
            .collect(),
        weeks: data
            .csat_by_week
            .iter()
            .map(|(w, m)| Line {
                label: w.format("%m-%d").to_string(),
                values: vec![rating(lang, m.value()), m.count.to_string()],
            })
            .collect(),
        groups,
        data: json_island::encode(&chart_data(&data, &project_lines, &months, t, lang)),
        echarts: assets::url("echarts.min.js"),
        script: assets::url("dashboard.js"),
        export: export_url(query.project_id.as_deref(), from, to, by),
    };
    Ok(Html(page.render()?).into_response())
}

/// Months in the trend (近12个月).
const TREND_MONTHS: u32 = 12;

/// The projects as a league table (排行): SLA compliance first, satisfaction next, the busier
/// project first on a tie.
fn league(lines: &mut [(String, &ProjectFigures)]) {
    let key = |f: &ProjectFigures| {
        (
            f.sla.share().unwrap_or(-1.0),
            f.csat.value().unwrap_or(0.0),
            f.reported as f64,
        )
    };
    lines.sort_by(|(a_name, a), (b_name, b)| {
        let (a, b) = (key(a), key(b));
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then(a_name.cmp(b_name))
    });
}

/// The breakdown table: each group's count (linked to its tickets), the seeds' main rates, and
/// its count in the period before.
fn group_lines(
    figures: &ServiceFigures,
    by: Breakdown,
    query: &DashboardQuery,
    lang: Lang,
) -> Vec<GroupLine> {
    let Some(groups) = &figures.current.groups else {
        return Vec::new();
    };
    let before = figures.previous.as_ref().and_then(|p| p.groups.as_ref());
    groups
        .iter()
        .map(|g| {
            let f = &g.figures;
            let earlier = before
                .and_then(|b| b.iter().find(|e| e.key == g.key))
                .map_or(0, |e| e.figures.tickets);
            GroupLine {
                name: text::group_name(lang, &g.name),
                tickets: f.tickets.to_string(),
                drill: g.key.as_deref().and_then(|key| drill_link(by, key, query)),
                values: vec![
                    text::percent(lang, f.complaints_closed_in_24h_share),
                    text::percent(lang, f.first_response_in_15min_share),
                    text::percent(lang, f.one_time_resolution_rate),
                    rating(lang, f.csat_average),
                    text::percent(lang, f.escalation_rate),
                    text::percent(lang, f.duplicate_rate),
                    earlier.to_string(),
                ],
            }
        })
        .collect()
}

/// The workbench listing the tickets a group's count stands for: reported in the period, not
/// cancelled, of the group. None for grids, which the list does not filter by.
fn drill_link(by: Breakdown, key: &str, query: &DashboardQuery) -> Option<String> {
    let field = match by {
        Breakdown::Project => "project_id",
        Breakdown::Team => "team_id",
        Breakdown::Agent | Breakdown::Technician => "assignee_id",
        Breakdown::FirstContactOwner => "first_contact_owner_id",
        Breakdown::Category => "category",
        Breakdown::Channel => "channel",
        Breakdown::Grid => return None,
    };
    let mut pairs = vec![
        ("status", COUNTED.to_owned()),
        ("reported_from", query.from.to_rfc3339()),
        ("reported_to", query.to.to_rfc3339()),
        (field, key.to_owned()),
    ];
    if let Some(project) = query.project_id.as_ref().filter(|_| field != "project_id") {
        pairs.push(("project_id", project.clone()));
    }
    Some(format!(
        "/?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    ))
}

fn period_name(lang: Lang, days: u32) -> String {
    if days == 1 {
        text::labels(lang).today.to_owned()
    } else {
        text::last_days(lang, days)
    }
}

fn clock_label(lang: Lang, name: &str) -> String {
    name.parse()
        .map_or_else(|_| name.to_owned(), |c| text::clock(lang, c).to_owned())
}

fn rating(lang: Lang, average: Option<f64>) -> String {
    average.map_or_else(
        || text::labels(lang).unknown.to_owned(),
        |a| format!("{a:.2}"),
    )
}

fn first_response(lang: Lang, f: &ProjectFigures) -> String {
    f.first_response_seconds.value().map_or_else(
        || text::labels(lang).unknown.to_owned(),
        |s| text::span(lang, Duration::seconds(s as i64)),
    )
}

fn project_values(f: &ProjectFigures, lang: Lang) -> Vec<String> {
    vec![
        f.reported.to_string(),
        f.open.to_string(),
        text::percent(lang, f.sla.share()),
        first_response(lang, f),
        rating(lang, f.csat.value()),
    ]
}

fn tiles(data: &Data, figures: &Figures, lang: Lang) -> Vec<Tile> {
    let t = text::labels(lang);
    let total = &data.total;
    let tickets = &figures.of_tickets;
    let span = |seconds: Option<f64>| {
        seconds.map_or_else(
            || t.unknown.to_owned(),
            |s| text::span(lang, Duration::seconds(s as i64)),
        )
    };
    let change = tickets
        .repeat_complaint_change
        .map_or_else(|| t.unknown.to_owned(), |c| format!("{:+.1}%", c * 100.0));
    let nps = figures
        .nps
        .score
        .map_or_else(|| t.unknown.to_owned(), |s| format!("{s:.0}"));
    vec![
        Tile {
            label: t.fig_reported,
            value: total.reported.to_string(),
        },
        Tile {
            label: t.fig_open,
            value: total.open.to_string(),
        },
        Tile {
            label: t.fig_sla,
            value: text::percent(lang, total.sla.share()),
        },
        Tile {
            label: t.open_late,
            value: total.sla.open_late.to_string(),
        },
        Tile {
            label: t.fig_first_response,
            value: first_response(lang, total),
        },
        Tile {
            label: t.fig_csat,
            value: rating(lang, total.csat.value()),
        },
        Tile {
            label: t.fig_one_time,
            value: text::percent(lang, tickets.one_time_resolution_rate),
        },
        Tile {
            label: t.fig_closed_loop,
            value: text::percent(lang, tickets.closed_loop_rate),
        },
        Tile {
            label: t.fig_follow_up,
            value: text::percent(lang, tickets.follow_up_coverage),
        },
        Tile {
            label: t.fig_reopen,
            value: text::percent(lang, tickets.reopen_rate),
        },
        Tile {
            label: t.fig_repeat,
            value: text::percent(lang, tickets.repeat_complaint_rate),
        },
        Tile {
            label: t.fig_adoption,
            value: text::percent(lang, tickets.suggestion_adoption_rate),
        },
        Tile {
            label: t.fig_nps,
            value: nps,
        },
        Tile {
            label: t.fig_complaint_24h,
            value: text::percent(lang, tickets.complaints_closed_in_24h_share),
        },
        Tile {
            label: t.fig_complaint_median,
            value: span(tickets.complaint_close_median_hours.map(|h| h * 3600.0)),
        },
        Tile {
            label: t.fig_response_15,
            value: text::percent(lang, tickets.first_response_in_15min_share),
        },
        Tile {
            label: t.fig_first_update,
            value: span(tickets.first_update_median_minutes.map(|m| m * 60.0)),
        },
        Tile {
            label: t.fig_escalation,
            value: text::percent(lang, tickets.escalation_rate),
        },
        Tile {
            label: t.fig_duplicate,
            value: text::percent(lang, tickets.duplicate_rate),
        },
        Tile {
            label: t.fig_online,
            value: text::percent(lang, tickets.online_share),
        },
        Tile {
            label: t.fig_per_agent_day,
            value: tickets
                .handled_per_agent_day
                .map_or_else(|| t.unknown.to_owned(), |n| format!("{n:.1}")),
        },
        Tile {
            label: t.fig_repeat_change,
            value: change,
        },
        Tile {
            label: t.fig_bot_answer,
            value: text::percent(lang, figures.bot.answer_rate),
        },
        Tile {
            label: t.fig_bot_helpful,
            value: text::percent(lang, figures.bot.helpful_rate),
        },
        Tile {
            label: t.fig_bot_handoff,
            value: text::percent(lang, figures.bot.handoff_rate),
        },
        Tile {
            label: t.fig_bot_routine,
            value: text::percent(lang, figures.bot.routine_answered_rate),
        },
    ]
}

/// What the charts draw, with their captions in the page's language.
fn chart_data(
    data: &Data,
    projects: &[(String, &ProjectFigures)],
    months: &[MonthFigures],
    t: &Labels,
    lang: Lang,
) -> serde_json::Value {
    let share = |s: Option<f64>| s.map(|s| (s * 1000.0).round() / 10.0);
    let minutes = |f: &ProjectFigures| {
        f.first_response_seconds
            .value()
            .map(|s| (s / 6.0).round() / 10.0)
    };
    json!({
        "intake": {
            "title": t.chart_intake,
            "days": data.reported_by_day.iter().map(|(d, _)| d.format("%m-%d").to_string()).collect::<Vec<_>>(),
            "counts": data.reported_by_day.iter().map(|(_, n)| n).collect::<Vec<_>>(),
        },
        "open": {
            "title": t.chart_open,
            "items": data.open_by_status.iter().map(|(s, n)| json!({ "name": text::status(lang, *s), "value": n })).collect::<Vec<_>>(),
        },
        "sla": {
            "title": t.chart_sla,
            "clocks": data.sla_by_clock.iter().map(|(name, _)| clock_label(lang, name)).collect::<Vec<_>>(),
            "shares": data.sla_by_clock.iter().map(|(_, c)| share(c.share())).collect::<Vec<_>>(),
        },
        "csat": {
            "title": t.chart_csat,
            "weeks": data.csat_by_week.iter().map(|(w, _)| w.format("%m-%d").to_string()).collect::<Vec<_>>(),
            "averages": data.csat_by_week.iter().map(|(_, m)| m.value().map(|a| (a * 100.0).round() / 100.0)).collect::<Vec<_>>(),
            "label": t.fig_csat,
        },
        "trend": {
            "months": months.iter().map(|m| m.month.format("%Y-%m").to_string()).collect::<Vec<_>>(),
            "tickets": months.iter().map(|m| m.figures.tickets).collect::<Vec<_>>(),
            "complaints": months.iter().map(|m| m.figures.complaints).collect::<Vec<_>>(),
            "closed_loop": months.iter().map(|m| share(m.figures.closed_loop_rate)).collect::<Vec<_>>(),
            "labels": [t.fig_reported, t.fig_complaints, format!("{} (%)", t.fig_closed_loop)],
        },
        "projects": {
            "title": t.chart_projects,
            "names": projects.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            "series": [
                { "name": t.fig_reported, "kind": "count", "values": projects.iter().map(|(_, f)| f.reported).collect::<Vec<_>>() },
                { "name": t.fig_open, "kind": "count", "values": projects.iter().map(|(_, f)| f.open).collect::<Vec<_>>() },
                { "name": format!("{} (%)", t.fig_sla), "kind": "percent", "values": projects.iter().map(|(_, f)| share(f.sla.share())).collect::<Vec<_>>() },
                { "name": format!("{} ({})", t.fig_first_response, if lang == Lang::Zh { "分钟" } else { "min" }), "kind": "minutes", "values": projects.iter().map(|(_, f)| minutes(f)).collect::<Vec<_>>() },
            ],
        },
    })
}

/// `GET /api/v1/metrics/service` with `format=xlsx` over the page's projects, period and
/// breakdown, the period before beside.
fn export_url(
    project_id: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by: Breakdown,
) -> String {
    let (from, to) = (from.to_rfc3339(), to.to_rfc3339());
    let mut pairs = vec![
        ("format", "xlsx"),
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("by", by.as_str()),
        ("compare", "previous"),
    ];
    pairs.extend(project_id.map(|id| ("project_id", id)));
    format!(
        "/api/v1/metrics/service?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn periods_are_whole_days_in_the_zone_and_never_past_now() {
        let zone = chrono_tz::Asia::Shanghai;
        // 10:00 in Shanghai on 7 December.
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
        let (from, to) = period(zone, now, 1, None);
        assert_eq!(
            (from, to),
            (Utc.with_ymd_and_hms(2026, 12, 6, 16, 0, 0).unwrap(), now)
        );
        let (from, _) = period(zone, now, 7, None);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap());
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let (from, to) = period(zone, now, 30, Some((day(1), day(30))));
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).unwrap());
        assert_eq!(
            to,
            Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap(),
            "the last day whole"
        );
        let (_, to) = period(
            zone,
            now,
            30,
            Some((day(1), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())),
        );
        assert_eq!(to, now, "not past now");
    }

    #[test]
    fn custom_dates_read_only_in_order() {
        let params = |from: &str, to: &str| Params {
            from: Some(from.into()),
            to: Some(to.into()),
            ..Params::default()
        };
        assert!(custom_dates(&params("2026-11-01", "2026-11-30")).is_some());
        assert!(custom_dates(&params("2026-11-30", "2026-11-01")).is_none());
        assert!(custom_dates(&params("2026-11-01", "")).is_none());
        assert!(custom_dates(&params("11/01", "2026-11-30")).is_none());
    }
}
