//! Sign-in guesses counted per account or phone and client address instead of a lock on the
//! account that anyone could trigger; sign-in code requests remembered for a day to limit them.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_sign_in_throttles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sign_in_throttles")
                    .col(
                        ColumnDef::new("key")
                            .string_len(300)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("failures").integer().not_null())
                    .col(
                        ColumnDef::new("last_failure_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("blocked_until")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sign_in_code_requests")
                    .col(ColumnDef::new("id").string_len(36).not_null().primary_key())
                    .col(ColumnDef::new("key").string_len(300).not_null())
                    .col(
                        ColumnDef::new("requested_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sign_in_code_requests_key")
                    .table("sign_in_code_requests")
                    .col("key")
                    .col("requested_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sign_in_throttles_last_failure_at")
                    .table("sign_in_throttles")
                    .col("last_failure_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sign_in_code_requests_requested_at")
                    .table("sign_in_code_requests")
                    .col("requested_at")
                    .to_owned(),
            )
            .await?;
        // The lock on the account is gone: the throttle above replaces it.
        for column in ["failed_logins", "locked_until"] {
            manager
                .alter_table(Table::alter().table("staff").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
