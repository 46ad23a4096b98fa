//! Each company's vocabulary for message understanding (词库): the built-in one until an admin
//! stores their own. Ticket creation, duplicate detection and analysis read it through a compiled
//! [`Analyzer`] cached per company and reloaded on every node when its version moves.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use guanjia_intake::{Analyzer, Vocabulary};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::db::Store;
use crate::entity::intake_vocabulary;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, next_counter, require_admin};
use crate::versioned::version_of;

/// The counter bumped by every change of a company's vocabulary.
const VOCABULARY_VERSION: &str = "intake_vocabulary";

/// A company's vocabulary as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVocabulary {
    pub vocabulary: Vocabulary,
    /// 0 for the built-in vocabulary; each change adds one.
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Nothing stored: the vocabulary that ships with Guanjia.
    pub built_in: bool,
}

/// The company's stored vocabulary, or the built-in one.
async fn stored(db: &impl ConnectionTrait, company_id: &str) -> Result<StoredVocabulary> {
    let row = intake_vocabulary::Entity::find_by_id(company_id.to_owned())
        .one(db)
        .await?;
    // A stored vocabulary was checked when it was saved; one this version cannot read is
    // replaced by the built-in one rather than stopping every ticket.
    Ok(
        match row.and_then(|r| {
            Some((
                serde_json::from_value::<Vocabulary>(r.vocabulary.clone()).ok()?,
                r,
            ))
        }) {
            Some((vocabulary, row)) => StoredVocabulary {
                vocabulary,
                version: row.version,
                updated_by: row.updated_by,
                updated_at: Some(row.updated_at),
                built_in: false,
            },
            None => StoredVocabulary {
                vocabulary: Vocabulary::default(),
                version: 0,
                updated_by: None,
                updated_at: None,
                built_in: true,
            },
        },
    )
}

impl Store {
    /// The company's compiled vocabulary, shared until it changes.
    pub async fn analyzer(&self, company_id: &str) -> Result<Arc<Analyzer>> {
        let version = version_of(&self.db, company_id, VOCABULARY_VERSION).await?;
        if let Some(found) = self.analyzers.fresh(company_id, version) {
            return Ok(found);
        }
        let vocabulary = stored(&self.db, company_id).await?.vocabulary;
        let analyzer = Arc::new(Analyzer::try_new(vocabulary).unwrap_or_default());
        self.analyzers.keep(company_id, version, analyzer.clone());
        Ok(analyzer)
    }

    /// The caller's company's vocabulary (staff).
    pub async fn vocabulary(&self, who: &Principal) -> Result<StoredVocabulary> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        stored(&self.db, &who.company_id).await
    }

    /// Replaces the company's vocabulary (admins). One the analyser cannot use is refused with
    /// where the fault is, and nothing changes; the change is audited.
    pub async fn set_vocabulary(
        &self,
        who: &Principal,
        vocabulary: Vocabulary,
        now: DateTime<Utc>,
    ) -> Result<StoredVocabulary> {
        require_admin(who)?;
        Analyzer::try_new(vocabulary.clone())?;
        let txn = self.begin_write().await?;
        let version = next_counter(&txn, &who.company_id, VOCABULARY_VERSION).await?;
        let row = intake_vocabulary::ActiveModel {
            company_id: Set(who.company_id.clone()),
            vocabulary: Set(json!(vocabulary)),
            version: Set(version),
            updated_by: Set(Some(who.id.clone())),
            updated_at: Set(now),
        };
        intake_vocabulary::Entity::insert(row)
            .on_conflict(
                OnConflict::column(intake_vocabulary::Column::CompanyId)
                    .update_columns([
                        intake_vocabulary::Column::Vocabulary,
                        intake_vocabulary::Column::Version,
                        intake_vocabulary::Column::UpdatedBy,
                        intake_vocabulary::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let details = json!({ "version": version, "categories": vocabulary.categories.len() });
        Audit::by(who, "intake_vocabulary", &who.company_id, "update")
            .record(&txn, details, now)
            .await?;
        txn.commit().await?;
        Ok(StoredVocabulary {
            vocabulary,
            version,
            updated_by: Some(who.id.clone()),
            updated_at: Some(now),
            built_in: false,
        })
    }
}
