//! The demo company's knowledge base (知识库) its FAQ bot answers from, standard scripts (话术库)
//! and SOP checklists (作业检查单): the answers residents ask for most, the wording its desk is
//! trained on, and the steps its technicians follow on the dangerous jobs.

/// A published article, for every project; codes as the product's (`inquiry.fee`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoArticle {
    pub title: &'static str,
    /// Markdown.
    pub body: &'static str,
    pub category: Option<&'static str>,
    /// Other ways residents ask it.
    pub questions: &'static [&'static str],
}

/// The questions residents put to the service centre most, as 锦程物业 answers them.
pub fn articles() -> Vec<DemoArticle> {
    vec![
        DemoArticle {
            title: "物业费有哪些缴纳方式？",
            body: "物业费可以这样交：\n\n1. **微信公众号**：关注“锦程物业”服务号 → 生活缴费，选择房号后在线支付。\n2. **住户 H5**：登录后在“缴费”里查看账单并支付，可一次预缴多个月。\n3. **服务中心柜台**：工作时间现场缴费，支持刷卡、微信、支付宝。\n4. **银行代扣**：带身份证和银行卡到服务中心签代扣协议，每月 5 日自动扣款。",
            category: Some("inquiry.fee"),
            questions: &["在哪交物业费", "物业费能用微信交吗"],
        },
        DemoArticle {
            title: "服务中心几点上班？",
            body: "服务中心每天 **8:30–18:00** 对外办公，法定节假日 9:00–17:00。夜间和节假日有 24 小时值班，报修、紧急情况请直接在这里留言或拨打值班电话 400-820-8888。",
            category: None,
            questions: &["物业几点下班", "服务中心上班时间"],
        },
        DemoArticle {
            title: "停车月卡怎么办理？",
            body: "带**行驶证、身份证和房产证明（或租赁合同）**到服务中心办理，地下车库月卡每月 300 元，地面车位每月 200 元，可按季度或年度预交。临时停车前 30 分钟免费。",
            category: None,
            questions: &["怎么办停车卡", "月租车位多少钱"],
        },
        DemoArticle {
            title: "装修需要办什么手续？",
            body: "开工前到服务中心办理装修登记：带房产证明、身份证、装修图纸和装修公司资质，交装修押金 3000 元。施工时间为工作日 8:00–12:00、14:00–18:00，周末和节假日不得进行有噪音的施工。完工验收合格后 30 天内退还押金。",
            category: None,
            questions: &["装修押金多少", "装修要不要报备"],
        },
        DemoArticle {
            title: "门禁卡丢了怎么补办？",
            body: "本人带身份证到服务中心补办，工本费 20 元，当场可取；原卡会同时注销。租户需带上租赁合同。也可以在住户 H5 上开通手机开门。",
            category: None,
            questions: &["门卡丢了", "补办门禁卡"],
        },
        DemoArticle {
            title: "快递可以放在哪里？",
            body: "每栋楼一楼大堂都有智能快递柜，大件快递可以寄存在服务中心（保管 7 天）。生鲜和贵重物品请尽量当面签收。",
            category: None,
            questions: &["快递柜在哪", "快递能放物业吗"],
        },
        DemoArticle {
            title: "垃圾分类怎么投放？",
            body: "小区实行定时定点投放：每天 **7:00–9:00、18:00–21:00** 在各楼栋旁的投放点投放厨余、其他、可回收和有害垃圾。大件家具和装修垃圾请联系服务中心预约清运。",
            category: None,
            questions: &["垃圾几点扔", "装修垃圾怎么处理"],
        },
    ]
}

/// A standard script; codes as the product's (`greeting`, `repair.gas`, `in_progress`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoScript {
    pub title: &'static str,
    pub situation: &'static str,
    pub category: Option<&'static str>,
    pub states: &'static [&'static str],
    pub body: &'static str,
}

/// A score sheet (质检评分表); item kinds as the product's codes (`opening_words`, …, `custom`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSheet {
    pub name: &'static str,
    /// (kind, its own name for a custom item, weight, most it scores).
    pub items: &'static [(&'static str, Option<&'static str>, u32, u32)],
    pub red_lines: &'static [&'static str],
}

/// The company's standard sheet for the desk: the seven standard items, one of its own, and
/// the red lines that zero an inspection.
pub fn inspection_sheet() -> DemoSheet {
    DemoSheet {
        name: "客服标准质检表",
        items: &[
            ("opening_words", None, 10, 10),
            ("ownership", None, 20, 10),
            ("script_used", None, 10, 10),
            ("correct_category", None, 10, 10),
            ("promise_kept", None, 20, 10),
            ("follow_up_done", None, 15, 10),
            ("attitude", None, 10, 5),
            ("custom", Some("记录完整"), 5, 5),
        ],
        red_lines: &["与业主争吵或辱骂业主", "泄露业主个人信息", "虚假回访"],
    }
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
