//! An article as search and the bot see it: what it answers and where it applies.

use serde::{Deserialize, Serialize};

/// A published article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Other ways residents ask the same question; most articles have none.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Its category in the taxonomy, if it has one.
    #[serde(default)]
    pub category: Option<String>,
    /// The projects it is written for; empty: every project of the company. A project's own
    /// article wins over a company-wide one on the same question.
    #[serde(default)]
    pub projects: Vec<String>,
}

impl Article {
    /// What the article answers: its title and its extra phrasings.
    pub fn head(&self) -> String {
        let mut head = self.title.clone();
        for question in &self.questions {
            head.push('\n');
            head.push_str(question);
        }
        head
    }

    /// Written for `project` itself, not company-wide.
    pub fn is_for(&self, project: &str) -> bool {
        self.projects.iter().any(|p| p == project)
    }
}
