//! Day facts (日汇总): each project's tickets of a local day summed up once
//! (`guanjia_domain::closed_loop::DayFacts`), so the dashboard adds up days instead of reading a
//! year of tickets; and the marks that say which days must be summed again.
//!
//! The marks are written by triggers, not by the code that changes tickets: every path that
//! writes a ticket or finishes a clock (actions, links, dispatch, the SLA sweep, imports, raw
//! repairs) marks its day without having to remember to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0039_ticket_days"
    }
}

/// The ticket columns the day facts read; a change to any other leaves the facts as they are.
const COUNTED: &str = "kind, status, channel, project_id, reported_at, assignee_id, \
     escalation_level, duplicate_of, repeat_of, satisfaction, reopen_count, first_responded_at, \
     closed_at, follow_up_result, first_resolved_at, adopted";

const SQLITE: &[&str] = &[
    "CREATE TABLE ticket_day_marks (id INTEGER PRIMARY KEY, company_id varchar(36) NOT NULL, \
     project_id varchar(36) NOT NULL, reported_at timestamp_with_timezone_text NOT NULL)",
    "CREATE TRIGGER tickets_mark_day_inserted AFTER INSERT ON tickets BEGIN \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     VALUES (NEW.company_id, NEW.project_id, NEW.reported_at); END",
    "CREATE TRIGGER tickets_mark_day_updated AFTER UPDATE OF {COUNTED} ON tickets BEGIN \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     VALUES (NEW.company_id, NEW.project_id, NEW.reported_at); \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     SELECT OLD.company_id, OLD.project_id, OLD.reported_at \
     WHERE OLD.project_id <> NEW.project_id OR OLD.reported_at <> NEW.reported_at; END",
    "CREATE TRIGGER tickets_mark_day_deleted AFTER DELETE ON tickets BEGIN \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     VALUES (OLD.company_id, OLD.project_id, OLD.reported_at); END",
    "CREATE TRIGGER sla_clocks_mark_day_inserted AFTER INSERT ON sla_clocks \
     WHEN NEW.finished_at IS NOT NULL BEGIN \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     SELECT company_id, project_id, reported_at FROM tickets \
     WHERE company_id = NEW.company_id AND id = NEW.ticket_id; END",
    "CREATE TRIGGER sla_clocks_mark_day_updated AFTER UPDATE OF state, finished_at ON sla_clocks \
     BEGIN INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     SELECT company_id, project_id, reported_at FROM tickets \
     WHERE company_id = NEW.company_id AND id = NEW.ticket_id; END",
    "CREATE TRIGGER sla_clocks_mark_day_deleted AFTER DELETE ON sla_clocks \
     WHEN OLD.finished_at IS NOT NULL BEGIN \
     INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
     SELECT company_id, project_id, reported_at FROM tickets \
     WHERE company_id = OLD.company_id AND id = OLD.ticket_id; END",
];

const POSTGRES: &[&str] = &[
    "CREATE TABLE ticket_day_marks (id bigserial PRIMARY KEY, company_id varchar(36) NOT NULL, \
     project_id varchar(36) NOT NULL, reported_at timestamp with time zone NOT NULL)",
    "CREATE FUNCTION mark_ticket_day() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     IF TG_OP <> 'DELETE' THEN \
       INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
       VALUES (NEW.company_id, NEW.project_id, NEW.reported_at); \
     END IF; \
     IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.project_id, OLD.reported_at) \
        IS DISTINCT FROM (NEW.project_id, NEW.reported_at)) THEN \
       INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
       VALUES (OLD.company_id, OLD.project_id, OLD.reported_at); \
     END IF; \
     RETURN NULL; END $$",
    "CREATE TRIGGER tickets_mark_day AFTER INSERT OR DELETE OR UPDATE OF {COUNTED} ON tickets \
     FOR EACH ROW EXECUTE FUNCTION mark_ticket_day()",
    "CREATE FUNCTION mark_clock_day() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE c sla_clocks%ROWTYPE; BEGIN \
     IF TG_OP = 'DELETE' THEN c := OLD; ELSE c := NEW; END IF; \
     IF TG_OP = 'UPDATE' OR c.finished_at IS NOT NULL THEN \
       INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
       SELECT company_id, project_id, reported_at FROM tickets \
       WHERE company_id = c.company_id AND id = c.ticket_id; \
     END IF; \
     RETURN NULL; END $$",
    "CREATE TRIGGER sla_clocks_mark_day AFTER INSERT OR DELETE OR UPDATE OF state, finished_at \
     ON sla_clocks FOR EACH ROW EXECUTE FUNCTION mark_clock_day()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ticket_days")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("project_id").string_len(36).not_null())
                    // The local day, in the project's time zone.
                    .col(ColumnDef::new("day").date().not_null())
                    // guanjia_domain::closed_loop::DayFacts, as JSON text: its durations must
                    // come back bit for bit.
                    .col(ColumnDef::new("facts").text().not_null())
                    .col(
                        ColumnDef::new("refreshed_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col("company_id")
                            .col("project_id")
                            .col("day"),
                    )
                    .foreign_key(&mut tenant_fk("ticket_days", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE,
            _ => POSTGRES,
        };
        for statement in statements {
            db.execute_unprepared(&statement.replace("{COUNTED}", COUNTED))
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_ticket_day_marks_company_id_project_id")
                    .table("ticket_day_marks")
                    .col("company_id")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        // The tickets already there: each UTC date of a project marked at its first and last
        // ticket, which between them touch every local day that date's tickets fall on.
        let date = match manager.get_database_backend() {
            DbBackend::Sqlite => "substr(reported_at, 1, 10)",
            _ => "date_trunc('day', reported_at)",
        };
        for end in ["MIN", "MAX"] {
            db.execute_unprepared(&format!(
                "INSERT INTO ticket_day_marks (company_id, project_id, reported_at) \
                 SELECT company_id, project_id, {end}(reported_at) FROM tickets \
                 GROUP BY company_id, project_id, {date}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let drops: &[&str] = match manager.get_database_backend() {
            DbBackend::Sqlite => &[
                "DROP TRIGGER tickets_mark_day_inserted",
                "DROP TRIGGER tickets_mark_day_updated",
                "DROP TRIGGER tickets_mark_day_deleted",
                "DROP TRIGGER sla_clocks_mark_day_inserted",
                "DROP TRIGGER sla_clocks_mark_day_updated",
                "DROP TRIGGER sla_clocks_mark_day_deleted",
            ],
            _ => &[
                "DROP TRIGGER tickets_mark_day ON tickets",
                "DROP TRIGGER sla_clocks_mark_day ON sla_clocks",
                "DROP FUNCTION mark_ticket_day()",
                "DROP FUNCTION mark_clock_day()",
            ],
        };
        for statement in drops {
            db.execute_unprepared(statement).await?;
        }
        manager
            .drop_table(Table::drop().table("ticket_day_marks").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("ticket_days").to_owned())
            .await
    }
}
