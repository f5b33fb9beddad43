//! Stage five: a run's results as text for people, JSON for machines, or
//! JUnit XML for CI dashboards, and the coverage report.

use super::compare::Mismatch;
use super::coverage::Gaps;
use super::suite::{CaseVerdict, FileResult, Results};
use crate::rules::diagnostics::Style;
use serde_json::{json, Value};
use std::fmt::Write;

/// Pass or fail per case; a failure shows expected against got. `style`
/// colours the verdicts (on a terminal only).
pub fn text(results: &Results, style: Style) -> String {
    let mut out = String::new();
    for file in &results.files {
        let _ = writeln!(out, "{}", file.path);
        if let Some(d) = &file.diagnostics {
            out.push_str(&d.human);
            let _ = writeln!(out, "  the file has mistakes; none of its cases ran");
        }
        for case in &file.cases {
            case_text(&mut out, &case.name, &case.verdict, style);
        }
        for path in &file.stale {
            let _ = writeln!(
                out,
                "  note: no case makes `{}` any more; `test --accept` removes it",
                path.display()
            );
        }
    }
    let (total, passed, failed, broken) = results.counts();
    let _ = write!(
        out,
        "{total} case{}: {passed} passed, {failed} failed",
        plural(total)
    );
    if broken > 0 {
        let _ = write!(out, "; {broken} file{} with mistakes", plural(broken));
    }
    out.push('\n');
    out
}

fn case_text(out: &mut String, name: &str, verdict: &CaseVerdict, style: Style) {
    let ok = style.paint("32", "ok   ");
    let fail = style.paint("1;31", "FAIL ");
    match verdict {
        CaseVerdict::Passed => {
            let _ = writeln!(out, "  {ok} {name}");
        }
        CaseVerdict::Accepted(path) => {
            let _ = writeln!(
                out,
                "  {ok} {name} (snapshot written to `{}`)",
                path.display()
            );
        }
        CaseVerdict::Error(e) => {
            let error = style.paint("1;31", "ERROR");
            let _ = writeln!(out, "  {error} {name}\n        {e}");
        }
        CaseVerdict::Failed(mismatches) => {
            let _ = writeln!(out, "  {fail} {name}");
            for m in mismatches {
                mismatch_text(out, m);
            }
        }
        CaseVerdict::Snapshot { path, new, diff } => {
            let what = if *new {
                "new snapshot"
            } else {
                "snapshot differs"
            };
            let _ = writeln!(out, "  {fail} {name}\n        {what}: `{}`", path.display());
            for line in diff.lines() {
                let _ = writeln!(out, "        {line}");
            }
            let _ = writeln!(
                out,
                "        help: `test --review` shows every diff; `test --accept` takes them"
            );
        }
    }
}

fn mismatch_text(out: &mut String, m: &Mismatch) {
    let _ = writeln!(out, "        {}:", m.what);
    let _ = writeln!(out, "          expected: {}", m.expected);
    let _ = writeln!(out, "          got:      {}", m.got);
    for line in &m.why {
        let _ = writeln!(out, "            {line}");
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The results as JSON.
pub fn json(results: &Results, coverage: Option<&Gaps>) -> Value {
    let (total, passed, failed, broken) = results.counts();
    let files: Vec<Value> = results.files.iter().map(file_json).collect();
    let mut v = json!({
        "files": files,
        "cases": total,
        "passed": passed,
        "failed": failed,
        "files_with_mistakes": broken,
    });
    if let Some(gaps) = coverage {
        v["coverage"] = serde_json::to_value(gaps).unwrap_or_default();
    }
    v
}

fn file_json(file: &FileResult) -> Value {
    let cases: Vec<Value> = file
        .cases
        .iter()
        .map(|c| {
            let mut v = json!({"name": c.name});
            match &c.verdict {
                CaseVerdict::Passed => v["status"] = "passed".into(),
                CaseVerdict::Accepted(p) => {
                    v["status"] = "passed".into();
                    v["snapshot_written"] = p.display().to_string().into();
                }
                CaseVerdict::Failed(m) => {
                    v["status"] = "failed".into();
                    v["failures"] = serde_json::to_value(m).unwrap_or_default();
                }
                CaseVerdict::Snapshot { path, new, diff } => {
                    v["status"] = "failed".into();
                    v["snapshot"] =
                        json!({"path": path.display().to_string(), "new": new, "diff": diff});
                }
                CaseVerdict::Error(e) => {
                    v["status"] = "error".into();
                    v["error"] = e.clone().into();
                }
            }
            v
        })
        .collect();
    let stale: Vec<String> = file.stale.iter().map(|p| p.display().to_string()).collect();
    let mut v = json!({"path": file.path, "cases": cases});
    if !stale.is_empty() {
        v["stale_snapshots"] = stale.into();
    }
    if let Some(d) = &file.diagnostics {
        v["diagnostics"] = Value::Array(d.json.clone());
    }
    v
}

/// The results as JUnit XML: a suite per file, a test case per case.
pub fn junit(results: &Results) -> String {
    let (total, _, failed, broken) = results.counts();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"ticket-rules test\" tests=\"{}\" failures=\"{failed}\" errors=\"{broken}\">", total + broken);
    for file in &results.files {
        suite_xml(&mut out, file);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_xml(out: &mut String, file: &FileResult) {
    let path = escape(&file.path);
    let failures = file
        .cases
        .iter()
        .filter(|c| {
            matches!(
                c.verdict,
                CaseVerdict::Failed(_) | CaseVerdict::Snapshot { .. }
            )
        })
        .count();
    let errors = file
        .cases
        .iter()
        .filter(|c| matches!(c.verdict, CaseVerdict::Error(_)))
        .count()
        + usize::from(file.diagnostics.is_some());
    let tests = file.cases.len() + usize::from(file.diagnostics.is_some());
    let _ = writeln!(out, "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">");
    if let Some(d) = &file.diagnostics {
        let _ = writeln!(out, "    <testcase name=\"(load)\" classname=\"{path}\">");
        let _ = writeln!(
            out,
            "      <error message=\"the file has mistakes\">{}</error>",
            escape(&d.human)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    for case in &file.cases {
        let name = escape(&case.name);
        let _ = write!(out, "    <testcase name=\"{name}\" classname=\"{path}\"");
        let body = match &case.verdict {
            CaseVerdict::Passed | CaseVerdict::Accepted(_) => None,
            CaseVerdict::Error(e) => Some(format!("<error message=\"{}\"/>", escape(e))),
            other => {
                let mut text = String::new();
                case_text(&mut text, &case.name, other, Style { color: false });
                Some(format!(
                    "<failure message=\"expected and got differ\">{}</failure>",
                    escape(&text)
                ))
            }
        };
        match body {
            None => out.push_str("/>\n"),
            Some(b) => {
                let _ = writeln!(out, ">\n      {b}\n    </testcase>");
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

/// Text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// What no case reached, in words.
pub fn coverage_text(gaps: &Gaps) -> String {
    let mut out = format!(
        "coverage: {} of {} rules fired in some case\n",
        gaps.fired, gaps.rules
    );
    if !gaps.never_fired.is_empty() {
        out.push_str("  rules no case fired:\n");
        for r in &gaps.never_fired {
            let _ = writeln!(
                out,
                "    {}: {} `{}` ({})",
                r.at, r.kind, r.title, r.account
            );
        }
    }
    for (label, list) in [
        ("never seen true", &gaps.never_true),
        ("never seen false", &gaps.never_false),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "  conditions {label}:");
            for c in list {
                let _ = writeln!(out, "    {}: {}", c.at, c.condition);
            }
        }
    }
    out
}
