//! The service figures (服务指标) of a project and period, each defined once, here.
//!
//! The tickets counted are those reported in the period, cancelled ones left out. Each rate is a
//! share between 0 and 1, or None when nothing was there to count:
//!
//! - **closed-loop rate of complaints** (投诉闭环率): complaints closed after a follow-up contact
//!   (a staff call that reached the resident, or the resident's own rating) ÷ complaints;
//! - **follow-up coverage** (回访覆盖率): tickets followed up (reached, rated, or closed as
//!   unreachable after the allowed attempts) ÷ tickets resolved at least once;
//! - **CSAT** (满意度): the mean overall rating (1–5) of rated tickets, and the share of rated
//!   tickets rated at least the "satisfied" threshold;
//! - **one-time resolution rate** (一次性解决率): closed tickets never reopened ÷ closed tickets;
//! - **reopen rate** (重开率): tickets reopened at least once ÷ tickets resolved at least once;
//! - **repeat-complaint rate** (重复投诉率): complaints marked as a repeat ÷ complaints;
//! - **suggestion adoption rate** (建议采纳率): suggestions adopted ÷ suggestions reviewed;
//! - **NPS** (净推荐值): from the survey answers given in the period (not the tickets): promoters
//!   (9–10) minus detractors (0–6), as a share of all answers, × 100.
//!
//! The bot's figures (智能客服) count the questions put to it in the period (not the tickets),
//! whoever asked and on whichever channel:
//!
//! - **bot answer rate** (机器人解答率): questions answered from an article ÷ questions asked;
//! - **helpful rate** (有用率): answers the resident found helpful ÷ answers rated either way;
//! - **hand-off rate** (转人工率): questions handed to a person ÷ questions asked;
//! - **routine inquiries answered by the bot** (机器人独立解答率): questions answered, not handed
//!   off, after which no ticket was reported in the same project with the asker's phone as its
//!   contact within [`ROUTINE_QUIET_HOURS`] hours — "the same question" is read simply as the
//!   same person coming back with a ticket in that time, whatever it is about; ÷ questions asked.

use serde::Serialize;

use super::nps::NpsSummary;
use crate::taxonomy::Kind;
use crate::ticket::Status;

/// What of one ticket the figures read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketOutcome {
    pub kind: Kind,
    pub status: Status,
    /// Resolved at least once, whatever happened after.
    pub ever_resolved: bool,
    pub reopen_count: i32,
    /// The overall rating, 1–5.
    pub satisfaction: Option<i64>,
    /// A follow-up happened: reached, rated, or closed as unreachable.
    pub followed_up: bool,
    /// A contact happened: reached by a call, or rated by the resident.
    pub contacted: bool,
    pub repeat: bool,
    /// For a reviewed suggestion: adopted or declined.
    pub adopted: Option<bool>,
}

/// How long after an answer a ticket from the same person means the bot did not settle it.
pub const ROUTINE_QUIET_HOURS: i64 = 24;

/// The bot's answers of the period, counted by the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BotCounts {
    pub asked: u64,
    pub answered: u64,
    pub handed_off: u64,
    /// Answers the resident rated, helpful or not.
    pub rated: u64,
    pub helpful: u64,
    /// Answered, not handed off, and no ticket from the asker within [`ROUTINE_QUIET_HOURS`].
    pub routine: u64,
}

/// The bot's figures; definitions in this module's documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotFigures {
    /// Questions put to the bot in the period.
    pub asked: u64,
    pub answered: u64,
    pub answer_rate: Option<f64>,
    pub helpful_rate: Option<f64>,
    pub handoff_rate: Option<f64>,
    /// Routine inquiries the bot answered on its own.
    pub routine_answered: u64,
    pub routine_answered_rate: Option<f64>,
}

impl BotFigures {
    pub fn of(counts: BotCounts) -> Self {
        let ratio = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        BotFigures {
            asked: counts.asked,
            answered: counts.answered,
            answer_rate: ratio(counts.answered, counts.asked),
            helpful_rate: ratio(counts.helpful, counts.rated),
            handoff_rate: ratio(counts.handed_off, counts.asked),
            routine_answered: counts.routine,
            routine_answered_rate: ratio(counts.routine, counts.asked),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Tickets reported in the period, cancelled ones left out.
    pub tickets: u64,
    pub complaints: u64,
    pub closed_loop_rate: Option<f64>,
    pub follow_up_coverage: Option<f64>,
    pub csat_average: Option<f64>,
    pub csat_satisfied_share: Option<f64>,
    pub one_time_resolution_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub repeat_complaint_rate: Option<f64>,
    pub suggestion_adoption_rate: Option<f64>,
    pub nps: NpsSummary,
    /// The bot's questions of the period.
    pub bot: BotFigures,
}

/// `part` of `whole` that satisfy `test`, as a share; each outcome counted as many times as
/// the tickets it stands for.
fn share<'a>(
    whole: impl Iterator<Item = &'a (TicketOutcome, u64)>,
    test: impl Fn(&TicketOutcome) -> bool,
) -> Option<f64> {
    let (mut n, mut yes) = (0u64, 0u64);
    for (t, count) in whole {
        n += count;
        if test(t) {
            yes += count;
        }
    }
    (n > 0).then(|| yes as f64 / n as f64)
}

/// The figures of the tickets (each outcome with how many tickets had it, so that the database
/// can count them) and the period's survey answers; a rating of at least `satisfied_at_least`
/// counts as satisfied.
pub fn figures(
    tickets: &[(TicketOutcome, u64)],
    nps: NpsSummary,
    bot: BotCounts,
    satisfied_at_least: i64,
) -> Figures {
    let counted: Vec<&(TicketOutcome, u64)> = tickets
        .iter()
        .filter(|(t, _)| t.status != Status::Cancelled)
        .collect();
    let complaints = || {
        counted
            .iter()
            .copied()
            .filter(|(t, _)| t.kind == Kind::Complaint)
    };
    let resolved = || counted.iter().copied().filter(|(t, _)| t.ever_resolved);
    let closed = || {
        counted
            .iter()
            .copied()
            .filter(|(t, _)| t.status == Status::Closed)
    };
    let (mut rated, mut rating_sum, mut satisfied) = (0u64, 0i64, 0u64);
    for (t, n) in &counted {
        if let Some(s) = t.satisfaction {
            rated += n;
            rating_sum += s * *n as i64;
            if s >= satisfied_at_least {
                satisfied += n;
            }
        }
    }
    Figures {
        tickets: counted.iter().map(|(_, n)| n).sum(),
        complaints: complaints().map(|(_, n)| n).sum(),
        closed_loop_rate: share(complaints(), |t| t.status == Status::Closed && t.contacted),
        follow_up_coverage: share(resolved(), |t| t.followed_up),
        csat_average: (rated > 0).then(|| rating_sum as f64 / rated as f64),
        csat_satisfied_share: (rated > 0).then(|| satisfied as f64 / rated as f64),
        one_time_resolution_rate: share(closed(), |t| t.reopen_count == 0),
        reopen_rate: share(resolved(), |t| t.reopen_count > 0),
        repeat_complaint_rate: share(complaints(), |t| t.repeat),
        suggestion_adoption_rate: share(
            counted.iter().copied().filter(|(t, _)| t.adopted.is_some()),
            |t| t.adopted == Some(true),
        ),
        nps,
        bot: BotFigures::of(bot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(kind: Kind, status: Status) -> TicketOutcome {
        TicketOutcome {
            kind,
            status,
            ever_resolved: matches!(status, Status::Resolved | Status::Closed | Status::Reopened),
            reopen_count: 0,
            satisfaction: None,
            followed_up: false,
            contacted: false,
            repeat: false,
            adopted: None,
        }
    }

    #[test]
    fn each_figure_follows_its_definition() {
        let rated = |kind, s: i64, reopens: i32| TicketOutcome {
            satisfaction: Some(s),
            followed_up: true,
            contacted: true,
            reopen_count: reopens,
            ..outcome(kind, Status::Closed)
        };
        let tickets = vec![
            rated(Kind::Complaint, 5, 0),
            rated(Kind::Complaint, 2, 1),
            TicketOutcome {
                repeat: true,
                ..outcome(Kind::Complaint, Status::Resolved)
            },
            TicketOutcome {
                followed_up: true,
                ..outcome(Kind::Complaint, Status::Closed)
            }, // unreachable
            rated(Kind::Repair, 4, 0),
            outcome(Kind::Repair, Status::InProgress),
            outcome(Kind::Repair, Status::Cancelled),
            TicketOutcome {
                adopted: Some(true),
                ..outcome(Kind::Suggestion, Status::Closed)
            },
            TicketOutcome {
                adopted: Some(false),
                ..outcome(Kind::Suggestion, Status::Closed)
            },
            TicketOutcome {
                adopted: Some(true),
                ..outcome(Kind::Suggestion, Status::Closed)
            },
        ];
        let once: Vec<(TicketOutcome, u64)> = tickets.into_iter().map(|t| (t, 1)).collect();
        let f = figures(&once, NpsSummary::default(), BotCounts::default(), 3);
        assert_eq!((f.tickets, f.complaints), (9, 4));
        assert_eq!(
            f.closed_loop_rate,
            Some(0.5),
            "2 of 4 complaints closed after a contact"
        );
        // Resolved at least once: the 4 complaints, the rated repair and 3 suggestions: 8;
        // followed up: 3 rated + 1 unreachable.
        assert_eq!(f.follow_up_coverage, Some(4.0 / 8.0));
        assert_eq!(f.csat_average, Some(11.0 / 3.0));
        assert_eq!(f.csat_satisfied_share, Some(2.0 / 3.0));
        assert_eq!(f.one_time_resolution_rate, Some(6.0 / 7.0));
        assert_eq!(f.reopen_rate, Some(1.0 / 8.0));
        assert_eq!(f.repeat_complaint_rate, Some(0.25));
        assert_eq!(f.suggestion_adoption_rate, Some(2.0 / 3.0));
        let empty = figures(&[], NpsSummary::default(), BotCounts::default(), 3);
        assert_eq!((empty.closed_loop_rate, empty.csat_average), (None, None));
    }

    #[test]
    fn alike_tickets_counted_together_weigh_as_many() {
        let rated = |s: i64| TicketOutcome {
            satisfaction: Some(s),
            followed_up: true,
            contacted: true,
            ..outcome(Kind::Complaint, Status::Closed)
        };
        let tickets = [
            (rated(5), 3),
            (rated(1), 1),
            (outcome(Kind::Complaint, Status::Resolved), 4),
            (outcome(Kind::Repair, Status::Cancelled), 10),
        ];
        let f = figures(&tickets, NpsSummary::default(), BotCounts::default(), 3);
        assert_eq!((f.tickets, f.complaints), (8, 8));
        assert_eq!(f.csat_average, Some(16.0 / 4.0));
        assert_eq!(f.csat_satisfied_share, Some(3.0 / 4.0));
        assert_eq!(f.closed_loop_rate, Some(4.0 / 8.0));
        assert_eq!(f.follow_up_coverage, Some(4.0 / 8.0));
    }

    #[test]
    fn the_bots_rates_follow_their_definitions() {
        let bot = BotFigures::of(BotCounts {
            asked: 10,
            answered: 8,
            handed_off: 2,
            rated: 4,
            helpful: 3,
            routine: 6,
        });
        assert_eq!(bot.answer_rate, Some(0.8));
        assert_eq!(bot.helpful_rate, Some(0.75));
        assert_eq!(bot.handoff_rate, Some(0.2));
        assert_eq!(
            (bot.routine_answered, bot.routine_answered_rate),
            (6, Some(0.6))
        );
        let quiet = BotFigures::of(BotCounts::default());
        assert_eq!((quiet.answer_rate, quiet.helpful_rate), (None, None));
    }
}
