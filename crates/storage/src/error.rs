//! The storage layer's one error type; the HTTP layer maps each variant once.

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::LifecycleError;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};

use crate::code::UnknownStored;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The object does not exist, or the caller may not see it: the two look the same.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// An inspection's rules refuse the action (who, or its state).
    #[error(transparent)]
    Inspection(#[from] guanjia_domain::inspection::InspectionError),
    /// An exam's rules refuse the attempt (none left, certified, already submitted).
    #[error(transparent)]
    Training(#[from] guanjia_domain::training::TrainingError),
    /// Wrong username or password, or a token that is missing, expired or revoked.
    #[error("not authenticated")]
    Unauthenticated,
    /// Too many sign-in attempts or code requests: none is taken until then.
    #[error("too many attempts; wait until {0}")]
    Throttled(DateTime<Utc>),
    /// The caller may not do this at all.
    #[error("forbidden")]
    Forbidden,
    /// A rating or survey link that was already used.
    #[error("link already used")]
    LinkUsed,
    /// A rating or survey link past its date, or for a resolve that is over.
    #[error("link expired")]
    LinkExpired,
    /// A record with the same unique key was written meanwhile (by another request or node).
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// Other records depend on the object, so it cannot be deleted: what they are, and how many.
    #[error("in use: {0:?}")]
    InUse(Vec<(&'static str, u64)>),
    /// Reading or writing an uploaded file failed.
    #[error("files: {0}")]
    Files(String),
    /// A vocabulary for message understanding that the analyser cannot use.
    #[error(transparent)]
    Vocabulary(#[from] guanjia_intake::VocabularyError),
    /// The knowledge base's search index could not be built or read.
    #[error("search: {0}")]
    Search(String),
    #[error("database: {0}")]
    Database(sea_orm::DbErr),
    /// A row holds a code this version does not know (a hand edit, or a newer version's data):
    /// an error naming the row rather than a guess.
    #[error(transparent)]
    UnknownStored(#[from] UnknownStored),
    #[error("password hashing: {0}")]
    Hashing(String),
    /// A setting this needs is missing from the configuration (its name).
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
    /// Sealing or opening a stored secret failed (no randomness, or a key that changed).
    #[error("secret: {0}")]
    Secret(String),
}

impl From<sea_orm::DbErr> for StorageError {
    fn from(e: sea_orm::DbErr) -> Self {
        match UnknownStored::in_error(&e) {
            Some(unknown) => StorageError::UnknownStored(unknown.clone()),
            None => StorageError::Database(e),
        }
    }
}

impl StorageError {
    pub(crate) fn field(field: &str, code: FieldErrorCode) -> Self {
        StorageError::Validation(ValidationError::single(field, code))
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
