//! `format=xlsx` on any list or figures endpoint of the API (the contract's "Export"): one layer
//! around the API's routes takes the parameter off, calls the endpoint's own handler — so the
//! caller's scope, filters and errors are exactly the JSON's — and writes what it answers to a
//! spreadsheet: every page of a list (200 at a time, by its `next` cursor where it gives one), or
//! the figures with their groups and the previous period. Which endpoints take it is read from
//! the OpenAPI document, which then says so for each of them.

mod sheet;

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use serde_json::{Map, Value};
use tower::{Layer, Service, ServiceExt};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{Content, OpenApi, RefOr, Required};

use crate::error::{ApiError, ErrorCode};
use crate::extract::{Caller, bearer_token};
use crate::i18n::Lang;
use crate::paging::MAX_PER_PAGE;
use crate::routes::hotline::XLSX;
use crate::state::AppState;
use crate::ui::cookies;
use crate::ui::session::COOKIE;
use crate::words::export_words;
use sheet::{Cell, Sheet};

/// The parameter, and the one value it takes.
const FORMAT: &str = "format";
const XLSX_FORMAT: &str = "xlsx";
/// Paging parameters the export sets itself.
const PAGING: [&str; 3] = ["page", "per_page", "after"];
/// A page of 200 items as JSON is well under this; anything larger is not a page.
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// What an endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{"items", "total", "page", "per_page", "next"?}`, paged.
    List,
    /// One object of figures, maybe with `groups` and `previous`.
    Figures,
}

/// The endpoints that export, by route, from the OpenAPI document: every GET that pages
/// (`per_page`) and every figures endpoint (`/api/v1/metrics/…`), except those that answer a
/// `format` of their own (the 12345 platform's reply sheet, the knowledge base's sheet).
fn exportable(doc: &OpenApi) -> HashMap<String, Export> {
    doc.paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let get = item.get.as_ref()?;
            if !path.starts_with("/api/v1/") || takes(get, FORMAT) {
                return None;
            }
            let shape = if takes(get, "per_page") {
                Shape::List
            } else if path.starts_with("/api/v1/metrics/") {
                Shape::Figures
            } else {
                return None;
            };
            let mut fields = vec![];
            if let Some(answer) = ok_schema(get) {
                field_order(doc, answer, "", &mut fields, 0);
            }
            // A list's columns are its items' fields.
            if shape == Shape::List {
                fields = fields
                    .iter()
                    .filter_map(|f| f.strip_prefix("items.").map(str::to_owned))
                    .collect();
            }
            Some((
                path.clone(),
                Export {
                    shape,
                    fields: Arc::new(fields),
                },
            ))
        })
        .collect()
}

/// What an endpoint that exports answers, and its fields (`contact.phone`) in the order the
/// document declares them: the sheet's columns come in that order (a JSON object read back is
/// in alphabetical order).
#[derive(Debug, Clone)]
struct Export {
    shape: Shape,
    fields: Arc<Vec<String>>,
}

/// The schema of an operation's JSON answer.
fn ok_schema(operation: &Operation) -> Option<&RefOr<Schema>> {
    let RefOr::T(ok) = operation.responses.responses.get("200")? else {
        return None;
    };
    let RefOr::T(json) = ok.content.get("application/json")? else {
        return None;
    };
    json.schema.as_ref()
}

/// The fields `schema` describes, depth first, as paths from `path`.
fn field_order(
    doc: &OpenApi,
    schema: &RefOr<Schema>,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 12 {
        return;
    }
    let schema = match schema {
        RefOr::T(schema) => schema,
        RefOr::Ref(reference) => {
            let name = reference
                .ref_location
                .rsplit('/')
                .next()
                .unwrap_or_default();
            if let Some(found) = doc.components.as_ref().and_then(|c| c.schemas.get(name)) {
                field_order(doc, found, path, out, depth + 1);
            }
            return;
        }
    };
    match schema {
        Schema::Object(object) => {
            for (name, property) in &object.properties {
                let child = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if !out.contains(&child) {
                    out.push(child.clone());
                }
                field_order(doc, property, &child, out, depth + 1);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &array.items {
                field_order(doc, items, path, out, depth + 1);
            }
        }
        Schema::OneOf(one) => {
            for part in &one.items {
                field_order(doc, part, path, out, depth + 1);
            }
        }
        Schema::AllOf(all) => {
            for part in &all.items {
                field_order(doc, part, path, out, depth + 1);
            }
        }
        Schema::AnyOf(any) => {
            for part in &any.items {
                field_order(doc, part, path, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn takes(operation: &Operation, name: &str) -> bool {
    operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.name == name && p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    })
}

/// The endpoints that export, by route.
#[derive(Clone, Default)]
pub struct Routes(Arc<HashMap<String, Export>>);

/// Documents `format` and the spreadsheet answer on every endpoint that exports, and says which
/// those are (read before the document says so: afterwards they all take a `format`).
pub fn document(doc: &mut OpenApi) -> Routes {
    let routes = exportable(doc);
    let parameter = ParameterBuilder::new()
        .name(FORMAT)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(
            "xlsx: the same data as a spreadsheet (every page of a list, the filters applied; \
             column titles in the caller's language); any other value is 422.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([XLSX_FORMAT])),
        ))
        .build();
    let file = Content::new(Some(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))),
    ));
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(get) = item.get.as_mut().filter(|_| routes.contains_key(path)) else {
            continue;
        };
        get.parameters
            .get_or_insert_with(Vec::new)
            .push(RefOr::T(parameter.clone()));
        if let Some(RefOr::T(ok)) = get.responses.responses.get_mut("200") {
            ok.content.insert(XLSX.to_owned(), RefOr::T(file.clone()));
        }
    }
    Routes(Arc::new(routes))
}

/// The layer over the API's routes.
pub fn layer(routes: Routes, state: AppState) -> ExportLayer {
    ExportLayer {
        routes: routes.0,
        state,
    }
}

#[derive(Clone)]
pub struct ExportLayer {
    routes: Arc<HashMap<String, Export>>,
    state: AppState,
}

impl<S> Layer<S> for ExportLayer {
    type Service = Exporting<S>;

    fn layer(&self, inner: S) -> Exporting<S> {
        Exporting {
            inner,
            routes: self.routes.clone(),
            state: self.state.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Exporting<S> {
    inner: S,
    routes: Arc<HashMap<String, Export>>,
    state: AppState,
}

impl<S> Service<Request> for Exporting<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .and_then(|p| Some((p.as_str().to_owned(), self.routes.get(p.as_str())?.clone())));
        let format = (request.method() == Method::GET)
            .then(|| asked_format(request.uri().query()))
            .flatten();
        match (route, format) {
            (Some((endpoint, export)), Some(format)) => {
                // The readied service answers; a clone stays for the next call (tower's way).
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                let state = self.state.clone();
                let export = Walk {
                    inner,
                    state,
                    endpoint,
                    export,
                };
                Box::pin(async move { Ok(export.answer(&format, request).await) })
            }
            _ => Box::pin(self.inner.call(request)),
        }
    }
}

/// The `format` of a query string, if it names one.
fn asked_format(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == FORMAT)
        .map(|(_, value)| value)
}

/// One export under way: the endpoint's handler and what it answers.
struct Walk<S> {
    inner: S,
    state: AppState,
    endpoint: String,
    export: Export,
}

/// Why an export stopped: the endpoint's own answer (an error as JSON), or ours.
enum Stop {
    Answer(Response),
    Sheet(rust_xlsxwriter::XlsxError),
}

impl From<rust_xlsxwriter::XlsxError> for Stop {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Stop::Sheet(e)
    }
}

impl<S> Walk<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    async fn answer(self, format: &str, request: Request) -> Response {
        if format != XLSX_FORMAT {
            return ApiError::from(ValidationError::single(FORMAT, FieldErrorCode::Invalid))
                .into_response();
        }
        let (mut parts, _) = request.into_parts();
        signed_in_page(&mut parts);
        let filters: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(parts.uri.query().unwrap_or(""))
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| name != FORMAT && !PAGING.contains(&name.as_str()))
                .collect();
        let lang = Lang::from_headers(&parts.headers);
        match self.write(&mut parts, &filters, lang).await {
            Ok(answer) => answer,
            Err(Stop::Answer(answer)) => answer,
            Err(Stop::Sheet(e)) => {
                tracing::error!(error = %e, endpoint = %self.endpoint, "export");
                ApiError::new(ErrorCode::Internal).into_response()
            }
        }
    }

    async fn write(
        &self,
        parts: &mut Parts,
        filters: &[(String, String)],
        lang: Lang,
    ) -> Result<Response, Stop> {
        let mut sheet = Sheet::new(lang)?;
        let rows = match self.export.shape {
            Shape::List => self.list(parts, filters, &mut sheet).await?,
            Shape::Figures => {
                let figures = self.page(parts, filters, &[]).await?;
                write_figures(&mut sheet, lang, &figures, &self.export.fields)?
            }
        };
        // Who exported is known once the handler let them in; the audit says who, what and how much.
        let who = match Caller::from_request_parts(parts, &self.state).await {
            Ok(Caller(who)) => who,
            Err(e) => return Err(Stop::Answer(e.into_response())),
        };
        let filters_json: Map<String, Value> = filters
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        if let Err(e) = self
            .state
            .store
            .record_export(
                &who,
                &self.endpoint,
                Value::Object(filters_json),
                u64::from(rows),
                Utc::now(),
            )
            .await
        {
            return Err(Stop::Answer(ApiError::from(e).into_response()));
        }
        let file = tokio::task::spawn_blocking(move || sheet.finish())
            .await
            .map_err(|_| Stop::Answer(ApiError::new(ErrorCode::Internal).into_response()))??;
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(
            tokio::fs::File::from_std(file),
        ));
        let disposition = format!(
            "attachment; filename=\"{}-{}.xlsx\"",
            file_name(&self.endpoint),
            Utc::now()
                .with_timezone(&chrono_tz::Asia::Shanghai)
                .format("%Y-%m-%d")
        );
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(XLSX));
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
        Ok(response)
    }

    /// Every page of a list, one row per item; the rows written.
    async fn list(
        &self,
        parts: &Parts,
        filters: &[(String, String)],
        sheet: &mut Sheet,
    ) -> Result<u32, Stop> {
        let per_page = MAX_PER_PAGE.to_string();
        let mut body = self
            .page(parts, filters, &[("per_page", per_page.clone())])
            .await?;
        let first = items(&body);
        let columns = sheet::columns(first, &self.export.fields);
        sheet.header(&[], &columns)?;
        let lang = Lang::from_headers(&parts.headers);
        let mut page: u64 = 1;
        let mut seen: u64 = 0;
        loop {
            for item in items(&body) {
                if sheet.rows() >= sheet::MAX_ROWS {
                    sheet.write(&[Cell::Text(export_words(lang).truncated.to_owned())])?;
                    return Ok(sheet::MAX_ROWS);
                }
                sheet.write(&sheet::row(lang, &columns, item))?;
            }
            let count = items(&body).len() as u64;
            seen += count;
            let total = body.get("total").and_then(Value::as_u64).unwrap_or(0);
            let next = match body.get("next") {
                // Keyset pages: the cursor, till there is none.
                Some(Value::String(cursor)) => ("after", cursor.clone()),
                Some(Value::Null) => break,
                _ if count == 0 || seen >= total => break,
                _ => {
                    page += 1;
                    ("page", page.to_string())
                }
            };
            body = self
                .page(
                    parts,
                    filters,
                    &[("per_page", per_page.clone()), (next.0, next.1)],
                )
                .await?;
        }
        Ok(sheet.rows())
    }

    /// The endpoint's JSON answer to the filters and `paging`; anything but 200 stops the export
    /// with that answer.
    async fn page(
        &self,
        parts: &Parts,
        filters: &[(String, String)],
        paging: &[(&str, String)],
    ) -> Result<Value, Stop> {
        let pairs: Vec<(&str, &str)> = filters
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(paging.iter().map(|(k, v)| (*k, v.as_str())))
            .collect();
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let internal = || Stop::Answer(ApiError::new(ErrorCode::Internal).into_response());
        let uri = format!("{}?{query}", parts.uri.path())
            .parse()
            .map_err(|_| internal())?;
        let mut request = Request::new(Body::empty());
        *request.uri_mut() = uri;
        *request.headers_mut() = parts.headers.clone();
        *request.extensions_mut() = parts.extensions.clone();
        let Ok(response) = self.inner.clone().oneshot(request).await;
        if !response.status().is_success() {
            return Err(Stop::Answer(response));
        }
        let bytes = axum::body::to_bytes(response.into_body(), MAX_PAGE_BYTES)
            .await
            .map_err(|_| internal())?;
        serde_json::from_slice(&bytes).map_err(|_| internal())
    }
}

fn items(body: &Value) -> &[Value] {
    body.get("items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A page link carries the session cookie, not a bearer token: the same session (the cookie
/// holds the token the API hands out), so an export link on a page needs no script.
fn signed_in_page(parts: &mut Parts) {
    if bearer_token(&parts.headers).is_some() {
        return;
    }
    let bearer = cookies::read(&parts.headers, COOKIE)
        .and_then(|token| HeaderValue::from_str(&format!("Bearer {token}")).ok());
    if let Some(bearer) = bearer {
        parts.headers.insert(AUTHORIZATION, bearer);
    }
}

/// The figures as rows: one per group or month (its name first) and a total, then the previous
/// period's the same way, labelled. Returns the rows written.
fn write_figures(
    sheet: &mut Sheet,
    lang: Lang,
    figures: &Value,
    order: &[String],
) -> Result<u32, rust_xlsxwriter::XlsxError> {
    let groups = |v: &Value| -> Vec<Value> {
        v.get("groups")
            .or_else(|| v.get("months"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let own = |v: &Value| -> Value {
        match v {
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "groups" | "months" | "previous" | "key" | "name" | "month"
                        )
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            other => other.clone(),
        }
    };
    let previous = figures.get("previous").filter(|p| p.is_object());
    let mut shown: Vec<Value> = vec![own(figures)];
    shown.extend(groups(figures).iter().map(own));
    let columns = sheet::columns(&shown, order);
    let words = export_words(lang);
    sheet.header(&[words.scope.to_owned()], &columns)?;
    let period = |sheet: &mut Sheet, figures: &Value, prefix: &str, total: &str| {
        let mut rows = 0;
        for group in groups(figures) {
            let name = group
                .get("name")
                .or_else(|| group.get("key"))
                .or_else(|| group.get("month"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut cells = vec![Cell::Text(format!("{prefix}{name}"))];
            cells.extend(sheet::row(lang, &columns, &group));
            sheet.write(&cells)?;
            rows += 1;
        }
        let mut cells = vec![Cell::Text(total.to_owned())];
        cells.extend(sheet::row(lang, &columns, figures));
        sheet.write(&cells)?;
        Ok::<u32, rust_xlsxwriter::XlsxError>(rows + 1)
    };
    let has_groups = !groups(figures).is_empty();
    let mut rows = period(
        sheet,
        figures,
        "",
        if has_groups {
            words.total
        } else {
            words.this_period
        },
    )?;
    if let Some(previous) = previous {
        let prefix = format!("{} · ", words.previous);
        let total = if has_groups {
            words.previous_total
        } else {
            words.previous
        };
        rows += period(sheet, previous, &prefix, total)?;
    }
    Ok(rows)
}

/// The file's name for an endpoint: its path without the prefix and the ids
/// (`/api/v1/projects/{id}/buildings` → `projects-buildings`).
fn file_name(endpoint: &str) -> String {
    endpoint
        .trim_start_matches("/api/v1/")
        .split('/')
        .filter(|part| !part.is_empty() && !part.starts_with('{'))
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests;
