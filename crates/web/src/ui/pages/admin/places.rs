//! 项目、楼栋、房屋: the projects an admin keeps, each project's buildings, each building's
//! rooms; each list pages and has its form to add one. Rooms and residents also come in bulk from
//! a spreadsheet (/admin/import).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::place::{ProjectKind, RoomKind};
use guanjia_domain::setup::{BuildingInput, ProjectInput, RoomInput};
use guanjia_storage::entity::{building, project, room};

use super::{Faults, Fields, PageParam, admin_only, answer, number, page_url, pages, render};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::place_rows::Column;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

fn project_kind(t: &Labels, kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::Residential => t.project_residential,
        ProjectKind::Commercial => t.project_commercial,
        ProjectKind::Mixed => t.project_mixed,
    }
}

/// A room kind as the page's language says it.
pub fn room_kind(lang: Lang, code: &str) -> &'static str {
    Column::Kind.label(lang, code)
}

#[derive(Template)]
#[template(path = "admin_projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    t: &'static Labels,
    projects: Vec<project::Model>,
    kinds: Vec<Choice>,
    pages: Pages,
    form: Fields,
    faults: Faults,
}

impl ProjectsPage {
    async fn load(state: &AppState, session: &Session, page: &PageParam, form: Fields, faults: Faults) -> Result<Self, UiError> {
        let t = text::labels(session.lang);
        let list = state.store.projects(&session.who, page.request()).await.map_err(|e| UiError::api(e, session.lang))?;
        let kind = form.given("kind");
        Ok(ProjectsPage {
            chrome: Chrome::signed_in(session, t.admin_projects, Nav::Admin, "/admin/projects"),
            t,
            pages: pages(&list, |n| page_url("/admin/projects", n)),
            projects: list.items,
            kinds: choices(kind.as_deref(), ProjectKind::ALL.iter().map(|k| (k.as_str(), project_kind(t, *k)))),
            form,
            faults,
        })
    }

    fn kind(&self, code: &str) -> &'static str {
        code.parse().map_or("", |k| project_kind(self.t, k))
    }
}

/// `GET /admin/projects`.
pub async fn projects(State(state): State<AppState>, session: Session, Query(page): Query<PageParam>) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(ProjectsPage::load(&state, &session, &page, Fields::default(), Faults::default()).await?, None)
}

/// `POST /admin/projects`: adds a project and opens it.
pub async fn create_project(State(state): State<AppState>, session: Session, Form(form): Form<Fields>) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = ProjectInput { code: form.one("code"), name: form.one("name"), kind: form.given("kind"), time_zone: form.given("time_zone"), address: form.given("address") };
    let created = match input.validate() {
        Ok(input) => state.store.create_project(&session.who, input, Utc::now()).await.map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(session.lang, created, |project| format!("/admin/projects/{}", project.id), async |faults| ProjectsPage::load(&state, &session, &PageParam::default(), form, faults).await).await
}

#[derive(Template)]
#[template(path = "admin_project.html")]
struct ProjectPage {
    chrome: Chrome,
    t: &'static Labels,
    project: project::Model,
    kind: &'static str,
    buildings: Vec<building::Model>,
    pages: Pages,
    /// The calendar its SLA clocks count on: the company's default (empty) or one of them.
    calendars: Vec<Choice>,
    form: Fields,
    faults: Faults,
}

impl ProjectPage {
    async fn load(state: &AppState, session: &Session, id: &str, page: &PageParam, form: Fields, faults: Faults) -> Result<Self, UiError> {
        let t = text::labels(session.lang);
        let fail = |e| UiError::api(e, session.lang);
        let (project, list, calendars) =
            tokio::try_join!(state.store.project(&session.who, id), state.store.buildings(&session.who, id, page.request()), state.store.calendars(&session.who))
                .map_err(fail)?;
        let here = format!("/admin/projects/{id}");
        let default = [("", t.company_calendar)].into_iter();
        let calendars = choices(project.calendar_id.as_deref().or(Some("")), default.chain(calendars.iter().map(|c| (c.id.as_str(), c.name.as_str()))));
        Ok(ProjectPage {
            chrome: Chrome::signed_in(session, &project.name, Nav::Admin, &here),
            t,
            kind: project.kind.parse().map_or("", |k| project_kind(t, k)),
            pages: pages(&list, |n| page_url(&here, n)),
            buildings: list.items,
            calendars,
            project,
            form,
            faults,
        })
    }
}

/// `GET /admin/projects/{id}`: its buildings.
pub async fn project(State(state): State<AppState>, session: Session, Path(id): Path<String>, Query(page): Query<PageParam>) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(ProjectPage::load(&state, &session, &id, &page, Fields::default(), Faults::default()).await?, None)
}

/// `POST /admin/projects/{id}`: adds a building and opens it.
pub async fn create_building(State(state): State<AppState>, session: Session, Path(id): Path<String>, Form(form): Form<Fields>) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = match (BuildingInput { name: form.one("name") }).validate() {
        Ok(name) => state.store.create_building(&session.who, &id, name, Utc::now()).await.map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(session.lang, created, |building| format!("/admin/buildings/{}", building.id), async |faults| ProjectPage::load(&state, &session, &id, &PageParam::default(), form, faults).await).await
}

/// `POST /admin/projects/{id}/calendar`: the calendar the project's SLA clocks count on; open
/// tickets' deadlines follow, as with the API.
pub async fn set_calendar(State(state): State<AppState>, session: Session, Path(id): Path<String>, Form(form): Form<Fields>) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = state.store.set_project_calendar(&session.who, &id, form.given("calendar_id"), Utc::now()).await.map_err(ApiError::from);
    answer(session.lang, saved, |p| format!("/admin/projects/{}", p.id), async |faults| {
        ProjectPage::load(&state, &session, &id, &PageParam::default(), Fields::default(), faults).await
    })
    .await
}

/// A room as its row shows it.
pub struct RoomRow {
    pub id: String,
    pub unit: String,
    pub number: String,
    pub kind: &'static str,
    pub floor: String,
    pub area: String,
}

#[derive(Template)]
#[template(path = "admin_building.html")]
struct BuildingPage {
    chrome: Chrome,
    t: &'static Labels,
    project: project::Model,
    building: building::Model,
    rooms: Vec<RoomRow>,
    kinds: Vec<Choice>,
    pages: Pages,
    form: Fields,
    faults: Faults,
}

impl BuildingPage {
    async fn load(state: &AppState, session: &Session, id: &str, page: &PageParam, form: Fields, faults: Faults) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let building = state.store.building(&session.who, id).await.map_err(fail)?;
        let (project, list) = tokio::try_join!(state.store.project(&session.who, &building.project_id), state.store.rooms(&session.who, id, page.request())).map_err(fail)?;
        let here = format!("/admin/buildings/{id}");
        let row = |r: room::Model| RoomRow {
            kind: room_kind(lang, &r.kind),
            floor: r.floor.map(|f| f.to_string()).unwrap_or_default(),
            area: r.area_m2.map(|a| a.to_string()).unwrap_or_default(),
            id: r.id,
            unit: r.unit,
            number: r.number,
        };
        let kind = form.given("kind");
        Ok(BuildingPage {
            chrome: Chrome::signed_in(session, &format!("{} {}", project.name, building.name), Nav::Admin, &here),
            t,
            pages: pages(&list, |n| page_url(&here, n)),
            rooms: list.items.into_iter().map(row).collect(),
            kinds: choices(kind.as_deref(), RoomKind::ALL.iter().map(|k| (k.as_str(), room_kind(lang, k.as_str())))),
            project,
            building,
            form,
            faults,
        })
    }
}

/// `GET /admin/buildings/{id}`: its rooms.
pub async fn building(State(state): State<AppState>, session: Session, Path(id): Path<String>, Query(page): Query<PageParam>) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(BuildingPage::load(&state, &session, &id, &page, Fields::default(), Faults::default()).await?, None)
}

/// `POST /admin/buildings/{id}`: adds a room; back to the building's rooms.
pub async fn create_room(State(state): State<AppState>, session: Session, Path(id): Path<String>, Form(form): Form<Fields>) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = async {
        let input = RoomInput {
            unit: form.given("unit"),
            number: form.one("number"),
            kind: form.given("kind"),
            floor: number(&form, "floor")?,
            area_m2: number(&form, "area_m2")?,
        };
        Ok::<_, ApiError>(state.store.create_room(&session.who, &id, input.validate()?, Utc::now()).await?)
    };
    answer(session.lang, created.await, |_| format!("/admin/buildings/{id}"), async |faults| BuildingPage::load(&state, &session, &id, &PageParam::default(), form, faults).await).await
}
