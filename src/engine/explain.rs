//! Explanations: why a rule did not fire (the conditions that made it
//! false and the values they saw), or every condition's value.

use super::condition::{saw, Cond, Leaf};
use super::facts::Facts;
use super::outcome::ConditionResult;

fn result(leaf: &Leaf, facts: &Facts) -> ConditionResult {
    ConditionResult {
        condition: leaf.text.clone(),
        held: leaf.test.holds(facts),
        saw: saw(leaf, facts),
    }
}

/// Why `cond` is false: the first failing condition of an `and`, every
/// branch of an `or`, the conditions a `not` found true.
pub fn failure(cond: &Cond, facts: &Facts) -> Vec<ConditionResult> {
    match cond {
        Cond::Leaf(leaf) => vec![result(leaf, facts)],
        Cond::All(items) => items
            .iter()
            .find(|c| !c.holds(facts))
            .map(|c| failure(c, facts))
            .unwrap_or_default(),
        Cond::Any(items) => items.iter().flat_map(|c| failure(c, facts)).collect(),
        Cond::Not(inner, text) => vec![negated(inner, text, facts)],
    }
}

/// Every condition with its value, in order.
pub fn every(cond: &Cond, facts: &Facts) -> Vec<ConditionResult> {
    match cond {
        Cond::Leaf(leaf) => vec![result(leaf, facts)],
        Cond::All(items) | Cond::Any(items) => items.iter().flat_map(|c| every(c, facts)).collect(),
        Cond::Not(inner, text) => vec![negated(inner, text, facts)],
    }
}

/// A `not …` as one condition; it saw what its inner conditions saw.
fn negated(inner: &Cond, text: &str, facts: &Facts) -> ConditionResult {
    let saws: Vec<String> = every(inner, facts).into_iter().map(|r| r.saw).collect();
    ConditionResult {
        condition: format!("not {text}"),
        held: !inner.holds(facts),
        saw: saws.join("; "),
    }
}
