//! 培训: courses (lessons from knowledge-base articles, scripts or their own text; a question
//! bank), the courses each role must pass, exams (started without the answers, graded on the
//! server, a certificate on a pass), a person's training, the overdue list of a project, and
//! mentors with their mentees' checklists.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::role::Role;
use guanjia_domain::training::{
    ChecklistItem, Course, CourseStatus, Lesson, LessonSource, Question, QuestionKind, Requirement,
    TrainingState, check_checklist, check_requirements,
};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::{training_attempt, training_certificate, training_course};
use guanjia_storage::{
    CertificateRow, LessonText, Mentoring, OverdueRow, RequiredCourse, StaffTraining,
    StartedAttempt, SubmittedAttempt, training_lessons_of, training_questions_of,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_courses, create_course))
        .routes(routes!(get_course, update_course, delete_course))
        .routes(routes!(get_requirements, set_requirements))
        .routes(routes!(start_attempt))
        .routes(routes!(submit_answers))
        .routes(routes!(staff_training))
        .routes(routes!(overdue))
        .routes(routes!(set_mentor))
        .routes(routes!(tick_item))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    /// 1–100 characters.
    pub title: String,
    pub description: Option<String>,
    /// 1–50 lessons, each an article (`{"kind": "article", "article_id"}`), a script
    /// (`{"kind": "script", "script_id"}`) or its own Markdown (`{"kind": "text", "body"}`).
    pub lessons: Vec<Lesson>,
    /// 1–100 questions; the exam asks them all.
    pub questions: Vec<Question>,
    /// The score in percent that passes, 1–100.
    pub pass_mark: u32,
    /// Attempts allowed before a pass, 1–10.
    pub max_attempts: u32,
    /// How long a certificate lasts, in months (1–120).
    pub certificate_months: u32,
}

impl CourseInput {
    fn validate(self) -> ApiResult<Course> {
        Ok(Course {
            title: self.title,
            description: self.description,
            lessons: self.lessons,
            questions: self.questions,
            pass_mark: self.pass_mark,
            max_attempts: self.max_attempts,
            certificate_months: self.certificate_months,
        }
        .validate()?)
    }
}

/// A course in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseSummary {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub lesson_count: usize,
    /// The exam asks them all.
    pub question_count: usize,
    pub pass_mark: i32,
    pub max_attempts: i32,
    pub certificate_months: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<training_course::Model> for CourseSummary {
    fn from(c: training_course::Model) -> Self {
        CourseSummary {
            lesson_count: training_lessons_of(&c).len(),
            question_count: training_questions_of(&c.questions).map_or(0, |q| q.len()),
            id: c.id,
            title: c.title,
            description: c.description,
            pass_mark: c.pass_mark,
            max_attempts: c.max_attempts,
            certificate_months: c.certificate_months,
            updated_at: c.updated_at,
        }
    }
}

/// A lesson with the text it reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonView {
    pub title: String,
    pub source: LessonSource,
    /// The article's or script's title; none for the lesson's own text.
    pub heading: Option<String>,
    /// Markdown: the article's published version, the script's body or the lesson's text; none
    /// when the article or script is gone or does not apply to the reader.
    pub body: Option<String>,
}

impl From<LessonText> for LessonView {
    fn from(l: LessonText) -> Self {
        LessonView {
            title: l.lesson.title,
            source: l.lesson.source,
            heading: l.heading,
            body: l.body,
        }
    }
}

/// A course with its lessons' text. The question bank with its answers is only for managers
/// and admins (who write courses); takers get the questions when they start the exam.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    #[serde(flatten)]
    pub summary: CourseSummary,
    pub lessons: Vec<LessonView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<Question>>,
}

async fn course_view(
    state: &AppState,
    who: &guanjia_storage::Principal,
    course: training_course::Model,
) -> ApiResult<CourseView> {
    let lessons = state.store.training_lessons(who, &course).await?;
    let questions = if who.role.manages() {
        Some(training_questions_of(&course.questions)?)
    } else {
        None
    };
    Ok(CourseView {
        summary: course.into(),
        lessons: lessons.into_iter().map(LessonView::from).collect(),
        questions,
    })
}

/// The company's courses, newest first (staff).
#[utoipa::path(get, path = "/api/v1/training/courses", tag = "training", params(PageQuery),
    responses((status = 200, body = PageOf<CourseSummary>), (status = 403), (status = 422)))]
async fn list_courses(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<CourseSummary>>> {
    let request = page.request()?;
    let all = state.store.training_courses(&who).await?;
    Ok(axum::Json(PageOf::of_all(
        all.into_iter().map(CourseSummary::from).collect(),
        request,
    )))
}

/// Adds a course (managers and admins; audited). A bad pass mark, a question without a correct
/// option, a lesson's unknown article or script: 422 naming the field.
#[utoipa::path(post, path = "/api/v1/training/courses", tag = "training", request_body = CourseInput,
    responses((status = 201, body = CourseView), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_course(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CourseInput>,
) -> ApiResult<(StatusCode, axum::Json<CourseView>)> {
    let course = input.validate()?;
    let saved = state
        .store
        .create_training_course(&who, course, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(course_view(&state, &who, saved).await?),
    ))
}

/// One course with its lessons' text (staff); the answers only to managers and admins.
#[utoipa::path(get, path = "/api/v1/training/courses/{id}", tag = "training",
    responses((status = 200, body = CourseView), (status = 403), (status = 404)))]
async fn get_course(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CourseView>> {
    let course = state.store.training_course(&who, &id).await?;
    Ok(axum::Json(course_view(&state, &who, course).await?))
}

/// Replaces a course (managers and admins; audited); attempts under way keep the questions
/// they were asked.
#[utoipa::path(put, path = "/api/v1/training/courses/{id}", tag = "training", request_body = CourseInput,
    responses((status = 200, body = CourseView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn update_course(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CourseInput>,
) -> ApiResult<axum::Json<CourseView>> {
    let course = input.validate()?;
    let saved = state
        .store
        .update_training_course(&who, &id, course, Utc::now())
        .await?;
    Ok(axum::Json(course_view(&state, &who, saved).await?))
}

/// Deletes a course nobody was examined on and no role requires (managers and admins;
/// audited); else 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/training/courses/{id}", tag = "training",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_course(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_training_course(&who, &id, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The courses each role must pass, and within how many days of starting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementsBody {
    pub requirements: Vec<Requirement>,
}

/// The courses each role must pass (staff).
#[utoipa::path(get, path = "/api/v1/training/requirements", tag = "training",
    responses((status = 200, body = RequirementsBody), (status = 403)))]
async fn get_requirements(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<RequirementsBody>> {
    Ok(axum::Json(RequirementsBody {
        requirements: state.store.training_requirements(&who).await?,
    }))
}

/// Replaces the courses each role must pass (managers and admins; audited): staff roles only,
/// each role and course once, 1–365 days; an unknown course is 422 on its `course_id`.
#[utoipa::path(put, path = "/api/v1/training/requirements", tag = "training", request_body = RequirementsBody,
    responses((status = 200, body = RequirementsBody), (status = 403), (status = 422, description = "validation_failed")))]
async fn set_requirements(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<RequirementsBody>,
) -> ApiResult<axum::Json<RequirementsBody>> {
    let list = check_requirements(input.requirements)?;
    Ok(axum::Json(RequirementsBody {
        requirements: state
            .store
            .set_training_requirements(&who, list, Utc::now())
            .await?,
    }))
}

/// A question as the taker sees it: never its correct options.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExamQuestion {
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
}

/// An exam under way.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub id: String,
    pub course_id: String,
    /// The taker's attempts at the course counted from 1.
    pub number: i32,
    pub pass_mark: i32,
    /// Attempts left should this one fail.
    pub attempts_left: u32,
    pub started_at: DateTime<Utc>,
    pub questions: Vec<ExamQuestion>,
}

impl From<StartedAttempt> for AttemptView {
    fn from(s: StartedAttempt) -> Self {
        AttemptView {
            id: s.attempt.id,
            course_id: s.attempt.course_id,
            number: s.attempt.number,
            pass_mark: s.attempt.pass_mark,
            attempts_left: s.attempts_left,
            started_at: s.attempt.started_at,
            questions: s
                .questions
                .into_iter()
                .map(|q| ExamQuestion {
                    kind: q.kind,
                    text: q.text,
                    options: q.options,
                })
                .collect(),
        }
    }
}

/// Starts the caller's exam of a course, or resumes the one they left open: the questions
/// without their answers (audited). 409 `no_attempts_left` once every attempt failed,
/// `already_certified` while their certificate is valid (renewal opens 30 days before expiry).
#[utoipa::path(post, path = "/api/v1/training/courses/{id}/attempts", tag = "training",
    responses((status = 201, body = AttemptView), (status = 403), (status = 404),
        (status = 409, description = "no_attempts_left, already_certified or already_exists")))]
async fn start_attempt(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, axum::Json<AttemptView>)> {
    let started = state
        .store
        .start_training_attempt(&who, &id, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(started.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersInput {
    /// One per question, in order: the places (from 0) of the options chosen; `[]` leaves it
    /// unanswered (wrong).
    pub answers: Vec<Vec<usize>>,
}

/// A certificate (上岗证).
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    pub id: String,
    pub course_id: String,
    pub course_title: String,
    pub score: i32,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn certificate_view(c: training_certificate::Model, course_title: String) -> CertificateView {
    CertificateView {
        id: c.id,
        course_id: c.course_id,
        course_title,
        score: c.score,
        issued_at: c.issued_at,
        expires_at: c.expires_at,
    }
}

/// A graded attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    pub attempt_id: String,
    pub course_id: String,
    /// 0–100: the share of questions answered right (a multiple-choice question is right only
    /// with every correct option and no other).
    pub score: u32,
    pub right: u32,
    pub questions: u32,
    pub pass_mark: i32,
    pub passed: bool,
    pub attempts_left: u32,
    /// Issued by this pass.
    pub certificate: Option<CertificateView>,
}

/// Submits the caller's answers to their open attempt: graded on the server; a pass issues the
/// course's certificate (audited). Answers that do not fit the questions are 422 naming
/// `answers` or `answers[i]`; a second submission is 409 `attempt_submitted`.
#[utoipa::path(post, path = "/api/v1/training/attempts/{id}/answers", tag = "training", request_body = AnswersInput,
    responses((status = 200, body = ResultView), (status = 404),
        (status = 409, description = "attempt_submitted"), (status = 422, description = "validation_failed")))]
async fn submit_answers(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnswersInput>,
) -> ApiResult<axum::Json<ResultView>> {
    let submitted = state
        .store
        .submit_training_attempt(&who, &id, input.answers, Utc::now())
        .await?;
    let title = state
        .store
        .training_course(&who, &submitted.attempt.course_id)
        .await?
        .title;
    Ok(axum::Json(result_view(submitted, title)))
}

fn result_view(s: SubmittedAttempt, title: String) -> ResultView {
    ResultView {
        attempt_id: s.attempt.id,
        course_id: s.attempt.course_id,
        score: s.graded.score,
        right: s.graded.right,
        questions: s.graded.questions,
        pass_mark: s.attempt.pass_mark,
        passed: s.graded.passed,
        attempts_left: s.attempts_left,
        certificate: s.certificate.map(|c| certificate_view(c, title)),
    }
}

/// A required course and where the person stands on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequiredView {
    pub course_id: String,
    pub title: String,
    pub state: TrainingState,
    pub due_at: DateTime<Utc>,
    pub certified_until: Option<DateTime<Utc>>,
}

fn required_view(course_id: String, title: String, status: CourseStatus) -> RequiredView {
    RequiredView {
        course_id,
        title,
        state: status.state,
        due_at: status.due_at,
        certified_until: status.certified_until,
    }
}

impl From<RequiredCourse> for RequiredView {
    fn from(r: RequiredCourse) -> Self {
        required_view(r.course_id, r.title, r.status)
    }
}

/// An attempt in a person's record (never its questions).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptRecord {
    pub id: String,
    pub course_id: String,
    pub number: i32,
    pub score: Option<i32>,
    pub passed: Option<bool>,
    pub started_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl From<training_attempt::Model> for AttemptRecord {
    fn from(a: training_attempt::Model) -> Self {
        AttemptRecord {
            id: a.id,
            course_id: a.course_id,
            number: a.number,
            score: a.score,
            passed: a.passed,
            started_at: a.started_at,
            submitted_at: a.submitted_at,
        }
    }
}

/// A mentee's mentor and checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentoringView {
    pub staff_id: String,
    pub staff_name: String,
    pub mentor_id: String,
    pub mentor_name: String,
    /// The mentee's start; each item is due `due_day` days after it.
    pub started_at: DateTime<Utc>,
    pub assigned_at: DateTime<Utc>,
    pub checklist: Vec<ChecklistView>,
}

/// One item of a mentee's checklist, with its date.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistView {
    pub title: String,
    pub due_day: u32,
    pub due_at: DateTime<Utc>,
    pub done: bool,
}

impl From<Mentoring> for MentoringView {
    fn from(m: Mentoring) -> Self {
        MentoringView {
            checklist: m
                .checklist
                .into_iter()
                .map(|i| ChecklistView {
                    due_at: m.started_at + chrono::Duration::days(i64::from(i.due_day)),
                    title: i.title,
                    due_day: i.due_day,
                    done: i.done,
                })
                .collect(),
            staff_id: m.staff_id,
            staff_name: m.staff_name,
            mentor_id: m.mentor_id,
            mentor_name: m.mentor_name,
            started_at: m.started_at,
            assigned_at: m.assigned_at,
        }
    }
}

/// A person's training.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffTrainingView {
    pub staff_id: String,
    pub name: String,
    pub role: String,
    pub started_at: DateTime<Utc>,
    /// The courses their role must pass, soonest due first.
    pub required: Vec<RequiredView>,
    /// Newest first.
    pub attempts: Vec<AttemptRecord>,
    /// Newest first; renewals add one.
    pub certificates: Vec<CertificateView>,
    pub mentor: Option<MentoringView>,
    /// The people they mentor.
    pub mentees: Vec<MentoringView>,
}

impl From<StaffTraining> for StaffTrainingView {
    fn from(t: StaffTraining) -> Self {
        let s = t.member.staff;
        StaffTrainingView {
            staff_id: s.id,
            name: s.name,
            role: s.role,
            started_at: s.created_at,
            required: t.required.into_iter().map(RequiredView::from).collect(),
            attempts: t.attempts.into_iter().map(AttemptRecord::from).collect(),
            certificates: t
                .certificates
                .into_iter()
                .map(|CertificateRow { certificate, title }| certificate_view(certificate, title))
                .collect(),
            mentor: t.mentor.map(MentoringView::from),
            mentees: t.mentees.into_iter().map(MentoringView::from).collect(),
        }
    }
}

/// A person's training: required courses with status and due dates, attempts, certificates with
/// expiry, mentor and mentees. Themselves, their mentor, and supervisors, managers and admins of
/// their projects; anyone else 404.
#[utoipa::path(get, path = "/api/v1/staff/{id}/training", tag = "training",
    responses((status = 200, body = StaffTrainingView), (status = 404)))]
async fn staff_training(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<StaffTrainingView>> {
    Ok(axum::Json(
        state
            .store
            .staff_training(&who, &id, Utc::now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OverdueQuery {
    /// Required.
    pub project_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// One person overdue on one required course.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueView {
    pub staff_id: String,
    pub staff_name: String,
    pub role: Role,
    #[serde(flatten)]
    pub course: RequiredView,
}

impl From<OverdueRow> for OverdueView {
    fn from(r: OverdueRow) -> Self {
        OverdueView {
            staff_id: r.staff_id,
            staff_name: r.staff_name,
            role: r.role,
            course: required_view(r.course_id, r.course_title, r.status),
        }
    }
}

/// Who in a project is overdue: required and not certified by the due date (`overdue`), or
/// certified but expired (`expired`); longest overdue first (supervisors, managers and admins
/// of the project).
#[utoipa::path(get, path = "/api/v1/training/overdue", tag = "training", params(OverdueQuery),
    responses((status = 200, body = PageOf<OverdueView>), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn overdue(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<OverdueQuery>,
) -> ApiResult<axum::Json<PageOf<OverdueView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let project_id = query
        .project_id
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| ValidationError::single("project_id", FieldErrorCode::Required))?;
    let found = state
        .store
        .training_overdue(&who, &project_id, page, Utc::now())
        .await?;
    Ok(axum::Json(PageOf::from_page(found, OverdueView::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorInput {
    /// Another active staff member sharing a project with them.
    pub mentor_id: String,
    /// Up to 50 items; each due 1–180 days after they started.
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
}

/// Gives a staff member a mentor and the checklist of their first weeks, replacing any before
/// (supervisors, managers and admins of their projects; audited).
#[utoipa::path(put, path = "/api/v1/staff/{id}/mentor", tag = "training", request_body = MentorInput,
    responses((status = 200, body = MentoringView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn set_mentor(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MentorInput>,
) -> ApiResult<axum::Json<MentoringView>> {
    let checklist = check_checklist(input.checklist)?;
    let saved = state
        .store
        .set_mentor(&who, &id, &input.mentor_id, checklist, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TickInput {
    pub done: bool,
}

/// Ticks or unticks item `item` (from 0) of a mentee's checklist: the mentor or the mentee
/// (audited); an item that does not exist is 422 `item`.
#[utoipa::path(put, path = "/api/v1/staff/{id}/mentor/checklist/{item}", tag = "training", request_body = TickInput,
    responses((status = 200, body = MentoringView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn tick_item(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, item)): Path<(String, String)>,
    ApiJson(input): ApiJson<TickInput>,
) -> ApiResult<axum::Json<MentoringView>> {
    // Read here, not by the path extractor, so a bad number is the same 422 as a missing item.
    let item: usize = item
        .parse()
        .map_err(|_| ValidationError::single("item", FieldErrorCode::UnknownReference))?;
    let saved = state
        .store
        .tick_mentor_item(&who, &id, item, input.done, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}
