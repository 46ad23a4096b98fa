//! 工作日历: the business calendars SLA clocks count on: weekly hours, and dated exceptions
//! (holidays, make-up workdays, special hours), imported from or exported to CSV or iCalendar
//! files the way the API does. Admins add a calendar, change its hours, add and remove days.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use guanjia_domain::calendar::Exception;
use guanjia_domain::calendar::input::{CalendarInput, DayInput, HoursText, hours_text};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::Page;
use guanjia_storage::entity::calendar;

use super::{Faults, Fields, PageParam, Refused, admin_only, answer, page_url, pages, render};
use crate::error::{ApiError, ErrorCode};
use crate::routes::calendars::{self as api, FormatQuery};
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Hours as an admin types them: "09:00-12:00, 13:00-18:00"; empty is a day off.
pub fn parse_hours(field: &str, typed: &str) -> Result<HoursText, ApiError> {
    typed
        .split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|span| !span.is_empty())
        .map(|span| match span.split_once(['-', '–', '~', '～']) {
            Some((start, end)) => Ok([start.trim().to_owned(), end.trim().to_owned()]),
            None => Err(ValidationError::single(field, FieldErrorCode::Invalid).into()),
        })
        .collect()
}

/// Hours as the form shows them.
pub fn show_hours(hours: &HoursText) -> String {
    hours
        .iter()
        .map(|[start, end]| format!("{start}-{end}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn weekly_text(model: &calendar::Model) -> Vec<HoursText> {
    serde_json::from_value(model.weekly_hours.clone()).unwrap_or_default()
}

pub struct CalendarRow {
    pub id: String,
    pub name: String,
    pub week: String,
}

#[derive(Template)]
#[template(path = "admin_calendars.html")]
struct CalendarsPage {
    chrome: Chrome,
    t: &'static Labels,
    calendars: Vec<CalendarRow>,
    form: Fields,
    faults: Faults,
}

/// A weekday's row of an hours form (a calendar's or a roster's).
pub struct WeekdayField {
    pub index: usize,
    pub label: &'static str,
    pub hours: String,
    pub why: Option<String>,
}

/// A dated day of a calendar or a roster: a workday (on duty) or not.
pub struct DayRow {
    pub date: String,
    pub name: String,
    pub workday: bool,
    pub hours: String,
}

impl DayRow {
    pub fn of(e: &Exception) -> Self {
        DayRow {
            date: e.date.to_string(),
            name: e.name.clone(),
            workday: e.is_workday,
            hours: show_hours(&hours_text(&e.hours)),
        }
    }
}

/// The dated day of a day form (date, workday or not, hours on a workday, name).
pub fn typed_day(form: &Fields) -> Result<Exception, ApiError> {
    let date = NaiveDate::parse_from_str(&form.one("date"), "%Y-%m-%d")
        .map_err(|_| ValidationError::single("date", FieldErrorCode::Invalid))?;
    let is_workday = form.one("is_workday") == "true";
    let hours = if is_workday {
        Some(parse_hours("hours", &form.one("hours"))?)
    } else {
        None
    };
    Ok(DayInput {
        is_workday,
        hours,
        name: form.one("name"),
    }
    .validate(date)?)
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    name: String,
    week: Vec<WeekdayField>,
    days: Vec<DayRow>,
    total: String,
    pages: Pages,
    /// Where the dated days are added and removed.
    days_base: String,
    /// The form refused, if one was: `hours`, `day` or `import`.
    refused: Refused,
}

/// The rows of an hours form: the hours kept, or what was typed (and why it was refused).
pub fn week_fields(
    t: &Labels,
    kept: &[HoursText],
    typed: Option<(&Fields, &Faults)>,
) -> Vec<WeekdayField> {
    weekdays(t)
        .into_iter()
        .enumerate()
        .map(|(index, label)| {
            let field = format!("weekly_hours.{index}");
            match typed {
                Some((form, faults)) => WeekdayField {
                    index,
                    label,
                    hours: form.one(&field),
                    why: faults.at(&field),
                },
                None => WeekdayField {
                    index,
                    label,
                    hours: kept.get(index).map(show_hours).unwrap_or_default(),
                    why: None,
                },
            }
        })
        .collect()
}

/// The seven days' hours as typed in an hours form.
pub fn typed_week(form: &Fields) -> Result<Vec<HoursText>, ApiError> {
    (0..7)
        .map(|i| {
            parse_hours(
                &format!("weekly_hours.{i}"),
                &form.one(&format!("weekly_hours.{i}")),
            )
        })
        .collect()
}

/// Monday first, as weekly hours are kept.
pub fn weekdays(t: &Labels) -> [&'static str; 7] {
    [
        t.monday,
        t.tuesday,
        t.wednesday,
        t.thursday,
        t.friday,
        t.saturday,
        t.sunday,
    ]
}

async fn calendars_page(
    state: &AppState,
    session: &Session,
    form: Fields,
    faults: Faults,
) -> Result<CalendarsPage, UiError> {
    let t = text::labels(session.lang);
    let all = state
        .store
        .calendars(&session.who)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let names = weekdays(t);
    let row = |c: calendar::Model| {
        let week = weekly_text(&c);
        let open: Vec<String> = week
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(i, h)| format!("{} {}", names[i], show_hours(h)))
            .collect();
        CalendarRow {
            week: if open.is_empty() {
                t.closed_all_week.to_owned()
            } else {
                open.join("；")
            },
            id: c.id,
            name: c.name,
        }
    };
    Ok(CalendarsPage {
        chrome: Chrome::signed_in(session, t.admin_calendars, Nav::Admin, "/admin/calendars"),
        t,
        calendars: all.into_iter().map(row).collect(),
        form,
        faults,
    })
}

/// `GET /admin/calendars`.
pub async fn list(State(state): State<AppState>, session: Session) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        calendars_page(&state, &session, Fields::default(), Faults::default()).await?,
        None,
    )
}

/// `POST /admin/calendars`: a new calendar with office hours (Mon–Fri 09:00–18:00), to edit.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = match (CalendarInput {
        name: form.one("name"),
        weekly_hours: None,
    })
    .validate()
    {
        Ok(input) => state
            .store
            .create_calendar(&session.who, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(
        session.lang,
        created,
        |c| format!("/admin/calendars/{}", c.id),
        async |faults| calendars_page(&state, &session, form, faults).await,
    )
    .await
}

/// Dated exceptions per page.
const DAYS_PER_PAGE: usize = 50;

async fn calendar_page(
    state: &AppState,
    session: &Session,
    id: &str,
    page: &PageParam,
    refused: Refused,
) -> Result<CalendarPage, UiError> {
    let t = text::labels(session.lang);
    let fail = |e| UiError::api(e, session.lang);
    let (model, exceptions) = tokio::try_join!(
        state.store.calendar(&session.who, id),
        state.store.exceptions(&session.who, id)
    )
    .map_err(fail)?;
    let week = week_fields(
        t,
        &weekly_text(&model),
        refused
            .is("hours")
            .then_some((&refused.form, &refused.faults)),
    );
    // The latest first: what is coming matters more than what was.
    let total = exceptions.len();
    let current = usize::try_from(page.page.unwrap_or(1))
        .unwrap_or(1)
        .clamp(1, total.div_ceil(DAYS_PER_PAGE).max(1));
    let days: Vec<DayRow> = exceptions
        .into_iter()
        .rev()
        .skip((current - 1) * DAYS_PER_PAGE)
        .take(DAYS_PER_PAGE)
        .map(|e| DayRow::of(&e))
        .collect();
    let listed = Page {
        items: Vec::<()>::new(),
        total: total as u64,
        page: current as u64,
        per_page: DAYS_PER_PAGE as u64,
    };
    let here = format!("/admin/calendars/{id}");
    Ok(CalendarPage {
        chrome: Chrome::signed_in(session, &model.name, Nav::Admin, &here),
        t,
        id: model.id,
        name: if refused.is("hours") {
            refused.form.one("name")
        } else {
            model.name
        },
        week,
        days,
        total: super::count(session.lang, total as u64),
        pages: pages(&listed, |n| page_url(&here, n)),
        days_base: format!("{here}/days"),
        refused,
    })
}

/// `GET /admin/calendars/{id}`: its hours, its dated exceptions, import and export.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        calendar_page(&state, &session, &id, &page, Refused::default()).await?,
        None,
    )
}

/// After a form on the calendar: back to it, or it again with the refusal at the form.
async fn after(
    state: &AppState,
    session: &Session,
    id: &str,
    failed: &'static str,
    form: Fields,
    outcome: Result<(), ApiError>,
) -> Result<Response, UiError> {
    answer(
        session.lang,
        outcome,
        |()| format!("/admin/calendars/{id}"),
        async |faults| {
            calendar_page(
                state,
                session,
                id,
                &PageParam::default(),
                Refused::new(failed, form, faults),
            )
            .await
        },
    )
    .await
}

/// `POST /admin/calendars/{id}`: its name and weekly hours.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let input = CalendarInput {
            name: form.one("name"),
            weekly_hours: Some(typed_week(&form)?),
        }
        .validate()?;
        state
            .store
            .update_calendar(&session.who, &id, input, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    };
    let outcome = saved.await;
    after(&state, &session, &id, "hours", form, outcome).await
}

/// `POST /admin/calendars/{id}/days`: sets one dated exception, as the API's `PUT …/days/{date}`.
pub async fn put_day(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let exception = typed_day(&form)?;
        state
            .store
            .put_calendar_days(&session.who, &id, vec![exception], false, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    };
    let outcome = saved.await;
    after(&state, &session, &id, "day", form, outcome).await
}

/// `POST /admin/calendars/{id}/days/{date}/remove`: the day follows the weekly hours again.
pub async fn remove_day(
    State(state): State<AppState>,
    session: Session,
    Path((id, day)): Path<(String, String)>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let outcome = async {
        let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| ValidationError::single("date", FieldErrorCode::Invalid))?;
        Ok::<_, ApiError>(
            state
                .store
                .remove_calendar_day(&session.who, &id, date, Utc::now())
                .await?,
        )
    };
    let outcome = outcome.await;
    after(&state, &session, &id, "day", Fields::default(), outcome).await
}

/// `POST /admin/calendars/{id}/import`: a CSV or iCalendar file of dated exceptions (by its
/// name's extension), optionally replacing the others; a bad file changes nothing.
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut upload: Multipart,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let mut query = FormatQuery {
        format: None,
        replace: None,
    };
    let mut body: Option<String> = None;
    let mut form = Vec::new();
    let read = async {
        while let Some(field) = upload
            .next_field()
            .await
            .map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?
        {
            match field.name().unwrap_or_default() {
                "replace" => {
                    query.replace = Some(true);
                    form.push(("replace".to_owned(), "true".to_owned()));
                }
                "file" => {
                    let ics = field
                        .file_name()
                        .is_some_and(|n| n.to_lowercase().ends_with(".ics"));
                    query.format = Some(if ics { "ics" } else { "csv" }.to_owned());
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?;
                    body =
                        Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                            ValidationError::single("file", FieldErrorCode::Invalid)
                        })?)
                        .filter(|b| !b.is_empty());
                }
                _ => {}
            }
        }
        let body = body.ok_or_else(|| ValidationError::single("file", FieldErrorCode::Required))?;
        api::import(&state, &session.who, &id, &query, &body)
            .await
            .map(drop)
    };
    let outcome = read.await;
    after(
        &state,
        &session,
        &id,
        "import",
        Fields::of(form.iter().map(|(k, v)| (k.as_str(), v.clone()))),
        outcome,
    )
    .await
}

/// `GET /admin/calendars/{id}/export?format=csv|ics`: the exceptions file, as the API gives it.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    api::export(&state, &session.who, &id, &query)
        .await
        .map_err(|e| UiError::api(e, session.lang))
}
