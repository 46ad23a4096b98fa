//! One module per resource; each declares its routes with their OpenAPI description.

pub mod auth;
pub mod calendars;
pub mod calls;
pub mod company;
pub mod conversations;
pub mod deliveries;
pub mod devices;
pub mod dispatch;
pub mod figures;
pub mod hotline;
pub mod incidents;
pub mod intake;
pub mod iot;
pub mod notifications;
pub mod photos;
pub mod places;
pub mod praise;
pub mod ratings;
pub mod residents;
pub mod sla;
pub mod staff;
pub mod surveys;
pub mod system;
pub mod taxonomy;
pub mod tickets;
pub mod wechat_accounts;
