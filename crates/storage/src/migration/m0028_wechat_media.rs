//! The pictures and recordings followers send an official account, to fetch from WeChat's
//! temporary-media API after the push was answered: one row per message, claimed by one node at
//! a time with a lease, retried with a growing wait, and ended fetched or failed (WeChat's
//! reason kept). And the notes of message files being written, until the row listing them
//! commits: one left over an hour names a file to sweep.

use sea_orm_migration::prelude::*;

use super::company_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0028_wechat_media"
    }
}

const TABLE: &str = "wechat_media_fetches";
const WRITES: &str = "message_file_writes";

fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    // The conversation message the media belongs to.
                    .col(ColumnDef::new("message_id").string_len(36).not_null())
                    // The official account's AppID (the sender's openid is of it).
                    .col(ColumnDef::new("app_id").string_len(64).not_null())
                    .col(ColumnDef::new("media_id").string_len(200).not_null())
                    // pending, fetched, failed
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(ColumnDef::new("attempts").integer().not_null().default(0))
                    // When a pending fetch is due; while claimed, the end of the lease.
                    .col(timestamp("next_attempt_at"))
                    .col(ColumnDef::new("lease_owner").string_len(100).null())
                    .col(ColumnDef::new("error_code").string_len(64).null())
                    .col(ColumnDef::new("error_reason").string_len(200).null())
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(Index::create().col("company_id").col("message_id"))
                    .foreign_key(&mut company_fk(TABLE))
                    .to_owned(),
            )
            .await?;
        // The claim reads the due pending rows in time order.
        manager
            .create_index(
                Index::create()
                    .name("idx_wechat_media_fetches_due")
                    .table(TABLE)
                    .col("state")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WRITES)
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("message_id").string_len(36).not_null())
                    .col(ColumnDef::new("file_id").string_len(36).not_null())
                    .col(timestamp("created_at"))
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("message_id")
                            .col("file_id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The sweep reads the oldest notes first.
        manager
            .create_index(
                Index::create()
                    .name("idx_message_file_writes_created_at")
                    .table(WRITES)
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WRITES).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await
    }
}
