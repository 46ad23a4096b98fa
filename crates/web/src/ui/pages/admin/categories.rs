//! 报事分类: the company's categories with their names in both languages, whether they are in
//! use, whether resolved tickets are called back and how their jobs are dispatched. Admins add
//! one, edit one (codes never change), and take one out of use or back.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::closed_loop::FollowUpPolicy;
use guanjia_domain::dispatch::DispatchMode;
use guanjia_domain::setup::CategoryInput;
use guanjia_storage::entity::category;
use serde::Deserialize;

use super::{Faults, Fields, admin_only, answer, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

fn follow_up(t: &Labels, policy: FollowUpPolicy) -> &'static str {
    match policy {
        FollowUpPolicy::Always => t.follow_up_always,
        FollowUpPolicy::UnlessRated => t.follow_up_unless_rated,
        FollowUpPolicy::Never => t.follow_up_never,
    }
}

fn dispatch_mode(t: &Labels, mode: DispatchMode) -> &'static str {
    match mode {
        DispatchMode::LeastLoad => t.dispatch_least_load,
        DispatchMode::RoundRobin => t.dispatch_round_robin,
        DispatchMode::Grab => t.dispatch_grab,
    }
}

pub struct CategoryRow {
    pub code: String,
    pub kind: &'static str,
    pub label_zh: String,
    pub label_en: String,
    pub follow_up: &'static str,
    pub dispatch: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_categories.html")]
struct CategoriesPage {
    chrome: Chrome,
    t: &'static Labels,
    categories: Vec<CategoryRow>,
    /// Editing an existing code (the form keeps it).
    editing: bool,
    follow_ups: Vec<Choice>,
    modes: Vec<Choice>,
    form: Fields,
    faults: Faults,
}

impl CategoriesPage {
    async fn load(
        state: &AppState,
        session: &Session,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let all = state
            .store
            .categories(&session.who.company_id)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        let editing = all.iter().any(|c| c.code == form.one("code"));
        let row = |c: category::Model| CategoryRow {
            kind: c.kind.parse().map_or("", |k| text::kind(lang, k)),
            follow_up: follow_up(
                t,
                c.follow_up_policy
                    .map_or(FollowUpPolicy::UnlessRated, |p| *p),
            ),
            dispatch: dispatch_mode(
                t,
                c.dispatch_mode
                    .as_deref()
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(DispatchMode::LeastLoad),
            ),
            code: c.code,
            label_zh: c.label_zh,
            label_en: c.label_en,
            active: c.active,
        };
        let (policy, mode) = (form.given("follow_up_policy"), form.given("dispatch_mode"));
        Ok(CategoriesPage {
            chrome: Chrome::signed_in(session, t.admin_categories, Nav::Admin, "/admin/categories"),
            t,
            categories: all.into_iter().map(row).collect(),
            editing,
            follow_ups: choices(
                policy.as_deref(),
                [("", t.unchanged_or_default)].into_iter().chain(
                    FollowUpPolicy::ALL
                        .iter()
                        .map(|p| (p.as_str(), follow_up(t, *p))),
                ),
            ),
            modes: choices(
                mode.as_deref(),
                [("", t.unchanged_or_default)].into_iter().chain(
                    DispatchMode::ALL
                        .iter()
                        .map(|m| (m.as_str(), dispatch_mode(t, *m))),
                ),
            ),
            form,
            faults,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Edit {
    code: Option<String>,
}

/// `GET /admin/categories[?code=…]`: the list, and the form (filled with a category to edit).
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(edit): Query<Edit>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let all = state
        .store
        .categories(&session.who.company_id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let form = match all
        .into_iter()
        .find(|c| Some(&c.code) == edit.code.as_ref())
    {
        Some(c) => {
            let mut pairs = vec![
                ("code", c.code),
                ("label_zh", c.label_zh),
                ("label_en", c.label_en),
            ];
            pairs.extend(
                c.follow_up_policy
                    .map(|p| ("follow_up_policy", p.to_string())),
            );
            pairs.extend(c.dispatch_mode.map(|m| ("dispatch_mode", m)));
            if c.active {
                pairs.push(("active", "true".to_owned()));
            }
            Fields::of(pairs)
        }
        None => Fields::of([("active", "true".to_owned())]),
    };
    render(
        CategoriesPage::load(&state, &session, form, Faults::default()).await?,
        None,
    )
}

/// `POST /admin/categories`: adds a category or saves one (its labels, state, follow-up and
/// dispatch mode), as the API's save does.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = CategoryInput {
        code: form.one("code"),
        label_zh: form.one("label_zh"),
        label_en: form.one("label_en"),
        active: Some(form.ticked("active")),
        follow_up_policy: form.given("follow_up_policy"),
        dispatch_mode: form.given("dispatch_mode"),
        // Kept as it is: set through the API.
        min_photos: None,
    };
    let saved = match input.validate() {
        Ok(input) => state
            .store
            .save_category(&session.who, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(
        session.lang,
        saved,
        |c| format!("/admin/categories#c-{}", c.code),
        async |faults| CategoriesPage::load(&state, &session, form, faults).await,
    )
    .await
}
