//! Phone numbers: one normal form for matching callers across channels, and masking for lists.

/// The normal form of a phone number: digits only, without the +86 / 0086 country prefix.
/// Accepts mainland mobiles (11 digits, 1[3-9]…) and landlines with area code (0 + 9–11 digits).
/// Returns `None` for anything else.
pub fn normalize_phone(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for (i, ch) in input.trim().chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' | '-' | '(' | ')' => {}
            '+' if i == 0 => {}
            _ => return None,
        }
    }
    let national = digits
        .strip_prefix("0086")
        .or_else(|| {
            if input.trim_start().starts_with('+') {
                digits.strip_prefix("86")
            } else {
                None
            }
        })
        .unwrap_or(&digits);
    let bytes = national.as_bytes();
    let mobile = bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]);
    let landline = (10..=12).contains(&bytes.len()) && bytes[0] == b'0';
    (mobile || landline).then(|| national.to_owned())
}

/// Masks the middle of a number for lists and exports: `13812345678` → `138****5678`.
/// Whatever the input, at most the first three and last four characters stay visible.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_normalise() {
        assert_eq!(
            normalize_phone("138 1234 5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalize_phone("+86 138-1234-5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalize_phone("0086 13812345678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalize_phone("(0755) 2345-6789").as_deref(),
            Some("075523456789")
        );
        assert_eq!(
            normalize_phone("021-12345678").as_deref(),
            Some("02112345678")
        );
    }

    #[test]
    fn other_strings_are_not_phones() {
        for bad in [
            "",
            "12345",
            "12812345678",
            "1381234567a",
            "138123456789",
            "电话13812345678",
            "+8613",
        ] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn masking_keeps_three_and_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("02112345678"), "021****5678");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone("电话号码一二三四五"), "电话号**二三四五");
    }
}
