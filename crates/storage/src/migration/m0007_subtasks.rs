//! Collaboration sub-tasks (协办) on tickets.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_subtasks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("subtasks")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("title").string_len(200).not_null())
                    .col(ColumnDef::new("team_id").string_len(36).null())
                    .col(ColumnDef::new("assignee_id").string_len(36).null())
                    // open or done.
                    .col(ColumnDef::new("status").string_len(16).not_null())
                    .col(ColumnDef::new("created_by").string_len(36).not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("done_by").string_len(36).null())
                    .col(ColumnDef::new("done_at").timestamp_with_time_zone().null())
                    .col(ColumnDef::new("note").text().null())
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("subtasks", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_subtasks_company_id_ticket_id")
                    .table("subtasks")
                    .col("company_id")
                    .col("ticket_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_subtasks_company_id_assignee_id")
                    .table("subtasks")
                    .col("company_id")
                    .col("assignee_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(
                        ColumnDef::new("open_subtasks")
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .drop_column("open_subtasks")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("subtasks").to_owned())
            .await
    }
}
