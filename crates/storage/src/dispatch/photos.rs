//! Photos of the work: checked by their content, decoded within limits, thumbnailed, kept under
//! the files directory, and recorded with a timeline entry. A bad upload changes nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::photo::{
    CONCURRENT_DECODES, DECODER_MEMORY, Decoding, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_TICKET,
    PhotoType, THUMBNAIL_EDGE, sniff,
};
use guanjia_domain::ticket::Visibility;
use guanjia_domain::validation::FieldErrorCode;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::db::Store;
use crate::entity::{photo, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::new_id;
use crate::tickets::timeline;

fn bad_file(code: FieldErrorCode) -> StorageError {
    StorageError::field("file", code)
}

/// A checked, decoded photo: its type, size in pixels, and its thumbnail as JPEG.
struct Checked {
    kind: PhotoType,
    width: u32,
    height: u32,
    thumbnail: Vec<u8>,
}

/// Decodes the photo within limits and makes its thumbnail (CPU work, off the async threads).
fn check(bytes: &[u8]) -> Result<Checked> {
    let kind = sniff(bytes).ok_or_else(|| bad_file(FieldErrorCode::Invalid))?;
    let (width, height, picture) = match kind {
        PhotoType::Jpeg => decode_jpeg(bytes)?,
        PhotoType::Png => decode_whole(bytes, ImageFormat::Png)?,
        PhotoType::Webp => decode_whole(bytes, ImageFormat::WebP)?,
    };
    let mut thumbnail = Vec::new();
    picture
        .thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE)
        .to_rgb8()
        .write_to(&mut Cursor::new(&mut thumbnail), ImageFormat::Jpeg)
        .map_err(|e| StorageError::Files(e.to_string()))?;
    Ok(Checked {
        kind,
        width,
        height,
        thumbnail,
    })
}

/// A JPEG's size and its picture, decoded at the smallest scale that still covers a thumbnail
/// when it is sequential; a progressive one is decoded whole, so within the smaller limit.
fn decode_jpeg(bytes: &[u8]) -> Result<(u32, u32, DynamicImage)> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(usize::try_from(DECODER_MEMORY).unwrap_or(usize::MAX));
    decoder
        .read_info()
        .map_err(|_| bad_file(FieldErrorCode::Invalid))?;
    let info = decoder
        .info()
        .ok_or_else(|| bad_file(FieldErrorCode::Invalid))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let decoding = match info.coding_process {
        jpeg_decoder::CodingProcess::DctSequential => Decoding::Scaled,
        _ => Decoding::Whole,
    };
    if !decoding.allows(width, height) {
        return Err(bad_file(FieldErrorCode::TooLong));
    }
    let edge = u16::try_from(THUMBNAIL_EDGE).unwrap_or(u16::MAX);
    let (scaled_width, scaled_height) = decoder
        .scale(edge, edge)
        .map_err(|_| bad_file(FieldErrorCode::Invalid))?;
    let pixels = decoder
        .decode()
        .map_err(|_| bad_file(FieldErrorCode::Invalid))?;
    let (w, h) = (u32::from(scaled_width), u32::from(scaled_height));
    let picture = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            image::RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8)
        }
        // Print shops' CMYK and 16-bit medical greys are not photos of a repair.
        jpeg_decoder::PixelFormat::CMYK32 | jpeg_decoder::PixelFormat::L16 => None,
    };
    Ok((
        width,
        height,
        picture.ok_or_else(|| bad_file(FieldErrorCode::Invalid))?,
    ))
}

/// A PNG or WebP, read whole within the limits for whole decoding.
fn decode_whole(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32, DynamicImage)> {
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(DECODER_MEMORY);
        reader.limits(limits);
        reader
    };
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|_| bad_file(FieldErrorCode::Invalid))?;
    if !Decoding::Whole.allows(width, height) {
        return Err(bad_file(FieldErrorCode::TooLong));
    }
    let picture = reader()
        .decode()
        .map_err(|_| bad_file(FieldErrorCode::Invalid))?;
    Ok((width, height, picture))
}

fn paths(dir: &Path, p: &photo::Model, kind: PhotoType) -> (PathBuf, PathBuf) {
    let folder = dir.join(&p.company_id).join(&p.ticket_id);
    (
        folder.join(format!("{}.{}", p.id, kind.extension())),
        folder.join(format!("{}.thumb.jpg", p.id)),
    )
}

/// A photo checked by its content and decoded within limits, ready to be kept: a form can check
/// all its photos before it changes anything.
pub struct CheckedPhoto {
    bytes: Vec<u8>,
    checked: Checked,
}

impl CheckedPhoto {
    /// The photo shrunk to a JPEG of at most the thumbnail's edge.
    pub(crate) fn thumbnail(&self) -> &[u8] {
        &self.checked.thumbnail
    }

    /// Its type, read from the content, and its bytes.
    pub(crate) fn into_parts(self) -> (PhotoType, Vec<u8>) {
        (self.checked.kind, self.bytes)
    }
}

/// Checks a photo's size and content and makes its thumbnail (CPU work, off the async threads),
/// at most [`CONCURRENT_DECODES`] at a time in this process.
pub async fn check_photo(bytes: Vec<u8>) -> Result<CheckedPhoto> {
    static DECODING: Semaphore = Semaphore::const_new(CONCURRENT_DECODES);
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(bad_file(FieldErrorCode::TooLong));
    }
    let _turn = DECODING
        .acquire()
        .await
        .map_err(|e| StorageError::Files(e.to_string()))?;
    // A decoder that panics on a crafted file has refused it.
    tokio::task::spawn_blocking(move || {
        check(&bytes).map(|checked| CheckedPhoto { bytes, checked })
    })
    .await
    .map_err(|_| bad_file(FieldErrorCode::Invalid))?
}

impl Store {
    /// Adds a photo to a ticket the caller can see (not a cancelled or closed one).
    pub async fn add_photo(
        &self,
        who: &Principal,
        ticket_id: &str,
        bytes: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<photo::Model> {
        let t = self.photo_ticket(who, ticket_id).await?;
        let photo = check_photo(bytes).await?;
        self.keep_photo(who, &t, photo, now).await
    }

    /// Adds a photo checked beforehand with [`check_photo`], on the same terms as [`Store::add_photo`].
    pub async fn add_checked_photo(
        &self,
        who: &Principal,
        ticket_id: &str,
        photo: CheckedPhoto,
        now: DateTime<Utc>,
    ) -> Result<photo::Model> {
        let t = self.photo_ticket(who, ticket_id).await?;
        self.keep_photo(who, &t, photo, now).await
    }

    /// The ticket a photo is for, if it may have one more.
    async fn photo_ticket(&self, who: &Principal, ticket_id: &str) -> Result<ticket::Model> {
        let t = self.ticket(who, ticket_id).await?;
        if t.status.is_final() {
            return Err(StorageError::field("ticket", FieldErrorCode::Invalid));
        }
        let count = photo::Entity::find()
            .filter(photo::Column::CompanyId.eq(&t.company_id))
            .filter(photo::Column::TicketId.eq(&t.id))
            .count(&self.db)
            .await?;
        if count >= MAX_PHOTOS_PER_TICKET {
            return Err(bad_file(FieldErrorCode::OutOfRange));
        }
        Ok(t)
    }

    /// Writes the files and records the photo; without its row a file would be an orphan, so a
    /// failed record removes them.
    async fn keep_photo(
        &self,
        who: &Principal,
        t: &ticket::Model,
        photo: CheckedPhoto,
        now: DateTime<Utc>,
    ) -> Result<photo::Model> {
        let CheckedPhoto { bytes, checked } = photo;
        let model = photo::Model {
            company_id: t.company_id.clone(),
            id: new_id(),
            ticket_id: t.id.clone(),
            content_type: checked.kind.as_str().to_owned(),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            width: i32::try_from(checked.width).unwrap_or(i32::MAX),
            height: i32::try_from(checked.height).unwrap_or(i32::MAX),
            uploaded_by: who.id.clone(),
            created_at: now,
        };
        let (original, thumbnail) = paths(&self.files_dir, &model, checked.kind);
        let files = (original.clone(), thumbnail.clone());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if let Some(folder) = original.parent() {
                std::fs::create_dir_all(folder)?;
            }
            std::fs::write(&original, &bytes)?;
            std::fs::write(&thumbnail, &checked.thumbnail)
        })
        .await
        .map_err(|e| StorageError::Files(e.to_string()))?
        .map_err(|e| StorageError::Files(e.to_string()))?;
        let recorded = self.record_photo(who, t, model, now).await;
        if recorded.is_err() {
            let _ = std::fs::remove_file(&files.0);
            let _ = std::fs::remove_file(&files.1);
        }
        recorded
    }

    async fn record_photo(
        &self,
        who: &Principal,
        t: &ticket::Model,
        model: photo::Model,
        now: DateTime<Utc>,
    ) -> Result<photo::Model> {
        let txn = self.begin_write().await?;
        let saved = photo::ActiveModel::from(model).insert(&txn).await?;
        let details = json!({ "photo_id": saved.id, "content_type": saved.content_type, "width": saved.width, "height": saved.height });
        timeline::record(&txn, who, t, "photo", Visibility::Resident, details, now).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The photos of a ticket the caller can see, oldest first.
    pub async fn photos(&self, who: &Principal, ticket_id: &str) -> Result<Vec<photo::Model>> {
        let t = self.ticket(who, ticket_id).await?;
        Ok(photo::Entity::find()
            .filter(photo::Column::CompanyId.eq(&t.company_id))
            .filter(photo::Column::TicketId.eq(&t.id))
            .order_by_asc(photo::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// A photo's bytes (or its thumbnail's) and content type, if the caller can see its ticket.
    pub async fn photo_file(
        &self,
        who: &Principal,
        photo_id: &str,
        thumbnail: bool,
    ) -> Result<(String, Vec<u8>)> {
        let p = photo::Entity::find_by_id((who.company_id.clone(), photo_id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("photo"))?;
        self.ticket(who, &p.ticket_id)
            .await
            .map_err(|_| StorageError::NotFound("photo"))?;
        let kind: PhotoType = p
            .content_type
            .parse()
            .map_err(|_| StorageError::NotFound("photo"))?;
        let (original, small) = paths(&self.files_dir, &p, kind);
        let (path, content_type) = if thumbnail {
            (small, PhotoType::Jpeg.as_str().to_owned())
        } else {
            (original, p.content_type)
        };
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
            .await
            .map_err(|e| StorageError::Files(e.to_string()))?
            .map_err(|e| StorageError::Files(e.to_string()))?;
        Ok((content_type, bytes))
    }
}
