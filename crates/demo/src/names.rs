//! Chinese names and mainland mobile numbers for the demo's people.
//!
//! Names are a common surname plus a given name from curated lists (so they read like real
//! people, not random characters); each full name is used once, so that a demo never shows
//! two different 王伟 and nobody has to ask "which one?". Phones are unique across residents,
//! staff and callers because the product matches callers by phone.

use std::collections::HashSet;

use rand::rngs::StdRng;

use crate::dice::{between, chance, pick, weighted};

/// Surnames, most common first; the first ones are drawn more often, as in real life.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史",
    "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔",
];

const MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "鹏", "辉", "建国", "建华",
    "建军", "志强", "志明", "志刚", "国强", "国华", "海涛", "海波", "晓东", "晓明", "晓峰", "文杰",
    "文斌", "俊杰", "浩然", "子轩", "宇航", "一鸣", "嘉豪", "明辉", "永刚", "学军", "立新", "振华",
    "德明", "伟东", "家豪", "思远", "天宇", "博文", "宏伟", "俊峰", "云飞", "春生", "长青", "昊天",
    "梓豪", "睿", "旭东", "卫东", "国平", "新民", "少华", "金龙", "永强",
];

const FEMALE: &[&str] = &[
    "芳", "静", "敏", "丽", "娟", "艳", "婷", "洁", "秀英", "桂兰", "玉兰", "秀珍", "美玲", "丽华",
    "晓燕", "晓红", "海燕", "春梅", "雪梅", "淑芬", "慧敏", "丽娟", "婷婷", "欣怡", "诗涵", "雨涵",
    "梓萱", "佳怡", "思雨", "雅琴", "凤英", "秀兰", "红霞", "晓丽", "文静", "佳慧", "梦瑶", "嘉欣",
    "玉婷", "子涵", "可馨", "雨桐", "欣然", "静怡", "丹丹", "莉莉", "晓雯", "淑华", "美华", "若琳",
    "心怡", "雪", "颖", "倩", "琳", "萍", "燕", "慧", "晓梅", "秀芳",
];

/// Mobile prefixes of the three carriers, so numbers look like ones people really have.
const PREFIXES: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "158", "159", "186", "187", "188", "177",
    "181", "189", "133",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

impl Gender {
    pub(crate) fn any(rng: &mut StdRng) -> Self {
        if chance(rng, 0.5) {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    pub(crate) fn other(self) -> Self {
        match self {
            Gender::Male => Gender::Female,
            Gender::Female => Gender::Male,
        }
    }

    /// The polite form of address after a surname: 王先生, 李女士.
    fn title(self) -> &'static str {
        match self {
            Gender::Male => "先生",
            Gender::Female => "女士",
        }
    }
}

/// The names and phones handed out so far, so that each is handed out once.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    names: HashSet<String>,
    phones: HashSet<String>,
}

impl Registry {
    /// A new full name; `surname` keeps a child's family name.
    pub(crate) fn person(
        &mut self,
        rng: &mut StdRng,
        gender: Gender,
        surname: Option<&str>,
    ) -> String {
        loop {
            let family = match surname {
                Some(s) => s,
                None => surname_by_frequency(rng),
            };
            let given = pick(rng, if gender == Gender::Male { MALE } else { FEMALE });
            let name = format!("{family}{given}");
            if self.names.insert(name.clone()) {
                return name;
            }
        }
    }

    /// A new 11-digit mainland mobile number.
    pub(crate) fn phone(&mut self, rng: &mut StdRng) -> String {
        loop {
            let phone = format!("{}{:08}", pick(rng, PREFIXES), between(rng, 0, 99_999_999));
            if self.phones.insert(phone.clone()) {
                return phone;
            }
        }
    }
}

/// How a caller who is not on file is noted: 王先生, 李女士.
pub(crate) fn caller(rng: &mut StdRng) -> String {
    let gender = Gender::any(rng);
    format!("{}{}", surname_by_frequency(rng), gender.title())
}

/// The surname of a full name (all our surnames are one character).
pub(crate) fn surname_of(name: &str) -> &str {
    let end = name.chars().next().map_or(0, char::len_utf8);
    &name[..end]
}

fn surname_by_frequency(rng: &mut StdRng) -> &'static str {
    let ranked: Vec<(usize, &str)> = SURNAMES.iter().copied().enumerate().collect();
    weighted(rng, &ranked, |(rank, _)| match rank {
        0..10 => 6,
        10..30 => 3,
        _ => 1,
    })
    .1
}
