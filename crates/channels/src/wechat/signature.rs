//! The signatures WeChat puts on each call to the callback URL: `signature` = SHA-1 (hex) of the
//! account's Token, the `timestamp` and the `nonce` sorted as strings and joined; in safe mode
//! also `msg_signature`, the same over four strings, the fourth being the encrypted message.

use sha1::{Digest, Sha1};

/// SHA-1 in lowercase hex of `parts` sorted as byte strings and joined with nothing between.
fn sorted_sha1(parts: &mut [&str]) -> String {
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts.iter() {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The `signature` of a callback (URL verification, and every plaintext message).
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sorted_sha1(&mut [token, timestamp, nonce])
}

/// The `msg_signature` of a safe-mode message, over its `Encrypt` text.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypted: &str) -> String {
    sorted_sha1(&mut [token, timestamp, nonce, encrypted])
}

/// Whether a signature given in a request is `expected`, compared in constant time and
/// regardless of the hex digits' case.
pub fn signature_matches(expected: &str, given: &str) -> bool {
    let given = given.to_ascii_lowercase();
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plaintext-mode example of WeChat's 消息加解密说明 (接入指引): Token `AAAAA`.
    #[test]
    fn the_documented_plaintext_signature() {
        assert_eq!(
            signature("AAAAA", "1714037059", "486452656"),
            "899cf89e464efb63f54ddac96b0a0a235f53aa78"
        );
    }

    /// The safe-mode sample of WeChat's message crypto sample code (Token `spamtest`).
    #[test]
    fn the_documented_msg_signature() {
        assert_eq!(
            msg_signature(
                "spamtest",
                "1409735669",
                "1320562132",
                super::super::crypto::tests::SAMPLE_ENCRYPT
            ),
            "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
        );
    }

    #[test]
    fn comparison_ignores_case_and_refuses_other_lengths() {
        let s = signature("AAAAA", "1714037059", "486452656");
        assert!(signature_matches(&s, &s.to_uppercase()));
        assert!(!signature_matches(&s, &s[1..]));
        assert!(!signature_matches(&s, ""));
        let mut other = s.clone().into_bytes();
        other[0] = if other[0] == b'0' { b'1' } else { b'0' };
        assert!(!signature_matches(&s, std::str::from_utf8(&other).unwrap()));
    }
}
