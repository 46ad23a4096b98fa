//! The channels a notification can leave by, and the states of one delivery.

use crate::code::code_enum;
use crate::notice::NoticeKind;

code_enum! {
    /// A way out to a person. The in-app list is not one: every notification is in it.
    pub enum DeliveryChannel ("delivery channel") {
        /// A text message through the configured SMS provider (Alibaba Cloud or Tencent Cloud).
        Sms = "sms",
        /// A WeChat template or subscription message to a resident bound to the official account.
        Wechat = "wechat",
        /// A WeCom (企业微信) group robot of the ticket's team or project, naming the staff member.
        Wecom = "wecom",
        /// An e-mail by SMTP, in the thread the resident wrote in.
        Email = "email",
    }
}

code_enum! {
    /// Where one delivery stands.
    pub enum DeliveryState ("delivery state") {
        /// Waiting for its next attempt (the first, a retry, or the end of quiet hours).
        Pending = "pending",
        /// Claimed by a node that is calling the provider now.
        Sending = "sending",
        /// The provider accepted it.
        Sent = "sent",
        /// The provider refused it for good, or retries ran out; the reason is kept.
        Failed = "failed",
        /// Not sent: the channel is not set up, or the recipient has no address on it.
        Skipped = "skipped",
    }
}

code_enum! {
    /// The channel a resident prefers to hear on.
    pub enum PreferredChannel ("preferred channel") {
        Sms = "sms",
        Wechat = "wechat",
    }
}

impl DeliveryState {
    /// Nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Sent | Self::Failed | Self::Skipped)
    }
}

/// Who a kind of notification is for: residents are known by their phone, staff by their id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Resident,
    Staff,
}

impl NoticeKind {
    /// Whom this kind of notification is written to.
    pub fn audience(self) -> Audience {
        use NoticeKind as K;
        match self {
            K::RatingLink
            | K::NpsSurvey
            | K::SignInCode
            | K::ChargesToConfirm
            | K::OriginalProgress
            | K::ConversationReply
            | K::TicketAccepted
            | K::TicketDispatched
            | K::TechnicianArrived
            | K::Announcement
            | K::AnnouncementReminder => Audience::Resident,
            K::SlaWarning
            | K::SlaEscalation
            | K::EscalationRisk
            | K::Rectification
            | K::RepeatComplaint
            | K::Praise
            | K::JobAssigned
            | K::JobOffered
            | K::DispatchQueued
            | K::AssignmentTimeout
            | K::TicketProgress
            | K::SubtaskAssigned
            | K::ChargesDisputed
            | K::Chase
            | K::WebhookPaused
            | K::ArticleReview => Audience::Staff,
        }
    }

    /// Must leave at once, whatever the hour: a code someone is waiting for, an answer to
    /// someone who just wrote.
    pub fn is_urgent(self) -> bool {
        matches!(self, NoticeKind::SignInCode | NoticeKind::ConversationReply)
    }
}
