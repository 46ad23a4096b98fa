//! Ready for a pilot: one arrival per visit, one rating per resolution and a resident's chase on
//! tickets; each company's own name and logo for the residents' pages.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_pilot_field"
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

const TICKET_COLUMNS: [&str; 3] = ["on_site_at", "rated_at", "chased_at"];
const COMPANY_COLUMNS: [&str; 2] = ["display_name", "logo"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in TICKET_COLUMNS {
            add(
                manager,
                "tickets",
                ColumnDef::new(column).timestamp_with_time_zone().null(),
            )
            .await?;
        }
        let [display_name, logo] = COMPANY_COLUMNS;
        add(
            manager,
            "companies",
            ColumnDef::new(display_name).string_len(100).null(),
        )
        .await?;
        // The logo as checked and shrunk like a photo's thumbnail: a small JPEG kept in the row.
        add(manager, "companies", ColumnDef::new(logo).binary().null()).await?;
        // Photos of the work a technician's finish needs in this category (none when null).
        add(
            manager,
            "categories",
            ColumnDef::new("min_photos").integer().null(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("categories")
                    .drop_column("min_photos")
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
        for column in COMPANY_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("companies")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
