//! Reading one e-mail as it came from the mailbox (RFC 5322 with MIME, any charset): who sent
//! it, its thread, its text (text/plain preferred, HTML turned into text), its attachments, and
//! whether a machine sent it (an automatic reply or a bounce), which is never answered.

use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders};

/// A machine's mail rather than a person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// An out-of-office or other automatic answer (RFC 3834 `Auto-Submitted`, `X-Autoreply`,
    /// `Precedence: auto_reply/bulk/junk`).
    Reply,
    /// A delivery failure report (RFC 3464 `multipart/report; report-type=delivery-status`, or
    /// from MAILER-DAEMON / postmaster).
    Bounce,
}

/// A file carried by a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What is kept of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Without its angle brackets.
    pub message_id: Option<String>,
    /// The sender's address, as written.
    pub from: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub subject: Option<String>,
    pub in_reply_to: Option<String>,
    /// The thread's earlier Message-IDs, oldest first.
    pub references: Vec<String>,
    pub text: String,
    pub automatic: Option<Automatic>,
    pub files: Vec<MailFile>,
    /// Names of the attachments too large to keep.
    pub left_out: Vec<String>,
}

/// Reads a raw mail; None when it is not one at all. Attachments over `max_file` bytes are
/// named in `left_out` instead of kept.
pub fn read_mail(raw: &[u8], max_file: usize) -> Option<Mail> {
    let m = MessageParser::default().parse(raw)?;
    let from = m
        .from()
        .and_then(Address::first)
        .and_then(|a| a.address())
        .map(str::to_owned);
    let automatic = automatic(&m, from.as_deref());
    let text = m
        .body_text(0)
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    for (n, part) in m.attachments().enumerate() {
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("attachment-{}", n + 1));
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes = part.contents();
        if bytes.len() > max_file {
            left_out.push(name);
        } else {
            files.push(MailFile {
                name,
                content_type,
                bytes: bytes.to_vec(),
            });
        }
    }
    Some(Mail {
        message_id: m.message_id().map(str::to_owned),
        from,
        sent_at: m
            .date()
            .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        subject: m.subject().map(str::to_owned),
        in_reply_to: ids(m.in_reply_to()).into_iter().next_back(),
        references: ids(m.references()),
        text,
        automatic,
        files,
        left_out,
    })
}

/// The Message-IDs of an `In-Reply-To` or `References` header.
fn ids(value: &HeaderValue) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Whether a machine sent the mail, from its headers, its content type and its sender.
fn automatic(m: &Message, from: Option<&str>) -> Option<Automatic> {
    let local = from
        .and_then(|f| f.split('@').next())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let report = m.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && c.attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    if report || local == "mailer-daemon" || local == "postmaster" {
        return Some(Automatic::Bounce);
    }
    let header = |name: &'static str| m.header_raw(name).map(str::trim);
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.eq_ignore_ascii_case("no"));
    let precedence = header("Precedence").is_some_and(|v| {
        ["auto_reply", "bulk", "junk"]
            .iter()
            .any(|p| v.eq_ignore_ascii_case(p))
    });
    let flagged = ["X-Autoreply", "X-Autorespond"]
        .iter()
        .any(|h| header(h).is_some());
    (auto_submitted || precedence || flagged).then_some(Automatic::Reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(text: &str) -> Mail {
        read_mail(text.replace('\n', "\r\n").as_bytes(), 1024).expect("a mail")
    }

    #[test]
    fn a_person_s_mail_is_read_with_its_thread() {
        let m = mail(
            "From: =?UTF-8?B?5p2O5Lyf?= <Li.Wei@Example.com>\n\
             To: kefu@wuye.example\n\
             Subject: =?UTF-8?B?55S15qKv5Z2P5LqG?=\n\
             Date: Mon, 2 Mar 2026 10:00:00 +0800\n\
             Message-ID: <abc@example.com>\n\
             In-Reply-To: <r2@wuye.example>\n\
             References: <r1@wuye.example> <r2@wuye.example>\n\
             Content-Type: text/plain; charset=utf-8\n\
             \n\
             3栋电梯不动了\n",
        );
        assert_eq!(m.from.as_deref(), Some("Li.Wei@Example.com"));
        assert_eq!(m.subject.as_deref(), Some("电梯坏了"));
        assert_eq!(m.message_id.as_deref(), Some("abc@example.com"));
        assert_eq!(m.in_reply_to.as_deref(), Some("r2@wuye.example"));
        assert_eq!(m.references, ["r1@wuye.example", "r2@wuye.example"]);
        assert_eq!(m.text, "3栋电梯不动了");
        assert_eq!(
            m.sent_at,
            Some("2026-03-02T02:00:00Z".parse().expect("time"))
        );
        assert_eq!(m.automatic, None);
    }

    #[test]
    fn html_only_mail_is_read_as_text_and_gbk_is_decoded() {
        let m = mail(
            "From: a@b.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n\
             <html><body><p>水管<b>漏水</b></p></body></html>\n",
        );
        assert!(
            m.text.contains("水管") && m.text.contains("漏水"),
            "{}",
            m.text
        );
        assert!(!m.text.contains('<'));
        let mut raw =
            b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=gbk\r\n\r\n"
                .to_vec();
        raw.extend([0xCD, 0xA3, 0xB5, 0xE7]); // 停电 in GBK
        assert_eq!(read_mail(&raw, 1024).expect("mail").text, "停电");
    }

    #[test]
    fn automatic_replies_and_bounces_are_recognised() {
        for headers in [
            "Auto-Submitted: auto-replied",
            "X-Autoreply: yes",
            "Precedence: bulk",
            "Precedence: auto_reply",
        ] {
            let m = mail(&format!(
                "From: a@b.example\n{headers}\nSubject: 休假\n\n我在休假\n"
            ));
            assert_eq!(m.automatic, Some(Automatic::Reply), "{headers}");
        }
        let m = mail("From: a@b.example\nAuto-Submitted: no\n\nhi\n");
        assert_eq!(m.automatic, None);
        let m = mail(
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
             --b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/delivery-status\n\n\
             Reporting-MTA: dns; mx.example\n--b--\n",
        );
        assert_eq!(m.automatic, Some(Automatic::Bounce));
        let m = mail(
            "From: someone@mx.example\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
             --b\nContent-Type: text/plain\n\nfailed\n--b--\n",
        );
        assert_eq!(m.automatic, Some(Automatic::Bounce));
    }

    #[test]
    fn attachments_are_kept_within_their_limit() {
        let m = mail(&(
            "From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=\"b\"\n\n\
             --b\nContent-Type: text/plain\n\n见附件\n\
             --b\nContent-Type: image/png\nContent-Disposition: attachment; filename=\"leak.png\"\n\
             Content-Transfer-Encoding: base64\n\naGVsbG8=\n\
             --b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"big.pdf\"\n\
             Content-Transfer-Encoding: base64\n\n"
                .to_owned()
                + &"QUFB".repeat(400)
                + "\n--b--\n"),
        );
        assert_eq!(m.text, "见附件");
        assert_eq!(m.files.len(), 1);
        assert_eq!(
            (m.files[0].name.as_str(), m.files[0].content_type.as_str()),
            ("leak.png", "image/png")
        );
        assert_eq!(m.files[0].bytes, b"hello");
        assert_eq!(m.left_out, ["big.pdf"]);
    }
}
