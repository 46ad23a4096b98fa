//! Prints the evaluation tables; `--mistakes` also lists the DEV set's mistakes, for tuning.
//! (The held-out sets' mistakes are deliberately not listed.)
//!
//! cargo run -p guanjia-intake --example eval_report [-- --mistakes]

use guanjia_intake::{
    Analyzer, Vocabulary, builtin_dev_set, builtin_external_set, builtin_test_set, evaluate,
};

fn main() {
    let analyzer = Analyzer::new(Vocabulary::default());
    let show_mistakes = std::env::args().any(|arg| arg == "--mistakes");
    let sets = [
        ("DEV", builtin_dev_set()),
        ("TEST (held out)", builtin_test_set()),
        (
            "EXTERNAL (held out, paraphrased real complaints)",
            builtin_external_set(),
        ),
    ];
    for (name, set) in sets {
        let report = evaluate(&analyzer, &set.messages, &set.duplicates);
        println!("== {name}\n{report}");
        if show_mistakes && name == "DEV" {
            for mistake in &report.mistakes {
                println!(
                    "  {:<16} expected {:<28} got {:<28} {}",
                    mistake.field, mistake.expected, mistake.got, mistake.text
                );
            }
            println!();
        }
    }
}
