//! 系统管理: the company's set-up for admins, one screen per thing they keep: projects with their
//! buildings and rooms, residents, staff, teams and grids, categories, SLA policies, calendars,
//! the vocabulary messages are read with, the WeChat official accounts, the IoT devices and the
//! WeCom group robots staff alerts go to. Each screen lists (a page at a time) and adds through
//! the same store calls as the API, so the same rules, scope and audit trail apply; a refused form
//! comes back filled in, with each field's problem beside it, and changes nothing.

pub mod api_keys;
pub mod calendars;
pub mod categories;
pub mod devices;
pub mod places;
pub mod policies;
pub mod residents;
pub mod robots;
pub mod roster;
pub mod staff;
pub mod teams;
pub mod vocabulary;
pub mod webhooks;
pub mod wechat;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use guanjia_storage::Page;
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Rows per page of an admin list.
pub const PER_PAGE: u64 = 30;

/// Only admins change the company's set-up; the store says so too, but the page should not even
/// offer the forms.
pub fn admin_only(session: &Session) -> Result<(), UiError> {
    if session.who.role.administers() {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

/// A refused form: the notice above it, and each field's problem beside the field.
#[derive(Default)]
pub struct Faults {
    pub notice: Option<Notice>,
    by_field: HashMap<String, String>,
}

impl Faults {
    pub fn of(error: &ApiError, lang: Lang) -> Self {
        let by_field = crate::words::field_problems(lang, &error.details)
            .into_iter()
            .collect();
        Faults {
            notice: Some(Notice::of(error, lang)),
            by_field,
        }
    }

    /// The same refusal on a form about a person: its `name` is listed as 姓名, as it is labelled.
    pub fn person(mut self, lang: Lang) -> Self {
        if let (Some(notice), Some(why)) = (self.notice.as_mut(), self.by_field.get("name")) {
            let generic = Notice::line(lang, &text::field(lang, "name"), why);
            let person = Notice::line(lang, text::labels(lang).person_name, why);
            for line in notice.fields.iter_mut().filter(|line| **line == generic) {
                *line = person.clone();
            }
        }
        self
    }

    /// Why `field` was refused, and what it accepts, if it was.
    pub fn at(&self, field: &str) -> Option<String> {
        self.by_field.get(field).cloned()
    }
}

/// A page with several forms, of which one came back refused: which one, what was typed in
/// it, and why; the other forms show empty.
#[derive(Default)]
pub struct Refused {
    pub which: String,
    pub form: Fields,
    pub faults: Faults,
}

impl Refused {
    pub fn new(which: &str, form: Fields, faults: Faults) -> Self {
        Refused {
            which: which.to_owned(),
            form,
            faults,
        }
    }

    /// Whether the form `which` came back.
    pub fn is(&self, which: &str) -> bool {
        self.faults.notice.is_some() && self.which == which
    }

    /// What was typed in `field` of the form `which`, if it came back.
    pub fn value(&self, which: &str, field: &str) -> String {
        if self.is(which) {
            self.form.one(field)
        } else {
            String::new()
        }
    }

    /// Why `field` of the form `which` was refused.
    pub fn why(&self, which: &str, field: &str) -> Option<String> {
        if self.is(which) {
            self.faults.at(field)
        } else {
            None
        }
    }
}

/// `?page=…` of a list, and `done=…` after a form that worked.
#[derive(Debug, Default, Deserialize)]
pub struct PageParam {
    pub page: Option<u64>,
    pub done: Option<Done>,
}

/// What the form before did, said once on the page it led to: every action gets an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Saved,
    Deleted,
    Password,
    Archived,
    Restored,
}

impl Done {
    pub fn words(self, t: &Labels) -> &'static str {
        match self {
            Done::Saved => t.done_saved,
            Done::Deleted => t.done_deleted,
            Done::Password => t.done_password,
            Done::Archived => t.done_archived,
            Done::Restored => t.done_restored,
        }
    }

    /// `path` with `done=…` added.
    pub fn at(self, path: &str) -> String {
        let code = match self {
            Done::Saved => "saved",
            Done::Deleted => "deleted",
            Done::Password => "password",
            Done::Archived => "archived",
            Done::Restored => "restored",
        };
        format!(
            "{path}{}done={code}",
            if path.contains('?') { '&' } else { '?' }
        )
    }
}

/// `GET /admin/…` of nothing we have: the error page in the reader's language, not the API's JSON.
pub async fn unknown(session: Session) -> Result<Response, UiError> {
    admin_only(&session)?;
    Err(UiError::api(
        ApiError::new(ErrorCode::NotFound),
        session.lang,
    ))
}

impl PageParam {
    pub fn request(&self) -> guanjia_storage::PageRequest {
        guanjia_storage::PageRequest {
            page: self.page.unwrap_or(1).clamp(1, 1_000_000),
            per_page: PER_PAGE,
        }
    }
}

/// The paging links of a list whose page `n` is at `url(n)`.
pub fn pages<T>(page: &Page<T>, url: impl Fn(u64) -> String) -> Pages {
    let last = page.total.div_ceil(page.per_page.max(1)).max(1);
    let current = page.page;
    Pages {
        current,
        last,
        previous: (current > 1).then(|| url(current - 1)),
        next: (current < last).then(|| url(current + 1)),
    }
}

/// "共 12 条" / "12 entries".
pub fn count(lang: Lang, n: u64) -> String {
    let t = text::labels(lang);
    [t.total_prefix, &n.to_string(), t.entries]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `path` with `?page=n` (or `&page=n` when it has a query already), the first page without.
pub fn page_url(path: &str, n: u64) -> String {
    match (n, path.contains('?')) {
        (1, _) => path.to_owned(),
        (_, true) => format!("{path}&page={n}"),
        (_, false) => format!("{path}?page={n}"),
    }
}

/// The page; a refused form's page carries the refusal's status.
pub fn render(page: impl Template, error: Option<&ApiError>) -> Result<Response, UiError> {
    let status = error.map_or(axum::http::StatusCode::OK, |e| e.code.status());
    Ok((status, Html(page.render()?)).into_response())
}

/// A form that worked: to the page that shows what it made.
pub fn done(location: &str) -> Result<Response, UiError> {
    Ok(crate::ui::redirect::see_other(false, location))
}

/// After a form: to `then(made)` when it worked; else the page again as `page(faults)` makes it,
/// with the refusal on it and its status.
pub async fn answer<T, P: Template>(
    lang: Lang,
    outcome: Result<T, ApiError>,
    then: impl FnOnce(T) -> String,
    page: impl AsyncFnOnce(Faults) -> Result<P, UiError>,
) -> Result<Response, UiError> {
    match outcome {
        Ok(made) => done(&then(made)),
        Err(error) => render(page(Faults::of(&error, lang)).await?, Some(&error)),
    }
}

/// A screen of the landing page.
pub struct Screen {
    pub href: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct Landing {
    chrome: Chrome,
    t: &'static Labels,
    screens: Vec<Screen>,
}

/// `GET /admin`.
pub async fn landing(session: Session) -> Result<Response, UiError> {
    admin_only(&session)?;
    let t = text::labels(session.lang);
    let screen = |href, title, hint| Screen { href, title, hint };
    let screens = vec![
        screen("/admin/projects", t.admin_projects, t.admin_projects_hint),
        screen(
            "/admin/residents",
            t.admin_residents,
            t.admin_residents_hint,
        ),
        screen("/admin/import", t.nav_import, t.admin_import_hint),
        screen("/admin/staff", t.admin_staff, t.admin_staff_hint),
        screen("/admin/teams", t.admin_teams, t.admin_teams_hint),
        screen(
            "/admin/categories",
            t.admin_categories,
            t.admin_categories_hint,
        ),
        screen("/admin/policies", t.admin_policies, t.admin_policies_hint),
        screen(
            "/admin/calendars",
            t.admin_calendars,
            t.admin_calendars_hint,
        ),
        screen(
            "/admin/vocabulary",
            t.admin_vocabulary,
            t.admin_vocabulary_hint,
        ),
        screen("/admin/wechat", t.admin_wechat, t.admin_wechat_hint),
        screen("/admin/devices", t.admin_devices, t.admin_devices_hint),
        screen("/admin/robots", t.admin_robots, t.admin_robots_hint),
        screen("/admin/api-keys", t.admin_api_keys, t.admin_api_keys_hint),
        screen("/admin/webhooks", t.admin_webhooks, t.admin_webhooks_hint),
    ];
    let chrome = Chrome::signed_in(&session, t.nav_admin, Nav::Admin, "/admin");
    Ok(Html(Landing { chrome, t, screens }.render()?).into_response())
}

/// A posted form as its pairs, for forms with repeated names (checkboxes).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// A form filled in beforehand (an edit form).
    pub fn of<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        Fields(
            pairs
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        )
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// The first value of `name` as typed (a password).
    pub fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// The value of `name` when it is not empty.
    pub fn given(&self, name: &str) -> Option<String> {
        Some(self.one(name)).filter(|v| !v.is_empty())
    }

    /// Every non-empty value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.trim().to_owned())
            .collect()
    }

    /// Drops what was typed in `name` (a secret, never written back into a page).
    pub fn forget(&mut self, name: &str) {
        self.0.retain(|(key, _)| key != name);
    }

    /// Whether a checkbox named `name` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }
}

/// A number typed in a form: none when empty, a refusal of `field` when not a number.
pub fn number<T: std::str::FromStr>(fields: &Fields, field: &str) -> Result<Option<T>, ApiError> {
    match fields.given(field) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            guanjia_domain::validation::ValidationError::single(
                field,
                guanjia_domain::validation::FieldErrorCode::Invalid,
            )
            .into()
        }),
    }
}
