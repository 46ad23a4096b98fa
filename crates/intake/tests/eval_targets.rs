//! The targets, measured on the held-out test set the vocabulary was never tuned on.

use guanjia_intake::{Analyzer, Vocabulary, builtin_dev_set, builtin_test_set, evaluate};

#[test]
fn the_test_set_meets_every_target() {
    let set = builtin_test_set();
    let report = evaluate(
        &Analyzer::new(Vocabulary::default()),
        &set.messages,
        &set.duplicates,
    );
    println!("{report}");
    let missed = report.missed_targets();
    assert!(
        missed.is_empty(),
        "targets missed on the test set: {missed:?}\n{report}"
    );
}

#[test]
fn the_dev_set_meets_every_target() {
    let set = builtin_dev_set();
    let report = evaluate(
        &Analyzer::new(Vocabulary::default()),
        &set.messages,
        &set.duplicates,
    );
    let missed = report.missed_targets();
    assert!(
        missed.is_empty(),
        "targets missed on the dev set: {missed:?}\n{report}"
    );
}
