//! 住户: the residents of the admin's projects, found by name or phone (shown masked, as the API
//! lists them), registered one at a time in a room chosen from its building's page, corrected
//! or moved within the building, and removed when registered by mistake.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::delivery::{PreferenceInput, PreferredChannel};
use guanjia_domain::phone::{mask_phone, normalize_phone};
use guanjia_domain::resident::{ResidentRole, ServiceTier};
use guanjia_domain::setup::ResidentInput;
use guanjia_storage::ResidentFilter;
use serde::{Deserialize, Serialize};

use super::{Done, Faults, Fields, PageParam, admin_only, answer, done, pages, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::place_rows::Column;
use crate::ui::queue::Pages;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The list's search and where the form registers.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Search {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing)]
    pub done: Option<Done>,
}

impl Search {
    fn url(&self, page: u64) -> String {
        let mut query = self.clone();
        for value in [&mut query.q, &mut query.project_id, &mut query.room_id] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *value = None;
            }
        }
        query.page = (page > 1).then_some(page);
        let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
        if encoded.is_empty() {
            "/admin/residents".to_owned()
        } else {
            format!("/admin/residents?{encoded}")
        }
    }

    /// The residents list's spreadsheet (`format=xlsx`) under this page's filter.
    fn export_url(&self) -> String {
        let filter = self.filter();
        let given = [
            ("project_id", filter.project_id.as_deref()),
            ("room_id", filter.room_id.as_deref()),
            ("phone", filter.phone.as_deref()),
            ("name", filter.name.as_deref()),
        ];
        let pairs: Vec<(&str, &str)> = std::iter::once(("format", "xlsx"))
            .chain(given.into_iter().filter_map(|(k, v)| Some((k, v?))))
            .collect();
        format!(
            "/api/v1/residents?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The store's filter: a phone number finds by phone, other words by name.
    fn filter(&self) -> ResidentFilter {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let phone = q.and_then(normalize_phone);
        let known = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        ResidentFilter {
            project_id: known(&self.project_id),
            room_id: known(&self.room_id),
            name: q.filter(|_| phone.is_none()).map(str::to_owned),
            phone,
        }
    }
}

pub struct ResidentRow {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub project: String,
    pub room: String,
    pub role: &'static str,
    pub tier: &'static str,
}

#[derive(Template)]
#[template(path = "admin_residents.html")]
struct ResidentsPage {
    chrome: Chrome,
    t: &'static Labels,
    q: String,
    projects: Vec<Choice>,
    residents: Vec<ResidentRow>,
    total: String,
    pages: Pages,
    /// The same residents as a spreadsheet.
    export: String,
    /// The room the form registers in: (id, label).
    room: Option<(String, String)>,
    roles: Vec<Choice>,
    tiers: Vec<Choice>,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

/// "3栋2单元1502", from the store: the directory's labels may not know a room added a moment ago.
async fn room_label(state: &AppState, session: &Session, room_id: &str) -> Result<String, UiError> {
    let fail = |e| UiError::api(e, session.lang);
    let room = state
        .store
        .room(&session.who, room_id)
        .await
        .map_err(fail)?;
    let building = state
        .store
        .building(&session.who, &room.building_id)
        .await
        .map_err(fail)?;
    Ok(format!("{}{}{}", building.name, room.unit, room.number))
}

impl ResidentsPage {
    async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
        search: &Search,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let dir = Directory::load(state, session, rooms).await?;
        let request = guanjia_storage::PageRequest {
            page: search.page.unwrap_or(1).clamp(1, 1_000_000),
            per_page: super::PER_PAGE,
        };
        let list = state
            .store
            .residents(&session.who, search.filter(), request)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        let room = match search.room_id.clone().filter(|r| !r.is_empty()) {
            Some(id) => {
                Some((room_label(state, session, &id).await?, id)).map(|(label, id)| (id, label))
            }
            None => None,
        };
        let row = |r: guanjia_storage::entity::resident::Model| ResidentRow {
            id: r.id.clone(),
            phone: mask_phone(&r.phone),
            project: dir.project_name(&r.project_id),
            room: dir.room(Some(&r.room_id)).unwrap_or_default(),
            role: Column::Role.label(lang, &r.role),
            tier: Column::Tier.label(lang, &r.tier),
            name: r.name,
        };
        let (role, tier) = (form.given("role"), form.given("tier"));
        Ok(ResidentsPage {
            chrome: Chrome::signed_in(session, t.admin_residents, Nav::Admin, &search.url(1)),
            t,
            q: search.q.clone().unwrap_or_default(),
            export: search.export_url(),
            projects: choices(
                search.project_id.as_deref().or(Some("")),
                [("", t.all_projects)].into_iter().chain(
                    dir.projects
                        .iter()
                        .map(|p| (p.id.as_str(), p.name.as_str())),
                ),
            ),
            total: super::count(lang, list.total),
            pages: pages(&list, |n| search.url(n)),
            residents: list.items.into_iter().map(row).collect(),
            room,
            roles: choices(
                role.as_deref(),
                ResidentRole::ALL
                    .iter()
                    .map(|r| (r.as_str(), Column::Role.label(lang, r.as_str()))),
            ),
            tiers: choices(
                tier.as_deref(),
                ServiceTier::ALL
                    .iter()
                    .map(|r| (r.as_str(), Column::Tier.label(lang, r.as_str()))),
            ),
            form,
            faults,
            done: search.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/residents[?q=…&project_id=…&room_id=…&page=…]`.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(search): Query<Search>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        ResidentsPage::load(
            &state,
            &session,
            &rooms,
            &search,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/residents`: registers a resident in the form's room; back to the room's residents.
pub async fn create(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let room_id = form.one("room_id");
    let input = ResidentInput {
        name: form.one("name"),
        phone: form.one("phone"),
        room_id: room_id.clone(),
        role: form.one("role"),
        tier: form.given("tier"),
    };
    let created = match input.validate() {
        Ok(input) => state
            .store
            .create_resident(&session.who, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    let search = Search {
        room_id: Some(room_id),
        ..Search::default()
    };
    answer(
        session.lang,
        created,
        |_| search.url(1),
        async |faults| {
            ResidentsPage::load(
                &state,
                &session,
                &rooms,
                &search,
                form,
                faults.person(session.lang),
            )
            .await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_resident.html")]
struct EditPage {
    chrome: Chrome,
    t: &'static Labels,
    resident: guanjia_storage::entity::resident::Model,
    /// The rooms of the resident's building, theirs chosen.
    room_choices: Vec<Choice>,
    roles: Vec<Choice>,
    tiers: Vec<Choice>,
    /// 接收通知方式, theirs chosen.
    channels: Vec<Choice>,
    form: Fields,
    faults: Faults,
}

impl EditPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        edit: Option<(Fields, Faults)>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let resident = state.store.resident(&session.who, id).await.map_err(fail)?;
        let room = state
            .store
            .room(&session.who, &resident.room_id)
            .await
            .map_err(fail)?;
        let all = guanjia_storage::PageRequest {
            page: 1,
            per_page: 10_000,
        };
        let rooms = state
            .store
            .rooms(&session.who, &room.building_id, all)
            .await
            .map_err(fail)?
            .items;
        let (form, faults) = edit.unwrap_or_else(|| {
            let filled = Fields::of([
                ("name", resident.name.clone()),
                ("phone", resident.phone.clone()),
                ("room_id", resident.room_id.clone()),
                ("role", resident.role.clone()),
                ("tier", resident.tier.clone()),
            ]);
            (filled, Faults::default())
        });
        let (room_id, role, tier) = (
            form.given("room_id"),
            form.given("role"),
            form.given("tier"),
        );
        let labels: Vec<(String, String)> = rooms
            .into_iter()
            .map(|r| (r.id, format!("{}{}", r.unit, r.number)))
            .collect();
        Ok(EditPage {
            chrome: Chrome::signed_in(
                session,
                &resident.name,
                Nav::Admin,
                &format!("/admin/residents/{id}"),
            ),
            t,
            room_choices: choices(
                room_id.as_deref(),
                labels
                    .iter()
                    .map(|(id, label)| (id.as_str(), label.as_str())),
            ),
            roles: choices(
                role.as_deref(),
                ResidentRole::ALL
                    .iter()
                    .map(|r| (r.as_str(), Column::Role.label(lang, r.as_str()))),
            ),
            tiers: choices(
                tier.as_deref(),
                ServiceTier::ALL
                    .iter()
                    .map(|r| (r.as_str(), Column::Tier.label(lang, r.as_str()))),
            ),
            channels: choices(
                Some(&resident.preferred_channel),
                PreferredChannel::ALL
                    .iter()
                    .map(|c| (c.as_str(), text::preferred_channel(lang, *c))),
            ),
            resident,
            form,
            faults,
        })
    }
}

/// `GET /admin/residents/{id}`: the resident's edit form and delete.
pub async fn edit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(_page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(EditPage::load(&state, &session, &id, None).await?, None)
}

/// `POST /admin/residents/{id}`: corrects the resident; back to their room's residents.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = ResidentInput {
        name: form.one("name"),
        phone: form.one("phone"),
        room_id: form.one("room_id"),
        role: form.one("role"),
        tier: form.given("tier"),
    };
    let saved = match input.validate() {
        Ok(input) => state
            .store
            .update_resident(&session.who, &id, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match saved {
        Ok(r) => done(
            &Done::Saved.at(&Search {
                room_id: Some(r.room_id),
                ..Search::default()
            }
            .url(1)),
        ),
        Err(error) => {
            let faults = Faults::of(&error, session.lang).person(session.lang);
            render(
                EditPage::load(&state, &session, &id, Some((form, faults))).await?,
                Some(&error),
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ChannelForm {
    preferred_channel: String,
}

/// `POST /admin/residents/{id}/channel`: the channel the resident hears on (audited); back to
/// their page.
pub async fn set_channel(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ChannelForm>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    let channel = PreferenceInput {
        preferred_channel: form.preferred_channel,
    }
    .validate()
    .map_err(|e| UiError::api(ApiError::from(e), lang))?;
    state
        .store
        .set_preferred_channel(&session.who, &id, channel, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&format!("/admin/residents/{id}"))
}

/// `POST /admin/residents/{id}/delete`: removes a resident who never reported; back to the room.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let resident = state
        .store
        .resident(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    match state
        .store
        .delete_resident(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => done(
            &Done::Deleted.at(&Search {
                room_id: Some(resident.room_id),
                ..Search::default()
            }
            .url(1)),
        ),
        Err(error) => {
            let page = EditPage::load(&state, &session, &id, None).await?;
            render(
                EditPage {
                    faults: Faults::of(&error, session.lang),
                    ..page
                },
                Some(&error),
            )
        }
    }
}
