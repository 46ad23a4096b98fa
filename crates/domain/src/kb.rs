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
