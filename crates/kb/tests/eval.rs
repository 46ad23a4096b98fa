//! The bot on the evaluation sets in `eval/` (articles of a property company's FAQ, questions
//! written by people who had not seen the bot). The floors stand on the blind set; the dev set is
//! the one the bot may be tuned on, and is printed to look at.

use guanjia_domain::taxonomy::{Kind, Urgency};
use guanjia_intake::{Analyzer, Vocabulary};
use guanjia_kb::eval::{Report, evaluate, parse_cases};
use guanjia_kb::{Article, Library, Reading};

fn library() -> Library {
    let articles: Vec<Article> = include_str!("../eval/articles.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("article"))
        .collect();
    Library::new(articles).expect("index")
}

fn reader() -> impl Fn(&str) -> Reading {
    let analyzer = Analyzer::new(Vocabulary::default());
    move |text| {
        let analysis = analyzer.analyze(text, None);
        Reading {
            kind: analysis
                .kind
                .as_deref()
                .and_then(|k| k.parse::<Kind>().ok()),
            kind_confidence: analysis.confidence.kind,
            urgency: analysis.urgency.parse().unwrap_or(Urgency::Normal),
        }
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

#[test]
fn dev_set() {
    let cases = parse_cases(include_str!("../eval/questions-dev.jsonl")).expect("dev set");
    let report = evaluate(&library(), &cases, reader()).expect("evaluate");
    print("dev", &report);
}

#[test]
fn dev_search_rank() {
    let library = library();
    let cases = parse_cases(include_str!("../eval/questions-dev.jsonl")).expect("dev set");
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

fn dump(articles: &str, questions: &str, out_path: &str) {
    let articles: Vec<Article> = articles
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("article"))
        .collect();
    let library = Library::new(articles).expect("index");
    let read = reader();
    let analyzer = Analyzer::new(Vocabulary::default());
    let cases = parse_cases(questions).expect("set");
    let names = |t: &str| -> Vec<&'static str> {
        guanjia_kb::concepts(t).into_iter().map(|c| c.0).collect()
    };
    let mut out = String::new();
    for case in &cases {
        let r = read(&case.text);
        let a = analyzer.analyze(&case.text, None);
        let c = guanjia_kb::candidates(&library, &case.text, Some(&case.project)).unwrap();
        let cands: Vec<serde_json::Value> = c.iter().map(|(i, b, cov, head, rev)| {
            let art = &library.articles()[*i];
            serde_json::json!({"id": art.id, "bm25": b, "cov": cov, "head": head, "rev": rev, "own": art.is_for(&case.project), "hc": names(&art.head()), "cat": art.category})
        }).collect();
        out.push_str(&serde_json::json!({"text": case.text, "expect": case.expect, "kind": r.kind.map(|k| k.as_str()), "kconf": r.kind_confidence, "urg": r.urgency.as_str(), "cat": a.category, "qc": names(&case.text), "cands": cands}).to_string());
        out.push('\n');
    }
    std::fs::write(out_path, out).unwrap();
}

#[test]
fn dump_features() {
    dump(
        include_str!("../eval/articles.jsonl"),
        include_str!("../eval/questions-dev.jsonl"),
        "/tmp/kbf-dev.jsonl",
    );
    dump(
        include_str!("../train/articles-a.jsonl"),
        include_str!("../train/questions-a.jsonl"),
        "/tmp/kbf-a.jsonl",
    );
    dump(
        include_str!("../train/articles-b.jsonl"),
        include_str!("../train/questions-b.jsonl"),
        "/tmp/kbf-b.jsonl",
    );
}
