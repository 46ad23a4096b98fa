//! API keys: machines' long-lived credentials, stored as SHA-256 of their secret (a key is
//! random and high-entropy, so a fast hash is enough), with the secret a rotation replaced kept
//! working until the end of its overlap.

use sea_orm_migration::prelude::*;

use super::company_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0024_api_keys"
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
        manager
            .create_table(
                Table::create()
                    .table("api_keys")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    // ["tickets:read", …]
                    .col(ColumnDef::new("scopes").json().not_null())
                    // [] for every project of the company.
                    .col(ColumnDef::new("project_ids").json().not_null())
                    .col(ColumnDef::new("rate_per_minute").big_integer().not_null())
                    .col(ColumnDef::new("secret_hash").string_len(64).not_null())
                    .col(ColumnDef::new("previous_secret_hash").string_len(64).null())
                    .col(time("previous_valid_until"))
                    .col(ColumnDef::new("created_by").string_len(36).null())
                    .col(
                        ColumnDef::new("created_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(time("rotated_at"))
                    .col(time("revoked_at"))
                    .col(time("last_used_at"))
                    .col(ColumnDef::new("last_used_from").string_len(64).null())
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut company_fk("api_keys"))
                    .to_owned(),
            )
            .await?;
        // A presented key names only its id: ids are UUIDs, unique across companies.
        manager
            .create_index(
                Index::create()
                    .name("ux_api_keys_id")
                    .table("api_keys")
                    .col("id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("api_keys").to_owned())
            .await
    }
}
