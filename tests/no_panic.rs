//! Property: no input makes the front ends, the checker or the formatter
//! panic. Random bytes, and every fixture and example mutated many ways
//! (cut, spliced, tokens inserted), go through parse, load, check and fmt.

use ticket_rules::rules::check::{check, CheckOptions};
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::{load_str, Syntax};

mod common;
use common::rng::Rng;

const TOKENS: &[&str] = &[
    "trigger",
    "automation",
    "\"",
    "{",
    "}",
    "(",
    ")",
    "/",
    "\\",
    "when",
    "then",
    "and",
    "or",
    "not",
    "is",
    "status",
    "tags",
    "#",
    "\n",
    "(none)",
    "Zendesk",
    "[",
    "]",
    ",",
    "{{",
    "}}",
    "hours since",
    "custom field",
    "99999999999999999999999",
    "é",
    "\u{0}",
    ":",
    "- ",
    "field:",
    "conditions:",
    "all:",
    "any:",
    "actions:",
    "triggers:",
    "value:",
    "null",
    "[]",
    "{}",
];

fn exercise(text: &str, syntax: Syntax) {
    let loaded = load_str("fuzz", text.to_string(), syntax);
    let _ = check(&loaded.file, &CheckOptions::default());
    let _ = format_file(&loaded.file);
    for d in &loaded.diagnostics {
        let _ = ticket_rules::rules::diagnostics::render(
            d,
            &loaded.source,
            ticket_rules::rules::diagnostics::Style { color: false },
        );
    }
}

fn mutate(rng: &mut Rng, src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = chars.clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + rng.below(20)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let token: Vec<char> = TOKENS[rng.below(TOKENS.len())].chars().collect();
                out.splice(at..at, token);
            }
            2 if !chars.is_empty() => {
                let from = rng.below(chars.len());
                let end = (from + rng.below(40)).min(chars.len());
                out.splice(at..at, chars[from..end].iter().copied());
            }
            _ => {
                let c = char::from_u32(rng.below(0x250) as u32).unwrap_or('?');
                out.insert(at, c);
            }
        }
    }
    out.into_iter().collect()
}

fn seeds() -> Vec<(String, Syntax)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths =
        ticket_rules::rules::collect_paths(&[root.join("rules-examples"), root.join("tests")])
            .unwrap_or_default();
    paths
        .iter()
        .filter_map(|p| {
            let syntax = Syntax::of(p)?;
            Some((std::fs::read_to_string(p).ok()?, syntax))
        })
        .collect()
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    for _ in 0..3000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        for syntax in [Syntax::Dsl, Syntax::Yaml, Syntax::Json] {
            exercise(&text, syntax);
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let seeds = seeds();
    assert!(
        seeds.len() > 20,
        "expected fixtures to mutate, found {}",
        seeds.len()
    );
    let mut rng = Rng(0xfeed_f00d);
    for (src, syntax) in &seeds {
        for _ in 0..150 {
            exercise(&mutate(&mut rng, src), *syntax);
        }
    }
}
