//! Conversations (会话) and their messages, and contact points (联系方式): the phones, WeChat
//! openids (per official account) and e-mail addresses a resident is known by. The openid kept
//! on residents since m0015 moves into contact points, which are then the one place it is read.

use sea_orm_migration::prelude::*;

use super::tenant_fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0018_conversations"
    }
}

fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("contact_points")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("resident_id").string_len(36).not_null())
                    // phone, wechat, email
                    .col(ColumnDef::new("kind").string_len(16).not_null())
                    // The official account of an openid; empty for the others (not null, so
                    // the unique key below holds on both databases).
                    .col(
                        ColumnDef::new("account")
                            .string_len(254)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new("value").string_len(254).not_null())
                    .col(timestamp("created_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("contact_points", "resident_id", "residents"))
                    .to_owned(),
            )
            .await?;
        // One person per contact point: a second binding of the same openid fails on the key.
        manager
            .create_index(index(
                "ux_contact_points_company_id_kind_account_value",
                "contact_points",
                &["company_id", "kind", "account", "value"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_contact_points_company_id_resident_id",
                "contact_points",
                &["company_id", "resident_id"],
                false,
            ))
            .await?;
        // The openids bound so far (account unknown: they predate accounts), one row per openid.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO contact_points (company_id, id, resident_id, kind, account, value, created_at) \
                 SELECT company_id, MIN(id), MIN(id), 'wechat', '', wechat_openid, MIN(created_at) \
                 FROM residents WHERE wechat_openid IS NOT NULL GROUP BY company_id, wechat_openid",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("residents")
                    .drop_column("wechat_openid")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("conversations")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    // Null until known: an unknown sender on an account of no one project.
                    .col(ColumnDef::new("project_id").string_len(36).null())
                    .col(ColumnDef::new("channel").string_len(32).not_null())
                    // Null while the sender is unknown (not yet bound).
                    .col(ColumnDef::new("resident_id").string_len(36).null())
                    // The sender's contact point, as the channel knows them.
                    .col(ColumnDef::new("contact_kind").string_len(16).not_null())
                    .col(
                        ColumnDef::new("contact_account")
                            .string_len(254)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new("contact_value").string_len(254).not_null())
                    // open, waiting, closed
                    .col(ColumnDef::new("state").string_len(16).not_null())
                    // The first to answer (首问负责人): never changes, and owns the tickets
                    // opened from it.
                    .col(ColumnDef::new("owner_id").string_len(36).null())
                    // Who handles it now: the owner, or whom it was given to.
                    .col(ColumnDef::new("assignee_id").string_len(36).null())
                    // The ticket opened from it or linked to it.
                    .col(ColumnDef::new("ticket_id").string_len(36).null())
                    .col(ColumnDef::new("unread").integer().not_null().default(0))
                    .col(timestamp("last_message_at"))
                    // The last message's first words, for lists.
                    .col(ColumnDef::new("last_text").string_len(200).null())
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk("conversations", "project_id", "projects"))
                    .foreign_key(&mut tenant_fk("conversations", "resident_id", "residents"))
                    .foreign_key(
                        tenant_fk("conversations", "owner_id", "staff")
                            .name("fk_conversations_owner_staff"),
                    )
                    .foreign_key(&mut tenant_fk("conversations", "assignee_id", "staff"))
                    .foreign_key(&mut tenant_fk("conversations", "ticket_id", "tickets"))
                    .to_owned(),
            )
            .await?;
        // One conversation per channel and contact point, reopened when they write again:
        // concurrent first messages on any node make one.
        manager
            .create_index(index(
                "ux_conversations_company_id_channel_contact",
                "conversations",
                &[
                    "company_id",
                    "channel",
                    "contact_kind",
                    "contact_account",
                    "contact_value",
                ],
                true,
            ))
            .await?;
        // The inbox: newest activity first, whole company or one project, by keyset.
        manager
            .create_index(index(
                "ix_conversations_company_id_last_message_at_id",
                "conversations",
                &["company_id", "last_message_at", "id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_conversations_company_id_project_id_last_message_at_id",
                "conversations",
                &["company_id", "project_id", "last_message_at", "id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_conversations_company_id_resident_id",
                "conversations",
                &["company_id", "resident_id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_conversations_company_id_ticket_id",
                "conversations",
                &["company_id", "ticket_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("conversation_messages")
                    .col(ColumnDef::new("company_id").string_len(36).not_null())
                    .col(ColumnDef::new("id").string_len(36).not_null())
                    .col(ColumnDef::new("conversation_id").string_len(36).not_null())
                    // in, out
                    .col(ColumnDef::new("direction").string_len(8).not_null())
                    .col(ColumnDef::new("channel").string_len(32).not_null())
                    // text, image, voice, location, event
                    .col(ColumnDef::new("kind").string_len(16).not_null())
                    // resident, staff, bot
                    .col(ColumnDef::new("sender_kind").string_len(16).not_null())
                    // A staff member's id; the resident's id when known.
                    .col(ColumnDef::new("sender_id").string_len(36).null())
                    .col(ColumnDef::new("text").text().null())
                    .col(ColumnDef::new("attachment").json_binary().null())
                    // The channel's own id of the message (WeChat MsgId, e-mail Message-ID).
                    .col(ColumnDef::new("external_id").string_len(200).null())
                    // An e-mail's thread headers.
                    .col(ColumnDef::new("thread").json_binary().null())
                    // An answer's notification, whose deliveries say how far it got.
                    .col(ColumnDef::new("notification_id").string_len(36).null())
                    .col(timestamp("sent_at"))
                    .col(timestamp("created_at"))
                    .primary_key(Index::create().col("company_id").col("id"))
                    .foreign_key(&mut tenant_fk(
                        "conversation_messages",
                        "conversation_id",
                        "conversations",
                    ))
                    .to_owned(),
            )
            .await?;
        // A provider's repeated delivery (WeChat retries three times) is stored once.
        manager
            .create_index(index(
                "ux_conversation_messages_company_id_channel_external_id",
                "conversation_messages",
                &["company_id", "channel", "external_id"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_conversation_messages_company_id_conversation_id_sent_at",
                "conversation_messages",
                &["company_id", "conversation_id", "sent_at", "id"],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["conversation_messages", "conversations"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("residents")
                    .add_column(ColumnDef::new("wechat_openid").string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("contact_points").to_owned())
            .await
    }
}
