//! The FAQ bot's answers (智能客服): every question it was asked, what it answered or why it
//! handed off, and whether the resident found the answer helpful — the facts behind its figures.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0033_bot_answers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("bot_answers")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("channel").string_len(32).not_null())
                    // A staff id, a resident's normalised phone.
                    .col(ColumnDef::new("asked_by").string_len(64).not_null())
                    .col(ColumnDef::new("question").text().not_null())
                    // The article answered with; null when handed off.
                    .col(ColumnDef::new("article_id").string_len(36).null())
                    .col(ColumnDef::new("confidence").float().not_null())
                    // Why a person takes over (asked_for_person, emergency, repair, complaint,
                    // not_known); null when answered.
                    .col(ColumnDef::new("handoff").string_len(32).null())
                    .col(ColumnDef::new("helpful").boolean().null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("bot_answers"))
                    .foreign_key(&mut tenant_fk("bot_answers", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        // The figures read a project's answers of a period.
        manager
            .create_index(
                Index::create()
                    .name("ix_bot_answers_project_created")
                    .table("bot_answers")
                    .col("company_id")
                    .col("project_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("bot_answers").to_owned())
            .await
    }
}
