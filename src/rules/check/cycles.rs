//! Triggers that undo each other. Each trigger in a cycle has a guard, a
//! condition its own actions make false, so alone it would stop; but the
//! next trigger's actions make that guard true again. On every update each
//! of them fires once more (`P` removes `on` and adds `off`, `Q` removes
//! `off` and adds `on`), and the ticket flips back and forth.
//!
//! The graph goes from each trigger to the facts its actions make (a tag
//! added or removed, a field set) and from each fact to the triggers whose
//! guard needs it, so it stays linear in the rule file even when thousands
//! of triggers touch the same tag. A fact is coarser than the values: a
//! `set tags` removes every tag it does not name, and setting a field
//! counts as giving every guard `field is not …` its chance, so a cycle is
//! reported only when each trigger in it guards itself and needs a fact
//! another one makes.

use super::values::words_of;
use super::whole_rule::{falsifies, lower_tags, top_level};
use crate::rules::ast::*;
use crate::rules::diagnostics::Diagnostic;
use crate::rules::schema;
use std::collections::HashMap;

/// A trigger that can take part in a cycle: where it is, and its guards.
struct Node<'a> {
    file: usize,
    rule: &'a Rule,
    guards: Vec<&'a Condition>,
}

/// Cycles among the active triggers of all `files`: one warning per cycle,
/// on its first rule, naming every rule in it.
pub fn check_cycles(files: &[&RuleFile]) -> Vec<(usize, Diagnostic)> {
    let nodes = nodes(files);
    let edges = edges(&nodes);
    strongly_connected(&edges)
        .into_iter()
        .map(|c| {
            c.into_iter()
                .filter(|&i| i < nodes.len())
                .collect::<Vec<_>>()
        })
        .filter(|c| c.len() > 1)
        .map(|mut cycle| {
            cycle.sort_unstable();
            let first = &nodes[cycle[0]];
            (first.file, warning(&nodes, &cycle))
        })
        .collect()
}

fn nodes<'a>(files: &[&'a RuleFile]) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    for (file, f) in files.iter().enumerate() {
        for rule in &f.rules {
            if rule.kind != RuleKind::Trigger || !rule.active {
                continue;
            }
            let guards: Vec<&Condition> = top_level(rule.conditions.as_ref())
                .into_iter()
                .filter_map(|e| match e {
                    Expr::Cond(c) => Some(c),
                    _ => None,
                })
                .filter(|c| rule.actions.iter().any(|a| falsifies(a, c)))
                .collect();
            if !guards.is_empty() {
                out.push(Node { file, rule, guards });
            }
        }
    }
    out
}

/// A fact an action can make true and a guard can need. The graph goes
/// through one hub node per fact (action → fact → guard), so it has as many
/// edges as there are tags and values written, never one per pair of
/// triggers, whatever the rule file holds.
#[derive(Hash, PartialEq, Eq)]
enum Fact {
    TagPresent(String),
    TagAbsent(String),
    /// Some tag gone: what `set tags` does to every tag it does not name.
    AnyTagAbsent,
    FieldIs(String, String),
    /// The field holds some other value than before.
    FieldOther(String),
}

/// The facts that make `c` true.
fn needs(c: &Condition) -> Vec<Fact> {
    let tags = || lower_tags(&c.operand);
    match (&c.field.node, &c.op.node) {
        (Field::Tags, Op::ContainsAtLeastOneOf | Op::ContainsAllOf) => {
            tags().into_iter().map(Fact::TagPresent).collect()
        }
        (Field::Tags, Op::ContainsNoneOf) => tags()
            .into_iter()
            .map(Fact::TagAbsent)
            .chain([Fact::AnyTagAbsent])
            .collect(),
        (f, Op::Is) => words_of(&c.operand)
            .map(|v| Fact::FieldIs(schema::field_name(f), v.to_lowercase()))
            .into_iter()
            .collect(),
        (f, Op::IsNot) => vec![Fact::FieldOther(schema::field_name(f))],
        _ => Vec::new(),
    }
}

/// The facts running `a` makes true.
fn makes(a: &Action) -> Vec<Fact> {
    let tags = || lower_tags(&a.args);
    match &a.kind.node {
        ActionKind::AddTags => tags().into_iter().map(Fact::TagPresent).collect(),
        ActionKind::RemoveTags => tags().into_iter().map(Fact::TagAbsent).collect(),
        ActionKind::SetTags => tags()
            .into_iter()
            .map(Fact::TagPresent)
            .chain([Fact::AnyTagAbsent])
            .collect(),
        ActionKind::Set(f) => {
            let field = schema::set_field_name(*f).to_string();
            let value = words_of(&a.args).map(|v| v.to_lowercase());
            value
                .map(|v| Fact::FieldIs(field.clone(), v))
                .into_iter()
                .chain([Fact::FieldOther(field)])
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The graph: nodes `0..nodes.len()` are triggers, the rest fact hubs. A
/// trigger points at the facts its actions make; a fact points at the
/// triggers whose guard needs it.
fn edges(nodes: &[Node<'_>]) -> Vec<Vec<usize>> {
    let mut hubs: HashMap<Fact, usize> = HashMap::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (n, node) in nodes.iter().enumerate() {
        for fact in node.guards.iter().flat_map(|g| needs(g)) {
            let hub = *hubs.entry(fact).or_insert_with(|| {
                out.push(Vec::new());
                out.len() - 1
            });
            if !out[hub].contains(&n) {
                out[hub].push(n);
            }
        }
    }
    for (n, node) in nodes.iter().enumerate() {
        for fact in node.rule.actions.iter().flat_map(makes) {
            if let Some(&hub) = hubs.get(&fact) {
                if !out[n].contains(&hub) {
                    out[n].push(hub);
                }
            }
        }
    }
    out
}

/// Tarjan's strongly connected components, iteratively (no recursion depth
/// limit on long chains).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, i)) = work.pop() {
            if i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(i) {
                work.push((v, i + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

fn warning(nodes: &[Node<'_>], cycle: &[usize]) -> Diagnostic {
    const SHOWN: usize = 4;
    let names: Vec<String> = cycle
        .iter()
        .take(SHOWN)
        .map(|&i| format!("`{}`", nodes[i].rule.title.node))
        .collect();
    let who = match (names.as_slice(), cycle.len()) {
        ([a, b], 2) => format!("triggers {a} and {b} undo each other"),
        (_, n) if n <= SHOWN => format!("triggers {} undo each other in turn", names.join(", ")),
        (_, n) => format!(
            "triggers {} and {} more undo each other in turn",
            names.join(", "),
            n - SHOWN
        ),
    };
    let first = nodes[cycle[0]].rule;
    Diagnostic::warning(
        "trigger-cycle",
        first.title.span,
        format!("{who}: every update fires them again"),
    )
    .with_help("each makes its own condition false and the other's true; give one a condition the other cannot change back, such as `ticket is created`")
}
