//! The bot on the evaluation sets in `eval/` (articles of a property company's FAQ, questions
//! written by people who had not seen the bot). The floors stand on the blind set; the dev set is
//! the one the bot may be tuned on, and is printed to look at.

use guanjia_intake::{Analyzer, Vocabulary};
use guanjia_kb::eval::{Report, evaluate, parse_cases};
use guanjia_kb::sets::{ARTICLES, BLIND, DEV, parse_articles};
use guanjia_kb::{Library, Reading};

fn library() -> Library {
    Library::new(parse_articles(ARTICLES).expect("articles")).expect("index")
}

fn reader() -> impl Fn(&str) -> Reading {
    let analyzer = Analyzer::new(Vocabulary::default());
    move |text| {
        let analysis = analyzer.analyze(text, None);
        Reading::of_codes(
            analysis.kind.as_deref(),
            analysis.confidence.kind,
            &analysis.urgency,
        )
    }
}

fn print(name: &str, report: &Report) {
    println!(
        "{name}: top-1 {}/{} = {:.1}%, hand-off {}/{} = {:.1}%",
        report.answered_right,
        report.answerable,
        100.0 * report.top1(),
        report.handed_off,
        report.unanswerable,
        100.0 * report.handoff_rate()
    );
    for miss in &report.misses {
        println!(
            "  {} [{}] expected {} answered {:?} best {:?}",
            miss.case.text, miss.case.project, miss.case.expect, miss.answered, miss.best
        );
    }
}

/// The floors stand on the blind set, which nothing was tuned on. They sit a little below what
/// the bot measured there when first run (2026-12-07: see README), so they catch a regression;
/// issue 14's aim (90% each) is not yet met.
#[test]
fn blind_set() {
    let cases = parse_cases(BLIND).expect("blind set");
    let report = evaluate(&library(), &cases, reader()).expect("evaluate");
    println!(
        "blind: top-1 {}/{} = {:.1}%, hand-off {}/{} = {:.1}%",
        report.answered_right,
        report.answerable,
        100.0 * report.top1(),
        report.handed_off,
        report.unanswerable,
        100.0 * report.handoff_rate()
    );
    // First run, 2026-12-07: top-1 147/200 = 73.5%, hand-off 75/100 = 75.0%.
    assert!(report.top1() >= 0.70, "top-1 {:.3}", report.top1());
    assert!(
        report.handoff_rate() >= 0.70,
        "hand-off {:.3}",
        report.handoff_rate()
    );
}

#[test]
fn dev_set() {
    let cases = parse_cases(DEV).expect("dev set");
    let report = evaluate(&library(), &cases, reader()).expect("evaluate");
    print("dev", &report);
}

#[test]
fn dev_search_rank() {
    let library = library();
    let cases = parse_cases(DEV).expect("dev set");
    let (mut top1, mut top3, mut n) = (0, 0, 0);
    for case in cases.iter().filter(|c| c.expect.starts_with("kb-")) {
        n += 1;
        let hits = library.search(&case.text, Some(&case.project), 3).unwrap();
        let ids: Vec<&str> = hits
            .iter()
            .map(|h| library.articles()[h.article].id.as_str())
            .collect();
        top1 += usize::from(ids.first() == Some(&case.expect.as_str()));
        top3 += usize::from(ids.contains(&case.expect.as_str()));
    }
    println!("search: top-1 {top1}/{n}, top-3 {top3}/{n}");
}

/// How the dev set fares at every threshold (tuning aid: the dev set may be tuned on).
#[test]
fn dev_threshold_curve() {
    let library = library();
    let read = reader();
    let cases = parse_cases(DEV).expect("dev set");
    let mut rows = Vec::new();
    for case in cases.iter().filter(|c| c.expect != "handoff") {
        let reply =
            guanjia_kb::ask(&library, &case.text, Some(&case.project), read(&case.text)).unwrap();
        let best = reply.suggestions.first();
        let right = best.is_some_and(|b| library.articles()[b.article].id == case.expect);
        rows.push((best.map_or(0.0, |b| b.score), right, case.expect == "none"));
    }
    for t in (5..100).step_by(5) {
        let t = t as f32 / 100.0;
        let ans = rows.iter().filter(|r| !r.2).count() as f32;
        let none = rows.iter().filter(|r| r.2).count() as f32;
        let right = rows.iter().filter(|r| !r.2 && r.1 && r.0 >= t).count() as f32;
        let held = rows.iter().filter(|r| r.2 && r.0 < t).count() as f32;
        println!(
            "curve {t:.2}: top-1 {:.2} hand-off {:.2}",
            right / ans,
            held / none
        );
    }
    let ranked = rows.iter().filter(|r| !r.2 && r.1).count();
    println!(
        "model top-1 rank {ranked}/{}",
        rows.iter().filter(|r| !r.2).count()
    );
}
