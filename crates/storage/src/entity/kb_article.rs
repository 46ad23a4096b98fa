//! 知识库文章: a knowledge-base article; its text lives in its versions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner_id: String,
    /// draft, published or archived.
    pub state: String,
    pub latest_version: i32,
    pub published_version: Option<i32>,
    /// The listed version's title and category: the published one, else the latest draft.
    pub title: String,
    pub category: Option<String>,
    pub review_by: Option<Date>,
    /// The review-by date the owner was reminded of.
    pub reminded_for: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
