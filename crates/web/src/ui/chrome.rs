//! What every page has around its content: title, navigation, the signed-in user, the language
//! switch, and the CSRF token its forms and htmx requests carry.

use askama::Template;

use super::assets;
use super::session::Session;
use super::text::{self, Labels};
use crate::i18n::Lang;
use guanjia_domain::role::Role;

/// The sections of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Workbench,
    NewTicket,
    Board,
    Dashboard,
    Import,
    /// 12345 orders: import, export and the on-time figure.
    Hotline,
    /// Conversations of every channel.
    Inbox,
    /// A resident's chat with the property office.
    Chat,
    Jobs,
    /// 知识库: search and read the articles; writers also write them.
    Kb,
    Team,
    Admin,
    /// Writing announcements and following their figures.
    Announcements,
    /// A resident's own requests, and reporting a new one.
    MyRequests,
    /// A resident's notice board.
    Notices,
    Report,
    /// A butler's households and what needs attention today.
    Butler,
    /// 质检: the queue and scores for those who oversee; one's own results for the others.
    Inspection,
    /// 考核: the month's league table and cards; one's own card for agents, butlers, technicians.
    Scorecards,
    /// 培训: one's courses and certificates; the overdue list for those who oversee.
    Training,
    None,
}

/// A link of the navigation.
pub struct Link {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct User {
    pub name: String,
    pub role: &'static str,
}

/// The property company as residents know it, shown instead of the product's name.
pub struct Brand {
    pub name: String,
    /// Where its logo is served, when it has one.
    pub logo: Option<&'static str>,
}

pub struct Chrome {
    pub t: &'static Labels,
    pub title: String,
    /// Empty before sign-in.
    pub links: Vec<Link>,
    pub user: Option<User>,
    pub csrf: String,
    /// The other language's link, coming back to this page.
    pub switch_url: String,
    pub css: String,
    pub htmx: String,
    /// The property company's name and logo on the residents' pages; the product's elsewhere.
    pub brand: Option<Brand>,
    /// The notification bell of a staff page.
    pub bell: Option<BellCount>,
    /// The bell's script (the sound and vibration of a new job).
    pub bell_js: String,
}

/// The bell's unread count: on every staff page, and alone when htmx polls it.
#[derive(Template)]
#[template(path = "bell_count.html")]
pub struct BellCount {
    pub t: &'static Labels,
    pub unread: u64,
    pub new_jobs: u64,
}

impl BellCount {
    pub fn of(session: &Session) -> Self {
        BellCount {
            t: text::labels(session.lang),
            unread: session.unread.all,
            new_jobs: session.unread.new_jobs,
        }
    }
}

/// The sections each role works in; a technician's day is their jobs.
fn sections(role: Role) -> &'static [Nav] {
    match role {
        Role::Technician => &[Nav::Jobs, Nav::Scorecards, Nav::Training],
        Role::Admin => &[
            Nav::Workbench,
            Nav::Inbox,
            Nav::NewTicket,
            Nav::Board,
            Nav::Team,
            Nav::Dashboard,
            Nav::Hotline,
            Nav::Announcements,
            Nav::Kb,
            Nav::Inspection,
            Nav::Scorecards,
            Nav::Training,
            Nav::Import,
            Nav::Admin,
        ],
        Role::Manager | Role::Supervisor => &[
            Nav::Workbench,
            Nav::Inbox,
            Nav::NewTicket,
            Nav::Board,
            Nav::Team,
            Nav::Dashboard,
            Nav::Hotline,
            Nav::Announcements,
            Nav::Kb,
            Nav::Inspection,
            Nav::Scorecards,
            Nav::Training,
        ],
        Role::Butler => &[
            Nav::Butler,
            Nav::Workbench,
            Nav::Inbox,
            Nav::NewTicket,
            Nav::Board,
            Nav::Hotline,
            Nav::Kb,
            Nav::Inspection,
            Nav::Scorecards,
            Nav::Training,
        ],
        Role::Agent => &[
            Nav::Workbench,
            Nav::Inbox,
            Nav::NewTicket,
            Nav::Board,
            Nav::Hotline,
            Nav::Kb,
            Nav::Inspection,
            Nav::Scorecards,
            Nav::Training,
        ],
        Role::Resident => &[Nav::MyRequests, Nav::Notices, Nav::Report, Nav::Chat],
    }
}

impl Nav {
    fn link(self, t: &Labels) -> (&'static str, &'static str) {
        match self {
            Nav::Workbench => ("/", t.nav_workbench),
            Nav::NewTicket => ("/tickets/new", t.nav_new_ticket),
            Nav::Board => ("/board", t.nav_board),
            Nav::Dashboard => ("/dashboard", t.nav_dashboard),
            Nav::Import => ("/admin/import", t.nav_import),
            Nav::Hotline => ("/hotline", t.nav_hotline),
            Nav::Inbox => ("/inbox", t.nav_inbox),
            Nav::Chat => ("/h5/chat", t.chat_title),
            Nav::Jobs => ("/jobs", t.nav_jobs),
            Nav::Kb => ("/kb", t.nav_kb),
            Nav::Team => ("/team", t.nav_team),
            Nav::Admin => ("/admin", t.nav_admin),
            Nav::Announcements => ("/announcements", t.nav_announcements),
            Nav::MyRequests => ("/h5", t.h5_nav_requests),
            Nav::Notices => ("/h5/notices", t.h5_notices_title),
            Nav::Report => ("/h5/report", t.h5_nav_report),
            Nav::Butler => ("/butler", t.nav_butler),
            Nav::Inspection => ("/inspection", t.nav_inspection),
            Nav::Scorecards => ("/scorecards", t.nav_scorecards),
            Nav::Training => ("/training", t.nav_training),
            Nav::None => ("/", t.nav_workbench),
        }
    }
}

impl Chrome {
    /// A page of a signed-in staff member; `path` is where the language switch comes back to.
    pub fn signed_in(session: &Session, title: &str, nav: Nav, path: &str) -> Self {
        let t = text::labels(session.lang);
        let links = sections(session.who.role).iter().map(|&section| {
            let (href, label) = section.link(t);
            Link {
                href,
                label,
                current: section == nav,
            }
        });
        let links = links.collect();
        let user = User {
            name: session.who.name.clone(),
            role: text::role(session.lang, session.who.role),
        };
        let bell = session.who.role.is_staff().then(|| BellCount::of(session));
        Chrome {
            links,
            user: Some(user),
            csrf: session.csrf.clone(),
            bell,
            ..Chrome::anonymous(session.lang, title, path)
        }
    }

    /// A page before sign-in (or an error page).
    pub fn anonymous(lang: Lang, title: &str, path: &str) -> Self {
        let t = text::labels(lang);
        let next = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
        Chrome {
            t,
            title: title.to_owned(),
            links: vec![],
            user: None,
            csrf: String::new(),
            switch_url: format!("/lang/{}?{next}", t.switch_lang_code),
            css: assets::url("app.css"),
            htmx: assets::url("htmx.min.js"),
            brand: None,
            bell: None,
            bell_js: assets::url("bell.js"),
        }
    }
}
