//! `ticket-rules gen` through the real binary: the same seed writes the same
//! bytes, the rules it writes check clean in both syntaxes, and the rules
//! fire, through a real `ingest` into a real store, at the rate asked for.

#[path = "common/workload.rs"]
mod workload;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
}

fn ok(out: Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}\n{err}");
    text
}

/// A fresh folder under the temp dir, for one test.
fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ticket-rules-gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn gen(out: &Path, extra: &[&str]) {
    let mut cmd = bin();
    cmd.arg("gen").arg("--out").arg(out).args(extra);
    ok(cmd.output().unwrap());
}

const FILES: [&str; 4] = [
    "dsl/triggers.rules",
    "yaml/triggers.yaml",
    "events.jsonl",
    "setup.sh",
];

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

#[test]
fn same_seed_writes_same_bytes() {
    let small = ["--rules", "200", "--events", "500", "--tickets", "50"];
    let (a, b, c) = (fresh("a"), fresh("b"), fresh("c"));
    gen(&a, &[&small[..], &["--seed", "7"]].concat());
    gen(&b, &[&small[..], &["--seed", "7"]].concat());
    gen(&c, &[&small[..], &["--seed", "8"]].concat());
    for file in FILES {
        assert!(!read(&a, file).is_empty(), "{file} is empty");
        assert_eq!(
            read(&a, file),
            read(&b, file),
            "{file} differs for one seed"
        );
    }
    for file in ["dsl/triggers.rules", "events.jsonl"] {
        assert_ne!(read(&a, file), read(&c, file), "{file} ignores the seed");
    }
}

#[test]
fn generated_rules_check_clean_in_both_syntaxes() {
    let dir = fresh("check");
    gen(
        &dir,
        &["--rules", "300", "--events", "300", "--tickets", "30"],
    );
    for sub in ["dsl", "yaml"] {
        let text = ok(bin().arg("check").arg(dir.join(sub)).output().unwrap());
        assert!(text.contains("checked 1 file: 0 errors"), "{sub}: {text}");
    }
    let yaml = String::from_utf8(read(&dir, "yaml/triggers.yaml")).unwrap();
    assert_eq!(yaml.matches("- title: Generated rule").count(), 300);
    let dsl = String::from_utf8(read(&dir, "dsl/triggers.rules")).unwrap();
    let ors = dsl.matches(" or ").count();
    assert!(
        (3..=40).contains(&ors),
        "about 5% of 300 rules have an OR: {ors}"
    );
}

#[test]
fn tag_skew_puts_the_top_tag_on_about_43_percent_of_events() {
    let dir = fresh("skew");
    gen(
        &dir,
        &["--rules", "10", "--events", "4000", "--tickets", "400"],
    );
    let events = String::from_utf8(read(&dir, "events.jsonl")).unwrap();
    let top = events.matches("\"topic_001\"").count() as f64 / 4000.0;
    assert!((0.38..=0.48).contains(&top), "top tag on {top}");
    let flat = fresh("flat");
    gen(
        &flat,
        &[
            "--rules",
            "10",
            "--events",
            "4000",
            "--tickets",
            "400",
            "--tag-skew",
            "0",
        ],
    );
    let events = String::from_utf8(read(&flat, "events.jsonl")).unwrap();
    let top = events.matches("\"topic_001\"").count() as f64 / 4000.0;
    assert!(top < 0.03, "with no skew every tag is rare: {top}");
}

/// Rules fired per update per 1,000 rules, by a real ingest of the
/// generated events after the generated setup.
fn measured_rate(name: &str, rules: &str, rate: &str) -> f64 {
    let dir = fresh(name);
    let events = "2000";
    gen(
        &dir,
        &[
            "--rules",
            rules,
            "--events",
            events,
            "--tickets",
            "200",
            "--match-rate",
            rate,
        ],
    );
    let fired = workload::ingest_fired(&dir, 2000) as f64;
    let per_update = fired / events.parse::<f64>().unwrap();
    per_update / rules.parse::<f64>().unwrap() * 1_000.0
}

#[test]
fn rules_fire_at_the_requested_rate() {
    for (rules, want) in [("1000", 1.6), ("400", 8.0)] {
        let got = measured_rate(&format!("rate-{rules}"), rules, &want.to_string());
        let band = want * 0.75..=want * 1.25;
        assert!(
            band.contains(&got),
            "asked {want} per 1,000 rules, got {got}"
        );
    }
}

#[test]
fn impossible_options_are_a_usage_error() {
    let dir = fresh("bad");
    let out = bin()
        .arg("gen")
        .arg("--out")
        .arg(&dir)
        .args(["--events", "5", "--tickets", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`events` must be at least `tickets`"), "{err}");
    assert!(!dir.exists(), "nothing written");
}
