//! The FAQ bot's judgement (智能客服): answer from an article when the question is plainly one
//! the article answers, otherwise hand off to a person — at once for repairs, complaints,
//! emergencies and anyone asking for a person, and whenever it does not know (a wrong answer
//! costs more than a hand-off).
//!
//! Search ranks articles; it does not say whether the best one answers. A model weighs the
//! evidence ([`crate::judge`]: how much of the question each candidate speaks of, on words,
//! sounds and concepts; which of the question's heaviest nouns no article has) into the
//! probability that it answers; below the model's threshold the question is handed off.

pub use guanjia_domain::kb::Handoff;
use guanjia_domain::taxonomy::{Kind, Urgency};
use serde::Serialize;

use crate::judge::evidence;
use crate::library::{IndexError, Library};
use crate::model::{CANDIDATES, TRAINED};
use crate::reading::QuestionReading;

/// How message understanding reads the question (the same reading ticket creation uses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub kind: Option<Kind>,
    /// How sure the reading of the kind is, 0–1.
    pub kind_confidence: f32,
    pub urgency: Urgency,
}

impl Reading {
    /// From message understanding's codes (its analysis): a kind it does not name is no kind,
    /// an urgency it does not name is normal.
    pub fn of_codes(kind: Option<&str>, kind_confidence: f32, urgency: &str) -> Self {
        Reading {
            kind: kind.and_then(|k| k.parse::<Kind>().ok()),
            kind_confidence,
            urgency: urgency.parse().unwrap_or(Urgency::Normal),
        }
    }
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

/// Probability at which an answer stands even when understanding reads a repair or complaint:
/// the question names the article's subject outright ("公摊电费为啥每月不一样" asks, whatever its tone).
const ANSWER_OVER_KIND_AT: f32 = 0.85;

/// How sure understanding must be of a repair or complaint to hand off on that reading alone:
/// below it, residents' plain questions (能带狗吗, 押金交多少) are too often read as complaints.
const KIND_SURE_AT: f32 = 0.65;

/// Articles suggested beside the answer or the hand-off.
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
    "找下客服",
    "叫客服",
    "有没有人工",
    "接人工",
    "叫人工",
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
    let model = &*TRAINED;
    let hits = library.search(text, project, CANDIDATES)?;
    let slots: Vec<usize> = hits.iter().map(|h| h.article).collect();
    let question = QuestionReading::new(text);
    let mut weighed: Vec<(usize, f32)> = slots
        .iter()
        .zip(evidence(library, &question, &slots))
        .map(|(&slot, evidence)| (slot, model.probability(&evidence)))
        .collect();
    // Search's order breaks ties: the sort is stable.
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1));
    prefer_own_project(library, project, model.threshold, &mut weighed);
    let suggestions = weighed
        .iter()
        .take(SUGGESTIONS)
        .map(|&(article, score)| Suggestion { article, score })
        .collect();
    let best = weighed.first().map(|&(article, confidence)| Answer {
        article,
        confidence,
    });
    let handoff = if asks_for_person(text) {
        Some(Handoff::AskedForPerson)
    } else if reading.urgency == Urgency::Emergency {
        Some(Handoff::Emergency)
    } else {
        let sure = |at: f32| best.as_ref().is_some_and(|b| b.confidence >= at);
        let over_kind = ANSWER_OVER_KIND_AT.max(model.threshold);
        let kind_sure = reading.kind_confidence >= KIND_SURE_AT;
        match reading.kind {
            Some(Kind::Repair) if kind_sure && !sure(over_kind) => Some(Handoff::Repair),
            Some(Kind::Complaint) if kind_sure && !sure(over_kind) => Some(Handoff::Complaint),
            _ if !sure(model.threshold) => Some(Handoff::NotKnown),
            _ => None,
        }
    };
    Ok(Reply {
        answer: if handoff.is_none() { best } else { None },
        handoff,
        suggestions,
    })
}

/// Share of the best candidate's probability at which the project's own article is taken in its
/// place: a project's own article wins over a company-wide one on the same question.
const OWN_PROJECT_AT: f32 = 0.4;

/// Moves the project's own article to the front when the best is company-wide and the own one is
/// nearly as likely (both answer; the own one says what holds in this project).
fn prefer_own_project(
    library: &Library,
    project: Option<&str>,
    threshold: f32,
    weighed: &mut [(usize, f32)],
) {
    let Some(project) = project else { return };
    let Some(&(best, best_p)) = weighed.first() else {
        return;
    };
    if library.articles()[best].is_for(project) {
        return;
    }
    let own = weighed.iter().position(|&(slot, p)| {
        library.articles()[slot].is_for(project) && p >= threshold && p >= OWN_PROJECT_AT * best_p
    });
    if let Some(at) = own {
        weighed[..=at].rotate_right(1);
    }
}

fn asks_for_person(text: &str) -> bool {
    PERSON.iter().any(|p| text.contains(p))
}
