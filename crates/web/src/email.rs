//! The mailbox reader: every node looks for new mail every `poll_seconds`, one at a time by a
//! lease on the mailbox kept in the database, and receives each new mail as a message of the
//! e-mail channel, moving the mailbox's cursor past it. A mail that cannot be read (no sender,
//! nothing in it) is passed over with a warning; one the store refuses is logged the same way, so
//! one bad mail never blocks the mailbox. A new mail's attachments are kept once it is stored.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_channels::email::{EmailConfig, fetch_new, inbound_message, read_mail};
use guanjia_domain::conversation::ProjectHint;
use guanjia_storage::{MailboxCursor, NewFile, Receipt, StorageError, Store};

/// How long a node holds the mailbox: well beyond one round's IMAP timeouts.
pub const MAILBOX_LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// Mails taken per round; a full round is followed at once by another.
const BATCH: usize = 50;

/// The longest a round's fetching may take.
const ROUND_TIMEOUT: Duration = Duration::from_secs(90);

/// Why a round read nothing.
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error("{0}")]
    Store(#[from] StorageError),
    #[error("{0}")]
    Imap(#[from] guanjia_channels::email::ImapError),
    #[error("[email] company {0:?} is not known (none given and not exactly one company)")]
    NoCompany(Option<String>),
    #[error("[email] project {0} is not a project of the company")]
    NoProject(String),
    #[error("reading the mailbox timed out")]
    Timeout,
}

/// Reads the mailbox until the process ends. `node` names this process in the lease.
pub fn spawn_email(store: Store, config: EmailConfig, node: String) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(config.poll_seconds.max(1));
    tokio::spawn(async move {
        loop {
            let full = match read_mailbox(&store, &config, &node, Utc::now()).await {
                Ok(taken) => taken >= BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the mailbox failed; trying again later");
                    false
                }
            };
            if !full {
                tokio::time::sleep(every).await;
            }
        }
    })
}

/// One round as of `now`: if no other node is reading the mailbox, takes what is new in it.
/// Answers how many mails this node took (0 when another node holds the mailbox).
pub async fn read_mailbox(
    store: &Store,
    config: &EmailConfig,
    node: &str,
    now: DateTime<Utc>,
) -> Result<usize, MailboxError> {
    let company = match &config.company {
        Some(code) => store.company_by_code(code).await?,
        None => {
            let mut all = store.companies().await?;
            (all.len() == 1).then(|| all.remove(0))
        }
    }
    .ok_or_else(|| MailboxError::NoCompany(config.company.clone()))?;
    let project = match &config.project {
        Some(code) => ProjectHint::Given(
            store
                .project_by_code(&company.id, code)
                .await?
                .ok_or_else(|| MailboxError::NoProject(code.clone()))?
                .id,
        ),
        None => ProjectHint::OfSender,
    };
    let key = config.mailbox_key();
    let Some(cursor) = store.claim_mailbox(&key, node, now, MAILBOX_LEASE).await? else {
        return Ok(0);
    };
    let read_before = cursor.uid_validity.map(|v| (v, cursor.last_uid));
    let round = async {
        let fetched =
            tokio::time::timeout(ROUND_TIMEOUT, fetch_new(config, read_before, BATCH, now))
                .await
                .map_err(|_| MailboxError::Timeout)??;
        let mut taken = 0;
        for (uid, raw) in &fetched.mails {
            let fallback = format!("{}.{uid}@{key}", fetched.uid_validity);
            let mail = read_mail(raw, config.max_attachment_bytes);
            let message = mail
                .as_ref()
                .and_then(|mail| inbound_message(mail, project.clone(), &fallback, now));
            match (mail, message) {
                (Some(mail), Some(m)) => {
                    // A machine's mail is kept as an event: what it carries (a bounce's report)
                    // is not the sender's.
                    let (files, left_out) = match mail.automatic {
                        Some(_) => (Vec::new(), Vec::new()),
                        None => (mail.files, mail.left_out),
                    };
                    let files = files
                        .into_iter()
                        .map(|f| NewFile::new(&f.name, &f.content_type, f.bytes))
                        .collect();
                    match store
                        .receive_message_with_files(&company.id, m, files, left_out, now)
                        .await
                    {
                        Ok(r) if r.receipt == Receipt::New => taken += 1,
                        Ok(_) => {}
                        Err(e @ StorageError::Validation(_)) => {
                            tracing::warn!(uid, error = %e, "a mail was refused; passed over");
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                _ => tracing::warn!(uid, "a mail without sender or text; passed over"),
            }
            let moved = MailboxCursor {
                uid_validity: Some(fetched.uid_validity),
                last_uid: *uid,
            };
            // The lease ran out and another node reads on: it starts after the last UID here.
            if !store.advance_mailbox(&key, node, moved, Utc::now()).await? {
                break;
            }
        }
        if fetched.mails.is_empty() && read_before.is_none_or(|(v, _)| v != fetched.uid_validity) {
            // A new or renumbered mailbox with nothing recent: reading goes on from its next mail.
            let fresh = MailboxCursor {
                uid_validity: Some(fetched.uid_validity),
                last_uid: fetched.before_next,
            };
            store.advance_mailbox(&key, node, fresh, Utc::now()).await?;
        }
        Ok(taken)
    };
    let result = round.await;
    store.release_mailbox(&key, node).await?;
    result
}
