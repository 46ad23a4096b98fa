//! The built-in Chinese vocabulary a fresh installation ships with.
//!
//! Weights: 4–5 for a phrase that names a category on its own (燃气味, 装修登记), 3 for a clear
//! topic word (电梯, 漏水), 1–2 for words that only lean one way (卫生间, 车). Compound phrases
//! (插座没电, 漏水到我家) exist to take a word away from a category where it would mislead: the
//! matcher prefers the longest phrase.

use std::collections::BTreeMap;

use crate::vocabulary::{
    CategoryRule, EscalationRule, KeywordGroup, KindCue, Scope, Synonym, Urgency, UrgencyRule,
    Vocabulary,
};

fn list(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| word.to_string()).collect()
}

/// Builds one category's rule: `tag` for words that name a problem, `words` for topic words.
struct Category {
    rule: CategoryRule,
}

fn category(code: &str, duplicate_window_minutes: u32, scope: Scope) -> Category {
    Category {
        rule: CategoryRule {
            code: code.into(),
            keywords: Vec::new(),
            duplicate_window_minutes,
            scope,
        },
    }
}

impl Category {
    fn tag(mut self, problem: &str, weight: f32, words: &[&str]) -> Self {
        self.rule.keywords.push(KeywordGroup {
            weight,
            problem: Some(problem.into()),
            words: list(words),
        });
        self
    }

    fn words(mut self, weight: f32, words: &[&str]) -> Self {
        self.rule.keywords.push(KeywordGroup {
            weight,
            problem: None,
            words: list(words),
        });
        self
    }
}

fn cue(kind: &str, weight: f32, words: &[&str]) -> KindCue {
    KindCue {
        kind: kind.into(),
        weight,
        words: list(words),
    }
}

fn rule(urgency: Urgency, note: &str, words: &[&str]) -> UrgencyRule {
    UrgencyRule {
        urgency,
        note: note.into(),
        words: list(words),
        context: Vec::new(),
        unless: Vec::new(),
    }
}

impl UrgencyRule {
    fn about(mut self, context: &[&str]) -> Self {
        self.context = list(context);
        self
    }

    fn unless(mut self, unless: &[&str]) -> Self {
        self.unless = list(unless);
        self
    }
}

fn escalation(note: &str, only_when_dissatisfied: bool, words: &[&str]) -> EscalationRule {
    EscalationRule {
        note: note.into(),
        words: list(words),
        only_when_dissatisfied,
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            synonyms: synonyms(),
            categories: categories(),
            kind_cues: kind_cues(),
            fallback_categories: [
                ("complaint", "complaint.staff_conduct"),
                ("inquiry", "inquiry.other"),
                ("service", "service.paid_home"),
                ("suggestion", "suggestion.general"),
                ("praise", "praise.general"),
            ]
            .into_iter()
            .map(|(kind, category)| (kind.to_owned(), category.to_owned()))
            .collect(),
            problem_scopes: problem_scopes(),
            urgency_rules: urgency_rules(),
            escalation_rules: escalation_rules(),
            escalation_channels: list(&["hotline_12345"]),
            repeat_threshold: 3,
        }
    }
}

/// Homophone typos of pinyin input (电悌, 漏氺, 投宿), variants and traditional forms.
fn synonyms() -> Vec<Synonym> {
    [
        ("电悌", "电梯"),
        ("电剃", "电梯"),
        ("电体", "电梯"),
        ("電梯", "电梯"),
        ("直梯", "电梯"),
        ("升降梯", "电梯"),
        ("扶手电梯", "扶梯"),
        ("漏氺", "漏水"),
        ("渗氺", "渗水"),
        ("停氺", "停水"),
        ("没氺", "没水"),
        ("停電", "停电"),
        ("煤汽", "煤气"),
        ("燃汽", "燃气"),
        ("然气", "燃气"),
        ("天燃气", "天然气"),
        ("跳匝", "跳闸"),
        ("跳扎", "跳闸"),
        ("保修", "报修"),
        ("维休", "维修"),
        ("投宿", "投诉"),
        ("物业废", "物业费"),
        ("屋业", "物业"),
        ("物管", "物业"),
        ("拉圾", "垃圾"),
        ("垃极", "垃圾"),
        ("下水到", "下水道"),
        ("燥音", "噪音"),
        ("躁音", "噪音"),
        ("噪声", "噪音"),
        ("消防拴", "消防栓"),
        ("消火栓", "消防栓"),
        ("监空", "监控"),
        ("门紧", "门禁"),
        ("暖器", "暖气"),
        ("空凋", "空调"),
        ("路登", "路灯"),
        ("快第", "快递"),
        ("车为", "车位"),
        ("电瓶车", "电动车"),
        ("电单车", "电动车"),
        ("业主委员会", "业委会"),
        ("一二三四五", "12345"),
        ("幺二三四五", "12345"),
        ("住键局", "住建局"),
        ("房关局", "房管局"),
    ]
    .into_iter()
    .map(|(from, to)| Synonym {
        from: from.into(),
        to: to.into(),
    })
    .collect()
}

fn categories() -> Vec<CategoryRule> {
    use Scope::*;
    [
        category("repair.water", 720, Room)
            .words(3.0, &["被水泡", "泡在水里", "灌了", "水位"])
            .words(
                3.0,
                &["冒脏水", "粪水", "什么时候来水", "什么时候有水", "返臭"],
            )
            .words(1.5, &["脏水"])
            .tag(
                "water.leak",
                3.0,
                &[
                    "漏水",
                    "渗水",
                    "滴水",
                    "往下滴",
                    "漏下来",
                    "漏的",
                    "漏了",
                    "水管爆",
                    "管爆",
                    "管子爆",
                    "爆管",
                    "水管破",
                    "管道爆裂",
                    "水喷",
                    "喷水",
                    "滴答",
                    "水一直流",
                    "关不紧",
                    "溢水",
                    "水帘洞",
                    "跑水",
                    "往下淌",
                    "往下流",
                    "流水",
                ],
            )
            .tag("water.leak", 1.5, &["漏"])
            .tag(
                "water.outage",
                3.0,
                &[
                    "停水",
                    "没水",
                    "没有水",
                    "断水",
                    "不出水",
                    "没来水",
                    "供水",
                    "来水",
                ],
            )
            .tag("water.pressure", 3.0, &["水压"])
            .tag(
                "water.drain",
                3.0,
                &[
                    "下水道",
                    "堵塞",
                    "马桶堵",
                    "管道堵",
                    "冲不下去",
                    "下不去",
                    "反水",
                    "返水",
                    "化粪池",
                    "污水",
                    "地漏",
                ],
            )
            .tag(
                "water.flood",
                3.0,
                &[
                    "淹",
                    "进水",
                    "积水",
                    "水漫",
                    "水漫金山",
                    "汪洋",
                    "发大水",
                    "被水淹",
                    "水位",
                    "水箱",
                ],
            )
            .words(
                1.5,
                &[
                    "水管",
                    "水龙头",
                    "卫生间",
                    "厕所",
                    "自来水",
                    "马桶",
                    "水表",
                    "阀门",
                ],
            )
            .words(0.5, &["厨房", "水"]),
        category("repair.electric", 720, Room)
            .words(3.0, &["铜线", "电线皮", "线头"])
            .words(2.0, &["开关", "线路"])
            .tag(
                "power.outage",
                3.0,
                &[
                    "停电",
                    "没电",
                    "断电",
                    "没有电",
                    "什么时候来电",
                    "电都没有",
                    "一点电",
                    "全黑了",
                    "总闸",
                    "供电",
                ],
            )
            .tag("power.trip", 3.0, &["跳闸", "电闸"])
            .tag(
                "light",
                3.0,
                &[
                    "楼道灯",
                    "感应灯",
                    "灯不亮",
                    "灯坏",
                    "灯泡",
                    "灯管",
                    "照明",
                    "灯都不亮",
                ],
            )
            .tag("light", 1.0, &["灯"])
            .tag("power.socket", 3.0, &["插座", "插座没电"])
            .tag(
                "power.wire",
                3.0,
                &[
                    "电线",
                    "裸露",
                    "外露",
                    "漏电",
                    "冒火花",
                    "火花",
                    "电箱",
                    "电表箱",
                    "配电箱",
                    "配电房",
                    "电井",
                ],
            )
            .tag("power.wire", 1.0, &["烧焦"])
            .words(1.5, &["电表", "用电", "电工"])
            .words(1.0, &["热水器"]),
        category("repair.gas", 120, Unit)
            .tag(
                "gas.smell",
                4.0,
                &["燃气味", "煤气味", "天然气味", "液化气味", "漏气", "泄漏"],
            )
            .tag("gas.meter", 3.0, &["燃气表", "气表"])
            .tag(
                "gas",
                3.0,
                &["燃气", "煤气", "天然气", "液化气", "燃气灶", "煤气灶"],
            )
            .tag(
                "gas",
                5.0,
                &["燃气管", "燃气管道", "天然气管道", "煤气管道"],
            )
            .words(2.0, &["打不着火"]),
        category("repair.elevator", 240, Unit)
            .tag(
                "lift.stopped",
                3.0,
                &[
                    "困人", "被困", "困在", "关在", "被关", "关住", "停运", "卡在", "停用",
                ],
            )
            .tag("lift.noise", 3.0, &["异响", "抖得", "咔咔"])
            .tag("lift.button", 3.0, &["按键", "按钮", "显示屏"])
            .tag("lift.door", 3.0, &["门关不上", "夹人", "夹伤", "被夹"])
            .tag("lift", 3.0, &["电梯", "扶梯", "客梯", "货梯"])
            .tag("lift", 1.0, &["梯"])
            // 楼梯 and 滑梯 are stairs and slides: listed so their 梯 is not taken for a lift.
            .words(0.0, &["楼梯", "滑梯"]),
        category("repair.door_access", 720, Unit)
            .words(1.0, &["玻璃"])
            .words(3.0, &["卷帘门", "推拉窗", "玻璃门"])
            .words(2.0, &["拉不下来", "锁不上", "滑轮"])
            .tag(
                "door_access",
                3.0,
                &[
                    "门禁",
                    "闸机",
                    "刷卡",
                    "刷不开",
                    "刷不了",
                    "单元门",
                    "门禁系统",
                    "不识别",
                    "识别不了",
                ],
            )
            .tag(
                "door_access",
                2.0,
                &["人脸识别", "进不去", "进不来", "大门"],
            )
            .tag(
                "lock",
                3.0,
                &[
                    "锁芯",
                    "门锁",
                    "防盗门",
                    "拧不动",
                    "闭门器",
                    "合页",
                    "把手",
                    "消防门",
                ],
            )
            .tag("window", 2.5, &["窗户", "玻璃碎", "窗"]),
        category("repair.public_facility", 1440, Project)
            .words(3.0, &["广告牌", "招牌", "指示牌"])
            .tag("street_light", 3.0, &["路灯", "路灯杆"])
            .tag(
                "barrier",
                3.0,
                &["道闸", "抬不起来", "落杆", "抬杆", "杆子", "栏杆不抬"],
            )
            .tag("charger", 4.0, &["充电桩"])
            .tag(
                "playground",
                3.0,
                &[
                    "健身器材",
                    "漫步机",
                    "健身",
                    "游乐",
                    "滑梯",
                    "篮筐",
                    "篮球场",
                    "秋千",
                ],
            )
            .tag("seat", 3.0, &["长椅", "座椅", "椅子"])
            .tag("manhole", 3.0, &["井盖"])
            .tag("pavilion", 3.0, &["凉亭", "亭子", "长廊"])
            .words(1.5, &["公共设施", "花园", "车棚"]),
        category("repair.structure", 1440, Room)
            .words(2.0, &["返潮", "发霉"])
            .words(4.0, &["吊顶掉", "掉下来一大块", "楼板"])
            .words(1.5, &["墙面"])
            .tag("crack", 3.0, &["开裂", "裂缝", "裂了"])
            .tag(
                "seepage",
                4.0,
                &[
                    "屋面渗水",
                    "外墙渗水",
                    "屋顶漏",
                    "顶楼",
                    "防水层",
                    "下雨就",
                    "一下雨",
                    "下雨",
                ],
            )
            .tag(
                "falling",
                3.0,
                &[
                    "墙皮",
                    "脱落",
                    "掉灰",
                    "天花板掉",
                    "吊顶塌",
                    "塌下来",
                    "掉了一大块",
                    "外墙瓷砖",
                    "保温层",
                    "石膏板",
                ],
            )
            .tag("tiles", 3.0, &["空鼓", "起拱", "翘起", "地砖"])
            .words(2.0, &["墙体", "外墙", "瓷砖"])
            .words(0.5, &["墙", "天花板", "吊顶"]),
        category("repair.fire_safety", 120, Building)
            .words(4.0, &["消防管道", "消防管"])
            .words(
                4.5,
                &["烧起来", "冒火", "火星", "火很大", "焦味", "烧黑", "火光"],
            )
            .tag(
                "fire",
                4.5,
                &[
                    "着火",
                    "起火",
                    "失火",
                    "火灾",
                    "冒烟",
                    "冒黑烟",
                    "浓烟",
                    "好多烟",
                    "好大的烟",
                    "烟很大",
                    "烟雾",
                    "有火",
                    "火苗",
                    "焚烧",
                ],
            )
            .tag("hydrant", 4.0, &["消防栓", "水带", "消防水"])
            .tag("smoke_detector", 3.0, &["烟感", "误报", "烟雾报警"])
            .tag(
                "emergency_light",
                3.0,
                &["应急灯", "应急指示灯", "安全出口", "指示灯"],
            )
            .tag("extinguisher", 3.0, &["灭火器"])
            .tag("sprinkler", 3.0, &["喷淋"])
            .words(1.0, &["消防"]),
        category("repair.weak_current", 720, Building)
            .tag("cctv", 3.0, &["监控", "摄像头"])
            .tag("intercom", 3.0, &["对讲", "可视对讲", "对讲机"])
            .tag(
                "network",
                3.0,
                &["网络", "宽带", "断网", "wifi", "网速", "光猫"],
            )
            .tag("tv", 3.0, &["有线电视", "电视信号", "信号"]),
        category("repair.hvac", 720, Room)
            .tag("ac.cooling", 3.0, &["不制冷", "不凉", "吹热风", "制冷"])
            .tag(
                "heating",
                3.0,
                &["暖气", "供暖", "地暖", "暖气片", "冰凉", "冷得"],
            )
            .tag("heating", 2.0, &["不热"])
            .tag("fresh_air", 3.0, &["新风", "新风机", "新风系统"])
            .tag("ac.drip", 3.0, &["出风口", "空调漏水"])
            .tag("ac", 3.0, &["空调", "中央空调", "冷气"]),
        category("complaint.sanitation", 1440, Building)
            .words(
                3.0,
                &["保洁", "没人扫", "不扫", "不拖", "臭气熏天", "味道太大"],
            )
            .tag(
                "garbage",
                3.0,
                &[
                    "垃圾桶",
                    "垃圾站",
                    "垃圾房",
                    "清运",
                    "没人收",
                    "没人清",
                    "溢出来",
                    "堆满",
                    "清一次",
                ],
            )
            .tag("garbage", 2.0, &["垃圾"])
            .tag(
                "dirty",
                3.0,
                &["脏", "打扫", "卫生", "拖地", "吐了", "清洁", "纸巾"],
            )
            .tag("odor", 3.0, &["异味", "臭", "臭气", "油烟"])
            .tag("odor", 1.5, &["味道"])
            .tag(
                "pests",
                3.0,
                &["蚊子", "蚊虫", "苍蝇", "老鼠", "蟑螂", "打点药"],
            ),
        category("complaint.noise", 180, Project)
            .tag("noise.construction", 3.0, &["工地", "电锯"])
            .tag("noise.construction", 1.5, &["施工"])
            .tag("noise.dance", 3.0, &["广场舞", "音响", "放音乐"])
            .tag("noise.neighbor", 3.0, &["剁肉", "拖椅子", "跳"])
            .tag(
                "noise.equipment",
                3.0,
                &["水泵", "风机", "嗡嗡", "轰隆", "设备噪音"],
            )
            .words(3.0, &["噪音", "吵", "太吵", "吵死", "酒吧", "ktv"])
            .words(2.0, &["睡不着", "声音太大", "声音"])
            .words(1.0, &["扰民", "整夜"]),
        category("complaint.parking", 120, Building)
            .tag("fire_lane", 3.0, &["消防通道"])
            .tag(
                "parking_space",
                3.0,
                &["车位", "固定车位", "占了我的车位", "占用"],
            )
            .tag(
                "parking_order",
                3.0,
                &[
                    "乱停",
                    "乱停乱放",
                    "乱停车",
                    "停车管理",
                    "外来车辆",
                    "非机动车",
                ],
            )
            .tag(
                "parking_fee",
                4.0,
                &["停车费", "临停", "停车收费", "停车场收费"],
            )
            .words(2.0, &["电动车", "停车", "车辆", "轿车", "剐了", "被剐"])
            .words(1.0, &["车", "车牌"]),
        category("complaint.security", 240, Project)
            .tag(
                "intruder",
                3.0,
                &[
                    "陌生人",
                    "推销",
                    "随便进",
                    "谁都能进",
                    "放进来",
                    "拉车门",
                    "摩的",
                    "小广告",
                ],
            )
            .tag(
                "theft",
                3.0,
                &["偷", "被偷", "盗", "小偷", "撬", "电瓶", "被划", "划车"],
            )
            .words(2.0, &["查不到"])
            .tag("guard", 3.0, &["保安", "门岗", "巡逻", "不登记", "治安"])
            .words(1.0, &["安全"]),
        category("complaint.neighbor", 1440, Unit)
            .words(3.0, &["拒不赔偿", "不肯赔", "堆放"])
            .words(1.5, &["赔偿"])
            .tag(
                "throwing",
                4.0,
                &["高空抛物", "高空坠物", "往下扔", "扔", "空调外机"],
            )
            .tag("pets", 3.0, &["狗", "猫", "宠物", "拉屎", "狗叫"])
            .tag(
                "water.leak",
                4.0,
                &["漏水到我家", "漏到我家", "泡坏", "推给楼上"],
            )
            .tag(
                "common_space",
                3.0,
                &[
                    "堆在楼道",
                    "杂物",
                    "占用公共",
                    "公共走廊",
                    "走廊",
                    "圈进",
                    "当自己家",
                    "仓库",
                    "纸箱",
                    "鞋柜",
                ],
            )
            .words(3.0, &["找他们也不理", "协调"])
            .words(2.0, &["邻居", "对门"])
            .words(1.0, &["楼上", "隔壁", "不理"]),
        category("complaint.renovation", 1440, Building)
            .tag(
                "renovation",
                5.0,
                &["装修", "承重墙", "拆墙", "破坏承重", "电钻", "砸墙"],
            )
            .tag("renovation_waste", 4.0, &["装修垃圾", "建筑垃圾"])
            .words(2.0, &["一大早", "粉尘", "早上七点", "过道"])
            .words(3.0, &["切割"])
            .words(1.0, &["施工", "周末", "中午"]),
        category("complaint.staff_conduct", 1440, Project)
            .words(4.0, &["爱答不理", "说话太冲", "态度恶劣"])
            .tag(
                "staff",
                3.0,
                &[
                    "态度",
                    "不耐烦",
                    "挂电话",
                    "态度差",
                    "态度恶劣",
                    "态度很冲",
                    "没人接",
                    "不接电话",
                    "推诿",
                    "推来推去",
                    "不归",
                    "不作为",
                    "推卸",
                    "扯皮",
                    "答应",
                    "说好",
                    "说话不算数",
                    "承诺",
                    "没动静",
                    "收钱不干活",
                ],
            )
            .words(2.0, &["客服", "前台", "工作人员", "摆设"])
            .words(1.5, &["管家", "经理", "物业"])
            .words(1.0, &["服务"]),
        category("complaint.fee", 1440, Project)
            .tag(
                "fee",
                4.0,
                &[
                    "乱收费",
                    "收费不透明",
                    "不透明",
                    "公摊",
                    "账目",
                    "公共收益",
                    "广告收入",
                    "广告费",
                    "收支",
                    "收得不明不白",
                    "不明不白",
                ],
            )
            .tag("fee", 2.0, &["广告"])
            .tag(
                "fee",
                2.0,
                &[
                    "物业费",
                    "涨",
                    "贵",
                    "太贵",
                    "公示",
                    "水电费",
                    "电费",
                    "收费",
                ],
            ),
        category("complaint.greening", 1440, Project)
            .tag(
                "greening",
                3.0,
                &[
                    "树",
                    "树枝",
                    "修剪",
                    "草坪",
                    "绿化",
                    "虫子",
                    "病虫害",
                    "打药",
                    "枯死",
                    "浇水",
                    "剪得",
                    "园林",
                ],
            )
            .words(1.5, &["草"]),
        category("complaint.repair_quality", 1440, Room)
            .words(
                6.0,
                &[
                    "刚修的",
                    "刚修好",
                    "才修的",
                    "刚修完",
                    "到现在都没来",
                    "没人来修",
                    "多次报修",
                ],
            )
            .words(
                4.0,
                &[
                    "都没来",
                    "还没来",
                    "修的什么",
                    "报修一个",
                    "报修一周",
                    "报修两",
                    "报修好几",
                    "报修半个",
                    "报修快",
                    "报修都",
                ],
            )
            .words(
                6.0,
                &[
                    "修了又坏",
                    "修好没",
                    "修完没几天",
                    "第二天又坏",
                    "没修好",
                    "还没修",
                    "还没人来",
                    "人也没来",
                    "一直没来",
                    "报修未果",
                    "遥遥无期",
                    "没两天又",
                    "迟迟不修",
                    "迟迟没修",
                    "拖着不修",
                ],
            )
            .words(4.0, &["报修后", "天修好", "才来人", "又漏"])
            .words(
                3.0,
                &[
                    "修了之后",
                    "报修三天",
                    "报修的",
                    "维修师傅",
                    "师傅说",
                    "约好了",
                    "上门维修",
                    "修完",
                    "修了三次",
                    "等了一个星期",
                ],
            ),
        category("inquiry.fee", 1440, Room)
            .words(
                3.0,
                &[
                    "发票",
                    "欠费",
                    "缴费",
                    "交费",
                    "管理费",
                    "打折",
                    "交到",
                    "怎么交",
                    "一平",
                    "公共收益",
                ],
            )
            .words(2.0, &["物业费", "费用"]),
        category("inquiry.parking", 1440, Room)
            .words(4.0, &["访客的车", "访客车"])
            .words(
                3.0,
                &["月卡", "访客车辆", "车位", "访客停车", "停车", "车能开进"],
            )
            .words(2.0, &["出售", "出租", "租"])
            .words(1.0, &["车"]),
        category("inquiry.renovation", 1440, Room)
            .words(
                3.0,
                &["押金", "施工时间", "装修申请", "图纸", "流程", "可以装修"],
            )
            .words(3.0, &["装修"]),
        category("inquiry.access", 1440, Room)
            .words(
                3.0,
                &[
                    "门禁卡",
                    "人脸录入",
                    "录入",
                    "访客",
                    "登记",
                    "能进小区",
                    "补办",
                ],
            )
            .words(2.0, &["人脸", "证件"]),
        category("inquiry.delivery", 1440, Room)
            .words(4.0, &["快递柜", "代收", "快递", "取件码", "代收点", "丰巢"]),
        category("inquiry.policy", 1440, Project)
            .words(
                3.0,
                &[
                    "通知",
                    "规约",
                    "公告",
                    "规定",
                    "检修",
                    "可以养",
                    "允许",
                    "选举",
                    "可以烧烤",
                ],
            )
            .words(2.0, &["停水", "停电", "明天", "下周", "这周六", "是真的"]),
        category("inquiry.other", 1440, Project)
            .words(
                2.0,
                &[
                    "办公室",
                    "服务中心",
                    "电话是多少",
                    "推荐",
                    "上班",
                    "办公",
                    "在吗",
                    "在不在",
                ],
            )
            .words(4.0, &["搬家公司"]),
        category("service.renovation_permit", 1440, Room)
            .words(
                5.0,
                &[
                    "装修登记",
                    "装修报备",
                    "报备",
                    "出入证",
                    "进场",
                    "办理装修",
                    "申请装修",
                ],
            )
            .words(2.0, &["装修队", "施工队", "装修"]),
        category("service.access_card", 1440, Room)
            .words(
                4.0,
                &[
                    "门禁卡",
                    "补办",
                    "录个人脸",
                    "录一下人脸",
                    "加一个人脸",
                    "消磁",
                    "重新写",
                ],
            )
            .words(2.0, &["人脸识别", "人脸", "办卡"]),
        category("service.paid_home", 1440, Room)
            .words(
                4.0,
                &[
                    "开锁",
                    "家政",
                    "有偿",
                    "清洗",
                    "深度清洁",
                    "保洁阿姨来",
                    "上门",
                ],
            )
            .words(
                2.0,
                &["安装", "换个新的", "锁家里", "反锁", "收费多少", "多少钱"],
            ),
        category("service.move", 1440, Room)
            .words(
                5.0,
                &[
                    "搬家",
                    "放行条",
                    "放行",
                    "搬出",
                    "搬进来",
                    "撤场",
                    "搬入",
                    "退租",
                ],
            )
            .words(2.0, &["货梯", "家具"]),
    ]
    .into_iter()
    .map(|category| category.rule)
    .collect()
}

fn kind_cues() -> Vec<KindCue> {
    vec![
        cue(
            "repair",
            3.0,
            &[
                "报修",
                "维修一下",
                "修一下",
                "来修",
                "派人",
                "派个人",
                "尽快修复",
                "修复",
                "尽快维修",
            ],
        ),
        cue(
            "repair",
            2.0,
            &[
                "坏了",
                "坏掉",
                "故障",
                "不能用",
                "用不了",
                "失灵",
                "不灵",
                "没反应",
            ],
        ),
        cue(
            "repair",
            1.5,
            &[
                "不亮",
                "不动",
                "停了",
                "打不开",
                "关不上",
                "来看看",
                "快来",
                "来人",
                "怎么突然",
                "烂了",
                "断了",
                "拉不下来",
                "锁不上",
                "推不动",
                "转不动",
                "刷不出来",
                "不走字",
                "破了",
                "松了",
                "裂了",
            ],
        ),
        cue("repair", 1.0, &["坏", "维修", "麻烦"]),
        cue("complaint", 4.0, &["我要投诉"]),
        cue(
            "complaint",
            3.0,
            &[
                "再不处理",
                "再不管",
                "再这样",
                "告你们",
                "你们等着",
                "不办事",
            ],
        ),
        cue(
            "complaint",
            3.0,
            &[
                "投诉",
                "差劲",
                "太差",
                "不满意",
                "不作为",
                "管不管",
                "有没有人管",
                "怎么管的",
                "干什么的",
                "凭什么",
                "不像话",
                "还让不让人",
            ],
        ),
        cue(
            "complaint",
            2.0,
            &[
                "扰民",
                "气死",
                "受不了",
                "到底",
                "摆设",
                "太过分",
                "坑",
                "乱",
                "随便",
                "根本",
                "一点都不",
                "也不管",
                "不管",
                "也不提前",
                "怎么又",
                "怎么还",
                "这么差",
                "太难看",
                "不专业",
            ],
        ),
        cue(
            "complaint",
            1.0,
            &[
                "!!!",
                "怎么回事",
                "烦死",
                "请核实处理",
                "请物业处理",
                "要求物业公司",
            ],
        ),
        cue(
            "inquiry",
            3.0,
            &["请问", "咨询", "想了解", "问一下", "想问", "打听"],
        ),
        cue(
            "inquiry",
            2.0,
            &[
                "吗",
                "怎么办理",
                "怎么补办",
                "怎么查",
                "如何",
                "在哪",
                "在哪里",
                "哪里",
                "哪几",
                "哪个",
                "多少钱",
                "几点",
                "是否",
                "需要什么",
                "要什么",
                "是真的吗",
                "要准备",
                "几张",
                "能办几",
            ],
        ),
        cue(
            "inquiry",
            1.5,
            &[
                "怎么",
                "多少",
                "什么时候",
                "有没有",
                "可以",
                "是不是",
                "要不要",
                "能不能",
            ],
        ),
        cue("inquiry", 1.0, &["?", "呢", "怎么办"]),
        cue(
            "service",
            3.0,
            &[
                "办理",
                "我要办",
                "帮我办",
                "申请",
                "预约",
                "开个",
                "帮忙叫",
                "找个",
                "约个",
                "想约",
                "有偿",
                "上门服务",
                "请安排",
                "安排",
                "麻烦开",
                "办一下",
                "来办",
                "想办",
                "我想办",
                "帮我",
            ],
        ),
        cue(
            "service",
            2.0,
            &[
                "我要",
                "需要办",
                "约",
                "想请",
                "需要开",
                "需要用",
                "要给",
                "帮我们",
                "提交",
            ],
        ),
        cue("suggestion", 5.0, &["建议", "提个建议", "我有个建议"]),
        cue(
            "suggestion",
            3.0,
            &[
                "希望",
                "最好能",
                "可以考虑",
                "增加",
                "多装",
                "加个",
                "装个",
                "多组织",
            ],
        ),
        cue(
            "praise",
            5.0,
            &[
                "表扬",
                "感谢",
                "谢谢",
                "点赞",
                "点个赞",
                "好评",
                "辛苦了",
                "锦旗",
            ],
        ),
        cue(
            "praise",
            3.0,
            &[
                "服务特别好",
                "服务很好",
                "很耐心",
                "非常专业",
                "很及时",
                "这么快",
                "热心",
                "负责任",
            ],
        ),
    ]
}

/// Where two reports must be to be about one real problem, per problem tag.
fn problem_scopes() -> BTreeMap<String, Scope> {
    use Scope::*;
    [
        ("water.leak", Vertical),
        ("water.outage", Building),
        ("water.pressure", Building),
        ("water.drain", Room),
        ("water.flood", Building),
        ("power.outage", Building),
        ("power.trip", Room),
        ("power.socket", Room),
        ("power.wire", Building),
        ("light", Unit),
        ("gas.smell", Unit),
        ("gas.meter", Room),
        ("gas", Unit),
        ("lift", Unit),
        ("door_access", Unit),
        ("lock", Room),
        ("window", Unit),
        ("street_light", Project),
        ("barrier", Project),
        ("charger", Project),
        ("playground", Project),
        ("seat", Project),
        ("manhole", Project),
        ("crack", Room),
        ("seepage", Room),
        ("falling", Building),
        ("tiles", Room),
        ("fire", Building),
        ("hydrant", Building),
        ("smoke_detector", Room),
        ("emergency_light", Building),
        ("extinguisher", Building),
        ("sprinkler", Building),
        ("cctv", Project),
        ("intercom", Unit),
        ("network", Building),
        ("tv", Building),
        ("ac", Room),
        ("heating", Room),
        ("fresh_air", Room),
        ("garbage", Building),
        ("dirty", Unit),
        ("odor", Building),
        ("pests", Project),
        ("noise.construction", Project),
        ("noise.dance", Project),
        ("noise.neighbor", Unit),
        ("noise.equipment", Building),
        ("fire_lane", Building),
        ("parking_space", Room),
        ("parking_order", Building),
        ("parking_fee", Project),
        ("intruder", Project),
        ("theft", Project),
        ("guard", Project),
        ("throwing", Building),
        ("pets", Unit),
        ("common_space", Unit),
        ("renovation", Building),
        ("renovation_waste", Building),
        ("staff", Project),
        ("fee", Project),
        ("greening", Building),
    ]
    .into_iter()
    .map(|(tag, scope)| (tag.to_owned(), scope))
    .collect()
}

fn urgency_rules() -> Vec<UrgencyRule> {
    use Urgency::*;
    let lift = &["电梯", "梯"];
    let gas = &["燃气", "煤气", "天然气", "液化气"];
    // A complaint about a past repair is not a report that the thing is down now.
    let past_repair = &[
        "修了又",
        "修好没",
        "修完",
        "报修未果",
        "修了三次",
        "又修",
        "刚修",
        "才修",
    ];
    vec![
        rule(
            Emergency,
            "gas smell: risk of explosion",
            &["燃气味", "煤气味", "天然气味", "闻到燃气", "闻到煤气"],
        ),
        rule(
            Emergency,
            "gas leak: risk of explosion",
            &[
                "漏气", "泄漏", "泄露", "味", "臭", "闻到", "嘶嘶", "拉开", "开裂", "断裂",
            ],
        )
        .about(gas),
        rule(
            Emergency,
            "fire or smoke",
            &[
                "着火",
                "起火",
                "失火",
                "火灾",
                "冒烟",
                "冒黑烟",
                "浓烟",
                "黑烟",
                "好多烟",
                "好大的烟",
                "很多烟",
                "烟很大",
                "烟雾",
                "有火",
                "火苗",
                "明火",
                "火情",
                "火势",
                "烧起来",
                "烧着",
                "点着了",
                "烧焦",
                "焦糊",
                "糊味",
                "焦味",
                "冒火",
                "火星",
                "火光",
                "火很大",
                "烧黑",
                "烧了起来",
            ],
        ),
        rule(
            Emergency,
            "flooding or a burst pipe",
            &[
                "水管爆",
                "管爆",
                "管子爆",
                "爆管",
                "爆了",
                "爆裂",
                "水管破",
                "水喷",
                "喷水",
                "往外喷",
                "哗哗",
                "哗啦啦",
                "淹",
                "水漫",
                "汪洋",
                "水帘洞",
                "跑水",
                "发大水",
                "大量的水",
                "往下冲",
                "往下淌",
                "瀑布",
                "进水了",
                "溢水",
                "往里灌",
                "水位超高",
                "往下流",
                "冲爆",
                "全是水",
                "都是水",
                "泡在水里",
                "水深",
                "半米深",
                "到脚踝",
                "水流到",
                "流到一楼",
                "水位",
                "被水泡",
                "灌了",
                "没过",
            ],
        ),
        rule(
            Emergency,
            "people trapped in a lift",
            &[
                "困人",
                "被困",
                "困在",
                "关在",
                "被关",
                "关住",
                "出不来",
                "出不去",
                "夹人",
                "夹伤",
                "里面有人",
                "在里面",
                "困住",
                "困了",
                "困着",
                "夹住",
                "急坠",
                "下坠",
                "坠梯",
                "溜梯",
                "冲顶",
                "蹲底",
                "往下掉",
                "摔倒",
            ],
        )
        .about(lift),
        rule(
            Emergency,
            "exposed live wires or sparks",
            &[
                "电线裸露",
                "裸露",
                "外露",
                "漏电",
                "触电",
                "火花",
                "冒火",
                "打火",
                "露在外面",
                "露出来",
                "破皮",
                "带电",
                "电倒",
                "电麻",
                "被电",
                "麻手",
                "掉在地上",
                "掉地上",
                "垂下来",
            ],
        )
        .about(&["电", "线", "插座", "开关"]),
        rule(
            Emergency,
            "falling objects",
            &[
                "高空坠物",
                "高空抛物",
                "砸到",
                "砸在",
                "砸坏",
                "差点砸",
                "坠落",
                "塌下来",
                "掉了一大块",
                "掉下来",
                "天花板掉",
                "吹掉",
                "吹落",
                "摇摇欲坠",
                "随时会掉",
                "要掉下来",
                "扔下来",
                "扔下",
                "砸破",
                "砸中",
                "砸碎",
                "砸凹",
                "掉落",
                "坠下",
                "掉下去",
                "快掉了",
                "要掉了",
                "刮下来",
                "刮倒",
                "吹倒",
                "塌了",
                "倒塌",
            ],
        ),
        rule(
            Emergency,
            "a crime in progress",
            &[
                "撬车",
                "撬门",
                "撬锁",
                "抢劫",
                "正在偷",
                "小偷正在",
                "有个小偷",
                "有小偷在",
                "撬开",
                "砸车窗",
                "偷东西",
                "在撬",
                "在偷",
                "在砸",
            ],
        ),
        rule(
            Urgent,
            "no water",
            &[
                "停水",
                "没水",
                "没有水",
                "断水",
                "不出水",
                "没来水",
                "什么时候来水",
                "什么时候有水",
            ],
        ),
        rule(
            Urgent,
            "no power",
            &["停电", "没电", "断电", "没有电", "总闸"],
        )
        .unless(&["插座"]),
        rule(
            Urgent,
            "lift out of order",
            &[
                "坏",
                "停了",
                "停运",
                "停用",
                "不动",
                "不能用",
                "用不了",
                "故障",
                "门关不上",
                "卡在",
                "停在",
                "还是坏的",
            ],
        )
        .about(lift)
        .unless(past_repair),
        rule(
            Urgent,
            "door access down",
            &[
                "进不去",
                "进不来",
                "打不开",
                "瘫痪",
                "坏",
                "刷不了",
                "刷不开",
                "不识别",
                "没反应",
                "关不上",
                "锁不上",
            ],
        )
        .about(&["门禁", "闸机", "单元门", "楼栋门"])
        .unless(past_repair),
        rule(
            Urgent,
            "sewage backing up",
            &[
                "反水",
                "返水",
                "冒出来",
                "外溢",
                "冒脏水",
                "冒污水",
                "粪水",
                "冒到",
                "往上冒",
                "倒灌",
                "漫出来",
            ],
        ),
        rule(Urgent, "vehicles cannot leave", &["抬不起来", "出不去"]).about(&["道闸", "闸"]),
        rule(
            Urgent,
            "a whole building or site affected",
            &["整个", "全楼", "整栋", "整个小区", "都停了"],
        )
        .about(&["空调", "暖气", "供暖", "停电", "停水", "没电", "没水"]),
    ]
}

fn escalation_rules() -> Vec<EscalationRule> {
    vec![
        escalation(
            "threatens the 12345 / mayor's hotline",
            true,
            &[
                "12345",
                "市长热线",
                "市长信箱",
                "政府热线",
                "市民热线",
                "便民热线",
                "打热线",
            ],
        ),
        escalation(
            "a 12345 hotline transfer",
            false,
            &[
                "市民反映",
                "市民来电",
                "来电人反映",
                "来电反映",
                "12345转办",
                "转办",
            ],
        ),
        escalation(
            "goes to a government office or residents' committee",
            true,
            &[
                "住建局",
                "房管局",
                "住建委",
                "房产局",
                "物价局",
                "市场监管",
                "消协",
                "12315",
                "街道办",
                "街道",
                "居委会",
                "信访",
                "上访",
                "政府",
                "城管",
                "消费者协会",
                "价格举报",
                "举报电话",
            ],
        ),
        escalation(
            "threatens media or short-video exposure",
            true,
            &[
                "媒体",
                "曝光",
                "抖音",
                "微博",
                "小红书",
                "快手",
                "电视台",
                "记者",
                "报社",
                "拍了视频",
                "发到网上",
                "上网发帖",
                "发帖",
                "评评理",
            ],
        ),
        escalation("threatens to post online", true, &["网上", "朋友圈"]),
        escalation(
            "threatens a lawyer or court",
            false,
            &[
                "律师",
                "起诉",
                "法院",
                "告你们",
                "打官司",
                "仲裁",
                "诉讼",
                "法律途径",
            ],
        ),
        escalation(
            "refuses to pay fees",
            true,
            &[
                "不交物业费",
                "拒交",
                "拒缴",
                "不交了",
                "不交",
                "停交",
                "不缴",
                "拒绝缴纳",
                "拒付",
                "别想收",
                "不会再交",
                "不再交",
                "一分钱都不交",
                "休想",
            ],
        ),
        escalation(
            "brings in the owners' committee",
            true,
            &["业委会", "业主大会", "联名", "集体投诉", "罢免"],
        ),
        escalation(
            "a repeated problem",
            false,
            &[
                "好几次",
                "多次",
                "屡次",
                "三番五次",
                "一而再",
                "反复",
                "无数次",
                "好多次",
                "一次又一次",
                "又双叒叕",
                "好几遍",
                "十几遍",
                "几十遍",
                "十几次",
                "几十次",
                "好多回",
                "好几回",
                "无数遍",
                "三天两头",
            ],
        ),
    ]
}
