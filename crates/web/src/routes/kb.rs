//! The knowledge base (知识库): articles written and published by admins and managers, read and
//! searched by the desk. Every save is a new version; the desk reads the published one.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::kb::ArticleState;
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_kb::Draft;
use guanjia_storage::entity::{kb_article, kb_article_version, project};
use guanjia_storage::{
    ArticleFilter, Found, KbArticle, PageRequest, Principal, SearchFilter, StorageError,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::kb_sheet;
use crate::paging::PageQuery;
use crate::routes::hotline::{ImportProblem, ImportRefusal, XLSX};
use crate::state::AppState;
use crate::ui::sheet;

/// Most characters of a search.
const MAX_QUERY: usize = 200;

/// Most results of a search.
const MAX_RESULTS: u64 = 50;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_articles, create_article))
        .routes(routes!(import_articles))
        .routes(routes!(get_article, update_article))
        .routes(routes!(publish_article))
        .routes(routes!(archive_article))
        .routes(routes!(restore_article))
        .routes(routes!(article_versions))
}

/// An article in a list or a search result: the version lists show (the published one, else the
/// latest draft).
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub id: String,
    pub title: String,
    pub category: Option<String>,
    pub state: ArticleState,
    pub owner_id: String,
    pub latest_version: i32,
    pub published_version: Option<i32>,
    /// The day the owner is reminded to review it.
    pub review_by: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// Search only: how well it answers the query (BM25), higher first.
    pub score: Option<f32>,
    /// Search only: the passage of the body that matched.
    pub snippet: Option<String>,
    /// Search only: where the query's terms are in `snippet`, as `[from, to)` character
    /// offsets.
    pub highlights: Option<Vec<[usize; 2]>>,
}

impl ArticleSummary {
    fn new(a: kb_article::Model) -> Self {
        ArticleSummary {
            state: a.state.parse().unwrap_or(ArticleState::Draft),
            id: a.id,
            title: a.title,
            category: a.category,
            owner_id: a.owner_id,
            latest_version: a.latest_version,
            published_version: a.published_version,
            review_by: a.review_by,
            updated_at: a.updated_at,
            score: None,
            snippet: None,
            highlights: None,
        }
    }

    fn found(found: Found) -> Self {
        let highlights = found
            .excerpt
            .char_marks()
            .into_iter()
            .map(|(from, to)| [from, to])
            .collect();
        ArticleSummary {
            score: Some(found.score),
            highlights: Some(highlights),
            snippet: Some(found.excerpt.text),
            ..ArticleSummary::new(found.article)
        }
    }
}

/// One version of an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: Option<String>,
    pub questions: Vec<String>,
    pub tags: Vec<String>,
    /// Empty: every project of the company.
    pub project_ids: Vec<String>,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
}

fn strings(value: serde_json::Value) -> Vec<String> {
    serde_json::from_value(value).unwrap_or_default()
}

impl From<kb_article_version::Model> for VersionView {
    fn from(v: kb_article_version::Model) -> Self {
        VersionView {
            version: v.version,
            title: v.title,
            body: v.body,
            category: v.category,
            questions: strings(v.questions),
            tags: strings(v.tags),
            project_ids: strings(v.project_ids),
            author_id: v.author_id,
            created_at: v.created_at,
        }
    }
}

/// An article with the version the caller reads: writers the latest, the desk the published.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// The version shown.
    pub version: VersionView,
}

impl From<KbArticle> for ArticleView {
    fn from(found: KbArticle) -> Self {
        ArticleView {
            article: ArticleSummary::new(found.article),
            version: found.version.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// 1–200 characters.
    pub title: String,
    /// Markdown, at most 20,000 characters.
    pub body: String,
    /// A category code of the company's taxonomy.
    pub category: Option<String>,
    /// Other ways residents ask the question (at most 20, 200 characters each).
    #[serde(default)]
    pub questions: Vec<String>,
    /// At most 20, 50 characters each.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The projects it is written for; empty: every project of the company. A project's own
    /// article wins over a company-wide one on the same question.
    #[serde(default)]
    pub project_ids: Vec<String>,
    /// The day its owner is reminded to review it.
    pub review_by: Option<NaiveDate>,
}

impl ArticleInput {
    fn into_parts(self) -> (Draft, Option<NaiveDate>) {
        let draft = Draft {
            title: self.title,
            body: self.body,
            category: self.category,
            questions: self.questions,
            tags: self.tags,
            project_ids: self.project_ids,
        };
        (draft, self.review_by)
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArticleQuery {
    /// Words of a question: ranked search over the published articles. Without it, a list of
    /// every article the caller reads, newest first.
    pub q: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// Articles that apply in this project: its own and company-wide ones.
    pub project_id: Option<String>,
    /// draft, published or archived (lists only: search finds published articles).
    pub state: Option<String>,
    /// The `next` cursor of the page before (lists only).
    pub after: Option<String>,
    /// xlsx: the list's articles (newest first, at most 5,000) as a spreadsheet in the import's
    /// columns, with the version lists show.
    pub format: Option<String>,
    /// Only 1: further pages follow `next`.
    pub page: Option<u64>,
    /// 1–200 (default 50); a search answers at most 50.
    pub per_page: Option<u64>,
}

/// Articles: a keyset page of the list, or the results of a search (one page, best first).
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleSummary>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Pass as `after` for the page that follows; null on the last page and for a search.
    pub next: Option<String>,
}

/// The articles the caller reads, or those that best answer `q`. Staff only; the desk reads the
/// published articles of its projects and the company-wide ones.
#[utoipa::path(get, path = "/api/v1/kb/articles", tag = "kb", params(ArticleQuery),
    responses((status = 200, body = ArticleList,
        content((ArticleList = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403), (status = 422)))]
async fn list_articles(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<ArticleQuery>,
) -> ApiResult<Response> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let mut p = Problems::new();
    if page.page != 1 {
        p.add("page", FieldErrorCode::OutOfRange);
    }
    let article_state = query
        .state
        .as_deref()
        .and_then(|s| p.one_of("state", s, ArticleState::ALL));
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let xlsx = match query.format.as_deref() {
        None | Some("json") => false,
        Some("xlsx") => true,
        Some(_) => {
            p.add("format", FieldErrorCode::Invalid);
            false
        }
    };
    if xlsx && q.is_some() {
        p.add("format", FieldErrorCode::Mismatch);
    }
    if let Some(q) = q {
        p.optional_text("q", Some(q), MAX_QUERY);
        if article_state.is_some_and(|s| s != ArticleState::Published) {
            p.add("state", FieldErrorCode::Mismatch);
        }
        if query.after.is_some() {
            p.add("after", FieldErrorCode::Mismatch);
        }
    }
    p.into_result(())?;
    if let Some(q) = q {
        let limit = page.per_page.min(MAX_RESULTS);
        let found = state
            .store
            .search_kb_articles(
                &who,
                q,
                SearchFilter {
                    category: query.category,
                    project_id: query.project_id,
                },
                limit as usize,
            )
            .await?;
        let items: Vec<ArticleSummary> = found.into_iter().map(ArticleSummary::found).collect();
        return Ok(axum::Json(ArticleList {
            total: items.len() as u64,
            items,
            page: 1,
            per_page: limit,
            next: None,
        })
        .into_response());
    }
    let filter = ArticleFilter {
        category: query.category,
        project_id: query.project_id,
        state: article_state,
    };
    if xlsx {
        return export(&state, &who, filter).await;
    }
    let found = state
        .store
        .kb_articles(&who, filter, query.after.as_deref(), page.per_page)
        .await?;
    Ok(axum::Json(ArticleList {
        items: found.items.into_iter().map(ArticleSummary::new).collect(),
        total: found.total,
        page: 1,
        per_page: page.per_page,
        next: found.next,
    })
    .into_response())
}

/// The articles of `filter` as a spreadsheet download: the API's export and the page's.
pub(crate) async fn export(
    state: &AppState,
    who: &Principal,
    filter: ArticleFilter,
) -> ApiResult<Response> {
    let articles = state.store.kb_export(who, filter).await?;
    let projects = company_projects(state, who).await?;
    let bytes = kb_sheet::export(&articles, &projects).map_err(|e| {
        tracing::error!(error = %e, "knowledge base export");
        ApiError::new(ErrorCode::Internal)
    })?;
    Ok((
        [
            (CONTENT_TYPE, XLSX),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"kb-articles.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The projects the caller sees, to name them in a spreadsheet.
async fn company_projects(state: &AppState, who: &Principal) -> ApiResult<Vec<project::Model>> {
    let all = PageRequest {
        page: 1,
        per_page: 10_000,
    };
    Ok(state.store.projects(who, all).await?.items)
}

/// What an import took in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleImportResult {
    /// The new articles, each a first draft, in the file's order.
    pub ids: Vec<String>,
}

/// Imports articles from an .xlsx (the body), each as a first draft (admins and managers):
/// columns found by their header (标题 or 问题, 内容 or 答案, 分类 by code or name, 适用项目 by
/// project code or name, and 其他问法 one a line, 标签). A bad file or row is 422 with
/// `details.problems` (`row`, `column`, `field`, `code`) and nothing is taken in.
#[utoipa::path(post, path = "/api/v1/kb/articles/import", tag = "kb",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ArticleImportResult), (status = 403), (status = 413), (status = 422)))]
async fn import_articles(
    State(state): State<AppState>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<ArticleImportResult>> {
    let body = body.map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?;
    Ok(axum::Json(import(&state, &who, &body).await??))
}

/// Takes in the articles of an .xlsx, all or none: the API's import and the page's.
pub(crate) async fn import(
    state: &AppState,
    who: &Principal,
    body: &[u8],
) -> ApiResult<Result<ArticleImportResult, ImportRefusal>> {
    if !who.role.may_span_company() {
        return Err(StorageError::Forbidden.into());
    }
    let rows = match sheet::read(body) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(ImportRefusal::File(e))),
    };
    let projects = company_projects(state, who).await?;
    let categories = state.store.categories(&who.company_id).await?;
    let problem =
        |line: Option<u32>, column: kb_sheet::Column, code: FieldErrorCode| ImportProblem {
            row: line,
            column: column.header().to_owned(),
            field: column.field().to_owned(),
            code: code.as_str().to_owned(),
        };
    let found = match kb_sheet::articles(&rows, &projects, &categories) {
        Ok(found) => found,
        Err(problems) => {
            return Ok(Err(ImportRefusal::Problems(
                problems
                    .into_iter()
                    .map(|p| problem(p.line, p.column, p.code))
                    .collect(),
            )));
        }
    };
    let drafts = found.into_iter().map(|r| (r.line, r.draft)).collect();
    Ok(
        match state
            .store
            .import_kb_articles(who, drafts, Utc::now())
            .await?
        {
            Ok(ids) => Ok(ArticleImportResult { ids }),
            Err(refused) => Err(ImportRefusal::Problems(
                refused
                    .into_iter()
                    .flat_map(|(line, e)| {
                        e.0.into_iter().map(move |error| {
                            let column = kb_sheet::Column::of_field(&error.field)
                                .unwrap_or(kb_sheet::Column::Title);
                            problem(Some(line), column, error.code)
                        })
                    })
                    .collect(),
            )),
        },
    )
}

/// Writes a new article as a first draft (admins and managers); publish it for the desk to read.
#[utoipa::path(post, path = "/api/v1/kb/articles", tag = "kb", request_body = ArticleInput,
    responses((status = 201, body = ArticleView), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ArticleInput>,
) -> ApiResult<(StatusCode, axum::Json<ArticleView>)> {
    let (draft, review_by) = input.into_parts();
    let created = state
        .store
        .create_kb_article(&who, draft, review_by, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// One article with the version the caller reads; out of reach is 404.
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}", tag = "kb",
    responses((status = 200, body = ArticleView), (status = 404)))]
async fn get_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ArticleView>> {
    Ok(axum::Json(state.store.kb_article(&who, &id).await?.into()))
}

/// Saves a new draft version of an article (admins and managers); the desk keeps reading the
/// published version until this one is published.
#[utoipa::path(put, path = "/api/v1/kb/articles/{id}", tag = "kb", request_body = ArticleInput,
    responses((status = 200, body = ArticleView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn update_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ArticleInput>,
) -> ApiResult<axum::Json<ArticleView>> {
    let (draft, review_by) = input.into_parts();
    let saved = state
        .store
        .update_kb_article(&who, &id, draft, review_by, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}

/// Publishes the article's latest version (admins and managers): the desk reads it and search
/// finds it. Publishing what is already published changes nothing.
#[utoipa::path(post, path = "/api/v1/kb/articles/{id}/publish", tag = "kb",
    responses((status = 200, body = ArticleView), (status = 403), (status = 404)))]
async fn publish_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ArticleView>> {
    let published = state
        .store
        .publish_kb_article(&who, &id, Utc::now())
        .await?;
    Ok(axum::Json(published.into()))
}

/// Archives an article (admins and managers): it leaves search and the desk; writers still read
/// it and its history. Archiving what is archived changes nothing.
#[utoipa::path(post, path = "/api/v1/kb/articles/{id}/archive", tag = "kb",
    responses((status = 200, body = ArticleView), (status = 403), (status = 404)))]
async fn archive_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ArticleView>> {
    let archived = state
        .store
        .archive_kb_article(&who, &id, Utc::now())
        .await?;
    Ok(axum::Json(archived.into()))
}

/// Restores an archived article (admins and managers): published again when a version had been,
/// else a draft.
#[utoipa::path(post, path = "/api/v1/kb/articles/{id}/restore", tag = "kb",
    responses((status = 200, body = ArticleView), (status = 403), (status = 404)))]
async fn restore_article(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ArticleView>> {
    let restored = state
        .store
        .restore_kb_article(&who, &id, Utc::now())
        .await?;
    Ok(axum::Json(restored.into()))
}

/// Every version of an article, newest first (admins and managers).
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}/versions", tag = "kb",
    responses((status = 200, body = Vec<VersionView>), (status = 403), (status = 404)))]
async fn article_versions(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<VersionView>>> {
    let versions = state.store.kb_article_versions(&who, &id).await?;
    Ok(axum::Json(versions.into_iter().map(Into::into).collect()))
}
