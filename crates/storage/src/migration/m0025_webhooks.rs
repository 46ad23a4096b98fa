//! Webhooks: the subscriptions (their signing secret sealed under the installation's key), and
//! the outbox of deliveries written in the transaction of each change, which is also the
//! delivery log.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0025_webhooks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        let required_time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table("webhooks")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("url").string_len(500).not_null())
                    .col(ColumnDef::new("events").json().not_null())
                    // [] for every project of the company.
                    .col(ColumnDef::new("project_ids").json().not_null())
                    .col(ColumnDef::new("include_internal").boolean().not_null())
                    .col(ColumnDef::new("secret").text().not_null())
                    .col(ColumnDef::new("active").boolean().not_null())
                    // Failed attempts in a row; a success starts the count again.
                    .col(ColumnDef::new("failures").integer().not_null().default(0))
                    .col(time("paused_at"))
                    .col(ColumnDef::new("created_by").string_len(36).null())
                    .col(required_time("created_at"))
                    .col(required_time("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("webhooks"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    // Also the `id` of the body: the same on every attempt and replay.
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("webhook_id").string_len(36).not_null())
                    .col(ColumnDef::new("event").string_len(40).not_null())
                    // Deliveries with the same key go out in the order written: the ticket's id.
                    .col(ColumnDef::new("order_key").string_len(36).not_null())
                    .col(ColumnDef::new("data").json().not_null())
                    .col(required_time("occurred_at"))
                    // pending | sending | delivered | failed
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(ColumnDef::new("attempts").integer().not_null().default(0))
                    // When to try next, or until when a sender holds it; null once finished.
                    .col(time("next_attempt_at"))
                    .col(ColumnDef::new("lease_owner").string_len(100).null())
                    .col(ColumnDef::new("last_status").integer().null())
                    .col(ColumnDef::new("last_error").text().null())
                    .col(time("delivered_at"))
                    .col(required_time("created_at"))
                    .col(required_time("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk(
                        "webhook_deliveries",
                        "webhook_id",
                        "webhooks",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_webhook_deliveries_next_attempt_at",
                &["next_attempt_at"][..],
            ),
            (
                "ix_webhook_deliveries_webhook_id_order_key_id",
                &["webhook_id", "order_key", "id"][..],
            ),
            (
                "ix_webhook_deliveries_company_id_webhook_id_id",
                &["company_id", "webhook_id", "id"][..],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("webhook_deliveries");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("webhook_deliveries").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("webhooks").to_owned())
            .await
    }
}
