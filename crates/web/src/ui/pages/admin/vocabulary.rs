//! 智能识别词库: the words message understanding reads with, kept by admins. The vocabulary is
//! edited as the API's JSON; a message can be tried with the edited vocabulary next to the one in
//! use before anything is saved, and a vocabulary the analyser cannot use is refused with where
//! and why, changing nothing.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_intake::Analysis;
use serde::Deserialize;
use serde_json::Value;

use super::{Faults, admin_only, done, render};
use crate::error::ApiError;
use crate::routes::intake::{PreviewView, compare, unusable_vocabulary, vocabulary_of};
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// How one field of a reading is shown.
type ReadField = fn(&Analysis, crate::i18n::Lang) -> String;

/// One field of a message's reading, under the edited vocabulary and under the one in use.
pub struct Reading {
    pub label: &'static str,
    pub proposed: String,
    pub current: String,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "admin_vocabulary.html")]
struct VocabularyPage {
    chrome: Chrome,
    t: &'static Labels,
    version: i64,
    built_in: bool,
    saved: bool,
    vocabulary: String,
    text: String,
    channels: Vec<Choice>,
    readings: Vec<Reading>,
    /// The words that decided, under the edited vocabulary.
    evidence: Vec<String>,
    faults: Faults,
    /// Why a vocabulary was refused, in the analyser's words (which list, which entry).
    reason: Option<String>,
}

impl VocabularyPage {
    async fn load(
        state: &AppState,
        session: &Session,
        typed: Option<&Posted>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let stored = state
            .store
            .vocabulary(&session.who)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        let vocabulary = match typed {
            Some(posted) => posted.vocabulary.clone(),
            None => serde_json::to_string_pretty(&stored.vocabulary).unwrap_or_default(),
        };
        let channel = typed.and_then(|p| p.channel.as_deref());
        Ok(VocabularyPage {
            chrome: Chrome::signed_in(
                session,
                text::labels(lang).admin_vocabulary,
                Nav::Admin,
                "/admin/vocabulary",
            ),
            t: text::labels(lang),
            version: stored.version,
            built_in: stored.built_in,
            saved: false,
            vocabulary,
            text: typed.map(|p| p.text.clone()).unwrap_or_default(),
            channels: choices(
                channel,
                Channel::ALL
                    .iter()
                    .map(|c| (c.as_str(), text::channel(lang, *c))),
            ),
            readings: Vec::new(),
            evidence: Vec::new(),
            faults: Faults::default(),
            reason: None,
        })
    }

    fn refused(mut self, error: &ApiError, lang: crate::i18n::Lang) -> Self {
        self.faults = Faults::of(error, lang);
        self.reason = error
            .details
            .get("reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    pub saved: Option<String>,
}

/// `GET /admin/vocabulary`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(saved): Query<Saved>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let mut page = VocabularyPage::load(&state, &session, None).await?;
    page.saved = saved.saved.is_some();
    render(page, None)
}

/// The posted form: the vocabulary as typed, a message to try, and which button was pressed.
#[derive(Debug, Deserialize)]
pub struct Posted {
    #[serde(default)]
    pub vocabulary: String,
    #[serde(default)]
    pub text: String,
    pub channel: Option<String>,
    /// `try` or `save`.
    #[serde(default)]
    pub intent: String,
}

/// `POST /admin/vocabulary`: tries a message with the edited vocabulary, or saves it.
pub async fn post(
    State(state): State<AppState>,
    session: Session,
    Form(posted): Form<Posted>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    let page = VocabularyPage::load(&state, &session, Some(&posted)).await?;
    let parsed = serde_json::from_str::<Value>(&posted.vocabulary)
        .map_err(|e| unusable_vocabulary(&e))
        .and_then(vocabulary_of);
    let vocabulary = match parsed {
        Ok(vocabulary) => vocabulary,
        Err(error) => return render(page.refused(&error, lang), Some(&error)),
    };
    if posted.intent == "save" {
        return match state
            .store
            .set_vocabulary(&session.who, vocabulary, Utc::now())
            .await
        {
            Ok(_) => done("/admin/vocabulary?saved=1"),
            Err(error) => {
                let error = ApiError::from(error);
                render(page.refused(&error, lang), Some(&error))
            }
        };
    }
    let message = posted.text.trim();
    if message.is_empty() {
        return render(page, None);
    }
    match compare(
        &state,
        &session.who,
        message,
        posted.channel.as_deref().filter(|c| !c.is_empty()),
        Some(vocabulary),
    )
    .await
    {
        Ok(preview) => render(page.with(&preview, lang), None),
        Err(error) => render(page.refused(&error, lang), Some(&error)),
    }
}

impl VocabularyPage {
    fn with(mut self, preview: &PreviewView, lang: crate::i18n::Lang) -> Self {
        let t = self.t;
        let fields: [(&str, &'static str, ReadField); 5] = [
            ("kind", t.kind, |a, lang| {
                a.kind
                    .as_deref()
                    .and_then(|k| k.parse::<Kind>().ok())
                    .map_or_else(String::new, |k| text::kind(lang, k).to_owned())
            }),
            ("category", t.category, |a, _| {
                a.category.clone().unwrap_or_default()
            }),
            ("urgency", t.urgency, |a, lang| {
                a.urgency
                    .parse::<Urgency>()
                    .map_or_else(|_| a.urgency.clone(), |u| text::urgency(lang, u).to_owned())
            }),
            ("escalation_risk", t.risk, |a, lang| {
                if a.escalation_risk {
                    text::labels(lang).risk.to_owned()
                } else {
                    "—".to_owned()
                }
            }),
            ("location", t.location, |a, _| {
                [&a.location.building, &a.location.unit, &a.location.room]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        ];
        self.readings = fields
            .iter()
            .map(|(field, label, read)| Reading {
                label,
                proposed: read(&preview.proposed, lang),
                current: read(&preview.current, lang),
                changed: preview.changed.iter().any(|c| c == field),
            })
            .collect();
        self.evidence = preview
            .proposed
            .evidence
            .iter()
            .filter(|e| !e.words.is_empty())
            .map(|e| format!("{}: {}", e.field, e.words.join("、")))
            .collect();
        self
    }
}
