//! Timing analysis, so the "under 1 ms per message" target can be checked on any machine.

use std::time::{Duration, Instant};

use crate::analysis::Analyzer;

/// The mean time to analyse one of `texts`, over `rounds` passes (at least one).
pub fn mean_analysis_time(analyzer: &Analyzer, texts: &[&str], rounds: usize) -> Duration {
    let started = Instant::now();
    let mut analysed: u32 = 0;
    for _ in 0..rounds.max(1) {
        for text in texts {
            // black_box: the result must not be optimised away.
            std::hint::black_box(analyzer.analyze(std::hint::black_box(text), Some("app")));
            analysed = analysed.saturating_add(1);
        }
    }
    started.elapsed() / analysed.max(1)
}
