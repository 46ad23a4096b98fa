//! 企业微信群机器人: the WeCom group robots that post a project's (or a team's) staff alerts.
//! An admin adds one with the webhook address WeCom shows (never shown back), edits it, sends a
//! test message and sees what WeCom answered, stops or restarts it, and deletes it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::wecom_robot::WecomRobotInput;
use guanjia_storage::entity::wecom_robot;

use super::{Done, Faults, Fields, PageParam, admin_only, answer, done, page_url, pages, render};
use crate::error::ApiError;
use crate::routes::wecom_robots::{RobotTestResult, test_post};
use crate::state::AppState;
use crate::ui::choice::Choice;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The most teams offered in the team list.
const TEAMS: u64 = 200;

pub struct RobotRow {
    pub id: String,
    pub name: String,
    pub project: String,
    pub team: String,
    pub active: bool,
}

/// What WeCom answered a test post, in words.
pub struct Tested {
    pub sent: bool,
    pub line: String,
}

impl Tested {
    fn of(result: RobotTestResult, t: &Labels) -> Self {
        let code = result
            .errcode
            .map_or_else(String::new, |c| format!("errcode {c} "));
        Tested {
            sent: result.sent,
            line: format!(
                "{}（{code}{}）",
                if result.sent {
                    t.robot_test_sent
                } else {
                    t.robot_test_failed
                },
                result.errmsg
            ),
        }
    }
}

/// The projects and teams the admin may choose, with their names.
struct Places {
    projects: Vec<(String, String)>,
    /// (team id, project id, "project · team")
    teams: Vec<(String, String, String)>,
}

impl Places {
    async fn load(state: &AppState, session: &Session) -> Result<Self, UiError> {
        let lang = session.lang;
        let all = guanjia_storage::PageRequest {
            page: 1,
            per_page: TEAMS,
        };
        let (projects, teams) = tokio::try_join!(
            state.store.projects(&session.who, all),
            state.store.teams(&session.who, None, all),
        )
        .map_err(|e| UiError::api(e, lang))?;
        let projects: Vec<(String, String)> =
            projects.items.into_iter().map(|p| (p.id, p.name)).collect();
        let name = |id: &str| {
            projects
                .iter()
                .find(|(p, _)| p == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let teams = teams
            .items
            .into_iter()
            .map(|t| {
                let label = format!("{} · {}", name(&t.team.project_id), t.team.name);
                (t.team.id, t.team.project_id, label)
            })
            .collect();
        Ok(Places { projects, teams })
    }

    fn project_name(&self, id: &str) -> String {
        self.projects
            .iter()
            .find(|(p, _)| p == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    fn team_name(&self, id: Option<&str>, t: &Labels) -> String {
        id.and_then(|id| self.teams.iter().find(|(team, _, _)| team == id))
            .map_or_else(|| t.whole_project.to_owned(), |(_, _, l)| l.clone())
    }

    fn project_choices(&self, form: &Fields) -> Vec<Choice> {
        let chosen = form.one("project_id");
        self.projects
            .iter()
            .map(|(id, name)| Choice {
                selected: *id == chosen,
                value: id.clone(),
                label: name.clone(),
            })
            .collect()
    }

    fn team_choices(&self, form: &Fields, t: &Labels) -> Vec<Choice> {
        let chosen = form.one("team_id");
        std::iter::once(Choice {
            value: String::new(),
            label: t.whole_project.to_owned(),
            selected: chosen.is_empty(),
        })
        .chain(self.teams.iter().map(|(id, _, label)| Choice {
            selected: *id == chosen,
            value: id.clone(),
            label: label.clone(),
        }))
        .collect()
    }
}

#[derive(Template)]
#[template(path = "admin_robots.html")]
struct RobotsPage {
    chrome: Chrome,
    t: &'static Labels,
    robots: Vec<RobotRow>,
    total: String,
    pages: Pages,
    projects: Vec<Choice>,
    teams: Vec<Choice>,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

impl RobotsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (places, list) = tokio::try_join!(Places::load(state, session), async {
            state
                .store
                .wecom_robots(&session.who, None, page.request())
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let row = |r: wecom_robot::Model| RobotRow {
            project: places.project_name(&r.project_id),
            team: places.team_name(r.team_id.as_deref(), t),
            active: r.active,
            id: r.id,
            name: r.name,
        };
        Ok(RobotsPage {
            chrome: Chrome::signed_in(session, t.admin_robots, Nav::Admin, "/admin/robots"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| page_url("/admin/robots", n)),
            robots: list.items.into_iter().map(row).collect(),
            projects: places.project_choices(&form),
            teams: places.team_choices(&form, t),
            form,
            faults,
            done: page.done.map(|d| d.words(t)),
        })
    }
}

/// The robot input of a posted form.
fn input_of(form: &Fields) -> WecomRobotInput {
    WecomRobotInput {
        name: form.one("name"),
        project_id: form.one("project_id"),
        team_id: form.given("team_id"),
        webhook_key: form.given("webhook_key"),
    }
}

/// `GET /admin/robots`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        RobotsPage::load(
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

/// `POST /admin/robots`: adds a robot; to its page, where it can be tested.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = async {
        let input = input_of(&form).validate_new()?;
        Ok::<_, ApiError>(
            state
                .store
                .create_wecom_robot(&session.who, input, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |r| Done::Saved.at(&format!("/admin/robots/{}", r.id)),
        async |faults| {
            // The key is never written back into the page.
            let mut form = form;
            form.forget("webhook_key");
            RobotsPage::load(&state, &session, &PageParam::default(), form, faults).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_robot.html")]
struct RobotPage {
    chrome: Chrome,
    t: &'static Labels,
    robot: wecom_robot::Model,
    projects: Vec<Choice>,
    teams: Vec<Choice>,
    form: Fields,
    faults: Faults,
    tested: Option<Tested>,
    done: Option<&'static str>,
}

impl RobotPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        edit: Option<(Fields, Faults)>,
        tested: Option<Tested>,
        done: Option<Done>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (places, robot) = tokio::try_join!(Places::load(state, session), async {
            state
                .store
                .wecom_robot(&session.who, id)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let (form, faults) = edit.unwrap_or_else(|| {
            (
                Fields::of([
                    ("name", robot.name.clone()),
                    ("project_id", robot.project_id.clone()),
                    ("team_id", robot.team_id.clone().unwrap_or_default()),
                ]),
                Faults::default(),
            )
        });
        Ok(RobotPage {
            chrome: Chrome::signed_in(
                session,
                &robot.name,
                Nav::Admin,
                &format!("/admin/robots/{id}"),
            ),
            t,
            projects: places.project_choices(&form),
            teams: places.team_choices(&form, t),
            robot,
            form,
            faults,
            tested,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/robots/{id}`: the robot's form, its test and its state.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        RobotPage::load(&state, &session, &id, None, None, page.done).await?,
        None,
    )
}

/// `POST /admin/robots/{id}`: changes name, project, team, and the key when a new one is given.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let input = input_of(&form).validate_change()?;
        Ok::<_, ApiError>(
            state
                .store
                .update_wecom_robot(&session.who, &id, input, Utc::now())
                .await?,
        )
    };
    match saved.await {
        Ok(r) => done(&Done::Saved.at(&format!("/admin/robots/{}", r.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            let mut form = form;
            form.forget("webhook_key");
            render(
                RobotPage::load(&state, &session, &id, Some((form, faults)), None, None).await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/robots/{id}/test`: posts a test message and shows what WeCom answered.
pub async fn test(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    let result = test_post(&state, &session.who, &id)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let tested = Tested::of(result, text::labels(lang));
    render(
        RobotPage::load(&state, &session, &id, None, Some(tested), None).await?,
        None,
    )
}

/// `POST /admin/robots/{id}/active`: stops (`active=false`) or restarts a robot.
pub async fn set_active(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    state
        .store
        .set_wecom_robot_active(&session.who, &id, form.one("active") == "true", Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&Done::Saved.at(&format!("/admin/robots/{id}")))
}

/// `POST /admin/robots/{id}/delete`: removes a robot; back to the list.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    state
        .store
        .delete_wecom_robot(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&Done::Deleted.at("/admin/robots"))
}
