//! The web pages, server-rendered from the same binary as the API: askama templates checked at
//! compile time, htmx for partial updates, every asset embedded. Chinese first, English on a
//! switch. Staff sign in with the API's own session tokens, carried in a cookie.

mod action_form;
mod assets;
mod caller;
mod candidates;
mod choice;
mod chrome;
pub(crate) mod cookies;
pub(crate) mod csrf;
mod directory;
mod error;
mod import_template;
mod json_island;
mod lang;
pub(crate) mod markdown;
pub(crate) mod pages;
mod place_rows;
mod queue;
mod redirect;
mod rooms;
pub(crate) mod session;
mod session_extract;
pub(crate) mod sheet;
mod sla_badge;
mod sla_notice;
pub(crate) mod text;
mod time;
mod timeline;

#[cfg(test)]
mod tests;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Extension, Router, middleware};

use crate::state::AppState;

/// The pages' routes.
pub fn router() -> Router<AppState> {
    let signed_in = Router::new()
        .route("/", get(pages::workbench::page))
        .route("/board", get(pages::board::page))
        .route("/calls/popup", get(pages::call_popup::popup))
        .route("/dashboard", get(pages::dashboard::page))
        .route(
            "/admin/import",
            get(pages::import::form).post(pages::import::upload),
        )
        .route("/admin/import/template", get(pages::import::template))
        .route("/hotline", get(pages::hotline::form))
        .route("/inbox", get(pages::inbox::page))
        .route("/inbox/{id}/reply", post(pages::inbox::reply))
        .route("/inbox/{id}/ticket", post(pages::inbox::open_ticket))
        .route("/inbox/{id}/close", post(pages::inbox::close))
        .route(
            "/inbox/{id}/files/{message}/{file}",
            get(pages::inbox::file),
        )
        .route("/hotline/import", post(pages::hotline::upload))
        .route("/kb", get(pages::kb::page))
        .route("/kb/new", get(pages::kb::new_form).post(pages::kb::create))
        .route("/kb/export", get(pages::kb::export))
        .route("/kb/import", post(pages::kb::import))
        .route(
            "/kb/scripts",
            get(pages::kb_admin::scripts).post(pages::kb_admin::create_script),
        )
        .route(
            "/kb/scripts/{id}",
            get(pages::kb_admin::script).post(pages::kb_admin::update_script),
        )
        .route(
            "/kb/scripts/{id}/archive",
            post(pages::kb_admin::archive_script),
        )
        .route("/kb/scripts/{id}/used", post(pages::sop::script_used))
        .route(
            "/kb/checklists",
            get(pages::kb_admin::checklists).post(pages::kb_admin::create_checklist),
        )
        .route(
            "/kb/checklists/{category}",
            get(pages::kb_admin::checklist).post(pages::kb_admin::update_checklist),
        )
        .route(
            "/kb/checklists/{category}/delete",
            post(pages::kb_admin::delete_checklist),
        )
        .route("/kb/{id}", get(pages::kb::article).post(pages::kb::update))
        .route("/kb/{id}/{step}", post(pages::kb::step))
        .route("/jobs", get(pages::jobs::list))
        .route("/jobs/{id}", get(pages::jobs::page))
        .route("/jobs/{id}/actions", post(pages::jobs::act))
        .route("/jobs/{id}/checklist/{step}", post(pages::sop::tick_on_job))
        .route(
            "/tickets/{id}/checklist/{step}",
            post(pages::sop::tick_on_ticket),
        )
        .route(
            "/tickets/new",
            get(pages::new_ticket::form).post(pages::new_ticket::create),
        )
        .route("/tickets/new/caller", get(pages::new_ticket::caller))
        .route("/tickets/{id}", get(pages::ticket::page))
        .route("/tickets/{id}/actions", post(pages::ticket::act))
        .route(
            "/tickets/{id}/hotline-reply",
            post(pages::ticket::hotline_reply),
        )
        .route(
            "/tickets/{id}/photos",
            post(pages::ticket::upload).layer(DefaultBodyLimit::max(csrf::MAX_UPLOAD_BYTES)),
        )
        .route("/photos/{id}", get(pages::ticket::photo))
        .route("/photos/{id}/thumbnail", get(pages::ticket::thumbnail))
        .route("/team", get(pages::team::page))
        .route("/admin", get(pages::admin::landing))
        .route(
            "/admin/calendars",
            get(pages::admin::calendars::list).post(pages::admin::calendars::create),
        )
        .route(
            "/admin/calendars/{id}",
            get(pages::admin::calendars::page).post(pages::admin::calendars::update),
        )
        .route(
            "/admin/calendars/{id}/days",
            post(pages::admin::calendars::put_day),
        )
        .route(
            "/admin/calendars/{id}/days/{date}/remove",
            post(pages::admin::calendars::remove_day),
        )
        .route(
            "/admin/calendars/{id}/import",
            post(pages::admin::calendars::import),
        )
        .route(
            "/admin/calendars/{id}/export",
            get(pages::admin::calendars::export),
        )
        .route(
            "/admin/vocabulary",
            get(pages::admin::vocabulary::page).post(pages::admin::vocabulary::post),
        )
        .route(
            "/admin/policies",
            get(pages::admin::policies::list).post(pages::admin::policies::create),
        )
        .route(
            "/admin/policies/{id}",
            get(pages::admin::policies::edit).post(pages::admin::policies::update),
        )
        .route(
            "/admin/wechat",
            get(pages::admin::wechat::list).post(pages::admin::wechat::save),
        )
        .route(
            "/admin/wechat/{id}/active",
            post(pages::admin::wechat::set_active),
        )
        .route(
            "/admin/categories",
            get(pages::admin::categories::list).post(pages::admin::categories::save),
        )
        .route(
            "/admin/teams",
            get(pages::admin::teams::list).post(pages::admin::teams::create_team),
        )
        .route(
            "/admin/teams/{id}/members",
            post(pages::admin::teams::set_members),
        )
        .route("/admin/grids", post(pages::admin::teams::create_grid))
        .route(
            "/admin/teams/{id}/edit",
            post(pages::admin::teams::update_team),
        )
        .route(
            "/admin/teams/{id}/delete",
            post(pages::admin::teams::delete_team),
        )
        .route(
            "/admin/grids/{id}/edit",
            post(pages::admin::teams::update_grid),
        )
        .route(
            "/admin/grids/{id}/delete",
            post(pages::admin::teams::delete_grid),
        )
        .route(
            "/admin/devices",
            get(pages::admin::devices::list).post(pages::admin::devices::create),
        )
        .route(
            "/admin/devices/{id}",
            get(pages::admin::devices::page).post(pages::admin::devices::update),
        )
        .route(
            "/admin/devices/{id}/active",
            post(pages::admin::devices::set_active),
        )
        .route(
            "/admin/robots",
            get(pages::admin::robots::list).post(pages::admin::robots::create),
        )
        .route(
            "/admin/robots/{id}",
            get(pages::admin::robots::page).post(pages::admin::robots::update),
        )
        .route("/admin/robots/{id}/test", post(pages::admin::robots::test))
        .route(
            "/admin/robots/{id}/active",
            post(pages::admin::robots::set_active),
        )
        .route(
            "/admin/robots/{id}/delete",
            post(pages::admin::robots::delete),
        )
        .route(
            "/admin/api-keys",
            get(pages::admin::api_keys::list).post(pages::admin::api_keys::create),
        )
        .route(
            "/admin/api-keys/{id}/rotate",
            post(pages::admin::api_keys::rotate),
        )
        .route(
            "/admin/api-keys/{id}/revoke",
            post(pages::admin::api_keys::revoke),
        )
        .route(
            "/admin/webhooks",
            get(pages::admin::webhooks::list).post(pages::admin::webhooks::create),
        )
        .route("/admin/webhooks/{id}", get(pages::admin::webhooks::page))
        .route(
            "/admin/webhooks/{id}/test",
            post(pages::admin::webhooks::test),
        )
        .route(
            "/admin/webhooks/{id}/active",
            post(pages::admin::webhooks::set_active),
        )
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery_id}/replay",
            post(pages::admin::webhooks::replay),
        )
        .route(
            "/admin/staff",
            get(pages::admin::staff::list).post(pages::admin::staff::create),
        )
        .route(
            "/admin/staff/{id}/active",
            post(pages::admin::staff::set_active),
        )
        .route(
            "/admin/staff/{id}/roster",
            get(pages::admin::roster::page).post(pages::admin::roster::set_week),
        )
        .route(
            "/admin/staff/{id}/roster/days",
            post(pages::admin::roster::put_day),
        )
        .route(
            "/admin/staff/{id}/roster/days/{date}/remove",
            post(pages::admin::roster::remove_day),
        )
        .route(
            "/admin/residents",
            get(pages::admin::residents::list).post(pages::admin::residents::create),
        )
        .route(
            "/admin/projects",
            get(pages::admin::places::projects).post(pages::admin::places::create_project),
        )
        .route(
            "/admin/projects/{id}",
            get(pages::admin::places::project).post(pages::admin::places::create_building),
        )
        .route(
            "/admin/buildings/{id}",
            get(pages::admin::places::building).post(pages::admin::places::create_room),
        )
        .route(
            "/admin/projects/{id}/calendar",
            post(pages::admin::places::set_calendar),
        )
        .route(
            "/admin/projects/{id}/edit",
            post(pages::admin::places::update_project),
        )
        .route(
            "/admin/projects/{id}/delete",
            post(pages::admin::places::delete_project),
        )
        .route(
            "/admin/buildings/{id}/edit",
            post(pages::admin::places::update_building),
        )
        .route(
            "/admin/buildings/{id}/delete",
            post(pages::admin::places::delete_building),
        )
        .route(
            "/admin/rooms/{id}",
            get(pages::admin::places::room).post(pages::admin::places::update_room),
        )
        .route(
            "/admin/rooms/{id}/delete",
            post(pages::admin::places::delete_room),
        )
        .route(
            "/admin/staff/{id}",
            get(pages::admin::staff::edit).post(pages::admin::staff::update),
        )
        .route(
            "/admin/staff/{id}/extension",
            post(pages::admin::staff::set_extension),
        )
        .route(
            "/admin/staff/{id}/password",
            post(pages::admin::staff::set_password),
        )
        .route(
            "/admin/staff/{id}/delete",
            post(pages::admin::staff::delete),
        )
        .route(
            "/admin/residents/{id}",
            get(pages::admin::residents::edit).post(pages::admin::residents::update),
        )
        .route(
            "/admin/residents/{id}/channel",
            post(pages::admin::residents::set_channel),
        )
        .route(
            "/admin/residents/{id}/delete",
            post(pages::admin::residents::delete),
        )
        .route("/admin/{*rest}", get(pages::admin::unknown))
        .route("/team/reassign", post(pages::team::reassign))
        .route("/logout", post(pages::login::logout))
        .route("/notifications", get(pages::notifications::page))
        .route(
            "/announcements",
            get(pages::announcements::list).post(pages::announcements::create),
        )
        .route("/announcements/{id}", get(pages::announcements::page))
        .route("/households/{id}", get(pages::households::page))
        .route("/households/{id}/profile", post(pages::households::save))
        .route("/butler", get(pages::households::butler))
        .route("/inspection", get(pages::inspection::queue))
        .route("/inspection/{id}", get(pages::inspection::page))
        .route("/inspection/{id}/score", post(pages::inspection::score))
        .route("/inspection/{id}/appeal", post(pages::inspection::appeal))
        .route("/inspection/{id}/decision", post(pages::inspection::decide))
        .route("/scorecards", get(pages::scorecards::page))
        .route("/scorecards/scheme", post(pages::scorecards::save_scheme))
        .route("/training", get(pages::training::page))
        .route("/training/staff/{id}", get(pages::training::person))
        .route(
            "/training/staff/{id}/checklist/{item}",
            post(pages::training::tick),
        )
        .route(
            "/training/staff/{id}/mentor",
            post(pages::training::set_mentor),
        )
        .route("/training/manage", get(pages::training::manage))
        .route(
            "/training/manage/courses",
            post(pages::training::save_course),
        )
        .route(
            "/training/manage/courses/{id}",
            post(pages::training::save_course),
        )
        .route(
            "/training/manage/requirements",
            post(pages::training::save_requirement),
        )
        .route("/training/courses/{id}", get(pages::training::course))
        .route("/training/courses/{id}/exam", post(pages::training::start))
        .route(
            "/training/attempts/{id}",
            get(pages::training::exam).post(pages::training::submit),
        )
        .route("/notifications/count", get(pages::notifications::count))
        .route(
            "/notifications/read-all",
            post(pages::notifications::read_all),
        )
        .route("/notifications/{id}/open", post(pages::notifications::open))
        .route_layer(middleware::from_fn(csrf::require));
    Router::new()
        .merge(signed_in)
        .merge(pages::job_work::router())
        .merge(pages::h5::router())
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/lang/{code}", get(lang::switch))
        .route(
            "/rate/{token}",
            get(pages::feedback::rate_form).post(pages::feedback::rate),
        )
        .route(
            "/survey/{token}",
            get(pages::feedback::survey_form).post(pages::feedback::answer),
        )
        .route("/assets/{name}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .layer(Extension(rooms::RoomBook::default()))
}
