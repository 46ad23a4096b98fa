//! 培训: a person's courses (required first, with due dates, certificates and their expiry), a
//! course's lessons, the exam and its result; for those who oversee, the overdue list of a
//! project and anyone's training; for mentors and mentees, the checklist to tick.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use guanjia_domain::training::TrainingState;
use guanjia_storage::{
    Mentoring, PageRequest, StaffTraining, StartedAttempt, SubmittedAttempt, training_lessons_of,
};
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::markdown;
use crate::ui::redirect::see_other;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Rows the overdue list shows.
const OVERDUE_ROWS: u64 = 200;

/// A due date or expiry as the desk reads it: the day, in China's time.
fn day(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d")
        .to_string()
}

pub struct RequiredLine {
    pub course_id: String,
    pub title: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub due: String,
    pub until: String,
}

pub struct CourseLine {
    pub id: String,
    pub title: String,
    pub description: String,
    pub lessons: usize,
}

pub struct CertificateLine {
    pub title: String,
    pub score: i32,
    pub issued: String,
    pub expires: String,
    pub valid: bool,
}

pub struct ItemLine {
    pub index: usize,
    pub title: String,
    pub due: String,
    pub done: bool,
}

pub struct MentoringLine {
    pub staff_id: String,
    pub staff_name: String,
    pub mentor_name: String,
    pub items: Vec<ItemLine>,
}

pub struct OverdueLine {
    pub staff_id: String,
    pub name: String,
    pub role: &'static str,
    pub title: String,
    pub state: &'static str,
    pub since: String,
}

pub struct ProjectChoice {
    pub id: String,
    pub name: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    chrome: Chrome,
    t: &'static Labels,
    /// Whose training: none for the reader's own.
    person: Option<String>,
    required: Vec<RequiredLine>,
    courses: Vec<CourseLine>,
    certificates: Vec<CertificateLine>,
    mentor: Option<MentoringLine>,
    mentees: Vec<MentoringLine>,
    oversees: bool,
    projects: Vec<ProjectChoice>,
    overdue: Vec<OverdueLine>,
    overdue_total: u64,
    /// Whose page it is.
    staff_id: String,
    /// Managers and admins edit courses and requirements.
    manages: bool,
    /// Who may mentor them, when the reader may give them a mentor.
    mentor_choices: Vec<Choice>,
    done: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TrainingQuery {
    project_id: Option<String>,
    done: Option<String>,
}

fn state_label(lang: Lang, state: TrainingState) -> &'static str {
    let t = text::labels(lang);
    match state {
        TrainingState::Due => t.training_due,
        TrainingState::Overdue => t.training_overdue,
        TrainingState::Certified => t.training_certified,
        TrainingState::Expired => t.training_expired,
    }
}

fn mentoring_line(m: Mentoring) -> MentoringLine {
    MentoringLine {
        items: m
            .checklist
            .into_iter()
            .enumerate()
            .map(|(index, i)| ItemLine {
                index,
                due: day(m.started_at + chrono::Duration::days(i64::from(i.due_day))),
                title: i.title,
                done: i.done,
            })
            .collect(),
        staff_id: m.staff_id,
        staff_name: m.staff_name,
        mentor_name: m.mentor_name,
    }
}

fn lines(
    training: StaffTraining,
    lang: Lang,
    now: DateTime<Utc>,
) -> (
    Vec<RequiredLine>,
    Vec<CertificateLine>,
    Option<MentoringLine>,
    Vec<MentoringLine>,
) {
    let required = training
        .required
        .into_iter()
        .map(|r| RequiredLine {
            course_id: r.course_id,
            title: r.title,
            state: state_label(lang, r.status.state),
            state_code: r.status.state.as_str(),
            due: day(r.status.due_at),
            until: r.status.certified_until.map(day).unwrap_or_default(),
        })
        .collect();
    let certificates = training
        .certificates
        .into_iter()
        .map(|c| CertificateLine {
            title: c.title,
            score: c.certificate.score,
            issued: day(c.certificate.issued_at),
            expires: day(c.certificate.expires_at),
            valid: c.certificate.expires_at > now,
        })
        .collect();
    (
        required,
        certificates,
        training.mentor.map(mentoring_line),
        training.mentees.into_iter().map(mentoring_line).collect(),
    )
}

/// `GET /training`: the reader's own training, and for those who oversee the overdue list of
/// a project (`?project_id=`, else their first).
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<TrainingQuery>,
) -> Result<Response, UiError> {
    let who = &session.who;
    let html = render(
        &state,
        &session,
        &who.id,
        query.project_id,
        query.done.as_deref(),
    )
    .await?;
    Ok(Html(html).into_response())
}

/// `GET /training/staff/{id}`: someone's training (themselves, their mentor, or those who
/// oversee their projects).
pub async fn person(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<TrainingQuery>,
) -> Result<Response, UiError> {
    let html = render(&state, &session, &id, None, query.done.as_deref()).await?;
    Ok(Html(html).into_response())
}

async fn render(
    state: &AppState,
    session: &Session,
    staff_id: &str,
    project_id: Option<String>,
    done: Option<&str>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let t = text::labels(lang);
    let now = Utc::now();
    let own = staff_id == who.id;
    let training = state
        .store
        .staff_training(who, staff_id, now)
        .await
        .map_err(fail)?;
    let person = (!own).then(|| training.member.staff.name.clone());
    let mentee_projects = training.member.project_ids.clone();
    let current_mentor = training.mentor.as_ref().map(|m| m.mentor_id.clone());
    let (required, certificates, mentor, mentees) = lines(training, lang, now);
    let courses = if own {
        state
            .store
            .training_courses(who)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|c| CourseLine {
                lessons: training_lessons_of(&c).len(),
                id: c.id,
                title: c.title,
                description: c.description.unwrap_or_default(),
            })
            .collect()
    } else {
        vec![]
    };
    let oversees = own && who.role.oversees();
    let (mut projects, mut overdue, mut overdue_total) = (vec![], vec![], 0);
    if oversees {
        let all = state
            .store
            .projects(
                who,
                PageRequest {
                    page: 1,
                    per_page: 200,
                },
            )
            .await
            .map_err(fail)?
            .items;
        let chosen = project_id
            .filter(|p| all.iter().any(|a| &a.id == p))
            .or_else(|| all.first().map(|p| p.id.clone()));
        if let Some(chosen) = &chosen {
            let found = state
                .store
                .training_overdue(
                    who,
                    chosen,
                    PageRequest {
                        page: 1,
                        per_page: OVERDUE_ROWS,
                    },
                    now,
                )
                .await
                .map_err(fail)?;
            overdue_total = found.total;
            overdue = found
                .items
                .into_iter()
                .map(|r| OverdueLine {
                    staff_id: r.staff_id,
                    name: r.staff_name,
                    role: text::role(lang, r.role),
                    title: r.course_title,
                    state: state_label(lang, r.status.state),
                    since: day(r.status.certified_until.unwrap_or(r.status.due_at)),
                })
                .collect();
        }
        projects = all
            .into_iter()
            .map(|p| ProjectChoice {
                current: Some(&p.id) == chosen.as_ref(),
                id: p.id,
                name: p.name,
            })
            .collect();
    }
    let mentor_choices = if !own && who.role.oversees() {
        state
            .store
            .staff_list(
                who,
                PageRequest {
                    page: 1,
                    per_page: 200,
                },
            )
            .await
            .map_err(fail)?
            .items
            .into_iter()
            .filter(|m| {
                m.staff.id != staff_id
                    && m.staff.active
                    && m.project_ids.iter().any(|p| mentee_projects.contains(p))
            })
            .map(|m| Choice {
                selected: Some(&m.staff.id) == current_mentor.as_ref(),
                value: m.staff.id,
                label: m.staff.name,
            })
            .collect()
    } else {
        vec![]
    };
    let done = match done {
        Some("ticked") => Some(t.training_ticked),
        Some("mentor") => Some(t.training_mentor_saved),
        _ => None,
    };
    let title = person
        .clone()
        .unwrap_or_else(|| t.training_title.to_owned());
    let path = if own {
        "/training".to_owned()
    } else {
        format!("/training/staff/{staff_id}")
    };
    let page = TrainingPage {
        chrome: Chrome::signed_in(session, &title, Nav::Training, &path),
        t,
        person,
        required,
        courses,
        certificates,
        mentor,
        mentees,
        oversees,
        projects,
        overdue,
        overdue_total,
        staff_id: staff_id.to_owned(),
        manages: own && who.role.manages(),
        mentor_choices,
        done,
    };
    Ok(page.render()?)
}

pub struct LessonLine {
    pub title: String,
    pub heading: String,
    pub html: String,
    pub missing: bool,
}

#[derive(Template)]
#[template(path = "training_course.html")]
struct CoursePage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    title: String,
    description: String,
    lessons: Vec<LessonLine>,
    pass_mark: i32,
    max_attempts: i32,
    questions: usize,
    notice: Option<Notice>,
}

/// `GET /training/courses/{id}`: the lessons, and the button that starts the exam.
pub async fn course(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let html = render_course(&state, &session, &id, None).await?;
    Ok(Html(html).into_response())
}

async fn render_course(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let t = text::labels(lang);
    let course = state.store.training_course(who, id).await.map_err(fail)?;
    let lessons = state
        .store
        .training_lessons(who, &course)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|l| LessonLine {
            title: l.lesson.title,
            heading: l.heading.unwrap_or_default(),
            missing: l.body.is_none(),
            html: l.body.as_deref().map(markdown::render).unwrap_or_default(),
        })
        .collect();
    let questions =
        guanjia_storage::training_questions_of(&course.questions).map_or(0, |q| q.len());
    let page = CoursePage {
        chrome: Chrome::signed_in(
            session,
            &course.title,
            Nav::Training,
            &format!("/training/courses/{id}"),
        ),
        t,
        id: course.id,
        title: course.title,
        description: course.description.unwrap_or_default(),
        lessons,
        pass_mark: course.pass_mark,
        max_attempts: course.max_attempts,
        questions,
        notice,
    };
    Ok(page.render()?)
}

/// `POST /training/courses/{id}/exam`: starts (or resumes) the reader's exam and goes to it;
/// refused (no attempts left, already certified), the course page says why.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    match state
        .store
        .start_training_attempt(&session.who, &id, Utc::now())
        .await
    {
        Ok(started) => Ok(see_other(
            false,
            &format!("/training/attempts/{}", started.attempt.id),
        )),
        Err(e) => refused(&state, &session, &id, e.into()).await,
    }
}

async fn refused(
    state: &AppState,
    session: &Session,
    course_id: &str,
    error: ApiError,
) -> Result<Response, UiError> {
    if error.code.status().is_client_error() && error.code != ErrorCode::NotFound {
        let notice = Some(Notice::of(&error, session.lang));
        let html = render_course(state, session, course_id, notice).await?;
        Ok((error.code.status(), Html(html)).into_response())
    } else {
        Err(UiError::api(error, session.lang))
    }
}

pub struct QuestionLine {
    pub index: usize,
    pub text: String,
    pub multiple: bool,
    pub options: Vec<String>,
}

#[derive(Template)]
#[template(path = "training_exam.html")]
struct ExamPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    course_id: String,
    course_title: String,
    number: i32,
    pass_mark: i32,
    attempts_left: u32,
    questions: Vec<QuestionLine>,
    notice: Option<Notice>,
}

/// `GET /training/attempts/{id}`: the reader's open exam; its questions without the answers.
pub async fn exam(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let started = state
        .store
        .open_training_attempt(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let html = render_exam(&state, &session, started, None).await?;
    Ok(Html(html).into_response())
}

async fn render_exam(
    state: &AppState,
    session: &Session,
    started: StartedAttempt,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let t = text::labels(session.lang);
    let course = state
        .store
        .training_course(&session.who, &started.attempt.course_id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let a = started.attempt;
    let page = ExamPage {
        chrome: Chrome::signed_in(
            session,
            &course.title,
            Nav::Training,
            &format!("/training/attempts/{}", a.id),
        ),
        t,
        id: a.id,
        course_id: course.id,
        course_title: course.title,
        number: a.number,
        pass_mark: a.pass_mark,
        attempts_left: started.attempts_left,
        questions: started
            .questions
            .into_iter()
            .enumerate()
            .map(|(index, q)| QuestionLine {
                index,
                text: q.text,
                multiple: q.kind == guanjia_domain::training::QuestionKind::Multiple,
                options: q.options,
            })
            .collect(),
        notice,
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "training_result.html")]
struct ResultPage {
    chrome: Chrome,
    t: &'static Labels,
    course_id: String,
    course_title: String,
    score: u32,
    right: u32,
    questions: u32,
    pass_mark: i32,
    passed: bool,
    attempts_left: u32,
    expires: Option<String>,
}

/// `POST /training/attempts/{id}`: the exam form (`q0`, `q1`, … each an option's place; a
/// multiple-choice question repeats its key) graded on the server; the result page.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let now = Utc::now();
    let open = state
        .store
        .open_training_attempt(&session.who, &id, now)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let mut answers: Vec<Vec<usize>> = vec![vec![]; open.questions.len()];
    for (key, value) in pairs {
        let place = key.strip_prefix('q').and_then(|n| n.parse::<usize>().ok());
        if let (Some(place), Ok(option)) = (place, value.parse::<usize>())
            && let Some(answer) = answers.get_mut(place)
        {
            answer.push(option);
        }
    }
    match state
        .store
        .submit_training_attempt(&session.who, &id, answers, now)
        .await
    {
        Ok(result) => Ok(Html(render_result(&state, &session, result).await?).into_response()),
        Err(e) => {
            let error: ApiError = e.into();
            if error.code == ErrorCode::ValidationFailed {
                let notice = Some(Notice::of(&error, lang));
                let html = render_exam(&state, &session, open, notice).await?;
                Ok((error.code.status(), Html(html)).into_response())
            } else {
                Err(UiError::api(error, lang))
            }
        }
    }
}

async fn render_result(
    state: &AppState,
    session: &Session,
    result: SubmittedAttempt,
) -> Result<String, UiError> {
    let t = text::labels(session.lang);
    let course = state
        .store
        .training_course(&session.who, &result.attempt.course_id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let page = ResultPage {
        chrome: Chrome::signed_in(session, &course.title, Nav::Training, "/training"),
        t,
        course_id: course.id,
        course_title: course.title,
        score: result.graded.score,
        right: result.graded.right,
        questions: result.graded.questions,
        pass_mark: result.attempt.pass_mark,
        passed: result.graded.passed,
        attempts_left: result.attempts_left,
        expires: result.certificate.map(|c| day(c.expires_at)),
    };
    Ok(page.render()?)
}

#[derive(Debug, Deserialize)]
pub struct TickForm {
    /// "1" ticks, "0" unticks.
    done: String,
}

/// `POST /training/staff/{id}/checklist/{item}`: the mentor or mentee ticks an item.
pub async fn tick(
    State(state): State<AppState>,
    session: Session,
    Path((id, item)): Path<(String, usize)>,
    Form(form): Form<TickForm>,
) -> Result<Response, UiError> {
    state
        .store
        .tick_mentor_item(&session.who, &id, item, form.done == "1", Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let back = if session.who.id == id || !session.who.role.oversees() {
        "/training?done=ticked".to_owned()
    } else {
        format!("/training/staff/{id}?done=ticked")
    };
    Ok(see_other(false, &back))
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct RequirementLine {
    pub role_code: &'static str,
    pub role: &'static str,
    pub course_id: String,
    pub title: String,
    pub due_days: u32,
}

/// The course form as typed: numbers and the JSON of lessons and questions kept as text, so a
/// refused form comes back as it was.
#[derive(Debug, Clone, Deserialize)]
pub struct CourseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    pass_mark: String,
    #[serde(default)]
    max_attempts: String,
    #[serde(default)]
    certificate_months: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    questions: String,
}

#[derive(Template)]
#[template(path = "training_manage.html")]
struct ManagePage {
    chrome: Chrome,
    t: &'static Labels,
    courses: Vec<CourseLine>,
    /// The course edited; none for a new one.
    editing: Option<String>,
    form: CourseForm,
    requirements: Vec<RequirementLine>,
    roles: Vec<Choice>,
    course_choices: Vec<Choice>,
    done: Option<&'static str>,
    notice: Option<Notice>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ManageQuery {
    course: Option<String>,
    done: Option<String>,
}

/// A new course's form: one lesson of its own text and one question, to show the shape.
fn blank_form() -> CourseForm {
    CourseForm {
        title: String::new(),
        description: String::new(),
        pass_mark: "80".into(),
        max_attempts: "3".into(),
        certificate_months: "12".into(),
        lessons: r#"[
  { "title": "首问负责制", "source": { "kind": "text", "body": "谁接待，谁负责到底。" } }
]"#
        .into(),
        questions: r#"[
  { "kind": "single", "text": "首问负责人会变吗？", "options": ["会", "不会"], "correct": [1] }
]"#
        .into(),
    }
}

/// `GET /training/manage`: courses, the course editor and the requirements per role
/// (managers and admins).
pub async fn manage(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ManageQuery>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let form = match &query.course {
        Some(id) => {
            let c = state
                .store
                .training_course(&session.who, id)
                .await
                .map_err(|e| UiError::api(e, lang))?;
            let pretty =
                |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
            CourseForm {
                title: c.title.clone(),
                description: c.description.clone().unwrap_or_default(),
                pass_mark: c.pass_mark.to_string(),
                max_attempts: c.max_attempts.to_string(),
                certificate_months: c.certificate_months.to_string(),
                lessons: pretty(&c.lessons),
                questions: pretty(&c.questions),
            }
        }
        None => blank_form(),
    };
    let done = match query.done.as_deref() {
        Some("saved") => Some(text::labels(lang).training_saved),
        Some("required") => Some(text::labels(lang).training_requirements_saved),
        _ => None,
    };
    let html = render_manage(&state, &session, query.course, form, done, None).await?;
    Ok(Html(html).into_response())
}

async fn render_manage(
    state: &AppState,
    session: &Session,
    editing: Option<String>,
    form: CourseForm,
    done: Option<&'static str>,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    if !who.role.manages() {
        return Err(UiError::api(ApiError::new(ErrorCode::Forbidden), lang));
    }
    let t = text::labels(lang);
    let all = state.store.training_courses(who).await.map_err(fail)?;
    let titles: std::collections::HashMap<String, String> = all
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let requirements = state
        .store
        .training_requirements(who)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|r| RequirementLine {
            role_code: r.role.as_str(),
            role: text::role(lang, r.role),
            title: titles.get(&r.course_id).cloned().unwrap_or_default(),
            course_id: r.course_id,
            due_days: r.due_days,
        })
        .collect();
    let page = ManagePage {
        chrome: Chrome::signed_in(
            session,
            t.training_manage,
            Nav::Training,
            "/training/manage",
        ),
        t,
        course_choices: all
            .iter()
            .map(|c| Choice {
                value: c.id.clone(),
                label: c.title.clone(),
                selected: false,
            })
            .collect(),
        courses: all
            .into_iter()
            .map(|c| CourseLine {
                lessons: training_lessons_of(&c).len(),
                id: c.id,
                title: c.title,
                description: c.description.unwrap_or_default(),
            })
            .collect(),
        editing,
        form,
        requirements,
        roles: guanjia_domain::role::Role::STAFF
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: text::role(lang, *r).to_owned(),
                selected: *r == guanjia_domain::role::Role::Agent,
            })
            .collect(),
        done,
        notice,
    };
    Ok(page.render()?)
}

/// The form as a course: a number or JSON that does not read is refused by its field.
fn course_of(form: &CourseForm) -> Result<guanjia_domain::training::Course, ApiError> {
    use guanjia_domain::validation::{FieldErrorCode, Problems};
    let mut p = Problems::new();
    let mut number = |field: &str, value: &str| {
        value.trim().parse::<u32>().unwrap_or_else(|_| {
            p.add(field, FieldErrorCode::Invalid);
            0
        })
    };
    let pass_mark = number("pass_mark", &form.pass_mark);
    let max_attempts = number("max_attempts", &form.max_attempts);
    let certificate_months = number("certificate_months", &form.certificate_months);
    let lessons = serde_json::from_str(&form.lessons).unwrap_or_else(|_| {
        p.add("lessons", FieldErrorCode::Invalid);
        vec![]
    });
    let questions = serde_json::from_str(&form.questions).unwrap_or_else(|_| {
        p.add("questions", FieldErrorCode::Invalid);
        vec![]
    });
    p.into_result(())?;
    Ok(guanjia_domain::training::Course {
        title: form.title.clone(),
        description: Some(form.description.clone()),
        lessons,
        questions,
        pass_mark,
        max_attempts,
        certificate_months,
    }
    .validate()?)
}

/// `POST /training/manage/courses` (new) and `/training/manage/courses/{id}` (edit).
pub async fn save_course(
    State(state): State<AppState>,
    session: Session,
    id: Option<Path<String>>,
    Form(form): Form<CourseForm>,
) -> Result<Response, UiError> {
    let editing = id.map(|Path(id)| id);
    let outcome = async {
        let course = course_of(&form)?;
        let now = Utc::now();
        let saved = match &editing {
            Some(id) => {
                state
                    .store
                    .update_training_course(&session.who, id, course, now)
                    .await?
            }
            None => {
                state
                    .store
                    .create_training_course(&session.who, course, now)
                    .await?
            }
        };
        Ok::<_, ApiError>(saved.id)
    }
    .await;
    match outcome {
        Ok(id) => Ok(see_other(
            false,
            &format!("/training/manage?course={id}&done=saved"),
        )),
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            let notice = Some(Notice::of(&error, session.lang));
            let html = render_manage(&state, &session, editing, form, None, notice).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
        Err(error) => Err(UiError::api(error, session.lang)),
    }
}

#[derive(Debug, Deserialize)]
pub struct RequirementForm {
    role: String,
    course_id: String,
    #[serde(default)]
    due_days: String,
    /// "add" or "remove".
    change: String,
}

/// `POST /training/manage/requirements`: adds (or changes the days of) one requirement, or
/// removes one; the whole set is saved as the API saves it.
pub async fn save_requirement(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<RequirementForm>,
) -> Result<Response, UiError> {
    use guanjia_domain::training::{Requirement, check_requirements};
    use guanjia_domain::validation::{FieldErrorCode, ValidationError};
    let lang = session.lang;
    let outcome = async {
        let who = &session.who;
        let role = form
            .role
            .parse()
            .map_err(|_| ValidationError::single("role", FieldErrorCode::Invalid))?;
        let mut list: Vec<Requirement> = state
            .store
            .training_requirements(who)
            .await?
            .into_iter()
            .filter(|r| !(r.role == role && r.course_id == form.course_id))
            .collect();
        if form.change == "add" {
            let due_days = form
                .due_days
                .trim()
                .parse()
                .map_err(|_| ValidationError::single("due_days", FieldErrorCode::Invalid))?;
            list.push(Requirement {
                role,
                course_id: form.course_id.clone(),
                due_days,
            });
        }
        let list = check_requirements(list)?;
        state
            .store
            .set_training_requirements(who, list, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(false, "/training/manage?done=required")),
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            let notice = Some(Notice::of(&error, lang));
            let html = render_manage(&state, &session, None, blank_form(), None, notice).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
        Err(error) => Err(UiError::api(error, lang)),
    }
}

#[derive(Debug, Deserialize)]
pub struct MentorForm {
    mentor_id: String,
    /// One item a line: the day after starting, then its title (`3 熟悉小区楼栋`).
    #[serde(default)]
    checklist: String,
}

/// `POST /training/staff/{id}/mentor`: gives the person a mentor and a checklist (those who
/// oversee them).
pub async fn set_mentor(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MentorForm>,
) -> Result<Response, UiError> {
    use guanjia_domain::training::{ChecklistItem, check_checklist};
    let lang = session.lang;
    let outcome = async {
        let items = form
            .checklist
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (day, title) = line.split_once(char::is_whitespace).unwrap_or(("", line));
                ChecklistItem {
                    due_day: day.trim().parse().unwrap_or(0),
                    title: title.trim().to_owned(),
                    done: false,
                }
            })
            .collect();
        let checklist = check_checklist(items)?;
        state
            .store
            .set_mentor(&session.who, &id, &form.mentor_id, checklist, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(
            false,
            &format!("/training/staff/{id}?done=mentor"),
        )),
        Err(error) => Err(UiError::api(error, lang)),
    }
}
