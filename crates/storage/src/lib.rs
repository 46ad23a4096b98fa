//! Guanjia's storage: one codebase over SQLite (embedded default) and PostgreSQL.
//!
//! Every read is narrowed to a [`Principal`]'s scope and every write runs in one transaction
//! with its audit or timeline entry. Business rules come from `guanjia-domain`.

mod announcements;
mod api_keys;
mod audit;
mod auth;
mod calls;
mod closed_loop;
mod code;
mod company;
mod company_settings;
mod conversations;
mod dashboard;
mod db;
mod delivery;
mod dispatch;
pub mod entity;
mod error;
mod exports;
mod file_writes;
mod hotline;
mod import;
mod incidents;
mod inspections;
mod iot;
mod kb;
mod mailbox;
mod message_files;
mod migration;
mod notify;
mod passwords;
mod places;
mod principal;
mod profiles;
#[cfg(test)]
mod query_plan;
mod resident_tags;
mod residents;
mod scorecards;
mod secrets;
mod sign_in_codes;
mod sign_in_throttle;
mod sla;
mod staff;
mod support;
mod taxonomy;
mod teams;
#[cfg(feature = "test-support")]
pub mod test_database;
mod tickets;
mod training;
mod versioned;
mod vocabulary;
mod webhooks;
mod wechat;

pub use announcements::{
    ANNOUNCEMENT_LEASE, AnnouncementFigures, AnnouncementRow, AnnouncementSweep, MyNotice, ToCall,
};
pub use api_keys::{ApiKeyView, IssuedKey, KeyCaller};
pub use auth::{Login, SESSION_TTL, staff_principal};
pub use calls::CallReceived;
pub use closed_loop::{
    Campaign, DaysRefreshed, FiguresQuery, GroupFigures, GroupName, MonthFigures, PeriodFigures,
    PraiseCount, RatingLinkInfo, ServiceFigures, TREND_MONTHS_MAX,
};
pub use code::{Code, UnknownStored};
pub use company::DEFAULT_COMPANY_CODE;
pub use company_settings::MAX_DISPLAY_NAME;
pub use conversations::{
    ConversationFilter, ConversationPage, Merged, MessageDelivery, MessageReceived, Receipt, Thread,
};
pub use dashboard::{Compliance, Dashboard, DashboardQuery, Mean, ProjectFigures};
pub use db::{DEFAULT_FILES_DIR, Store};
pub use delivery::{
    Address, Claimed, DeliverySetup, EmailAnswer, LEASE as DELIVERY_LEASE, Mention, TicketDelivery,
};
pub use dispatch::{CheckedPhoto, Dispatched, Load, Ranking, check_photo};
pub use error::{Result, StorageError};
pub use file_writes::ORPHAN_AFTER;
pub use hotline::{HotlineFigures, HotlineOrderFilter, HotlineOrderRow, MAX_EXPORT, OrderReceived};
pub use import::{ImportReport, PhoneConflict, PlaceRow, ResidentRow};
pub use incidents::{IncidentFilter, NewIncident};
pub use inspections::{
    InspectionFilter, InspectionRow, RoundOutcome, ScoreRow, ScoresBy, facts_of as inspection_facts,
};
pub use iot::{AlarmPage, AlarmReceived, DeviceFilter, FORGET_BATCH};
pub use kb::{
    ArticleFilter, ArticlePage, BotAnswer, BotQuestion, BotReply, BotSuggestion, Checklist, Found,
    KbArticle, MAX_KB_EXPORT, SearchFilter, TickedStep, TicketChecklist, TicketFacts,
    TicketScripts,
};
pub use mailbox::MailboxCursor;
pub use message_files::NewFile;
pub use passwords::hash_password;
pub use principal::{Principal, ProjectScope};
pub use profiles::{
    ButlerDay, ButlerHousehold, Erased, HistoryEntry, HistoryPage, HouseholdButler,
    HouseholdProfile, Member, PersonExport,
};
pub use residents::ResidentFilter;
pub use scorecards::{Card, CardFilter, card_id};
pub use secrets::{MIN_SECRET_KEY, SecretKey};
pub use sign_in_codes::{CODE_TTL, MAX_CODE_ATTEMPTS, SignInCode};
pub use sla::{LEASE, NEW_JOB_KINDS, SlaContext, TicketClock, Unread, platform_order_of};
pub use staff::StaffMember;
pub use support::{Page, PageRequest, new_id};
pub use teams::Team;
pub use tickets::{
    After, Opened, TicketFilter, TicketOrder, TicketPage, Understanding, allowed_actions,
    follow_up_policy_of,
};
pub use training::{
    CertificateRow, LessonText, Mentoring, OverdueRow, RequiredCourse, StaffTraining,
    StartedAttempt, SubmittedAttempt, lessons_of as training_lessons_of,
    questions_of as training_questions_of,
};
pub use vocabulary::StoredVocabulary;
pub use webhooks::{ClaimedWebhook, CreatedWebhook, WEBHOOK_LEASE, WebhookAnswer, WebhookView};
pub use wechat::{MEDIA_LEASE, MediaToFetch, OpenAccount, WechatAccountView};
