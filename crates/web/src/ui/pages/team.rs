//! 班组负荷: a supervisor's view of one project's field teams: each technician's open jobs, who
//! is on duty now and whose jobs are late; the project's open jobs with their deadlines, each
//! reassigned in place through the ticket's own `dispatch` or `transfer` action; and the
//! escalated tickets. Supervisors, managers and admins, in their projects only.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_domain::ticket::{ActionName, Status};
use guanjia_storage::{Load, PageRequest, TicketFilter, allowed_actions};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::ui::action_form::ActionForm;
use crate::ui::candidates;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::ticket;
use crate::ui::queue::{Pages, TicketRow};
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Open jobs per page.
const PER_PAGE: u64 = 20;
/// The most escalated shown; the total says how many there are.
const ESCALATIONS: PageRequest = PageRequest {
    page: 1,
    per_page: 20,
};
const TEAMS: PageRequest = PageRequest {
    page: 1,
    per_page: 200,
};

/// Which project and page, as links and the project picker carry them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TeamQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
}

impl TeamQuery {
    fn url(&self, page: u64) -> String {
        let query = TeamQuery {
            project_id: self.project_id.clone(),
            page: (page > 1).then_some(page),
        };
        format!(
            "/team?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        )
    }
}

/// A technician's row of the load table.
pub struct Person {
    pub id: String,
    pub name: String,
    pub teams: String,
    pub on_duty: bool,
    pub open_jobs: u32,
    pub warning: u32,
    pub breached: u32,
}

/// A team's row: its members' load added up.
pub struct TeamRow {
    pub name: String,
    pub members: usize,
    pub on_duty: usize,
    pub open_jobs: u32,
}

/// An open job with the reassign form's action.
pub struct Job {
    pub row: TicketRow,
    /// `dispatch` or `transfer`, whichever the state machine allows now.
    pub action: Option<&'static str>,
    pub action_label: &'static str,
    /// A transfer needs its reason.
    pub transfer: bool,
    /// The project's technicians for this job, in the dispatch pipeline's order with its reasons.
    pub candidates: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    chrome: Chrome,
    t: &'static Labels,
    projects: Vec<Choice>,
    project_id: String,
    people: Vec<Person>,
    /// Whether the viewer keeps rosters (admins and supervisors; managers watch).
    rosters: bool,
    teams: Vec<TeamRow>,
    jobs: Vec<Job>,
    total: String,
    pages: Pages,
    escalations: Vec<TicketRow>,
    escalations_total: String,
    notice: Option<Notice>,
}

/// Supervisors, managers and admins see the page (the store checks it too).
/// Supervisors, managers and admins only; anyone else sees the forbidden page.
pub(crate) fn overseer(session: &Session) -> Result<(), UiError> {
    if session.who.role.oversees() {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

impl TeamPage {
    async fn load(
        state: &AppState,
        session: &Session,
        dir: &Directory,
        query: &TeamQuery,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let (lang, who) = (session.lang, &session.who);
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let project_id = query
            .project_id
            .clone()
            .filter(|p| !p.is_empty())
            .or_else(|| dir.projects.first().map(|p| p.id.clone()))
            .unwrap_or_default();
        let now = Utc::now();
        let page = query.page.unwrap_or(1).clamp(1, 1_000_000);
        let open = TicketFilter {
            statuses: Status::open_codes()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            project_id: Some(project_id.clone()),
            ..TicketFilter::default()
        };
        let (loads, jobs, escalated, teams, sla) = tokio::try_join!(
            state.store.team_load(who, &project_id, now),
            state.store.tickets(
                who,
                open.clone(),
                PageRequest {
                    page,
                    per_page: PER_PAGE
                }
            ),
            state.store.escalations(who, Some(&project_id), ESCALATIONS),
            state.store.teams(who, Some(&project_id), TEAMS),
            state.store.sla_context(&who.company_id),
        )
        .map_err(fail)?;
        let team_name = |id: &String| {
            teams
                .items
                .iter()
                .find(|team| &team.team.id == id)
                .map(|team| team.team.name.clone())
        };
        let people = loads
            .iter()
            .map(|l: &Load| Person {
                id: l.staff.id.clone(),
                name: l.staff.name.clone(),
                teams: l
                    .team_ids
                    .iter()
                    .filter_map(team_name)
                    .collect::<Vec<_>>()
                    .join("、"),
                on_duty: l.on_duty,
                open_jobs: l.open_jobs,
                warning: l.warning,
                breached: l.breached,
            })
            .collect();
        let team_rows = teams
            .items
            .iter()
            .map(|team| {
                let members: Vec<&Load> = loads
                    .iter()
                    .filter(|l| team.member_ids.contains(&l.staff.id))
                    .collect();
                TeamRow {
                    name: team.team.name.clone(),
                    members: team.member_ids.len(),
                    on_duty: members.iter().filter(|l| l.on_duty).count(),
                    open_jobs: members.iter().map(|l| l.open_jobs).sum(),
                }
            })
            .collect();
        let row = |t| TicketRow::new(t, &sla, dir, lang, now);
        let (total, last) = (jobs.total, jobs.total.div_ceil(PER_PAGE).max(1));
        let mut rows = Vec::with_capacity(jobs.items.len());
        for job in jobs.items {
            let action = reassign_action(who, &job);
            // Ranked for each job: a gas leak and a hedge want different people.
            let candidates = match action {
                Some(_) => {
                    state
                        .store
                        .dispatch_candidates(who, &job.id, now)
                        .await
                        .map_err(fail)?
                        .candidates
                }
                None => vec![],
            };
            let options: Vec<(String, String)> = candidates
                .iter()
                .map(|r| (r.id.clone(), candidates::option_label(r, dir, lang)))
                .collect();
            rows.push(Job {
                action: action.map(ActionName::as_str),
                action_label: action.map_or("", |a| text::action(lang, a)),
                transfer: action == Some(ActionName::Transfer),
                candidates: choices(
                    None,
                    options
                        .iter()
                        .map(|(id, label)| (id.as_str(), label.as_str())),
                ),
                row: row(job),
            });
        }
        let jobs = rows;
        Ok(TeamPage {
            chrome: Chrome::signed_in(session, t.team_title, Nav::Team, &query.url(page)),
            t,
            projects: choices(
                Some(&project_id),
                dir.projects
                    .iter()
                    .map(|p| (p.id.as_str(), p.name.as_str())),
            ),
            people,
            rosters: matches!(who.role, Role::Admin | Role::Supervisor),
            teams: team_rows,
            jobs,
            total: text::total(lang, total),
            pages: Pages {
                current: page,
                last,
                previous: (page > 1).then(|| query.url(page - 1)),
                next: (page < last).then(|| query.url(page + 1)),
            },
            escalations_total: text::total(lang, escalated.total),
            escalations: escalated.items.into_iter().map(row).collect(),
            project_id,
            notice,
        })
    }
}

/// How this job is given to someone else now: a transfer once it is someone's, a dispatch
/// before; none when the state machine allows neither.
fn reassign_action(
    who: &guanjia_storage::Principal,
    t: &guanjia_storage::entity::ticket::Model,
) -> Option<ActionName> {
    let allowed = allowed_actions(who, t);
    [ActionName::Transfer, ActionName::Dispatch]
        .into_iter()
        .find(|a| allowed.contains(a))
}

/// `GET /team[?project_id=…&page=…]`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(query): Query<TeamQuery>,
) -> Result<Response, UiError> {
    overseer(&session)?;
    let dir = Directory::load(&state, &session, &rooms).await?;
    Ok(Html(
        TeamPage::load(&state, &session, &dir, &query, None)
            .await?
            .render()?,
    )
    .into_response())
}

/// The reassign form of one job.
#[derive(Debug, Deserialize)]
pub struct Reassign {
    ticket_id: String,
    #[serde(default)]
    action: String,
    assignee_id: Option<String>,
    text: Option<String>,
    project_id: Option<String>,
    page: Option<u64>,
}

/// `POST /team/reassign`: the job's `dispatch` or `transfer` through the ticket's action path;
/// back to the page, or the page again with the refusal on it.
pub async fn reassign(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<Reassign>,
) -> Result<Response, UiError> {
    overseer(&session)?;
    let query = TeamQuery {
        project_id: form.project_id.clone(),
        page: form.page,
    };
    let action = ActionForm {
        action: form.action,
        text: form.text,
        assignee_id: form.assignee_id,
        ..ActionForm::default()
    };
    let outcome = match action.name() {
        Ok(ActionName::Dispatch | ActionName::Transfer) => {
            ticket::apply(&state, &session, &form.ticket_id, &action).await
        }
        Ok(_) => Err(ApiError::new(ErrorCode::Forbidden)),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Ok(see_other(
            is_htmx(&headers),
            &query.url(query.page.unwrap_or(1)),
        )),
        Err(error) => {
            let dir = Directory::load(&state, &session, &rooms).await?;
            let status = error.code.status();
            let page = TeamPage::load(
                &state,
                &session,
                &dir,
                &query,
                Some(Notice::of(&error, session.lang)),
            )
            .await?;
            Ok((status, Html(page.render()?)).into_response())
        }
    }
}
