//! 考核: each role's scheme of weights and targets, a month's cards as a league table, one card,
//! and locking a month by hand (the scheduler locks last month by itself).

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guanjia_domain::scorecard::{Line, Measure, Month, Scheme, Subject, Term};
use guanjia_domain::validation::Problems;
use guanjia_storage::{Card, CardFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_scheme, set_scheme))
        .routes(routes!(list_cards))
        .routes(routes!(get_card))
        .routes(routes!(lock_month))
}

/// One measure of a scheme.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermView {
    /// volume, sla_met.first_response (one per SLA clock: arrival, resolution, follow_up,
    /// rectification, hotline_accept, hotline_finish), first_response, one_time_resolution,
    /// satisfaction, complaints, praise, quality.
    pub measure: String,
    /// Points it is worth, 0–100; a scheme's weights sum to 100.
    pub weight: u32,
    /// The value that earns every point: a count (0–100000), a percent (0–100), a mean rating
    /// (1–5) or a quality score (0–100). For complaints, at most this many earn every point.
    pub target: f64,
}

/// A role's weights and targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeView {
    /// agent, butler, technician or team.
    pub role: Subject,
    pub terms: Vec<TermView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeInput {
    /// Each measure at most once.
    pub terms: Vec<TermView>,
}

fn scheme_view(role: Subject, scheme: Scheme) -> SchemeView {
    SchemeView {
        role,
        terms: scheme
            .terms
            .into_iter()
            .map(|t| TermView {
                measure: t.measure.code(),
                weight: t.weight,
                target: t.target,
            })
            .collect(),
    }
}

fn role_of(text: &str) -> ApiResult<Subject> {
    let mut p = Problems::new();
    let role = p.one_of("role", text, Subject::ALL);
    Ok(p.into_result(role)?.unwrap_or(Subject::Agent))
}

/// A role's scheme: the one set, else the default (managers and admins).
#[utoipa::path(get, path = "/api/v1/scorecards/schemes/{role}", tag = "scorecard",
    params(("role" = String, Path, description = "agent, butler, technician or team")),
    responses((status = 200, body = SchemeView), (status = 403), (status = 422)))]
async fn get_scheme(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(role): Path<String>,
) -> ApiResult<axum::Json<SchemeView>> {
    let role = role_of(&role)?;
    let scheme = state.store.scorecard_scheme(&who, role).await?;
    Ok(axum::Json(scheme_view(role, scheme)))
}

/// Sets a role's scheme: weights 0–100 summing to 100, each target within its measure's range;
/// 422 names each field (`terms[1].target`) and changes nothing. Open months score on it at
/// once; locked months keep the scheme they were scored on (managers and admins; audited).
#[utoipa::path(put, path = "/api/v1/scorecards/schemes/{role}", tag = "scorecard",
    params(("role" = String, Path, description = "agent, butler, technician or team")),
    request_body = SchemeInput,
    responses((status = 200, body = SchemeView), (status = 403), (status = 422, description = "validation_failed")))]
async fn set_scheme(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(role): Path<String>,
    ApiJson(input): ApiJson<SchemeInput>,
) -> ApiResult<axum::Json<SchemeView>> {
    let role = role_of(&role)?;
    let mut p = Problems::new();
    let terms: Vec<Term> = input
        .terms
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let measure = p.code::<Measure>(&format!("terms[{i}].measure"), &t.measure)?;
            Some(Term {
                measure,
                weight: t.weight,
                target: t.target,
            })
        })
        .collect();
    let scheme = p.into_result(Scheme { terms })?;
    let saved = state
        .store
        .set_scorecard_scheme(&who, role, scheme, Utc::now())
        .await?;
    Ok(axum::Json(scheme_view(role, saved)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CardQuery {
    /// The month, `2026-11`.
    pub month: String,
    /// agent, butler, technician or team.
    pub role: String,
    /// Only the people (or teams) of this project.
    pub project_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// One measure of a card.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureView {
    pub measure: String,
    pub weight: u32,
    pub target: f64,
    /// The month's value (percent, count, mean rating or score); null when there was nothing
    /// to measure, and the measure then leaves the total's base.
    pub value: Option<f64>,
    /// How many things the value was measured over (tickets, clocks, ratings, inspections).
    pub basis: u64,
    /// Points earned, 0 to the weight.
    pub points: Option<f64>,
}

impl From<Line> for MeasureView {
    fn from(l: Line) -> Self {
        MeasureView {
            measure: l.measure.code(),
            weight: l.weight,
            target: l.target,
            value: l.value.map(|v| (v * 100.0).round() / 100.0),
            basis: l.basis,
            points: l.points,
        }
    }
}

/// A monthly scorecard (考核) of a person or team.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardView {
    /// `{month}.{role}.{subject_id}`: the same before and after the month is locked.
    pub id: String,
    pub month: String,
    pub role: Subject,
    /// The staff member's id, or the team's.
    pub subject_id: String,
    pub name: String,
    /// Among the role's cards of the month in the company; equal totals share a rank.
    pub rank: u32,
    /// 0–100: the points earned over the weights of the measures that had something to measure.
    pub total_score: f64,
    pub locked: bool,
    /// When the month was locked; later changes do not move a locked card.
    pub locked_at: Option<DateTime<Utc>>,
    pub measures: Vec<MeasureView>,
}

impl From<Card> for CardView {
    fn from(c: Card) -> Self {
        CardView {
            id: c.id,
            month: c.month.to_string(),
            role: c.role,
            subject_id: c.subject_id,
            name: c.name,
            rank: c.rank,
            total_score: c.scored.total,
            locked: c.locked_at.is_some(),
            locked_at: c.locked_at,
            measures: c.scored.lines.into_iter().map(MeasureView::from).collect(),
        }
    }
}

/// A month's cards of a role, best first: a locked month's as stored, an open month's computed
/// now. Managers and admins see their projects' people, a supervisor their teams' and their
/// members', an agent, butler or technician only their own card.
#[utoipa::path(get, path = "/api/v1/scorecards", tag = "scorecard", params(CardQuery),
    responses((status = 200, body = PageOf<CardView>), (status = 403), (status = 422)))]
async fn list_cards(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<CardQuery>,
) -> ApiResult<axum::Json<PageOf<CardView>>> {
    let month: Month = query.month.parse()?;
    let role = role_of(&query.role)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = CardFilter {
        month,
        role,
        project_id: query.project_id,
    };
    let found = state.store.scorecards(&who, &filter, page).await?;
    Ok(axum::Json(PageOf::from_page(found, CardView::from)))
}

/// One card (404 outside one's reach).
#[utoipa::path(get, path = "/api/v1/scorecards/{id}", tag = "scorecard",
    responses((status = 200, body = CardView), (status = 404)))]
async fn get_card(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CardView>> {
    Ok(axum::Json(state.store.scorecard(&who, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockInput {
    /// A month that has ended, `2026-11`.
    pub month: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LockView {
    pub month: String,
    /// Whether this call locked it (false: it was locked already).
    pub locked_now: bool,
    pub locked_at: Option<DateTime<Utc>>,
}

/// Locks a month that has ended: its cards are stored as they stand and later changes (a late
/// rating, a re-scored inspection, a changed scheme) do not move them. Idempotent (managers and
/// admins; audited).
#[utoipa::path(post, path = "/api/v1/scorecards/lock", tag = "scorecard", request_body = LockInput,
    responses((status = 200, body = LockView), (status = 403), (status = 422, description = "validation_failed")))]
async fn lock_month(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<LockInput>,
) -> ApiResult<axum::Json<LockView>> {
    let month: Month = input.month.parse()?;
    let locked_now = state.store.lock_scorecards(&who, month, Utc::now()).await?;
    let locked_at = state.store.scorecard_month_locked(&who, month).await?;
    Ok(axum::Json(LockView {
        month: month.to_string(),
        locked_now,
        locked_at,
    }))
}
