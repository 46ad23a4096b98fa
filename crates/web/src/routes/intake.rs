//! Message understanding as a service: what Guanjia reads in a resident's words, the company's
//! vocabulary it reads with (editable by admins, with a preview), and how often the desk had to
//! correct it.

use axum::extract::State;
use chrono::{DateTime, Utc};
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::ticket::{IntakeAccuracy, MAX_DESCRIPTION};
use guanjia_domain::validation::{FieldErrorCode, Problems, ValidationError};
use guanjia_intake::{Analysis, Analyzer, Vocabulary};
use guanjia_storage::{Principal, StoredVocabulary};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::routes::figures::FiguresQuery;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(analyze))
        .routes(routes!(preview))
        .routes(routes!(get_vocabulary, put_vocabulary))
        .routes(routes!(intake_figures))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    pub text: String,
    pub channel: Option<String>,
    pub project_id: Option<String>,
}

impl AnalyzeRequest {
    /// A message to read, from a channel and project the caller knows.
    fn check(&self, who: &Principal) -> Result<(), ValidationError> {
        let mut p = Problems::new();
        p.text("text", &self.text, MAX_DESCRIPTION);
        if let Some(channel) = &self.channel {
            p.code::<Channel>("channel", channel);
        }
        if self
            .project_id
            .as_deref()
            .is_some_and(|id| !who.sees_project(id))
        {
            p.add("project_id", FieldErrorCode::UnknownReference);
        }
        p.into_result(())
    }
}

/// Kind, category, urgency, escalation risk and place of a message, with confidences and the
/// words that decided, read with the company's vocabulary. Staff only.
#[utoipa::path(post, path = "/api/v1/intake/analyze", tag = "intake", request_body = AnalyzeRequest,
    responses((status = 200, body = Object), (status = 422)))]
async fn analyze(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<AnalyzeRequest>,
) -> ApiResult<axum::Json<Value>> {
    if !who.role.is_staff() {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    input.check(&who)?;
    let analysis = state
        .store
        .analyzer(&who.company_id)
        .await?
        .analyze(&input.text, input.channel.as_deref());
    Ok(axum::Json(
        serde_json::to_value(analysis).unwrap_or_default(),
    ))
}

/// The company's vocabulary for message understanding.
#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyView {
    /// Word lists per category with their weights and problem tags, kind cues, fallback
    /// categories, problem scopes, per-category duplicate windows, emergency and escalation-risk
    /// vocabularies, synonyms, and the repeat threshold (see `guanjia_intake::Vocabulary`).
    #[schema(value_type = Object)]
    pub vocabulary: Value,
    /// 0 for the built-in vocabulary; each change adds one.
    pub version: i64,
    /// Nothing stored yet: the vocabulary that ships with Guanjia.
    pub built_in: bool,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<StoredVocabulary> for VocabularyView {
    fn from(v: StoredVocabulary) -> Self {
        VocabularyView {
            vocabulary: serde_json::to_value(&v.vocabulary).unwrap_or_default(),
            version: v.version,
            built_in: v.built_in,
            updated_by: v.updated_by,
            updated_at: v.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VocabularyInput {
    /// The whole vocabulary, in the shape `GET` returns it.
    #[schema(value_type = Object)]
    pub vocabulary: Value,
}

/// A vocabulary from a request: one that does not even have the vocabulary's shape is a 422 on
/// `vocabulary` with the reason, like one the analyser cannot use.
pub(crate) fn vocabulary_of(value: Value) -> Result<Vocabulary, ApiError> {
    serde_json::from_value(value).map_err(|e| unusable_vocabulary(&e))
}

/// A vocabulary refused before the analyser saw it (not JSON, or not the vocabulary's shape).
pub(crate) fn unusable_vocabulary(reason: &impl std::fmt::Display) -> ApiError {
    ApiError::with_details(
        ErrorCode::ValidationFailed,
        json!({ "fields": { "vocabulary": FieldErrorCode::Invalid.as_str() }, "reason": reason.to_string() }),
    )
}

/// The company's vocabulary (the built-in one until an admin stores their own). Staff only.
#[utoipa::path(get, path = "/api/v1/intake/vocabulary", tag = "intake", responses((status = 200, body = VocabularyView), (status = 403)))]
async fn get_vocabulary(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<VocabularyView>> {
    Ok(axum::Json(state.store.vocabulary(&who).await?.into()))
}

/// Replaces the company's vocabulary (admins; audited). One the analyser cannot use is 422 with
/// `details.fields` naming where (`vocabulary.categories[3].code`) and `details.reason`, and
/// nothing changes. Every node reads the new one on its next ticket.
#[utoipa::path(put, path = "/api/v1/intake/vocabulary", tag = "intake", request_body = VocabularyInput,
    responses((status = 200, body = VocabularyView), (status = 403), (status = 422, description = "validation_failed")))]
async fn put_vocabulary(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<VocabularyInput>,
) -> ApiResult<axum::Json<VocabularyView>> {
    if !who.role.administers() {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let vocabulary = vocabulary_of(input.vocabulary)?;
    Ok(axum::Json(
        state
            .store
            .set_vocabulary(&who, vocabulary, Utc::now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub text: String,
    pub channel: Option<String>,
    pub project_id: Option<String>,
    /// A vocabulary to try; left out, the stored one.
    #[schema(value_type = Option<Object>)]
    pub vocabulary: Option<Value>,
}

/// A message read under a proposed vocabulary next to the stored one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    /// Under the proposed vocabulary (the stored one when none was sent).
    #[schema(value_type = Object)]
    pub proposed: Analysis,
    /// Under the company's stored vocabulary.
    #[schema(value_type = Object)]
    pub current: Analysis,
    /// The fields that read differently: kind, category, urgency, escalation_risk, location.
    pub changed: Vec<String>,
}

/// The fields two readings of one message disagree on.
fn changed(a: &Analysis, b: &Analysis) -> Vec<String> {
    let fields = [
        ("kind", a.kind != b.kind),
        ("category", a.category != b.category),
        ("urgency", a.urgency != b.urgency),
        ("escalation_risk", a.escalation_risk != b.escalation_risk),
        ("location", a.location != b.location),
    ];
    fields
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(field, _)| field.to_owned())
        .collect()
}

/// How a message would be read under a proposed vocabulary, next to how the stored one reads
/// it, so an admin sees what an edit would change before saving it. Admins only.
#[utoipa::path(post, path = "/api/v1/intake/preview", tag = "intake", request_body = PreviewRequest,
    responses((status = 200, body = PreviewView), (status = 403), (status = 422, description = "validation_failed")))]
async fn preview(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<PreviewRequest>,
) -> ApiResult<axum::Json<PreviewView>> {
    if !who.role.administers() {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let request = AnalyzeRequest {
        text: input.text,
        channel: input.channel,
        project_id: input.project_id,
    };
    request.check(&who)?;
    let proposed = input.vocabulary.map(vocabulary_of).transpose()?;
    Ok(axum::Json(
        compare(
            &state,
            &who,
            &request.text,
            request.channel.as_deref(),
            proposed,
        )
        .await?,
    ))
}

/// A message read under `proposed` (the stored vocabulary when none) next to the stored one.
pub(crate) async fn compare(
    state: &AppState,
    who: &Principal,
    text: &str,
    channel: Option<&str>,
    proposed: Option<Vocabulary>,
) -> Result<PreviewView, ApiError> {
    let stored = state.store.analyzer(&who.company_id).await?;
    let proposed = match proposed {
        Some(vocabulary) => std::sync::Arc::new(
            Analyzer::try_new(vocabulary).map_err(guanjia_storage::StorageError::from)?,
        ),
        None => stored.clone(),
    };
    let (proposed, current) = (
        proposed.analyze(text, channel),
        stored.analyze(text, channel),
    );
    let changed = changed(&proposed, &current);
    Ok(PreviewView {
        proposed,
        current,
        changed,
    })
}

/// How often the desk kept what was read from the text, over the tickets reported in the period
/// (one project, or every project the caller sees): per field (kind, category, urgency) the
/// tickets it was filled from the text, how many the desk corrected with `reclassify`, and
/// accuracy = 1 − corrected ÷ filled; with the most frequent corrections (from → to).
#[utoipa::path(get, path = "/api/v1/metrics/intake", tag = "intake", params(FiguresQuery), responses((status = 200, body = IntakeAccuracy), (status = 422)))]
async fn intake_figures(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> ApiResult<axum::Json<IntakeAccuracy>> {
    query.check()?;
    Ok(axum::Json(
        state
            .store
            .intake_accuracy(&who, query.project_id.as_deref(), query.from, query.to)
            .await?,
    ))
}
