//! Every diagnostic code the source can emit is documented in
//! `docs/LANGUAGE.md` and shown by at least one test: a fixture's
//! `# expect:` line or a reviewed snapshot. A new diagnostic without a test
//! or a line of documentation fails here.

use std::path::Path;

fn read_tree(dir: &Path, ext: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_tree(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn emitted_codes() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    read_tree(&root.join("src"), "rs", &mut sources);
    let made = regex::Regex::new(
        r#"(?:Diagnostic::(?:error|warning)|syntax_diag)\(\s*"([a-z]+(?:-[a-z]+)*)""#,
    )
    .unwrap();
    let mut codes: Vec<String> = sources
        .iter()
        .flat_map(|s| {
            made.captures_iter(s)
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn the_scan_finds_the_codes() {
    let codes = emitted_codes();
    for code in [
        "syntax",
        "unknown-field",
        "yaml",
        "json",
        "does-not-fit",
        "trigger-refires",
    ] {
        assert!(
            codes.contains(&code.to_string()),
            "{code} not found in {codes:?}"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/LANGUAGE.md")).unwrap();
    let missing: Vec<String> = emitted_codes()
        .into_iter()
        .filter(|c| !docs.contains(&format!("`{c}`")))
        .collect();
    assert!(missing.is_empty(), "not in docs/LANGUAGE.md: {missing:?}");
}

#[test]
fn every_code_is_shown_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut texts = Vec::new();
    for ext in ["snap", "rules", "yaml", "json"] {
        read_tree(&root, ext, &mut texts);
    }
    // Test code that asserts a code by name counts too; this file does not.
    let mut code = Vec::new();
    read_tree(&root, "rs", &mut code);
    let this = include_str!("diagnostic_codes.rs");
    code.retain(|t| t != this);
    let all = texts.join("\n");
    let asserted = code.join("\n");
    let shown = |c: &str| {
        all.contains(&format!("[{c}]"))
            || all.contains(&format!("# expect: {c}"))
            || asserted.contains(&format!("\"{c}\""))
    };
    let missing: Vec<String> = emitted_codes().into_iter().filter(|c| !shown(c)).collect();
    assert!(
        missing.is_empty(),
        "no fixture or snapshot shows: {missing:?}"
    );
}
