//! A whole `test` run: the test files under the paths given, each loaded,
//! each case (matching `--filter`) set up, run and compared, and the
//! coverage of every rule run.

use super::compare::{compare, Mismatch};
use super::coverage::Coverage;
use super::load::load;
use super::run::run_case;
use super::snapshot::{self, Mode, Verdict};
use super::spec::Expect;
use super::{Case, Diagnostics, TestFile};
use crate::rules::is_test_file;
use crate::rules::{files_under, LoadError};
use std::path::PathBuf;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only cases whose name contains this (ignoring case).
    pub filter: Option<String>,
    pub snapshots: Mode,
}

/// Every file's results.
#[derive(Debug, Default)]
pub struct Results {
    pub files: Vec<FileResult>,
    pub coverage: Coverage,
}

/// One test file's results.
#[derive(Debug)]
pub struct FileResult {
    pub path: String,
    /// Mistakes in the file or its rules: nothing in it ran.
    pub diagnostics: Option<Diagnostics>,
    pub cases: Vec<CaseResult>,
    /// Snapshots beside it that no case of it makes any more (removed by
    /// `--accept`).
    pub stale: Vec<PathBuf>,
}

/// One case's result.
#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub verdict: CaseVerdict,
}

#[derive(Debug)]
pub enum CaseVerdict {
    Passed,
    /// A snapshot written by `--accept`.
    Accepted(PathBuf),
    Failed(Vec<Mismatch>),
    /// A snapshot that is new or differs.
    Snapshot {
        path: PathBuf,
        new: bool,
        diff: String,
    },
    /// The case could not run (its world could not be set up).
    Error(String),
}

impl CaseVerdict {
    pub fn passed(&self) -> bool {
        matches!(self, CaseVerdict::Passed | CaseVerdict::Accepted(_))
    }
}

impl Results {
    /// Cases that ran, passed, and failed or could not run; plus files
    /// with mistakes.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let cases = self.files.iter().flat_map(|f| &f.cases);
        let (total, passed) = cases.fold((0, 0), |(t, p), c| {
            (t + 1, p + usize::from(c.verdict.passed()))
        });
        let broken = self
            .files
            .iter()
            .filter(|f| f.diagnostics.is_some())
            .count();
        (total, passed, total - passed, broken)
    }

    pub fn ok(&self) -> bool {
        let (_, _, failed, broken) = self.counts();
        failed == 0 && broken == 0
    }
}

/// Runs every test file under `paths`.
pub fn run(paths: &[PathBuf], options: &Options) -> Result<Results, LoadError> {
    let mut results = Results::default();
    for path in files_under(paths, is_test_file)? {
        let shown = path.display().to_string();
        let file = match load(&path) {
            Ok(file) => file,
            Err(d) => {
                results.files.push(FileResult {
                    path: shown,
                    diagnostics: Some(d),
                    cases: Vec::new(),
                    stale: Vec::new(),
                });
                continue;
            }
        };
        results.coverage.add_rules(&file);
        let mut cases = Vec::new();
        for case in file.cases.iter().filter(|c| wanted(c, options)) {
            cases.push(run_one(
                &file,
                case,
                options.snapshots,
                &mut results.coverage,
            ));
        }
        let stale = match options.filter {
            // A filtered run does not know which snapshots the rest use.
            Some(_) => Vec::new(),
            None => stale_snapshots(&file, options.snapshots),
        };
        results.files.push(FileResult {
            path: shown,
            diagnostics: None,
            cases,
            stale,
        });
    }
    Ok(results)
}

/// Snapshots in the file's snapshot folder that none of its snapshot
/// cases makes; `--accept` removes them.
fn stale_snapshots(file: &TestFile, mode: Mode) -> Vec<PathBuf> {
    let used: Vec<PathBuf> = file
        .cases
        .iter()
        .filter(|c| matches!(c.expect, Expect::Snapshot))
        .map(|c| snapshot::path_of(&file.path, &c.name))
        .collect();
    let dir = snapshot::path_of(&file.path, "case");
    let Some(Ok(entries)) = dir.parent().map(std::fs::read_dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap") && !used.contains(p))
        .collect();
    stale.sort();
    if mode == Mode::Accept {
        stale.retain(|p| std::fs::remove_file(p).is_err());
    }
    stale
}

fn wanted(case: &Case, options: &Options) -> bool {
    options
        .filter
        .as_ref()
        .is_none_or(|f| case.name.to_lowercase().contains(&f.to_lowercase()))
}

fn run_one(file: &TestFile, case: &Case, mode: Mode, coverage: &mut Coverage) -> CaseResult {
    let verdict = match run_case(file, case) {
        Err(e) => CaseVerdict::Error(e),
        Ok(seen) => {
            coverage.add(file, &seen.evaluations);
            match &case.expect {
                Expect::Checks(checks) => match compare(checks, &seen) {
                    m if m.is_empty() => CaseVerdict::Passed,
                    m => CaseVerdict::Failed(m),
                },
                Expect::Snapshot => {
                    let path = snapshot::path_of(&file.path, &case.name);
                    let got = serde_json::Value::Array(seen.snapshot);
                    match snapshot::verdict(&path, &got, mode) {
                        Ok(Verdict::Same) => CaseVerdict::Passed,
                        Ok(Verdict::Accepted(p)) => CaseVerdict::Accepted(p),
                        Ok(Verdict::Differs { path, new, diff }) => {
                            CaseVerdict::Snapshot { path, new, diff }
                        }
                        Err(e) => CaseVerdict::Error(format!("snapshot `{}`: {e}", path.display())),
                    }
                }
            }
        }
    };
    CaseResult {
        name: case.name.clone(),
        verdict,
    }
}
