//! Words that mean the same thing at a property company's service desk (管理费 is 物业费, 包月 is
//! a 月卡), and the ways of asking the same kind of question (多少钱 and 咋收费 both ask a price).
//! A text that contains any form of a concept carries the concept as a term of its own, so a
//! resident's word meets the manager's.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// Each concept: its name, then its forms. Forms are plain substrings; longer forms win where
/// they overlap.
const CONCEPTS: &[(&str, &[&str])] = &[
    // What it costs, and how money is paid.
    (
        "price",
        &[
            "多少钱",
            "多钱",
            "几多钱",
            "价格",
            "价钱",
            "收费",
            "费用",
            "怎么收",
            "咋收",
            "多少一",
            "单价",
            "标准",
            "贵不贵",
            "要钱",
            "花多少",
            "收多少",
            "免费",
        ],
    ),
    (
        "pay",
        &[
            "缴费",
            "交费",
            "缴纳",
            "交钱",
            "付款",
            "支付",
            "怎么交",
            "咋交",
            "在哪交",
            "哪里交",
            "代扣",
            "自动扣",
            "扣款",
            "微信交",
            "支付宝",
        ],
    ),
    (
        "property_fee",
        &["物业费", "管理费", "物管费", "物业废", "管理废", "服务费"],
    ),
    (
        "invoice",
        &["发票", "发漂", "开票", "专票", "普票", "票据", "收据"],
    ),
    (
        "arrears",
        &[
            "欠费",
            "拖欠",
            "滞纳金",
            "违约金",
            "逾期",
            "晚交",
            "补交",
            "拖了",
            "欠了",
            "罚款",
            "罚金",
        ],
    ),
    // Parking.
    (
        "monthly_parking",
        &[
            "月卡",
            "包月",
            "月租",
            "长租",
            "月保",
            "停车卡",
            "长期停车",
            "固定车位",
            "年卡",
        ],
    ),
    (
        "visitor_car",
        &["临停", "临时停车", "访客车", "外来车", "朋友的车", "来访车"],
    ),
    (
        "car",
        &[
            "车辆",
            "汽车",
            "私家车",
            "停车",
            "车位",
            "车库",
            "地库",
            "停车场",
        ],
    ),
    (
        "ev_charging",
        &["充电桩", "新能源", "电车充电", "ev", "特斯拉", "充电枪"],
    ),
    (
        "ebike",
        &["电瓶车", "电动车", "电单车", "电动自行车", "自行车", "单车"],
    ),
    ("plate", &["车牌", "换车", "牌照"]),
    // Renovation.
    (
        "renovation",
        &[
            "装修", "装璜", "装潢", "改造", "施工", "动工", "开工", "翻新", "进场",
        ],
    ),
    ("deposit", &["押金", "押进", "保证金", "压金"]),
    (
        "debris",
        &["建筑垃圾", "装修垃圾", "砖头", "水泥", "渣土", "废料"],
    ),
    // Getting in.
    (
        "access_card",
        &["门禁卡", "门卡", "门进卡", "出入卡", "钥匙卡", "ic卡"],
    ),
    ("face", &["人脸", "刷脸", "面部识别", "人脸识别", "录脸"]),
    (
        "visitor",
        &["访客", "来访", "客人", "亲戚", "朋友来", "面试", "客户来"],
    ),
    // Everyday services.
    (
        "parcel",
        &["快递", "包裹", "快递柜", "快递贵", "代收", "丰巢", "驿站"],
    ),
    (
        "outage",
        &["停水", "停电", "断水", "断电", "没水", "没电", "限电"],
    ),
    ("notice", &["通知", "公告", "告示", "提前说"]),
    ("water_tank", &["水箱", "二次供水", "水质"]),
    (
        "move",
        &[
            "搬家",
            "搬走",
            "搬进",
            "搬出",
            "搬入",
            "退租",
            "放行条",
            "放行",
        ],
    ),
    (
        "paid_service",
        &[
            "有偿",
            "上门服务",
            "通马桶",
            "疏通",
            "开锁",
            "清洗",
            "家政",
            "保洁",
            "换水龙头",
            "维修师傅",
        ],
    ),
    ("pet", &["狗", "犬", "宠物", "猫", "遛狗", "柯基", "泰迪"]),
    (
        "garbage",
        &["垃圾", "拉圾", "扔垃圾", "倒垃圾", "垃圾分类", "厨余"],
    ),
    ("bulky", &["大件", "床垫", "旧家具", "沙发", "旧家电"]),
    (
        "lost",
        &["丢了", "丢失", "失物", "捡到", "掉了", "遗失", "招领"],
    ),
    (
        "service_desk",
        &[
            "服务中心",
            "服务台",
            "前台",
            "客服中心",
            "物业办公室",
            "管理处",
        ],
    ),
    (
        "office_hours",
        &[
            "上班时间",
            "办公时间",
            "几点上班",
            "几点下班",
            "营业时间",
            "开门",
            "关门",
            "几点开",
            "几点关",
        ],
    ),
    ("phone", &["电话", "号码", "联系方式", "热线", "打哪个"]),
    ("key", &["钥匙", "寄存", "托管"]),
    ("certificate", &["房产证", "产权证", "不动产", "办证"]),
    ("handover", &["收房", "交房", "入伙", "验房"]),
    ("booking", &["借用", "预订", "预约", "订", "租用", "场地"]),
    ("meeting_room", &["会议室", "会议厅", "开会"]),
    ("complaint", &["投诉", "投宿", "反映", "意见", "不满意"]),
    ("repair", &["报修", "保修", "维修", "修理", "坏了"]),
    (
        "emergency_line",
        &["紧急", "急救", "应急", "24小时", "半夜", "夜里"],
    ),
    ("warranty", &["保修期", "质保", "保修多久"]),
    ("maintenance_fund", &["维修基金", "维修资金", "专项维修"]),
    ("heating", &["暖气", "供暖", "地暖", "采暖", "暖器"]),
    ("aircon", &["空调", "冷气", "制冷", "空凋"]),
    ("overtime", &["加时", "加班", "延时", "晚上开", "周末开"]),
    (
        "window_clean",
        &["擦玻璃", "外墙清洗", "洗外墙", "蜘蛛人", "吊篮"],
    ),
    ("balcony", &["阳台", "晾晒", "晒衣服", "封阳台"]),
    ("loading", &["卸货", "货梯", "送货", "进货"]),
    ("network", &["网络", "宽带", "网线", "wifi", "上网", "光纤"]),
    ("rental", &["出租", "租客", "租户", "房客", "租房"]),
    ("clubhouse", &["会所", "泳池", "游泳", "健身房", "健身"]),
    // How the question asks.
    (
        "how_to",
        &[
            "怎么办",
            "咋办",
            "怎么弄",
            "咋弄",
            "怎么搞",
            "手续",
            "流程",
            "办理",
            "申请",
            "要带",
            "带什么",
            "带啥",
            "准备什么",
            "准备啥",
            "材料",
            "需要什么",
        ],
    ),
    (
        "when",
        &[
            "几点",
            "时间",
            "什么时候",
            "啥时候",
            "多久",
            "周末",
            "星期",
            "周六",
            "周日",
            "节假日",
            "晚上",
            "早上",
        ],
    ),
    (
        "where",
        &["在哪", "哪里", "哪儿", "哪个位置", "位置", "地方", "放哪"],
    ),
];

struct Thesaurus {
    matcher: AhoCorasick,
    /// For each pattern, the concept it belongs to.
    concept_of: Vec<&'static str>,
}

static THESAURUS: LazyLock<Thesaurus> = LazyLock::new(|| {
    let (patterns, concept_of): (Vec<&str>, Vec<&str>) = CONCEPTS
        .iter()
        .flat_map(|(name, forms)| forms.iter().map(move |f| (*f, *name)))
        .unzip();
    Thesaurus {
        matcher: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(patterns)
            .expect("the thesaurus's forms are plain strings"),
        concept_of,
    }
});

/// The concepts `text` speaks of, each with where its form stands (bytes).
pub fn concepts(text: &str) -> Vec<(&'static str, usize, usize)> {
    let thesaurus = &*THESAURUS;
    thesaurus
        .matcher
        .find_iter(text)
        .map(|m| {
            (
                thesaurus.concept_of[m.pattern().as_usize()],
                m.start(),
                m.end(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_residents_word_names_the_managers_concept() {
        let names = |t: &str| concepts(t).into_iter().map(|c| c.0).collect::<Vec<_>>();
        assert_eq!(names("管理费咋交"), vec!["property_fee", "pay"]);
        assert_eq!(names("物业费怎么交"), vec!["property_fee", "pay"]);
        assert!(names("地库包月多少钱").contains(&"monthly_parking"));
        assert!(names("地库包月多少钱").contains(&"price"));
        assert!(names("EV充电").contains(&"ev_charging"));
    }
}
