//! 培训: the company's courses (lessons and question bank as JSON), the courses each role must
//! pass, exam attempts (the questions asked kept as asked), certificates, and each new staff
//! member's mentor with their checklist.

use sea_orm_migration::prelude::*;

use super::{at, company_fk, id, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0038_training"
    }
}

fn index(
    manager_name: &'static str,
    table: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(manager_name).table(table);
    for col in cols {
        index.col(*col);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("training_courses")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(ColumnDef::new("title").string_len(100).not_null())
                    .col(ColumnDef::new("description").text().null())
                    // guanjia_domain::training::Lesson and Question lists.
                    .col(ColumnDef::new("lessons").json_binary().not_null())
                    .col(ColumnDef::new("questions").json_binary().not_null())
                    .col(ColumnDef::new("pass_mark").integer().not_null())
                    .col(ColumnDef::new("max_attempts").integer().not_null())
                    .col(ColumnDef::new("certificate_months").integer().not_null())
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("training_courses"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("training_requirements")
                    .col(id("company_id"))
                    .col(ColumnDef::new("role").string_len(16).not_null())
                    .col(id("course_id"))
                    .col(ColumnDef::new("due_days").integer().not_null())
                    .col(at("created_at"))
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("role")
                            .col("course_id"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "training_requirements",
                        "course_id",
                        "training_courses",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("training_attempts")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(id("course_id"))
                    .col(id("staff_id"))
                    // The person's attempts on the course counted from 1; unique, so two starts
                    // at once on two nodes cannot both take the last attempt.
                    .col(ColumnDef::new("number").integer().not_null())
                    // The questions as asked, with their answers: grading reads these, so an
                    // edit of the course does not move an attempt under way.
                    .col(ColumnDef::new("questions").json_binary().not_null())
                    .col(ColumnDef::new("pass_mark").integer().not_null())
                    .col(ColumnDef::new("answers").json_binary().null())
                    .col(ColumnDef::new("score").integer().null())
                    .col(ColumnDef::new("passed").boolean().null())
                    .col(at("started_at"))
                    .col(
                        ColumnDef::new("submitted_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk(
                        "training_attempts",
                        "course_id",
                        "training_courses",
                    ))
                    .foreign_key(&mut tenant_fk("training_attempts", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_training_attempts_number",
                    "training_attempts",
                    &["company_id", "staff_id", "course_id", "number"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("training_certificates")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(id("course_id"))
                    .col(id("staff_id"))
                    .col(id("attempt_id"))
                    .col(ColumnDef::new("score").integer().not_null())
                    .col(at("issued_at"))
                    .col(at("expires_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk(
                        "training_certificates",
                        "course_id",
                        "training_courses",
                    ))
                    .foreign_key(&mut tenant_fk("training_certificates", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        // A person's latest certificate per course: the overdue list and their page read it.
        manager
            .create_index(index(
                "ix_training_certificates_staff_course",
                "training_certificates",
                &["company_id", "staff_id", "course_id", "expires_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("training_mentors")
                    .col(id("company_id"))
                    // The mentee.
                    .col(id("staff_id"))
                    .col(id("mentor_id"))
                    // guanjia_domain::training::ChecklistItem list.
                    .col(ColumnDef::new("checklist").json_binary().not_null())
                    .col(at("assigned_at"))
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("company_id").col("staff_id"))
                    .foreign_key(&mut tenant_fk("training_mentors", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_training_mentors_mentor",
                "training_mentors",
                &["company_id", "mentor_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "training_mentors",
            "training_certificates",
            "training_attempts",
            "training_requirements",
            "training_courses",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
