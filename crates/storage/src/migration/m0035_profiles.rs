//! Owner profiles and butlers: a household's stored facts (important dates, preferences) and
//! its butler set by hand; a building's butler, whom its households have when none is set by
//! hand; and on a sensitive resident tag, who recorded the resident's consent and when.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0035_profiles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let staff = |name: &'static str| ColumnDef::new(name).string_len(36).null().to_owned();
        // One column at a time: SQLite alters one column per statement.
        for column in [
            // guanjia_domain::profile::HouseholdFacts.
            ColumnDef::new("facts").json().null().to_owned(),
            staff("butler_id"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("households")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("buildings")
                    .add_column(staff("butler_id"))
                    .to_owned(),
            )
            .await?;
        for column in [
            staff("consent_by"),
            ColumnDef::new("consent_at")
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("resident_tags")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The butler's page finds their households by hand and by building.
        for (name, table) in [
            ("ix_households_company_id_butler_id", "households"),
            ("ix_buildings_company_id_butler_id", "buildings"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col("company_id")
                        .col("butler_id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_households_company_id_butler_id", "households"),
            ("ix_buildings_company_id_butler_id", "buildings"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            ("resident_tags", "consent_at"),
            ("resident_tags", "consent_by"),
            ("buildings", "butler_id"),
            ("households", "butler_id"),
            ("households", "facts"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
