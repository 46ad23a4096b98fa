//! NPS survey campaigns, their single-use invitations, and the answers.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_nps"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("nps_campaigns")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("building_id").string_len(36).null())
                    .col(ColumnDef::new("tier").string_len(16).null())
                    .col(ColumnDef::new("question").string_len(200).not_null())
                    .col(ColumnDef::new("invited").integer().not_null())
                    .col(
                        ColumnDef::new("closes_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("created_by").string_len(36).not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("nps_campaigns", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nps_invitations")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("nonce").string_len(32).not_null())
                    .col(ColumnDef::new("campaign_id").string_len(36).not_null())
                    .col(ColumnDef::new("phone").string_len(20).not_null())
                    .col(ColumnDef::new("used_at").timestamp_with_time_zone().null())
                    .primary_key(Index::create().col("company_id").col("nonce"))
                    .foreign_key(&mut tenant_fk(
                        "nps_invitations",
                        "campaign_id",
                        "nps_campaigns",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_nps_invitations_nonce")
                    .table("nps_invitations")
                    .col("nonce")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nps_responses")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("campaign_id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .col(ColumnDef::new("score").integer().not_null())
                    .col(ColumnDef::new("reason").text().null())
                    .col(
                        ColumnDef::new("answered_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk(
                        "nps_responses",
                        "campaign_id",
                        "nps_campaigns",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_nps_responses_company_id_project_id_answered_at")
                    .table("nps_responses")
                    .col("company_id")
                    .col("project_id")
                    .col("answered_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["nps_responses", "nps_invitations", "nps_campaigns"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
