//! WeChat official accounts (公众号): their credentials (the secrets encrypted under the
//! installation's key), the callback each is reached at, the template of each notification kind,
//! and the access token every node shares.

use sea_orm_migration::prelude::*;

use super::{company_fk, tenant_fk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0019_wechat_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let secret = |name: &'static str| ColumnDef::new(name).text().null().to_owned();
        let time = |name: &'static str| {
            ColumnDef::new(name)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table("wechat_accounts")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("name").string_len(100).not_null())
                    .col(ColumnDef::new("app_id").string_len(18).not_null())
                    // Null: every project of the company.
                    .col(ColumnDef::new("project_id").string_len(36).null())
                    // The random last part of the callback URL, which names the account to WeChat.
                    .col(ColumnDef::new("callback_key").string_len(32).not_null())
                    .col(ColumnDef::new("app_secret").text().not_null())
                    .col(ColumnDef::new("token").text().not_null())
                    .col(secret("encoding_aes_key"))
                    // {"kind": {"template_id", "fields": {"keyword1": "fact", …}}}
                    .col(ColumnDef::new("templates").json().not_null())
                    .col(ColumnDef::new("active").boolean().not_null().default(true))
                    .col(secret("access_token"))
                    .col(time("access_token_expires_at"))
                    // Until when one node holds the right to fetch a new access token.
                    .col(time("token_claimed_until"))
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
                    .foreign_key(&mut company_fk("wechat_accounts"))
                    .foreign_key(&mut tenant_fk("wechat_accounts", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        // WeChat calls the URL with nothing else to tell the account by.
        manager
            .create_index(
                Index::create()
                    .name("ux_wechat_accounts_callback_key")
                    .table("wechat_accounts")
                    .col("callback_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_wechat_accounts_company_id_app_id")
                    .table("wechat_accounts")
                    .col("company_id")
                    .col("app_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
