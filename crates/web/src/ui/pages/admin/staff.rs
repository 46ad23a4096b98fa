//! 员工: staff accounts with their role, projects and skills (what they are dispatched for),
//! phones masked as the API lists them; an admin adds one, and deactivates or reactivates one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::role::Role;
use guanjia_domain::setup::StaffInput;
use guanjia_domain::taxonomy::Kind;
use guanjia_storage::StaffMember;

use super::{Faults, Fields, PageParam, admin_only, answer, page_url, pages, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub username: String,
    pub role: &'static str,
    pub projects: String,
    pub skills: String,
    pub phone: String,
    pub active: bool,
    /// Not the admin's own account, which they cannot deactivate.
    pub other: bool,
    /// Field staff, who have a duty roster.
    pub technician: bool,
}

#[derive(Template)]
#[template(path = "admin_staff.html")]
struct StaffPage {
    chrome: Chrome,
    t: &'static Labels,
    staff: Vec<StaffRow>,
    total: String,
    pages: Pages,
    roles: Vec<Choice>,
    projects: Vec<Choice>,
    skills: Vec<Choice>,
    form: Fields,
    faults: Faults,
}

/// The skills a technician may be given: a whole kind (a general handyman), or categories.
fn skill_options(dir: &Directory, lang: crate::i18n::Lang) -> Vec<(String, String)> {
    let kinds = Kind::ALL.iter().map(|k| (k.as_str().to_owned(), format!("{}（{}）", text::kind(lang, *k), text::labels(lang).whole_kind)));
    kinds.chain(dir.categories.iter().map(|c| (c.code.clone(), c.label.clone()))).collect()
}

impl StaffPage {
    async fn load(state: &AppState, session: &Session, rooms: &RoomBook, page: &PageParam, form: Fields, faults: Faults) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (dir, list) = tokio::try_join!(Directory::load(state, session, rooms), async {
            state.store.staff_list(&session.who, page.request()).await.map_err(|e| UiError::api(e, lang))
        })?;
        let skills = skill_options(&dir, lang);
        let row = |m: StaffMember| {
            let skill_names: Vec<String> = m.skills().iter().map(|code| skills.iter().find(|(c, _)| c == code).map_or_else(|| code.clone(), |(_, label)| label.clone())).collect();
            let project_names: Vec<String> = m.project_ids.iter().map(|id| dir.project_name(id)).collect();
            StaffRow {
                role: text::role(lang, m.role()),
                projects: if project_names.is_empty() { t.all_projects.to_owned() } else { project_names.join("、") },
                skills: skill_names.join("、"),
                phone: m.staff.phone.as_deref().map(mask_phone).unwrap_or_default(),
                active: m.staff.active,
                other: m.staff.id != session.who.id,
                technician: m.role() == Role::Technician,
                id: m.staff.id,
                name: m.staff.name,
                username: m.staff.username,
            }
        };
        let tick = |name: &str, options: Vec<(String, String)>| {
            let chosen = form.all(name);
            options.into_iter().map(|(value, label)| Choice { selected: chosen.contains(&value), value, label }).collect()
        };
        let role = form.given("role");
        Ok(StaffPage {
            chrome: Chrome::signed_in(session, t.admin_staff, Nav::Admin, "/admin/staff"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| page_url("/admin/staff", n)),
            staff: list.items.into_iter().map(row).collect(),
            roles: choices(role.as_deref().or(Some(Role::Technician.as_str())), Role::STAFF.iter().map(|r| (r.as_str(), text::role(lang, *r)))),
            projects: tick("project_ids", dir.projects.iter().map(|p| (p.id.clone(), p.name.clone())).collect()),
            skills: tick("skills", skills),
            form,
            faults,
        })
    }
}

/// `GET /admin/staff`.
pub async fn list(State(state): State<AppState>, Extension(rooms): Extension<RoomBook>, session: Session, Query(page): Query<PageParam>) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(StaffPage::load(&state, &session, &rooms, &page, Fields::default(), Faults::default()).await?, None)
}

/// `POST /admin/staff`: creates an account.
pub async fn create(State(state): State<AppState>, Extension(rooms): Extension<RoomBook>, session: Session, Form(form): Form<Fields>) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = StaffInput {
        username: form.one("username"),
        password: form.raw("password"),
        name: form.one("name"),
        role: form.one("role"),
        project_ids: form.all("project_ids"),
        skills: form.all("skills"),
        phone: form.given("phone"),
    };
    let created = async {
        state.store.create_staff(Some(&session.who), &session.who.company_id, input.validate()?, Utc::now()).await?;
        // The newest account is on the last page.
        let total = state.store.staff_list(&session.who, guanjia_storage::PageRequest { page: 1, per_page: 1 }).await?.total;
        Ok::<_, ApiError>(page_url("/admin/staff", total.div_ceil(super::PER_PAGE).max(1)))
    };
    answer(session.lang, created.await, |location| location, async |faults| StaffPage::load(&state, &session, &rooms, &PageParam::default(), form, faults).await).await
}

/// `POST /admin/staff/{id}/active`: deactivates (`active=false`) or reactivates an account.
pub async fn set_active(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let page = PageParam { page: form.given("page").and_then(|p| p.parse().ok()) };
    let saved = state.store.set_staff_active(&session.who, &id, form.one("active") == "true", Utc::now()).await.map_err(ApiError::from);
    let back = page_url("/admin/staff", page.page.unwrap_or(1));
    answer(session.lang, saved, |_| back, async |faults| StaffPage::load(&state, &session, &rooms, &page, Fields::default(), faults).await).await
}
