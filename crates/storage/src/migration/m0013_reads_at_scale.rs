//! Reads that stay fast at a million tickets:
//!
//! - `tickets.next_due_at`: the nearest deadline among a ticket's clocks still counting (running,
//!   or overdue and unfinished), kept by the clock sync, so the agent's queue walks one index in
//!   deadline order instead of computing every open ticket's deadline for each page; closed
//!   tickets have none and stay out of that index's way;
//! - a list's total over statuses (the open ones, say) counts from one index alone, the reader's
//!   scope (their projects, or tickets they own from first contact) read from it too;
//! - figures over a period read `(company_id, reported_at)` instead of every ticket.
//!
//! The column is not in the ticket entity: it is written only by the clock sync and read only
//! by the queue's order, both as SQL.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_reads_at_scale"
    }
}

/// Index name and columns, all on `tickets`.
const INDEXES: [(&str, &[&str]); 3] = [
    (
        "ix_tickets_company_id_next_due_at_id",
        &["company_id", "next_due_at", "id"],
    ),
    (
        "ix_tickets_company_id_status_scope",
        &[
            "company_id",
            "status",
            "project_id",
            "first_contact_owner_id",
        ],
    ),
    (
        "ix_tickets_company_id_reported_at",
        &["company_id", "reported_at"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .add_column(
                        ColumnDef::new("next_due_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The tickets that have a clock still counting get their nearest deadline.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE tickets SET next_due_at = (SELECT MIN(c.due_at) FROM sla_clocks c \
                 WHERE c.company_id = tickets.company_id AND c.ticket_id = tickets.id \
                 AND c.finished_at IS NULL AND c.state IN ('running', 'breached')) \
                 WHERE EXISTS (SELECT 1 FROM sla_clocks c WHERE c.company_id = tickets.company_id \
                 AND c.ticket_id = tickets.id AND c.finished_at IS NULL)",
            )
            .await?;
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table("tickets");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("tickets").to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("tickets")
                    .drop_column("next_due_at")
                    .to_owned(),
            )
            .await
    }
}
