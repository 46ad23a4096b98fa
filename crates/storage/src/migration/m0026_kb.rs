//! The knowledge base (知识库): articles, each a series of versions (drafts and published ones,
//! kept as history), and the projects the listed version applies to, for scoped lists.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0026_kb"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("kb_articles")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    // The staff member who answers for it and is reminded to review it.
                    .col(ColumnDef::new("owner_id").string_len(36).not_null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(ColumnDef::new("latest_version").integer().not_null())
                    .col(ColumnDef::new("published_version").integer().null())
                    // The listed version's (the published one, else the latest draft): what
                    // lists filter on without reading versions.
                    .col(ColumnDef::new("title").string_len(200).not_null())
                    .col(ColumnDef::new("category").string_len(64).null())
                    .col(ColumnDef::new("review_by").date().null())
                    // The review-by date the owner was reminded of; a new date reminds again.
                    .col(ColumnDef::new("reminded_for").date().null())
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
                    .primary_key(Index::create().col("company_id").col("id"))
                    .to_owned(),
            )
            .await?;
        // Reminders due: articles whose review-by date has come and was not reminded of.
        manager
            .create_index(
                Index::create()
                    .name("ix_kb_articles_review_by")
                    .table("kb_articles")
                    .col("review_by")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_article_versions")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("article_id").string_len(36).not_null())
                    .col(ColumnDef::new("version").integer().not_null())
                    .col(ColumnDef::new("title").string_len(200).not_null())
                    // Markdown.
                    .col(ColumnDef::new("body").text().not_null())
                    .col(ColumnDef::new("category").string_len(64).null())
                    .col(ColumnDef::new("questions").json_binary().not_null())
                    .col(ColumnDef::new("tags").json_binary().not_null())
                    // Empty: every project of the company.
                    .col(ColumnDef::new("project_ids").json_binary().not_null())
                    .col(ColumnDef::new("author_id").string_len(36).not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("article_id")
                            .col("version"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "kb_article_versions",
                        "article_id",
                        "kb_articles",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_article_projects")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("article_id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("article_id")
                            .col("project_id"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "kb_article_projects",
                        "article_id",
                        "kb_articles",
                    ))
                    .foreign_key(&mut tenant_fk(
                        "kb_article_projects",
                        "project_id",
                        "projects",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_kb_article_projects_project")
                    .table("kb_article_projects")
                    .col("company_id")
                    .col("project_id")
                    .col("article_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["kb_article_projects", "kb_article_versions", "kb_articles"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
