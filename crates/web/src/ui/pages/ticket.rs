//! 工单详情: the ticket, its deadlines, its timeline and the actions the state machine allows
//! the staff member now, each a button or a small form that re-renders the ticket (htmx). The
//! same panel is a technician's job page, framed for a phone. Photos show as thumbnails opening
//! the picture, served with the API's access checks; desk staff add one from the page.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::taxonomy::{Kind, Urgency};
use guanjia_domain::ticket::{ActionName, Visibility};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::{photo, ticket, ticket_event};
use guanjia_storage::{PageRequest, TicketFilter, allowed_actions, platform_order_of};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::routes::checklists::TicketChecklistView;
use crate::routes::scripts::{SuggestedScript, suggested};
use crate::routes::{self, photos};
use crate::state::AppState;
use crate::ui::action_form::{ActionForm, Shape, shape};
use crate::ui::candidates;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::photo_form::add_posted_photos;
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::sla_badge::{self, Badge};
use crate::ui::text::{self, Labels};
use crate::ui::time;
use crate::ui::timeline;

const TEAMS: PageRequest = PageRequest {
    page: 1,
    per_page: 200,
};

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct Deadline {
    pub name: &'static str,
    pub due: String,
    pub badge: Badge,
    /// The calendar the clock counts on: office hours and round the clock read differently.
    pub calendar: String,
}

pub struct Entry {
    pub when: String,
    pub actor: String,
    pub what: &'static str,
    pub transition: Option<String>,
    pub text: Option<String>,
    pub extra: Option<String>,
    pub internal: bool,
}

/// A message sent about the ticket: to whom, what, when, and on which channels how.
pub struct Sent {
    pub to: String,
    pub text: String,
    pub when: String,
    /// "短信 已送达 12-06 15:02", "企业微信群 发送失败（93000 invalid webhook url）"; none: in the
    /// app only.
    pub channels: Vec<String>,
}

/// A call the ticket keeps: the caller's number masked, when, how it went, and its recording.
pub struct CallRow {
    pub number: String,
    pub when: String,
    pub state: &'static str,
    pub extension: String,
    pub recording_url: Option<String>,
}

fn call_row(c: &guanjia_storage::entity::call::Model, lang: Lang, zone: chrono_tz::Tz) -> CallRow {
    let t = text::labels(lang);
    let began = [c.ringing_at, c.answered_at, c.ended_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(c.created_at);
    CallRow {
        number: guanjia_domain::phone::mask_phone(&c.caller_phone),
        when: time::short(began, zone),
        state: match c.state.as_str() {
            "ringing" => t.call_ringing,
            "answered" => t.call_answered,
            _ => t.call_ended,
        },
        extension: c.extension.clone(),
        recording_url: c.recording_url.clone(),
    }
}

pub struct Linked {
    pub id: String,
    pub label: String,
}

pub struct Candidate {
    pub id: String,
    pub score: u32,
    pub reason: String,
}

/// A photo of the ticket: its thumbnail opens the picture.
pub struct Photo {
    pub id: String,
    pub by: Option<String>,
    pub when: String,
}

pub struct ActionBox {
    pub name: &'static str,
    pub label: &'static str,
    pub shape: Shape,
    pub primary: bool,
}

/// Where a ticket is shown: the desk's ticket page, or a technician's job page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Desk,
    Job,
}

impl View {
    /// The path the ticket's page and actions live under.
    fn base(self) -> &'static str {
        match self {
            View::Desk => "/tickets",
            View::Job => "/jobs",
        }
    }

    fn nav(self) -> Nav {
        match self {
            View::Desk => Nav::None,
            View::Job => Nav::Jobs,
        }
    }
}

#[derive(Template)]
#[template(path = "ticket_panel.html")]
pub struct TicketPanel {
    t: &'static Labels,
    view: View,
    base: &'static str,
    /// The contact's number, to call from a phone.
    phone: Option<String>,
    csrf: String,
    id: String,
    number: String,
    title: String,
    description: String,
    status_code: String,
    status: &'static str,
    kind: &'static str,
    category: Option<String>,
    urgency_code: String,
    urgency: &'static str,
    risk: bool,
    escalation_level: i32,
    duplicate_of: Option<Linked>,
    facts: Vec<Fact>,
    deadlines: Vec<Deadline>,
    candidates: Vec<Candidate>,
    entries: Vec<Entry>,
    /// What was sent about the ticket (desk staff only).
    sent: Vec<Sent>,
    /// The calls it was opened during, with their recordings (desk staff only).
    calls: Vec<CallRow>,
    photos: Vec<Photo>,
    /// Whether the page offers to add a photo (the desk's page, on a ticket still open to work).
    upload: bool,
    quick: Vec<ActionBox>,
    forms: Vec<ActionBox>,
    assignees: Vec<Choice>,
    teams: Vec<Choice>,
    /// What a correction may choose (first: unchanged).
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    urgencies: Vec<Choice>,
    /// The materials used, from every resolve: "角阀 × 1 个".
    materials: Vec<String>,
    /// The follow-up's ratings: (field, label).
    ratings: [(&'static str, &'static str); 3],
    notice: Option<Notice>,
    /// The 12345 order the ticket came from, with its reply step (the desk's page).
    hotline: Option<HotlineBox>,
    /// Standard scripts that fit the ticket, filled from it (the desk's page, an open ticket).
    scripts: Vec<SuggestedScript>,
    /// The SOP checklist of its category, as ticked.
    checklist: Option<TicketChecklistView>,
    scripts_js: String,
}

/// The 12345 order on the ticket page: its number, and the handling result to write back.
struct HotlineBox {
    order_no: String,
    street: Option<String>,
    arrivals: i32,
    /// The stored reply, or after a refusal the text as typed.
    reply: String,
    replied_at: Option<String>,
    /// Why the typed reply was refused: each rule it fails, shown beside the text.
    refusal: Option<Notice>,
}

impl TicketPanel {
    /// A refused 12345 reply stays in its form as typed, with the refusal beside it rather than
    /// at the top of the ticket: what the staff member wrote is not lost to the stored reply.
    fn keep_hotline_reply(&mut self, typed: String) {
        if let Some(h) = &mut self.hotline {
            h.reply = typed;
            h.refusal = self.notice.take();
        }
    }
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    chrome: Chrome,
    panel: TicketPanel,
    /// What the view adds below the panel (a technician's work on a job page).
    extra: String,
}

impl TicketPanel {
    async fn load(
        state: &AppState,
        session: &Session,
        dir: &Directory,
        view: View,
        id: &str,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let (lang, who) = (session.lang, &session.who);
        let fail = |e| UiError::api(e, lang);
        let t = state.store.ticket(who, id).await.map_err(fail)?;
        let original = async {
            match &t.duplicate_of {
                Some(original) => state.store.ticket(who, original).await.map(Some),
                None => Ok(None),
            }
        };
        let (events, photos, sla, teams, original) = tokio::try_join!(
            state.store.ticket_events(who, id),
            state.store.photos(who, id),
            state.store.sla_context(&who.company_id),
            state.store.teams(who, Some(&t.project_id), TEAMS),
            original,
        )
        .map_err(fail)?;
        let labels = text::labels(lang);
        let now = Utc::now();
        let zone = dir.zone(&t.project_id);
        let open = t.status.is_open();
        let scripts = if view == View::Desk && open {
            suggested(
                state
                    .store
                    .scripts_for_ticket(who, id)
                    .await
                    .map_err(fail)?,
            )
        } else {
            vec![]
        };
        let checklist = state
            .store
            .ticket_checklist(who, id)
            .await
            .map_err(fail)?
            .map(TicketChecklistView::from);
        let hotline = match (view, platform_order_of(&t)) {
            (View::Desk, Some(platform)) => {
                let order = state.store.hotline_order_of(who, &t).await.map_err(fail)?;
                order.map(|o| HotlineBox {
                    order_no: platform.order_no,
                    street: o.street,
                    arrivals: o.arrivals,
                    reply: o.reply.unwrap_or_default(),
                    replied_at: o.replied_at.map(|at| time::full(at, zone)),
                    refusal: None,
                })
            }
            _ => None,
        };
        let team_names: Vec<(String, String)> = teams
            .items
            .into_iter()
            .map(|team| (team.team.id, team.team.name))
            .collect();
        let deadlines = sla
            .clocks(&t, now)
            .iter()
            .map(|tc| Deadline {
                name: text::clock(lang, tc.clock.name),
                due: time::full(tc.clock.due_at, zone),
                badge: sla_badge::of_clock(tc, &sla, lang),
                calendar: sla
                    .calendar_name(&tc.calendar_id)
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect();
        let entries = events
            .iter()
            .map(|e| entry(e, dir, &team_names, labels, lang, zone))
            .collect();
        let photos = photos.iter().map(|p| photo_of(p, dir, zone)).collect();
        let sent = if view == View::Desk && who.role.is_desk() {
            let deliveries = state.store.ticket_deliveries(who, id).await.map_err(fail)?;
            deliveries
                .into_iter()
                .map(|d| sent_of(d, lang, zone))
                .collect()
        } else {
            vec![]
        };
        let calls = if view == View::Desk && who.role.is_desk() {
            let calls = state.store.ticket_calls(who, id).await.map_err(fail)?;
            calls.iter().map(|c| call_row(c, lang, zone)).collect()
        } else {
            vec![]
        };
        let upload = view == View::Desk && !t.status.is_final();
        let (quick, forms) = actions(who, &t, lang, view);
        let materials = timeline::materials(&events);
        let assigns = forms
            .iter()
            .any(|f| matches!(f.shape, Shape::Dispatch | Shape::Transfer));
        let assignee_options = if assigns {
            candidates::assignee_options(state, session, dir, &t).await?
        } else {
            vec![]
        };
        Ok(TicketPanel {
            t: labels,
            view,
            base: view.base(),
            phone: t.contact_phone.clone(),
            csrf: session.csrf.clone(),
            facts: facts(&t, dir, labels, lang, zone),
            deadlines,
            candidates: candidates(&t),
            entries,
            sent,
            calls,
            photos,
            upload,
            quick,
            forms,
            materials,
            assignees: choices(
                None,
                [("", labels.nobody)].into_iter().chain(
                    assignee_options
                        .iter()
                        .map(|(id, label)| (id.as_str(), label.as_str())),
                ),
            ),
            teams: choices(
                None,
                [("", labels.nobody)].into_iter().chain(
                    team_names
                        .iter()
                        .map(|(id, name)| (id.as_str(), name.as_str())),
                ),
            ),
            kinds: choices(
                None,
                [("", labels.unchanged)]
                    .into_iter()
                    .chain(Kind::ALL.iter().map(|k| (k.as_str(), text::kind(lang, *k)))),
            ),
            categories: choices(
                None,
                [("", labels.unchanged)].into_iter().chain(
                    dir.categories
                        .iter()
                        .map(|c| (c.code.as_str(), c.label.as_str())),
                ),
            ),
            urgencies: choices(
                None,
                [("", labels.unchanged)].into_iter().chain(
                    Urgency::ALL
                        .iter()
                        .map(|u| (u.as_str(), text::urgency(lang, *u))),
                ),
            ),
            ratings: [
                ("satisfaction", labels.satisfaction),
                ("timeliness", labels.timeliness),
                ("attitude", labels.attitude),
            ],
            notice,
            hotline,
            scripts,
            checklist,
            scripts_js: crate::ui::assets::url("scripts.js"),
            duplicate_of: original.map(|o| Linked {
                id: o.id,
                label: o.number,
            }),
            status: text::status(lang, *t.status),
            kind: text::kind(lang, *t.kind),
            urgency: text::urgency(lang, *t.urgency),
            category: dir.category(t.category.as_deref()),
            risk: t.escalation_risk,
            escalation_level: t.escalation_level,
            id: t.id,
            number: t.number,
            title: t.title,
            description: t.description,
            status_code: t.status.to_string(),
            urgency_code: t.urgency.to_string(),
        })
    }
}

fn facts(
    t: &ticket::Model,
    dir: &Directory,
    labels: &Labels,
    lang: Lang,
    zone: chrono_tz::Tz,
) -> Vec<Fact> {
    let unknown = || labels.unknown.to_owned();
    let place = [
        Some(dir.project_name(&t.project_id)),
        dir.room(t.room_id.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let contact = [t.contact_name.clone(), t.contact_phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut facts = vec![
        Fact {
            label: labels.project,
            value: place,
        },
        Fact {
            label: labels.contact,
            value: if contact.is_empty() {
                unknown()
            } else {
                contact
            },
        },
        Fact {
            label: labels.channel,
            value: text::channel(lang, *t.channel).to_owned(),
        },
        Fact {
            label: labels.reported,
            value: time::full(t.reported_at, zone),
        },
        Fact {
            label: labels.first_contact_owner,
            value: dir
                .staff_name(t.first_contact_owner_id.as_deref())
                .unwrap_or_else(unknown),
        },
        Fact {
            label: labels.assignee,
            value: dir
                .staff_name(t.assignee_id.as_deref())
                .unwrap_or_else(unknown),
        },
    ];
    if let Some(satisfaction) = t.satisfaction {
        facts.push(Fact {
            label: labels.satisfaction,
            value: format!("{satisfaction}{}", labels.stars),
        });
    }
    facts
}

fn candidates(t: &ticket::Model) -> Vec<Candidate> {
    let Some(Value::Array(items)) = &t.duplicate_candidates else {
        return vec![];
    };
    items
        .iter()
        .filter_map(|c| {
            Some(Candidate {
                id: c.get("id")?.as_str()?.to_owned(),
                score: (c.get("score")?.as_f64()? * 100.0).round() as u32,
                reason: c
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            })
        })
        .collect()
}

/// The allowed actions, split into one-click buttons and those that need a small form. On a job
/// page the work is finished only through the finish form below the panel, with the work done
/// and a confirmation, never by one tap.
fn actions(
    who: &guanjia_storage::Principal,
    t: &ticket::Model,
    lang: Lang,
    view: View,
) -> (Vec<ActionBox>, Vec<ActionBox>) {
    let primary = [
        ActionName::Accept,
        ActionName::Respond,
        ActionName::Dispatch,
        ActionName::Arrive,
        ActionName::Resolve,
        ActionName::FollowUp,
    ];
    allowed_actions(who, t)
        .into_iter()
        .filter(|&name| !(view == View::Job && name == ActionName::Resolve))
        .map(|name| ActionBox {
            name: name.as_str(),
            label: text::action(lang, name),
            shape: shape(name),
            primary: primary.contains(&name),
        })
        .partition(|a| matches!(a.shape, Shape::Button { .. }))
}

fn photo_of(p: &photo::Model, dir: &Directory, zone: chrono_tz::Tz) -> Photo {
    Photo {
        id: p.id.clone(),
        by: dir.staff_name(Some(&p.uploaded_by)),
        when: time::full(p.created_at, zone),
    }
}

fn entry(
    e: &ticket_event::Model,
    dir: &Directory,
    teams: &[(String, String)],
    labels: &Labels,
    lang: Lang,
    zone: chrono_tz::Tz,
) -> Entry {
    let detail = |key: &str| timeline::detail(e, key);
    let actor = timeline::by_bot(e)
        .then(|| text::labels(lang).chat_bot.to_owned())
        .or_else(|| dir.staff_name(e.actor_id.as_deref()))
        .or_else(|| {
            e.actor_role
                .parse()
                .ok()
                .map(|r| text::role(lang, r).to_owned())
        })
        .unwrap_or_else(|| labels.system.to_owned());
    let transition = match timeline::statuses(e, lang) {
        (Some(from), Some(to)) if from != to => Some(format!("{from} → {to}")),
        _ => None,
    };
    let extra = match e.action.as_str() {
        "dispatch" | "transfer" => {
            let team = detail("team_id")
                .and_then(|id| teams.iter().find(|(t, _)| t == id))
                .map(|(_, name)| name.clone());
            let person = dir.staff_name(detail("assignee_id"));
            Some(
                [person, team]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
            )
            .filter(|s| !s.is_empty())
            .map(|s| format!("→ {s}"))
        }
        "follow_up" => match (
            detail("outcome"),
            e.details.get("satisfaction").and_then(Value::as_i64),
        ) {
            (Some("not_reached"), _) => Some(labels.outcome_not_reached.to_owned()),
            (_, Some(rating)) => Some(format!("{} {rating}{}", labels.satisfaction, labels.stars)),
            _ => None,
        },
        "review" => e.details.get("adopted").and_then(Value::as_bool).map(|a| {
            if a {
                labels.adopted_yes
            } else {
                labels.adopted_no
            }
            .to_owned()
        }),
        "create" => detail("channel")
            .and_then(|c| c.parse().ok())
            .map(|c| format!("{} · {}", labels.channel, text::channel(lang, c))),
        _ => timeline::sla_notice(e).map(|notice| {
            let names: Vec<String> = notice
                .told
                .iter()
                .filter_map(|id| dir.staff_name(Some(id)))
                .collect();
            text::sla_notice(lang, &notice, &names)
        }),
    };
    Entry {
        when: time::full(e.created_at, zone),
        actor,
        what: text::event(lang, &e.action),
        transition,
        text: timeline::said(e, lang),
        extra,
        internal: e.visibility == Visibility::Internal,
    }
}

/// `GET /tickets/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    show(&state, &rooms, &session, View::Desk, &id, String::new()).await
}

/// A ticket's panel alone (facts, deadlines, timeline with the conversation), rendered, for a
/// page that shows it beside its own work (an inspection).
pub async fn panel_html(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
) -> Result<String, UiError> {
    let dir = Directory::load(state, session, rooms).await?;
    let panel = TicketPanel::load(state, session, &dir, View::Desk, id, None).await?;
    Ok(panel.render()?)
}

/// The whole page of a ticket in `view`, with `extra` (rendered HTML) below its panel.
pub async fn show(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    view: View,
    id: &str,
    extra: String,
) -> Result<Response, UiError> {
    let dir = Directory::load(state, session, rooms).await?;
    let panel = TicketPanel::load(state, session, &dir, view, id, None).await?;
    let chrome = Chrome::signed_in(
        session,
        &panel.number,
        view.nav(),
        &format!("{}/{id}", view.base()),
    );
    Ok(Html(
        TicketPage {
            chrome,
            panel,
            extra,
        }
        .render()?,
    )
    .into_response())
}

/// What an action post carries, for the desk's page and the job page alike.
pub struct ActionPost {
    pub session: Session,
    pub htmx: bool,
    pub id: String,
    pub form: ActionForm,
}

/// `POST /tickets/{id}/actions`.
pub async fn act(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, UiError> {
    act_in(
        &state,
        &rooms,
        View::Desk,
        ActionPost {
            session,
            htmx: is_htmx(&headers),
            id,
            form,
        },
    )
    .await
}

/// Applies one action; htmx gets the ticket re-rendered, a plain form a redirect to it. A
/// refusal is shown on the ticket in the user's language.
pub async fn act_in(
    state: &AppState,
    rooms: &RoomBook,
    view: View,
    post: ActionPost,
) -> Result<Response, UiError> {
    let outcome = apply(state, &post.session, &post.id, &post.form).await;
    answer(
        state,
        rooms,
        view,
        (post.session, post.htmx, post.id),
        outcome,
        None,
    )
    .await
}

/// What a post on the ticket gets: after a plain form that worked, a redirect to the ticket;
/// otherwise the ticket again (htmx: the panel alone), with the refusal on it. A refused 12345
/// reply (`typed_reply`) is shown as it was typed.
async fn answer(
    state: &AppState,
    rooms: &RoomBook,
    view: View,
    (session, htmx, id): (Session, bool, String),
    outcome: Result<(), ApiError>,
    typed_reply: Option<String>,
) -> Result<Response, UiError> {
    let here = format!("{}/{id}", view.base());
    if outcome.is_ok() && !htmx {
        return Ok(see_other(false, &here));
    }
    let (status, notice) = match &outcome {
        Ok(()) => (axum::http::StatusCode::OK, None),
        // htmx swaps only successful answers: the refusal travels in the re-rendered ticket.
        Err(error) => (
            if htmx {
                axum::http::StatusCode::OK
            } else {
                error.code.status()
            },
            Some(Notice::of(error, session.lang)),
        ),
    };
    let dir = Directory::load(state, &session, rooms).await?;
    let refused = notice.is_some();
    let mut panel = TicketPanel::load(state, &session, &dir, view, &id, notice).await?;
    if let Some(typed) = typed_reply.filter(|_| refused) {
        panel.keep_hotline_reply(typed);
    }
    if htmx {
        // The job page's work section reloads on this event (an event filter in the page would
        // need `eval`, which the Content-Security-Policy forbids).
        return Ok((
            [("hx-trigger-after-settle", "ticket-changed")],
            Html(panel.render()?),
        )
            .into_response());
    }
    let chrome = Chrome::signed_in(&session, &panel.number, view.nav(), &here);
    Ok((
        status,
        Html(
            TicketPage {
                chrome,
                panel,
                extra: String::new(),
            }
            .render()?,
        ),
    )
        .into_response())
}

/// The 12345 reply form.
#[derive(Debug, Default, Deserialize)]
pub struct HotlineReplyForm {
    #[serde(default)]
    pub result: String,
}

/// `POST /tickets/{id}/hotline-reply`: the handling result, checked by the API's own rule; a
/// refusal comes back on the ticket with each rule it fails.
pub async fn hotline_reply(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HotlineReplyForm>,
) -> Result<Response, UiError> {
    let outcome = routes::hotline::reply(&state, &session.who, &id, &form.result)
        .await
        .map(|_| ());
    let post = (session, is_htmx(&headers), id);
    answer(&state, &rooms, View::Desk, post, outcome, Some(form.result)).await
}

/// `POST /tickets/{id}/photos`: photos from the form, checked and kept by the same store calls
/// as the API's upload (a bad file changes nothing).
pub async fn upload(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    upload_in(
        &state,
        &rooms,
        View::Desk,
        (session, is_htmx(&headers), id),
        form,
    )
    .await
}

/// Adds the uploaded photos to the ticket (all checked before any is kept) and answers like an
/// action.
pub async fn upload_in(
    state: &AppState,
    rooms: &RoomBook,
    view: View,
    post: (Session, bool, String),
    form: Multipart,
) -> Result<Response, UiError> {
    let outcome = add_posted_photos(state, &post.0.who, &post.2, form).await;
    answer(state, rooms, view, post, outcome, None).await
}

/// `GET /photos/{id}`: a photo of a ticket the staff member may see (404 otherwise).
pub async fn photo(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    image(&state, &session, &id, false).await
}

/// `GET /photos/{id}/thumbnail`.
pub async fn thumbnail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    image(&state, &session, &id, true).await
}

async fn image(
    state: &AppState,
    session: &Session,
    id: &str,
    thumbnail: bool,
) -> Result<Response, UiError> {
    photos::image(state, &session.who, id, thumbnail)
        .await
        .map_err(|e| UiError::api(e, session.lang))
}

/// Applies one action of the form to the ticket, as the API's action endpoint does.
pub(crate) async fn apply(
    state: &AppState,
    session: &Session,
    id: &str,
    form: &ActionForm,
) -> Result<(), ApiError> {
    let original_id = match form.name()? {
        ActionName::LinkDuplicate => Some(
            ticket_by_number(
                state,
                session,
                form.original_number.as_deref().unwrap_or_default(),
            )
            .await?,
        ),
        _ => None,
    };
    let request = form.request(original_id)?;
    state
        .act_on_ticket(&session.who, id, request, Utc::now())
        .await?;
    Ok(())
}

/// The id of the ticket with this number, among those the staff member sees.
async fn ticket_by_number(
    state: &AppState,
    session: &Session,
    number: &str,
) -> Result<String, ApiError> {
    let number = number.trim().to_uppercase();
    let unknown = || {
        ApiError::from(ValidationError::single(
            "original_id",
            FieldErrorCode::UnknownReference,
        ))
    };
    if number.is_empty() {
        return Err(unknown());
    }
    let filter = TicketFilter {
        q: Some(number.clone()),
        statuses: vec![],
        ..TicketFilter::default()
    };
    let found = state
        .store
        .tickets(
            &session.who,
            filter,
            PageRequest {
                page: 1,
                per_page: 5,
            },
        )
        .await?;
    found
        .items
        .into_iter()
        .find(|t| t.number == number)
        .map(|t| t.id)
        .ok_or_else(unknown)
}

/// One notification about the ticket as the page lists it.
pub(crate) fn sent_of(d: guanjia_storage::TicketDelivery, lang: Lang, zone: chrono_tz::Tz) -> Sent {
    let channels = d
        .deliveries
        .iter()
        .map(|x| {
            let (channel, state) = text::delivery_stored(lang, &x.channel, &x.state);
            let at = x
                .sent_at
                .map(|at| time::short(at, zone))
                .unwrap_or_default();
            match (&x.error_code, &x.error_reason) {
                (Some(code), reason) if x.sent_at.is_none() => {
                    let reason = reason.as_deref().unwrap_or("");
                    match lang {
                        Lang::Zh => format!("{channel} {state}（{code} {reason}）"),
                        Lang::En => format!("{channel} {state} ({code} {reason})"),
                    }
                }
                _ => format!("{channel} {state} {at}").trim_end().to_owned(),
            }
        })
        .collect();
    Sent {
        to: d
            .staff_name
            .unwrap_or_else(|| guanjia_domain::phone::mask_phone(&d.notification.recipient_id)),
        text: crate::routes::notifications::message(&d.notification, lang),
        when: time::short(d.notification.created_at, zone),
        channels,
    }
}
