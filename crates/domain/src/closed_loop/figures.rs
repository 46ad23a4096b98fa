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
//!
//! The seeds' own figures, over the same tickets:
//!
//! - **complaints closed within 24 h** (投诉24小时办结率): complaints closed within
//!   [`COMPLAINT_CLOSE_TARGET_HOURS`] of their report ÷ complaints; and the **median time to
//!   close** of the closed complaints, in hours;
//! - **first response within 15 min** (15分钟响应率): tickets whose first response (the first
//!   step staff took that the resident saw) came within [`FIRST_RESPONSE_TARGET_MINUTES`] of the
//!   report ÷ tickets; and the **median time to the first progress update the resident saw**,
//!   in minutes, over the tickets that had one;
//! - **escalation rate** (升级率): tickets escalated at least one level ÷ tickets;
//! - **duplicate handling rate** (重复工单率): tickets linked as a duplicate of another ÷ tickets;
//! - **channel mix** (渠道占比): tickets per channel ÷ tickets; the **online share** (线上占比) is
//!   that of the channels residents use by themselves ([`Channel::is_online`]);
//! - **cases handled per agent per day** (人均日处理量): tickets with an assignee ÷ the distinct
//!   assignees ÷ the days of the period;
//! - **repeat-complaint change** (重复投诉变化): (this period's repeat-complaint rate − the
//!   previous period's) ÷ the previous period's, when the previous period is asked for and had
//!   a rate above zero; −0.35 is "down 35%".

use serde::{Deserialize, Serialize};

use super::nps::NpsSummary;
use crate::taxonomy::Channel;

/// A complaint is handled in time when it closes within this many hours of its report.
pub const COMPLAINT_CLOSE_TARGET_HOURS: i64 = 24;

/// A first response is in time within this many minutes of the report.
pub const FIRST_RESPONSE_TARGET_MINUTES: i64 = 15;

/// How long after an answer a ticket from the same person means the bot did not settle it.
pub const ROUTINE_QUIET_HOURS: i64 = 24;

/// The tickets reported in the period, cancelled ones left out, counted by the database. Each
/// field says what it counts; the figures are ratios of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCounts {
    pub tickets: u64,
    pub complaints: u64,
    /// Complaints closed after a contact: a call that reached the resident, or their rating.
    pub complaints_closed_after_contact: u64,
    /// Complaints closed within [`COMPLAINT_CLOSE_TARGET_HOURS`] of their report.
    pub complaints_closed_in_time: u64,
    /// Complaints marked as a repeat of an earlier one.
    pub repeat_complaints: u64,
    /// Tickets resolved at least once, whatever happened after.
    pub resolved: u64,
    /// Resolved tickets followed up: reached, rated, or closed as unreachable.
    pub resolved_followed_up: u64,
    /// Resolved tickets reopened at least once.
    pub resolved_reopened: u64,
    pub closed: u64,
    pub closed_never_reopened: u64,
    /// Tickets with an overall rating (1–5), the ratings' sum, and those rated "satisfied".
    pub rated: u64,
    pub rating_sum: u64,
    pub rated_satisfied: u64,
    /// Suggestions reviewed (adopted or declined), and adopted.
    pub suggestions_reviewed: u64,
    pub suggestions_adopted: u64,
    /// Tickets first responded to within [`FIRST_RESPONSE_TARGET_MINUTES`] of their report.
    pub responded_in_time: u64,
    /// Tickets escalated at least one level.
    pub escalated: u64,
    /// Tickets linked as a duplicate of another.
    pub duplicates: u64,
    /// Tickets per channel, every channel in [`Channel::ALL`]'s order.
    pub channels: Vec<(Channel, u64)>,
    /// Tickets with an assignee, and how many different assignees they have.
    pub assigned: u64,
    pub assignees: u64,
}

impl TicketCounts {
    /// Adds `other`'s counts to these, channel by channel. Distinct assignees do not add up: the
    /// sum counts each side's, which only a caller that knows who they were can mend.
    pub fn add(&mut self, other: &TicketCounts) {
        let pairs = [
            (&mut self.tickets, other.tickets),
            (&mut self.complaints, other.complaints),
            (
                &mut self.complaints_closed_after_contact,
                other.complaints_closed_after_contact,
            ),
            (
                &mut self.complaints_closed_in_time,
                other.complaints_closed_in_time,
            ),
            (&mut self.repeat_complaints, other.repeat_complaints),
            (&mut self.resolved, other.resolved),
            (&mut self.resolved_followed_up, other.resolved_followed_up),
            (&mut self.resolved_reopened, other.resolved_reopened),
            (&mut self.closed, other.closed),
            (&mut self.closed_never_reopened, other.closed_never_reopened),
            (&mut self.rated, other.rated),
            (&mut self.rating_sum, other.rating_sum),
            (&mut self.rated_satisfied, other.rated_satisfied),
            (&mut self.suggestions_reviewed, other.suggestions_reviewed),
            (&mut self.suggestions_adopted, other.suggestions_adopted),
            (&mut self.responded_in_time, other.responded_in_time),
            (&mut self.escalated, other.escalated),
            (&mut self.duplicates, other.duplicates),
            (&mut self.assigned, other.assigned),
            (&mut self.assignees, other.assignees),
        ];
        for (mine, theirs) in pairs {
            *mine += theirs;
        }
        for &(channel, n) in &other.channels {
            match self.channels.iter_mut().find(|(c, _)| *c == channel) {
                Some((_, mine)) => *mine += n,
                None => self.channels.push((channel, n)),
            }
        }
    }
}

/// Middle values the database finds among the period's tickets, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Medians {
    /// From report to close, of the closed complaints.
    pub complaint_close: Option<f64>,
    /// From report to the first step staff took that the resident saw.
    pub first_update: Option<f64>,
}

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

/// One channel's part of the period's tickets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelShare {
    pub channel: Channel,
    pub tickets: u64,
    pub share: Option<f64>,
}

/// The figures of some tickets: the whole scope, or one group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketFigures {
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
    pub complaints_closed_in_24h_share: Option<f64>,
    pub complaint_close_median_hours: Option<f64>,
    pub first_response_in_15min_share: Option<f64>,
    pub first_update_median_minutes: Option<f64>,
    pub escalation_rate: Option<f64>,
    pub duplicate_rate: Option<f64>,
    /// Every channel, in a fixed order, with its tickets and share.
    pub channels: Vec<ChannelShare>,
    pub online_share: Option<f64>,
    pub handled_per_agent_day: Option<f64>,
    /// Relative to the previous period; null unless it was asked for.
    pub repeat_complaint_change: Option<f64>,
}

/// The service figures of a scope: its tickets', the survey answers' and the bot's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    #[serde(flatten)]
    pub of_tickets: TicketFigures,
    pub nps: NpsSummary,
    /// The bot's questions of the period.
    pub bot: BotFigures,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The figures of counted tickets over a period of `period_days` (for the per-day figure).
pub fn ticket_figures(c: &TicketCounts, medians: Medians, period_days: f64) -> TicketFigures {
    let online: u64 = c
        .channels
        .iter()
        .filter(|(channel, _)| channel.is_online())
        .map(|(_, n)| n)
        .sum();
    TicketFigures {
        tickets: c.tickets,
        complaints: c.complaints,
        closed_loop_rate: ratio(c.complaints_closed_after_contact, c.complaints),
        follow_up_coverage: ratio(c.resolved_followed_up, c.resolved),
        csat_average: (c.rated > 0).then(|| c.rating_sum as f64 / c.rated as f64),
        csat_satisfied_share: ratio(c.rated_satisfied, c.rated),
        one_time_resolution_rate: ratio(c.closed_never_reopened, c.closed),
        reopen_rate: ratio(c.resolved_reopened, c.resolved),
        repeat_complaint_rate: ratio(c.repeat_complaints, c.complaints),
        suggestion_adoption_rate: ratio(c.suggestions_adopted, c.suggestions_reviewed),
        complaints_closed_in_24h_share: ratio(c.complaints_closed_in_time, c.complaints),
        complaint_close_median_hours: medians.complaint_close.map(|s| s / 3600.0),
        first_response_in_15min_share: ratio(c.responded_in_time, c.tickets),
        first_update_median_minutes: medians.first_update.map(|s| s / 60.0),
        escalation_rate: ratio(c.escalated, c.tickets),
        duplicate_rate: ratio(c.duplicates, c.tickets),
        channels: c
            .channels
            .iter()
            .map(|&(channel, tickets)| ChannelShare {
                channel,
                tickets,
                share: ratio(tickets, c.tickets),
            })
            .collect(),
        online_share: ratio(online, c.tickets),
        handled_per_agent_day: (c.assignees > 0 && period_days > 0.0)
            .then(|| c.assigned as f64 / c.assignees as f64 / period_days),
        repeat_complaint_change: None,
    }
}

impl TicketFigures {
    /// Set the figures that compare this period with `previous`.
    pub fn compare_with(&mut self, previous: &TicketFigures) {
        self.repeat_complaint_change =
            match (self.repeat_complaint_rate, previous.repeat_complaint_rate) {
                (Some(now), Some(before)) if before > 0.0 => Some((now - before) / before),
                _ => None,
            };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> TicketCounts {
        TicketCounts {
            tickets: 10,
            complaints: 4,
            complaints_closed_after_contact: 2,
            complaints_closed_in_time: 1,
            repeat_complaints: 1,
            resolved: 8,
            resolved_followed_up: 4,
            resolved_reopened: 1,
            closed: 7,
            closed_never_reopened: 6,
            rated: 3,
            rating_sum: 11,
            rated_satisfied: 2,
            suggestions_reviewed: 3,
            suggestions_adopted: 2,
            responded_in_time: 5,
            escalated: 2,
            duplicates: 1,
            channels: vec![
                (Channel::Wechat, 4),
                (Channel::Phone, 3),
                (Channel::Web, 2),
                (Channel::Iot, 1),
            ],
            assigned: 8,
            assignees: 2,
        }
    }

    #[test]
    fn each_figure_follows_its_definition() {
        let medians = Medians {
            complaint_close: Some(1.5 * 3600.0),
            first_update: Some(600.0),
        };
        let f = ticket_figures(&counts(), medians, 2.0);
        assert_eq!((f.tickets, f.complaints), (10, 4));
        assert_eq!(f.closed_loop_rate, Some(0.5));
        assert_eq!(f.follow_up_coverage, Some(0.5));
        assert_eq!(f.csat_average, Some(11.0 / 3.0));
        assert_eq!(f.csat_satisfied_share, Some(2.0 / 3.0));
        assert_eq!(f.one_time_resolution_rate, Some(6.0 / 7.0));
        assert_eq!(f.reopen_rate, Some(1.0 / 8.0));
        assert_eq!(f.repeat_complaint_rate, Some(0.25));
        assert_eq!(f.suggestion_adoption_rate, Some(2.0 / 3.0));
        assert_eq!(f.complaints_closed_in_24h_share, Some(0.25));
        assert_eq!(f.complaint_close_median_hours, Some(1.5));
        assert_eq!(f.first_response_in_15min_share, Some(0.5));
        assert_eq!(f.first_update_median_minutes, Some(10.0));
        assert_eq!(f.escalation_rate, Some(0.2));
        assert_eq!(f.duplicate_rate, Some(0.1));
        assert_eq!(
            f.online_share,
            Some(0.6),
            "WeChat and web, not the call or the alarm"
        );
        assert_eq!(f.channels[0].share, Some(0.4));
        assert_eq!(
            f.handled_per_agent_day,
            Some(2.0),
            "8 tickets, 2 people, 2 days"
        );
        assert_eq!(f.repeat_complaint_change, None);
    }

    #[test]
    fn nothing_counted_gives_no_rate() {
        let f = ticket_figures(&TicketCounts::default(), Medians::default(), 1.0);
        assert_eq!(f.tickets, 0);
        assert_eq!((f.closed_loop_rate, f.csat_average), (None, None));
        assert_eq!((f.online_share, f.handled_per_agent_day), (None, None));
        assert_eq!(f.complaint_close_median_hours, None);
    }

    #[test]
    fn repeat_complaints_change_against_the_previous_period() {
        let mut now = ticket_figures(&counts(), Medians::default(), 1.0);
        let before = ticket_figures(
            &TicketCounts {
                repeat_complaints: 2,
                complaints: 5,
                ..counts()
            },
            Medians::default(),
            1.0,
        );
        now.compare_with(&before);
        let change = now.repeat_complaint_change.unwrap();
        assert!((change - (0.25 - 0.4) / 0.4).abs() < 1e-12, "{change}");
        let mut none_before = now.clone();
        none_before.compare_with(&ticket_figures(
            &TicketCounts::default(),
            Medians::default(),
            1.0,
        ));
        assert_eq!(none_before.repeat_complaint_change, None);
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
