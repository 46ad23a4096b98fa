//! The handling result (办理结果) sent back to the 12345 platform, and when it is complete.
//!
//! The platform's reviewers send back a reply that does not say what was done, or that the
//! caller was not told, and count the order as unfinished. So a reply is complete when:
//!
//! 1. it has substance: at least [`MIN_REPLY`] letters, digits or characters (punctuation and
//!    spaces do not count), at most [`MAX_REPLY`];
//! 2. it states what was done: a word of action such as 已清运, 维修, 更换, 协调, 解决;
//! 3. it says the caller was told: a word of contact such as 联系, 告知, 回复, 致电;
//! 4. it is not the order's own text sent back (a copy of 诉求内容 says nothing new);
//! 5. the ticket is resolved or closed: the work is done before the result is reported.
//!
//! The text's first failing rule (in the order above) and the ticket's are reported together, on
//! `result` and `status`: one problem per field, as the API's error details name them.

use crate::ticket::Status;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Fewest characters of substance a reply has.
pub const MIN_REPLY: usize = 15;
/// Longest reply kept (the platform's field is about this long).
pub const MAX_REPLY: usize = 2000;

/// Words that say something was done. Chinese first; a few English ones for staff who write so.
const ACTION_WORDS: &[&str] = &[
    "完成",
    "处理",
    "维修",
    "修复",
    "修好",
    "更换",
    "清理",
    "清运",
    "清扫",
    "清除",
    "整改",
    "整治",
    "协调",
    "安排",
    "解决",
    "疏通",
    "调解",
    "恢复",
    "核实",
    "落实",
    "办理",
    "制止",
    "劝导",
    "拆除",
    "加装",
    "安装",
    "退还",
    "减免",
    "张贴",
    "巡查",
    "fixed",
    "repaired",
    "replaced",
    "cleaned",
    "resolved",
    "removed",
    "completed",
];

/// Words that say the caller was told.
const CONTACT_WORDS: &[&str] = &[
    "联系",
    "告知",
    "回复",
    "回访",
    "致电",
    "电话",
    "沟通",
    "答复",
    "反馈",
    "解释",
    "called",
    "informed",
    "told",
    "contacted",
];

/// The characters of substance in a text, lower-cased: letters, digits and CJK.
fn substance(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Checks a reply written for an order whose request was `content`, on a ticket in `status`;
/// returns the reply as it is kept (trimmed), or every rule it fails.
pub fn check_reply(text: &str, status: Status, content: &str) -> Result<String, ValidationError> {
    let mut p = Problems::new();
    let text = text.trim();
    let core = substance(text);
    let length = Allowed::Length {
        min: MIN_REPLY,
        max: MAX_REPLY,
    };
    if core.is_empty() {
        p.refuse("result", FieldErrorCode::Required, length);
    } else if text.chars().count() > MAX_REPLY {
        p.refuse("result", FieldErrorCode::TooLong, length);
    } else if core.chars().count() < MIN_REPLY {
        p.refuse("result", FieldErrorCode::TooShort, length);
    } else {
        let request = substance(content);
        if core == request || (request.contains(&core)) {
            p.add("result", FieldErrorCode::RepeatsRequest);
        } else if !ACTION_WORDS.iter().any(|w| core.contains(w)) {
            p.add("result", FieldErrorCode::NoActionStated);
        } else if !CONTACT_WORDS.iter().any(|w| core.contains(w)) {
            p.add("result", FieldErrorCode::CallerNotTold);
        }
    }
    if !matches!(status, Status::Resolved | Status::Closed) {
        p.add("status", FieldErrorCode::NotResolved);
    }
    p.into_result(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTENT: &str = "小区3栋楼下垃圾多日未清运，气味很大，希望尽快处理。";

    fn codes(text: &str, status: Status) -> Vec<(String, FieldErrorCode)> {
        check_reply(text, status, CONTENT)
            .err()
            .map(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_reply_says_what_was_done_and_that_the_caller_knows() {
        let reply = " 经核实，3栋楼下垃圾已于12月2日全部清运，并增加每日清运一次；已电话联系王女士告知处理结果，诉求人表示满意。 ";
        let kept = check_reply(reply, Status::Resolved, CONTENT).unwrap();
        assert_eq!(kept, reply.trim());
        assert!(codes(reply, Status::Closed).is_empty());
    }

    #[test]
    fn each_missing_part_is_named() {
        let short = codes("已处理，已告知。", Status::Resolved);
        assert_eq!(short, vec![("result".into(), FieldErrorCode::TooShort)]);
        assert_eq!(
            codes("  。。 ", Status::Resolved),
            vec![("result".into(), FieldErrorCode::Required)]
        );
        assert_eq!(
            codes(
                "物业公司非常重视此事，表示会高度关注后续情况，感谢监督。",
                Status::Resolved
            ),
            vec![("result".into(), FieldErrorCode::NoActionStated)]
        );
        assert_eq!(
            codes(
                "3栋楼下垃圾已全部清运完毕，并增加每日巡查一次。",
                Status::Resolved
            ),
            vec![("result".into(), FieldErrorCode::CallerNotTold)]
        );
        assert_eq!(
            codes(CONTENT, Status::Resolved),
            vec![("result".into(), FieldErrorCode::RepeatsRequest)]
        );
        let long = "已清运并电话告知。".repeat(300);
        assert_eq!(
            codes(&long, Status::Resolved),
            vec![("result".into(), FieldErrorCode::TooLong)]
        );
    }

    #[test]
    fn the_work_is_done_before_it_is_reported() {
        let reply = "3栋楼下垃圾已全部清运完毕，已致电诉求人告知处理结果。";
        assert_eq!(
            codes(reply, Status::InProgress),
            vec![("status".into(), FieldErrorCode::NotResolved)]
        );
        assert_eq!(
            codes("", Status::New),
            vec![
                ("result".into(), FieldErrorCode::Required),
                ("status".into(), FieldErrorCode::NotResolved)
            ]
        );
    }
}
