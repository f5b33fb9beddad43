//! `test --coverage`: which rules no case fired, and which conditions were
//! never seen true or never seen false, across every test file run. Rules
//! are known by where they are written on disk, so two test files over the
//! same rules count together.

use super::run::Evaluation;
use super::TestFile;
use crate::rules::ast::RuleKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts over a whole run.
#[derive(Debug, Default, Serialize)]
pub struct Coverage {
    rules: BTreeMap<String, RuleSeen>,
    conditions: BTreeMap<(String, String), (bool, bool)>,
}

#[derive(Debug, Serialize)]
struct RuleSeen {
    account: String,
    title: String,
    kind: &'static str,
    fired: usize,
}

/// What no case reached.
#[derive(Debug, Default, Serialize)]
pub struct Gaps {
    pub rules: usize,
    pub fired: usize,
    /// Rules no case fired.
    pub never_fired: Vec<RuleGap>,
    /// Conditions seen, but only ever one way.
    pub never_true: Vec<ConditionGap>,
    pub never_false: Vec<ConditionGap>,
}

/// A rule no case fired.
#[derive(Debug, Serialize)]
pub struct RuleGap {
    /// `path:line:column` on disk.
    pub at: String,
    pub kind: &'static str,
    pub account: String,
    pub title: String,
}

/// A condition only ever seen one way.
#[derive(Debug, Serialize)]
pub struct ConditionGap {
    pub at: String,
    pub condition: String,
}

impl Coverage {
    /// Every rule a test file runs.
    pub fn add_rules(&mut self, file: &TestFile) {
        for (account, set) in &file.rules.own {
            for rule in set.triggers.iter().chain(&set.automations) {
                let kind = match rule.kind {
                    RuleKind::Trigger => "trigger",
                    RuleKind::Automation => "automation",
                };
                self.rules
                    .entry(real(file, &rule.source))
                    .or_insert_with(|| RuleSeen {
                        account: account.clone(),
                        title: rule.title.to_string(),
                        kind,
                        fired: 0,
                    });
            }
        }
    }

    /// What one case evaluated.
    pub fn add(&mut self, file: &TestFile, seen: &[Evaluation]) {
        for e in seen {
            let at = real(file, &e.source);
            if e.fired {
                if let Some(r) = self.rules.get_mut(&at) {
                    r.fired += 1;
                }
            }
            for (condition, held) in &e.conditions {
                let entry = self
                    .conditions
                    .entry((at.clone(), condition.clone()))
                    .or_default();
                if *held {
                    entry.0 = true;
                } else {
                    entry.1 = true;
                }
            }
        }
    }

    pub fn gaps(&self) -> Gaps {
        let never_fired: Vec<_> = self
            .rules
            .iter()
            .filter(|(_, r)| r.fired == 0)
            .map(|(at, r)| RuleGap {
                at: at.clone(),
                kind: r.kind,
                account: r.account.clone(),
                title: r.title.clone(),
            })
            .collect();
        let one_way = |want_true: bool| {
            self.conditions
                .iter()
                .filter(|(_, (t, f))| if want_true { !*t } else { !*f })
                .map(|((at, c), _)| ConditionGap {
                    at: at.clone(),
                    condition: c.clone(),
                })
                .collect()
        };
        Gaps {
            rules: self.rules.len(),
            fired: self.rules.len() - never_fired.len(),
            never_fired,
            never_true: one_way(true),
            never_false: one_way(false),
        }
    }
}

/// A rule's `path:line:column` with the path as it is on disk.
fn real(file: &TestFile, source: &str) -> String {
    let mut parts = source.rsplitn(3, ':');
    let (col, line, path) = (parts.next(), parts.next(), parts.next());
    match (path, line, col) {
        (Some(path), Some(line), Some(col)) => match file.real_paths.get(path) {
            Some(real) => format!("{real}:{line}:{col}"),
            None => source.to_string(),
        },
        _ => source.to_string(),
    }
}
