//! `ticket-rules test`: admins test their rules before they go live. A
//! test file (`*.test.yaml`, next to the rules; see `docs/TESTING.md`)
//! names accounts and their rules, then cases: a world `given`, an event
//! or an automation run `when`, and what to `expect`.
//!
//! The stages, one module each, in order:
//! 1. [`load`]: read the file ([`spec`]), check and compile its rules,
//!    then each case ([`cases`], its ticket in [`given`]); mistakes become compiler-style
//!    diagnostics ([`locate`] finds where).
//! 2. [`world`]: a fresh in-memory store per case with the accounts,
//!    agreements, fields, groups, agents and the given ticket.
//! 3. [`run`]: the `when` through the very pipeline `ingest` runs (or the
//!    automation run `automations run` does), every condition explained,
//!    and what came of it observed.
//! 4. [`compare`]: expected against observed, or against the stored
//!    [`snapshot`].
//! 5. [`report`]: pass or fail per case, as text, JSON or JUnit, and the
//!    [`coverage`] of the rules.

pub mod cases;
pub mod compare;
pub mod coverage;
pub mod given;
pub mod load;
pub mod locate;
pub mod report;
pub mod run;
pub mod save;
pub mod snapshot;
pub mod spec;
pub mod suite;
pub mod world;

use crate::ingest::AccountRules;
use crate::model::{Agreement, FieldType, Time, Update};
use crate::rules::ast::Span;
use crate::rules::diagnostics::{render, Diagnostic, JsonDiagnostic, SourceFile, Style};
use spec::Expect;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A test file, read and checked, ready to run.
pub struct TestFile {
    pub path: PathBuf,
    pub source: SourceFile,
    pub world: World,
    pub rules: AccountRules,
    /// Rule file names as the rules report them (relative to the test
    /// file) → as they are on disk.
    pub real_paths: BTreeMap<String, String>,
    pub cases: Vec<Case>,
}

/// The accounts every case starts from.
pub struct World {
    /// The account the cases' tickets are in.
    pub account: String,
    pub accounts: Vec<WorldAccount>,
}

/// A local account, its agreements and custom fields.
pub struct WorldAccount {
    pub name: String,
    pub agreements: Vec<Agreement>,
    pub fields: Vec<(String, FieldType)>,
}

/// An agent of the case's account: email, name, admin, groups.
pub type AgentRow = (String, Option<String>, bool, Vec<String>);

/// One case, ready to run.
pub struct Case {
    pub name: String,
    /// Where its name is written.
    pub span: Span,
    pub given_at: Time,
    /// The given ticket as a create event, stored before any rule runs.
    pub ticket: Option<Update>,
    /// Its comments after the first, as updates, stored with no rules run.
    pub comments: Vec<Update>,
    /// The update that shares the given ticket (`shared_with`,
    /// `shared_with_agents`), and the rule that does.
    pub sharing: Option<(Update, AccountRules)>,
    pub history: Vec<Update>,
    pub agreements: Vec<Agreement>,
    pub groups: Vec<String>,
    pub agents: Vec<AgentRow>,
    pub agent_sharing: bool,
    /// The ticket the checks are about: the event's, or the given one.
    pub account: String,
    pub ticket_id: i64,
    pub action: Action,
    pub expect: Expect,
}

/// What happens in a case.
pub enum Action {
    Event(Box<Update>),
    /// The automations run at this time.
    Automations(Time),
}

/// What was wrong with a test file (or the rules it names), rendered.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// As `check` prints them.
    pub human: String,
    /// As `check --format json` prints them.
    pub json: Vec<serde_json::Value>,
    pub errors: usize,
}

impl Diagnostics {
    /// `diags` about `source`, errors first.
    pub fn of(source: &SourceFile, mut diags: Vec<Diagnostic>) -> Diagnostics {
        diags.sort_by_key(|d| (d.severity, d.span.start));
        let style = Style { color: false };
        Diagnostics {
            human: diags
                .iter()
                .map(|d| render(d, source, style) + "\n")
                .collect(),
            json: diags
                .iter()
                .map(|d| serde_json::to_value(JsonDiagnostic::new(d, source)).unwrap_or_default())
                .collect(),
            errors: diags.iter().filter(|d| d.is_error()).count(),
        }
    }

    /// One error with no place in a file.
    pub fn message(text: &str) -> Diagnostics {
        Diagnostics {
            human: format!("error: {text}\n"),
            json: vec![serde_json::json!({"severity": "error", "message": text})],
            errors: 1,
        }
    }

    pub fn io(path: &str, e: &std::io::Error) -> Diagnostics {
        Diagnostics::message(&format!("cannot read `{path}`: {e}"))
    }

    pub fn merge(&mut self, other: Diagnostics) {
        self.human.push_str(&other.human);
        self.json.extend(other.json);
        self.errors += other.errors;
    }
}
