//! The demo company's two sites: a residential community and a commercial complex.
//!
//! Real sites have thousands of rooms; a demo needs enough to look real but few enough to
//! insert in seconds, so each building keeps a sample of its rooms (a few hundred in all),
//! numbered the way Chinese property managers number them.

use std::collections::BTreeSet;

use rand::rngs::StdRng;

use crate::dice::between;
use crate::{DemoBuilding, DemoProject, DemoRoom};

/// Flats sampled per unit of the residential community.
const FLATS_PER_UNIT: usize = 5;
const OFFICES: usize = 18;
const SHOPS: usize = 24;
const PARKING_SPACES: usize = 30;

/// The projects with their buildings and (still empty) rooms; `people` moves the households in.
pub(crate) fn projects(rng: &mut StdRng) -> Vec<DemoProject> {
    vec![
        DemoProject {
            key: "p1".into(),
            code: "cuihu".into(),
            name: "锦程·翠湖花园".into(),
            kind: "residential",
            address: "浙江省杭州市余杭区五常街道翠湖路188号".into(),
            time_zone: "Asia/Shanghai",
            buildings: (1..=10).map(|n| residential_building(rng, n)).collect(),
        },
        DemoProject {
            key: "p2".into(),
            code: "jc-center".into(),
            name: "锦程中心".into(),
            kind: "commercial",
            address: "浙江省杭州市余杭区文一西路1288号".into(),
            time_zone: "Asia/Shanghai",
            buildings: vec![office_tower(rng), mall(rng), car_park(rng)],
        },
    ]
}

/// Well-known spots of a project's common areas, named the way residents name them.
pub(crate) struct Landmarks {
    pub gates: &'static [&'static str],
    pub garages: &'static [&'static str],
    pub yards: &'static [&'static str],
}

pub(crate) fn landmarks(project_kind: &str) -> Landmarks {
    if project_kind == "residential" {
        Landmarks {
            gates: &["小区东门", "小区南门", "小区北门"],
            garages: &["地下车库", "地下车库B区", "地下车库入口"],
            yards: &["中心花园", "儿童游乐区", "小区主干道", "人工湖边"],
        }
    } else {
        Landmarks {
            gates: &["A座大堂闸机", "北广场入口", "商场东门"],
            garages: &["地下停车场B1层", "地下停车场B2层"],
            yards: &["中庭广场", "北广场", "屋顶花园"],
        }
    }
}

/// `n栋`: buildings 1–4 are low-rise 洋房 with big flats, 5–10 high-rises. Each floor of a unit
/// has two flats; unit 1 numbers them 01–02 and unit 2 03–04, so a number is unique per building.
fn residential_building(rng: &mut StdRng, n: u32) -> DemoBuilding {
    let (top, big, small) = match n {
        1..=4 => (11, 143.2, 118.5),
        5..=8 => (18, 128.6, 89.7),
        _ => (26, 128.6, 89.7),
    };
    let key = format!("p1-b{n}");
    let units = vec!["1单元".to_string(), "2单元".to_string()];
    let mut rooms = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let flats = sample(rng, FLATS_PER_UNIT, |rng| {
            (between(rng, 2, top), between(rng, 1, 2))
        });
        for (floor, flat) in flats {
            let flat = flat + 2 * u as i64;
            let number = format!("{floor}{flat:02}");
            let area = if flat == 1 || flat == 4 { big } else { small };
            rooms.push(room(
                &key,
                Some(unit),
                number,
                "residential",
                floor as i32,
                area,
            ));
        }
    }
    DemoBuilding {
        key,
        name: format!("{n}栋"),
        units,
        rooms,
    }
}

/// `A座`: 28 floors, offices from the 5th; `1205` is room 05 of the 12th floor.
fn office_tower(rng: &mut StdRng) -> DemoBuilding {
    let key = "p2-a".to_string();
    let rooms = sample(rng, OFFICES, |rng| {
        (between(rng, 5, 28), between(rng, 1, 12))
    })
    .into_iter()
    .map(|(floor, n)| {
        let area = between(rng, 1200, 6800) as f64 / 10.0;
        room(
            &key,
            None,
            format!("{floor}{n:02}"),
            "office",
            floor as i32,
            area,
        )
    })
    .collect();
    DemoBuilding {
        key,
        name: "A座".into(),
        units: Vec::new(),
        rooms,
    }
}

/// `商场`: four floors of shops, `L2-15` being shop 15 on level 2.
fn mall(rng: &mut StdRng) -> DemoBuilding {
    let key = "p2-mall".to_string();
    let rooms = sample(rng, SHOPS, |rng| (between(rng, 1, 4), between(rng, 1, 30)))
        .into_iter()
        .map(|(floor, n)| {
            let area = between(rng, 300, 3200) as f64 / 10.0;
            room(
                &key,
                None,
                format!("L{floor}-{n:02}"),
                "shop",
                floor as i32,
                area,
            )
        })
        .collect();
    DemoBuilding {
        key,
        name: "商场".into(),
        units: Vec::new(),
        rooms,
    }
}

/// `停车场`: two basement levels, `B1-023` being space 23 on B1.
fn car_park(rng: &mut StdRng) -> DemoBuilding {
    let key = "p2-park".to_string();
    let rooms = sample(rng, PARKING_SPACES, |rng| {
        (between(rng, 1, 2), between(rng, 1, 180))
    })
    .into_iter()
    .map(|(level, n)| {
        room(
            &key,
            None,
            format!("B{level}-{n:03}"),
            "parking",
            -(level as i32),
            12.5,
        )
    })
    .collect();
    DemoBuilding {
        key,
        name: "停车场".into(),
        units: Vec::new(),
        rooms,
    }
}

/// `count` distinct positions drawn by `draw`, in order (floor first), so rooms list naturally.
fn sample(
    rng: &mut StdRng,
    count: usize,
    draw: impl Fn(&mut StdRng) -> (i64, i64),
) -> Vec<(i64, i64)> {
    let mut seen = BTreeSet::new();
    while seen.len() < count {
        seen.insert(draw(rng));
    }
    seen.into_iter().collect()
}

fn room(
    building_key: &str,
    unit: Option<&String>,
    number: String,
    kind: &'static str,
    floor: i32,
    area: f64,
) -> DemoRoom {
    DemoRoom {
        key: format!("{building_key}-{number}"),
        unit: unit.cloned(),
        number,
        kind,
        floor,
        area_m2: Some(area),
        residents: Vec::new(),
    }
}
