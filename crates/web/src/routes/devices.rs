//! The IoT device registry: admins register, edit and deactivate; staff read their projects'.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::iot::{AlarmOutcome, AlarmState, AlarmType, DeviceInput, DeviceType};
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_storage::entity::{device, device_alarm};
use guanjia_storage::{After, DeviceFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::staff::ActiveInput;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_device, list_devices))
        .routes(routes!(get_device, update_device))
        .routes(routes!(set_device_active))
        .routes(routes!(device_alarms))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceView {
    pub id: String,
    pub project_id: String,
    /// The device's own id on its platform; alarms name it by this.
    pub device_id: String,
    #[serde(rename = "type")]
    #[schema(value_type = DeviceType)]
    pub device_type: String,
    pub building_id: Option<String>,
    pub unit: Option<String>,
    pub room_id: Option<String>,
    /// A common area in words.
    pub place: Option<String>,
    /// Whether a recovery resolves the open ticket; null: the alarm type's default.
    pub resolve_on_recovery: Option<bool>,
    /// An inactive device's alarms are refused.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<device::Model> for DeviceView {
    fn from(d: device::Model) -> Self {
        DeviceView {
            id: d.id,
            project_id: d.project_id,
            device_id: d.device_id,
            device_type: d.device_type,
            building_id: d.building_id,
            unit: d.unit,
            room_id: d.room_id,
            place: d.place,
            resolve_on_recovery: d.resolve_on_recovery,
            active: d.active,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeviceQuery {
    pub project_id: Option<String>,
    /// A device type code.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub device_type: Option<String>,
    /// true: only active devices; false: only deactivated ones.
    pub active: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Registers a device at a place of a project (admins only). A room brings its building and
/// unit; a common area is a building (and unit) with `place` in words.
#[utoipa::path(post, path = "/api/v1/devices", tag = "iot", request_body = DeviceInput,
    responses((status = 201, body = DeviceView), (status = 403), (status = 422)))]
async fn create_device(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<DeviceInput>,
) -> ApiResult<(StatusCode, axum::Json<DeviceView>)> {
    let device = state
        .store
        .create_device(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(device.into())))
}

/// The devices of the caller's projects, by their own id; filtered by project, type and
/// whether they are active.
#[utoipa::path(get, path = "/api/v1/devices", tag = "iot", params(DeviceQuery),
    responses((status = 200, body = PageOf<DeviceView>), (status = 422)))]
async fn list_devices(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<DeviceQuery>,
) -> ApiResult<axum::Json<PageOf<DeviceView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let mut p = Problems::new();
    let device_type = query
        .device_type
        .as_deref()
        .and_then(|code| p.one_of("type", code, DeviceType::ALL));
    p.into_result(())?;
    let filter = DeviceFilter {
        project_id: query.project_id,
        device_type,
        active: query.active,
    };
    let page = state.store.devices(&who, filter, page).await?;
    Ok(axum::Json(PageOf::from_page(page, DeviceView::from)))
}

#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "iot",
    responses((status = 200, body = DeviceView), (status = 404)))]
async fn get_device(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<DeviceView>> {
    Ok(axum::Json(state.store.device(&who, &id).await?.into()))
}

/// Changes what a device was registered with (admins only), checked as a new one is.
#[utoipa::path(put, path = "/api/v1/devices/{id}", tag = "iot", request_body = DeviceInput,
    responses((status = 200, body = DeviceView), (status = 403), (status = 404), (status = 422)))]
async fn update_device(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DeviceInput>,
) -> ApiResult<axum::Json<DeviceView>> {
    Ok(axum::Json(
        state
            .store
            .update_device(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deactivates a device or activates it again (admins only): an inactive device's alarms are
/// refused, its history stays.
#[utoipa::path(put, path = "/api/v1/devices/{id}/active", tag = "iot", request_body = ActiveInput,
    responses((status = 200, body = DeviceView), (status = 403), (status = 404)))]
async fn set_device_active(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> ApiResult<axum::Json<DeviceView>> {
    Ok(axum::Json(
        state
            .store
            .set_device_active(&who, &id, input.active, Utc::now())
            .await?
            .into(),
    ))
}

/// One alarm or recovery a device reported, and what receiving it did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceAlarmView {
    pub id: String,
    #[schema(value_type = AlarmType)]
    pub alarm_type: String,
    #[schema(value_type = AlarmState)]
    pub state: String,
    /// When the device raised it.
    pub at: DateTime<Utc>,
    /// When we received it.
    pub received_at: DateTime<Utc>,
    #[schema(value_type = AlarmOutcome)]
    pub outcome: String,
    /// The ticket it opened, joined or was written on.
    pub ticket_id: Option<String>,
}

impl From<device_alarm::Model> for DeviceAlarmView {
    fn from(a: device_alarm::Model) -> Self {
        DeviceAlarmView {
            id: a.id,
            alarm_type: a.alarm_type,
            state: a.state,
            at: a.at,
            received_at: a.received_at,
            outcome: a.outcome,
            ticket_id: a.ticket_id,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlarmQuery {
    /// The `next` cursor of the page before.
    pub after: Option<String>,
    pub per_page: Option<u64>,
}

/// A keyset page of a device's alarms and the cursor of the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceAlarmList {
    pub items: Vec<DeviceAlarmView>,
    /// How many alarms the device has (within retention).
    pub total: u64,
    pub per_page: u64,
    /// Pass as `after` for the page that follows; null on the last page.
    pub next: Option<String>,
}

/// A device's alarms, newest received first, by keyset pages (staff of its project; otherwise
/// 404). Alarms older than the retention (`alarm_retention_days`) are gone.
#[utoipa::path(get, path = "/api/v1/devices/{id}/alarms", tag = "iot", params(AlarmQuery),
    responses((status = 200, body = DeviceAlarmList), (status = 404), (status = 422)))]
async fn device_alarms(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<AlarmQuery>,
) -> ApiResult<axum::Json<DeviceAlarmList>> {
    let page = PageQuery {
        page: None,
        per_page: query.per_page,
    }
    .request()?;
    let mut p = Problems::new();
    let after = query.after.as_deref().and_then(|cursor| {
        let decoded = After::decode(cursor).filter(|a| a.at.is_some());
        if decoded.is_none() {
            p.add("after", FieldErrorCode::Invalid);
        }
        decoded
    });
    p.into_result(())?;
    let found = state
        .store
        .device_alarms(&who, &id, page.per_page, after.as_ref())
        .await?;
    Ok(axum::Json(DeviceAlarmList {
        items: found.items.into_iter().map(DeviceAlarmView::from).collect(),
        total: found.total,
        per_page: page.per_page,
        next: found.next.map(|a| a.encode()),
    }))
}
