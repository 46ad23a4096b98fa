//! The residents' pages and the job page's work over a real store: sign-in by code from the
//! outbox, who may open what, a report with a photo, the bill, the rating.

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Request, StatusCode};
use chrono::Utc;
use guanjia_domain::dispatch::NewPriceItem;
use guanjia_domain::place::RoomKind;
use guanjia_domain::resident::{ResidentRole, ServiceTier};
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewResident, NewRoom, NewStaff};
use guanjia_storage::{PageRequest, Principal, Store};

use crate::ui::csrf;
use crate::ui::tests::{PASSWORD, Site, body, header};

const LI: &str = "13800000001";
const WANG: &str = "13800000002";

/// The page-test site with a building, two households (李女士 and 王先生), a technician and a
/// price list.
struct Estate {
    site: Site,
    store: Store,
    company_id: String,
    price_item: String,
}

impl Estate {
    async fn new() -> Estate {
        let site = Site::new().await;
        let store = site.store.clone();
        let now = Utc::now();
        let company = store
            .ensure_company("ui", "页面测试物业", now)
            .await
            .expect("company");
        let system = Principal::system(&company.id, "test");
        let project = store
            .projects(
                &system,
                PageRequest {
                    page: 1,
                    per_page: 10,
                },
            )
            .await
            .expect("projects")
            .items
            .remove(0);
        let building = store
            .create_building(&system, &project.id, "3栋".into(), now)
            .await
            .expect("building");
        for (number, name, phone) in [("1502", "李女士", LI), ("801", "王先生", WANG)] {
            let room = NewRoom {
                unit: "1单元".into(),
                number: number.into(),
                kind: RoomKind::Residential,
                floor: None,
                area_m2: None,
            };
            let room = store
                .create_room(&system, &building.id, room, now)
                .await
                .expect("room");
            let resident = NewResident {
                name: name.into(),
                phone: phone.into(),
                room_id: room.id,
                role: ResidentRole::Owner,
                tier: ServiceTier::Basic,
            };
            store
                .create_resident(&system, resident, now)
                .await
                .expect("resident");
        }
        let technician = NewStaff {
            username: "tech".into(),
            password: PASSWORD.into(),
            name: "张师傅".into(),
            role: Role::Technician,
            project_ids: vec![project.id.clone()],
            skills: vec![],
            phone: None,
        };
        store
            .create_staff(None, &company.id, technician, now)
            .await
            .expect("technician");
        let item = NewPriceItem {
            project_id: project.id,
            name: "更换角阀".into(),
            unit: "个".into(),
            price_cents: 8000,
            active: true,
        };
        let price_item = store
            .create_price_item(&system, item, now)
            .await
            .expect("price item")
            .id;
        Estate {
            site,
            store,
            company_id: company.id,
            price_item,
        }
    }

    /// Signs a resident in through the pages, reading the code from the outbox as SMS would.
    async fn resident(&self, phone: &str) -> (String, String) {
        let sent = self
            .site
            .post_form("/h5/login/code", None, &[("phone", phone)])
            .await;
        assert_eq!(sent.status(), StatusCode::OK);
        assert!(body(sent).await.contains("验证码已发送"));
        let code = self.code_sent_to(phone).await;
        let response = self
            .site
            .post_form("/h5/login", None, &[("phone", phone), ("code", &code)])
            .await;
        assert_eq!(
            (response.status(), header(&response, LOCATION)),
            (StatusCode::SEE_OTHER, "/h5".to_owned())
        );
        cookie_and_token(&response)
    }

    async fn code_sent_to(&self, phone: &str) -> String {
        let who = Principal::resident(&self.company_id, phone, "", vec![]);
        let outbox = self
            .store
            .notifications(
                &who,
                false,
                PageRequest {
                    page: 1,
                    per_page: 10,
                },
            )
            .await
            .expect("outbox");
        let sent = outbox
            .items
            .iter()
            .find(|n| n.kind == "sign_in_code")
            .expect("the code went through the outbox");
        sent.details["code"].as_str().expect("a code").to_owned()
    }

    async fn staff(&self, username: &str) -> (String, String) {
        let response = self
            .site
            .post_form(
                "/login",
                None,
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        cookie_and_token(&response)
    }

    async fn post_multipart(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> axum::http::Response<Body> {
        const BOUNDARY: &str = "gj-test-boundary";
        let mut bytes = Vec::new();
        for (name, value) in fields {
            bytes.extend(format!("--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes());
        }
        for (name, file) in files {
            bytes.extend(format!("--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"p.png\"\r\ncontent-type: image/png\r\n\r\n").into_bytes());
            bytes.extend(file);
            bytes.extend(b"\r\n");
        }
        bytes.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
        let request = Request::post(path).header(COOKIE, cookie).header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
        self.site
            .send(request.body(Body::from(bytes)).unwrap())
            .await
    }

    /// A report by the resident of `cookie`: the request's path.
    async fn report(&self, (cookie, csrf): &(String, String), description: &str) -> String {
        let fields = [(csrf::FIELD, csrf.as_str()), ("description", description)];
        let response = self
            .post_multipart("/h5/report", cookie, &fields, &[("photos", png())])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            body(response).await
        );
        header(&response, LOCATION)
    }
}

fn cookie_and_token(response: &axum::http::Response<Body>) -> (String, String) {
    let pair = header(response, SET_COOKIE)
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = pair.split_once('=').unwrap().1.to_owned();
    (pair, csrf::token_for(&token))
}

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([40, 90, 160]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test]
async fn residents_sign_in_with_the_code_the_outbox_carries() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let stranger = site.get("/h5/requests/abc", None).await;
    assert_eq!(
        header(&stranger, LOCATION),
        "/h5/login?next=%2Fh5%2Frequests%2Fabc"
    );
    assert_eq!(header(&site.get("/h5", None).await, LOCATION), "/h5/login");
    let form = body(site.get("/h5/login", None).await).await;
    assert!(
        form.contains("业主登录") && form.contains("type=\"tel\""),
        "{form}"
    );

    let bad = site
        .post_form("/h5/login/code", None, &[("phone", "12345")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(bad).await.contains("请输入正确的 11 位手机号"));
    // A number nobody registered gets the same answer, and nothing is sent.
    let unknown = site
        .post_form("/h5/login/code", None, &[("phone", "13900009999")])
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    assert!(body(unknown).await.contains("验证码已发送"));

    site.post_form("/h5/login/code", None, &[("phone", LI)])
        .await;
    let code = estate.code_sent_to(LI).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = site
        .post_form("/h5/login", None, &[("phone", LI), ("code", wrong)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(body(refused).await.contains("验证码错误或已过期"));
    let forged = Request::post("/h5/login")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("host", "guanjia.example")
        .header("origin", "https://evil.example")
        .body(Body::from(format!("phone={LI}&code={code}")))
        .unwrap();
    assert_eq!(site.send(forged).await.status(), StatusCode::FORBIDDEN);
    let signed_in = site
        .post_form(
            "/h5/login",
            None,
            &[("phone", LI), ("code", &code), ("next", "/h5/report")],
        )
        .await;
    assert_eq!(header(&signed_in, LOCATION), "/h5/report");
    let (cookie, _) = cookie_and_token(&signed_in);
    let list = body(site.get("/h5", Some(&cookie)).await).await;
    assert!(
        list.contains("我的报事") && list.contains("您还没有报事记录") && list.contains("李女士"),
        "{list}"
    );
    let again = site
        .post_form("/h5/login", None, &[("phone", LI), ("code", &code)])
        .await;
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
    assert!(
        list.contains("class=\"brand\" href=\"/h5\""),
        "the brand leads home to their requests"
    );
    let switch = site.get("/lang/en?next=/h5", Some(&cookie)).await;
    assert_eq!(header(&switch, LOCATION), "/h5");
    let english = body(site.get("/h5", Some(&format!("{cookie}; lang=en"))).await).await;
    assert!(
        english.contains("<html lang=\"en\">")
            && english.contains("No requests yet")
            && english.contains("Report a problem"),
        "{english}"
    );
    let english = body(site.get("/h5/login", Some("lang=en")).await).await;
    assert!(english.contains("Resident sign-in") && english.contains("Send me a code"));
}

#[tokio::test]
async fn staff_and_residents_keep_to_their_own_pages() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let (agent, _) = estate.staff("agent").await;
    let (resident, csrf) = estate.resident(LI).await;
    for path in ["/h5", "/h5/report", "/h5/requests/abc"] {
        let response = site.get(path, Some(&agent)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            header(&response, LOCATION).starts_with("/h5/login"),
            "staff are refused on {path}"
        );
    }
    for (path, to) in [
        ("/", "/login"),
        ("/jobs", "/login?next=%2Fjobs"),
        ("/tickets/new", "/login?next=%2Ftickets%2Fnew"),
    ] {
        assert_eq!(
            header(&site.get(path, Some(&resident)).await, LOCATION),
            to,
            "residents are refused on {path}"
        );
    }
    let posted = site
        .post_form(
            "/tickets/new",
            Some(&resident),
            &[(csrf::FIELD, &csrf), ("description", "漏水")],
        )
        .await;
    assert_eq!(
        posted.status(),
        StatusCode::SEE_OTHER,
        "nor may they post there"
    );
    // Signing out from the phone ends the session and comes back to the residents' sign-in.
    let out = site
        .post_form("/logout", Some(&resident), &[(csrf::FIELD, &csrf)])
        .await;
    assert_eq!(header(&out, LOCATION), "/h5/login");
    assert_eq!(
        header(&site.get("/h5", Some(&resident)).await, LOCATION),
        "/h5/login"
    );
}

#[tokio::test]
async fn a_report_with_a_photo_is_seen_by_its_household_alone() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let li = estate.resident(LI).await;
    let form = body(site.get("/h5/report", Some(&li.0)).await).await;
    assert!(
        form.contains("3栋1单元1502")
            && form.contains("capture=\"environment\"")
            && form.contains("<optgroup"),
        "{form}"
    );

    let without_token = estate
        .post_multipart("/h5/report", &li.0, &[("description", "厨房漏水")], &[])
        .await;
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let bad_photo = [(csrf::FIELD, li.1.as_str()), ("description", "厨房漏水")];
    let refused = estate
        .post_multipart(
            "/h5/report",
            &li.0,
            &bad_photo,
            &[("photos", b"not a photo at all".to_vec())],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("文件") && page.contains("格式不正确") && page.contains("厨房漏水"),
        "said, and what was typed kept: {page}"
    );
    let empty = estate
        .post_multipart("/h5/report", &li.0, &[(csrf::FIELD, li.1.as_str())], &[])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(empty).await.contains("问题描述"));
    assert!(
        body(site.get("/h5", Some(&li.0)).await)
            .await
            .contains("您还没有报事记录"),
        "nothing was opened"
    );

    let request = estate.report(&li, "卫生间天花板漏水，滴到地板上了").await;
    assert!(request.starts_with("/h5/requests/"), "{request}");
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("报修") && page.contains("已提交") && page.contains("3栋1单元1502"),
        "{page}"
    );
    let thumbnail = page
        .split("src=\"/h5/photos/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a thumbnail")
        .to_owned();
    let image = site
        .get(&format!("/h5/photos/{thumbnail}"), Some(&li.0))
        .await;
    assert_eq!(
        (image.status(), header(&image, CONTENT_TYPE)),
        (StatusCode::OK, "image/jpeg".to_owned())
    );
    assert!(
        body(site.get("/h5", Some(&li.0)).await)
            .await
            .contains("卫生间天花板漏水")
    );

    // The desk writes an internal note and a word for the resident: only the latter shows.
    let id = request.trim_start_matches("/h5/requests/");
    let (agent, agent_csrf) = estate.staff("agent").await;
    for (text, visibility) in [
        ("内部备注：业主脾气急", "internal"),
        ("维修师傅下午两点到", "resident"),
    ] {
        let form = [
            (csrf::FIELD, agent_csrf.as_str()),
            ("action", "comment"),
            ("text", text),
            ("visibility", visibility),
        ];
        assert_eq!(
            site.post_form(&format!("/tickets/{id}/actions"), Some(&agent), &form)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("维修师傅下午两点到") && !page.contains("业主脾气急"),
        "{page}"
    );

    // Another household: not found, photos included, and not in their list.
    let wang = estate.resident(WANG).await;
    let other = site.get(&request, Some(&wang.0)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert!(body(other).await.contains("对象不存在"));
    assert_eq!(
        site.get(&format!("/h5/photos/{thumbnail}"), Some(&wang.0))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !body(site.get("/h5", Some(&wang.0)).await)
            .await
            .contains("卫生间天花板漏水")
    );
    let rate = site
        .post_form(
            &format!("{request}/rate"),
            Some(&wang.0),
            &[(csrf::FIELD, &wang.1), ("overall", "1")],
        )
        .await;
    assert_eq!(rate.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_technician_bills_from_the_price_list_and_the_resident_confirms_and_rates() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let li = estate.resident(LI).await;
    let request = estate.report(&li, "厨房角阀漏水").await;
    let id = request.trim_start_matches("/h5/requests/").to_owned();
    let (agent, agent_csrf) = estate.staff("agent").await;
    let desk = format!("/tickets/{id}/actions");
    assert_eq!(
        site.post_form(
            &desk,
            Some(&agent),
            &[(csrf::FIELD, &agent_csrf), ("action", "accept")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let panel = body(site.get(&format!("/tickets/{id}"), Some(&agent)).await).await;
    let tech_id = panel
        .split("<option value=\"")
        .find(|o| o.contains("张师傅"))
        .and_then(|o| o.split('"').next())
        .expect("the technician")
        .to_owned();
    let dispatch = [
        (csrf::FIELD, agent_csrf.as_str()),
        ("action", "dispatch"),
        ("assignee_id", tech_id.as_str()),
    ];
    assert_eq!(
        site.post_form(&desk, Some(&agent), &dispatch)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let (tech, tech_csrf) = estate.staff("tech").await;
    let job = format!("/jobs/{id}");
    let accepted = site
        .post_form(
            &format!("{job}/actions"),
            Some(&tech),
            &[(csrf::FIELD, &tech_csrf), ("action", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let again = site
        .post_form(
            &format!("{job}/actions"),
            Some(&tech),
            &[(csrf::FIELD, &tech_csrf), ("action", "accept")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = body(again).await;
    assert!(
        page.contains("工单当前状态不允许此操作") && page.contains("id=\"job-work\""),
        "a refusal without scripts keeps the whole job page: {page}"
    );
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        page.contains("请求手机定位") && page.contains("/assets/checkin.js?v="),
        "the arrival asks for the position: {page}"
    );
    // The page adds where the phone is to the arrival.
    let arrive = [
        (csrf::FIELD, tech_csrf.as_str()),
        ("action", "arrive"),
        ("latitude", "30.274100"),
        ("longitude", "120.155100"),
    ];
    assert_eq!(
        site.post_form(&format!("{job}/actions"), Some(&tech), &arrive)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let events = estate
        .store
        .ticket_events(&Principal::system(&estate.company_id, "test"), &id)
        .await
        .expect("events");
    let arrival = events
        .iter()
        .find(|e| e.action == "arrive")
        .expect("arrived");
    assert_eq!(
        arrival.details["location"],
        serde_json::json!({ "latitude": 30.2741, "longitude": 120.1551 })
    );
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        page.contains("id=\"ticket\"")
            && page.contains("id=\"job-work\"")
            && page.contains("完工登记"),
        "panel and work: {page}"
    );
    assert!(
        page.contains("更换角阀")
            && page.contains("¥80.00")
            && page.contains("capture=\"environment\"")
    );
    let fragment = body(site.get(&format!("{job}/work"), Some(&tech)).await).await;
    assert!(fragment.starts_with("<div id=\"job-work\"") && !fragment.contains("<html"));

    let bad = estate
        .post_multipart(
            &format!("{job}/photos"),
            &tech,
            &[(csrf::FIELD, &tech_csrf)],
            &[("photos", b"GIF89a".to_vec())],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(bad).await.contains("文件：格式不正确"),
        "a bad photo is refused on the job page"
    );
    let photo = estate
        .post_multipart(
            &format!("{job}/photos"),
            &tech,
            &[(csrf::FIELD, &tech_csrf)],
            &[("photos", png())],
        )
        .await;
    assert_eq!(
        (photo.status(), header(&photo, LOCATION)),
        (StatusCode::SEE_OTHER, job.clone())
    );
    let quantity = format!("qty:{}", estate.price_item);
    let refused = site
        .post_form(
            &format!("{job}/work"),
            Some(&tech),
            &[
                (csrf::FIELD, &tech_csrf),
                ("body", "更换角阀"),
                ("confirm", "true"),
                (&quantity, "两个"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("有偿服务第 1 行的数量：格式不正确") && page.contains("处理中"),
        "refused, naming the row, and unchanged: {page}"
    );
    let without_token = site
        .post_form(&format!("{job}/work"), Some(&tech), &[("body", "更换角阀")])
        .await;
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let work = [
        (csrf::FIELD, tech_csrf.as_str()),
        ("body", "更换了厨房角阀"),
        ("material_name", "角阀"),
        ("material_quantity", "2"),
        ("material_unit", "个"),
        (quantity.as_str(), "2"),
        ("tell_resident", "true"),
        ("confirm", "true"),
    ];
    assert_eq!(
        site.post_form(&format!("{job}/work"), Some(&tech), &work)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        page.contains("¥160.00") && page.contains("待业主确认") && !page.contains("完工登记"),
        "{page}"
    );

    // The resident sees the progress, the work photo and the bill, confirms it and rates.
    assert!(
        body(site.get("/h5", Some(&li.0)).await)
            .await
            .contains("请评价")
    );
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("更换了厨房角阀")
            && page.contains("¥160.00")
            && page.contains("确认收费")
            && page.contains("评价本次服务"),
        "{page}"
    );
    assert!(
        page.contains("使用材料") && page.contains("角阀 × 2 个"),
        "the materials used: {page}"
    );
    assert_eq!(
        page.matches("src=\"/h5/photos/").count(),
        4,
        "two photos, each in the gallery and the timeline"
    );
    let confirmed = site
        .post_form(
            &format!("{request}/charges"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("accepted", "true")],
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let unrated = site
        .post_form(
            &format!("{request}/rate"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("comment", "很好")],
        )
        .await;
    assert_eq!(unrated.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(unrated).await.contains("总体满意度：必填"));
    let forged = site
        .post_form(&format!("{request}/rate"), Some(&li.0), &[("overall", "5")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let rated = site
        .post_form(
            &format!("{request}/rate"),
            Some(&li.0),
            &[
                (csrf::FIELD, &li.1),
                ("overall", "5"),
                ("attitude", "5"),
                ("comment", "张师傅很细心"),
            ],
        )
        .await;
    assert_eq!(rated.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("已办结")
            && page.contains("★★★★★")
            && page.contains("您的评价")
            && page.contains("已确认")
            && !page.contains("评价本次服务"),
        "{page}"
    );
    assert!(
        !body(site.get("/h5", Some(&li.0)).await)
            .await
            .contains("请评价"),
        "nothing left to rate"
    );
}

/// The job's technician signed in, with the request `id` dispatched to them and accepted.
async fn dispatched_and_accepted(estate: &Estate, id: &str, note: &str) -> (String, String) {
    let site = &estate.site;
    let (agent, agent_csrf) = estate.staff("agent").await;
    let desk = format!("/tickets/{id}/actions");
    assert_eq!(
        site.post_form(
            &desk,
            Some(&agent),
            &[(csrf::FIELD, &agent_csrf), ("action", "accept")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let panel = body(site.get(&format!("/tickets/{id}"), Some(&agent)).await).await;
    assert!(
        panel.contains("告知住户"),
        "staff forms offer to tell the resident: {panel}"
    );
    let tech_id = panel
        .split("<option value=\"")
        .find(|o| o.contains("张师傅"))
        .and_then(|o| o.split('"').next())
        .expect("the technician")
        .to_owned();
    let dispatch = [
        (csrf::FIELD, agent_csrf.as_str()),
        ("action", "dispatch"),
        ("assignee_id", tech_id.as_str()),
        ("text", note),
    ];
    assert_eq!(
        site.post_form(&desk, Some(&agent), &dispatch)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (tech, tech_csrf) = estate.staff("tech").await;
    let accepted = site
        .post_form(
            &format!("/jobs/{id}/actions"),
            Some(&tech),
            &[(csrf::FIELD, &tech_csrf), ("action", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    (tech, tech_csrf)
}

#[tokio::test]
async fn the_job_is_finished_only_through_the_confirmed_form_with_the_work_done() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let li = estate.resident(LI).await;
    let request = estate.report(&li, "热水器不出热水").await;
    let id = request.trim_start_matches("/h5/requests/").to_owned();
    let (tech, tech_csrf) = dispatched_and_accepted(&estate, &id, "").await;
    let job = format!("/jobs/{id}");
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        !page.contains("name=\"action\" value=\"resolve\""),
        "no one-tap finish on the phone: {page}"
    );
    assert!(
        page.contains("name=\"confirm\"") && page.contains("确认完工"),
        "the finish asks for a confirmation: {page}"
    );
    assert!(
        page.contains("每单共 30 张") && page.contains("10 MB"),
        "the photo hint says it all: {page}"
    );
    let arrive = [(csrf::FIELD, tech_csrf.as_str()), ("action", "arrive")];
    assert_eq!(
        site.post_form(&format!("{job}/actions"), Some(&tech), &arrive)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        !page.contains("name=\"action\" value=\"arrive\""),
        "arrive is gone once on site: {page}"
    );

    let unconfirmed = site
        .post_form(
            &format!("{job}/work"),
            Some(&tech),
            &[(csrf::FIELD, &tech_csrf), ("body", "更换温控器")],
        )
        .await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(unconfirmed).await.contains("确认完工：必填"));
    let empty = site
        .post_form(
            &format!("{job}/work"),
            Some(&tech),
            &[
                (csrf::FIELD, &tech_csrf),
                ("body", " "),
                ("confirm", "true"),
            ],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(empty).await;
    assert!(
        page.contains("内容：必填") && page.contains("完工登记"),
        "refused, the form is still there: {page}"
    );
    let done = [
        (csrf::FIELD, tech_csrf.as_str()),
        ("body", "更换温控器"),
        ("material_name", "温控器"),
        ("material_quantity", "1"),
        ("material_unit", "个"),
        ("confirm", "true"),
    ];
    assert_eq!(
        site.post_form(&format!("{job}/work"), Some(&tech), &done)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = body(site.get(&job, Some(&tech)).await).await;
    assert!(
        page.contains("使用材料") && page.contains("温控器 × 1 个"),
        "the materials on the job page: {page}"
    );
    let resident_page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        resident_page.contains("温控器 × 1 个") && !resident_page.contains("更换温控器"),
        "the work note stays internal unless told: {resident_page}"
    );
}

#[tokio::test]
async fn residents_read_the_work_in_their_words_and_act_on_their_request() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let li = estate.resident(LI).await;
    let request = estate.report(&li, "卫生间下水道堵了").await;
    let id = request.trim_start_matches("/h5/requests/").to_owned();
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("取消报事") && page.contains("预计响应时间"),
        "before work starts: cancel, and when to expect an answer: {page}"
    );
    let (tech, tech_csrf) = dispatched_and_accepted(&estate, &id, "内部：该户欠物业费").await;
    let arrive = [(csrf::FIELD, tech_csrf.as_str()), ("action", "arrive")];
    assert_eq!(
        site.post_form(&format!("/jobs/{id}/actions"), Some(&tech), &arrive)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let page = body(site.get(&request, Some(&li.0)).await).await;
    for words in ["已受理", "正在安排师傅", "师傅已接单", "师傅已到场"] {
        assert!(page.contains(words), "{words}: {page}");
    }
    for workflow in ["已派单", "处理中", "待回访", "该户欠物业费", "取消报事"] {
        assert!(
            !page.contains(workflow),
            "{workflow} reached the resident: {page}"
        );
    }
    let list = body(site.get("/h5", Some(&li.0)).await).await;
    assert!(
        list.contains("师傅已到场") && !list.contains("处理中"),
        "{list}"
    );

    let added = site
        .post_form(
            &format!("{request}/comments"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("text", "家里下午三点后有人")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let chased = site
        .post_form(
            &format!("{request}/chase"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1)],
        )
        .await;
    assert_eq!(chased.status(), StatusCode::SEE_OTHER);
    let metrics = body(site.get("/metrics", None).await).await;
    assert!(
        metrics.contains(r#"guanjia_ticket_actions_total{action="chase"}"#),
        "a resident's action is counted like the desk's: {metrics}"
    );
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("追加说明") && page.contains("家里下午三点后有人") && page.contains("已催单"),
        "{page}"
    );
    let again = site
        .post_form(
            &format!("{request}/chase"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(body(again).await.contains("一小时内已催办过"));
    let tech_page = body(site.get(&format!("/jobs/{id}"), Some(&tech)).await).await;
    assert!(
        tech_page.contains("家里下午三点后有人"),
        "the technician reads what the resident added"
    );

    // Another request, not started yet, the resident withdraws.
    let other = estate.report(&li, "楼道灯不亮").await;
    let refused = site
        .post_form(
            &format!("{other}/cancel"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("text", " ")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let cancelled = site
        .post_form(
            &format!("{other}/cancel"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("text", "灯已经自己好了")],
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&other, Some(&li.0)).await).await;
    assert!(
        page.contains("已取消") && page.contains("灯已经自己好了") && !page.contains("取消报事"),
        "{page}"
    );
}

#[tokio::test]
async fn residents_see_their_property_company_and_rate_with_stars_once() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let company = estate
        .store
        .companies()
        .await
        .expect("companies")
        .into_iter()
        .find(|c| c.id == estate.company_id)
        .expect("company");
    let admin = Principal::system(&company.id, "admin");
    estate
        .store
        .set_company_display_name(&admin, Some("翠湖物业服务中心".into()), Utc::now())
        .await
        .expect("named");
    estate
        .store
        .set_company_logo(&admin, png(), Utc::now())
        .await
        .expect("logo");
    let li = estate.resident(LI).await;
    let list = body(site.get("/h5", Some(&li.0)).await).await;
    assert!(
        list.contains("翠湖物业服务中心")
            && list.contains("src=\"/h5/logo\"")
            && !list.contains("管家 · 物业客服"),
        "{list}"
    );
    let logo = site.get("/h5/logo", Some(&li.0)).await;
    assert_eq!(
        (logo.status(), header(&logo, CONTENT_TYPE)),
        (StatusCode::OK, "image/jpeg".to_owned())
    );

    let request = estate.report(&li, "门口地砖松动").await;
    let id = request.trim_start_matches("/h5/requests/").to_owned();
    let (agent, agent_csrf) = estate.staff("agent").await;
    for action in ["accept", "resolve"] {
        let form = [(csrf::FIELD, agent_csrf.as_str()), ("action", action)];
        assert_eq!(
            site.post_form(&format!("/tickets/{id}/actions"), Some(&agent), &form)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("请评价")
            && page.contains("class=\"scale stars\"")
            && page.contains("type=\"radio\" name=\"overall\" value=\"5\""),
        "stars to tap: {page}"
    );
    let rated = site
        .post_form(
            &format!("{request}/rate"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("overall", "4")],
        )
        .await;
    assert_eq!(rated.status(), StatusCode::SEE_OTHER);
    let page = body(site.get(&request, Some(&li.0)).await).await;
    assert!(
        page.contains("<span class=\"on\">★★★★</span><span class=\"off\">☆</span>")
            && !page.contains("评价本次服务"),
        "the rating given instead of the form: {page}"
    );
    let again = site
        .post_form(
            &format!("{request}/rate"),
            Some(&li.0),
            &[(csrf::FIELD, &li.1), ("overall", "1")],
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "one rating per resolution"
    );
}

#[tokio::test]
async fn a_resident_sends_a_photo_in_the_chat_and_the_agent_sees_it_inline() {
    let estate = Estate::new().await;
    let site = &estate.site;
    let li = estate.resident(LI).await;
    let form = body(site.get("/h5/chat", Some(&li.0)).await).await;
    assert!(
        form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"photos\""),
        "{form}"
    );

    // Not a photo: refused on the page, saying why, and nothing is sent.
    let refused = estate
        .post_multipart(
            "/h5/chat",
            &li.0,
            &[(csrf::FIELD, li.1.as_str()), ("text", "门口的灯")],
            &[("photos", b"not a photo at all".to_vec())],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(
        page.contains("role=\"alert\"") && page.contains("格式不正确"),
        "{page}"
    );
    assert!(!page.contains("class=\"bubble"), "nothing was sent");

    // A photo alone is a message.
    let sent = estate
        .post_multipart(
            "/h5/chat",
            &li.0,
            &[(csrf::FIELD, li.1.as_str()), ("text", "")],
            &[("photos", png())],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let chat = body(site.get("/h5/chat", Some(&li.0)).await).await;
    let mine = chat
        .split("src=\"/h5/chat/files/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the photo in the resident's thread")
        .to_owned();
    let photo = site
        .get(&format!("/h5/chat/files/{mine}"), Some(&li.0))
        .await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(header(&photo, CONTENT_TYPE), "image/png");

    // The agent's inbox shows it inline; another resident may not fetch it.
    let (agent, _) = estate.staff("agent").await;
    let conversation = mine.split('/').next().unwrap();
    let inbox = body(
        site.get(&format!("/inbox?c={conversation}"), Some(&agent))
            .await,
    )
    .await;
    let theirs = inbox
        .split("<img src=\"/inbox/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the photo inline in the inbox")
        .to_owned();
    let photo = site.get(&format!("/inbox/{theirs}"), Some(&agent)).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(header(&photo, CONTENT_TYPE), "image/png");
    let bytes = axum::body::to_bytes(photo.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), png().as_slice());
    let wang = estate.resident(WANG).await;
    let other = site
        .get(&format!("/h5/chat/files/{mine}"), Some(&wang.0))
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}
