//! Calls: each call the phone system reports (its state, times, caller, the extension's agent,
//! its recording and the ticket opened during it), and an extension (分机号) on staff.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0020_calls"
    }
}

fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("staff")
                    .add_column(ColumnDef::new("extension").string_len(16).null())
                    .to_owned(),
            )
            .await?;
        // One agent per extension in a company; many without one.
        manager
            .create_index(
                Index::create()
                    .name("ux_staff_company_id_extension")
                    .table("staff")
                    .col("company_id")
                    .col("extension")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("calls")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    // The phone system's id of the call.
                    .col(ColumnDef::new("call_id").string_len(64).not_null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(ColumnDef::new("caller_phone").string_len(32).not_null())
                    .col(ColumnDef::new("extension").string_len(16).not_null())
                    // The agent of the extension (that answered, else that rang).
                    .col(ColumnDef::new("staff_id").string_len(36).not_null())
                    .col(timestamp("ringing_at"))
                    .col(timestamp("answered_at"))
                    .col(timestamp("ended_at"))
                    .col(ColumnDef::new("recording_url").string_len(1000).null())
                    .col(ColumnDef::new("ticket_id").string_len(36).null())
                    // The account the phone system posts its events with.
                    .col(ColumnDef::new("received_by").string_len(36).not_null())
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
                    .foreign_key(&mut tenant_fk("calls", "staff_id", "staff"))
                    .foreign_key(&mut tenant_fk("calls", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        // Each call once, whichever node receives its events and however often.
        manager
            .create_index(
                Index::create()
                    .name("ux_calls_company_id_call_id")
                    .table("calls")
                    .col("company_id")
                    .col("call_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The agent's pop-up, polled every two seconds, and the ticket opened during a call.
        manager
            .create_index(
                Index::create()
                    .name("ix_calls_company_id_staff_id_state")
                    .table("calls")
                    .col("company_id")
                    .col("staff_id")
                    .col("state")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_calls_company_id_ticket_id")
                    .table("calls")
                    .col("company_id")
                    .col("ticket_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("calls").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_staff_company_id_extension")
                    .table("staff")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("staff")
                    .drop_column("extension")
                    .to_owned(),
            )
            .await
    }
}
