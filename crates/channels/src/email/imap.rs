//! Fetching new mail from an IMAP mailbox (RFC 3501): the mails whose UID is past the last one
//! taken, within the mailbox's UIDVALIDITY. When the mailbox was never read, or its UIDVALIDITY
//! changed (the server renumbered it), only the last days' mail is taken, so connecting an old
//! mailbox does not pour years of mail into the inbox. The mailbox is opened read-only
//! (EXAMINE, BODY.PEEK): reading leaves the mail unread for the people who also use it.

use std::collections::HashSet;
use std::time::Duration;

use async_imap::{Client, Session};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::config::{EmailConfig, Security};

/// How far back a first reading (or one after renumbering) looks.
pub const FIRST_READ_DAYS: i64 = 7;

/// How long connecting and logging in may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// Why a mailbox could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot reach {0}: {1}")]
    Connect(String, String),
    #[error("TLS with {0}: {1}")]
    Tls(String, String),
    #[error("the server refused the login: {0}")]
    Login(String),
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("the mailbox has no UIDVALIDITY")]
    NoUidValidity,
    #[error("timed out")]
    Timeout,
}

/// New mail of one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid_validity: u32,
    /// The UID below the next mail's when the mailbox was opened (0 if unknown): where a first
    /// reading that found nothing recent goes on from.
    pub before_next: u32,
    /// (UID, the raw mail), by UID.
    pub mails: Vec<(u32, Vec<u8>)>,
}

/// Fetches at most `limit` mails after `last_uid` of `uid_validity` (None: never read).
pub async fn fetch_new(
    config: &EmailConfig,
    read_before: Option<(u32, u32)>,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<Fetched, ImapError> {
    let address = format!("{}:{}", config.imap_host, config.imap_port);
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&address))
        .await
        .map_err(|_| ImapError::Timeout)?
        .map_err(|e| ImapError::Connect(address.clone(), e.to_string()))?;
    match config.imap_security {
        Security::Plain => fetch_over(greeted(tcp).await?, config, read_before, limit, now).await,
        Security::Tls => {
            let tls = tls(config, &address, tcp).await?;
            fetch_over(greeted(tls).await?, config, read_before, limit, now).await
        }
        Security::Starttls => {
            // RFC 3501 6.2.1: STARTTLS, then the TLS handshake at once; the server greets no
            // more, and nothing said before the upgrade (its capabilities) counts after it.
            let mut plain = greeted(tcp).await?;
            tokio::time::timeout(
                CONNECT_TIMEOUT,
                plain.run_command_and_check_ok("STARTTLS", None),
            )
            .await
            .map_err(|_| ImapError::Timeout)?
            .map_err(|e| ImapError::Tls(address.clone(), format!("STARTTLS refused: {e}")))?;
            let upgraded = tls(config, &address, plain.into_inner()).await?;
            fetch_over(Client::new(upgraded), config, read_before, limit, now).await
        }
    }
}

/// A client over `stream` once the server's greeting was read.
async fn greeted<T>(stream: T) -> Result<Client<T>, ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = Client::new(stream);
    tokio::time::timeout(CONNECT_TIMEOUT, client.read_response())
        .await
        .map_err(|_| ImapError::Timeout)?;
    Ok(client)
}

/// TLS over `tcp`, the server's certificate checked against the system's CAs and the configured
/// one.
async fn tls(
    config: &EmailConfig,
    address: &str,
    tcp: TcpStream,
) -> Result<tokio_native_tls::TlsStream<TcpStream>, ImapError> {
    let failed = |e: String| ImapError::Tls(address.to_owned(), e);
    let mut builder = tokio_native_tls::native_tls::TlsConnector::builder();
    if let Some(path) = &config.imap_ca_file {
        // A small file, read once a round.
        let pem =
            std::fs::read(path).map_err(|e| failed(format!("reading {}: {e}", path.display())))?;
        let ca = tokio_native_tls::native_tls::Certificate::from_pem(&pem)
            .map_err(|e| failed(format!("{}: {e}", path.display())))?;
        builder.add_root_certificate(ca);
    }
    let connector = builder.build().map_err(|e| failed(e.to_string()))?;
    tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_native_tls::TlsConnector::from(connector).connect(&config.imap_host, tcp),
    )
    .await
    .map_err(|_| ImapError::Timeout)?
    .map_err(|e| failed(e.to_string()))
}

async fn fetch_over<T>(
    client: Client<T>,
    config: &EmailConfig,
    read_before: Option<(u32, u32)>,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<Fetched, ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut session = client
        .login(&config.user, config.password.expose())
        .await
        .map_err(|(e, _)| ImapError::Login(e.to_string()))?;
    let fetched = read(&mut session, config, read_before, limit, now).await;
    let _ = session.logout().await;
    fetched
}

async fn read<T>(
    session: &mut Session<T>,
    config: &EmailConfig,
    read_before: Option<(u32, u32)>,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<Fetched, ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mailbox = session.examine(&config.mailbox).await?;
    let uid_validity = mailbox.uid_validity.ok_or(ImapError::NoUidValidity)?;
    let after = match read_before {
        Some((validity, last)) if validity == uid_validity => Some(last),
        _ => None,
    };
    let found: HashSet<u32> = match after {
        Some(last) => session
            .uid_search(format!("UID {}:*", last.saturating_add(1)))
            .await?
            .into_iter()
            // `n:*` always matches the newest mail, even one at or below n.
            .filter(|uid| *uid > last)
            .collect(),
        None => {
            let since = (now - chrono::Duration::days(FIRST_READ_DAYS)).format("%d-%b-%Y");
            session.uid_search(format!("SINCE {since}")).await?
        }
    };
    let mut uids: Vec<u32> = found.into_iter().collect();
    uids.sort_unstable();
    uids.truncate(limit);
    let mut mails = Vec::with_capacity(uids.len());
    if !uids.is_empty() {
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let fetches: Vec<_> = session
            .uid_fetch(set, "(UID BODY.PEEK[])")
            .await?
            .try_collect()
            .await?;
        for f in fetches {
            if let (Some(uid), Some(body)) = (f.uid, f.body()) {
                mails.push((uid, body.to_vec()));
            }
        }
        mails.sort_by_key(|(uid, _)| *uid);
    }
    Ok(Fetched {
        uid_validity,
        before_next: mailbox.uid_next.unwrap_or(1).saturating_sub(1),
        mails,
    })
}
