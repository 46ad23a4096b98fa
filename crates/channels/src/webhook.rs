//! Outbound webhooks: a JSON POST signed with HMAC-SHA256 of the body under the subscription's
//! secret (`X-Guanjia-Signature: sha256=HEX`), with the time it was sent (`X-Guanjia-Timestamp`,
//! also `sent_at` in the signed body) against replays. A target that resolves to a loopback or
//! private address is refused unless the installation allows it, and redirects are not followed,
//! so a subscription cannot reach into the server's own network.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use guanjia_domain::delivery::Failure;
use guanjia_domain::machine::webhook::is_public;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::http::{Answer, exchange, transport_failure};

/// A receiver has this long to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`: the `X-Guanjia-Signature` value.
pub fn webhook_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One delivery as it goes out.
#[derive(Debug, Clone, Copy)]
pub struct WebhookPost<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub delivery_id: &'a str,
    pub event: &'a str,
    /// Unix seconds; the same as `sent_at` in `body`.
    pub timestamp: i64,
    pub body: &'a str,
}

/// Posts webhooks; cheap to clone.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    allow_private: bool,
}

impl WebhookSender {
    /// `allow_private` lets targets on loopback and private networks through (tests, or an
    /// installation whose receivers are inside its own network).
    pub fn new(allow_private: bool) -> Result<Self, String> {
        Ok(WebhookSender {
            client: client(None)?,
            allow_private,
        })
    }

    /// Sends one delivery: the receiver's 2xx status, or why it did not take it (with its
    /// status when it answered). Any other status is retried but 410 Gone, which ends it.
    pub async fn post(&self, post: WebhookPost<'_>) -> Result<u16, (Option<u16>, Failure)> {
        let client = if self.allow_private {
            self.client.clone()
        } else {
            self.pinned_client(post.url).await.map_err(|f| (None, f))?
        };
        let request = client
            .post(post.url)
            .header("content-type", "application/json")
            .header("user-agent", "Guanjia-Webhook/1")
            .header("x-guanjia-event", post.event)
            .header("x-guanjia-delivery", post.delivery_id)
            .header("x-guanjia-timestamp", post.timestamp.to_string())
            .header(
                "x-guanjia-signature",
                webhook_signature(post.secret, post.body),
            )
            .body(post.body.to_owned());
        let answer: Answer = exchange(request).await.map_err(|f| (None, f))?;
        if (200..300).contains(&answer.status) {
            return Ok(answer.status);
        }
        let mut failure = transport_failure(&answer);
        failure.permanent = answer.status == 410;
        Err((Some(answer.status), failure))
    }

    /// A client that connects only to the public address the target's host resolves to now, so
    /// a name cannot be made to point elsewhere between the check and the connection.
    async fn pinned_client(&self, url: &str) -> Result<reqwest::Client, Failure> {
        let refused = |reason: &str| Failure {
            code: "address_not_allowed".to_owned(),
            reason: reason.to_owned(),
            permanent: true,
            retry_after: None,
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| refused(&e.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| refused("no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = parsed.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| Failure {
                    code: "dns".to_owned(),
                    reason: e.to_string(),
                    permanent: false,
                    retry_after: None,
                })?
                .collect(),
        };
        let public: Vec<SocketAddr> = addresses
            .into_iter()
            .filter(|a| is_public(a.ip()))
            .collect();
        let Some(first) = public.first() else {
            return Err(refused(
                "the address is loopback or private (webhook_allow_private is off)",
            ));
        };
        client(Some((&host, *first))).map_err(|e| Failure {
            code: "client".to_owned(),
            reason: e,
            permanent: false,
            retry_after: None,
        })
    }
}

fn client(pinned: Option<(&str, SocketAddr)>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    if let Some((host, address)) = pinned {
        builder = builder.resolve(host, address);
    }
    builder.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hex_hmac_sha256_of_the_body() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[tokio::test]
    async fn private_targets_are_refused_unless_allowed() {
        let sender = WebhookSender::new(false).unwrap();
        let post = WebhookPost {
            url: "http://127.0.0.1:9/hook",
            secret: "s",
            delivery_id: "d",
            event: "ticket.created",
            timestamp: 0,
            body: "{}",
        };
        let (status, failure) = sender.post(post).await.unwrap_err();
        assert_eq!(status, None);
        assert_eq!(failure.code, "address_not_allowed");
        assert!(failure.permanent);
    }
}
