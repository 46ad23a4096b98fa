//! The IoT alarm webhook: what a platform posts when a device raises or clears an alarm.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::iot::{AlarmInput, AlarmOutcome};
use guanjia_storage::AlarmReceived;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, Caller};
use crate::i18n::Lang;
use crate::iot::{Source, count};
use crate::routes::tickets::TicketView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receive_alarm))
}

/// Receives an alarm of a registered device (desk staff, in their projects): 201 with the
/// ticket it opened; 200 with the ticket it joined or whose timeline took its recovery (or, sent
/// again, the same as the first time, changing nothing); 204 for a recovery with no ticket to
/// go to. The alarm type decides kind, category and urgency; an unknown device (or one out of
/// the caller's scope, or deactivated) is 422 on `device_id`, an unknown type 422 listing the
/// types there are.
#[utoipa::path(post, path = "/api/v1/iot/alarms", tag = "iot", request_body = AlarmInput,
    responses(
        (status = 201, body = TicketView, description = "a ticket was opened"),
        (status = 200, body = TicketView, description = "the ticket it joined, or the same alarm again"),
        (status = 204, description = "a recovery with no ticket to go to"),
        (status = 403), (status = 422)))]
async fn receive_alarm(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiJson(input): ApiJson<AlarmInput>,
) -> ApiResult<Response> {
    let now = Utc::now();
    let alarm = input.validate(now)?;
    let AlarmReceived {
        outcome,
        ticket,
        sla,
    } = state.store.receive_alarm(&who, &alarm, now).await?;
    count(Source::Webhook, outcome.as_str());
    let Some(ticket) = ticket else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let status = if outcome == AlarmOutcome::Opened {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let view = TicketView::new(ticket, &who, &sla, now, false, lang);
    Ok((status, axum::Json(view)).into_response())
}
