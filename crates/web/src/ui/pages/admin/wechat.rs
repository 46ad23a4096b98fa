//! 微信公众号: the company's official accounts for admins: each with its AppID, name, project,
//! the server URL to paste into WeChat's console (服务器配置) and whether it is in use. Admins
//! register one, edit one and stop or restart one, through the same store calls as the API.
//! Secrets are write-only: the page says whether each is set, never what it is, and an edit
//! that leaves one empty keeps the stored one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::wechat::{WechatAccountChange, WechatAccountInput};
use guanjia_storage::{PageRequest, WechatAccountView};
use serde::Deserialize;

use super::{Done, Faults, Fields, PageParam, admin_only, answer, done, page_url, pages, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Every project an admin may give an account (a company has a handful to a few hundred).
const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};

const PATH: &str = "/admin/wechat";

pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub app_id: String,
    pub project: String,
    pub callback_url: String,
    pub secret_set: bool,
    pub token_set: bool,
    pub aes_key_set: bool,
    pub active: bool,
}

/// The account being edited: which secrets it has (the form never holds them).
pub struct Editing {
    pub id: String,
    pub secret_set: bool,
    pub token_set: bool,
    pub aes_key_set: bool,
}

#[derive(Template)]
#[template(path = "admin_wechat.html")]
struct WechatPage {
    chrome: Chrome,
    t: &'static Labels,
    accounts: Vec<AccountRow>,
    total: String,
    pages: Pages,
    done: Option<&'static str>,
    editing: Option<Editing>,
    projects: Vec<Choice>,
    form: Fields,
    faults: Faults,
}

/// Where WeChat's servers call the account, as the admin pastes it: this site's host (as the
/// browser reached it) and the account's callback path. WeChat calls only ports 80 and 443.
fn callback_url(headers: &HeaderMap, account: &WechatAccountView) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("HOST");
    format!("https://{host}{}", account.callback_path())
}

impl WechatPage {
    #[allow(clippy::too_many_arguments)]
    async fn load(
        state: &AppState,
        session: &Session,
        headers: &HeaderMap,
        page: PageRequest,
        done: Option<Done>,
        editing: Option<Editing>,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let listed = state
            .store
            .wechat_accounts(&session.who, page)
            .await
            .map_err(fail)?;
        let projects = state
            .store
            .projects(&session.who, PROJECTS)
            .await
            .map_err(fail)?
            .items;
        let project_name = |id: &Option<String>| match id {
            Some(id) => projects
                .iter()
                .find(|p| &p.id == id)
                .map_or_else(|| id.clone(), |p| p.name.clone()),
            None => t.whole_company.to_owned(),
        };
        let accounts = listed
            .items
            .iter()
            .map(|a| AccountRow {
                id: a.row.id.clone(),
                name: a.row.name.clone(),
                app_id: a.row.app_id.clone(),
                project: project_name(&a.row.project_id),
                callback_url: callback_url(headers, a),
                secret_set: !a.row.app_secret.is_empty(),
                token_set: !a.row.token.is_empty(),
                aes_key_set: a.has_encoding_aes_key(),
                active: a.row.active,
            })
            .collect();
        let chosen = form.one("project_id");
        let projects = choices(
            Some(chosen.as_str()),
            std::iter::once(("", t.whole_company))
                .chain(projects.iter().map(|p| (p.id.as_str(), p.name.as_str()))),
        );
        Ok(WechatPage {
            chrome: Chrome::signed_in(session, t.admin_wechat, Nav::Admin, PATH),
            t,
            accounts,
            total: super::count(lang, listed.total),
            pages: pages(&listed, |n| page_url(PATH, n)),
            done: done.map(|d| d.words(t)),
            editing,
            projects,
            form,
            faults,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WechatQuery {
    /// The account to edit.
    id: Option<String>,
    page: Option<u64>,
    done: Option<Done>,
}

fn editing(a: &WechatAccountView) -> Editing {
    Editing {
        id: a.row.id.clone(),
        secret_set: !a.row.app_secret.is_empty(),
        token_set: !a.row.token.is_empty(),
        aes_key_set: a.has_encoding_aes_key(),
    }
}

/// `GET /admin/wechat[?id=…]`: the accounts, and the form (filled with the account to edit,
/// its secrets only as set or not).
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<WechatQuery>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let (edit, form) = match &query.id {
        Some(id) => {
            let a = state
                .store
                .wechat_account(&session.who, id)
                .await
                .map_err(|e| UiError::api(e, session.lang))?;
            let form = Fields::of([
                ("name", a.row.name.clone()),
                ("app_id", a.row.app_id.clone()),
                ("project_id", a.row.project_id.clone().unwrap_or_default()),
            ]);
            (Some(editing(&a)), form)
        }
        None => (None, Fields::default()),
    };
    let page = WechatPage::load(
        &state,
        &session,
        &headers,
        PageParam {
            page: query.page,
            done: None,
        }
        .request(),
        query.done,
        edit,
        form,
        Faults::default(),
    )
    .await?;
    render(page, None)
}

/// `POST /admin/wechat`: registers an account, or (with `id`) saves one: a secret left empty
/// is kept; `remove_aes_key` goes back to plaintext mode.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let now = Utc::now();
    let saved = match form.given("id") {
        Some(id) => {
            let change = WechatAccountChange {
                name: form.one("name"),
                app_id: form.one("app_id"),
                app_secret: form.given("app_secret"),
                token: form.given("token"),
                encoding_aes_key: if form.ticked("remove_aes_key") {
                    Some(String::new())
                } else {
                    form.given("encoding_aes_key")
                },
                project_id: form.given("project_id"),
                templates: None,
            };
            match change.validate() {
                Ok(change) => state
                    .store
                    .update_wechat_account(&session.who, &id, change, now)
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error.into()),
            }
        }
        None => {
            let input = WechatAccountInput {
                name: form.one("name"),
                app_id: form.one("app_id"),
                app_secret: form.one("app_secret"),
                token: form.one("token"),
                encoding_aes_key: form.given("encoding_aes_key"),
                project_id: form.given("project_id"),
                templates: None,
            };
            match input.validate() {
                Ok(input) => state
                    .store
                    .create_wechat_account(&session.who, input, now)
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error.into()),
            }
        }
    };
    // A refused edit shows which secrets the account has; a refused registration has none.
    let edit = match form.given("id") {
        Some(id) => state
            .store
            .wechat_account(&session.who, &id)
            .await
            .ok()
            .map(|a| editing(&a)),
        None => None,
    };
    // The secrets typed are never sent back into the page.
    let kept = Fields::of(
        ["id", "name", "app_id", "project_id"]
            .into_iter()
            .map(|name| (name, form.one(name))),
    );
    answer(
        session.lang,
        saved,
        |a| format!("{}#a-{}", Done::Saved.at(PATH), a.row.id),
        async |faults| {
            WechatPage::load(
                &state,
                &session,
                &headers,
                PageParam::default().request(),
                None,
                edit,
                kept,
                faults,
            )
            .await
        },
    )
    .await
}

/// `POST /admin/wechat/{id}/active`: stops an account (`active` left out) or starts it again;
/// a stopped account's callback is refused and nothing is sent through it.
pub async fn set_active(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    state
        .store
        .set_wechat_account_active(&session.who, &id, form.ticked("active"), Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    done(&format!("{}#a-{id}", Done::Saved.at(PATH)))
}
