//! Field work: each project's price list and the bill of a paid job (有偿服务), and the photos
//! of the work (their files live under the data directory).

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_field_work"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("price_items")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("unit").string_len(20).not_null())
                    .col(ColumnDef::new("price_cents").big_integer().not_null())
                    .col(ColumnDef::new("active").boolean().not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("price_items", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_charges")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("line").integer().not_null())
                    .col(ColumnDef::new("price_item_id").string_len(36).not_null())
                    // Copied from the price list: the bill keeps the price it was made with.
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("unit").string_len(20).not_null())
                    .col(ColumnDef::new("unit_price_cents").big_integer().not_null())
                    .col(ColumnDef::new("quantity").integer().not_null())
                    .col(ColumnDef::new("amount_cents").big_integer().not_null())
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("line"),
                    )
                    .foreign_key(&mut tenant_fk("ticket_charges", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("photos")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("content_type").string_len(32).not_null())
                    .col(ColumnDef::new("size").big_integer().not_null())
                    .col(ColumnDef::new("width").integer().not_null())
                    .col(ColumnDef::new("height").integer().not_null())
                    .col(ColumnDef::new("uploaded_by").string_len(36).not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("photos", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_photos_company_id_ticket_id")
                    .table("photos")
                    .col("company_id")
                    .col("ticket_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("charge_total_cents").big_integer().null())
                    .to_owned(),
            )
            .await?;
        // pending, accepted or disputed.
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("charge_status").string_len(16).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["charge_status", "charge_total_cents"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("tickets")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in ["photos", "ticket_charges", "price_items"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
