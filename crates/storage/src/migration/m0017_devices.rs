//! IoT: the device registry, every alarm received (what makes a repeat a repeat), and the open
//! ticket each device's alarms of one type go to.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_devices"
    }
}

fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("devices")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    // The device's own id on its platform, which alarms name it by.
                    .col(ColumnDef::new("device_id").string_len(64).not_null())
                    .col(ColumnDef::new("device_type").string_len(32).not_null())
                    .col(ColumnDef::new("building_id").string_len(36).null())
                    .col(ColumnDef::new("unit").string_len(50).null())
                    .col(ColumnDef::new("room_id").string_len(36).null())
                    // A common area in words.
                    .col(ColumnDef::new("place").string_len(100).null())
                    // Null: the alarm type's default.
                    .col(ColumnDef::new("resolve_on_recovery").boolean().null())
                    .col(ColumnDef::new("active").boolean().not_null().default(true))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("devices", "project_id", "projects"))
                    .foreign_key(&mut tenant_fk("devices", "building_id", "buildings"))
                    .foreign_key(&mut tenant_fk("devices", "room_id", "rooms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_devices_company_id_device_id")
                    .table("devices")
                    .col("company_id")
                    .col("device_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_devices_company_id_project_id_device_type")
                    .table("devices")
                    .col("company_id")
                    .col("project_id")
                    .col("device_type")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("device_alarms")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    // The device's row (devices.id).
                    .col(ColumnDef::new("device_ref").string_len(36).not_null())
                    .col(ColumnDef::new("alarm_type").string_len(32).not_null())
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    .col(timestamp("at"))
                    // The ticket it opened or went to; null for a recovery with none open.
                    .col(ColumnDef::new("ticket_id").string_len(36).null())
                    .col(ColumnDef::new("outcome").string_len(16).not_null())
                    // Who delivered it: a staff member's id over the webhook, `mqtt` otherwise.
                    .col(ColumnDef::new("received_by").string_len(36).not_null())
                    .col(timestamp("received_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("device_alarms", "device_ref", "devices"))
                    .foreign_key(&mut tenant_fk("device_alarms", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        // The same alarm twice is one: every node, every delivery, both protocols.
        manager
            .create_index(
                Index::create()
                    .name("ux_device_alarms_company_id_device_ref_alarm_type_state_at")
                    .table("device_alarms")
                    .col("company_id")
                    .col("device_ref")
                    .col("alarm_type")
                    .col("state")
                    .col("at")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_device_alarms_company_id_ticket_id")
                    .table("device_alarms")
                    .col("company_id")
                    .col("ticket_id")
                    .to_owned(),
            )
            .await?;
        // One row per device and alarm type: whoever opens a ticket claims it in the ticket's
        // own transaction, so concurrent alarms on any node open one ticket and the rest join.
        manager
            .create_table(
                Table::create()
                    .table("alarm_tickets")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("device_ref").string_len(36).not_null())
                    .col(ColumnDef::new("alarm_type").string_len(32).not_null())
                    .col(ColumnDef::new("ticket_id").string_len(36).not_null())
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("device_ref")
                            .col("alarm_type"),
                    )
                    .foreign_key(&mut tenant_fk("alarm_tickets", "device_ref", "devices"))
                    .foreign_key(&mut tenant_fk("alarm_tickets", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["alarm_tickets", "device_alarms", "devices"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
