//! `guanjia eval`: how well message understanding reads the labelled sets, and how fast.

use guanjia_intake::{
    Analyzer, builtin_dev_set, builtin_external_set, builtin_test_set, evaluate, mean_analysis_time,
};

/// Prints accuracy per field, emergency recall, escalation-risk and duplicate-link precision and
/// recall for each set; with `mistakes`, also the DEV set's mistakes (the held-out sets' are
/// deliberately never listed, so nobody tunes against them).
pub fn run(mistakes: bool) {
    let analyzer = Analyzer::default();
    let sets = [
        ("DEV (tuned on)", builtin_dev_set()),
        (
            "TEST (held out; the tests enforce the targets here)",
            builtin_test_set(),
        ),
        (
            "EXTERNAL (held out, written after the rules in other styles; see eval/README.md)",
            builtin_external_set(),
        ),
    ];
    for (name, set) in &sets {
        let report = evaluate(&analyzer, &set.messages, &set.duplicates);
        println!("== {name}\n{report}");
        if mistakes && name.starts_with("DEV") {
            for m in &report.mistakes {
                println!(
                    "  {:<16} expected {:<28} got {:<28} {}",
                    m.field, m.expected, m.got, m.text
                );
            }
            println!();
        }
    }
    let texts: Vec<&str> = sets
        .iter()
        .flat_map(|(_, set)| set.messages.iter().map(|m| m.text.as_str()))
        .collect();
    mean_analysis_time(&analyzer, &texts, 1);
    let rounds = 20;
    let mean = mean_analysis_time(&analyzer, &texts, rounds);
    println!(
        "analysis time: {} messages × {rounds} rounds, mean {:.1} µs per message",
        texts.len(),
        mean.as_secs_f64() * 1e6
    );
}
