//! SLA policies (服务时限标准): targets per project, kind, category, urgency and service tier.
//!
//! Each clock of a ticket takes its target from the most specific active policy that matches the
//! ticket and sets a target for that clock. Precedence, strongest first: project, urgency,
//! category, kind, service tier; a policy that names more of these beats one that names fewer of
//! the stronger ones (see [`Criteria::specificity`]). Urgency outranks category and kind so that
//! an emergency is never held to the slower target of its category. Between equally specific
//! policies the older one wins, so adding a policy never silently changes an older rule's tie.

use serde::{Deserialize, Serialize};

use super::ClockName;
use crate::resident::ServiceTier;
use crate::role::Role;
use crate::taxonomy::{Kind, Urgency, category_kind};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

/// How long a clock may run, counted on the policy's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// Minutes of business time (wall-clock minutes on a 24×7 calendar).
    Minutes(u32),
    /// By the end of the n-th business day after the day the clock starts (次日 = 1).
    BusinessDays(u32),
}

/// A target per clock; a policy may set only some of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub first_response: Option<Target>,
    /// Repairs only: a technician on site.
    pub arrival: Option<Target>,
    pub resolution: Option<Target>,
    /// Starts at resolve.
    pub follow_up: Option<Target>,
    /// Starts when an unsatisfied follow-up reopens the ticket.
    pub rectification: Option<Target>,
}

impl Targets {
    pub fn get(&self, name: ClockName) -> Option<Target> {
        match name {
            ClockName::FirstResponse => self.first_response,
            ClockName::Arrival => self.arrival,
            ClockName::Resolution => self.resolution,
            ClockName::FollowUp => self.follow_up,
            ClockName::Rectification => self.rectification,
            ClockName::HotlineAccept | ClockName::HotlineFinish => None,
        }
    }
}

/// Which tickets a policy is for; an empty field matches every ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    pub project_id: Option<String>,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    pub tier: Option<ServiceTier>,
}

/// What of a ticket the policies are matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTraits {
    pub project_id: String,
    pub kind: Kind,
    pub category: Option<String>,
    pub urgency: Urgency,
    /// The resident's tier; a ticket without a known resident is basic.
    pub tier: ServiceTier,
}

impl Criteria {
    pub fn matches(&self, t: &TicketTraits) -> bool {
        self.project_id.as_ref().is_none_or(|p| *p == t.project_id)
            && self.kind.is_none_or(|k| k == t.kind)
            && self
                .category
                .as_ref()
                .is_none_or(|c| t.category.as_ref() == Some(c))
            && self.urgency.is_none_or(|u| u == t.urgency)
            && self.tier.is_none_or(|tier| tier == t.tier)
    }

    /// The documented precedence as a number: higher wins. Each field weighs more than all
    /// weaker fields together, so the comparison is lexicographic over
    /// (project, urgency, category, kind, tier).
    pub fn specificity(&self) -> u8 {
        u8::from(self.project_id.is_some()) << 4
            | u8::from(self.urgency.is_some()) << 3
            | u8::from(self.category.is_some()) << 2
            | u8::from(self.kind.is_some()) << 1
            | u8::from(self.tier.is_some())
    }
}

/// Who an escalation level reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Staff of the role who belong to the ticket's project.
    Project,
    /// Staff of the role who span the whole company.
    Company,
}

/// One rung of the escalation ladder, counted from the breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// 1, 2, 3 …; the ticket's `escalation_level` rises to it.
    pub level: u8,
    /// Wall-clock minutes after the breach.
    pub after_minutes: u32,
    /// The role told: supervisor, manager or admin.
    pub notify: Role,
    pub reach: Reach,
}

/// Everything of a policy but its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    pub name: String,
    pub criteria: Criteria,
    /// None: the ticket's project's calendar.
    pub calendar_id: Option<String>,
    pub targets: Targets,
    /// Early warnings (预警), as percentages of each clock's target, ascending.
    pub warn_at_percent: Vec<u8>,
    /// The escalation ladder (升级), by level.
    pub escalation: Vec<EscalationStep>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub id: String,
    pub spec: PolicySpec,
}

/// The policy and target a clock gets, or None when no active policy sets that clock.
/// `policies` are in creation order (the tie-break).
pub fn choose<'a>(
    policies: &'a [Policy],
    ticket: &TicketTraits,
    clock: ClockName,
) -> Option<(&'a Policy, Target)> {
    policies
        .iter()
        .filter(|p| p.spec.active && p.spec.criteria.matches(ticket))
        .filter_map(|p| p.spec.targets.get(clock).map(|target| (p, target)))
        // max_by_key keeps the last of equals; reversing keeps the oldest.
        .rev()
        .max_by_key(|(p, _)| p.spec.criteria.specificity())
}

/// The default early warnings: at half and at four fifths of each clock.
pub const DEFAULT_WARNINGS: [u8; 2] = [50, 80];

/// The default ladder: the project's supervisor at the breach, its manager an hour later, a
/// company-wide manager four hours after the breach.
pub fn default_escalation() -> Vec<EscalationStep> {
    vec![
        EscalationStep {
            level: 1,
            after_minutes: 0,
            notify: Role::Supervisor,
            reach: Reach::Project,
        },
        EscalationStep {
            level: 2,
            after_minutes: 60,
            notify: Role::Manager,
            reach: Reach::Project,
        },
        EscalationStep {
            level: 3,
            after_minutes: 240,
            notify: Role::Manager,
            reach: Reach::Company,
        },
    ]
}

/// A seeded default with the product's warnings and ladder, counting `calendar_id` (None: the
/// project's calendar).
fn seeded(
    name: &str,
    criteria: Criteria,
    calendar_id: Option<&str>,
    targets: Targets,
) -> PolicySpec {
    PolicySpec {
        name: name.to_owned(),
        criteria,
        calendar_id: calendar_id.map(str::to_owned),
        targets,
        warn_at_percent: DEFAULT_WARNINGS.to_vec(),
        escalation: default_escalation(),
        active: true,
    }
}

/// The name of the seeded first-response default.
pub const FIRST_RESPONSE_DEFAULT: &str = "首次响应（7×24）";

/// The first-response default: 15 minutes round the clock, as a hotline answers. It counted
/// office hours once, so a Saturday call showed minutes left on Monday next to resolution
/// clocks already overdue.
pub fn first_response_default(always_open_calendar_id: &str) -> PolicySpec {
    let targets = Targets {
        first_response: Some(Target::Minutes(15)),
        ..Targets::default()
    };
    seeded(
        FIRST_RESPONSE_DEFAULT,
        Criteria::default(),
        Some(always_open_calendar_id),
        targets,
    )
}

/// The business-calendar default: arrival by the next business day, resolution in two.
fn standard_default(first_response: Option<Target>) -> PolicySpec {
    use Target::BusinessDays;
    let targets = Targets {
        first_response,
        arrival: Some(BusinessDays(1)),
        resolution: Some(BusinessDays(2)),
        ..Targets::default()
    };
    seeded("标准时限", Criteria::default(), None, targets)
}

/// The business-calendar default as companies were seeded before first response ran round the
/// clock; a company still holding exactly this is moved to the current defaults at migration.
pub fn former_standard_default() -> PolicySpec {
    standard_default(Some(Target::Minutes(15)))
}

/// The business-calendar default as seeded now, without first response.
pub fn standard_default_now() -> PolicySpec {
    standard_default(None)
}

/// The product's defaults, seeded for every company and editable afterwards. First response,
/// emergencies, urgent work, complaints' 24-hour promise and follow-up run round the clock
/// (`always_open_calendar_id`); the rest counts the project's business calendar.
pub fn default_policies(always_open_calendar_id: &str) -> Vec<PolicySpec> {
    use Target::{BusinessDays, Minutes};
    let spec = |name: &str, criteria: Criteria, always_open: bool, targets: Targets| {
        seeded(
            name,
            criteria,
            always_open.then_some(always_open_calendar_id),
            targets,
        )
    };
    vec![
        standard_default_now(),
        first_response_default(always_open_calendar_id),
        spec(
            "回访与整改时限（24小时）",
            Criteria::default(),
            true,
            Targets {
                follow_up: Some(Minutes(24 * 60)),
                rectification: Some(Minutes(24 * 60)),
                ..Targets::default()
            },
        ),
        spec(
            "报修完成时限",
            Criteria {
                kind: Some(Kind::Repair),
                ..Criteria::default()
            },
            false,
            Targets {
                resolution: Some(BusinessDays(3)),
                ..Targets::default()
            },
        ),
        spec(
            "投诉24小时闭环",
            Criteria {
                kind: Some(Kind::Complaint),
                ..Criteria::default()
            },
            true,
            Targets {
                resolution: Some(Minutes(24 * 60)),
                ..Targets::default()
            },
        ),
        spec(
            "紧急工单（7×24）",
            Criteria {
                urgency: Some(Urgency::Emergency),
                ..Criteria::default()
            },
            true,
            Targets {
                first_response: Some(Minutes(5)),
                arrival: Some(Minutes(30)),
                resolution: Some(Minutes(4 * 60)),
                ..Targets::default()
            },
        ),
        spec(
            "加急工单（7×24）",
            Criteria {
                urgency: Some(Urgency::Urgent),
                ..Criteria::default()
            },
            true,
            Targets {
                first_response: Some(Minutes(15)),
                arrival: Some(Minutes(2 * 60)),
                resolution: Some(Minutes(24 * 60)),
                ..Targets::default()
            },
        ),
    ]
}

/// The longest target accepted: a year of minutes, or 60 business days.
const MAX_MINUTES: u32 = 366 * 24 * 60;
const MAX_BUSINESS_DAYS: u32 = 60;

/// A policy as an admin writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub name: String,
    pub project_id: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub tier: Option<String>,
    /// Null: the project's calendar.
    pub calendar_id: Option<String>,
    pub targets: Targets,
    /// Default [50, 80].
    pub warn_at_percent: Option<Vec<u8>>,
    /// Default: supervisor at breach, project manager after 60 min, company manager after 240 min.
    pub escalation: Option<Vec<EscalationStep>>,
    /// Default true.
    pub active: Option<bool>,
}

impl PolicyInput {
    pub fn validate(self) -> Result<PolicySpec, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, 100);
        let kind: Option<Kind> = self.kind.as_deref().and_then(|k| p.code("kind", k));
        let urgency = self.urgency.as_deref().and_then(|u| p.code("urgency", u));
        let tier = self.tier.as_deref().and_then(|t| p.code("tier", t));
        if let Some(category) = &self.category {
            match category_kind(category) {
                None => p.add("category", FieldErrorCode::Invalid),
                Some(of) if kind.is_some_and(|k| k != of) => {
                    p.add("category", FieldErrorCode::Mismatch)
                }
                Some(_) => {}
            }
        }
        let targets = self.targets;
        if ClockName::ALL.iter().all(|&c| targets.get(c).is_none()) {
            p.add("targets", FieldErrorCode::Required);
        }
        for &clock in ClockName::ALL {
            let in_range = match targets.get(clock) {
                None => true,
                Some(Target::Minutes(m)) => (1..=MAX_MINUTES).contains(&m),
                Some(Target::BusinessDays(d)) => (1..=MAX_BUSINESS_DAYS).contains(&d),
            };
            if !in_range {
                p.add(format!("targets.{clock}"), FieldErrorCode::OutOfRange);
            }
        }
        let warn_at_percent = self
            .warn_at_percent
            .unwrap_or_else(|| DEFAULT_WARNINGS.to_vec());
        let ascending = warn_at_percent.windows(2).all(|w| w[0] < w[1]);
        if warn_at_percent.len() > 5
            || !ascending
            || warn_at_percent.iter().any(|&w| !(1..=99).contains(&w))
        {
            p.add("warn_at_percent", FieldErrorCode::Invalid);
        }
        let escalation = self.escalation.unwrap_or_else(default_escalation);
        let climbs = escalation
            .windows(2)
            .all(|w| w[0].level < w[1].level && w[0].after_minutes <= w[1].after_minutes);
        let sane = escalation.iter().all(|s| {
            (1..=9).contains(&s.level) && s.after_minutes <= 7 * 24 * 60 && s.notify.oversees()
        });
        if escalation.len() > 5 || !climbs || !sane {
            p.add("escalation", FieldErrorCode::Invalid);
        }
        p.optional_text("project_id", self.project_id.as_deref(), 36);
        p.optional_text("calendar_id", self.calendar_id.as_deref(), 36);
        p.into_result(PolicySpec {
            name: self.name.trim().to_owned(),
            criteria: Criteria {
                project_id: self.project_id,
                kind,
                category: self.category,
                urgency,
                tier,
            },
            calendar_id: self.calendar_id,
            targets,
            warn_at_percent,
            escalation,
            active: self.active.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<Policy> {
        default_policies("always")
            .into_iter()
            .enumerate()
            .map(|(i, spec)| Policy {
                id: format!("p{i}"),
                spec,
            })
            .collect()
    }

    fn ticket(kind: Kind, urgency: Urgency) -> TicketTraits {
        TicketTraits {
            project_id: "cuihu".into(),
            kind,
            category: None,
            urgency,
            tier: ServiceTier::Basic,
        }
    }

    fn chosen(
        policies: &[Policy],
        t: &TicketTraits,
        clock: ClockName,
    ) -> Option<(String, Target, Option<String>)> {
        choose(policies, t, clock)
            .map(|(p, target)| (p.spec.name.clone(), target, p.spec.calendar_id.clone()))
    }

    #[test]
    fn the_defaults_give_the_product_targets() {
        use Target::*;
        let p = defaults();
        let normal_repair = ticket(Kind::Repair, Urgency::Normal);
        let (name, target, calendar) =
            chosen(&p, &normal_repair, ClockName::FirstResponse).unwrap();
        assert_eq!(
            (name.as_str(), target, calendar.as_deref()),
            (FIRST_RESPONSE_DEFAULT, Minutes(15), Some("always")),
            "a hotline answers round the clock"
        );
        assert_eq!(
            choose(&p, &normal_repair, ClockName::Arrival).unwrap().1,
            BusinessDays(1)
        );
        assert_eq!(
            choose(&p, &normal_repair, ClockName::Resolution).unwrap().1,
            BusinessDays(3)
        );
        let (name, target, calendar) = chosen(&p, &normal_repair, ClockName::FollowUp).unwrap();
        assert_eq!(
            (name.as_str(), target, calendar.as_deref()),
            ("回访与整改时限（24小时）", Minutes(1440), Some("always"))
        );

        let emergency = ticket(Kind::Repair, Urgency::Emergency);
        let (_, target, calendar) = chosen(&p, &emergency, ClockName::FirstResponse).unwrap();
        assert_eq!(
            (target, calendar.as_deref()),
            (Minutes(5), Some("always")),
            "emergencies run 24×7"
        );
        assert_eq!(
            choose(&p, &emergency, ClockName::Arrival).unwrap().1,
            Minutes(30)
        );
        assert_eq!(
            choose(
                &p,
                &ticket(Kind::Repair, Urgency::Urgent),
                ClockName::Arrival
            )
            .unwrap()
            .1,
            Minutes(120)
        );

        let complaint = ticket(Kind::Complaint, Urgency::Normal);
        assert_eq!(
            chosen(&p, &complaint, ClockName::Resolution).unwrap().0,
            "投诉24小时闭环"
        );
        assert_eq!(
            choose(
                &p,
                &ticket(Kind::Inquiry, Urgency::Normal),
                ClockName::Resolution
            )
            .unwrap()
            .1,
            BusinessDays(2)
        );
    }

    #[test]
    fn the_most_specific_policy_wins_by_the_documented_precedence() {
        let mut p = defaults();
        let mut add = |name: &str, criteria: Criteria, minutes: u32| {
            let spec = PolicySpec {
                name: name.into(),
                criteria,
                calendar_id: None,
                targets: Targets {
                    first_response: Some(Target::Minutes(minutes)),
                    ..Targets::default()
                },
                warn_at_percent: vec![],
                escalation: vec![],
                active: true,
            };
            p.push(Policy {
                id: name.into(),
                spec,
            });
        };
        add(
            "premium",
            Criteria {
                tier: Some(ServiceTier::Premium),
                ..Criteria::default()
            },
            10,
        );
        add(
            "water",
            Criteria {
                category: Some("repair.water".into()),
                ..Criteria::default()
            },
            12,
        );
        add(
            "cuihu",
            Criteria {
                project_id: Some("cuihu".into()),
                ..Criteria::default()
            },
            20,
        );
        add(
            "cuihu-again",
            Criteria {
                project_id: Some("cuihu".into()),
                ..Criteria::default()
            },
            25,
        );
        let mut t = ticket(Kind::Repair, Urgency::Normal);
        t.project_id = "other".into();
        t.tier = ServiceTier::Premium;
        assert_eq!(
            chosen(&p, &t, ClockName::FirstResponse).unwrap().0,
            "premium",
            "tier beats no criteria"
        );
        t.category = Some("repair.water".into());
        assert_eq!(
            chosen(&p, &t, ClockName::FirstResponse).unwrap().0,
            "water",
            "category beats tier"
        );
        t.urgency = Urgency::Emergency;
        assert_eq!(
            chosen(&p, &t, ClockName::FirstResponse).unwrap().0,
            "紧急工单（7×24）",
            "urgency beats category"
        );
        t.project_id = "cuihu".into();
        assert_eq!(
            chosen(&p, &t, ClockName::FirstResponse).unwrap().0,
            "cuihu",
            "project beats all, the older of equals"
        );
        // A clock the most specific policy does not set falls to the next that does.
        assert_eq!(
            choose(&p, &t, ClockName::Arrival).unwrap().1,
            Target::Minutes(30)
        );
    }

    #[test]
    fn inactive_policies_and_other_projects_do_not_match() {
        let mut p = defaults();
        for policy in &mut p {
            policy.spec.active = policy.spec.criteria.urgency.is_none();
        }
        let emergency = ticket(Kind::Repair, Urgency::Emergency);
        assert_eq!(
            choose(&p, &emergency, ClockName::FirstResponse).unwrap().1,
            Target::Minutes(15)
        );
        let c = Criteria {
            project_id: Some("x".into()),
            ..Criteria::default()
        };
        assert!(!c.matches(&emergency));
    }

    fn input(json: serde_json::Value) -> Result<PolicySpec, ValidationError> {
        serde_json::from_value::<PolicyInput>(json)
            .unwrap()
            .validate()
    }

    fn fields(e: ValidationError) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn an_admins_policy_is_checked_field_by_field() {
        let ok = input(serde_json::json!({
            "name": "尊享业主", "tier": "premium", "targets": {"first_response": {"minutes": 10}, "arrival": {"business_days": 1}}
        }))
        .unwrap();
        assert_eq!(ok.warn_at_percent, vec![50, 80]);
        assert_eq!(ok.escalation.len(), 3);
        assert_eq!(ok.criteria.tier, Some(ServiceTier::Premium));

        let bad = input(serde_json::json!({
            "name": " ", "kind": "complaint", "category": "repair.water", "urgency": "soon",
            "targets": {"resolution": {"minutes": 0}}, "warn_at_percent": [80, 50],
            "escalation": [{"level": 2, "after_minutes": 0, "notify": "supervisor", "reach": "project"},
                           {"level": 1, "after_minutes": 60, "notify": "manager", "reach": "company"}]
        }))
        .unwrap_err();
        assert_eq!(
            fields(bad),
            [
                "name",
                "urgency",
                "category",
                "targets.resolution",
                "warn_at_percent",
                "escalation"
            ]
        );
        let none = input(serde_json::json!({"name": "空", "targets": {}})).unwrap_err();
        assert_eq!(fields(none), ["targets"]);
        assert!(
            serde_json::from_value::<PolicyInput>(
                serde_json::json!({"name": "x", "targets": {"eta": {"minutes": 1}}})
            )
            .is_err()
        );
    }
}
