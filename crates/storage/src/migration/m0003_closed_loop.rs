//! The closed loop: follow-up state on tickets, follow-up policies on categories, single-use
//! rating links, and the installation's signing secret.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_closed_loop"
    }
}

/// One column added per statement: SQLite alters a table one column at a time.
async fn add(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

const TICKET_COLUMNS: [&str; 10] = [
    "follow_up_policy",
    "follow_up_owner_id",
    "follow_up_attempts",
    "follow_up_result",
    "followed_up_at",
    "first_resolved_at",
    "reopened_at",
    "timeliness",
    "attitude",
    "adopted",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let [
            policy,
            owner,
            attempts,
            result,
            followed_up_at,
            first_resolved_at,
            reopened_at,
            timeliness,
            attitude,
            adopted,
        ] = TICKET_COLUMNS;
        add(
            manager,
            "tickets",
            ColumnDef::new(policy).string_len(16).null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(owner).string_len(36).null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(attempts).integer().not_null().default(0),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(result).string_len(16).null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(followed_up_at)
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(first_resolved_at)
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(reopened_at)
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(timeliness).integer().null(),
        )
        .await?;
        add(
            manager,
            "tickets",
            ColumnDef::new(attitude).integer().null(),
        )
        .await?;
        add(manager, "tickets", ColumnDef::new(adopted).boolean().null()).await?;
        add(
            manager,
            "categories",
            ColumnDef::new("follow_up_policy").string_len(16).null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tickets_company_id_follow_up_owner_id")
                    .table("tickets")
                    .col("company_id")
                    .col("follow_up_owner_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rating_links")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("nonce").string_len(32).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    // The resolve this link rates: a reopened ticket gets a new link.
                    .col(ColumnDef::new("round").integer().not_null())
                    .col(ColumnDef::new("phone").string_len(20).not_null())
                    .col(
                        ColumnDef::new("expires_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("used_at").timestamp_with_time_zone().null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("nonce"))
                    .foreign_key(&mut tenant_fk("rating_links", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_rating_links_nonce")
                    .table("rating_links")
                    .col("nonce")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("installation_secrets")
                    .col(ColumnDef::new("name").string_len(64).not_null())
                    .col(ColumnDef::new("value").string_len(128).not_null())
                    .primary_key(Index::create().col("name"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["installation_secrets", "rating_links"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("categories")
                    .drop_column("follow_up_policy")
                    .to_owned(),
            )
            .await?;
        for column in TICKET_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("tickets")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
