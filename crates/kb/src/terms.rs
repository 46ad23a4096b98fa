//! What a text is made of, for search: its words, its pairs of characters and the sound of those
//! pairs. Residents write as they speak — padded, misspelt, with homophones (物业废 for 物业费) —
//! while articles are written by a service manager; the three layers let a question meet its
//! article on any of them: words where jieba cuts both the same, character pairs where it does
//! not, sounds where the characters differ but read alike.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use pinyin::ToPinyin;

/// jieba with the dictionary that ships inside its crate, loaded once.
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Words that carry no question of their own: particles, pronouns, politeness. Question words
/// (哪里, 多少, 几点) stay: they tell "where to pay" from "how much to pay".
pub(crate) const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "啊",
    "吧",
    "呀",
    "嘛",
    "哦",
    "哈",
    "么",
    "着",
    "过",
    "地",
    "得",
    "我",
    "我们",
    "你",
    "你们",
    "您",
    "他",
    "她",
    "它",
    "咱",
    "是",
    "在",
    "有",
    "和",
    "跟",
    "与",
    "就",
    "都",
    "也",
    "还",
    "又",
    "再",
    "请",
    "请问",
    "问",
    "问下",
    "问一下",
    "一下",
    "下",
    "麻烦",
    "你好",
    "您好",
    "谢谢",
    "感谢",
    "想",
    "想问",
    "要",
    "能",
    "能不能",
    "可以",
    "可不可以",
    "这个",
    "那个",
    "这",
    "那",
    "一个",
    "个",
    "什么",
    "怎么",
    "怎么样",
    "怎样",
    "如何",
    "现在",
    "一般",
    "物业",
    "客服",
    "管家",
    "好",
    "对",
    "不",
    "没",
    "没有",
    "会",
    "把",
    "被",
    "给",
    "让",
    "到",
    "从",
    "说",
];

/// Which layer a term belongs to; each is kept apart by a prefix, so a word never meets a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// A word as jieba cuts it (search mode: long words and their parts), or a Latin/digit word.
    Word,
    /// Two Han characters side by side.
    Pair,
    /// The toneless pinyin of two Han characters side by side; of a lone character, its own.
    Sound,
    /// A concept of the [`crate::thesaurus`] the text names in any of its forms.
    Concept,
}

impl Layer {
    fn prefix(self) -> &'static str {
        match self {
            Layer::Word => "w:",
            Layer::Pair => "b:",
            Layer::Sound => "p:",
            Layer::Concept => "c:",
        }
    }
}

/// One term of a text, with where it stands in the text (bytes), for highlighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub layer: Layer,
    /// The term as indexed: its layer's prefix and its text.
    pub text: String,
    pub from: usize,
    pub to: usize,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Full-width Latin letters and digits read as their ASCII twins, capitals as small letters.
fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The terms of `text` in order: every word, every pair, every sound and every concept.
pub fn terms(text: &str) -> Vec<Term> {
    let mut out = Vec::new();
    words(text, &mut out);
    han_runs(text, &mut out);
    for found in crate::thesaurus::concepts(text) {
        out.push(term(
            Layer::Concept,
            found.concept.to_string(),
            found.from,
            found.to,
        ));
    }
    out
}

fn words(text: &str, out: &mut Vec<Term>) {
    // jieba reads the folded text (ＷｉＦｉ would be four words); `origin` takes each of its
    // byte offsets back to the text's.
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let f = fold(c);
        origin.extend(std::iter::repeat_n(i, f.len_utf8()));
        folded.push(f);
    }
    origin.push(text.len());
    for token in JIEBA.cut_for_search(&folded, true) {
        let word = token.word.trim();
        let useful = word.chars().any(|c| is_han(c) || c.is_ascii_alphanumeric());
        if !useful || STOP_WORDS.contains(&word) {
            continue;
        }
        out.push(Term {
            layer: Layer::Word,
            text: format!("{}{}", Layer::Word.prefix(), word),
            from: origin[token.byte_start],
            to: origin[token.byte_end],
        });
    }
}

/// Pairs and sounds inside each run of Han characters. A run of one character has no pair; its
/// sound alone stands for it (涨, 修).
fn han_runs(text: &str, out: &mut Vec<Term>) {
    let mut run: Vec<(usize, char)> = Vec::new();
    let flush = |run: &mut Vec<(usize, char)>, out: &mut Vec<Term>| {
        let end = |i: usize, c: char| i + c.len_utf8();
        if run.len() == 1 {
            let (i, c) = run[0];
            if let Some(sound) = sound(c) {
                out.push(term(Layer::Sound, sound.to_string(), i, end(i, c)));
            }
        }
        for pair in run.windows(2) {
            let ((i, a), (j, b)) = (pair[0], pair[1]);
            out.push(term(Layer::Pair, format!("{a}{b}"), i, end(j, b)));
            if let (Some(x), Some(y)) = (sound(a), sound(b)) {
                out.push(term(Layer::Sound, format!("{x}_{y}"), i, end(j, b)));
            }
        }
        run.clear();
    };
    for (i, c) in text.char_indices() {
        if is_han(c) {
            run.push((i, c));
        } else {
            flush(&mut run, out);
        }
    }
    flush(&mut run, out);
}

fn term(layer: Layer, text: String, from: usize, to: usize) -> Term {
    Term {
        layer,
        text: format!("{}{}", layer.prefix(), text),
        from,
        to,
    }
}

fn sound(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.plain())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, layer: Layer) -> Vec<String> {
        terms(text)
            .into_iter()
            .filter(|t| t.layer == layer)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn a_homophone_misspelling_sounds_like_the_word() {
        let typed = texts("物业废怎么交", Layer::Sound);
        let meant = texts("物业费怎么交", Layer::Sound);
        assert!(typed.contains(&"p:ye_fei".to_string()));
        assert_eq!(typed, meant);
        assert_ne!(
            texts("物业废怎么交", Layer::Pair),
            texts("物业费怎么交", Layer::Pair)
        );
    }

    #[test]
    fn padding_is_not_a_word_and_latin_is_folded() {
        let words = texts("你好，请问一下ＷｉＦｉ密码是多少？", Layer::Word);
        assert!(words.contains(&"w:wifi".to_string()), "{words:?}");
        assert!(words.contains(&"w:密码".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "w:你好" || w == "w:请问"));
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "停车 月卡";
        for t in terms(text) {
            assert!(text.get(t.from..t.to).is_some(), "{t:?}");
        }
        let lone = texts("涨", Layer::Sound);
        assert_eq!(lone, vec!["p:zhang".to_string()]);
    }
}
