//! NPS survey campaigns, and the links through which residents answer them without signing in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{CampaignInput, NpsAnswer, NpsSummary};
use guanjia_storage::Campaign;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(survey, answer))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub building_id: Option<String>,
    pub tier: Option<String>,
    pub question: String,
    /// Residents invited, one per phone.
    pub invited: i32,
    pub closes_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub summary: NpsSummary,
}

impl From<Campaign> for CampaignView {
    fn from(c: Campaign) -> Self {
        let Campaign {
            campaign: m,
            summary,
        } = c;
        CampaignView {
            id: m.id,
            name: m.name,
            project_id: m.project_id,
            building_id: m.building_id,
            tier: m.tier,
            question: m.question,
            invited: m.invited,
            closes_at: m.closes_at,
            created_at: m.created_at,
            summary,
        }
    }
}

/// What a survey link asks.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyView {
    pub campaign: String,
    pub question: String,
    pub closes_at: DateTime<Utc>,
}

/// The campaigns of the projects the caller sees, newest first, each with its score.
#[utoipa::path(get, path = "/api/v1/nps/campaigns", tag = "closed loop", params(PageQuery), responses((status = 200, body = PageOf<CampaignView>)))]
async fn list_campaigns(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<CampaignView>>> {
    let all = state
        .store
        .nps_campaigns(&who)
        .await?
        .into_iter()
        .map(CampaignView::from)
        .collect();
    Ok(axum::Json(PageOf::of_all(all, page.request()?)))
}

/// Starts a campaign (admins and managers): each resident of the project, building or tier is
/// sent a signed single-use link through the outbox.
#[utoipa::path(post, path = "/api/v1/nps/campaigns", tag = "closed loop", request_body = CampaignInput, responses((status = 201, body = CampaignView), (status = 422)))]
async fn create_campaign(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CampaignInput>,
) -> ApiResult<(StatusCode, axum::Json<CampaignView>)> {
    let now = Utc::now();
    let created = state
        .store
        .create_nps_campaign(&who, input.validate(now)?, now)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// What a survey link asks; unknown or forged is 404, used 409 `link_used`, closed 410 `link_expired`.
#[utoipa::path(get, path = "/api/v1/surveys/{token}", tag = "closed loop", responses((status = 200, body = SurveyView), (status = 404), (status = 409), (status = 410)))]
async fn survey(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<SurveyView>> {
    let c = state.store.survey(&token, Utc::now()).await?;
    Ok(axum::Json(SurveyView {
        campaign: c.name,
        question: c.question,
        closes_at: c.closes_at,
    }))
}

/// Answers once: `score` 0–10 and an optional `reason`.
#[utoipa::path(post, path = "/api/v1/surveys/{token}", tag = "closed loop", request_body = NpsAnswer,
    responses((status = 204), (status = 404), (status = 409), (status = 410), (status = 422)))]
async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(answer): ApiJson<NpsAnswer>,
) -> ApiResult<StatusCode> {
    state
        .store
        .answer_survey(&token, answer, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
