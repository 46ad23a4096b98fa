//! The SLA engine: business calendars, policies, each ticket's clocks, the steps the scheduler
//! fires (with leases, so that several nodes never fire one twice) and the notification outbox.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_sla"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendars")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    // china_mainland or always_open for the two every company starts with.
                    .col(ColumnDef::new("preset").string_len(32).null())
                    .col(ColumnDef::new("weekly_hours").json().not_null())
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
                    .foreign_key(&mut company_fk("calendars"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_calendars_company_id_name")
                    .table("calendars")
                    .col("company_id")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("calendar_days")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("calendar_id").string_len(36).not_null())
                    .col(ColumnDef::new("date").date().not_null())
                    .col(ColumnDef::new("is_workday").boolean().not_null())
                    .col(ColumnDef::new("hours").json().not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("calendar_id")
                            .col("date"),
                    )
                    .foreign_key(&mut tenant_fk("calendar_days", "calendar_id", "calendars"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .add_column(ColumnDef::new("calendar_id").string_len(36).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("pauses").json().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(ColumnDef::new("tier").string_len(16).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sla_policies")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).null())
                    .col(ColumnDef::new("kind").string_len(32).null())
                    .col(ColumnDef::new("category").string_len(64).null())
                    .col(ColumnDef::new("urgency").string_len(32).null())
                    .col(ColumnDef::new("tier").string_len(16).null())
                    .col(ColumnDef::new("calendar_id").string_len(36).null())
                    .col(ColumnDef::new("targets").json().not_null())
                    .col(ColumnDef::new("warn_at_percent").json().not_null())
                    .col(ColumnDef::new("escalation").json().not_null())
                    .col(ColumnDef::new("active").boolean().not_null())
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
                    .foreign_key(&mut company_fk("sla_policies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sla_clocks")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(32).not_null())
                    .col(ColumnDef::new("policy_id").string_len(36).not_null())
                    .col(ColumnDef::new("calendar_id").string_len(36).not_null())
                    .col(ColumnDef::new("target").json().not_null())
                    .col(
                        ColumnDef::new("started_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new("due_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // The first early warning, for the list filter sla_state=warning.
                    .col(ColumnDef::new("warn_at").timestamp_with_time_zone().null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(
                        ColumnDef::new("finished_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("name"),
                    )
                    .foreign_key(&mut tenant_fk("sla_clocks", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sla_clocks_company_id_state_due_at")
                    .table("sla_clocks")
                    .col("company_id")
                    .col("state")
                    .col("due_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sla_steps")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    // A clock name, or `risk` for the escalation of a flagged ticket.
                    .col(ColumnDef::new("clock").string_len(64).not_null())
                    .col(ColumnDef::new("step").string_len(32).not_null())
                    // Null while the clock is paused and once fired: only due work is indexed by time.
                    .col(ColumnDef::new("fire_at").timestamp_with_time_zone().null())
                    .col(ColumnDef::new("fired_at").timestamp_with_time_zone().null())
                    .col(ColumnDef::new("lease_owner").string_len(64).null())
                    .col(
                        ColumnDef::new("lease_until")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("ticket_id")
                            .col("clock")
                            .col("step"),
                    )
                    .foreign_key(&mut tenant_fk("sla_steps", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sla_steps_fire_at")
                    .table("sla_steps")
                    .col("fire_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("recipient_id").string_len(36).not_null())
                    .col(ColumnDef::new("kind").string_len(32).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).null())
                    .col(ColumnDef::new("details").json().not_null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new("read_at").timestamp_with_time_zone().null())
                    // For delivery to WeChat, SMS or e-mail, which will read the outbox.
                    .col(
                        ColumnDef::new("delivered_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("notifications"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_company_id_recipient_id_created_at")
                    .table("notifications")
                    .col("company_id")
                    .col("recipient_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "notifications",
            "sla_steps",
            "sla_clocks",
            "sla_policies",
            "calendar_days",
            "calendars",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            ("tickets", "tier"),
            ("tickets", "pauses"),
            ("projects", "calendar_id"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
