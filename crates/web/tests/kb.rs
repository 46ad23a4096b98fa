//! The knowledge base over the API, on SQLite and PostgreSQL: articles written as drafts,
//! published with history, read by the desk within its projects, searched with highlights.

mod common;

use common::{Server, staff};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    drafts_publish_with_history_and_audit,
    the_desk_reads_published_articles_of_its_projects_only,
    search_ranks_published_articles_and_marks_the_matches,
    bad_input_names_the_field,
    lists_page_by_keyset_newest_first,
    the_owner_is_reminded_once_when_review_by_comes,
    a_sheet_imports_all_or_nothing_and_exports_back,
    archived_articles_leave_search_and_come_back_restored,
    a_projects_own_article_outranks_the_company_wide_one
);

async fn create(server: &Server, body: Value) -> String {
    let created = server
        .ok(
            &server.admin,
            "/api/v1/kb/articles",
            body,
            StatusCode::CREATED,
        )
        .await;
    created["id"].as_str().unwrap().to_owned()
}

async fn publish(server: &Server, id: &str) -> Value {
    server
        .ok(
            &server.admin,
            &format!("/api/v1/kb/articles/{id}/publish"),
            json!({}),
            StatusCode::OK,
        )
        .await
}

async fn trail(server: &Server, id: &str) -> Vec<String> {
    let admin = server
        .store
        .authenticate(&server.admin, chrono::Utc::now())
        .await
        .unwrap();
    server
        .store
        .audit_trail(&admin, "kb_article", id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn drafts_publish_with_history_and_audit(server: Server) {
    let site = server.site("kb1").await;
    let id = create(
        &server,
        json!({ "title": "物业费怎么交", "body": "物业费可在物业服务中心缴纳。", "category": "repair.water",
                "questions": ["物业费在哪交"], "tags": ["缴费"], "review_by": "2027-01-31" }),
    )
    .await;
    let (status, got) = server
        .get(Some(&server.admin), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(
        (&got["state"], &got["latest_version"], &got["review_by"]),
        (&json!("draft"), &json!(1), &json!("2027-01-31"))
    );
    assert_eq!(got["version"]["questions"], json!(["物业费在哪交"]));
    // A draft is not the desk's to read.
    let (status, _) = server
        .get(Some(&site.agent), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let published = publish(&server, &id).await;
    assert_eq!(
        (&published["state"], &published["published_version"]),
        (&json!("published"), &json!(1))
    );
    // A new draft: writers read it, the desk keeps reading the published version.
    let (status, saved) = server
        .put(
            &server.admin,
            &format!("/api/v1/kb/articles/{id}"),
            json!({ "title": "物业费如何缴纳", "body": "物业费可在线上缴纳。" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (&saved["latest_version"], &saved["published_version"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(
        saved["title"], "物业费怎么交",
        "lists show the published version"
    );
    let (_, read) = server
        .get(Some(&site.agent), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(read["version"]["title"], "物业费怎么交");
    publish(&server, &id).await;
    let (_, read) = server
        .get(Some(&site.agent), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(
        (&read["version"]["title"], &read["title"]),
        (&json!("物业费如何缴纳"), &json!("物业费如何缴纳"))
    );
    // Publishing again changes nothing.
    publish(&server, &id).await;
    let (status, versions) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/kb/articles/{id}/versions"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<&Value> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["version"])
        .collect();
    assert_eq!(numbers, [&json!(2), &json!(1)]);
    assert_eq!(versions[1]["title"], "物业费怎么交");
    let (status, _) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/kb/articles/{id}/versions"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        trail(&server, &id).await,
        ["create", "publish", "update", "publish"]
    );
}

async fn the_desk_reads_published_articles_of_its_projects_only(server: Server) {
    let ours = server.site("kb2a").await;
    let theirs = server.site("kb2b").await;
    let everywhere = create(
        &server,
        json!({ "title": "办公时间", "body": "物业服务中心每天8:30至17:30办公。" }),
    )
    .await;
    let own = create(
        &server,
        json!({ "title": "办公时间", "body": "本小区服务中心每天9:00至18:00办公。", "project_ids": [ours.project_id] }),
    )
    .await;
    let other = create(
        &server,
        json!({ "title": "办公时间", "body": "服务中心周末休息。", "project_ids": [theirs.project_id] }),
    )
    .await;
    for id in [&everywhere, &own, &other] {
        publish(&server, id).await;
    }
    let (status, list) = server.get(Some(&ours.agent), "/api/v1/kb/articles").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![everywhere.as_str(), own.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let (status, _) = server
        .get(Some(&ours.agent), &format!("/api/v1/kb/articles/{other}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, found) = server
        .get(Some(&ours.agent), "/api/v1/kb/articles?q=办公时间")
        .await;
    let found: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!found.contains(&other.as_str()), "{found:?}");
    assert_eq!(found.len(), 2);
    // The desk does not write, and a project of another company is unknown.
    let (status, _) = server
        .post(
            Some(&ours.agent),
            "/api/v1/kb/articles",
            json!({ "title": "t", "body": "b" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .put(
            &ours.agent,
            &format!("/api/v1/kb/articles/{own}"),
            json!({ "title": "t", "body": "b" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A manager of one project writes for it, not for the whole company.
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff("kb2-manager", "manager", &ours.project_id),
            StatusCode::CREATED,
        )
        .await;
    let manager = server.login("kb2-manager").await;
    let (status, body) = server
        .post(
            Some(&manager),
            "/api/v1/kb/articles",
            json!({ "title": "t", "body": "b" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["project_ids"],
        "required"
    );
    let (status, body) = server
        .post(
            Some(&manager),
            "/api/v1/kb/articles",
            json!({ "title": "t", "body": "b", "project_ids": [theirs.project_id] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["project_ids"],
        "unknown_reference"
    );
}

async fn search_ranks_published_articles_and_marks_the_matches(server: Server) {
    let site = server.site("kb3").await;
    let fee = create(
        &server,
        json!({ "title": "物业费怎么交", "body": "小区简介。物业费可在物业服务中心缴纳，也可在微信公众号缴纳。",
                "questions": ["管理费在哪里交"], "category": "repair.water" }),
    )
    .await;
    let card = create(
        &server,
        json!({ "title": "门禁卡丢了怎么补办", "body": "携带身份证到物业服务中心补办门禁卡，工本费20元。" }),
    )
    .await;
    let parking = create(
        &server,
        json!({ "title": "停车月卡怎么办理", "body": "月卡在停车场岗亭办理。" }),
    )
    .await;
    publish(&server, &fee).await;
    publish(&server, &card).await;
    // Search finds what is published: the index follows each publication.
    let (status, found) = server
        .get(Some(&site.agent), "/api/v1/kb/articles?q=物业费在哪交")
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let first = &found["items"][0];
    assert_eq!(first["id"], json!(fee), "{found}");
    let snippet = first["snippet"].as_str().unwrap();
    let marks = first["highlights"].as_array().unwrap();
    assert!(!marks.is_empty(), "{first}");
    let chars: Vec<char> = snippet.chars().collect();
    let marked: Vec<String> = marks
        .iter()
        .map(|m| {
            let (from, to) = (m[0].as_u64().unwrap(), m[1].as_u64().unwrap());
            chars[from as usize..to as usize].iter().collect()
        })
        .collect();
    assert!(marked.iter().any(|m| m.contains("物业费")), "{marked:?}");
    let (_, none) = server
        .get(Some(&site.agent), "/api/v1/kb/articles?q=停车月卡")
        .await;
    assert!(
        none["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != json!(parking)),
        "a draft is not searched: {none}"
    );
    publish(&server, &parking).await;
    let (_, now) = server
        .get(Some(&site.agent), "/api/v1/kb/articles?q=停车月卡")
        .await;
    assert_eq!(now["items"][0]["id"], json!(parking), "{now}");
    // Filters: a category narrows the results.
    let (_, narrowed) = server
        .get(
            Some(&site.agent),
            "/api/v1/kb/articles?q=物业服务中心&category=repair.water",
        )
        .await;
    let ids: Vec<&Value> = narrowed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [&json!(fee)]);
    // A second store on the same database (another node) sees the same index version.
    let node = guanjia_storage::Store::connect(&server.url).await.unwrap();
    let admin = server
        .store
        .authenticate(&server.admin, chrono::Utc::now())
        .await
        .unwrap();
    let hits = node
        .search_kb_articles(&admin, "门禁卡补办", Default::default(), 3)
        .await
        .unwrap();
    assert_eq!(hits[0].article.id, card);
}

async fn bad_input_names_the_field(server: Server) {
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/kb/articles",
            json!({ "title": "", "body": "字".repeat(20_001), "category": "no.such", "project_ids": ["nope"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(fields["title"], "required", "{body}");
    assert_eq!(fields["body"], "too_long");
    assert_eq!(fields["category"], "unknown_reference");
    assert_eq!(fields["project_ids"], "unknown_reference");
    let (status, body) = server
        .get(Some(&server.admin), "/api/v1/kb/articles?state=gone")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["state"], "invalid");
    let (status, _) = server
        .get(Some(&server.admin), "/api/v1/kb/articles/nope")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/kb/articles/nope/publish",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn lists_page_by_keyset_newest_first(server: Server) {
    let mut ids = vec![];
    for i in 0..5 {
        ids.push(
            create(
                &server,
                json!({ "title": format!("问题{i}"), "body": "答案" }),
            )
            .await,
        );
    }
    publish(&server, &ids[1]).await;
    ids.reverse();
    let mut seen = vec![];
    let mut path = "/api/v1/kb/articles?per_page=2".to_owned();
    loop {
        let (status, page) = server.get(Some(&server.admin), &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 5);
        for a in page["items"].as_array().unwrap() {
            seen.push(a["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/kb/articles?per_page=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    let (_, drafts) = server
        .get(Some(&server.admin), "/api/v1/kb/articles?state=draft")
        .await;
    assert_eq!(drafts["total"], 4);
}

async fn reviews_due(server: &Server) -> Vec<Value> {
    let (status, page) = server
        .get(Some(&server.admin), "/api/v1/me/notifications?per_page=200")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "article_review")
        .cloned()
        .collect()
}

async fn the_owner_is_reminded_once_when_review_by_comes(server: Server) {
    let due = create(
        &server,
        json!({ "title": "垃圾分类投放时间", "body": "每天7:00至9:00、18:00至20:00定时投放。", "review_by": "2026-01-01" }),
    )
    .await;
    create(
        &server,
        json!({ "title": "装修须知", "body": "装修前到服务中心登记。", "review_by": "2099-01-01" }),
    )
    .await;
    // Two nodes at once: one of them writes the reminder.
    let node = guanjia_storage::Store::connect(&server.url).await.unwrap();
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        server.store.remind_kb_reviews(now),
        node.remind_kb_reviews(now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(server.store.remind_kb_reviews(now).await.unwrap(), 0);
    let reminders = reviews_due(&server).await;
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0]["details"]["article_id"], json!(due));
    let message = reminders[0]["message"].as_str().unwrap();
    assert!(message.contains("垃圾分类投放时间"), "{message}");
    // A new date, come as well, reminds again.
    let (status, _) = server
        .put(
            &server.admin,
            &format!("/api/v1/kb/articles/{due}"),
            json!({ "title": "垃圾分类投放时间", "body": "每天定时投放。", "review_by": "2026-06-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.store.remind_kb_reviews(now).await.unwrap(), 1);
    assert_eq!(reviews_due(&server).await.len(), 2);
}

fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(server: &Server, bytes: Vec<u8>) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/api/v1/kb/articles/import"))
        .bearer_auth(&server.admin)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_sheet_imports_all_or_nothing_and_exports_back(server: Server) {
    let site = server.site("kb5").await;
    let bad = workbook(&[
        &["问题", "答案", "适用项目", "分类"],
        &["物业费怎么交", "在服务中心交。", "kb5", ""],
        &["", "没有标题", "无此项目", ""],
    ]);
    let (status, body) = upload(&server, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems: Vec<(Value, Value, Value)> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].clone(), p["field"].clone(), p["code"].clone()))
        .collect();
    assert_eq!(
        problems,
        [
            (json!(3), json!("project_ids"), json!("unknown_reference")),
            (json!(3), json!("title"), json!("required")),
        ]
    );
    let (_, list) = server.get(Some(&server.admin), "/api/v1/kb/articles").await;
    assert_eq!(list["total"], 0, "nothing taken in");
    let good = workbook(&[
        &["问题", "答案", "适用项目", "分类", "其他问法"],
        &[
            "物业费怎么交",
            "在服务中心交。",
            "kb5",
            "给排水",
            "管理费在哪交\n物业费在哪交",
        ],
        &["办公时间", "每天8:30至17:30。", "", "", ""],
    ]);
    let (status, body) = upload(&server, good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = body["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let (_, first) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/kb/articles/{}", ids[0].as_str().unwrap()),
        )
        .await;
    assert_eq!(first["version"]["project_ids"], json!([site.project_id]));
    assert_eq!(first["category"], "repair.water");
    assert_eq!(
        first["version"]["questions"],
        json!(["管理费在哪交", "物业费在哪交"])
    );
    let response = server
        .client
        .get(server.url("/api/v1/kb/articles?format=xlsx"))
        .bearer_auth(&server.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        (cell(0, 0), cell(0, 1), cell(0, 3)),
        ("标题".into(), "内容".into(), "适用项目".into())
    );
    // Newest first: the second row of the file is the first of the export.
    assert_eq!(
        (cell(1, 0), cell(2, 0), cell(2, 3)),
        ("办公时间".into(), "物业费怎么交".into(), "kb5".into())
    );
    // The export imports again.
    let (status, again) = upload(&server, bytes).await;
    assert_eq!(status, StatusCode::OK, "{again}");
}

async fn search_ids(server: &Server, who: &str, query: &str) -> Vec<String> {
    let (status, found) = server
        .get(Some(who), &format!("/api/v1/kb/articles?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn archived_articles_leave_search_and_come_back_restored(server: Server) {
    let site = server.site("kb8").await;
    let id = create(
        &server,
        json!({ "title": "装修申请怎么办", "body": "装修前到物业服务中心登记，缴纳装修押金。" }),
    )
    .await;
    publish(&server, &id).await;
    assert_eq!(
        search_ids(&server, &site.agent, "q=装修押金").await,
        std::slice::from_ref(&id)
    );
    let archived = server
        .ok(
            &server.admin,
            &format!("/api/v1/kb/articles/{id}/archive"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(archived["state"], "archived", "{archived}");
    assert!(
        search_ids(&server, &site.agent, "q=装修押金")
            .await
            .is_empty()
    );
    // The desk no longer reads it; writers do, with its history.
    let (status, _) = server
        .get(Some(&site.agent), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, read) = server
        .get(Some(&server.admin), &format!("/api/v1/kb/articles/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["version"]["title"], "装修申请怎么办");
    let (_, listed) = server
        .get(Some(&server.admin), "/api/v1/kb/articles?state=archived")
        .await;
    assert_eq!(listed["items"][0]["id"], json!(id), "{listed}");
    // The desk may not archive; archiving twice changes nothing.
    let (status, _) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/kb/articles/{id}/archive"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server
        .ok(
            &server.admin,
            &format!("/api/v1/kb/articles/{id}/archive"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let restored = server
        .ok(
            &server.admin,
            &format!("/api/v1/kb/articles/{id}/restore"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(restored["state"], "published", "{restored}");
    assert_eq!(
        search_ids(&server, &site.agent, "q=装修押金").await,
        std::slice::from_ref(&id)
    );
    // A draft never published comes back a draft.
    let draft = create(&server, json!({ "title": "草稿", "body": "未发布" })).await;
    for step in ["archive", "restore"] {
        server
            .ok(
                &server.admin,
                &format!("/api/v1/kb/articles/{draft}/{step}"),
                json!({}),
                StatusCode::OK,
            )
            .await;
    }
    let (_, read) = server
        .get(Some(&server.admin), &format!("/api/v1/kb/articles/{draft}"))
        .await;
    assert_eq!(read["state"], "draft");
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/kb/articles/nope/archive",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        trail(&server, &id).await,
        ["create", "publish", "archive", "restore"]
    );
}

async fn a_projects_own_article_outranks_the_company_wide_one(server: Server) {
    let ours = server.site("kb9a").await;
    let theirs = server.site("kb9b").await;
    // The same question, answered company-wide and for one project (different hours); the
    // company-wide answer says a little more.
    let everywhere = create(
        &server,
        json!({ "title": "物业服务中心办公时间", "questions": ["物业几点上班"],
                "body": "物业服务中心办公时间：每天8:30至17:30。" }),
    )
    .await;
    let own = create(
        &server,
        json!({ "title": "物业服务中心办公时间", "body": "本小区服务中心每天9:00至18:00办公。",
                "project_ids": [ours.project_id] }),
    )
    .await;
    publish(&server, &everywhere).await;
    publish(&server, &own).await;
    let query = format!("q=物业服务中心办公时间&project_id={}", ours.project_id);
    assert_eq!(
        search_ids(&server, &ours.agent, &query).await,
        [own.clone(), everywhere.clone()]
    );
    // Without the project, plain relevance decides.
    assert_eq!(
        search_ids(&server, &server.admin, "q=物业服务中心办公时间").await[0],
        everywhere
    );
    // Another project's desk sees the company-wide answer only.
    let query = format!("q=物业服务中心办公时间&project_id={}", theirs.project_id);
    assert_eq!(
        search_ids(&server, &theirs.agent, &query).await,
        std::slice::from_ref(&everywhere)
    );
}
