//! 12345 hotline orders: the platform's webhook, the import of its spreadsheet export, the
//! reply step, the list and export in its columns, and the on-time figure.
//!
//! Every handler takes the caller as a [`Principal`]: staff bearer tokens today (desk roles,
//! within their projects); a machine credential for the platform plugs in as another extractor
//! giving a principal, with nothing here changing.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guanjia_domain::hotline::HotlineOrderInput;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::hotline_order;
use guanjia_storage::{
    HotlineFigures, HotlineOrderFilter, HotlineOrderRow, OrderReceived, Principal, StorageError,
    platform_order_of,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::hotline_sheet::{self, Column};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::routes::figures::FiguresQuery;
use crate::routes::tickets::TicketView;
use crate::state::AppState;
use crate::ui::sheet::{self, SheetError};

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(receive_order, list_orders))
        .routes(routes!(import_orders))
        .routes(routes!(reply_to_order))
        .routes(routes!(hotline_figures))
}

/// An order of the 12345 platform with its ticket and reply. Phones are masked in lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotlineOrderView {
    pub order_no: String,
    pub ticket_id: String,
    pub ticket_number: String,
    pub project_id: String,
    /// The ticket's status.
    pub status: String,
    pub received_at: DateTime<Utc>,
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
    pub content: String,
    pub street: Option<String>,
    /// 签收时限
    pub accept_by: Option<DateTime<Utc>>,
    /// 办理时限
    pub finish_by: Option<DateTime<Utc>>,
    /// 办理结果, once written.
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    /// When the first complete result was written (the 办结 clock stops there).
    pub answered_at: Option<DateTime<Utc>>,
    /// Answered by the platform's deadline; null while unanswered.
    pub answered_in_time: Option<bool>,
    /// How many times the platform sent the order.
    pub arrivals: i32,
}

impl HotlineOrderView {
    fn new(row: HotlineOrderRow, mask: bool) -> Self {
        let HotlineOrderRow { order, ticket } = row;
        let platform = platform_order_of(&ticket);
        let answered_at = platform.as_ref().and_then(|p| p.answered_at);
        let phone = if mask {
            ticket.contact_phone.as_deref().map(mask_phone)
        } else {
            ticket.contact_phone
        };
        HotlineOrderView {
            order_no: order.order_no,
            ticket_id: ticket.id,
            ticket_number: ticket.number,
            project_id: order.project_id,
            status: ticket.status.to_string(),
            received_at: order.received_at,
            caller_name: ticket.contact_name,
            caller_phone: phone,
            content: ticket.description,
            street: order.street,
            accept_by: platform.as_ref().and_then(|p| p.accept_by),
            finish_by: platform.as_ref().map(|p| p.finish_by),
            reply: order.reply,
            replied_at: order.replied_at,
            answered_at,
            answered_in_time: platform
                .as_ref()
                .and_then(|p| Some(p.answered_at? <= p.finish_by)),
            arrivals: order.arrivals,
        }
    }
}

/// Receives an order of the 12345 platform (its webhook): 201 with the new ticket (channel
/// `hotline_12345`, escalation risk on, the platform's 签收 and 办结 times among its
/// `deadlines`); the same `order_no` again is 200 with the same ticket, updated. Desk roles,
/// in their projects.
#[utoipa::path(post, path = "/api/v1/hotline/orders", tag = "hotline", request_body = HotlineOrderInput,
    responses((status = 201, body = TicketView, description = "A new order: its ticket"),
        (status = 200, body = TicketView, description = "An order already received: its ticket, updated"),
        (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn receive_order(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiJson(input): ApiJson<HotlineOrderInput>,
) -> ApiResult<(StatusCode, axum::Json<TicketView>)> {
    let now = Utc::now();
    let OrderReceived {
        ticket,
        sla,
        created,
    } = state.store.receive_hotline_order(&who, input, now).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(TicketView::new(ticket, &who, &sla, now, false, lang)),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// One project; default every project the caller sees.
    pub project_id: Option<String>,
    /// Received from (RFC 3339, included).
    pub from: Option<DateTime<Utc>>,
    /// Received before (RFC 3339, excluded).
    pub to: Option<DateTime<Utc>>,
    /// true: only answered orders; false: only those waiting for their result.
    pub answered: Option<bool>,
    /// xlsx: the orders of the filter (newest first, at most 5,000) as a spreadsheet in the
    /// platform's columns with the handling results, to upload back.
    pub format: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The orders the caller's projects received, newest first; with `format=xlsx` the same orders
/// as the platform's spreadsheet with our handling results.
#[utoipa::path(get, path = "/api/v1/hotline/orders", tag = "hotline", params(OrderQuery),
    responses((status = 200, body = PageOf<HotlineOrderView>,
        content((PageOf<HotlineOrderView> = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403), (status = 422)))]
async fn list_orders(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> ApiResult<Response> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = HotlineOrderFilter {
        project_id: query.project_id.clone(),
        from: query.from,
        to: query.to,
        answered: query.answered,
    };
    match query.format.as_deref() {
        None | Some("json") => {
            let found = state.store.hotline_orders(&who, &filter, page).await?;
            let items = found
                .items
                .into_iter()
                .map(|row| HotlineOrderView::new(row, true))
                .collect();
            Ok(axum::Json(PageOf {
                items,
                total: found.total,
                page: found.page,
                per_page: found.per_page,
            })
            .into_response())
        }
        Some("xlsx") => {
            let zone = zone_of(&state, &who, filter.project_id.as_deref()).await?;
            let rows = state.store.hotline_export(&who, &filter).await?;
            let bytes = hotline_sheet::export(&rows, lang, zone).map_err(|e| {
                tracing::error!(error = %e, "hotline export");
                ApiError::new(ErrorCode::Internal)
            })?;
            Ok((
                [
                    (CONTENT_TYPE, XLSX),
                    (
                        CONTENT_DISPOSITION,
                        "attachment; filename=\"hotline-12345-replies.xlsx\"",
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Some(_) => Err(ValidationError::single("format", FieldErrorCode::Invalid).into()),
    }
}

/// The time zone a project's platform times are written in (the default where none is named).
async fn zone_of(state: &AppState, who: &Principal, project_id: Option<&str>) -> ApiResult<Tz> {
    let project = match project_id {
        Some(id) => Some(state.store.project(who, id).await.map_err(|_| {
            ApiError::from(ValidationError::single(
                "project_id",
                FieldErrorCode::UnknownReference,
            ))
        })?),
        None => None,
    };
    Ok(project
        .and_then(|p| p.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The project the file's orders concern.
    pub project_id: String,
    /// true: check the file and say what it holds, importing nothing.
    pub dry_run: Option<bool>,
}

/// One problem of an imported file: its row in the spreadsheet (null: the file as a whole),
/// the platform's column header, the field and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportProblem {
    pub row: Option<u32>,
    pub column: String,
    pub field: String,
    pub code: String,
}

/// What an import did, or (a dry run) would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotlineImportResult {
    /// Orders read from the file.
    pub rows: u64,
    /// Orders that opened a ticket.
    pub created: u64,
    /// Orders already known, whose ticket was updated.
    pub updated: u64,
    /// Whether the orders were taken in (false for a dry run).
    pub committed: bool,
}

/// Why an import took nothing in: the file is not a spreadsheet, or these rows break rules.
pub enum ImportRefusal {
    File(SheetError),
    Problems(Vec<ImportProblem>),
}

impl From<ImportRefusal> for ApiError {
    fn from(refusal: ImportRefusal) -> Self {
        match refusal {
            ImportRefusal::File(e) => ApiError::with_details(
                ErrorCode::ValidationFailed,
                json!({ "fields": { "file": "invalid" }, "reason": format!("{e:?}") }),
            ),
            ImportRefusal::Problems(problems) => ApiError::with_details(
                ErrorCode::ValidationFailed,
                json!({ "fields": { "file": "invalid" }, "problems": problems }),
            ),
        }
    }
}

fn problem(line: Option<u32>, column: Column, field: &str, code: FieldErrorCode) -> ImportProblem {
    ImportProblem {
        row: line,
        column: column.header().to_owned(),
        field: field.to_owned(),
        code: code.as_str().to_owned(),
    }
}

/// Imports the platform's spreadsheet export into a project. Every row is checked first by the
/// webhook's own rules; with any problem nothing is taken in and each is listed by row and
/// column. Then each order arrives as by the webhook: a new number opens a ticket, a known one
/// updates its ticket (so the same file may be imported again).
pub(crate) async fn import(
    state: &AppState,
    who: &Principal,
    project_id: &str,
    bytes: &[u8],
    dry_run: bool,
) -> ApiResult<Result<HotlineImportResult, ImportRefusal>> {
    let zone = zone_of(state, who, Some(project_id)).await?;
    let rows = match sheet::read(bytes) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(ImportRefusal::File(e))),
    };
    let orders = match hotline_sheet::orders(&rows, project_id, zone) {
        Ok(orders) => orders,
        Err(layout) => {
            let problems = layout
                .into_iter()
                .map(|p| problem(p.line, p.column, "", p.code))
                .collect();
            return Ok(Err(ImportRefusal::Problems(problems)));
        }
    };
    let now = Utc::now();
    let mut problems = vec![];
    for order in &orders {
        if let Err(e) = order.input.clone().validate(now) {
            problems.extend(e.0.into_iter().map(|f| {
                let column = Column::of_field(&f.field).unwrap_or(Column::OrderNo);
                problem(Some(order.line), column, &f.field, f.code)
            }));
        }
    }
    if !problems.is_empty() {
        return Ok(Err(ImportRefusal::Problems(problems)));
    }
    let mut result = HotlineImportResult {
        rows: orders.len() as u64,
        created: 0,
        updated: 0,
        committed: !dry_run,
    };
    if dry_run {
        return Ok(Ok(result));
    }
    for order in orders {
        match state
            .store
            .receive_hotline_order(who, order.input, Utc::now())
            .await
        {
            Ok(received) if received.created => result.created += 1,
            Ok(_) => result.updated += 1,
            // A row the stored data refuses (an order number of another project) is listed;
            // the rows before it stay taken in, as each arrived on its own.
            Err(StorageError::Validation(e)) => problems.extend(e.0.into_iter().map(|f| {
                let column = Column::of_field(&f.field).unwrap_or(Column::OrderNo);
                problem(Some(order.line), column, &f.field, f.code)
            })),
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(ImportRefusal::Problems(problems)));
    }
    Ok(Ok(result))
}

/// Imports the 12345 platform's .xlsx export (the body): columns found by their header (工单编号,
/// 来电时间, 诉求人, 联系电话, 诉求内容, 签收时限, 办理时限, 所属街道) in any order. A bad file or
/// row is 422 with `details.problems` (`row`, `column`, `field`, `code`) and nothing is taken in.
#[utoipa::path(post, path = "/api/v1/hotline/orders/import", tag = "hotline", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = HotlineImportResult), (status = 403), (status = 413), (status = 422)))]
async fn import_orders(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<HotlineImportResult>> {
    let body = body.map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?;
    if !who.role.is_desk() {
        return Err(StorageError::Forbidden.into());
    }
    let dry_run = query.dry_run.unwrap_or(false);
    let done = import(&state, &who, &query.project_id, &body, dry_run).await??;
    Ok(axum::Json(done))
}

/// `POST /api/v1/tickets/{id}/hotline-reply` input.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HotlineReplyInput {
    /// 办理结果: what was done, and that the caller was told; the ticket must be resolved.
    pub result: String,
}

/// Writes the handling result (办理结果) of the order behind a ticket. It must be complete: at
/// least 15 characters of substance, saying what was done and that the caller was told, not
/// the request repeated, on a resolved or closed ticket; each rule it fails is named in 422
/// `details.fields` (`result`: too_short, no_action_stated, caller_not_told, repeats_request;
/// `status`: not_resolved). The first complete result stops the 办结 clock.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/hotline-reply", tag = "hotline", request_body = HotlineReplyInput,
    responses((status = 200, body = HotlineOrderView), (status = 403), (status = 404), (status = 422)))]
async fn reply_to_order(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<HotlineReplyInput>,
) -> ApiResult<axum::Json<HotlineOrderView>> {
    let (ticket, order) = reply(&state, &who, &id, &input.result).await?;
    Ok(axum::Json(HotlineOrderView::new(
        HotlineOrderRow { order, ticket },
        false,
    )))
}

/// The reply step, for the API and the ticket page alike.
pub(crate) async fn reply(
    state: &AppState,
    who: &Principal,
    ticket_id: &str,
    text: &str,
) -> ApiResult<(guanjia_storage::entity::ticket::Model, hotline_order::Model)> {
    Ok(state
        .store
        .reply_to_hotline_order(who, ticket_id, text, Utc::now())
        .await?)
}

/// The on-time figure of 12345 orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotlineFiguresView {
    /// Orders received in the period.
    pub orders: u64,
    /// With a complete handling result.
    pub answered: u64,
    /// Answered by the platform's 办结 deadline.
    pub answered_in_time: u64,
    /// Answered after it.
    pub answered_late: u64,
    /// Unanswered and past the deadline.
    pub overdue: u64,
    /// 按时办结率: answered_in_time ÷ (answered_in_time + answered_late + overdue), 0–1; null
    /// while no order's outcome is known.
    pub on_time_rate: Option<f64>,
}

impl From<HotlineFigures> for HotlineFiguresView {
    fn from(f: HotlineFigures) -> Self {
        HotlineFiguresView {
            orders: f.orders,
            answered: f.answered,
            answered_in_time: f.answered_in_time,
            answered_late: f.answered_late,
            overdue: f.overdue,
            on_time_rate: f.on_time_rate,
        }
    }
}

/// How many of the 12345 orders received in `[from, to)` were answered within the platform's
/// deadline (desk roles, in their projects).
#[utoipa::path(get, path = "/api/v1/metrics/hotline", tag = "hotline", params(FiguresQuery),
    responses((status = 200, body = HotlineFiguresView), (status = 403), (status = 422)))]
async fn hotline_figures(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> ApiResult<axum::Json<HotlineFiguresView>> {
    query.check()?;
    let filter = HotlineOrderFilter {
        project_id: query.project_id,
        from: Some(query.from),
        to: Some(query.to),
        answered: None,
    };
    Ok(axum::Json(
        state
            .store
            .hotline_figures(&who, &filter, Utc::now())
            .await?
            .into(),
    ))
}
