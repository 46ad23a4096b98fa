//! 接口密钥: the keys other systems call in with. A company-wide admin creates one (name, scopes,
//! projects) and sees its text once, on the page the creation answers with; rotates it (the old
//! text works for a day) and sees the new one once; revokes it after confirming.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::machine::api_key::{
    ApiKeyInput, ApiScope, DEFAULT_OVERLAP, KEY_PREFIX, MAX_PROJECTS,
};
use guanjia_storage::ApiKeyView;

use super::{Faults, Fields, PageParam, admin_only, page_url, pages, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::Choice;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

pub struct KeyRow {
    pub id: String,
    pub name: String,
    /// `gjk_{id}_…`: enough to recognise the key, nothing to use it with.
    pub prefix: String,
    pub scopes: String,
    pub projects: String,
    pub last_used: String,
    pub revoked: bool,
}

/// A key's text, on the one page that shows it.
pub struct Issued {
    pub name: String,
    pub key: String,
}

#[derive(Template)]
#[template(path = "admin_api_keys.html")]
struct KeysPage {
    chrome: Chrome,
    t: &'static Labels,
    keys: Vec<KeyRow>,
    total: String,
    pages: Pages,
    scopes: Vec<Choice>,
    projects: Vec<Choice>,
    form: Fields,
    faults: Faults,
    issued: Option<Issued>,
}

/// The company's projects (id, name), for choosing and naming.
pub(super) async fn project_names(
    state: &AppState,
    session: &Session,
) -> Result<Vec<(String, String)>, UiError> {
    let all = guanjia_storage::PageRequest {
        page: 1,
        per_page: MAX_PROJECTS as u64,
    };
    Ok(state
        .store
        .projects(&session.who, all)
        .await
        .map_err(|e| UiError::api(e, session.lang))?
        .items
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// The projects as checkboxes, those in `form`'s `project_ids` ticked.
pub(super) fn project_checks(projects: &[(String, String)], form: &Fields) -> Vec<Choice> {
    let chosen = form.all("project_ids");
    projects
        .iter()
        .map(|(id, name)| Choice {
            selected: chosen.contains(id),
            value: id.clone(),
            label: name.clone(),
        })
        .collect()
}

/// Project ids as their names; none: every project.
pub(super) fn named(ids: &[String], projects: &[(String, String)], t: &Labels) -> String {
    if ids.is_empty() {
        return t.all_projects.to_owned();
    }
    ids.iter()
        .map(|id| {
            projects
                .iter()
                .find(|(p, _)| p == id)
                .map_or(id.as_str(), |(_, n)| n.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

impl KeysPage {
    async fn load(
        state: &AppState,
        session: &Session,
        page: &PageParam,
        form: Fields,
        faults: Faults,
        issued: Option<Issued>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (projects, list) = tokio::try_join!(project_names(state, session), async {
            state
                .store
                .api_keys(&session.who, page.request())
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let zone = chrono_tz::Asia::Shanghai;
        let row = |k: ApiKeyView| KeyRow {
            prefix: format!("{KEY_PREFIX}{}_…", k.row.id),
            scopes: k
                .scopes
                .iter()
                .map(|s| text::api_scope(lang, *s))
                .collect::<Vec<_>>()
                .join("、"),
            projects: named(&k.project_ids, &projects, t),
            last_used: match (k.row.last_used_at, &k.row.last_used_from) {
                (Some(at), from) => format!(
                    "{} {}",
                    time::full(at, zone),
                    from.clone().unwrap_or_default()
                ),
                (None, _) => t.never_used.to_owned(),
            },
            revoked: k.row.revoked_at.is_some(),
            id: k.row.id,
            name: k.row.name,
        };
        let chosen = form.all("scopes");
        let scopes = ApiScope::ALL
            .iter()
            .map(|s| Choice {
                selected: chosen.iter().any(|c| c == s.as_str()),
                value: s.as_str().to_owned(),
                label: text::api_scope(lang, *s).to_owned(),
            })
            .collect();
        Ok(KeysPage {
            chrome: Chrome::signed_in(session, t.admin_api_keys, Nav::Admin, "/admin/api-keys"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| page_url("/admin/api-keys", n)),
            keys: list.items.into_iter().map(row).collect(),
            scopes,
            projects: project_checks(&projects, &form),
            form,
            faults,
            issued,
        })
    }
}

/// `GET /admin/api-keys`: the keys and the form for a new one.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let page = KeysPage::load(
        &state,
        &session,
        &page,
        Fields::default(),
        Faults::default(),
        None,
    );
    render(page.await?, None)
}

/// `POST /admin/api-keys`: creates a key and answers with the list showing its text, this once
/// (no redirect: a page to come back to would show it again).
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = ApiKeyInput {
        name: form.one("name"),
        scopes: form.all("scopes"),
        project_ids: Some(form.all("project_ids")),
        rate_per_minute: None,
    };
    let created = async {
        let input = input.validate()?;
        Ok::<_, ApiError>(
            state
                .store
                .create_api_key(&session.who, input, Utc::now())
                .await?,
        )
    };
    let first = PageParam::default();
    match created.await {
        Ok(issued) => {
            let issued = Issued {
                name: issued.view.row.name,
                key: issued.key,
            };
            let page = KeysPage::load(
                &state,
                &session,
                &first,
                Fields::default(),
                Faults::default(),
                Some(issued),
            );
            render(page.await?, None)
        }
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            let page = KeysPage::load(&state, &session, &first, form, faults, None);
            render(page.await?, Some(&error))
        }
    }
}

/// `POST /admin/api-keys/{id}/rotate`: a new text, shown once; the old one works for a day.
pub async fn rotate(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let issued = state
        .store
        .rotate_api_key(&session.who, &id, DEFAULT_OVERLAP, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let issued = Issued {
        name: issued.view.row.name,
        key: issued.key,
    };
    let first = PageParam::default();
    let page = KeysPage::load(
        &state,
        &session,
        &first,
        Fields::default(),
        Faults::default(),
        Some(issued),
    );
    render(page.await?, None)
}

/// `POST /admin/api-keys/{id}/revoke`: the key stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    state
        .store
        .revoke_api_key(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    super::done("/admin/api-keys")
}
