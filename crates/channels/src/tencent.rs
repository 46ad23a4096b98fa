//! Tencent Cloud SMS (`SendSms`, API version 2021-01-11), signed with TC3-HMAC-SHA256 as the
//! API's "Signature v3" documents: a canonical request (method, `/`, empty query, the
//! `content-type` and `host` headers, their names, the hex SHA-256 of the body), a string to sign
//! (algorithm, timestamp, `DATE/service/tc3_request`, the hex SHA-256 of the canonical request),
//! and a key derived by HMAC-SHA256 from `TC3` + SecretKey over the UTC date, the service and
//! `tc3_request`. Action, timestamp, version and region travel in `X-TC-*` headers; the answer is
//! `Response.SendStatusSet[].Code` `Ok` per number, or `Response.Error` for the whole request.

use chrono::{DateTime, Utc};
use guanjia_domain::delivery::{Failure, Outcome};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::http::{Answer, transport_failure};

pub const TC3_ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The content type of every request, as signed.
pub(crate) const CONTENT_TYPE: &str = "application/json; charset=utf-8";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

/// The hex signature of a POST of `payload` to `host` for `service` at `timestamp`.
pub fn tc3_signature(
    secret_key: &str,
    service: &str,
    host: &str,
    payload: &str,
    timestamp: i64,
) -> String {
    let date = DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    let canonical = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\ncontent-type;host\n{}",
        sha256_hex(payload)
    );
    let scope = format!("{date}/{service}/tc3_request");
    let to_sign = format!(
        "{TC3_ALGORITHM}\n{timestamp}\n{scope}\n{}",
        sha256_hex(&canonical)
    );
    let secret_date = hmac(format!("TC3{secret_key}").as_bytes(), &date);
    let secret_service = hmac(&secret_date, service);
    let secret_signing = hmac(&secret_service, "tc3_request");
    hex::encode(hmac(&secret_signing, &to_sign))
}

/// The `Authorization` header of such a request.
pub fn tc3_authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    payload: &str,
    timestamp: i64,
) -> String {
    let date = DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d");
    let signature = tc3_signature(secret_key, service, host, payload, timestamp);
    format!(
        "{TC3_ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}"
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    response: Option<Response>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Response {
    error: Option<Status>,
    #[serde(default)]
    send_status_set: Vec<Status>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    code: String,
    #[serde(default)]
    message: String,
    serial_no: Option<String>,
}

/// What an answer to `SendSms` for one number means.
pub(crate) fn outcome(answer: Answer) -> Outcome {
    let reply = serde_json::from_str::<Reply>(&answer.body)
        .ok()
        .and_then(|r| r.response);
    let Some(response) = reply else {
        return Outcome::Failed(transport_failure(&answer));
    };
    let status = response
        .error
        .or_else(|| response.send_status_set.into_iter().next());
    match status {
        Some(s) if s.code == "Ok" => Outcome::Sent {
            message_id: s.serial_no,
        },
        Some(s) => Outcome::Failed(failure(&s.code, s.message)),
        None => Outcome::Failed(transport_failure(&answer)),
    }
}

/// Which of Tencent Cloud's codes are worth another try: the per-number and request limits
/// (after their window), the platform's own errors; a bad number, template, signature or key never.
fn failure(code: &str, reason: String) -> Failure {
    let window = match code {
        "LimitExceeded.PhoneNumberThirtySecondLimit" => Some(chrono::Duration::seconds(30)),
        "RequestLimitExceeded" => Some(chrono::Duration::minutes(1)),
        c if c.starts_with("LimitExceeded.") => Some(chrono::Duration::hours(1)),
        _ => None,
    };
    let temporary = window.is_some() || code.starts_with("InternalError");
    Failure {
        code: code.to_owned(),
        reason,
        permanent: !temporary,
        retry_after: window,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the "Signature v3" documentation (CVM `DescribeInstances`, 2019-02-25),
    /// whose keys are printed with their last characters starred.
    #[test]
    fn signs_the_documented_example() {
        let payload = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        assert_eq!(
            sha256_hex(payload),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            tc3_authorization(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
                "Gu5t9xGARNpq86cd98joQYCN3*******",
                "cvm",
                "cvm.tencentcloudapi.com",
                payload,
                1551113065
            ),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
        );
    }

    fn answer(body: &str) -> Answer {
        Answer {
            status: 200,
            body: body.to_owned(),
        }
    }

    #[test]
    fn reads_the_answers() {
        assert_eq!(
            outcome(answer(
                r#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}}"#
            )),
            Outcome::Sent {
                message_id: Some("5000:1045710669157053657849499619".into())
            }
        );
        let Outcome::Failed(daily) = outcome(answer(
            r#"{"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8618511122233","Fee":0,"SessionContext":"","Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"the number of SMS messages sent from a single mobile number every day exceeds the upper limit","IsoCode":"CN"}],"RequestId":"b"}}"#,
        )) else {
            panic!("a failure")
        };
        assert!(!daily.permanent && daily.retry_after.is_some());
        let Outcome::Failed(auth) = outcome(answer(
            r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"c"}}"#,
        )) else {
            panic!("a failure")
        };
        assert!(auth.permanent);
        assert_eq!(auth.code, "AuthFailure.SignatureFailure");
    }
}
