//! WeCom group robots (企业微信群机器人): admins add, change, test, stop and remove the robots
//! that post their projects' staff alerts. The webhook key is written, never read back.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::delivery::Outcome;
use guanjia_domain::wecom_robot::WecomRobotInput;
use guanjia_storage::StorageError;
use guanjia_storage::entity::wecom_robot;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::staff::ActiveInput;
use crate::state::AppState;

/// What a test post says.
const TEST_TEXT: &str = "管家测试消息：此群机器人已接入，工单提醒将发到本群。";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_robot, list_robots))
        .routes(routes!(get_robot, update_robot, delete_robot))
        .routes(routes!(set_robot_active))
        .routes(routes!(test_robot))
}

/// A robot as admins see it: never its key.
#[derive(Debug, Serialize, ToSchema)]
pub struct WecomRobotView {
    pub id: String,
    pub name: String,
    pub project_id: String,
    /// The team whose tickets it posts about; null: the whole project's.
    pub team_id: Option<String>,
    pub active: bool,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<wecom_robot::Model> for WecomRobotView {
    fn from(r: wecom_robot::Model) -> Self {
        WecomRobotView {
            id: r.id,
            name: r.name,
            project_id: r.project_id,
            team_id: r.team_id,
            active: r.active,
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RobotQuery {
    pub project_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// What WeCom answered a test post.
#[derive(Debug, Serialize, ToSchema)]
pub struct RobotTestResult {
    /// The group received it.
    pub sent: bool,
    /// WeCom's errcode (0: ok; 93000: the webhook is invalid; 45009: over 20 messages a
    /// minute); null when WeCom could not be reached or answered something else.
    pub errcode: Option<i64>,
    /// WeCom's errmsg, or what went wrong reaching it.
    pub errmsg: String,
}

impl From<Outcome> for RobotTestResult {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Sent { .. } => RobotTestResult {
                sent: true,
                errcode: Some(0),
                errmsg: "ok".into(),
            },
            Outcome::Failed(f) => RobotTestResult {
                sent: false,
                errcode: f.code.parse().ok(),
                errmsg: f.reason,
            },
            Outcome::Skipped { reason, .. } => RobotTestResult {
                sent: false,
                errcode: None,
                errmsg: reason,
            },
        }
    }
}

/// Adds a robot to a project the admin manages (or to one of its teams). Its tickets' staff
/// alerts are posted there from then on, before any robot of guanjia.toml.
#[utoipa::path(post, path = "/api/v1/wecom-robots", tag = "delivery",
    request_body = WecomRobotInput,
    responses((status = 201, body = WecomRobotView), (status = 403), (status = 422)))]
async fn create_robot(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<WecomRobotInput>,
) -> ApiResult<(StatusCode, axum::Json<WecomRobotView>)> {
    let robot = state
        .store
        .create_wecom_robot(&who, input.validate_new()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(robot.into())))
}

/// The robots of the projects the admin manages, by name.
#[utoipa::path(get, path = "/api/v1/wecom-robots", tag = "delivery", params(RobotQuery),
    responses((status = 200, body = PageOf<WecomRobotView>), (status = 403), (status = 422)))]
async fn list_robots(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<RobotQuery>,
) -> ApiResult<axum::Json<PageOf<WecomRobotView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state
        .store
        .wecom_robots(&who, query.project_id.as_deref(), page)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, WecomRobotView::from)))
}

#[utoipa::path(get, path = "/api/v1/wecom-robots/{id}", tag = "delivery",
    responses((status = 200, body = WecomRobotView), (status = 404)))]
async fn get_robot(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<WecomRobotView>> {
    Ok(axum::Json(state.store.wecom_robot(&who, &id).await?.into()))
}

/// Changes a robot (admins): a `webhook_key` left out is kept.
#[utoipa::path(put, path = "/api/v1/wecom-robots/{id}", tag = "delivery",
    request_body = WecomRobotInput,
    responses((status = 200, body = WecomRobotView), (status = 403), (status = 404), (status = 422)))]
async fn update_robot(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WecomRobotInput>,
) -> ApiResult<axum::Json<WecomRobotView>> {
    Ok(axum::Json(
        state
            .store
            .update_wecom_robot(&who, &id, input.validate_change()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Removes a robot for good (admins); alerts already planned through it are skipped.
#[utoipa::path(delete, path = "/api/v1/wecom-robots/{id}", tag = "delivery",
    responses((status = 204), (status = 403), (status = 404)))]
async fn delete_robot(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_wecom_robot(&who, &id, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops a robot or starts it again (admins): nothing is posted through a stopped robot.
#[utoipa::path(put, path = "/api/v1/wecom-robots/{id}/active", tag = "delivery",
    request_body = ActiveInput,
    responses((status = 200, body = WecomRobotView), (status = 403), (status = 404)))]
async fn set_robot_active(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> ApiResult<axum::Json<WecomRobotView>> {
    Ok(axum::Json(
        state
            .store
            .set_wecom_robot_active(&who, &id, input.active, Utc::now())
            .await?
            .into(),
    ))
}

/// Posts a test text through the robot's webhook (admins) and says what WeCom answered.
#[utoipa::path(post, path = "/api/v1/wecom-robots/{id}/test", tag = "delivery",
    responses((status = 200, body = RobotTestResult), (status = 403), (status = 404), (status = 503)))]
async fn test_robot(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<RobotTestResult>> {
    let result = test_post(&state, &who, &id).await?;
    Ok(axum::Json(result))
}

/// Sends the test post; the pages answer with it too.
pub(crate) async fn test_post(
    state: &AppState,
    who: &guanjia_storage::Principal,
    id: &str,
) -> Result<RobotTestResult, StorageError> {
    let key = state.store.wecom_robot_webhook_key(who, id).await?;
    let senders = state
        .senders
        .as_ref()
        .ok_or(StorageError::NotConfigured("delivery"))?;
    Ok(senders.robot(&key, TEST_TEXT, &[]).await.into())
}
