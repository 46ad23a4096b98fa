//! The names behind the ids a page shows (projects, staff, categories, rooms), loaded once per
//! page in a few queries instead of once per row.

use std::collections::HashMap;

use chrono_tz::Tz;
use guanjia_storage::{PageRequest, StaffMember};

use super::error::UiError;
use super::rooms::{self, RoomBook};
use super::session::Session;
use crate::i18n::Lang;
use crate::state::AppState;

const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 100_000,
};

pub struct Project {
    pub id: String,
    pub name: String,
    pub zone: Tz,
}

pub struct Category {
    pub code: String,
    pub label: String,
}

pub struct Directory {
    /// The projects the staff member sees, in the company's order.
    pub projects: Vec<Project>,
    /// Colleagues in those projects (everyone, for company-wide roles).
    pub staff: Vec<StaffMember>,
    /// Active categories in the page's language, in the company's order.
    pub categories: Vec<Category>,
    rooms: rooms::Labels,
    category_labels: HashMap<String, String>,
}

impl Directory {
    pub async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
    ) -> Result<Self, UiError> {
        let who = &session.who;
        let lang = session.lang;
        let (projects, staff, categories, room_labels) = tokio::try_join!(
            state.store.projects(who, ALL),
            state.store.staff_list(who, ALL),
            state.store.categories(&who.company_id),
            rooms.labels(&state.store, &who.company_id),
        )
        .map_err(|e| UiError::api(e, lang))?;
        let projects = projects
            .items
            .into_iter()
            .map(|p| Project {
                zone: p.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
                id: p.id,
                name: p.name,
            })
            .collect();
        let category_labels: HashMap<String, String> = categories
            .iter()
            .map(|c| {
                (
                    c.code.clone(),
                    if lang == Lang::Zh {
                        c.label_zh.clone()
                    } else {
                        c.label_en.clone()
                    },
                )
            })
            .collect();
        let categories = categories
            .into_iter()
            .filter(|c| c.active)
            .map(|c| Category {
                label: category_labels[&c.code].clone(),
                code: c.code,
            })
            .collect();
        Ok(Directory {
            projects,
            staff: staff.items,
            categories,
            rooms: room_labels,
            category_labels,
        })
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub fn project_name(&self, id: &str) -> String {
        self.project(id).map(|p| p.name.clone()).unwrap_or_default()
    }

    /// The time zone of a project's site.
    pub fn zone(&self, project_id: &str) -> Tz {
        self.project(project_id)
            .map_or(chrono_tz::Asia::Shanghai, |p| p.zone)
    }

    pub fn staff_name(&self, id: Option<&str>) -> Option<String> {
        let id = id?;
        self.staff
            .iter()
            .find(|s| s.staff.id == id)
            .map(|s| s.staff.name.clone())
    }

    pub fn category(&self, code: Option<&str>) -> Option<String> {
        let code = code?;
        Some(
            self.category_labels
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_owned()),
        )
    }

    pub fn room(&self, id: Option<&str>) -> Option<String> {
        self.rooms.get(id?).cloned()
    }

    /// The colleagues who may be given work in a project.
    pub fn staff_of<'a>(
        &'a self,
        project_id: &'a str,
    ) -> impl Iterator<Item = &'a StaffMember> + 'a {
        // The store's rule for assignees: members of the project, or company-wide staff.
        self.staff.iter().filter(move |s| {
            s.staff.active
                && (s.project_ids.iter().any(|p| p == project_id)
                    || (s.project_ids.is_empty() && s.role().may_span_company()))
        })
    }
}
