//! The passage of an article that shows why search found it: the window of its text where the
//! question's terms are densest, with each match marked. Matches are found on the same three
//! layers search ranks by, so a homophone (物业废) marks the word it sounds like (物业费).

use std::collections::HashSet;
use std::ops::Range;

use crate::terms::terms;

/// How far before its first match a passage starts, in characters: enough to read it in context.
const LEAD: usize = 12;

/// Matches looked at: a long article's first ones are enough to place the window.
const MAX_MATCHES: usize = 400;

/// A passage of an article's text and where the question's terms are in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// Byte ranges of `text`, in order, never overlapping, each on character boundaries.
    pub marks: Vec<Range<usize>>,
}

impl Excerpt {
    /// The marks as ranges of characters (Unicode scalar values), for readers outside Rust.
    pub fn char_marks(&self) -> Vec<(usize, usize)> {
        let at = |byte: usize| self.text[..byte].chars().count();
        self.marks
            .iter()
            .map(|m| (at(m.start), at(m.end)))
            .collect()
    }
}

/// The passage of at most `max_chars` characters of `text` that holds most of `question`'s
/// terms; the start of `text` when none is there.
pub fn excerpt(question: &str, text: &str, max_chars: usize) -> Excerpt {
    let wanted: HashSet<String> = terms(question).into_iter().map(|t| t.text).collect();
    let mut found: Vec<Range<usize>> = terms(text)
        .into_iter()
        .filter(|t| {
            t.from < t.to
                && text.is_char_boundary(t.from)
                && text.is_char_boundary(t.to)
                && wanted.contains(&t.text)
        })
        .map(|t| t.from..t.to)
        .collect();
    found.sort_by_key(|r| (r.start, r.end));
    let found = merged(found);
    let found = &found[..found.len().min(MAX_MATCHES)];
    let best = found
        .iter()
        .map(|first| {
            let window = window(text, first.start, max_chars);
            let inside = found
                .iter()
                .filter(|m| m.start >= window.start && m.end <= window.end)
                .count();
            (inside, window)
        })
        // The earliest of the densest windows: `max_by_key` would take the last.
        .fold(None::<(usize, Range<usize>)>, |best, (n, w)| match best {
            Some((m, _)) if m >= n => best,
            _ => Some((n, w)),
        });
    let window = best.map_or_else(|| window(text, 0, max_chars), |(_, w)| w);
    let marks = found
        .iter()
        .filter(|m| m.start >= window.start && m.end <= window.end)
        .map(|m| m.start - window.start..m.end - window.start)
        .collect();
    Excerpt {
        text: text[window].to_owned(),
        marks,
    }
}

/// Overlapping or touching ranges (sorted by start) as one.
fn merged(sorted: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The byte range of at most `max_chars` characters that starts [`LEAD`] characters before
/// byte `at` (a character boundary) or at the text's start.
fn window(text: &str, at: usize, max_chars: usize) -> Range<usize> {
    let start = text[..at]
        .char_indices()
        .rev()
        .take(LEAD)
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| start + i);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(e: &Excerpt) -> Vec<&str> {
        e.marks.iter().map(|m| &e.text[m.clone()]).collect()
    }

    #[test]
    fn marks_the_question_s_words_where_they_are_densest() {
        let body = format!(
            "{}物业费可在物业服务中心缴纳，也可以在微信公众号缴纳。",
            "小区介绍。".repeat(40)
        );
        let e = excerpt("物业费在哪里交", &body, 40);
        assert!(e.text.chars().count() <= 40);
        assert!(e.text.contains("物业费可在物业服务中心"), "{}", e.text);
        assert!(
            marked(&e).iter().any(|m| m.contains("物业费")),
            "{:?}",
            marked(&e)
        );
        for m in &e.marks {
            assert!(e.text.is_char_boundary(m.start) && e.text.is_char_boundary(m.end));
        }
    }

    #[test]
    fn a_homophone_marks_the_word_it_sounds_like() {
        let e = excerpt("物业废怎么交", "物业费每季度缴纳一次。", 100);
        assert!(marked(&e).concat().contains("物业费"), "{:?}", marked(&e));
    }

    #[test]
    fn without_a_match_the_start_and_character_marks_count_characters() {
        let e = excerpt("停车", "门禁卡补办请带身份证。", 5);
        assert_eq!((e.text.as_str(), e.marks.len()), ("门禁卡补办", 0));
        let e = excerpt("门禁卡", "关于门禁卡", 10);
        assert_eq!(e.char_marks().first().map(|m| m.0), Some(2));
    }
}
