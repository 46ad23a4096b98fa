//! A real server on a real database for each test: SQLite in a temporary folder, or a fresh
//! PostgreSQL database on the server `GUANJIA_TEST_POSTGRES_URL` names.

#![allow(dead_code)]

pub mod broker;
pub mod mail;

use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use guanjia_storage::Store;
use guanjia_storage::test_database::fresh_postgres_database;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const PASSWORD: &str = "test-password-1";

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs each test against a fresh server on SQLite, and again on PostgreSQL. The PostgreSQL
/// runs are ignored unless asked for (`-- --include-ignored`, as `scripts/test` does when it has
/// a server), so a plain `cargo test` says what it left out instead of passing them unrun.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::common::Server::start($crate::common::Db::Sqlite).await).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]
            async fn $name() {
                super::$name($crate::common::Server::start($crate::common::Db::Postgres).await).await;
            })+
        }
    };
}

/// Like `on_both_databases!`, for tests that start their own server: each gets the `Db` to start
/// it on (the test file imports `Db`).
#[macro_export]
macro_rules! on_both_databases_given {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Db::Sqlite).await; })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]
            async fn $name() { super::$name(super::Db::Postgres).await; })+
        }
    };
}

pub struct Server {
    pub base: String,
    /// The database's URL, for a second store on it.
    pub url: String,
    pub store: Store,
    pub company_id: String,
    pub client: reqwest::Client,
    /// An admin's token.
    pub admin: String,
    /// Residents' tokens by phone: a resident signed in stays signed in, as on a phone (codes
    /// are limited to one a minute per phone).
    resident_tokens: std::sync::Mutex<std::collections::HashMap<String, String>>,
    _folder: Option<TempFolder>,
}

struct TempFolder(std::path::PathBuf);

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_name() -> String {
    format!("gj_test_{}", uuid_like())
}

fn uuid_like() -> String {
    guanjia_storage::new_id().replace('-', "")
}

async fn database(db: Db) -> (String, Option<TempFolder>) {
    match db {
        Db::Sqlite => {
            let folder = std::env::temp_dir().join(unique_name());
            let url = format!("sqlite://{}/guanjia.db", folder.display());
            (url, Some(TempFolder(folder)))
        }
        Db::Postgres => (fresh_postgres_database("gj_test").await, None),
    }
}

impl Server {
    pub async fn start(db: Db) -> Server {
        Server::start_with(db, |store| store).await
    }

    /// A server whose store is set up by `configure` first (delivery channels, say).
    pub async fn start_with(db: Db, configure: impl FnOnce(Store) -> Store) -> Server {
        Server::start_sending(db, configure, None).await
    }

    /// Like `start_with`, with the providers its requests send through (a robot's test post).
    pub async fn start_sending(
        db: Db,
        configure: impl FnOnce(Store) -> Store,
        senders: Option<guanjia_channels::Senders>,
    ) -> Server {
        let (url, folder) = database(db).await;
        let files = std::env::temp_dir().join(format!("{}-files", unique_name()));
        let store = configure(
            Store::connect(&url)
                .await
                .expect("connect")
                .with_files_dir(&files),
        );
        store.migrate().await.expect("migrate");
        let company = store
            .ensure_company("test", "测试物业", Utc::now())
            .await
            .expect("company");
        let admin = NewStaff {
            username: "admin".into(),
            password: PASSWORD.into(),
            name: "管理员".into(),
            role: Role::Admin,
            project_ids: vec![],
            skills: vec![],
            phone: None,
        };
        store
            .create_staff(None, &company.id, admin, Utc::now())
            .await
            .expect("admin");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app =
            guanjia_web::app_with_senders(store.clone(), guanjia_web::Settings::default(), senders);
        // With the peer's address, as `guanjia serve` runs it: the sign-in throttle counts by it.
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut server = Server {
            base,
            url,
            store,
            company_id: company.id,
            client: reqwest::Client::new(),
            admin: String::new(),
            resident_tokens: Default::default(),
            _folder: folder,
        };
        server.admin = server.login("admin").await;
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .post(
                None,
                "/api/v1/auth/login",
                json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn post(&self, token: Option<&str>, path: &str, body: Value) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.expect("request")).await
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.expect("request")).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let request = self.client.delete(self.url(path)).bearer_auth(token);
        read(request.send().await.expect("request")).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .client
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body);
        read(request.send().await.expect("request")).await
    }

    /// POST that must succeed with `expected`; returns the body.
    pub async fn ok(&self, token: &str, path: &str, body: Value, expected: StatusCode) -> Value {
        let (status, response) = self.post(Some(token), path, body.clone()).await;
        assert_eq!(status, expected, "POST {path} {body} → {response}");
        response
    }

    /// A resident's token through the sign-in by phone, with a code issued as the code request
    /// issues it; the same session when they signed in before.
    pub async fn resident_token(&self, phone: &str) -> String {
        if let Some(token) = self.resident_tokens.lock().unwrap().get(phone) {
            return token.clone();
        }
        let issued = self
            .store
            .issue_sign_in_code(phone, "test-client", Utc::now())
            .await
            .unwrap()
            .expect("a registered phone");
        let code = issued.code;
        let (status, body) = self
            .post(
                None,
                "/api/v1/auth/resident/login",
                json!({ "phone": phone, "code": code }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        self.resident_tokens
            .lock()
            .unwrap()
            .insert(phone.to_owned(), token.clone());
        token
    }

    /// A project with a building, two rooms with a resident each, an agent and a technician.
    pub async fn site(&self, code: &str) -> Site {
        let admin = &self.admin;
        let project = self
            .ok(
                admin,
                "/api/v1/projects",
                json!({ "code": code, "name": format!("{code}小区") }),
                StatusCode::CREATED,
            )
            .await;
        let project_id = project["id"].as_str().unwrap().to_owned();
        let building = self
            .ok(
                admin,
                &format!("/api/v1/projects/{project_id}/buildings"),
                json!({ "name": "3栋" }),
                StatusCode::CREATED,
            )
            .await;
        let building_id = building["id"].as_str().unwrap();
        let mut rooms = vec![];
        let mut residents = vec![];
        for (i, number) in ["1502", "1602"].iter().enumerate() {
            let room = self
                .ok(
                    admin,
                    &format!("/api/v1/buildings/{building_id}/rooms"),
                    json!({ "unit": "2单元", "number": number, "floor": 15 + i }),
                    StatusCode::CREATED,
                )
                .await;
            let phone = format!("1380013{:04}", rand_suffix(i));
            let resident = self
                .ok(admin, "/api/v1/residents", json!({ "name": format!("业主{i}"), "phone": phone, "room_id": room["id"], "role": "owner" }), StatusCode::CREATED)
                .await;
            rooms.push(room["id"].as_str().unwrap().to_owned());
            residents.push((resident["id"].as_str().unwrap().to_owned(), phone));
        }
        let agent = format!("{code}-agent");
        let tech = format!("{code}-tech");
        let agent_body = self
            .ok(
                admin,
                "/api/v1/staff",
                staff(&agent, "agent", &project_id),
                StatusCode::CREATED,
            )
            .await;
        let tech_body = self
            .ok(
                admin,
                "/api/v1/staff",
                staff(&tech, "technician", &project_id),
                StatusCode::CREATED,
            )
            .await;
        Site {
            project_id,
            rooms,
            residents,
            agent: self.login(&agent).await,
            agent_id: agent_body["id"].as_str().unwrap().to_owned(),
            tech: self.login(&tech).await,
            tech_id: tech_body["id"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn act(&self, token: &str, ticket_id: &str, action: Value) -> (StatusCode, Value) {
        self.post(
            Some(token),
            &format!("/api/v1/tickets/{ticket_id}/actions"),
            action,
        )
        .await
    }
}

fn rand_suffix(i: usize) -> u32 {
    let seed: u32 = guanjia_storage::new_id()
        .bytes()
        .fold(0u32, |acc, b| acc.wrapping_mul(31).wrapping_add(b as u32));
    (seed % 4000) * 2 + i as u32
}

pub fn staff(username: &str, role: &str, project_id: &str) -> Value {
    json!({ "username": username, "password": PASSWORD, "name": username, "role": role, "project_ids": [project_id], "skills": ["repair.water"] })
}

pub struct Site {
    pub project_id: String,
    pub rooms: Vec<String>,
    /// (id, phone)
    pub residents: Vec<(String, String)>,
    pub agent: String,
    pub agent_id: String,
    pub tech: String,
    pub tech_id: String,
}

async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
