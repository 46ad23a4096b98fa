//! One-pass matching of word lists against a message, shared by every stage of the analysis.

use aho_corasick::{AhoCorasick, MatchKind};

/// A compiled word list whose words each belong to an owner (a category, a rule, a synonym).
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    automaton: AhoCorasick,
    overlapping: bool,
    words: Vec<String>,
    owners: Vec<T>,
    /// Words made only of ASCII letters and digits (12345, wifi) match whole tokens only, so a
    /// licence plate like 浙A12345 is not a call to the 12345 hotline.
    whole_token: Vec<bool>,
}

/// One occurrence of a word in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'s, T> {
    pub owner: T,
    pub word: &'s str,
    pub start: usize,
    pub end: usize,
}

/// A word list too large for the matcher (far beyond any hand-written vocabulary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge(pub String);

impl<T: Copy> PhraseSet<T> {
    /// Non-overlapping, leftmost-longest matching: a longer phrase (插座没电) wins over a word
    /// inside it (没电), so vocabularies use compound phrases to say what a short word means there.
    pub fn longest<'a>(entries: impl IntoIterator<Item = (T, &'a str)>) -> Result<Self, TooLarge> {
        Self::build(entries, false)
    }

    /// Every occurrence of every word, also inside longer words: for lists where each word is
    /// independent evidence (an emergency word must never hide another).
    pub fn overlapping<'a>(
        entries: impl IntoIterator<Item = (T, &'a str)>,
    ) -> Result<Self, TooLarge> {
        Self::build(entries, true)
    }

    fn build<'a>(
        entries: impl IntoIterator<Item = (T, &'a str)>,
        overlapping: bool,
    ) -> Result<Self, TooLarge> {
        // An empty word would match everywhere.
        let (owners, words): (Vec<T>, Vec<String>) = entries
            .into_iter()
            .filter(|(_, word)| !word.is_empty())
            .map(|(owner, word)| (owner, word.to_owned()))
            .unzip();
        let whole_token = words
            .iter()
            .map(|word| word.bytes().all(|b| b.is_ascii_alphanumeric()))
            .collect();
        let kind = if overlapping {
            MatchKind::Standard
        } else {
            MatchKind::LeftmostLongest
        };
        let automaton = AhoCorasick::builder()
            .match_kind(kind)
            .build(&words)
            .map_err(|error| TooLarge(error.to_string()))?;
        Ok(PhraseSet {
            automaton,
            overlapping,
            words,
            owners,
            whole_token,
        })
    }

    /// Occurrences left to right.
    pub fn hits<'s>(&'s self, text: &'s str) -> Vec<Hit<'s, T>> {
        let found: Vec<aho_corasick::Match> = if self.overlapping {
            self.automaton.find_overlapping_iter(text).collect()
        } else {
            self.automaton.find_iter(text).collect()
        };
        found
            .into_iter()
            .filter_map(|found| {
                let pattern = found.pattern().as_usize();
                let (start, end) = (found.start(), found.end());
                if self.whole_token[pattern] && !is_token(text, start, end) {
                    return None;
                }
                Some(Hit {
                    owner: self.owners[pattern],
                    word: &self.words[pattern],
                    start,
                    end,
                })
            })
            .collect()
    }
}

/// True when the ASCII word at `start..end` is not glued to other ASCII letters or digits.
fn is_token(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    ![before, after]
        .into_iter()
        .flatten()
        .any(|ch| ch.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners<T: Copy>(set: &PhraseSet<T>, text: &str) -> Vec<T> {
        set.hits(text).iter().map(|hit| hit.owner).collect()
    }

    #[test]
    fn longest_phrase_wins() {
        let set = PhraseSet::longest([(0, "没电"), (1, "插座没电")]).unwrap();
        assert_eq!(owners(&set, "客厅插座没电了"), vec![1]);
    }

    #[test]
    fn overlapping_sets_see_every_word() {
        let set = PhraseSet::overlapping([(0, "没电"), (1, "插座没电")]).unwrap();
        let mut seen = owners(&set, "客厅插座没电了");
        seen.sort();
        assert_eq!(seen, vec![0, 1]);
    }

    #[test]
    fn ascii_words_match_whole_tokens_only() {
        let set = PhraseSet::longest([((), "12345")]).unwrap();
        assert!(set.hits("车牌浙a12345").is_empty());
        assert_eq!(set.hits("我要打12345投诉").len(), 1);
    }

    #[test]
    fn empty_words_are_ignored() {
        let set = PhraseSet::longest([(0, ""), (1, "漏水")]).unwrap();
        let hits = set.hits("漏水");
        assert_eq!(
            hits,
            vec![Hit {
                owner: 1,
                word: "漏水",
                start: 0,
                end: 6
            }]
        );
    }
}
