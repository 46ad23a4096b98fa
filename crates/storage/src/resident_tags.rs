//! Resident tags (标签): codes staff set on a resident so announcements can reach them. A
//! sensitive tag is seen, set and cleared by butlers, managers and admins only; to everyone else it does
//! not exist, and their changes leave it as it is.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use guanjia_domain::announcement::{TagInput, sees_sensitive_tags};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::db::Store;
use crate::entity::resident_tag;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::Audit;

impl Store {
    /// A resident's tags as the caller may see them.
    pub async fn resident_tags(&self, who: &Principal, id: &str) -> Result<Vec<TagInput>> {
        let resident = self.resident(who, id).await?;
        let tags = resident_tag::Entity::find()
            .filter(resident_tag::Column::CompanyId.eq(&who.company_id))
            .filter(resident_tag::Column::ResidentId.eq(&resident.id))
            .order_by_asc(resident_tag::Column::Code)
            .all(&self.db)
            .await?;
        Ok(tags
            .into_iter()
            .filter(|t| !t.sensitive || sees_sensitive_tags(who.role))
            .map(|t| TagInput {
                code: t.code,
                sensitive: t.sensitive,
            })
            .collect())
    }

    /// Replaces the tags the caller may see on a resident with `tags` (desk staff of the
    /// resident's project; audited). Answers the tags as the caller sees them.
    pub async fn set_resident_tags(
        &self,
        who: &Principal,
        id: &str,
        tags: Vec<TagInput>,
        now: DateTime<Utc>,
    ) -> Result<Vec<TagInput>> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let sees_sensitive = sees_sensitive_tags(who.role);
        if !sees_sensitive && tags.iter().any(|t| t.sensitive) {
            return Err(StorageError::Forbidden);
        }
        let resident = self.resident(who, id).await?;
        let txn = self.begin_write().await?;
        let stored = resident_tag::Entity::find()
            .filter(resident_tag::Column::CompanyId.eq(&who.company_id))
            .filter(resident_tag::Column::ResidentId.eq(&resident.id))
            .all(&txn)
            .await?;
        let before: BTreeMap<String, bool> = stored
            .iter()
            .map(|t| (t.code.clone(), t.sensitive))
            .collect();
        // A sensitive tag named again keeps the consent recorded when it was first set; a new
        // one is recorded as consented to by whoever sets it, now.
        let consent = |t: &TagInput| -> (Option<String>, Option<DateTime<Utc>>) {
            if !t.sensitive {
                return (None, None);
            }
            stored
                .iter()
                .find(|s| s.code == t.code && s.sensitive && s.consent_at.is_some())
                .map(|s| (s.consent_by.clone(), s.consent_at))
                .unwrap_or((Some(who.id.clone()), Some(now)))
        };
        // What the caller cannot see stays; a hidden code they name again stays hidden.
        let kept: Vec<&String> = before
            .iter()
            .filter(|(_, sensitive)| **sensitive && !sees_sensitive)
            .map(|(code, _)| code)
            .collect();
        let wanted: Vec<&TagInput> = tags.iter().filter(|t| !kept.contains(&&t.code)).collect();
        let mut delete = resident_tag::Entity::delete_many()
            .filter(resident_tag::Column::CompanyId.eq(&who.company_id))
            .filter(resident_tag::Column::ResidentId.eq(&resident.id));
        if !kept.is_empty() {
            delete = delete
                .filter(resident_tag::Column::Code.is_not_in(kept.iter().map(|c| c.as_str())));
        }
        delete.exec(&txn).await?;
        if !wanted.is_empty() {
            resident_tag::Entity::insert_many(wanted.iter().map(|t| {
                let (consent_by, consent_at) = consent(t);
                resident_tag::ActiveModel {
                    company_id: Set(who.company_id.clone()),
                    resident_id: Set(resident.id.clone()),
                    code: Set(t.code.clone()),
                    sensitive: Set(t.sensitive),
                    created_by: Set(Some(who.id.clone())),
                    created_at: Set(now),
                    consent_by: Set(consent_by),
                    consent_at: Set(consent_at),
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let after: BTreeMap<&str, bool> = wanted
            .iter()
            .map(|t| (t.code.as_str(), t.sensitive))
            .collect();
        let visible = |m: &BTreeMap<String, bool>| -> Vec<String> {
            m.iter()
                .filter(|(_, s)| sees_sensitive || !**s)
                .map(|(c, _)| c.clone())
                .collect()
        };
        Audit::by(who, "resident", &resident.id, "set_tags")
            .record(
                &txn,
                json!({ "tags": { "from": visible(&before), "to": after.keys().collect::<Vec<_>>() } }),
                now,
            )
            .await?;
        txn.commit().await?;
        self.resident_tags(who, id).await
    }
}
