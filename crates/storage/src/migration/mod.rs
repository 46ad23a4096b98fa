//! One set of migrations for SQLite and PostgreSQL, applied at start.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_sla;
mod m0003_closed_loop;
mod m0004_nps;
mod m0005_praise;
mod m0006_dispatch;
mod m0007_subtasks;
mod m0008_field_work;
mod m0009_incidents;
mod m0010_sign_in_throttles;
mod m0011_pilot_field;
mod m0012_notification_bell;
mod m0013_reads_at_scale;
mod m0014_problem_keys;
mod m0015_deliveries;
mod m0016_hotline_orders;
mod m0017_devices;
mod m0018_conversations;
mod m0019_wechat_accounts;
mod m0020_calls;
mod m0021_mailboxes;
mod m0023_wecom_robots;
mod m0024_api_keys;
mod m0025_webhooks;
mod m0026_kb;
mod m0027_webhook_retention;
mod m0028_wechat_media;
mod m0029_kb_scripts;
mod m0030_kb_checklists;
mod m0031_announcements;
mod m0033_bot_answers;
mod m0034_bot_conversations;
mod m0035_profiles;
mod m0036_inspections;
mod m0037_scorecards;
mod m0038_training;
mod m0039_ticket_days;

/// A required id column (UUID text).
fn id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().to_owned()
}

/// An optional id column.
fn optional_id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(36).null().to_owned()
}

/// A required instant.
fn at(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// An optional instant.
fn optional_at(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// A tenant table's reference to its company.
fn company_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_companies"))
        .from_col("company_id")
        .to_tbl("companies")
        .to_col("id")
        .to_owned()
}

/// A tenant table's reference to another row of the same company: the key pairs the company with
/// the id, so a row can never point into another company.
fn tenant_fk(table: &str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{to}"))
        .from_col("company_id")
        .from_col(column)
        .to_tbl(to)
        .to_col("company_id")
        .to_col("id")
        .to_owned()
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_sla::Migration),
            Box::new(m0003_closed_loop::Migration),
            Box::new(m0004_nps::Migration),
            Box::new(m0005_praise::Migration),
            Box::new(m0006_dispatch::Migration),
            Box::new(m0007_subtasks::Migration),
            Box::new(m0008_field_work::Migration),
            Box::new(m0009_incidents::Migration),
            Box::new(m0010_sign_in_throttles::Migration),
            Box::new(m0011_pilot_field::Migration),
            Box::new(m0012_notification_bell::Migration),
            Box::new(m0013_reads_at_scale::Migration),
            Box::new(m0014_problem_keys::Migration),
            Box::new(m0015_deliveries::Migration),
            Box::new(m0016_hotline_orders::Migration),
            Box::new(m0017_devices::Migration),
            Box::new(m0018_conversations::Migration),
            Box::new(m0019_wechat_accounts::Migration),
            Box::new(m0020_calls::Migration),
            Box::new(m0021_mailboxes::Migration),
            Box::new(m0023_wecom_robots::Migration),
            Box::new(m0024_api_keys::Migration),
            Box::new(m0025_webhooks::Migration),
            Box::new(m0026_kb::Migration),
            Box::new(m0027_webhook_retention::Migration),
            Box::new(m0028_wechat_media::Migration),
            Box::new(m0029_kb_scripts::Migration),
            Box::new(m0030_kb_checklists::Migration),
            Box::new(m0031_announcements::Migration),
            Box::new(m0033_bot_answers::Migration),
            Box::new(m0034_bot_conversations::Migration),
            Box::new(m0035_profiles::Migration),
            Box::new(m0036_inspections::Migration),
            Box::new(m0037_scorecards::Migration),
            Box::new(m0038_training::Migration),
            Box::new(m0039_ticket_days::Migration),
        ]
    }
}
