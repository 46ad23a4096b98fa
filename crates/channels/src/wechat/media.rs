//! WeChat's temporary media (获取临时素材): `GET /cgi-bin/media/get?access_token=&media_id=`
//! answers the file itself, its type in `Content-Type` and its name in `Content-Disposition:
//! attachment; filename="MEDIA_ID.jpg"`; or, on failure, a JSON `{"errcode","errmsg"}` (40007
//! invalid media_id, a token refused…). Pictures are at most 10 MB and recordings 2 MB there.

use guanjia_domain::delivery::Failure;

use super::api::{Reply, error_reply};
use crate::http::{Answer, transport_failure};

/// The largest media file kept: WeChat's own limit for a picture.
pub const MAX_MEDIA_BYTES: usize = 10 * 1024 * 1024;

/// A media file as WeChat served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// As `Content-Disposition` names it, else the media id.
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a media answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaReply {
    File(Media),
    /// An error answer (a refused token among them), read as any API answer is.
    Refused(Reply),
}

/// The headers and body of a media answer (`status`, `Content-Type`, `Content-Disposition`).
#[derive(Debug, Clone, Copy)]
pub struct MediaAnswer<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub disposition: Option<&'a str>,
    pub body: &'a [u8],
}

/// Reads a media answer: a JSON or text body is WeChat's error, anything else the file.
pub fn media_reply(answer: MediaAnswer<'_>, media_id: &str) -> MediaReply {
    let content_type = answer
        .content_type
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let textual = essence.ends_with("json") || essence.starts_with("text/");
    if textual || !(200..300).contains(&answer.status) {
        let text = Answer {
            status: answer.status,
            body: String::from_utf8_lossy(answer.body).into_owned(),
        };
        return MediaReply::Refused(match error_reply(&text) {
            Some(reply) => reply,
            None => Reply::Failed(transport_failure(&text)),
        });
    }
    let name = answer
        .disposition
        .and_then(file_name)
        .unwrap_or_else(|| media_id.to_owned());
    MediaReply::File(Media {
        name,
        content_type,
        bytes: answer.body.to_vec(),
    })
}

/// The file's name in `attachment; filename="MEDIA_ID.jpg"` (quoted or not).
fn file_name(disposition: &str) -> Option<String> {
    disposition
        .split(';')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("filename"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
}

/// A file beyond [`MAX_MEDIA_BYTES`]: fetching it again will not make it smaller.
pub fn too_large() -> Failure {
    Failure {
        code: "too_large".into(),
        reason: format!("the media file is larger than {MAX_MEDIA_BYTES} bytes"),
        permanent: true,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer<'a>(content_type: &'a str, body: &'a [u8]) -> MediaAnswer<'a> {
        MediaAnswer {
            status: 200,
            content_type: Some(content_type),
            disposition: Some("attachment; filename=\"MEDIA_ID.jpg\""),
            body,
        }
    }

    #[test]
    fn reads_the_documented_file_answer() {
        let MediaReply::File(media) = media_reply(answer("image/jpeg", b"\xff\xd8\xff"), "M")
        else {
            panic!("a file");
        };
        assert_eq!(
            media,
            Media {
                name: "MEDIA_ID.jpg".into(),
                content_type: "image/jpeg".into(),
                bytes: b"\xff\xd8\xff".to_vec(),
            }
        );
        let bare = MediaAnswer {
            disposition: None,
            content_type: None,
            ..answer("", b"x")
        };
        let MediaReply::File(media) = media_reply(bare, "M2") else {
            panic!("a file");
        };
        assert_eq!(
            (media.name.as_str(), media.content_type.as_str()),
            ("M2", "application/octet-stream")
        );
    }

    #[test]
    fn reads_the_documented_errors() {
        let invalid = br#"{"errcode":40007,"errmsg":"invalid media_id"}"#;
        let MediaReply::Refused(Reply::Failed(f)) = media_reply(answer("text/plain", invalid), "M")
        else {
            panic!("refused");
        };
        assert_eq!((f.code.as_str(), f.permanent), ("40007", true));
        let expired = br#"{"errcode":42001,"errmsg":"access_token expired"}"#;
        assert_eq!(
            media_reply(answer("application/json; charset=utf-8", expired), "M"),
            MediaReply::Refused(Reply::TokenRejected { code: 42001 })
        );
        let MediaReply::Refused(Reply::Failed(f)) = media_reply(
            MediaAnswer {
                status: 502,
                ..answer("image/jpeg", b"<html>")
            },
            "M",
        ) else {
            panic!("refused");
        };
        assert_eq!((f.code.as_str(), f.permanent), ("http_502", false));
    }
}
