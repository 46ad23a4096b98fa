//! Small helpers over the seeded RNG, so that the generators read like the rules they encode
//! ("one in five tickets…") rather than like index arithmetic.

use rand::Rng;
use rand::rngs::StdRng;

/// One item of a non-empty slice, uniformly.
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A copy of one item of a non-empty slice, uniformly (for phrases and references).
pub(crate) fn one<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    *pick(rng, items)
}

/// One item of a non-empty slice, with probability proportional to `weight` (not all zero).
pub(crate) fn weighted<'a, T>(
    rng: &mut StdRng,
    items: &'a [T],
    weight: impl Fn(&T) -> u32,
) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut roll = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if roll < w {
            return item;
        }
        roll -= w;
    }
    unreachable!("roll < total")
}

/// The value of a `(value, weight)` table, by weight.
pub(crate) fn table<T: Copy>(rng: &mut StdRng, rows: &[(T, u32)]) -> T {
    weighted(rng, rows, |(_, w)| *w).0
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random_bool(p)
}

/// A whole number in `lo..=hi`.
pub(crate) fn between(rng: &mut StdRng, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo..=hi)
}
