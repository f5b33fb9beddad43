//! `ticket-rules bench` through the real binary, on a generated workload:
//! it counts the same firings a real `ingest` does, its figures are
//! ordered as percentiles must be, and bad input is reported, not lost.

#[path = "common/workload.rs"]
mod workload;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
}

fn text(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    format!("{stdout}{}", String::from_utf8_lossy(&out.stderr))
}

fn workload(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ticket-rules-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args = [
        "--rules",
        "200",
        "--events",
        "1000",
        "--tickets",
        "100",
        "--match-rate",
        "10",
    ];
    let out = bin()
        .arg("gen")
        .arg("--out")
        .arg(&dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    dir
}

fn bench(dir: &Path, events: &Path) -> Value {
    let out = bin()
        .args(["bench", "--format", "json", "--top", "5", "--rules"])
        .arg(dir.join("dsl"))
        .arg("--events")
        .arg(events)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn bench_counts_the_firings_ingest_makes() {
    let dir = workload("same");
    let report = bench(&dir, &dir.join("events.jsonl"));
    assert_eq!(report["triggers"], 200);
    assert_eq!(report["updates"], 1000);
    let fired = report["fired"].as_u64().unwrap();
    assert!(fired > 500, "the workload fires: {fired}");
    assert_eq!(fired, workload::ingest_fired(&dir, 1000));
}

#[test]
fn bench_figures_are_ordered() {
    let dir = workload("order");
    let r = bench(&dir, &dir.join("events.jsonl"));
    let ns = |k: &str| r["per_update_ns"][k].as_u64().unwrap();
    assert!(
        0 < ns("p50") && ns("p50") <= ns("p99") && ns("p99") <= ns("max"),
        "{r}"
    );
    assert!(r["updates_per_second"].as_f64().unwrap() > 0.0);
    assert!(r["load_ns"]["parse"].as_u64().unwrap() > 0);
    let top = r["costliest"].as_array().unwrap();
    assert_eq!(top.len(), 5);
    let times: Vec<u64> = top.iter().map(|c| c["time_ns"].as_u64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "costliest first: {times:?}"
    );
    assert!(top.iter().all(|c| c["tested"].as_u64().unwrap() > 0), "{r}");
}

#[test]
fn a_bad_event_is_reported_with_its_line_and_fails_the_run() {
    let dir = workload("bad");
    let events = dir.join("bad.jsonl");
    let good = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    std::fs::write(&events, format!("{first}\n{{\"id\":\"x\"}}\n")).unwrap();
    let out = bin()
        .args(["bench", "--rules"])
        .arg(dir.join("dsl"))
        .arg("--events")
        .arg(&events)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(
        shown.contains("line 2: event `x`: missing key `type`"),
        "{shown}"
    );
    assert!(
        shown.contains("updates: 1,"),
        "the good line still runs: {shown}"
    );
}

#[test]
fn rules_with_errors_do_not_run() {
    let dir = workload("errs");
    std::fs::write(
        dir.join("dsl/bad.rules"),
        "trigger \"x\" { when Stauts is Open then Add tags y }\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "bench",
            "--gen",
            "--gen-events",
            "10",
            "--gen-tickets",
            "2",
            "--rules",
        ])
        .arg(dir.join("dsl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(shown.contains("error[unknown-field]"), "{shown}");
    assert!(shown.contains("nothing was run"), "{shown}");
}
