//! The pages over a real store: sessions, CSRF, and that each screen answers as it should.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Request, Response, StatusCode};
use chrono::Utc;
use guanjia_domain::place::ProjectKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_storage::{Principal, Store};
use tower::ServiceExt;

use super::csrf;

pub(super) const PASSWORD: &str = "page-test-password";

/// An app over a fresh SQLite file with one project and an agent in it.
pub(super) struct Site {
    pub(super) app: Router,
    /// The site's store, for tests to set up what the pages cannot.
    pub(super) store: Store,
    pub(super) folder: std::path::PathBuf,
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

impl Site {
    pub(super) async fn new() -> Site {
        let folder = std::env::temp_dir().join(format!("gj_ui_{}", guanjia_storage::new_id()));
        let store = Store::connect(&format!("sqlite://{}/guanjia.db", folder.display()))
            .await
            .expect("connect")
            .with_files_dir(folder.join("files"))
            // Seals secrets the admin pages keep (WeChat accounts).
            .with_secret_key(
                guanjia_storage::SecretKey::from_passphrase("the page tests' secret passphrase")
                    .expect("a key"),
            );
        store.migrate().await.expect("migrate");
        let company = store
            .ensure_company("ui", "页面测试物业", Utc::now())
            .await
            .expect("company");
        let system = Principal::system(&company.id, "test");
        let project = NewProject {
            code: "p1".into(),
            name: "翠湖花园".into(),
            kind: ProjectKind::Residential,
            time_zone: "Asia/Shanghai".into(),
            address: None,
        };
        let project = store
            .create_project(&system, project, Utc::now())
            .await
            .expect("project");
        let agent = NewStaff {
            username: "agent".into(),
            password: PASSWORD.into(),
            name: "客服小王".into(),
            role: Role::Agent,
            project_ids: vec![project.id],
            skills: vec![],
            phone: None,
        };
        store
            .create_staff(None, &company.id, agent, Utc::now())
            .await
            .expect("agent");
        Site {
            app: crate::app(store.clone(), crate::Settings::default()),
            store,
            folder,
        }
    }

    pub(super) async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(request).await.expect("response")
    }

    pub(super) async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub(super) async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
    ) -> Response<Body> {
        let mut request =
            Request::post(path).header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Signs the agent in and returns the session cookie and its CSRF token.
    pub(super) async fn sign_in(&self) -> (String, String) {
        let response = self
            .post_form(
                "/login",
                None,
                &[("username", "agent"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = header(&response, SET_COOKIE);
        let pair = cookie.split(';').next().unwrap().to_owned();
        let token = pair.split_once('=').unwrap().1.to_owned();
        (pair, csrf::token_for(&token))
    }
}

pub(super) fn header(response: &Response<Body>, name: axum::http::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub(super) async fn body(response: Response<Body>) -> String {
    String::from_utf8(
        to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

#[tokio::test]
async fn pages_send_strangers_to_the_sign_in_page() {
    let site = Site::new().await;
    let response = site.get("/", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&response, LOCATION), "/login");
    let response = site
        .get("/tickets/new", Some("gj_session=nobody.nothing"))
        .await;
    assert_eq!(header(&response, LOCATION), "/login?next=%2Ftickets%2Fnew");
    let htmx = Request::get("/board")
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        header(&site.send(htmx).await, "hx-redirect".parse().unwrap()),
        "/login"
    );
    let login = site.get("/login", None).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(body(login).await.contains("员工登录"));
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie() {
    let site = Site::new().await;
    let wrong = site
        .post_form(
            "/login",
            None,
            &[("username", "agent"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(body(wrong).await.contains("用户名或密码错误"));
    let response = site
        .post_form(
            "/login",
            None,
            &[
                ("username", "agent"),
                ("password", PASSWORD),
                ("next", "/board"),
            ],
        )
        .await;
    assert_eq!(header(&response, LOCATION), "/board");
    let cookie = header(&response, SET_COOKIE);
    assert!(cookie.starts_with("gj_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot keep a Secure cookie"
    );
    let behind_tls = Request::post("/login")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!(
            "username=agent&password={PASSWORD}&next=https://evil.example"
        )))
        .unwrap();
    let response = site.send(behind_tls).await;
    assert!(header(&response, SET_COOKIE).contains("; Secure"));
    assert_eq!(header(&response, LOCATION), "/", "never sent off-site");
    let forged = Request::post("/login")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("host", "guanjia.example")
        .header("origin", "https://evil.example")
        .body(Body::from(format!("username=agent&password={PASSWORD}")))
        .unwrap();
    assert_eq!(site.send(forged).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_screen_answers_a_signed_in_agent() {
    let site = Site::new().await;
    let (cookie, _) = site.sign_in().await;
    for (path, expect) in [
        ("/", "客服工作台"),
        (
            "/?status=all&kind=repair&sla_state=breached&q=漏水&page=2",
            "没有符合条件的工单",
        ),
        ("/board", "时限预警看板"),
        ("/tickets/new", "来电登记"),
        ("/tickets/new/caller?phone=1381234", "号码不完整"),
        ("/tickets/new/caller?phone=13812345678", "未登记的号码"),
    ] {
        let response = site.get(path, Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            body(response).await.contains(expect),
            "{path} lacks {expect}"
        );
    }
    let fragment = Request::get("/?status=all")
        .header(COOKIE, &cookie)
        .header("hx-request", "true")
        .header("hx-target", "queue");
    let fragment = body(site.send(fragment.body(Body::empty()).unwrap()).await).await;
    assert!(
        fragment.starts_with("<div id=\"queue\"") && !fragment.contains("<html"),
        "htmx gets the list alone"
    );
    let missing = site
        .get(
            "/tickets/0190b5a2-0000-7000-8000-000000000000",
            Some(&cookie),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        body(missing).await.contains("对象不存在"),
        "errors are pages in the user's language"
    );
}

#[tokio::test]
async fn posts_need_the_sessions_csrf_token() {
    let site = Site::new().await;
    let (cookie, csrf) = site.sign_in().await;
    let forged = site.post_form("/logout", Some(&cookie), &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = site
        .post_form(
            "/logout",
            Some(&cookie),
            &[("csrf_token", &csrf::token_for("another.session"))],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let with_header = Request::post("/tickets/new")
        .header(COOKIE, &cookie)
        .header(csrf::HEADER, &csrf);
    let with_header = with_header
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("description="))
        .unwrap();
    assert_eq!(
        site.send(with_header).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the header passes; the empty form does not"
    );
    let out = site
        .post_form("/logout", Some(&cookie), &[(csrf::FIELD, &csrf)])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(header(&out, SET_COOKIE).contains("Max-Age=0"));
    assert_eq!(
        site.get("/", Some(&cookie)).await.status(),
        StatusCode::SEE_OTHER,
        "the token is revoked"
    );
}

#[tokio::test]
async fn a_call_becomes_a_ticket_that_moves() {
    let site = Site::new().await;
    let (cookie, csrf) = site.sign_in().await;
    let form = body(site.get("/tickets/new", Some(&cookie)).await).await;
    let project_id = form
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a project option")
        .to_owned();
    let created = site
        .post_form(
            "/tickets/new",
            Some(&cookie),
            &[
                (csrf::FIELD, &csrf),
                ("phone", "13812345678"),
                ("contact_name", "李女士"),
                ("project_id", &project_id),
                ("description", "厨房水管漏水，地上全是水"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let ticket = header(&created, LOCATION);
    assert!(ticket.starts_with("/tickets/"), "{ticket}");
    let page = body(site.get(&ticket, Some(&cookie)).await).await;
    assert!(
        page.contains("待受理") && page.contains("报修") && page.contains("李女士 13812345678"),
        "kind read from the text"
    );
    let accepted = site
        .post_form(
            &format!("{ticket}/actions"),
            Some(&cookie),
            &[(csrf::FIELD, &csrf), ("action", "accept"), ("text", "")],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let refused = Request::post(format!("{ticket}/actions"))
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("hx-request", "true")
        .header(csrf::HEADER, &csrf)
        .body(Body::from("action=suspend&text="))
        .unwrap();
    let refused = site.send(refused).await;
    assert_eq!(
        refused.status(),
        StatusCode::OK,
        "htmx swaps the ticket with the refusal in it"
    );
    let panel = body(refused).await;
    assert!(
        panel.contains("已受理") && panel.contains("必填"),
        "the reason is required, said in Chinese"
    );
    assert!(!panel.contains("<html"));
}

#[tokio::test]
async fn an_agent_corrects_what_the_text_said() {
    let site = Site::new().await;
    let (cookie, csrf) = site.sign_in().await;
    let form = body(site.get("/tickets/new", Some(&cookie)).await).await;
    let project_id = form
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a project option")
        .to_owned();
    let fields = [
        (csrf::FIELD, csrf.as_str()),
        ("phone", "13812345678"),
        ("project_id", &project_id),
        ("description", "厨房水管爆了，水喷得到处都是"),
    ];
    let created = site.post_form("/tickets/new", Some(&cookie), &fields).await;
    let ticket = header(&created, LOCATION);
    let page = body(site.get(&ticket, Some(&cookie)).await).await;
    assert!(
        page.contains("紧急") && page.contains("name=\"urgency\"") && page.contains("不变"),
        "read as an emergency, with the form to correct it"
    );

    let mismatch = [
        (csrf::FIELD, csrf.as_str()),
        ("action", "reclassify"),
        ("kind", "repair"),
        ("category", "complaint.noise"),
        ("urgency", ""),
        ("text", ""),
    ];
    let refused = site
        .post_form(&format!("{ticket}/actions"), Some(&cookie), &mismatch)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(refused).await.contains("与其他字段不一致"),
        "the kind and category disagree, said beside them"
    );

    let correction = [
        (csrf::FIELD, csrf.as_str()),
        ("action", "reclassify"),
        ("kind", ""),
        ("category", ""),
        ("urgency", "urgent"),
        ("text", "住户说只是渗水"),
    ];
    let corrected = site
        .post_form(&format!("{ticket}/actions"), Some(&cookie), &correction)
        .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&ticket, Some(&cookie)).await).await;
    assert!(
        page.contains("加急") && page.contains("住户说只是渗水") && page.contains("给排水"),
        "urgency corrected, the category kept, the reason in the timeline"
    );
}

#[tokio::test]
async fn english_on_request() {
    let site = Site::new().await;
    let (cookie, _) = site.sign_in().await;
    let switch = site.get("/lang/en?next=/board", Some(&cookie)).await;
    assert_eq!(header(&switch, LOCATION), "/board");
    assert!(header(&switch, SET_COOKIE).starts_with("lang=en;"));
    let english = body(site.get("/", Some(&format!("{cookie}; lang=en"))).await).await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Workbench"));
    let asked = Request::get("/login")
        .header("accept-language", "en-US,en;q=0.9")
        .body(Body::empty())
        .unwrap();
    assert!(body(site.send(asked).await).await.contains("Staff sign-in"));
}

#[tokio::test]
async fn assets_come_from_the_binary() {
    let site = Site::new().await;
    let htmx = site.get("/assets/htmx.min.js", None).await;
    assert_eq!(htmx.status(), StatusCode::OK);
    assert!(header(&htmx, CONTENT_TYPE).starts_with("text/javascript"));
    assert_eq!(
        site.get("/assets/README.md", None).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Opens an inquiry from a call through the page, as the agent; returns the ticket page's path.
async fn call_in(site: &Site, cookie: &str, csrf: &str, description: &str) -> String {
    let form = body(site.get("/tickets/new", Some(cookie)).await).await;
    let project_id = form
        .split("<option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a project option")
        .to_owned();
    let fields = [
        (csrf::FIELD, csrf),
        ("phone", "13812345678"),
        ("project_id", &project_id),
        ("kind", "inquiry"),
        ("description", description),
    ];
    let created = site.post_form("/tickets/new", Some(cookie), &fields).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    header(&created, LOCATION)
}

/// The `<li>` items of the ticket page's deadlines.
fn deadline_items(page: &str) -> Vec<String> {
    let list = page
        .split("<ul class=\"deadlines\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_default();
    list.split("<li>")
        .skip(1)
        .map(|item| item.split("</li>").next().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn each_deadline_says_which_calendar_it_counts_on() {
    let site = Site::new().await;
    let (cookie, csrf) = site.sign_in().await;
    let ticket = call_in(&site, &cookie, &csrf, "请问物业费怎么交").await;
    let items = deadline_items(&body(site.get(&ticket, Some(&cookie)).await).await);
    let item = |clock: &str| {
        items
            .iter()
            .find(|i| i.contains(clock))
            .unwrap_or_else(|| panic!("{clock} in {items:?}"))
            .clone()
    };
    // A hotline answers round the clock; an inquiry is resolved in business days.
    assert!(item("首次响应").contains("计时日历 7×24小时"), "{items:?}");
    assert!(
        item("解决").contains("计时日历 中国大陆法定节假日"),
        "{items:?}"
    );
}

#[tokio::test]
async fn warnings_and_escalations_say_which_clock_how_late_and_whom() {
    let site = Site::new().await;
    let (cookie, csrf) = site.sign_in().await;
    let ticket = call_in(&site, &cookie, &csrf, "请问发票抬头怎么改").await;
    // An hour and a half on, nobody has answered: both warnings and two rungs are due.
    site.store
        .sweep_sla("node", Utc::now() + chrono::Duration::minutes(90), 100)
        .await
        .expect("sweep");
    let page = body(site.get(&ticket, Some(&cookie)).await).await;
    assert!(
        page.contains("首次响应时限已用 50%，已提醒 客服小王"),
        "{page}"
    );
    assert!(page.contains("首次响应时限已用 80%，已提醒 客服小王"));
    // Nobody above the agent works here yet: the page says so rather than naming nobody.
    assert!(page.contains("首次响应时限超时 1 小时 15 分，升级至第 1 级：无人可通知"));
    assert!(page.contains("升级至第 2 级"));
}

/// The pilot's desk: an admin and two technicians (a gas fitter and a gardener) beside the
/// agent, and a gas leak the agent logged.
struct Desk {
    site: Site,
    agent: (String, String),
    admin: String,
    fitter: String,
    fitter_id: String,
    ticket: String,
}

impl Desk {
    async fn new() -> Desk {
        let site = Site::new().await;
        let company = site
            .store
            .ensure_company("ui", "页面测试物业", Utc::now())
            .await
            .expect("company");
        let system = Principal::system(&company.id, "test");
        let project = site
            .store
            .projects(
                &system,
                guanjia_storage::PageRequest {
                    page: 1,
                    per_page: 10,
                },
            )
            .await
            .expect("projects")
            .items
            .remove(0);
        let mut ids = vec![];
        for (username, name, role, skills) in [
            ("admin", "系统管理员", Role::Admin, vec![]),
            ("fitter", "燃气张师傅", Role::Technician, vec!["repair.gas"]),
            (
                "gardener",
                "绿化老周",
                Role::Technician,
                vec!["complaint.greening"],
            ),
        ] {
            let input = NewStaff {
                username: username.into(),
                password: PASSWORD.into(),
                name: name.into(),
                role,
                project_ids: vec![project.id.clone()],
                skills: skills.into_iter().map(str::to_owned).collect(),
                phone: None,
            };
            ids.push(
                site.store
                    .create_staff(None, &company.id, input, Utc::now())
                    .await
                    .expect("staff")
                    .staff
                    .id,
            );
        }
        let agent = site.sign_in().await;
        let fields = [
            (csrf::FIELD, agent.1.as_str()),
            ("phone", "13812345678"),
            ("project_id", &project.id),
            ("kind", "repair"),
            ("category", "repair.gas"),
            ("urgency", "urgent"),
            ("description", "厨房有燃气味"),
        ];
        let created = site
            .post_form("/tickets/new", Some(&agent.0), &fields)
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let ticket = header(&created, LOCATION);
        let admin = site.sign_in_as("admin").await.0;
        let fitter = site.sign_in_as("fitter").await.0;
        Desk {
            agent,
            admin,
            fitter,
            fitter_id: ids[1].clone(),
            ticket,
            site,
        }
    }
}

/// The ids of the elements of a page: each `id="…"` attribute (not `data-id`, not JSON).
fn element_ids(page: &str) -> Vec<&str> {
    page.match_indices("id=\"")
        .filter(|(at, _)| page[..*at].ends_with(char::is_whitespace))
        .filter_map(|(at, found)| page[at + found.len()..].split('"').next())
        .collect()
}

/// The main pages an admin has, and a technician's.
fn main_pages(desk: &Desk) -> Vec<(String, &str)> {
    let mut pages: Vec<(String, &str)> = [
        "/",
        "/?mine=true",
        "/board",
        "/tickets/new",
        "/team",
        "/dashboard",
        "/admin/import",
        "/admin",
        "/admin/calendars",
        "/admin/vocabulary",
        "/admin/policies",
        "/admin/categories",
        "/admin/teams",
        "/admin/staff",
        "/admin/residents",
        "/admin/projects",
        "/notifications",
    ]
    .into_iter()
    .map(|path| (path.to_owned(), desk.admin.as_str()))
    .collect();
    pages.push((desk.ticket.clone(), desk.admin.as_str()));
    pages.push(("/jobs".to_owned(), desk.fitter.as_str()));
    pages
}

#[tokio::test]
async fn every_staff_page_rings_the_bell_with_its_unread_count() {
    let desk = Desk::new().await;
    let (agent, csrf) = (&desk.agent.0, desk.agent.1.as_str());
    for (path, cookie) in main_pages(&desk) {
        let page = body(desk.site.get(&path, Some(cookie)).await).await;
        assert!(
            page.contains("id=\"bell-count\"") && page.contains("data-unread=\"0\""),
            "{path} has the bell at zero"
        );
    }
    let dispatch = [
        (csrf::FIELD, csrf),
        ("action", "dispatch"),
        ("assignee_id", desk.fitter_id.as_str()),
        ("team_id", ""),
        ("text", ""),
    ];
    let dispatched = desk
        .site
        .post_form(&format!("{}/actions", desk.ticket), Some(agent), &dispatch)
        .await;
    assert_eq!(dispatched.status(), StatusCode::SEE_OTHER);

    let jobs = body(desk.site.get("/jobs", Some(&desk.fitter)).await).await;
    assert!(
        jobs.contains("data-unread=\"1\" data-new-jobs=\"1\""),
        "the technician's bell counts the new job"
    );
    assert!(
        jobs.contains("class=\"tag new\""),
        "and the job is marked new on top of the list"
    );
    let count = body(
        desk.site
            .get("/notifications/count", Some(&desk.fitter))
            .await,
    )
    .await;
    assert!(
        count.starts_with("<span id=\"bell-count\"")
            && count.contains(">1<")
            && !count.contains("<html"),
        "polled alone: {count}"
    );
    let list = Request::get("/notifications")
        .header(COOKIE, &desk.fitter)
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let list = body(desk.site.send(list).await).await;
    assert!(
        list.contains("新派单：工单 GJ-") && list.contains("已派给您") && !list.contains("<html"),
        "the panel in words: {list}"
    );
    let open = list
        .split("action=\"/notifications/")
        .filter_map(|rest| rest.split('"').next())
        .find(|path| path.ends_with("/open"))
        .expect("a notification to open")
        .to_owned();
    let fitter_csrf = csrf::token_for(desk.fitter.split_once('=').unwrap().1);
    let opened = desk
        .site
        .post_form(
            &format!("/notifications/{open}"),
            Some(&desk.fitter),
            &[(csrf::FIELD, &fitter_csrf)],
        )
        .await;
    let ticket_id = desk.ticket.trim_start_matches("/tickets/");
    assert_eq!(
        header(&opened, LOCATION),
        format!("/jobs/{ticket_id}"),
        "opening it goes to the job"
    );
    let count = body(
        desk.site
            .get("/notifications/count", Some(&desk.fitter))
            .await,
    )
    .await;
    assert!(
        count.contains("data-unread=\"0\""),
        "and marks it read: {count}"
    );

    // The agent owns the ticket: told of the acceptance; "mark all read" clears the bell.
    let accepted = desk
        .site
        .post_form(
            &format!("/jobs/{ticket_id}/actions"),
            Some(&desk.fitter),
            &[(csrf::FIELD, &fitter_csrf), ("action", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let english = body(
        desk.site
            .get("/notifications", Some(&format!("{agent}; lang=en")))
            .await,
    )
    .await;
    assert!(
        english.contains("you own: Accept") && english.contains("data-unread=\"1\""),
        "in the reader's language"
    );
    let all_read = desk
        .site
        .post_form(
            "/notifications/read-all",
            Some(agent),
            &[(csrf::FIELD, csrf)],
        )
        .await;
    assert_eq!(header(&all_read, LOCATION), "/notifications");
    assert!(
        body(desk.site.get("/", Some(agent)).await)
            .await
            .contains("data-unread=\"0\"")
    );
}

#[tokio::test]
async fn english_pages_use_english_colons_and_no_page_repeats_an_id() {
    let desk = Desk::new().await;
    // Automatic dispatch's reasons are on the ticket page: in the reader's words, not stored Chinese.
    let company = desk
        .site
        .store
        .companies()
        .await
        .expect("companies")
        .remove(0);
    let ticket_id = desk.ticket.rsplit('/').next().expect("the ticket's id");
    desk.site
        .store
        .auto_dispatch(
            &Principal::system(&company.id, "test"),
            ticket_id,
            Utc::now(),
        )
        .await
        .expect("dispatched");
    let english = body(
        desk.site
            .get(&desk.ticket, Some(&format!("{}; lang=en", desk.admin)))
            .await,
    )
    .await;
    assert!(
        english.contains("2 considered, 1 eligible; passed over: 绿化老周 (no skill for it); ")
            && english.contains(
                "assigned to 燃气张师傅: skill repair.gas, on duty, 0 open (by least load)"
            ),
        "the English ticket page explains the dispatch in English"
    );
    let chinese = body(desk.site.get(&desk.ticket, Some(&desk.admin)).await).await;
    assert!(chinese.contains("派给燃气张师傅：技能 repair.gas，在班，待办 0 单（待办最少）"));
    for (path, cookie) in main_pages(&desk) {
        for lang in ["zh", "en"] {
            let response = desk
                .site
                .get(&path, Some(&format!("{cookie}; lang={lang}")))
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let page = body(response).await;
            let mut ids = element_ids(&page);
            assert!(ids.len() > 3, "{path}: ids found");
            ids.sort_unstable();
            let repeated: Vec<&&str> = ids
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| &w[0])
                .collect();
            assert!(
                repeated.is_empty(),
                "{path} ({lang}) repeats ids {repeated:?}"
            );
            if lang == "en" {
                assert!(
                    !page.contains('：'),
                    "{path} in English has a full-width colon near {:?}",
                    page.find('：').map(|at| &page[at.saturating_sub(80)..at])
                );
            }
        }
    }
}

#[tokio::test]
async fn dispatch_offers_technicians_in_the_pipelines_order_with_skills_by_name() {
    let desk = Desk::new().await;
    let page = body(desk.site.get(&desk.ticket, Some(&desk.admin)).await).await;
    let select = page
        .split("name=\"assignee_id\">")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the dispatch form's assignees");
    let options: Vec<&str> = select.split("<option").skip(1).collect();
    assert!(options[0].contains("value=\"\""), "nobody chosen first");
    assert!(
        options[1].contains("燃气张师傅 · ✓ 技能 燃气 · 本网格 · 在岗 · 在办 0"),
        "the gas fitter first, and why: {select}"
    );
    assert!(
        options[2].contains("绿化老周 · ✗ 无此技能"),
        "the gardener marked without the skill: {select}"
    );
    assert!(
        !select.contains("客服小王")
            && !select.contains("系统管理员")
            && !select.contains("repair."),
        "technicians only, skills by name: {select}"
    );
    let team = body(desk.site.get("/team", Some(&desk.admin)).await).await;
    let first = team
        .split("name=\"assignee_id\" required>")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("a reassign form");
    let fitter = first.find("燃气张师傅 · ✓").expect("the fitter offered");
    assert!(
        first
            .find("绿化老周 · ✗ 无此技能")
            .is_some_and(|gardener| fitter < gardener),
        "/team ranks the same way: {first}"
    );
}

#[tokio::test]
async fn the_favicon_is_served_and_linked() {
    let site = Site::new().await;
    let icon = site.get("/favicon.ico", None).await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(header(&icon, CONTENT_TYPE), "image/x-icon");
    let bytes = to_bytes(icon.into_body(), usize::MAX).await.unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an icon file");
    let login = body(site.get("/login", None).await).await;
    assert!(login.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
}
