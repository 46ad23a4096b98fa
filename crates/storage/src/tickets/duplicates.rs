//! Finding the open tickets that a new one reports again (重复工单): the same place and problem
//! within the category's time window. The judgement is `guanjia-intake`'s; this reads the
//! candidates it compares against.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::ticket::Status;
use guanjia_intake::{
    DuplicateCandidate, LINK_THRESHOLD, TicketFacts, Vocabulary, duplicate_candidates,
    look_back_minutes, problem_keys,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
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
        let filed = ticket_problem_key::Entity::find()
            .select_only()
            .column(ticket_problem_key::Column::TicketId)
            .filter(ticket_problem_key::Column::CompanyId.eq(company_id))
            .filter(ticket_problem_key::Column::ProjectId.eq(project_id))
            .filter(ticket_problem_key::Column::Key.is_in(keys))
            .filter(ticket_problem_key::Column::ReportedAt.gte(since))
            .into_query();
        let open = Status::open_codes();
        // Only what the comparison reads, of originals only (a duplicate points at its original).
        let recent: Vec<(String, Option<serde_json::Value>)> = ticket::Entity::find()
            .select_only()
            .column(ticket::Column::Id)
            .column(ticket::Column::Facts)
            .filter(ticket::Column::CompanyId.eq(company_id))
            .filter(ticket::Column::Id.in_subquery(filed))
            .filter(ticket::Column::Status.is_in(open))
            .filter(ticket::Column::ReportedAt.gte(since))
            .filter(ticket::Column::Facts.is_not_null())
            .filter(ticket::Column::DuplicateOf.is_null())
            .order_by_desc(ticket::Column::ReportedAt)
            .limit(MAX_COMPARED)
            .into_tuple()
            .all(&self.db)
            .await?;
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
