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
        let f = figures(&once, NpsSummary::default(), 3);
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
        let empty = figures(&[], NpsSummary::default(), 3);
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
        let f = figures(&tickets, NpsSummary::default(), 3);
        assert_eq!((f.tickets, f.complaints), (8, 8));
        assert_eq!(f.csat_average, Some(16.0 / 4.0));
        assert_eq!(f.csat_satisfied_share, Some(3.0 / 4.0));
        assert_eq!(f.closed_loop_rate, Some(4.0 / 8.0));
        assert_eq!(f.follow_up_coverage, Some(4.0 / 8.0));
    }
}
