//! WeCom group robots kept in the product (their webhook keys encrypted under the
//! installation's key), and the indexes a device's alarm history and the alarms' retention read
//! by.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0023_wecom_robots"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table("wecom_robots")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    // Null: the whole project's robot; a team's comes before it.
                    .col(ColumnDef::new("team_id").string_len(36).null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("webhook_key").text().not_null())
                    .col(ColumnDef::new("active").boolean().not_null().default(true))
                    .col(ColumnDef::new("created_by").string_len(36).not_null())
                    .col(ColumnDef::new("updated_by").string_len(36).not_null())
                    .col(time("created_at"))
                    .col(time("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("wecom_robots"))
                    .foreign_key(&mut tenant_fk("wecom_robots", "project_id", "projects"))
                    .foreign_key(&mut tenant_fk("wecom_robots", "team_id", "teams"))
                    .to_owned(),
            )
            .await?;
        // Planning finds the robot of a ticket's team or project.
        manager
            .create_index(
                Index::create()
                    .name("ix_wecom_robots_company_id_project_id_team_id")
                    .table("wecom_robots")
                    .col("company_id")
                    .col("project_id")
                    .col("team_id")
                    .to_owned(),
            )
            .await?;
        // A device's alarms, newest first, by keyset pages.
        manager
            .create_index(
                Index::create()
                    .name("ix_device_alarms_company_id_device_ref_received_at_id")
                    .table("device_alarms")
                    .col("company_id")
                    .col("device_ref")
                    .col("received_at")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // Retention removes the oldest alarms of every company in batches.
        manager
            .create_index(
                Index::create()
                    .name("ix_device_alarms_received_at")
                    .table("device_alarms")
                    .col("received_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
