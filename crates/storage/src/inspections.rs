//! 质检: the company's score sheets (managers and admins), each project's sampling rules, the
//! weekly sampling round (by hand or by the scheduler, idempotent), the inspection queue, and
//! scoring, appealing and deciding an inspection. Rules come from `guanjia_domain::inspection`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use guanjia_domain::inspection::{
    ClosedTicket, InspectionAction, InspectionActor, InspectionState, RedLine, SamplingRules,
    ScoreFacts, ScoreInput, ScoreSheet, SheetItem, inspected_person, is_week_start, transition,
    week_of,
};
use guanjia_domain::place::local_date;
use guanjia_domain::sla::ClockState;
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Alias, Expr, Func, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};
use serde_json::json;

use crate::code::Code;
use crate::db::Store;
use crate::entity::{
    inspection, inspection_round, inspection_rule, inspection_sheet, project, sla_clock, staff,
    team, team_member, ticket,
};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, changes, new_id};

/// Tickets' ids asked about in one query.
const CHUNK: usize = 500;

/// Which inspections a list shows; each filter optional.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub state: Option<InspectionState>,
    pub project_id: Option<String>,
    pub staff_id: Option<String>,
}

/// An inspection with the names a list shows beside it.
#[derive(Debug, Clone)]
pub struct InspectionRow {
    pub inspection: inspection::Model,
    pub ticket_number: String,
    pub ticket_title: String,
    pub staff_name: String,
}

/// What a sampling round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundOutcome {
    /// The Monday of the week sampled.
    pub week: NaiveDate,
    /// Inspections this run created (0 on a rerun).
    pub created: u32,
    /// Tickets the rules take from the week, created now or before.
    pub chosen: u32,
}

/// Scores grouped by a person or a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoresBy {
    Staff,
    Team,
}

/// One person's or team's scored inspections of one week.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub key: String,
    pub name: String,
    pub week: NaiveDate,
    pub inspections: u64,
    pub average: f64,
}

#[derive(Debug, FromQueryResult)]
struct ScoreSum {
    group_key: String,
    week: NaiveDate,
    inspections: i64,
    total: i64,
}

impl Store {
    /// The company's score sheets, newest first (those who oversee a project).
    pub async fn inspection_sheets(&self, who: &Principal) -> Result<Vec<inspection_sheet::Model>> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        Ok(inspection_sheet::Entity::find()
            .filter(inspection_sheet::Column::CompanyId.eq(&who.company_id))
            .order_by_desc(inspection_sheet::Column::CreatedAt)
            .order_by_asc(inspection_sheet::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One score sheet of the company (those who oversee a project).
    pub async fn inspection_sheet(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<inspection_sheet::Model> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        inspection_sheet::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("inspection_sheet"))
    }

    /// Adds a score sheet (managers and admins; audited).
    pub async fn create_inspection_sheet(
        &self,
        who: &Principal,
        sheet: ScoreSheet,
        now: DateTime<Utc>,
    ) -> Result<inspection_sheet::Model> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let model = inspection_sheet::Model {
            company_id: who.company_id.clone(),
            id: new_id(),
            name: sheet.name.clone(),
            items: json!(sheet.items),
            red_lines: json!(sheet.red_lines),
            active: true,
            created_at: now,
            updated_at: now,
        };
        let txn = self.begin_write().await?;
        inspection_sheet::ActiveModel::from(model.clone())
            .insert(&txn)
            .await?;
        Audit::by(who, "inspection_sheet", &model.id, "create")
            .record(&txn, json!(sheet), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Replaces a score sheet and whether it scores new inspections (managers and admins;
    /// audited). Inspections scored on it keep the terms they were scored on.
    pub async fn update_inspection_sheet(
        &self,
        who: &Principal,
        id: &str,
        sheet: ScoreSheet,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<inspection_sheet::Model> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let current = self.inspection_sheet(who, id).await?;
        let after = inspection_sheet::Model {
            name: sheet.name,
            items: json!(sheet.items),
            red_lines: json!(sheet.red_lines),
            active,
            updated_at: now,
            ..current.clone()
        };
        let summary = |m: &inspection_sheet::Model| json!({ "name": m.name, "items": m.items, "red_lines": m.red_lines, "active": m.active });
        let moved = changes(summary(&current), summary(&after));
        let txn = self.begin_write().await?;
        let mut model: inspection_sheet::ActiveModel = current.into();
        model.name = Set(after.name.clone());
        model.items = Set(after.items.clone());
        model.red_lines = Set(after.red_lines.clone());
        model.active = Set(active);
        model.updated_at = Set(now);
        model.update(&txn).await?;
        Audit::by(who, "inspection_sheet", id, "update")
            .record(&txn, moved, now)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a score sheet no inspection was scored on (managers and admins; audited); one in
    /// use is 409 `in_use`: make it inactive instead.
    pub async fn delete_inspection_sheet(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let current = self.inspection_sheet(who, id).await?;
        let used = inspection::Entity::find()
            .filter(inspection::Column::CompanyId.eq(&who.company_id))
            .filter(inspection::Column::SheetId.eq(id))
            .count(&self.db)
            .await?;
        if used > 0 {
            return Err(StorageError::InUse(vec![("inspections", used)]));
        }
        let txn = self.begin_write().await?;
        inspection_sheet::Entity::delete_by_id((who.company_id.clone(), id.to_owned()))
            .exec(&txn)
            .await?;
        Audit::by(who, "inspection_sheet", id, "delete")
            .record(&txn, json!({ "name": current.name }), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A project's sampling rules; the defaults when none were set (those who oversee it).
    pub async fn inspection_rules(
        &self,
        who: &Principal,
        project_id: &str,
    ) -> Result<SamplingRules> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let project = self.inspected_project(who, project_id).await?;
        self.rules_of(&project).await
    }

    /// Sets a project's sampling rules (managers and admins of it; audited).
    pub async fn set_inspection_rules(
        &self,
        who: &Principal,
        project_id: &str,
        rules: SamplingRules,
        now: DateTime<Utc>,
    ) -> Result<SamplingRules> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let project = self.inspected_project(who, project_id).await?;
        let before = self.rules_of(&project).await?;
        let row = inspection_rule::ActiveModel {
            company_id: Set(who.company_id.clone()),
            project_id: Set(project_id.to_owned()),
            share_percent: Set(rules.share_percent as i32),
            complaints_rated_below: Set(rules.complaints_rated_below.map(|b| b as i32)),
            every_breached: Set(rules.every_breached),
            updated_at: Set(now),
        };
        let txn = self.begin_write().await?;
        inspection_rule::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    inspection_rule::Column::CompanyId,
                    inspection_rule::Column::ProjectId,
                ])
                .update_columns([
                    inspection_rule::Column::SharePercent,
                    inspection_rule::Column::ComplaintsRatedBelow,
                    inspection_rule::Column::EveryBreached,
                    inspection_rule::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        Audit::by(who, "project", project_id, "set_inspection_rules")
            .record(&txn, changes(json!(before), json!(rules)), now)
            .await?;
        txn.commit().await?;
        Ok(rules)
    }

    async fn rules_of(&self, project: &project::Model) -> Result<SamplingRules> {
        let stored =
            inspection_rule::Entity::find_by_id((project.company_id.clone(), project.id.clone()))
                .one(&self.db)
                .await?;
        Ok(
            stored.map_or_else(SamplingRules::default, |r| SamplingRules {
                share_percent: r.share_percent.max(0) as u32,
                complaints_rated_below: r.complaints_rated_below.map(|b| b.max(0) as u32),
                every_breached: r.every_breached,
            }),
        )
    }

    /// A project of the caller's.
    async fn inspected_project(&self, who: &Principal, project_id: &str) -> Result<project::Model> {
        project::Entity::find_by_id((who.company_id.clone(), project_id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|p| who.sees_project(&p.id))
            .ok_or(StorageError::NotFound("project"))
    }

    /// Runs the sampling round of a project for the week starting `week` (a Monday, not after
    /// today; none: this week in the project's time zone): the tickets closed that week in the project's time zone that its rules take get
    /// an inspection each, once; a rerun creates only what is missing (those who oversee the
    /// project; audited).
    pub async fn run_inspection_round(
        &self,
        who: &Principal,
        project_id: &str,
        week: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<RoundOutcome> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let project = self.inspected_project(who, project_id).await?;
        let today = local_date(&project.time_zone, now);
        let week = week.unwrap_or_else(|| week_of(today));
        if !is_week_start(week) {
            return Err(StorageError::field("week", FieldErrorCode::Invalid));
        }
        if week > today {
            return Err(StorageError::field("week", FieldErrorCode::InFuture));
        }
        self.round(Some(who), &project, week, now).await
    }

    /// Runs last week's round of every project of the installation that has none yet; for the
    /// scheduler on every node: the round's key and each ticket's one inspection keep a round
    /// that two nodes run at once to one set of inspections. Answers the rounds run.
    pub async fn sweep_inspection_rounds(&self, now: DateTime<Utc>) -> Result<u32> {
        let projects = project::Entity::find().all(&self.db).await?;
        let last_week = |p: &project::Model| week_of(local_date(&p.time_zone, now)) - Days::new(7);
        let Some(earliest) = projects.iter().map(last_week).min() else {
            return Ok(0);
        };
        // One read per tick: the rounds already run for the weeks in question.
        let done: HashSet<(String, String, NaiveDate)> = inspection_round::Entity::find()
            .select_only()
            .columns([
                inspection_round::Column::CompanyId,
                inspection_round::Column::ProjectId,
                inspection_round::Column::Week,
            ])
            .filter(inspection_round::Column::Week.gte(earliest))
            .into_tuple()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let mut ran = 0;
        for project in projects {
            let week = last_week(&project);
            if !done.contains(&(project.company_id.clone(), project.id.clone(), week)) {
                self.round(None, &project, week, now).await?;
                ran += 1;
            }
        }
        Ok(ran)
    }

    async fn round(
        &self,
        who: Option<&Principal>,
        project: &project::Model,
        week: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<RoundOutcome> {
        let company = &project.company_id;
        let rules = self.rules_of(project).await?;
        let (from, to) = week_bounds(&project.time_zone, week);
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::ProjectId.eq(&project.id))
            .filter(ticket::Column::Status.eq(Status::Closed.as_str()))
            .filter(ticket::Column::ClosedAt.gte(from))
            .filter(ticket::Column::ClosedAt.lt(to))
            .all(&self.db)
            .await?;
        let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
        let mut breached: HashSet<String> = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<String> = sla_clock::Entity::find()
                .select_only()
                .column(sla_clock::Column::TicketId)
                .filter(sla_clock::Column::CompanyId.eq(company))
                .filter(sla_clock::Column::TicketId.is_in(chunk.iter().cloned()))
                .filter(sla_clock::Column::State.eq(ClockState::Breached.as_str()))
                .into_tuple()
                .all(&self.db)
                .await?;
            breached.extend(rows);
        }
        // Only staff can be inspected: an owner id that names nobody on the staff is left out.
        let people: HashSet<String> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .filter(staff::Column::CompanyId.eq(company))
            .into_tuple::<String>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let closed: Vec<ClosedTicket> = tickets
            .into_iter()
            .filter_map(|t| {
                let staff_id = inspected_person(t.first_contact_owner_id, t.assignee_id)
                    .filter(|s| people.contains(s))?;
                Some(ClosedTicket {
                    breached: breached.contains(&t.id),
                    ticket_id: t.id,
                    staff_id,
                    kind: t.kind.0,
                    satisfaction: t.satisfaction.map(|s| s.max(0) as u32),
                })
            })
            .collect();
        let chosen = rules.choose(week, &closed);
        let txn = self.begin_write().await?;
        let mut created = 0u32;
        for sample in &chosen {
            let row = inspection::ActiveModel {
                company_id: Set(company.clone()),
                id: Set(new_id()),
                project_id: Set(project.id.clone()),
                ticket_id: Set(sample.ticket.ticket_id.clone()),
                staff_id: Set(sample.ticket.staff_id.clone()),
                week: Set(week),
                reason: Set(Code::new(sample.reason)),
                state: Set(Code::new(InspectionState::Pending)),
                sheet_id: Set(None),
                facts: Set(None),
                score: Set(None),
                inspector_score: Set(None),
                inspector_id: Set(None),
                scored_at: Set(None),
                appeal_reason: Set(None),
                appealed_at: Set(None),
                decided_by: Set(None),
                decision_comment: Set(None),
                decided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            };
            // A ticket already inspected (an earlier run, another node) keeps its inspection.
            let written = inspection::Entity::insert(row)
                .on_conflict_do_nothing_on([
                    inspection::Column::CompanyId,
                    inspection::Column::TicketId,
                ])
                .exec_without_returning(&txn)
                .await?;
            if let TryInsertResult::Inserted(n) = written {
                created += n as u32;
            }
        }
        inspection_round::Entity::insert(inspection_round::ActiveModel {
            company_id: Set(company.clone()),
            project_id: Set(project.id.clone()),
            week: Set(week),
            taken: Set(created as i32),
            created_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
        let audit = match who {
            Some(who) => Audit::by(who, "project", &project.id, "run_inspection_round"),
            None => Audit {
                company_id: company,
                actor: None,
                entity: "project",
                entity_id: &project.id,
                action: "run_inspection_round",
            },
        };
        audit
            .record(
                &txn,
                json!({ "week": week, "created": created, "chosen": chosen.len() }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(RoundOutcome {
            week,
            created,
            chosen: chosen.len() as u32,
        })
    }

    /// The inspections the caller may see, newest week first: those who oversee see their
    /// projects', everyone else only their own.
    pub async fn inspections(
        &self,
        who: &Principal,
        filter: &InspectionFilter,
        page: PageRequest,
    ) -> Result<Page<InspectionRow>> {
        let mut query = inspection::Entity::find().filter(visible(who));
        if let Some(state) = filter.state {
            query = query.filter(inspection::Column::State.eq(state.as_str()));
        }
        if let Some(project_id) = &filter.project_id {
            query = query.filter(inspection::Column::ProjectId.eq(project_id));
        }
        if let Some(staff_id) = &filter.staff_id {
            query = query.filter(inspection::Column::StaffId.eq(staff_id));
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(inspection::Column::Week)
            .order_by_desc(inspection::Column::CreatedAt)
            .order_by_asc(inspection::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let rows = self.rows(&who.company_id, items).await?;
        Ok(page.wrap(rows, total))
    }

    /// One inspection the caller may see (404 otherwise).
    pub async fn inspection(&self, who: &Principal, id: &str) -> Result<InspectionRow> {
        let found = inspection::Entity::find()
            .filter(visible(who))
            .filter(inspection::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("inspection"))?;
        let mut rows = self.rows(&who.company_id, vec![found]).await?;
        rows.pop().ok_or(StorageError::NotFound("inspection"))
    }

    async fn rows(
        &self,
        company: &str,
        items: Vec<inspection::Model>,
    ) -> Result<Vec<InspectionRow>> {
        let ticket_ids: Vec<String> = items.iter().map(|i| i.ticket_id.clone()).collect();
        let staff_ids: Vec<String> = items.iter().map(|i| i.staff_id.clone()).collect();
        let tickets: HashMap<String, (String, String)> = ticket::Entity::find()
            .select_only()
            .columns([
                ticket::Column::Id,
                ticket::Column::Number,
                ticket::Column::Title,
            ])
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::Id.is_in(ticket_ids))
            .into_tuple::<(String, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, number, title)| (id, (number, title)))
            .collect();
        let names = self.staff_names(company, staff_ids).await?;
        Ok(items
            .into_iter()
            .map(|i| {
                let (ticket_number, ticket_title) =
                    tickets.get(&i.ticket_id).cloned().unwrap_or_default();
                InspectionRow {
                    staff_name: names.get(&i.staff_id).cloned().unwrap_or_default(),
                    ticket_number,
                    ticket_title,
                    inspection: i,
                }
            })
            .collect())
    }

    async fn staff_names(
        &self,
        company: &str,
        ids: Vec<String>,
    ) -> Result<HashMap<String, String>> {
        Ok(staff::Entity::find()
            .select_only()
            .columns([staff::Column::Id, staff::Column::Name])
            .filter(staff::Column::CompanyId.eq(company))
            .filter(staff::Column::Id.is_in(ids))
            .into_tuple::<(String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Scores a pending inspection on an active sheet (those who oversee its project, never
    /// the person inspected; audited). Bad scores are 422 by field and change nothing.
    pub async fn score_inspection(
        &self,
        who: &Principal,
        id: &str,
        sheet_id: &str,
        input: ScoreInput,
        now: DateTime<Utc>,
    ) -> Result<InspectionRow> {
        let row = self.inspection(who, id).await?;
        let current = &row.inspection;
        let next = self.transition(who, current, InspectionAction::Score, false)?;
        let sheet =
            inspection_sheet::Entity::find_by_id((who.company_id.clone(), sheet_id.to_owned()))
                .one(&self.db)
                .await?
                .filter(|s| s.active)
                .ok_or_else(|| StorageError::field("sheet_id", FieldErrorCode::UnknownReference))?;
        let scored = sheet_of(&sheet)?.score(input)?;
        let total = scored.total as i32;
        let facts = json!(scored.facts);
        self.move_inspection(
            who,
            current,
            next,
            InspectionAction::Score,
            vec![
                (inspection::Column::SheetId, Expr::value(sheet_id)),
                (inspection::Column::Facts, Expr::value(facts.clone())),
                (inspection::Column::Score, Expr::value(total)),
                (inspection::Column::InspectorScore, Expr::value(total)),
                (inspection::Column::InspectorId, Expr::value(who.id.clone())),
                (inspection::Column::ScoredAt, Expr::value(now)),
            ],
            json!({ "sheet_id": sheet_id, "score": total, "facts": facts }),
            now,
        )
        .await
    }

    /// The person inspected appeals a scored inspection, once (audited).
    pub async fn appeal_inspection(
        &self,
        who: &Principal,
        id: &str,
        reason: String,
        now: DateTime<Utc>,
    ) -> Result<InspectionRow> {
        let row = self.inspection(who, id).await?;
        let current = &row.inspection;
        let next = self.transition(who, current, InspectionAction::Appeal, false)?;
        self.move_inspection(
            who,
            current,
            next,
            InspectionAction::Appeal,
            vec![
                (
                    inspection::Column::AppealReason,
                    Expr::value(reason.clone()),
                ),
                (inspection::Column::AppealedAt, Expr::value(now)),
            ],
            json!({ "reason": reason }),
            now,
        )
        .await
    }

    /// Decides an appeal: the score stands (upheld) or a new one replaces it (overturned) (those
    /// who oversee the project, never the person inspected; audited).
    pub async fn decide_inspection(
        &self,
        who: &Principal,
        id: &str,
        new_score: Option<u32>,
        comment: String,
        now: DateTime<Utc>,
    ) -> Result<InspectionRow> {
        let row = self.inspection(who, id).await?;
        let current = &row.inspection;
        let upheld = new_score.is_none();
        let next = self.transition(who, current, InspectionAction::Decide, upheld)?;
        let score = new_score.map_or(current.score, |s| Some(s as i32));
        self.move_inspection(
            who,
            current,
            next,
            InspectionAction::Decide,
            vec![
                (inspection::Column::Score, Expr::value(score)),
                (inspection::Column::DecidedBy, Expr::value(who.id.clone())),
                (inspection::Column::DecisionComment, Expr::value(comment.clone())),
                (inspection::Column::DecidedAt, Expr::value(now)),
            ],
            json!({ "state": next, "score": { "from": current.score, "to": score }, "comment": comment }),
            now,
        )
        .await
    }

    /// One step of an inspection: its state from `current`'s to `next` with `columns` set, only
    /// if no one moved it meanwhile (else the refusal the step now meets), audited with
    /// `details`, in one transaction; the inspection as it is after.
    #[allow(clippy::too_many_arguments)]
    async fn move_inspection(
        &self,
        who: &Principal,
        current: &inspection::Model,
        next: InspectionState,
        action: InspectionAction,
        columns: Vec<(inspection::Column, SimpleExpr)>,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<InspectionRow> {
        let id = current.id.as_str();
        let txn = self.begin_write().await?;
        let mut update = inspection::Entity::update_many()
            .col_expr(inspection::Column::State, Expr::value(next.as_str()))
            .col_expr(inspection::Column::UpdatedAt, Expr::value(now));
        for (column, value) in columns {
            update = update.col_expr(column, value);
        }
        let moved = update
            .filter(inspection::Column::CompanyId.eq(&who.company_id))
            .filter(inspection::Column::Id.eq(id))
            .filter(inspection::Column::State.eq(current.state.as_str()))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(self.raced(who, id, action).await);
        }
        Audit::by(who, "inspection", id, action.as_str())
            .record(&txn, details, now)
            .await?;
        txn.commit().await?;
        self.inspection(who, id).await
    }

    fn transition(
        &self,
        who: &Principal,
        current: &inspection::Model,
        action: InspectionAction,
        upheld: bool,
    ) -> Result<InspectionState> {
        let actor = InspectionActor {
            id: &who.id,
            role: who.role,
        };
        Ok(transition(
            action,
            current.state.0,
            actor,
            &current.staff_id,
            upheld,
        )?)
    }

    /// Why an action found the inspection moved on meanwhile: the rule against its new state.
    async fn raced(&self, who: &Principal, id: &str, action: InspectionAction) -> StorageError {
        match self.inspection(who, id).await {
            Ok(now) => self
                .transition(who, &now.inspection, action, false)
                .err()
                .unwrap_or(StorageError::AlreadyExists("inspection")),
            Err(e) => e,
        }
    }

    /// Scored inspections' average per person or team and week, from `from` to `to` (weeks by
    /// their Monday), computed in the database. Those who oversee see their projects'; everyone
    /// else only their own, by person.
    pub async fn inspection_scores(
        &self,
        who: &Principal,
        by: ScoresBy,
        from: NaiveDate,
        to: NaiveDate,
        project_id: Option<&str>,
    ) -> Result<Vec<ScoreRow>> {
        if by == ScoresBy::Team && !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let mut query = inspection::Entity::find()
            .select_only()
            .filter(visible(who))
            .filter(inspection::Column::Score.is_not_null())
            .filter(inspection::Column::Week.gte(from))
            .filter(inspection::Column::Week.lte(to));
        if let Some(project_id) = project_id {
            query = query.filter(inspection::Column::ProjectId.eq(project_id));
        }
        query = match by {
            ScoresBy::Staff => query
                .column_as(inspection::Column::StaffId, "group_key")
                .group_by(inspection::Column::StaffId),
            ScoresBy::Team => query
                .join_as(
                    sea_orm::JoinType::InnerJoin,
                    inspection::Entity::belongs_to(team_member::Entity)
                        .from((inspection::Column::CompanyId, inspection::Column::StaffId))
                        .to((team_member::Column::CompanyId, team_member::Column::StaffId))
                        .into(),
                    Alias::new("m"),
                )
                .expr_as(
                    Expr::col((Alias::new("m"), team_member::Column::TeamId)),
                    "group_key",
                )
                .group_by(Expr::col((Alias::new("m"), team_member::Column::TeamId))),
        };
        let sums: Vec<ScoreSum> = query
            .column(inspection::Column::Week)
            .expr_as(
                Func::count(Expr::col(inspection::Column::Id)),
                "inspections",
            )
            .expr_as(
                Func::cast_as(Func::sum(Expr::col(inspection::Column::Score)), "bigint"),
                "total",
            )
            .group_by(inspection::Column::Week)
            .order_by_asc(Expr::col(Alias::new("group_key")))
            .order_by_asc(inspection::Column::Week)
            .into_model()
            .all(&self.db)
            .await?;
        let keys: Vec<String> = sums.iter().map(|s| s.group_key.clone()).collect();
        let names: HashMap<String, String> = match by {
            ScoresBy::Staff => self.staff_names(&who.company_id, keys).await?,
            ScoresBy::Team => team::Entity::find()
                .select_only()
                .columns([team::Column::Id, team::Column::Name])
                .filter(team::Column::CompanyId.eq(&who.company_id))
                .filter(team::Column::Id.is_in(keys))
                .into_tuple::<(String, String)>()
                .all(&self.db)
                .await?
                .into_iter()
                .collect(),
        };
        Ok(sums
            .into_iter()
            .map(|s| ScoreRow {
                name: names.get(&s.group_key).cloned().unwrap_or_default(),
                average: if s.inspections > 0 {
                    s.total as f64 / s.inspections as f64
                } else {
                    0.0
                },
                inspections: s.inspections.max(0) as u64,
                week: s.week,
                key: s.group_key,
            })
            .collect())
    }
}

/// The inspections `who` may see: their company's, of their projects when they oversee, else
/// only their own.
fn visible(who: &Principal) -> Condition {
    let company = Condition::all().add(inspection::Column::CompanyId.eq(&who.company_id));
    if !who.role.is_staff() {
        return company.add(Expr::value(false));
    }
    if !who.role.oversees() {
        return company.add(inspection::Column::StaffId.eq(&who.id));
    }
    match &who.projects {
        ProjectScope::All => company,
        ProjectScope::Only(ids) => company.add(inspection::Column::ProjectId.is_in(ids.clone())),
    }
}

/// From the Monday `week` starts at local midnight in `zone` to the next Monday's.
fn week_bounds(zone: &str, week: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let start = |day: NaiveDate| {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    };
    (start(week), start(week + Days::new(7)))
}

/// A stored sheet as the domain's.
pub(crate) fn sheet_of(sheet: &inspection_sheet::Model) -> Result<ScoreSheet> {
    let items: Vec<SheetItem> = serde_json::from_value(sheet.items.clone())
        .map_err(|_| StorageError::field("sheet_id", FieldErrorCode::Invalid))?;
    let red_lines: Vec<RedLine> = serde_json::from_value(sheet.red_lines.clone())
        .map_err(|_| StorageError::field("sheet_id", FieldErrorCode::Invalid))?;
    Ok(ScoreSheet {
        name: sheet.name.clone(),
        items,
        red_lines,
    })
}

/// An inspection's stored findings, once scored.
pub fn facts_of(inspection: &inspection::Model) -> Option<ScoreFacts> {
    inspection
        .facts
        .clone()
        .and_then(|f| serde_json::from_value(f).ok())
}
