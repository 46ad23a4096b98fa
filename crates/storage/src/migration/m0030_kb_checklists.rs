//! SOP checklists (作业检查单): a category's ordered steps and whether they must all be ticked
//! before resolve; and the steps ticked on each ticket (each tick is on the timeline too).

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0030_kb_checklists"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("kb_checklists")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("category").string_len(64).not_null())
                    // `[{id, text}]`, in order.
                    .col(ColumnDef::new("steps").json_binary().not_null())
                    // Every step ticked before the ticket may be resolved.
                    .col(ColumnDef::new("required").boolean().not_null())
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("category"))
                    .foreign_key(&mut company_fk("kb_checklists"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_checklist_ticks")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("step_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticked_by").string_len(36).not_null())
                    .col(
                        ColumnDef::new("ticked_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("step_id"),
                    )
                    .foreign_key(&mut tenant_fk("kb_checklist_ticks", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["kb_checklist_ticks", "kb_checklists"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
