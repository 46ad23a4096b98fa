//! Numbers as residents write them: ASCII digits or Chinese numerals (三, 十二, 二十三, 两, 十几).

/// The value of `text`, written in ASCII digits or Chinese numerals; `None` when it is not a number.
///
/// 几 ("some") counts as 1 after a ten, so "十几次" reads as at least 11: callers only use such
/// numbers as lower bounds. Values that would overflow are rejected rather than wrapped.
pub fn parse_number(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let mut total: u32 = 0;
    // The digit waiting for its multiplier (十, 百, 千), or a run of digits read positionally (一五零二).
    let mut pending: Option<u32> = None;
    let mut saw_multiplier = false;
    for ch in text.chars() {
        match ch {
            '十' | '百' | '千' => {
                let scale = match ch {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                total = total.checked_add(pending.unwrap_or(1).checked_mul(scale)?)?;
                pending = None;
                saw_multiplier = true;
            }
            '几' if saw_multiplier => pending = Some(pending.unwrap_or(0).checked_add(1)?),
            _ => {
                let digit = chinese_digit(ch).or_else(|| ch.to_digit(10))?;
                pending = Some(match pending {
                    Some(previous) if !saw_multiplier => {
                        previous.checked_mul(10)?.checked_add(digit)?
                    }
                    _ => digit,
                });
            }
        }
    }
    total.checked_add(pending.unwrap_or(0))
}

fn chinese_digit(ch: char) -> Option<u32> {
    Some(match ch {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn reads_ascii_and_chinese_numbers() {
        assert_eq!(parse_number("3"), Some(3));
        assert_eq!(parse_number("三"), Some(3));
        assert_eq!(parse_number("两"), Some(2));
        assert_eq!(parse_number("十"), Some(10));
        assert_eq!(parse_number("十二"), Some(12));
        assert_eq!(parse_number("二十"), Some(20));
        assert_eq!(parse_number("二十三"), Some(23));
        assert_eq!(parse_number("一百零五"), Some(105));
        assert_eq!(parse_number("一五零二"), Some(1502));
    }

    #[test]
    fn reads_vague_tens_as_a_lower_bound() {
        assert_eq!(parse_number("十几"), Some(11));
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("几"), None);
        assert_eq!(parse_number("三楼"), None);
        assert_eq!(parse_number("99999999999999999999"), None);
        assert_eq!(parse_number("千千千千千千千千千千千千"), Some(12_000));
    }
}
