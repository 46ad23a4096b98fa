//! What the bot weighs to judge whether an article answers a question: evidence read from both
//! ([`crate::reading`]), one vector per candidate article. The weights come from [`crate::model`].

use crate::library::Library;
use crate::reading::{HEAVY, QuestionReading};

/// The evidence, in the order the model's weights follow.
pub(crate) const NAMES: [&str; 13] = [
    "question covered by the article's head",
    "question covered by the whole article",
    "question's topics the article names",
    "question's topics the article's head names",
    "question's topics the article misses",
    "question's ways of asking the article names",
    "article's head topics the question names",
    "heaviest noun of the question the article misses",
    "heaviest noun of the question no article has",
    "article written for the question's project",
    "length of the question",
    "coverage behind the best candidate's",
    "topics behind the best candidate's",
];

pub(crate) type Evidence = [f32; NAMES.len()];

/// The evidence for each of `candidates` (articles by their place in `library`).
pub(crate) fn evidence(
    library: &Library,
    question: &QuestionReading,
    candidates: &[usize],
) -> Vec<Evidence> {
    let unknown = question
        .keywords
        .iter()
        .filter(|k| k.noun && !library.knows(&k.word))
        .map(|k| k.weight)
        .fold(0.0_f32, f32::max)
        / HEAVY;
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
            let missed_noun = question
                .keywords
                .iter()
                .filter(|k| k.noun && !all.has(k))
                .map(|k| k.weight)
                .fold(0.0_f32, f32::max)
                / HEAVY;
            [
                head.coverage(question),
                all.coverage(question),
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
                missed_noun,
                unknown,
                f32::from(u8::from(!library.articles()[slot].projects.is_empty())),
                question.keywords.len() as f32 / 20.0,
                0.0,
                0.0,
            ]
        })
        .collect();
    let best = |i: usize| rows.iter().map(|r| r[i]).fold(0.0_f32, f32::max);
    let (best_coverage, best_topics) = (best(1), best(2));
    for row in &mut rows {
        row[11] = row[1] - best_coverage;
        row[12] = row[2] - best_topics;
    }
    rows
}
