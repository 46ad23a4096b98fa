//! Business calendars: weekly hours, dated exceptions (holidays, make-up workdays), iCalendar and
//! CSV import and export, and which calendar a project uses.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::calendar::input::{CalendarInput, DayInput, HoursText, hours_text};
use guanjia_domain::calendar::{CalendarError, Day, csv, ics};
use guanjia_domain::validation::{FieldErrorCode, Problems, ValidationError};
use guanjia_storage::Principal;
use guanjia_storage::entity::calendar;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::places::ProjectView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars, create_calendar))
        .routes(routes!(get_calendar, update_calendar))
        .routes(routes!(calendar_days))
        .routes(routes!(put_day, remove_day))
        .routes(routes!(export_calendar))
        .routes(routes!(import_calendar))
        .routes(routes!(set_project_calendar))
}

/// The longest range of days one request lists.
const MAX_DAYS: i64 = 366;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarView {
    pub id: String,
    pub name: String,
    /// china_mainland (the company's default) or always_open for the seeded calendars.
    pub preset: Option<String>,
    /// Seven lists of `["09:00", "18:00"]`, Monday first.
    #[schema(value_type = Vec<Vec<Vec<String>>>)]
    pub weekly_hours: Vec<HoursText>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<calendar::Model> for CalendarView {
    fn from(c: calendar::Model) -> Self {
        CalendarView {
            id: c.id,
            name: c.name,
            preset: c.preset,
            weekly_hours: serde_json::from_value(c.weekly_hours).unwrap_or_default(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayView {
    /// YYYY-MM-DD
    pub date: NaiveDate,
    pub is_workday: bool,
    /// `[["09:00", "18:00"]]`; empty on a rest day.
    #[schema(value_type = Vec<Vec<String>>)]
    pub hours: HoursText,
    /// The holiday or make-up workday, if the day is an exception.
    pub name: Option<String>,
}

impl From<Day> for DayView {
    fn from(d: Day) -> Self {
        DayView {
            date: d.date,
            is_workday: d.is_workday,
            hours: hours_text(&d.hours),
            name: d.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayList {
    pub items: Vec<DayView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DaysQuery {
    /// YYYY-MM-DD
    pub from: String,
    /// YYYY-MM-DD, at most 366 days after `from`.
    pub to: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// csv (default) or ics
    pub format: Option<String>,
    /// Import only: remove the calendar's other exceptions first.
    pub replace: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// Days written.
    pub imported: usize,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectCalendarInput {
    /// Null: the company's default calendar.
    pub calendar_id: Option<String>,
}

fn date(p: &mut Problems, field: &str, text: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        p.add(field, FieldErrorCode::Invalid);
    }
    parsed
}

/// The file format of an import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ics,
}

fn format(query: &FormatQuery) -> ApiResult<Format> {
    match query.format.as_deref() {
        None | Some("csv") => Ok(Format::Csv),
        Some("ics") => Ok(Format::Ics),
        Some(_) => Err(ValidationError::single("format", FieldErrorCode::Invalid).into()),
    }
}

/// The company's calendars: "中国大陆法定节假日" (the default) and "7×24小时" come seeded.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "sla", params(PageQuery), responses((status = 200, body = PageOf<CalendarView>)))]
async fn list_calendars(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<CalendarView>>> {
    let all = state
        .store
        .calendars(&who)
        .await?
        .into_iter()
        .map(CalendarView::from)
        .collect();
    Ok(axum::Json(PageOf::of_all(all, page.request()?)))
}

/// Creates a calendar (admins only); dated exceptions are added with PUT …/days/{date} or an import.
#[utoipa::path(post, path = "/api/v1/calendars", tag = "sla", request_body = CalendarInput, responses((status = 201, body = CalendarView)))]
async fn create_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CalendarInput>,
) -> ApiResult<(StatusCode, axum::Json<CalendarView>)> {
    let created = state
        .store
        .create_calendar(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "sla", responses((status = 200, body = CalendarView), (status = 404)))]
async fn get_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CalendarView>> {
    Ok(axum::Json(state.store.calendar(&who, &id).await?.into()))
}

/// Renames a calendar or changes its weekly hours (admins only); open tickets' deadlines follow.
#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "sla", request_body = CalendarInput, responses((status = 200, body = CalendarView)))]
async fn update_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CalendarInput>,
) -> ApiResult<axum::Json<CalendarView>> {
    Ok(axum::Json(
        state
            .store
            .update_calendar(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Each day of a range as the calendar resolves it: workday or not, and its business hours.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/days", tag = "sla", params(DaysQuery), responses((status = 200, body = DayList)))]
async fn calendar_days(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<axum::Json<DayList>> {
    let mut p = Problems::new();
    let from = date(&mut p, "from", &query.from);
    let to = date(&mut p, "to", &query.to);
    if let (Some(from), Some(to)) = (from, to)
        && (to < from || (to - from).num_days() >= MAX_DAYS)
    {
        p.add("to", FieldErrorCode::OutOfRange);
    }
    let (from, to) = p.into_result((from, to))?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::new(ErrorCode::InvalidRequest));
    };
    let items = state
        .store
        .calendar_days(&who, &id, from, to)
        .await?
        .into_iter()
        .map(DayView::from)
        .collect();
    Ok(axum::Json(DayList { items }))
}

fn path_date(text: &str) -> ApiResult<NaiveDate> {
    let mut p = Problems::new();
    let parsed = date(&mut p, "date", text);
    p.into_result(())?;
    parsed.ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest))
}

/// Sets one dated exception: a holiday (`is_workday` false), a make-up workday, or special hours.
#[utoipa::path(put, path = "/api/v1/calendars/{id}/days/{date}", tag = "sla", request_body = DayInput, responses((status = 200, body = DayView)))]
async fn put_day(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, day)): Path<(String, String)>,
    ApiJson(input): ApiJson<DayInput>,
) -> ApiResult<axum::Json<DayView>> {
    let date = path_date(&day)?;
    let exception = input.validate(date)?;
    state
        .store
        .put_calendar_days(&who, &id, vec![exception], false, Utc::now())
        .await?;
    let day = state
        .store
        .calendar_days(&who, &id, date, date)
        .await?
        .into_iter()
        .next();
    day.map(|d| axum::Json(d.into()))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Removes a dated exception: the day follows the weekly hours again.
#[utoipa::path(delete, path = "/api/v1/calendars/{id}/days/{date}", tag = "sla", responses((status = 204), (status = 404)))]
async fn remove_day(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, day)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state
        .store
        .remove_calendar_day(&who, &id, path_date(&day)?, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calendar's dated exceptions as a file: `?format=csv` (date,is_workday,name,hours) or `ics`.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/export", tag = "sla", params(FormatQuery),
    responses((status = 200, description = "The exceptions as CSV (`format=csv`) or iCalendar (`format=ics`)",
        content((String = "text/csv"), (String = "text/calendar")))))]
async fn export_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    export(&state, &who, &id, &query).await
}

/// The exceptions file of a calendar, for the API and the pages alike.
pub(crate) async fn export(
    state: &AppState,
    who: &Principal,
    id: &str,
    query: &FormatQuery,
) -> ApiResult<Response> {
    let format = format(query)?;
    let calendar = state.store.calendar(who, id).await?;
    let exceptions = state.store.exceptions(who, id).await?;
    let (body, content_type, extension) = match format {
        Format::Csv => (csv::export(&exceptions), "text/csv; charset=utf-8", "csv"),
        Format::Ics => (
            ics::export(&calendar.name, &exceptions),
            "text/calendar; charset=utf-8",
            "ics",
        ),
    };
    let disposition = format!("attachment; filename=\"calendar-{id}.{extension}\"");
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Imports dated exceptions from a CSV or iCalendar body (admins only). A bad file is 422 with
/// the line at fault and changes nothing.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/import", tag = "sla", params(FormatQuery),
    request_body(content = String, content_type = "text/plain"), responses((status = 200, body = ImportResult), (status = 422)))]
async fn import_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
    body: String,
) -> ApiResult<axum::Json<ImportResult>> {
    Ok(axum::Json(ImportResult {
        imported: import(&state, &who, &id, &query, &body).await?,
    }))
}

/// Writes the days of an exceptions file into a calendar; the number written.
pub(crate) async fn import(
    state: &AppState,
    who: &Principal,
    id: &str,
    query: &FormatQuery,
    body: &str,
) -> ApiResult<usize> {
    let parsed = match format(query)? {
        Format::Csv => csv::import(body),
        Format::Ics => ics::import(body),
    };
    let days = parsed.map_err(import_error)?;
    Ok(state
        .store
        .put_calendar_days(who, id, days, query.replace.unwrap_or(false), Utc::now())
        .await?)
}

fn import_error(e: CalendarError) -> ApiError {
    ApiError::with_details(
        ErrorCode::ValidationFailed,
        json!({ "fields": { "file": FieldErrorCode::Invalid.as_str() }, "line": e.line(), "reason": e.to_string() }),
    )
}

/// Gives a project its own calendar, or the company's default again (admins only).
#[utoipa::path(put, path = "/api/v1/projects/{id}/calendar", tag = "sla", request_body = ProjectCalendarInput, responses((status = 200, body = ProjectView)))]
async fn set_project_calendar(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProjectCalendarInput>,
) -> ApiResult<axum::Json<ProjectView>> {
    Ok(axum::Json(
        state
            .store
            .set_project_calendar(&who, &id, input.calendar_id, Utc::now())
            .await?
            .into(),
    ))
}
