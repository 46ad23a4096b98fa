//! The desk's onboarding course (客服上岗培训), built from the demo articles and scripts (named by
//! their titles), with a handful of questions; every agent must pass it within 14 days.

/// What a lesson reads: a demo article or script by its title, or its own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLesson {
    Article(&'static str),
    Script(&'static str),
    Text(&'static str),
}

/// A question: (`single` | `multiple`, text, options, the places of the correct ones).
pub type DemoQuestion = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [usize],
);

/// A course and who must pass it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCourse {
    pub title: &'static str,
    pub description: &'static str,
    /// (title, what it reads).
    pub lessons: Vec<(&'static str, DemoLesson)>,
    pub questions: Vec<DemoQuestion>,
    pub pass_mark: u32,
    pub max_attempts: u32,
    pub certificate_months: u32,
    /// Staff role codes that must pass it.
    pub required_for: &'static [&'static str],
    pub due_days: u32,
}

pub fn course() -> DemoCourse {
    DemoCourse {
        title: "客服上岗培训",
        description: "新入职客服必修：缴费答疑、标准话术与首问负责制。",
        lessons: vec![
            (
                "物业费缴纳方式",
                DemoLesson::Article("物业费有哪些缴纳方式？"),
            ),
            (
                "服务中心办公时间",
                DemoLesson::Article("服务中心几点上班？"),
            ),
            ("标准问候", DemoLesson::Script("标准问候")),
            ("通用致歉", DemoLesson::Script("通用致歉")),
            (
                "首问负责制",
                DemoLesson::Text(
                    "谁第一个接到业主的诉求，谁就是**首问负责人**，跟进到工单关闭为止——即使已派给别的班组。\n\n投诉须在 **24 小时**内处理并回访，回访不满意要整改。",
                ),
            ),
        ],
        questions: vec![
            (
                "single",
                "服务中心工作日几点开始对外办公？",
                &["8:00", "8:30", "9:30"],
                &[1],
            ),
            (
                "multiple",
                "物业费可以通过哪些方式缴纳？",
                &["微信公众号", "服务中心柜台", "银行代扣", "邮局汇款"],
                &[0, 1, 2],
            ),
            (
                "single",
                "工单派给维修班组后，首问负责人是谁？",
                &["维修班组长", "仍是第一个接到诉求的人", "客服主管"],
                &[1],
            ),
            (
                "single",
                "投诉应在多长时间内处理并闭环？",
                &["24 小时", "3 天", "一周"],
                &[0],
            ),
        ],
        pass_mark: 75,
        max_attempts: 3,
        certificate_months: 12,
        required_for: &["agent"],
        due_days: 14,
    }
}
