//! The labelled sets shipped with the crate: the evaluation's company (articles, a dev set and a
//! blind set) and two other companies' articles the model is trained on (`train/`).

use crate::article::Article;

/// The evaluation's articles: a property company's FAQ (和泰物业, three projects).
pub const ARTICLES: &str = include_str!("../eval/articles.jsonl");
/// Questions the bot may be tuned on.
pub const DEV: &str = include_str!("../eval/questions-dev.jsonl");
/// Questions written apart from the bot and never tuned on; the floors stand here.
pub const BLIND: &str = include_str!("../eval/questions-blind.jsonl");
/// Two other companies' FAQs, the model's training articles (for volume in measurements).
pub const TRAINING_ARTICLES: [&str; 2] = [
    include_str!("../train/articles-a.jsonl"),
    include_str!("../train/articles-b.jsonl"),
];

/// Reads a JSON Lines file of articles.
pub fn parse_articles(jsonl: &str) -> Result<Vec<Article>, serde_json::Error> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}
