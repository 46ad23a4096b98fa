//! One module per screen.

pub mod admin;
pub mod announcements;
pub mod bill;
pub mod board;
pub mod call_popup;
pub mod dashboard;
pub mod feedback;
pub mod h5;
pub mod hotline;
pub mod households;
pub mod import;
pub mod inbox;
pub mod inspection;
pub mod job_work;
pub mod jobs;
pub mod kb;
pub mod kb_admin;
pub mod login;
pub mod new_ticket;
pub mod notifications;
pub mod photo_form;
pub mod sop;
pub mod team;
pub mod ticket;
pub mod training;
pub mod workbench;
