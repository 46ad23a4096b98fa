//! The demo company's standard scripts (话术库) and SOP checklists (作业检查单): the wording its
//! desk is trained on, and the steps its technicians follow on the dangerous jobs.

/// A standard script; codes as the product's (`greeting`, `repair.gas`, `in_progress`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoScript {
    pub title: &'static str,
    pub situation: &'static str,
    pub category: Option<&'static str>,
    pub states: &'static [&'static str],
    pub body: &'static str,
}

/// A category's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoChecklist {
    pub category: &'static str,
    pub required: bool,
    pub steps: &'static [&'static str],
}

const fn script(
    title: &'static str,
    situation: &'static str,
    category: Option<&'static str>,
    body: &'static str,
) -> DemoScript {
    DemoScript {
        title,
        situation,
        category,
        states: &[],
        body,
    }
}

pub fn scripts() -> Vec<DemoScript> {
    vec![
        script(
            "标准问候",
            "greeting",
            None,
            "{称呼}您好，这里是锦程物业服务中心，很高兴为您服务。您反映的问题已登记，工单号{工单号}。",
        ),
        script(
            "燃气异味安抚",
            "greeting",
            Some("repair.gas"),
            "{称呼}您好，请您先关闭燃气总阀、打开门窗通风，不要开关任何电器、不要使用明火。工单{工单号}已加急，维修人员马上赶到。",
        ),
        script(
            "漏水先处置",
            "greeting",
            Some("repair.water"),
            "{称呼}您好，如方便请先关闭进户水阀，我们已安排{技术员}上门，工单号{工单号}。",
        ),
        script(
            "通用致歉",
            "apology",
            None,
            "{称呼}，非常抱歉给您带来不便，我们会尽快处理，处理进度会及时告知您。",
        ),
        script(
            "延误说明",
            "delay",
            None,
            "{称呼}您好，您的工单{工单号}因配件到货原因需要稍晚处理，预计{预计时间}前完成，{技术员}会提前与您联系，给您添麻烦了。",
        ),
        script(
            "婉拒（非物业服务范围）",
            "refusal",
            None,
            "{称呼}您好，您说的情况不在物业服务范围内，建议您联系相关单位处理；如需要，我们可以提供联系方式。感谢理解。",
        ),
        script(
            "结束语",
            "closing",
            None,
            "{称呼}，您的工单{工单号}已处理完毕，稍后可能会有回访，请您对我们的服务进行评价。感谢您的支持，祝您生活愉快！",
        ),
        script(
            "投诉·倾听",
            "complaint_listen",
            None,
            "{称呼}您好，非常理解您的心情，请您慢慢说，我会完整记录下来。",
        ),
        script(
            "投诉·询问",
            "complaint_ask",
            None,
            "{称呼}，为了尽快给您解决，想跟您确认一下：事情是什么时候发生的？您希望我们怎么处理？",
        ),
        script(
            "投诉·解决",
            "complaint_resolve",
            None,
            "{称呼}，针对您反映的问题，我们已安排{技术员}负责跟进，预计{预计时间}前给您答复，工单号{工单号}，有任何进展会第一时间告诉您。",
        ),
    ]
}

pub fn checklists() -> Vec<DemoChecklist> {
    vec![
        DemoChecklist {
            category: "repair.gas",
            required: true,
            steps: &[
                "关闭燃气总阀",
                "打开门窗通风",
                "现场不开关任何电器、不用明火",
                "用检测仪确认无泄漏",
                "通知燃气公司（如需）",
            ],
        },
        DemoChecklist {
            category: "repair.water",
            required: false,
            steps: &[
                "关闭进户或楼层水阀",
                "切断漏水区域电源",
                "查看楼下住户是否受影响",
                "拍照记录漏水点",
            ],
        },
        DemoChecklist {
            category: "repair.elevator",
            required: true,
            steps: &[
                "通过对讲安抚被困人员，告知救援已在路上",
                "通知电梯维保单位",
                "确认轿厢位置并切断主电源",
                "按盘车规程放人",
                "在电梯口放置停用警示",
            ],
        },
        DemoChecklist {
            category: "repair.electric",
            required: false,
            steps: &[
                "确认停电范围（单户、单元或整栋）",
                "检查配电箱和总开关",
                "确认是否为供电局计划停电",
                "在单元门口张贴停电通知",
            ],
        },
    ]
}
