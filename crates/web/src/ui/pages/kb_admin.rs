//! Keeping the standard scripts (话术库) and the SOP checklists (作业检查单) on pages: admins and
//! managers list, add, edit and archive scripts, and add, edit and delete a category's
//! checklist, through the same store calls as the API (same rules, audit); a refused form comes
//! back filled in with each field's problem, and every action that worked says so on the page it
//! leads to.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::checklist::ChecklistInput;
use guanjia_domain::script::{Script, ScriptInput, Situation};
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::Checklist;
use guanjia_storage::entity::kb_script;

use super::admin::{Done, Faults, Fields, PageParam, answer, count, done, page_url, pages, render};
use super::kb::{Names, writer_only};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::Choice;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

pub struct ScriptRow {
    pub id: String,
    pub title: String,
    pub situation: &'static str,
    pub category: String,
    pub active: bool,
    pub uses: i64,
}

/// A script's form as typed (or as saved), with its choices.
pub struct ScriptForm {
    pub form: Fields,
    pub faults: Faults,
    pub situations: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub states: Vec<Choice>,
}

impl ScriptForm {
    fn new(names: &Names, lang: Lang, form: Fields, faults: Faults) -> Self {
        let t = text::labels(lang);
        let situation = form.one("situation");
        let states = form.all("states");
        ScriptForm {
            situations: Situation::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_owned(),
                    label: text::situation(lang, *s).to_owned(),
                    selected: s.as_str() == situation,
                })
                .collect(),
            categories: Names::options(
                &names.categories,
                t.script_category_any,
                &form.one("category"),
            ),
            states: Status::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_owned(),
                    label: text::status(lang, *s).to_owned(),
                    selected: states.iter().any(|c| c == s.as_str()),
                })
                .collect(),
            form,
            faults,
        }
    }

    /// A new script is suggested unless unticked.
    fn blank() -> Fields {
        Fields::of([("active", "on".to_owned())])
    }

    /// The form of a saved script.
    fn of(s: &kb_script::Model) -> Fields {
        let states: Vec<String> = serde_json::from_value(s.states.clone()).unwrap_or_default();
        let mut pairs = vec![
            ("title", s.title.clone()),
            ("situation", s.situation.clone()),
            ("category", s.category.clone().unwrap_or_default()),
            ("body", s.body.clone()),
        ];
        pairs.extend(states.into_iter().map(|c| ("states", c)));
        if s.active {
            pairs.push(("active", "on".to_owned()));
        }
        Fields::of(pairs)
    }
}

/// The script a posted form describes.
fn script_of(form: &Fields) -> Result<Script, ApiError> {
    Ok(ScriptInput {
        title: form.one("title"),
        situation: form.one("situation"),
        category: form.given("category"),
        states: form.all("states"),
        body: form.raw("body"),
        active: form.ticked("active"),
    }
    .validate()?)
}

#[derive(Template)]
#[template(path = "kb_scripts.html")]
struct ScriptsPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<ScriptRow>,
    total: String,
    pages: Pages,
    new: ScriptForm,
    done: Option<&'static str>,
}

impl ScriptsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (names, list) = tokio::try_join!(Names::load(state, session), async {
            state
                .store
                .kb_scripts(&session.who, page.request())
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let rows = list
            .items
            .iter()
            .map(|s| ScriptRow {
                id: s.id.clone(),
                title: s.title.clone(),
                situation: s
                    .situation
                    .parse()
                    .map_or("", |sit| text::situation(lang, sit)),
                category: s.category.as_deref().map_or_else(
                    || t.script_category_any.to_owned(),
                    |c| names.category(Some(c)),
                ),
                active: s.active,
                uses: s.use_count,
            })
            .collect();
        Ok(ScriptsPage {
            chrome: Chrome::signed_in(session, t.kb_scripts, Nav::Kb, "/kb/scripts"),
            t,
            rows,
            total: count(lang, list.total),
            pages: pages(&list, |n| page_url("/kb/scripts", n)),
            new: ScriptForm::new(&names, lang, form, faults),
            done: page.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /kb/scripts`: the company's scripts and a form for a new one.
pub async fn scripts(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let page = ScriptsPage::load(
        &state,
        &session,
        &page,
        ScriptForm::blank(),
        Faults::default(),
    )
    .await?;
    render(page, None)
}

/// `POST /kb/scripts`: a new script; back to the list, which shows it.
pub async fn create_script(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let created = async {
        let script = script_of(&form)?;
        Ok::<_, ApiError>(
            state
                .store
                .create_kb_script(&session.who, script, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |_| Done::Saved.at("/kb/scripts"),
        async |faults| {
            ScriptsPage::load(&state, &session, &PageParam::default(), form, faults).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "kb_script.html")]
struct ScriptPage {
    chrome: Chrome,
    t: &'static Labels,
    script: kb_script::Model,
    edit: ScriptForm,
    done: Option<&'static str>,
}

impl ScriptPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        edit: Option<(Fields, Faults)>,
        done: Option<Done>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (names, script) = tokio::try_join!(Names::load(state, session), async {
            state
                .store
                .kb_script(&session.who, id)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let (form, faults) = edit.unwrap_or_else(|| (ScriptForm::of(&script), Faults::default()));
        Ok(ScriptPage {
            chrome: Chrome::signed_in(
                session,
                &script.title,
                Nav::Kb,
                &format!("/kb/scripts/{id}"),
            ),
            t,
            edit: ScriptForm::new(&names, lang, form, faults),
            script,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// `GET /kb/scripts/{id}`: a script's form, and archiving or restoring it.
pub async fn script(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    render(
        ScriptPage::load(&state, &session, &id, None, page.done).await?,
        None,
    )
}

/// `POST /kb/scripts/{id}`: rewrites a script; its use count stays.
pub async fn update_script(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let saved = async {
        let script = script_of(&form)?;
        Ok::<_, ApiError>(
            state
                .store
                .update_kb_script(&session.who, &id, script, Utc::now())
                .await?,
        )
    };
    let lang = session.lang;
    answer(
        lang,
        saved.await,
        |s| Done::Saved.at(&format!("/kb/scripts/{}", s.id)),
        async |faults| ScriptPage::load(&state, &session, &id, Some((form, faults)), None).await,
    )
    .await
}

/// `POST /kb/scripts/{id}/archive`: withdraws a script from the suggestions (`active=false`) or
/// brings it back, its wording unchanged.
pub async fn archive_script(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let lang = session.lang;
    let restore = form.one("active") == "true";
    let found = state
        .store
        .kb_script(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let script = ScriptInput {
        states: serde_json::from_value(found.states).unwrap_or_default(),
        title: found.title,
        situation: found.situation,
        category: found.category,
        body: found.body,
        active: restore,
    }
    .validate()
    .map_err(|e| UiError::api(e, lang))?;
    state
        .store
        .update_kb_script(&session.who, &id, script, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let said = if restore {
        Done::Restored
    } else {
        Done::Archived
    };
    done(&said.at(&format!("/kb/scripts/{id}")))
}

pub struct ChecklistRow {
    pub code: String,
    pub category: String,
    pub steps: usize,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "kb_checklists.html")]
struct ChecklistsPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<ChecklistRow>,
    /// The categories that have no checklist yet.
    categories: Vec<Choice>,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

impl ChecklistsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        done: Option<Done>,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (names, list) = tokio::try_join!(Names::load(state, session), async {
            state
                .store
                .checklists(&session.who)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let without: Vec<(String, String)> = names
            .categories
            .iter()
            .filter(|(code, _)| !list.iter().any(|c| c.category == *code))
            .cloned()
            .collect();
        let chosen = form.one("category");
        Ok(ChecklistsPage {
            chrome: Chrome::signed_in(session, t.kb_checklists, Nav::Kb, "/kb/checklists"),
            t,
            rows: list
                .iter()
                .map(|c| ChecklistRow {
                    code: c.category.clone(),
                    category: names.category(Some(&c.category)),
                    steps: c.steps.len(),
                    required: c.required,
                })
                .collect(),
            categories: without
                .into_iter()
                .map(|(code, label)| Choice {
                    selected: code == chosen,
                    value: code,
                    label,
                })
                .collect(),
            form,
            faults,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// The checklist a posted form describes: one step a line, blank lines left out.
fn checklist_of(form: &Fields) -> ChecklistInput {
    ChecklistInput {
        steps: form
            .raw("steps")
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        required: form.ticked("required"),
    }
}

/// `GET /kb/checklists`: the company's checklists and a form for another category's.
pub async fn checklists(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let page = ChecklistsPage::load(
        &state,
        &session,
        page.done,
        Fields::default(),
        Faults::default(),
    )
    .await?;
    render(page, None)
}

/// `POST /kb/checklists`: a category's first checklist; to its page.
pub async fn create_checklist(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let created = async {
        let Some(category) = form.given("category") else {
            return Err(ValidationError::single("category", FieldErrorCode::Required).into());
        };
        Ok::<_, ApiError>(
            state
                .store
                .put_checklist(&session.who, &category, checklist_of(&form), Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |c: Checklist| Done::Saved.at(&format!("/kb/checklists/{}", c.category)),
        async |faults| ChecklistsPage::load(&state, &session, None, form, faults).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "kb_checklist.html")]
struct ChecklistPage {
    chrome: Chrome,
    t: &'static Labels,
    code: String,
    category: String,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

impl ChecklistPage {
    async fn load(
        state: &AppState,
        session: &Session,
        code: &str,
        edit: Option<(Fields, Faults)>,
        done: Option<Done>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (names, found) = tokio::try_join!(Names::load(state, session), async {
            state
                .store
                .checklist(&session.who, code)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let (form, faults) = edit.unwrap_or_else(|| {
            let steps: Vec<&str> = found.steps.iter().map(|s| s.text.as_str()).collect();
            let mut pairs = vec![("steps", steps.join("\n"))];
            if found.required {
                pairs.push(("required", "on".to_owned()));
            }
            (Fields::of(pairs), Faults::default())
        });
        let category = names.category(Some(code));
        Ok(ChecklistPage {
            chrome: Chrome::signed_in(
                session,
                &category,
                Nav::Kb,
                &format!("/kb/checklists/{code}"),
            ),
            t,
            code: code.to_owned(),
            category,
            form,
            faults,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// `GET /kb/checklists/{category}`.
pub async fn checklist(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    render(
        ChecklistPage::load(&state, &session, &code, None, page.done).await?,
        None,
    )
}

/// `POST /kb/checklists/{category}`: rewrites the steps; a step that keeps its text keeps its
/// ticks.
pub async fn update_checklist(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let saved = state
        .store
        .put_checklist(&session.who, &code, checklist_of(&form), Utc::now())
        .await
        .map_err(ApiError::from);
    answer(
        session.lang,
        saved,
        |c| Done::Saved.at(&format!("/kb/checklists/{}", c.category)),
        async |faults| {
            ChecklistPage::load(&state, &session, &code, Some((form, faults)), None).await
        },
    )
    .await
}

/// `POST /kb/checklists/{category}/delete`: back to the list.
pub async fn delete_checklist(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let lang = session.lang;
    state
        .store
        .delete_checklist(&session.who, &code, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&Done::Deleted.at("/kb/checklists"))
}
