//! The library's front door for programs that embed the engine: load rule
//! sources in one call, then ask which triggers match a ticket and an
//! update without running any action. Everything here is built from the
//! stages the command line uses (`rules`, `engine`), so an embedder sees
//! the same diagnostics and the same matches as `check` and `dry-run`.

use crate::engine::compile::compile_loaded;
use crate::engine::facts::Facts;
use crate::engine::prefilter::Probe;
use crate::engine::{own_changes, RuleSet};
use crate::model::{Status, Ticket, Update, UpdateKind};
use crate::rules::check::CheckOptions;
use crate::rules::diagnostics::{render, Diagnostic, Severity, SourceFile, Style};
use crate::rules::{check_loaded, load_str, Syntax};

/// One rule file's text, the name diagnostics show for it, and the front
/// end that reads it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub syntax: Syntax,
}

impl<'a> Source<'a> {
    /// Rules in the DSL (a `.rules` file).
    pub fn dsl(name: &'a str, text: &'a str) -> Source<'a> {
        Source {
            name,
            text,
            syntax: Syntax::Dsl,
        }
    }

    /// Zendesk-shaped YAML (JSON is YAML too, but `Syntax::Json` reports
    /// JSON's errors in JSON's words).
    pub fn yaml(name: &'a str, text: &'a str) -> Source<'a> {
        Source {
            name,
            text,
            syntax: Syntax::Yaml,
        }
    }
}

/// Why rule sources could not be loaded: every error and warning found,
/// each with the file it is in.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct Diagnostics {
    pub files: Vec<(SourceFile, Vec<Diagnostic>)>,
}

impl Diagnostics {
    /// How many errors (not warnings) there are.
    pub fn errors(&self) -> usize {
        let all = self.files.iter().flat_map(|(_, d)| d);
        all.filter(|d| d.severity == Severity::Error).count()
    }

    /// Every finding as `check` prints it, without colour.
    pub fn render(&self) -> String {
        let style = Style { color: false };
        let each = self
            .files
            .iter()
            .flat_map(|(f, ds)| ds.iter().map(move |d| (d, f)));
        each.map(|(d, f)| render(d, f, style)).collect()
    }
}

/// Parses, checks and compiles rule sources, in the order given (the run
/// order of their triggers), titles checked across all of them. Warnings
/// do not stop a load; any error does, and nothing is compiled.
pub fn load(sources: &[Source]) -> Result<RuleSet, Diagnostics> {
    let read = sources
        .iter()
        .map(|s| load_str(s.name, s.text.to_string(), s.syntax))
        .collect();
    let files = check_loaded(read, &CheckOptions::default());
    let mut found = files.iter().flat_map(|(_, d)| d);
    if found.any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics {
            files: files.into_iter().map(|(l, d)| (l.source, d)).collect(),
        });
    }
    Ok(compile_loaded(&files))
}

/// A trigger whose conditions hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match<'r> {
    pub title: &'r str,
    /// `path:line:column` of the trigger.
    pub source: &'r str,
}

/// The triggers, in run order, whose conditions hold on the ticket as the
/// update leaves it (`before` is `None` for a create), before any trigger
/// has fired: the first pass of the trigger cycle, with no action run.
/// None match on a ticket that was closed before the update.
pub fn matching<'r>(
    rules: &'r RuleSet,
    before: Option<&Ticket>,
    update: &Update,
) -> Vec<Match<'r>> {
    if before.is_some_and(|b| b.status == Status::Closed) {
        return Vec::new();
    }
    let ticket = own_changes(before, update, &[]);
    let facts = Facts::new(&rules.interner, &ticket, before, update, update.at);
    let mut candidates = Vec::new();
    let is_create = update.kind == UpdateKind::Create;
    let channels = Probe::channels(&ticket, update);
    rules
        .index
        .probe(is_create, &facts, channels, &mut candidates);
    // As the cycle's first pass: only what the index and the pre-filter
    // left open is tested, not every condition of every trigger found.
    candidates
        .iter()
        .map(|c| (c, &rules.triggers[c.id as usize]))
        .filter(|(c, t)| c.holds(t.cond.as_ref(), &facts))
        .map(|(_, t)| Match {
            title: &t.title,
            source: &t.source,
        })
        .collect()
}
