//! 物联网设备: the devices whose alarms open tickets. Staff read their projects' devices and
//! each one's recent alarms; admins register a device at a place (a building with its unit and a
//! common area in words, as the API takes it), change it, and deactivate or reactivate it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::iot::{DeviceInput, DeviceType};
use guanjia_storage::entity::{device, device_alarm};
use guanjia_storage::{After, DeviceFilter, PageRequest};
use serde::Deserialize;

use super::{Done, Faults, Fields, admin_only, answer, done, page_url, pages, render};
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time::full;

/// Projects whose buildings the place list offers, and buildings of each.
const PLACES: u64 = 200;
/// Alarms a device's page shows at a time.
const ALARMS: u64 = 20;

/// Staff read devices; everyone else is refused.
fn staff_only(session: &Session) -> Result<(), UiError> {
    if session.who.role.is_staff() {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

/// The filters of the list, `?page=…`, and `done=…` after a form.
#[derive(Debug, Default, Deserialize)]
pub struct DeviceQuery {
    pub project_id: Option<String>,
    #[serde(rename = "type")]
    pub device_type: Option<String>,
    pub active: Option<String>,
    pub page: Option<u64>,
    pub done: Option<Done>,
}

impl DeviceQuery {
    fn filter(&self) -> DeviceFilter {
        DeviceFilter {
            project_id: self.project_id.clone().filter(|p| !p.is_empty()),
            device_type: self.device_type.as_deref().and_then(|t| t.parse().ok()),
            active: match self.active.as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
        }
    }

    /// The list's address with these filters, at page `n`.
    fn url(&self, n: u64) -> String {
        let mut pairs = vec![];
        for (name, value) in [
            ("project_id", &self.project_id),
            ("type", &self.device_type),
            ("active", &self.active),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{name}={}", urlencoding(v)));
            }
        }
        let path = if pairs.is_empty() {
            "/admin/devices".to_owned()
        } else {
            format!("/admin/devices?{}", pairs.join("&"))
        };
        page_url(&path, n)
    }
}

/// Ids and codes are ASCII letters, digits and `-`; anything else is escaped.
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The projects and buildings the caller may choose, with their names.
struct Places {
    projects: Vec<(String, String)>,
    /// (building id, "project · building")
    buildings: Vec<(String, String)>,
    /// Each project's time zone, which its alarms' times are shown in.
    zones: Vec<(String, chrono_tz::Tz)>,
}

impl Places {
    async fn load(state: &AppState, session: &Session) -> Result<Self, UiError> {
        let lang = session.lang;
        let all = PageRequest {
            page: 1,
            per_page: PLACES,
        };
        let projects = state
            .store
            .projects(&session.who, all)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        let mut buildings = vec![];
        for p in &projects.items {
            let of_project = state
                .store
                .buildings(&session.who, &p.id, all)
                .await
                .map_err(|e| UiError::api(e, lang))?;
            buildings.extend(
                of_project
                    .items
                    .into_iter()
                    .map(|b| (b.id, format!("{} · {}", p.name, b.name))),
            );
        }
        Ok(Places {
            zones: projects
                .items
                .iter()
                .map(|p| {
                    let zone = p.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
                    (p.id.clone(), zone)
                })
                .collect(),
            projects: projects.items.into_iter().map(|p| (p.id, p.name)).collect(),
            buildings,
        })
    }

    fn project_name(&self, id: &str) -> String {
        name_of(&self.projects, id)
    }

    fn place(&self, d: &device::Model) -> String {
        let building = d
            .building_id
            .as_deref()
            .map(|b| name_of(&self.buildings, b))
            .unwrap_or_default();
        [
            building,
            d.unit.clone().unwrap_or_default(),
            d.place.clone().unwrap_or_default(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    }

    fn project_choices(&self, chosen: &str, any: Option<&str>) -> Vec<Choice> {
        any.map(|label| Choice {
            value: String::new(),
            label: label.to_owned(),
            selected: chosen.is_empty(),
        })
        .into_iter()
        .chain(self.projects.iter().map(|(id, name)| Choice {
            selected: id == chosen,
            value: id.clone(),
            label: name.clone(),
        }))
        .collect()
    }

    fn building_choices(&self, chosen: &str, t: &Labels) -> Vec<Choice> {
        std::iter::once(Choice {
            value: String::new(),
            label: t.no_building.to_owned(),
            selected: chosen.is_empty(),
        })
        .chain(self.buildings.iter().map(|(id, label)| Choice {
            selected: id == chosen,
            value: id.clone(),
            label: label.clone(),
        }))
        .collect()
    }
}

fn name_of(pairs: &[(String, String)], id: &str) -> String {
    pairs
        .iter()
        .find(|(p, _)| p == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

fn type_choices(lang: Lang, chosen: &str, any: Option<&str>) -> Vec<Choice> {
    let label = |d: DeviceType| {
        let (zh, en) = d.labels();
        if lang == Lang::Zh { zh } else { en }
    };
    any.map(|label| Choice {
        value: String::new(),
        label: label.to_owned(),
        selected: chosen.is_empty(),
    })
    .into_iter()
    .chain(choices(
        Some(chosen),
        DeviceType::ALL.iter().map(|d| (d.as_str(), label(*d))),
    ))
    .collect()
}

fn type_label(lang: Lang, code: &str) -> String {
    code.parse::<DeviceType>().map_or_else(
        |_| code.to_owned(),
        |d| {
            let (zh, en) = d.labels();
            if lang == Lang::Zh { zh } else { en }.to_owned()
        },
    )
}

pub struct DeviceRow {
    pub id: String,
    pub device_id: String,
    pub device_type: String,
    pub project: String,
    pub place: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_devices.html")]
struct DevicesPage {
    chrome: Chrome,
    t: &'static Labels,
    devices: Vec<DeviceRow>,
    total: String,
    pages: Pages,
    /// The filters.
    filter_projects: Vec<Choice>,
    filter_types: Vec<Choice>,
    filter_active: Vec<Choice>,
    /// The register form, for admins.
    admin: bool,
    projects: Vec<Choice>,
    types: Vec<Choice>,
    buildings: Vec<Choice>,
    form: Fields,
    faults: Faults,
    done: Option<&'static str>,
}

impl DevicesPage {
    async fn load(
        state: &AppState,
        session: &Session,
        query: &DeviceQuery,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let page = PageRequest {
            page: query.page.unwrap_or(1).clamp(1, 1_000_000),
            per_page: super::PER_PAGE,
        };
        let (places, list) = tokio::try_join!(Places::load(state, session), async {
            state
                .store
                .devices(&session.who, query.filter(), page)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let row = |d: device::Model| DeviceRow {
            device_type: type_label(lang, &d.device_type),
            project: places.project_name(&d.project_id),
            place: places.place(&d),
            active: d.active,
            id: d.id,
            device_id: d.device_id,
        };
        let active = query.active.clone().unwrap_or_default();
        Ok(DevicesPage {
            chrome: Chrome::signed_in(session, t.admin_devices, Nav::Admin, "/admin/devices"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| query.url(n)),
            devices: list.items.into_iter().map(row).collect(),
            filter_projects: places.project_choices(
                query.project_id.as_deref().unwrap_or_default(),
                Some(t.all_projects),
            ),
            filter_types: type_choices(
                lang,
                query.device_type.as_deref().unwrap_or_default(),
                Some(t.all_types),
            ),
            filter_active: choices(
                Some(active.as_str()),
                [
                    ("", t.any_state),
                    ("true", t.device_active),
                    ("false", t.inactive),
                ],
            ),
            admin: session.who.role.administers(),
            projects: places.project_choices(&form.one("project_id"), None),
            types: type_choices(lang, &form.one("type"), None),
            buildings: places.building_choices(&form.one("building_id"), t),
            form,
            faults,
            done: query.done.map(|d| d.words(t)),
        })
    }
}

/// The device input of a posted form.
fn input_of(form: &Fields) -> DeviceInput {
    DeviceInput {
        project_id: form.one("project_id"),
        device_id: form.one("device_id"),
        device_type: form.one("type"),
        building_id: form.given("building_id"),
        unit: form.given("unit"),
        room_id: form.given("room_id"),
        place: form.given("place"),
        resolve_on_recovery: None,
    }
}

/// `GET /admin/devices[?project_id=…&type=…&active=…&page=…]`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<DeviceQuery>,
) -> Result<Response, UiError> {
    staff_only(&session)?;
    render(
        DevicesPage::load(
            &state,
            &session,
            &query,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/devices`: registers a device (admins); to its page.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = async {
        let input = input_of(&form).validate()?;
        Ok::<_, ApiError>(
            state
                .store
                .create_device(&session.who, input, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |d| Done::Saved.at(&format!("/admin/devices/{}", d.id)),
        async |faults| {
            DevicesPage::load(&state, &session, &DeviceQuery::default(), form, faults).await
        },
    )
    .await
}

pub struct AlarmRow {
    pub received_at: String,
    pub alarm_type: String,
    pub state: &'static str,
    pub outcome: &'static str,
    pub ticket_id: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_device.html")]
struct DevicePage {
    chrome: Chrome,
    t: &'static Labels,
    device: device::Model,
    device_type: String,
    project: String,
    place: String,
    admin: bool,
    projects: Vec<Choice>,
    types: Vec<Choice>,
    buildings: Vec<Choice>,
    form: Fields,
    faults: Faults,
    alarms: Vec<AlarmRow>,
    /// The address of the older alarms, when there are more.
    older: Option<String>,
    done: Option<&'static str>,
}

/// `?after=…` of a device's alarms, and `done=…` after a form.
#[derive(Debug, Default, Deserialize)]
pub struct AlarmParam {
    pub after: Option<String>,
    pub done: Option<Done>,
}

impl DevicePage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        param: &AlarmParam,
        edit: Option<(Fields, Faults)>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let after = param.after.as_deref().and_then(After::decode);
        let (places, device, alarms) = tokio::try_join!(
            Places::load(state, session),
            async {
                state
                    .store
                    .device(&session.who, id)
                    .await
                    .map_err(|e| UiError::api(e, lang))
            },
            async {
                state
                    .store
                    .device_alarms(&session.who, id, ALARMS, after.as_ref())
                    .await
                    .map_err(|e| UiError::api(e, lang))
            },
        )?;
        let zone = places
            .zones
            .iter()
            .find(|(p, _)| *p == device.project_id)
            .map_or(chrono_tz::Asia::Shanghai, |(_, z)| *z);
        let row = |a: device_alarm::Model| AlarmRow {
            received_at: full(a.received_at, zone),
            alarm_type: a.alarm_type.parse().map_or_else(
                |_| a.alarm_type.clone(),
                |k: guanjia_domain::iot::AlarmType| {
                    let (zh, en) = k.labels();
                    if lang == Lang::Zh { zh } else { en }.to_owned()
                },
            ),
            state: text::alarm_state(lang, &a.state),
            outcome: text::alarm_outcome(lang, &a.outcome),
            ticket_id: a.ticket_id,
        };
        let (form, faults) = edit.unwrap_or_else(|| {
            (
                Fields::of([
                    ("project_id", device.project_id.clone()),
                    ("device_id", device.device_id.clone()),
                    ("type", device.device_type.clone()),
                    (
                        "building_id",
                        device.building_id.clone().unwrap_or_default(),
                    ),
                    ("unit", device.unit.clone().unwrap_or_default()),
                    ("room_id", device.room_id.clone().unwrap_or_default()),
                    ("place", device.place.clone().unwrap_or_default()),
                ]),
                Faults::default(),
            )
        });
        Ok(DevicePage {
            chrome: Chrome::signed_in(
                session,
                &device.device_id,
                Nav::Admin,
                &format!("/admin/devices/{id}"),
            ),
            t,
            device_type: type_label(lang, &device.device_type),
            project: places.project_name(&device.project_id),
            place: places.place(&device),
            admin: session.who.role.administers(),
            projects: places.project_choices(&form.one("project_id"), None),
            types: type_choices(lang, &form.one("type"), None),
            buildings: places.building_choices(&form.one("building_id"), t),
            alarms: alarms.items.into_iter().map(row).collect(),
            older: alarms
                .next
                .map(|a| format!("/admin/devices/{id}?after={}", a.encode())),
            device,
            form,
            faults,
            done: param.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/devices/{id}[?after=…]`: the device, its form (admins) and its recent alarms.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(param): Query<AlarmParam>,
) -> Result<Response, UiError> {
    staff_only(&session)?;
    render(
        DevicePage::load(&state, &session, &id, &param, None).await?,
        None,
    )
}

/// `POST /admin/devices/{id}`: changes what the device was registered with (admins).
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let input = input_of(&form).validate()?;
        Ok::<_, ApiError>(
            state
                .store
                .update_device(&session.who, &id, input, Utc::now())
                .await?,
        )
    };
    match saved.await {
        Ok(d) => done(&Done::Saved.at(&format!("/admin/devices/{}", d.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang);
            render(
                DevicePage::load(
                    &state,
                    &session,
                    &id,
                    &AlarmParam::default(),
                    Some((form, faults)),
                )
                .await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/devices/{id}/active`: deactivates (`active=false`) or reactivates a device.
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
        .set_device_active(&session.who, &id, form.one("active") == "true", Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&Done::Saved.at(&format!("/admin/devices/{id}")))
}
