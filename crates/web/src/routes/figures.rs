//! The service figures a manager reads: closed loop, follow-up, satisfaction, resolution quality.

use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{Breakdown, Figures, TicketFigures};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::{GroupFigures, PeriodFigures};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Caller};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::text;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(service_figures))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// One project; default every project the caller sees.
    pub project_id: Option<String>,
    /// Start of the period (RFC 3339, included).
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

impl FiguresQuery {
    /// A period ends after it starts.
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.to <= self.from {
            Err(ValidationError::single("to", FieldErrorCode::OutOfRange))
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
