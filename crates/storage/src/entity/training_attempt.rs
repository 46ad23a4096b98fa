//! 考试: one attempt of a staff member at a course's exam.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub course_id: String,
    pub staff_id: String,
    /// Their attempts at the course counted from 1.
    pub number: i32,
    /// `[guanjia_domain::training::Question]` as asked, with their answers.
    pub questions: Json,
    pub pass_mark: i32,
    /// `[[option, …], …]` once submitted.
    pub answers: Option<Json>,
    pub score: Option<i32>,
    pub passed: Option<bool>,
    pub started_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
