//! Duplicates and incidents: a new ticket that reports what an open ticket already reports —
//! same place, same problem, within the category's time window — is linked to it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::location::{Location, rooms_stacked};
use crate::vocabulary::{Scope, Vocabulary};

/// A candidate at or above this score is linked automatically; below it, it is only shown to the
/// agent. Same place and same specific problem score 0.85–1.0 over the window; the same thing with
/// its problem unnamed on one side scores 0.77–0.9; a place known on one side only, or a match on
/// the category alone, scores 0.68–0.8 and is linked only in the first ~40% of the window.
pub const LINK_THRESHOLD: f32 = 0.75;

/// The window for tickets whose category has no rule (or no category at all).
const DEFAULT_WINDOW_MINUTES: u32 = 720;

/// How far back a new ticket of `category` is compared with others: its category's window, or,
/// without one, the widest window any comparison may use. Callers fetch candidates this far back.
pub fn look_back_minutes(category: Option<&str>, vocabulary: &Vocabulary) -> u32 {
    match category.and_then(|code| vocabulary.category(code)) {
        Some(rule) => rule.duplicate_window_minutes,
        None => vocabulary
            .categories
            .iter()
            .map(|c| c.duplicate_window_minutes)
            .fold(DEFAULT_WINDOW_MINUTES, u32::max),
    }
}

/// What duplicate detection needs to know about a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketFacts {
    pub id: String,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub location: Location,
    /// The lift named ("1号梯", "左梯"), if any.
    pub lift: Option<String>,
    /// The gate named ("东门"), if any.
    #[serde(default)]
    pub gate: Option<String>,
    /// Problem tags from the analysis (`lift.stopped`, `water.leak`).
    pub problems: Vec<String>,
    /// Unix seconds.
    pub reported_at: i64,
    pub open: bool,
}

impl TicketFacts {
    /// The facts of a ticket from its message's analysis. `home` is the reporter's household: it
    /// completes the place the message names (see [`Location::or_home`]).
    pub fn from_analysis(
        id: impl Into<String>,
        analysis: &Analysis,
        home: Option<&Location>,
        reported_at: i64,
        open: bool,
    ) -> Self {
        let location = match home {
            Some(home) => analysis.location.or_home(home),
            None => analysis.location.clone(),
        };
        TicketFacts {
            id: id.into(),
            kind: analysis.kind.clone(),
            category: analysis.category.clone(),
            location,
            lift: analysis.lift.clone(),
            gate: analysis.gate.clone(),
            problems: analysis.problems.clone(),
            reported_at,
            open,
        }
    }
}

/// The keys a ticket is filed under for the duplicate check: the subject of each of its problems
/// (`lift` for `lift.stopped`) and its category. Two tickets that [`duplicate_candidates`] pairs
/// always share one — the same problem needs a shared subject, or the same category when one side
/// names none — so candidates can be looked up by key instead of comparing every open ticket.
pub fn problem_keys(facts: &TicketFacts) -> Vec<String> {
    let mut keys: Vec<String> = facts
        .problems
        .iter()
        .map(|tag| format!("subject:{}", subject(tag)))
        .chain(facts.category.iter().map(|code| format!("category:{code}")))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// An open ticket the new one may duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    pub id: String,
    /// 0–1; at or above [`LINK_THRESHOLD`] the caller links automatically.
    pub score: f32,
    /// Why, for the agent (同一地点…，同一问题…，相隔…).
    pub reason: String,
}

/// Several tickets about one real-world problem (a building without water).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// In the order they were reported; the first is the original.
    pub ticket_ids: Vec<String>,
}

/// The open tickets `new` may duplicate, best first. Closed tickets, tickets outside the category's
/// time window, another place or another problem are never candidates.
pub fn duplicate_candidates(
    new: &TicketFacts,
    open: &[TicketFacts],
    vocabulary: &Vocabulary,
) -> Vec<DuplicateCandidate> {
    let mut candidates: Vec<DuplicateCandidate> = open
        .iter()
        .filter(|old| old.open && old.id != new.id)
        .filter_map(|old| compare(new, old, vocabulary))
        .collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    candidates
}

/// The ticket `new` should be linked to automatically, if any.
pub fn duplicate_of(
    new: &TicketFacts,
    open: &[TicketFacts],
    vocabulary: &Vocabulary,
) -> Option<DuplicateCandidate> {
    duplicate_candidates(new, open, vocabulary)
        .into_iter()
        .next()
        .filter(|best| best.score >= LINK_THRESHOLD)
}

/// Groups tickets into incidents by replaying them in the order they were reported and linking
/// each to its duplicate among the earlier open ones. Only groups of two or more are returned.
pub fn group_incidents(tickets: &[TicketFacts], vocabulary: &Vocabulary) -> Vec<Incident> {
    let mut order: Vec<&TicketFacts> = tickets.iter().collect();
    order.sort_by_key(|ticket| ticket.reported_at);
    let mut incident_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut incidents: Vec<Vec<String>> = Vec::new();
    let mut earlier: Vec<TicketFacts> = Vec::new();
    for ticket in order {
        let original = duplicate_of(ticket, &earlier, vocabulary);
        let incident =
            match original.and_then(|original| incident_of.get(original.id.as_str()).copied()) {
                Some(incident) => incident,
                None => {
                    incidents.push(Vec::new());
                    incidents.len() - 1
                }
            };
        incidents[incident].push(ticket.id.clone());
        incident_of.insert(&ticket.id, incident);
        earlier.push(ticket.clone());
    }
    incidents
        .into_iter()
        .filter(|ids| ids.len() > 1)
        .map(|ticket_ids| Incident { ticket_ids })
        .collect()
}

fn compare(
    new: &TicketFacts,
    old: &TicketFacts,
    vocabulary: &Vocabulary,
) -> Option<DuplicateCandidate> {
    let window = [&new.category, &old.category]
        .into_iter()
        .flatten()
        .find_map(|code| vocabulary.category(code))
        .map_or(DEFAULT_WINDOW_MINUTES, |rule| rule.duplicate_window_minutes);
    let minutes = new.reported_at.abs_diff(old.reported_at) / 60;
    if minutes > u64::from(window) {
        return None;
    }
    let same_category = new.category.is_some() && new.category == old.category;
    let problem = same_problem(&new.problems, &old.problems, same_category)?;
    let scope = scope_of(&problem.shared, new, old, vocabulary);
    let place = same_place(new, old, scope)?;

    let age = minutes as f32 / window.max(1) as f32;
    let score = (0.5 * place.strength + 0.5 * problem.strength) * (1.0 - 0.15 * age);
    let what = if problem.shared.is_empty() {
        new.category.clone().unwrap_or_default()
    } else {
        problem.shared.join("、")
    };
    let reason = format!(
        "{}，同一问题（{what}），相隔 {minutes} 分钟（时限 {window} 分钟）",
        place.description
    );
    Some(DuplicateCandidate {
        id: old.id.clone(),
        score,
        reason,
    })
}

struct ProblemMatch {
    /// 1 for the same specific problem, 0.8 for the same thing, 0.6 for the same category only.
    strength: f32,
    shared: Vec<String>,
}

/// The subject of a problem tag: `lift.stopped` → `lift`.
fn subject(tag: &str) -> &str {
    tag.split('.').next().unwrap_or(tag)
}

/// Whether two signatures describe one problem. Different subjects, or different specific problems
/// of one subject (water.leak vs water.pressure), never do. Across categories, only a shared
/// tag counts (a leak reported as a repair upstairs and as a neighbour dispute downstairs).
fn same_problem(new: &[String], old: &[String], same_category: bool) -> Option<ProblemMatch> {
    let subjects = |tags: &[String]| -> Vec<String> {
        tags.iter().map(|tag| subject(tag).to_owned()).collect()
    };
    let (new_subjects, old_subjects) = (subjects(new), subjects(old));
    if !new.is_empty() && !old.is_empty() && !new_subjects.iter().any(|s| old_subjects.contains(s))
    {
        return None;
    }
    let shared: Vec<String> = new
        .iter()
        .filter(|tag| old.contains(tag))
        .cloned()
        .collect();
    if shared.iter().any(|tag| tag.contains('.')) {
        let shared = shared.into_iter().filter(|tag| tag.contains('.')).collect();
        return Some(ProblemMatch {
            strength: 1.0,
            shared,
        });
    }
    let specifics = |tags: &[String], of: &str| -> bool {
        tags.iter()
            .any(|tag| tag.contains('.') && subject(tag) == of)
    };
    if new_subjects
        .iter()
        .any(|s| specifics(new, s) && specifics(old, s))
    {
        return None;
    }
    match (shared.is_empty(), same_category) {
        (false, true) => Some(ProblemMatch {
            strength: 0.8,
            shared,
        }),
        // Different categories naming exactly the same things (a chase about a lift, classified as
        // a repair-quality complaint, and the lift's repair).
        (false, false) if equal_sets(&new_subjects, &old_subjects) => Some(ProblemMatch {
            strength: 0.8,
            shared,
        }),
        (true, true) => Some(ProblemMatch {
            strength: 0.6,
            shared,
        }),
        _ => None,
    }
}

fn equal_sets(a: &[String], b: &[String]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

/// The narrowest scope among the shared problems, else the category's.
fn scope_of(
    shared: &[String],
    new: &TicketFacts,
    old: &TicketFacts,
    vocabulary: &Vocabulary,
) -> Scope {
    let tag_scope = |tag: &String| {
        vocabulary
            .problem_scopes
            .get(tag.as_str())
            .or_else(|| vocabulary.problem_scopes.get(subject(tag)))
            .copied()
    };
    let category_scope = || {
        [&new.category, &old.category]
            .into_iter()
            .flatten()
            .find_map(|code| vocabulary.category(code))
            .map(|rule| rule.scope)
    };
    shared
        .iter()
        .filter_map(tag_scope)
        .min_by_key(|scope| narrowness(*scope))
        .or_else(category_scope)
        .unwrap_or(Scope::Room)
}

fn narrowness(scope: Scope) -> u8 {
    match scope {
        Scope::Room => 0,
        Scope::Vertical => 1,
        Scope::Unit => 2,
        Scope::Building => 3,
        Scope::Project => 4,
    }
}

struct PlaceMatch {
    /// 1 when the levels the scope looks at agree and none is known on one side only, else 0.6.
    strength: f32,
    description: String,
}

/// How one level of two places compares.
#[derive(PartialEq)]
enum Level {
    Equal,
    Different,
    OneSided,
    Unknown,
}

fn level(a: Option<&str>, b: Option<&str>, equal: impl Fn(&str, &str) -> bool) -> Level {
    match (a, b) {
        (Some(a), Some(b)) if equal(a, b) => Level::Equal,
        (Some(_), Some(_)) => Level::Different,
        (None, None) => Level::Unknown,
        _ => Level::OneSided,
    }
}

fn same_place(new: &TicketFacts, old: &TicketFacts, scope: Scope) -> Option<PlaceMatch> {
    let (a, b) = (&new.location, &old.location);
    let exact = |x: &str, y: &str| x == y;
    let building = level(a.building.as_deref(), b.building.as_deref(), exact);
    let unit = level(a.unit.as_deref(), b.unit.as_deref(), exact);
    let room = |equal: fn(&str, &str) -> bool| level(a.room.as_deref(), b.room.as_deref(), equal);
    let lift = level(new.lift.as_deref(), old.lift.as_deref(), exact);
    let gate = level(new.gate.as_deref(), old.gate.as_deref(), exact);
    let levels: Vec<Level> = match scope {
        // Across an estate only the gate can tell two places apart, when both name one.
        Scope::Project if gate == Level::Different => vec![gate],
        Scope::Project => Vec::new(),
        // A shop has a code but no building: the code stands for it.
        Scope::Building if building == Level::Unknown => vec![room(|x, y| x == y)],
        Scope::Building => vec![building],
        // A lift named on one side only is no evidence either way.
        Scope::Unit if lift == Level::OneSided => vec![building, unit],
        Scope::Unit => vec![building, unit, lift],
        Scope::Room => vec![building, unit, room(|x, y| x == y)],
        Scope::Vertical => vec![building, unit, room(rooms_stacked)],
    };
    if levels.contains(&Level::Different) {
        return None;
    }
    // Strong only when the place is actually known to agree: nothing known on either side is no
    // evidence of one place.
    let agreed = levels.is_empty() || levels.contains(&Level::Equal);
    let strength = if agreed && !levels.contains(&Level::OneSided) {
        1.0
    } else {
        0.6
    };
    let named: String = [&a.building, &a.unit, &new.lift]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let description = match scope {
        Scope::Project => "同一项目".to_owned(),
        Scope::Vertical => format!(
            "同一位置或上下层（{}）",
            [a.room.as_deref(), b.room.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("/")
        ),
        _ if named.is_empty() => "同一位置".to_owned(),
        _ => format!("同一位置（{named}）"),
    };
    Some(PlaceMatch {
        strength,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(
        id: &str,
        category: &str,
        place: (&str, &str, &str),
        lift: Option<&str>,
        problems: &[&str],
        minute: i64,
    ) -> TicketFacts {
        let field = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        TicketFacts {
            id: id.into(),
            kind: category.split('.').next().map(str::to_owned),
            category: Some(category.into()),
            location: Location {
                building: field(place.0),
                unit: field(place.1),
                room: field(place.2),
            },
            lift: lift.map(str::to_owned),
            gate: None,
            problems: problems.iter().map(|tag| tag.to_string()).collect(),
            reported_at: minute * 60,
            open: true,
        }
    }

    #[test]
    fn tickets_that_may_duplicate_each_other_share_a_key() {
        let keys = |t: &TicketFacts| problem_keys(t);
        let shares = |a: &TicketFacts, b: &TicketFacts| keys(a).iter().any(|k| keys(b).contains(k));
        let stopped = ticket(
            "a",
            "repair.lift",
            ("3栋", "", ""),
            None,
            &["lift.stopped"],
            0,
        );
        let unnamed = ticket("b", "repair.lift", ("3栋", "", ""), None, &[], 5);
        let chase = ticket(
            "c",
            "complaint.repair",
            ("3栋", "", ""),
            None,
            &["lift.stopped"],
            10,
        );
        let leak = ticket(
            "d",
            "repair.water",
            ("3栋", "", ""),
            None,
            &["water.leak"],
            10,
        );
        let vocabulary = Vocabulary::default();
        for (new, old) in [
            (&unnamed, &stopped),
            (&chase, &stopped),
            (&stopped, &unnamed),
        ] {
            assert!(
                !duplicate_candidates(new, std::slice::from_ref(old), &vocabulary).is_empty(),
                "{} and {} are compared",
                new.id,
                old.id
            );
            assert!(shares(new, old), "{} and {} share a key", new.id, old.id);
        }
        assert!(
            !shares(&leak, &stopped),
            "a leak is not looked up with a lift"
        );
        assert_eq!(
            keys(&stopped),
            vec!["category:repair.lift".to_owned(), "subject:lift".to_owned()]
        );
    }

    fn linked(new: &TicketFacts, old: &TicketFacts) -> bool {
        duplicate_of(new, std::slice::from_ref(old), &Vocabulary::default()).is_some()
    }

    #[test]
    fn the_barriers_of_two_gates_are_two_problems() {
        const BARRIER: &str = "repair.public_facility";
        let at_gate = |id: &str, gate: Option<&str>, minute: i64| TicketFacts {
            gate: gate.map(str::to_owned),
            ..ticket(id, BARRIER, ("", "", ""), None, &["barrier"], minute)
        };
        let east = at_gate("a", Some("东门"), 0);
        assert!(linked(&at_gate("b", Some("东门"), 10), &east));
        assert!(!linked(&at_gate("c", Some("西门"), 15), &east));
        // A gate named on one side only is no evidence either way.
        assert!(linked(&at_gate("d", None, 20), &east));
    }

    const LIFT: &str = "repair.elevator";
    const WATER: &str = "repair.water";

    #[test]
    fn the_same_lift_reported_twice_is_linked() {
        let first = ticket(
            "a",
            LIFT,
            ("3栋", "2单元", "801"),
            None,
            &["lift", "lift.stopped"],
            0,
        );
        let second = ticket("b", LIFT, ("3栋", "2单元", "1203"), None, &["lift"], 12);
        assert!(linked(&second, &first));
    }

    #[test]
    fn another_unit_or_another_lift_is_not() {
        let first = ticket("a", LIFT, ("3栋", "1单元", ""), Some("左梯"), &["lift"], 0);
        assert!(!linked(
            &ticket("b", LIFT, ("3栋", "2单元", ""), None, &["lift"], 5),
            &first
        ));
        assert!(!linked(
            &ticket("c", LIFT, ("3栋", "1单元", ""), Some("右梯"), &["lift"], 5),
            &first
        ));
    }

    #[test]
    fn the_same_words_outside_the_window_are_not() {
        let first = ticket("a", LIFT, ("3栋", "1单元", ""), None, &["lift"], 0);
        assert!(!linked(
            &ticket(
                "b",
                LIFT,
                ("3栋", "1单元", ""),
                None,
                &["lift"],
                3 * 24 * 60
            ),
            &first
        ));
    }

    #[test]
    fn another_problem_of_the_same_thing_is_not() {
        let low = ticket(
            "a",
            WATER,
            ("9栋", "1单元", "1101"),
            None,
            &["water.pressure"],
            0,
        );
        let leak = ticket(
            "b",
            WATER,
            ("9栋", "1单元", "1201"),
            None,
            &["water.leak"],
            15,
        );
        assert!(!linked(&leak, &low));
    }

    #[test]
    fn a_leak_links_the_flat_above_and_below_only() {
        let above = ticket(
            "a",
            WATER,
            ("10栋", "2单元", "1602"),
            None,
            &["water.leak"],
            0,
        );
        assert!(linked(
            &ticket(
                "b",
                WATER,
                ("10栋", "2单元", "1502"),
                None,
                &["water.leak"],
                40
            ),
            &above
        ));
        assert!(!linked(
            &ticket(
                "c",
                WATER,
                ("10栋", "2单元", "1205"),
                None,
                &["water.leak"],
                40
            ),
            &above
        ));
        assert!(!linked(
            &ticket(
                "d",
                WATER,
                ("10栋", "1单元", "1502"),
                None,
                &["water.leak"],
                40
            ),
            &above
        ));
    }

    #[test]
    fn an_outage_links_the_whole_building() {
        let first = ticket(
            "a",
            WATER,
            ("7栋", "1单元", "301"),
            None,
            &["water.outage"],
            0,
        );
        assert!(linked(
            &ticket(
                "b",
                WATER,
                ("7栋", "3单元", "502"),
                None,
                &["water.outage"],
                25
            ),
            &first
        ));
        assert!(!linked(
            &ticket(
                "c",
                WATER,
                ("8栋", "1单元", "301"),
                None,
                &["water.outage"],
                25
            ),
            &first
        ));
    }

    #[test]
    fn closed_tickets_are_never_candidates() {
        let mut first = ticket("a", LIFT, ("4栋", "1单元", ""), None, &["lift"], 0);
        first.open = false;
        assert!(!linked(
            &ticket("b", LIFT, ("4栋", "1单元", ""), None, &["lift"], 60),
            &first
        ));
    }

    #[test]
    fn candidates_are_sorted_best_first_with_a_reason() {
        let vocabulary = Vocabulary::default();
        let near = ticket(
            "near",
            WATER,
            ("7栋", "1单元", ""),
            None,
            &["water.outage"],
            50,
        );
        let far = ticket("far", WATER, ("7栋", "", ""), None, &["water.outage"], 0);
        let new = ticket(
            "new",
            WATER,
            ("7栋", "2单元", ""),
            None,
            &["water.outage"],
            60,
        );
        let candidates = duplicate_candidates(&new, &[far, near], &vocabulary);
        assert_eq!(
            candidates.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            vec!["near", "far"]
        );
        assert!(candidates[0].reason.contains("7栋"));
    }

    #[test]
    fn incidents_gather_every_report_of_one_outage() {
        let vocabulary = Vocabulary::default();
        let tickets = [
            ticket("a", WATER, ("7栋", "1单元", ""), None, &["water.outage"], 0),
            ticket(
                "b",
                WATER,
                ("7栋", "2单元", ""),
                None,
                &["water.outage"],
                10,
            ),
            ticket(
                "c",
                WATER,
                ("8栋", "1单元", ""),
                None,
                &["water.outage"],
                20,
            ),
            ticket(
                "d",
                WATER,
                ("7栋", "3单元", ""),
                None,
                &["water.outage"],
                30,
            ),
        ];
        let incidents = group_incidents(&tickets, &vocabulary);
        assert_eq!(
            incidents,
            vec![Incident {
                ticket_ids: vec!["a".into(), "b".into(), "d".into()]
            }]
        );
    }
}
