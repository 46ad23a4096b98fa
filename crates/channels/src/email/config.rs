//! The mailbox settings of `guanjia.toml` (`[email]`): where mail is fetched by IMAP and sent
//! by SMTP, the account, and which company and project the mailbox serves. The password is a
//! secret: never printed, never answered by the API.

use serde::{Deserialize, Serialize};

use crate::config::Secret;

/// How a connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465): what QQ, 163 and Aliyun mail offer.
    Tls,
    /// Plain, then upgraded by STARTTLS (IMAP on 143, SMTP submission on 587) before the login.
    Starttls,
    /// No encryption: only for a server on the same machine (tests).
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    pub imap_host: String,
    pub imap_port: u16,
    /// `tls`, `starttls` or `plain`.
    pub imap_security: Security,
    /// A CA certificate (PEM) trusted for the IMAP server beside the system's: a company's own
    /// certificate authority, or a self-signed server's certificate.
    pub imap_ca_file: Option<std::path::PathBuf>,
    /// The account, for IMAP and (unless `smtp_user` is given) SMTP: usually the address.
    pub user: String,
    /// The password, or the provider's authorisation code (授权码) / app password.
    pub password: Secret,
    /// The folder new mail arrives in.
    pub mailbox: String,
    /// How often a node looks for new mail, in seconds.
    pub poll_seconds: u64,
    /// The code of the company the mailbox serves; none: the installation's only one.
    pub company: Option<String>,
    /// The code of the project the mailbox serves; none: the sender's project, when known.
    pub project: Option<String>,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `tls`, `starttls` or `plain`.
    pub smtp_security: Security,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<Secret>,
    /// The address answers are sent from; none: `user`.
    pub from: Option<String>,
    /// The name shown beside it (e.g. 某某物业客服中心).
    pub from_name: Option<String>,
    /// Attachments larger than this are not kept (their name is, in the message).
    pub max_attachment_bytes: usize,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            imap_host: String::new(),
            imap_port: 993,
            imap_security: Security::Tls,
            imap_ca_file: None,
            user: String::new(),
            password: Secret::default(),
            mailbox: "INBOX".into(),
            poll_seconds: 30,
            company: None,
            project: None,
            smtp_host: String::new(),
            smtp_port: 465,
            smtp_security: Security::Tls,
            smtp_user: None,
            smtp_password: None,
            from: None,
            from_name: None,
            max_attachment_bytes: 10 * 1024 * 1024,
        }
    }
}

impl EmailConfig {
    /// Refuses settings that cannot work, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.imap_host.trim().is_empty() || self.user.trim().is_empty() {
            return Err("[email] needs imap_host and user".into());
        }
        if self.smtp_host.trim().is_empty() {
            return Err("[email] needs smtp_host".into());
        }
        if !self.from_address().contains('@') {
            return Err("[email] from (or user) must be an e-mail address".into());
        }
        Ok(())
    }

    /// The address answers come from.
    pub fn from_address(&self) -> &str {
        self.from.as_deref().unwrap_or(&self.user)
    }

    /// The one name of this mailbox, whichever node reads it: where reading it stands is kept
    /// under it.
    pub fn mailbox_key(&self) -> String {
        format!(
            "{}@{}:{}/{}",
            self.user, self.imap_host, self.imap_port, self.mailbox
        )
    }

    pub(crate) fn smtp_login(&self) -> (&str, &Secret) {
        (
            self.smtp_user.as_deref().unwrap_or(&self.user),
            self.smtp_password.as_ref().unwrap_or(&self.password),
        )
    }
}
