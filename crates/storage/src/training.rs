//! 培训: courses (managers and admins write them, all staff read them), the courses each role
//! must pass, exam attempts graded here with the rules of `guanjia_domain::training`,
//! certificates, a person's training, the overdue list of a project, and mentors with their
//! mentees' checklists. Correct options never leave this module except to those who write
//! courses.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::training::{
    AttemptHistory, ChecklistItem, Course, CourseStatus, Graded, Lesson, LessonSource, Question,
    Requirement, TrainingError, attempts_left, expires_at, grade, may_start, status_of,
};
use guanjia_domain::validation::{FieldErrorCode, Problems, ValidationError};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::code::UnknownStored;
use crate::db::Store;
use crate::entity::{
    kb_article, kb_script, project, staff, staff_project, training_attempt, training_certificate,
    training_course, training_mentor, training_requirement,
};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::staff::StaffMember;
use crate::support::{Audit, Page, PageRequest, changes, new_id};

/// Staff ids asked about in one query.
const CHUNK: usize = 500;

/// An attempt as its taker sees it when it starts: the questions come from the row, and the
/// caller shows them without their answers.
#[derive(Debug, Clone)]
pub struct StartedAttempt {
    pub attempt: training_attempt::Model,
    pub questions: Vec<Question>,
    /// Attempts left once this one is used.
    pub attempts_left: u32,
}

/// What a submitted attempt gave.
#[derive(Debug, Clone)]
pub struct SubmittedAttempt {
    pub attempt: training_attempt::Model,
    pub graded: Graded,
    pub attempts_left: u32,
    pub certificate: Option<training_certificate::Model>,
}

/// A lesson with the text it reads: the article's published version or the script's body, or
/// none when the article or script is gone or out of the reader's reach.
#[derive(Debug, Clone)]
pub struct LessonText {
    pub lesson: Lesson,
    pub heading: Option<String>,
    pub body: Option<String>,
}

/// A course a person must pass and where they stand on it.
#[derive(Debug, Clone)]
pub struct RequiredCourse {
    pub course_id: String,
    pub title: String,
    pub status: CourseStatus,
}

/// A certificate with its course's title.
#[derive(Debug, Clone)]
pub struct CertificateRow {
    pub certificate: training_certificate::Model,
    pub title: String,
}

/// A mentee's mentor and checklist.
#[derive(Debug, Clone)]
pub struct Mentoring {
    pub staff_id: String,
    pub staff_name: String,
    pub mentor_id: String,
    pub mentor_name: String,
    pub checklist: Vec<ChecklistItem>,
    /// The mentee's start: item `due_day`s count from it.
    pub started_at: DateTime<Utc>,
    pub assigned_at: DateTime<Utc>,
}

/// A person's training: required courses first (by due date), their attempts and certificates,
/// their mentor and the people they mentor.
#[derive(Debug, Clone)]
pub struct StaffTraining {
    pub member: StaffMember,
    pub required: Vec<RequiredCourse>,
    pub attempts: Vec<training_attempt::Model>,
    pub certificates: Vec<CertificateRow>,
    pub mentor: Option<Mentoring>,
    pub mentees: Vec<Mentoring>,
}

/// One person overdue on one required course.
#[derive(Debug, Clone)]
pub struct OverdueRow {
    pub staff_id: String,
    pub staff_name: String,
    pub role: Role,
    pub course_id: String,
    pub course_title: String,
    pub status: CourseStatus,
}

impl Store {
    /// The company's courses, newest first (staff).
    pub async fn training_courses(&self, who: &Principal) -> Result<Vec<training_course::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        Ok(training_course::Entity::find()
            .filter(training_course::Column::CompanyId.eq(&who.company_id))
            .order_by_desc(training_course::Column::CreatedAt)
            .order_by_asc(training_course::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One course of the company (staff).
    pub async fn training_course(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<training_course::Model> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        training_course::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("training_course"))
    }

    /// Adds a course (managers and admins; audited). A lesson's article or script must exist:
    /// else 422 naming the lesson's field.
    pub async fn create_training_course(
        &self,
        who: &Principal,
        course: Course,
        now: DateTime<Utc>,
    ) -> Result<training_course::Model> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        self.check_references(&who.company_id, &course).await?;
        let model = course_model(&who.company_id, new_id(), &course, now, now);
        let txn = self.begin_write().await?;
        training_course::ActiveModel::from(model.clone())
            .insert(&txn)
            .await?;
        Audit::by(who, "training_course", &model.id, "create")
            .record(&txn, summary(&model), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Replaces a course (managers and admins; audited). Attempts under way keep the questions
    /// they were asked; certificates keep their expiry.
    pub async fn update_training_course(
        &self,
        who: &Principal,
        id: &str,
        course: Course,
        now: DateTime<Utc>,
    ) -> Result<training_course::Model> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let current = self.training_course(who, id).await?;
        self.check_references(&who.company_id, &course).await?;
        let after = course_model(
            &who.company_id,
            id.to_owned(),
            &course,
            current.created_at,
            now,
        );
        let txn = self.begin_write().await?;
        training_course::ActiveModel {
            company_id: Set(after.company_id.clone()),
            id: Set(after.id.clone()),
            title: Set(after.title.clone()),
            description: Set(after.description.clone()),
            lessons: Set(after.lessons.clone()),
            questions: Set(after.questions.clone()),
            pass_mark: Set(after.pass_mark),
            max_attempts: Set(after.max_attempts),
            certificate_months: Set(after.certificate_months),
            created_at: Set(after.created_at),
            updated_at: Set(now),
        }
        .update(&txn)
        .await?;
        Audit::by(who, "training_course", id, "update")
            .record(&txn, changes(summary(&current), summary(&after)), now)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a course nobody was examined on and no role requires (managers and admins;
    /// audited); else 409 `in_use`.
    pub async fn delete_training_course(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let current = self.training_course(who, id).await?;
        let attempts = training_attempt::Entity::find()
            .filter(training_attempt::Column::CompanyId.eq(&who.company_id))
            .filter(training_attempt::Column::CourseId.eq(id))
            .count(&self.db)
            .await?;
        let required = training_requirement::Entity::find()
            .filter(training_requirement::Column::CompanyId.eq(&who.company_id))
            .filter(training_requirement::Column::CourseId.eq(id))
            .count(&self.db)
            .await?;
        let used: Vec<(&'static str, u64)> = [("attempts", attempts), ("requirements", required)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
        if !used.is_empty() {
            return Err(StorageError::InUse(used));
        }
        let txn = self.begin_write().await?;
        training_course::Entity::delete_by_id((who.company_id.clone(), id.to_owned()))
            .exec(&txn)
            .await?;
        Audit::by(who, "training_course", id, "delete")
            .record(&txn, json!({ "title": current.title }), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    async fn check_references(&self, company: &str, course: &Course) -> Result<()> {
        let mut p = Problems::new();
        for (field, source) in course.references() {
            let found = match source {
                LessonSource::Article { article_id } => {
                    kb_article::Entity::find_by_id((company.to_owned(), article_id.clone()))
                        .one(&self.db)
                        .await?
                        .is_some()
                }
                LessonSource::Script { script_id } => {
                    kb_script::Entity::find_by_id((company.to_owned(), script_id.clone()))
                        .one(&self.db)
                        .await?
                        .is_some()
                }
                LessonSource::Text { .. } => true,
            };
            if !found {
                p.add(field, FieldErrorCode::UnknownReference);
            }
        }
        Ok(p.into_result(())?)
    }

    /// A course's lessons with the text each reads, as `who` may read it: an article in its
    /// published version, only where it applies to them.
    pub async fn training_lessons(
        &self,
        who: &Principal,
        course: &training_course::Model,
    ) -> Result<Vec<LessonText>> {
        let mut out = vec![];
        for lesson in lessons_of(course) {
            let (heading, body) = match &lesson.source {
                LessonSource::Article { article_id } => {
                    match self.kb_article(who, article_id).await {
                        Ok(found) => (Some(found.version.title), Some(found.version.body)),
                        Err(StorageError::NotFound(_)) => (None, None),
                        Err(e) => return Err(e),
                    }
                }
                LessonSource::Script { script_id } => match self.kb_script(who, script_id).await {
                    Ok(found) => (Some(found.title), Some(found.body)),
                    Err(StorageError::NotFound(_)) => (None, None),
                    Err(e) => return Err(e),
                },
                LessonSource::Text { body } => (None, Some(body.clone())),
            };
            out.push(LessonText {
                lesson,
                heading,
                body,
            });
        }
        Ok(out)
    }

    /// The courses each role must pass (staff).
    pub async fn training_requirements(&self, who: &Principal) -> Result<Vec<Requirement>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let rows = training_requirement::Entity::find()
            .filter(training_requirement::Column::CompanyId.eq(&who.company_id))
            .order_by_asc(training_requirement::Column::Role)
            .order_by_asc(training_requirement::Column::CreatedAt)
            .all(&self.db)
            .await?;
        rows.into_iter().map(requirement_of).collect()
    }

    /// Replaces the company's requirements (managers and admins; audited); a course that does not
    /// exist is 422 on its `requirements[i].course_id`.
    pub async fn set_training_requirements(
        &self,
        who: &Principal,
        list: Vec<Requirement>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Requirement>> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let courses: HashSet<String> = self
            .training_courses(who)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let mut p = Problems::new();
        for (i, r) in list.iter().enumerate() {
            if !courses.contains(&r.course_id) {
                p.add(
                    format!("requirements[{i}].course_id"),
                    FieldErrorCode::UnknownReference,
                );
            }
        }
        p.into_result(())?;
        let before = self.training_requirements(who).await?;
        let txn = self.begin_write().await?;
        training_requirement::Entity::delete_many()
            .filter(training_requirement::Column::CompanyId.eq(&who.company_id))
            .exec(&txn)
            .await?;
        for r in &list {
            training_requirement::ActiveModel {
                company_id: Set(who.company_id.clone()),
                role: Set(r.role.as_str().to_owned()),
                course_id: Set(r.course_id.clone()),
                due_days: Set(r.due_days as i32),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        Audit::by(who, "training_requirements", &who.company_id, "set")
            .record(&txn, json!({ "from": before, "to": list }), now)
            .await?;
        txn.commit().await?;
        Ok(list)
    }

    /// Starts (or resumes, when one is open) the caller's attempt at a course's exam; 409
    /// `no_attempts_left` once every attempt failed, `already_certified` while a certificate
    /// stands outside its renewal window (audited).
    pub async fn start_training_attempt(
        &self,
        who: &Principal,
        course_id: &str,
        now: DateTime<Utc>,
    ) -> Result<StartedAttempt> {
        if !who.role.is_staff() || who.is_machine() {
            return Err(StorageError::Forbidden);
        }
        let course = self.training_course(who, course_id).await?;
        let max = course.max_attempts.max(1) as u32;
        let history = self
            .attempt_history(&who.company_id, &who.id, course_id)
            .await?;
        let open = training_attempt::Entity::find()
            .filter(training_attempt::Column::CompanyId.eq(&who.company_id))
            .filter(training_attempt::Column::StaffId.eq(&who.id))
            .filter(training_attempt::Column::CourseId.eq(course_id))
            .filter(training_attempt::Column::SubmittedAt.is_null())
            .one(&self.db)
            .await?;
        if let Some(attempt) = open {
            return Ok(StartedAttempt {
                questions: questions_of(&attempt.questions)?,
                attempts_left: attempts_left(history, max, now).saturating_sub(1),
                attempt,
            });
        }
        may_start(history, max, now)?;
        let last: Option<i32> = training_attempt::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(training_attempt::Column::Number)))
            .filter(training_attempt::Column::CompanyId.eq(&who.company_id))
            .filter(training_attempt::Column::StaffId.eq(&who.id))
            .filter(training_attempt::Column::CourseId.eq(course_id))
            .into_tuple::<Option<i32>>()
            .one(&self.db)
            .await?
            .flatten();
        let attempt = training_attempt::Model {
            company_id: who.company_id.clone(),
            id: new_id(),
            course_id: course_id.to_owned(),
            staff_id: who.id.clone(),
            number: last.unwrap_or(0) + 1,
            questions: course.questions.clone(),
            pass_mark: course.pass_mark,
            answers: None,
            score: None,
            passed: None,
            started_at: now,
            submitted_at: None,
        };
        let txn = self.begin_write().await?;
        // The number is unique per person and course: a start on another node at the same time
        // takes it first and this one is refused rather than going over the attempts allowed.
        training_attempt::ActiveModel::from(attempt.clone())
            .insert(&txn)
            .await
            .map_err(|e| already_or(e, "training_attempt"))?;
        Audit::by(who, "training_attempt", &attempt.id, "start")
            .record(
                &txn,
                json!({ "course_id": course_id, "number": attempt.number }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(StartedAttempt {
            questions: questions_of(&attempt.questions)?,
            attempts_left: attempts_left(history, max, now).saturating_sub(1),
            attempt,
        })
    }

    /// The caller's own attempt still open, as it was started (404 for anyone else's, or once
    /// submitted: its page is then the result).
    pub async fn open_training_attempt(
        &self,
        who: &Principal,
        attempt_id: &str,
        now: DateTime<Utc>,
    ) -> Result<StartedAttempt> {
        let attempt =
            training_attempt::Entity::find_by_id((who.company_id.clone(), attempt_id.to_owned()))
                .one(&self.db)
                .await?
                .filter(|a| a.staff_id == who.id && a.submitted_at.is_none())
                .ok_or(StorageError::NotFound("training_attempt"))?;
        let course = self.training_course(who, &attempt.course_id).await?;
        let history = self
            .attempt_history(&who.company_id, &who.id, &course.id)
            .await?;
        Ok(StartedAttempt {
            questions: questions_of(&attempt.questions)?,
            attempts_left: attempts_left(history, course.max_attempts.max(1) as u32, now)
                .saturating_sub(1),
            attempt,
        })
    }

    /// Grades the caller's open attempt (only the taker; audited): a pass issues the course's
    /// certificate, expiring its months from now. Answers that do not fit are 422 by field and
    /// change nothing; a second submission is 409 `attempt_submitted`.
    pub async fn submit_training_attempt(
        &self,
        who: &Principal,
        attempt_id: &str,
        answers: Vec<Vec<usize>>,
        now: DateTime<Utc>,
    ) -> Result<SubmittedAttempt> {
        let attempt =
            training_attempt::Entity::find_by_id((who.company_id.clone(), attempt_id.to_owned()))
                .one(&self.db)
                .await?
                .filter(|a| a.staff_id == who.id)
                .ok_or(StorageError::NotFound("training_attempt"))?;
        if attempt.submitted_at.is_some() {
            return Err(TrainingError::AttemptSubmitted.into());
        }
        let course = self.training_course(who, &attempt.course_id).await?;
        let questions = questions_of(&attempt.questions)?;
        let graded = grade(&questions, &answers, attempt.pass_mark.max(0) as u32)?;
        let certificate = graded.passed.then(|| training_certificate::Model {
            company_id: who.company_id.clone(),
            id: new_id(),
            course_id: course.id.clone(),
            staff_id: who.id.clone(),
            attempt_id: attempt.id.clone(),
            score: graded.score as i32,
            issued_at: now,
            expires_at: expires_at(now, course.certificate_months.max(1) as u32),
        });
        let txn = self.begin_write().await?;
        let moved = training_attempt::Entity::update_many()
            .col_expr(
                training_attempt::Column::Answers,
                Expr::value(json!(answers)),
            )
            .col_expr(
                training_attempt::Column::Score,
                Expr::value(graded.score as i32),
            )
            .col_expr(training_attempt::Column::Passed, Expr::value(graded.passed))
            .col_expr(training_attempt::Column::SubmittedAt, Expr::value(now))
            .filter(training_attempt::Column::CompanyId.eq(&who.company_id))
            .filter(training_attempt::Column::Id.eq(attempt_id))
            .filter(training_attempt::Column::SubmittedAt.is_null())
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(TrainingError::AttemptSubmitted.into());
        }
        if let Some(c) = &certificate {
            training_certificate::ActiveModel::from(c.clone())
                .insert(&txn)
                .await?;
        }
        Audit::by(who, "training_attempt", attempt_id, "submit")
            .record(
                &txn,
                json!({ "course_id": course.id, "score": graded.score, "passed": graded.passed,
                        "certificate_id": certificate.as_ref().map(|c| c.id.clone()),
                        "expires_at": certificate.as_ref().map(|c| c.expires_at) }),
                now,
            )
            .await?;
        txn.commit().await?;
        let history = self
            .attempt_history(&who.company_id, &who.id, &course.id)
            .await?;
        let attempt =
            training_attempt::Entity::find_by_id((who.company_id.clone(), attempt_id.to_owned()))
                .one(&self.db)
                .await?
                .ok_or(StorageError::NotFound("training_attempt"))?;
        // As stored: the database keeps times to the microsecond.
        let certificate = match certificate {
            Some(c) => {
                training_certificate::Entity::find_by_id((who.company_id.clone(), c.id))
                    .one(&self.db)
                    .await?
            }
            None => None,
        };
        Ok(SubmittedAttempt {
            attempt,
            graded,
            attempts_left: attempts_left(history, course.max_attempts.max(1) as u32, now),
            certificate,
        })
    }

    /// A person's record on a course: their latest certificate's expiry and the attempts they
    /// failed since the count starts.
    async fn attempt_history(
        &self,
        company: &str,
        staff_id: &str,
        course_id: &str,
    ) -> Result<AttemptHistory> {
        let certified_until = training_certificate::Entity::find()
            .filter(training_certificate::Column::CompanyId.eq(company))
            .filter(training_certificate::Column::StaffId.eq(staff_id))
            .filter(training_certificate::Column::CourseId.eq(course_id))
            .order_by_desc(training_certificate::Column::ExpiresAt)
            .one(&self.db)
            .await?
            .map(|c| c.expires_at);
        let mut failed = training_attempt::Entity::find()
            .filter(training_attempt::Column::CompanyId.eq(company))
            .filter(training_attempt::Column::StaffId.eq(staff_id))
            .filter(training_attempt::Column::CourseId.eq(course_id))
            .filter(training_attempt::Column::Passed.eq(false));
        if let Some(from) = AttemptHistory::counted_from(certified_until) {
            failed = failed.filter(training_attempt::Column::StartedAt.gte(from));
        }
        Ok(AttemptHistory {
            certified_until,
            failed: failed.count(&self.db).await?.min(u64::from(u32::MAX)) as u32,
        })
    }

    /// A staff member `who` may see: themselves; for those who oversee, anyone sharing one of
    /// their projects; for a mentor, their mentee. Everyone else is not found.
    async fn seen_staff(&self, who: &Principal, staff_id: &str) -> Result<StaffMember> {
        if !who.role.is_staff() {
            return Err(StorageError::NotFound("staff"));
        }
        let member = self.staff_member(&who.company_id, staff_id).await?;
        let shares = member.project_ids.iter().any(|p| who.projects.includes(p))
            || who.projects == ProjectScope::All;
        let mentors = || async {
            Ok::<bool, StorageError>(
                training_mentor::Entity::find_by_id((who.company_id.clone(), staff_id.to_owned()))
                    .one(&self.db)
                    .await?
                    .is_some_and(|m| m.mentor_id == who.id),
            )
        };
        if who.id == staff_id || (who.role.oversees() && shares) || mentors().await? {
            Ok(member)
        } else {
            Err(StorageError::NotFound("staff"))
        }
    }

    /// A person's training at `now`: required courses by due date with where they stand, their
    /// attempts (newest first), certificates, mentor and mentees.
    pub async fn staff_training(
        &self,
        who: &Principal,
        staff_id: &str,
        now: DateTime<Utc>,
    ) -> Result<StaffTraining> {
        let member = self.seen_staff(who, staff_id).await?;
        let company = who.company_id.as_str();
        let courses: HashMap<String, String> = self
            .training_courses(who)
            .await?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect();
        let latest = self
            .latest_certificates(company, &[staff_id.to_owned()])
            .await?;
        let mut required: Vec<RequiredCourse> = training_requirement::Entity::find()
            .filter(training_requirement::Column::CompanyId.eq(company))
            .filter(training_requirement::Column::Role.eq(member.role().as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(requirement_of)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .map(|r| RequiredCourse {
                title: courses.get(&r.course_id).cloned().unwrap_or_default(),
                status: status_of(
                    r.due_at(member.staff.created_at),
                    latest
                        .get(&(staff_id.to_owned(), r.course_id.clone()))
                        .copied(),
                    now,
                ),
                course_id: r.course_id,
            })
            .collect();
        required.sort_by_key(|r| r.status.due_at);
        let attempts = training_attempt::Entity::find()
            .filter(training_attempt::Column::CompanyId.eq(company))
            .filter(training_attempt::Column::StaffId.eq(staff_id))
            .order_by_desc(training_attempt::Column::StartedAt)
            .limit(200)
            .all(&self.db)
            .await?;
        let certificates = training_certificate::Entity::find()
            .filter(training_certificate::Column::CompanyId.eq(company))
            .filter(training_certificate::Column::StaffId.eq(staff_id))
            .order_by_desc(training_certificate::Column::IssuedAt)
            .limit(200)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| CertificateRow {
                title: courses.get(&c.course_id).cloned().unwrap_or_default(),
                certificate: c,
            })
            .collect();
        let mentor =
            training_mentor::Entity::find_by_id((who.company_id.clone(), staff_id.to_owned()))
                .one(&self.db)
                .await?;
        let mentees = training_mentor::Entity::find()
            .filter(training_mentor::Column::CompanyId.eq(company))
            .filter(training_mentor::Column::MentorId.eq(staff_id))
            .all(&self.db)
            .await?;
        let mut all: Vec<training_mentor::Model> = mentor.into_iter().collect();
        let has_mentor = !all.is_empty();
        all.extend(mentees);
        let mut mentorings = self.mentorings(company, all).await?;
        let mentor = if has_mentor {
            Some(mentorings.remove(0))
        } else {
            None
        };
        Ok(StaffTraining {
            member,
            required,
            attempts,
            certificates,
            mentor,
            mentees: mentorings,
        })
    }

    /// The latest expiry of each (person, course) certificate of `staff_ids`, in the database.
    async fn latest_certificates(
        &self,
        company: &str,
        staff_ids: &[String],
    ) -> Result<HashMap<(String, String), DateTime<Utc>>> {
        let mut latest = HashMap::new();
        for chunk in staff_ids.chunks(CHUNK) {
            let rows: Vec<(String, String, Option<DateTime<Utc>>)> =
                training_certificate::Entity::find()
                    .select_only()
                    .column(training_certificate::Column::StaffId)
                    .column(training_certificate::Column::CourseId)
                    .expr(Func::max(Expr::col(
                        training_certificate::Column::ExpiresAt,
                    )))
                    .filter(training_certificate::Column::CompanyId.eq(company))
                    .filter(training_certificate::Column::StaffId.is_in(chunk.iter().cloned()))
                    .group_by(training_certificate::Column::StaffId)
                    .group_by(training_certificate::Column::CourseId)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
            for (staff_id, course_id, until) in rows {
                if let Some(until) = until {
                    latest.insert((staff_id, course_id), until);
                }
            }
        }
        Ok(latest)
    }

    /// Who in a project is overdue at `now` on a required course: not certified by the due date,
    /// or certified but expired; longest overdue first (supervisors, managers and admins of the
    /// project). Bounded: the project's active staff, the requirements, and each person's latest
    /// certificate per course read in chunks.
    pub async fn training_overdue(
        &self,
        who: &Principal,
        project_id: &str,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Page<OverdueRow>> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        project::Entity::find_by_id((who.company_id.clone(), project_id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|p| who.sees_project(&p.id))
            .ok_or(StorageError::NotFound("project"))?;
        let company = who.company_id.as_str();
        let requirements: Vec<Requirement> = training_requirement::Entity::find()
            .filter(training_requirement::Column::CompanyId.eq(company))
            .all(&self.db)
            .await?
            .into_iter()
            .map(requirement_of)
            .collect::<Result<_>>()?;
        let roles: Vec<&str> = requirements.iter().map(|r| r.role.as_str()).collect();
        let members: Vec<String> = staff_project::Entity::find()
            .select_only()
            .column(staff_project::Column::StaffId)
            .filter(staff_project::Column::CompanyId.eq(company))
            .filter(staff_project::Column::ProjectId.eq(project_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut people = vec![];
        for chunk in members.chunks(CHUNK) {
            people.extend(
                staff::Entity::find()
                    .filter(staff::Column::CompanyId.eq(company))
                    .filter(staff::Column::Id.is_in(chunk.iter().cloned()))
                    .filter(staff::Column::Active.eq(true))
                    .filter(staff::Column::Role.is_in(roles.clone()))
                    .all(&self.db)
                    .await?,
            );
        }
        let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
        let latest = self.latest_certificates(company, &ids).await?;
        let titles: HashMap<String, String> = self
            .training_courses(who)
            .await?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect();
        let mut rows = vec![];
        for person in &people {
            let Ok(role) = person.role.parse::<Role>() else {
                continue;
            };
            for r in requirements.iter().filter(|r| r.role == role) {
                let status = status_of(
                    r.due_at(person.created_at),
                    latest
                        .get(&(person.id.clone(), r.course_id.clone()))
                        .copied(),
                    now,
                );
                if status.state.is_overdue() {
                    rows.push(OverdueRow {
                        staff_id: person.id.clone(),
                        staff_name: person.name.clone(),
                        role,
                        course_id: r.course_id.clone(),
                        course_title: titles.get(&r.course_id).cloned().unwrap_or_default(),
                        status,
                    });
                }
            }
        }
        rows.sort_by(|a, b| {
            overdue_since(&a.status)
                .cmp(&overdue_since(&b.status))
                .then_with(|| a.staff_name.cmp(&b.staff_name))
        });
        let total = rows.len() as u64;
        let items = rows
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .collect();
        Ok(page.wrap(items, total))
    }

    /// Gives a staff member a mentor and the checklist of their first weeks, replacing any
    /// before (supervisors, managers and admins who see them; audited). The mentor must be
    /// another active staff member sharing a project with them: else 422 `mentor_id`.
    pub async fn set_mentor(
        &self,
        who: &Principal,
        staff_id: &str,
        mentor_id: &str,
        checklist: Vec<ChecklistItem>,
        now: DateTime<Utc>,
    ) -> Result<Mentoring> {
        let mentee = self.seen_staff(who, staff_id).await?;
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let mentor = match self.staff_member(&who.company_id, mentor_id).await {
            Ok(m) => Some(m),
            Err(StorageError::NotFound(_)) => None,
            Err(e) => return Err(e),
        }
        .filter(|m| {
            m.staff.id != staff_id
                && m.staff.active
                && m.project_ids.iter().any(|p| mentee.project_ids.contains(p))
        })
        .ok_or_else(|| StorageError::field("mentor_id", FieldErrorCode::UnknownReference))?;
        let before =
            training_mentor::Entity::find_by_id((who.company_id.clone(), staff_id.to_owned()))
                .one(&self.db)
                .await?;
        let row = training_mentor::Model {
            company_id: who.company_id.clone(),
            staff_id: staff_id.to_owned(),
            mentor_id: mentor.staff.id.clone(),
            checklist: json!(checklist),
            assigned_at: before.as_ref().map_or(now, |b| b.assigned_at),
            updated_at: now,
        };
        let txn = self.begin_write().await?;
        if before.is_some() {
            training_mentor::ActiveModel {
                company_id: Set(row.company_id.clone()),
                staff_id: Set(row.staff_id.clone()),
                mentor_id: Set(row.mentor_id.clone()),
                checklist: Set(row.checklist.clone()),
                assigned_at: Set(row.assigned_at),
                updated_at: Set(now),
            }
            .update(&txn)
            .await?;
        } else {
            training_mentor::ActiveModel::from(row.clone())
                .insert(&txn)
                .await?;
        }
        Audit::by(who, "training_mentor", staff_id, "set")
            .record(
                &txn,
                json!({
                    "mentor_id": { "from": before.as_ref().map(|b| b.mentor_id.clone()), "to": row.mentor_id },
                    "checklist": row.checklist,
                }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(self.mentorings(&who.company_id, vec![row]).await?.remove(0))
    }

    /// Ticks (or unticks) item `item` (from 0) of a mentee's checklist: only the mentor or the
    /// mentee (audited); an item that does not exist is 422 `item`.
    pub async fn tick_mentor_item(
        &self,
        who: &Principal,
        staff_id: &str,
        item: usize,
        done: bool,
        now: DateTime<Utc>,
    ) -> Result<Mentoring> {
        self.seen_staff(who, staff_id).await?;
        let current =
            training_mentor::Entity::find_by_id((who.company_id.clone(), staff_id.to_owned()))
                .one(&self.db)
                .await?
                .ok_or(StorageError::NotFound("training_mentor"))?;
        if who.id != current.staff_id && who.id != current.mentor_id {
            return Err(StorageError::Forbidden);
        }
        let mut checklist = checklist_of(&current)?;
        let Some(entry) = checklist.get_mut(item) else {
            return Err(StorageError::field(
                "item",
                FieldErrorCode::UnknownReference,
            ));
        };
        entry.done = done;
        let title = entry.title.clone();
        let txn = self.begin_write().await?;
        // Only over the checklist read: a concurrent edit makes this a retry, not a lost tick.
        let moved = training_mentor::Entity::update_many()
            .col_expr(
                training_mentor::Column::Checklist,
                Expr::value(json!(checklist)),
            )
            .col_expr(training_mentor::Column::UpdatedAt, Expr::value(now))
            .filter(training_mentor::Column::CompanyId.eq(&who.company_id))
            .filter(training_mentor::Column::StaffId.eq(staff_id))
            .filter(training_mentor::Column::UpdatedAt.eq(current.updated_at))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(StorageError::AlreadyExists("training_mentor"));
        }
        Audit::by(who, "training_mentor", staff_id, "tick")
            .record(
                &txn,
                json!({ "item": item, "title": title, "done": done }),
                now,
            )
            .await?;
        txn.commit().await?;
        let after = training_mentor::Model {
            checklist: json!(checklist),
            updated_at: now,
            ..current
        };
        Ok(self
            .mentorings(&who.company_id, vec![after])
            .await?
            .remove(0))
    }

    /// Mentor rows with the names and start of the people in them.
    async fn mentorings(
        &self,
        company: &str,
        rows: Vec<training_mentor::Model>,
    ) -> Result<Vec<Mentoring>> {
        let ids: Vec<String> = rows
            .iter()
            .flat_map(|r| [r.staff_id.clone(), r.mentor_id.clone()])
            .collect();
        let people: HashMap<String, (String, DateTime<Utc>)> = staff::Entity::find()
            .select_only()
            .columns([
                staff::Column::Id,
                staff::Column::Name,
                staff::Column::CreatedAt,
            ])
            .filter(staff::Column::CompanyId.eq(company))
            .filter(staff::Column::Id.is_in(ids))
            .into_tuple::<(String, String, DateTime<Utc>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, name, at)| (id, (name, at)))
            .collect();
        rows.into_iter()
            .map(|r| {
                let (staff_name, started_at) = people
                    .get(&r.staff_id)
                    .cloned()
                    .unwrap_or((String::new(), r.assigned_at));
                Ok(Mentoring {
                    checklist: checklist_of(&r)?,
                    mentor_name: people
                        .get(&r.mentor_id)
                        .map(|p| p.0.clone())
                        .unwrap_or_default(),
                    staff_id: r.staff_id,
                    staff_name,
                    mentor_id: r.mentor_id,
                    started_at,
                    assigned_at: r.assigned_at,
                })
            })
            .collect()
    }
}

/// Where an overdue person's lateness starts: the expiry of their certificate, else the due date.
fn overdue_since(status: &CourseStatus) -> DateTime<Utc> {
    status.certified_until.unwrap_or(status.due_at)
}

fn course_model(
    company: &str,
    id: String,
    course: &Course,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> training_course::Model {
    training_course::Model {
        company_id: company.to_owned(),
        id,
        title: course.title.clone(),
        description: course.description.clone(),
        lessons: json!(course.lessons),
        questions: json!(course.questions),
        pass_mark: course.pass_mark as i32,
        max_attempts: course.max_attempts as i32,
        certificate_months: course.certificate_months as i32,
        created_at,
        updated_at: now,
    }
}

fn summary(c: &training_course::Model) -> serde_json::Value {
    json!({
        "title": c.title, "description": c.description, "lessons": c.lessons,
        "questions": c.questions, "pass_mark": c.pass_mark, "max_attempts": c.max_attempts,
        "certificate_months": c.certificate_months,
    })
}

/// A stored requirement; a role this version does not know is an error naming the row.
fn requirement_of(r: training_requirement::Model) -> Result<Requirement> {
    let role = r.role.parse().map_err(|_| UnknownStored {
        table: "training_requirements",
        id: Some(r.course_id.clone()),
        column: "role".to_owned(),
        value: r.role.clone(),
    })?;
    Ok(Requirement {
        role,
        course_id: r.course_id,
        due_days: r.due_days.max(0) as u32,
    })
}

/// A course's stored lessons; none when they no longer read (a hand edit).
pub fn lessons_of(course: &training_course::Model) -> Vec<Lesson> {
    serde_json::from_value(course.lessons.clone()).unwrap_or_default()
}

/// Stored questions as the domain's.
pub fn questions_of(stored: &serde_json::Value) -> Result<Vec<Question>> {
    serde_json::from_value(stored.clone())
        .map_err(|_| ValidationError::single("questions", FieldErrorCode::Invalid).into())
}

fn checklist_of(row: &training_mentor::Model) -> Result<Vec<ChecklistItem>> {
    serde_json::from_value(row.checklist.clone())
        .map_err(|_| ValidationError::single("checklist", FieldErrorCode::Invalid).into())
}

/// A unique-key failure means another request made the same record meanwhile.
fn already_or(err: sea_orm::DbErr, what: &'static str) -> StorageError {
    if matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        StorageError::AlreadyExists(what)
    } else {
        err.into()
    }
}
