//! Praise credited to the staff a resident names.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_praise"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("praise_credits")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("staff_id").string_len(36).not_null())
                    // text (read from the resident's words) or agent (credited by hand).
                    .col(ColumnDef::new("source").string_len(16).not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("staff_id"),
                    )
                    .foreign_key(&mut tenant_fk("praise_credits", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_praise_credits_company_id_staff_id")
                    .table("praise_credits")
                    .col("company_id")
                    .col("staff_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("praise_credits").to_owned())
            .await
    }
}
