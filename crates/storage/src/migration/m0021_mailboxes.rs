//! The mailboxes e-mail is fetched from by IMAP: how far each has been read (its UIDVALIDITY and
//! the last UID taken) and which node holds the lease to read it now.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0021_mailboxes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("mailboxes")
                    // `user@host:port/MAILBOX`: one row per mailbox, whatever the node.
                    .col(
                        ColumnDef::new("key")
                            .string_len(600)
                            .not_null()
                            .primary_key(),
                    )
                    // None until the mailbox was first read.
                    .col(ColumnDef::new("uid_validity").big_integer())
                    .col(
                        ColumnDef::new("last_uid")
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new("lease_owner").string_len(100))
                    .col(ColumnDef::new("lease_until").timestamp_with_time_zone())
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("mailboxes").to_owned())
            .await
    }
}
