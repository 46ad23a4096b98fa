//! `?page=1&per_page=50` in, `{"items", "total", "page", "per_page"}` out.

use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_storage::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1 (default 1).
    pub page: Option<u64>,
    /// 1–200 (default 50).
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn request(self) -> ApiResult<PageRequest> {
        let mut p = Problems::new();
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 || page > 1_000_000 {
            p.add("page", FieldErrorCode::OutOfRange);
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            p.add("per_page", FieldErrorCode::OutOfRange);
        }
        Ok(p.into_result(PageRequest { page, per_page })?)
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> PageOf<T> {
    /// A page of a list read whole: a company's calendars, policies, grids or campaigns, tens
    /// rather than thousands, paged like every other list.
    pub fn of_all(all: Vec<T>, request: PageRequest) -> Self {
        let total = all.len() as u64;
        let skip = usize::try_from(
            request
                .page
                .saturating_sub(1)
                .saturating_mul(request.per_page),
        )
        .unwrap_or(usize::MAX);
        let take = usize::try_from(request.per_page).unwrap_or(usize::MAX);
        let items = all.into_iter().skip(skip).take(take).collect();
        PageOf {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }

    pub fn from_page<S>(page: Page<S>, view: impl FnMut(S) -> T) -> Self {
        PageOf {
            items: page.items.into_iter().map(view).collect(),
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}
