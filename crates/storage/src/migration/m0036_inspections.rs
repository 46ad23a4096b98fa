//! 质检: the company's score sheets, each project's sampling rules, the weekly sampling rounds
//! run (one per project and week), and the inspections with their scores and appeals.

use sea_orm_migration::prelude::*;

use super::{at, company_fk, id, optional_at, optional_id, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0036_inspections"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("inspection_sheets")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    // guanjia_domain::inspection::SheetItem and RedLine lists.
                    .col(ColumnDef::new("items").json_binary().not_null())
                    .col(ColumnDef::new("red_lines").json_binary().not_null())
                    .col(ColumnDef::new("active").boolean().not_null())
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("inspection_sheets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_rules")
                    .col(id("company_id"))
                    .col(id("project_id"))
                    .col(ColumnDef::new("share_percent").integer().not_null())
                    .col(ColumnDef::new("complaints_rated_below").integer().null())
                    .col(ColumnDef::new("every_breached").boolean().not_null())
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("project_id"))
                    .foreign_key(&mut tenant_fk("inspection_rules", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        // One row per project and week: the round ran (its key makes a second run, by another
        // node or by hand, a no-op for the scheduler).
        manager
            .create_table(
                Table::create()
                    .table("inspection_rounds")
                    .col(id("company_id"))
                    .col(id("project_id"))
                    .col(ColumnDef::new("week").date().not_null())
                    .col(ColumnDef::new("taken").integer().not_null())
                    .col(at("created_at"))
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("project_id")
                            .col("week"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "inspection_rounds",
                        "project_id",
                        "projects",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspections")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(id("project_id"))
                    .col(id("ticket_id"))
                    // The person inspected.
                    .col(id("staff_id"))
                    .col(ColumnDef::new("week").date().not_null())
                    .col(ColumnDef::new("reason").string_len(32).not_null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(optional_id("sheet_id"))
                    // guanjia_domain::inspection::ScoreFacts.
                    .col(ColumnDef::new("facts").json_binary().null())
                    // The score that counts: the inspector's, or the one an appeal gave.
                    .col(ColumnDef::new("score").integer().null())
                    .col(ColumnDef::new("inspector_score").integer().null())
                    .col(optional_id("inspector_id"))
                    .col(optional_at("scored_at"))
                    .col(ColumnDef::new("appeal_reason").text().null())
                    .col(optional_at("appealed_at"))
                    .col(optional_id("decided_by"))
                    .col(ColumnDef::new("decision_comment").text().null())
                    .col(optional_at("decided_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("inspections", "project_id", "projects"))
                    .foreign_key(&mut tenant_fk("inspections", "ticket_id", "tickets"))
                    .foreign_key(&mut tenant_fk("inspections", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        // A ticket is inspected once, whichever round or node took it.
        manager
            .create_index(
                Index::create()
                    .name("ux_inspections_company_id_ticket_id")
                    .table("inspections")
                    .col("company_id")
                    .col("ticket_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The queue by project and state; a person's results and scores over weeks.
        for (name, cols) in [
            (
                "ix_inspections_company_project_state",
                ["company_id", "project_id", "state"],
            ),
            (
                "ix_inspections_company_staff_week",
                ["company_id", "staff_id", "week"],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("inspections");
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "inspections",
            "inspection_rounds",
            "inspection_rules",
            "inspection_sheets",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
