//! The dispatch pipeline: filter the candidates, then choose by the category's dispatch mode, and
//! keep the facts of why at every step (3 candidates; 张师傅 chosen: skill repair.water, on duty,
//! 2 open), which the reader's screen puts into words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::taxonomy::Kind;

code_enum! {
    /// How a category's jobs are given out.
    pub enum DispatchMode ("dispatch mode") {
        /// To the eligible technician with the least open work (the default).
        LeastLoad = "least_load",
        /// To the eligible technician who was given a job longest ago.
        RoundRobin = "round_robin",
        /// 抢单: offered to every eligible technician; the first to grab it wins, and if nobody
        /// does within the category's window it goes by least load.
        Grab = "grab",
    }
}

/// Field work (现场作业): what technicians do on site, repairs and paid in-home services; the
/// dispatch lists offer technicians for it, and the desk's people for the rest.
pub fn is_field_work(kind: Kind, category: Option<&str>) -> bool {
    kind == Kind::Repair || category == Some("service.paid_home")
}

/// Minutes a grab offer stands before the job goes by least load.
pub const DEFAULT_GRAB_MINUTES: u32 = 5;

/// Open jobs a technician may hold before they are passed over.
pub const DEFAULT_CAPACITY: u32 = 8;

/// A staff member who might take the job, as storage found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    /// Category codes, or a kind for all its categories (`repair`).
    pub skills: Vec<String>,
    /// A member of the grid team responsible for the job's place (true when no grid covers it).
    pub in_grid: bool,
    pub on_duty: bool,
    pub open_jobs: u32,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// What of the job the pipeline reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub category: Option<String>,
    pub mode: DispatchMode,
    pub capacity: u32,
}

code_enum! {
    /// Why a candidate was passed over.
    pub enum Exclusion ("dispatch exclusion") {
        OutsideGrid = "outside_grid",
        NoSkill = "no_skill",
        OffDuty = "off_duty",
        AtCapacity = "at_capacity",
    }
}

code_enum! {
    /// What sent a job through the pipeline again, without a person asking.
    pub enum Redispatch ("redispatch cause") {
        /// The assignee did not accept within the window (超时未接单): the next candidate gets it.
        AssignmentTimedOut = "assignment_timed_out",
        /// Nobody grabbed the offered job in time: least load decides.
        GrabTimedOut = "grab_timed_out",
    }
}

/// Why the pipeline decided as it did: the facts the timeline keeps and a screen puts into the
/// reader's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub considered: usize,
    /// Names of the eligible, with their open work.
    pub eligible: Vec<(String, u32)>,
    pub excluded: Vec<(String, Exclusion)>,
    pub mode: DispatchMode,
    pub chosen: Option<String>,
    /// The job's category, which the chosen one's skill covers.
    #[serde(default)]
    pub category: Option<String>,
    /// Set when a timeout, not a person, ran the pipeline again.
    #[serde(default)]
    pub after: Option<Redispatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Assign {
        staff_id: String,
        explanation: Explanation,
    },
    /// Grab mode: offered to these, the first to grab wins.
    Offer {
        staff_ids: Vec<String>,
        explanation: Explanation,
    },
    /// Nobody fits: the job waits in the dispatcher queue and the supervisor is told.
    Queue { explanation: Explanation },
}

impl Decision {
    /// Why it was decided so.
    pub fn explanation(&self) -> &Explanation {
        match self {
            Decision::Assign { explanation, .. }
            | Decision::Offer { explanation, .. }
            | Decision::Queue { explanation } => explanation,
        }
    }

    /// The same decision, made because of `cause` rather than at a person's request.
    pub fn after(mut self, cause: Redispatch) -> Self {
        match &mut self {
            Decision::Assign { explanation, .. }
            | Decision::Offer { explanation, .. }
            | Decision::Queue { explanation } => explanation.after = Some(cause),
        }
        self
    }
}

/// The skill of `skills` that covers `category`: the category's own code, or its kind for all its
/// categories. A job without a category needs no skill (`Some("")`).
fn matching_skill<'a>(skills: &'a [String], category: Option<&str>) -> Option<&'a str> {
    let Some(category) = category else {
        return Some("");
    };
    let kind = category.split('.').next().unwrap_or(category);
    skills
        .iter()
        .find(|s| *s == category)
        .or_else(|| skills.iter().find(|s| *s == kind))
        .map(String::as_str)
}

/// The pipeline's filters in their order: skill, grid, duty, then load.
fn exclusion(c: &Candidate, job: &Job) -> Option<Exclusion> {
    if matching_skill(&c.skills, job.category.as_deref()).is_none() {
        Some(Exclusion::NoSkill)
    } else if !c.in_grid {
        Some(Exclusion::OutsideGrid)
    } else if !c.on_duty {
        Some(Exclusion::OffDuty)
    } else if c.open_jobs >= job.capacity {
        Some(Exclusion::AtCapacity)
    } else {
        None
    }
}

impl Exclusion {
    /// How far down the pipeline a candidate came before this stopped them: who failed later
    /// ranks above who failed earlier.
    fn stage(self) -> u8 {
        match self {
            Exclusion::NoSkill => 0,
            Exclusion::OutsideGrid => 1,
            Exclusion::OffDuty => 2,
            Exclusion::AtCapacity => 3,
        }
    }
}

/// One candidate as the pipeline judged them, with the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub id: String,
    pub name: String,
    /// None: eligible.
    pub exclusion: Option<Exclusion>,
    /// The skill that covers the job's category (a category code or a kind); None without one,
    /// and also for a job without a category, which needs none.
    pub skill: Option<String>,
    pub in_grid: bool,
    pub on_duty: bool,
    pub open_jobs: u32,
}

/// Every candidate, best first: the eligible in the order the job's mode chooses them (least
/// load, or who waited longest; grab offers go by load too), then those passed over, the ones
/// who came furthest through the filters first. Automatic dispatch takes the first eligible, and
/// the dispatch lists show the same order, so people and the machine never disagree.
pub fn rank(job: &Job, candidates: &[Candidate]) -> Vec<Ranked> {
    let mut judged: Vec<(&Candidate, Option<Exclusion>)> =
        candidates.iter().map(|c| (c, exclusion(c, job))).collect();
    judged.sort_by(|(a, why_a), (b, why_b)| {
        let stage =
            |why: &Option<Exclusion>| std::cmp::Reverse(why.map_or(u8::MAX, Exclusion::stage));
        let order = |c: &Candidate| match job.mode {
            DispatchMode::RoundRobin => (0, c.last_assigned_at),
            DispatchMode::LeastLoad | DispatchMode::Grab => (c.open_jobs, c.last_assigned_at),
        };
        (stage(why_a), order(a), &a.id).cmp(&(stage(why_b), order(b), &b.id))
    });
    judged
        .into_iter()
        .map(|(c, exclusion)| Ranked {
            id: c.id.clone(),
            name: c.name.clone(),
            exclusion,
            skill: matching_skill(&c.skills, job.category.as_deref())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            in_grid: c.in_grid,
            on_duty: c.on_duty,
            open_jobs: c.open_jobs,
        })
        .collect()
}

/// Decides who gets `job` among `candidates`: the first of the ranking, or, for a grab, every
/// eligible one.
pub fn decide(job: &Job, candidates: &[Candidate]) -> Decision {
    let ranked = rank(job, candidates);
    // The explanation keeps the order the candidates came in, as the timeline always showed it.
    let eligible: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| exclusion(c, job).is_none())
        .collect();
    let excluded = candidates
        .iter()
        .filter_map(|c| exclusion(c, job).map(|why| (c.name.clone(), why)))
        .collect();
    let chosen = ranked
        .first()
        .filter(|r| r.exclusion.is_none() && job.mode != DispatchMode::Grab);
    let explanation = Explanation {
        considered: candidates.len(),
        eligible: eligible
            .iter()
            .map(|c| (c.name.clone(), c.open_jobs))
            .collect(),
        excluded,
        mode: job.mode,
        chosen: chosen.map(|c| c.name.clone()),
        category: job.category.clone(),
        after: None,
    };
    match chosen {
        Some(c) => Decision::Assign {
            staff_id: c.id.clone(),
            explanation,
        },
        None if job.mode == DispatchMode::Grab && !eligible.is_empty() => Decision::Offer {
            staff_ids: eligible.iter().map(|c| c.id.clone()).collect(),
            explanation,
        },
        None => Decision::Queue { explanation },
    }
}

impl Explanation {
    /// The open work of the one chosen, when someone was.
    pub fn chosen_load(&self) -> Option<u32> {
        let chosen = self.chosen.as_ref()?;
        self.eligible
            .iter()
            .find(|(name, _)| name == chosen)
            .map(|(_, open)| *open)
    }

    /// Offered for grabbing: a grab with someone to offer it to and nobody chosen.
    pub fn offered(&self) -> bool {
        self.chosen.is_none() && self.mode == DispatchMode::Grab && !self.eligible.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, skills: &[&str], open: u32, on_duty: bool) -> Candidate {
        Candidate {
            id: id.into(),
            name: format!("{id}师傅"),
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            in_grid: true,
            on_duty,
            open_jobs: open,
            last_assigned_at: None,
        }
    }

    fn job(mode: DispatchMode) -> Job {
        Job {
            category: Some("repair.water".into()),
            mode,
            capacity: 3,
        }
    }

    #[test]
    fn least_load_picks_the_eligible_technician_with_least_open_work() {
        let candidates = vec![
            c("张", &["repair.water"], 2, true),
            c("李", &["repair"], 1, true),
            c("王", &["repair.electric"], 0, true),
            c("赵", &["repair.water"], 0, false),
            c("钱", &["repair.water"], 3, true),
            Candidate {
                in_grid: false,
                ..c("孙", &["repair.water"], 0, true)
            },
        ];
        let Decision::Assign {
            staff_id,
            explanation,
        } = decide(&job(DispatchMode::LeastLoad), &candidates)
        else {
            panic!("assigns")
        };
        assert_eq!(staff_id, "李", "a kind-wide skill covers its categories");
        assert_eq!(explanation.considered, 6);
        assert_eq!(
            explanation.eligible,
            [("张师傅".to_owned(), 2), ("李师傅".to_owned(), 1)]
        );
        let reasons: Vec<Exclusion> = explanation.excluded.iter().map(|(_, e)| *e).collect();
        assert_eq!(
            reasons,
            [
                Exclusion::NoSkill,
                Exclusion::OffDuty,
                Exclusion::AtCapacity,
                Exclusion::OutsideGrid
            ]
        );
        let ranked: Vec<String> = rank(&job(DispatchMode::LeastLoad), &candidates)
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            ranked,
            ["李", "张", "钱", "赵", "孙", "王"],
            "eligible by load, then who came furthest through the filters"
        );
        assert_eq!(explanation.chosen.as_deref(), Some("李师傅"));
        assert_eq!(explanation.chosen_load(), Some(1));
        assert_eq!(explanation.category.as_deref(), Some("repair.water"));
        assert!(!explanation.offered());
    }

    #[test]
    fn a_gas_job_ranks_the_gas_technician_first_and_says_who_lacks_the_skill() {
        let gas = Job {
            category: Some("repair.gas".into()),
            mode: DispatchMode::LeastLoad,
            capacity: 8,
        };
        let greening = Candidate {
            in_grid: true,
            ..c("绿化", &["service.greening"], 0, true)
        };
        let candidates = [
            greening,
            c("燃气", &["repair.gas"], 2, true),
            c("综合", &["repair"], 5, false),
        ];
        let ranked = rank(&gas, &candidates);
        let summary: Vec<(&str, Option<Exclusion>, Option<&str>)> = ranked
            .iter()
            .map(|r| (r.id.as_str(), r.exclusion, r.skill.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("燃气", None, Some("repair.gas")),
                ("综合", Some(Exclusion::OffDuty), Some("repair")),
                ("绿化", Some(Exclusion::NoSkill), None)
            ]
        );
        assert!(
            matches!(decide(&gas, &candidates), Decision::Assign { staff_id, .. } if staff_id == "燃气"),
            "dispatch takes the ranking's first"
        );
        let any = Job {
            category: None,
            ..gas
        };
        assert!(
            rank(&any, &candidates)
                .iter()
                .all(|r| r.skill.is_none() && r.exclusion != Some(Exclusion::NoSkill)),
            "no category needs no skill"
        );
    }

    #[test]
    fn repairs_and_paid_home_services_are_field_work() {
        assert!(is_field_work(Kind::Repair, Some("repair.gas")));
        assert!(is_field_work(Kind::Service, Some("service.paid_home")));
        assert!(!is_field_work(Kind::Complaint, Some("complaint.noise")));
        assert!(!is_field_work(Kind::Service, Some("service.move")));
    }

    #[test]
    fn grab_offers_the_job_to_every_eligible_technician() {
        let candidates = vec![
            c("张", &["repair.water"], 2, true),
            c("李", &["repair.water"], 0, true),
            c("王", &["repair.gas"], 0, true),
        ];
        let Decision::Offer {
            staff_ids,
            explanation,
        } = decide(&job(DispatchMode::Grab), &candidates)
        else {
            panic!("offers")
        };
        assert_eq!(staff_ids, ["张", "李"]);
        assert!(explanation.offered() && explanation.eligible.len() == 2);
        assert!(
            matches!(
                decide(&job(DispatchMode::Grab), &candidates[2..]),
                Decision::Queue { .. }
            ),
            "nobody to offer to"
        );
    }

    #[test]
    fn round_robin_picks_who_waited_longest_and_nobody_means_the_queue() {
        let now = Utc::now();
        let mut a = c("甲", &["repair.water"], 0, true);
        a.last_assigned_at = Some(now);
        let mut b = c("乙", &["repair.water"], 5, true);
        b.last_assigned_at = Some(now - chrono::Duration::hours(2));
        let job = Job {
            capacity: 8,
            ..job(DispatchMode::RoundRobin)
        };
        assert!(
            matches!(decide(&job, &[a.clone(), b]), Decision::Assign { staff_id, .. } if staff_id == "乙")
        );
        let Decision::Queue { explanation } = decide(&job, &[c("丙", &["cleaning"], 0, true)])
        else {
            panic!("queues")
        };
        assert!(explanation.chosen.is_none() && !explanation.offered());
        assert!(matches!(decide(&job, &[]), Decision::Queue { .. }));
    }
}
