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

/// How a photo is decoded, which decides the memory it takes: a tiny file can describe a huge
/// picture, so the pixels allowed depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// A sequential JPEG (what phone cameras write) is decoded straight at 1/2, 1/4 or 1/8 of its
    /// size, enough for the thumbnail: its memory stays small whatever its size.
    Scaled,
    /// PNG, WebP and progressive JPEG are decoded whole: 4 bytes (PNG, WebP) or 6 (progressive
    /// JPEG's coefficients) per pixel.
    Whole,
}

impl Decoding {
    /// The largest picture accepted, in pixels.
    pub fn max_pixels(self) -> u64 {
        match self {
            Decoding::Scaled => MAX_PHOTO_PIXELS,
            Decoding::Whole => 16_000_000,
        }
    }

    /// Whether a picture of `width` × `height` may be decoded this way.
    pub fn allows(self, width: u32, height: u32) -> bool {
        u64::from(width) * u64::from(height) <= self.max_pixels()
    }
}

/// The largest camera photo accepted, in pixels (a 48-megapixel phone's full-size shot fits).
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;

/// The most memory one decoding may take; with [`CONCURRENT_DECODES`] this bounds what photos
/// cost the server however many arrive at once.
pub const DECODER_MEMORY: u64 = 128 * 1024 * 1024;

/// Photos decoded at the same time; the others wait their turn.
pub const CONCURRENT_DECODES: usize = 2;

/// The longest edge of a thumbnail.
pub const THUMBNAIL_EDGE: u32 = 320;

/// Photos a ticket may carry.
pub const MAX_PHOTOS_PER_TICKET: u64 = 30;

/// The format of `bytes`, by their magic numbers; None for anything else.
pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(PhotoType::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(PhotoType::Png),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some(PhotoType::Webp),
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
    fn whole_decoding_allows_fewer_pixels() {
        assert!(Decoding::Scaled.allows(7000, 7000));
        assert!(!Decoding::Whole.allows(7000, 7000), "a PNG bomb");
        assert!(Decoding::Whole.allows(4032, 3024), "a 12-megapixel photo");
        assert!(!Decoding::Scaled.allows(10_000, 5001));
        assert!(
            Decoding::Whole.max_pixels() * 6 <= DECODER_MEMORY,
            "a progressive JPEG's coefficients fit"
        );
    }

    #[test]
    fn only_real_photos_are_recognised() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(PhotoType::Jpeg)
        );
        assert_eq!(
            sniff(b"\\x89PNG\\r\\n\\x1a\\n".as_slice()),
            None,
            "escaped text is not a PNG"
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(PhotoType::Png)
        );
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(PhotoType::Webp));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None, "a sound file");
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg"), None);
        assert_eq!(sniff(&[]), None);
        assert_eq!(PhotoType::Webp.extension(), "webp");
    }
}
