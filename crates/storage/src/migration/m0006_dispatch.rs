//! Dispatch: grids (网格) of buildings with their response team, duty rosters, each category's
//! dispatch mode, and what the pipeline needs to know of the staff and tickets.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_dispatch"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("grids")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("team_id").string_len(36).not_null())
                    // Empty: the whole project.
                    .col(ColumnDef::new("building_ids").json().not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("grids", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rosters")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("staff_id").string_len(36).not_null())
                    .col(ColumnDef::new("weekly_hours").json().not_null())
                    // Dated exceptions: leave, swapped shifts, holiday duty.
                    .col(ColumnDef::new("exceptions").json().not_null())
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("staff_id"))
                    .foreign_key(&mut tenant_fk("rosters", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("dispatch_offers")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("staff_id").string_len(36).not_null())
                    .col(
                        ColumnDef::new("offered_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("staff_id"),
                    )
                    .foreign_key(&mut tenant_fk("dispatch_offers", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_dispatch_offers_company_id_staff_id")
                    .table("dispatch_offers")
                    .col("company_id")
                    .col("staff_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("categories")
                    .add_column(ColumnDef::new("dispatch_mode").string_len(16).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("categories")
                    .add_column(ColumnDef::new("grab_minutes").integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("staff")
                    .add_column(
                        ColumnDef::new("last_assigned_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("dispatch_explanation").text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(
                        ColumnDef::new("dispatched_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("tickets", "dispatched_at"),
            ("tickets", "dispatch_explanation"),
            ("staff", "last_assigned_at"),
            ("categories", "grab_minutes"),
            ("categories", "dispatch_mode"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        for table in ["dispatch_offers", "rosters", "grids"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
