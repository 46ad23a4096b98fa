//! One module per screen.

pub mod bill;
pub mod admin;
pub mod board;
pub mod dashboard;
pub mod feedback;
pub mod h5;
pub mod import;
pub mod job_work;
pub mod jobs;
pub mod login;
pub mod notifications;
pub mod photo_form;
pub mod new_ticket;
pub mod team;
pub mod ticket;
pub mod workbench;
