//! Forms with photos from a phone's camera (the resident's report, more photos on a request, a
//! technician's photos of the work): the photos are read and each one checked by the store
//! before any is kept, so one bad photo changes nothing.

use std::collections::HashMap;

use axum::extract::Multipart;
use chrono::Utc;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::{CheckedPhoto, Principal, check_photo};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The field photos come in.
pub const FIELD: &str = "photos";
/// The most photos one form takes (the store allows more on a ticket, added a few at a time).
pub const MAX_PER_FORM: usize = 3;

/// The whole hint of a photo field, in `lang`: how many at once and per ticket, which formats,
/// how large each may be.
pub fn limits(lang: crate::i18n::Lang) -> String {
    use guanjia_domain::dispatch::photo::{MAX_PHOTO_BYTES, MAX_PHOTOS_PER_TICKET};
    crate::ui::text::photo_limits(
        lang,
        MAX_PER_FORM,
        MAX_PHOTOS_PER_TICKET,
        MAX_PHOTO_BYTES / (1024 * 1024),
    )
}

/// A posted form with photos: its text fields, and the photos chosen.
#[derive(Default)]
pub struct Posted {
    pub fields: HashMap<String, String>,
    pub photos: Vec<Vec<u8>>,
}

impl Posted {
    pub async fn read(mut form: Multipart) -> Result<Self, ApiError> {
        let too_large = |_| ApiError::new(ErrorCode::PayloadTooLarge);
        let mut posted = Posted::default();
        while let Some(field) = form.next_field().await.map_err(too_large)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == FIELD {
                let bytes = field.bytes().await.map_err(too_large)?;
                // An empty part is the file input with nothing chosen.
                if !bytes.is_empty() {
                    posted.photos.push(bytes.to_vec());
                }
            } else {
                let value = field.text().await.map_err(too_large)?;
                posted.fields.insert(name, value);
            }
        }
        Ok(posted)
    }

    /// A text field, trimmed; empty is not given.
    pub fn given(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// The photos, each checked by the store: one bad photo refuses them all.
    pub async fn checked_photos(&mut self) -> Result<Vec<CheckedPhoto>, ApiError> {
        if self.photos.len() > MAX_PER_FORM {
            return Err(ValidationError::single("file", FieldErrorCode::OutOfRange).into());
        }
        let mut checked = Vec::with_capacity(self.photos.len());
        for bytes in std::mem::take(&mut self.photos) {
            checked.push(check_photo(bytes).await?);
        }
        Ok(checked)
    }
}

/// Adds a form's photos to a ticket `who` may see: all are checked first; none chosen is refused.
pub async fn add_posted_photos(
    state: &AppState,
    who: &Principal,
    ticket_id: &str,
    form: Multipart,
) -> Result<(), ApiError> {
    let mut posted = Posted::read(form).await?;
    let photos = posted.checked_photos().await?;
    if photos.is_empty() {
        return Err(ValidationError::single("file", FieldErrorCode::Required).into());
    }
    let now = Utc::now();
    for photo in photos {
        state
            .store
            .add_checked_photo(who, ticket_id, photo, now)
            .await?;
    }
    Ok(())
}
