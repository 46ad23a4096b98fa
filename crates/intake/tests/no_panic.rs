//! The analyser and duplicate detection take any input without panicking: a deterministic fuzz
//! over arbitrary strings built from the characters the grammar cares about, plus random Unicode.

use guanjia_intake::{
    Analyzer, Location, TicketFacts, Vocabulary, duplicate_candidates, group_incidents,
};

/// A small xorshift generator: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "栋",
    "号楼",
    "#",
    "幢",
    "座",
    "单元",
    "室",
    "-",
    "—",
    "l",
    "b",
    "f",
    "梯",
    "号",
    "左边那部",
    "电梯",
    "漏水",
    "困人",
    "第",
    "次",
    "十",
    "几",
    "百",
    "千",
    "两",
    "三",
    "零",
    "0",
    "1",
    "9",
    "99999999999",
    "12345",
    "没",
    "有没有",
    "燃气",
    "味",
    "!!!",
    "？",
    "，",
    " ",
    "\u{3000}",
    "Ｂ",
    "１",
    "😀",
    "\u{0}",
    "\u{FFFF}",
    "e\u{301}",
    "业主委员会",
    "市民反映",
    "楼上",
    "1602",
    "L2-15",
];

fn arbitrary_text(rng: &mut Rng) -> String {
    let length = rng.below(40);
    (0..length)
        .map(|_| {
            if rng.below(4) == 0 {
                char::from_u32(rng.below(0x11_0000) as u32)
                    .unwrap_or('?')
                    .to_string()
            } else {
                PIECES[rng.below(PIECES.len())].to_owned()
            }
        })
        .collect()
}

#[test]
fn analysis_never_panics_and_keeps_its_invariants() {
    let analyzer = Analyzer::new(Vocabulary::default());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let text = arbitrary_text(&mut rng);
        let analysis = analyzer.analyze(&text, Some("hotline_12345"));
        if let (Some(kind), Some(category)) = (&analysis.kind, &analysis.category) {
            assert!(category.starts_with(&format!("{kind}.")), "{text:?}");
        }
        assert!(["emergency", "urgent", "normal"].contains(&analysis.urgency.as_str()));
        assert!(
            analysis.escalation_risk,
            "every 12345 transfer carries escalation risk"
        );
        let c = analysis.confidence;
        for value in [c.kind, c.category, c.urgency, c.escalation_risk, c.location] {
            assert!((0.0..=1.0).contains(&value), "{text:?}");
        }
    }
}

#[test]
fn duplicate_detection_never_panics() {
    let analyzer = Analyzer::new(Vocabulary::default());
    let vocabulary = Vocabulary::default();
    let mut rng = Rng(42);
    let tickets: Vec<TicketFacts> = (0..200)
        .map(|index| {
            let analysis = analyzer.analyze(&arbitrary_text(&mut rng), None);
            let home = Location {
                building: Some("3栋".into()),
                unit: None,
                room: Some(arbitrary_text(&mut rng)),
            };
            let reported_at = [i64::MIN, i64::MAX, 0, rng.next() as i64][rng.below(4)];
            TicketFacts::from_analysis(
                index.to_string(),
                &analysis,
                Some(&home),
                reported_at,
                rng.below(2) == 0,
            )
        })
        .collect();
    for ticket in &tickets {
        for candidate in duplicate_candidates(ticket, &tickets, &vocabulary) {
            assert!(candidate.score.is_finite());
        }
    }
    group_incidents(&tickets, &vocabulary);
}
