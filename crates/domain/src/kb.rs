//! The knowledge base's (知识库) vocabulary.

use crate::code::code_enum;

code_enum! {
    /// Where an article stands: only published articles are read by the desk and searched.
    pub enum ArticleState ("article state") {
        /// 草稿: written, never published.
        Draft = "draft",
        /// 已发布: a version is published; a newer draft may wait to be.
        Published = "published",
        /// 已归档: withdrawn; kept with its history.
        Archived = "archived",
    }
}

code_enum! {
    /// Why the FAQ bot hands a question to a person (转人工) instead of answering it.
    pub enum Handoff ("hand-off reason") {
        /// The resident asked for a person.
        AskedForPerson = "asked_for_person",
        /// Danger now: gas, fire, flooding, people trapped.
        Emergency = "emergency",
        /// Something is broken: a ticket, not an article.
        Repair = "repair",
        /// Dissatisfaction: a person listens.
        Complaint = "complaint",
        /// No article answers it well enough.
        NotKnown = "not_known",
        /// The resident said the bot's answer did not help.
        NotHelpful = "not_helpful",
    }
}
