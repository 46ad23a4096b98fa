//! The knowledge base's search and the FAQ bot's judgement (issue 14): which published article
//! answers a question, how sure that is, and when a person must take over instead.
//!
//! Pure: no I/O. Storage hands it the published articles ([`Library::new`]) and message
//! understanding's reading of the question ([`Reading`]); it answers with facts ([`Reply`]) that
//! the web layer words.

mod article;
mod bot;
pub mod draft;
pub mod eval;
mod excerpt;
mod judge;
mod library;
mod model;
mod reading;
pub mod sets;
mod terms;
mod thesaurus;
pub use thesaurus::concepts;

pub use article::Article;
pub use bot::{Answer, Handoff, Reading, Reply, Suggestion, ask};
pub use draft::Draft;
pub use excerpt::{Excerpt, excerpt};
pub use library::{Hit, IndexError, Library};
