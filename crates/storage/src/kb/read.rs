//! Reading articles: one as its reader sees it, its history, and lists (for screens and
//! spreadsheets).

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{ArticleFilter, ArticlePage, KbArticle, MAX_KB_EXPORT, applies_in, visible_to, writes};
use crate::db::Store;
use crate::entity::{kb_article, kb_article_version};
use crate::error::{Result, StorageError};
use crate::principal::Principal;

impl Store {
    /// One article as the caller reads it; out of their reach is not found.
    pub async fn kb_article(&self, who: &Principal, id: &str) -> Result<KbArticle> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let article = kb_article::Entity::find()
            .filter(visible_to(who))
            .filter(kb_article::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("kb_article"))?;
        let shown = if writes(who) {
            Some(article.latest_version)
        } else {
            article.published_version
        };
        let version = kb_article_version::Entity::find_by_id((
            who.company_id.clone(),
            article.id.clone(),
            shown.ok_or(StorageError::NotFound("kb_article"))?,
        ))
        .one(&self.db)
        .await?
        .ok_or(StorageError::NotFound("kb_article"))?;
        Ok(KbArticle { article, version })
    }

    /// Every version of an article, newest first (writers).
    pub async fn kb_article_versions(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<Vec<kb_article_version::Model>> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let found = self.kb_article(who, id).await?;
        Ok(kb_article_version::Entity::find()
            .filter(kb_article_version::Column::CompanyId.eq(&who.company_id))
            .filter(kb_article_version::Column::ArticleId.eq(&found.article.id))
            .order_by_desc(kb_article_version::Column::Version)
            .all(&self.db)
            .await?)
    }

    /// The articles the caller reads, newest first, `limit` after the article `after`.
    pub async fn kb_articles(
        &self,
        who: &Principal,
        filter: ArticleFilter,
        after: Option<&str>,
        limit: u64,
    ) -> Result<ArticlePage> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut query = kb_article::Entity::find().filter(visible_to(who));
        if let Some(category) = &filter.category {
            query = query.filter(kb_article::Column::Category.eq(category));
        }
        if let Some(project_id) = filter.project_id {
            query = query.filter(applies_in(&who.company_id, &[project_id]));
        }
        if let Some(state) = filter.state {
            query = query.filter(kb_article::Column::State.eq(state.as_str()));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(after) = after {
            query = query.filter(kb_article::Column::Id.lt(after));
        }
        // Ids are UUID v7: by id descending is newest first, and a unique key for the keyset.
        let mut items = query
            .order_by_desc(kb_article::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let next = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(|a| a.id.clone())
        } else {
            None
        };
        Ok(ArticlePage { items, total, next })
    }

    /// The articles of the list's filter (newest first, at most [`MAX_KB_EXPORT`]), each with the
    /// version lists show (the published one, else the latest draft): for a spreadsheet.
    pub async fn kb_export(
        &self,
        who: &Principal,
        filter: ArticleFilter,
    ) -> Result<Vec<KbArticle>> {
        let page = self.kb_articles(who, filter, None, MAX_KB_EXPORT).await?;
        let mut out = Vec::with_capacity(page.items.len());
        for chunk in page.items.chunks(200) {
            let mut which = Condition::any();
            for a in chunk {
                which = which.add(
                    Condition::all()
                        .add(kb_article_version::Column::ArticleId.eq(&a.id))
                        .add(
                            kb_article_version::Column::Version
                                .eq(a.published_version.unwrap_or(a.latest_version)),
                        ),
                );
            }
            let mut versions: std::collections::HashMap<String, kb_article_version::Model> =
                kb_article_version::Entity::find()
                    .filter(kb_article_version::Column::CompanyId.eq(&who.company_id))
                    .filter(which)
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|v| (v.article_id.clone(), v))
                    .collect();
            for article in chunk {
                if let Some(version) = versions.remove(&article.id) {
                    out.push(KbArticle {
                        article: article.clone(),
                        version,
                    });
                }
            }
        }
        Ok(out)
    }
}
