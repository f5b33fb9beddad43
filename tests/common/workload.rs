//! A workload `ticket-rules gen` wrote, set up and ingested through the
//! real binary: how many rules fired.

use std::path::Path;
use std::process::Command;

/// Runs `setup.sh` into a new store in `dir`, ingests `events.jsonl` with
/// `dsl/`'s rules, checks that all `events` applied, and returns the
/// count of rules fired.
pub fn ingest_fired(dir: &Path, events: usize) -> u64 {
    let bin = env!("CARGO_BIN_EXE_ticket-rules");
    let db = dir.join("store.db");
    let setup = Command::new("sh")
        .arg(dir.join("setup.sh"))
        .env("TICKET_RULES", bin)
        .env("DB", &db)
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let out = Command::new(bin)
        .args(["ingest", "--db"])
        .arg(&db)
        .arg("--rules")
        .arg(dir.join("dsl"))
        .arg(dir.join("events.jsonl"))
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let applied = format!("{events} applied, 0 rejected");
    assert!(
        shown.contains(&applied),
        "{shown}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = shown.split(" rules fired").next().unwrap_or_default();
    let count = before.rsplit(' ').next().and_then(|n| n.parse().ok());
    count.unwrap_or_else(|| panic!("no count of rules fired in {shown}"))
}
