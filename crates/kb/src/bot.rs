//! The FAQ bot's judgement (智能客服): answer from an article when the question is plainly one
//! the article answers, otherwise hand off to a person — at once for repairs, complaints,
//! emergencies and anyone asking for a person, and whenever it does not know (a wrong answer
//! costs more than a hand-off).
//!
//! Search ranks articles; it does not say whether the best one answers. That is measured here as
//! coverage: how much of what the question asks (its rare terms weigh most) the article speaks
//! of, on words and on sounds (so homophone misspellings still count). A question about what no
//! article mentions ("why did the fee go up") leaves its rarest term uncovered and is handed off.

use std::collections::HashSet;

use guanjia_domain::taxonomy::{Kind, Urgency};
use serde::Serialize;

use crate::library::{IndexError, Library};
use crate::terms::{Layer, terms};

/// How message understanding reads the question (the same reading ticket creation uses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub kind: Option<Kind>,
    /// How sure the reading of the kind is, 0–1.
    pub kind_confidence: f32,
    pub urgency: Urgency,
}

/// Why a person takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handoff {
    /// The resident asked for a person (转人工).
    AskedForPerson,
    /// Danger now: gas, fire, flooding, people trapped.
    Emergency,
    /// Something is broken: a ticket, not an article.
    Repair,
    /// Dissatisfaction: a person listens.
    Complaint,
    /// No article answers it well enough.
    NotKnown,
}

/// The article that answers, and how sure the bot is (0–1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub article: usize,
    pub confidence: f32,
}

/// An article that may help, for the agent or the resident to pick.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub article: usize,
    pub score: f32,
}

/// What the bot does with a question: answer it, or hand it off (never both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    pub answer: Option<Answer>,
    pub handoff: Option<Handoff>,
    pub suggestions: Vec<Suggestion>,
}

/// Coverage at or above which the best article is given as the answer.
const ANSWER_AT: f32 = 0.55;

/// Coverage at which an answer stands even when understanding reads a repair or complaint: the
/// question names the article's subject outright ("报修电话是多少" is a question, not a repair).
const ANSWER_OVER_KIND_AT: f32 = 0.8;

/// How much a project's own article is preferred to a company-wide one that covers as much.
const OWN_PROJECT: f32 = 1.1;

/// Articles weighed for the answer, and suggested.
const CANDIDATES: usize = 8;
const SUGGESTIONS: usize = 3;

/// Ways of asking for a person rather than an answer.
const PERSON: &[&str] = &[
    "转人工",
    "人工客服",
    "人工服务",
    "找人工",
    "要人工",
    "真人",
    "找客服",
    "找你们经理",
    "找经理",
    "找领导",
    "打电话给我",
    "给我回电",
    "回个电话",
];

/// Answers `text` asked in `project` from `library`, or hands it off.
pub fn ask(
    library: &Library,
    text: &str,
    project: Option<&str>,
    reading: Reading,
) -> Result<Reply, IndexError> {
    let hits = library.search(text, project, CANDIDATES)?;
    let question = QuestionTerms::new(library, text)?;
    let mut weighed: Vec<(usize, f32, f32)> = hits
        .iter()
        .map(|hit| {
            let article = &library.articles()[hit.article];
            let mut coverage = question.coverage(&format!("{}\n{}", article.head(), article.body));
            if project.is_some_and(|p| article.is_for(p)) {
                coverage = (coverage * OWN_PROJECT).min(1.0);
            }
            (hit.article, coverage, hit.score)
        })
        .collect();
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)));
    let suggestions = weighed
        .iter()
        .take(SUGGESTIONS)
        .map(|&(article, coverage, _)| Suggestion {
            article,
            score: coverage,
        })
        .collect();
    let best = weighed.first().map(|&(article, confidence, _)| Answer {
        article,
        confidence,
    });
    let handoff = if asks_for_person(text) {
        Some(Handoff::AskedForPerson)
    } else if reading.urgency == Urgency::Emergency {
        Some(Handoff::Emergency)
    } else {
        let sure = |at: f32| best.as_ref().is_some_and(|b| b.confidence >= at);
        match reading.kind {
            Some(Kind::Repair) if !sure(ANSWER_OVER_KIND_AT) => Some(Handoff::Repair),
            Some(Kind::Complaint) if !sure(ANSWER_OVER_KIND_AT) => Some(Handoff::Complaint),
            _ if !sure(ANSWER_AT) => Some(Handoff::NotKnown),
            _ => None,
        }
    };
    Ok(Reply {
        answer: if handoff.is_none() { best } else { None },
        handoff,
        suggestions,
    })
}

/// Every candidate's features, for tuning on the dev set: (article, BM25 score, coverage).
pub fn candidates(
    library: &Library,
    text: &str,
    project: Option<&str>,
) -> Result<Vec<(usize, f32, f32, f32, f32)>, IndexError> {
    let hits = library.search(text, project, CANDIDATES)?;
    let question = QuestionTerms::new(library, text)?;
    let mut out = Vec::new();
    for hit in &hits {
        let article = &library.articles()[hit.article];
        let coverage = question.coverage(&format!("{}\n{}", article.head(), article.body));
        let head = question.coverage(&article.head());
        // The reverse: how much of the article's head the question speaks of.
        let reverse = QuestionTerms::new(library, &article.head())?.coverage(text);
        out.push((hit.article, hit.score, coverage, head, reverse));
    }
    Ok(out)
}

fn asks_for_person(text: &str) -> bool {
    PERSON.iter().any(|p| text.contains(p))
}

/// A question's words and concepts, each weighed by how rare it is in the library. A word no
/// article has weighs as a rare one, by `UNKNOWN`: it may be the question's crux (涨 in "why did
/// the fee go up") or padding (我刚买了车), and only the rest of the question tells which.
struct QuestionTerms {
    terms: Vec<QuestionTerm>,
}

struct QuestionTerm {
    text: String,
    /// The word's sound, pair by pair (a concept has none): a homophone misspelling is covered
    /// where every pair sounds as in the article.
    sounds: Vec<String>,
    weight: f32,
}

/// The weight of a word no article has, against the rarest known one's.
const UNKNOWN: f32 = 0.5;

impl QuestionTerms {
    fn new(library: &Library, text: &str) -> Result<Self, IndexError> {
        let all = terms(text);
        let mut seen = HashSet::new();
        let mut terms = Vec::new();
        for term in all
            .iter()
            .filter(|t| matches!(t.layer, Layer::Word | Layer::Concept))
        {
            if !seen.insert(term.text.clone()) {
                continue;
            }
            let sounds = if term.layer == Layer::Word {
                all.iter()
                    .filter(|s| s.layer == Layer::Sound && s.from >= term.from && s.to <= term.to)
                    .map(|s| s.text.clone())
                    .collect()
            } else {
                Vec::new()
            };
            terms.push(QuestionTerm {
                text: term.text.clone(),
                sounds,
                weight: 0.0,
            });
        }
        let names: Vec<&str> = terms.iter().map(|t| t.text.as_str()).collect();
        let (rarity, known) = library.rarity(&names)?;
        let rarest = rarity
            .iter()
            .zip(&known)
            .filter(|(_, k)| **k)
            .map(|(r, _)| *r)
            .fold(0.0_f32, f32::max);
        for ((term, r), k) in terms.iter_mut().zip(rarity).zip(known) {
            term.weight = if k { r } else { rarest.max(1.0) * UNKNOWN };
        }
        Ok(QuestionTerms { terms })
    }

    /// The share of the question's weight that `text` speaks of.
    fn coverage(&self, text: &str) -> f32 {
        let present: HashSet<String> = terms(text).into_iter().map(|t| t.text).collect();
        let total: f32 = self.terms.iter().map(|t| t.weight).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let covered: f32 = self
            .terms
            .iter()
            .filter(|t| {
                present.contains(&t.text)
                    || (!t.sounds.is_empty() && t.sounds.iter().all(|s| present.contains(s)))
            })
            .map(|t| t.weight)
            .sum();
        covered / total
    }
}
