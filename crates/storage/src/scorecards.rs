//! 考核: each role's scheme (admins and managers), the month's cards and league table, and the
//! lock at month end (by the scheduler on every node, or by hand; idempotent). Rules come from
//! `guanjia_domain::scorecard`; the measures are counted here, in SQL, one row per person or team.
//!
//! Whose tickets a card counts: an agent's and a butler's are those they first received
//! (首问负责制: the first-contact owner answers for them), a technician's those assigned to them,
//! a team's those given to it. Praise and inspection scores are the person's own, and for a team
//! its members'. Months are calendar months in the company's time zone, by when a ticket was
//! reported (an inspection by the Monday of its week).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use guanjia_domain::place::local_date;
use guanjia_domain::role::Role;
use guanjia_domain::scorecard::{
    Fact, Facts, Measure, Month, Scheme, Scored, Subject, Term, ranks, score,
};
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::taxonomy::Kind;
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult,
    QuerySelect, TryInsertResult,
};
use serde_json::json;

use crate::closed_loop::ticket_conditions;
use crate::code::Code;
use crate::db::Store;
use crate::entity::{
    company, scorecard, scorecard_month, scorecard_scheme, staff, staff_project, team, team_member,
};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, changes};

/// Locked cards written in one statement.
const INSERT_BATCH: usize = 200;

/// One card: a person's or team's month scored against their role's scheme, ranked among the
/// role's cards of the month in the company.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// `{month}.{role}.{subject_id}`.
    pub id: String,
    pub month: Month,
    pub role: Subject,
    pub subject_id: String,
    pub name: String,
    pub scored: Scored,
    pub rank: u32,
    /// When the month was locked; none while it is open (the card is computed on read).
    pub locked_at: Option<DateTime<Utc>>,
}

/// Which cards a list shows.
#[derive(Debug, Clone)]
pub struct CardFilter {
    pub month: Month,
    pub role: Subject,
    /// Only the people (or teams) of this project.
    pub project_id: Option<String>,
}

/// The id of a card.
pub fn card_id(month: Month, role: Subject, subject_id: &str) -> String {
    format!("{month}.{}.{subject_id}", role.as_str())
}

/// A card's id read back.
fn parse_card_id(id: &str) -> Option<(Month, Subject, &str)> {
    let mut parts = id.splitn(3, '.');
    let month = parts.next()?.parse().ok()?;
    let role = parts.next()?.parse().ok()?;
    Some((month, role, parts.next()?))
}

/// The role whose cards a staff member has, if any.
fn subject_of(role: Role) -> Option<Subject> {
    match role {
        Role::Agent => Some(Subject::Agent),
        Role::Butler => Some(Subject::Butler),
        Role::Technician => Some(Subject::Technician),
        _ => None,
    }
}

/// Whose cards a caller may see, of one role: everyone's, or only these.
enum Seen {
    All,
    Only(HashSet<String>),
}

impl Seen {
    fn includes(&self, id: &str) -> bool {
        match self {
            Seen::All => true,
            Seen::Only(ids) => ids.contains(id),
        }
    }
}

impl Store {
    /// A role's scheme: the one set, else the default (admins and managers).
    pub async fn scorecard_scheme(&self, who: &Principal, role: Subject) -> Result<Scheme> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        self.scheme_of(&who.company_id, role).await
    }

    /// Sets a role's scheme (admins and managers; audited). Locked months keep the scheme they
    /// were scored on; open months score on this one from now on.
    pub async fn set_scorecard_scheme(
        &self,
        who: &Principal,
        role: Subject,
        scheme: Scheme,
        now: DateTime<Utc>,
    ) -> Result<Scheme> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let scheme = scheme.validate()?;
        let before = self.scheme_of(&who.company_id, role).await?;
        let row = scorecard_scheme::ActiveModel {
            company_id: Set(who.company_id.clone()),
            role: Set(role.as_str().to_owned()),
            terms: Set(json!(scheme.terms)),
            updated_at: Set(now),
        };
        let txn = self.begin_write().await?;
        scorecard_scheme::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    scorecard_scheme::Column::CompanyId,
                    scorecard_scheme::Column::Role,
                ])
                .update_columns([
                    scorecard_scheme::Column::Terms,
                    scorecard_scheme::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        Audit::by(who, "scorecard_scheme", role.as_str(), "update")
            .record(&txn, changes(json!(before), json!(scheme)), now)
            .await?;
        txn.commit().await?;
        Ok(scheme)
    }

    async fn scheme_of(&self, company_id: &str, role: Subject) -> Result<Scheme> {
        let stored =
            scorecard_scheme::Entity::find_by_id((company_id.to_owned(), role.as_str().to_owned()))
                .one(&self.db)
                .await?;
        Ok(stored
            .and_then(|s| serde_json::from_value::<Vec<Term>>(s.terms).ok())
            .map_or_else(|| Scheme::default_for(role), |terms| Scheme { terms }))
    }

    /// The cards of a month and role the caller may see, best first (a locked month's as
    /// stored, an open month's computed now). Staff of a project see its people's; an agent,
    /// butler or technician only their own; a supervisor their teams' and their members'.
    pub async fn scorecards(
        &self,
        who: &Principal,
        filter: &CardFilter,
        page: PageRequest,
    ) -> Result<Page<Card>> {
        if let Some(project_id) = &filter.project_id
            && !who.sees_project(project_id)
        {
            return Err(StorageError::field(
                "project_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        let seen = self.scorecards_seen(who, filter.role).await?;
        let in_project = match &filter.project_id {
            Some(p) => Some(
                self.subjects_of_project(&who.company_id, filter.role, p)
                    .await?,
            ),
            None => None,
        };
        let cards: Vec<Card> = self
            .cards_of(&who.company_id, filter.month, filter.role)
            .await?
            .into_iter()
            .filter(|c| seen.includes(&c.subject_id))
            .filter(|c| {
                in_project
                    .as_ref()
                    .is_none_or(|p| p.contains(&c.subject_id))
            })
            .collect();
        let total = cards.len() as u64;
        let items = cards
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.per_page as usize)
            .collect();
        Ok(page.wrap(items, total))
    }

    /// One card the caller may see (404 otherwise).
    pub async fn scorecard(&self, who: &Principal, id: &str) -> Result<Card> {
        let not_found = StorageError::NotFound("scorecard");
        let Some((month, role, subject_id)) = parse_card_id(id) else {
            return Err(not_found);
        };
        let seen = self.scorecards_seen(who, role).await?;
        if !seen.includes(subject_id) {
            return Err(not_found);
        }
        self.cards_of(&who.company_id, month, role)
            .await?
            .into_iter()
            .find(|c| c.subject_id == subject_id)
            .ok_or(not_found)
    }

    /// Whether and when a month of the caller's company was locked.
    pub async fn scorecard_month_locked(
        &self,
        who: &Principal,
        month: Month,
    ) -> Result<Option<DateTime<Utc>>> {
        self.locked_at(&who.company_id, month).await
    }

    async fn locked_at(&self, company_id: &str, month: Month) -> Result<Option<DateTime<Utc>>> {
        Ok(
            scorecard_month::Entity::find_by_id((company_id.to_owned(), month.to_string()))
                .one(&self.db)
                .await?
                .map(|m| m.locked_at),
        )
    }

    /// Locks a month that has ended, by hand (admins and managers; audited): its cards are
    /// stored as they stand. Answers whether this call locked it (false: it was locked already).
    pub async fn lock_scorecards(
        &self,
        who: &Principal,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let zone = self.company_zone(&who.company_id).await?;
        if month.next().bounds(&zone).0 > now {
            return Err(StorageError::field("month", FieldErrorCode::InFuture));
        }
        self.lock(&who.company_id, month, Some(who), now).await
    }

    /// Locks last month of every company that has not locked it; for the scheduler on every
    /// node: the month's key makes a second lock, on this node or another, a no-op. Answers the
    /// months locked.
    pub async fn sweep_scorecard_months(&self, now: DateTime<Utc>) -> Result<u32> {
        let companies = company::Entity::find().all(&self.db).await?;
        let mut locked = 0;
        for c in companies {
            let last_month = Month::of(local_date(&c.time_zone, now)).previous();
            if self.locked_at(&c.id, last_month).await?.is_none()
                && self.lock(&c.id, last_month, None, now).await?
            {
                locked += 1;
            }
        }
        Ok(locked)
    }

    async fn lock(
        &self,
        company_id: &str,
        month: Month,
        who: Option<&Principal>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // Every card is computed before the write begins: no read waits inside it.
        let mut cards = Vec::new();
        for &role in Subject::ALL {
            cards.extend(self.compute(company_id, month, role).await?);
        }
        let month_text = month.to_string();
        let txn = self.begin_write().await?;
        let claimed = scorecard_month::Entity::insert(scorecard_month::ActiveModel {
            company_id: Set(company_id.to_owned()),
            month: Set(month_text.clone()),
            locked_by: Set(who.map(|w| w.id.clone())),
            locked_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
        if !matches!(claimed, TryInsertResult::Inserted(n) if n > 0) {
            txn.rollback().await?;
            return Ok(false);
        }
        for batch in cards.chunks(INSERT_BATCH) {
            scorecard::Entity::insert_many(batch.iter().map(|c| scorecard::ActiveModel {
                company_id: Set(company_id.to_owned()),
                id: Set(c.id.clone()),
                month: Set(month_text.clone()),
                role: Set(Code::new(c.role)),
                subject_id: Set(c.subject_id.clone()),
                name: Set(c.name.clone()),
                scored: Set(json!(c.scored)),
                total: Set(c.scored.total),
                rank: Set(c.rank as i32),
                locked_at: Set(now),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let audit = match who {
            Some(who) => Audit::by(who, "scorecard_month", &month_text, "lock"),
            None => Audit {
                company_id,
                actor: None,
                entity: "scorecard_month",
                entity_id: &month_text,
                action: "lock",
            },
        };
        audit
            .record(&txn, json!({ "cards": cards.len() }), now)
            .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// A month's cards of a role, best first: stored once locked, else computed.
    async fn cards_of(&self, company_id: &str, month: Month, role: Subject) -> Result<Vec<Card>> {
        if self.locked_at(company_id, month).await?.is_none() {
            return self.compute(company_id, month, role).await;
        }
        let rows = scorecard::Entity::find()
            .filter(scorecard::Column::CompanyId.eq(company_id))
            .filter(scorecard::Column::Month.eq(month.to_string()))
            .filter(scorecard::Column::Role.eq(role.as_str()))
            .all(&self.db)
            .await?;
        let mut cards: Vec<Card> = rows
            .into_iter()
            .map(|r| {
                Ok(Card {
                    scored: serde_json::from_value(r.scored)
                        .map_err(|e| sea_orm::DbErr::Json(format!("scorecard {}: {e}", r.id)))?,
                    id: r.id,
                    month,
                    role,
                    subject_id: r.subject_id,
                    name: r.name,
                    rank: u32::try_from(r.rank).unwrap_or(0),
                    locked_at: Some(r.locked_at),
                })
            })
            .collect::<Result<_>>()?;
        order(&mut cards);
        Ok(cards)
    }

    /// Everyone of a role scored on the month as it stands, ranked.
    async fn compute(&self, company_id: &str, month: Month, role: Subject) -> Result<Vec<Card>> {
        let zone = self.company_zone(company_id).await?;
        let scheme = self.scheme_of(company_id, role).await?;
        let subjects = self.subjects(company_id, role).await?;
        let facts = self.facts(company_id, role, month, &zone).await?;
        let scored: Vec<(String, String, Scored)> = subjects
            .into_iter()
            .map(|(id, name)| {
                let card = score(&scheme, facts.get(&id).unwrap_or(&Facts::new()));
                (id, name, card)
            })
            .collect();
        let totals: Vec<f64> = scored.iter().map(|(_, _, s)| s.total).collect();
        let mut cards: Vec<Card> = scored
            .into_iter()
            .zip(ranks(&totals))
            .map(|((subject_id, name, scored), rank)| Card {
                id: card_id(month, role, &subject_id),
                month,
                role,
                subject_id,
                name,
                scored,
                rank,
                locked_at: None,
            })
            .collect();
        order(&mut cards);
        Ok(cards)
    }

    async fn company_zone(&self, company_id: &str) -> Result<String> {
        Ok(company::Entity::find_by_id(company_id.to_owned())
            .one(&self.db)
            .await?
            .map(|c| c.time_zone)
            .unwrap_or_default())
    }

    /// Who has cards of a role: the active staff of it, or every team; (id, name).
    async fn subjects(&self, company_id: &str, role: Subject) -> Result<Vec<(String, String)>> {
        Ok(match role {
            Subject::Team => {
                team::Entity::find()
                    .select_only()
                    .columns([team::Column::Id, team::Column::Name])
                    .filter(team::Column::CompanyId.eq(company_id))
                    .into_tuple()
                    .all(&self.db)
                    .await?
            }
            Subject::Agent | Subject::Butler | Subject::Technician => {
                staff::Entity::find()
                    .select_only()
                    .columns([staff::Column::Id, staff::Column::Name])
                    .filter(staff::Column::CompanyId.eq(company_id))
                    .filter(staff::Column::Role.eq(role.as_str()))
                    .filter(staff::Column::Active.eq(true))
                    .into_tuple()
                    .all(&self.db)
                    .await?
            }
        })
    }

    /// The people (or teams) of a role that belong to a project.
    async fn subjects_of_project(
        &self,
        company_id: &str,
        role: Subject,
        project_id: &str,
    ) -> Result<HashSet<String>> {
        Ok(match role {
            Subject::Team => team::Entity::find()
                .select_only()
                .column(team::Column::Id)
                .filter(team::Column::CompanyId.eq(company_id))
                .filter(team::Column::ProjectId.eq(project_id))
                .into_tuple::<String>()
                .all(&self.db)
                .await?
                .into_iter()
                .collect(),
            _ => staff_project::Entity::find()
                .select_only()
                .column(staff_project::Column::StaffId)
                .filter(staff_project::Column::CompanyId.eq(company_id))
                .filter(staff_project::Column::ProjectId.eq(project_id))
                .into_tuple::<String>()
                .all(&self.db)
                .await?
                .into_iter()
                .collect(),
        })
    }

    /// Whose cards of `role` the caller may see.
    async fn scorecards_seen(&self, who: &Principal, role: Subject) -> Result<Seen> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        if who.role.manages() {
            return Ok(match &who.projects {
                ProjectScope::All => Seen::All,
                ProjectScope::Only(ids) => {
                    let mut all = HashSet::new();
                    for id in ids {
                        all.extend(self.subjects_of_project(&who.company_id, role, id).await?);
                    }
                    Seen::Only(all)
                }
            });
        }
        if who.role == Role::Supervisor {
            let teams: Vec<String> = team_member::Entity::find()
                .select_only()
                .column(team_member::Column::TeamId)
                .filter(team_member::Column::CompanyId.eq(&who.company_id))
                .filter(team_member::Column::StaffId.eq(&who.id))
                .into_tuple()
                .all(&self.db)
                .await?;
            if role == Subject::Team {
                return Ok(Seen::Only(teams.into_iter().collect()));
            }
            let members: Vec<String> = team_member::Entity::find()
                .select_only()
                .column(team_member::Column::StaffId)
                .filter(team_member::Column::CompanyId.eq(&who.company_id))
                .filter(team_member::Column::TeamId.is_in(teams))
                .into_tuple()
                .all(&self.db)
                .await?;
            return Ok(Seen::Only(members.into_iter().collect()));
        }
        Ok(Seen::Only(
            (subject_of(who.role) == Some(role))
                .then(|| who.id.clone())
                .into_iter()
                .collect(),
        ))
    }

    /// Each measure of the month per person or team of `role`, counted in the database.
    async fn facts(
        &self,
        company_id: &str,
        role: Subject,
        month: Month,
        zone: &str,
    ) -> Result<HashMap<String, Facts>> {
        let db = &self.db;
        let backend = db.get_database_backend();
        let (from, to) = month.bounds(zone);
        let scope = MonthScope {
            backend,
            company_id,
            from,
            to,
            role,
        };
        let mut out: HashMap<String, Facts> = HashMap::new();

        // The tickets: volume, first response, one-time resolution, ratings.
        let q = scope.counts(self.loop_rules.satisfied_at_least);
        for row in db.query_all(&q).await? {
            let n = |name: &str| number(&row, name);
            let facts = out.entry(row.try_get("", "k")?).or_default();
            facts.insert(Measure::Volume, Fact::count(n("volume")?));
            facts.insert(
                Measure::FirstResponse,
                Fact::share(n("responded_in_time")?, n("responded")?),
            );
            facts.insert(
                Measure::OneTimeResolution,
                Fact::share(n("closed_never_reopened")?, n("closed")?),
            );
            let rated = n("rated")?;
            facts.insert(
                Measure::Satisfaction,
                Fact::mean(n("rating_sum")? as f64, rated),
            );
            facts.insert(
                Measure::Complaints,
                Fact::count(rated.saturating_sub(n("rated_satisfied")?)),
            );
        }

        // The SLA clocks of those tickets, each by its name.
        let q = scope.clocks();
        for row in db.query_all(&q).await? {
            let clock: String = row.try_get("", "clock")?;
            let Ok(clock) = clock.parse::<ClockName>() else {
                continue;
            };
            let fact = Fact::share(number(&row, "met")?, number(&row, "finished")?);
            out.entry(row.try_get("", "k")?)
                .or_default()
                .insert(Measure::SlaMet(clock), fact);
        }

        // Praise credited on the month's praise tickets.
        let mut q = scope.tickets_of_people(
            "praise_credits",
            "praise_credits.ticket_id = tickets.id AND praise_credits.company_id = tickets.company_id",
            "praise_credits.staff_id",
        );
        q.and_where(Expr::cust(format!(
            "tickets.kind = '{}'",
            Kind::Praise.as_str()
        )));
        q.expr_as(Expr::cust("COUNT(*)"), Alias::new("praise"));
        for row in db.query_all(&q).await? {
            let fact = Fact::count(number(&row, "praise")?);
            out.entry(row.try_get("", "k")?)
                .or_default()
                .insert(Measure::Praise, fact);
        }

        // Scored inspections of the month's weeks.
        let mut q = Query::select();
        q.from(Alias::new("inspections"))
            .and_where(
                Expr::col((Alias::new("inspections"), Alias::new("company_id"))).eq(company_id),
            )
            .and_where(Expr::cust("inspections.score IS NOT NULL"))
            .and_where(
                Expr::col((Alias::new("inspections"), Alias::new("week"))).gte(month.first_day()),
            )
            .and_where(
                Expr::col((Alias::new("inspections"), Alias::new("week"))).lte(month.last_day()),
            );
        let key = match role {
            Subject::Team => {
                q.join(
                    JoinType::InnerJoin,
                    Alias::new("team_members"),
                    Expr::cust("team_members.company_id = inspections.company_id")
                        .and(Expr::cust("team_members.staff_id = inspections.staff_id")),
                );
                "team_members.team_id"
            }
            _ => "inspections.staff_id",
        };
        q.expr_as(Expr::cust(key), Alias::new("k"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("scored"))
            .expr_as(
                Expr::cust("CAST(SUM(inspections.score) AS BIGINT)"),
                Alias::new("score_sum"),
            )
            .group_by_col(Alias::new("k"));
        for row in db.query_all(&q).await? {
            let fact = Fact::mean(number(&row, "score_sum")? as f64, number(&row, "scored")?);
            out.entry(row.try_get("", "k")?)
                .or_default()
                .insert(Measure::Quality, fact);
        }
        Ok(out)
    }
}

/// The month's tickets of a company a role's cards count.
struct MonthScope<'a> {
    backend: DbBackend,
    company_id: &'a str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    role: Subject,
}

impl MonthScope<'_> {
    /// The column naming whose a ticket is.
    fn owner(&self) -> &'static str {
        match self.role {
            Subject::Agent | Subject::Butler => "tickets.first_contact_owner_id",
            Subject::Technician => "tickets.assignee_id",
            Subject::Team => "tickets.team_id",
        }
    }

    /// Per owner: the tickets, those answered and answered in time, closed and closed never
    /// reopened, rated, rated satisfied, and the ratings' sum (the conditions are the service
    /// figures' own).
    fn counts(&self, satisfied_at_least: i64) -> SelectStatement {
        let wanted = [
            "responded_in_time",
            "closed",
            "closed_never_reopened",
            "rated",
            "rated_satisfied",
        ];
        let mut q = self.tickets();
        q.expr_as(Expr::cust("COUNT(*)"), Alias::new("volume"));
        q.expr_as(
            sum("tickets.first_responded_at IS NOT NULL"),
            Alias::new("responded"),
        );
        for (name, condition) in ticket_conditions(self.backend, satisfied_at_least) {
            if wanted.contains(&name) {
                q.expr_as(sum(&condition), Alias::new(name));
            }
        }
        q.expr_as(
            Expr::cust("SUM(tickets.satisfaction)"),
            Alias::new("rating_sum"),
        );
        q.group_by_col(Alias::new("k"));
        q
    }

    /// Per owner and clock name: the clocks met, and those met or breached.
    fn clocks(&self) -> SelectStatement {
        let mut q = self.tickets();
        q.join(
            JoinType::InnerJoin,
            Alias::new("sla_clocks"),
            Expr::cust("sla_clocks.company_id = tickets.company_id")
                .and(Expr::cust("sla_clocks.ticket_id = tickets.id")),
        );
        let state = |states: &[ClockState]| {
            let codes: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
            format!("sla_clocks.state IN ({})", codes.join(", "))
        };
        q.expr_as(Expr::cust("sla_clocks.name"), Alias::new("clock"))
            .expr_as(sum(&state(&[ClockState::Met])), Alias::new("met"))
            .expr_as(
                sum(&state(&[ClockState::Met, ClockState::Breached])),
                Alias::new("finished"),
            )
            .group_by_col(Alias::new("k"))
            .group_by_col(Alias::new("clock"));
        q
    }

    /// The month's tickets (cancelled ones left out) along the reported-at index; no columns.
    fn base(&self) -> SelectStatement {
        let column = |name: &str| Expr::col((Alias::new("tickets"), Alias::new(name)));
        let mut q = Query::select();
        q.from(Alias::new("tickets"))
            .and_where(column("company_id").eq(self.company_id))
            .and_where(column("reported_at").gte(self.from))
            .and_where(column("reported_at").lt(self.to))
            .and_where(Expr::cust(format!(
                "tickets.status <> '{}'",
                Status::Cancelled.as_str()
            )));
        q
    }

    /// The month's tickets with their owner as the key `k`.
    fn tickets(&self) -> SelectStatement {
        let owner = self.owner();
        // On SQLite a unary plus keeps the planner from grouping along the owner's index
        // instead of reading the month by the reported-at index (as the figures' groups do).
        let plus = if self.backend == DbBackend::Sqlite {
            "+"
        } else {
            ""
        };
        let mut q = self.base();
        q.and_where(Expr::cust(format!("{owner} IS NOT NULL")))
            .expr_as(Expr::cust(format!("{plus}{owner}")), Alias::new("k"));
        q
    }

    /// The month's tickets joined to `table` whose `person` column names a staff member: keyed
    /// by that person, or for teams by each team they are in.
    fn tickets_of_people(&self, table: &str, on: &str, person: &str) -> SelectStatement {
        let mut q = self.base();
        q.join(
            JoinType::InnerJoin,
            Alias::new(table),
            Expr::cust(on.to_owned()),
        );
        let key = if self.role == Subject::Team {
            q.join(
                JoinType::InnerJoin,
                Alias::new("team_members"),
                Expr::cust(format!(
                    "team_members.company_id = tickets.company_id AND team_members.staff_id = {person}"
                )),
            );
            "team_members.team_id".to_owned()
        } else {
            person.to_owned()
        };
        q.expr_as(Expr::cust(key), Alias::new("k"))
            .group_by_col(Alias::new("k"));
        q
    }
}

/// A count of the rows meeting `condition`.
fn sum(condition: &str) -> Expr {
    Expr::cust(format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"))
}

/// A count or sum of a row; a sum over no rows is null.
fn number(row: &QueryResult, name: &str) -> Result<u64> {
    Ok(row
        .try_get::<Option<i64>>("", name)?
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0))
}

/// Best first; equal totals by name, then id, so a page is stable.
fn order(cards: &mut [Card]) {
    cards.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.subject_id.cmp(&b.subject_id))
    });
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::query_plan::sqlite_plan;

    /// However many tickets a company has, a month's cards read the month's by their index.
    #[tokio::test]
    async fn the_months_tickets_are_read_by_index() {
        let (from, to) = Month::new(2026, 11).unwrap().bounds("Asia/Shanghai");
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).unwrap());
        for &role in Subject::ALL {
            let scope = MonthScope {
                backend: DbBackend::Sqlite,
                company_id: "c",
                from,
                to,
                role,
            };
            for q in [scope.counts(3), scope.clocks()] {
                let plan = sqlite_plan(DbBackend::Sqlite.build(&q)).await;
                assert!(
                    plan.iter()
                        .any(|step| step.contains("ix_tickets_company_id_reported_at")),
                    "{role}: {plan:?}"
                );
                assert!(
                    !plan.iter().any(|step| step.starts_with("SCAN tickets")),
                    "{role}: {plan:?}"
                );
            }
        }
    }

    #[test]
    fn a_card_id_reads_back() {
        let month = Month::new(2026, 11).unwrap();
        let id = card_id(month, Subject::Team, "0190b5a2-0000-7000-8000-000000000000");
        assert_eq!(id, "2026-11.team.0190b5a2-0000-7000-8000-000000000000");
        assert_eq!(
            parse_card_id(&id),
            Some((month, Subject::Team, "0190b5a2-0000-7000-8000-000000000000"))
        );
        for bad in [
            "",
            "2026-11",
            "2026-13.agent.x",
            "2026-11.cook.x",
            "2026-11.agent",
        ] {
            assert_eq!(parse_card_id(bad), None, "{bad}");
        }
    }
}
