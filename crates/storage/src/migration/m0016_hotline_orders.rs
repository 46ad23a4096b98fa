//! 12345 hotline orders: each order the city's platform forwards is kept with the ticket it
//! opened, its number unique in the company (a unique index, so two arrivals of one order at
//! once cannot both open a ticket, on any number of nodes), and the handling result sent back.
//! The ticket keeps the platform's deadlines, which its clocks are computed from.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_hotline_orders"
    }
}

const TABLE: &str = "hotline_orders";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("platform_order").json().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("order_no").string_len(64).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("street").string_len(100).null())
                    .col(
                        ColumnDef::new("received_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("arrivals").integer().not_null())
                    .col(ColumnDef::new("reply").text().null())
                    .col(
                        ColumnDef::new("replied_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new("replied_by").string_len(36).null())
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
                    .primary_key(Index::create().col("company_id").col("ticket_id"))
                    .foreign_key(&mut tenant_fk(TABLE, "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_hotline_orders_company_id_order_no")
                    .table(TABLE)
                    .col("company_id")
                    .col("order_no")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Lists, exports and the on-time figure read one project's orders by arrival.
        manager
            .create_index(
                Index::create()
                    .name("ix_hotline_orders_company_id_project_id_received_at")
                    .table(TABLE)
                    .col("company_id")
                    .col("project_id")
                    .col("received_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .drop_column("platform_order")
                    .to_owned(),
            )
            .await
    }
}
