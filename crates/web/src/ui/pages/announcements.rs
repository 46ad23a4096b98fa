//! 公告管理: managers, supervisors and admins write announcements to a project or some of its
//! buildings, room kinds, tiers or tags, count who they reach before sending, send them now or
//! at a set time, and follow each one's figures and the list of residents to call.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{NaiveDateTime, TimeZone, Utc};
use guanjia_domain::announcement::{
    AnnouncementCategory, AnnouncementInput, AnnouncementState, AudienceInput, read_rate,
};
use guanjia_domain::phone::mask_phone;
use guanjia_domain::place::RoomKind;
use guanjia_domain::resident::ServiceTier;
use guanjia_storage::{AnnouncementRow, PageRequest};

use super::team::overseer;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::redirect::see_other;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

const NEWEST: PageRequest = PageRequest {
    page: 1,
    per_page: 50,
};
const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 200,
};
/// People listed to call on one page.
const TO_CALL: u64 = 100;

pub struct Checkbox {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct Row {
    pub id: String,
    pub title: String,
    pub category: &'static str,
    pub state: &'static str,
    pub send_at: String,
    pub recipients: u64,
    pub delivered: u64,
    pub read: u64,
    pub acknowledged: u64,
    pub read_rate: String,
}

impl Row {
    fn of(a: AnnouncementRow, lang: crate::i18n::Lang) -> Row {
        let f = a.figures;
        Row {
            category: text::announcement_category(
                lang,
                a.row
                    .category
                    .parse()
                    .unwrap_or(AnnouncementCategory::Other),
            ),
            state: text::announcement_state(
                lang,
                a.row.state.parse().unwrap_or(AnnouncementState::Scheduled),
            ),
            send_at: time::short(a.row.send_at, chrono_tz::Asia::Shanghai),
            id: a.row.id,
            title: a.row.title,
            recipients: f.recipients,
            delivered: f.delivered,
            read: f.read,
            acknowledged: f.acknowledged,
            read_rate: format!("{:.0}%", read_rate(f.recipients, f.read) * 100.0),
        }
    }
}

#[derive(Template)]
#[template(path = "announcements.html")]
struct ListPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<Row>,
    projects: Vec<Checkbox>,
    buildings: Vec<Checkbox>,
    categories: Vec<Checkbox>,
    room_kinds: Vec<Checkbox>,
    tiers: Vec<Checkbox>,
    form: Posted,
    preview: Option<u64>,
    notice: Option<Notice>,
}

pub struct ToCallRow {
    pub name: String,
    pub phone: String,
    pub room: String,
    pub reminded: bool,
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct OnePage {
    chrome: Chrome,
    t: &'static Labels,
    row: Row,
    body: String,
    requires_ack: bool,
    to_call: Vec<ToCallRow>,
}

/// The form as posted: repeated checkboxes come as repeated keys.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    pub project_id: String,
    pub title: String,
    pub body: String,
    pub category: String,
    pub building_ids: Vec<String>,
    pub room_kinds: Vec<String>,
    pub tiers: Vec<String>,
    pub tags: String,
    pub requires_ack: bool,
    pub send_at: String,
    pub preview: bool,
}

impl Posted {
    fn of(pairs: Vec<(String, String)>) -> Posted {
        let mut p = Posted::default();
        for (key, value) in pairs {
            match key.as_str() {
                "project_id" => p.project_id = value,
                "title" => p.title = value,
                "body" => p.body = value,
                "category" => p.category = value,
                "building_ids" => p.building_ids.push(value),
                "room_kinds" => p.room_kinds.push(value),
                "tiers" => p.tiers.push(value),
                "tags" => p.tags = value,
                "requires_ack" => p.requires_ack = true,
                "send_at" => p.send_at = value,
                "intent" => p.preview = value == "preview",
                _ => {}
            }
        }
        p
    }

    fn input(&self) -> AnnouncementInput {
        let tags: Vec<String> = self
            .tags
            .split([',', '，', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        // The form's local time is the project's, Asia/Shanghai by default.
        let send_at = NaiveDateTime::parse_from_str(&self.send_at, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|at| chrono_tz::Asia::Shanghai.from_local_datetime(&at).single())
            .map(|at| at.with_timezone(&Utc));
        AnnouncementInput {
            project_id: self.project_id.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            category: self.category.clone(),
            audience: Some(AudienceInput {
                building_ids: Some(self.building_ids.clone()),
                units: None,
                tiers: Some(self.tiers.clone()),
                tags: Some(tags),
                room_kinds: Some(self.room_kinds.clone()),
            }),
            requires_ack: Some(self.requires_ack),
            send_at,
            remind_after_hours: None,
        }
    }
}

async fn list_page(
    state: &AppState,
    session: &Session,
    form: Posted,
    preview: Option<u64>,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let (page, projects) = tokio::try_join!(
        async {
            state
                .store
                .announcements(who, None, NEWEST)
                .await
                .map_err(fail)
        },
        async { state.store.projects(who, ALL).await.map_err(fail) },
    )?;
    let mut buildings = vec![];
    for p in &projects.items {
        for b in state
            .store
            .buildings(who, &p.id, ALL)
            .await
            .map_err(fail)?
            .items
        {
            buildings.push(Checkbox {
                checked: form.building_ids.contains(&b.id),
                label: format!("{} · {}", p.name, b.name),
                value: b.id,
            });
        }
    }
    let codes = |all: Vec<(&'static str, &'static str)>, chosen: &[String]| -> Vec<Checkbox> {
        all.into_iter()
            .map(|(code, label)| Checkbox {
                value: code.to_owned(),
                label: label.to_owned(),
                checked: chosen.iter().any(|c| c == code),
            })
            .collect()
    };
    let t = text::labels(lang);
    let chrome = Chrome::signed_in(
        session,
        t.announcements_title,
        Nav::Announcements,
        "/announcements",
    );
    let page = ListPage {
        chrome,
        t,
        rows: page.items.into_iter().map(|a| Row::of(a, lang)).collect(),
        projects: projects
            .items
            .into_iter()
            .map(|p| Checkbox {
                checked: p.id == form.project_id,
                value: p.id,
                label: p.name,
            })
            .collect(),
        buildings,
        categories: codes(
            AnnouncementCategory::ALL
                .iter()
                .map(|c| (c.as_str(), text::announcement_category(lang, *c)))
                .collect(),
            std::slice::from_ref(&form.category),
        ),
        room_kinds: codes(
            RoomKind::ALL
                .iter()
                .map(|k| (k.as_str(), text::room_kind(lang, *k)))
                .collect(),
            &form.room_kinds,
        ),
        tiers: codes(
            ServiceTier::ALL
                .iter()
                .map(|k| (k.as_str(), text::tier(lang, *k)))
                .collect(),
            &form.tiers,
        ),
        form,
        preview,
        notice,
    };
    Ok(page.render()?)
}

/// `GET /announcements`.
pub async fn list(State(state): State<AppState>, session: Session) -> Result<Response, UiError> {
    overseer(&session)?;
    let html = list_page(&state, &session, Posted::default(), None, None).await?;
    Ok(Html(html).into_response())
}

/// `POST /announcements`: counts the recipients (preview) or sends; a refused form comes back
/// filled in with its problems.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    overseer(&session)?;
    let form = Posted::of(pairs);
    let now = Utc::now();
    let outcome: Result<Done, ApiError> = async {
        let input = form.input().validate(now)?;
        if form.preview {
            let n = state
                .store
                .preview_audience(&session.who, &input.project_id, &input.audience)
                .await?;
            return Ok(Done::Counted(n));
        }
        let row = state
            .store
            .create_announcement(&session.who, input, now)
            .await?;
        Ok(Done::Sent(row.row.id))
    }
    .await;
    match outcome {
        Ok(Done::Counted(n)) => {
            let html = list_page(&state, &session, form, Some(n), None).await?;
            Ok(Html(html).into_response())
        }
        Ok(Done::Sent(id)) => Ok(see_other(false, &format!("/announcements/{id}"))),
        Err(error) => {
            let notice = Some(Notice::of(&error, session.lang));
            let html = list_page(&state, &session, form, None, notice).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
    }
}

/// What a posted form did.
enum Done {
    /// The preview: how many people it would reach.
    Counted(u64),
    /// Sent or scheduled: its id.
    Sent(String),
}

/// `GET /announcements/{id}`: its figures and whom to call.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let a = state
        .store
        .announcement(&session.who, &id)
        .await
        .map_err(fail)?;
    let to_call = state
        .store
        .to_call(&session.who, &id, None, TO_CALL)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|c| ToCallRow {
            name: c.name,
            phone: mask_phone(&c.phone),
            room: c.room,
            reminded: c.reminded_at.is_some(),
        })
        .collect();
    let (body, requires_ack) = (a.row.body.clone(), a.row.requires_ack);
    let t = text::labels(lang);
    let row = Row::of(a, lang);
    let chrome = Chrome::signed_in(
        &session,
        &row.title,
        Nav::Announcements,
        &format!("/announcements/{id}"),
    );
    Ok(Html(
        OnePage {
            chrome,
            t,
            row,
            body,
            requires_ack,
            to_call,
        }
        .render()?,
    )
    .into_response())
}
