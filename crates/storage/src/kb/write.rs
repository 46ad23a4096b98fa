//! Writing articles: every save is a new version (history is never rewritten), publishing makes
//! the latest one what the desk reads and search finds.

use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::kb::ArticleState;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_kb::Draft;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;

use super::{KbArticle, PUBLISHED_VERSION, writes};
use crate::db::Store;
use crate::entity::{category, kb_article, kb_article_project, kb_article_version, project};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, ForUpdate, new_id, next_counter};

/// The draft tidied, or every problem with it: its own and its references' (a category of the
/// company's taxonomy, projects of the company the writer answers for).
async fn checked(db: &impl ConnectionTrait, who: &Principal, draft: Draft) -> Result<Draft> {
    let draft = draft.tidy();
    let mut p = draft.problems();
    if let Some(code) = &draft.category
        && category::Entity::find_by_id((who.company_id.clone(), code.clone()))
            .one(db)
            .await?
            .is_none()
    {
        p.add("category", FieldErrorCode::UnknownReference);
    }
    if !draft.project_ids.is_empty() {
        let known = project::Entity::find()
            .filter(project::Column::CompanyId.eq(&who.company_id))
            .filter(project::Column::Id.is_in(draft.project_ids.clone()))
            .count(db)
            .await?;
        let theirs = draft.project_ids.iter().all(|id| who.projects.includes(id));
        if known != draft.project_ids.len() as u64 || !theirs {
            p.add("project_ids", FieldErrorCode::UnknownReference);
        }
    } else if who.projects != ProjectScope::All {
        // A company-wide article is for those who answer for the whole company.
        p.add("project_ids", FieldErrorCode::Required);
    }
    p.into_result(draft).map_err(Into::into)
}

/// Writes version `number` of an article.
async fn write_version(
    db: &impl ConnectionTrait,
    who: &Principal,
    article_id: &str,
    number: i32,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<kb_article_version::Model> {
    Ok(kb_article_version::ActiveModel {
        company_id: Set(who.company_id.clone()),
        article_id: Set(article_id.to_owned()),
        version: Set(number),
        title: Set(draft.title.clone()),
        body: Set(draft.body.clone()),
        category: Set(draft.category.clone()),
        questions: Set(json!(draft.questions)),
        tags: Set(json!(draft.tags)),
        project_ids: Set(json!(draft.project_ids)),
        author_id: Set(who.id.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Makes `version` the one lists show: its title, category and projects.
async fn list_as(
    db: &impl ConnectionTrait,
    article: kb_article::ActiveModel,
    version: &kb_article_version::Model,
) -> Result<kb_article::Model> {
    let mut article = article;
    article.title = Set(version.title.clone());
    article.category = Set(version.category.clone());
    let saved = article.update(db).await?;
    kb_article_project::Entity::delete_many()
        .filter(kb_article_project::Column::CompanyId.eq(&saved.company_id))
        .filter(kb_article_project::Column::ArticleId.eq(&saved.id))
        .exec(db)
        .await?;
    let projects: Vec<String> =
        serde_json::from_value(version.project_ids.clone()).unwrap_or_default();
    if !projects.is_empty() {
        kb_article_project::Entity::insert_many(projects.into_iter().map(|project_id| {
            kb_article_project::ActiveModel {
                company_id: Set(saved.company_id.clone()),
                article_id: Set(saved.id.clone()),
                project_id: Set(project_id),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(saved)
}

impl Store {
    /// A new article, as a first draft owned by its writer.
    pub async fn create_kb_article(
        &self,
        who: &Principal,
        draft: Draft,
        review_by: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let draft = checked(&self.db, who, draft).await?;
        let txn = self.begin_write().await?;
        let created = insert(&txn, who, &draft, review_by, now).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Articles from a file, each a first draft, all or none: every draft is checked first and
    /// any problem (by the row it came from) leaves the knowledge base as it was. Answers the
    /// new articles' ids.
    pub async fn import_kb_articles(
        &self,
        who: &Principal,
        drafts: Vec<(u32, Draft)>,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Vec<String>, Vec<(u32, ValidationError)>>> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let mut ready = Vec::with_capacity(drafts.len());
        let mut problems = vec![];
        for (line, draft) in drafts {
            match checked(&self.db, who, draft).await {
                Ok(draft) => ready.push(draft),
                Err(StorageError::Validation(e)) => problems.push((line, e)),
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let txn = self.begin_write().await?;
        let mut ids = Vec::with_capacity(ready.len());
        for draft in &ready {
            ids.push(insert(&txn, who, draft, None, now).await?.article.id);
        }
        txn.commit().await?;
        Ok(Ok(ids))
    }

    /// A new draft version of an article; what the desk reads stays as published until the
    /// draft is. `review_by` replaces the date when given.
    pub async fn update_kb_article(
        &self,
        who: &Principal,
        id: &str,
        draft: Draft,
        review_by: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let draft = checked(&self.db, who, draft).await?;
        let txn = self.begin_write().await?;
        let article = locked(&txn, who, id).await?;
        let number = article.latest_version + 1;
        let version = write_version(&txn, who, id, number, &draft, now).await?;
        let unpublished = article.published_version.is_none();
        let mut changed: kb_article::ActiveModel = article.into();
        changed.latest_version = Set(number);
        changed.updated_at = Set(now);
        if review_by.is_some() {
            changed.review_by = Set(review_by);
        }
        let article = if unpublished {
            list_as(&txn, changed, &version).await?
        } else {
            changed.update(&txn).await?
        };
        Audit::by(who, "kb_article", id, "update")
            .record(
                &txn,
                json!({ "version": number, "title": draft.title }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(KbArticle { article, version })
    }

    /// Publishes the article's latest version: the desk reads it and search finds it, on every
    /// node from its next search. Publishing what is already published changes nothing.
    pub async fn publish_kb_article(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let article = locked(&txn, who, id).await?;
        let latest = article.latest_version;
        let version =
            kb_article_version::Entity::find_by_id((who.company_id.clone(), id.to_owned(), latest))
                .one(&txn)
                .await?
                .ok_or(StorageError::NotFound("kb_article"))?;
        if article.published_version == Some(latest)
            && article.state == ArticleState::Published.as_str()
        {
            return Ok(KbArticle { article, version });
        }
        let mut changed: kb_article::ActiveModel = article.into();
        changed.state = Set(ArticleState::Published.as_str().to_owned());
        changed.published_version = Set(Some(latest));
        changed.updated_at = Set(now);
        let article = list_as(&txn, changed, &version).await?;
        next_counter(&txn, &who.company_id, PUBLISHED_VERSION).await?;
        Audit::by(who, "kb_article", id, "publish")
            .record(&txn, json!({ "version": latest }), now)
            .await?;
        txn.commit().await?;
        Ok(KbArticle { article, version })
    }

    /// Withdraws an article: search and the desk no longer find it; writers still read it and
    /// its history. Archiving what is archived changes nothing.
    pub async fn archive_kb_article(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        self.set_kb_archived(who, id, true, now).await
    }

    /// Brings an archived article back as it was: published when a version had been, else a
    /// draft.
    pub async fn restore_kb_article(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        self.set_kb_archived(who, id, false, now).await
    }

    async fn set_kb_archived(
        &self,
        who: &Principal,
        id: &str,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<KbArticle> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let article = locked(&txn, who, id).await?;
        let was_archived = article.state == ArticleState::Archived.as_str();
        let target = match (archived, article.published_version) {
            (true, _) => ArticleState::Archived,
            (false, Some(_)) => ArticleState::Published,
            (false, None) => ArticleState::Draft,
        };
        let article = if was_archived == archived {
            article
        } else {
            let searched = article.published_version.is_some();
            let mut changed: kb_article::ActiveModel = article.into();
            changed.state = Set(target.as_str().to_owned());
            changed.updated_at = Set(now);
            let article = changed.update(&txn).await?;
            if searched {
                // Search leaves it or takes it back on every node.
                next_counter(&txn, &who.company_id, PUBLISHED_VERSION).await?;
            }
            let action = if archived { "archive" } else { "restore" };
            Audit::by(who, "kb_article", id, action)
                .record(&txn, json!({ "state": target.as_str() }), now)
                .await?;
            article
        };
        let version = kb_article_version::Entity::find_by_id((
            who.company_id.clone(),
            id.to_owned(),
            article.latest_version,
        ))
        .one(&txn)
        .await?
        .ok_or(StorageError::NotFound("kb_article"))?;
        txn.commit().await?;
        Ok(KbArticle { article, version })
    }
}

/// A new article with `draft` as its first version, in the caller's transaction; audited.
async fn insert(
    txn: &sea_orm::DatabaseTransaction,
    who: &Principal,
    draft: &Draft,
    review_by: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<KbArticle> {
    let id = new_id();
    let article = kb_article::ActiveModel {
        company_id: Set(who.company_id.clone()),
        id: Set(id.clone()),
        owner_id: Set(who.id.clone()),
        state: Set(ArticleState::Draft.as_str().to_owned()),
        latest_version: Set(1),
        published_version: Set(None),
        title: Set(draft.title.clone()),
        category: Set(draft.category.clone()),
        review_by: Set(review_by),
        reminded_for: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let version = write_version(txn, who, &id, 1, draft, now).await?;
    let article = list_as(txn, article.into(), &version).await?;
    Audit::by(who, "kb_article", &id, "create")
        .record(txn, json!({ "version": 1, "title": draft.title }), now)
        .await?;
    Ok(KbArticle { article, version })
}

/// The article, locked for the rest of the write.
async fn locked(
    txn: &sea_orm::DatabaseTransaction,
    who: &Principal,
    id: &str,
) -> Result<kb_article::Model> {
    kb_article::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
        .for_update(txn.get_database_backend())
        .one(txn)
        .await?
        .ok_or(StorageError::NotFound("kb_article"))
}
