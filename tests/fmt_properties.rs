//! Formatter properties over every `.rules` file in `rules-examples/` and
//! under `tests/`, and the `fmt` subcommand run as a binary.
//!
//! 1. `parse(fmt(x)) == parse(x)`: the same rules (spans never differ) and
//!    the same comment texts in the same order.
//! 2. `fmt` is idempotent: `fmt(parse(fmt(x))) == fmt(x)`.
//! 3. Every file in `rules-examples/` is already formatted.

use std::path::{Path, PathBuf};
use std::process::Command;
use ticket_rules::rules::ast::RuleFile;
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::parse::parse_rules;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rules_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

/// The files that parse without errors, with their text and AST.
fn parsed(dirs: &[&str]) -> Vec<(PathBuf, String, RuleFile)> {
    let mut paths = Vec::new();
    for dir in dirs {
        rules_files(&root().join(dir), &mut paths);
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).expect("read");
            let (file, diags) = parse_rules(&text);
            diags.is_empty().then_some((path, text, file))
        })
        .collect()
}

fn comment_texts(file: &RuleFile) -> Vec<&str> {
    file.comments.iter().map(|c| c.text.as_str()).collect()
}

fn reparse(path: &Path, text: &str) -> RuleFile {
    let (file, diags) = parse_rules(text);
    assert!(
        diags.is_empty(),
        "{}: formatted text does not parse: {diags:?}\n{text}",
        path.display()
    );
    file
}

#[test]
fn formatting_keeps_the_rules_and_comments() {
    let files = parsed(&["rules-examples", "tests"]);
    assert!(files.len() >= 5, "too few files found: {}", files.len());
    for (path, _, file) in &files {
        let formatted = format_file(file);
        let back = reparse(path, &formatted);
        assert_eq!(back.rules, file.rules, "{}", path.display());
        assert_eq!(
            comment_texts(&back),
            comment_texts(file),
            "{}",
            path.display()
        );
    }
}

#[test]
fn formatting_is_idempotent() {
    for (path, _, file) in parsed(&["rules-examples", "tests"]) {
        let once = format_file(&file);
        let twice = format_file(&reparse(&path, &once));
        assert_eq!(twice, once, "{}", path.display());
    }
}

#[test]
fn examples_are_formatted() {
    let files = parsed(&["rules-examples"]);
    assert!(!files.is_empty());
    for (path, text, file) in files {
        assert_eq!(
            format_file(&file),
            text,
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn formatting_without_comments_keeps_the_rules() {
    // An AST from the YAML loader has no comments and meaningless spans.
    for (path, _, mut file) in parsed(&["rules-examples", "tests"]) {
        file.comments.clear();
        let back = reparse(&path, &format_file(&file));
        assert_eq!(back.rules, file.rules, "{}", path.display());
    }
}

// ------------------------------------------------------------ the binary

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ticket-rules");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const MESSY: &str =
    "TRIGGER \"Messy\" { WHEN status IS open AND priority is high  # hot\nTHEN add TAGS x }\n";

#[test]
fn fmt_check_then_fmt() {
    let dir = scratch("cli");
    let file = dir.join("messy.rules");
    std::fs::write(&file, MESSY).unwrap();
    std::fs::write(dir.join("other.yaml"), "triggers: []\n").unwrap();
    let shown = file.display().to_string();
    let folder = dir.display().to_string();

    let (code, stdout, stderr) = run(&["fmt", "--check", &folder]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("--- {shown}\n")), "{stdout}");
    assert!(
        stdout.contains(&format!("+++ {shown} (formatted)\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("+  when Status is open and Priority is high  # hot"),
        "{stdout}"
    );
    assert!(stderr.contains("skipped 1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), MESSY);

    let (code, stdout, stderr) = run(&["fmt", &folder]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains(&format!("formatted {shown}")), "{stderr}");
    let expected = format_file(&parse_rules(MESSY).0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    assert_eq!(
        expected,
        "trigger \"Messy\" {\n  when Status is open and Priority is high  # hot\n  then Add tags x\n}\n"
    );

    let (code, stdout, stderr) = run(&["fmt", "--check", &shown]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "");
}

#[test]
fn fmt_leaves_broken_files_alone() {
    let dir = scratch("broken");
    let file = dir.join("broken.rules");
    let broken = "trigger \"Broken\" { when status is open }\n";
    std::fs::write(&file, broken).unwrap();
    let shown = file.display().to_string();
    for args in [vec!["fmt", &shown], vec!["fmt", "--check", &shown]] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(stderr.contains(&format!("{shown}:1:")), "{stderr}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
    }
}

/// Every file with one extra comment put at each place a comment can go:
/// at the end of each line, on a line of its own before each line, and in
/// the middle of a line (ending it there), in each file as written and as
/// formatted. Comments are kept and a second format changes nothing.
/// (The parser is unoptimised in tests, so long files are sampled.)
#[test]
fn a_comment_anywhere_is_kept_and_stable() {
    const PER_TEXT: usize = 120;
    let mut variants = 0;
    let files = parsed(&["rules-examples", "tests/fmt"]);
    let texts = files
        .iter()
        .flat_map(|(path, text, file)| [(path, text.clone()), (path, format_file(file))]);
    for (path, text) in texts {
        let mut cuts: Vec<(usize, &str)> = Vec::new();
        for (i, c) in text.char_indices() {
            match c {
                '\n' => cuts.push((i, "  # fuzz")),
                ' ' if !text[..i].ends_with(' ') => cuts.push((i, " # fuzz\n")),
                _ => {}
            }
            if i == 0 || text[..i].ends_with('\n') {
                cuts.push((i, "# fuzz\n"));
            }
        }
        let stride = cuts.len().div_ceil(PER_TEXT).max(1);
        for &(at, insert) in cuts.iter().step_by(stride) {
            let variant = format!("{}{insert}{}", &text[..at], &text[at..]);
            let (file, diags) = parse_rules(&variant);
            if !diags.is_empty() {
                continue;
            }
            variants += 1;
            let once = format_file(&file);
            let back = reparse(path, &once);
            let what = format!("{} with a comment at {at}:\n{variant}", path.display());
            assert_eq!(back.rules, file.rules, "{what}");
            assert_eq!(comment_texts(&back), comment_texts(&file), "{what}");
            assert_eq!(format_file(&back), once, "{what}\nformatted once:\n{once}");
        }
    }
    assert!(variants > 100, "{variants}");
}
