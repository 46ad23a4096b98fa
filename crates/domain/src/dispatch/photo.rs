//! Photos of the work (现场照片): which files are accepted, judged by their content, never by
//! their name or declared type.

use crate::code::code_enum;

code_enum! {
    /// The photo formats accepted.
    pub enum PhotoType ("photo type") {
        Jpeg = "image/jpeg",
        Png = "image/png",
        Webp = "image/webp",
    }
}

/// The largest photo accepted: a phone camera's, not a RAW file's.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// The largest picture decoded, in pixels, so a tiny file cannot expand into gigabytes.
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;

/// The longest edge of a thumbnail.
pub const THUMBNAIL_EDGE: u32 = 320;

/// Photos a ticket may carry.
pub const MAX_PHOTOS_PER_TICKET: u64 = 30;

/// The format of `bytes`, by their magic numbers; None for anything else.
pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(PhotoType::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(PhotoType::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(PhotoType::Webp),
        _ => None,
    }
}

impl PhotoType {
    /// The file extension it is stored with.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "jpg",
            PhotoType::Png => "png",
            PhotoType::Webp => "webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_photos_are_recognised() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(PhotoType::Jpeg));
        assert_eq!(sniff(b"\\x89PNG\\r\\n\\x1a\\n".as_slice()), None, "escaped text is not a PNG");
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(PhotoType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(PhotoType::Webp));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None, "a sound file");
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg"), None);
        assert_eq!(sniff(&[]), None);
        assert_eq!(PhotoType::Webp.extension(), "webp");
    }
}
