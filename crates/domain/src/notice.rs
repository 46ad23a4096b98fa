//! Notifications (通知): what Guanjia tells a person, as a kind and its facts. Each kind is put
//! into the recipient's words when it is read (or delivered), never stored as a sentence.

use crate::code::code_enum;

code_enum! {
    /// What a notification tells its recipient.
    pub enum NoticeKind ("notification kind") {
        /// An open clock passed one of its early warnings (预警).
        SlaWarning = "sla_warning",
        /// An open clock is overdue and reached a rung of its escalation (升级).
        SlaEscalation = "sla_escalation",
        /// The text of a ticket says the resident may go to 12345, the media or court.
        EscalationRisk = "escalation_risk",
        /// A resident's link to rate a resolved ticket.
        RatingLink = "rating_link",
        /// A resident's invitation to a satisfaction survey.
        NpsSurvey = "nps_survey",
        /// A resident's sign-in code, for delivery by SMS.
        SignInCode = "sign_in_code",
        /// 整改: a resident not satisfied reopened a ticket.
        Rectification = "rectification",
        /// The same home complains of the same thing again.
        RepeatComplaint = "repeat_complaint",
        /// A resident praised the recipient.
        Praise = "praise",
        /// A job is given to the recipient.
        JobAssigned = "job_assigned",
        /// A job is offered to grab (抢单).
        JobOffered = "job_offered",
        /// Nobody fits a job, or it was returned: a dispatcher must give it out.
        DispatchQueued = "dispatch_queued",
        /// The assignee did not accept in time.
        AssignmentTimeout = "assignment_timeout",
        /// 首问负责制: a step of the work on a ticket the recipient owns.
        TicketProgress = "ticket_progress",
        /// 协办: the recipient is asked to help on a ticket.
        SubtaskAssigned = "subtask_assigned",
        /// A resident is asked to confirm the bill of a paid service.
        ChargesToConfirm = "charges_to_confirm",
        /// A resident disputes the bill.
        ChargesDisputed = "charges_disputed",
        /// The original ticket a resident's duplicate follows moved on.
        OriginalProgress = "original_progress",
        /// 催单: the resident is chasing their ticket.
        Chase = "chase",
        /// An answer to the resident in a conversation, delivered on the conversation's channel.
        ConversationReply = "conversation_reply",
        /// 已受理: the resident's request was taken in.
        TicketAccepted = "ticket_accepted",
        /// 已派师傅: the resident's job was given to a named person (`technician`).
        TicketDispatched = "ticket_dispatched",
        /// 师傅已到场: the technician checked in at the resident's place.
        TechnicianArrived = "technician_arrived",
        /// A webhook subscription kept failing and was paused (`url`, `failures`).
        WebhookPaused = "webhook_paused",
        /// 公告: an announcement to the resident (`details.title`, `details.announcement_id`).
        Announcement = "announcement",
        /// The resident has not read (or acknowledged) an announcement yet: reminded once.
        AnnouncementReminder = "announcement_reminder",
        /// A knowledge-base article the recipient owns reached its review-by date.
        ArticleReview = "article_review",
    }
}
