//! Two conditions joined by `and` that cannot both hold, found without
//! comparing every pair: one rule may hold 100,000 conditions, and a
//! pairwise scan of those took 40 s.
//!
//! Each condition is given its earliest partner (a condition it
//! contradicts) from indexes built in one pass; the smallest such pair is
//! the one a pairwise scan in order would meet first, so the warning
//! names the same two conditions it always did.

use super::values::words_of;
use super::whole_rule::lower_tags;
use crate::rules::ast::*;
use crate::rules::schema;
use std::collections::{HashMap, HashSet};
use std::mem::{discriminant, Discriminant};

/// The first pair `(i, j)`, `i < j`, of conditions that cannot both hold.
pub(super) fn first_contradiction(conds: &[&Condition]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut offer = |a: usize, b: usize| {
        let pair = (a.min(b), a.max(b));
        if best.is_none_or(|x| pair < x) {
            best = Some(pair);
        }
    };
    single_valued(conds, &mut offer);
    tags(conds, &mut offer);
    best
}

/// Fields that hold one value at a time.
fn is_single(field: &Field) -> bool {
    matches!(
        field,
        Field::Ticket
            | Field::Source
            | Field::UpdateVia
            | Field::Type
            | Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand
            | Field::Role
            | Field::Comment
    )
}

/// One field's `is` and `is not` values, each with where it first appears.
#[derive(Default)]
struct Values {
    is: HashMap<String, usize>,
    is_not: HashMap<String, usize>,
    /// The first `is`, and the first whose value differs from it.
    first_is: Option<(String, usize)>,
    other_is: Option<usize>,
}

impl Values {
    fn add(&mut self, op: &Op, value: String, at: usize) {
        if *op == Op::IsNot {
            self.is_not.entry(value).or_insert(at);
            return;
        }
        match &self.first_is {
            None => self.first_is = Some((value.clone(), at)),
            Some((first, _)) if self.other_is.is_none() && *first != value => {
                self.other_is = Some(at)
            }
            _ => {}
        }
        self.is.entry(value).or_insert(at);
    }

    /// The earliest condition that contradicts `op value`.
    fn partner(&self, op: &Op, value: &str) -> Option<usize> {
        if *op == Op::IsNot {
            return self.is.get(value).copied();
        }
        let other_is = match &self.first_is {
            Some((first, at)) if first != value => Some(*at),
            _ => self.other_is,
        };
        let is_not = self.is_not.get(value).copied();
        other_is.into_iter().chain(is_not).min()
    }
}

/// `is` and `is not` on single-valued fields: two different `is`, or `is`
/// and `is not` of one value. `ticket is shared` is apart from the other
/// `ticket is` values: a created ticket may be shared.
fn single_valued(conds: &[&Condition], offer: &mut impl FnMut(usize, usize)) {
    type Key = (Discriminant<Field>, bool);
    let keyed: Vec<Option<(Key, String)>> = conds
        .iter()
        .map(|c| {
            let single = is_single(&c.field.node) && matches!(c.op.node, Op::Is | Op::IsNot);
            let text = words_of(&c.operand).filter(|_| single)?;
            let shared = c.field.node == Field::Ticket && text.to_lowercase() == "shared";
            let key = (discriminant(&c.field.node), shared);
            Some((key, normalise(&c.field.node, &text)))
        })
        .collect();
    let mut fields: HashMap<Key, Values> = HashMap::new();
    for (i, entry) in keyed.iter().enumerate() {
        if let Some((key, value)) = entry {
            let values = fields.entry(*key).or_default();
            values.add(&conds[i].op.node, value.clone(), i);
        }
    }
    for (i, entry) in keyed.iter().enumerate() {
        let Some((key, value)) = entry else { continue };
        if let Some(j) = fields[key].partner(&conds[i].op.node, value) {
            offer(i, j);
        }
    }
}

/// A value as the engine will compare it: channels by via id, the rest by
/// lowercase text.
fn normalise(field: &Field, text: &str) -> String {
    match field {
        Field::Source | Field::UpdateVia => {
            schema::channel(text).map_or(text.to_lowercase(), |c| c.name.to_string())
        }
        _ => text.to_lowercase().replace('_', " "),
    }
}

/// `tags contains none of X` against `contains all of Y` naming a tag of
/// X, or `contains at least one of Y` with every tag of Y in X.
fn tags(conds: &[&Condition], offer: &mut impl FnMut(usize, usize)) {
    let on_tags = |i: &usize| conds[*i].field.node == Field::Tags;
    let none_of: Vec<(usize, HashSet<String>)> = (0..conds.len())
        .filter(on_tags)
        .filter(|i| conds[*i].op.node == Op::ContainsNoneOf)
        .map(|i| (i, lower_tags(&conds[i].operand).into_iter().collect()))
        .collect();
    let Some(&(first_none_of, _)) = none_of.first() else {
        return;
    };
    // Each tag's `none of` conditions, in order.
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, (_, set)) in none_of.iter().enumerate() {
        for tag in set {
            postings.entry(tag.as_str()).or_default().push(n);
        }
    }
    for j in (0..conds.len()).filter(on_tags) {
        let wanted = lower_tags(&conds[j].operand);
        let partner = match conds[j].op.node {
            Op::ContainsAllOf => wanted
                .iter()
                .filter_map(|t| postings.get(t.as_str()).map(|p| none_of[p[0]].0))
                .min(),
            Op::ContainsAtLeastOneOf if wanted.is_empty() => Some(first_none_of),
            Op::ContainsAtLeastOneOf => {
                // The rarest tag's conditions are the only ones to try.
                let rarest = wanted
                    .iter()
                    .map(|t| postings.get(t.as_str()).map_or(&[][..], Vec::as_slice))
                    .min_by_key(|p| p.len())
                    .unwrap_or_default();
                rarest
                    .iter()
                    .map(|&n| &none_of[n])
                    .find(|(_, set)| wanted.iter().all(|t| set.contains(t)))
                    .map(|(i, _)| *i)
            }
            _ => None,
        };
        if let Some(n) = partner {
            offer(j, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse::parse_rules;

    /// The pairwise scan this module replaces, kept as the reference.
    fn pairwise(conds: &[&Condition]) -> Option<(usize, usize)> {
        let tags = |c: &Condition| lower_tags(&c.operand);
        let none_of = |x: &Condition, y: &Condition| {
            x.op.node == Op::ContainsNoneOf
                && match y.op.node {
                    Op::ContainsAtLeastOneOf => tags(y).iter().all(|t| tags(x).contains(t)),
                    Op::ContainsAllOf => tags(y).iter().any(|t| tags(x).contains(t)),
                    _ => false,
                }
        };
        let contradicts = |a: &Condition, b: &Condition| {
            if a.field.node == Field::Tags {
                return b.field.node == Field::Tags && (none_of(a, b) || none_of(b, a));
            }
            if a.field.node != b.field.node || !is_single(&a.field.node) {
                return false;
            }
            let (Some(x), Some(y)) = (words_of(&a.operand), words_of(&b.operand)) else {
                return false;
            };
            let shared = |s: &str| s.to_lowercase() == "shared";
            if a.field.node == Field::Ticket && shared(&x) != shared(&y) {
                return false;
            }
            let same = normalise(&a.field.node, &x) == normalise(&b.field.node, &y);
            match (&a.op.node, &b.op.node) {
                (Op::Is, Op::Is) => !same,
                (Op::Is, Op::IsNot) | (Op::IsNot, Op::Is) => same,
                _ => false,
            }
        };
        (0..conds.len())
            .flat_map(|i| (i + 1..conds.len()).map(move |j| (i, j)))
            .find(|&(i, j)| contradicts(conds[i], conds[j]))
    }

    const PIECES: &[&str] = &[
        "Group is Tier1",
        "Group is Tier2",
        "Group is not Tier1",
        "Ticket is Created",
        "Ticket is Updated",
        "Ticket is Shared",
        "Ticket is not Shared",
        "Ticket source is email",
        "Ticket source is 4",
        "Ticket source is web",
        "Tags contains none of a b",
        "Tags contains none of c",
        "Tags contains at least one of a",
        "Tags contains at least one of a c",
        "Tags contains all of b d",
        "Tags contains all of d",
        "Status is Open",
    ];

    #[test]
    fn finds_the_pair_a_pairwise_scan_finds_first() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..2_000 {
            let len = 1 + next(6);
            let when: Vec<&str> = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let text = format!(
                "trigger \"t\" {{\n  when {}\n  then Add tags x\n}}\n",
                when.join(" and ")
            );
            let (file, diags) = parse_rules(&text);
            assert!(diags.is_empty(), "{text}");
            let conds: Vec<&Condition> = match file.rules[0].conditions.as_ref() {
                Some(Expr::All(items)) => items
                    .iter()
                    .filter_map(|e| match e {
                        Expr::Cond(c) => Some(c),
                        _ => None,
                    })
                    .collect(),
                Some(Expr::Cond(c)) => vec![c],
                _ => Vec::new(),
            };
            assert_eq!(first_contradiction(&conds), pairwise(&conds), "{text}");
        }
    }
}
