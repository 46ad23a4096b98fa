//! Sending an answer by SMTP (RFC 5321) as a reply in the resident's thread (RFC 5322:
//! `In-Reply-To` the mail answered, `References` the thread, `Re:` its subject), and reading
//! the server's answer into the domain's [`Outcome`]: a 4xx reply is tried again later, a 5xx
//! one is final with the server's words as the reason.

use std::time::Duration;

use guanjia_domain::delivery::{Failure, Outcome};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::Tls;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::config::{EmailConfig, Security};

/// How long one exchange with the server may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The most of a server's words kept as a reason.
const REASON: usize = 300;

/// An answer to send in a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub to: String,
    /// The thread's subject, without any `Re:`.
    pub subject: String,
    /// Ours, without angle brackets: the same on every attempt, so a resent answer is one mail.
    pub message_id: String,
    /// The mail answered, and the thread before it (oldest first), without angle brackets.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub text: String,
}

/// The subject of an answer: the thread's, once prefixed by `Re:`.
pub fn reply_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "re：", "回复:", "回复：", "答复:", "答复："]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => break,
        }
    }
    format!("Re: {s}")
}

/// Sends `reply` from the configured address.
pub async fn send_reply(config: &EmailConfig, reply: &Reply) -> Outcome {
    let message = match message(config, reply) {
        Ok(m) => m,
        Err(reason) => {
            return Outcome::Failed(Failure {
                code: "bad_address".into(),
                reason,
                permanent: true,
                retry_after: None,
            });
        }
    };
    let transport = match transport(config) {
        Ok(t) => t,
        Err(e) => return Outcome::Failed(failure(&e)),
    };
    match transport.send(message).await {
        Ok(_) => Outcome::Sent {
            message_id: Some(reply.message_id.clone()),
        },
        Err(e) => Outcome::Failed(failure(&e)),
    }
}

fn message(config: &EmailConfig, reply: &Reply) -> Result<Message, String> {
    let from: Mailbox = match &config.from_name {
        Some(name) => format!("{name} <{}>", config.from_address()),
        None => config.from_address().to_owned(),
    }
    .parse()
    .map_err(|e| format!("from: {e}"))?;
    let to: Mailbox = reply.to.parse().map_err(|e| format!("to: {e}"))?;
    let bracket = |id: &str| format!("<{id}>");
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(reply_subject(&reply.subject))
        .message_id(Some(bracket(&reply.message_id)));
    if let Some(id) = &reply.in_reply_to {
        builder = builder.in_reply_to(bracket(id));
    }
    if !reply.references.is_empty() {
        let all: Vec<String> = reply.references.iter().map(|r| bracket(r)).collect();
        builder = builder.references(all.join(" "));
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(reply.text.clone())
        .map_err(|e| e.to_string())
}

fn transport(
    config: &EmailConfig,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let host = config.smtp_host.as_str();
    let builder = match config.smtp_security {
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
        Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
        Security::Plain => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).tls(Tls::None)
        }
    };
    let mut builder = builder.port(config.smtp_port).timeout(Some(SMTP_TIMEOUT));
    let (user, password) = config.smtp_login();
    // An empty password: a relay that takes mail without a login (a local MTA).
    if !password.expose().is_empty() {
        builder = builder.credentials(Credentials::new(
            user.to_owned(),
            password.expose().to_owned(),
        ));
    }
    Ok(builder.build())
}

/// What an SMTP failure means: the server's 5xx is final, its 4xx and a lost connection are
/// tried again.
fn failure(e: &lettre::transport::smtp::Error) -> Failure {
    let code = match e.status() {
        Some(code) => format!("smtp_{code}"),
        None if e.is_timeout() => "timeout".into(),
        None if e.is_tls() => "tls".into(),
        None => "connect".into(),
    };
    Failure {
        code,
        reason: e.to_string().chars().take(REASON).collect(),
        permanent: e.is_permanent(),
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_s_subject_is_re_once() {
        assert_eq!(reply_subject("电梯坏了"), "Re: 电梯坏了");
        assert_eq!(reply_subject("Re: RE: 电梯坏了"), "Re: 电梯坏了");
        assert_eq!(reply_subject("回复：电梯坏了"), "Re: 电梯坏了");
    }
}
