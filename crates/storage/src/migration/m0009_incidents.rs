//! Message understanding in production: incidents (one outage, many tickets), the desk's
//! corrections of what was read from the text, and each company's own vocabulary.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_incidents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("incidents")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("title").string_len(200).not_null())
                    .col(ColumnDef::new("category").string_len(64).null())
                    // Where, as residents say it: 3栋2单元, B座.
                    .col(ColumnDef::new("place").string_len(100).null())
                    .col(
                        ColumnDef::new("opened_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("closed_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new("ticket_count")
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    // Null when formed automatically from a duplicate link.
                    .col(ColumnDef::new("created_by").string_len(36).null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("incidents", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_incidents_company_id_project_id_opened_at")
                    .table("incidents")
                    .col("company_id")
                    .col("project_id")
                    .col("opened_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("incident_id").string_len(36).null())
                    .to_owned(),
            )
            .await?;
        // The fields message understanding filled in at creation, so corrections can be counted.
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("filled_from_text").json().null())
                    .to_owned(),
            )
            .await?;
        for column in ["incident_id", "duplicate_of"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_tickets_company_id_{column}"))
                        .table("tickets")
                        .col("company_id")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("intake_corrections")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    // kind, category or urgency.
                    .col(ColumnDef::new("field").string_len(16).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    // What the text was read as, and what the desk chose.
                    .col(ColumnDef::new("analysed").string_len(64).null())
                    .col(ColumnDef::new("chosen").string_len(64).null())
                    .col(ColumnDef::new("corrected_by").string_len(36).not_null())
                    .col(ColumnDef::new("reason").text().null())
                    // The ticket's, so figures of a period need no join.
                    .col(
                        ColumnDef::new("reported_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("corrected_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("field"),
                    )
                    .foreign_key(&mut tenant_fk("intake_corrections", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_intake_corrections_company_id_reported_at")
                    .table("intake_corrections")
                    .col("company_id")
                    .col("reported_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("intake_vocabularies")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    // guanjia_intake::Vocabulary as JSON.
                    .col(ColumnDef::new("vocabulary").json().not_null())
                    .col(ColumnDef::new("version").big_integer().not_null())
                    .col(ColumnDef::new("updated_by").string_len(36).null())
                    .col(
                        ColumnDef::new("updated_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id"))
                    .foreign_key(&mut company_fk("intake_vocabularies"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["intake_vocabularies", "intake_corrections"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in ["incident_id", "duplicate_of"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_tickets_company_id_{column}"))
                        .table("tickets")
                        .to_owned(),
                )
                .await?;
        }
        for column in ["filled_from_text", "incident_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("tickets")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("incidents").to_owned())
            .await
    }
}
