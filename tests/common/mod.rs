//! Helpers shared by the integration tests: a readable outline of an AST for
//! snapshots, rendering diagnostics without colour, and loading and checking
//! a fixture.

#![allow(dead_code)]

pub mod desk;
pub mod partner;
pub mod rng;
pub mod round_trip;
pub mod scenario;

use std::fmt::Write as _;
use ticket_rules::rules::ast::*;
use ticket_rules::rules::check::{
    agreements_from_json, apply_allows, check, check_cycles, check_titles, CheckOptions,
};
use ticket_rules::rules::diagnostics::{render, Diagnostic, SourceFile, Style};
use ticket_rules::rules::schema;
use ticket_rules::rules::{load_path, Loaded};

/// One line per rule, condition and action, indented by nesting.
pub fn outline(file: &RuleFile) -> String {
    let mut out = String::new();
    for rule in &file.rules {
        let _ = write!(out, "{} {:?}", rule.kind.keyword(), rule.title.node);
        if !rule.active {
            out.push_str(" inactive");
        }
        if let Some(p) = &rule.position {
            let _ = write!(out, " position {}", p.node);
        }
        if let Some(d) = &rule.description {
            let _ = write!(out, " description {d:?}");
        }
        out.push('\n');
        if let Some(e) = &rule.conditions {
            out.push_str("  when\n");
            expr(&mut out, e, 4);
        }
        out.push_str("  then\n");
        for a in &rule.actions {
            let _ = writeln!(
                out,
                "    {} {}",
                schema::action_name(&a.kind.node),
                atoms(&a.args)
            );
        }
    }
    for c in &file.comments {
        let _ = writeln!(
            out,
            "comment {:?} own_line={} blank_before={} blank_after={}",
            c.text, c.own_line, c.blank_before, c.blank_after
        );
    }
    out
}

fn expr(out: &mut String, e: &Expr, indent: usize) {
    let pad = " ".repeat(indent);
    match e {
        Expr::All(items) | Expr::Any(items) => {
            let word = if matches!(e, Expr::All(_)) {
                "all"
            } else {
                "any"
            };
            let _ = writeln!(out, "{pad}{word}");
            items.iter().for_each(|i| expr(out, i, indent + 2));
        }
        Expr::Not(inner) => {
            let _ = writeln!(out, "{pad}not");
            expr(out, inner, indent + 2);
        }
        Expr::Cond(c) => {
            let field = match &c.field.node {
                Field::Unknown(n) => format!("?field({n})"),
                f => schema::field_name(f),
            };
            let op = match &c.op.node {
                Op::Unknown(n) => format!("?op({n})"),
                o => schema::op_name(o),
            };
            let _ = writeln!(out, "{pad}{field} | {op} | {}", atoms(&c.operand));
        }
    }
}

fn atoms(items: &[Spanned<Atom>]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|a| match &a.node {
            Atom::Word(w) => format!("word({w})"),
            Atom::Str(s) => format!("text({s:?})"),
            Atom::Num(n) => format!("num({n})"),
            Atom::Regex(r) => format!("regex({r})"),
            Atom::None => "none".to_string(),
            Atom::Json(j) => format!("json({j})"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// Diagnostics rendered as `check` prints them, without colour.
pub fn rendered(path: &str, src: &str, diags: &[Diagnostic]) -> String {
    let file = SourceFile::new(path, src);
    diags
        .iter()
        .map(|d| render(d, &file, Style { color: false }) + "\n")
        .collect()
}

/// The codes a fixture says it expects, from `# expect: code, code` lines.
/// JSON has no comments, so a JSON fixture says it with `"_expect": "code"`.
pub fn expected_codes(src: &str) -> Vec<String> {
    src.lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("# expect:").or_else(|| {
                let rest = l.split("\"_expect\":").nth(1)?;
                Some(
                    rest.trim()
                        .trim_end_matches([',', '}', ']'])
                        .trim()
                        .trim_matches('"'),
                )
            })
        })
        .flat_map(|rest| rest.split(',').map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
        .collect()
}

/// The path relative to the crate, with forward slashes, for stable snapshots.
pub fn shown(path: &std::path::Path) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}

/// The check options for a fixture: files named `agreement*` are checked
/// against `tests/check/agreements.json`.
pub fn options_for(path: &std::path::Path) -> CheckOptions {
    let name = path.file_name().unwrap().to_string_lossy();
    if !name.starts_with("agreement") {
        return CheckOptions::default();
    }
    let json = path
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("agreements.json");
    let text = std::fs::read_to_string(&json).unwrap();
    CheckOptions {
        agreements: Some(agreements_from_json("agreements.json", &text).unwrap()),
    }
}

/// A fixture loaded and checked the way `check` does it: what loading found,
/// then each rule checked, then duplicate titles and cycles, then the
/// warnings its allow comments accept taken out.
pub fn load_and_check(path: &std::path::Path) -> (Loaded, Vec<Diagnostic>) {
    let mut loaded = load_path(path).unwrap();
    let mut diags = std::mem::take(&mut loaded.diagnostics);
    diags.extend(check(&loaded.file, &options_for(path)));
    diags.extend(check_titles(&[&loaded.file]).into_iter().map(|(_, d)| d));
    diags.extend(check_cycles(&[&loaded.file]).into_iter().map(|(_, d)| d));
    let diags = apply_allows(&loaded.file, &loaded.source.text, diags);
    (loaded, diags)
}

/// The fixture names at least one expected code, and every one it names is
/// among `diags`.
pub fn assert_expected_codes(path: &std::path::Path, src: &str, diags: &[Diagnostic]) {
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    let expected = expected_codes(src);
    assert!(
        !expected.is_empty(),
        "{}: no `# expect:` line",
        path.display()
    );
    for code in &expected {
        assert!(
            codes.contains(&code.as_str()),
            "{}: expected {code}, got {codes:?}",
            path.display()
        );
    }
}
