//! Abuse and odd input through the real HTTP API, on SQLite and on PostgreSQL: sign-in guessing
//! and code flooding, text nobody types, wildcards in searches, redirects off the site, and the
//! headers every answer carries.

mod common;

use chrono::{Duration, Utc};
use common::{PASSWORD, Server};
use guanjia_storage::StorageError;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    staff_guesses_slow_down_without_locking_anyone_out,
    parallel_guesses_are_counted_before_they_are_compared,
    sign_in_codes_are_limited_and_wrong_guesses_outlive_the_code,
    control_characters_are_refused_and_change_nothing,
    search_wildcards_are_characters,
    answers_carry_security_headers_and_stay_on_the_site,
    photo_bombs_are_refused_before_they_are_decoded,
    the_openapi_document_says_what_the_server_answers,
);

/// The status, the error code and the `Retry-After` header of a sign-in.
async fn sign_in(server: &Server, path: &str, body: Value) -> (StatusCode, Value, Option<i64>) {
    let response = server
        .client
        .post(server.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (status, response.json().await.unwrap_or(Value::Null), retry)
}

async fn staff_guesses_slow_down_without_locking_anyone_out(server: Server) {
    let _site = server.site("thr").await;
    // A real account and one that does not exist are answered exactly alike.
    for username in ["thr-tech", "nobody-at-all"] {
        for attempt in 1..=5 {
            let (status, body, _) = sign_in(
                &server,
                "/api/v1/auth/login",
                json!({ "username": username, "password": "wrong-password" }),
            )
            .await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("invalid_credentials")),
                "{username} #{attempt}"
            );
        }
        let (status, body, retry) = sign_in(
            &server,
            "/api/v1/auth/login",
            json!({ "username": username, "password": PASSWORD }),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
            "{username}: {body}"
        );
        let retry = retry.expect("Retry-After");
        assert!((1..=15).contains(&retry), "{retry}");
        assert_eq!(
            body["error"]["details"]["retry_after_seconds"].as_i64(),
            Some(retry)
        );
    }
    // The staff member at another address is not locked out by someone guessing here.
    let now = Utc::now();
    server
        .store
        .login("thr-tech", PASSWORD, "198.51.100.7", now)
        .await
        .expect("another address signs in");
    // Here, once the wait is over, the right password works and the count starts over.
    let later = now + Duration::seconds(16);
    server
        .store
        .login("thr-tech", PASSWORD, "127.0.0.1", later)
        .await
        .expect("after the wait");
    for _ in 1..=5 {
        let refused = server
            .store
            .login("thr-tech", "wrong-password", "127.0.0.1", later)
            .await;
        assert!(
            matches!(refused, Err(StorageError::Unauthenticated)),
            "{refused:?}"
        );
    }
    // Each further failure waits longer: 15 s, then 30 s.
    let next = later + Duration::seconds(16);
    assert!(matches!(
        server
            .store
            .login("thr-tech", "wrong-password", "127.0.0.1", next)
            .await,
        Err(StorageError::Unauthenticated)
    ));
    let refused = server
        .store
        .login(
            "thr-tech",
            PASSWORD,
            "127.0.0.1",
            next + Duration::seconds(16),
        )
        .await;
    assert!(
        matches!(refused, Err(StorageError::Throttled(until)) if until > next + Duration::seconds(29)),
        "{refused:?}"
    );
}

/// Runs `bodies` against `path` all at once; the statuses.
async fn all_at_once(server: &Server, path: &str, bodies: Vec<Value>) -> Vec<StatusCode> {
    let mut running = tokio::task::JoinSet::new();
    for body in bodies {
        let (client, url) = (server.client.clone(), server.url(path));
        running.spawn(async move { client.post(url).json(&body).send().await.unwrap().status() });
    }
    running.join_all().await
}

async fn parallel_guesses_are_counted_before_they_are_compared(server: Server) {
    let site = server.site("par").await;
    let bodies = (0..40).map(|i| json!({ "username": "par-tech", "password": if i == 39 { PASSWORD } else { "wrong-password" } })).collect();
    let statuses = all_at_once(&server, "/api/v1/auth/login", bodies).await;
    let compared = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        (1..=5).contains(&compared),
        "at most five of 40 guesses compared: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [
            StatusCode::OK,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
        .contains(s)),
        "{statuses:?}"
    );

    let phone = &site.residents[0].1;
    let issued = server
        .store
        .issue_sign_in_code(phone, "192.0.2.1", Utc::now())
        .await
        .unwrap()
        .expect("a registered phone");
    let wrong = if issued.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let bodies = (0..10)
        .map(|_| json!({ "phone": phone, "code": wrong }))
        .collect();
    let statuses = all_at_once(&server, "/api/v1/auth/resident/login", bodies).await;
    let compared = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(
        compared
            + statuses
                .iter()
                .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
                .count(),
        10,
        "{statuses:?}"
    );
    assert!(
        compared <= 5,
        "at most five of ten code guesses compared: {statuses:?}"
    );
}

async fn sign_in_codes_are_limited_and_wrong_guesses_outlive_the_code(server: Server) {
    let site = server.site("otl").await;
    let phone = site.residents[0].1.clone();
    // One a minute, registered or not: the answers do not tell who lives here.
    for number in [phone.as_str(), "13900000001"] {
        let (status, _, _) = sign_in(
            &server,
            "/api/v1/auth/resident/code",
            json!({ "phone": number }),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{number}");
        let (status, body, retry) = sign_in(
            &server,
            "/api/v1/auth/resident/code",
            json!({ "phone": number }),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
            "{number}: {body}"
        );
        assert!(retry.is_some_and(|r| (1..=60).contains(&r)), "{retry:?}");
    }
    let sent = |at| server.store.issue_sign_in_code(&phone, "203.0.113.9", at);
    let start = Utc::now();
    // Five an hour: the request above and four more, a minute or more apart.
    for minutes in [2, 4, 6, 8] {
        sent(start + Duration::minutes(minutes))
            .await
            .expect("within the limits");
    }
    assert!(
        matches!(
            sent(start + Duration::minutes(10)).await,
            Err(StorageError::Throttled(_))
        ),
        "a sixth in the hour"
    );

    // Five wrong guesses, then even the right code waits, and a new code does not reset the count.
    let at = start + Duration::minutes(61);
    let code = sent(at).await.unwrap().expect("registered").code;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let refused = server
            .store
            .sign_in_with_code(&phone, wrong, "203.0.113.9", at)
            .await;
        assert!(
            matches!(refused, Err(StorageError::Unauthenticated)),
            "{refused:?}"
        );
    }
    let refused = server
        .store
        .sign_in_with_code(&phone, &code, "203.0.113.9", at)
        .await;
    assert!(
        matches!(refused, Err(StorageError::Throttled(until)) if until > at + Duration::minutes(14)),
        "{refused:?}"
    );
    let fresh = sent(at + Duration::minutes(2))
        .await
        .unwrap()
        .expect("registered")
        .code;
    let refused = server
        .store
        .sign_in_with_code(&phone, &fresh, "198.51.100.1", at + Duration::minutes(2))
        .await;
    assert!(
        matches!(refused, Err(StorageError::Throttled(_))),
        "guesses count per phone, across codes and addresses: {refused:?}"
    );
    let after = at + Duration::minutes(18);
    let fresh = sent(after).await.unwrap().expect("registered").code;
    server
        .store
        .sign_in_with_code(&phone, &fresh, "203.0.113.9", after)
        .await
        .expect("after the lock-out");
}

async fn control_characters_are_refused_and_change_nothing(server: Server) {
    let site = server.site("nul").await;
    let (status, body) = server
        .post(
            None,
            "/api/v1/auth/login",
            json!({ "username": "nul-\u{0}agent", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["username"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("control_characters")
        ),
        "{body}"
    );
    let ticket = |description: &str| json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water", "description": description, "resident_id": site.residents[0].0 });
    for bad in ["厨房漏水\u{0}", "厨房\u{1b}[31m漏水", "漏水\u{7f}"] {
        let (status, body) = server
            .post(Some(&site.agent), "/api/v1/tickets", ticket(bad))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {body}");
        assert_eq!(
            body["error"]["details"]["fields"]["description"],
            "control_characters"
        );
    }
    let (status, body) = server
        .post(Some(&site.agent), "/api/v1/tickets/x/actions", json!({ "action": "resolve", "materials": [{ "name": "角阀\u{0}", "quantity": 1, "unit": "个" }] }))
        .await;
    assert_eq!(
        (
            status,
            &body["error"]["details"]["fields"]["materials.0.name"]
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("control_characters")
        ),
        "{body}"
    );
    let (_, list) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(list["total"], 0, "nothing was created");
    // Line breaks and tabs are what people type.
    server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            ticket("厨房漏水\n\t已关总阀"),
            StatusCode::CREATED,
        )
        .await;
    let (status, body) = server.get(Some(&site.agent), "/api/v1/tickets?q=%00").await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["q"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("control_characters")
        ),
        "{body}"
    );
    for path in [
        "/api/v1/tickets/%00",
        "/api/v1/tickets/%FF%FE",
        "/api/v1/residents/a%0Ab",
    ] {
        let response = server
            .client
            .get(server.url(path))
            .bearer_auth(&site.agent)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

async fn search_wildcards_are_characters(server: Server) {
    let site = server.site("wld").await;
    for description in ["3栋卫生间漏水", "电梯停在12楼不动"] {
        let body = json!({ "project_id": site.project_id, "channel": "phone", "description": description, "resident_id": site.residents[0].0 });
        server
            .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
            .await;
    }
    for (q, expected) in [("%25", 0), ("_", 0), ("%5C", 0), ("漏水", 1), ("", 2)] {
        let (status, list) = server
            .get(Some(&site.agent), &format!("/api/v1/tickets?q={q}"))
            .await;
        assert_eq!(
            (status, list["total"].as_u64()),
            (StatusCode::OK, Some(expected)),
            "q={q}: {list}"
        );
    }
    let (_, residents) = server
        .get(Some(&server.admin), "/api/v1/residents?name=%25")
        .await;
    assert_eq!(residents["total"], 0, "{residents}");
    let (_, residents) = server
        .get(Some(&server.admin), "/api/v1/residents?name=业主")
        .await;
    assert_eq!(residents["total"], 2, "{residents}");
}

async fn answers_carry_security_headers_and_stay_on_the_site(server: Server) {
    let token = server.admin.clone();
    for (path, signed_in) in [
        ("/api/v1/me", true),
        ("/login", false),
        ("/", true),
        ("/h5/login", false),
    ] {
        let mut request = server.client.get(server.url(path));
        if signed_in {
            request = request
                .bearer_auth(&token)
                .header("cookie", format!("gj_session={token}"));
        }
        let response = request.send().await.unwrap();
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    // The versioned assets keep their own caching.
    let response = server
        .client
        .get(server.url("/assets/htmx.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_ne!(response.headers()["cache-control"], "no-store");

    // After signing in, only a path of this site: a tab or a backslash would lead a browser away.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%5Cevil.example",
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
    ] {
        let response = client
            .post(server.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username=admin&password={PASSWORD}&next={next}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(response.headers()["location"], "/", "{next}");
    }
}

/// A PNG whose header claims `width` × `height`: a few hundred bytes that would decode into
/// gigabytes.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let body: Vec<u8> = kind.iter().chain(data).copied().collect();
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

async fn photo_bombs_are_refused_before_they_are_decoded(server: Server) {
    let site = server.site("bmb").await;
    let body = json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water", "description": "厨房漏水", "resident_id": site.residents[0].0 });
    let ticket = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    let id = ticket["id"].as_str().unwrap();
    let upload = |bytes: Vec<u8>| {
        server
            .client
            .post(server.url(&format!("/api/v1/tickets/{id}/photos")))
            .bearer_auth(&site.agent)
            .body(bytes)
            .send()
    };
    // 7000 × 7000 in 100 bytes: refused by its header, never decoded; eight at once change nothing.
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..8 {
        running.spawn(upload(png_claiming(7000, 7000)));
    }
    for response in running.join_all().await {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["error"]["details"]["fields"]["file"], "too_long",
            "{body}"
        );
    }
    let (_, photos) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/photos"))
        .await;
    assert_eq!(photos["items"].as_array().unwrap().len(), 0);
    // A camera photo is decoded at a fraction of its size, straight into its thumbnail.
    let photo = image::RgbImage::from_fn(2400, 1800, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 120])
    });
    let mut jpeg = Vec::new();
    photo
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let response = upload(jpeg).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(
        (saved["width"].as_i64(), saved["height"].as_i64()),
        (Some(2400), Some(1800))
    );
    let thumb = server
        .client
        .get(server.url(saved["thumbnail_url"].as_str().unwrap()))
        .bearer_auth(&site.agent)
        .send()
        .await
        .unwrap();
    let small = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (320, 240));
}

async fn the_openapi_document_says_what_the_server_answers(server: Server) {
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    // Codes as they travel, not the Rust names of the variants.
    assert_eq!(
        schemas["Role"]["enum"],
        json!([
            "admin",
            "manager",
            "supervisor",
            "agent",
            "butler",
            "technician",
            "resident"
        ]),
        "{}",
        schemas["Role"]
    );
    for (name, schema) in schemas.as_object().unwrap() {
        if let Some(values) = schema["enum"].as_array() {
            assert!(
                values.iter().all(|v| v
                    .as_str()
                    .is_some_and(|v| !v.chars().any(|c| c.is_ascii_uppercase()))),
                "{name}: {values:?}"
            );
        }
    }
    // Every operation documents the error answer it may give.
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            assert_eq!(
                operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path}"
            );
        }
    }
    assert!(operations > 50, "{operations}");
    let codes = &schemas["ErrorBody"]["properties"]["error"]["properties"]["code"]["enum"];
    assert!(
        codes
            .as_array()
            .unwrap()
            .contains(&json!("too_many_attempts")),
        "{codes}"
    );
    // The small lists are paged like every other.
    let _site = server.site("lst").await;
    for path in [
        "/api/v1/calendars",
        "/api/v1/sla/policies",
        "/api/v1/grids",
        "/api/v1/nps/campaigns",
    ] {
        let (status, list) = server
            .get(Some(&server.admin), &format!("{path}?per_page=1"))
            .await;
        assert_eq!(status, StatusCode::OK, "{path}: {list}");
        assert_eq!(
            (list["page"].as_u64(), list["per_page"].as_u64()),
            (Some(1), Some(1)),
            "{path}: {list}"
        );
        assert!(
            list["total"].as_u64().is_some() && list["items"].as_array().unwrap().len() <= 1,
            "{path}: {list}"
        );
        let documented =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        let name = documented["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(
            schemas[&name]["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!("total"))),
            "{path}: {documented}"
        );
    }
    let (_, calendars) = server.get(Some(&server.admin), "/api/v1/calendars").await;
    assert_eq!(calendars["total"], 2, "{calendars}");
    let export =
        &doc["paths"]["/api/v1/calendars/{id}/export"]["get"]["responses"]["200"]["content"];
    assert!(
        export.get("text/csv").is_some() && export.get("text/calendar").is_some(),
        "{export}"
    );
}
