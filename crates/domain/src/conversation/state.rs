//! Where a conversation stands: open while the resident waits for us, waiting once we answered
//! (for the resident), closed when an agent closes it; a new message from the resident opens it
//! again. Whoever answers first owns it (首问负责制), and the tickets opened from it.

use crate::code::code_enum;
use crate::validation::{FieldErrorCode, Problems, ValidationError, has_control_characters};

use super::inbound::{BodyKind, MAX_TEXT};
use crate::taxonomy::Channel;

code_enum! {
    /// Where a conversation stands.
    pub enum ConversationState ("conversation state") {
        /// The resident wrote last: someone must answer.
        Open = "open",
        /// We answered last: the resident's turn.
        Waiting = "waiting",
        /// Closed by an agent; a new message from the resident opens it again.
        Closed = "closed",
    }
}

code_enum! {
    /// Which way a message went.
    pub enum Direction ("message direction") {
        /// From the resident (or an unknown sender) to us.
        In = "in",
        /// From us to the resident.
        Out = "out",
    }
}

code_enum! {
    /// Who wrote a message.
    pub enum SenderKind ("message sender") {
        /// The person the conversation is with, known or not yet bound.
        Resident = "resident",
        /// A staff member, named by their id.
        Staff = "staff",
        /// The FAQ bot or an automatic answer.
        Bot = "bot",
    }
}

/// A message from the resident opens the conversation (again) and adds to the unread count;
/// an event (a follow, a menu click) is kept but neither reopens nor counts.
pub fn after_inbound(state: ConversationState, is_event: bool) -> (ConversationState, i32) {
    if is_event {
        (state, 0)
    } else {
        (ConversationState::Open, 1)
    }
}

/// What an answer changes: the conversation waits for the resident, everything is read, and
/// the first to answer becomes its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replied {
    pub state: ConversationState,
    pub unread: i32,
    pub owner: String,
    /// This answer made the owner (the first answer of a conversation nobody owned).
    pub took_ownership: bool,
}

/// A staff member `replier` answers a conversation owned by `owner` (if anyone).
pub fn after_reply(owner: Option<&str>, replier: &str) -> Replied {
    Replied {
        state: ConversationState::Waiting,
        unread: 0,
        owner: owner.unwrap_or(replier).to_owned(),
        took_ownership: owner.is_none(),
    }
}

/// Whether the FAQ bot answers a resident's message before a person does. The one rule: a text
/// written in the residents' H5 chat (`app`) or on WeChat, in a conversation of a known project
/// (the articles that apply are a project's) of a company that has published articles, that is
/// not with a person — `with_person` is set when the bot hands off, an agent answers or is
/// given the conversation, and cleared when it is closed.
pub fn bot_answers_first(
    channel: Channel,
    kind: BodyKind,
    project_known: bool,
    articles_published: bool,
    with_person: bool,
) -> bool {
    matches!(channel, Channel::App | Channel::Wechat)
        && kind == BodyKind::Text
        && project_known
        && articles_published
        && !with_person
}

/// Checks an answer's text: present, at most [`MAX_TEXT`] characters, nothing hidden in it.
pub fn reply_text(text: &str) -> Result<String, ValidationError> {
    let mut p = Problems::new();
    p.text("text", text, MAX_TEXT);
    if has_control_characters(text) {
        p.add("text", FieldErrorCode::ControlCharacters);
    }
    p.into_result(text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_opens_even_a_closed_conversation_and_counts_as_unread() {
        for state in ConversationState::ALL {
            assert_eq!(after_inbound(*state, false), (ConversationState::Open, 1));
        }
    }

    #[test]
    fn the_bot_answers_first_only_texts_in_the_chat_and_on_wechat_before_a_person_takes_over() {
        let text = |channel| bot_answers_first(channel, BodyKind::Text, true, true, false);
        assert!(text(Channel::App));
        assert!(text(Channel::Wechat));
        assert!(!text(Channel::Email));
        assert!(!text(Channel::Phone));
        let wechat = |kind, project, articles, person| {
            bot_answers_first(Channel::Wechat, kind, project, articles, person)
        };
        assert!(!wechat(BodyKind::Text, true, true, true), "a person has it");
        assert!(!wechat(BodyKind::Text, false, true, false), "no project");
        assert!(!wechat(BodyKind::Text, true, false, false), "no articles");
        assert!(!wechat(BodyKind::Image, true, true, false));
    }

    #[test]
    fn an_answer_must_say_something() {
        assert_eq!(reply_text(" 好的 ").unwrap(), "好的");
        for bad in ["", "  ", "a\u{0}b"] {
            assert_eq!(reply_text(bad).unwrap_err().0[0].field, "text");
        }
        assert!(reply_text(&"长".repeat(MAX_TEXT + 1)).is_err());
    }

    #[test]
    fn an_event_changes_nothing() {
        assert_eq!(
            after_inbound(ConversationState::Closed, true),
            (ConversationState::Closed, 0)
        );
    }

    #[test]
    fn the_first_to_answer_owns_the_conversation_and_keeps_it() {
        let first = after_reply(None, "agent-1");
        assert_eq!(first.owner, "agent-1");
        assert!(first.took_ownership);
        assert_eq!(first.state, ConversationState::Waiting);
        assert_eq!(first.unread, 0);
        let second = after_reply(Some("agent-1"), "agent-2");
        assert_eq!(
            second.owner, "agent-1",
            "首问负责制: the owner never changes"
        );
        assert!(!second.took_ownership);
    }
}
