//! Automatic dispatch's reasons in the reader's words: the pipeline keeps facts (who was
//! considered, who was passed over and why, who was chosen), and each reader gets them in zh-CN
//! or en, on the API and the pages alike.

use guanjia_domain::dispatch::{DispatchMode, Exclusion, Explanation, Redispatch};
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Lang;

/// The explanation as one sentence: "3 名候选人，1 名符合；排除：…；派给张师傅：…".
pub fn explanation(lang: Lang, e: &Explanation) -> String {
    let zh = lang == Lang::Zh;
    let mut parts: Vec<String> = Vec::new();
    if let Some(cause) = e.after {
        parts.push(cause_words(lang, cause).to_owned());
    }
    parts.push(if zh {
        format!("{} 名候选人，{} 名符合", e.considered, e.eligible.len())
    } else {
        format!("{} considered, {} eligible", e.considered, e.eligible.len())
    });
    if !e.excluded.is_empty() {
        let names: Vec<String> = e
            .excluded
            .iter()
            .map(|(name, why)| {
                if zh {
                    format!("{name}（{}）", exclusion(lang, *why))
                } else {
                    format!("{name} ({})", exclusion(lang, *why))
                }
            })
            .collect();
        parts.push(if zh {
            format!("排除：{}", names.join("、"))
        } else {
            format!("passed over: {}", names.join(", "))
        });
    }
    let skill = e.category.as_deref().unwrap_or("—");
    parts.push(match (&e.chosen, e.chosen_load()) {
        (Some(name), Some(open)) => {
            let rule = mode_rule(lang, e.mode);
            if zh {
                format!("派给{name}：技能 {skill}，在班，待办 {open} 单（{rule}）")
            } else {
                format!("assigned to {name}: skill {skill}, on duty, {open} open (by {rule})")
            }
        }
        _ if e.offered() => {
            let n = e.eligible.len();
            if zh {
                format!("抢单：已推送给 {n} 名师傅，先接者得，超时无人接单则按待办最少派单")
            } else {
                let who = if n == 1 { "technician" } else { "technicians" };
                format!(
                    "grab: offered to {n} {who}, the first to grab wins; if nobody does in time, least load decides"
                )
            }
        }
        _ if zh => "无人可派，进入待派队列并通知主管".to_owned(),
        _ => "nobody fits: queued for a dispatcher, supervisors told".to_owned(),
    });
    parts.join(if zh { "；" } else { "; " })
}

/// An explanation as stored: the facts, in the reader's words. Tickets dispatched before the
/// facts were kept stored a Chinese sentence, which is shown as it was written.
pub fn stored(lang: Lang, stored: &str) -> String {
    match serde_json::from_str::<Explanation>(stored) {
        Ok(facts) => explanation(lang, &facts),
        Err(_) => stored.to_owned(),
    }
}

/// The explanation a timeline entry or notification keeps in its details, in words.
pub fn in_details(lang: Lang, details: &Value) -> Option<String> {
    match details.get("explanation")? {
        Value::String(old) => Some(old.clone()),
        facts => Explanation::deserialize(facts)
            .ok()
            .map(|facts| explanation(lang, &facts)),
    }
}

fn cause_words(lang: Lang, cause: Redispatch) -> &'static str {
    match (lang, cause) {
        (Lang::Zh, Redispatch::AssignmentTimedOut) => "超时未接单，自动改派",
        (Lang::En, Redispatch::AssignmentTimedOut) => "not accepted in time, handed on",
        (Lang::Zh, Redispatch::GrabTimedOut) => "抢单超时无人接单，按待办最少派单",
        (Lang::En, Redispatch::GrabTimedOut) => "nobody grabbed it in time, least load decides",
    }
}

fn exclusion(lang: Lang, why: Exclusion) -> &'static str {
    match (lang, why) {
        (Lang::Zh, Exclusion::OutsideGrid) => "不在网格",
        (Lang::En, Exclusion::OutsideGrid) => "outside the grid",
        (Lang::Zh, Exclusion::NoSkill) => "无此技能",
        (Lang::En, Exclusion::NoSkill) => "no skill for it",
        (Lang::Zh, Exclusion::OffDuty) => "不在班",
        (Lang::En, Exclusion::OffDuty) => "off duty",
        (Lang::Zh, Exclusion::AtCapacity) => "工单已满",
        (Lang::En, Exclusion::AtCapacity) => "at capacity",
    }
}

/// The rule that chose among the eligible (a grab falls back to least load).
fn mode_rule(lang: Lang, mode: DispatchMode) -> &'static str {
    match (lang, mode) {
        (Lang::Zh, DispatchMode::RoundRobin) => "轮流派单",
        (Lang::En, DispatchMode::RoundRobin) => "round robin",
        (Lang::Zh, DispatchMode::LeastLoad | DispatchMode::Grab) => "待办最少",
        (Lang::En, DispatchMode::LeastLoad | DispatchMode::Grab) => "least load",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Explanation {
        Explanation {
            considered: 3,
            eligible: vec![("张师傅".into(), 2)],
            excluded: vec![
                ("刘电工".into(), Exclusion::NoSkill),
                ("周师傅".into(), Exclusion::OffDuty),
            ],
            mode: DispatchMode::LeastLoad,
            chosen: Some("张师傅".into()),
            category: Some("repair.water".into()),
            after: None,
        }
    }

    #[test]
    fn an_assignment_reads_in_both_languages_with_their_own_punctuation() {
        assert_eq!(
            explanation(Lang::Zh, &facts()),
            "3 名候选人，1 名符合；排除：刘电工（无此技能）、周师傅（不在班）；派给张师傅：技能 repair.water，在班，待办 2 单（待办最少）"
        );
        let en = explanation(Lang::En, &facts());
        assert_eq!(
            en,
            "3 considered, 1 eligible; passed over: 刘电工 (no skill for it), 周师傅 (off duty); assigned to 张师傅: skill repair.water, on duty, 2 open (by least load)"
        );
        assert!(!en.contains('：') && !en.contains('；') && !en.contains('（'));
    }

    #[test]
    fn a_timeout_says_why_the_pipeline_ran_again() {
        let timed_out = Explanation {
            after: Some(Redispatch::AssignmentTimedOut),
            ..facts()
        };
        assert!(explanation(Lang::Zh, &timed_out).starts_with("超时未接单，自动改派；3 名候选人"));
        assert!(explanation(Lang::En, &timed_out).starts_with("not accepted in time, handed on; "));
    }

    #[test]
    fn every_cause_and_exclusion_has_words_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for cause in Redispatch::ALL {
                assert!(!cause_words(lang, *cause).is_empty());
            }
            for why in Exclusion::ALL {
                assert!(!exclusion(lang, *why).is_empty());
            }
        }
        assert_ne!(
            cause_words(Lang::Zh, Redispatch::GrabTimedOut),
            cause_words(Lang::En, Redispatch::GrabTimedOut)
        );
    }

    #[test]
    fn a_queue_and_an_offer_say_what_happens_next() {
        let queued = Explanation {
            eligible: vec![],
            chosen: None,
            ..facts()
        };
        assert!(explanation(Lang::Zh, &queued).ends_with("无人可派，进入待派队列并通知主管"));
        let offered = Explanation {
            mode: DispatchMode::Grab,
            chosen: None,
            ..facts()
        };
        assert!(
            explanation(Lang::En, &offered).contains("grab: offered to 1 technician, the first")
        );
    }

    #[test]
    fn a_sentence_stored_before_the_facts_is_shown_as_written() {
        assert_eq!(
            stored(Lang::En, "2 名候选人，0 名符合"),
            "2 名候选人，0 名符合"
        );
        let kept = serde_json::to_string(&facts()).unwrap();
        assert!(stored(Lang::En, &kept).starts_with("3 considered"));
        let details = serde_json::json!({ "explanation": facts() });
        assert!(
            in_details(Lang::Zh, &details)
                .unwrap()
                .starts_with("3 名候选人")
        );
        assert_eq!(in_details(Lang::Zh, &serde_json::json!({})), None);
    }
}
