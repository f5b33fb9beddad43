//! The YAML/JSON front end: rule files in the shape of Zendesk's trigger
//! and automation API, read with serde into the same AST as the DSL.
//!
//! The steps, in order:
//!
//! 1. **Read** ([`read`]): serde reads the text into a `serde_json::Value`
//!    (both serde_yaml and serde_json keep map keys in document order here),
//!    or gives one syntax diagnostic.
//! 2. **Locate** ([`crate::locate`]): serde reports no positions, but diagnostics
//!    need them, so a locator scans the source text alongside the walk.
//!    Because the walk visits keys in document order, each key is searched
//!    for forward from where the previous one was found (`title`, then each
//!    condition's `field`, `operator` and `value`, then each action's …). A
//!    key is only accepted where it can really be a key (quoted in JSON; in
//!    YAML followed by `:` and not inside a comment or a quoted string), so
//!    the found token is on the right line and its exact column. When a
//!    search fails (YAML aliases, unusual quoting) the node gets the span of
//!    the last thing found, which is still close.
//! 3. **Build the AST**: [`loader`] walks the file and rule shape,
//!    [`conditions`] and [`actions`] map Zendesk's items, and [`values`]
//!    turns JSON values into the atoms the DSL would have read.
//!
//! Zendesk names are mapped to ours with the tables in [`schema`]; Zendesk
//! fields, operators and actions that ticket-rules knows but does not run
//! become `Field::Zendesk` / `ActionKind::Zendesk` nodes carrying the
//! original JSON value, so `check` can warn about them and `convert` can
//! write them back out unchanged.
//!
//! [`schema`]: crate::rules::schema

mod actions;
mod conditions;
mod loader;
mod read;
mod values;

use super::ast::RuleFile;
use super::diagnostics::Diagnostic;

pub use conditions::op_for;
pub(crate) use loader::is_comment_key;
pub use values::field_key;

/// Reads a Zendesk-shaped YAML (or, with `json`, JSON) rule file.
pub fn load(src: &str, json: bool) -> (RuleFile, Vec<Diagnostic>) {
    let value = match read::read(src, json) {
        Ok(v) => v,
        Err(d) => return (RuleFile::default(), vec![d]),
    };
    let mut loader = loader::Loader::new(src, json);
    loader.top(&value);
    let file = RuleFile {
        rules: loader.rules,
        comments: Vec::new(),
    };
    (file, loader.diags)
}
