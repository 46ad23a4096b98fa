//! Alibaba Cloud SMS (`SendSms`, API version 2017-05-25), RPC style with the documented
//! signature version 1.0: the parameters sorted by name, each name and value percent-encoded
//! (RFC 3986), joined into the canonical query; the string to sign is
//! `METHOD&%2F&` + the encoded canonical query; the signature is Base64 of HMAC-SHA1 keyed with
//! the AccessKey secret and `&`. Sent as a form POST to the endpoint; the answer is JSON
//! (`{"Code":"OK","BizId":…}` or an error code such as `isv.BUSINESS_LIMIT_CONTROL`).

use base64::Engine;
use chrono::{DateTime, Utc};
use guanjia_domain::delivery::{Failure, Outcome};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;

use crate::config::AliyunConfig;
use crate::http::{Answer, transport_failure};
use crate::percent::pop_encode;

/// The canonical query string and the string to sign for `method`.
pub fn aliyun_string_to_sign(method: &str, params: &[(&str, &str)]) -> (String, String) {
    let mut sorted: Vec<(&str, &str)> = params.to_vec();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let canonical = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", pop_encode(k), pop_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("{method}&{}&{}", pop_encode("/"), pop_encode(&canonical));
    (canonical, to_sign)
}

/// The `Signature` of a string to sign, with the AccessKey secret.
pub fn aliyun_signature(secret: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length: this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The form body of a signed `SendSms` POST.
pub(crate) fn send_sms_body(
    config: &AliyunConfig,
    phone: &str,
    template_code: &str,
    template_param: &str,
    out_id: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> String {
    let timestamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let params = [
        ("AccessKeyId", config.access_key_id.as_str()),
        ("Action", "SendSms"),
        ("Format", "JSON"),
        ("OutId", out_id),
        ("PhoneNumbers", phone),
        ("RegionId", config.region.as_str()),
        ("SignName", config.sign_name.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("TemplateCode", template_code),
        ("TemplateParam", template_param),
        ("Timestamp", timestamp.as_str()),
        ("Version", "2017-05-25"),
    ];
    let (canonical, to_sign) = aliyun_string_to_sign("POST", &params);
    let signature = aliyun_signature(config.access_key_secret.expose(), &to_sign);
    format!("Signature={}&{canonical}", pop_encode(&signature))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    code: Option<String>,
    message: Option<String>,
    biz_id: Option<String>,
}

/// What an answer to `SendSms` means.
pub(crate) fn outcome(answer: Answer) -> Outcome {
    let reply = serde_json::from_str::<Reply>(&answer.body).ok();
    match reply.as_ref().and_then(|r| r.code.as_deref()) {
        Some("OK") => Outcome::Sent {
            message_id: reply.and_then(|r| r.biz_id),
        },
        Some(code) => {
            let reason = reply
                .as_ref()
                .and_then(|r| r.message.clone())
                .unwrap_or_default();
            Outcome::Failed(failure(code, reason))
        }
        None => Outcome::Failed(transport_failure(&answer)),
    }
}

/// Which of Alibaba Cloud's codes are worth another try: flow control and an empty balance wait,
/// the platform's own errors pass; a bad number, template, sign name or key never will.
fn failure(code: &str, reason: String) -> Failure {
    let rate_limited = code == "isv.BUSINESS_LIMIT_CONTROL" || code.starts_with("Throttling");
    let temporary = rate_limited
        || code.starts_with("isp.")
        || matches!(
            code,
            "isv.AMOUNT_NOT_ENOUGH" | "isv.OUT_OF_SERVICE" | "ServiceUnavailable" | "InternalError"
        );
    Failure {
        code: code.to_owned(),
        reason,
        permanent: !temporary,
        retry_after: rate_limited.then(|| chrono::Duration::minutes(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the SMS signature documentation (help.aliyun.com document 56189), with
    /// AccessKey `testId` / `testSecret`, signed as a GET.
    #[test]
    fn signs_the_documented_send_sms_example() {
        let params = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ];
        let (_, to_sign) = aliyun_string_to_sign("GET", &params);
        assert!(to_sign.starts_with("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"));
        assert!(to_sign.ends_with("TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"));
        assert_eq!(
            aliyun_signature("testSecret", &to_sign),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    /// The example of the general RPC signature documentation (`DescribeRegions`).
    #[test]
    fn signs_the_documented_rpc_example() {
        let params = [
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Version", "2014-05-26"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
        ];
        let (_, to_sign) = aliyun_string_to_sign("GET", &params);
        assert_eq!(
            aliyun_signature("testsecret", &to_sign),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.to_owned(),
        }
    }

    #[test]
    fn reads_the_answers() {
        assert_eq!(
            outcome(answer(
                200,
                r#"{"Message":"OK","RequestId":"R","Code":"OK","BizId":"900619746936498440^0"}"#
            )),
            Outcome::Sent {
                message_id: Some("900619746936498440^0".into())
            }
        );
        let Outcome::Failed(limited) = outcome(answer(
            200,
            r#"{"Message":"触发小时级流控Permits:5","RequestId":"R","Code":"isv.BUSINESS_LIMIT_CONTROL"}"#,
        )) else {
            panic!("a failure")
        };
        assert!(!limited.permanent && limited.retry_after.is_some());
        assert_eq!(limited.reason, "触发小时级流控Permits:5");
        let Outcome::Failed(bad) = outcome(answer(
            200,
            r#"{"Message":"invalid mobile number","RequestId":"R","Code":"isv.MOBILE_NUMBER_ILLEGAL"}"#,
        )) else {
            panic!("a failure")
        };
        assert!(bad.permanent);
        let Outcome::Failed(signature) = outcome(answer(
            400,
            r#"{"Message":"Specified signature is not matched with our calculation.","Code":"SignatureDoesNotMatch"}"#,
        )) else {
            panic!("a failure")
        };
        assert!(signature.permanent);
        let Outcome::Failed(gateway) = outcome(answer(502, "<html>bad gateway</html>")) else {
            panic!("a failure")
        };
        assert!(!gateway.permanent);
        assert_eq!(gateway.code, "http_502");
    }
}
