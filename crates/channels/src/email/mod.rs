//! E-mail as a channel: mail fetched from an IMAP mailbox ([`imap`]), read ([`mime`]) into the
//! message every channel is received as ([`inbound`]), and answers sent back in the thread by
//! SMTP ([`smtp`]).

mod config;
mod imap;
mod inbound;
mod mime;
mod smtp;

pub use config::{EmailConfig, Security};
pub use imap::{FIRST_READ_DAYS, Fetched, ImapError, fetch_new};
pub use inbound::{id as message_id, inbound_message};
pub use mime::{Automatic, Mail, MailFile, read_mail};
pub use smtp::{Reply, reply_subject, send_reply};
