//! The service taxonomy: kinds, urgency, channels and the default category tree (taxonomy.md).

use crate::code::code_enum;

code_enum! {
    /// 工单类型: what a ticket is about. Fixed: rules depend on it.
    pub enum Kind ("kind") {
        Repair = "repair",
        Complaint = "complaint",
        Inquiry = "inquiry",
        Service = "service",
        Suggestion = "suggestion",
        Praise = "praise",
    }
}

code_enum! {
    /// 紧急程度.
    pub enum Urgency ("urgency") {
        Emergency = "emergency",
        Urgent = "urgent",
        Normal = "normal",
    }
}

code_enum! {
    /// 渠道: where a request came in.
    pub enum Channel ("channel") {
        App = "app",
        Wechat = "wechat",
        Phone = "phone",
        FrontDesk = "front_desk",
        Email = "email",
        Hotline12345 = "hotline_12345",
        Iot = "iot",
        Web = "web",
    }
}

impl Channel {
    /// The channels a resident reaches us on by themselves, online (线上), as against a call,
    /// a visit to the desk, a government transfer or a machine's alarm.
    pub fn is_online(self) -> bool {
        matches!(
            self,
            Channel::App | Channel::Wechat | Channel::Email | Channel::Web
        )
    }

    /// A 12345 government-hotline transfer is a complaint that already went over our heads.
    pub fn carries_escalation_risk(self) -> bool {
        self == Channel::Hotline12345
    }

    /// A machine's report (an IoT alarm) is received by no person: the first desk member who
    /// handles it becomes its first-contact owner, not whoever's credentials delivered it.
    pub fn received_by_machine(self) -> bool {
        self == Channel::Iot
    }
}

impl Kind {
    /// Labels shown in the UI, zh-CN then en.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Kind::Repair => ("报修", "Repair"),
            Kind::Complaint => ("投诉", "Complaint"),
            Kind::Inquiry => ("咨询", "Inquiry"),
            Kind::Service => ("服务申请", "Service request"),
            Kind::Suggestion => ("建议", "Suggestion"),
            Kind::Praise => ("表扬", "Praise"),
        }
    }
}

/// One entry of the default category tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultCategory {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

impl DefaultCategory {
    /// The kind this category belongs to: the code's prefix.
    pub fn kind(&self) -> Kind {
        category_kind(self.code).expect("default categories are well-formed")
    }
}

/// The kind named by a category code's prefix (`repair.water` → repair), if the code is well-formed.
pub fn category_kind(code: &str) -> Option<Kind> {
    let (prefix, rest) = code.split_once('.')?;
    let well_formed = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if well_formed {
        prefix.parse().ok()
    } else {
        None
    }
}

/// The categories a fresh installation ships with. Codes are stable; labels are editable.
pub const DEFAULT_CATEGORIES: &[DefaultCategory] = &[
    c("repair.water", "给排水", "Water and drainage"),
    c("repair.electric", "电气照明", "Electrical and lighting"),
    c("repair.gas", "燃气", "Gas"),
    c("repair.elevator", "电梯", "Elevator"),
    c(
        "repair.door_access",
        "门禁门窗",
        "Doors, windows and access",
    ),
    c("repair.public_facility", "公共设施", "Public facilities"),
    c("repair.structure", "房屋本体", "Building structure"),
    c("repair.fire_safety", "消防设施", "Fire safety"),
    c("repair.weak_current", "弱电网络", "Low-voltage and network"),
    c("repair.hvac", "空调暖通", "HVAC"),
    c("complaint.sanitation", "环境卫生", "Sanitation"),
    c("complaint.noise", "噪音扰民", "Noise"),
    c("complaint.parking", "停车秩序", "Parking"),
    c("complaint.security", "安全秩序", "Security"),
    c("complaint.neighbor", "邻里纠纷", "Neighbour disputes"),
    c("complaint.renovation", "装修违规", "Renovation violations"),
    c("complaint.staff_conduct", "服务态度", "Staff conduct"),
    c("complaint.fee", "收费争议", "Fee disputes"),
    c("complaint.greening", "绿化养护", "Greening"),
    c("complaint.repair_quality", "维修质量", "Repair quality"),
    c("inquiry.fee", "缴费咨询", "Fees"),
    c("inquiry.parking", "停车咨询", "Parking"),
    c("inquiry.renovation", "装修咨询", "Renovation"),
    c("inquiry.access", "门禁出入", "Access"),
    c("inquiry.delivery", "快递代收", "Deliveries"),
    c("inquiry.policy", "规章通知", "Rules and notices"),
    c("inquiry.other", "其他咨询", "Other questions"),
    c("service.renovation_permit", "装修登记", "Renovation permit"),
    c("service.access_card", "门禁卡办理", "Access card"),
    c("service.paid_home", "有偿服务", "Paid home service"),
    c("service.move", "搬家放行", "Moving pass"),
    c("suggestion.general", "建议", "Suggestion"),
    c("praise.general", "表扬", "Praise"),
];

const fn c(code: &'static str, label_zh: &'static str, label_en: &'static str) -> DefaultCategory {
    DefaultCategory {
        code,
        label_zh,
        label_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_category_is_prefixed_by_a_kind_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for category in DEFAULT_CATEGORIES {
            assert!(category_kind(category.code).is_some(), "{}", category.code);
            assert!(seen.insert(category.code), "duplicate {}", category.code);
        }
        for kind in Kind::ALL {
            assert!(
                DEFAULT_CATEGORIES.iter().any(|c| c.kind() == *kind),
                "{kind} has no category"
            );
        }
    }

    #[test]
    fn category_codes_must_be_kind_dot_ascii() {
        assert_eq!(category_kind("repair.water"), Some(Kind::Repair));
        assert_eq!(category_kind("repair."), None);
        assert_eq!(category_kind("leak.water"), None);
        assert_eq!(category_kind("repair.Water"), None);
        assert_eq!(category_kind("repair.水"), None);
        assert_eq!(category_kind("repair"), None);
    }

    #[test]
    fn codes_round_trip() {
        for channel in Channel::ALL {
            assert_eq!(channel.as_str().parse::<Channel>(), Ok(*channel));
        }
        assert!("sms".parse::<Channel>().is_err());
    }
}
