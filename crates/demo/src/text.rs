//! The Chinese wording of tickets and of the staff's answers (话术).
//!
//! A ticket's description is an issue's detail (see `issues`) dressed the way its channel
//! dresses it: a resident types casually in the app or WeChat, an agent logs a call in the
//! third person, a 12345 transfer arrives in the government hotline's formal style, a tenant's
//! email is a little letter, a sensor sends a terse alarm. Fillers (since when, how upset,
//! what they ask for) vary so that 500 tickets do not read like one template.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;

use crate::dice::{between, chance, one, pick};
use crate::issues::Issue;

/// The places and people one ticket talks about; fills the placeholders of `issues`.
pub(crate) struct Scene {
    pub project: String,
    pub residential: bool,
    pub room: String,
    pub tower: String,
    pub bldg: String,
    pub floor: String,
    pub gate: String,
    pub garage: String,
    pub yard: String,
    pub tech: String,
    pub clerk: String,
}

impl Scene {
    pub(crate) fn fill(&self, template: &str) -> String {
        template
            .replace("{room}", &self.room)
            .replace("{tower}", &self.tower)
            .replace("{bldg}", &self.bldg)
            .replace("{floor}", &self.floor)
            .replace("{gate}", &self.gate)
            .replace("{garage}", &self.garage)
            .replace("{yard}", &self.yard)
            .replace("{tech}", &self.tech)
            .replace("{clerk}", &self.clerk)
    }
}

/// Who raised a ticket, as far as its wording is concerned.
pub(crate) enum Reporter<'a> {
    /// A resident on file, with their `owner|family|tenant|merchant` role.
    Resident {
        name: &'a str,
        role: &'static str,
        phone: &'a str,
    },
    /// Somebody not on file: a visitor, a passer-by, a 12345 caller.
    Caller { name: &'a str, phone: &'a str },
    /// An IoT device.
    Sensor,
}

impl Reporter<'_> {
    /// How an agent's note names them: 业主王芳, 租户李强, 来访人张先生.
    fn label(&self) -> String {
        match self {
            Reporter::Resident { name, role, .. } => {
                let role = match *role {
                    "owner" => "业主",
                    "family" => "业主家属",
                    "tenant" => "租户",
                    _ => "商户",
                };
                format!("{role}{name}")
            }
            Reporter::Caller { name, .. } => format!("来访人{name}"),
            Reporter::Sensor => "物联网平台".into(),
        }
    }

    fn phone_tail(&self) -> &str {
        match self {
            Reporter::Resident { phone, .. } | Reporter::Caller { phone, .. } => {
                &phone[phone.len() - 4..]
            }
            Reporter::Sensor => "0000",
        }
    }

    fn name(&self) -> &str {
        match self {
            Reporter::Resident { name, .. } | Reporter::Caller { name, .. } => name,
            Reporter::Sensor => "",
        }
    }
}

/// A ticket's words.
pub(crate) struct Request {
    pub title: String,
    pub description: String,
    /// The reporter threatens 12345, the media or court, or came through 12345: escalate at once.
    pub high_risk: bool,
}

/// Writes the ticket for `issue` as it arrives through `channel` at `at`.
pub(crate) fn request(
    rng: &mut StdRng,
    issue: &Issue,
    scene: &Scene,
    channel: &str,
    reporter: &Reporter<'_>,
    at: DateTime<Utc>,
) -> Request {
    let template = pick(rng, issue.details);
    let detail = scene.fill(template);
    let kind = issue.kind();
    let threat = kind == "complaint" && channel != "hotline_12345" && chance(rng, 0.15);
    let tone = Tone {
        urgency: issue.urgency,
        indoor: issue.spot.room_kinds().is_some(),
        residential: scene.residential,
    };
    let description = match channel {
        "iot" => alarm(rng, issue, scene, at),
        "hotline_12345" => hotline(rng, kind, &detail, scene, reporter),
        "phone" | "front_desk" => call_note(rng, kind, tone, &detail, channel, reporter, threat),
        "email" => letter(rng, kind, &detail, reporter),
        _ => message(rng, kind, tone, &detail, channel, threat),
    };
    let located = ["{room}", "{tower}", "{bldg}"]
        .iter()
        .any(|t| template.contains(t));
    let title = if channel == "iot" {
        format!("设备告警：{}", issue.title)
    } else if located && chance(rng, 0.5) {
        format!("{}{}", scene.tower, issue.title)
    } else {
        issue.title.to_string()
    };
    Request {
        title,
        description,
        high_risk: threat || channel == "hotline_12345",
    }
}

/// What shapes the wording besides the issue: how urgent it is, whether it needs a visit to
/// someone's room ("下午家里有人"), and whether the community's butlers are who people message.
#[derive(Clone, Copy)]
struct Tone {
    urgency: &'static str,
    indoor: bool,
    residential: bool,
}

/// The resident's own words, typed in the app, the web form or WeChat.
fn message(
    rng: &mut StdRng,
    kind: &str,
    tone: Tone,
    detail: &str,
    channel: &str,
    threat: bool,
) -> String {
    let open = if channel == "wechat" {
        let hello = if tone.residential {
            "管家你好，"
        } else {
            "物业你好，"
        };
        one(rng, &[hello, "在吗？", "", "@物业 ", "你好，"])
    } else {
        one(rng, &["", "", "你好，", "您好，", "物业你好，"])
    };
    match kind {
        "repair" => format!(
            "{open}{}{}{}",
            sentence(detail),
            since(rng),
            repair_ask(rng, tone)
        ),
        "complaint" => {
            let threat = if threat { one(rng, THREATS) } else { "" };
            let emotion = pick(
                rng,
                &[
                    "",
                    "已经反映过好几次了，一直没人管。",
                    "交了物业费就是这种服务？",
                    "希望物业重视一下。",
                    "真的受不了了！",
                    "每天都这样，太影响生活了。",
                ],
            );
            let ask = pick(
                rng,
                &[
                    "请尽快处理并给个答复。",
                    "希望物业尽快解决。",
                    "请给个说法。",
                    "麻烦管一管。",
                ],
            );
            // No "since when": complaints say how long it has been going on themselves.
            format!("{open}{}{emotion}{threat}{ask}", sentence(detail))
        }
        "inquiry" => {
            let end = pick(rng, &["", "谢谢。", "麻烦回复一下。"]);
            format!("{open}{}{end}", question(detail))
        }
        "service" => {
            let ask = pick(
                rng,
                &[
                    "麻烦安排一下，谢谢。",
                    "需要准备什么材料？",
                    "请问什么时候可以办？",
                    "",
                ],
            );
            format!("{open}{}{ask}", sentence(detail))
        }
        "suggestion" => {
            let end = pick(rng, &["希望物业考虑一下。", "谢谢！", "供参考。", ""]);
            format!("{open}{}{end}", sentence(detail))
        }
        _ => {
            let end = pick(rng, &["必须点赞！", "谢谢你们！", "物业辛苦了！", ""]);
            format!("{}{end}", sentence(detail))
        }
    }
}

const THREATS: &[&str] = &[
    "再不处理就打12345投诉了。",
    "再没人管就找媒体曝光。",
    "实在不行只能去法院起诉了。",
    "再不解决就打市长热线。",
];

fn since(rng: &mut StdRng) -> &'static str {
    one(
        rng,
        &[
            "",
            "",
            "从昨天晚上开始的。",
            "今天早上才发现。",
            "已经好几天了。",
            "这两天一直这样。",
            "刚刚发现的。",
        ],
    )
}

fn repair_ask(rng: &mut StdRng, tone: Tone) -> &'static str {
    match tone.urgency {
        "emergency" => one(rng, &["快派人来！！", "请立刻处理！", "赶紧来人！"]),
        "urgent" => one(
            rng,
            &[
                "请尽快处理，很急！",
                "麻烦马上派人来看看！",
                "急，已经影响正常生活了，请尽快！",
            ],
        ),
        _ if tone.indoor => one(
            rng,
            &[
                "麻烦尽快派师傅来看看。",
                "请安排师傅上门，下午三点以后有人。",
                "明天上午有人，麻烦约个时间。",
                "谢谢！",
                "麻烦处理一下，谢谢。",
            ],
        ),
        _ => one(
            rng,
            &[
                "麻烦尽快派人来看看。",
                "请尽快安排维修。",
                "谢谢！",
                "麻烦处理一下，谢谢。",
            ],
        ),
    }
}

/// An agent's note of a call or a visit to the service desk, in the third person.
fn call_note(
    rng: &mut StdRng,
    kind: &str,
    tone: Tone,
    detail: &str,
    channel: &str,
    reporter: &Reporter<'_>,
    threat: bool,
) -> String {
    let via = if channel == "phone" {
        "来电"
    } else {
        "到服务中心"
    };
    let verb = match kind {
        "repair" | "complaint" => "反映",
        "inquiry" => "咨询",
        "service" => "申请",
        "suggestion" => "建议",
        _ => "表扬",
    };
    let tail = match (kind, tone.urgency) {
        ("repair", "emergency" | "urgent") => "情况紧急，要求立即处理。",
        ("repair", _) if !tone.indoor => {
            one(rng, &["要求尽快派人维修。", "已告知工程人员会尽快处理。"])
        }
        ("repair", _) => one(
            rng,
            &[
                "要求尽快派人维修。",
                "希望今天能安排上门。",
                "下午家里有人，希望下午上门。",
                "已告知工程人员会尽快联系。",
            ],
        ),
        ("complaint", _) if threat => "情绪激动，称如不处理将投诉至12345。",
        ("complaint", _) => one(
            rng,
            &[
                "要求物业尽快处理并给予答复。",
                "情绪较激动，要求给个说法。",
                "称已多次反映未果。",
            ],
        ),
        ("suggestion", _) => "请相关部门评估。",
        ("praise", _) => "请转达表扬。",
        _ => "",
    };
    let body = if kind == "inquiry" {
        question(detail)
    } else {
        sentence(detail)
    };
    format!("{}{via}{verb}：{body}{tail}", reporter.label())
}

/// A 12345 government hotline transfer, in its formal style.
fn hotline(
    rng: &mut StdRng,
    kind: &str,
    detail: &str,
    scene: &Scene,
    reporter: &Reporter<'_>,
) -> String {
    let head = format!(
        "【12345市民服务热线转办】诉求地址：{}。市民（尾号{}）",
        scene.project,
        reporter.phone_tail()
    );
    if kind == "inquiry" {
        return format!("{head}来电咨询：{}请物业予以答复。", question(detail));
    }
    let history = pick(
        rng,
        &[
            "",
            "市民称该问题已持续多日。",
            "市民称已多次向物业反映未果。",
        ],
    );
    let deadline = pick(
        rng,
        &[
            "请于24小时内办结并反馈办理结果。",
            "请于2个工作日内办结并回复市民。",
        ],
    );
    format!(
        "{head}来电反映：{}{history}市民要求物业尽快处理并回复。{deadline}",
        sentence(detail)
    )
}

/// A tenant's or merchant's email.
fn letter(rng: &mut StdRng, kind: &str, detail: &str, reporter: &Reporter<'_>) -> String {
    let body = match kind {
        "repair" => format!("{}烦请尽快安排工程人员处理，谢谢！", sentence(detail)),
        "complaint" => format!(
            "{}此事已影响正常办公经营，请贵司尽快处理并书面回复。",
            sentence(detail)
        ),
        "inquiry" => format!("想咨询一下：{}盼复，谢谢。", question(detail)),
        "service" => format!("{}请告知办理所需材料和时间，谢谢。", sentence(detail)),
        "suggestion" => format!("{}供贵司参考。", sentence(detail)),
        _ => format!("{}特此致谢！", sentence(detail)),
    };
    let greeting = pick(rng, &["您好：", "物业服务中心：", "尊敬的物业：", "您好，"]);
    format!("{greeting}\n{body}\n—— {}", reporter.name())
}

/// A sensor's alarm, with the local (Beijing) time it fired.
fn alarm(rng: &mut StdRng, issue: &Issue, scene: &Scene, at: DateTime<Utc>) -> String {
    let what = scene.fill(issue.alarm.unwrap_or(issue.title));
    let local = (at + Duration::hours(8)).format("%H:%M");
    let device = between(rng, 1, 9999);
    format!(
        "【物联网告警】{what}。告警时间：{local}，设备编号：GJ-IOT-{device:04}。请值班人员立即到场核实处理。"
    )
}

/// Ends a clause as a statement, unless it already ends in punctuation.
fn sentence(s: &str) -> String {
    if s.ends_with(['。', '！', '？', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}。")
    }
}

/// Ends a clause as a question when it reads like one.
fn question(s: &str) -> String {
    let asks = [
        "吗",
        "呢",
        "怎么",
        "多少",
        "多久",
        "哪",
        "什么",
        "几",
        "能不能",
        "有没有",
        "可以",
        "是不是",
    ];
    if s.ends_with(['。', '！', '？']) {
        s.to_string()
    } else if asks.iter().any(|a| s.contains(a)) {
        format!("{s}？")
    } else {
        format!("{s}。")
    }
}

/// The first answer to the resident (首次响应), following the company's scripts.
pub(crate) fn first_reply(rng: &mut StdRng, kind: &str, category: &str, urgency: &str) -> String {
    if urgency == "emergency" {
        return match category {
            "repair.gas" => {
                "请立即关闭燃气阀门、打开门窗通风，不要开关任何电器，工程人员马上到场！"
            }
            "repair.elevator" => "请不要惊慌，不要强行扒门，维保人员已出发，预计10分钟内到达！",
            "repair.water" => "收到！工程人员马上到场处理，请注意安全，先把贵重物品移到高处。",
            "repair.electric" => "请远离冒火花的位置，不要触碰，值班电工马上到场断电处理！",
            _ => "已通知秩序维护员和工程人员赶往现场，请立即远离危险区域，从安全通道撤离！",
        }
        .into();
    }
    let lines: &[&str] = match (kind, urgency) {
        ("repair", "urgent") => &[
            "您好，已受理，已通知工程部优先处理，师傅30分钟内到场。",
            "收到，已加急派单，工程人员正在赶往现场，请稍候。",
        ],
        ("repair", _) => &[
            "您好，您的报修已受理，我们会尽快安排师傅上门，请保持电话畅通。",
            "收到，已为您登记报修，工程部师傅会在2小时内与您联系确认上门时间。",
            "您好，报修已记录，稍后师傅会电话联系您预约上门时间。",
        ],
        ("complaint", _) => &[
            "非常抱歉给您带来困扰，您反映的问题已记录，我们会立即安排核实处理，24小时内给您答复。",
            "您好，收到您的反馈，非常抱歉。已转相关部门处理，进展会及时告知您。",
            "感谢您的反馈，给您添麻烦了。已安排专人跟进，今天内给您回复。",
        ],
        ("service", _) => &[
            "您好，您的申请已收到，我们会尽快为您办理。",
            "收到，已为您登记，办理进度会通过App通知您。",
        ],
        ("suggestion", _) => &[
            "感谢您的宝贵建议！已记录并提交项目负责人评估，结果会及时反馈给您。",
            "谢谢您的建议，我们会认真研究，评估后给您答复。",
        ],
        _ => &[
            "感谢您的认可和鼓励！我们会把您的表扬转达给当事同事，并在项目内通报表扬。",
            "谢谢您的肯定！这是对我们工作最大的鼓励，我们会继续努力。",
        ],
    };
    pick(rng, lines).to_string()
}

/// What an agent says when an inquiry needs checking before it can be answered.
pub(crate) fn holding_reply(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "您好，您咨询的问题需要向相关部门核实，稍后给您答复。",
            "收到，我们确认后尽快回复您。",
        ],
    )
    .to_string()
}

/// The resolution note: the answer of an inquiry, the decision on a suggestion or praise, or
/// what was done, sometimes with how it was checked.
pub(crate) fn resolution(rng: &mut StdRng, kind: &str, fix: &str, rework: bool) -> String {
    match kind {
        "inquiry" => fix.to_string(),
        "suggestion" | "praise" => format!("{fix}。"),
        _ if rework => format!("整改完成：{fix}，已请报事人现场确认。"),
        _ => format!(
            "{fix}{}",
            pick(rng, &["。", "，已请报事人确认。", "，现场已拍照留档。"])
        ),
    }
}

/// The follow-up (回访) note, by who gave the rating and how satisfied they were.
pub(crate) fn follow_up_note(rng: &mut StdRng, by_resident: bool, satisfaction: u8) -> String {
    let lines: &[&str] = match (by_resident, satisfaction) {
        (false, 5) => &[
            "电话回访：对处理结果非常满意。",
            "回访时表示师傅很专业，处理及时，非常满意。",
            "回访确认问题已彻底解决，对物业表示感谢。",
        ],
        (false, 4) => &[
            "电话回访：基本满意，希望响应速度再快一些。",
            "回访时表示结果满意，但等待时间有点长。",
        ],
        (false, 3) => &["回访时表示问题已解决，但处理时间偏长，评价一般。"],
        (false, 2) => &["回访时反映问题没有彻底解决，要求重新处理。"],
        (false, _) => &["回访时非常不满意，称问题依旧，要求整改并追责。"],
        (true, 5) => &[
            "处理好了，师傅很专业，谢谢！",
            "处理很及时，满意。",
            "解决了，点赞！",
        ],
        (true, 4) => &["解决了，就是等得有点久。", "还不错，下次能快点就更好了。"],
        (true, 3) => &["还行吧，总算弄好了。"],
        (true, 2) => &["没彻底解决，还是老样子。"],
        (true, _) => &["根本没解决，敷衍了事！"],
    };
    pick(rng, lines).to_string()
}

/// Why work is on hold (挂起): mostly a third party or the resident's availability.
pub(crate) fn hold_reason(rng: &mut StdRng, category: &str) -> String {
    let specific = match category {
        "repair.elevator" => Some("等待电梯维保单位更换主板，配件预计3天到货"),
        "repair.gas" => Some("需燃气公司上门处理，已报燃气公司抢修中心，等待对方排期"),
        "repair.structure" => Some("属开发商保修范围，已发函开发商维保单位，等待回复"),
        "repair.water" => Some("需进入楼上住户家中排查，楼上住户出差，约定周末进户"),
        "service.renovation_permit" => Some("等待报事人补充装修图纸和施工队资质"),
        _ => None,
    };
    if let Some(reason) = specific.filter(|_| chance(rng, 0.6)) {
        return reason.into();
    }
    let general: &[&str] = match category.split('.').next() {
        Some("repair") => &[
            "等待配件到货",
            "报事人近期不在家，约定下周上门",
            "需停水停电作业，待发布通知后施工",
        ],
        Some("complaint") => &[
            "需协调相关住户和施工单位，已约定面谈时间",
            "等待调取监控及派出所回复",
        ],
        _ => &["报事人近期不在，约定回来后办理", "等待报事人确认办理时间"],
    };
    pick(rng, general).to_string()
}

/// Who withdraws a ticket, which decides the wording of the reason.
#[derive(Clone, Copy)]
pub(crate) enum Withdrawal {
    /// The resident themselves, before work started.
    Resident,
    /// The desk, on the reporter's word or because it is a duplicate.
    Desk,
    /// The desk, after a technician was sent.
    AfterDispatch,
    /// The desk, after a long suspension.
    AfterHold,
    /// The desk, for a sensor's false alarm.
    FalseAlarm,
}

pub(crate) fn cancel_reason(rng: &mut StdRng, who: Withdrawal) -> String {
    let lines: &[&str] = match who {
        Withdrawal::Resident => &[
            "问题已经解决了，不用来了",
            "提交错了，取消",
            "不需要了，谢谢",
            "已经没事了，取消",
        ],
        Withdrawal::Desk => &[
            "报事人来电表示已自行处理，取消工单",
            "重复工单，同一问题已在其他工单中处理",
            "多次联系报事人均未接通，按规定取消",
            "经核实不属于物业服务范围，已告知报事人联系相关单位",
        ],
        Withdrawal::AfterDispatch => &[
            "师傅上门前报事人来电取消，称已自行处理",
            "报事人表示暂时不需要了，改日再报",
        ],
        Withdrawal::AfterHold => &["长期联系不上报事人，经主管同意取消"],
        Withdrawal::FalseAlarm => &["现场核实为设备误报，已复位"],
    };
    pick(rng, lines).to_string()
}

/// Why a ticket is escalated (升级) as soon as it is taken in.
pub(crate) fn escalation_reason(emergency: bool, hotline: bool) -> String {
    if emergency {
        "紧急事件，已同步项目经理和工程主管".into()
    } else if hotline {
        "12345转办件，升级至项目经理督办".into()
    } else {
        "报事人表示将向12345或媒体投诉，高风险工单，升级处理".into()
    }
}

/// Tells the resident who is coming and when.
pub(crate) fn dispatch_note(rng: &mut StdRng, tech: &str, urgency: &str) -> String {
    let eta = match urgency {
        "emergency" => "10分钟",
        "urgent" => "30分钟",
        _ => "2小时",
    };
    if chance(rng, 0.5) {
        format!("已安排{tech}师傅处理，师傅稍后会电话联系您。")
    } else {
        format!("{tech}师傅已接单，预计{eta}内与您联系或到场，请保持电话畅通。")
    }
}

/// A note between staff, invisible to the resident.
pub(crate) fn internal_note(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "已拍照留档。",
            "该户近期第二次反映同类问题，请重点关注。",
            "报事人情绪较激动，沟通时注意话术。",
            "涉及公共区域，已同步网格管家。",
            "已电话联系报事人，确认了上门时间。",
        ],
    )
    .to_string()
}

/// A note of the field staff on the job: an engineer's on repairs, a guard's or cleaner's on
/// complaints and services.
pub(crate) fn tech_note(rng: &mut StdRng, kind: &str) -> String {
    let lines: &[&str] = if kind == "repair" {
        &[
            "已到仓库领取配件。",
            "现场已拍照，等待备件。",
            "需两人配合作业，已叫上同事。",
            "已关闭相关阀门和电源，正在处理。",
        ]
    } else {
        &[
            "已到现场查看并拍照。",
            "已与相关人员当面沟通。",
            "需要同事配合，已联系班组长。",
        ]
    };
    pick(rng, lines).to_string()
}

/// Something the resident adds while waiting.
pub(crate) fn resident_note(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "好的，谢谢，下午家里有人。",
            "师傅大概几点到？",
            "麻烦快一点，等着用。",
            "收到，辛苦了。",
        ],
    )
    .to_string()
}

/// A resident chasing a ticket nobody has picked up yet.
pub(crate) fn nudge(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "请问什么时候能处理？",
            "有人看到吗？麻烦回复一下。",
            "还没人联系我，请尽快。",
        ],
    )
    .to_string()
}

pub(crate) const HOTLINE_NOTE: &str = "12345转办件，须在时限内办结并回复热线平台。";

pub(crate) fn reassign_note(from: &str, to: &str) -> String {
    format!("原处理人{from}临时请假，改派{to}跟进。")
}

/// Why a closed ticket comes back (the problem returned).
pub(crate) fn reopen_reason(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "报事人来电称问题复发，要求重新处理",
            "回访后报事人再次反映同样问题",
            "巡检发现问题未彻底解决",
        ],
    )
    .to_string()
}
