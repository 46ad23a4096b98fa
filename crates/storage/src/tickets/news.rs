//! Progress pushed to the resident (进度推送): a step of the work that is news for the ticket's
//! resident becomes their notification, planned for delivery on their channel in the change's own
//! transaction. Which steps are news is the domain's rule (`resident_news`).

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::{Change, Hands, resident_news};
use sea_orm::{DatabaseTransaction, EntityTrait};
use serde_json::json;

use crate::db::Store;
use crate::entity::{staff, ticket};
use crate::error::Result;
use crate::notify::notify;
use crate::principal::Principal;

impl Store {
    /// Tells the resident who reported `after` of each step `change` took that is news to them. `before` is
    /// the ticket as it was, for who held the job.
    pub(super) async fn tell_resident(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        before: &ticket::Model,
        after: &ticket::Model,
        change: &Change,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(phone) = &after.contact_phone else {
            return Ok(());
        };
        let hands = Hands {
            before: before.assignee_id.as_deref(),
            after: after.assignee_id.as_deref(),
        };
        let news = resident_news(change, hands);
        if news.is_empty() {
            return Ok(());
        }
        let mut details = json!({ "ticket_number": after.number });
        if let Some(name) = self.technician_name(txn, who, after).await? {
            details["technician"] = json!(name);
        }
        for kind in news {
            notify(
                txn,
                &self.delivery,
                after.into(),
                std::slice::from_ref(phone),
                kind,
                &details,
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// The name of whoever holds the job: the one acting when it is theirs.
    async fn technician_name(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        t: &ticket::Model,
    ) -> Result<Option<String>> {
        let Some(assignee) = &t.assignee_id else {
            return Ok(None);
        };
        if *assignee == who.id {
            return Ok(Some(who.name.clone()));
        }
        Ok(
            staff::Entity::find_by_id((t.company_id.clone(), assignee.clone()))
                .one(txn)
                .await?
                .map(|s| s.name),
        )
    }
}
