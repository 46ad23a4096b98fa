//! One module per screen.

pub mod board;
pub mod dashboard;
pub mod feedback;
pub mod import;
pub mod jobs;
pub mod login;
pub mod new_ticket;
pub mod ticket;
pub mod workbench;
