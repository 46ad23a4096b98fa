//! What a company's SLA clocks are computed with: its policies, its calendars in each project's
//! time zone, and which calendar each project uses. Loaded once per configuration version and
//! shared: every change of a policy, calendar or project calendar bumps the version, so every
//! node sees the change on its next read.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guanjia_domain::calendar::{Calendar, Exception, WeeklyHours};
use guanjia_domain::hotline::{PlatformOrder, platform_clocks};
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::sla::{
    Clock, ClockFacts, ClockName, Pause, Policy, Target, TicketTraits, choose, clock,
};
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::calendars::{ALWAYS_OPEN, exception_of, weekly_of};
use super::policies::policy_of;
use super::version::CONFIG_VERSION;
use crate::db::Store;
use crate::entity::{calendar, calendar_day, project, sla_policy, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::tickets::follow_up_policy_of;
use crate::versioned::{VersionedCache, version_of};

/// The calendar of the company's default, used by projects that name none.
pub(crate) const DEFAULT_PRESET: &str = "china_mainland";

/// A clock of a ticket with the policy and calendar it follows.
#[derive(Debug, Clone)]
pub struct TicketClock {
    pub clock: Clock,
    pub policy_id: String,
    pub calendar_id: String,
    pub target: Target,
}

/// One company's SLA configuration, ready to compute with.
#[derive(Debug)]
pub struct SlaContext {
    pub(crate) policies: Vec<Policy>,
    /// By (calendar id, time zone).
    calendars: HashMap<(String, Tz), Calendar>,
    default_calendar_id: Option<String>,
    /// The company's round-the-clock calendar, which the 12345 platform's deadlines count on.
    always_open_id: Option<String>,
    /// Calendar id → its name, for saying which calendar a clock counts on.
    calendar_names: HashMap<String, String>,
    /// Project id → (time zone, its own calendar).
    projects: HashMap<String, (Tz, Option<String>)>,
    /// Days after resolve when a ticket nobody rated closes.
    pub(crate) auto_close_days: u32,
}

impl SlaContext {
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        company_id: &str,
        auto_close_days: u32,
    ) -> Result<Self> {
        let policies = sla_policy::Entity::find()
            .filter(sla_policy::Column::CompanyId.eq(company_id))
            .order_by_asc(sla_policy::Column::CreatedAt)
            .order_by_asc(sla_policy::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter_map(|row| policy_of(&row))
            .collect();
        let projects: HashMap<String, (Tz, Option<String>)> = project::Entity::find()
            .filter(project::Column::CompanyId.eq(company_id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    (
                        p.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
                        p.calendar_id,
                    ),
                )
            })
            .collect();
        let rows = calendar::Entity::find()
            .filter(calendar::Column::CompanyId.eq(company_id))
            .all(db)
            .await?;
        let days = calendar_day::Entity::find()
            .filter(calendar_day::Column::CompanyId.eq(company_id))
            .all(db)
            .await?;
        let mut zones: Vec<Tz> = projects.values().map(|(tz, _)| *tz).collect();
        zones.sort_by_key(|tz| tz.name());
        zones.dedup();
        let mut calendars = HashMap::new();
        for row in &rows {
            let exceptions: Vec<Exception> = days
                .iter()
                .filter(|d| d.calendar_id == row.id)
                .map(exception_of)
                .collect();
            let weekly = weekly_of(&row.weekly_hours);
            for &zone in &zones {
                calendars.insert(
                    (row.id.clone(), zone),
                    build(zone, weekly.clone(), &exceptions),
                );
            }
        }
        let default_calendar_id = rows
            .iter()
            .find(|c| c.preset.as_deref() == Some(DEFAULT_PRESET))
            .map(|c| c.id.clone());
        let always_open_id = rows
            .iter()
            .find(|c| c.preset.as_deref() == Some(ALWAYS_OPEN.1))
            .map(|c| c.id.clone());
        let calendar_names = rows
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect();
        Ok(SlaContext {
            policies,
            calendars,
            default_calendar_id,
            always_open_id,
            calendar_names,
            projects,
            auto_close_days,
        })
    }

    /// Every clock the ticket has now, each from its own policy and calendar.
    pub fn clocks(&self, t: &ticket::Model, now: DateTime<Utc>) -> Vec<TicketClock> {
        let Some((traits, facts)) = facts_of(t) else {
            return Vec::new();
        };
        let mut clocks: Vec<TicketClock> = ClockName::ALL
            .iter()
            .filter_map(|&name| self.clock_of(name, &traits, &facts, now))
            .collect();
        if let Some(order) = platform_order_of(t) {
            clocks.extend(self.platform_clocks(&order, &traits, &facts, now));
        }
        clocks
    }

    /// The 12345 platform's clocks of a ticket: due when the platform says, counted round the
    /// clock, and watched by the warnings and escalation ladder of the policy that sets the
    /// clock each stands for (签收 the first response, 办结 the resolution).
    fn platform_clocks(
        &self,
        order: &PlatformOrder,
        traits: &TicketTraits,
        facts: &ClockFacts,
        now: DateTime<Utc>,
    ) -> Vec<TicketClock> {
        platform_clocks(order, facts, now)
            .into_iter()
            .filter_map(|clock| {
                let stands_for = match clock.name {
                    ClockName::HotlineAccept => ClockName::FirstResponse,
                    _ => ClockName::Resolution,
                };
                let (policy, _) = choose(&self.policies, traits, stands_for)?;
                let minutes = u32::try_from(clock.budget.num_minutes()).unwrap_or(0);
                Some(TicketClock {
                    policy_id: policy.id.clone(),
                    calendar_id: self.always_open_id.clone()?,
                    target: Target::Minutes(minutes),
                    clock,
                })
            })
            .collect()
    }

    /// The deadlines a ticket with `traits` reported at `start` would get (the follow-up and
    /// rectification clocks as if resolved, or reopened, at `start`): how an admin checks a policy.
    pub fn simulate(&self, traits: &TicketTraits, start: DateTime<Utc>) -> Vec<TicketClock> {
        let open = ClockFacts::reported(traits.kind, start);
        let resolved = ClockFacts {
            status: Status::Resolved,
            resolved_at: Some(start),
            ..open.clone()
        };
        let reopened = ClockFacts {
            status: Status::Reopened,
            reopened_at: Some(start),
            ..open.clone()
        };
        ClockName::ALL
            .iter()
            .filter_map(|&name| {
                let facts = match name {
                    ClockName::FollowUp => &resolved,
                    ClockName::Rectification => &reopened,
                    _ => &open,
                };
                self.clock_of(name, traits, facts, start)
            })
            .collect()
    }

    fn clock_of(
        &self,
        name: ClockName,
        traits: &TicketTraits,
        facts: &ClockFacts,
        now: DateTime<Utc>,
    ) -> Option<TicketClock> {
        let (zone, project_calendar) = self.projects.get(&traits.project_id)?;
        let (policy, target) = choose(&self.policies, traits, name)?;
        let calendar_id = policy
            .spec
            .calendar_id
            .clone()
            .or_else(|| project_calendar.clone())
            .or_else(|| self.default_calendar_id.clone())?;
        let calendar = self.calendars.get(&(calendar_id.clone(), *zone))?;
        let clock = clock(name, facts, target, calendar, now)?;
        Some(TicketClock {
            clock,
            policy_id: policy.id.clone(),
            calendar_id,
            target,
        })
    }

    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The name of a calendar clocks count on.
    pub fn calendar_name(&self, id: &str) -> Option<&str> {
        self.calendar_names.get(id).map(String::as_str)
    }

    pub(crate) fn calendar(&self, id: &str, project_id: &str) -> Option<&Calendar> {
        let (zone, _) = self.projects.get(project_id)?;
        self.calendars.get(&(id.to_owned(), *zone))
    }
}

fn build(time_zone: Tz, weekly: WeeklyHours, exceptions: &[Exception]) -> Calendar {
    Calendar {
        time_zone,
        weekly,
        exceptions: exceptions.iter().map(|e| (e.date, e.clone())).collect(),
    }
}

/// The policy-matching traits and clock facts of a stored ticket; None for a row the domain
/// cannot read (never written by this code).
pub(crate) fn facts_of(t: &ticket::Model) -> Option<(TicketTraits, ClockFacts)> {
    let kind = *t.kind;
    let traits = TicketTraits {
        project_id: t.project_id.clone(),
        kind,
        category: t.category.clone(),
        urgency: *t.urgency,
        tier: t.tier.map_or(ServiceTier::Basic, |s| *s),
    };
    let pauses: Vec<Pause> = t
        .pauses
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let facts = ClockFacts {
        kind,
        status: *t.status,
        reported_at: t.reported_at,
        first_responded_at: t.first_responded_at,
        arrived_at: t.arrived_at,
        resolved_at: t.resolved_at,
        closed_at: t.closed_at,
        suspended_at: t.suspended_at,
        pauses,
        first_resolved_at: t.first_resolved_at,
        reopened_at: t.reopened_at,
        follow_up_policy: follow_up_policy_of(t),
    };
    Some((traits, facts))
}

/// The 12345 order a ticket came from, if it did.
pub fn platform_order_of(t: &ticket::Model) -> Option<PlatformOrder> {
    serde_json::from_value(t.platform_order.clone()?).ok()
}

impl Store {
    /// The company's SLA configuration, shared until it changes.
    pub async fn sla_context(&self, company_id: &str) -> Result<Arc<SlaContext>> {
        self.sla_cache
            .get(&self.db, company_id, self.loop_rules.auto_close_days)
            .await
    }

    /// The deadlines a ticket with `traits` reported at `start` would get, in a project the
    /// caller sees.
    pub async fn simulate_deadlines(
        &self,
        who: &Principal,
        traits: &TicketTraits,
        start: DateTime<Utc>,
    ) -> Result<Vec<TicketClock>> {
        if !who.sees_project(&traits.project_id) {
            return Err(StorageError::field(
                "project_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        self.project(who, &traits.project_id)
            .await
            .map_err(|_| StorageError::field("project_id", FieldErrorCode::UnknownReference))?;
        Ok(self
            .sla_context(&who.company_id)
            .await?
            .simulate(traits, start))
    }
}

/// Contexts by company, each with the configuration version it was loaded at.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContextCache(VersionedCache<SlaContext>);

impl ContextCache {
    /// The company's context, loaded again only when its configuration version moved.
    pub(crate) async fn get(
        &self,
        db: &impl ConnectionTrait,
        company_id: &str,
        auto_close_days: u32,
    ) -> Result<Arc<SlaContext>> {
        let version = version_of(db, company_id, CONFIG_VERSION).await?;
        if let Some(found) = self.0.fresh(company_id, version)
            && found.auto_close_days == auto_close_days
        {
            return Ok(found);
        }
        let loaded = Arc::new(SlaContext::load(db, company_id, auto_close_days).await?);
        self.0.keep(company_id, version, loaded.clone());
        Ok(loaded)
    }
}
