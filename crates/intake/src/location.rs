//! Places named in a message: building, unit, room (or shop) and lift, in canonical form.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::numerals::parse_number;

/// Where a problem is. Canonical forms: building "3栋" (numbered) or "B座" (lettered), unit
/// "2单元", room the digits of a flat or office ("1502") or a shop code ("L2-15").
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub building: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub room: Option<String>,
}

impl Location {
    pub fn is_empty(&self) -> bool {
        self.building.is_none() && self.unit.is_none() && self.room.is_none()
    }

    /// This place (named in a message) completed from the resident's home, level by level, for as
    /// long as the coarser levels agree: "电梯坏了" from 3栋2单元1502 is about 3栋2单元, but
    /// "5栋停水了" from the same resident says nothing about a unit or room of 5栋.
    pub fn or_home(&self, home: &Location) -> Location {
        let mut agrees = true;
        let mut level = |named: &Option<String>, own: &Option<String>| match named {
            Some(value) => {
                agrees &= own.as_ref().is_none_or(|own| own == value);
                Some(value.clone())
            }
            None if agrees => own.clone(),
            None => None,
        };
        Location {
            building: level(&self.building, &home.building),
            unit: level(&self.unit, &home.unit),
            room: level(&self.room, &home.room),
        }
    }
}

/// A place found in a message, with the words that named it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub location: Location,
    /// The lift named, canonical: "1号梯", "左梯", "货梯".
    pub lift: Option<String>,
    /// The gate named, canonical: "东门".
    pub gate: Option<String>,
    pub words: Vec<String>,
}

/// A number as residents write it in places: digits or Chinese numerals.
const NUM: &str = "[0-9]{1,3}|[零一二两三四五六七八九十百]{1,4}";
/// What may follow a room number; anything else (号, 楼, 层, 年, 元, 次, …) makes it another number.
const ROOM_END: &str = "(?:$|[^0-9号楼层年元块次天点分米平度#%-])";

fn pattern(source: &str) -> Regex {
    // The patterns are constants of this file, checked by its tests.
    Regex::new(source).expect("place pattern compiles")
}

/// 3-2-1502: building, unit and room in one.
static TRIPLE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?:^|[^0-9a-z-])([0-9]{{1,2}})-([0-9]{{1,2}})-([0-9]{{3,4}}){ROOM_END}"
    ))
});
/// 3号楼, 三栋, 3#, 3幢, 3座.
static NUMBERED_BUILDING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?:^|[^0-9])({NUM})\s*(?:号楼|号栋|号幢|栋|幢|座|#)"
    ))
});
/// B座, A栋.
static LETTERED_BUILDING: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|[^a-z0-9])([a-z])\s*(?:座|栋|幢|号楼)"));
static UNIT: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"(?:^|[^0-9])({NUM})\s*单元")));
/// Shop codes of malls: L2-15, B1-08, 3F-12.
static SHOP: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?:^|[^a-z0-9])([lb][0-9]{1,2}|[0-9]{1,2}f)-([0-9]{1,4})(?:$|[^0-9])")
});
/// 1203室, 502房.
static MARKED_ROOM: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|[^0-9])([0-9]{3,4})\s*(?:室|号房|房|户)"));
/// A room number right after a building or unit: 3栋1502, 2单元 1302.
static ROOM_AFTER_PLACE: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"^[\s,]*([0-9]{{3,4}}){ROOM_END}")));
/// A room number after words that introduce one: 楼上1602, 我家1502, 房号1203.
static CUED_ROOM: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?:房号|门牌号?|家住|住在|我家|楼上|楼下|业主)\s*([0-9]{{3,4}}){ROOM_END}"
    ))
});
static NUMBERED_LIFT: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"({NUM})\s*号\s*(?:电梯|客梯|货梯|梯)")));
static SIDE_LIFT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(左|右|东|西|南|北|中间)(?:边|侧|面|手边|门|入口)?\s*(?:那|这)?\s*(?:一)?(?:部|台|个)?\s*(?:的)?\s*(?:自动)?(?:电梯|扶梯|客梯|梯)",
    )
});
static CARGO_LIFT: LazyLock<Regex> = LazyLock::new(|| pattern("货梯"));
/// A gate of the estate or mall by its side: 东门, 北大门, 南侧门. Not 门禁, 门口 alone.
static GATE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(东|西|南|北)(?:大|侧)?门"));

/// The earliest mention wins for each field: residents name the place of the problem first and
/// their own home (楼上1602漏水到我家1502) after it.
#[derive(Default)]
struct Earliest {
    found: Option<(usize, String, String)>,
}

impl Earliest {
    fn offer(&mut self, at: usize, value: String, word: &str) {
        if self.found.as_ref().is_none_or(|(best, _, _)| at < *best) {
            self.found = Some((at, value, word.to_owned()));
        }
    }

    fn take(self, words: &mut Vec<String>) -> Option<String> {
        self.found.map(|(_, value, word)| {
            if !words.contains(&word) {
                words.push(word);
            }
            value
        })
    }
}

/// Finds the place named in a normalised message.
pub fn find_place(text: &str) -> Place {
    let mut building = Earliest::default();
    let mut unit = Earliest::default();
    let mut room = Earliest::default();
    // Where a building or unit mention ends, for the room number that may follow it.
    let mut place_ends = Vec::new();

    for captures in TRIPLE.captures_iter(text) {
        let (b, u, r) = (&captures[1], &captures[2], &captures[3]);
        let at = captures.get(1).map_or(0, |m| m.start());
        let written = format!("{b}-{u}-{r}");
        if let (Some(b), Some(u)) = (positive(b), positive(u)) {
            building.offer(at, format!("{b}栋"), &written);
            unit.offer(at, format!("{u}单元"), &written);
            room.offer(at, r.to_owned(), &written);
        }
    }
    for captures in NUMBERED_BUILDING.captures_iter(text) {
        let (Some(number), Some(whole)) = (captures.get(1), captures.get(0)) else {
            continue;
        };
        if whole.as_str().ends_with('座') && is_seat(text, whole.end()) {
            continue;
        }
        if let Some(n) = positive(number.as_str()) {
            let written = whole.as_str().trim_start_matches(|c: char| !is_numeral(c));
            building.offer(number.start(), format!("{n}栋"), written);
            place_ends.push(whole.end());
        }
    }
    for captures in LETTERED_BUILDING.captures_iter(text) {
        let (Some(letter), Some(whole)) = (captures.get(1), captures.get(0)) else {
            continue;
        };
        if is_seat(text, whole.end()) {
            continue;
        }
        building.offer(
            letter.start(),
            format!("{}座", letter.as_str().to_ascii_uppercase()),
            &text[letter.start()..whole.end()],
        );
        place_ends.push(whole.end());
    }
    for captures in UNIT.captures_iter(text) {
        let (Some(number), Some(whole)) = (captures.get(1), captures.get(0)) else {
            continue;
        };
        if let Some(n) = positive(number.as_str()) {
            unit.offer(
                number.start(),
                format!("{n}单元"),
                &text[number.start()..whole.end()],
            );
            place_ends.push(whole.end());
        }
    }
    for captures in SHOP.captures_iter(text) {
        let (Some(floor), Some(number)) = (captures.get(1), captures.get(2)) else {
            continue;
        };
        let code = format!(
            "{}-{}",
            floor.as_str().to_ascii_uppercase(),
            number.as_str()
        );
        room.offer(floor.start(), code.clone(), &code);
    }
    for regex in [&*MARKED_ROOM, &*CUED_ROOM] {
        for captures in regex.captures_iter(text) {
            let Some(number) = captures.get(1) else {
                continue;
            };
            room.offer(number.start(), number.as_str().to_owned(), number.as_str());
        }
    }
    for end in place_ends {
        if let Some(number) = ROOM_AFTER_PLACE
            .captures(&text[end..])
            .and_then(|captures| captures.get(1))
        {
            room.offer(
                end + number.start(),
                number.as_str().to_owned(),
                number.as_str(),
            );
        }
    }

    let mut words = Vec::new();
    let location = Location {
        building: building.take(&mut words),
        unit: unit.take(&mut words),
        room: room.take(&mut words),
    };
    let lift = find_lift(text, &mut words);
    let gate = GATE.captures(text).and_then(|captures| {
        let (side, whole) = (captures.get(1)?, captures.get(0)?);
        words.push(whole.as_str().to_owned());
        Some(format!("{}门", side.as_str()))
    });
    Place {
        location,
        lift,
        gate,
        words,
    }
}

/// The lift named in the message, so that two reports about different lifts of one entrance are
/// kept apart.
fn find_lift(text: &str, words: &mut Vec<String>) -> Option<String> {
    let mut lift = Earliest::default();
    for captures in NUMBERED_LIFT.captures_iter(text) {
        let (Some(number), Some(whole)) = (captures.get(1), captures.get(0)) else {
            continue;
        };
        if let Some(n) = positive(number.as_str()) {
            lift.offer(whole.start(), format!("{n}号梯"), whole.as_str());
        }
    }
    for captures in SIDE_LIFT.captures_iter(text) {
        let (Some(side), Some(whole)) = (captures.get(1), captures.get(0)) else {
            continue;
        };
        let side = if side.as_str() == "中间" {
            "中"
        } else {
            side.as_str()
        };
        lift.offer(whole.start(), format!("{side}梯"), whole.as_str());
    }
    if let Some(cargo) = CARGO_LIFT.find(text) {
        lift.offer(cargo.start(), "货梯".to_owned(), cargo.as_str());
    }
    lift.take(words)
}

/// 座椅 and 座位 are seats, not buildings: `end` is just after the 座 (or 栋) of a candidate.
fn is_seat(text: &str, end: usize) -> bool {
    text[end..].starts_with(['椅', '位'])
}

fn positive(number: &str) -> Option<u32> {
    parse_number(number).filter(|&n| n > 0)
}

fn is_numeral(ch: char) -> bool {
    ch.is_ascii_digit() || "零一二两三四五六七八九十百".contains(ch)
}

/// True when two rooms are the same or directly above each other (1502 and 1602), which is how
/// a leak shows up in two households.
pub fn rooms_stacked(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
        return false;
    };
    a % 100 == b % 100 && (a / 100).abs_diff(b / 100) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str) -> (Option<String>, Option<String>, Option<String>) {
        let location = find_place(text).location;
        (location.building, location.unit, location.room)
    }

    fn building(text: &str) -> Option<String> {
        place(text).0
    }

    #[test]
    fn every_way_of_writing_a_numbered_building_is_one_building() {
        for text in [
            "3号楼",
            "三号楼",
            "三栋",
            "3栋",
            "3#",
            "3#楼下",
            "3幢",
            "3座",
            "3 号楼",
        ] {
            assert_eq!(building(text).as_deref(), Some("3栋"), "{text}");
        }
        assert_eq!(building("十二号楼").as_deref(), Some("12栋"));
        assert_eq!(building("二十栋").as_deref(), Some("20栋"));
    }

    #[test]
    fn lettered_buildings_are_za() {
        assert_eq!(building("b座").as_deref(), Some("B座"));
        assert_eq!(building("写字楼a栋").as_deref(), Some("A座"));
    }

    #[test]
    fn floors_seats_and_plates_are_not_buildings() {
        assert_eq!(building("卡在12楼了"), None);
        assert_eq!(building("座椅坏了"), None);
        assert_eq!(building("3座椅"), None);
        assert_eq!(building("沪a12345"), None);
    }

    #[test]
    fn units_and_rooms() {
        let full = |b: &str, u: &str, r: &str| {
            (Some(b.to_owned()), Some(u.to_owned()), Some(r.to_owned()))
        };
        assert_eq!(place("3栋2单元1502卫生间"), full("3栋", "2单元", "1502"));
        assert_eq!(place("2-1-1502，厨房"), full("2栋", "1单元", "1502"));
        assert_eq!(
            place("十号楼二单元"),
            (Some("10栋".into()), Some("2单元".into()), None)
        );
        assert_eq!(
            place("a栋1203室"),
            (Some("A座".into()), None, Some("1203".into()))
        );
        assert_eq!(
            place("1单元302"),
            (None, Some("1单元".into()), Some("302".into()))
        );
    }

    #[test]
    fn floors_dates_and_hotline_numbers_are_not_rooms() {
        assert_eq!(place("b座15层").2, None);
        assert_eq!(place("3栋2019年").2, None);
        assert_eq!(place("打12345投诉").2, None);
        assert_eq!(place("12栋一单元三楼冒烟").2, None);
    }

    #[test]
    fn the_first_room_named_counts() {
        assert_eq!(
            place("楼上1602漏水到我家，我家1502天花板都泡了")
                .2
                .as_deref(),
            Some("1602")
        );
    }

    #[test]
    fn shop_codes() {
        assert_eq!(place("商铺l2-15的空调").2.as_deref(), Some("L2-15"));
        assert_eq!(place("铺位b1-12").2.as_deref(), Some("B1-12"));
        assert_eq!(place("地下车库b2层").2, None);
    }

    #[test]
    fn lifts() {
        let lift = |text: &str| find_place(text).lift;
        assert_eq!(
            lift("三号楼左边那部电梯卡在12楼了").as_deref(),
            Some("左梯")
        );
        assert_eq!(lift("a座2号电梯异响").as_deref(), Some("2号梯"));
        assert_eq!(lift("1号梯困人").as_deref(), Some("1号梯"));
        assert_eq!(lift("东侧的扶梯停了").as_deref(), Some("东梯"));
        assert_eq!(lift("电梯坏了"), None);
        assert_eq!(lift("商场北门扶梯停了").as_deref(), Some("北梯"));
        assert_eq!(lift("北边的自动扶梯不动了").as_deref(), Some("北梯"));
    }

    #[test]
    fn gates() {
        let gate = |text: &str| find_place(text).gate;
        assert_eq!(gate("东门道闸抬不起来").as_deref(), Some("东门"));
        assert_eq!(gate("北大门的路灯不亮").as_deref(), Some("北门"));
        assert_eq!(gate("单元门禁坏了"), None);
        assert_eq!(gate("门口有垃圾"), None);
    }

    #[test]
    fn the_home_completes_a_place_while_it_agrees() {
        let home = Location {
            building: Some("3栋".into()),
            unit: Some("2单元".into()),
            room: Some("1502".into()),
        };
        let named = |b: Option<&str>| Location {
            building: b.map(str::to_owned),
            ..Location::default()
        };
        assert_eq!(named(None).or_home(&home), home);
        assert_eq!(named(Some("3栋")).or_home(&home), home);
        assert_eq!(named(Some("5栋")).or_home(&home), named(Some("5栋")));
    }

    #[test]
    fn stacked_rooms() {
        assert!(rooms_stacked("1502", "1602"));
        assert!(rooms_stacked("1602", "1502"));
        assert!(rooms_stacked("1502", "1502"));
        assert!(!rooms_stacked("1502", "1702"));
        assert!(!rooms_stacked("1502", "1601"));
        assert!(!rooms_stacked("L2-15", "L3-15"));
    }
}
