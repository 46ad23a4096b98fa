//! How the bot reads a question and an article to judge whether one answers the other: the
//! question's key words, each weighed by how much it says in Chinese at large (jieba's inverse
//! document frequencies: 母婴室 says much, 一下 little), and the concepts of the
//! [`crate::thesaurus`] both name. An article's reading is made once, when its library is built.

use std::collections::HashSet;
use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, TfIdf};
use pinyin::ToPinyin;

use crate::terms::{JIEBA, STOP_WORDS};
use crate::thesaurus::{Group, concepts};

/// jieba's inverse document frequencies, shipped inside its crate.
static IDF: LazyLock<TfIdf> = LazyLock::new(TfIdf::default);

/// The weight of a word at which it counts fully as a noun left unanswered (the median word of
/// jieba's table weighs about 12).
pub(crate) const HEAVY: f32 = 12.0;

/// Part-of-speech tags of words that name things (nouns, nominal verbs, idioms, Latin words).
fn names_a_thing(tag: &str) -> bool {
    ["n", "vn", "eng", "j"].iter().any(|t| tag.starts_with(t))
}

/// A word of the question that carries meaning.
#[derive(Debug, Clone)]
pub(crate) struct Keyword {
    pub word: String,
    /// Its toneless pinyin, syllables joined by spaces: a homophone misspelling (物业废) is found
    /// by the sound of the article's word (物业费).
    pub sound: String,
    pub weight: f32,
    pub noun: bool,
}

/// A question as the judgement reads it.
#[derive(Debug, Clone)]
pub(crate) struct QuestionReading {
    pub keywords: Vec<Keyword>,
    pub topics: HashSet<&'static str>,
    pub asks: HashSet<&'static str>,
}

impl QuestionReading {
    pub fn new(text: &str) -> Self {
        let text = fold(text);
        let found = concepts(&text);
        let mut topics = HashSet::new();
        let mut asks = HashSet::new();
        // A word that is a concept's form is read as the concept, not again as a word.
        let mut rest = text.clone().into_bytes();
        for f in &found {
            match f.group {
                Group::Topic => topics.insert(f.concept),
                Group::Ask => asks.insert(f.concept),
            };
            rest[f.from..f.to].fill(b' ');
        }
        let rest = String::from_utf8(rest).unwrap_or_default();
        let mut seen = HashSet::new();
        let mut keywords = Vec::new();
        for tag in JIEBA.tag(&rest, true) {
            let word = tag.word.trim();
            let meaningful = word.chars().any(|c| c.is_alphanumeric());
            if !meaningful || STOP_WORDS.contains(&word) || !seen.insert(word.to_string()) {
                continue;
            }
            let weight = idf(word);
            if weight <= 0.0 {
                continue;
            }
            keywords.push(Keyword {
                word: word.to_string(),
                sound: sound(word),
                weight,
                noun: names_a_thing(tag.tag),
            });
        }
        QuestionReading {
            keywords,
            topics,
            asks,
        }
    }
}

/// How much a word says, by jieba's table; 0 for what jieba holds to be no keyword at all (single
/// characters, its stop words).
fn idf(word: &str) -> f32 {
    IDF.extract_keywords(&JIEBA, word, 1, Vec::new())
        .first()
        .map(|k| k.weight as f32)
        .unwrap_or(0.0)
}

/// A text (an article's head, or all of it) as the judgement reads it.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    text: String,
    words: HashSet<String>,
    sound: String,
    pub topics: HashSet<&'static str>,
    pub asks: HashSet<&'static str>,
}

impl Page {
    pub fn new(text: &str) -> Self {
        let text = fold(text);
        let mut topics = HashSet::new();
        let mut asks = HashSet::new();
        for f in concepts(&text) {
            match f.group {
                Group::Topic => topics.insert(f.concept),
                Group::Ask => asks.insert(f.concept),
            };
        }
        let words = JIEBA
            .cut(&text, true)
            .into_iter()
            .map(|w| w.word.to_string())
            .collect();
        Page {
            sound: format!(" {} ", sound(&text)),
            words,
            text,
            topics,
            asks,
        }
    }

    /// Whether the page speaks of `keyword`: as a word, inside a longer one, or by its sound.
    pub fn has(&self, keyword: &Keyword) -> bool {
        self.has_word(&keyword.word)
            || (keyword.word.chars().count() > 1
                && !keyword.sound.is_empty()
                && self.sound.contains(&format!(" {} ", keyword.sound)))
    }

    /// Whether the page has `word`, as a word or inside a longer one.
    pub fn has_word(&self, word: &str) -> bool {
        self.words.contains(word) || (word.chars().count() > 1 && self.text.contains(word))
    }
}

/// Full-width Latin letters and digits as their ASCII twins, capitals as small letters.
fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The toneless pinyin of the Han characters of `text`, syllables joined by spaces; anything
/// else splits the syllables as a space would.
fn sound(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push_str(p.plain());
            }
            None => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_weighs_its_crux_above_its_padding() {
        let q = QuestionReading::new("你好，我就是想问一下附近的火锅好吃吗");
        let heaviest = q
            .keywords
            .iter()
            .max_by(|a, b| a.weight.total_cmp(&b.weight));
        assert_eq!(heaviest.map(|k| k.word.as_str()), Some("火锅"), "{q:?}");
        assert!(!q.keywords.iter().any(|k| k.word == "你好"));
    }

    #[test]
    fn a_homophone_misspelling_is_found_by_its_sound() {
        let page = Page::new("物业费的收费标准");
        let typo = Keyword {
            word: "勿业".to_string(),
            sound: sound("勿业"),
            weight: HEAVY,
            noun: true,
        };
        assert!(page.has(&typo), "{typo:?}");
        assert!(!page.has_word("勿业"));
    }

    #[test]
    fn concepts_are_read_apart_from_words() {
        let q = QuestionReading::new("管理费多少钱一个月");
        assert!(q.topics.contains("property_fee"));
        assert!(q.asks.contains("price"));
        assert!(!q.keywords.iter().any(|k| k.word == "管理费"));
    }
}
