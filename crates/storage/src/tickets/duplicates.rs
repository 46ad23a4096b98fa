//! Finding the open tickets that a new one reports again (重复工单): the same place and problem
//! within the category's time window. The judgement is `guanjia-intake`'s; this reads the
//! candidates it compares against.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::ticket::Status;
use guanjia_intake::{
    DuplicateCandidate, LINK_THRESHOLD, TicketFacts, Vocabulary, duplicate_candidates,
    look_back_minutes, problem_keys,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::db::Store;
use crate::entity::{ticket, ticket_problem_key};
use crate::error::Result;

/// How many recent open tickets filed under the new one's problem keys it is compared with: a
/// bound for a storm day, when hundreds report the same outage.
const MAX_COMPARED: u64 = 500;

/// The rows filing a ticket under its problem keys, so later tickets find it as a candidate.
pub(crate) fn problem_key_rows(
    company_id: &str,
    ticket_id: &str,
    project_id: &str,
    reported_at: DateTime<Utc>,
    facts: &TicketFacts,
) -> Vec<ticket_problem_key::ActiveModel> {
    problem_keys(facts)
        .into_iter()
        .map(|key| ticket_problem_key::ActiveModel {
            company_id: Set(company_id.to_owned()),
            ticket_id: Set(ticket_id.to_owned()),
            key: Set(key),
            project_id: Set(project_id.to_owned()),
            reported_at: Set(reported_at),
        })
        .collect()
}

/// The candidates for a new ticket, best first, and the one to link when it is sure enough.
pub(crate) struct Duplicates {
    pub candidates: Vec<DuplicateCandidate>,
    pub original: Option<String>,
}

impl Store {
    pub(crate) async fn duplicates(
        &self,
        company_id: &str,
        project_id: &str,
        facts: &TicketFacts,
        vocabulary: &Vocabulary,
    ) -> Result<Duplicates> {
        let window = look_back_minutes(facts.category.as_deref(), vocabulary);
        let since = chrono::DateTime::from_timestamp(facts.reported_at, 0).unwrap_or_default()
            - Duration::minutes(i64::from(window));
        let keys = problem_keys(facts);
        if keys.is_empty() {
            // Nothing shares a key with it, so nothing can be the same problem.
            return Ok(Duplicates {
                candidates: Vec::new(),
                original: None,
            });
        }
        let mut seen = HashSet::new();
        let recent: Vec<(String, Option<serde_json::Value>)> =
            candidates_query(company_id, project_id, &keys, since)
                .into_tuple()
                .all(&self.db)
                .await?
                .into_iter()
                .filter(|(id, _): &(String, _)| seen.insert(id.clone()))
                .take(MAX_COMPARED as usize)
                .collect();
        let others: Vec<TicketFacts> = recent
            .into_iter()
            .filter_map(|(id, facts)| {
                let mut facts: TicketFacts = serde_json::from_value(facts?).ok()?;
                facts.id = id;
                Some(facts)
            })
            .collect();
        let candidates = duplicate_candidates(facts, &others, vocabulary);
        let original = candidates
            .first()
            .filter(|c| c.score >= LINK_THRESHOLD)
            .map(|c| c.id.clone());
        Ok(Duplicates {
            candidates,
            original,
        })
    }
}

/// The open originals filed under any of `keys` in the project since `since`, newest first: their
/// ids and what the comparison reads. A ticket filed under several of the keys comes once per
/// key, hence the limit. The problem keys drive, each of their rows finding its ticket by primary
/// key: SQLite keeps a CROSS JOIN's order, and otherwise walked every ticket of the window by
/// report time (or every original), slower with each ticket stored. PostgreSQL plans it as a join.
fn candidates_query(
    company_id: &str,
    project_id: &str,
    keys: &[String],
    since: DateTime<Utc>,
) -> Select<ticket_problem_key::Entity> {
    let mut query = ticket_problem_key::Entity::find()
        .select_only()
        .column(ticket::Column::Id)
        .column(ticket::Column::Facts)
        .filter(ticket_problem_key::Column::CompanyId.eq(company_id))
        .filter(ticket_problem_key::Column::ProjectId.eq(project_id))
        .filter(ticket_problem_key::Column::Key.is_in(keys.iter().cloned()))
        .filter(ticket_problem_key::Column::ReportedAt.gte(since))
        .filter(
            Expr::col((ticket::Entity, ticket::Column::CompanyId)).equals((
                ticket_problem_key::Entity,
                ticket_problem_key::Column::CompanyId,
            )),
        )
        .filter(Expr::col((ticket::Entity, ticket::Column::Id)).equals((
            ticket_problem_key::Entity,
            ticket_problem_key::Column::TicketId,
        )))
        .filter(ticket::Column::Status.is_in(Status::open_codes()))
        .filter(ticket::Column::Facts.is_not_null())
        .filter(ticket::Column::DuplicateOf.is_null())
        .order_by_desc(ticket_problem_key::Column::ReportedAt)
        .limit(MAX_COMPARED * keys.len() as u64);
    QuerySelect::query(&mut query).cross_join(ticket::Entity);
    query
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, QueryTrait};

    use super::*;
    use crate::query_plan::sqlite_plan;

    #[tokio::test]
    async fn candidates_come_from_their_problem_keys_each_ticket_by_its_primary_key() {
        let keys = ["category:repair".to_owned(), "subject:leak".to_owned()];
        let query = candidates_query("company", "project", &keys, Utc::now());
        let plan = sqlite_plan(query.build(DbBackend::Sqlite)).await;
        assert!(
            plan[0].starts_with(
                "SEARCH ticket_problem_keys USING INDEX \
                 ix_ticket_problem_keys_company_id_project_id_key_reported_at"
            ),
            "the keys drive: {plan:?}"
        );
        assert!(
            plan.iter().any(|step| step
                == "SEARCH tickets USING INDEX sqlite_autoindex_tickets_1 (company_id=? AND id=?)"),
            "each ticket by its primary key, not every ticket of the window: {plan:?}"
        );
    }
}
