//! The catalogue of things people report, per category of taxonomy.md.
//!
//! Each issue is one recognisable real-world problem (卫生间天花板漏水, 电梯困人…) with its
//! urgency, where it happens, a few ways people put it, and what the staff finally did. The
//! wording is neutral (no 我/我家) so that the channel wrappers in `text` can turn it into a
//! resident's message, an agent's call note, a 12345 transfer or an IoT alarm.
//!
//! Templates use these placeholders, filled per ticket by `text::Scene`:
//! `{room}` the reporter's room (3栋2单元1502, A座1205, 商场L2-15, 停车场B1-023),
//! `{tower}` a building (3栋, A座), `{bldg}` a building with its unit (3栋2单元),
//! `{floor}` a floor of it (12楼, 12层, L2), `{gate}`, `{garage}`, `{yard}` landmarks,
//! `{tech}` a technician's name, `{clerk}` an agent or butler with their title (管家李娜).

const EMERGENCY: &str = "emergency";
const URGENT: &str = "urgent";
const NORMAL: &str = "normal";

/// Where an issue happens, which decides the project, the reporter and the room of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spot {
    /// Inside a flat of the residential community.
    Home,
    /// Inside an office or shop of the commercial complex.
    Workplace,
    /// Inside a shop of the mall.
    Shop,
    /// At a rented parking space of the complex.
    Parking,
    /// Inside any flat, office or shop.
    Indoor,
    /// Common areas of the residential community (gardens, stairwells, square dancing).
    Estate,
    /// Common areas of the commercial complex.
    Complex,
    /// Common areas of either project.
    Common,
    /// Nowhere in particular: questions, fees, conduct.
    Nowhere,
    /// Nowhere in particular, but about family life (保姆, 封阳台, 游泳池): the community only.
    Household,
}

impl Spot {
    /// The kinds of room the reporter's own room must be, when the issue is in their room.
    pub(crate) fn room_kinds(self) -> Option<&'static [&'static str]> {
        match self {
            Spot::Home => Some(&["residential"]),
            Spot::Workplace => Some(&["office", "shop"]),
            Spot::Shop => Some(&["shop"]),
            Spot::Parking => Some(&["parking"]),
            Spot::Indoor => Some(&["residential", "office", "shop"]),
            Spot::Estate | Spot::Complex | Spot::Common | Spot::Nowhere | Spot::Household => None,
        }
    }

    /// The project kind the issue belongs to, or `None` when it happens in both.
    pub(crate) fn project_kind(self) -> Option<&'static str> {
        match self {
            Spot::Home | Spot::Estate | Spot::Household => Some("residential"),
            Spot::Workplace | Spot::Shop | Spot::Parking | Spot::Complex => Some("commercial"),
            Spot::Indoor | Spot::Common | Spot::Nowhere => None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Issue {
    pub category: &'static str,
    /// Short ticket title (at most 12 characters, so a building prefix still fits in 20).
    pub title: &'static str,
    pub urgency: &'static str,
    pub spot: Spot,
    /// Ways people describe it; one is picked per ticket.
    pub details: &'static [&'static str],
    /// What was done (the resolution), or the answer for an inquiry.
    pub fix: &'static str,
    /// The message a sensor sends, for issues an IoT device detects.
    pub alarm: Option<&'static str>,
}

impl Issue {
    /// The kind is the category's prefix, as taxonomy.md requires.
    pub(crate) fn kind(&self) -> &'static str {
        self.category.split('.').next().unwrap_or(self.category)
    }
}

const fn issue(
    category: &'static str,
    title: &'static str,
    urgency: &'static str,
    spot: Spot,
    details: &'static [&'static str],
    fix: &'static str,
) -> Issue {
    Issue {
        category,
        title,
        urgency,
        spot,
        details,
        fix,
        alarm: None,
    }
}

impl Issue {
    const fn alarmed(self, alarm: &'static str) -> Issue {
        Issue {
            alarm: Some(alarm),
            ..self
        }
    }
}

/// Every category of taxonomy.md with how often it comes up (per 100 tickets). Repairs are the
/// bulk of the work, then complaints, inquiries, service requests, suggestions and praise.
pub(crate) const CATEGORIES: &[(&str, u32)] = &[
    ("repair.water", 10),
    ("repair.electric", 7),
    ("repair.gas", 2),
    ("repair.elevator", 6),
    ("repair.door_access", 5),
    ("repair.public_facility", 5),
    ("repair.structure", 4),
    ("repair.fire_safety", 2),
    ("repair.weak_current", 2),
    ("repair.hvac", 3),
    ("complaint.sanitation", 3),
    ("complaint.noise", 3),
    ("complaint.parking", 3),
    ("complaint.security", 2),
    ("complaint.neighbor", 2),
    ("complaint.renovation", 2),
    ("complaint.staff_conduct", 1),
    ("complaint.fee", 1),
    ("complaint.greening", 1),
    ("complaint.repair_quality", 2),
    ("inquiry.fee", 3),
    ("inquiry.parking", 2),
    ("inquiry.renovation", 2),
    ("inquiry.access", 2),
    ("inquiry.delivery", 2),
    ("inquiry.policy", 2),
    ("inquiry.other", 2),
    ("service.renovation_permit", 2),
    ("service.access_card", 3),
    ("service.paid_home", 3),
    ("service.move", 2),
    ("suggestion.general", 5),
    ("praise.general", 4),
];

/// The issues of one category.
pub(crate) fn of(category: &str) -> Vec<&'static Issue> {
    ISSUES.iter().filter(|i| i.category == category).collect()
}

#[rustfmt::skip]
pub(crate) static ISSUES: &[Issue] = &[
    // ── repair.water 给排水 ──
    issue("repair.water", "卫生间天花板漏水", NORMAL, Spot::Home, &[
        "{room}卫生间天花板漏水，应该是楼上渗下来的",
        "{room}卫生间吊顶一直往下滴水，吊顶板都泡变形了",
        "{room}厨房顶上出现一大片水渍，还在往外扩，怀疑楼上漏水",
    ], "进户排查为楼上卫生间防水层老化渗水，已协调楼上住户修补防水并做闭水试验，楼下吊顶已恢复"),
    issue("repair.water", "水管爆裂", EMERGENCY, Spot::Indoor, &[
        "{room}厨房水管突然爆了，水喷得到处都是，总阀拧不动",
        "{room}阳台进水管爆裂，水已经漫到客厅了，快来人！",
    ], "到场关闭分户总阀，更换爆裂的PPR管段和管件，打压试验正常，并协助清理积水"),
    issue("repair.water", "下水道堵塞", NORMAL, Spot::Home, &[
        "{room}厨房下水道堵了，水下不去还往上返",
        "{room}卫生间地漏堵塞，洗个澡积了一地水",
        "{room}马桶堵了，用皮搋子也弄不通",
    ], "使用管道疏通机疏通排水管，清出油污和杂物，排水恢复正常"),
    issue("repair.water", "整栋楼停水", URGENT, Spot::Estate, &[
        "{tower}整栋楼都停水了，也没看到停水通知",
        "{bldg}从早上开始就没水，家里老人孩子都等着用水",
    ], "排查为二次供水泵房水泵故障，已切换备用泵并检修主泵，供水恢复正常")
        .alarmed("{tower}二次供水泵组故障停机"),
    issue("repair.water", "水压太低", NORMAL, Spot::Estate, &[
        "{bldg}高层水压特别低，热水器都打不着火",
        "{bldg}{floor}这几天水压很小，洗澡水跟滴的一样",
    ], "调整二次供水变频泵出口压力并清洗减压阀滤网，高层水压恢复正常"),
    issue("repair.water", "公共卫生间漏水", NORMAL, Spot::Complex, &[
        "{bldg}{floor}公共卫生间洗手台下面一直漏水，地面全是水，很滑",
        "{bldg}{floor}卫生间小便池一直在冲水，关不住",
    ], "更换老化的进水软管、角阀和感应冲水阀，地面已清理干净"),
    issue("repair.water", "地库进水", EMERGENCY, Spot::Common, &[
        "{garage}进水了，水已经没过脚踝，好多车还停在里面！",
        "暴雨太大，{garage}入口的水往下灌，集水井好像抽不过来",
    ], "启用备用排污泵并在入口堆放沙袋挡水，通知车主挪车，积水已排净，集水井水泵已检修")
        .alarmed("{garage}集水井高水位报警"),
    // ── repair.electric 电气照明 ──
    issue("repair.electric", "楼道灯不亮", NORMAL, Spot::Estate, &[
        "{bldg}{floor}楼道灯坏了好几天了，晚上黑漆漆的，老人上下楼很危险",
        "{bldg}{floor}的声控灯不亮，拍手跺脚都没反应",
    ], "更换损坏的声控感应灯头，逐层测试楼道照明正常"),
    issue("repair.electric", "跳闸断电", NORMAL, Spot::Indoor, &[
        "{room}一开空调就跳闸，插座也没电了",
        "{room}总闸老是跳，推上去一会儿又跳下来",
    ], "检测为空调回路漏电保护器老化，已更换并检查线路绝缘，用电恢复正常"),
    issue("repair.electric", "突然停电", URGENT, Spot::Common, &[
        "{bldg}突然停电了，电梯也停了",
        "{bldg}{floor}整层都没电了，电脑全黑屏，急！",
    ], "排查为配电室该回路断路器故障跳闸，已更换断路器并恢复供电")
        .alarmed("{tower}配电回路失电"),
    issue("repair.electric", "电线打火冒烟", EMERGENCY, Spot::Common, &[
        "{bldg}{floor}电井里有电线在冒火花，还有焦糊味",
        "{bldg}{floor}楼道配电箱在冒烟，噼里啪啦响，太吓人了！",
    ], "紧急断电后更换烧损的电缆接头和空气开关，绝缘测试合格后恢复供电，隐患已排除"),
    issue("repair.electric", "插座没电", NORMAL, Spot::Workplace, &[
        "{room}靠窗那一排插座都没电了，影响办公",
        "{room}前台的插座一插电器就冒火花",
    ], "更换烧坏的插座面板并紧固接线，通电测试正常"),
    // ── repair.gas 燃气 ──
    issue("repair.gas", "闻到燃气味", EMERGENCY, Spot::Home, &[
        "{room}厨房燃气味很重，已经开窗了，不敢开灯",
        "{room}一进门就闻到很浓的煤气味，是不是哪里漏气了",
    ], "到场关闭燃气总阀并开窗通风，检漏确认为灶具连接软管老化漏气，已会同燃气公司更换软管，复检无泄漏"),
    issue("repair.gas", "楼道燃气味", EMERGENCY, Spot::Estate, &[
        "{bldg}{floor}楼道里有燃气味，好几户都闻到了",
        "{bldg}一楼大堂一股煤气味，越来越浓",
    ], "疏散人员并通风，会同燃气公司检漏，为楼道立管接头松动，已紧固处理，复检正常")
        .alarmed("{bldg}可燃气体探测器报警"),
    issue("repair.gas", "燃气表不走字", NORMAL, Spot::Home, &[
        "{room}燃气表好像不走字了，怕以后一次性补交很多钱",
        "{room}燃气表屏幕不亮，充值也充不进去",
    ], "已上门核查并报燃气公司，燃气公司已更换燃气表，读数正常"),
    issue("repair.gas", "后厨燃气管道有异味", URGENT, Spot::Shop, &[
        "{room}后厨燃气管道接口有点味道，麻烦马上来检查",
        "{room}厨房燃气报警器响了两次，不知道是不是漏气",
    ], "检漏发现管道接口密封老化，已会同燃气公司更换密封件，复检无泄漏"),
    // ── repair.elevator 电梯 ──
    issue("repair.elevator", "电梯困人", EMERGENCY, Spot::Common, &[
        "{bldg}电梯困人了！里面有老人和小孩，快来人",
        "{bldg}电梯突然停在两层中间，人被困在里面，按警铃没人应",
    ], "维保人员到场盘车放人，被困人员安全无受伤；故障为层门门锁回路接触不良，已修复并试运行正常")
        .alarmed("{bldg}电梯困人报警"),
    issue("repair.elevator", "电梯停运", URGENT, Spot::Common, &[
        "{bldg}电梯坏了，一直停在一楼不动，住高层的上不去",
        "{bldg}两部电梯都停了，只能爬楼梯",
    ], "更换故障的门机控制板，电梯试运行正常后恢复使用")
        .alarmed("{bldg}电梯故障停梯"),
    issue("repair.elevator", "电梯异响", NORMAL, Spot::Common, &[
        "{bldg}电梯运行的时候咔咔响，还晃得厉害，坐着心里发毛",
        "{bldg}电梯开关门的时候有很大的摩擦声",
    ], "调整导靴间隙、润滑导轨并调整门机皮带，异响消除"),
    issue("repair.elevator", "电梯按键失灵", NORMAL, Spot::Common, &[
        "{bldg}电梯里{floor}的按键按了没反应",
        "{bldg}{floor}电梯外呼按钮坏了，按了不亮",
    ], "更换损坏的按键板，逐层测试呼梯正常"),
    // ── repair.door_access 门禁门窗 ──
    issue("repair.door_access", "单元门禁坏了", URGENT, Spot::Estate, &[
        "{bldg}单元门禁坏了，刷卡刷脸都开不了门",
        "{bldg}的单元门一直开着关不上，谁都能进来",
    ], "更换门禁控制器电源模块并调整闭门器，刷卡、人脸开门均正常"),
    issue("repair.door_access", "人脸识别失灵", NORMAL, Spot::Common, &[
        "{gate}人脸识别老是识别不了，每次都要等保安开门",
        "{gate}闸机刷脸要刷好几次才开",
    ], "清洁摄像头并重新同步人脸底库，识别恢复正常"),
    issue("repair.door_access", "门锁坏了", NORMAL, Spot::Indoor, &[
        "{room}门锁坏了，钥匙插进去拧不动",
        "{room}的防盗门关不上，锁舌弹不出来",
    ], "更换锁体及锁芯并调试，开关顺畅"),
    issue("repair.door_access", "窗户关不严", NORMAL, Spot::Indoor, &[
        "{room}窗户关不严，一刮风就呼呼响，下雨还往里飘",
        "{room}窗户把手断了，窗户关不上",
    ], "更换老化的密封条和窗执手，调整窗扇五金件，窗户关闭严密"),
    // ── repair.public_facility 公共设施 ──
    issue("repair.public_facility", "路灯不亮", NORMAL, Spot::Estate, &[
        "{yard}好几盏路灯不亮，晚上遛弯黑乎乎的",
        "{gate}进来那段路的路灯坏了，晚上看不清路",
    ], "更换损坏的LED灯头和光控开关，路灯恢复正常"),
    issue("repair.public_facility", "道闸不抬杆", URGENT, Spot::Common, &[
        "{gate}车辆道闸不抬杆，后面排了一长串车",
        "{garage}出口道闸识别不了车牌，一直不抬杆",
    ], "重启车牌识别相机并校准，更换道闸地感线圈，通行恢复正常")
        .alarmed("{garage}出口道闸通信中断"),
    issue("repair.public_facility", "健身器材损坏", NORMAL, Spot::Estate, &[
        "{yard}的健身器材扶手断了，小孩在上面玩很危险",
        "{yard}的滑梯有颗螺丝松了，晃得厉害",
    ], "设置警示围挡后更换损坏部件并紧固，检查其他器材无异常"),
    issue("repair.public_facility", "井盖松动", NORMAL, Spot::Common, &[
        "{yard}有个井盖松了，踩上去晃，晚上容易踩空",
        "{garage}入口的排水沟盖板断了一块，车压过去哐哐响",
    ], "更换破损井盖和盖板，加装防坠网"),
    issue("repair.public_facility", "充电桩坏了", NORMAL, Spot::Common, &[
        "{garage}的电动车充电桩扫码后不通电",
        "{garage}的新能源汽车充电桩一直显示故障",
    ], "更换充电模块并联系运营商远程复位，充电恢复正常"),
    // ── repair.structure 房屋本体 ──
    issue("repair.structure", "墙面开裂", NORMAL, Spot::Home, &[
        "{room}客厅墙面出现好几条裂缝，越来越长",
        "{room}卧室墙角裂了一条缝，担心房子有问题",
    ], "现场勘查为非结构性抹灰层裂缝，已铲除空鼓部分重新批荡并刷漆"),
    issue("repair.structure", "外墙渗水", NORMAL, Spot::Home, &[
        "{room}一下雨卧室外墙就渗水，墙纸都发霉了",
        "{room}飘窗下面渗水，下雨天地板都湿了",
    ], "高空作业对外墙裂缝注胶并刷防水涂层，淋水试验无渗漏"),
    issue("repair.structure", "顶楼漏雨", NORMAL, Spot::Estate, &[
        "{tower}顶楼一下雨就漏，楼梯间墙面全是水印",
        "{tower}顶层楼梯间天花板漏雨，墙皮都掉了",
    ], "屋面防水层局部破损，已铺设防水卷材修补，淋水试验合格"),
    issue("repair.structure", "瓷砖空鼓脱落", NORMAL, Spot::Common, &[
        "{bldg}大堂墙面瓷砖掉了一块，差点砸到人",
        "{bldg}{floor}走廊地砖空鼓翘起来了，容易绊倒",
    ], "清除空鼓瓷砖后重新铺贴，敲击检查周边瓷砖无异常"),
    issue("repair.structure", "吊顶掉落", URGENT, Spot::Indoor, &[
        "{room}天花板掉下来一块石膏板，幸好没砸到人",
        "{room}吊顶往下塌了，裂缝越来越大",
    ], "拆除松动吊顶，重新固定龙骨并更换石膏板"),
    // ── repair.fire_safety 消防设施 ──
    issue("repair.fire_safety", "烟感误报", NORMAL, Spot::Common, &[
        "{bldg}{floor}烟感半夜一直响，吵得睡不着",
        "{bldg}{floor}走廊烟感报警器一直滴滴叫",
    ], "清洁烟感探头并更换电池，测试无误报")
        .alarmed("{bldg}{floor}感烟探测器报警"),
    issue("repair.fire_safety", "消防栓漏水", NORMAL, Spot::Common, &[
        "{bldg}{floor}消防栓箱里一直在漏水",
        "{bldg}{floor}的消防栓玻璃碎了，水带也不见了",
    ], "更换消防栓阀门密封圈和箱门玻璃，补齐水带，试水无渗漏"),
    issue("repair.fire_safety", "应急灯不亮", NORMAL, Spot::Common, &[
        "{bldg}{floor}安全出口指示灯和应急灯都不亮了",
        "{garage}好几个疏散指示灯坏了",
    ], "更换应急灯电池和损坏的疏散指示灯，断电测试正常"),
    issue("repair.fire_safety", "楼道冒烟起火", EMERGENCY, Spot::Common, &[
        "{bldg}{floor}楼道里有烟，好像是电动车电瓶起火了！",
        "{garage}有很浓的烟味，看到角落在冒烟！",
    ], "秩序维护员和工程人员携灭火器到场扑灭电动车电池起火，无人员受伤，已清理现场并报消防备案")
        .alarmed("{bldg}{floor}火灾报警控制器火警"),
    issue("repair.fire_safety", "灭火器过期", NORMAL, Spot::Common, &[
        "{bldg}{floor}灭火器压力表指针在红区了，是不是过期了",
        "{bldg}{floor}的灭火器箱是空的",
    ], "更换过期灭火器并补齐缺失器材，对全楼灭火器检查登记"),
    // ── repair.weak_current 弱电网络 ──
    issue("repair.weak_current", "可视对讲坏了", NORMAL, Spot::Home, &[
        "{room}可视对讲没图像，访客按门铃也听不到",
        "{room}楼下按门铃，家里的对讲机不响",
    ], "更换室内对讲分机并检修线路，通话和开门正常"),
    issue("repair.weak_current", "监控黑屏", NORMAL, Spot::Common, &[
        "{garage}有几个监控摄像头黑屏了，车被刮了都查不到",
        "{gate}的监控好像一直是坏的",
    ], "更换故障摄像头和电源适配器，画面恢复并接入录像")
        .alarmed("{garage}监控摄像机离线"),
    issue("repair.weak_current", "网络中断", URGENT, Spot::Workplace, &[
        "{room}网络从早上开始就断了，整个公司没法办公",
        "{room}收银系统连不上网，没法收款",
    ], "排查为楼层弱电间交换机故障，已更换交换机，网络恢复"),
    issue("repair.weak_current", "有线电视没信号", NORMAL, Spot::Home, &[
        "{room}有线电视没信号，老人天天看的节目看不了",
        "{room}电视画面一直卡顿、出马赛克",
    ], "更换楼道分支器并紧固接头，信号恢复正常"),
    // ── repair.hvac 空调暖通 ──
    issue("repair.hvac", "中央空调不制冷", URGENT, Spot::Workplace, &[
        "{room}中央空调吹的都是热风，屋里快三十度了",
        "{room}空调出风口不出冷风，会议室闷得待不住",
    ], "清洗风机盘管过滤网并更换故障电动水阀，出风温度恢复正常"),
    issue("repair.hvac", "新风噪音大", NORMAL, Spot::Workplace, &[
        "{room}新风系统噪音很大，嗡嗡的影响开会",
        "{room}新风口一直有股异味",
    ], "更换新风机组磨损轴承、清洗滤网并做减震处理，噪音和异味消除"),
    issue("repair.hvac", "地暖不热", NORMAL, Spot::Home, &[
        "{room}地暖开了一整天还是冰凉的",
        "{room}地暖只有一半房间热，卧室不热",
    ], "排空分水器内空气并清洗过滤器，各回路温度恢复正常"),
    issue("repair.hvac", "空调滴水", NORMAL, Spot::Indoor, &[
        "{room}空调出风口在滴水，下面的桌子都湿了",
        "{room}空调冷凝水管漏水，墙面都湿了",
    ], "疏通堵塞的冷凝水管并更换保温层，不再滴水"),
    issue("repair.hvac", "公区空调故障", URGENT, Spot::Complex, &[
        "{bldg}{floor}公共区域一点冷风都没有，顾客都在抱怨",
        "{bldg}{floor}走廊闷热，中央空调好像停了",
    ], "更换冷却塔风机接触器并清洗冷凝器，空调机组恢复运行")
        .alarmed("{tower}空调机组高压故障"),
    // ── complaint.sanitation 环境卫生 ──
    issue("complaint.sanitation", "垃圾未及时清运", NORMAL, Spot::Common, &[
        "{bldg}楼下的垃圾桶满了两天都没人清运，臭气熏天",
        "{yard}旁边的垃圾站堆得满满的，苍蝇到处飞",
    ], "已安排保洁当天清运完毕并消毒，该点位清运频次调整为每日两次"),
    issue("complaint.sanitation", "楼道脏乱", NORMAL, Spot::Common, &[
        "{bldg}楼道好几天没人打扫了，地上都是烟头和小广告",
        "{bldg}{floor}走廊地面油乎乎的，保洁好像很久没来了",
    ], "已安排保洁全面清扫并清除小广告，加强该楼栋日常巡检"),
    issue("complaint.sanitation", "下水道异味", NORMAL, Spot::Common, &[
        "{garage}有股很大的下水道臭味，一进去就想吐",
        "{bldg}{floor}公共卫生间的臭味都飘到走廊里了",
    ], "清掏化粪井并对排水管道加装防臭地漏，异味已消除"),
    issue("complaint.sanitation", "蚊虫太多", NORMAL, Spot::Estate, &[
        "{yard}蚊子特别多，晚上根本没法在楼下待",
        "{bldg}楼道里有蟑螂，家里也开始有了",
    ], "已对绿化带、积水处和楼道进行消杀，并安排每周两次定期消杀"),
    // ── complaint.noise 噪音扰民 ──
    issue("complaint.noise", "夜间施工扰民", NORMAL, Spot::Common, &[
        "{bldg}附近晚上十一点了还在施工，电钻声吵得孩子睡不着",
        "{yard}那边半夜还在切割石材，噪音特别大",
    ], "已责令施工单位停止夜间作业，并书面告知施工时间为8:00-12:00、14:00-18:00"),
    issue("complaint.noise", "广场舞噪音", NORMAL, Spot::Estate, &[
        "{yard}的广场舞音响开得特别大，每天晚上从七点跳到九点半",
        "{yard}早上六点就有人放音乐打太极，声音很大",
    ], "已与广场舞队负责人沟通，调低音量并约定21:00前结束"),
    issue("complaint.noise", "楼上噪音", NORMAL, Spot::Home, &[
        "{room}楼上每天半夜拖桌子、小孩跑跳，严重影响休息",
        "{room}楼上凌晨一两点还在打麻将，吵得根本睡不着",
    ], "管家已上门与楼上住户沟通，对方表示会铺设地垫并注意夜间噪音"),
    issue("complaint.noise", "设备噪音大", NORMAL, Spot::Common, &[
        "{tower}楼顶的风机一直嗡嗡响，晚上特别明显",
        "{garage}的排风机噪音太大了，住低层的受不了",
    ], "对风机加装减震垫和隔音罩，并调整夜间运行时段，噪音明显下降"),
    // ── complaint.parking 停车秩序 ──
    issue("complaint.parking", "乱停车堵消防通道", NORMAL, Spot::Common, &[
        "{gate}门口总有车乱停，把路都堵了",
        "{yard}旁边的消防通道停满了车，万一着火消防车都进不来",
    ], "秩序维护部已联系车主挪车，在消防通道设置禁停标识和隔离桩，并加强巡查"),
    issue("complaint.parking", "车位被占用", NORMAL, Spot::Parking, &[
        "{room}是租的固定车位，经常被别的车占着",
        "{room}车位又被一辆白色轿车占了，联系不上车主",
    ], "已联系占位车主挪车并登记，车位已加装地锁"),
    issue("complaint.parking", "产权车位被占", NORMAL, Spot::Estate, &[
        "{garage}自家的产权车位又被别人的车占了",
        "{garage}有辆车长期停在别人车位上，好几天都不挪",
    ], "已张贴挪车通知并联系车主挪车，对长期占位车辆登记备案"),
    issue("complaint.parking", "停车收费不合理", NORMAL, Spot::Common, &[
        "{garage}临时停车收费突然涨了，也没看到公示",
        "在{garage}停了二十分钟就收了十块钱，收费太离谱",
    ], "已向车主解释收费依据（物价部门备案标准），并在入口处张贴收费公示"),
    // ── complaint.security 安全秩序 ──
    issue("complaint.security", "陌生人随意进出", NORMAL, Spot::Estate, &[
        "最近{bldg}经常有陌生人进来发小广告，门岗也不拦",
        "{gate}的保安不查验，外卖快递随便进",
    ], "已加强门岗登记制度，外来人员一律登记核实，并增加楼栋巡查频次"),
    issue("complaint.security", "电动车被盗", NORMAL, Spot::Common, &[
        "{garage}停的电动车被偷了，调监控还推三阻四",
        "放在{garage}的自行车不见了，物业说监控看不清",
    ], "已协助调取监控并报派出所，同时增加地库夜间巡逻"),
    issue("complaint.security", "夜间巡逻不到位", NORMAL, Spot::Common, &[
        "晚上{yard}一个保安都看不到，感觉很不安全",
        "半夜{gate}岗亭没人，保安在睡觉",
    ], "已调整夜间巡逻路线和频次，巡更点改为每小时一次，并对值班人员进行考核"),
    issue("complaint.security", "写字楼闸机形同虚设", NORMAL, Spot::Complex, &[
        "{gate}的保安不查验，谁都能上写字楼",
        "{bldg}{floor}最近总有推销人员挨个敲门",
    ], "已要求大堂岗严格查验访客登记，推销人员一律劝离"),
    // ── complaint.neighbor 邻里纠纷 ──
    issue("complaint.neighbor", "宠物扰民", NORMAL, Spot::Home, &[
        "{room}隔壁家的狗天天叫，白天晚上都叫",
        "{room}对门养的猫经常跑到楼道里随地大小便",
    ], "管家已上门与养宠住户沟通，对方承诺看管好宠物，并在楼栋张贴文明养宠提示"),
    issue("complaint.neighbor", "高空抛物", URGENT, Spot::Estate, &[
        "{bldg}楼下又发现从楼上扔下来的垃圾袋，差点砸到人",
        "{bldg}有人从楼上往下扔烟头，晾的衣服都被烫了个洞",
    ], "已调取高空抛物监控锁定楼层并上门劝导，同时在楼栋张贴警示"),
    issue("complaint.neighbor", "楼道堆放杂物", NORMAL, Spot::Common, &[
        "{bldg}{floor}有住户把鞋柜、纸箱堆在楼道里，消防通道都堵了",
        "{bldg}{floor}有人在楼道里停电动车充电，太危险了",
    ], "管家上门沟通，住户已清理楼道杂物，电动车已移至集中充电区"),
    issue("complaint.neighbor", "楼上漏水不配合", NORMAL, Spot::Home, &[
        "{room}被楼上漏水泡了，楼上不开门也不配合维修",
        "{room}天花板渗水是楼上造成的，楼上一直推脱不管",
    ], "管家多次上门协调，楼上住户已同意进户维修，赔偿事宜双方协商一致"),
    // ── complaint.renovation 装修违规 ──
    issue("complaint.renovation", "违规时间装修", NORMAL, Spot::Common, &[
        "{bldg}有户人家周末早上七点就开始砸墙",
        "{bldg}{floor}中午午休时间还在打电钻",
    ], "已通知该户装修队严格遵守施工时间，并按装修协议扣除部分违规保证金"),
    issue("complaint.renovation", "疑似拆承重墙", URGENT, Spot::Home, &[
        "{room}楼上装修好像在拆承重墙，整栋楼都在震",
        "{room}楼上装修把阳台墙砸了，担心影响房屋安全",
    ], "工程部到场核查并责令停工，要求装修户出具设计院方案，恢复原状后方可复工"),
    issue("complaint.renovation", "装修垃圾乱堆", NORMAL, Spot::Common, &[
        "{bldg}{floor}楼道堆满了装修垃圾，好几天了都不清",
        "{bldg}楼下空地被装修垃圾占了一大片，灰尘满天飞",
    ], "已责令装修户当天将装修垃圾清运至指定堆放点"),
    issue("complaint.renovation", "商户装修异味", NORMAL, Spot::Complex, &[
        "{bldg}{floor}有商户在装修，油漆味很大，熏得头疼",
        "{bldg}{floor}隔壁装修粉尘都飘进来了，也不做防护",
    ], "要求装修商户改为夜间施工、加装围挡并加强通风，已核查环保材料证明"),
    // ── complaint.staff_conduct 服务态度 ──
    issue("complaint.staff_conduct", "客服态度差", NORMAL, Spot::Nowhere, &[
        "打电话到物业客服，接电话的人态度很差，说两句就挂电话",
        "到前台办事，工作人员一直在玩手机，爱答不理",
    ], "主管已约谈当事员工并进行服务礼仪和话术培训，并向投诉人电话致歉"),
    issue("complaint.staff_conduct", "推诿扯皮", NORMAL, Spot::Nowhere, &[
        "报修了三次都说不归物业管，让找开发商，开发商又让找物业",
        "问题反映了好几次，每次都说会上报，然后就没下文了",
    ], "项目经理牵头明确责任，由物业先行处理，相关费用后续与开发商协调"),
    issue("complaint.staff_conduct", "服务电话打不通", NORMAL, Spot::Nowhere, &[
        "物业服务电话一直打不通，晚上有急事找不到人",
        "客服热线打了十几遍都没人接",
    ], "经核实为夜间值班电话转接故障，已修复并重新公示24小时值班电话"),
    issue("complaint.staff_conduct", "承诺未兑现", NORMAL, Spot::Nowhere, &[
        "上次说一周内处理，到现在一个月了还没人来",
        "管家答应当天回电话，结果等了三天也没消息",
    ], "主管核实后向投诉人致歉，已安排专人跟进并限期完成"),
    // ── complaint.fee 收费争议 ──
    issue("complaint.fee", "物业费上涨", NORMAL, Spot::Household, &[
        "今年物业费怎么涨了，也没开业主大会，服务也没见变好",
        "物业费涨价没有提前公示，要求说明依据",
    ], "已向投诉人出示物业费调价备案文件及业主大会表决结果，并逐项解释服务内容"),
    issue("complaint.fee", "公摊水电太高", NORMAL, Spot::Nowhere, &[
        "这个月公摊水电费比上个月高了一倍，要求公开明细",
        "公摊电费每个月都在涨，到底摊的是什么",
    ], "已在公告栏和App公示本月公摊水电明细，系地库排风设备检修后运行时长增加所致"),
    issue("complaint.fee", "停车费重复扣款", NORMAL, Spot::Nowhere, &[
        "月卡续费以后又被扣了一次临停费",
        "出车库的时候被扣了两次停车费",
    ], "核实为车牌识别系统未同步月卡信息，已原路退还多收费用"),
    // ── complaint.greening 绿化养护 ──
    issue("complaint.greening", "树木遮挡采光", NORMAL, Spot::Home, &[
        "{room}窗前的树长得太高了，家里白天都要开灯",
        "{room}楼下的树枝都伸到阳台上了，招虫子",
    ], "已安排绿化组对窗前树木进行修剪，采光恢复"),
    issue("complaint.greening", "草坪枯黄", NORMAL, Spot::Estate, &[
        "{yard}的草坪枯了一大片，好久没人浇水",
        "{yard}的绿化带杂草比人还高，没人修剪",
    ], "已清除杂草、补种草皮并调整浇灌计划"),
    issue("complaint.greening", "树上虫子多", NORMAL, Spot::Common, &[
        "{yard}的树上好多毛毛虫，掉到人身上",
        "{yard}的花坛生了好多蚜虫，花都死了",
    ], "已对树木和花坛喷洒药物杀虫，喷药期间设置了提示牌"),
    issue("complaint.greening", "绿化带被占种菜", NORMAL, Spot::Estate, &[
        "{bldg}楼下的绿化带被人挖了种菜，还浇粪水",
        "{yard}有人把公共绿地围起来种菜",
    ], "已与相关住户沟通清理菜地，并恢复绿化"),
    // ── complaint.repair_quality 维修质量 ──
    issue("complaint.repair_quality", "修了又坏", NORMAL, Spot::Indoor, &[
        "{room}上周刚修好的水管又漏了，修了跟没修一样",
        "{room}的门禁对讲修了两次还是不好用",
    ], "工程主管带队复查，彻底更换老化部件，并对原维修人员进行考核"),
    issue("complaint.repair_quality", "维修人员未到", NORMAL, Spot::Indoor, &[
        "约好今天上午到{room}维修，等了一上午都没人来，电话也不接",
        "{room}报修说两小时上门，等到晚上也没见人",
    ], "经核实为派单遗漏，已当天安排上门处理并向业主致歉"),
    issue("complaint.repair_quality", "维修拖了太久", NORMAL, Spot::Common, &[
        "{bldg}电梯报修一个星期了还没修好",
        "{gate}的道闸坏了半个月，每天都要人工抬杆",
    ], "已督促维保单位限期修复，并对超时情况进行通报考核"),
    issue("complaint.repair_quality", "维修后不清理", NORMAL, Spot::Indoor, &[
        "{room}师傅修完空调没清理，地上全是灰和碎渣",
        "{room}换完水管墙面凿得乱七八糟，也不修补",
    ], "已安排保洁上门清理，并对维修人员进行文明施工培训"),
    // ── inquiry.fee 缴费咨询 ──
    issue("inquiry.fee", "物业费缴纳方式", NORMAL, Spot::Nowhere, &[
        "物业费可以在手机上交吗？一年交一次有没有优惠",
        "物业费怎么交？能用支付宝吗",
    ], "您好，物业费可在管家App或“锦程物业”微信公众号在线缴纳，支持微信和支付宝；一次性缴纳全年可享9.5折。"),
    issue("inquiry.fee", "补开发票", NORMAL, Spot::Nowhere, &[
        "去年交的物业费能补开电子发票吗",
        "公司报销需要物业费发票，怎么开",
    ], "您好，可在App“缴费记录”中申请电子发票，填写抬头和税号后1个工作日内发送到您的邮箱。"),
    issue("inquiry.fee", "欠费查询", NORMAL, Spot::Indoor, &[
        "想查一下{room}还欠多少物业费",
        "收到{room}的欠费提醒，想确认一下是哪个月的",
    ], "您好，已为您查询：该户目前欠缴本季度物业费，可在App“我的账单”中查看明细并在线缴纳。"),
    // ── inquiry.parking 停车咨询 ──
    issue("inquiry.parking", "停车月卡办理", NORMAL, Spot::Nowhere, &[
        "想办个地库停车月卡，需要带什么材料，多少钱一个月",
        "停车月卡到期了，怎么续费",
    ], "您好，携带行驶证和身份证到物业服务中心即可办理，地面月卡150元/月，地库月卡300元/月，续费可在App线上办理。"),
    issue("inquiry.parking", "访客车辆登记", NORMAL, Spot::Nowhere, &[
        "朋友开车过来，访客车辆能进来吗？怎么登记",
        "家里来客人，车能停多久不收费",
    ], "您好，可在App“访客邀请”中提前登记车牌，访客车辆2小时内免费，超出按临停标准收费。"),
    issue("inquiry.parking", "车位租售", NORMAL, Spot::Nowhere, &[
        "还有车位出售或者出租吗",
        "想租一个固定车位，现在还有空的吗",
    ], "您好，目前地下车位尚有少量可租，月租400元，需要的话可到服务中心登记排号。"),
    // ── inquiry.renovation 装修咨询 ──
    issue("inquiry.renovation", "装修办理流程", NORMAL, Spot::Nowhere, &[
        "准备装修，需要办哪些手续？押金多少",
        "房子要重新装修一下，要先找物业报备吗",
    ], "您好，装修前需携带房产证明、装修方案和施工队资质到服务中心办理报备，装修押金3000元，验收合格后退还。"),
    issue("inquiry.renovation", "装修施工时间", NORMAL, Spot::Nowhere, &[
        "装修施工时间是几点到几点？周末能干活吗",
        "周末可以打电钻吗",
    ], "您好，施工时间为工作日8:00-12:00、14:00-18:00，周末及法定节假日禁止产生噪音的施工。"),
    issue("inquiry.renovation", "装修垃圾清运", NORMAL, Spot::Nowhere, &[
        "装修垃圾要自己运走还是物业统一清运，怎么收费",
        "装修垃圾可以堆在楼下吗",
    ], "您好，装修垃圾需袋装后堆放到指定堆放点，由物业统一清运，清运费按套内面积每平方米3元收取。"),
    // ── inquiry.access 门禁出入 ──
    issue("inquiry.access", "门禁卡怎么办", NORMAL, Spot::Nowhere, &[
        "新搬来的，门禁卡在哪里办，要多少钱",
        "门禁卡消磁了，可以重新激活吗",
    ], "您好，请携带身份证到物业服务中心办理，首张免费，补办20元/张；消磁的卡可现场免费重新写卡。"),
    issue("inquiry.access", "人脸录入", NORMAL, Spot::Nowhere, &[
        "家里老人想录人脸，可以线上录吗",
        "人脸识别怎么添加家庭成员",
    ], "您好，业主可在App“门禁管理-家庭成员”中为家人上传照片，审核通过后即可刷脸通行。"),
    issue("inquiry.access", "保姆访客通行", NORMAL, Spot::Household, &[
        "家里请了保姆，怎么给她开通门禁",
        "装修工人每天进出，需要办什么证",
    ], "您好，保姆可由业主在App中添加为临时成员并设置有效期；装修工人需办理装修出入证。"),
    // ── inquiry.delivery 快递代收 ──
    issue("inquiry.delivery", "快递柜满了", NORMAL, Spot::Nowhere, &[
        "快递柜都满了，快递员说只能放驿站，驿站在哪",
        "快递柜的取件码过期了怎么办",
    ], "您好，快递驿站位于北门商业街3号，营业时间8:00-21:00；取件码过期可联系快递柜客服重新获取。"),
    issue("inquiry.delivery", "前台代收快递", NORMAL, Spot::Nowhere, &[
        "出差一周，快递可以放物业前台代收吗",
        "生鲜快递能先放前台冰柜吗",
    ], "您好，服务中心可代收小件快递并短信通知，保管期7天；生鲜快递可暂存冷柜，请当天领取。"),
    issue("inquiry.delivery", "大件送货", NORMAL, Spot::Household, &[
        "买了大件家具，送货车能开进来吗",
        "送货要用货梯，需要提前预约吗",
    ], "您好，送货车辆需提前在App登记车牌，大件搬运请提前一天预约货梯，我们会安排电梯保护。"),
    // ── inquiry.policy 规章通知 ──
    issue("inquiry.policy", "停水停电通知", NORMAL, Spot::Nowhere, &[
        "听说这周要停水，具体是哪天几点",
        "明天是不是要停电检修？几点恢复",
    ], "您好，本周四9:00-15:00因二次供水水箱清洗停水，已在App和各单元公告栏发布通知，请提前储水。"),
    issue("inquiry.policy", "管理规约", NORMAL, Spot::Household, &[
        "阳台可以封吗？有什么规定",
        "可以在楼顶装太阳能热水器吗",
    ], "您好，依据管理规约，封阳台须采用统一款式并报备，楼顶属于公共区域，不允许私自安装设施。"),
    issue("inquiry.policy", "电梯年检停梯", NORMAL, Spot::Nowhere, &[
        "电梯年检的公告说什么时候停梯",
        "电梯维保停梯要停多久",
    ], "您好，电梯年检安排在下周二，每部电梯停梯约2小时，同一单元的两部电梯会错开检测。"),
    // ── inquiry.other 其他咨询 ──
    issue("inquiry.other", "家政服务推荐", NORMAL, Spot::Household, &[
        "有没有靠谱的家政保洁可以推荐",
        "能帮忙找个钟点工吗",
    ], "您好，服务中心有合作的家政公司，可在App“有偿服务”中预约，价格和评价都可以查看。"),
    issue("inquiry.other", "服务中心工作时间", NORMAL, Spot::Nowhere, &[
        "物业办公室周末上班吗",
        "服务中心几点下班",
    ], "您好，服务中心每天8:30-18:00办公，周末正常上班；夜间紧急情况请拨打24小时值班电话。"),
    issue("inquiry.other", "公共设施开放时间", NORMAL, Spot::Household, &[
        "游泳池什么时候开放",
        "会所健身房怎么办卡",
    ], "您好，游泳池每年6月至9月开放，会所健身房凭业主卡免费使用，开放时间6:00-22:00。"),
    // ── service.renovation_permit 装修登记 ──
    issue("service.renovation_permit", "装修报备", NORMAL, Spot::Indoor, &[
        "{room}下个月开始装修，想办理装修报备",
        "{room}准备局部翻新厨房卫生间，申请装修登记",
    ], "已审核装修方案并办理装修许可证，收取装修押金，出入证已发放给装修负责人"),
    issue("service.renovation_permit", "装修出入证", NORMAL, Spot::Indoor, &[
        "{room}装修工人需要办出入证，一共4个人",
        "{room}装修队换人了，需要补办两张出入证",
    ], "已核对施工人员身份证并办理装修出入证，有效期至装修结束"),
    // ── service.access_card 门禁卡办理 ──
    issue("service.access_card", "补办门禁卡", NORMAL, Spot::Indoor, &[
        "{room}门禁卡丢了，想补办一张",
        "{room}门禁卡坏了刷不了，申请换卡",
    ], "已核验身份并补办门禁卡，原卡已注销"),
    issue("service.access_card", "新办门禁卡", NORMAL, Spot::Home, &[
        "{room}家里新来了保姆，需要办一张门禁卡",
        "{room}孩子放假回来住，想再办一张门禁卡",
    ], "已为该户新办门禁卡一张并登记使用人"),
    issue("service.access_card", "人脸录入", NORMAL, Spot::Home, &[
        "{room}给家里老人录入人脸，老人不会用手机",
        "{room}申请给家人开通刷脸进门",
    ], "管家已上门为家庭成员采集人脸并开通通行权限"),
    issue("service.access_card", "员工通行卡", NORMAL, Spot::Workplace, &[
        "{room}公司新入职5名员工，需要办理大楼通行卡",
        "{room}有两名员工离职，申请注销通行卡并新办两张",
    ], "已按名单办理员工通行卡并开通对应楼层权限，离职人员卡已注销"),
    // ── service.paid_home 有偿服务 ──
    issue("service.paid_home", "开锁服务", URGENT, Spot::Home, &[
        "{room}钥匙锁在家里了，麻烦派个开锁师傅",
        "{room}指纹锁没电了打不开，人在门口进不去",
    ], "核验身份后为业主开锁，按有偿服务价目收取服务费"),
    issue("service.paid_home", "空调清洗", NORMAL, Spot::Home, &[
        "{room}想预约空调清洗，两台挂机一台柜机",
        "{room}夏天快到了，想约个师傅清洗空调",
    ], "已上门完成空调深度清洗，按价目表收费并开具收据"),
    issue("service.paid_home", "户内小修", NORMAL, Spot::Indoor, &[
        "{room}水龙头坏了，想请物业师傅有偿上门换一个",
        "{room}想请师傅帮忙装几个灯具和一个晾衣架",
    ], "已上门完成更换安装并试用正常，按有偿服务价目收费"),
    // ── service.move 搬家放行 ──
    issue("service.move", "搬出放行", NORMAL, Spot::Indoor, &[
        "{room}周六上午搬家，需要开放行条",
        "{room}租客要搬走，申请物品放行",
    ], "已核实业主身份及费用结清情况，开具放行条并通知门岗放行"),
    issue("service.move", "搬入登记", NORMAL, Spot::Home, &[
        "{room}下周三搬进来，货车能进吗，需要提前登记吗",
        "{room}周末搬家入住，想预约电梯保护",
    ], "已登记搬入时间，安排电梯保护和货车临时通行"),
    issue("service.move", "商户撤场放行", NORMAL, Spot::Shop, &[
        "{room}合同到期撤场，需要办理物品放行",
        "{room}要把旧货架运出去，申请夜间放行",
    ], "已核对撤场手续及费用结清情况，安排夜间货梯和放行"),
    // ── suggestion.general 建议 ──
    issue("suggestion.general", "增加充电桩", NORMAL, Spot::Common, &[
        "建议在{garage}多装一些电动车充电桩，现在根本抢不到",
        "{garage}新能源车越来越多了，建议增加汽车充电桩",
    ], "建议已采纳，已规划在{garage}新增20个充电桩，预计下月底完工"),
    issue("suggestion.general", "增设休息座椅", NORMAL, Spot::Estate, &[
        "建议在{yard}增加几张长椅，老人散步走累了没地方坐",
        "{yard}夏天太晒了，建议加个遮阳棚",
    ], "建议已采纳，已采购户外长椅和遮阳设施并安装到位"),
    issue("suggestion.general", "通知线上推送", NORMAL, Spot::Nowhere, &[
        "建议停水停电通知除了贴公告，也在App上推送一下",
        "建议每个月在App上公示一下物业费的使用情况",
    ], "建议已采纳，今后计划性停水停电通知和月度收支公示将同步在App推送"),
    issue("suggestion.general", "增加快递柜", NORMAL, Spot::Common, &[
        "建议在{gate}附近增加一组快递柜",
        "建议{gate}设一个外卖存放架，外卖员就不用进来了",
    ], "已与运营方评估，因场地限制暂不采纳，改为延长驿站营业时间并增设外卖架"),
    issue("suggestion.general", "增设母婴室", NORMAL, Spot::Complex, &[
        "建议{bldg}增设一个母婴室，带孩子来很不方便",
        "建议{bldg}{floor}增加几个手机充电宝租借点",
    ], "建议已采纳，已纳入下季度公区改造计划"),
    // ── praise.general 表扬 ──
    issue("praise.general", "表扬维修师傅", NORMAL, Spot::Nowhere, &[
        "{tech}师傅上门修水管特别认真，修完还把地拖干净了，必须表扬",
        "大半夜{tech}师傅十几分钟就赶到了，把问题处理得很好",
    ], "已在项目周例会上通报表扬{tech}，并计入本月考核加分"),
    issue("praise.general", "表扬管家", NORMAL, Spot::Household, &[
        "{clerk}特别负责，家里老人生病时帮忙叫了救护车，非常感谢",
        "{clerk}办事效率很高，问题当天就给解决了",
    ], "已转达感谢，{clerk}获评本月服务之星"),
    issue("praise.general", "表扬保安", NORMAL, Spot::Common, &[
        "{gate}的保安大哥帮忙把摔倒的老人扶起来，还送回了家",
        "{gate}的保安捡到钱包，第一时间联系了失主",
    ], "已对当班秩序维护员通报表扬并给予奖励"),
    issue("praise.general", "表扬保洁阿姨", NORMAL, Spot::Estate, &[
        "{bldg}的保洁阿姨每天把楼道打扫得干干净净，给她点赞",
        "{yard}的保洁阿姨下雨天还在清理落叶，太辛苦了",
    ], "已转达表扬，保洁部在班前会上通报表扬"),
];
