//! The knowledge base (知识库): articles kept as versions. Admins and managers write drafts and
//! publish them; the desk reads the published version of the articles of its projects and the
//! company-wide ones, in lists and by ranked search.

mod bot;
mod checklists;
mod read;
mod review;
mod scripts;
mod search;
mod write;

use guanjia_domain::kb::ArticleState;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::entity::{kb_article, kb_article_project, kb_article_version};
use crate::principal::{Principal, ProjectScope};

pub(crate) use bot::Asked;
pub use bot::{BotAnswer, BotQuestion, BotReply, BotSuggestion};
pub use checklists::{Checklist, TickedStep, TicketChecklist};
pub use scripts::{TicketFacts, TicketScripts};
pub(crate) use search::Shelf;
pub use search::{Found, SearchFilter};

/// The counter bumped whenever the company's published articles change: every node rebuilds
/// its search index on its next search.
const PUBLISHED_VERSION: &str = "kb_published";

/// An article and the version the caller reads: the latest for writers, the published one for
/// the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbArticle {
    pub article: kb_article::Model,
    pub version: kb_article_version::Model,
}

/// Filters of the article list.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub category: Option<String>,
    /// Articles that apply in this project: its own and company-wide ones.
    pub project_id: Option<String>,
    pub state: Option<ArticleState>,
}

/// A keyset page of articles, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticlePage {
    pub items: Vec<kb_article::Model>,
    pub total: u64,
    /// The id to pass as `after` for the next page; none on the last.
    pub next: Option<String>,
}

/// Most articles an export holds.
pub const MAX_KB_EXPORT: u64 = 5_000;

/// Who writes the knowledge base: admins and managers.
fn writes(who: &Principal) -> bool {
    who.role.may_span_company()
}

/// Articles that apply in any of `projects`: company-wide ones (no project) and theirs.
fn applies_in(company_id: &str, projects: &[String]) -> Condition {
    let scoped = |only: Option<&[String]>| {
        let mut q = kb_article_project::Entity::find()
            .select_only()
            .column(kb_article_project::Column::ArticleId)
            .filter(kb_article_project::Column::CompanyId.eq(company_id));
        if let Some(ids) = only {
            q = q.filter(kb_article_project::Column::ProjectId.is_in(ids.to_vec()));
        }
        q.into_query()
    };
    Condition::any()
        .add(kb_article::Column::Id.not_in_subquery(scoped(None)))
        .add(kb_article::Column::Id.in_subquery(scoped(Some(projects))))
}

/// The articles `who` may read: all of the company's for writers; for the rest of the staff the
/// published ones that apply in their projects.
fn visible_to(who: &Principal) -> Condition {
    let company = Condition::all().add(kb_article::Column::CompanyId.eq(&who.company_id));
    if writes(who) {
        return company;
    }
    let published = company.add(kb_article::Column::State.eq(ArticleState::Published.as_str()));
    match &who.projects {
        ProjectScope::All => published,
        ProjectScope::Only(ids) => published.add(applies_in(&who.company_id, ids)),
    }
}
