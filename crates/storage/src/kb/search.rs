//! Ranked search of the published articles: each company's are indexed in memory
//! ([`guanjia_kb::Library`]) and the index is rebuilt on any node once the company's published
//! articles have changed (their version counter moved).

use std::collections::HashMap;
use std::sync::Arc;

use guanjia_kb::{Article, Excerpt, Library, excerpt};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{PUBLISHED_VERSION, visible_to};
use crate::db::Store;
use crate::entity::{kb_article, kb_article_version};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::versioned::version_of;
use guanjia_domain::kb::ArticleState;

/// Candidates taken from the index before the caller's filters: more than any page.
const CANDIDATES: usize = 500;

/// Characters of an article's body shown around what matched.
const EXCERPT_CHARS: usize = 80;

/// How much a project's own article outranks a company-wide one when a search names the project:
/// on the same question (different office hours, say) the project's answer comes first.
const OWN_PROJECT: f32 = 2.0;

/// Versions read in one query while building the index.
const CHUNK: usize = 200;

/// A company's published articles and their index.
pub(crate) struct Shelf {
    pub(crate) library: Library,
}

/// Filters of a search.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub category: Option<String>,
    /// Rank for this project: its own articles and company-wide ones.
    pub project_id: Option<String>,
}

/// An article search found, with the passage of its body that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub article: kb_article::Model,
    pub score: f32,
    pub excerpt: Excerpt,
}

/// The published version of each of the company's published articles.
async fn published(
    db: &impl ConnectionTrait,
    company_id: &str,
) -> Result<Vec<kb_article_version::Model>> {
    let heads: Vec<(String, Option<i32>)> = kb_article::Entity::find()
        .select_only()
        .column(kb_article::Column::Id)
        .column(kb_article::Column::PublishedVersion)
        .filter(kb_article::Column::CompanyId.eq(company_id))
        .filter(kb_article::Column::State.eq(ArticleState::Published.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut versions = Vec::with_capacity(heads.len());
    for chunk in heads.chunks(CHUNK) {
        let mut which = Condition::any();
        for (id, version) in chunk {
            if let Some(version) = version {
                which = which.add(
                    Condition::all()
                        .add(kb_article_version::Column::ArticleId.eq(id))
                        .add(kb_article_version::Column::Version.eq(*version)),
                );
            }
        }
        versions.extend(
            kb_article_version::Entity::find()
                .filter(kb_article_version::Column::CompanyId.eq(company_id))
                .filter(which)
                .all(db)
                .await?,
        );
    }
    Ok(versions)
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

impl Store {
    /// The company's published articles indexed, shared until they change.
    pub(crate) async fn shelf(&self, company_id: &str) -> Result<Arc<Shelf>> {
        let version = version_of(&self.db, company_id, PUBLISHED_VERSION).await?;
        if let Some(found) = self.kb_shelves.fresh(company_id, version) {
            return Ok(found);
        }
        let versions = published(&self.db, company_id).await?;
        let articles = versions
            .into_iter()
            .map(|v| Article {
                category: v.category,
                questions: strings(&v.questions),
                projects: strings(&v.project_ids),
                id: v.article_id,
                title: v.title,
                body: v.body,
            })
            .collect();
        // Indexing is CPU work: off the request threads.
        let library = tokio::task::spawn_blocking(move || Library::new(articles))
            .await
            .map_err(|e| StorageError::Search(e.to_string()))?
            .map_err(|e| StorageError::Search(e.to_string()))?;
        let shelf = Arc::new(Shelf { library });
        self.kb_shelves.keep(company_id, version, shelf.clone());
        Ok(shelf)
    }

    /// The published articles the caller reads that best answer `text`, best first.
    pub async fn search_kb_articles(
        &self,
        who: &Principal,
        text: &str,
        filter: SearchFilter,
        limit: usize,
    ) -> Result<Vec<Found>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let shelf = self.shelf(&who.company_id).await?;
        let hits = shelf
            .library
            .search(text, filter.project_id.as_deref(), CANDIDATES)
            .map_err(|e| StorageError::Search(e.to_string()))?;
        let readable = |article: &Article| match &who.projects {
            ProjectScope::All => true,
            ProjectScope::Only(ids) => {
                article.projects.is_empty() || article.projects.iter().any(|p| ids.contains(p))
            }
        };
        let own = |article: &Article| {
            filter
                .project_id
                .as_deref()
                .is_some_and(|p| article.is_for(p))
        };
        let mut ranked: Vec<(&Article, f32)> = hits
            .into_iter()
            .filter_map(|hit| {
                let article = shelf.library.articles().get(hit.article)?;
                let wanted = filter.category.is_none() || filter.category == article.category;
                let score = if own(article) {
                    hit.score * OWN_PROJECT
                } else {
                    hit.score
                };
                (wanted && readable(article)).then_some((article, score))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(limit);
        // The rows as they stand, through the same visibility as every read.
        let ids: Vec<&str> = ranked.iter().map(|(a, _)| a.id.as_str()).collect();
        let mut rows: HashMap<String, kb_article::Model> = kb_article::Entity::find()
            .filter(visible_to(who))
            .filter(kb_article::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.id.clone(), row))
            .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(article, score)| {
                Some(Found {
                    article: rows.remove(&article.id)?,
                    score,
                    excerpt: excerpt(text, &article.body, EXCERPT_CHARS),
                })
            })
            .collect())
    }
}
