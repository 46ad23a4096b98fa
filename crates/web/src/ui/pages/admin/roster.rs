//! 排班: when a staff member is on duty (what automatic dispatch and "on duty now" ask): hours per
//! weekday and dated exceptions (leave, swapped shifts, holiday duty). Admins keep anyone's,
//! supervisors those of their projects, through the API's own roster call; someone without a
//! roster is always on duty.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::calendar::input::{DayInput, HoursText, hours_text};
use guanjia_domain::calendar::{Exception, WeeklyHours};
use guanjia_domain::dispatch::{RosterDay, RosterInput};
use guanjia_domain::role::Role;

use super::calendars::{DayRow, WeekdayField, typed_day, typed_week, week_fields};
use super::{Fields, Refused, answer, render};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Admins and supervisors keep rosters (the store narrows supervisors to their projects).
fn keeper(session: &Session) -> Result<(), UiError> {
    if matches!(session.who.role, Role::Admin | Role::Supervisor) {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

/// A roster as text, for the API's input: kept hours, or round the clock without a roster.
fn as_text(kept: Option<(WeeklyHours, Vec<Exception>)>) -> (Vec<HoursText>, Vec<Exception>) {
    match kept {
        Some((weekly, exceptions)) => {
            (weekly.0.iter().map(|d| hours_text(d)).collect(), exceptions)
        }
        None => (
            vec![vec![["00:00".to_owned(), "24:00".to_owned()]]; 7],
            vec![],
        ),
    }
}

fn day_of(e: &Exception) -> RosterDay {
    RosterDay {
        date: e.date,
        day: DayInput {
            is_workday: e.is_workday,
            hours: Some(hours_text(&e.hours)),
            name: e.name.clone(),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_roster.html")]
struct RosterPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    name: String,
    /// Whether a roster is kept (else: always on duty).
    kept: bool,
    /// An admin (who comes from the staff list; a supervisor from the team page).
    admin: bool,
    week: Vec<WeekdayField>,
    days: Vec<DayRow>,
    /// Where the dated days are added and removed.
    days_base: String,
    /// The form refused, if one was: `hours` or `day`.
    refused: Refused,
}

impl RosterPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        refused: Refused,
    ) -> Result<Self, UiError> {
        let t = text::labels(session.lang);
        let (member, kept) = state
            .store
            .roster(&session.who, id)
            .await
            .map_err(|e| UiError::api(e, session.lang))?;
        let here = format!("/admin/staff/{id}/roster");
        let (weekly, exceptions) = as_text(kept.clone());
        Ok(RosterPage {
            chrome: Chrome::signed_in(
                session,
                &format!("{} · {}", member.staff.name, t.roster),
                if session.who.role.administers() {
                    Nav::Admin
                } else {
                    Nav::Team
                },
                &here,
            ),
            t,
            id: member.staff.id.clone(),
            name: member.staff.name,
            kept: kept.is_some(),
            admin: session.who.role.administers(),
            week: week_fields(
                t,
                &weekly,
                refused
                    .is("hours")
                    .then_some((&refused.form, &refused.faults)),
            ),
            days: exceptions.iter().rev().map(DayRow::of).collect(),
            days_base: format!("{here}/days"),
            refused,
        })
    }
}

/// `GET /admin/staff/{id}/roster`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    keeper(&session)?;
    render(
        RosterPage::load(&state, &session, &id, Refused::default()).await?,
        None,
    )
}

/// Sets the roster as the API's `PUT /api/v1/staff/{id}/roster` does, from what is kept changed by `change`.
async fn save(
    state: &AppState,
    session: &Session,
    id: &str,
    change: impl FnOnce(&mut Vec<HoursText>, &mut Vec<Exception>) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let (_, kept) = state.store.roster(&session.who, id).await?;
    let (mut weekly, mut exceptions) = as_text(kept);
    change(&mut weekly, &mut exceptions)?;
    let input = RosterInput {
        weekly_hours: weekly,
        exceptions: exceptions.iter().map(day_of).collect(),
    };
    let (weekly, exceptions) = input.validate()?;
    state
        .store
        .set_roster(&session.who, id, weekly, exceptions, Utc::now())
        .await?;
    Ok(())
}

/// After a form: back to the roster, or it again with the refusal at the form.
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
        |()| format!("/admin/staff/{id}/roster"),
        async |faults| {
            RosterPage::load(state, session, id, Refused::new(failed, form, faults)).await
        },
    )
    .await
}

/// `POST /admin/staff/{id}/roster`: the weekly hours (the dated exceptions kept).
pub async fn set_week(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    keeper(&session)?;
    let outcome = save(&state, &session, &id, |weekly, _| {
        *weekly = typed_week(&form)?;
        Ok(())
    })
    .await;
    after(&state, &session, &id, "hours", form, outcome).await
}

/// `POST /admin/staff/{id}/roster/days`: one dated exception, replacing one of the same date.
pub async fn put_day(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    keeper(&session)?;
    let outcome = save(&state, &session, &id, |_, exceptions| {
        let day = typed_day(&form)?;
        let date = day.date;
        exceptions.retain(|e| e.date != date);
        exceptions.push(day);
        exceptions.sort_by_key(|e| e.date);
        Ok(())
    })
    .await;
    after(&state, &session, &id, "day", form, outcome).await
}

/// `POST /admin/staff/{id}/roster/days/{date}/remove`: the day follows the weekly hours again.
pub async fn remove_day(
    State(state): State<AppState>,
    session: Session,
    Path((id, day)): Path<(String, String)>,
) -> Result<Response, UiError> {
    keeper(&session)?;
    let outcome = save(&state, &session, &id, |_, exceptions| {
        exceptions.retain(|e| e.date.to_string() != day);
        Ok(())
    })
    .await;
    after(&state, &session, &id, "day", Fields::default(), outcome).await
}
