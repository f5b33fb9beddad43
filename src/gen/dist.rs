//! Discrete distributions the workload draws from, with the probability of
//! each outcome known exactly, so rules can be given the selectivity that
//! makes the requested match rate.

use super::rng::Rng;

/// Weighted choice among `n` outcomes.
pub struct Dist {
    /// Each outcome's probability.
    pub p: Vec<f64>,
    cumulative: Vec<f64>,
}

impl Dist {
    pub fn weighted(weights: &[f64]) -> Dist {
        let total: f64 = weights.iter().sum();
        let p: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let mut acc = 0.0;
        let cumulative = p
            .iter()
            .map(|x| {
                acc += x;
                acc
            })
            .collect();
        Dist { p, cumulative }
    }

    /// Zipf over `n` ranks with exponent `s`: rank 1 the most common.
    pub fn zipf(n: usize, s: f64) -> Dist {
        let weights: Vec<f64> = (1..=n).map(|k| (k as f64).powf(-s)).collect();
        Dist::weighted(&weights)
    }

    pub fn draw(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cumulative
            .partition_point(|&c| c <= u)
            .min(self.p.len() - 1)
    }
}

/// The outcome whose chance `chance(i)` is nearest to `want` (on a log
/// scale), among `0..n`.
pub fn nearest(n: usize, want: f64, chance: impl Fn(usize) -> f64) -> usize {
    let gap = |i: usize| (chance(i).max(f64::MIN_POSITIVE) / want).ln().abs();
    (0..n)
        .min_by(|&a, &b| gap(a).total_cmp(&gap(b)))
        .unwrap_or(0)
}
