//! What residents open from the links they are sent, without signing in: rating a resolved
//! request (评价) and answering a survey (满意度调查). Small, phone-first pages; the link's own
//! signed token is what authorises the answer.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::closed_loop::{NpsAnswer, Rating};
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::StorageError;
use serde::Deserialize;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chrome::Chrome;
use crate::ui::error::{Notice, UiError};
use crate::ui::lang::page_lang;
use crate::ui::text::{self, Labels};

/// One row of choices: 1–5 stars, or 0–10.
pub struct Scale {
    pub name: &'static str,
    pub label: &'static str,
    pub values: Vec<i64>,
    pub required: bool,
    pub hint: String,
    /// Tappable stars (radio inputs drawn as stars; they work without scripts), not numbers.
    pub stars: bool,
}

/// A rating's rows of stars: overall (which decides), timeliness and attitude. Residents rate
/// from a link or from their own request page alike.
pub fn rating_scales(t: &Labels) -> Vec<Scale> {
    let stars = |name, label, required| Scale {
        name,
        label,
        values: (1..=5).collect(),
        required,
        hint: String::new(),
        stars: true,
    };
    vec![
        stars("overall", t.rate_overall, true),
        stars("timeliness", t.rate_timeliness, false),
        stars("attitude", t.rate_attitude, false),
    ]
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    heading: &'static str,
    subject: String,
    action: String,
    scales: Vec<Scale>,
    comment_label: &'static str,
    submit: &'static str,
    notice: Option<Notice>,
    /// Set once answered, or when the link cannot be used: the page says only this.
    done: Option<String>,
}

/// Why a link cannot be used, in words for a resident.
fn lapsed(t: &Labels, error: &StorageError) -> Option<String> {
    match error {
        StorageError::LinkUsed => Some(t.link_used.to_owned()),
        StorageError::LinkExpired => Some(t.link_expired.to_owned()),
        StorageError::NotFound(_) => Some(t.link_invalid.to_owned()),
        _ => None,
    }
}

fn rating_page(lang: Lang, token: &str, subject: String) -> FeedbackPage {
    let t = text::labels(lang);
    FeedbackPage {
        chrome: Chrome::anonymous(lang, t.rate_title, &format!("/rate/{token}")),
        heading: t.rate_title,
        subject,
        action: format!("/rate/{token}"),
        scales: rating_scales(t),
        comment_label: t.rate_comment,
        submit: t.rate_submit,
        notice: None,
        done: None,
    }
}

fn survey_page(lang: Lang, token: &str, subject: String) -> FeedbackPage {
    let t = text::labels(lang);
    let scale = Scale {
        name: "score",
        label: t.survey_title,
        values: (0..=10).collect(),
        required: true,
        hint: format!("{}；{}", t.survey_low, t.survey_high),
        stars: false,
    };
    FeedbackPage {
        chrome: Chrome::anonymous(lang, t.survey_title, &format!("/survey/{token}")),
        heading: t.survey_title,
        subject,
        action: format!("/survey/{token}"),
        scales: vec![scale],
        comment_label: t.survey_reason,
        submit: t.survey_submit,
        notice: None,
        done: None,
    }
}

fn render(page: FeedbackPage) -> Result<Response, UiError> {
    Ok(Html(page.render()?).into_response())
}

/// A page that only says why the link cannot be used (or the error page for anything else).
fn unusable(mut page: FeedbackPage, error: StorageError, lang: Lang) -> Result<Response, UiError> {
    match lapsed(text::labels(lang), &error) {
        Some(message) => {
            page.done = Some(message);
            render(page)
        }
        None => Err(UiError::api(error, lang)),
    }
}

/// A score from a form field: absent or empty is None, anything else must be a number.
fn score(field: &str, value: Option<&str>) -> Result<Option<i64>, ValidationError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::single(field, FieldErrorCode::Invalid)),
    }
}

#[derive(Deserialize)]
pub struct RatingForm {
    overall: Option<String>,
    timeliness: Option<String>,
    attitude: Option<String>,
    comment: Option<String>,
}

impl RatingForm {
    pub fn rating(self) -> Result<Rating, ValidationError> {
        let overall = score("overall", self.overall.as_deref())?
            .ok_or_else(|| ValidationError::single("overall", FieldErrorCode::Required))?;
        Ok(Rating {
            overall,
            timeliness: score("timeliness", self.timeliness.as_deref())?,
            attitude: score("attitude", self.attitude.as_deref())?,
            comment: self.comment.filter(|c| !c.trim().is_empty()),
        })
    }
}

/// `GET /rate/{token}`.
pub async fn rate_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    match state.store.rating_link(&token, Utc::now()).await {
        Ok(info) => render(rating_page(
            lang,
            &token,
            format!("{} · {}", info.ticket.number, info.ticket.title),
        )),
        Err(e) => unusable(rating_page(lang, &token, String::new()), e, lang),
    }
}

/// `POST /rate/{token}`: the rating, once; a bad form is shown again with what is wrong.
pub async fn rate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RatingForm>,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    let t = text::labels(lang);
    let mut page = rating_page(lang, &token, String::new());
    let outcome = match form.rating() {
        Ok(rating) => state.store.rate_by_link(&token, rating, Utc::now()).await,
        Err(invalid) => Err(invalid.into()),
    };
    match outcome {
        Ok(ticket) => {
            page.done = Some(
                if ticket.status == Status::Reopened {
                    t.rate_rework
                } else {
                    t.rate_thanks
                }
                .to_owned(),
            );
            render(page)
        }
        Err(StorageError::Validation(invalid)) => {
            page.notice = Some(Notice::of(&ApiError::from(invalid), lang));
            render(page)
        }
        Err(e) => unusable(page, e, lang),
    }
}

#[derive(Deserialize)]
pub struct SurveyForm {
    score: Option<String>,
    comment: Option<String>,
}

/// `GET /survey/{token}`.
pub async fn survey_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    match state.store.survey(&token, Utc::now()).await {
        Ok(campaign) => render(survey_page(
            lang,
            &token,
            format!("{} · {}", campaign.name, campaign.question),
        )),
        Err(e) => unusable(survey_page(lang, &token, String::new()), e, lang),
    }
}

/// `POST /survey/{token}`.
pub async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<SurveyForm>,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    let mut page = survey_page(lang, &token, String::new());
    let outcome = match score("score", form.score.as_deref())
        .and_then(|s| s.ok_or_else(|| ValidationError::single("score", FieldErrorCode::Required)))
    {
        Ok(score) => {
            state
                .store
                .answer_survey(
                    &token,
                    NpsAnswer {
                        score,
                        reason: form.comment.filter(|c| !c.trim().is_empty()),
                    },
                    Utc::now(),
                )
                .await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match outcome {
        Ok(()) => {
            page.done = Some(text::labels(lang).survey_thanks.to_owned());
            render(page)
        }
        Err(StorageError::Validation(invalid)) => {
            page.notice = Some(Notice::of(&ApiError::from(invalid), lang));
            render(page)
        }
        Err(e) => unusable(page, e, lang),
    }
}
