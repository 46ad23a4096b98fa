//! 课程: a course of the company, its lessons and question bank.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_courses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// `[guanjia_domain::training::Lesson]`.
    pub lessons: Json,
    /// `[guanjia_domain::training::Question]`, with the correct options: never sent to a taker.
    pub questions: Json,
    pub pass_mark: i32,
    pub max_attempts: i32,
    pub certificate_months: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
