//! Announcements (公告) with one recipient row per person told, and resident tags (标签) that
//! announcements can target. Tags carry no foreign key to residents: they are read only through
//! a join with the resident, so a tag left behind by a removed resident is never seen.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0031_announcements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        let required_time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        let id = |name: &'static str| ColumnDef::new(name).string_len(36).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table("resident_tags")
                    .col(id("company_id"))
                    .col(id("resident_id"))
                    .col(ColumnDef::new("code").string_len(40).not_null())
                    .col(ColumnDef::new("sensitive").boolean().not_null())
                    .col(ColumnDef::new("created_by").string_len(36).null())
                    .col(required_time("created_at"))
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("resident_id")
                            .col("code"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("announcements")
                    .col(id("company_id"))
                    .col(id("id"))
                    .col(id("project_id"))
                    .col(ColumnDef::new("title").string_len(100).not_null())
                    .col(ColumnDef::new("body").text().not_null())
                    .col(ColumnDef::new("category").string_len(20).not_null())
                    // The audience's facts: building_ids, units, tiers, tags, room_kinds.
                    .col(ColumnDef::new("audience").json().not_null())
                    .col(ColumnDef::new("requires_ack").boolean().not_null())
                    // scheduled | sent | withdrawn
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(required_time("send_at"))
                    .col(time("sent_at"))
                    .col(ColumnDef::new("remind_after_hours").integer().not_null())
                    // Set when sent; cleared once the reminders went.
                    .col(time("remind_at"))
                    .col(time("reminded_at"))
                    // The node holding the scheduled send or the reminder, and until when.
                    .col(ColumnDef::new("lease_owner").string_len(100).null())
                    .col(time("lease_until"))
                    .col(ColumnDef::new("recipients").integer().not_null().default(0))
                    .col(ColumnDef::new("author_id").string_len(36).null())
                    .col(required_time("created_at"))
                    .col(required_time("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("announcements"))
                    .foreign_key(&mut tenant_fk("announcements", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("announcement_recipients")
                    .col(id("company_id"))
                    .col(id("announcement_id"))
                    // One row per person: residents are one identity by phone across rooms.
                    .col(ColumnDef::new("phone").string_len(32).not_null())
                    .col(id("resident_id"))
                    .col(id("notification_id"))
                    .col(time("read_at"))
                    .col(time("acknowledged_at"))
                    .col(time("reminded_at"))
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("announcement_id")
                            .col("phone"),
                    )
                    .foreign_key(&mut tenant_fk(
                        "announcement_recipients",
                        "announcement_id",
                        "announcements",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "ix_resident_tags_company_id_code",
                "resident_tags",
                &["company_id", "code", "resident_id"][..],
            ),
            (
                "ix_announcements_state_send_at",
                "announcements",
                &["state", "send_at"][..],
            ),
            (
                "ix_announcements_remind_at",
                "announcements",
                &["remind_at"][..],
            ),
            (
                "ix_announcements_company_id_project_id_send_at",
                "announcements",
                &["company_id", "project_id", "send_at"][..],
            ),
            (
                "ix_announcement_recipients_company_id_phone",
                "announcement_recipients",
                &["company_id", "phone", "announcement_id"][..],
            ),
            (
                "ix_announcement_recipients_announcement_id_resident_id",
                "announcement_recipients",
                &["company_id", "announcement_id", "resident_id"][..],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["announcement_recipients", "announcements", "resident_tags"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
