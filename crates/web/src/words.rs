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
