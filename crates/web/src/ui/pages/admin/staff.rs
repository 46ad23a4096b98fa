//! 员工: staff accounts with their role, projects and skills (what they are dispatched for),
//! phones masked as the API lists them; an admin adds one, edits one (and sets a new password),
//! deactivates or reactivates one, and deletes one made by mistake.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::calls::ExtensionInput;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{PasswordInput, StaffEditInput, StaffInput};
use guanjia_domain::taxonomy::Kind;
use guanjia_storage::StaffMember;

use super::{Done, Faults, Fields, PageParam, admin_only, answer, done, page_url, pages, render};
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
    done: Option<&'static str>,
}

/// Each option ticked when the form holds its value under `name`.
fn tick(form: &Fields, name: &str, options: Vec<(String, String)>) -> Vec<Choice> {
    let chosen = form.all(name);
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: chosen.contains(&value),
            value,
            label,
        })
        .collect()
}

/// The skills a technician may be given: a whole kind (a general handyman), or categories.
fn skill_options(dir: &Directory, lang: crate::i18n::Lang) -> Vec<(String, String)> {
    let kinds = Kind::ALL.iter().map(|k| {
        (
            k.as_str().to_owned(),
            format!(
                "{}（{}）",
                text::kind(lang, *k),
                text::labels(lang).whole_kind
            ),
        )
    });
    kinds
        .chain(
            dir.categories
                .iter()
                .map(|c| (c.code.clone(), c.label.clone())),
        )
        .collect()
}

impl StaffPage {
    async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
        page: &PageParam,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (dir, list) = tokio::try_join!(Directory::load(state, session, rooms), async {
            state
                .store
                .staff_list(&session.who, page.request())
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let skills = skill_options(&dir, lang);
        let row = |m: StaffMember| {
            let skill_names: Vec<String> = m
                .skills()
                .iter()
                .map(|code| {
                    skills
                        .iter()
                        .find(|(c, _)| c == code)
                        .map_or_else(|| code.clone(), |(_, label)| label.clone())
                })
                .collect();
            let project_names: Vec<String> = m
                .project_ids
                .iter()
                .map(|id| dir.project_name(id))
                .collect();
            StaffRow {
                role: text::role(lang, m.role()),
                projects: if project_names.is_empty() {
                    t.all_projects.to_owned()
                } else {
                    project_names.join("、")
                },
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
        let role = form.given("role");
        Ok(StaffPage {
            chrome: Chrome::signed_in(session, t.admin_staff, Nav::Admin, "/admin/staff"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| page_url("/admin/staff", n)),
            staff: list.items.into_iter().map(row).collect(),
            roles: choices(
                role.as_deref().or(Some(Role::Technician.as_str())),
                Role::STAFF
                    .iter()
                    .map(|r| (r.as_str(), text::role(lang, *r))),
            ),
            projects: tick(
                &form,
                "project_ids",
                dir.projects
                    .iter()
                    .map(|p| (p.id.clone(), p.name.clone()))
                    .collect(),
            ),
            skills: tick(&form, "skills", skills),
            form,
            faults,
            done: page.done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/staff`.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        StaffPage::load(
            &state,
            &session,
            &rooms,
            &page,
            Fields::default(),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/staff`: creates an account.
pub async fn create(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
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
        state
            .store
            .create_staff(
                Some(&session.who),
                &session.who.company_id,
                input.validate()?,
                Utc::now(),
            )
            .await?;
        // The newest account is on the last page.
        let total = state
            .store
            .staff_list(
                &session.who,
                guanjia_storage::PageRequest {
                    page: 1,
                    per_page: 1,
                },
            )
            .await?
            .total;
        Ok::<_, ApiError>(page_url(
            "/admin/staff",
            total.div_ceil(super::PER_PAGE).max(1),
        ))
    };
    answer(
        session.lang,
        created.await,
        |location| location,
        async |faults| {
            StaffPage::load(
                &state,
                &session,
                &rooms,
                &PageParam::default(),
                form,
                faults.person(session.lang),
            )
            .await
        },
    )
    .await
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
    let page = PageParam {
        page: form.given("page").and_then(|p| p.parse().ok()),
        done: None,
    };
    let saved = state
        .store
        .set_staff_active(&session.who, &id, form.one("active") == "true", Utc::now())
        .await
        .map_err(ApiError::from);
    let back = page_url("/admin/staff", page.page.unwrap_or(1));
    answer(
        session.lang,
        saved,
        |_| back,
        async |faults| {
            StaffPage::load(&state, &session, &rooms, &page, Fields::default(), faults).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_staff_edit.html")]
struct EditPage {
    chrome: Chrome,
    t: &'static Labels,
    member: StaffMember,
    /// Not the admin's own account, which they can neither delete nor demote.
    other: bool,
    roles: Vec<Choice>,
    projects: Vec<Choice>,
    skills: Vec<Choice>,
    form: Fields,
    faults: Faults,
    /// A refused new password, or a refused deletion.
    password_faults: Faults,
    done: Option<&'static str>,
}

/// The form filled in with what the staff member is now.
fn member_fields(m: &StaffMember) -> Fields {
    let mut pairs = vec![
        ("name", m.staff.name.clone()),
        ("role", m.staff.role.clone()),
        ("phone", m.staff.phone.clone().unwrap_or_default()),
    ];
    pairs.extend(m.project_ids.iter().map(|id| ("project_ids", id.clone())));
    pairs.extend(m.skills().into_iter().map(|skill| ("skills", skill)));
    Fields::of(pairs)
}

impl EditPage {
    async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
        id: &str,
        edit: Option<(Fields, Faults)>,
        password_faults: Faults,
        done: Option<Done>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (dir, member) = tokio::try_join!(Directory::load(state, session, rooms), async {
            state
                .store
                .staff_member(&session.who.company_id, id)
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        let (form, faults) = edit.unwrap_or_else(|| (member_fields(&member), Faults::default()));
        let role = form.given("role");
        Ok(EditPage {
            chrome: Chrome::signed_in(
                session,
                &member.staff.name,
                Nav::Admin,
                &format!("/admin/staff/{id}"),
            ),
            t,
            other: member.staff.id != session.who.id,
            roles: choices(
                role.as_deref(),
                Role::STAFF
                    .iter()
                    .map(|r| (r.as_str(), text::role(lang, *r))),
            ),
            projects: tick(
                &form,
                "project_ids",
                dir.projects
                    .iter()
                    .map(|p| (p.id.clone(), p.name.clone()))
                    .collect(),
            ),
            skills: tick(&form, "skills", skill_options(&dir, lang)),
            member,
            form,
            faults,
            password_faults,
            done: done.map(|d| d.words(t)),
        })
    }
}

/// `GET /admin/staff/{id}`: the staff member's edit form, a new password, and delete.
pub async fn edit(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        EditPage::load(
            &state,
            &session,
            &rooms,
            &id,
            None,
            Faults::default(),
            page.done,
        )
        .await?,
        None,
    )
}

/// `POST /admin/staff/{id}`: changes name, role, projects, skills and phone.
pub async fn update(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = StaffEditInput {
        name: form.one("name"),
        role: form.one("role"),
        project_ids: form.all("project_ids"),
        skills: form.all("skills"),
        phone: form.given("phone"),
    };
    let saved = match input.validate() {
        Ok(input) => state
            .store
            .update_staff(&session.who, &id, input, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match saved {
        Ok(m) => done(&Done::Saved.at(&format!("/admin/staff/{}", m.staff.id))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang).person(session.lang);
            render(
                EditPage::load(
                    &state,
                    &session,
                    &rooms,
                    &id,
                    Some((form, faults)),
                    Faults::default(),
                    None,
                )
                .await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/staff/{id}/password`: sets a new password; the account's sessions end.
pub async fn set_password(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = match (PasswordInput {
        password: form.raw("password"),
    })
    .validate()
    {
        Ok(password) => state
            .store
            .set_staff_password(&session.who, &id, password, Utc::now())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match saved {
        Ok(()) => done(&Done::Password.at(&format!("/admin/staff/{id}"))),
        Err(error) => {
            let faults = Faults::of(&error, session.lang).person(session.lang);
            render(
                EditPage::load(&state, &session, &rooms, &id, None, faults, None).await?,
                Some(&error),
            )
        }
    }
}

/// `POST /admin/staff/{id}/extension`: the phone system's extension that rings at their desk
/// (empty takes it away; audited); back to their page.
pub async fn set_extension(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    let extension = ExtensionInput {
        extension: form.given("extension"),
    }
    .validate()
    .map_err(|e| UiError::api(ApiError::from(e), lang))?;
    state
        .store
        .set_staff_extension(&session.who, &id, extension, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    done(&Done::Saved.at(&format!("/admin/staff/{id}")))
}

/// `POST /admin/staff/{id}/delete`: deletes an account without history; else says to deactivate it.
pub async fn delete(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    match state
        .store
        .delete_staff(&session.who, &id, Utc::now())
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => done(&Done::Deleted.at("/admin/staff")),
        Err(error) => {
            let faults = Faults::of(&error, session.lang).person(session.lang);
            render(
                EditPage::load(&state, &session, &rooms, &id, None, faults, None).await?,
                Some(&error),
            )
        }
    }
}
