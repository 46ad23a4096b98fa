//! One version of a knowledge-base article: every edit writes a new one, so history is kept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_article_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: Option<String>,
    /// `["…", …]`: other ways residents ask the same question.
    pub questions: Json,
    /// `["…", …]`
    pub tags: Json,
    /// `["…", …]`; empty: every project of the company.
    pub project_ids: Json,
    pub author_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
