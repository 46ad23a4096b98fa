//! The FAQ bot in conversations: since when a conversation is with a person (the bot handed it
//! off, an agent answered or was given it; cleared when it is closed), and on a bot's hand-off
//! note why it handed off, so the note is worded in each reader's language.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0034_bot_conversations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("conversations")
                    .add_column(
                        ColumnDef::new("person_since")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Conversations agents already have (answered or given, not closed) stay theirs: the
        // bot does not step into them.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE conversations SET person_since = updated_at WHERE state <> 'closed' \
                 AND (owner_id IS NOT NULL OR assignee_id IS NOT NULL)",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("conversation_messages")
                    // A hand-off reason code (asked_for_person, repair, not_helpful, …).
                    .add_column(ColumnDef::new("bot_note").string_len(32).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("conversation_messages")
                    .drop_column("bot_note")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("conversations")
                    .drop_column("person_since")
                    .to_owned(),
            )
            .await
    }
}
