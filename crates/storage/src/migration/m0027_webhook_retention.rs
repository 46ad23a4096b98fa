//! The delivery log's retention finds delivered deliveries by when they were delivered, oldest
//! first, without reading the whole log.

use sea_orm_migration::prelude::*;

pub struct Migration;

const INDEX: &str = "ix_webhook_deliveries_state_delivered_at";

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0027_webhook_retention"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("webhook_deliveries")
                    .col("state")
                    .col("delivered_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table("webhook_deliveries")
                    .to_owned(),
            )
            .await
    }
}
