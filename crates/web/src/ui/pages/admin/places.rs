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

use super::{
    Done, Faults, Fields, PageParam, admin_only, answer, done, number, page_url, pages, render,
};
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
    done: Option<&'static str>,
}

impl ProjectsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let t = text::labels(session.lang);
        let list = state
            .store
            .projects(&session.who, page.request())
            .await
            .map_err(|e| UiError::api(e, session.lang))?;
        let kind = form.given("kind");
        Ok(ProjectsPage {
            chrome: Chrome::signed_in(session, t.admin_projects, Nav::Admin, "/admin/projects"),
            t,
            pages: pages(&list, |n| page_url("/admin/projects", n)),
            projects: list.items,
            kinds: choices(
                kind.as_deref(),
                ProjectKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), project_kind(t, *k))),
            ),
            form,
            faults,
            done: page.done.map(|d| d.words(t)),
        })
    }

    fn kind(&self, code: &str) -> &'static str {
        code.parse().map_or("", |k| project_kind(self.t, k))
    }
}

/// `GET /admin/projects`.
pub async fn projects(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        ProjectsPage::load(
            &state,
            &session,
            &page,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/projects`: adds a project and opens it.
pub async fn create_project(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = ProjectInput {
        code: form.one("code"),
        name: form.one("name"),
        kind: form.given("kind"),
        time_zone: form.given("time_zone"),
        address: form.given("address"),
    };
    let created = match input.validate() {
        Ok(input) => state
            .store
            .create_project(&session.who, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(
        session.lang,
        created,
        |project| format!("/admin/projects/{}", project.id),
        async |faults| {
            ProjectsPage::load(&state, &session, &PageParam::default(), form, faults).await
        },
    )
    .await
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
    /// The edit form: the project as it is, or as typed when refused.
    edit: Fields,
    edit_faults: Faults,
    kinds: Vec<Choice>,
    done: Option<&'static str>,
}

/// The project's edit form filled in with what it is now.
fn project_fields(p: &project::Model) -> Fields {
    Fields::of([
        ("code", p.code.clone()),
        ("name", p.name.clone()),
        ("kind", p.kind.clone()),
        ("time_zone", p.time_zone.clone()),
        ("address", p.address.clone().unwrap_or_default()),
    ])
}

impl ProjectPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        Self::load_with(state, session, id, page, form, faults, None).await
    }

    /// The page with the edit form as typed and refused (`edit`), else as the project is.
    async fn load_with(
        state: &AppState,
        session: &Session,
        id: &str,
        page: &PageParam,
        form: Fields,
        faults: Faults,
        edit: Option<(Fields, Faults)>,
    ) -> Result<Self, UiError> {
        let t = text::labels(session.lang);
        let fail = |e| UiError::api(e, session.lang);
        let (project, list, calendars) = tokio::try_join!(
            state.store.project(&session.who, id),
            state.store.buildings(&session.who, id, page.request()),
            state.store.calendars(&session.who)
        )
        .map_err(fail)?;
        let here = format!("/admin/projects/{id}");
        let default = [("", t.company_calendar)].into_iter();
        let calendars = choices(
            project.calendar_id.as_deref().or(Some("")),
            default.chain(calendars.iter().map(|c| (c.id.as_str(), c.name.as_str()))),
        );
        let (edit, edit_faults) =
            edit.unwrap_or_else(|| (project_fields(&project), Faults::default()));
        let kind = edit.given("kind");
        Ok(ProjectPage {
            kinds: choices(
                kind.as_deref(),
                ProjectKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), project_kind(t, *k))),
            ),
            edit,
            edit_faults,
            done: page.done.map(|d| d.words(t)),
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
pub async fn project(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        ProjectPage::load(
            &state,
            &session,
            &id,
            &page,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/projects/{id}`: adds a building and opens it.
pub async fn create_building(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = match (BuildingInput {
        name: form.one("name"),
    })
    .validate()
    {
        Ok(name) => state
            .store
            .create_building(&session.who, &id, name, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    answer(
        session.lang,
        created,
        |building| format!("/admin/buildings/{}", building.id),
        async |faults| {
            ProjectPage::load(&state, &session, &id, &PageParam::default(), form, faults).await
        },
    )
    .await
}

/// `POST /admin/projects/{id}/edit`: changes the project; a refusal comes back in the edit form.
pub async fn update_project(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = ProjectInput {
        code: form.one("code"),
        name: form.one("name"),
        kind: form.given("kind"),
        time_zone: form.given("time_zone"),
        address: form.given("address"),
    };
    let saved = match input.validate() {
        Ok(input) => state
            .store
            .update_project(&session.who, &id, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match saved {
        Ok(p) => done(&Done::Saved.at(&format!("/admin/projects/{}", p.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            let page = ProjectPage::load_with(
                &state,
                &session,
                &id,
                &PageParam::default(),
                Fields::default(),
                Faults::default(),
                Some((form, faults)),
            )
            .await?;
            render(page, Some(&error))
        }
    }
}

/// `POST /admin/projects/{id}/delete`: deletes an unused project; else says what depends on it.
pub async fn delete_project(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    match state
        .store
        .delete_project(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => done(&Done::Deleted.at("/admin/projects")),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            let page = ProjectPage::load_with(
                &state,
                &session,
                &id,
                &PageParam::default(),
                Fields::default(),
                Faults::default(),
                Some((Fields::default(), faults)),
            )
            .await?;
            let page = ProjectPage {
                edit: project_fields(&page.project),
                ..page
            };
            render(page, Some(&error))
        }
    }
}

/// `POST /admin/projects/{id}/calendar`: the calendar the project's SLA clocks count on; open
/// tickets' deadlines follow, as with the API.
pub async fn set_calendar(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = state
        .store
        .set_project_calendar(&session.who, &id, form.given("calendar_id"), Utc::now())
        .await
        .map_err(ApiError::from);
    answer(
        session.lang,
        saved,
        |p| format!("/admin/projects/{}", p.id),
        async |faults| {
            ProjectPage::load(
                &state,
                &session,
                &id,
                &PageParam::default(),
                Fields::default(),
                faults,
            )
            .await
        },
    )
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
    /// The rename form: the name as it is, or as typed when refused.
    edit: Fields,
    edit_faults: Faults,
    done: Option<&'static str>,
}

impl BuildingPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        Self::load_with(state, session, id, page, form, faults, None).await
    }

    /// The page with the rename form as typed and refused (`edit`), else as the building is.
    async fn load_with(
        state: &AppState,
        session: &Session,
        id: &str,
        page: &PageParam,
        form: Fields,
        faults: Faults,
        edit: Option<(Fields, Faults)>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let building = state.store.building(&session.who, id).await.map_err(fail)?;
        let (edit, edit_faults) = edit.unwrap_or_else(|| {
            (
                Fields::of([("name", building.name.clone())]),
                Faults::default(),
            )
        });
        let (project, list) = tokio::try_join!(
            state.store.project(&session.who, &building.project_id),
            state.store.rooms(&session.who, id, page.request())
        )
        .map_err(fail)?;
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
            chrome: Chrome::signed_in(
                session,
                &format!("{} {}", project.name, building.name),
                Nav::Admin,
                &here,
            ),
            t,
            pages: pages(&list, |n| page_url(&here, n)),
            rooms: list.items.into_iter().map(row).collect(),
            kinds: choices(
                kind.as_deref(),
                RoomKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), room_kind(lang, k.as_str()))),
            ),
            project,
            building,
            form,
            faults,
            edit,
            edit_faults,
            done: page.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/buildings/{id}`: its rooms.
pub async fn building(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        BuildingPage::load(
            &state,
            &session,
            &id,
            &page,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/buildings/{id}`: adds a room; back to the building's rooms.
pub async fn create_room(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = async {
        let input = RoomInput {
            unit: form.given("unit"),
            number: form.one("number"),
            kind: form.given("kind"),
            floor: number(&form, "floor")?,
            area_m2: number(&form, "area_m2")?,
        };
        Ok::<_, ApiError>(
            state
                .store
                .create_room(&session.who, &id, input.validate()?, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |_| format!("/admin/buildings/{id}"),
        async |faults| {
            BuildingPage::load(&state, &session, &id, &PageParam::default(), form, faults).await
        },
    )
    .await
}

/// `POST /admin/buildings/{id}/edit`: renames the building.
pub async fn update_building(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = match (BuildingInput {
        name: form.one("name"),
    })
    .validate()
    {
        Ok(name) => state
            .store
            .update_building(&session.who, &id, name, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match saved {
        Ok(b) => done(&Done::Saved.at(&format!("/admin/buildings/{}", b.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            render(
                BuildingPage::load_with(
                    &state,
                    &session,
                    &id,
                    &PageParam::default(),
                    Fields::default(),
                    Faults::default(),
                    Some((form, faults)),
                )
                .await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/buildings/{id}/delete`: deletes a building without rooms; back to its project.
pub async fn delete_building(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let building = state
        .store
        .building(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    match state
        .store
        .delete_building(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => done(&Done::Deleted.at(&format!("/admin/projects/{}", building.project_id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            let kept = Fields::of([("name", building.name)]);
            render(
                BuildingPage::load_with(
                    &state,
                    &session,
                    &id,
                    &PageParam::default(),
                    Fields::default(),
                    Faults::default(),
                    Some((kept, faults)),
                )
                .await?,
                Some(&error),
            )
        }
    }
}

#[derive(Template)]
#[template(path = "admin_room.html")]
struct RoomPage {
    chrome: Chrome,
    t: &'static Labels,
    project: project::Model,
    building: building::Model,
    room: room::Model,
    kinds: Vec<Choice>,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

impl RoomPage {
    /// The room with its edit form: as it is, or as typed and refused.
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        edit: Option<(Fields, Faults)>,
        done: Option<Done>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let room = state.store.room(&session.who, id).await.map_err(fail)?;
        let (project, building) = tokio::try_join!(
            state.store.project(&session.who, &room.project_id),
            state.store.building(&session.who, &room.building_id)
        )
        .map_err(fail)?;
        let (form, faults) = edit.unwrap_or_else(|| {
            let filled = Fields::of([
                ("unit", room.unit.clone()),
                ("number", room.number.clone()),
                ("kind", room.kind.clone()),
                (
                    "floor",
                    room.floor.map(|f| f.to_string()).unwrap_or_default(),
                ),
                (
                    "area_m2",
                    room.area_m2.map(|a| a.to_string()).unwrap_or_default(),
                ),
            ]);
            (filled, Faults::default())
        });
        let here = format!("/admin/rooms/{id}");
        let kind = form.given("kind");
        Ok(RoomPage {
            chrome: Chrome::signed_in(
                session,
                &format!("{}{}{}", building.name, room.unit, room.number),
                Nav::Admin,
                &here,
            ),
            t,
            kinds: choices(
                kind.as_deref(),
                RoomKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), room_kind(lang, k.as_str()))),
            ),
            project,
            building,
            room,
            form,
            faults,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/rooms/{id}`: the room's edit form and its delete button.
pub async fn room(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        RoomPage::load(&state, &session, &id, None, page.done).await?,
        None,
    )
}

/// `POST /admin/rooms/{id}`: changes the room.
pub async fn update_room(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let input = RoomInput {
            unit: form.given("unit"),
            number: form.one("number"),
            kind: form.given("kind"),
            floor: number(&form, "floor")?,
            area_m2: number(&form, "area_m2")?,
        };
        Ok::<_, ApiError>(
            state
                .store
                .update_room(&session.who, &id, input.validate()?, Utc::now())
                .await?,
        )
    };
    match saved.await {
        Ok(r) => done(&Done::Saved.at(&format!("/admin/rooms/{}", r.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            render(
                RoomPage::load(&state, &session, &id, Some((form, faults)), None).await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/rooms/{id}/delete`: deletes an empty room; back to its building.
pub async fn delete_room(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let room = state
        .store
        .room(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    match state
        .store
        .delete_room(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => done(&Done::Deleted.at(&format!("/admin/buildings/{}", room.building_id))),
        Err(error) => {
            let page = RoomPage::load(&state, &session, &id, None, None).await?;
            render(
                RoomPage {
                    faults: Faults::of(&error, session.lang),
                    ..page
                },
                Some(&error),
            )
        }
    }
}
