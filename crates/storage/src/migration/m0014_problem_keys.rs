//! The duplicate check looks its candidates up by problem: each ticket understood from its text
//! is filed under the subjects of its problems and its category (see
//! `guanjia_intake::problem_keys`), indexed by project, key and time, instead of every new ticket
//! reading and comparing up to 500 open tickets of its project.

use sea_orm_migration::prelude::*;

use super::tenant_fk;
use crate::tickets::refile_understood;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_problem_keys"
    }
}

const INDEX: &str = "ix_ticket_problem_keys_company_id_project_id_key_reported_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ticket_problem_keys")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("key").string_len(100).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(
                        ColumnDef::new("reported_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("key"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "ticket_problem_keys",
                        "ticket_id",
                        "tickets",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("ticket_problem_keys")
                    .col("company_id")
                    .col("project_id")
                    .col("key")
                    .col("reported_at")
                    .to_owned(),
            )
            .await?;
        // Tickets understood before: filed from the facts they were stored with.
        refile_understood(manager.get_connection()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("ticket_problem_keys").to_owned())
            .await
    }
}
