//! 现场作业: what a technician records on the job page besides its actions: photos from the
//! phone's camera (kept by the same store call as the API's upload), and the finish with the work
//! done, the materials used and the paid items of the project's price list, which the resident
//! then confirms. The ticket's panel above it is the desk's own (see `ticket`); this section
//! follows it and reloads itself whenever htmx swaps the panel, so it always offers what the
//! ticket allows now.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router, middleware};
use chrono::Utc;
use guanjia_domain::dispatch::{ChargeLine, Material};
use guanjia_domain::ticket::{Action, ActionName, ActionRequest};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::allowed_actions;

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::bill::{Bill, money};
use crate::ui::pages::photo_form::{self, add_posted_photos};
use crate::ui::pages::ticket::{self, View};
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::{assets, csrf};

/// Rows for materials on the form; more are rare on one job.
const MATERIAL_ROWS: usize = 3;

/// The job page's own routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs/{id}/work", get(section).post(finish))
        .route(
            "/jobs/{id}/photos",
            post(upload).layer(DefaultBodyLimit::max(csrf::MAX_UPLOAD_BYTES)),
        )
        .route_layer(middleware::from_fn(csrf::require))
}

/// A line of the price list with the quantity typed.
pub struct PaidItem {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub price: String,
    pub quantity: String,
}

#[derive(Default)]
pub struct MaterialRow {
    pub name: String,
    pub quantity: String,
    pub unit: String,
}

/// What the finish form had, to show again when it was refused.
#[derive(Default)]
pub struct Typed {
    body: String,
    materials: Vec<MaterialRow>,
    /// (price item id, quantity as typed).
    quantities: Vec<(String, String)>,
    /// 告知住户: the work done is for the resident to read too.
    tell_resident: bool,
    /// The technician ticked that the work is done: the finish is never one tap.
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "jobs_work.html")]
pub struct WorkSection {
    t: &'static Labels,
    id: String,
    csrf: String,
    /// Photos may still be added (the ticket is not closed or cancelled).
    upload: bool,
    /// The technician may check in now: the page asks the phone where (see `checkin.js`).
    arrive: bool,
    checkin_js: String,
    /// The technician may finish now.
    finish: bool,
    /// The photo field's whole hint: how many, which formats, how large.
    photo_limits: String,
    /// Photos of the work the category asks for before the finish.
    min_photos: i32,
    body: String,
    tell_resident: bool,
    materials: Vec<MaterialRow>,
    items: Vec<PaidItem>,
    bill: Option<Bill>,
    notice: Option<Notice>,
}

impl WorkSection {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        typed: Typed,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let (lang, who) = (session.lang, &session.who);
        let fail = |e| UiError::api(e, lang);
        let t = state.store.ticket(who, id).await.map_err(fail)?;
        let (price_list, charges, categories) = tokio::try_join!(
            state.store.price_items(who, &t.project_id),
            state.store.charges(who, id),
            state.store.categories(&who.company_id)
        )
        .map_err(fail)?;
        let min_photos = categories
            .iter()
            .find(|c| Some(&c.code) == t.category.as_ref())
            .and_then(|c| c.min_photos)
            .unwrap_or(0);
        let typed_quantity = |item: &str| {
            typed
                .quantities
                .iter()
                .find(|(id, _)| id == item)
                .map_or_else(|| "0".to_owned(), |(_, q)| q.clone())
        };
        let items = price_list
            .into_iter()
            .filter(|p| p.active)
            .map(|p| PaidItem {
                quantity: typed_quantity(&p.id),
                price: money(p.price_cents),
                id: p.id,
                name: p.name,
                unit: p.unit,
            })
            .collect();
        let allowed = allowed_actions(who, &t);
        let mut materials = typed.materials;
        materials.resize_with(MATERIAL_ROWS.max(materials.len()), MaterialRow::default);
        Ok(WorkSection {
            t: text::labels(lang),
            id: t.id.clone(),
            csrf: session.csrf.clone(),
            upload: !t.status.is_final(),
            arrive: allowed.contains(&ActionName::Arrive),
            checkin_js: assets::url("checkin.js"),
            finish: allowed.contains(&ActionName::Resolve),
            photo_limits: photo_form::limits(lang),
            min_photos,
            body: typed.body,
            tell_resident: typed.tell_resident,
            materials,
            items,
            bill: Bill::of(charges, t.charge_status.map(|s| *s), lang),
            notice,
        })
    }
}

/// The job page: the ticket's panel as `ticket` renders it for a job, then this section.
async fn job_page(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    section: WorkSection,
    status: StatusCode,
) -> Result<Response, UiError> {
    let page = ticket::show(
        state,
        rooms,
        session,
        View::Job,
        &section.id,
        section.render()?,
    )
    .await?;
    Ok((status, page).into_response())
}

/// `GET /jobs/{id}`.
pub async fn page(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
) -> Result<Response, UiError> {
    let section = WorkSection::load(state, session, id, Typed::default(), None).await?;
    job_page(state, rooms, session, section, StatusCode::OK).await
}

/// `GET /jobs/{id}/work`: the section alone, for htmx after the panel changed.
pub async fn section(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let section = WorkSection::load(&state, &session, &id, Typed::default(), None).await?;
    Ok(Html(section.render()?).into_response())
}

/// `POST /jobs/{id}/photos`: photos of the work from the camera, back to the job once kept.
pub async fn upload(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    match add_posted_photos(&state, &session.who, &id, form).await {
        Ok(()) => Ok(see_other(false, &format!("/jobs/{id}"))),
        Err(error) => refused(&state, &rooms, &session, &id, error).await,
    }
}

/// The job page again with the refusal in the work section, and what was typed.
/// The job page again after a refused post, the refusal above the work section.
pub async fn refused(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
    error: ApiError,
) -> Result<Response, UiError> {
    refused_with(state, rooms, session, id, Typed::default(), error).await
}

/// The job page again after a refused finish or photo, with what was typed.
async fn refused_with(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
    typed: Typed,
    error: ApiError,
) -> Result<Response, UiError> {
    let notice = Notice::of(&error, session.lang);
    let section = WorkSection::load(state, session, id, typed, Some(notice)).await?;
    job_page(state, rooms, session, section, error.code.status()).await
}

impl Typed {
    /// The form's fields: `body`, rows of `material_name`/`material_quantity`/`material_unit`,
    /// and `qty:{price item id}` for each line of the price list.
    fn read(fields: Vec<(String, String)>) -> Self {
        let mut typed = Typed::default();
        let (mut names, mut quantities, mut units) = (vec![], vec![], vec![]);
        for (key, value) in fields {
            match key.as_str() {
                "body" => typed.body = value,
                "tell_resident" => typed.tell_resident = !value.is_empty(),
                "confirm" => typed.confirmed = !value.is_empty(),
                "material_name" => names.push(value),
                "material_quantity" => quantities.push(value),
                "material_unit" => units.push(value),
                other => {
                    if let Some(item) = other.strip_prefix("qty:") {
                        typed.quantities.push((item.to_owned(), value));
                    }
                }
            }
        }
        typed.materials = names
            .into_iter()
            .enumerate()
            .map(|(i, name)| MaterialRow {
                name,
                quantity: quantities.get(i).cloned().unwrap_or_default(),
                unit: units.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        typed
    }

    /// The resolve this form asks for, once confirmed; the rules check the rest (a technician's
    /// resolve needs the work done) when it is applied.
    fn request(&self) -> Result<ActionRequest, ValidationError> {
        if !self.confirmed {
            return Err(ValidationError::single("confirm", FieldErrorCode::Required));
        }
        Ok(ActionRequest {
            action: self.action()?,
            tell_resident: self.tell_resident,
        })
    }

    /// The resolve the form's fields make.
    fn action(&self) -> Result<Action, ValidationError> {
        let mut materials = vec![];
        for row in self
            .materials
            .iter()
            .filter(|m| !(m.name.trim().is_empty() && m.quantity.trim().is_empty()))
        {
            let field = format!("materials.{}.quantity", materials.len());
            let quantity = row
                .quantity
                .trim()
                .parse::<f64>()
                .map_err(|_| ValidationError::single(&field, FieldErrorCode::Invalid))?;
            let unit = Some(row.unit.trim().to_owned()).filter(|u| !u.is_empty());
            materials.push(Material {
                name: row.name.trim().to_owned(),
                quantity,
                unit,
            });
        }
        let mut charges = vec![];
        for (item, quantity) in &self.quantities {
            let quantity = quantity.trim();
            if quantity.is_empty() || quantity == "0" {
                continue;
            }
            let field = format!("charges.{}.quantity", charges.len());
            let quantity = quantity
                .parse::<u32>()
                .map_err(|_| ValidationError::single(&field, FieldErrorCode::Invalid))?;
            charges.push(ChargeLine {
                price_item_id: item.clone(),
                quantity,
            });
        }
        let body = Some(self.body.trim().to_owned()).filter(|b| !b.is_empty());
        Ok(Action::Resolve {
            body,
            materials,
            charges,
        })
    }
}

/// `POST /jobs/{id}/work`: finishes the job with its record and bill. A refusal shows on the job
/// page with what was typed; nothing changes.
pub async fn finish(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let typed = Typed::read(fields);
    let outcome = async {
        let request = typed.request()?;
        state
            .act_on_ticket(&session.who, &id, request, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(false, &format!("/jobs/{id}"))),
        Err(error) => refused_with(&state, &rooms, &session, &id, typed, error).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_becomes_a_resolve_with_its_lines() {
        let typed = Typed::read(fields(&[
            ("body", " 更换了角阀 "),
            ("material_name", "角阀"),
            ("material_quantity", "1"),
            ("material_unit", "个"),
            ("material_name", ""),
            ("material_quantity", ""),
            ("material_unit", ""),
            ("qty:p1", "2"),
            ("qty:p2", "0"),
            ("qty:p3", ""),
        ]));
        let Action::Resolve {
            body,
            materials,
            charges,
        } = typed.action().unwrap()
        else {
            panic!("a resolve")
        };
        assert_eq!(body.as_deref(), Some("更换了角阀"));
        assert_eq!(
            materials,
            vec![Material {
                name: "角阀".into(),
                quantity: 1.0,
                unit: Some("个".into())
            }]
        );
        assert_eq!(
            charges,
            vec![ChargeLine {
                price_item_id: "p1".into(),
                quantity: 2
            }],
            "items left at 0 are not billed"
        );
    }

    #[test]
    fn a_quantity_that_is_not_a_number_is_named() {
        let bad = Typed::read(fields(&[("qty:p1", "两个")]))
            .action()
            .unwrap_err();
        assert_eq!(bad.0[0].field, "charges.0.quantity");
        let bad = Typed::read(fields(&[
            ("material_name", "PPR管"),
            ("material_quantity", ""),
        ]))
        .action()
        .unwrap_err();
        assert_eq!(bad.0[0].field, "materials.0.quantity");
    }

    #[test]
    fn the_finish_needs_its_confirmation_and_tells_the_resident_only_when_ticked() {
        let unconfirmed = Typed::read(fields(&[("body", "更换了角阀")]))
            .request()
            .unwrap_err();
        assert_eq!(unconfirmed.0[0].field, "confirm");
        let confirmed = Typed::read(fields(&[("body", "更换了角阀"), ("confirm", "true")]))
            .request()
            .unwrap();
        assert!(!confirmed.tell_resident);
        let told = Typed::read(fields(&[
            ("body", "更换了角阀"),
            ("confirm", "true"),
            ("tell_resident", "true"),
        ]))
        .request()
        .unwrap();
        assert!(told.tell_resident);
    }
}
