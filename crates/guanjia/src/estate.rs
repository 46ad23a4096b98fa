//! The benchmarks' estate: a company with one project of 30 buildings, an agent working there,
//! and the varied Chinese messages its residents send, each about one of the buildings and one
//! of many problems.

use anyhow::Context;
use chrono::Utc;
use guanjia_domain::place::ProjectKind;
use guanjia_domain::place::RoomKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewRoom, NewStaff};
use guanjia_storage::{Principal, Store};
use serde_json::json;

pub const PASSWORD: &str = "bench-password";

/// Buildings of the estate, each with these units and rooms.
const BUILDINGS: usize = 30;
const UNITS: [&str; 2] = ["1", "2"];
const ROOMS: [&str; 4] = ["101", "502", "1203", "1801"];

/// What residents say, over many categories: `{b}` building, `{u}` unit, `{r}` room.
const MESSAGES: [&str; 14] = [
    "{b}栋{u}单元电梯停了，按了没反应",
    "{b}栋{u}单元{r}卫生间天花板漏水，应该是楼上渗下来的",
    "{b}栋{u}单元{r}家里突然停电了，别的楼有电",
    "{b}栋{u}单元{r}楼上每天晚上装修，噪音太大了",
    "请问{b}栋的物业费怎么交？能开发票吗",
    "{b}栋楼下的垃圾桶满了没人清理，很臭",
    "{b}栋{u}单元门禁刷卡没反应，进不了门",
    "地下车库{b}号车位被别人的车占了",
    "感谢{b}栋的维修师傅，修得又快又好",
    "建议在{b}栋门口加装电动车充电桩",
    "{b}栋{u}单元楼道灯坏了，晚上很黑",
    "{b}栋{u}单元{r}下水道堵了，马桶冲不下去",
    "{b}栋{u}单元{r}家里没水了，水龙头一滴都不出",
    "{b}栋门口有人遛狗不牵绳，吓到小孩了",
];
pub const CHANNELS: [&str; 3] = ["phone", "app", "wechat"];

/// The `n`th message of the mix: its words, building, unit and room vary independently.
pub fn message(n: usize) -> String {
    let mix = n.wrapping_mul(2_654_435_761);
    MESSAGES[n % MESSAGES.len()]
        .replace("{b}", &(mix % BUILDINGS + 1).to_string())
        .replace("{u}", UNITS[(mix / BUILDINGS) % UNITS.len()])
        .replace("{r}", ROOMS[(mix / 7) % ROOMS.len()])
}

/// A company, a project and an agent to create tickets as.
pub async fn fixtures(store: &Store, username: &str) -> anyhow::Result<String> {
    let now = Utc::now();
    let company = store.ensure_company("bench", "压测物业", now).await?;
    let admin = Principal::system(&company.id, "bench");
    let project = NewProject {
        code: username.to_owned(),
        name: "压测小区".into(),
        kind: ProjectKind::Residential,
        time_zone: "Asia/Shanghai".into(),
        address: None,
    };
    let project = store.create_project(&admin, project, now).await?;
    for b in 1..=BUILDINGS {
        let building = store
            .create_building(&admin, &project.id, format!("{b}栋"), now)
            .await?;
        for unit in UNITS {
            for number in ROOMS {
                let room = NewRoom {
                    unit: unit.into(),
                    number: number.into(),
                    kind: RoomKind::Residential,
                    floor: None,
                    area_m2: None,
                };
                store.create_room(&admin, &building.id, room, now).await?;
            }
        }
    }
    let agent = NewStaff {
        username: username.to_owned(),
        password: PASSWORD.into(),
        name: "压测客服".into(),
        role: Role::Agent,
        project_ids: vec![project.id.clone()],
        skills: vec![],
        phone: None,
    };
    store
        .create_staff(Some(&admin), &company.id, agent, now)
        .await?;
    Ok(project.id)
}

/// Signs the agent in at `base`; its bearer token.
pub async fn login(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    Ok(login["token"].as_str().context("login failed")?.to_owned())
}
