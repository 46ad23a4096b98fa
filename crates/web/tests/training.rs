//! Training (培训) end to end: a course built from a knowledge-base article, a script and its
//! own text; an exam that never shows the answers, graded on the server with retries and a
//! certificate that expires; required courses per role and who is overdue; a mentor and the
//! checklist of a new staff member's first weeks; other projects see nothing; all audited.

mod common;

use chrono::{DateTime, Duration, Months, Utc};
use common::{Server, Site, staff};
use guanjia_storage::entity::{audit_entry, staff as staff_row, training_certificate};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

on_both_databases!(
    a_course_from_an_article_and_a_script_examines_retries_and_certifies,
    overdue_lists_the_late_and_the_expired_and_mentors_keep_a_checklist,
);

const RIGHT: &str = "[[0], [0, 1], [1]]";
const WRONG: &str = "[[0], [0], [0]]";

async fn database(server: &Server) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(&server.url).await.unwrap()
}

/// A staff member of the project: (id, token).
async fn member(server: &Server, project_id: &str, username: &str, role: &str) -> (String, String) {
    let body = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(username, role, project_id),
            StatusCode::CREATED,
        )
        .await;
    (
        body["id"].as_str().unwrap().to_owned(),
        server.login(username).await,
    )
}

/// A published article and a script: (article id, script id).
async fn sources(server: &Server) -> (String, String) {
    let article = server
        .ok(
            &server.admin,
            "/api/v1/kb/articles",
            json!({ "title": "物业费缴纳方式", "body": "物业费可在APP、微信或前台缴纳。" }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .ok(
            &server.admin,
            &format!("/api/v1/kb/articles/{article}/publish"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let script = server
        .ok(
            &server.admin,
            "/api/v1/kb/scripts",
            json!({ "title": "致歉", "situation": "greeting", "body": "{称呼}您好，给您带来不便深表歉意。" }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (article, script)
}

fn course(article: &str, script: &str) -> Value {
    json!({
        "title": "客服上岗培训",
        "description": "新客服必修",
        "lessons": [
            { "title": "缴费", "source": { "kind": "article", "article_id": article } },
            { "title": "致歉话术", "source": { "kind": "script", "script_id": script } },
            { "title": "首问负责", "source": { "kind": "text", "body": "谁接待，谁负责到底。" } },
        ],
        "questions": [
            { "kind": "single", "text": "投诉多久闭环？", "options": ["24小时", "一周"], "correct": [0] },
            { "kind": "multiple", "text": "哪些是受理渠道？", "options": ["电话", "微信", "传真"], "correct": [0, 1] },
            { "kind": "single", "text": "首问负责人会变吗？", "options": ["会", "不会"], "correct": [1] },
        ],
        "pass_mark": 80,
        "max_attempts": 3,
        "certificate_months": 12,
    })
}

async fn new_course(server: &Server, token: &str) -> String {
    let (article, script) = sources(server).await;
    server
        .ok(
            token,
            "/api/v1/training/courses",
            course(&article, &script),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn start(server: &Server, token: &str, course_id: &str) -> (StatusCode, Value) {
    server
        .post(
            Some(token),
            &format!("/api/v1/training/courses/{course_id}/attempts"),
            json!({}),
        )
        .await
}

async fn answer(
    server: &Server,
    token: &str,
    attempt: &Value,
    answers: &str,
) -> (StatusCode, Value) {
    let answers: Value = serde_json::from_str(answers).unwrap();
    server
        .post(
            Some(token),
            &format!(
                "/api/v1/training/attempts/{}/answers",
                attempt["id"].as_str().unwrap()
            ),
            json!({ "answers": answers }),
        )
        .await
}

/// Starts an attempt and answers it; the result.
async fn take(server: &Server, token: &str, course_id: &str, answers: &str) -> Value {
    let (status, attempt) = start(server, token, course_id).await;
    assert_eq!(status, StatusCode::CREATED, "{attempt}");
    let (status, result) = answer(server, token, &attempt, answers).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    result
}

async fn ok_put(server: &Server, token: &str, path: &str, body: Value) -> Value {
    let (status, response) = server.put(token, path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "PUT {path} {body} → {response}");
    response
}

fn at(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

async fn actions(server: &Server, entity: &str, id: &str) -> Vec<String> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::EntityId.eq(id))
        .order_by_asc(audit_entry::Column::CreatedAt)
        .all(&database(server).await)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn a_course_from_an_article_and_a_script_examines_retries_and_certifies(server: Server) {
    let site = server.site("tra").await;
    let elsewhere = server.site("trb").await;
    let (_, manager) = member(&server, &site.project_id, "tra-mgr", "manager").await;
    let (_, stranger) = member(&server, &elsewhere.project_id, "trb-mgr", "manager").await;
    let (article, script) = sources(&server).await;

    // Bad courses are refused by field and change nothing; agents do not write courses.
    let mut bad = course(&article, &script);
    bad["pass_mark"] = json!(0);
    bad["questions"][1]["correct"] = json!([]);
    bad["lessons"][0]["source"]["article_id"] = json!("no-such-article");
    let (status, body) = server
        .post(Some(&manager), "/api/v1/training/courses", bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(fields["pass_mark"], "out_of_range", "{body}");
    assert_eq!(fields["questions[1].correct"], "required", "{body}");
    let mut unknown = course(&article, &script);
    unknown["lessons"][1]["source"]["script_id"] = json!("no-such-script");
    let (status, body) = server
        .post(Some(&manager), "/api/v1/training/courses", unknown)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["lessons[1].source.script_id"],
        "unknown_reference"
    );
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/training/courses",
            course(&article, &script),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, listed) = server.get(Some(&manager), "/api/v1/training/courses").await;
    assert_eq!(listed["total"], 0, "{listed}");

    let created = server
        .ok(
            &manager,
            "/api/v1/training/courses",
            course(&article, &script),
            StatusCode::CREATED,
        )
        .await;
    let course_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["questions"][1]["correct"], json!([0, 1]));

    // The agent reads the lessons (the article's published text, the script's) but not the bank.
    let (status, read) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/training/courses/{course_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        read["lessons"][0]["body"],
        "物业费可在APP、微信或前台缴纳。"
    );
    assert_eq!(read["lessons"][1]["heading"], "致歉");
    assert_eq!(read["lessons"][2]["body"], "谁接待，谁负责到底。");
    assert!(read.get("questions").is_none(), "{read}");
    assert_eq!(
        (
            read["questions"].clone(),
            read["lessons"].as_array().unwrap().len()
        ),
        (Value::Null, 3)
    );

    // Starting never reveals the answers.
    let (status, attempt) = start(&server, &site.agent, &course_id).await;
    assert_eq!(status, StatusCode::CREATED, "{attempt}");
    assert!(!attempt.to_string().contains("correct"), "{attempt}");
    assert_eq!(attempt["questions"].as_array().unwrap().len(), 3);
    assert_eq!(
        attempt["questions"][1]["options"],
        json!(["电话", "微信", "传真"])
    );
    assert_eq!(attempt["attempts_left"], 2);
    // Answers that do not fit are refused by field and grade nothing.
    let (status, body) = answer(&server, &site.agent, &attempt, "[[0]]").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["answers"], "mismatch");
    let (status, body) = answer(&server, &site.agent, &attempt, "[[5], [0], [0, 1]]").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["answers[0]"],
        "unknown_reference"
    );
    assert_eq!(body["error"]["details"]["fields"]["answers[2]"], "mismatch");
    // Someone else cannot answer it.
    let (status, _) = answer(&server, &manager, &attempt, RIGHT).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A wrong submission: one of three right (the multiple-choice half-answer is wrong).
    let (status, failed) = answer(&server, &site.agent, &attempt, WRONG).await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert_eq!(
        (
            failed["score"].clone(),
            failed["right"].clone(),
            failed["passed"].clone(),
            failed["attempts_left"].clone(),
            failed["certificate"].clone()
        ),
        (json!(33), json!(1), json!(false), json!(2), Value::Null)
    );
    let (status, body) = answer(&server, &site.agent, &attempt, RIGHT).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "attempt_submitted");

    // A right one passes and certifies for the course's 12 months.
    let passed = take(&server, &site.agent, &course_id, RIGHT).await;
    assert_eq!(
        (passed["score"].clone(), passed["passed"].clone()),
        (json!(100), json!(true))
    );
    let certificate = &passed["certificate"];
    assert_eq!(certificate["course_title"], "客服上岗培训");
    assert_eq!(
        at(&certificate["expires_at"]),
        at(&certificate["issued_at"])
            .checked_add_months(Months::new(12))
            .unwrap()
    );
    let (status, body) = start(&server, &site.agent, &course_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "already_certified");

    // Attempts beyond the most are refused with a stable code.
    let (_, colleague) = member(&server, &site.project_id, "tra-agent2", "agent").await;
    for left in [2, 1, 0] {
        let result = take(&server, &colleague, &course_id, WRONG).await;
        assert_eq!(result["attempts_left"], left, "{result}");
    }
    let (status, body) = start(&server, &colleague, &course_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "no_attempts_left");

    // The agent's own training: attempts and the certificate with its expiry.
    let path = format!("/api/v1/staff/{}/training", site.agent_id);
    let (status, mine) = server.get(Some(&site.agent), &path).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(mine["attempts"][0]["passed"], true);
    assert_eq!(
        mine["certificates"][0]["expires_at"],
        certificate["expires_at"]
    );
    // A colleague does not see it; another project's manager gets 404.
    let (status, _) = server.get(Some(&colleague), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.get(Some(&stranger), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .get(
            Some(&stranger),
            &format!("/api/v1/training/overdue?project_id={}", site.project_id),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.get(Some(&manager), &path).await;
    assert_eq!(status, StatusCode::OK);

    // A course someone was examined on is in use.
    let (status, body) = server
        .delete(&manager, &format!("/api/v1/training/courses/{course_id}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "in_use");

    // Every change is in the audit trail.
    assert_eq!(
        actions(&server, "training_course", &course_id).await,
        ["create"]
    );
    let attempt_id = attempt["id"].as_str().unwrap();
    assert_eq!(
        actions(&server, "training_attempt", attempt_id).await,
        ["start", "submit"]
    );
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    for (path, method) in [
        ("/api/v1/training/courses", "post"),
        ("/api/v1/training/courses/{id}/attempts", "post"),
        ("/api/v1/training/attempts/{id}/answers", "post"),
        ("/api/v1/staff/{id}/training", "get"),
        ("/api/v1/training/overdue", "get"),
        ("/api/v1/staff/{id}/mentor", "put"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
}

/// Moves a staff member's start `days` back.
async fn started_days_ago(server: &Server, id: &str, days: i64) {
    staff_row::Entity::update_many()
        .col_expr(
            staff_row::Column::CreatedAt,
            Expr::value(Utc::now() - Duration::days(days)),
        )
        .filter(staff_row::Column::Id.eq(id))
        .exec(&database(server).await)
        .await
        .unwrap();
}

async fn overdue(server: &Server, token: &str, site: &Site) -> (StatusCode, Value) {
    server
        .get(
            Some(token),
            &format!("/api/v1/training/overdue?project_id={}", site.project_id),
        )
        .await
}

async fn overdue_lists_the_late_and_the_expired_and_mentors_keep_a_checklist(server: Server) {
    let site = server.site("trc").await;
    let elsewhere = server.site("trd").await;
    let (_, supervisor) = member(&server, &site.project_id, "trc-sup", "supervisor").await;
    let (_, stranger) = member(&server, &elsewhere.project_id, "trd-mgr", "manager").await;
    let course_id = new_course(&server, &server.admin).await;

    // Requirements: bad ones are refused by field; agents must pass within 14 days.
    let (status, body) = server
        .put(
            &server.admin,
            "/api/v1/training/requirements",
            json!({ "requirements": [
                { "role": "resident", "course_id": course_id, "due_days": 14 },
                { "role": "agent", "course_id": "no-such-course", "due_days": 0 },
            ] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["requirements[0].role"],
        "invalid"
    );
    assert_eq!(
        body["error"]["details"]["fields"]["requirements[1].due_days"],
        "out_of_range"
    );
    let (status, body) = server
        .put(
            &server.admin,
            "/api/v1/training/requirements",
            json!({ "requirements": [{ "role": "agent", "course_id": "no-such-course", "due_days": 14 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["requirements[0].course_id"],
        "unknown_reference"
    );
    let (status, _) = server
        .put(
            &supervisor,
            "/api/v1/training/requirements",
            json!({ "requirements": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let set = ok_put(
        &server,
        &server.admin,
        "/api/v1/training/requirements",
        json!({ "requirements": [{ "role": "agent", "course_id": course_id, "due_days": 14 }] }),
    )
    .await;
    assert_eq!(set["requirements"][0]["due_days"], 14);

    // Four agents: late (started 20 days ago, never passed), expired (passed, certificate now
    // expired), certified (started 20 days ago, passed) and the site's agent (started today).
    let (late, late_token) = member(&server, &site.project_id, "trc-late", "agent").await;
    let (expired, expired_token) = member(&server, &site.project_id, "trc-expired", "agent").await;
    let (certified, certified_token) = member(&server, &site.project_id, "trc-ok", "agent").await;
    take(&server, &expired_token, &course_id, RIGHT).await;
    take(&server, &certified_token, &course_id, RIGHT).await;
    take(&server, &late_token, &course_id, WRONG).await;
    for id in [&late, &expired, &certified] {
        started_days_ago(&server, id, 20).await;
    }
    training_certificate::Entity::update_many()
        .col_expr(
            training_certificate::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::days(1)),
        )
        .filter(training_certificate::Column::StaffId.eq(expired.as_str()))
        .exec(&database(&server).await)
        .await
        .unwrap();

    let (status, list) = overdue(&server, &supervisor, &site).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let rows: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["staff_id"].as_str().unwrap().to_owned(),
                r["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (late.clone(), "overdue".to_owned()),
            (expired.clone(), "expired".to_owned())
        ],
        "{list}"
    );
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["title"], "客服上岗培训");
    let (status, _) = overdue(&server, &site.agent, &site).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .get(Some(&supervisor), "/api/v1/training/overdue")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["project_id"], "required");
    // The expired one may renew by passing again.
    let renewed = take(&server, &expired_token, &course_id, RIGHT).await;
    assert_eq!(renewed["passed"], true);
    let (_, list) = overdue(&server, &supervisor, &site).await;
    assert_eq!(list["total"], 1, "{list}");

    // Their own page: the required course, overdue.
    let (_, mine) = server
        .get(Some(&late_token), &format!("/api/v1/staff/{late}/training"))
        .await;
    assert_eq!(mine["required"][0]["state"], "overdue", "{mine}");
    assert_eq!(mine["required"][0]["course_id"], course_id.as_str());

    // A mentor for the late agent with the checklist of their first weeks.
    let mentor_path = format!("/api/v1/staff/{late}/mentor");
    let checklist = json!([
        { "title": "独立接听热线", "due_day": 14 },
        { "title": "熟悉小区楼栋", "due_day": 3 },
    ]);
    let (status, body) = server
        .put(
            &supervisor,
            &mentor_path,
            json!({ "mentor_id": certified, "checklist": [{ "title": " ", "due_day": 0 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["checklist[0].title"],
        "required"
    );
    assert_eq!(
        body["error"]["details"]["fields"]["checklist[0].due_day"],
        "out_of_range"
    );
    let (status, body) = server
        .put(
            &supervisor,
            &mentor_path,
            json!({ "mentor_id": late, "checklist": checklist }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["mentor_id"],
        "unknown_reference"
    );
    let (status, _) = server
        .put(
            &stranger,
            &mentor_path,
            json!({ "mentor_id": certified, "checklist": checklist }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .put(
            &late_token,
            &mentor_path,
            json!({ "mentor_id": certified, "checklist": checklist }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mentoring = ok_put(
        &server,
        &supervisor,
        &mentor_path,
        json!({ "mentor_id": certified, "checklist": checklist }),
    )
    .await;
    assert_eq!(mentoring["mentor_id"], certified.as_str());
    assert_eq!(mentoring["checklist"][0]["title"], "熟悉小区楼栋");
    assert_eq!(
        at(&mentoring["checklist"][0]["due_at"]) - at(&mentoring["started_at"]),
        Duration::days(3)
    );

    // The mentee and the mentor tick; nobody else does.
    let tick = |item: usize| format!("{mentor_path}/checklist/{item}");
    let ticked = ok_put(&server, &late_token, &tick(0), json!({ "done": true })).await;
    assert_eq!(ticked["checklist"][0]["done"], true);
    let ticked = ok_put(&server, &certified_token, &tick(1), json!({ "done": true })).await;
    assert_eq!(
        (
            ticked["checklist"][0]["done"].clone(),
            ticked["checklist"][1]["done"].clone()
        ),
        (json!(true), json!(true))
    );
    let (status, _) = server
        .put(&supervisor, &tick(0), json!({ "done": false }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .put(&site.agent, &tick(0), json!({ "done": false }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .put(&late_token, &tick(9), json!({ "done": true }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["item"],
        "unknown_reference"
    );
    // The mentor sees the mentee's training and the mentee among theirs.
    let (status, theirs) = server
        .get(
            Some(&certified_token),
            &format!("/api/v1/staff/{late}/training"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["mentor"]["mentor_id"], certified.as_str());
    let (_, own) = server
        .get(
            Some(&certified_token),
            &format!("/api/v1/staff/{certified}/training"),
        )
        .await;
    assert_eq!(own["mentees"][0]["staff_id"], late.as_str());
    assert_eq!(own["required"][0]["state"], "certified");

    assert_eq!(
        actions(&server, "training_mentor", &late).await,
        ["set", "tick", "tick"]
    );
    let company_trail = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("training_requirements"))
        .all(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(company_trail.len(), 1);
}
