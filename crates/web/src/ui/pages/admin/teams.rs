//! 班组与网格: a project's teams with their members, and its grids (网格): which team owns the
//! jobs of which buildings. Admins add teams and grids, change who is in a team, rename a team or
//! change its kind, change a grid, and delete either when nothing depends on it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::dispatch::GridInput;
use guanjia_domain::resident::TeamKind;
use guanjia_domain::setup::{TeamEditInput, TeamInput};
use guanjia_storage::PageRequest;
use serde::{Deserialize, Serialize};

use super::{Done, Fields, Refused, admin_only, answer, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// A project has a handful of teams and a few dozen buildings: one page each.
const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 500,
};

fn team_kind(t: &Labels, kind: TeamKind) -> &'static str {
    match kind {
        TeamKind::Engineering => t.team_engineering,
        TeamKind::Cleaning => t.team_cleaning,
        TeamKind::Security => t.team_security,
        TeamKind::CustomerService => t.team_customer_service,
        TeamKind::Greening => t.team_greening,
        TeamKind::Other => t.team_other,
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ProjectParam {
    pub project_id: Option<String>,
    #[serde(default, skip_serializing)]
    pub done: Option<Done>,
}

pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub members: String,
    /// The project's staff, the members ticked: the form that changes them.
    pub choices: Vec<Choice>,
    /// The edit form: which refusal is its (`edit-{id}`), its name and kind as they are or typed.
    pub edit: String,
    pub typed_name: String,
    pub kinds: Vec<Choice>,
}

pub struct GridRow {
    pub id: String,
    pub name: String,
    pub team: String,
    pub buildings: String,
    /// The edit form: which refusal is its (`grid-{id}`), the name, team and buildings as they are
    /// or typed.
    pub edit: String,
    pub typed_name: String,
    pub team_choices: Vec<Choice>,
    pub building_choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "admin_teams.html")]
struct TeamsPage {
    chrome: Chrome,
    t: &'static Labels,
    project_id: String,
    projects: Vec<Choice>,
    teams: Vec<TeamRow>,
    grids: Vec<GridRow>,
    kinds: Vec<Choice>,
    /// The project's staff, for a new team.
    staff: Vec<Choice>,
    team_choices: Vec<Choice>,
    buildings: Vec<Choice>,
    /// The form refused, if one was: `team`, `grid`, a team's id (its members), `edit-{team id}`
    /// or `grid-{grid id}`.
    refused: Refused,
    done: Option<&'static str>,
}

impl TeamsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
        project: &ProjectParam,
        refused: Refused,
    ) -> Result<Self, UiError> {
        let form = &refused.form;
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let dir = Directory::load(state, session, rooms).await?;
        let project_id = project
            .project_id
            .clone()
            .filter(|p| !p.is_empty())
            .or_else(|| dir.projects.first().map(|p| p.id.clone()))
            .unwrap_or_default();
        let (teams, grids, buildings) = tokio::try_join!(
            state.store.teams(&session.who, Some(&project_id), ALL),
            state.store.grids(&session.who, Some(&project_id)),
            state.store.buildings(&session.who, &project_id, ALL),
        )
        .map_err(fail)?;
        let staff: Vec<(String, String)> = dir
            .staff_of(&project_id)
            .map(|s| {
                (
                    s.staff.id.clone(),
                    format!("{} · {}", s.staff.name, text::role(lang, s.role())),
                )
            })
            .collect();
        let typed = form.all("member_ids");
        let ticked = |chosen: &[String]| -> Vec<Choice> {
            staff
                .iter()
                .map(|(id, label)| Choice {
                    value: id.clone(),
                    label: label.clone(),
                    selected: chosen.contains(id),
                })
                .collect()
        };
        let name_of = |id: &String| dir.staff_name(Some(id)).unwrap_or_else(|| id.clone());
        let team_rows = teams
            .items
            .iter()
            .map(|team| {
                let edit = format!("edit-{}", team.team.id);
                let (typed_name, kind) = if refused.is(&edit) {
                    (form.one("name"), form.one("kind"))
                } else {
                    (team.team.name.clone(), team.team.kind.clone())
                };
                TeamRow {
                    id: team.team.id.clone(),
                    name: team.team.name.clone(),
                    kind: team.team.kind.parse().map_or("", |k| team_kind(t, k)),
                    members: team
                        .member_ids
                        .iter()
                        .map(name_of)
                        .collect::<Vec<_>>()
                        .join("、"),
                    choices: ticked(if refused.is(&team.team.id) {
                        &typed
                    } else {
                        &team.member_ids
                    }),
                    kinds: choices(
                        Some(&kind),
                        TeamKind::ALL.iter().map(|k| (k.as_str(), team_kind(t, *k))),
                    ),
                    edit,
                    typed_name,
                }
            })
            .collect();
        let building_name = |id: &String| {
            buildings
                .items
                .iter()
                .find(|b| &b.id == id)
                .map_or_else(|| id.clone(), |b| b.name.clone())
        };
        let grid_rows = grids
            .iter()
            .map(|g| {
                let ids: Vec<String> =
                    serde_json::from_value(g.building_ids.clone()).unwrap_or_default();
                let edit = format!("grid-{}", g.id);
                let (typed_name, team_id, chosen) = if refused.is(&edit) {
                    (
                        form.one("name"),
                        form.one("team_id"),
                        form.all("building_ids"),
                    )
                } else {
                    (g.name.clone(), g.team_id.clone(), ids.clone())
                };
                GridRow {
                    id: g.id.clone(),
                    edit,
                    typed_name,
                    team_choices: choices(
                        Some(&team_id),
                        teams
                            .items
                            .iter()
                            .map(|team| (team.team.id.as_str(), team.team.name.as_str())),
                    ),
                    building_choices: buildings
                        .items
                        .iter()
                        .map(|b| Choice {
                            value: b.id.clone(),
                            label: b.name.clone(),
                            selected: chosen.contains(&b.id),
                        })
                        .collect(),
                    name: g.name.clone(),
                    team: teams
                        .items
                        .iter()
                        .find(|team| team.team.id == g.team_id)
                        .map(|team| team.team.name.clone())
                        .unwrap_or_default(),
                    buildings: if ids.is_empty() {
                        t.whole_project.to_owned()
                    } else {
                        ids.iter().map(building_name).collect::<Vec<_>>().join("、")
                    },
                }
            })
            .collect();
        let (kind, team) = (form.given("kind"), form.given("team_id"));
        let chosen_buildings = form.all("building_ids");
        Ok(TeamsPage {
            chrome: Chrome::signed_in(
                session,
                t.admin_teams,
                Nav::Admin,
                &format!("/admin/teams?project_id={project_id}"),
            ),
            t,
            projects: choices(
                Some(&project_id),
                dir.projects
                    .iter()
                    .map(|p| (p.id.as_str(), p.name.as_str())),
            ),
            teams: team_rows,
            grids: grid_rows,
            kinds: choices(
                kind.as_deref(),
                TeamKind::ALL.iter().map(|k| (k.as_str(), team_kind(t, *k))),
            ),
            staff: ticked(if refused.is("team") { &typed } else { &[] }),
            team_choices: choices(
                team.as_deref(),
                teams
                    .items
                    .iter()
                    .map(|team| (team.team.id.as_str(), team.team.name.as_str())),
            ),
            buildings: buildings
                .items
                .iter()
                .map(|b| Choice {
                    value: b.id.clone(),
                    label: b.name.clone(),
                    selected: chosen_buildings.contains(&b.id),
                })
                .collect(),
            project_id,
            refused,
            done: project.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/teams[?project_id=…]`.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(project): Query<ProjectParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        TeamsPage::load(&state, &session, &rooms, &project, Refused::default()).await?,
        None,
    )
}

/// After a form: the project's teams again, saying what was `did`, or the page with the refusal at the form (`failed`).
async fn after(
    state: &AppState,
    session: &Session,
    rooms: &RoomBook,
    form: Fields,
    failed: &str,
    did: Done,
    outcome: Result<(), ApiError>,
) -> Result<Response, UiError> {
    let project = ProjectParam {
        project_id: form.given("project_id"),
        done: None,
    };
    let back = did.at(&format!(
        "/admin/teams?{}",
        serde_urlencoded::to_string(&project).unwrap_or_default()
    ));
    answer(
        session.lang,
        outcome,
        |()| back,
        async |faults| {
            TeamsPage::load(
                state,
                session,
                rooms,
                &project,
                Refused::new(failed, form, faults),
            )
            .await
        },
    )
    .await
}

/// `POST /admin/teams`: adds a team with its first members.
pub async fn create_team(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = TeamInput {
        project_id: form.one("project_id"),
        name: form.one("name"),
        kind: form.one("kind"),
        member_ids: form.all("member_ids"),
    };
    let outcome = match input.validate() {
        Ok(input) => state
            .store
            .create_team(&session.who, input, Utc::now())
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after(&state, &session, &rooms, form, "team", Done::Saved, outcome).await
}

/// `POST /admin/teams/{id}/members`: who is in the team now.
pub async fn set_members(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let outcome = state
        .store
        .set_team_members(&session.who, &id, &form.all("member_ids"), Utc::now())
        .await
        .map(drop)
        .map_err(ApiError::from);
    after(&state, &session, &rooms, form, &id, Done::Saved, outcome).await
}

/// `POST /admin/grids`: a team owns the jobs of some buildings (none ticked: the whole project).
pub async fn create_grid(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = GridInput {
        project_id: form.one("project_id"),
        name: form.one("name"),
        team_id: form.one("team_id"),
        building_ids: Some(form.all("building_ids")),
    };
    let outcome = match input.validate() {
        Ok(input) => state
            .store
            .create_grid(&session.who, input, Utc::now())
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after(&state, &session, &rooms, form, "grid", Done::Saved, outcome).await
}

/// `POST /admin/teams/{id}/edit`: renames a team or changes its kind.
pub async fn update_team(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let outcome = match (TeamEditInput {
        name: form.one("name"),
        kind: form.one("kind"),
    })
    .validate()
    {
        Ok(input) => state
            .store
            .update_team(&session.who, &id, input, Utc::now())
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after(
        &state,
        &session,
        &rooms,
        form,
        &format!("edit-{id}"),
        Done::Saved,
        outcome,
    )
    .await
}

/// `POST /admin/teams/{id}/delete`: deletes a team no grid, ticket or sub-task names.
pub async fn delete_team(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let outcome = state
        .store
        .delete_team(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from);
    after(
        &state,
        &session,
        &rooms,
        form,
        &format!("edit-{id}"),
        Done::Deleted,
        outcome,
    )
    .await
}

/// `POST /admin/grids/{id}/edit`: changes a grid's name, team or buildings.
pub async fn update_grid(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = GridInput {
        project_id: form.one("project_id"),
        name: form.one("name"),
        team_id: form.one("team_id"),
        building_ids: Some(form.all("building_ids")),
    };
    let outcome = match input.validate() {
        Ok(input) => state
            .store
            .update_grid(&session.who, &id, input, Utc::now())
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after(
        &state,
        &session,
        &rooms,
        form,
        &format!("grid-{id}"),
        Done::Saved,
        outcome,
    )
    .await
}

/// `POST /admin/grids/{id}/delete`: deletes a grid.
pub async fn delete_grid(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let outcome = state
        .store
        .delete_grid(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from);
    after(
        &state,
        &session,
        &rooms,
        form,
        &format!("grid-{id}"),
        Done::Deleted,
        outcome,
    )
    .await
}
