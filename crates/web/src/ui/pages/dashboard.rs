//! 服务看板: the managers' figures over a period, as charts (ECharts, drawn in the browser from a
//! JSON island on the page) and, for keyboards, screen readers and pages without scripts, as the
//! same numbers in tables.

use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use guanjia_domain::closed_loop::Figures;
use guanjia_storage::{Dashboard as Data, DashboardQuery, PageRequest, ProjectFigures};
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
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The periods offered, in days; the first is the default.
const PERIODS: [u32; 3] = [30, 7, 90];
const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    project_id: Option<String>,
    days: Option<u32>,
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
    tiles: Vec<Tile>,
    projects: Vec<Line>,
    open: Vec<Line>,
    sla: Vec<Line>,
    days: Vec<Line>,
    weeks: Vec<Line>,
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
    let first_day = now.with_timezone(&zone).date_naive() - Duration::days(i64::from(days) - 1);
    let from = zone
        .from_local_datetime(&first_day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or(now - Duration::days(i64::from(days)), |d| {
            d.with_timezone(&Utc)
        });
    let query = DashboardQuery {
        project_id: project.map(|p| p.id.clone()),
        from,
        to: now,
        zone,
    };
    let (data, figures) = tokio::try_join!(
        state.store.dashboard(&session.who, &query),
        state
            .store
            .service_figures(&session.who, query.project_id.as_deref(), from, now)
    )
    .map_err(fail)?;

    let name_of = |id: &str| {
        projects
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let project_lines: Vec<(String, &ProjectFigures)> = data
        .projects
        .iter()
        .map(|(id, f)| (name_of(id), f))
        .collect();
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
                    .map(|d| (d.to_string(), text::last_days(lang, *d)))
                    .collect();
                choices(
                    Some(&days.to_string()),
                    labels.iter().map(|(v, l)| (v.as_str(), l.as_str())),
                )
            },
        },
    ];
    let page = DashboardPage {
        chrome: Chrome::signed_in(
            &session,
            t.dashboard_title,
            Nav::Dashboard,
            uri.path_and_query().map_or("/dashboard", |p| p.as_str()),
        ),
        selects,
        period: text::last_days(lang, days),
        tiles: tiles(&data, &figures, lang),
        projects: project_lines
            .iter()
            .map(|(name, f)| Line {
                label: name.clone(),
                values: project_values(f, lang),
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
        data: json_island::encode(&chart_data(&data, &project_lines, t, lang)),
        echarts: assets::url("echarts.min.js"),
        script: assets::url("dashboard.js"),
        export: export_url(query.project_id.as_deref(), from, now),
    };
    Ok(Html(page.render()?).into_response())
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
            value: text::percent(lang, figures.one_time_resolution_rate),
        },
        Tile {
            label: t.fig_closed_loop,
            value: text::percent(lang, figures.closed_loop_rate),
        },
        Tile {
            label: t.fig_follow_up,
            value: text::percent(lang, figures.follow_up_coverage),
        },
        Tile {
            label: t.fig_reopen,
            value: text::percent(lang, figures.reopen_rate),
        },
        Tile {
            label: t.fig_repeat,
            value: text::percent(lang, figures.repeat_complaint_rate),
        },
        Tile {
            label: t.fig_adoption,
            value: text::percent(lang, figures.suggestion_adoption_rate),
        },
        Tile {
            label: t.fig_nps,
            value: nps,
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

/// `GET /api/v1/metrics/service` with `format=xlsx` over the page's projects and period.
fn export_url(project_id: Option<&str>, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let (from, to) = (from.to_rfc3339(), to.to_rfc3339());
    let mut pairs = vec![
        ("format", "xlsx"),
        ("from", from.as_str()),
        ("to", to.as_str()),
    ];
    pairs.extend(project_id.map(|id| ("project_id", id)));
    format!(
        "/api/v1/metrics/service?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}
