//! Finding the open tickets that a new one reports again (重复工单): the same place and problem
//! within the category's time window. The judgement is `guanjia-intake`'s; this reads the
//! candidates it compares against.

use chrono::Duration;
use guanjia_domain::ticket::Status;
use guanjia_intake::{
    DuplicateCandidate, LINK_THRESHOLD, TicketFacts, Vocabulary, duplicate_candidates,
    look_back_minutes,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::ticket;
use crate::error::Result;

/// How many recent open tickets of a project a new one is compared with.
const MAX_COMPARED: u64 = 500;

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
        let open = Status::open_codes();
        // Only what the comparison reads, of originals only (a duplicate points at its original).
        let recent: Vec<(String, Option<serde_json::Value>)> = ticket::Entity::find()
            .select_only()
            .column(ticket::Column::Id)
            .column(ticket::Column::Facts)
            .filter(ticket::Column::CompanyId.eq(company_id))
            .filter(ticket::Column::ProjectId.eq(project_id))
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
