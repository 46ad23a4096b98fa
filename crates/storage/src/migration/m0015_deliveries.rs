//! Deliveries (送达): one row per notification and channel, with its state, attempts, the time
//! of its next attempt (or, while a node sends it, the end of that node's lease) and what the
//! provider answered. A unique key on (notification, channel) makes a second row for the same
//! channel impossible, whatever the number of nodes. Residents get a preferred channel and the
//! WeChat openid it needs.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_deliveries"
    }
}

const DUE: &str = "ix_deliveries_next_attempt_at";
const BY_NOTIFICATION: &str = "ux_deliveries_company_id_notification_id_channel";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let time = |name: &'static str| ColumnDef::new(name).timestamp_with_time_zone().to_owned();
        manager
            .create_table(
                Table::create()
                    .table("deliveries")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("notification_id").string_len(36).not_null())
                    .col(ColumnDef::new("channel").string_len(16).not_null())
                    // The robot's name or the masked phone: never a key or a whole number.
                    .col(ColumnDef::new("target").string_len(100).not_null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(ColumnDef::new("attempts").integer().not_null())
                    .col(time("next_attempt_at").null())
                    .col(ColumnDef::new("lease_owner").string_len(100).null())
                    .col(ColumnDef::new("provider").string_len(16).null())
                    .col(ColumnDef::new("provider_message_id").string_len(100).null())
                    .col(ColumnDef::new("error_code").string_len(100).null())
                    .col(ColumnDef::new("error_reason").string_len(500).null())
                    .col(time("created_at").not_null())
                    .col(time("updated_at").not_null())
                    .col(time("sent_at").null())
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("deliveries"))
                    .foreign_key(&mut tenant_fk(
                        "deliveries",
                        "notification_id",
                        "notifications",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_NOTIFICATION)
                    .table("deliveries")
                    .col("company_id")
                    .col("notification_id")
                    .col("channel")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The worker's claim reads only due rows: finished ones have no next attempt.
        manager
            .create_index(
                Index::create()
                    .name(DUE)
                    .table("deliveries")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        // A ticket's notifications, for the deliveries shown on its page.
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_company_id_ticket_id")
                    .table("notifications")
                    .col("company_id")
                    .col("ticket_id")
                    .to_owned(),
            )
            .await?;
        for column in [
            ColumnDef::new("preferred_channel")
                .string_len(16)
                .not_null()
                .default("sms")
                .to_owned(),
            ColumnDef::new("wechat_openid")
                .string_len(64)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("residents")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["preferred_channel", "wechat_openid"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("residents")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notifications_company_id_ticket_id")
                    .table("notifications")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("deliveries").to_owned())
            .await
    }
}
