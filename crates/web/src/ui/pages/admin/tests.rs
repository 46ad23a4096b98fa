//! The admin, team and attachment pages over a real store: who may open them, that their forms
//! need the CSRF token, that a refused form changes nothing, and that what works is kept.

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Request, StatusCode};
use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use guanjia_storage::{PageRequest, Principal, StaffMember};

use crate::ui::csrf;
use crate::ui::tests::{PASSWORD, Site, body, header};

const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 100,
};

impl Site {
    /// The system's own principal over the test company, to read what the pages changed.
    async fn system(&self) -> Principal {
        let company = self
            .store
            .ensure_company("ui", "页面测试物业", Utc::now())
            .await
            .expect("company");
        Principal::system(&company.id, "test")
    }

    async fn project_id(&self) -> String {
        self.store
            .projects(&self.system().await, ALL)
            .await
            .expect("projects")
            .items[0]
            .id
            .clone()
    }

    /// A staff member of the test project (admins: of the whole company).
    async fn hire(&self, username: &str, name: &str, role: Role) -> StaffMember {
        let system = self.system().await;
        let member = NewStaff {
            username: username.into(),
            password: PASSWORD.into(),
            name: name.into(),
            role,
            project_ids: if role.may_span_company() {
                vec![]
            } else {
                vec![self.project_id().await]
            },
            skills: vec!["repair".into()],
            phone: None,
        };
        self.store
            .create_staff(None, &system.company_id, member, Utc::now())
            .await
            .expect("staff")
    }

    /// Signs `username` in: the session cookie and its CSRF token.
    pub(in crate::ui) async fn sign_in_as(&self, username: &str) -> (String, String) {
        let response = self
            .post_form(
                "/login",
                None,
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{username} signs in"
        );
        let pair = header(&response, SET_COOKIE)
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = pair.split_once('=').unwrap().1.to_owned();
        (pair, csrf::token_for(&token))
    }

    async fn assignee_of(&self, ticket_id: &str) -> Option<String> {
        self.store
            .ticket(&self.system().await, ticket_id)
            .await
            .expect("ticket")
            .assignee_id
    }

    /// A ticket logged by the agent from a call; its page's path.
    async fn call_in(&self, agent: &(String, String), description: &str) -> String {
        let project_id = self.project_id().await;
        let form = [
            (csrf::FIELD, agent.1.as_str()),
            ("phone", "13812345678"),
            ("project_id", &project_id),
            ("description", description),
        ];
        let created = self.post_form("/tickets/new", Some(&agent.0), &form).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        header(&created, LOCATION)
    }
}

#[tokio::test]
async fn only_admins_open_the_admin_pages_and_only_overseers_the_team_page() {
    let site = Site::new().await;
    let agent = site.sign_in_as("agent").await;
    for path in [
        "/admin",
        "/admin/projects",
        "/admin/residents",
        "/admin/staff",
        "/admin/teams",
        "/admin/categories",
        "/admin/policies",
        "/admin/calendars",
        "/admin/vocabulary",
        "/team",
    ] {
        let response = site.get(path, Some(&agent.0)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(
            body(response).await.contains("无权执行此操作"),
            "{path} says why in Chinese"
        );
    }
    let home = body(site.get("/", Some(&agent.0)).await).await;
    assert!(
        !home.contains("href=\"/admin\"") && !home.contains("href=\"/team\""),
        "no links to what an agent cannot open"
    );
    let posted = site
        .post_form(
            "/admin/projects",
            Some(&agent.0),
            &[(csrf::FIELD, &agent.1), ("code", "x1"), ("name", "新项目")],
        )
        .await;
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        site.store
            .projects(&site.system().await, ALL)
            .await
            .unwrap()
            .total,
        1,
        "nothing made"
    );

    site.hire("admin", "管理员老周", Role::Admin).await;
    site.hire("super", "主管老李", Role::Supervisor).await;
    let admin = site.sign_in_as("admin").await;
    for (path, expect) in [
        ("/admin", "员工"),
        ("/admin/projects", "翠湖花园"),
        ("/admin/residents", "登记住户"),
        ("/admin/staff", "客服小王"),
        ("/admin/teams", "新建班组"),
        ("/admin/categories", "repair.water"),
        ("/admin/policies", "新增服务时限"),
        ("/admin/calendars", "中国大陆法定节假日"),
        ("/admin/vocabulary", "系统内置词库"),
        ("/team", "人员负荷"),
    ] {
        let response = site.get(path, Some(&admin.0)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            body(response).await.contains(expect),
            "{path} shows {expect}"
        );
    }
    let supervisor = site.sign_in_as("super").await;
    assert_eq!(
        site.get("/team", Some(&supervisor.0)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        site.get("/admin/staff", Some(&supervisor.0)).await.status(),
        StatusCode::FORBIDDEN
    );
    let elsewhere = site
        .get(
            "/team?project_id=0190b5a2-0000-7000-8000-000000000000",
            Some(&supervisor.0),
        )
        .await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::NOT_FOUND,
        "a project outside theirs is not there"
    );
}

#[tokio::test]
async fn admin_forms_need_the_token_and_a_refused_form_changes_nothing() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let (cookie, token) = site.sign_in_as("admin").await;
    let system = site.system().await;
    let forged = site
        .post_form(
            "/admin/projects",
            Some(&cookie),
            &[("code", "lake"), ("name", "湖畔")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let refused = site
        .post_form(
            "/admin/projects",
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("code", "湖畔"),
                ("name", " "),
                ("address", "滨湖路 8 号"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("编码：格式不正确") && page.contains("名称：必填"),
        "each field's problem, translated"
    );
    assert!(
        page.contains("id=\"e-code\" class=\"field-error\">格式不正确")
            && page.contains("aria-invalid=\"true\""),
        "beside its field"
    );
    assert!(
        page.contains("value=\"滨湖路 8 号\""),
        "what was typed stays"
    );
    assert_eq!(
        site.store.projects(&system, ALL).await.unwrap().total,
        1,
        "nothing made"
    );

    let staff_before = site.store.staff_list(&system, ALL).await.unwrap().total;
    let refused = site
        .post_form(
            "/admin/staff",
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("name", "赵师傅"),
                ("username", "zhao"),
                ("password", "short"),
                ("role", "technician"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(page.contains("密码：太短") && page.contains("所属项目：必填"));
    assert_eq!(
        site.store.staff_list(&system, ALL).await.unwrap().total,
        staff_before
    );

    let made = site
        .post_form(
            "/admin/projects",
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("code", "lake"),
                ("name", "湖畔"),
                ("kind", "mixed"),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let project = header(&made, LOCATION);
    let building = site
        .post_form(
            &project,
            Some(&cookie),
            &[(csrf::FIELD, &token), ("name", "1栋")],
        )
        .await;
    let building = header(&building, LOCATION);
    assert!(building.starts_with("/admin/buildings/"), "{building}");
    let bad_room = site
        .post_form(
            &building,
            Some(&cookie),
            &[(csrf::FIELD, &token), ("number", "101"), ("floor", "一楼")],
        )
        .await;
    assert_eq!(bad_room.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(bad_room).await.contains("楼层：格式不正确"));
    let room = site
        .post_form(
            &building,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("number", "101"),
                ("floor", "1"),
                ("area_m2", "88.5"),
            ],
        )
        .await;
    assert_eq!(room.status(), StatusCode::SEE_OTHER);
    let rooms = body(site.get(&building, Some(&cookie)).await).await;
    assert!(rooms.contains(">101</a></th>") && rooms.contains("88.5"));

    let policy = site.store.sla_policies(&system).await.unwrap().remove(0);
    let edited = site
        .post_form(
            &format!("/admin/policies/{}", policy.id),
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("name", "标准时限（修订）"),
                ("targets.first_response", "20"),
                ("unit.first_response", "minutes"),
                ("warn_at_percent", "50,80"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let after = site.store.sla_policy(&system, &policy.id).await.unwrap();
    assert_eq!(after.name, "标准时限（修订）");
    assert_eq!(
        after.escalation, policy.escalation,
        "the escalation ladder is kept"
    );
    let refused = site
        .post_form(
            &format!("/admin/policies/{}", policy.id),
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("name", "无时限"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("时限目标：必填"));
    assert_eq!(
        site.store
            .sla_policy(&system, &policy.id)
            .await
            .unwrap()
            .name,
        "标准时限（修订）"
    );
}

#[tokio::test]
async fn a_supervisor_reassigns_a_job_on_the_team_page() {
    let site = Site::new().await;
    let agent = site.sign_in_as("agent").await;
    site.hire("super", "主管老李", Role::Supervisor).await;
    let first = site.hire("tech_a", "维修甲", Role::Technician).await;
    let second = site.hire("tech_b", "维修乙", Role::Technician).await;
    let ticket = site.call_in(&agent, "厨房水管漏水，地上全是水").await;
    let id = ticket.trim_start_matches("/tickets/").to_owned();
    for (action, assignee) in [("accept", ""), ("dispatch", first.staff.id.as_str())] {
        let done = site
            .post_form(
                &format!("{ticket}/actions"),
                Some(&agent.0),
                &[
                    (csrf::FIELD, &agent.1),
                    ("action", action),
                    ("assignee_id", assignee),
                    ("text", ""),
                ],
            )
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let (cookie, token) = site.sign_in_as("super").await;
    let page = body(site.get("/team", Some(&cookie)).await).await;
    assert!(
        page.contains("维修甲") && page.contains("维修乙") && page.contains("value=\"transfer\""),
        "the load and the transfer form"
    );
    // Three days on, nobody having arrived, the job is late: counted exactly, for its technician.
    let later = Utc::now() + chrono::Duration::days(3);
    let loads = site
        .store
        .team_load(&site.system().await, &site.project_id().await, later)
        .await
        .expect("load");
    let late = |id: &str| {
        loads
            .iter()
            .find(|l| l.staff.id == id)
            .map(|l| (l.open_jobs, l.breached))
            .expect("a technician of the project")
    };
    assert_eq!(
        (late(&first.staff.id), late(&second.staff.id)),
        ((1, 1), (0, 0))
    );

    let form = |reason: &'static str| {
        [
            (csrf::FIELD, token.clone()),
            ("ticket_id", id.clone()),
            ("action", "transfer".into()),
            ("assignee_id", second.staff.id.clone()),
            ("text", reason.into()),
        ]
    };
    let without = form("");
    let without: Vec<(&str, &str)> = without.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = site
        .post_form("/team/reassign", Some(&cookie), &without)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(refused).await.contains("内容：必填"),
        "a transfer needs its reason"
    );
    assert_eq!(
        site.assignee_of(&id).await,
        Some(first.staff.id.clone()),
        "still the first technician's"
    );

    let with = form("维修甲今天请假");
    let with: Vec<(&str, &str)> = with.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let moved = site.post_form("/team/reassign", Some(&cookie), &with).await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    assert!(header(&moved, LOCATION).starts_with("/team?"));
    assert_eq!(site.assignee_of(&id).await, Some(second.staff.id.clone()));
    let timeline = body(site.get(&ticket, Some(&cookie)).await).await;
    assert!(timeline.contains("转单") && timeline.contains("维修甲今天请假"));
}

/// A form with one file, as a browser sends it.
fn upload(path: &str, session: &(String, String), file: &[u8]) -> Request<Body> {
    upload_as(path, session, ("photos", "leak.png"), file)
}

/// A form with one file in `field`, named `name`.
fn upload_as(
    path: &str,
    (cookie, token): &(String, String),
    (field, name): (&str, &str),
    file: &[u8],
) -> Request<Body> {
    let boundary = "gjboundary7MA4YWxkTrZu0gW";
    let mut bytes = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
    )
    .into_bytes();
    bytes.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    bytes.extend(file);
    bytes.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(COOKIE, cookie)
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(bytes))
        .unwrap()
}

#[tokio::test]
async fn staff_add_a_photo_to_a_ticket_and_see_its_thumbnail() {
    let site = Site::new().await;
    let agent = site.sign_in_as("agent").await;
    let ticket = site.call_in(&agent, "楼道灯不亮，拍了照片").await;
    let page = body(site.get(&ticket, Some(&agent.0)).await).await;
    assert!(page.contains("暂无照片") && page.contains("name=\"photos\" type=\"file\""));

    let refused = site
        .send(upload(
            &format!("{ticket}/photos"),
            &agent,
            b"not a picture",
        ))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("文件：格式不正确"));
    let no_token = site
        .send(upload(
            &format!("{ticket}/photos"),
            &(agent.0.clone(), "forged".into()),
            b"x",
        ))
        .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);

    let mut png = Vec::new();
    image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    let added = site
        .send(upload(&format!("{ticket}/photos"), &agent, &png))
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&ticket, Some(&agent.0)).await).await;
    let photo = page
        .split("src=\"/photos/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a thumbnail")
        .to_owned();
    assert!(page.contains("上传照片"), "in the timeline");
    let thumbnail = site
        .get(&format!("/photos/{photo}/thumbnail"), Some(&agent.0))
        .await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    assert_eq!(header(&thumbnail, CONTENT_TYPE), "image/jpeg");
    let full = site.get(&format!("/photos/{photo}"), Some(&agent.0)).await;
    assert_eq!(header(&full, CONTENT_TYPE), "image/png");
    assert_eq!(
        site.get(&format!("/photos/{photo}"), None).await.status(),
        StatusCode::SEE_OTHER,
        "strangers sign in first"
    );
}

#[tokio::test]
async fn a_supervisor_keeps_a_technicians_roster_and_the_team_page_follows() {
    let site = Site::new().await;
    site.hire("super", "主管老李", Role::Supervisor).await;
    let tech = site.hire("tech_a", "维修甲", Role::Technician).await;
    let (cookie, token) = site.sign_in_as("super").await;
    let roster = format!("/admin/staff/{}/roster", tech.staff.id);
    let page = body(site.get(&roster, Some(&cookie)).await).await;
    assert!(
        page.contains("尚未排班"),
        "without a roster, always on duty"
    );
    let team = body(site.get("/team", Some(&cookie)).await).await;
    assert!(team.contains(&format!("href=\"{roster}\"")) && team.contains("在岗"));

    let mut week: Vec<(String, String)> = (0..7)
        .map(|i| {
            (
                format!("weekly_hours.{i}"),
                "08:00-12:00, 13:00-17:00".to_owned(),
            )
        })
        .collect();
    week[6].1 = "25:00-26:00".into();
    let form = |week: &[(String, String)]| -> Vec<(String, String)> {
        [(csrf::FIELD.to_owned(), token.clone())]
            .into_iter()
            .chain(week.iter().cloned())
            .collect()
    };
    let sent = form(&week);
    let refused = site
        .post_form(
            &roster,
            Some(&cookie),
            &sent
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("工作时间：格式不正确") && page.contains("id=\"e-week-6\""),
        "the day at fault is marked"
    );
    assert!(
        site.store
            .roster(&site.system().await, &tech.staff.id)
            .await
            .unwrap()
            .1
            .is_none(),
        "nothing kept"
    );

    week[6].1 = String::new();
    let sent = form(&week);
    let saved = site
        .post_form(
            &roster,
            Some(&cookie),
            &sent
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .to_string();
    let leave = [
        (csrf::FIELD, token.as_str()),
        ("date", &today),
        ("name", "年假"),
        ("is_workday", "false"),
    ];
    let saved = site
        .post_form(&format!("{roster}/days"), Some(&cookie), &leave)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, kept) = site
        .store
        .roster(&site.system().await, &tech.staff.id)
        .await
        .unwrap();
    let (weekly, days) = kept.expect("a roster");
    assert_eq!(weekly.0[0].len(), 2, "two spans on Monday");
    assert!(weekly.0[6].is_empty(), "Sunday off");
    assert_eq!(
        (days.len(), days[0].name.as_str(), days[0].is_workday),
        (1, "年假", false)
    );
    let team = body(site.get("/team", Some(&cookie)).await).await;
    assert!(team.contains("不在岗"), "on leave today: off duty");

    let removed = site
        .post_form(
            &format!("{roster}/days/{today}/remove"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert!(
        site.store
            .roster(&site.system().await, &tech.staff.id)
            .await
            .unwrap()
            .1
            .unwrap()
            .1
            .is_empty()
    );
    let agent = site.sign_in_as("agent").await;
    assert_eq!(
        site.get(&roster, Some(&agent.0)).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn calendars_import_and_serve_projects_and_categories_go_out_of_use() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let admin = site.sign_in_as("admin").await;
    let system = site.system().await;
    let made = site
        .post_form(
            "/admin/calendars",
            Some(&admin.0),
            &[(csrf::FIELD, &admin.1), ("name", "商场客服")],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let calendar = header(&made, LOCATION);
    let id = calendar.trim_start_matches("/admin/calendars/").to_owned();

    let bad =
        "date,is_workday,name,hours\n2027-02-10,false,春节,\n2027-13-01,false,不存在的日子,\n";
    let refused = site
        .send(upload_as(
            &format!("{calendar}/import"),
            &admin,
            ("file", "holidays.csv"),
            bad.as_bytes(),
        ))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("文件：格式不正确"));
    assert!(
        site.store
            .exceptions(&system, &id)
            .await
            .unwrap()
            .is_empty(),
        "nothing of a bad file is kept"
    );

    let good =
        "date,is_workday,name,hours\n2027-02-10,false,春节,\n2027-02-14,true,春节调休上班,\n";
    let imported = site
        .send(upload_as(
            &format!("{calendar}/import"),
            &admin,
            ("file", "holidays.csv"),
            good.as_bytes(),
        ))
        .await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&calendar, Some(&admin.0)).await).await;
    assert!(page.contains("春节调休上班") && page.contains("2027-02-10"));
    let exported = site
        .get(&format!("{calendar}/export?format=ics"), Some(&admin.0))
        .await;
    assert!(header(&exported, CONTENT_TYPE).starts_with("text/calendar"));
    assert!(body(exported).await.contains("春节调休上班"));

    let off = site
        .post_form(
            "/admin/categories",
            Some(&admin.0),
            &[
                (csrf::FIELD, &admin.1),
                ("code", "repair.water"),
                ("label_zh", "给排水"),
                ("label_en", "Plumbing"),
            ],
        )
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    let water = site
        .store
        .categories(&system.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "repair.water")
        .unwrap();
    assert!(!water.active, "an unticked box takes it out of use");
    let refused = site
        .post_form(
            "/admin/categories",
            Some(&admin.0),
            &[
                (csrf::FIELD, &admin.1),
                ("code", "plumbing"),
                ("label_zh", "水"),
                ("label_en", "Water"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("编码：格式不正确"));
    assert!(
        site.store
            .categories(&system.company_id)
            .await
            .unwrap()
            .iter()
            .all(|c| c.code != "plumbing")
    );

    let project = site.project_id().await;
    let chosen = site
        .post_form(
            &format!("/admin/projects/{project}/calendar"),
            Some(&admin.0),
            &[(csrf::FIELD, &admin.1), ("calendar_id", &id)],
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        site.store
            .project(&system, &project)
            .await
            .unwrap()
            .calendar_id
            .as_deref(),
        Some(id.as_str())
    );
    let page = body(
        site.get(&format!("/admin/projects/{project}"), Some(&admin.0))
            .await,
    )
    .await;
    assert!(page.contains(&format!(
        "<option value=\"{id}\" selected>商场客服</option>"
    )));
    let unknown = site
        .post_form(
            &format!("/admin/projects/{project}/calendar"),
            Some(&admin.0),
            &[(csrf::FIELD, &admin.1), ("calendar_id", "nope")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(unknown).await.contains("工作日历：不存在或无权使用"));
    let back = site
        .post_form(
            &format!("/admin/projects/{project}/calendar"),
            Some(&admin.0),
            &[(csrf::FIELD, &admin.1), ("calendar_id", "")],
        )
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        site.store
            .project(&system, &project)
            .await
            .unwrap()
            .calendar_id,
        None,
        "the company's default again"
    );
}

#[tokio::test]
async fn an_admin_tries_a_vocabulary_before_saving_it() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let admin = site.sign_in_as("admin").await;
    let system = site.system().await;
    let page = body(site.get("/admin/vocabulary", Some(&admin.0)).await).await;
    assert!(
        page.contains("版本 0") && page.contains("repair.elevator"),
        "the built-in vocabulary, as JSON"
    );

    let mut vocabulary = guanjia_intake::Vocabulary::default();
    let lifts = vocabulary
        .categories
        .iter_mut()
        .find(|c| c.code == "repair.elevator")
        .expect("lifts");
    lifts.keywords.push(guanjia_intake::KeywordGroup {
        weight: 5.0,
        problem: Some("lift".into()),
        words: vec!["升降机".into()],
    });
    let edited = serde_json::to_string_pretty(&vocabulary).unwrap();
    let tried = [
        (csrf::FIELD, admin.1.as_str()),
        ("vocabulary", &edited),
        ("text", "3栋的升降机不动了"),
        ("channel", "wechat"),
        ("intent", "try"),
    ];
    let response = site
        .post_form("/admin/vocabulary", Some(&admin.0), &tried)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert!(
        page.contains("有变化")
            && page.contains("<td>repair.elevator</td>")
            && page.contains("升降机"),
        "the edited reading beside the current one"
    );
    assert_eq!(
        site.store.vocabulary(&system).await.unwrap().version,
        0,
        "trying saves nothing"
    );

    let broken = [
        (csrf::FIELD, admin.1.as_str()),
        ("vocabulary", "{\"synonyms\": ["),
        ("text", ""),
        ("intent", "save"),
    ];
    let refused = site
        .post_form("/admin/vocabulary", Some(&admin.0), &broken)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("原因："), "why it was refused");
    assert_eq!(
        site.store.vocabulary(&system).await.unwrap().version,
        0,
        "a refused vocabulary changes nothing"
    );

    let saved = site
        .post_form(
            "/admin/vocabulary",
            Some(&admin.0),
            &[
                (csrf::FIELD, admin.1.as_str()),
                ("vocabulary", &edited),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(header(&saved, LOCATION), "/admin/vocabulary?saved=1");
    let stored = site.store.vocabulary(&system).await.unwrap();
    assert_eq!((stored.version, stored.built_in), (1, false));
    assert!(
        body(site.get("/admin/vocabulary?saved=1", Some(&admin.0)).await)
            .await
            .contains("词库已保存")
    );
}

#[tokio::test]
async fn an_admin_edits_a_project_and_a_staff_members_role_and_a_refused_edit_keeps_what_was_typed()
{
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let tech = site.hire("tech", "张师傅", Role::Technician).await;
    let (cookie, token) = site.sign_in_as("admin").await;
    let system = site.system().await;
    let project_id = site.project_id().await;
    let page = body(
        site.get(&format!("/admin/projects/{project_id}"), Some(&cookie))
            .await,
    )
    .await;
    assert!(
        page.contains("修改项目信息")
            && page.contains("value=\"翠湖花园\"")
            && page.contains("value=\"p1\""),
        "the edit form holds the project as it is"
    );

    let edit = format!("/admin/projects/{project_id}/edit");
    let refused = site
        .post_form(
            &edit,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("code", "翠 湖"),
                ("name", "翠湖花园二期"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains(
            "id=\"e-edit-code\" class=\"field-error\">格式不正确，只能用字母、数字、- 和 _，1–64 位"
        ),
        "beside the field, saying what is allowed"
    );
    assert!(
        page.contains("value=\"翠 湖\"") && page.contains("value=\"翠湖花园二期\""),
        "what was typed stays"
    );
    assert_eq!(
        site.store.project(&system, &project_id).await.unwrap().name,
        "翠湖花园",
        "a refusal changes nothing"
    );

    let saved = site
        .post_form(
            &edit,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("code", "p1"),
                ("name", "翠湖花园二期"),
                ("kind", "mixed"),
                ("time_zone", "Asia/Shanghai"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let back = header(&saved, LOCATION);
    assert_eq!(back, format!("/admin/projects/{project_id}?done=saved"));
    assert!(
        body(site.get(&back, Some(&cookie)).await)
            .await
            .contains("已保存"),
        "the page says it worked"
    );
    assert_eq!(
        site.store.project(&system, &project_id).await.unwrap().name,
        "翠湖花园二期"
    );

    let staff_page = format!("/admin/staff/{}", tech.staff.id);
    let page = body(site.get(&staff_page, Some(&cookie)).await).await;
    assert!(
        page.contains("value=\"张师傅\"") && page.contains(">姓名<"),
        "a person's name is labelled 姓名"
    );
    let refused = site
        .post_form(
            &staff_page,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("name", " "),
                ("role", "supervisor"),
                ("project_ids", &project_id),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("<li>姓名：必填，最多 100 个字</li>") && !page.contains("名称：必填"),
        "the notice names the field as its label does"
    );
    let saved = site
        .post_form(
            &staff_page,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("name", "张师傅"),
                ("role", "supervisor"),
                ("project_ids", &project_id),
            ],
        )
        .await;
    assert_eq!(header(&saved, LOCATION), format!("{staff_page}?done=saved"));
    assert_eq!(
        site.store
            .staff_member(&system.company_id, &tech.staff.id)
            .await
            .unwrap()
            .role(),
        Role::Supervisor
    );

    let password = format!("{staff_page}/password");
    let refused = site
        .post_form(
            &password,
            Some(&cookie),
            &[(csrf::FIELD, &token), ("password", "short")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("密码：太短，8–200 个字符"));
    let reset = site
        .post_form(
            &password,
            Some(&cookie),
            &[(csrf::FIELD, &token), ("password", "brand-new-pass")],
        )
        .await;
    assert_eq!(
        header(&reset, LOCATION),
        format!("{staff_page}?done=password")
    );
    let login = site
        .post_form(
            "/login",
            None,
            &[("username", "tech"), ("password", "brand-new-pass")],
        )
        .await;
    assert_eq!(
        login.status(),
        StatusCode::SEE_OTHER,
        "signs in with the new password"
    );
}

#[tokio::test]
async fn deletes_are_refused_while_in_use_and_a_new_admin_is_told_what_to_set_up_first() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let (cookie, token) = site.sign_in_as("admin").await;
    let system = site.system().await;
    let project_id = site.project_id().await;
    let made = site
        .post_form(
            &format!("/admin/projects/{project_id}"),
            Some(&cookie),
            &[(csrf::FIELD, &token), ("name", "9栋")],
        )
        .await;
    let building = header(&made, LOCATION);
    let room = site
        .post_form(
            &building,
            Some(&cookie),
            &[(csrf::FIELD, &token), ("number", "0101")],
        )
        .await;
    assert_eq!(room.status(), StatusCode::SEE_OTHER);

    let refused = site
        .post_form(
            &format!("{building}/delete"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        body(refused)
            .await
            .contains("仍有数据依赖它，不能删除：1 间房屋"),
        "says what depends on it"
    );
    let building_id = building.rsplit('/').next().unwrap();
    let rooms = site.store.rooms(&system, building_id, ALL).await.unwrap();
    let room_page = format!("/admin/rooms/{}", rooms.items[0].id);
    let page = body(
        site.get(
            &format!("/admin/residents?room_id={}", rooms.items[0].id),
            Some(&cookie),
        )
        .await,
    )
    .await;
    assert!(
        page.contains("9栋0101 还没有登记住户。"),
        "an empty room's page names the room"
    );
    let deleted = site
        .post_form(
            &format!("{room_page}/delete"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(
        header(&deleted, LOCATION),
        format!("{building}?done=deleted")
    );
    let deleted = site
        .post_form(
            &format!("{building}/delete"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    let back = header(&deleted, LOCATION);
    assert_eq!(back, format!("/admin/projects/{project_id}?done=deleted"));
    assert!(
        body(site.get(&back, Some(&cookie)).await)
            .await
            .contains("已删除")
    );

    let refused = site
        .post_form(
            &format!("/admin/projects/{project_id}/delete"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        body(refused).await.contains("1 名员工"),
        "the agent still belongs to it"
    );
    let agent = site
        .store
        .staff_list(&system, ALL)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.staff.username == "agent")
        .unwrap();
    let gone = site
        .post_form(
            &format!("/admin/staff/{}/delete", agent.staff.id),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(header(&gone, LOCATION), "/admin/staff?done=deleted");
    let gone = site
        .post_form(
            &format!("/admin/projects/{project_id}/delete"),
            Some(&cookie),
            &[(csrf::FIELD, &token)],
        )
        .await;
    assert_eq!(header(&gone, LOCATION), "/admin/projects?done=deleted");

    let home = body(site.get("/", Some(&cookie)).await).await;
    assert!(
        home.contains("先完成基础设置")
            && home.contains("href=\"/admin/projects\"")
            && home.contains("href=\"/admin/import\"")
            && home.contains("href=\"/admin/staff\""),
        "what to set up first, with links"
    );
}

#[tokio::test]
async fn a_wrong_admin_address_answers_the_error_page_in_the_readers_language() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let (cookie, _) = site.sign_in_as("admin").await;
    for path in [
        "/admin/nonsense",
        "/admin/projects/nonexistent",
        "/admin/staff/nonexistent",
        "/admin/rooms/nonexistent",
    ] {
        let response = site.get(path, Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            header(&response, CONTENT_TYPE).starts_with("text/html"),
            "{path} is a page, not JSON"
        );
        assert!(body(response).await.contains("对象不存在"), "{path}");
    }
    let english = format!("{cookie}; lang=en");
    let page = body(site.get("/admin/nonsense", Some(&english)).await).await;
    assert!(
        page.contains("Not found") && !page.contains("\"error\""),
        "in English for an English reader"
    );
}

#[tokio::test]
async fn a_team_is_renamed_and_deleted_on_the_teams_page() {
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let (cookie, token) = site.sign_in_as("admin").await;
    let system = site.system().await;
    let project_id = site.project_id().await;
    let made = site
        .post_form(
            "/admin/teams",
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("project_id", &project_id),
                ("name", "维修班"),
                ("kind", "engineering"),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let team = site
        .store
        .teams(&system, Some(&project_id), ALL)
        .await
        .unwrap()
        .items
        .remove(0);
    let edit = format!("/admin/teams/{}/edit", team.team.id);

    let refused = site
        .post_form(
            &edit,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("project_id", &project_id),
                ("name", "工程部"),
                ("kind", "plumbing"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("类型：格式不正确") && page.contains("value=\"工程部\""),
        "the refusal, with what was typed"
    );
    let saved = site
        .post_form(
            &edit,
            Some(&cookie),
            &[
                (csrf::FIELD, &token),
                ("project_id", &project_id),
                ("name", "工程部"),
                ("kind", "engineering"),
            ],
        )
        .await;
    let back = header(&saved, LOCATION);
    assert_eq!(
        back,
        format!("/admin/teams?project_id={project_id}&done=saved")
    );
    let page = body(site.get(&back, Some(&cookie)).await).await;
    assert!(page.contains("已保存") && page.contains("<strong>工程部</strong>"));

    let gone = site
        .post_form(
            &format!("/admin/teams/{}/delete", team.team.id),
            Some(&cookie),
            &[(csrf::FIELD, &token), ("project_id", &project_id)],
        )
        .await;
    assert_eq!(
        header(&gone, LOCATION),
        format!("/admin/teams?project_id={project_id}&done=deleted")
    );
    assert_eq!(
        site.store
            .teams(&system, Some(&project_id), ALL)
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn an_admin_keeps_the_wechat_accounts_and_never_sees_a_secret() {
    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const TOKEN: &str = "callbacktoken42";
    let site = Site::new().await;
    site.hire("admin", "管理员老周", Role::Admin).await;
    let (cookie, csrf_token) = site.sign_in_as("admin").await;
    let (agent, _) = site.sign_in_as("agent").await;
    assert_eq!(
        site.get("/admin/wechat", Some(&agent)).await.status(),
        StatusCode::FORBIDDEN,
        "admins only"
    );
    let landing = body(site.get("/admin", Some(&cookie)).await).await;
    assert!(
        landing.contains("href=\"/admin/wechat\""),
        "on the admin menu"
    );
    let project_id = site.project_id().await;

    // A bad AppID is refused beside its field; what was typed stays, the secret does not.
    let refused = site
        .post_form(
            "/admin/wechat",
            Some(&cookie),
            &[
                (csrf::FIELD, &csrf_token),
                ("name", "翠湖服务号"),
                ("app_id", "wx123"),
                ("app_secret", SECRET),
                ("token", TOKEN),
                ("project_id", &project_id),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("id=\"e-app_id\" class=\"field-error\""),
        "beside its field: {page}"
    );
    assert!(page.contains("value=\"翠湖服务号\""));
    assert!(!page.contains(SECRET) && !page.contains(TOKEN));

    let registered = site
        .post_form(
            "/admin/wechat",
            Some(&cookie),
            &[
                (csrf::FIELD, &csrf_token),
                ("name", "翠湖服务号"),
                ("app_id", "wx0123456789abcdef"),
                ("app_secret", SECRET),
                ("token", TOKEN),
                ("encoding_aes_key", ""),
                ("project_id", &project_id),
            ],
        )
        .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    let system = site.system().await;
    let account = site
        .store
        .wechat_accounts(&system, ALL)
        .await
        .unwrap()
        .items
        .remove(0);
    let listed = body(site.get("/admin/wechat?done=saved", Some(&cookie)).await).await;
    assert!(listed.contains("wx0123456789abcdef") && listed.contains("翠湖花园"));
    assert!(
        listed.contains(&format!("{}</code>", account.callback_path())),
        "the server URL to paste into WeChat"
    );
    assert!(listed.contains("AppSecret 已设置") && listed.contains("EncodingAESKey 未设置"));
    assert!(!listed.contains(SECRET) && !listed.contains(TOKEN));

    // Editing: the secrets show only as set; left empty, they are kept.
    let id = account.row.id.clone();
    let form = body(
        site.get(&format!("/admin/wechat?id={id}"), Some(&cookie))
            .await,
    )
    .await;
    assert!(form.contains("已设置：留空则保持不变"), "{form}");
    assert!(!form.contains(SECRET) && !form.contains(TOKEN));
    let saved = site
        .post_form(
            "/admin/wechat",
            Some(&cookie),
            &[
                (csrf::FIELD, &csrf_token),
                ("id", &id),
                ("name", "翠湖业主服务号"),
                ("app_id", "wx0123456789abcdef"),
                ("app_secret", ""),
                ("token", ""),
                ("encoding_aes_key", ""),
                ("project_id", &project_id),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let after = site.store.wechat_account(&system, &id).await.unwrap();
    assert_eq!(after.row.name, "翠湖业主服务号");
    assert_eq!(
        after.row.app_secret, account.row.app_secret,
        "kept sealed as it was"
    );
    assert_eq!(after.row.token, account.row.token);

    // Deactivated, then in use again.
    let stopped = site
        .post_form(
            &format!("/admin/wechat/{id}/active"),
            Some(&cookie),
            &[(csrf::FIELD, &csrf_token)],
        )
        .await;
    assert_eq!(stopped.status(), StatusCode::SEE_OTHER);
    assert!(
        !site
            .store
            .wechat_account(&system, &id)
            .await
            .unwrap()
            .row
            .active
    );
    let listed = body(site.get("/admin/wechat", Some(&cookie)).await).await;
    assert!(listed.contains("已停用"));
    site.post_form(
        &format!("/admin/wechat/{id}/active"),
        Some(&cookie),
        &[(csrf::FIELD, &csrf_token), ("active", "true")],
    )
    .await;
    assert!(
        site.store
            .wechat_account(&system, &id)
            .await
            .unwrap()
            .row
            .active
    );
}

#[tokio::test]
async fn a_manager_keeps_the_scripts_and_checklists_and_each_action_says_what_it_did() {
    let site = Site::new().await;
    site.hire("manager", "经理老钱", Role::Manager).await;
    let system = site.system().await;
    let (agent, _) = site.sign_in().await;
    for path in ["/kb/scripts", "/kb/checklists"] {
        let refused = site.get(path, Some(&agent)).await;
        assert_eq!(
            refused.status(),
            StatusCode::FORBIDDEN,
            "{path}: the desk reads, not keeps"
        );
    }
    let (cookie, token) = site.sign_in_as("manager").await;
    let form = |pairs: &[(&'static str, &'static str)]| {
        let mut all = vec![(csrf::FIELD, token.as_str())];
        all.extend_from_slice(pairs);
        all
    };
    // The dashboard carries the bot's figures beside the service figures.
    let dashboard = body(site.get("/dashboard", Some(&cookie)).await).await;
    for tile in [
        "机器人解答率",
        "机器人回答有用率",
        "转人工率",
        "机器人独立解答率",
    ] {
        assert!(dashboard.contains(tile), "{tile}");
    }
    let list = body(site.get("/kb/scripts", Some(&cookie)).await).await;
    assert!(list.contains("话术库") && list.contains("新增话术"));

    // A refused script changes nothing and keeps what was typed, each problem by its field.
    let forged = site
        .post_form("/kb/scripts", Some(&cookie), &[("title", "问候")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let refused = site
        .post_form(
            "/kb/scripts",
            Some(&cookie),
            &form(&[
                ("title", " "),
                ("situation", "greeting"),
                ("body", "您好{名字}"),
                ("active", "on"),
            ]),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(page.contains("id=\"e-title\""), "{page}");
    assert!(page.contains("您好{名字}"), "what was typed stays");
    let none = site.store.kb_scripts(&system, ALL).await.unwrap();
    assert_eq!(none.total, 0);

    let created = site
        .post_form(
            "/kb/scripts",
            Some(&cookie),
            &form(&[
                ("title", "报修问候"),
                ("situation", "greeting"),
                ("category", "repair.water"),
                ("states", "new"),
                ("states", "accepted"),
                ("body", "{称呼}您好，您的工单{工单号}已受理。"),
                ("active", "on"),
            ]),
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&created, LOCATION), "/kb/scripts?done=saved");
    let list = body(site.get("/kb/scripts?done=saved", Some(&cookie)).await).await;
    assert!(list.contains("已保存。") && list.contains("报修问候") && list.contains("问候"));
    let saved = site.store.kb_scripts(&system, ALL).await.unwrap().items;
    assert_eq!(saved.len(), 1);
    let id = saved[0].id.clone();
    assert_eq!(saved[0].category.as_deref(), Some("repair.water"));
    assert_eq!(saved[0].states, serde_json::json!(["new", "accepted"]));

    // Its page holds it as saved; an edit keeps the uses; archiving and restoring say so.
    let path = format!("/kb/scripts/{id}");
    let page = body(site.get(&path, Some(&cookie)).await).await;
    assert!(page.contains("value=\"报修问候\"") && page.contains("value=\"new\" checked"));
    let edited = site
        .post_form(
            &path,
            Some(&cookie),
            &form(&[
                ("title", "报修问候语"),
                ("situation", "greeting"),
                ("body", "{称呼}您好。"),
                ("active", "on"),
            ]),
        )
        .await;
    assert_eq!(header(&edited, LOCATION), format!("{path}?done=saved"));
    let archive = format!("{path}/archive");
    let archived = site
        .post_form(&archive, Some(&cookie), &form(&[("active", "false")]))
        .await;
    assert_eq!(header(&archived, LOCATION), format!("{path}?done=archived"));
    let shown = site.store.kb_script(&system, &id).await.unwrap();
    assert_eq!((shown.title.as_str(), shown.active), ("报修问候语", false));
    assert_eq!(shown.category, None, "the edit made it company-wide");
    let page = body(
        site.get(&format!("{path}?done=archived"), Some(&cookie))
            .await,
    )
    .await;
    assert!(page.contains("已归档。") && page.contains("恢复"));
    let restored = site
        .post_form(&archive, Some(&cookie), &form(&[("active", "true")]))
        .await;
    assert_eq!(header(&restored, LOCATION), format!("{path}?done=restored"));
    assert!(site.store.kb_script(&system, &id).await.unwrap().active);

    // A checklist: added for a category without one, rewritten, refused empty, deleted.
    let added = site
        .post_form(
            "/kb/checklists",
            Some(&cookie),
            &form(&[
                ("category", "repair.gas"),
                ("steps", "关闭燃气总阀\r\n开窗通风\r\n\r\n不要开关电器"),
                ("required", "on"),
            ]),
        )
        .await;
    assert_eq!(
        header(&added, LOCATION),
        "/kb/checklists/repair.gas?done=saved"
    );
    let kept = site.store.checklist(&system, "repair.gas").await.unwrap();
    assert_eq!(kept.steps.len(), 3);
    assert!(kept.required);
    let list = body(site.get("/kb/checklists", Some(&cookie)).await).await;
    assert!(list.contains("/kb/checklists/repair.gas"));
    assert!(
        !list.contains("<option value=\"repair.gas\""),
        "a category with a checklist is not offered again"
    );
    let empty = site
        .post_form(
            "/kb/checklists/repair.gas",
            Some(&cookie),
            &form(&[("steps", "  ")]),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(empty).await.contains("id=\"e-steps\""));
    let deleted = site
        .post_form(
            "/kb/checklists/repair.gas/delete",
            Some(&cookie),
            &form(&[]),
        )
        .await;
    assert_eq!(header(&deleted, LOCATION), "/kb/checklists?done=deleted");
    assert!(site.store.checklist(&system, "repair.gas").await.is_err());
    let page = body(
        site.get(
            "/kb/checklists?done=deleted",
            Some(&format!("{cookie}; lang=en")),
        )
        .await,
    )
    .await;
    assert!(
        page.contains("SOP checklists") && page.contains("Deleted."),
        "{page}"
    );
}
