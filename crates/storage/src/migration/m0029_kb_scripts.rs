//! Standard scripts (话术库): approved wording per situation, optionally per category and the
//! ticket statuses it fits, with placeholders the ticket fills; how often each is used.

use sea_orm_migration::prelude::*;

use super::company_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0029_kb_scripts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("kb_scripts")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("title").string_len(100).not_null())
                    .col(ColumnDef::new("situation").string_len(32).not_null())
                    // Null: every category.
                    .col(ColumnDef::new("category").string_len(64).null())
                    // Ticket status codes; empty: those the situation is likely in.
                    .col(ColumnDef::new("states").json_binary().not_null())
                    .col(ColumnDef::new("body").text().not_null())
                    .col(ColumnDef::new("active").boolean().not_null())
                    .col(ColumnDef::new("use_count").big_integer().not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("kb_scripts"))
                    .to_owned(),
            )
            .await?;
        // A ticket's suggestions read the company's active scripts of its category and the
        // general ones.
        manager
            .create_index(
                Index::create()
                    .name("ix_kb_scripts_company_active_category")
                    .table("kb_scripts")
                    .col("company_id")
                    .col("active")
                    .col("category")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("kb_scripts").to_owned())
            .await
    }
}
