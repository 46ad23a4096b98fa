//! Percent-encoding as Alibaba Cloud's RPC signature wants it (RFC 3986): letters, digits and
//! `-_.~` stay, everything else is `%XY` in capitals, a space `%20` (not `+`), `*` `%2A`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

const POP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` percent-encoded for Alibaba Cloud's canonical query string.
pub fn pop_encode(text: &str) -> String {
    utf8_percent_encode(text, POP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_signature_documentation_says() {
        assert_eq!(pop_encode("a b"), "a%20b");
        assert_eq!(pop_encode("*"), "%2A");
        assert_eq!(pop_encode("~-_."), "~-_.");
        assert_eq!(pop_encode("/=&+"), "%2F%3D%26%2B");
        assert_eq!(pop_encode("\""), "%22");
        assert_eq!(pop_encode("派"), "%E6%B4%BE");
    }
}
