//! 我的报事: a resident's requests, newest first, and each one's progress: the timeline entries
//! meant for residents, the photos, a paid service's bill to confirm, and the rating once the
//! work is done. The store decides what they may see and do; these pages only show it.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::delivery::{PreferenceInput, PreferredChannel};
use guanjia_domain::dispatch::ChargeStatus;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::ticket::{Action, ActionName, ResidentStep, step_now, step_of_entry};
use guanjia_storage::entity::{category, ticket, ticket_event};
use guanjia_storage::{PageRequest, TicketFilter, allowed_actions};
use serde::Deserialize;

use super::{Mine, ResidentSession};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::bill::Bill;
use crate::ui::pages::feedback::{RatingForm, Scale, rating_scales};
use crate::ui::pages::photo_form::{self, add_posted_photos};
use crate::ui::pages::ticket::{Sent, sent_of};
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::text::{self, Labels};
use crate::ui::time;
use crate::ui::timeline;

/// More than a household reports in years; the list is not paged.
const MOST: PageRequest = PageRequest {
    page: 1,
    per_page: 100,
};

/// A request in the list.
pub struct Row {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status_code: String,
    pub status: &'static str,
    /// "报修 · 给排水".
    pub what: String,
    pub room: Option<String>,
    pub reported: String,
}

#[derive(Template)]
#[template(path = "h5_requests.html")]
struct ListPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<Row>,
    /// 接收通知方式: the channels they may hear on, theirs chosen.
    channels: Vec<Choice>,
    /// Notices not opened yet, for the link to the notice board.
    unread_notices: u64,
}

/// "报修 · 给排水": the kind, and the category in the page's language.
fn what(t: &ticket::Model, categories: &[category::Model], lang: Lang) -> String {
    let kind = text::kind(lang, *t.kind);
    let category = t
        .category
        .as_deref()
        .and_then(|code| categories.iter().find(|c| c.code == code));
    match category {
        Some(c) => format!(
            "{kind} · {}",
            if lang == Lang::Zh {
                &c.label_zh
            } else {
                &c.label_en
            }
        ),
        None => kind.to_owned(),
    }
}

/// Where the request stands, in the resident's words (已受理, 师傅已到场, 请评价 …), never the
/// desk's workflow status.
fn progress(t: &ticket::Model, may_rate: bool) -> ResidentStep {
    let status = *t.status;
    step_now(
        status,
        t.on_site_at.is_some(),
        may_rate,
        t.rated_at.is_some(),
    )
}

/// `GET /h5`.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let who = session.who();
    let fail = |e| UiError::api(e, lang);
    let (mine, page, categories, registered, unread_notices) = tokio::try_join!(
        Mine::load(&state, &rooms, &session),
        async {
            state
                .store
                .tickets(who, TicketFilter::default(), MOST)
                .await
                .map_err(fail)
        },
        async { state.store.categories(&who.company_id).await.map_err(fail) },
        async {
            state
                .store
                .residents_by_phone(&who.company_id, &who.id)
                .await
                .map_err(fail)
        },
        async { state.store.my_unread_notices(who).await.map_err(fail) },
    )?;
    let preferred = registered.first().map(|r| r.preferred_channel.clone());
    let channels = choices(
        preferred.as_deref(),
        PreferredChannel::ALL
            .iter()
            .map(|c| (c.as_str(), text::preferred_channel(lang, *c))),
    );
    let rows = page
        .items
        .into_iter()
        .map(|t| {
            (
                progress(&t, allowed_actions(who, &t).contains(&ActionName::FollowUp)),
                t,
            )
        })
        .map(|(step, t)| Row {
            status_code: step.as_str().to_owned(),
            status: text::resident_step(lang, step),
            what: what(&t, &categories, lang),
            room: mine.room(t.room_id.as_deref()),
            reported: time::short(t.reported_at, mine.zone(&t.project_id)),
            id: t.id,
            number: t.number,
            title: t.title,
        })
        .collect();
    let t = text::labels(lang);
    let chrome = mine.brand(session.chrome(t.h5_requests_title, Nav::MyRequests, "/h5"));
    Ok(Html(
        ListPage {
            chrome,
            t,
            rows,
            channels,
            unread_notices,
        }
        .render()?,
    )
    .into_response())
}

/// A step of the progress, as the resident reads it.
pub struct Step {
    pub when: String,
    pub what: &'static str,
    pub text: Option<String>,
    /// Who did it: "我", or the staff member's role.
    pub by: &'static str,
    pub photo_id: Option<String>,
}

pub struct Photo {
    pub id: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "h5_request.html")]
struct RequestPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    number: String,
    title: String,
    description: String,
    status_code: String,
    status: &'static str,
    what: String,
    room: Option<String>,
    reported: String,
    /// The rating given, as stars, once there is nothing left to rate: shown instead of the form.
    rating: Option<Stars>,
    /// "预计上门时间 12-06 15:00": the next deadline the resident waits on.
    expected: Option<String>,
    /// The materials used: "角阀 × 1 个".
    materials: Vec<String>,
    /// What the resident may still do.
    cancel: bool,
    add_information: bool,
    chase: bool,
    photos: Vec<Photo>,
    steps: Vec<Step>,
    /// What was sent to the resident about it (已受理, 已派师傅, 请评价 …), newest first.
    sent: Vec<Sent>,
    bill: Option<Bill>,
    /// The rating's rows when the resident may rate now.
    scales: Vec<Scale>,
    confirm_charges: bool,
    add_photos: bool,
    /// The photo field's whole hint: how many, which formats, how large.
    photo_limits: String,
    notice: Option<Notice>,
}

/// An entry as the resident reads it: the step in their words; the words only when the store
/// left them in (their own, an answer, or a note staff marked for them).
fn step(e: &ticket_event::Model, me: &str, lang: Lang, zone: chrono_tz::Tz) -> Step {
    let t = text::labels(lang);
    let role = e.actor_role.parse::<Role>();
    let to = e.to_status.map(|s| *s);
    let what = text::resident_step(
        lang,
        step_of_entry(&e.action, *role.as_ref().unwrap_or(&Role::Admin), to),
    );
    let by = match role {
        _ if timeline::by_bot(e) => t.chat_bot,
        _ if e.actor_id.as_deref() == Some(me) => t.h5_me,
        Ok(role) => text::role(lang, role),
        Err(_) => t.system,
    };
    Step {
        when: time::full(e.created_at, zone),
        what,
        text: timeline::said(e, lang),
        by,
        photo_id: (e.action == "photo")
            .then(|| timeline::detail(e, "photo_id").map(str::to_owned))
            .flatten(),
    }
}

/// The rating given, as five stars with the filled ones first.
pub struct Stars {
    pub score: i32,
    pub filled: String,
    pub empty: String,
}

impl Stars {
    fn of(score: i32) -> Self {
        let score = score.clamp(1, 5);
        Stars {
            score,
            filled: "★".repeat(score as usize),
            empty: "☆".repeat(5 - score as usize),
        }
    }
}

/// The next deadline the resident waits on (a response, the technician's arrival, the work
/// done), in their words: "预计上门时间 12-06 15:00".
fn expected(
    clocks: &[guanjia_storage::TicketClock],
    lang: Lang,
    zone: chrono_tz::Tz,
) -> Option<String> {
    let t = text::labels(lang);
    clocks
        .iter()
        .filter(|tc| matches!(tc.clock.state, ClockState::Running | ClockState::Paused))
        .find_map(|tc| {
            let label = match tc.clock.name {
                ClockName::FirstResponse => t.h5_expect_response,
                ClockName::Arrival => t.h5_expect_arrival,
                ClockName::Resolution | ClockName::Rectification => t.h5_expect_done,
                // The follow-up is ours to make, and the 12345 platform's times are between it
                // and us: a resident is told what to expect of the work.
                ClockName::FollowUp | ClockName::HotlineAccept | ClockName::HotlineFinish => {
                    return None;
                }
            };
            Some(format!("{label} {}", time::full(tc.clock.due_at, zone)))
        })
}

/// The page of one request, with a refusal on it when a form on it was refused.
async fn show(
    state: &AppState,
    rooms: &RoomBook,
    session: &ResidentSession,
    id: &str,
    notice: Option<Notice>,
    code: StatusCode,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let who = session.who();
    let fail = |e| UiError::api(e, lang);
    // The store answers 404 for a request of another household, before anything else is read.
    let t = state.store.ticket(who, id).await.map_err(fail)?;
    let (mine, events, photos, charges, categories, sla, sent) = tokio::try_join!(
        Mine::load(state, rooms, session),
        async { state.store.ticket_events(who, id).await.map_err(fail) },
        async { state.store.photos(who, id).await.map_err(fail) },
        async { state.store.charges(who, id).await.map_err(fail) },
        async { state.store.categories(&who.company_id).await.map_err(fail) },
        async { state.store.sla_context(&who.company_id).await.map_err(fail) },
        async {
            state
                .store
                .my_ticket_deliveries(who, id)
                .await
                .map_err(fail)
        },
    )?;
    let labels = text::labels(lang);
    let zone = mine.zone(&t.project_id);
    let allowed = allowed_actions(who, &t);
    let open = !t.status.is_final();
    let may_rate = allowed.contains(&ActionName::FollowUp);
    let step_now = progress(&t, may_rate);
    let page = RequestPage {
        chrome: mine.brand(session.chrome(
            &t.number,
            Nav::MyRequests,
            &format!("/h5/requests/{id}"),
        )),
        t: labels,
        status: text::resident_step(lang, step_now),
        what: what(&t, &categories, lang),
        room: mine.room(t.room_id.as_deref()),
        reported: time::full(t.reported_at, zone),
        rating: t.satisfaction.filter(|_| !may_rate).map(Stars::of),
        expected: expected(&sla.clocks(&t, Utc::now()), lang, zone),
        materials: timeline::materials(&events),
        cancel: allowed.contains(&ActionName::Cancel),
        add_information: open && allowed.contains(&ActionName::Comment),
        chase: allowed.contains(&ActionName::Chase),
        photos: photos
            .iter()
            .map(|p| Photo {
                id: p.id.clone(),
                when: time::full(p.created_at, zone),
            })
            .collect(),
        steps: events
            .iter()
            .map(|e| step(e, &who.id, lang, zone))
            .collect(),
        sent: sent.into_iter().map(|d| sent_of(d, lang, zone)).collect(),
        scales: if may_rate {
            rating_scales(labels)
        } else {
            vec![]
        },
        confirm_charges: allowed.contains(&ActionName::ConfirmCharges)
            && t.charge_status.is_some_and(|s| s == ChargeStatus::Pending),
        add_photos: open,
        photo_limits: photo_form::limits(lang),
        notice,
        bill: Bill::of(charges, t.charge_status.map(|s| *s), lang),
        id: t.id,
        number: t.number,
        title: t.title,
        description: t.description,
        status_code: step_now.as_str().to_owned(),
    };
    Ok((code, Html(page.render()?)).into_response())
}

/// `GET /h5/requests/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    show(&state, &rooms, &session, &id, None, StatusCode::OK).await
}

/// After a form on the request: back to it when it worked, else the page with the refusal.
async fn answer(
    state: &AppState,
    rooms: &RoomBook,
    session: &ResidentSession,
    id: &str,
    outcome: Result<(), ApiError>,
) -> Result<Response, UiError> {
    match outcome {
        Ok(()) => Ok(see_other(false, &format!("/h5/requests/{id}"))),
        Err(error) => {
            show(
                state,
                rooms,
                session,
                id,
                Some(Notice::of(&error, session.0.lang)),
                error.code.status(),
            )
            .await
        }
    }
}

/// `POST /h5/requests/{id}/rate`: the resident's rating, as the follow-up that closes the request
/// (or reopens it for rectification when they are not satisfied).
pub async fn rate(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, UiError> {
    let outcome = async {
        let action = form.rating()?.into_action();
        state
            .act_on_ticket(session.who(), &id, action, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    answer(&state, &rooms, &session, &id, outcome).await
}

#[derive(Deserialize)]
pub struct ChargesForm {
    #[serde(default)]
    accepted: String,
    note: Option<String>,
}

/// `POST /h5/requests/{id}/charges`: the resident confirms a paid service's bill, or disputes it.
pub async fn charges(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<ChargesForm>,
) -> Result<Response, UiError> {
    let action = Action::ConfirmCharges {
        accepted: form.accepted == "true",
        note: form.note.filter(|n| !n.trim().is_empty()),
    };
    let outcome = act(&state, &session, &id, action).await;
    answer(&state, &rooms, &session, &id, outcome).await
}

/// `POST /h5/requests/{id}/photos`: more photos of the problem.
pub async fn add_photos(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    let outcome = add_posted_photos(&state, session.who(), &id, form).await;
    answer(&state, &rooms, &session, &id, outcome).await
}

#[derive(Deserialize)]
pub struct WordsForm {
    #[serde(default)]
    text: String,
}

/// `POST /h5/requests/{id}/cancel`: the resident withdraws the request, with why, while the
/// lifecycle lets them (before the work starts).
pub async fn cancel(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<WordsForm>,
) -> Result<Response, UiError> {
    let action = Action::Cancel {
        reason: form.text.trim().to_owned(),
    };
    let outcome = act(&state, &session, &id, action).await;
    answer(&state, &rooms, &session, &id, outcome).await
}

/// `POST /h5/requests/{id}/comments`: 追加说明, words the resident adds for the office and the
/// technician (a resident's comment is always theirs to see too).
pub async fn add_information(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<WordsForm>,
) -> Result<Response, UiError> {
    let action = Action::Comment {
        body: form.text.trim().to_owned(),
        visibility: guanjia_domain::ticket::Visibility::Resident,
    };
    let outcome = act(&state, &session, &id, action).await;
    answer(&state, &rooms, &session, &id, outcome).await
}

/// `POST /h5/requests/{id}/chase`: 催单, told to whoever owns and holds the request, once an hour.
pub async fn chase(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let outcome = act(&state, &session, &id, Action::Chase { note: None }).await;
    answer(&state, &rooms, &session, &id, outcome).await
}

/// One of the resident's actions through the store, as the API applies it.
async fn act(
    state: &AppState,
    session: &ResidentSession,
    id: &str,
    action: Action,
) -> Result<(), ApiError> {
    action.validate()?;
    state
        .act_on_ticket(session.who(), id, action, Utc::now())
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct PreferenceForm {
    preferred_channel: String,
}

/// `POST /h5/preferences`: the resident chooses the channel they hear on; back to their list.
pub async fn preferences(
    State(state): State<AppState>,
    session: ResidentSession,
    Form(form): Form<PreferenceForm>,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let channel = PreferenceInput {
        preferred_channel: form.preferred_channel,
    }
    .validate()
    .map_err(|e| UiError::api(ApiError::from(e), lang))?;
    state
        .store
        .set_my_preferred_channel(session.who(), channel, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    Ok(see_other(false, "/h5"))
}
