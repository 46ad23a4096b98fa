//! Standard scripts (话术库): the approved wording for a situation of a conversation, with
//! placeholders the desk never types by hand — the ticket fills them. Which scripts fit a ticket
//! follows from its category and where it stands.

use crate::code::code_enum;
use crate::ticket::Status;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// The moment of a conversation a script is written for.
    pub enum Situation ("script situation") {
        /// 问候: the first words.
        Greeting = "greeting",
        /// 致歉: something went wrong.
        Apology = "apology",
        /// 延误说明: the work takes longer than promised.
        Delay = "delay",
        /// 婉拒: what the property office cannot do, said politely.
        Refusal = "refusal",
        /// 结束语: the last words.
        Closing = "closing",
        /// 投诉处理·倾听: let the resident say everything first.
        ComplaintListen = "complaint_listen",
        /// 投诉处理·询问: ask what happened and what they expect.
        ComplaintAsk = "complaint_ask",
        /// 投诉处理·解决: say what will be done, by whom, by when.
        ComplaintResolve = "complaint_resolve",
    }
}

impl Situation {
    /// The situations a ticket in `status` is most likely in, likeliest first: what a script
    /// without its own list of states fits.
    pub fn likely_in(status: Status) -> &'static [Situation] {
        use Situation::*;
        match status {
            Status::New | Status::Accepted => {
                &[Greeting, ComplaintListen, ComplaintAsk, Refusal, Apology]
            }
            Status::Dispatched | Status::InProgress => {
                &[Delay, Apology, ComplaintResolve, Refusal, Greeting]
            }
            Status::Suspended => &[Delay, Apology, Refusal],
            Status::Reopened => &[Apology, ComplaintListen, ComplaintResolve, Delay],
            Status::Resolved | Status::Closed => &[Closing, Apology],
            Status::Cancelled => &[Closing, Refusal],
        }
    }
}

/// The placeholders a script may hold, each filled from the ticket.
pub const PLACEHOLDERS: [&str; 4] = ["{称呼}", "{工单号}", "{预计时间}", "{技术员}"];

/// What a placeholder becomes when the ticket does not know it: a blank to fill by hand, plain to
/// see, never the raw placeholder sent to a resident.
pub const BLANK: &str = "____";

/// The ticket's values for the placeholders; none where it has none yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fill {
    /// 称呼: how to address the resident (王女士).
    pub salutation: Option<String>,
    /// 工单号.
    pub ticket_number: Option<String>,
    /// 预计时间: when the work is expected done, as the reader reads times.
    pub expected: Option<String>,
    /// 技术员: who does the work.
    pub technician: Option<String>,
}

impl Fill {
    fn value(&self, placeholder: &str) -> Option<&str> {
        let value = match placeholder {
            "{称呼}" => &self.salutation,
            "{工单号}" => &self.ticket_number,
            "{预计时间}" => &self.expected,
            "{技术员}" => &self.technician,
            _ => return None,
        };
        Some(
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(BLANK),
        )
    }
}

/// `body` with each placeholder replaced by the ticket's value, or [`BLANK`].
pub fn fill(body: &str, values: &Fill) -> String {
    let mut out = String::with_capacity(body.len() + 32);
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        match PLACEHOLDERS
            .iter()
            .find(|p| tail.starts_with(**p))
            .and_then(|p| Some((p.len(), values.value(p)?)))
        {
            Some((len, value)) => {
                out.push_str(value);
                rest = &tail[len..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{…}` of `body` that are not placeholders, in order.
fn unknown_placeholders(body: &str) -> Vec<&str> {
    let mut found = vec![];
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        let tail = &rest[open..];
        match tail.find('}') {
            Some(close) => {
                let candidate = &tail[..=close];
                if !PLACEHOLDERS.contains(&candidate) {
                    found.push(candidate);
                }
                rest = &tail[close + 1..];
            }
            None => break,
        }
    }
    found
}

/// Most characters of a script's title and body.
pub const MAX_TITLE: usize = 100;
pub const MAX_BODY: usize = 2_000;

/// A script as written (a new one, or an edit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInput {
    pub title: String,
    pub situation: String,
    /// A category code of the taxonomy; none: every category.
    pub category: Option<String>,
    /// The ticket statuses it fits; empty: those its situation is likely in.
    pub states: Vec<String>,
    pub body: String,
    pub active: bool,
}

/// A script checked: its situation and states typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub title: String,
    pub situation: Situation,
    pub category: Option<String>,
    pub states: Vec<Status>,
    pub body: String,
    pub active: bool,
}

impl ScriptInput {
    /// The script, or every problem with it by field. A `{…}` that is not one of the
    /// [`PLACEHOLDERS`] is refused: it would reach a resident as typed.
    pub fn validate(self) -> Result<Script, ValidationError> {
        let mut p = Problems::new();
        let title = self.title.trim().to_owned();
        let body = self.body.trim().to_owned();
        p.text("title", &title, MAX_TITLE);
        p.text("body", &body, MAX_BODY);
        if !unknown_placeholders(&body).is_empty() {
            p.add("body", FieldErrorCode::Invalid);
        }
        let situation = p.one_of("situation", self.situation.trim(), Situation::ALL);
        let category = self
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        let mut states = vec![];
        for (i, code) in self.states.iter().enumerate() {
            if let Some(status) = p.one_of(&format!("states[{i}]"), code.trim(), Status::ALL)
                && !states.contains(&status)
            {
                states.push(status);
            }
        }
        match (situation, p.into_result(())) {
            (Some(situation), Ok(())) => Ok(Script {
                title,
                situation,
                category,
                states,
                body,
                active: self.active,
            }),
            (_, Err(e)) => Err(e),
            (None, Ok(())) => Err(ValidationError::single(
                "situation",
                FieldErrorCode::Invalid,
            )),
        }
    }
}

/// How well a script fits a ticket: lower first; none when it does not fit. A script of the
/// ticket's category (or of a category above it, `repair` for `repair.water`) comes before one
/// for every category; then the situation likelier in the ticket's status.
pub fn fit(
    script_category: Option<&str>,
    situation: Situation,
    states: &[Status],
    ticket_category: Option<&str>,
    status: Status,
) -> Option<(u8, usize)> {
    let by_category = match (script_category, ticket_category) {
        (None, _) => 1,
        (Some(s), Some(t)) if t == s || t.strip_prefix(s).is_some_and(|r| r.starts_with('.')) => 0,
        (Some(_), _) => return None,
    };
    let likely = Situation::likely_in(status);
    let by_situation = if states.is_empty() {
        likely.iter().position(|s| *s == situation)?
    } else if states.contains(&status) {
        likely
            .iter()
            .position(|s| *s == situation)
            .unwrap_or(likely.len())
    } else {
        return None;
    };
    Some((by_category, by_situation))
}

/// The situations of a talk that has no ticket yet, likeliest first.
pub const WITHOUT_TICKET: [Situation; 4] = [
    Situation::Greeting,
    Situation::Closing,
    Situation::Refusal,
    Situation::Apology,
];

/// How well a script fits a conversation with no ticket, ranked as [`fit`] ranks: only a script
/// for every category and without states of its own fits (it presumes no ticket), by how likely
/// its situation is in [`WITHOUT_TICKET`].
pub fn fit_without_ticket(
    script_category: Option<&str>,
    situation: Situation,
    states: &[Status],
) -> Option<(u8, usize)> {
    if script_category.is_some() || !states.is_empty() {
        return None;
    }
    Some((1, WITHOUT_TICKET.iter().position(|s| *s == situation)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Fill {
        Fill {
            salutation: Some("王女士".into()),
            ticket_number: Some("GD20261207001".into()),
            expected: Some("今天 17:00".into()),
            technician: Some("李师傅".into()),
        }
    }

    #[test]
    fn placeholders_are_filled_from_the_ticket() {
        let body = "{称呼}您好，工单{工单号}已派给{技术员}，预计{预计时间}前处理完毕。";
        assert_eq!(
            fill(body, &values()),
            "王女士您好，工单GD20261207001已派给李师傅，预计今天 17:00前处理完毕。"
        );
    }

    #[test]
    fn a_missing_value_leaves_a_clear_blank_never_the_placeholder() {
        let body = "{称呼}您好，{技术员}将于{预计时间}上门。";
        let partial = Fill {
            salutation: Some("  ".into()),
            technician: None,
            ..values()
        };
        let filled = fill(body, &partial);
        assert_eq!(filled, "____您好，____将于今天 17:00上门。");
        for p in PLACEHOLDERS {
            assert!(!filled.contains(p));
        }
    }

    #[test]
    fn other_braces_and_repeats_are_handled() {
        assert_eq!(
            fill("{称呼}{称呼}｛好｝{ {x", &values()),
            "王女士王女士｛好｝{ {x"
        );
        assert_eq!(fill("", &values()), "");
    }

    #[test]
    fn an_unknown_placeholder_is_refused() {
        let input = ScriptInput {
            title: "问候".into(),
            situation: "greeting".into(),
            category: None,
            states: vec!["new".into(), "gone".into()],
            body: "{称呼}您好，您的地址是{地址}".into(),
            active: true,
        };
        let e = input.validate().unwrap_err();
        let fields: Vec<(&str, FieldErrorCode)> =
            e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert!(
            fields.contains(&("body", FieldErrorCode::Invalid)),
            "{fields:?}"
        );
        assert!(fields.iter().any(|(f, _)| *f == "states[1]"), "{fields:?}");
    }

    #[test]
    fn a_good_script_is_typed() {
        let script = ScriptInput {
            title: " 致歉 ".into(),
            situation: "apology".into(),
            category: Some("repair".into()),
            states: vec!["in_progress".into(), "in_progress".into()],
            body: "{称呼}，非常抱歉。".into(),
            active: true,
        }
        .validate()
        .unwrap();
        assert_eq!(script.title, "致歉");
        assert_eq!(script.situation, Situation::Apology);
        assert_eq!(script.states, [Status::InProgress]);
        let bad = ScriptInput {
            situation: "shout".into(),
            title: String::new(),
            ..ScriptInput {
                title: String::new(),
                situation: String::new(),
                category: None,
                states: vec![],
                body: "x".into(),
                active: true,
            }
        }
        .validate()
        .unwrap_err();
        assert!(bad.0.iter().any(|f| f.field == "situation"));
        assert!(bad.0.iter().any(|f| f.field == "title"));
    }

    #[test]
    fn the_ticket_category_comes_first_then_the_likely_situation() {
        let water = Some("repair.water");
        let new = Status::New;
        let own = fit(Some("repair"), Situation::Greeting, &[], water, new);
        let general = fit(None, Situation::Greeting, &[], water, new);
        assert!(own.unwrap() < general.unwrap());
        assert_eq!(
            fit(Some("repair.power"), Situation::Greeting, &[], water, new),
            None
        );
        assert_eq!(
            fit(Some("repair.wat"), Situation::Greeting, &[], water, new),
            None,
            "a prefix that is not a parent category"
        );
        // A closing does not fit a new ticket unless it says so.
        assert_eq!(fit(None, Situation::Closing, &[], water, new), None);
        assert!(fit(None, Situation::Closing, &[Status::New], water, new).is_some());
        assert_eq!(
            fit(None, Situation::Greeting, &[Status::Resolved], water, new),
            None
        );
        let delay = fit(None, Situation::Delay, &[], water, Status::InProgress).unwrap();
        let greet = fit(None, Situation::Greeting, &[], water, Status::InProgress).unwrap();
        assert!(delay < greet);
    }

    #[test]
    fn a_talk_without_a_ticket_gets_the_general_words() {
        use Situation::*;
        assert_eq!(fit_without_ticket(None, Greeting, &[]), Some((1, 0)));
        assert_eq!(fit_without_ticket(None, Closing, &[]), Some((1, 1)));
        assert_eq!(fit_without_ticket(None, Delay, &[]), None);
        assert_eq!(fit_without_ticket(Some("repair"), Greeting, &[]), None);
        assert_eq!(fit_without_ticket(None, Greeting, &[Status::New]), None);
    }
}
