//! 考核: each role's scheme of weights and targets, the months locked, and the cards a locked
//! month keeps (one per person or team, with the measures as facts).

use sea_orm_migration::prelude::*;

use super::{at, company_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0037_scorecards"
    }
}

fn text(name: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A role without a row scores on guanjia_domain::scorecard::Scheme::default_for.
        manager
            .create_table(
                Table::create()
                    .table("scorecard_schemes")
                    .col(text("company_id", 36))
                    .col(text("role", 16))
                    // guanjia_domain::scorecard::Term list.
                    .col(ColumnDef::new("terms").json_binary().not_null())
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("role"))
                    .foreign_key(&mut company_fk("scorecard_schemes"))
                    .to_owned(),
            )
            .await?;
        // One row per company and month once locked: its key makes a second lock (another
        // node, or by hand) a no-op.
        manager
            .create_table(
                Table::create()
                    .table("scorecard_months")
                    .col(text("company_id", 36))
                    .col(text("month", 7))
                    .col(ColumnDef::new("locked_by").string_len(36).null())
                    .col(at("locked_at"))
                    .primary_key(Index::create().col("company_id").col("month"))
                    .foreign_key(&mut company_fk("scorecard_months"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("scorecards")
                    .col(text("company_id", 36))
                    // `{month}.{role}.{subject_id}`: the same id before and after the lock.
                    .col(text("id", 64))
                    .col(text("month", 7))
                    .col(text("role", 16))
                    // A staff member's id, or a team's.
                    .col(text("subject_id", 36))
                    .col(text("name", 100))
                    // guanjia_domain::scorecard::Scored: each measure's value, target and
                    // points as they stood when the month was locked.
                    .col(ColumnDef::new("scored").json_binary().not_null())
                    .col(ColumnDef::new("total").double().not_null())
                    .col(ColumnDef::new("rank").integer().not_null())
                    .col(at("locked_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("scorecards"))
                    .to_owned(),
            )
            .await?;
        // A month's league table of one role.
        manager
            .create_index(
                Index::create()
                    .name("ix_scorecards_company_month_role")
                    .table("scorecards")
                    .col("company_id")
                    .col("month")
                    .col("role")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["scorecards", "scorecard_months", "scorecard_schemes"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
