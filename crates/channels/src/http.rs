//! What came back from a provider over HTTP, and what a failure of the transport itself means.

use guanjia_domain::delivery::Failure;

/// The status and body of a provider's answer (bodies are small JSON documents).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
}

/// The most of a provider's body kept as the reason of a failure it did not explain.
const REASON: usize = 200;

/// An answer the provider's protocol does not explain (a proxy's error page, a 5xx): the HTTP
/// status decides, a client error (but 429) being final.
pub(crate) fn transport_failure(answer: &Answer) -> Failure {
    let permanent = (400..500).contains(&answer.status) && answer.status != 429;
    Failure {
        code: format!("http_{}", answer.status),
        reason: excerpt(&answer.body),
        permanent,
        retry_after: None,
    }
}

/// The start of a body, as much as a failure's reason keeps.
pub(crate) fn excerpt(body: &str) -> String {
    body.chars().take(REASON).collect()
}

/// The request never got an answer (no connection, a timeout): try again later.
pub(crate) fn unreachable(err: &reqwest::Error) -> Failure {
    let code = if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect"
    } else {
        "transport"
    };
    Failure {
        code: code.to_owned(),
        reason: err.to_string().chars().take(REASON).collect(),
        permanent: false,
        retry_after: None,
    }
}

/// Sends a request and reads its answer, or says why there is none.
pub(crate) async fn exchange(request: reqwest::RequestBuilder) -> Result<Answer, Failure> {
    let response = request.send().await.map_err(|e| unreachable(&e))?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| unreachable(&e))?;
    Ok(Answer { status, body })
}
