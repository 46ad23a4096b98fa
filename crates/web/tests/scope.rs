//! The scope matrix: every role of company A on project P1 (and a resident of P1) against objects
//! outside its scope — a ticket, resident, room, building and project of project P2, another
//! household's ticket, and the same objects of company B. Every route that takes such an id
//! answers 404 (or 403 for a forbidden action) and says nothing about the object; no list
//! includes a foreign row.

mod common;

use chrono::Utc;
use common::{PASSWORD, Server};
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The objects of one project, made by `admin`; `tag` names them so that a leak is recognisable.
struct Place {
    project: String,
    building: String,
    room: String,
    resident: String,
    phone: String,
    ticket: String,
    /// Words that only this place's objects contain.
    tag: String,
}

impl Place {
    async fn make(server: &Server, admin: &str, code: &str, phone: &str) -> Place {
        let tag = format!("秘{code}");
        let created = |path: String, body: Value| async move {
            let body = server.ok(admin, &path, body, StatusCode::CREATED).await;
            body["id"].as_str().expect("an id").to_owned()
        };
        let project = created(
            "/api/v1/projects".into(),
            json!({ "code": code, "name": format!("{tag}小区") }),
        )
        .await;
        let building = created(
            format!("/api/v1/projects/{project}/buildings"),
            json!({ "name": format!("{tag}楼") }),
        )
        .await;
        let room = created(
            format!("/api/v1/buildings/{building}/rooms"),
            json!({ "unit": "1单元", "number": "101", "floor": 1 }),
        )
        .await;
        let resident = created(
            "/api/v1/residents".into(),
            json!({ "name": format!("{tag}业主"), "phone": phone, "room_id": room, "role": "owner" }),
        )
        .await;
        let ticket = created(
            "/api/v1/tickets".into(),
            json!({ "project_id": project, "channel": "app", "room_id": room, "resident_id": resident,
                    "description": format!("{tag}：厨房水管漏水") }),
        )
        .await;
        Place {
            project,
            building,
            room,
            resident,
            phone: phone.to_owned(),
            ticket,
            tag,
        }
    }

    /// Every id of this place (and its resident's phone), to find in a response that must not
    /// show them; a neighbour's borrowed project and building are left empty.
    fn ids(&self) -> impl Iterator<Item = &str> {
        [
            &self.project,
            &self.building,
            &self.room,
            &self.resident,
            &self.ticket,
            &self.phone,
        ]
        .into_iter()
        .map(String::as_str)
        .filter(|id| !id.is_empty())
    }
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
}

/// A route that takes the id of one kind of object: method, path with `{id}`, and a body that
/// would be valid on an object in scope (given a technician of P1, for what needs a worker).
struct Route {
    method: Method,
    path: &'static str,
    body: fn(&str) -> Value,
}

fn no_body(_: &str) -> Value {
    json!({})
}

const fn get(path: &'static str) -> Route {
    Route {
        method: Method::Get,
        path,
        body: no_body,
    }
}

const fn post(path: &'static str, body: fn(&str) -> Value) -> Route {
    Route {
        method: Method::Post,
        path,
        body,
    }
}

const TICKET_ROUTES: &[Route] = &[
    get("/api/v1/tickets/{id}"),
    get("/api/v1/tickets/{id}/events"),
    get("/api/v1/tickets/{id}/photos"),
    get("/api/v1/tickets/{id}/praise"),
    get("/api/v1/tickets/{id}/charges"),
    get("/api/v1/tickets/{id}/subtasks"),
    get("/api/v1/tickets/{id}/candidates"),
    post(
        "/api/v1/tickets/{id}/actions",
        |_| json!({ "action": "comment", "body": "看看" }),
    ),
    post("/api/v1/tickets/{id}/auto-dispatch", no_body),
    post(
        "/api/v1/tickets/{id}/subtasks",
        |technician| json!({ "title": "清理积水", "assignee_id": technician }),
    ),
];
const RESIDENT_ROUTES: &[Route] = &[get("/api/v1/residents/{id}")];
const BUILDING_ROUTES: &[Route] = &[
    get("/api/v1/buildings/{id}/rooms"),
    post(
        "/api/v1/buildings/{id}/rooms",
        |_| json!({ "unit": "2单元", "number": "202", "floor": 2 }),
    ),
];
const PROJECT_ROUTES: &[Route] = &[
    get("/api/v1/projects/{id}"),
    get("/api/v1/projects/{id}/buildings"),
    get("/api/v1/projects/{id}/on-duty"),
    get("/api/v1/projects/{id}/price-items"),
    post(
        "/api/v1/projects/{id}/buildings",
        |_| json!({ "name": "新楼" }),
    ),
];

/// Lists that must not show a foreign row; `{project}` and `{room}` are the foreign place's.
const LISTS: &[&str] = &[
    "/api/v1/tickets?per_page=200",
    "/api/v1/tickets?per_page=200&project_id={project}",
    "/api/v1/tickets?per_page=200&room_id={room}",
    "/api/v1/residents?per_page=200",
    "/api/v1/residents?per_page=200&project_id={project}",
    "/api/v1/residents?per_page=200&room_id={room}",
    "/api/v1/projects?per_page=200",
    "/api/v1/incidents?per_page=200",
    "/api/v1/me/notifications?per_page=200",
    "/api/v1/me/follow-ups?per_page=200",
];

/// One signed-in caller of company A, project P1.
struct Caller {
    who: String,
    token: String,
}

/// A signed-in staff member of each role on P1, and the technician's id.
async fn staff_of_p1(server: &Server, p1: &Place) -> (Vec<Caller>, String) {
    let mut callers = vec![];
    let mut technician = String::new();
    for role in [
        "admin",
        "manager",
        "supervisor",
        "agent",
        "butler",
        "technician",
    ] {
        let username = format!("p1-{role}");
        let created = server
            .ok(
                &server.admin,
                "/api/v1/staff",
                common::staff(&username, role, &p1.project),
                StatusCode::CREATED,
            )
            .await;
        if role == "technician" {
            technician = created["id"].as_str().expect("staff id").to_owned();
        }
        callers.push(Caller {
            who: role.to_owned(),
            token: server.login(&username).await,
        });
    }
    (callers, technician)
}

/// Sends `route` for `id` as `caller` and checks the answer refuses and leaks nothing of `place`.
async fn refused(
    server: &Server,
    caller: &Caller,
    technician: &str,
    route: &Route,
    id: &str,
    place: &Place,
) {
    let path = route.path.replace("{id}", id);
    let request = match route.method {
        Method::Get => server.client.get(server.url(&path)),
        Method::Post => server
            .client
            .post(server.url(&path))
            .json(&(route.body)(technician)),
    };
    let response = request
        .bearer_auth(&caller.token)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(
        matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{} {path} ({} object): {status} {text}",
        caller.who,
        place.tag
    );
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{} {path}: not the JSON error: {text}", caller.who));
    assert!(
        body["error"]["code"].is_string(),
        "{} {path}: {text}",
        caller.who
    );
    assert_no_leak(caller, &path, &text, place);
}

fn assert_no_leak(caller: &Caller, path: &str, text: &str, place: &Place) {
    assert!(
        !text.contains(&place.tag),
        "{} {path} shows a foreign object: {text}",
        caller.who
    );
    // An id may be in the path the caller sent; elsewhere in the answer it is a leak.
    for id in place.ids() {
        assert!(
            !text.contains(id),
            "{} {path} shows the foreign id {id}: {text}",
            caller.who
        );
    }
}

/// Every id-taking route and every list, for one caller against one foreign place.
async fn out_of_scope(server: &Server, caller: &Caller, technician: &str, place: &Place) {
    let table: [(&[Route], &str); 4] = [
        (TICKET_ROUTES, &place.ticket),
        (RESIDENT_ROUTES, &place.resident),
        (BUILDING_ROUTES, &place.building),
        (PROJECT_ROUTES, &place.project),
    ];
    for (routes, id) in table {
        for route in routes {
            refused(server, caller, technician, route, id, place).await;
        }
    }
    for list in LISTS {
        let path = list
            .replace("{project}", &place.project)
            .replace("{room}", &place.room);
        let (status, body) = server.get(Some(&caller.token), &path).await;
        // A list filtered by a foreign project or room may refuse, or answer without its rows.
        let text = body.to_string();
        if status == StatusCode::OK {
            assert_no_leak(caller, &path, &text, place);
        } else {
            assert!(
                matches!(
                    status,
                    StatusCode::NOT_FOUND
                        | StatusCode::FORBIDDEN
                        | StatusCode::UNPROCESSABLE_ENTITY
                ),
                "{} {path}: {status} {text}",
                caller.who
            );
            assert_no_leak(caller, &path, &text, place);
        }
    }
}

async fn no_role_reaches_a_foreign_object(server: Server) {
    // Company B, with its own admin, made as `guanjia user create` would.
    let company_b = server
        .store
        .ensure_company("b", "乙物业", Utc::now())
        .await
        .expect("company B");
    server
        .store
        .create_staff(
            None,
            &company_b.id,
            NewStaff {
                username: "b-admin".into(),
                password: PASSWORD.into(),
                name: "乙管理员".into(),
                role: Role::Admin,
                project_ids: vec![],
                skills: vec![],
                phone: None,
            },
            Utc::now(),
        )
        .await
        .expect("company B's admin");
    let b_admin = server.login("b-admin").await;

    let p1 = Place::make(&server, &server.admin, "P1", "13800138001").await;
    let p2 = Place::make(&server, &server.admin, "P2", "13800138002").await;
    let b = Place::make(&server, &b_admin, "B1", "13800138003").await;
    // Another household of P1 (another room): its ticket is foreign to P1's resident.
    let neighbour = neighbour(&server, &p1).await;
    let (mut callers, technician) = staff_of_p1(&server, &p1).await;
    callers.push(Caller {
        who: "resident".into(),
        token: server.resident_token(&p1.phone).await,
    });

    for caller in &callers {
        // The caller's own place is in scope: the matrix would prove nothing if it refused that too.
        let (status, body) = server
            .get(
                Some(&caller.token),
                &format!("/api/v1/tickets/{}", p1.ticket),
            )
            .await;
        if caller.who != "technician" {
            assert_eq!(
                status,
                StatusCode::OK,
                "{} sees P1's ticket: {body}",
                caller.who
            );
        }
        out_of_scope(&server, caller, &technician, &p2).await;
        out_of_scope(&server, caller, &technician, &b).await;
    }
    let resident = callers.last().expect("the resident");
    for route in TICKET_ROUTES {
        refused(
            &server,
            resident,
            &technician,
            route,
            &neighbour.ticket,
            &neighbour,
        )
        .await;
    }
    let (status, body) = server.get(Some(&resident.token), LISTS[0]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_no_leak(resident, LISTS[0], &body.to_string(), &neighbour);
}

/// A second household in P1's building, with its own ticket; only its room, resident and ticket
/// are its own (the project and building are P1's, which P1's resident may see).
async fn neighbour(server: &Server, p1: &Place) -> Place {
    let admin = &server.admin;
    let room = server
        .ok(
            admin,
            &format!("/api/v1/buildings/{}/rooms", p1.building),
            json!({ "unit": "1单元", "number": "102", "floor": 1 }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .expect("room id")
        .to_owned();
    let phone = "13800138004";
    let resident = server
        .ok(
            admin,
            "/api/v1/residents",
            json!({ "name": "秘邻居", "phone": phone, "room_id": room, "role": "owner" }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .expect("resident id")
        .to_owned();
    let ticket = server
        .ok(
            admin,
            "/api/v1/tickets",
            json!({ "project_id": p1.project, "channel": "app", "room_id": room,
                    "resident_id": resident, "description": "秘邻居：阳台渗水" }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .expect("ticket id")
        .to_owned();
    Place {
        project: String::new(),
        building: String::new(),
        room,
        resident,
        phone: phone.to_owned(),
        ticket,
        tag: "秘邻居".into(),
    }
}

on_both_databases!(no_role_reaches_a_foreign_object);
