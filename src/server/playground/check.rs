//! `POST /playground/check`: each account's files read and checked as
//! `check` checks them (titles across one account's files; agreement
//! names against that account's sample agreements), the diagnostics at
//! their line and column with their help line.

use super::sample;
use super::PlaygroundError;
use crate::rules::check::{agreements_from_json, CheckOptions};
use crate::rules::diagnostics::{Diagnostic, JsonDiagnostic};
use crate::rules::{check_loaded, load_str, Loaded, Syntax};
use serde::Deserialize;
use serde_json::{json, Value};

/// One rule file as the page sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct FileIn {
    pub account: String,
    pub name: String,
    pub text: String,
}

/// The files of one account, read and checked.
pub struct Checked {
    pub account: &'static str,
    pub files: Vec<(Loaded, Vec<Diagnostic>)>,
}

/// Reads and checks every file, grouped by account in the sample's order.
pub fn check_files(files: &[FileIn]) -> Result<Vec<Checked>, PlaygroundError> {
    if let Some(f) = files.iter().find(|f| sample::account(&f.account).is_none()) {
        return Err(PlaygroundError::NoAccount(f.account.clone()));
    }
    let mut out = Vec::new();
    for account in &sample::ACCOUNTS {
        let loaded: Vec<Loaded> = files
            .iter()
            .filter(|f| f.account == account.name)
            .map(|f| load_str(&f.name, f.text.clone(), syntax_of(&f.name, &f.text)))
            .collect();
        let options = CheckOptions {
            agreements: agreements_from_json(account.file, account.agreements).ok(),
        };
        out.push(Checked {
            account: account.name,
            files: check_loaded(loaded, &options),
        });
    }
    Ok(out)
}

/// The front end for a file: by its name, else by its text, else the DSL.
pub fn syntax_of(name: &str, text: &str) -> Syntax {
    Syntax::of(std::path::Path::new(name))
        .or_else(|| Syntax::sniff(text))
        .unwrap_or(Syntax::Dsl)
}

/// Whether any file has an error.
pub fn has_errors(checked: &[Checked]) -> bool {
    checked
        .iter()
        .flat_map(|c| &c.files)
        .flat_map(|(_, d)| d)
        .any(Diagnostic::is_error)
}

/// The answer: each file's diagnostics, and the counts.
pub fn answer(checked: &[Checked]) -> Value {
    let mut files = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for c in checked {
        for (loaded, diags) in &c.files {
            let shown: Vec<Value> = diags
                .iter()
                .map(|d| serde_json::to_value(JsonDiagnostic::new(d, &loaded.source)))
                .filter_map(Result::ok)
                .collect();
            let e = diags.iter().filter(|d| d.is_error()).count();
            errors += e;
            warnings += diags.len() - e;
            files.push(json!({
                "account": c.account,
                "name": loaded.source.path,
                "diagnostics": shown,
            }));
        }
    }
    json!({ "files": files, "errors": errors, "warnings": warnings })
}
