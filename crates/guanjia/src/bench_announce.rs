//! `guanjia bench --announce`: the time to target and queue one announcement to every household
//! of a project (50,000 by default): from the manager's POST until every recipient row, its
//! notification and its SMS delivery are written, next to `/healthz` measured in the same run.
//! The households are bulk-inserted (through the API 50,000 would take long and measure
//! something else); the SMS provider is configured so deliveries are planned, but no worker
//! sends them: queueing is what is timed.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use guanjia_channels::{
    AliyunConfig, DeliveryConfig, Secret, Senders, SmsProvider, TemplateConfig,
};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use guanjia_storage::entity::{
    announcement_recipient, building, delivery, household, notification, resident, room,
};
use guanjia_storage::{Principal, Store, new_id};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::json;

use crate::estate::{PASSWORD, fixtures, login};
use crate::load::{reference, serve_in_process};

/// Rows per bulk insert.
const INSERT_ROWS: usize = 1_000;

#[derive(clap::Args, Debug, Clone)]
pub struct AnnounceArgs {
    /// Households the announcement goes to (with --announce).
    #[arg(long, default_value_t = 50_000)]
    households: usize,
}

pub async fn run(
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
    args: AnnounceArgs,
) -> anyhow::Result<()> {
    let folder =
        std::env::temp_dir().join(format!("guanjia-bench-announce-{}", std::process::id()));
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let config = DeliveryConfig {
        sms_provider: Some(SmsProvider::Aliyun),
        aliyun: Some(AliyunConfig {
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "LTAI-bench".into(),
            access_key_secret: Secret::new("bench-secret"),
            sign_name: "压测物业".into(),
            region: "cn-hangzhou".into(),
        }),
        templates: [(
            NoticeKind::Announcement.as_str().to_owned(),
            TemplateConfig {
                id: "SMS_BENCH".into(),
                params: vec!["title".into()],
            },
        )]
        .into(),
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).map_err(anyhow::Error::msg)?;
    let setup = guanjia_web::delivery_setup(&senders).map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url).await?.with_delivery(setup);
    store.migrate().await?;
    let project_id = fixtures(&store, "announce-agent").await?;
    let company = store
        .ensure_company("bench", "压测物业", Utc::now())
        .await?;
    let admin = Principal::system(&company.id, "bench");
    let manager = NewStaff {
        username: "announce-manager".into(),
        password: PASSWORD.into(),
        name: "压测经理".into(),
        role: Role::Manager,
        project_ids: vec![project_id.clone()],
        skills: vec![],
        phone: None,
    };
    store
        .create_staff(Some(&admin), &company.id, manager, Utc::now())
        .await?;

    // The households: one room, household and resident each, spread over the estate's buildings.
    // A connection of the bench's own for the bulk load, without logging each statement.
    let mut options = sea_orm::ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .context("connecting for the bulk load")?;
    let buildings: Vec<String> = building::Entity::find()
        .filter(building::Column::CompanyId.eq(&company.id))
        .filter(building::Column::ProjectId.eq(&project_id))
        .all(&db)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let loading = Instant::now();
    let now = Utc::now();
    for from in (0..args.households).step_by(INSERT_ROWS) {
        let (mut rooms, mut homes, mut people) = (vec![], vec![], vec![]);
        for n in from..(from + INSERT_ROWS).min(args.households) {
            let (room_id, home_id) = (new_id(), new_id());
            rooms.push(room::ActiveModel {
                company_id: Set(company.id.clone()),
                id: Set(room_id.clone()),
                project_id: Set(project_id.clone()),
                building_id: Set(buildings[n % buildings.len()].clone()),
                unit: Set(format!("{}单元", n % 4 + 1)),
                number: Set(format!("B{n:06}")),
                kind: Set("residential".into()),
                floor: Set(None),
                area_m2: Set(None),
                created_at: Set(now),
            });
            homes.push(household::ActiveModel {
                company_id: Set(company.id.clone()),
                id: Set(home_id.clone()),
                project_id: Set(project_id.clone()),
                room_id: Set(room_id.clone()),
                created_at: Set(now),
                facts: Set(None),
                butler_id: Set(None),
            });
            people.push(resident::ActiveModel {
                company_id: Set(company.id.clone()),
                id: Set(new_id()),
                household_id: Set(home_id),
                project_id: Set(project_id.clone()),
                room_id: Set(room_id),
                name: Set(format!("业主{n}")),
                phone: Set(format!("137{n:08}")),
                role: Set("owner".into()),
                tier: Set("basic".into()),
                preferred_channel: Set("sms".into()),
                created_at: Set(now),
            });
        }
        let txn = db.begin().await?;
        room::Entity::insert_many(rooms)
            .exec_without_returning(&txn)
            .await?;
        household::Entity::insert_many(homes)
            .exec_without_returning(&txn)
            .await?;
        resident::Entity::insert_many(people)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
    }
    store.analyze().await?;
    println!(
        "database: {url}\nhouseholds: {} loaded in {:.1} s",
        args.households,
        loading.elapsed().as_secs_f64()
    );

    let base = serve_in_process(store.clone()).await?;
    let client = reqwest::Client::new();
    let reference = reference(&client, &base, clients, Duration::from_secs(seconds)).await;
    let token = login(&client, &base, "announce-manager").await?;
    let started = Instant::now();
    let answer = client
        .post(format!("{base}/api/v1/announcements"))
        .bearer_auth(&token)
        .json(&json!({ "project_id": project_id, "title": "停水通知",
            "body": "明天 9:00-12:00 全小区停水，请提前储水。", "category": "outage",
            "requires_ack": true }))
        .timeout(Duration::from_secs(600))
        .send()
        .await?;
    let took = started.elapsed();
    let status = answer.status();
    let body: serde_json::Value = answer.json().await?;
    anyhow::ensure!(
        status.is_success(),
        "POST /api/v1/announcements: {status} {body}"
    );
    let id = body["id"].as_str().context("no id")?.to_owned();
    let recipients = announcement_recipient::Entity::find()
        .filter(announcement_recipient::Column::AnnouncementId.eq(&id))
        .count(&db)
        .await?;
    let notes = notification::Entity::find()
        .filter(notification::Column::Kind.eq(NoticeKind::Announcement.as_str()))
        .count(&db)
        .await?;
    let sends = delivery::Entity::find().count(&db).await?;
    println!(
        "POST /api/v1/announcements to {} households: {:.2} s until {recipients} recipients, {notes} notifications and {sends} SMS deliveries were queued ({:.0}× the /healthz p50 of {:.2} ms)",
        body["recipients"],
        took.as_secs_f64(),
        took.as_secs_f64() / reference.percentile(0.5).as_secs_f64(),
        reference.percentile(0.5).as_secs_f64() * 1000.0,
    );
    anyhow::ensure!(
        recipients as usize == args.households && notes as usize == args.households,
        "expected {} recipients and notifications",
        args.households
    );
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}
