//! Mean time to analyse one message of the evaluation sets. Run in release mode:
//!
//! cargo run --release -p guanjia-intake --example bench_analyze

use guanjia_intake::{Analyzer, Vocabulary, builtin_dev_set, builtin_test_set, mean_analysis_time};

fn main() {
    let analyzer = Analyzer::new(Vocabulary::default());
    let sets = [builtin_dev_set(), builtin_test_set()];
    let texts: Vec<&str> = sets
        .iter()
        .flat_map(|set| set.messages.iter().map(|message| message.text.as_str()))
        .collect();
    // One warm-up pass, then the measured ones.
    mean_analysis_time(&analyzer, &texts, 1);
    let rounds = 50;
    let mean = mean_analysis_time(&analyzer, &texts, rounds);
    println!(
        "{} messages × {rounds} rounds: mean {:.1} µs per message",
        texts.len(),
        mean.as_secs_f64() * 1e6
    );
}
