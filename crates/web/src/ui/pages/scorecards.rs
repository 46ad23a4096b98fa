//! 考核: a month's league table of one role (rank, name, total, each measure against its target),
//! a card's points measure by measure, whether the month is locked, the Excel export, and for
//! managers and admins the role's scheme editor. Agents, butlers and technicians see their own
//! card only (the store decides who sees what).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::place::{DEFAULT_TIME_ZONE, local_date};
use guanjia_domain::role::Role;
use guanjia_domain::scorecard::{Line, Measure, Month, Scale, Scheme, Subject, Term};
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_storage::{CardFilter, PageRequest};
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::paging::MAX_PER_PAGE;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::inspection::Tab;
use crate::ui::redirect::see_other;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

pub struct Cell {
    pub value: String,
    pub target: String,
}

pub struct Row {
    pub id: String,
    pub rank: u32,
    pub name: String,
    pub total: String,
    pub cells: Vec<Cell>,
    pub current: bool,
}

pub struct CardLine {
    pub measure: String,
    pub value: String,
    pub target: String,
    pub weight: u32,
    pub points: String,
}

pub struct SchemeLine {
    pub code: String,
    pub measure: String,
    /// As stored, or as typed into a refused form.
    pub weight: String,
    pub target: String,
}

#[derive(Template)]
#[template(path = "scorecards.html")]
struct ScorecardsPage {
    chrome: Chrome,
    t: &'static Labels,
    title: &'static str,
    month: String,
    role: &'static str,
    tabs: Vec<Tab>,
    locked: bool,
    export: String,
    measures: Vec<String>,
    rows: Vec<Row>,
    card: Option<(String, String, Vec<CardLine>)>,
    scheme: Vec<SchemeLine>,
    saved: bool,
    notice: Option<Notice>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScorecardsQuery {
    month: Option<String>,
    role: Option<String>,
    card: Option<String>,
    saved: Option<String>,
}

/// The role a staff member's own card is of.
fn own_role(role: Role) -> Option<Subject> {
    match role {
        Role::Agent => Some(Subject::Agent),
        Role::Butler => Some(Subject::Butler),
        Role::Technician => Some(Subject::Technician),
        _ => None,
    }
}

/// `GET /scorecards`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ScorecardsQuery>,
) -> Result<Response, UiError> {
    let html = render(&state, &session, &query, None).await?;
    Ok(Html(html).into_response())
}

/// A value as the page shows it, by its measure's scale.
fn shown(measure: Measure, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "—".to_owned();
    };
    match measure.scale() {
        Scale::Count => format!("{v:.0}"),
        Scale::Percent => format!("{v:.1}%"),
        Scale::Rating => format!("{v:.2}"),
        Scale::Score => format!("{v:.1}"),
    }
}

/// The page; `posted` is a refused scheme form, shown again as it was typed.
async fn render(
    state: &AppState,
    session: &Session,
    query: &ScorecardsQuery,
    notice: Option<(Notice, &[(String, String)])>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let t = text::labels(lang);
    let this_month = Month::of(local_date(DEFAULT_TIME_ZONE, Utc::now()));
    let month = query
        .month
        .as_deref()
        .and_then(|m| m.parse().ok())
        .unwrap_or(this_month);
    let role = query
        .role
        .as_deref()
        .and_then(|r| r.parse().ok())
        .or_else(|| own_role(who.role))
        .unwrap_or(Subject::Agent);
    // Those who see only their own card see only their own role.
    let roles: Vec<Subject> = match own_role(who.role) {
        Some(own) => vec![own],
        None => Subject::ALL.to_vec(),
    };
    let tabs = roles
        .into_iter()
        .map(|r| Tab {
            href: format!("/scorecards?month={month}&role={r}"),
            label: text::scorecard_role(lang, r),
            current: r == role,
        })
        .collect();
    let filter = CardFilter {
        month,
        role,
        project_id: None,
    };
    let page = PageRequest {
        page: 1,
        per_page: MAX_PER_PAGE,
    };
    let found = state
        .store
        .scorecards(who, &filter, page)
        .await
        .map_err(fail)?;
    let locked = state
        .store
        .scorecard_month_locked(who, month)
        .await
        .map_err(fail)?
        .is_some();
    let chosen = query
        .card
        .clone()
        .or_else(|| found.items.first().map(|c| c.id.clone()));
    let columns: Vec<Measure> = found
        .items
        .first()
        .map(|c| c.scored.lines.iter().map(|l| l.measure).collect())
        .unwrap_or_default();
    let rows = found
        .items
        .iter()
        .map(|c| Row {
            id: c.id.clone(),
            rank: c.rank,
            name: c.name.clone(),
            total: format!("{:.1}", c.scored.total),
            cells: c
                .scored
                .lines
                .iter()
                .map(|l| Cell {
                    value: shown(l.measure, l.value),
                    target: shown(l.measure, Some(l.target)),
                })
                .collect(),
            current: chosen.as_deref() == Some(c.id.as_str()),
        })
        .collect();
    let card = found
        .items
        .iter()
        .find(|c| chosen.as_deref() == Some(c.id.as_str()))
        .map(|c| {
            let lines = c
                .scored
                .lines
                .iter()
                .map(|l| card_line(lang, t, l))
                .collect();
            (c.name.clone(), format!("{:.1}", c.scored.total), lines)
        });
    let scheme = if who.role.manages() {
        let current = state
            .store
            .scorecard_scheme(who, role)
            .await
            .map_err(fail)?;
        let mut lines = scheme_lines(lang, role, &current);
        if let Some((_, posted)) = &notice {
            let typed = |name: String| posted.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
            for line in &mut lines {
                if let Some(w) = typed(format!("weight.{}", line.code)) {
                    line.weight = w.clone();
                }
                if let Some(t) = typed(format!("target.{}", line.code)) {
                    line.target = t.clone();
                }
            }
        }
        lines
    } else {
        vec![]
    };
    let title = if who.role.oversees() {
        t.scorecard_title
    } else {
        t.scorecard_mine
    };
    let path = format!("/scorecards?month={month}&role={role}");
    let page = ScorecardsPage {
        chrome: Chrome::signed_in(session, title, Nav::Scorecards, &path),
        t,
        title,
        month: month.to_string(),
        role: role.as_str(),
        tabs,
        locked,
        export: format!("/api/v1/scorecards?month={month}&role={role}&format=xlsx"),
        measures: columns
            .into_iter()
            .map(|m| text::measure(lang, m))
            .collect(),
        rows,
        card,
        scheme,
        saved: query.saved.is_some(),
        notice: notice.map(|(n, _)| n),
    };
    Ok(page.render()?)
}

fn card_line(lang: Lang, t: &Labels, l: &Line) -> CardLine {
    CardLine {
        measure: text::measure(lang, l.measure),
        value: shown(l.measure, l.value),
        target: shown(l.measure, Some(l.target)),
        weight: l.weight,
        points: l
            .points
            .map_or_else(|| t.scorecard_unmeasured.to_owned(), |p| format!("{p:.2}")),
    }
}

/// Every measure with its weight and target in `scheme` (weight 0 and the role's default
/// target, or the scale's least, when the scheme leaves it out).
fn scheme_lines(lang: Lang, role: Subject, scheme: &Scheme) -> Vec<SchemeLine> {
    let defaults = Scheme::default_for(role);
    let find = |s: &Scheme, m: Measure| s.terms.iter().find(|t| t.measure == m).copied();
    Measure::all()
        .into_iter()
        .map(|m| {
            let term = find(scheme, m);
            let target = term
                .or_else(|| find(&defaults, m))
                .map_or(m.scale().bounds().0 as f64, |t| t.target);
            SchemeLine {
                code: m.code(),
                measure: text::measure(lang, m),
                weight: term.map_or(0, |t| t.weight).to_string(),
                target: format!("{target}"),
            }
        })
        .collect()
}

/// `POST /scorecards/scheme`: `role`, `month`, and per measure `weight.CODE` and `target.CODE`;
/// a measure weighted 0 is left out.
pub async fn save_scheme(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let query = ScorecardsQuery {
        month: get("month"),
        role: get("role"),
        card: None,
        saved: None,
    };
    let outcome: Result<(), ApiError> = async {
        let mut p = Problems::new();
        let role = p
            .one_of(
                "role",
                &query.role.clone().unwrap_or_default(),
                Subject::ALL,
            )
            .unwrap_or(Subject::Agent);
        let mut terms = vec![];
        for (i, measure) in Measure::all().into_iter().enumerate() {
            let code = measure.code();
            let weight = get(&format!("weight.{code}")).unwrap_or_default();
            let weight: u32 = match weight.as_str() {
                "" => 0,
                w => w.parse().unwrap_or_else(|_| {
                    p.add(format!("terms[{i}].weight"), FieldErrorCode::Invalid);
                    0
                }),
            };
            if weight == 0 {
                continue;
            }
            let target = get(&format!("target.{code}")).unwrap_or_default();
            let target: f64 = target.parse().unwrap_or_else(|_| {
                p.add(format!("terms[{i}].target"), FieldErrorCode::Invalid);
                0.0
            });
            terms.push(Term {
                measure,
                weight,
                target,
            });
        }
        let scheme = p.into_result(Scheme { terms })?;
        state
            .store
            .set_scorecard_scheme(&session.who, role, scheme, Utc::now())
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            let month = query.month.unwrap_or_default();
            let role = query.role.unwrap_or_default();
            let back: String = serde_urlencoded::to_string([
                ("month", month.as_str()),
                ("role", role.as_str()),
                ("saved", "1"),
            ])
            .unwrap_or_default();
            Ok(see_other(false, &format!("/scorecards?{back}")))
        }
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            let notice = Notice::of(&error, session.lang);
            let html = render(&state, &session, &query, Some((notice, &pairs))).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
        Err(error) => Err(UiError::api(error, session.lang)),
    }
}
