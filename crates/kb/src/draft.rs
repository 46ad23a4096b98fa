//! An article as an editor writes it, and what is wrong with it on its own: lengths and counts.
//! Whether its category and projects exist is for storage to say.

use guanjia_domain::validation::{Allowed, FieldErrorCode, Problems};

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 20_000;
/// Extra phrasings of the question, and the longest one.
pub const MAX_QUESTIONS: usize = 20;
pub const MAX_QUESTION: usize = 200;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 50;
/// Projects an article is written for.
pub const MAX_PROJECTS: usize = 200;

/// What an editor submits: a new article, or a new version of one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// A category code of the company's taxonomy.
    pub category: Option<String>,
    pub questions: Vec<String>,
    pub tags: Vec<String>,
    /// Empty: every project of the company.
    pub project_ids: Vec<String>,
}

impl Draft {
    /// The draft as it is kept: the title trimmed, blank and repeated phrasings, tags and
    /// projects dropped (in their first order), a blank category as none.
    pub fn tidy(self) -> Draft {
        Draft {
            title: self.title.trim().to_owned(),
            body: self.body,
            category: self
                .category
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty()),
            questions: distinct(self.questions),
            tags: distinct(self.tags),
            project_ids: distinct(self.project_ids),
        }
    }

    /// Every problem of the draft by itself, each naming its field.
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        p.text("title", &self.title, MAX_TITLE);
        p.text("body", &self.body, MAX_BODY);
        list(
            &mut p,
            "questions",
            &self.questions,
            MAX_QUESTIONS,
            MAX_QUESTION,
        );
        list(&mut p, "tags", &self.tags, MAX_TAGS, MAX_TAG);
        if self.project_ids.len() > MAX_PROJECTS {
            p.refuse(
                "project_ids",
                FieldErrorCode::TooLong,
                Allowed::Length {
                    min: 0,
                    max: MAX_PROJECTS,
                },
            );
        }
        p
    }
}

fn distinct(items: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim().to_owned();
        if !item.is_empty() && !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}

/// At most `most` items of at most `longest` characters each.
fn list(p: &mut Problems, field: &str, items: &[String], most: usize, longest: usize) {
    if items.len() > most {
        p.refuse(
            field,
            FieldErrorCode::TooLong,
            Allowed::Length { min: 0, max: most },
        );
    }
    if let Some(i) = items.iter().position(|q| q.chars().count() > longest) {
        p.refuse(
            format!("{field}[{i}]"),
            FieldErrorCode::TooLong,
            Allowed::Length {
                min: 1,
                max: longest,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guanjia_domain::validation::ValidationError;

    fn fields(draft: &Draft) -> Vec<String> {
        match draft.problems().into_result(()) {
            Ok(()) => vec![],
            Err(ValidationError(errors)) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn tidy_trims_and_drops_blank_and_repeated_items() {
        let draft = Draft {
            title: "  物业费怎么交 ".into(),
            body: "在物业服务中心交。".into(),
            category: Some(" ".into()),
            questions: vec!["物业费在哪交".into(), " ".into(), "物业费在哪交 ".into()],
            tags: vec!["缴费".into(), "缴费".into()],
            project_ids: vec!["p1".into(), "p1".into()],
        }
        .tidy();
        assert_eq!(draft.title, "物业费怎么交");
        assert_eq!(draft.category, None);
        assert_eq!(draft.questions, ["物业费在哪交"]);
        assert_eq!(draft.tags, ["缴费"]);
        assert_eq!(draft.project_ids, ["p1"]);
        assert!(fields(&draft).is_empty());
    }

    #[test]
    fn every_problem_names_its_field() {
        let draft = Draft {
            title: "题".repeat(MAX_TITLE + 1),
            body: String::new(),
            category: None,
            questions: vec!["问".repeat(MAX_QUESTION + 1)],
            tags: (0..=MAX_TAGS).map(|i| i.to_string()).collect(),
            project_ids: vec![],
        };
        assert_eq!(fields(&draft), ["title", "body", "questions[0]", "tags"]);
        let long_body = Draft {
            title: "题".into(),
            body: "字".repeat(MAX_BODY + 1),
            ..Draft::default()
        };
        assert_eq!(fields(&long_body), ["body"]);
    }
}
