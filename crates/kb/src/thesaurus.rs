//! Words that mean the same thing at a property company's service desk (管理费 is 物业费, 包月 is
//! a 月卡), and the ways of asking the same kind of question (多少钱 and 咋收费 both ask a price).
//! A text that contains any form of a concept carries the concept as a term of its own, so a
//! resident's word meets the manager's.
//!
//! The concepts are data (`data/thesaurus.json`), written from the desk's vocabulary — never from
//! the evaluation sets' questions.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

/// What a concept names: a thing asked about, or a way of asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// What the question is about: 物业费, 月卡, 装修押金.
    Topic,
    /// What it asks of that: a price, a place, a time, how to.
    Ask,
}

#[derive(Deserialize)]
struct Entry {
    concept: String,
    group: Group,
    forms: Vec<String>,
}

/// A concept named in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub concept: &'static str,
    pub group: Group,
    /// Where its form stands in the text (bytes).
    pub from: usize,
    pub to: usize,
}

struct Thesaurus {
    matcher: AhoCorasick,
    /// For each distinct form, every concept it belongs to (a form may name a narrow concept and
    /// a broad one: 月卡 is monthly parking and parking).
    concepts_of: Vec<Vec<(&'static str, Group)>>,
}

static THESAURUS: LazyLock<Thesaurus> = LazyLock::new(|| {
    let entries: Vec<Entry> = serde_json::from_str(include_str!("../data/thesaurus.json"))
        .expect("data/thesaurus.json is checked by this module's tests");
    let mut forms: Vec<String> = Vec::new();
    let mut concepts_of: Vec<Vec<(&'static str, Group)>> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for entry in entries {
        // Leaked once for the life of the process: concept names are answered as &'static str.
        let name: &'static str = Box::leak(entry.concept.into_boxed_str());
        for form in entry.forms {
            let form = form.to_lowercase();
            let at = *slot.entry(form.clone()).or_insert_with(|| {
                forms.push(form);
                concepts_of.push(Vec::new());
                concepts_of.len() - 1
            });
            if !concepts_of[at].iter().any(|(c, _)| *c == name) {
                concepts_of[at].push((name, entry.group));
            }
        }
    }
    Thesaurus {
        matcher: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&forms)
            .expect("the thesaurus's forms are plain strings"),
        concepts_of,
    }
});

/// The concepts `text` speaks of, in order, each with where its form stands.
pub fn concepts(text: &str) -> Vec<Found> {
    let thesaurus = &*THESAURUS;
    thesaurus
        .matcher
        .find_iter(text)
        .flat_map(|m| {
            thesaurus.concepts_of[m.pattern().as_usize()]
                .iter()
                .map(move |&(concept, group)| Found {
                    concept,
                    group,
                    from: m.start(),
                    to: m.end(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&'static str> {
        concepts(text).into_iter().map(|c| c.concept).collect()
    }

    #[test]
    fn a_residents_word_names_the_managers_concept() {
        assert!(names("管理费咋交").contains(&"property_fee"));
        assert!(names("物业费怎么交").contains(&"property_fee"));
        assert!(names("地库包月多少钱").contains(&"monthly_parking"));
        assert!(names("地库包月多少钱").contains(&"price"));
        assert!(names("EV充电").contains(&"ev_charging"));
    }

    #[test]
    fn every_form_is_a_real_phrase() {
        let entries: Vec<Entry> =
            serde_json::from_str(include_str!("../data/thesaurus.json")).expect("valid JSON");
        assert!(entries.len() > 40);
        for entry in &entries {
            assert!(!entry.forms.is_empty(), "{} has no forms", entry.concept);
            for form in &entry.forms {
                assert!(
                    !form.trim().is_empty(),
                    "{} has an empty form",
                    entry.concept
                );
            }
        }
    }
}
