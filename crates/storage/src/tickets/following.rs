//! Duplicates follow their original (重复工单跟随原单): each step of the work on the original is
//! told to every open duplicate's resident (a timeline entry they see and a notification), and
//! the duplicates are resolved and closed with it through the state machine, all in the
//! original's transaction. The rule is the domain's (`follow_original`); unlinking stops it.

use chrono::{DateTime, Utc};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::ticket::{Change, Progress, Status, Visibility, follow_original};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::lifecycle::lifecycle_of;
use super::timeline;
use crate::db::Store;
use crate::entity::{staff, ticket};
use crate::error::{Result, StorageError};
use crate::notify::notify;
use crate::principal::Principal;
use crate::sla::SlaContext;

/// Names the installation when it moves duplicates and nobody at the desk can.
const FOLLOWER: &str = "duplicates";

impl Store {
    /// Moves the open duplicates of `original` along with `change`, which was just applied to it.
    pub(super) async fn follow_original(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        original: &ticket::Model,
        change: &Change,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if Progress::of(change).is_none() {
            return Ok(());
        }
        let finished = [Status::Closed.as_str(), Status::Cancelled.as_str()];
        let duplicates = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(&original.company_id))
            .filter(ticket::Column::DuplicateOf.eq(&original.id))
            .filter(ticket::Column::Status.is_not_in(finished))
            .order_by_asc(ticket::Column::ReportedAt)
            .all(txn)
            .await?;
        if duplicates.is_empty() {
            return Ok(());
        }
        let follower = self.follower(txn, who, original).await?;
        for duplicate in duplicates {
            let following = follow_original(
                change,
                &original.number,
                &lifecycle_of(&duplicate),
                &follower.actor(),
                self.loop_rules,
                now,
            );
            let Some(news) = following.news else { continue };
            let details = json!({ "ticket_number": duplicate.number, "original_id": original.id, "original_number": original.number, "progress": news.as_str() });
            timeline::record(
                txn,
                &follower,
                &duplicate,
                "original_progress",
                Visibility::Resident,
                details.clone(),
                now,
            )
            .await?;
            if let Some(phone) = &duplicate.contact_phone {
                notify(
                    txn,
                    &self.delivery,
                    (&duplicate).into(),
                    std::slice::from_ref(phone),
                    NoticeKind::OriginalProgress,
                    &details,
                    now,
                )
                .await?;
            }
            let mut current = duplicate;
            for step in &following.steps {
                match self
                    .apply_one(txn, &follower, current.clone(), step, false, None, ctx, now)
                    .await
                {
                    Ok((updated, _)) => current = updated,
                    // Planned on the same rules, so refused only if the ticket moved meanwhile.
                    Err(StorageError::Lifecycle(_)) => break,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    /// Who moves the duplicates: the desk member who moved the original; else (a technician, a
    /// resident) the original's first-contact owner; else the installation.
    async fn follower(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        original: &ticket::Model,
    ) -> Result<Principal> {
        if who.role.is_desk() {
            return Ok(who.clone());
        }
        if let Some(owner) = &original.first_contact_owner_id
            && let Some(member) =
                staff::Entity::find_by_id((original.company_id.clone(), owner.clone()))
                    .one(txn)
                    .await?
            && let Ok(role) = member.role.parse::<Role>()
            && member.active
            && role.is_desk()
        {
            // Only what acting on a ticket reads: the scope was checked on the original.
            return Ok(Principal {
                role,
                name: member.name,
                ..Principal::system(&original.company_id, &member.id)
            });
        }
        Ok(Principal::system(&original.company_id, FOLLOWER))
    }
}
