//! The rules a server runs: each account's own and the rest, compiled, and
//! the same rules as Zendesk's trigger and automation JSON for `GET
//! /api/v2/triggers`. Loaded at start and again on reload; a set with
//! errors is refused whole, with its diagnostics, and the old one runs on.

use crate::cli::{report, Format};
use crate::engine::compile::compile_loaded;
use crate::ingest::AccountRules;
use crate::rules::ast::Rule;
use crate::rules::check::CheckOptions;
use crate::rules::diagnostics::{Diagnostic, SourceFile, Style};
use crate::rules::{check_paths, convert, Loaded};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// `--rules [ACCOUNT=]PATH`: files or a folder, for one account or for
/// every account without its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSource {
    pub account: Option<String>,
    pub path: PathBuf,
}

/// Rules ready to run and to show.
#[derive(Debug, Default)]
pub struct ServerRules {
    /// Shared, so a part that runs rules (the partner protocol) can hold
    /// the set it started with while a reload swaps in the next.
    pub run: Arc<AccountRules>,
    /// `{triggers, automations}` by account (`None`: the rest).
    shown: BTreeMap<Option<String>, Value>,
    /// Each rule with its warnings, by account (`None`: the rest).
    listed: BTreeMap<Option<String>, Vec<Listed>>,
    /// How many rule files were loaded.
    pub files: usize,
}

/// One rule as the console lists it: where it is and what `check` warns
/// of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// `trigger` or `automation`.
    pub kind: &'static str,
    pub title: String,
    pub active: bool,
    /// `path:line`.
    pub at: String,
    /// `line:col: message`, with the help on its own line.
    pub warnings: Vec<String>,
}

impl ServerRules {
    /// An account's rules in file order, each with its warnings.
    pub fn listed(&self, account: &str) -> &[Listed] {
        self.listed
            .get(&Some(account.to_string()))
            .or_else(|| self.listed.get(&None))
            .map_or(&[], Vec::as_slice)
    }

    /// An account's rules as Zendesk's JSON: `{triggers, automations}`.
    pub fn shown(&self, account: &str) -> Value {
        self.shown
            .get(&Some(account.to_string()))
            .or_else(|| self.shown.get(&None))
            .cloned()
            .unwrap_or_else(|| json!({ "triggers": [], "automations": [] }))
    }
}

/// Why a set of rules was not taken.
#[derive(Debug)]
pub enum Refused {
    /// A file could not be read.
    Load(String),
    /// The rules have errors: as a compiler prints them, and as JSON.
    Errors { text: String, json: Value },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Load(why) => write!(f, "{why}"),
            Refused::Errors { text, .. } => {
                write!(f, "{text}the rules have errors; the old rules keep running")
            }
        }
    }
}

/// Loads, checks and compiles every source; refuses the whole set when any
/// file cannot be read or has an error.
pub fn load(sources: &[RuleSource]) -> Result<ServerRules, Refused> {
    let mut groups: BTreeMap<Option<&str>, Vec<PathBuf>> = BTreeMap::new();
    for source in sources {
        let paths = groups.entry(source.account.as_deref()).or_default();
        paths.push(source.path.clone());
    }
    let mut rules = ServerRules::default();
    let mut run = AccountRules::default();
    let mut failed: Vec<(Loaded, Vec<Diagnostic>)> = Vec::new();
    for (account, paths) in groups {
        let mut files = check_paths(&paths, &CheckOptions::default())
            .map_err(|e| Refused::Load(e.to_string()))?;
        if files.iter().flat_map(|(_, d)| d).any(Diagnostic::is_error) {
            for (_, diags) in &mut files {
                diags.retain(Diagnostic::is_error);
            }
            failed.extend(files);
            continue;
        }
        rules.files += files.len();
        let set = compile_loaded(&files);
        rules
            .shown
            .insert(account.map(str::to_string), shown(&files));
        rules
            .listed
            .insert(account.map(str::to_string), listed(&files));
        match account {
            Some(account) => {
                run.own.insert(account.to_string(), set);
            }
            None => run.rest = set,
        }
    }
    if failed.is_empty() {
        rules.run = Arc::new(run);
        return Ok(rules);
    }
    let text = report(&failed, Format::Human, Style { color: false });
    let json = serde_json::from_str(&report(&failed, Format::Json, Style { color: false }))
        .unwrap_or(Value::Null);
    Err(Refused::Errors { text, json })
}

/// Every file's triggers and automations, in file order, as `convert --to
/// json` prints them; a file that does not convert is left out.
fn shown(files: &[(Loaded, Vec<Diagnostic>)]) -> Value {
    let (mut triggers, mut automations) = (Vec::new(), Vec::new());
    for (loaded, _) in files {
        match convert::to_value(&loaded.file) {
            Ok(mut value) => {
                for (key, into) in [
                    ("triggers", &mut triggers),
                    ("automations", &mut automations),
                ] {
                    if let Some(Value::Array(items)) = value.get_mut(key).map(Value::take) {
                        into.extend(items);
                    }
                }
            }
            Err(_) => {
                tracing::warn!(file = %loaded.source.path, "rules left out of the JSON listing: they do not fit Zendesk's shape")
            }
        }
    }
    json!({ "triggers": triggers, "automations": automations })
}

/// Every file's rules in the order they run (as `compile` orders them:
/// by `position`, then file order), each with the warnings whose span
/// falls inside it.
fn listed(files: &[(Loaded, Vec<Diagnostic>)]) -> Vec<Listed> {
    let mut all = Vec::new();
    for (loaded, diags) in files {
        let source = &loaded.source;
        for rule in &loaded.file.rules {
            let warnings = warnings_in(rule, diags, source);
            let position = rule.position.as_ref().map(|p| p.node);
            let listed = Listed {
                kind: rule.kind.keyword(),
                title: rule.title.node.clone(),
                active: rule.active,
                at: format!("{}:{}", source.path, source.line_col(rule.span.start).0),
                warnings,
            };
            all.push((position, all.len(), listed));
        }
    }
    all.sort_by_key(|(position, i, _)| (position.is_none(), *position, *i));
    all.into_iter().map(|(_, _, listed)| listed).collect()
}

/// The warnings among `diags` that start inside `rule`, as
/// `line:col: message`, with the help on its own line.
fn warnings_in(rule: &Rule, diags: &[Diagnostic], source: &SourceFile) -> Vec<String> {
    let inside = |d: &&Diagnostic| {
        d.span.start >= rule.span.start && d.span.start < rule.span.end.max(rule.span.start + 1)
    };
    diags
        .iter()
        .filter(|d| !d.is_error())
        .filter(inside)
        .map(|d| {
            let (line, col) = source.line_col(d.span.start);
            let help = d.help.as_ref().map(|h| format!("\nhelp: {h}"));
            format!("{line}:{col}: {}{}", d.message, help.unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check::check;
    use crate::rules::{load_str, Syntax};

    #[test]
    fn rules_are_listed_in_run_order_with_their_own_warnings() {
        let text = r#"
trigger "Later" {
  when Ticket is Created
  then Add comment public "Hi {{ticket.nonsense}}"
}

trigger "First" {
  position 1
  when Ticket is Created
  then Add tags first
}

automation "Off" {
  inactive
  when Hours since created greater than 2 and Tags contains none of done
  then Add tags done
}
"#;
        let loaded = load_str("r.rules", text.to_string(), Syntax::Dsl);
        let diags = check(&loaded.file, &CheckOptions::default());
        let listed = listed(&[(loaded, diags)]);
        let titles: Vec<(&str, &str, bool)> = listed
            .iter()
            .map(|l| (l.kind, l.title.as_str(), l.active))
            .collect();
        assert_eq!(
            titles,
            [
                ("trigger", "First", true),
                ("trigger", "Later", true),
                ("automation", "Off", false)
            ]
        );
        assert_eq!(listed[0].at, "r.rules:7");
        assert!(listed[0].warnings.is_empty());
        assert_eq!(listed[1].warnings.len(), 1, "{:?}", listed[1].warnings);
        assert!(
            listed[1].warnings[0].starts_with("4:31: unknown placeholder `{{ticket.nonsense}}`")
        );
        assert!(listed[1].warnings[0].contains("\nhelp: "));
    }
}
