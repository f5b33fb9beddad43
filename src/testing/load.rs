//! Stage one: a `*.test.yaml` file read, its rules loaded and checked, and
//! every case's events parsed, or compiler-style diagnostics for what is
//! wrong (`path:line:column`, the line, carets, a help line), all of them.

use super::locate::Finder;
use super::spec::{CaseSpec, Expect, Given, Spec};
use super::{Action, Case, Diagnostics, TestFile, World, WorldAccount};
use crate::engine::RuleSet;
use crate::event::parse_event;
use crate::ingest::AccountRules;
use crate::model::agreement::from_api_json;
use crate::model::{Agreement, FieldType, Time, Update};
use crate::rules::ast::Span;
use crate::rules::check::CheckOptions;
use crate::rules::diagnostics::{Diagnostic, SourceFile};
use crate::rules::schema::did_you_mean;
use crate::rules::{check_paths, Loaded};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// When a given ticket was created, unless the case says.
pub const DEFAULT_AT: &str = "2026-01-05T09:00:00Z";

/// Reads and checks one test file.
pub fn load(path: &Path) -> Result<TestFile, Diagnostics> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Diagnostics::io(&shown, &e))?;
    let source = SourceFile::new(shown, text);
    let spec: Spec = match serde_yaml::from_str(&source.text) {
        Ok(spec) => spec,
        Err(e) => return Err(Diagnostics::of(&source, vec![yaml_error(&source, &e)])),
    };
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut diags = Vec::new();
    let (world, rules, real) = world(&source, &dir, &spec, &mut diags)?;
    let finder = Finder::new(&source.text, &spec.cases);
    let mut cases = Vec::new();
    let mut names = BTreeSet::new();
    for (i, case) in spec.cases.iter().enumerate() {
        let at = finder.case(i);
        if !names.insert(case.name.as_str()) {
            let d = Diagnostic::error(
                "duplicate-case",
                at.name,
                format!("two cases are named `{}`", case.name),
            );
            diags.push(d.with_help("give each case its own name; `--filter` picks cases by name"));
        }
        let cx = CaseCx {
            finder: &finder,
            index: i,
            account: &world.account,
            rules: &rules,
            accounts: &world.accounts,
            diags: &mut diags,
        };
        if let Some(case) = cx.case(case) {
            cases.push(case);
        }
    }
    if spec.cases.is_empty() {
        diags.push(Diagnostic::error(
            "no-cases",
            finder.key_or_start("cases"),
            "the file has no cases",
        ));
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics::of(&source, diags));
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        source,
        world,
        rules,
        real_paths: real,
        cases,
    })
}

/// A serde error at the line and column it names.
fn yaml_error(source: &SourceFile, e: &serde_yaml::Error) -> Diagnostic {
    let at = e.location().map_or(0, |l| l.index()).min(source.text.len());
    let full = e.to_string();
    // serde_yaml ends with ` at line L column C`; the diagnostic says where.
    let message = full.split(" at line ").next().unwrap_or(&full).to_string();
    let (message, within) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (rest.to_string(), Some(path.to_string())),
        _ => (message, None),
    };
    let first = backquoted(&message).first().map_or("", |w| *w);
    let span = if !first.is_empty() && source.text[at..].starts_with(first) {
        Span::new(at, at + first.len())
    } else {
        crate::rules::yaml::locate::token_at(&source.text, at)
    };
    match message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once("`, expected "))
    {
        Some((key, expected)) => {
            let names = backquoted(expected);
            let text = match within {
                Some(w) => format!("unknown key `{key}` in `{w}`"),
                None => format!("unknown key `{key}`"),
            };
            let d = Diagnostic::error("unknown-key", span, text);
            d.did_you_mean(did_you_mean(key, names))
                .or_help(format!("expected {expected}"))
        }
        None => {
            let text = lowercase_first(&message);
            let text = match within {
                Some(w) => format!("{text} (in `{w}`)"),
                None => text,
            };
            Diagnostic::error("test-file", span, text)
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// The accounts, their agreements, fields and compiled rules.
type Loaded3 = (World, AccountRules, BTreeMap<String, String>);

fn world(
    source: &SourceFile,
    dir: &Path,
    spec: &Spec,
    diags: &mut Vec<Diagnostic>,
) -> Result<Loaded3, Diagnostics> {
    let finder = Finder::new(&source.text, &[]);
    let Some(first) = spec.accounts.keys().next() else {
        let d = Diagnostic::error(
            "no-accounts",
            finder.key_or_start("accounts"),
            "the file names no accounts",
        );
        return Err(Diagnostics::of(
            source,
            vec![d.with_help("add `accounts: { support: { rules: support.rules } }`")],
        ));
    };
    let account = spec.account.clone().unwrap_or_else(|| first.clone());
    if !spec.accounts.contains_key(&account) {
        let names = spec.accounts.keys().map(String::as_str);
        let d = Diagnostic::error(
            "unknown-account",
            finder.value_of("account"),
            format!("`account: {account}` is not one of the file's accounts"),
        );
        diags.push(d.did_you_mean(did_you_mean(&account, names)));
    }
    let mut world = World {
        account,
        accounts: Vec::new(),
    };
    let mut rules = AccountRules::default();
    let mut real = BTreeMap::new();
    let mut rule_failures = Diagnostics::default();
    for (name, acc) in &spec.accounts {
        let agreements = match agreements_of(dir, acc.agreements.as_ref(), name) {
            Ok(list) => list,
            Err((needle, message)) => {
                diags.push(Diagnostic::error(
                    "bad-agreements",
                    finder.text(&needle),
                    message,
                ));
                Vec::new()
            }
        };
        let mut fields = Vec::new();
        for (title, kind) in &acc.fields {
            match FieldType::parse(kind) {
                Some(t) => fields.push((title.clone(), t)),
                None => diags.push(Diagnostic::error(
                    "bad-field-type",
                    finder.text(kind),
                    format!("unknown field type `{kind}` for `{title}`"),
                )),
            }
        }
        world.accounts.push(WorldAccount {
            name: name.clone(),
            agreements,
            fields,
        });
        let paths: Vec<PathBuf> = acc.rules.iter().map(|p| dir.join(p)).collect();
        for (p, written) in paths.iter().zip(&acc.rules) {
            if !p.exists() {
                let d = Diagnostic::error(
                    "no-rules",
                    finder.text(written),
                    format!("no rule file or folder `{written}`"),
                );
                diags.push(d.with_help(format!(
                    "rule paths are relative to the test file's folder `{}`",
                    dir.display()
                )));
            }
        }
        if paths.is_empty() || paths.iter().any(|p| !p.exists()) {
            continue;
        }
        match compile(dir, &paths, &mut real) {
            Ok(set) => {
                rules.own.insert(name.clone(), set);
            }
            Err(failed) => rule_failures.merge(failed),
        }
    }
    if rule_failures.errors > 0 {
        rule_failures.merge(Diagnostics::of(source, std::mem::take(diags)));
        return Err(rule_failures);
    }
    Ok((world, rules, real))
}

/// Loads, checks and compiles rule files, naming them relative to the
/// test file (`support.rules:3:9`) so that a snapshot reads the same from
/// any working directory.
fn compile(
    dir: &Path,
    paths: &[PathBuf],
    real: &mut BTreeMap<String, String>,
) -> Result<RuleSet, Diagnostics> {
    let mut files = check_paths(paths, &CheckOptions::default())
        .map_err(|e| Diagnostics::message(&e.to_string()))?;
    if files.iter().flat_map(|(_, d)| d).any(Diagnostic::is_error) {
        let mut out = Diagnostics::default();
        for (loaded, diags) in &files {
            let errors = diags.iter().filter(|d| d.is_error()).cloned().collect();
            out.merge(Diagnostics::of(&loaded.source, errors));
        }
        return Err(out);
    }
    for (loaded, _) in &mut files {
        relabel(dir, loaded, real);
    }
    Ok(crate::engine::compile::compile_loaded(&files))
}

fn relabel(dir: &Path, loaded: &mut Loaded, real: &mut BTreeMap<String, String>) {
    let path = PathBuf::from(&loaded.source.path);
    let short = path
        .strip_prefix(dir)
        .map_or(path.clone(), Path::to_path_buf);
    let short = short.display().to_string();
    real.insert(short.clone(), loaded.source.path.clone());
    loaded.source.path = short;
}

/// An account's agreements: files and inline objects, one or a list.
/// An error names what to point at and what is wrong.
fn agreements_of(
    dir: &Path,
    value: Option<&Value>,
    account: &str,
) -> Result<Vec<Agreement>, (String, String)> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
    };
    let mut out = Vec::new();
    for item in items {
        let (text, shown) = match &item {
            Value::String(file) => {
                let path = dir.join(file);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    (
                        file.clone(),
                        format!("cannot read `{}`: {e}", path.display()),
                    )
                })?;
                (text, file.clone())
            }
            other => (
                Value::Array(vec![other.clone()]).to_string(),
                "agreements".into(),
            ),
        };
        let mut list =
            from_api_json(&text).map_err(|e| (shown.clone(), format!("`{shown}`: {e}")))?;
        list.iter_mut()
            .for_each(|a| a.account = account.to_string());
        out.extend(list);
    }
    Ok(out)
}

/// What checking one case needs.
struct CaseCx<'a> {
    finder: &'a Finder<'a>,
    index: usize,
    account: &'a str,
    rules: &'a AccountRules,
    accounts: &'a [WorldAccount],
    diags: &'a mut Vec<Diagnostic>,
}

impl CaseCx<'_> {
    fn case(mut self, spec: &CaseSpec) -> Option<Case> {
        let given_at = self.time(spec.given.at.as_deref().unwrap_or(DEFAULT_AT), "at")?;
        let ticket = match &spec.given.ticket {
            Some(t) => Some(self.given_ticket(t, given_at)?),
            None => None,
        };
        let mut fill = Fill {
            account: self.account,
            at: given_at,
            ticket: ticket.as_ref().map(|t| t.ticket_id),
        };
        let mut history: Vec<Update> = Vec::new();
        for (i, e) in spec.given.history.iter().enumerate() {
            let event = self.event(e, &fill, &format!("history-{}", i + 1), "history")?;
            // The history's first ticket is the case's, unless one is given.
            fill.ticket = fill.ticket.or(Some(event.ticket_id));
            history.push(event);
        }
        let action = match (&spec.when.event, &spec.when.automations) {
            (Some(e), None) => Action::Event(Box::new(self.event(e, &fill, "when", "when")?)),
            (None, Some(at)) => Action::Automations(self.time(at, "automations")?),
            _ => {
                let span = self.finder.in_case(self.index, "when", "when");
                let d = Diagnostic::error(
                    "bad-when",
                    span,
                    "`when` takes one of `event` or `automations`",
                );
                self.diags.push(d.with_help(
                    "`when: { event: {...} }` or `when: { automations: 2026-01-06T09:00:00Z }`",
                ));
                return None;
            }
        };
        let (account, ticket_id) = match &action {
            Action::Event(u) => (u.account.clone(), u.ticket_id),
            Action::Automations(_) => (self.account.to_string(), fill.ticket.unwrap_or(1)),
        };
        let agreements = self.inline_agreements(&spec.given)?;
        if let Expect::Checks(checks) = &spec.expect {
            self.known_rules(&checks.on_ticket(), &account);
            for (partner, c) in &checks.partners {
                if self.accounts.iter().any(|a| &a.name == partner) {
                    self.known_rules(c, partner);
                } else {
                    let span = self.finder.in_case(self.index, "partners", partner);
                    let d = Diagnostic::error(
                        "unknown-account",
                        span,
                        format!("`{partner}` is not one of the file's accounts"),
                    );
                    self.diags.push(d.with_help("a partner's copy is checked in a local account the file names under `accounts`"));
                }
            }
        }
        Some(Case {
            name: spec.name.clone(),
            span: self.finder.case(self.index).name,
            given_at,
            ticket,
            history,
            agreements,
            groups: spec.given.groups.clone(),
            agents: spec
                .given
                .agents
                .iter()
                .map(|a| (a.email.clone(), a.name.clone(), a.admin, a.groups.clone()))
                .collect(),
            agent_sharing: spec.given.agent_sharing,
            account,
            ticket_id,
            action,
            expect: match &spec.expect {
                Expect::Snapshot => Expect::Snapshot,
                Expect::Checks(c) => Expect::Checks(c.clone()),
            },
        })
    }

    fn time(&mut self, text: &str, key: &str) -> Option<Time> {
        match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(t) => Some(t.with_timezone(&chrono::Utc)),
            Err(_) => {
                let span = self.finder.in_case(self.index, key, text);
                let d = Diagnostic::error("bad-time", span, format!("`{key}` must be an RFC 3339 time like `2026-01-05T09:00:00Z`, not `{text}`"));
                self.diags.push(d);
                None
            }
        }
    }

    /// The given ticket as a create event with no actor.
    fn given_ticket(&mut self, ticket: &Value, at: Time) -> Option<Update> {
        let mut ticket = ticket.clone();
        let via = ticket
            .as_object_mut()
            .and_then(|m| m.remove("via"))
            .unwrap_or_else(|| "web".into());
        if let Some(m) = ticket.as_object_mut() {
            m.entry("id").or_insert(json!(1));
        }
        let event = json!({"id": "given", "type": "create", "account": self.account, "at": at.to_rfc3339(), "via": via, "ticket": ticket});
        self.parse(&event, "ticket")
    }

    /// An event with the case's defaults filled in: id, account, time,
    /// type, and the given ticket's id.
    fn event(&mut self, event: &Value, fill: &Fill, id: &str, key: &str) -> Option<Update> {
        let mut event = event.clone();
        if let Some(m) = event.as_object_mut() {
            m.entry("id").or_insert(json!(id));
            m.entry("account").or_insert(json!(fill.account));
            m.entry("at").or_insert(json!(fill.at.to_rfc3339()));
            let kind = if fill.ticket.is_some() && !m.contains_key("ticket") {
                "update"
            } else {
                "create"
            };
            m.entry("type").or_insert(json!(kind));
            if m.get("type") == Some(&json!("update")) {
                if let Some(id) = fill.ticket {
                    m.entry("ticket_id").or_insert(json!(id));
                }
            }
        }
        self.parse(&event, key)
    }

    fn parse(&mut self, event: &Value, key: &str) -> Option<Update> {
        let text = serde_json::to_string(event).unwrap_or_default();
        match parse_event(&text, 1) {
            Ok(u) => Some(u),
            Err(e) => {
                let needle = backquoted(&e.message)
                    .into_iter()
                    .find(|w| self.finder.case_has(self.index, w));
                let span = self.finder.in_case(self.index, key, needle.unwrap_or(key));
                self.diags.push(Diagnostic::error(
                    "bad-event",
                    span,
                    format!("in `{key}`: {}", e.message),
                ));
                None
            }
        }
    }

    fn inline_agreements(&mut self, given: &Given) -> Option<Vec<Agreement>> {
        let list = Value::Array(given.agreements.clone());
        match agreements_of(Path::new("."), Some(&list), self.account) {
            Ok(list) => Some(list),
            Err((_, e)) => {
                let span = self.finder.in_case(self.index, "agreements", "agreements");
                let message = format!("`given.agreements`: {e}");
                self.diags
                    .push(Diagnostic::error("bad-agreements", span, message));
                None
            }
        }
    }

    /// Every rule a check names is one of the account's rules.
    fn known_rules(&mut self, checks: &super::spec::TicketChecks, account: &str) {
        let set = self.rules.own.get(account).unwrap_or(&self.rules.rest);
        let titles: Vec<&str> = set
            .triggers
            .iter()
            .chain(&set.automations)
            .map(|r| r.title.as_str())
            .collect();
        let named = checks
            .fired
            .iter()
            .flatten()
            .chain(&checks.must_fire)
            .chain(&checks.must_not_fire);
        for title in named {
            if !titles.contains(&title.as_str()) {
                let span = self.finder.in_case(self.index, "expect", title);
                let d = Diagnostic::error(
                    "unknown-rule",
                    span,
                    format!("no rule `{title}` in `{account}`'s rules"),
                );
                self.diags
                    .push(d.did_you_mean(did_you_mean(title, titles.iter().copied())));
            }
        }
    }
}

/// The defaults a case's events get.
struct Fill<'a> {
    account: &'a str,
    at: Time,
    ticket: Option<i64>,
}

/// The words in backquotes in a message, in order.
fn backquoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}
