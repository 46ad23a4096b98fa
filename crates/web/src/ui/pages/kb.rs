//! 知识库: the desk asks in its own words and reads the published articles that answer, the
//! words that matched marked; admins and managers also write drafts, publish, archive and
//! restore, see each article's history, and import or export a spreadsheet. Every action goes
//! through the same store calls as the API, so scope, checks and the audit trail are the same.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use guanjia_domain::kb::ArticleState;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_kb::Draft;
use guanjia_storage::entity::kb_article;
use guanjia_storage::{ArticleFilter, KbArticle, PageRequest, SearchFilter};
use serde::Deserialize;

use super::admin::{Done, Faults, Fields, answer, done, render};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::routes::hotline::ImportRefusal;
use crate::routes::kb::{export as export_sheet, import as import_sheet};
use crate::state::AppState;
use crate::ui::choice::Choice;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::markdown;
use crate::ui::session::Session;
use crate::ui::sheet::SheetError;
use crate::ui::text::{self, Labels};
use crate::ui::time;

/// Results of a search, and articles of the list without one.
const SHOWN: usize = 30;

/// The projects offered as filters and in the form.
const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};

/// A run of a snippet, marked when it is what the search matched.
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// `text` cut at the `[from, to)` character ranges of `marks`.
fn pieces(text: &str, marks: &[(usize, usize)]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = vec![];
    let mut at = 0;
    for &(from, to) in marks {
        let (from, to) = (from.clamp(at, chars.len()), to.min(chars.len()));
        if from >= to {
            continue;
        }
        if from > at {
            out.push(Piece {
                text: chars[at..from].iter().collect(),
                hit: false,
            });
        }
        out.push(Piece {
            text: chars[from..to].iter().collect(),
            hit: true,
        });
        at = to;
    }
    if at < chars.len() {
        out.push(Piece {
            text: chars[at..].iter().collect(),
            hit: false,
        });
    }
    out
}

pub struct Row {
    pub id: String,
    pub title: String,
    pub state: &'static str,
    pub category: String,
    /// The passage that matched (a search), else nothing.
    pub snippet: Vec<Piece>,
}

fn state_words(t: &Labels, state: &str) -> &'static str {
    match state.parse() {
        Ok(ArticleState::Published) => t.kb_published,
        Ok(ArticleState::Archived) => t.kb_archived,
        _ => t.kb_draft,
    }
}

/// The company's categories and the caller's projects, by code and id, with their names.
pub(super) struct Names {
    pub(super) categories: Vec<(String, String)>,
    projects: Vec<(String, String)>,
}

impl Names {
    pub(super) async fn load(state: &AppState, session: &Session) -> Result<Self, UiError> {
        let lang = session.lang;
        let fail = |e| UiError::api(e, lang);
        let (categories, projects) = tokio::try_join!(
            state.store.categories(&session.who.company_id),
            state.store.projects(&session.who, PROJECTS),
        )
        .map_err(fail)?;
        Ok(Names {
            categories: categories
                .into_iter()
                .filter(|c| c.active)
                .map(|c| {
                    let label = match lang {
                        Lang::Zh => c.label_zh,
                        Lang::En => c.label_en,
                    };
                    (c.code, label)
                })
                .collect(),
            projects: projects.items.into_iter().map(|p| (p.id, p.name)).collect(),
        })
    }

    pub(super) fn category(&self, code: Option<&str>) -> String {
        code.map(|code| {
            self.categories
                .iter()
                .find(|(c, _)| c == code)
                .map_or_else(|| code.to_owned(), |(_, name)| name.clone())
        })
        .unwrap_or_default()
    }

    fn project(&self, id: &str) -> String {
        self.projects
            .iter()
            .find(|(p, _)| p == id)
            .map_or_else(|| id.to_owned(), |(_, name)| name.clone())
    }

    /// A `<select>`'s options: "any" first, then `list`, `chosen` selected.
    pub(super) fn options(list: &[(String, String)], any: &str, chosen: &str) -> Vec<Choice> {
        std::iter::once(Choice {
            value: String::new(),
            label: any.to_owned(),
            selected: chosen.is_empty(),
        })
        .chain(list.iter().map(|(value, label)| Choice {
            selected: value == chosen,
            value: value.clone(),
            label: label.clone(),
        }))
        .collect()
    }

    fn row(&self, t: &Labels, a: kb_article::Model, snippet: Vec<Piece>) -> Row {
        Row {
            state: state_words(t, &a.state),
            category: self.category(a.category.as_deref()),
            id: a.id,
            title: a.title,
            snippet,
        }
    }
}

/// `?q=…&category=…&project_id=…` of the page.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub project_id: String,
}

impl Search {
    fn given(value: &str) -> Option<String> {
        Some(value.trim().to_owned()).filter(|v| !v.is_empty())
    }
}

/// What an import came to.
pub enum Imported {
    /// The file as a whole cannot be used.
    File(&'static str),
    /// Each problem: row (empty for the header row), column, why.
    Problems(Vec<(String, String, String)>),
    Done(usize),
}

#[derive(Template)]
#[template(path = "kb.html")]
struct KbPage {
    chrome: Chrome,
    t: &'static Labels,
    q: String,
    categories: Vec<Choice>,
    projects: Vec<Choice>,
    searched: bool,
    rows: Vec<Row>,
    writer: bool,
    imported: Option<Imported>,
}

async fn search_page(
    state: &AppState,
    session: &Session,
    search: Search,
    imported: Option<Imported>,
) -> Result<KbPage, UiError> {
    let lang = session.lang;
    let t = text::labels(lang);
    let names = Names::load(state, session).await?;
    let q = search.q.trim().to_owned();
    let (category, project_id) = (
        Search::given(&search.category),
        Search::given(&search.project_id),
    );
    let rows = if q.is_empty() {
        let filter = ArticleFilter {
            category,
            project_id,
            state: None,
        };
        state
            .store
            .kb_articles(&session.who, filter, None, SHOWN as u64)
            .await
            .map_err(|e| UiError::api(e, lang))?
            .items
            .into_iter()
            .map(|a| names.row(t, a, vec![]))
            .collect()
    } else {
        let filter = SearchFilter {
            category,
            project_id,
        };
        let q: String = q.chars().take(200).collect();
        state
            .store
            .search_kb_articles(&session.who, &q, filter, SHOWN)
            .await
            .map_err(|e| UiError::api(e, lang))?
            .into_iter()
            .map(|found| {
                let snippet = pieces(&found.excerpt.text, &found.excerpt.char_marks());
                names.row(t, found.article, snippet)
            })
            .collect()
    };
    Ok(KbPage {
        chrome: Chrome::signed_in(session, t.nav_kb, Nav::Kb, "/kb"),
        t,
        searched: !q.is_empty(),
        q,
        categories: Names::options(&names.categories, t.any, search.category.trim()),
        projects: Names::options(&names.projects, t.all_projects, search.project_id.trim()),
        rows,
        writer: session.who.role.may_span_company(),
        imported,
    })
}

/// `GET /kb`: the search, or the newest articles without one.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(search): Query<Search>,
) -> Result<Response, UiError> {
    render(search_page(&state, &session, search, None).await?, None)
}

/// The form of an article: new, or editing one.
struct ArticleForm {
    form: Fields,
    faults: Faults,
    categories: Vec<Choice>,
    projects: Vec<Choice>,
}

impl ArticleForm {
    fn new(names: &Names, t: &Labels, form: Fields, faults: Faults) -> Self {
        let chosen = form.all("project_ids");
        ArticleForm {
            categories: Names::options(&names.categories, t.none_yet, &form.one("category")),
            projects: names
                .projects
                .iter()
                .map(|(id, name)| Choice {
                    selected: chosen.contains(id),
                    value: id.clone(),
                    label: name.clone(),
                })
                .collect(),
            form,
            faults,
        }
    }

    /// The form filled with a version.
    fn of(found: &KbArticle) -> Fields {
        let v = &found.version;
        let strings = |value: &serde_json::Value| -> Vec<String> {
            serde_json::from_value(value.clone()).unwrap_or_default()
        };
        let mut pairs = vec![
            ("title", v.title.clone()),
            ("body", v.body.clone()),
            ("category", v.category.clone().unwrap_or_default()),
            ("questions", strings(&v.questions).join("\n")),
            ("tags", strings(&v.tags).join(", ")),
            (
                "review_by",
                found
                    .article
                    .review_by
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
        ];
        pairs.extend(
            strings(&v.project_ids)
                .into_iter()
                .map(|id| ("project_ids", id)),
        );
        Fields::of(pairs)
    }
}

/// What a posted form asks for: the draft and its review-by date, or why the date is refused.
fn input_of(form: &Fields) -> Result<(Draft, Option<NaiveDate>), ApiError> {
    let review_by = match form.given("review_by") {
        None => None,
        Some(date) => Some(date.parse::<NaiveDate>().map_err(|_| {
            ApiError::from(ValidationError::single(
                "review_by",
                FieldErrorCode::Invalid,
            ))
        })?),
    };
    let lines = |text: String| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let tags = form
        .raw("tags")
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let draft = Draft {
        title: form.one("title"),
        body: form.raw("body"),
        category: form.given("category"),
        questions: lines(form.raw("questions")),
        tags,
        project_ids: form.all("project_ids"),
    };
    Ok((draft, review_by))
}

#[derive(Template)]
#[template(path = "kb_new.html")]
struct NewPage {
    chrome: Chrome,
    t: &'static Labels,
    article: ArticleForm,
}

async fn new_page(
    state: &AppState,
    session: &Session,
    form: Fields,
    faults: Faults,
) -> Result<NewPage, UiError> {
    let t = text::labels(session.lang);
    let names = Names::load(state, session).await?;
    Ok(NewPage {
        chrome: Chrome::signed_in(session, t.kb_new, Nav::Kb, "/kb/new"),
        t,
        article: ArticleForm::new(&names, t, form, faults),
    })
}

pub(super) fn writer_only(session: &Session) -> Result<(), UiError> {
    if session.who.role.may_span_company() {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(crate::error::ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

/// `GET /kb/new`.
pub async fn new_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let page = new_page(&state, &session, Fields::default(), Faults::default()).await?;
    render(page, None)
}

/// `POST /kb/new`: a first draft; to its page.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let created = async {
        let (draft, review_by) = input_of(&form)?;
        Ok::<_, ApiError>(
            state
                .store
                .create_kb_article(&session.who, draft, review_by, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |a| Done::Saved.at(&format!("/kb/{}", a.article.id)),
        async |faults| new_page(&state, &session, form, faults).await,
    )
    .await
}

pub struct VersionRow {
    pub version: i32,
    pub title: String,
    pub created: String,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "kb_article.html")]
struct ArticlePage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    title: String,
    /// The body rendered, safe to include.
    html: String,
    state: &'static str,
    archived: bool,
    /// A saved version waits to be published.
    pending: bool,
    category: String,
    projects: Vec<String>,
    tags: Vec<String>,
    questions: Vec<String>,
    review_by: String,
    writer: bool,
    versions: Vec<VersionRow>,
    article: Option<ArticleForm>,
    done: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParam {
    pub done: Option<Done>,
}

async fn article_page(
    state: &AppState,
    session: &Session,
    id: &str,
    refused: Option<(Fields, Faults)>,
    done: Option<Done>,
) -> Result<ArticlePage, UiError> {
    let lang = session.lang;
    let t = text::labels(lang);
    let fail = |e| UiError::api(e, lang);
    let found = state
        .store
        .kb_article(&session.who, id)
        .await
        .map_err(fail)?;
    let names = Names::load(state, session).await?;
    let writer = session.who.role.may_span_company();
    let zone = chrono_tz::Asia::Shanghai;
    let versions = if writer {
        state
            .store
            .kb_article_versions(&session.who, id)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|v| VersionRow {
                published: found.article.published_version == Some(v.version),
                version: v.version,
                title: v.title,
                created: time::short(v.created_at, zone),
            })
            .collect()
    } else {
        vec![]
    };
    let article = writer.then(|| {
        let (form, faults) =
            refused.unwrap_or_else(|| (ArticleForm::of(&found), Faults::default()));
        ArticleForm::new(&names, t, form, faults)
    });
    let strings = |value: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(value.clone()).unwrap_or_default()
    };
    let a = &found.article;
    let v = &found.version;
    Ok(ArticlePage {
        chrome: Chrome::signed_in(session, &v.title, Nav::Kb, &format!("/kb/{id}")),
        t,
        id: a.id.clone(),
        title: v.title.clone(),
        html: markdown::render(&v.body),
        state: state_words(t, &a.state),
        archived: a.state == ArticleState::Archived.as_str(),
        pending: a.published_version != Some(a.latest_version),
        category: names.category(v.category.as_deref()),
        projects: strings(&v.project_ids)
            .iter()
            .map(|p| names.project(p))
            .collect(),
        tags: strings(&v.tags),
        questions: strings(&v.questions),
        review_by: a.review_by.map(|d| d.to_string()).unwrap_or_default(),
        writer,
        versions,
        article,
        done: done.map(|d| d.words(t)),
    })
}

/// `GET /kb/{id}`: the article as the reader reads it; for writers its latest version, its
/// history and the edit form.
pub async fn article(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(param): Query<DoneParam>,
) -> Result<Response, UiError> {
    render(
        article_page(&state, &session, &id, None, param.done).await?,
        None,
    )
}

/// `POST /kb/{id}`: saves a new draft version.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let saved = async {
        let (draft, review_by) = input_of(&form)?;
        Ok::<_, ApiError>(
            state
                .store
                .update_kb_article(&session.who, &id, draft, review_by, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        saved.await,
        |_| Done::Saved.at(&format!("/kb/{id}")),
        async |faults| article_page(&state, &session, &id, Some((form, faults)), None).await,
    )
    .await
}

/// What the buttons of an article do.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Publish,
    Archive,
    Restore,
}

/// `POST /kb/{id}/{step}`: publishes, archives or restores it.
pub async fn step(
    State(state): State<AppState>,
    session: Session,
    Path((id, step)): Path<(String, Step)>,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let (who, now) = (&session.who, Utc::now());
    let store = &state.store;
    match step {
        Step::Publish => store.publish_kb_article(who, &id, now).await,
        Step::Archive => store.archive_kb_article(who, &id, now).await,
        Step::Restore => store.restore_kb_article(who, &id, now).await,
    }
    .map_err(|e| UiError::api(e, session.lang))?;
    done(&Done::Saved.at(&format!("/kb/{id}")))
}

/// `GET /kb/export`: the articles of the page's filters as a spreadsheet.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(search): Query<Search>,
) -> Result<Response, UiError> {
    let filter = ArticleFilter {
        category: Search::given(&search.category),
        project_id: Search::given(&search.project_id),
        state: None,
    };
    export_sheet(&state, &session.who, filter)
        .await
        .map_err(|e| UiError::api(e, session.lang))
}

/// `POST /kb/import`: articles from an .xlsx, all or none, each a first draft.
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    mut form: Multipart,
) -> Result<Response, UiError> {
    writer_only(&session)?;
    let lang = session.lang;
    let t = text::labels(lang);
    let mut file = None;
    let mut too_large = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                file = field.bytes().await.ok().filter(|b| !b.is_empty());
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let imported = match (too_large, file) {
        (true, _) => Imported::File(t.too_large),
        (false, None) => Imported::File(t.no_file),
        (false, Some(bytes)) => match import_sheet(&state, &session.who, &bytes)
            .await
            .map_err(|e| UiError::api(e, lang))?
        {
            Ok(done) => Imported::Done(done.ids.len()),
            Err(ImportRefusal::File(e)) => Imported::File(match e {
                SheetError::NotXlsx => t.not_xlsx,
                SheetError::Unreadable => t.unreadable,
                SheetError::Empty => t.empty_file,
                SheetError::TooManyRows => t.too_many_rows,
            }),
            Err(ImportRefusal::Problems(problems)) => Imported::Problems(
                problems
                    .into_iter()
                    .map(|p| {
                        let why = p
                            .code
                            .parse()
                            .map(|code| crate::words::field_error(lang, code))
                            .unwrap_or_default();
                        let row = p
                            .row
                            .map_or_else(|| t.header_row.to_owned(), |r| r.to_string());
                        (row, p.column, why.to_owned())
                    })
                    .collect(),
            ),
        },
    };
    render(
        search_page(&state, &session, Search::default(), Some(imported)).await?,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn a_snippet_is_cut_at_its_marks() {
        let cut = pieces("物业费可在服务中心缴纳", &[(0, 3), (5, 9)]);
        let shown: Vec<(String, bool)> = cut.into_iter().map(|p| (p.text, p.hit)).collect();
        assert_eq!(
            shown,
            [
                ("物业费".to_owned(), true),
                ("可在".to_owned(), false),
                ("服务中心".to_owned(), true),
                ("缴纳".to_owned(), false),
            ]
        );
    }

    #[test]
    fn marks_beyond_the_text_or_overlapping_are_ignored() {
        let cut = pieces("办公时间", &[(2, 4), (1, 3), (3, 99)]);
        let shown: Vec<String> = cut.into_iter().map(|p| p.text).collect();
        assert_eq!(shown, ["办公", "时间"]);
    }
}
