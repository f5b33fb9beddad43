//! Triggers that undo each other. Each trigger in a cycle has a guard, a
//! condition its own actions make false, so alone it would stop; but the
//! next trigger's actions make that guard true again. On every update each
//! of them fires once more (`P` removes `on` and adds `off`, `Q` removes
//! `off` and adds `on`), and the ticket flips back and forth.
//!
//! Guards are indexed by the tag or field they test, so a set of 10,000
//! triggers is one pass over the actions rather than every pair.

use super::whole_rule::{enables, falsifies, top_level};
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

/// What a guard tests, for looking up the guards an action may make true.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Tag(String),
    Field(String),
}

fn keys(c: &Condition) -> Vec<Key> {
    match &c.field.node {
        Field::Tags => c
            .operand
            .iter()
            .filter_map(super::values::atom_text)
            .map(|t| Key::Tag(t.to_lowercase()))
            .collect(),
        f => vec![Key::Field(schema::field_name(f))],
    }
}

fn action_keys(a: &Action) -> Vec<Key> {
    match &a.kind.node {
        ActionKind::AddTags | ActionKind::RemoveTags => a
            .args
            .iter()
            .filter_map(super::values::atom_text)
            .map(|t| Key::Tag(t.to_lowercase()))
            .collect(),
        ActionKind::Set(f) => vec![Key::Field(schema::set_field_name(*f).to_string())],
        _ => Vec::new(),
    }
}

/// `edges[i]`: the nodes whose guard some action of node `i` makes true.
fn edges(nodes: &[Node<'_>]) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<Key, Vec<(usize, usize)>> = HashMap::new();
    for (n, node) in nodes.iter().enumerate() {
        for (g, guard) in node.guards.iter().enumerate() {
            for key in keys(guard) {
                by_key.entry(key).or_default().push((n, g));
            }
        }
    }
    let everything: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(n, node)| (0..node.guards.len()).map(move |g| (n, g)))
        .collect();
    nodes
        .iter()
        .enumerate()
        .map(|(from, node)| {
            let mut out: Vec<usize> = Vec::new();
            for a in &node.rule.actions {
                // `set tags` can make any tag condition true or false.
                let candidates: Vec<(usize, usize)> = if a.kind.node == ActionKind::SetTags {
                    everything.clone()
                } else {
                    action_keys(a)
                        .iter()
                        .flat_map(|k| by_key.get(k).into_iter().flatten().copied())
                        .collect()
                };
                for (to, g) in candidates {
                    if to != from && !out.contains(&to) && enables(a, nodes[to].guards[g]) {
                        out.push(to);
                    }
                }
            }
            out
        })
        .collect()
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
    let names: Vec<String> = cycle
        .iter()
        .map(|&i| format!("`{}`", nodes[i].rule.title.node))
        .collect();
    let who = match names.as_slice() {
        [a, b] => format!("triggers {a} and {b} undo each other"),
        _ => format!("triggers {} undo each other in turn", names.join(", ")),
    };
    let first = nodes[cycle[0]].rule;
    Diagnostic::warning(
        "trigger-cycle",
        first.title.span,
        format!("{who}: every update fires them again"),
    )
    .with_help("each makes its own condition false and the other's true; give one a condition the other cannot change back, such as `ticket is created`")
}
