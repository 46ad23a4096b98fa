//! The service figures a manager reads: closed loop, follow-up, satisfaction, resolution quality.

use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Datelike, Utc};
use guanjia_domain::closed_loop::{Breakdown, Figures, TicketFigures};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::{GroupFigures, PeriodFigures, TREND_MONTHS_MAX};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Caller};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::text;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(service_figures))
        .routes(routes!(trend))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// One project; default every project the caller sees.
    pub project_id: Option<String>,
    /// Start of the period (RFC 3339, included; 2000 or later); a period lasts ten years (3,660
    /// days) at most.
    pub from: DateTime<Utc>,
    /// End of the period (RFC 3339, excluded).
    pub to: DateTime<Utc>,
    /// Also the same figures per group.
    #[param(inline)]
    pub by: Option<Breakdown>,
    /// `previous`: also the figures of the period just before, as long.
    #[param(inline)]
    pub compare: Option<Compare>,
}

/// What the figures are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    Previous,
}

/// The longest period the figures count.
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// The earliest year a period may start in (the period before it then starts in 1990 at the
/// earliest: every date stays a four-digit year).
const FIRST_YEAR: i32 = 2000;

impl FiguresQuery {
    /// A period ends after it starts, starts in 2000 or later and lasts ten years at most.
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.to <= self.from {
            Err(ValidationError::single("to", FieldErrorCode::OutOfRange))
        } else if self.from.year() < FIRST_YEAR
            || self.to - self.from > chrono::Duration::days(MAX_PERIOD_DAYS)
        {
            Err(ValidationError::single("from", FieldErrorCode::OutOfRange))
        } else {
            Ok(())
        }
    }
}

/// The service figures of a period, with its groups and the period before when asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceFiguresView {
    #[serde(flatten)]
    pub figures: Figures,
    /// One entry a group (`by=`): the largest first, the tickets without a key last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupView>>,
    /// The period just before, as long (`compare=previous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousView>,
}

/// One group of a breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// The project, grid, team or staff id, the category or channel code; null for the tickets
    /// without one.
    pub key: Option<String>,
    /// In the reader's language.
    pub name: String,
    #[serde(flatten)]
    pub figures: TicketFigures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviousView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupView>>,
}

fn groups_view(lang: Lang, groups: Option<Vec<GroupFigures>>) -> Option<Vec<GroupView>> {
    groups.map(|groups| {
        groups
            .into_iter()
            .map(|g| GroupView {
                name: text::group_name(lang, &g.name),
                key: g.key,
                figures: g.figures,
            })
            .collect()
    })
}

/// The figures of the tickets reported in the period (cancelled ones left out); each rate is a
/// share 0–1, null when there was nothing to count. `by=` adds the same figures per group,
/// `compare=previous` those of the period just before. Definitions: README, "Service figures".
#[utoipa::path(get, path = "/api/v1/metrics/service", tag = "closed loop", params(FiguresQuery), responses((status = 200, body = ServiceFiguresView), (status = 422)))]
async fn service_figures(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> ApiResult<axum::Json<ServiceFiguresView>> {
    query.check()?;
    let lang = Lang::from_headers(&headers);
    let asked = guanjia_storage::FiguresQuery {
        project_id: query.project_id,
        from: query.from,
        to: query.to,
        by: query.by,
        compare_previous: query.compare == Some(Compare::Previous),
    };
    let found = state.store.service_figures(&who, &asked).await?;
    let PeriodFigures { figures, groups } = found.current;
    Ok(axum::Json(ServiceFiguresView {
        figures,
        groups: groups_view(lang, groups),
        previous: found.previous.map(|p| PreviousView {
            from: asked.from - (asked.to - asked.from),
            to: asked.from,
            figures: p.figures,
            groups: groups_view(lang, p.groups),
        }),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrendQuery {
    /// One project; default every project the caller sees.
    pub project_id: Option<String>,
    /// How many months, this one included: 1–24, default 12.
    pub months: Option<u32>,
}

/// One month of the trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthView {
    /// `YYYY-MM`.
    pub month: String,
    pub from: DateTime<Utc>,
    /// The month's end, or now for this month.
    pub to: DateTime<Utc>,
    #[serde(flatten)]
    pub figures: TicketFigures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendView {
    /// Oldest first; months without tickets are there with zero counts.
    pub months: Vec<MonthView>,
}

/// The service figures month by month (趋势), counted in the project's time zone (of the first
/// project seen, without `project_id`). Same definitions as `/api/v1/metrics/service`.
#[utoipa::path(get, path = "/api/v1/metrics/trend", tag = "closed loop", params(TrendQuery), responses((status = 200, body = TrendView), (status = 422)))]
async fn trend(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> ApiResult<axum::Json<TrendView>> {
    let months = query.months.unwrap_or(12);
    if !(1..=TREND_MONTHS_MAX).contains(&months) {
        return Err(ValidationError::single("months", FieldErrorCode::OutOfRange).into());
    }
    let zone = state
        .store
        .figures_zone(&who, query.project_id.as_deref())
        .await?;
    let found = state
        .store
        .monthly_figures(&who, query.project_id.as_deref(), months, zone, Utc::now())
        .await?;
    Ok(axum::Json(TrendView {
        months: found
            .into_iter()
            .map(|m| MonthView {
                month: m.month.format("%Y-%m").to_string(),
                from: m.from,
                to: m.to,
                figures: m.figures,
            })
            .collect(),
    }))
}
