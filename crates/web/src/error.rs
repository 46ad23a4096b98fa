//! The HTTP layer's one error type, mapped once to a status, a stable code and a message in the
//! caller's language (zh-CN by default, en on request).

use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guanjia_domain::inspection::InspectionError;
use guanjia_domain::ticket::LifecycleError;
use guanjia_domain::training::TrainingError;
use guanjia_domain::validation::ValidationError;
use guanjia_storage::StorageError;
use serde_json::{Value, json};

use crate::i18n::Lang;

/// Declares the error codes with their status and both messages in one table.
macro_rules! guanjia_codes {
    ($($variant:ident = $code:literal => ($status:expr, $zh:literal, $en:literal)),+ $(,)?) => {
        /// Stable, machine-readable error codes of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((ErrorCode::$variant, Lang::Zh) => $zh, (ErrorCode::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

guanjia_codes! {
    InvalidRequest = "invalid_request" => (StatusCode::BAD_REQUEST, "请求格式不正确", "The request is malformed"),
    Unauthenticated = "unauthenticated" => (StatusCode::UNAUTHORIZED, "未登录或登录已失效", "Not signed in, or the session has expired"),
    InvalidCredentials = "invalid_credentials" => (StatusCode::UNAUTHORIZED, "用户名或密码错误", "Wrong username or password"),
    TooManyAttempts = "too_many_attempts" => (StatusCode::TOO_MANY_REQUESTS, "尝试次数过多，请稍后再试", "Too many attempts; try again later"),
    Forbidden = "forbidden" => (StatusCode::FORBIDDEN, "无权执行此操作", "You may not do this"),
    KeyScopeMissing = "key_scope_missing" => (StatusCode::FORBIDDEN, "该接口密钥没有此操作所需的权限范围", "This API key lacks the scope this needs"),
    KeyRateLimited = "key_rate_limited" => (StatusCode::TOO_MANY_REQUESTS, "该接口密钥请求过于频繁，请稍后再试", "This API key made too many requests; try again shortly"),
    NotFound = "not_found" => (StatusCode::NOT_FOUND, "对象不存在", "Not found"),
    AlreadyAppealed = "already_appealed" => (StatusCode::CONFLICT, "该质检已申诉过，每次质检只能申诉一次", "This inspection was already appealed; one appeal only"),
    InvalidInspectionState = "invalid_inspection_state" => (StatusCode::CONFLICT, "质检当前状态不允许此操作", "The inspection's state does not allow this action"),
    NoAttemptsLeft = "no_attempts_left" => (StatusCode::CONFLICT, "考试次数已用完", "No attempts are left for this exam"),
    AlreadyCertified = "already_certified" => (StatusCode::CONFLICT, "已通过该课程，证书仍在有效期内", "You passed this course and your certificate is still valid"),
    AttemptSubmitted = "attempt_submitted" => (StatusCode::CONFLICT, "本次考试已交卷", "This attempt was already submitted"),
    InvalidTransition = "invalid_transition" => (StatusCode::CONFLICT, "工单当前状态不允许此操作", "The ticket's status does not allow this action"),
    ChecklistIncomplete = "checklist_incomplete" => (StatusCode::UNPROCESSABLE_ENTITY, "检查单还有未完成的步骤，完成后才能办结", "Checklist steps are not ticked yet: tick them before resolving"),
    ValidationFailed = "validation_failed" => (StatusCode::UNPROCESSABLE_ENTITY, "输入有误，请检查标出的字段", "Some fields are invalid"),
    PayloadTooLarge = "payload_too_large" => (StatusCode::PAYLOAD_TOO_LARGE, "请求内容过大", "The request is too large"),
    MethodNotAllowed = "method_not_allowed" => (StatusCode::METHOD_NOT_ALLOWED, "不支持此请求方法", "Method not allowed"),
    AlreadyExists = "already_exists" => (StatusCode::CONFLICT, "该记录刚被另一个请求创建，请重试", "Another request created this record just now; try again"),
    InUse = "in_use" => (StatusCode::CONFLICT, "仍有数据依赖它，不能删除", "Other records depend on it, so it cannot be deleted"),
    LinkUsed = "link_used" => (StatusCode::CONFLICT, "该链接已使用过", "This link has already been used"),
    LinkExpired = "link_expired" => (StatusCode::GONE, "该链接已失效", "This link has expired"),
    Unavailable = "unavailable" => (StatusCode::SERVICE_UNAVAILABLE, "服务暂时不可用，请稍后重试", "The service is unavailable; try again shortly"),
    UnknownStoredValue = "unknown_stored_value" => (StatusCode::INTERNAL_SERVER_ERROR, "数据中有本版本无法识别的值，请联系管理员", "A stored record holds a value this version does not know; tell the administrator"),
    Internal = "internal" => (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试", "Internal error; try again shortly"),
}

/// An error on its way to the client; rendered by [`localize`] in the caller's language.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub details: Value,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            details: json!({}),
        }
    }

    pub fn with_details(code: ErrorCode, details: Value) -> Self {
        Self { code, details }
    }

    /// The JSON body in `lang`. A refused field whose rule is known gets words saying what it
    /// accepts (`details.messages`); a refused deletion says what depends on the object.
    pub fn body(&self, lang: Lang) -> Value {
        let mut details = self.details.clone();
        if let Some(messages) = crate::words::field_messages(lang, &details) {
            details["messages"] = messages;
        }
        json!({ "error": { "code": self.code.as_str(), "message": self.message(lang), "details": details } })
    }

    /// The message in `lang`: for a refusal a person can act on, its reason; for `in_use`, what
    /// depends on the object; else the code's own.
    pub fn message(&self, lang: Lang) -> String {
        let reason = self.details.get("reason").and_then(Value::as_str);
        let said = match (self.code, reason) {
            (ErrorCode::InvalidTransition, Some("already_rated")) => Some((
                "本次服务已经评价过，不能重复评价；整改完成后可再次评价",
                "This work was already rated; a new rating is possible after rectification",
            )),
            (ErrorCode::InvalidTransition, Some("chased_recently")) => Some((
                "一小时内已催办过，请稍后再催",
                "This request was chased less than an hour ago; try again later",
            )),
            (ErrorCode::InvalidTransition, Some("already_on_site")) => Some((
                "本次上门已登记到场，无需重复到场",
                "Arrival on this visit is already recorded",
            )),
            _ => None,
        };
        if let Some((zh, en)) = said {
            return if lang == Lang::Zh { zh } else { en }.to_owned();
        }
        match crate::words::dependents(lang, &self.details) {
            Some(what) if self.code == ErrorCode::InUse => format!(
                "{}{}{what}",
                self.code.message(lang),
                if lang == Lang::Zh { "：" } else { ": " }
            ),
            _ => self.code.message(lang).to_owned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The body is written by the localize middleware, which knows the caller's language.
        let mut response = self.code.status().into_response();
        if let Some(seconds) = self
            .details
            .get("retry_after_seconds")
            .and_then(Value::as_i64)
        {
            response.headers_mut().insert(RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders every [`ApiError`] response body in the language the request asked for.
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let body = serde_json::to_vec(&error.body(lang)).unwrap_or_default();
        // The status and headers (such as `Retry-After`) stay; the body and its type are ours.
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(CONTENT_LENGTH);
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response = Response::from_parts(parts, body.into());
    }
    response
}

impl From<ValidationError> for ApiError {
    fn from(err: ValidationError) -> Self {
        let allowed: serde_json::Map<String, Value> = err
            .0
            .iter()
            .filter_map(|e| {
                Some((
                    e.field.clone(),
                    serde_json::to_value(e.allowed.as_ref()?).ok()?,
                ))
            })
            .collect();
        let fields: serde_json::Map<String, Value> = err
            .0
            .into_iter()
            .map(|e| (e.field, Value::from(e.code.as_str())))
            .collect();
        let details = if allowed.is_empty() {
            json!({ "fields": fields })
        } else {
            json!({ "fields": fields, "allowed": allowed })
        };
        ApiError::with_details(ErrorCode::ValidationFailed, details)
    }
}

impl From<LifecycleError> for ApiError {
    fn from(err: LifecycleError) -> Self {
        match err {
            LifecycleError::Forbidden { role, action } => ApiError::with_details(
                ErrorCode::Forbidden,
                json!({ "role": role.as_str(), "action": action.as_str() }),
            ),
            LifecycleError::InvalidTransition {
                action,
                status,
                reason,
            } => ApiError::with_details(
                ErrorCode::InvalidTransition,
                json!({ "action": action.as_str(), "status": status.as_str(), "reason": reason.map(|r| r.as_str()) }),
            ),
            LifecycleError::Validation(v) => v.into(),
            LifecycleError::ChecklistIncomplete { steps } => {
                ApiError::with_details(ErrorCode::ChecklistIncomplete, json!({ "steps": steps }))
            }
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::NotFound(what) => {
                ApiError::with_details(ErrorCode::NotFound, json!({ "object": what }))
            }
            StorageError::Validation(v) => v.into(),
            StorageError::Lifecycle(l) => l.into(),
            StorageError::Inspection(e) => match e {
                InspectionError::Forbidden(action) => ApiError::with_details(
                    ErrorCode::Forbidden,
                    json!({ "action": action.as_str() }),
                ),
                InspectionError::AlreadyAppealed => ApiError::new(ErrorCode::AlreadyAppealed),
                InspectionError::InvalidState { action, state } => ApiError::with_details(
                    ErrorCode::InvalidInspectionState,
                    json!({ "action": action.as_str(), "state": state.as_str() }),
                ),
            },
            StorageError::Training(e) => ApiError::new(match e {
                TrainingError::NoAttemptsLeft => ErrorCode::NoAttemptsLeft,
                TrainingError::AlreadyCertified => ErrorCode::AlreadyCertified,
                TrainingError::AttemptSubmitted => ErrorCode::AttemptSubmitted,
            }),
            StorageError::Unauthenticated => ApiError::new(ErrorCode::Unauthenticated),
            StorageError::Throttled(until) => {
                let seconds = (until - chrono::Utc::now()).num_seconds().max(1);
                ApiError::with_details(
                    ErrorCode::TooManyAttempts,
                    json!({ "retry_after_seconds": seconds, "retry_at": until }),
                )
            }
            StorageError::Forbidden => ApiError::new(ErrorCode::Forbidden),
            StorageError::InUse(counts) => {
                let dependents: serde_json::Map<String, Value> = counts
                    .into_iter()
                    .map(|(what, n)| (what.to_owned(), Value::from(n)))
                    .collect();
                ApiError::with_details(ErrorCode::InUse, json!({ "dependents": dependents }))
            }
            StorageError::AlreadyExists(what) => {
                ApiError::with_details(ErrorCode::AlreadyExists, json!({ "object": what }))
            }
            StorageError::LinkUsed => ApiError::new(ErrorCode::LinkUsed),
            StorageError::LinkExpired => ApiError::new(ErrorCode::LinkExpired),
            // Where in the vocabulary the fault is, as a field path of the request, and why.
            StorageError::Vocabulary(e) => ApiError::with_details(
                ErrorCode::ValidationFailed,
                json!({ "fields": { format!("vocabulary.{}", e.at()).trim_end_matches('.'): "invalid" }, "reason": e.to_string() }),
            ),
            StorageError::Database(e) => {
                tracing::error!(error = %e, "database error");
                ApiError::new(ErrorCode::Unavailable)
            }
            // Which row holds what: for the administrator who has to mend it.
            StorageError::UnknownStored(e) => {
                tracing::error!(error = %e, "a stored value is unknown");
                ApiError::with_details(
                    ErrorCode::UnknownStoredValue,
                    json!({ "table": e.table, "id": e.id, "column": e.column, "value": e.value }),
                )
            }
            StorageError::Files(e) => {
                tracing::error!(error = %e, "file storage failed");
                ApiError::new(ErrorCode::Unavailable)
            }
            StorageError::Hashing(e) => {
                tracing::error!(error = %e, "password hashing failed");
                ApiError::new(ErrorCode::Internal)
            }
            StorageError::NotConfigured(setting) => {
                tracing::warn!(setting, "a request needs a setting that is not configured");
                ApiError::with_details(ErrorCode::Unavailable, json!({ "setting": setting }))
            }
            StorageError::Search(e) => {
                tracing::error!(error = %e, "the knowledge base's search failed");
                ApiError::new(ErrorCode::Internal)
            }
            StorageError::Secret(e) => {
                tracing::error!(error = %e, "a stored secret could not be sealed or opened");
                ApiError::new(ErrorCode::Internal)
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Documents the error answer on every operation of `openapi`, as the `default` response: any
/// status an operation does not list itself (400 for a malformed request, 401, 404, 422, 429,
/// 503 …) carries this body, with one of the stable codes.
pub fn document_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let error = ObjectBuilder::new()
        .property(
            "code",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str()))),
        )
        .required("code")
        .property(
            "message",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("In the caller's language (Accept-Language).")),
        )
        .required("message")
        .property(
            "details",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some("e.g. `fields`: field → reason code")),
        )
        .required("details");
    let body = ObjectBuilder::new()
        .property("error", error)
        .required("error");
    openapi
        .components
        .get_or_insert_with(Default::default)
        .schemas
        .insert("ErrorBody".to_owned(), RefOr::T(body.into()));
    let answer = ResponseBuilder::new()
        .description("An error: the status and a stable code say what went wrong")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("default".to_owned())
                .or_insert_with(|| RefOr::T(answer.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_speaks_chinese_and_english() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let (zh, en) = (code.message(Lang::Zh), code.message(Lang::En));
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code:?} zh: {zh}"
            );
            assert!(en.is_ascii() && !en.is_empty(), "{code:?} en: {en}");
            assert!(
                seen.insert(code.as_str()),
                "duplicate code {}",
                code.as_str()
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }
}
