//! The FAQ bot (智能客服): a question answered from the published articles or handed to a
//! person, and the asker's word on whether the answer helped.

use axum::extract::{Path, State};
use chrono::Utc;
use guanjia_domain::kb::Handoff;
use guanjia_storage::{BotQuestion, BotReply};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(rate))
}

/// A question for the bot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AskInput {
    /// The question as the resident wrote it, 1–500 characters.
    pub text: String,
    /// The channel it came in on (a channel code: app for the residents' H5, wechat, …).
    pub channel: String,
    pub project_id: String,
}

/// The article the bot answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct BotAnswerView {
    pub article_id: String,
    pub title: String,
    /// The article's body, Markdown.
    pub text: String,
    /// How sure the bot is, 0–1.
    pub confidence: f32,
}

/// An article that may help.
#[derive(Debug, Serialize, ToSchema)]
pub struct BotSuggestionView {
    pub article_id: String,
    pub title: String,
    pub score: f32,
}

/// What the bot did: answered (`answer`) or handed off to a person (`handoff`), never both.
#[derive(Debug, Serialize, ToSchema)]
pub struct BotReplyView {
    /// This answer's id, for `POST /api/v1/bot/answers/{id}/feedback`.
    pub id: String,
    pub answer: Option<BotAnswerView>,
    pub handoff: bool,
    /// Why a person takes over, when one does.
    pub handoff_reason: Option<Handoff>,
    pub suggestions: Vec<BotSuggestionView>,
}

impl From<BotReply> for BotReplyView {
    fn from(r: BotReply) -> Self {
        BotReplyView {
            id: r.record.id,
            answer: r.answer.map(|a| BotAnswerView {
                article_id: a.article_id,
                title: a.title,
                text: a.text,
                confidence: a.confidence,
            }),
            handoff: r.handoff.is_some(),
            handoff_reason: r.handoff,
            suggestions: r
                .suggestions
                .into_iter()
                .map(|s| BotSuggestionView {
                    article_id: s.article_id,
                    title: s.title,
                    score: s.score,
                })
                .collect(),
        }
    }
}

/// Asks the bot: staff within their projects, residents in their household's project. It
/// answers from an article, or hands off — at once for a repair, complaint, emergency or a
/// request for a person, and whenever no article answers well enough.
#[utoipa::path(post, path = "/api/v1/bot/ask", tag = "kb", request_body = AskInput,
    responses((status = 200, body = BotReplyView), (status = 404, description = "project not found or out of reach"),
        (status = 422, description = "validation_failed")))]
async fn ask(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<AskInput>,
) -> ApiResult<axum::Json<BotReplyView>> {
    let question = BotQuestion {
        text: input.text,
        channel: input.channel,
        project_id: input.project_id,
    };
    let reply = state.store.ask_bot(&who, question, Utc::now()).await?;
    Ok(axum::Json(reply.into()))
}

/// Whether an answer helped.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackInput {
    pub helpful: bool,
}

/// The recorded word on an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: String,
    pub helpful: Option<bool>,
}

/// Says whether an answer helped (only whoever asked; saying it again replaces it). A hand-off
/// answered nothing and cannot be rated (422).
#[utoipa::path(post, path = "/api/v1/bot/answers/{id}/feedback", tag = "kb", request_body = FeedbackInput,
    responses((status = 200, body = FeedbackView), (status = 404), (status = 422, description = "validation_failed")))]
async fn rate(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FeedbackInput>,
) -> ApiResult<axum::Json<FeedbackView>> {
    let row = state
        .store
        .rate_bot_answer(&who, &id, input.helpful, Utc::now())
        .await?;
    Ok(axum::Json(FeedbackView {
        id: row.id,
        helpful: row.helpful,
    }))
}
