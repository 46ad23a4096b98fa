//! One module per screen.

pub mod board;
pub mod feedback;
pub mod login;
pub mod new_ticket;
pub mod ticket;
pub mod workbench;
