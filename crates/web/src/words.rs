//! What a field's rule accepts and what keeps an object from being deleted, in zh-CN and en: one
//! wording for the API's error bodies and the pages' forms.

use guanjia_domain::validation::{Allowed, FieldErrorCode};
use serde_json::Value;

use crate::i18n::Lang;

/// What the rule accepts: "只能用字母、数字、- 和 _，1–64 位".
pub fn allowed(lang: Lang, rule: Allowed) -> String {
    match (lang, rule) {
        (Lang::Zh, Allowed::Length { min, max }) if min <= 1 => format!("最多 {max} 个字"),
        (Lang::En, Allowed::Length { min, max }) if min <= 1 => format!("at most {max} characters"),
        (Lang::Zh, Allowed::Length { min, max }) => format!("{min}–{max} 个字符"),
        (Lang::En, Allowed::Length { min, max }) => format!("{min}–{max} characters"),
        (Lang::Zh, Allowed::Code { min, max }) => {
            format!("只能用字母、数字、- 和 _，{min}–{max} 位")
        }
        (Lang::En, Allowed::Code { min, max }) => {
            format!("letters, digits, - and _ only, {min}–{max} characters")
        }
        (Lang::Zh, Allowed::Username { min, max }) => {
            format!("只能用字母、数字、.、- 和 _，{min}–{max} 位")
        }
        (Lang::En, Allowed::Username { min, max }) => {
            format!("letters, digits, ., - and _ only, {min}–{max} characters")
        }
        (Lang::Zh, Allowed::Range { min, max }) => format!("{min} 到 {max} 之间的整数"),
        (Lang::En, Allowed::Range { min, max }) => format!("a whole number from {min} to {max}"),
        (Lang::Zh, Allowed::Positive { max }) => format!("大于 0、小于 {max} 的数"),
        (Lang::En, Allowed::Positive { max }) => format!("a number above 0 and below {max}"),
        (Lang::Zh, Allowed::Phone) => "11 位手机号（1 开头），或带区号的座机号".to_owned(),
        (Lang::En, Allowed::Phone) => {
            "an 11-digit mobile number starting with 1, or a landline with its area code".to_owned()
        }
        (Lang::Zh, Allowed::TimeZone) => "IANA 时区，如 Asia/Shanghai".to_owned(),
        (Lang::En, Allowed::TimeZone) => "an IANA time zone such as Asia/Shanghai".to_owned(),
        (Lang::Zh, Allowed::OneOf { codes }) => format!("只能是以下之一：{}", codes.join("、")),
        (Lang::En, Allowed::OneOf { codes }) => format!("one of: {}", codes.join(", ")),
        (Lang::Zh, Allowed::DeviceId { min, max }) => {
            format!("只能用字母、数字、-、_、.、: 和 @，{min}–{max} 位")
        }
        (Lang::En, Allowed::DeviceId { min, max }) => {
            format!("letters, digits, -, _, ., : and @ only, {min}–{max} characters")
        }
        (Lang::Zh, Allowed::Alphanumeric { min, max }) if min == max => {
            format!("只能用字母和数字，{min} 位")
        }
        (Lang::En, Allowed::Alphanumeric { min, max }) if min == max => {
            format!("letters and digits only, exactly {min} characters")
        }
        (Lang::Zh, Allowed::Alphanumeric { min, max }) => {
            format!("只能用字母和数字，{min}–{max} 位")
        }
        (Lang::En, Allowed::Alphanumeric { min, max }) => {
            format!("letters and digits only, {min}–{max} characters")
        }
        (Lang::Zh, Allowed::WechatAppId) => "wx 加 16 位十六进制数字（小写）".to_owned(),
        (Lang::En, Allowed::WechatAppId) => "wx followed by 16 lowercase hex digits".to_owned(),
        (Lang::Zh, Allowed::HttpUrl { max }) => {
            format!("以 http:// 或 https:// 开头的网址，最多 {max} 个字符")
        }
        (Lang::En, Allowed::HttpUrl { max }) => {
            format!("a web address starting with http:// or https://, at most {max} characters")
        }
    }
}

/// Why a field was refused, and what it accepts when its rule says: "太长，最多 100 个字".
pub fn problem(lang: Lang, code: FieldErrorCode, rule: Option<Allowed>) -> String {
    let why = field_error(lang, code);
    match rule {
        Some(rule) => format!(
            "{why}{}{}",
            if lang == Lang::Zh { "，" } else { ": " },
            allowed(lang, rule)
        ),
        None => why.to_owned(),
    }
}

/// Each refused field of a validation error's details, in words (`details.fields` and `details.allowed`).
pub fn field_problems(lang: Lang, details: &Value) -> Vec<(String, String)> {
    let Some(Value::Object(fields)) = details.get("fields") else {
        return vec![];
    };
    fields
        .iter()
        .filter_map(|(field, code)| {
            let code = code.as_str()?.parse().ok()?;
            let rule = details
                .get("allowed")
                .and_then(|a| a.get(field))
                .and_then(|r| serde_json::from_value(r.clone()).ok());
            Some((field.clone(), problem(lang, code, rule)))
        })
        .collect()
}

/// `details.messages` for an API error: each refused field's problem in words.
pub fn field_messages(lang: Lang, details: &Value) -> Option<Value> {
    let problems = field_problems(lang, details);
    (!problems.is_empty()).then(|| {
        Value::Object(
            problems
                .into_iter()
                .map(|(field, words)| (field, Value::from(words)))
                .collect(),
        )
    })
}

/// The reason a field was refused, without its rule.
pub fn field_error(lang: Lang, code: FieldErrorCode) -> &'static str {
    let (zh, en) = match code {
        FieldErrorCode::Required => ("必填", "required"),
        FieldErrorCode::Invalid => ("格式不正确", "invalid"),
        FieldErrorCode::TooLong => ("太长", "too long"),
        FieldErrorCode::OutOfRange => ("超出范围", "out of range"),
        FieldErrorCode::UnknownReference => ("不存在或无权使用", "unknown"),
        FieldErrorCode::Mismatch => ("与其他字段不一致", "does not match"),
        FieldErrorCode::InFuture => ("不能晚于现在", "in the future"),
        FieldErrorCode::TooOld => ("太久以前", "too long ago"),
        FieldErrorCode::Taken => ("已被使用", "taken"),
        FieldErrorCode::TooShort => ("太短", "too short"),
        FieldErrorCode::ControlCharacters => (
            "含有不可见的控制字符",
            "contains invisible control characters",
        ),
        FieldErrorCode::NoActionStated => (
            "没有写明做了什么（如已清运、已维修、已协调）",
            "does not say what was done (cleared, repaired, arranged…)",
        ),
        FieldErrorCode::CallerNotTold => (
            "没有写明已告知诉求人（如已电话联系、已告知）",
            "does not say the caller was told (called, informed…)",
        ),
        FieldErrorCode::RepeatsRequest => ("只是重复了诉求内容", "only repeats the request"),
        FieldErrorCode::NotResolved => (
            "工单尚未办结，请先完成处理",
            "the ticket is not resolved yet",
        ),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// What depends on an object a deletion was refused for: "2 个房屋、1 张工单".
pub fn dependents(lang: Lang, details: &Value) -> Option<String> {
    let Some(Value::Object(counts)) = details.get("dependents") else {
        return None;
    };
    let parts: Vec<String> = counts
        .iter()
        .filter_map(|(what, n)| {
            let n = n.as_u64()?;
            let (zh, one, many) = match what.as_str() {
                "buildings" => ("栋楼", "building", "buildings"),
                "rooms" => ("间房屋", "room", "rooms"),
                "residents" => ("位住户", "resident", "residents"),
                "tickets" => ("张工单", "ticket", "tickets"),
                "teams" => ("个班组", "team", "teams"),
                "grids" => ("个网格", "grid", "grids"),
                "staff" => ("名员工", "staff member", "staff"),
                "price_items" => ("项收费标准", "price item", "price items"),
                "incidents" => ("个事件", "incident", "incidents"),
                "nps_campaigns" => ("次满意度调查", "survey", "surveys"),
                "sla_policies" => ("条时限标准", "SLA policy", "SLA policies"),
                "timeline_entries" => ("条工单记录", "timeline entry", "timeline entries"),
                "subtasks" => ("个协办任务", "sub-task", "sub-tasks"),
                "praise" => ("条表扬", "praise credit", "praise credits"),
                "devices" => ("台设备", "device", "devices"),
                _ => ("项相关数据", "related record", "related records"),
            };
            let en = if n == 1 { one } else { many };
            Some(if lang == Lang::Zh {
                format!("{n} {zh}")
            } else {
                format!("{n} {en}")
            })
        })
        .collect();
    match (parts.is_empty(), lang) {
        (false, Lang::Zh) => Some(parts.join("、")),
        (false, Lang::En) => Some(parts.join(", ")),
        (true, Lang::Zh) => Some("还有其他数据引用它".to_owned()),
        (true, Lang::En) => Some("other records refer to it".to_owned()),
    }
}

/// The title of an API field as a column of an exported sheet ("status" → 状态); a nested field
/// is titled by its parts ("contact.phone" → 联系人·电话). `None` for a field not named here:
/// the export then shows the field's own name (a test keeps the main lists' fields all titled).
pub fn column_title(lang: Lang, field: &str) -> Option<&'static str> {
    let (zh, en) = match field {
        // Lists and groups
        "id" => ("编号", "ID"),
        "key" => ("分组代码", "Group code"),
        "name" => ("名称", "Name"),
        "items" => ("条目", "Items"),
        "total" => ("总数", "Total"),
        "page" => ("页码", "Page"),
        "per_page" => ("每页条数", "Per page"),
        "next" => ("下一页", "Next page"),
        "groups" => ("分组", "Groups"),
        "previous" => ("上期", "Previous period"),
        "months" => ("各月", "Months"),
        // Tickets
        "number" => ("工单号", "Ticket number"),
        "kind" => ("类型", "Kind"),
        "category" => ("分类", "Category"),
        "urgency" => ("紧急程度", "Urgency"),
        "status" => ("状态", "Status"),
        "channel" => ("渠道", "Channel"),
        "project_id" => ("项目", "Project"),
        "project_ids" => ("项目", "Projects"),
        "room_id" => ("房屋", "Room"),
        "household_id" => ("住户", "Household"),
        "resident_id" => ("业主/住户", "Resident"),
        "contact" => ("联系人", "Contact"),
        "phone" => ("电话", "Phone"),
        "title" => ("标题", "Title"),
        "description" => ("描述", "Description"),
        "first_contact_owner_id" => ("首问负责人", "First-contact owner"),
        "assignee_id" => ("处理人", "Assignee"),
        "team_id" => ("班组", "Team"),
        "dispatch_explanation" => ("派单说明", "Dispatch explanation"),
        "open_subtasks" => ("未完成协办", "Open sub-tasks"),
        "charge_total_cents" => ("收费（分）", "Charge (fen)"),
        "charge_status" => ("收费确认", "Charge status"),
        "deadlines" => ("时限", "Deadlines"),
        "due_at" => ("到期时间", "Due at"),
        "state" => ("状态", "State"),
        "remaining_seconds" => ("剩余秒数", "Seconds left"),
        "policy_id" => ("时限规则", "SLA policy"),
        "hotline_order" => ("12345工单", "12345 order"),
        "order_no" => ("工单编号", "Order number"),
        "accept_by" => ("签收时限", "Accept by"),
        "finish_by" => ("办理时限", "Finish by"),
        "answered_at" => ("答复时间", "Answered at"),
        "allowed_actions" => ("可执行操作", "Allowed actions"),
        "escalation_risk" => ("升级风险", "Escalation risk"),
        "escalation_level" => ("升级级别", "Escalation level"),
        "duplicate_of" => ("重复于", "Duplicate of"),
        "incident_id" => ("关联事件", "Incident"),
        "duplicate_candidates" => ("疑似重复", "Possible duplicates"),
        "score" => ("得分", "Score"),
        "reason" => ("原因", "Reason"),
        "repeat_of" => ("重复投诉于", "Repeat of"),
        "satisfaction" => ("满意度", "Satisfaction"),
        "timeliness" => ("及时性", "Timeliness"),
        "attitude" => ("服务态度", "Attitude"),
        "reopen_count" => ("整改次数", "Reopened"),
        "follow_up_owner_id" => ("回访人", "Follow-up owner"),
        "follow_up_policy" => ("回访规则", "Follow-up policy"),
        "follow_up_attempts" => ("回访未接通次数", "Follow-up attempts"),
        "follow_up_result" => ("回访结果", "Follow-up result"),
        "followed_up_at" => ("回访时间", "Followed up at"),
        "first_resolved_at" => ("首次完成时间", "First resolved at"),
        "reopened_at" => ("整改时间", "Reopened at"),
        "adopted" => ("建议已采纳", "Adopted"),
        "reported_at" => ("报事时间", "Reported at"),
        "created_at" => ("创建时间", "Created at"),
        "updated_at" => ("更新时间", "Updated at"),
        "first_responded_at" => ("首次响应时间", "First responded at"),
        "arrived_at" => ("到场时间", "Arrived at"),
        "resolved_at" => ("完成时间", "Resolved at"),
        "closed_at" => ("关闭时间", "Closed at"),
        // Residents and staff
        "role" => ("身份", "Role"),
        "tier" => ("服务等级", "Service tier"),
        "preferred_channel" => ("首选联系方式", "Preferred channel"),
        "username" => ("用户名", "Username"),
        "skills" => ("技能", "Skills"),
        "active" => ("在职", "Active"),
        "extension" => ("分机号", "Extension"),
        // Conversations
        "account" => ("账号", "Account"),
        "value" => ("联系方式", "Contact detail"),
        "owner_id" => ("负责人", "Owner"),
        "ticket_id" => ("工单", "Ticket"),
        "unread" => ("未读", "Unread"),
        "last_message_at" => ("最后消息时间", "Last message at"),
        "last_text" => ("最后消息", "Last message"),
        // Knowledge base
        "latest_version" => ("最新版本", "Latest version"),
        "published_version" => ("发布版本", "Published version"),
        "review_by" => ("复审日期", "Review by"),
        "snippet" => ("摘要", "Snippet"),
        "highlights" => ("高亮", "Highlights"),
        // Announcements
        "body" => ("正文", "Body"),
        "audience" => ("推送对象", "Audience"),
        "requires_ack" => ("需确认", "Requires acknowledgement"),
        "send_at" => ("计划发送时间", "Send at"),
        "sent_at" => ("发送时间", "Sent at"),
        "remind_after_hours" => ("提醒间隔（小时）", "Remind after (hours)"),
        "reminded_at" => ("提醒时间", "Reminded at"),
        "author_id" => ("发布人", "Author"),
        "recipients" => ("接收人数", "Recipients"),
        "delivered" => ("送达", "Delivered"),
        "read" => ("已读", "Read"),
        "acknowledged" => ("已确认", "Acknowledged"),
        "reminded" => ("已提醒", "Reminded"),
        "read_rate" => ("阅读率", "Read rate"),
        // Service figures
        "tickets" => ("工单数", "Tickets"),
        "complaints" => ("投诉数", "Complaints"),
        "closed_loop_rate" => ("闭环率", "Closed-loop rate"),
        "follow_up_coverage" => ("回访覆盖率", "Follow-up coverage"),
        "csat_average" => ("平均满意度", "Average satisfaction"),
        "csat_satisfied_share" => ("满意占比", "Satisfied share"),
        "one_time_resolution_rate" => ("一次解决率", "One-time resolution rate"),
        "reopen_rate" => ("整改率", "Reopen rate"),
        "repeat_complaint_rate" => ("重复投诉率", "Repeat complaint rate"),
        "suggestion_adoption_rate" => ("建议采纳率", "Suggestion adoption rate"),
        "complaints_closed_in_24h_share" => ("投诉24小时办结率", "Complaints closed within 24 h"),
        "complaint_close_median_hours" => (
            "投诉办结时长中位数（小时）",
            "Median hours to close a complaint",
        ),
        "first_response_in_15min_share" => ("15分钟响应率", "First response within 15 min"),
        "first_update_median_minutes" => (
            "首次进度更新中位数（分钟）",
            "Median minutes to the first update",
        ),
        "escalation_rate" => ("升级率", "Escalation rate"),
        "duplicate_rate" => ("重复工单率", "Duplicate rate"),
        "channels" => ("渠道占比", "Channel mix"),
        "share" => ("占比", "Share"),
        "online_share" => ("线上渠道占比", "Online share"),
        "handled_per_agent_day" => ("人均日处理量", "Cases per person per day"),
        "repeat_complaint_change" => ("重复投诉环比", "Repeat complaints vs previous period"),
        "from" => ("起始", "From"),
        "to" => ("截止", "To"),
        "nps" => ("NPS", "NPS"),
        "responses" => ("答卷数", "Responses"),
        "promoters" => ("推荐者", "Promoters"),
        "passives" => ("被动者", "Passives"),
        "detractors" => ("贬损者", "Detractors"),
        "bot" => ("机器人", "Bot"),
        "asked" => ("提问数", "Questions"),
        "answered" => ("已回答", "Answered"),
        "answer_rate" => ("回答率", "Answer rate"),
        "helpful_rate" => ("有用率", "Helpful rate"),
        "handoff_rate" => ("转人工率", "Hand-off rate"),
        "routine_answered" => ("常规问题已回答", "Routine answered"),
        "routine_answered_rate" => ("常规问题回答率", "Routine answer rate"),
        // Scorecards
        "month" => ("月份", "Month"),
        "subject_id" => ("考核对象", "Assessed"),
        "rank" => ("排名", "Rank"),
        "total_score" => ("总分", "Total score"),
        "locked" => ("已锁定", "Locked"),
        "locked_at" => ("锁定时间", "Locked at"),
        "measures" => ("考核指标", "Measures"),
        "measure" => ("指标", "Measure"),
        "weight" => ("权重", "Weight"),
        "target" => ("目标", "Target"),
        "basis" => ("样本数", "Measured over"),
        "points" => ("得分", "Points"),
        _ => return None,
    };
    Some(if lang == Lang::Zh { zh } else { en })
}

/// The words of an exported sheet beside its column titles.
pub struct ExportWords {
    /// The figures' first column: which group, or which period.
    pub scope: &'static str,
    pub total: &'static str,
    pub this_period: &'static str,
    pub previous: &'static str,
    pub previous_total: &'static str,
    /// The last row of a list longer than a sheet holds.
    pub truncated: &'static str,
}

pub fn export_words(lang: Lang) -> ExportWords {
    match lang {
        Lang::Zh => ExportWords {
            scope: "范围",
            total: "合计",
            this_period: "本期",
            previous: "上期",
            previous_total: "上期合计",
            truncated: "表格最多 1,048,576 行：已导出前 1,048,574 条，其余未导出，请缩小筛选范围。",
        },
        Lang::En => ExportWords {
            scope: "Scope",
            total: "Total",
            this_period: "This period",
            previous: "Previous period",
            previous_total: "Previous period total",
            truncated: "A sheet holds 1,048,576 rows: the first 1,048,574 were exported, the rest were not. Narrow the filters.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_refused_field_says_what_it_accepts_in_both_languages() {
        let details = json!({ "fields": { "code": "invalid" }, "allowed": { "code": { "rule": "code", "min": 1, "max": 64 } } });
        assert_eq!(
            field_problems(Lang::Zh, &details),
            [(
                "code".to_owned(),
                "格式不正确，只能用字母、数字、- 和 _，1–64 位".to_owned()
            )]
        );
        assert_eq!(
            field_problems(Lang::En, &details)[0].1,
            "invalid: letters, digits, - and _ only, 1–64 characters"
        );
        let bare = json!({ "fields": { "room_id": "unknown_reference" } });
        assert_eq!(field_problems(Lang::Zh, &bare)[0].1, "不存在或无权使用");
    }

    #[test]
    fn a_refused_deletion_says_what_depends_on_it() {
        let details = json!({ "dependents": { "rooms": 2, "grids": 1 } });
        let zh = dependents(Lang::Zh, &details).unwrap();
        assert!(
            zh.contains("2 间房屋") && zh.contains("1 个网格") && zh.contains('、'),
            "{zh}"
        );
        let en = dependents(Lang::En, &details).unwrap();
        assert!(
            en.contains("2 rooms") && en.contains("1 grid") && !en.contains("1 grids"),
            "{en}"
        );
    }
}
