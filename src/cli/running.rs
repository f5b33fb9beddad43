//! What the commands that run rules share: the `--db` and `--rules`
//! arguments, loading rules for running, and reading events.

use super::out::{err, errln, out};
use super::{report, stderr_style, CliError, Format};
use crate::engine::{self, Explain, RuleSet};
use crate::ingest::{AccountRules, Incoming, Pipeline, Summary};
use crate::model::Update;
use crate::report::event_text;
use crate::rules::check::CheckOptions;
use crate::rules::{check_paths_as, Syntax};
use crate::store::Store;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// `--rules-format`, given once for the whole command line.
static RULES_FORMAT: std::sync::OnceLock<Option<Syntax>> = std::sync::OnceLock::new();

/// Records `--rules-format` for every rule file the command reads.
pub fn set_rules_format(syntax: Option<Syntax>) {
    let _ = RULES_FORMAT.set(syntax);
}

/// The front end `--rules-format` names, if it was given.
pub fn rules_format() -> Option<Syntax> {
    RULES_FORMAT.get().copied().flatten()
}

/// `--db PATH`.
#[derive(clap::Args, Clone)]
pub struct DbArg {
    /// The ticket store (SQLite); created on first use
    #[arg(long, value_name = "PATH", default_value = "ticket-rules.db")]
    pub db: PathBuf,
}

impl DbArg {
    /// Opens the store, creating it if needed.
    pub fn open(&self) -> Result<Store, CliError> {
        Ok(Store::open(&self.db)?)
    }

    /// Opens a store that must exist already.
    pub fn open_existing(&self) -> Result<Store, CliError> {
        Ok(Store::open_existing(&self.db)?)
    }

    /// Opens a store that must exist already, read-only if need be.
    pub fn open_to_read(&self) -> Result<Store, CliError> {
        Ok(Store::open_to_read(&self.db)?)
    }

    /// Opens a store for a dry run: a copy in memory if it is read-only.
    pub fn open_for_dry_run(&self) -> Result<Store, CliError> {
        Ok(Store::open_for_dry_run(&self.db)?)
    }
}

/// `--max-line-bytes N`: the longest event line read.
#[derive(clap::Args, Clone, Copy)]
pub struct MaxLineArg {
    /// The longest event line read, in bytes; a longer one is rejected
    /// with its line number
    #[arg(long = "max-line-bytes", value_name = "N", default_value_t = crate::event::MAX_LINE)]
    pub max_line: usize,
}

/// `--db PATH` for a command that writes nothing, so never creates it.
#[derive(clap::Args, Clone)]
pub struct ExistingDbArg {
    /// The ticket store (SQLite); it must exist already: a dry run creates
    /// nothing (`--ticket-json` needs no store)
    #[arg(long, value_name = "PATH", default_value = "ticket-rules.db")]
    pub db: PathBuf,
}

impl ExistingDbArg {
    /// Opens the store, which must exist: a copy in memory if it is
    /// read-only, since a dry run writes and then rolls back.
    pub fn open(&self) -> Result<Store, CliError> {
        Ok(Store::open_for_dry_run(&self.db)?)
    }
}

impl From<ExistingDbArg> for DbArg {
    fn from(arg: ExistingDbArg) -> DbArg {
        DbArg { db: arg.db }
    }
}

/// The store, the account, the output: what the commands that only read
/// one account (or list every one) take.
#[derive(clap::Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The account, when the store has several
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `--rules [ACCOUNT=]PATH`: rule files or a folder, for one account or,
/// with no account, for every account that has none of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesArg {
    pub account: Option<String>,
    pub path: PathBuf,
}

impl std::str::FromStr for RulesArg {
    type Err = String;

    /// `support=rules/support` names an account; a path with `=` in it
    /// needs one (`support=a=b.rules`), or a `./` in front.
    fn from_str(text: &str) -> Result<RulesArg, String> {
        let account_like =
            |a: &str| !a.is_empty() && a.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c));
        match text.split_once('=') {
            Some((account, path)) if account_like(account) && !path.is_empty() => Ok(RulesArg {
                account: Some(account.to_string()),
                path: PathBuf::from(path),
            }),
            Some((_, "")) => Err(format!("`{text}` names no rule files after `=`")),
            _ => Ok(RulesArg {
                account: None,
                path: PathBuf::from(text),
            }),
        }
    }
}

/// Loads, checks and compiles each account's rules (`--rules
/// ACCOUNT=PATH`) and the rules for the rest (`--rules PATH`). Rule errors
/// are printed to stderr and give `None` (exit 1): rules with errors
/// never run.
pub fn account_rules(args: &[RulesArg]) -> Result<Option<AccountRules>, CliError> {
    let mut groups: BTreeMap<Option<&str>, Vec<PathBuf>> = BTreeMap::new();
    for arg in args {
        let paths = groups.entry(arg.account.as_deref()).or_default();
        paths.push(arg.path.clone());
    }
    let mut rules = AccountRules::default();
    let mut failed = false;
    for (account, paths) in groups {
        match rules_for_run(&paths)? {
            None => failed = true,
            Some(set) => match account {
                Some(account) => {
                    rules.own.insert(account.to_string(), set);
                }
                None => rules.rest = set,
            },
        }
    }
    Ok((!failed).then_some(rules))
}

/// Loads, checks and compiles rule files for running. Rule errors are
/// printed to stderr and give `None` (exit 1): a rule set with errors
/// never runs.
pub fn rules_for_run(paths: &[PathBuf]) -> Result<Option<RuleSet>, CliError> {
    let mut files = check_paths_as(paths, &CheckOptions::default(), rules_format())?;
    let errors = files.iter().flat_map(|(_, d)| d).any(|d| d.is_error());
    if errors {
        for (_, diags) in &mut files {
            diags.retain(|d| d.is_error());
        }
        err!("{}", report(&files, Format::Human, stderr_style()));
        errln!("the rules have errors; nothing was run");
        return Ok(None);
    }
    Ok(Some(engine::compile::compile_loaded(&files)))
}

/// Opens an events file, or stdin for `-`.
pub fn open_input(path: &Path) -> Result<Box<dyn BufRead>, CliError> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

/// The account a command means: the one named, or the store's only one.
pub fn account_of(store: &Store, named: Option<&str>) -> Result<String, CliError> {
    if let Some(a) = named {
        return Ok(a.to_string());
    }
    let accounts = store.accounts()?;
    match accounts.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(CliError::Usage(
            "the store has no accounts yet\nhelp: name one with `--account`".into(),
        )),
        many => Err(CliError::Usage(format!(
            "the store has {} accounts\nhelp: name one with `--account` ({})",
            many.len(),
            many.join(", ")
        ))),
    }
}

/// `--at TIME` (RFC 3339), or now.
pub fn time_arg(at: Option<&str>) -> Result<crate::model::Time, CliError> {
    match at {
        None => Ok(chrono::Utc::now()),
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| CliError::Usage(format!("`--at {text}` is not an RFC 3339 time: {e}"))),
    }
}

/// Runs updates a command makes (a share, a scheduled reply going out)
/// through the pipeline `ingest` runs, with `rules`: access checks, each
/// account's triggers, the sharing network, the audit trail. Prints what
/// each did as `ingest --report` does.
pub fn run_updates(
    store: &Store,
    rules: &AccountRules,
    updates: Vec<Update>,
) -> Result<Summary, CliError> {
    let incoming = updates.into_iter().map(Incoming::internal);
    let mut pipeline = Pipeline::new(store, rules, Explain::None);
    Ok(pipeline.run(incoming, false, |p| out!("{}", event_text(p)))?)
}
