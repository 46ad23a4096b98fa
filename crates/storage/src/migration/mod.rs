//! One set of migrations for SQLite and PostgreSQL, applied at start.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_sla;
mod m0003_closed_loop;
mod m0004_nps;
mod m0005_praise;
mod m0006_dispatch;
mod m0007_subtasks;
mod m0008_field_work;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_foundation::Migration), Box::new(m0002_sla::Migration), Box::new(m0003_closed_loop::Migration), Box::new(m0004_nps::Migration), Box::new(m0005_praise::Migration), Box::new(m0006_dispatch::Migration), Box::new(m0007_subtasks::Migration), Box::new(m0008_field_work::Migration)]
    }
}
