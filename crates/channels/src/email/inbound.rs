//! A mail as the one input of receiving: its sender's address as the contact point, its
//! Message-ID as the external id (a mail fetched twice is stored once), its thread as hints, and
//! a machine's mail (an automatic reply, a bounce) as an event that is kept but never answered.
//! Whatever a mail carries is made to fit what is kept: over-long or odd ids are replaced by a
//! digest of themselves (the same one wherever the id appears), subjects and texts are cut and
//! freed of control characters.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{
    Body, ContactKind, ContactPoint, Event, InboundMessage, MAX_ID, MAX_REFERENCES, ProjectHint,
    ThreadHints,
};
use guanjia_domain::taxonomy::Channel;
use sha2::{Digest, Sha256};

use super::mime::{Automatic, Mail};

/// The message a mail is received as; None when it names no usable sender or says nothing at
/// all. `fallback_id` stands for a Message-ID the mail lacks (the mailbox's UIDVALIDITY and UID).
pub fn inbound_message(
    mail: &Mail,
    project: ProjectHint,
    fallback_id: &str,
    now: DateTime<Utc>,
) -> Option<InboundMessage> {
    let sender = ContactPoint::new("from", ContactKind::Email, None, mail.from.as_deref()?).ok()?;
    let subject = mail
        .subject
        .as_deref()
        .map(|s| clean(s, MAX_ID))
        .filter(|s| !s.is_empty());
    let body = match mail.automatic {
        Some(Automatic::Reply) => Body::Event(Event::AutoReply),
        Some(Automatic::Bounce) => Body::Event(Event::Bounce),
        None => {
            let names: Vec<&str> = mail
                .files
                .iter()
                .map(|f| f.name.as_str())
                .chain(mail.left_out.iter().map(String::as_str))
                .collect();
            // What the mail says; an empty one by its subject, or its attachments' names.
            let text = [clean(&mail.text, usize::MAX)]
                .into_iter()
                .chain(subject.clone())
                .chain((!names.is_empty()).then(|| names.join(", ")))
                .find(|t| !t.trim().is_empty())?;
            Body::Text(text)
        }
    };
    let references: Vec<String> = mail.references.iter().map(|r| id(r)).collect();
    let skip = references.len().saturating_sub(MAX_REFERENCES);
    Some(InboundMessage {
        channel: Channel::Email,
        external_id: Some(id(mail.message_id.as_deref().unwrap_or(fallback_id))),
        sender,
        project,
        sent_at: mail.sent_at.unwrap_or(now),
        body,
        thread: Some(ThreadHints {
            message_id: mail.message_id.as_deref().map(id),
            in_reply_to: mail.in_reply_to.as_deref().map(id),
            references: references[skip..].to_vec(),
            subject,
        }),
    })
}

/// A Message-ID as kept: itself when it fits, else a digest of it.
pub fn id(raw: &str) -> String {
    let raw = raw.trim().trim_start_matches('<').trim_end_matches('>');
    if !raw.is_empty() && raw.len() <= MAX_ID && !raw.chars().any(char::is_control) {
        raw.to_owned()
    } else {
        format!("sha256:{}", hex::encode(Sha256::digest(raw.as_bytes())))
    }
}

/// A text without control characters (but line breaks), trimmed and cut to `max` characters.
fn clean(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-02T02:00:00Z".parse().expect("time")
    }

    fn mail() -> Mail {
        Mail {
            message_id: Some("m1@example.com".into()),
            from: Some("Li.Wei@Example.com".into()),
            sent_at: None,
            subject: Some("电梯\u{7}坏了".into()),
            in_reply_to: None,
            references: vec![],
            text: "3栋电梯不动了\r\n".into(),
            automatic: None,
            files: vec![],
            left_out: vec![],
        }
    }

    #[test]
    fn a_mail_is_received_from_its_sender_s_address() {
        let m = inbound_message(&mail(), ProjectHint::OfSender, "x", now()).expect("message");
        assert_eq!(m.sender.value(), "li.wei@example.com");
        assert_eq!(m.external_id.as_deref(), Some("m1@example.com"));
        assert_eq!(m.body, Body::Text("3栋电梯不动了".into()));
        let thread = m.thread.clone().expect("thread");
        assert_eq!(thread.subject.as_deref(), Some("电梯坏了"));
        assert_eq!(m.sent_at, now());
        assert!(m.checked(now()).is_ok());
    }

    #[test]
    fn odd_ids_become_digests_and_machines_events() {
        let long = format!("{}@example.com", "a".repeat(300));
        let m = Mail {
            message_id: Some(long.clone()),
            in_reply_to: Some(format!("<{long}>")),
            automatic: Some(Automatic::Bounce),
            ..mail()
        };
        let m = inbound_message(&m, ProjectHint::OfSender, "x", now()).expect("message");
        let thread = m.thread.clone().expect("thread");
        assert!(m.external_id.as_deref().expect("id").starts_with("sha256:"));
        assert_eq!(
            thread.in_reply_to, m.external_id,
            "the same id, the same digest"
        );
        assert_eq!(m.body, Body::Event(Event::Bounce));
        assert!(m.checked(now()).is_ok());
    }

    #[test]
    fn a_mail_without_sender_or_words_is_not_a_message() {
        let no_sender = Mail {
            from: None,
            ..mail()
        };
        assert!(inbound_message(&no_sender, ProjectHint::OfSender, "x", now()).is_none());
        let empty = Mail {
            subject: None,
            text: " ".into(),
            ..mail()
        };
        assert!(inbound_message(&empty, ProjectHint::OfSender, "x", now()).is_none());
        let no_id = Mail {
            message_id: None,
            ..mail()
        };
        let m = inbound_message(&no_id, ProjectHint::OfSender, "7.42@box", now()).expect("m");
        assert_eq!(m.external_id.as_deref(), Some("7.42@box"));
    }
}
