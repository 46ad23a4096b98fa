//! 质检: score sheets, sampling rules and rounds, the inspection queue, scoring, the one appeal
//! of the person inspected and its decision, and scores per person or team over weeks.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::inspection::{
    InspectionState, ItemScoreInput, RedLine, SampleReason, SamplingRules, ScoreFacts, ScoreInput,
    ScoreSheet, SheetItem, check_appeal, check_decision, week_of,
};
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_storage::entity::inspection_sheet;
use guanjia_storage::{
    InspectionFilter, InspectionRow, RoundOutcome, ScoreRow, ScoresBy, inspection_facts,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sheets, create_sheet))
        .routes(routes!(get_sheet, update_sheet, delete_sheet))
        .routes(routes!(get_rules, set_rules))
        .routes(routes!(run_round))
        .routes(routes!(list_inspections))
        .routes(routes!(get_inspection))
        .routes(routes!(score))
        .routes(routes!(appeal))
        .routes(routes!(decide))
        .routes(routes!(scores))
}

/// A score sheet (质检评分表).
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetView {
    pub id: String,
    pub name: String,
    pub items: Vec<SheetItem>,
    pub red_lines: Vec<RedLine>,
    /// Only active sheets score new inspections.
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<inspection_sheet::Model> for SheetView {
    fn from(s: inspection_sheet::Model) -> Self {
        SheetView {
            items: serde_json::from_value(s.items).unwrap_or_default(),
            red_lines: serde_json::from_value(s.red_lines).unwrap_or_default(),
            id: s.id,
            name: s.name,
            active: s.active,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetInput {
    /// 1–50 characters.
    pub name: String,
    /// 1–20 items; a custom item has its own `name`, the others none.
    pub items: Vec<SheetItem>,
    /// Hit, the inspection scores 0.
    #[serde(default)]
    pub red_lines: Vec<RedLine>,
    /// Default true.
    pub active: Option<bool>,
}

impl SheetInput {
    fn validate(self) -> ApiResult<(ScoreSheet, bool)> {
        let sheet = ScoreSheet {
            name: self.name,
            items: self.items,
            red_lines: self.red_lines,
        }
        .validate()?;
        Ok((sheet, self.active.unwrap_or(true)))
    }
}

/// The company's score sheets, newest first (supervisors, managers, admins).
#[utoipa::path(get, path = "/api/v1/inspection/sheets", tag = "inspection", params(PageQuery),
    responses((status = 200, body = PageOf<SheetView>), (status = 403), (status = 422)))]
async fn list_sheets(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<SheetView>>> {
    let request = page.request()?;
    let all = state.store.inspection_sheets(&who).await?;
    Ok(axum::Json(PageOf::of_all(
        all.into_iter().map(SheetView::from).collect(),
        request,
    )))
}

/// Adds a score sheet (managers and admins; audited).
#[utoipa::path(post, path = "/api/v1/inspection/sheets", tag = "inspection", request_body = SheetInput,
    responses((status = 201, body = SheetView), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_sheet(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<SheetInput>,
) -> ApiResult<(StatusCode, axum::Json<SheetView>)> {
    let (sheet, active) = input.validate()?;
    let now = Utc::now();
    let mut saved = state
        .store
        .create_inspection_sheet(&who, sheet.clone(), now)
        .await?;
    if !active {
        saved = state
            .store
            .update_inspection_sheet(&who, &saved.id, sheet, false, now)
            .await?;
    }
    Ok((StatusCode::CREATED, axum::Json(saved.into())))
}

/// One score sheet (supervisors, managers, admins).
#[utoipa::path(get, path = "/api/v1/inspection/sheets/{id}", tag = "inspection",
    responses((status = 200, body = SheetView), (status = 403), (status = 404)))]
async fn get_sheet(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SheetView>> {
    Ok(axum::Json(
        state.store.inspection_sheet(&who, &id).await?.into(),
    ))
}

/// Replaces a score sheet (managers and admins; audited); inspections already scored keep the
/// terms they were scored on. `active: false` withdraws it from scoring.
#[utoipa::path(put, path = "/api/v1/inspection/sheets/{id}", tag = "inspection", request_body = SheetInput,
    responses((status = 200, body = SheetView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn update_sheet(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SheetInput>,
) -> ApiResult<axum::Json<SheetView>> {
    let (sheet, active) = input.validate()?;
    let saved = state
        .store
        .update_inspection_sheet(&who, &id, sheet, active, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}

/// Deletes a score sheet nothing was scored on (managers and admins; audited); one in use is
/// 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/inspection/sheets/{id}", tag = "inspection",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_sheet(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_inspection_sheet(&who, &id, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A project's sampling rules (抽检规则); the defaults (5%, complaints rated below 3, every
/// breached ticket) until set (supervisors, managers, admins of the project).
#[utoipa::path(get, path = "/api/v1/inspection/rules/{project_id}", tag = "inspection",
    responses((status = 200, body = SamplingRules), (status = 403), (status = 404)))]
async fn get_rules(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(project_id): Path<String>,
) -> ApiResult<axum::Json<SamplingRules>> {
    Ok(axum::Json(
        state.store.inspection_rules(&who, &project_id).await?,
    ))
}

/// Sets a project's sampling rules (managers and admins of the project; audited).
#[utoipa::path(put, path = "/api/v1/inspection/rules/{project_id}", tag = "inspection", request_body = SamplingRules,
    responses((status = 200, body = SamplingRules), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn set_rules(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(project_id): Path<String>,
    ApiJson(input): ApiJson<SamplingRules>,
) -> ApiResult<axum::Json<SamplingRules>> {
    let rules = input.validate()?;
    Ok(axum::Json(
        state
            .store
            .set_inspection_rules(&who, &project_id, rules, Utc::now())
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    pub project_id: String,
    /// The Monday the week starts on, not after today; left out: this week in the project's time
    /// zone.
    #[schema(value_type = Option<String>, format = Date)]
    pub week: Option<NaiveDate>,
}

/// What a round did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundView {
    pub project_id: String,
    #[schema(value_type = String, format = Date)]
    pub week: NaiveDate,
    /// Inspections this run created; 0 on a rerun.
    pub created: u32,
    /// Tickets the rules take from the week, created now or before.
    pub chosen: u32,
}

/// Runs a project's sampling round (抽检) for a week: of the tickets closed that week, each
/// person's share, every complaint rated below the threshold and every breached ticket get an
/// inspection; the choice is deterministic, so a rerun (or the scheduler's weekly run on any
/// node) creates nothing new and a ticket is never inspected twice (supervisors, managers,
/// admins of the project; audited).
#[utoipa::path(post, path = "/api/v1/inspection/rounds", tag = "inspection", request_body = RoundInput,
    responses((status = 200, body = RoundView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn run_round(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<RoundInput>,
) -> ApiResult<axum::Json<RoundView>> {
    let RoundOutcome {
        week,
        created,
        chosen,
    } = state
        .store
        .run_inspection_round(&who, &input.project_id, input.week, Utc::now())
        .await?;
    Ok(axum::Json(RoundView {
        project_id: input.project_id,
        week,
        created,
        chosen,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InspectionQuery {
    /// pending, scored, appealed, upheld, overturned
    pub state: Option<String>,
    pub project_id: Option<String>,
    /// The person inspected.
    pub staff_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl InspectionQuery {
    pub fn filter(&self) -> ApiResult<InspectionFilter> {
        let mut p = Problems::new();
        let state = self
            .state
            .as_deref()
            .and_then(|s| p.one_of("state", s, InspectionState::ALL));
        Ok(p.into_result(InspectionFilter {
            state,
            project_id: self.project_id.clone(),
            staff_id: self.staff_id.clone(),
        })?)
    }
}

/// One inspection.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionView {
    pub id: String,
    pub project_id: String,
    pub ticket_id: String,
    pub ticket_number: String,
    pub ticket_title: String,
    /// The person inspected.
    pub staff_id: String,
    pub staff_name: String,
    /// The Monday of the week whose round took it.
    #[schema(value_type = String, format = Date)]
    pub week: NaiveDate,
    pub reason: SampleReason,
    pub state: InspectionState,
    pub sheet_id: Option<String>,
    /// What the inspector found, item by item, once scored.
    pub facts: Option<ScoreFacts>,
    /// The score that counts, 0–100: the inspector's, or the one a granted appeal gave.
    pub score: Option<i32>,
    pub inspector_score: Option<i32>,
    pub inspector_id: Option<String>,
    pub scored_at: Option<DateTime<Utc>>,
    pub appeal_reason: Option<String>,
    pub appealed_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<InspectionRow> for InspectionView {
    fn from(r: InspectionRow) -> Self {
        let facts = inspection_facts(&r.inspection);
        let i = r.inspection;
        InspectionView {
            id: i.id,
            project_id: i.project_id,
            ticket_id: i.ticket_id,
            ticket_number: r.ticket_number,
            ticket_title: r.ticket_title,
            staff_id: i.staff_id,
            staff_name: r.staff_name,
            week: i.week,
            reason: i.reason.0,
            state: i.state.0,
            sheet_id: i.sheet_id,
            facts,
            score: i.score,
            inspector_score: i.inspector_score,
            inspector_id: i.inspector_id,
            scored_at: i.scored_at,
            appeal_reason: i.appeal_reason,
            appealed_at: i.appealed_at,
            decided_by: i.decided_by,
            decision_comment: i.decision_comment,
            decided_at: i.decided_at,
        }
    }
}

/// The inspection queue, newest week first: supervisors, managers and admins see their
/// projects'; everyone else only the inspections of themselves.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspection", params(InspectionQuery),
    responses((status = 200, body = PageOf<InspectionView>), (status = 422)))]
async fn list_inspections(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<InspectionQuery>,
) -> ApiResult<axum::Json<PageOf<InspectionView>>> {
    let filter = query.filter()?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let found = state.store.inspections(&who, &filter, page).await?;
    Ok(axum::Json(PageOf::from_page(found, InspectionView::from)))
}

/// One inspection (as the queue shows it; 404 outside one's reach).
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspection",
    responses((status = 200, body = InspectionView), (status = 404)))]
async fn get_inspection(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<InspectionView>> {
    Ok(axum::Json(state.store.inspection(&who, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// An active score sheet.
    pub sheet_id: String,
    /// One per item of the sheet, in its order.
    pub items: Vec<ItemScoreInput>,
    /// The places (from 0) of the sheet's red lines that were hit.
    #[serde(default)]
    pub red_lines: Vec<usize>,
    pub comment: Option<String>,
}

/// Scores a pending inspection against a sheet: each item 0 to its most, in the sheet's order;
/// a red line hit scores 0 (supervisors, managers, admins of the project — never the person
/// inspected; audited). 409 `invalid_inspection_state` once scored.
#[utoipa::path(put, path = "/api/v1/inspections/{id}/score", tag = "inspection", request_body = ScoreRequest,
    responses((status = 200, body = InspectionView), (status = 403), (status = 404), (status = 409, description = "invalid_inspection_state"), (status = 422, description = "validation_failed")))]
async fn score(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScoreRequest>,
) -> ApiResult<axum::Json<InspectionView>> {
    let scores = ScoreInput {
        items: input.items,
        red_lines: input.red_lines,
        comment: input.comment,
    };
    let row = state
        .store
        .score_inspection(&who, &id, &input.sheet_id, scores, Utc::now())
        .await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealInput {
    /// Why the score is wrong, 1–500 characters.
    pub reason: String,
}

/// The person inspected appeals a scored inspection, once (audited); a second appeal is 409
/// `already_appealed`.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/appeal", tag = "inspection", request_body = AppealInput,
    responses((status = 200, body = InspectionView), (status = 403), (status = 404), (status = 409, description = "already_appealed or invalid_inspection_state"), (status = 422, description = "validation_failed")))]
async fn appeal(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AppealInput>,
) -> ApiResult<axum::Json<InspectionView>> {
    let reason = check_appeal(&input.reason)?;
    let row = state
        .store
        .appeal_inspection(&who, &id, reason, Utc::now())
        .await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// true: the score stands; false: the appeal is granted with `score`.
    pub upheld: bool,
    /// The new score, 0–100, when not upheld.
    pub score: Option<u32>,
    /// Why, 1–500 characters.
    pub comment: String,
}

/// Decides an appeal (supervisors, managers, admins of the project — never the person
/// inspected; audited).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/decision", tag = "inspection", request_body = DecisionInput,
    responses((status = 200, body = InspectionView), (status = 403), (status = 404), (status = 409, description = "invalid_inspection_state"), (status = 422, description = "validation_failed")))]
async fn decide(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<axum::Json<InspectionView>> {
    let (score, comment) = check_decision(input.upheld, input.score, &input.comment)?;
    let row = state
        .store
        .decide_inspection(&who, &id, score, comment, Utc::now())
        .await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScoresQuery {
    /// staff or team.
    pub by: String,
    /// The first day counted (weeks by their Monday); default 12 weeks before `to`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// The last day counted; default today.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub project_id: Option<String>,
}

/// One person's or team's scored inspections of one week.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreRowView {
    /// The staff or team id.
    pub key: String,
    pub name: String,
    /// The week's Monday.
    #[schema(value_type = String, format = Date)]
    pub week: NaiveDate,
    pub inspections: u64,
    /// The average score that counts, 0–100.
    pub average: f64,
}

impl From<ScoreRow> for ScoreRowView {
    fn from(r: ScoreRow) -> Self {
        ScoreRowView {
            key: r.key,
            name: r.name,
            week: r.week,
            inspections: r.inspections,
            average: (r.average * 10.0).round() / 10.0,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoresView {
    pub groups: Vec<ScoreRowView>,
}

/// Scores per person or team over weeks, averaged in the database. Supervisors, managers and
/// admins see their projects'; everyone else only their own, by person.
#[utoipa::path(get, path = "/api/v1/inspection/scores", tag = "inspection", params(ScoresQuery),
    responses((status = 200, body = ScoresView), (status = 403), (status = 422, description = "validation_failed")))]
async fn scores(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<ScoresQuery>,
) -> ApiResult<axum::Json<ScoresView>> {
    let by = score_grouping(&query)?;
    let to = query.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = query.from.unwrap_or_else(|| to - chrono::Days::new(7 * 12));
    if from > to {
        return Err(guanjia_domain::validation::ValidationError::single(
            "from",
            FieldErrorCode::OutOfRange,
        )
        .into());
    }
    let rows = state
        .store
        .inspection_scores(&who, by, week_of(from), to, query.project_id.as_deref())
        .await?;
    Ok(axum::Json(ScoresView {
        groups: rows.into_iter().map(ScoreRowView::from).collect(),
    }))
}

fn score_grouping(query: &ScoresQuery) -> ApiResult<ScoresBy> {
    match query.by.as_str() {
        "staff" => Ok(ScoresBy::Staff),
        "team" => Ok(ScoresBy::Team),
        _ => {
            let mut p = Problems::new();
            p.refuse(
                "by",
                FieldErrorCode::Invalid,
                guanjia_domain::validation::Allowed::OneOf {
                    codes: vec!["staff".into(), "team".into()],
                },
            );
            Ok(p.into_result(ScoresBy::Staff)?)
        }
    }
}
