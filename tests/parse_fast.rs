//! The hand-written fast path of the DSL parser builds what pest builds:
//! the same AST with the same spans, the same comments, and no
//! diagnostics, or it leaves the file to pest. Every `.rules` file in the
//! repository is tried as written, upper-cased and with CRLF line ends.

use std::path::{Path, PathBuf};
use ticket_rules::gen::{generate, Options};
use ticket_rules::rules::parse::{fast_path_reads, parse_rules, parse_with_pest};

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

/// Both paths give the same result, spans included (`Span`'s `==`
/// ignores spans, so the comparison is of the debug text).
fn same(name: &str, text: &str) -> bool {
    let fast = format!("{:#?}", parse_rules(text));
    let pest = format!("{:#?}", parse_with_pest(text));
    if fast != pest {
        let at = fast.lines().zip(pest.lines()).position(|(a, b)| a != b);
        let lines = |t: &str| -> String {
            let skip = at.unwrap_or(0).saturating_sub(8);
            t.lines().skip(skip).take(12).collect::<Vec<_>>().join("\n")
        };
        panic!(
            "{name}: the fast path differs from pest\nfast:\n{}\npest:\n{}",
            lines(&fast),
            lines(&pest)
        );
    }
    fast_path_reads(text)
}

#[test]
fn the_fast_path_builds_what_pest_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "rules-examples", "demo", "fuzz"] {
        rule_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 100, "only {} files", files.len());
    let mut read_fast = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path.display().to_string();
        read_fast += usize::from(same(&name, &text));
        same(&format!("{name} upper-cased"), &text.to_uppercase());
        same(&format!("{name} with CRLF"), &text.replace('\n', "\r\n"));
    }
    // Most files are the common DSL; the rest have errors or passthroughs.
    assert!(
        read_fast * 2 > files.len(),
        "{read_fast} of {}",
        files.len()
    );
}

#[test]
fn the_fast_path_reads_the_examples_and_a_generated_set() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rule_files(&root.join("rules-examples"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(same(&path.display().to_string(), &text), "{path:?}");
    }
    let options = Options {
        rules: 2_000,
        ..Options::default()
    };
    let dsl = generate(&options).expect("workload").dsl;
    assert!(same("generated", &dsl));
}
