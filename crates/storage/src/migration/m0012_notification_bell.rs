//! The notification bell asks every 20 seconds, on every staff page, how many of a person's
//! notifications are unread and how many of those are new jobs: this index answers both counts
//! from the index alone, however many read notifications a person has piled up.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_notification_bell"
    }
}

const INDEX: &str = "ix_notifications_company_id_recipient_id_read_at_kind";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("notifications")
                    .col("company_id")
                    .col("recipient_id")
                    .col("read_at")
                    .col("kind")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table("notifications").to_owned())
            .await
    }
}
