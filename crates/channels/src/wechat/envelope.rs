//! The safe-mode envelope: WeChat posts `<xml><ToUserName/><Encrypt/></xml>` signed by
//! `msg_signature` in the URL; an encrypted reply is `<xml><Encrypt/><MsgSignature/><TimeStamp/>
//! <Nonce/></xml>`, its signature over the reply's own timestamp and nonce.

use super::crypto::{AesKey, CryptoError};
use super::signature::{msg_signature, signature_matches};
use super::xml::{Value, XmlError, read_fields, write_fields};

/// Why an encrypted push was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    Xml(XmlError),
    /// The body has no `Encrypt`.
    NoEncrypt,
    /// `msg_signature` does not match the body.
    BadSignature,
    Crypto(CryptoError),
    /// The system gave no random bytes to seal a reply with.
    NoRandomness,
}

impl std::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvelopeError::Xml(e) => e.fmt(f),
            EnvelopeError::NoEncrypt => f.write_str("the body has no Encrypt"),
            EnvelopeError::BadSignature => f.write_str("msg_signature does not match"),
            EnvelopeError::Crypto(e) => e.fmt(f),
            EnvelopeError::NoRandomness => f.write_str("no random bytes to seal a reply with"),
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// The account's settings an envelope needs.
#[derive(Debug, Clone, Copy)]
pub struct SafeMode<'a> {
    pub token: &'a str,
    pub key: &'a AesKey,
    pub app_id: &'a str,
}

/// The URL parameters WeChat signs a push with.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub msg_signature: &'a str,
}

impl SafeMode<'_> {
    /// The plaintext XML inside a pushed envelope, once its signature and AppID check out.
    pub fn open(&self, body: &str, signed: Signed<'_>) -> Result<String, EnvelopeError> {
        let fields = read_fields(body).map_err(EnvelopeError::Xml)?;
        let encrypted = fields
            .get("Encrypt")
            .filter(|e| !e.is_empty())
            .ok_or(EnvelopeError::NoEncrypt)?;
        let expected = msg_signature(self.token, signed.timestamp, signed.nonce, encrypted);
        if !signature_matches(&expected, signed.msg_signature) {
            return Err(EnvelopeError::BadSignature);
        }
        self.key
            .decrypt(encrypted, self.app_id)
            .map_err(EnvelopeError::Crypto)
    }

    /// A reply sealed for WeChat now, with fresh random bytes and nonce.
    pub fn seal_fresh(&self, reply: &str, timestamp: i64) -> Result<String, EnvelopeError> {
        let mut random = [0u8; 16];
        let mut nonce = [0u8; 4];
        getrandom::fill(&mut random)
            .and_then(|()| getrandom::fill(&mut nonce))
            .map_err(|_| EnvelopeError::NoRandomness)?;
        let nonce = u32::from_be_bytes(nonce).to_string();
        Ok(self.seal(reply, timestamp, &nonce, random))
    }

    /// A reply sealed for WeChat: encrypted with `random` in front, signed over `timestamp`
    /// and `nonce`.
    pub fn seal(&self, reply: &str, timestamp: i64, nonce: &str, random: [u8; 16]) -> String {
        let encrypted = self.key.encrypt(reply, self.app_id, random);
        let timestamp_text = timestamp.to_string();
        let signature = msg_signature(self.token, &timestamp_text, nonce, &encrypted);
        write_fields(&[
            ("Encrypt", Value::Text(&encrypted)),
            ("MsgSignature", Value::Text(&signature)),
            ("TimeStamp", Value::Number(timestamp)),
            ("Nonce", Value::Text(nonce)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::crypto::tests::{SAMPLE_APP_ID, SAMPLE_ENCRYPT, SAMPLE_KEY};

    fn key() -> AesKey {
        AesKey::from_encoding_aes_key(SAMPLE_KEY).unwrap()
    }

    fn mode(key: &AesKey) -> SafeMode<'_> {
        SafeMode {
            token: "spamtest",
            key,
            app_id: SAMPLE_APP_ID,
        }
    }

    const SIGNED: Signed<'static> = Signed {
        timestamp: "1409735669",
        nonce: "1320562132",
        msg_signature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    };

    /// WeChat's sample push, as its sample code receives it (plaintext fields beside `Encrypt`,
    /// as in compatible mode).
    #[test]
    fn the_documented_push_opens() {
        let key = key();
        let body = format!(
            "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>"
        );
        let xml = mode(&key).open(&body, SIGNED).unwrap();
        assert!(xml.contains("<MsgType><![CDATA[text]]></MsgType>"));
    }

    #[test]
    fn a_bad_signature_or_body_is_refused() {
        let key = key();
        let body = format!("<xml><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>");
        let forged = Signed {
            msg_signature: "0000000000000000000000000000000000000000",
            ..SIGNED
        };
        assert_eq!(
            mode(&key).open(&body, forged),
            Err(EnvelopeError::BadSignature)
        );
        assert_eq!(
            mode(&key).open("<xml><ToUserName>x</ToUserName></xml>", SIGNED),
            Err(EnvelopeError::NoEncrypt)
        );
        assert!(matches!(
            mode(&key).open("garbage", SIGNED),
            Err(EnvelopeError::Xml(_))
        ));
    }

    #[test]
    fn a_sealed_reply_opens_with_its_own_signature() {
        let key = key();
        let sealed = mode(&key).seal("<xml>hi</xml>", 1409735670, "nonce1", [3; 16]);
        let fields = read_fields(&sealed).unwrap();
        let signed = Signed {
            timestamp: &fields["TimeStamp"],
            nonce: &fields["Nonce"],
            msg_signature: &fields["MsgSignature"],
        };
        assert_eq!(fields["TimeStamp"], "1409735670");
        assert_eq!(mode(&key).open(&sealed, signed).unwrap(), "<xml>hi</xml>");
    }
}
