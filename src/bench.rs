//! `ticket-rules bench`: how an admin's own rule set performs, as `opa
//! bench` reports for Rego: load time by stage, the trigger cycle's
//! updates per second and per-update percentiles, and the triggers whose
//! conditions cost the most. It runs the engine only (no store), on each
//! update in turn, carrying each ticket from one update to the next.

use crate::engine::compile::compile_loaded;
use crate::engine::facts::Facts;
use crate::engine::{self, own_changes, Context, RuleSet};
use crate::model::{Status, Ticket, Update, UpdateKind};
use crate::rules::check::CheckOptions;
use crate::rules::diagnostics::{Diagnostic, Severity};
use crate::rules::{check_loaded, collect_paths, load_path, LoadError, Loaded};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long each loading stage took.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadTimes {
    pub parse: Duration,
    pub check: Duration,
    pub compile: Duration,
}

/// Rules loaded from disk, with how long it took; `None` when they have
/// errors (which come back for printing).
pub type Timed = (Option<RuleSet>, Vec<(Loaded, Vec<Diagnostic>)>, LoadTimes);

/// Reads, checks and compiles rule files, timing each stage.
pub fn load_timed(paths: &[PathBuf]) -> Result<Timed, LoadError> {
    let start = Instant::now();
    let read = collect_paths(paths)?
        .iter()
        .map(|p| load_path(p))
        .collect::<Result<Vec<_>, _>>()?;
    let parse = start.elapsed();
    let start = Instant::now();
    let files = check_loaded(read, &CheckOptions::default());
    let check = start.elapsed();
    let failed = files
        .iter()
        .flat_map(|(_, d)| d)
        .any(|d| d.severity == Severity::Error);
    let start = Instant::now();
    let set = (!failed).then(|| compile_loaded(&files));
    let times = LoadTimes {
        parse,
        check,
        compile: start.elapsed(),
    };
    Ok((set, files, times))
}

/// One trigger's share of the work.
#[derive(Debug, Clone, Default)]
pub struct RuleCost {
    pub title: String,
    pub source: String,
    /// Updates on which the index made it test its conditions.
    pub tested: usize,
    /// Time spent testing them.
    pub time: Duration,
    /// Times it fired in the run.
    pub fired: usize,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Measured {
    /// Each update's time through the trigger cycle, sorted.
    pub per_update: Vec<Duration>,
    pub fired: usize,
    /// Every trigger, costliest first.
    pub costs: Vec<RuleCost>,
    /// How many updates the costs were measured on.
    pub profiled: usize,
}

impl Measured {
    pub fn total(&self) -> Duration {
        self.per_update.iter().sum()
    }

    /// The `q`-quantile (0 to 1) of the per-update times.
    pub fn quantile(&self, q: f64) -> Duration {
        let n = self.per_update.len();
        match n {
            0 => Duration::ZERO,
            _ => self.per_update[((n - 1) as f64 * q).round() as usize],
        }
    }

    pub fn per_second(&self) -> f64 {
        self.per_update.len() as f64 / self.total().as_secs_f64().max(1e-9)
    }
}

/// Runs every update through the triggers, timing each, then profiles the
/// triggers' conditions on the first `profile` updates.
pub fn measure(rules: &RuleSet, updates: &[Update], profile: usize) -> Measured {
    let mut tickets: HashMap<(&str, i64), Ticket> = HashMap::new();
    let mut per_update = Vec::with_capacity(updates.len());
    let mut fired: HashMap<String, usize> = HashMap::new();
    let mut befores = Vec::with_capacity(profile.min(updates.len()));
    let cx = Context::default();
    for (n, u) in updates.iter().enumerate() {
        let key = (u.account.as_str(), u.ticket_id);
        let before = tickets.get(&key);
        let start = Instant::now();
        let outcome = engine::run(rules, before, u, &cx);
        per_update.push(start.elapsed());
        if n < profile {
            befores.push(before.cloned());
        }
        for f in &outcome.fired {
            *fired.entry(f.title.to_string()).or_default() += 1;
        }
        tickets.insert(key, outcome.after);
    }
    per_update.sort_unstable();
    let mut costs = profile_conditions(rules, &updates[..befores.len()], &befores);
    for c in &mut costs {
        c.fired = fired.get(&c.title).copied().unwrap_or(0);
    }
    Measured {
        per_update,
        fired: fired.values().sum(),
        costs,
        profiled: befores.len(),
    }
}

/// Times each test takes the fastest of: one preemption or page fault in
/// a test of a microsecond would otherwise put its trigger at the top of
/// the list (100 µs for a trigger tested twice, seen at 10,000 triggers).
const TIMINGS: usize = 3;

/// The shortest of `times` runs of `f`.
fn fastest_of(times: usize, mut f: impl FnMut()) -> Duration {
    let once = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    (0..times).map(|_| once(&mut f)).min().unwrap_or_default()
}

/// Each trigger's condition time on the first pass of each update, where
/// the index sends it (later passes re-test only the triggers that read
/// what a firing wrote).
fn profile_conditions(
    rules: &RuleSet,
    updates: &[Update],
    befores: &[Option<Ticket>],
) -> Vec<RuleCost> {
    let mut costs: Vec<RuleCost> = rules
        .triggers
        .iter()
        .map(|t| RuleCost {
            title: t.title.to_string(),
            source: t.source.to_string(),
            ..RuleCost::default()
        })
        .collect();
    let mut candidates = Vec::new();
    for (u, before) in updates.iter().zip(befores) {
        if before.as_ref().is_some_and(|b| b.status == Status::Closed) {
            continue;
        }
        let ticket = own_changes(before.as_ref(), u, &[]);
        let facts = Facts::new(&rules.interner, &ticket, before.as_ref(), u, u.at);
        rules
            .index
            .candidates(u.kind == UpdateKind::Create, &facts, &mut candidates);
        for &i in &candidates {
            let rule = &rules.triggers[i as usize];
            costs[i as usize].time += fastest_of(TIMINGS, || {
                std::hint::black_box(rule.cond.as_ref().is_none_or(|c| c.holds(&facts)));
            });
            costs[i as usize].tested += 1;
        }
    }
    costs.sort_by(|a, b| b.time.cmp(&a.time).then(b.tested.cmp(&a.tested)));
    costs
}
