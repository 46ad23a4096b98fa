//! What the bot weighs to judge whether an article answers a question: evidence read from both
//! ([`crate::reading`]), one vector per candidate article. The weights come from [`crate::model`].
//!
//! A question's terms are its key words (weighed by jieba's inverse document frequencies) and the
//! topics of the thesaurus it names (weighed by how rare they are among the articles: 洗车 tells
//! more than 车). Evidence is how much of that weight an article speaks of, and the heaviest term
//! it leaves unanswered — which no article at all may speak of.

use std::collections::HashSet;

use crate::library::Library;
use crate::reading::{HEAVY, Page, QuestionReading};

/// The evidence, in the order the model's weights follow.
pub(crate) const NAMES: [&str; 14] = [
    "question covered by the article's head",
    "question covered by the whole article",
    "question's topics the article names",
    "question's topics the article's head names",
    "question's topics the article misses",
    "question's ways of asking the article names",
    "article's head topics the question names",
    "heaviest term of the question the article misses",
    "heaviest term of the question no article has",
    "article written for the question's project",
    "length of the question",
    "coverage behind the best candidate's",
    "question's nouns covered by the article's head",
    "question's nouns covered by the whole article",
];

pub(crate) type Evidence = [f32; NAMES.len()];

/// The weight of a topic that no article names, against the heaviest key word (1).
const TOPIC: f32 = 1.0;

/// A question's terms with their weights (0–1), and whether a page speaks of each.
struct Weighed<'q> {
    question: &'q QuestionReading,
    /// Per topic, in `question.topics` order.
    topics: Vec<(&'static str, f32)>,
}

impl<'q> Weighed<'q> {
    fn new(library: &Library, question: &'q QuestionReading) -> Self {
        let mut topics: Vec<(&'static str, f32)> = question
            .topics
            .iter()
            .map(|&c| (c, TOPIC * library.concept_rarity(c)))
            .collect();
        topics.sort_by(|a, b| a.0.cmp(b.0));
        Weighed { question, topics }
    }

    /// The share of the question's weight `page` speaks of; with `nouns`, of its nouns and topics only.
    fn coverage(&self, page: &Page, nouns: bool) -> f32 {
        let mut total = 0.0;
        let mut covered = 0.0;
        for k in self.question.keywords.iter().filter(|k| !nouns || k.noun) {
            let w = (k.weight / HEAVY).min(1.5);
            total += w;
            if page.has(k) {
                covered += w;
            }
        }
        for &(c, w) in &self.topics {
            total += w;
            if page.topics.contains(c) {
                covered += w;
            }
        }
        if total <= 0.0 { 0.5 } else { covered / total }
    }

    /// The heaviest noun or topic of the question for which `speaks` is false.
    fn heaviest_missed(&self, speaks_word: impl Fn(&str) -> bool, names: &HashSet<&str>) -> f32 {
        let words = self
            .question
            .keywords
            .iter()
            .filter(|k| k.noun && !speaks_word(&k.word))
            .map(|k| (k.weight / HEAVY).min(1.5));
        let topics = self
            .topics
            .iter()
            .filter(|(c, _)| !names.contains(c))
            .map(|&(_, w)| w);
        words.chain(topics).fold(0.0_f32, f32::max)
    }
}

/// The evidence for each of `candidates` (articles by their place in `library`).
pub(crate) fn evidence(
    library: &Library,
    question: &QuestionReading,
    candidates: &[usize],
) -> Vec<Evidence> {
    let weighed = Weighed::new(library, question);
    // A topic no article names has its rarity at 1; a word no article has, no index term.
    let known_topics: HashSet<&str> = weighed
        .topics
        .iter()
        .filter(|(c, _)| library.concept_rarity(c) < 1.0)
        .map(|(c, _)| *c)
        .collect();
    let unknown = weighed.heaviest_missed(|w| library.knows(w), &known_topics);
    let share = |named: usize, of: usize| {
        if of == 0 {
            0.5
        } else {
            named as f32 / of as f32
        }
    };
    let mut rows: Vec<Evidence> = candidates
        .iter()
        .map(|&slot| {
            let (head, all) = library.reading(slot);
            let topics = question.topics.len();
            let named = question.topics.intersection(&all.topics).count();
            let head_topics = head.topics.len();
            [
                weighed.coverage(head, false),
                weighed.coverage(all, false),
                share(named, topics),
                share(question.topics.intersection(&head.topics).count(), topics),
                (topics - named).min(3) as f32 / 3.0,
                share(
                    question.asks.intersection(&all.asks).count(),
                    question.asks.len(),
                ),
                if head_topics == 0 {
                    0.0
                } else {
                    head.topics.intersection(&question.topics).count() as f32 / head_topics as f32
                },
                weighed.heaviest_missed(|w| all.has_word(w), &all.topics),
                unknown,
                f32::from(u8::from(!library.articles()[slot].projects.is_empty())),
                (question.keywords.len() + topics) as f32 / 20.0,
                0.0,
                weighed.coverage(head, true),
                weighed.coverage(all, true),
            ]
        })
        .collect();
    let best_coverage = rows.iter().map(|r| r[1]).fold(0.0_f32, f32::max);
    for row in &mut rows {
        row[11] = row[1] - best_coverage;
    }
    rows
}
