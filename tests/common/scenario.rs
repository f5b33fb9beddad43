//! Script-driven scenarios run through the real binary, for the sharing
//! and automation suites: one command per line (`agreements invite …`,
//! `accounts set …`, `ingest FILE`, `automations run --at T`), each run
//! with `--db` pointing at the scenario's store. Each account's rules are
//! `rules/<account>.rules` (or `.yaml`), passed as `--rules
//! <account>=<path>`.
//!
//! For every `ingest FILE [FLAG…]` line (`--import-copies`) the harness
//! first dry-runs the same file with the same flags:
//! the store file must be byte-for-byte unchanged, and the report
//! `ingest --report` then prints must be the dry run's, byte for byte.
//! At the end every `ingest` line is replayed: nothing may change.
//! `automations run` lines are checked the same way against `--dry-run`,
//! and each is run a second time at once, which must change nothing. A
//! line whose run fails (exit 1: rules with errors) is only recorded; it
//! must fail as its dry run does and leave the store file untouched.
//!
//! The transcript of every command and the store afterwards (every
//! ticket of every account with its comments and audit trail, the
//! scheduled replies, and the outbox) are the snapshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use ticket_rules::report::ticket_text;
use ticket_rules::store::{ReplyFilter, Store, TicketFilter};

/// The scenario folders under `tests/<group>/`, in name order, each with
/// its name.
pub fn folders(group: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(group);
    dirs_in(&root)
        .into_iter()
        .map(|d| {
            let name = d.file_name().unwrap().to_string_lossy().to_string();
            (d, name)
        })
        .collect()
}

/// Runs the binary in the scenario's folder, so scripts and reports name
/// files relative to it.
pub fn run(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Splits a script line into words; double quotes group words.
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unclosed quote in `{line}`");
    if any {
        out.push(word);
    }
    out
}

/// `--rules account=rules/<file>` for each `rules/<account>.*`.
pub fn rules_args(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("rules")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|file| {
            let account = file.split('.').next().unwrap_or_default();
            ["--rules".to_string(), format!("{account}=rules/{file}")]
        })
        .collect()
}

/// Everything the store holds that a scenario is about.
pub fn dump(db: &Path) -> String {
    let store = Store::open_existing(db).unwrap();
    let mut out = String::new();
    for t in store.tickets(&TicketFilter::default()).unwrap() {
        let comments = store.comments(&t.account, t.id).unwrap();
        let audit = store.audit(&t.account, t.id).unwrap();
        out.push_str(&ticket_text(&t, &comments, &audit));
    }
    out.push_str(&replies(&store));
    let outbox = store.outbox().unwrap();
    if !outbox.is_empty() {
        out.push_str("outbox:\n");
    }
    for o in outbox {
        let acked = if o.acked { " (acked)" } else { "" };
        out.push_str(&format!(
            "  #{} {} from {} ticket {}{acked}: {}\n",
            o.seq, o.kind, o.account, o.ticket_id, o.payload
        ));
    }
    out
}

/// Every scheduled reply, and what became of it.
fn replies(store: &Store) -> String {
    let all = ReplyFilter {
        account: None,
        all: true,
    };
    let mut out = String::new();
    for r in store.replies(&all).unwrap() {
        if out.is_empty() {
            out.push_str("scheduled replies:\n");
        }
        let done = r.done_event.map(|e| format!(" by {e}")).unwrap_or_default();
        out.push_str(&format!(
            "  #{} {}/{} by {} due {}: {}{done}: {:?}\n",
            r.id,
            r.account,
            r.ticket_id,
            r.author,
            r.due_at.to_rfc3339(),
            r.state.as_str(),
            r.body
        ));
    }
    out
}

/// The folders in `root`, in name order.
pub fn dirs_in(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// One command's transcript entry.
pub fn transcript(line: &str, out: &Output) -> String {
    let mut entry = format!("$ {line}\n");
    entry.push_str(&text(&out.stdout));
    let err = text(&out.stderr);
    if !err.is_empty() {
        entry.push_str(&format!("[stderr]\n{err}"));
    }
    entry.push_str(&format!("[exit {}]\n", out.status.code().unwrap_or(-1)));
    entry
}

/// `ingest FILE [FLAG…]`: the dry run first, then the ingest it
/// predicts; both get the flags (`--import-copies`).
pub fn ingest(dir: &Path, db: &str, name: &str, file: &str, flags: &[String]) -> Output {
    let events = file.to_string();
    let mut dry = vec!["dry-run".to_string(), "--db".into(), db.into()];
    dry.extend(rules_args(dir));
    dry.extend(["--event".to_string(), events.clone()]);
    dry.extend(["--explain".to_string(), "none".into()]);
    dry.extend(flags.iter().cloned());
    let before = std::fs::read(db).unwrap();
    let dry = run(dir, &dry);
    assert!(
        dry.status.code().is_some_and(|c| c < 2),
        "{name}: dry-run failed: {}",
        text(&dry.stderr)
    );
    assert_eq!(
        before,
        std::fs::read(db).unwrap(),
        "{name}: dry-run of {file} changed the store file"
    );
    let mut args = vec!["ingest".to_string(), "--db".into(), db.into()];
    args.extend(rules_args(dir));
    args.extend([events, "--report".to_string()]);
    args.extend(flags.iter().cloned());
    let out = run(dir, &args);
    let report = text(&out.stdout);
    let body = report.rsplit_once('\n').map_or("", |(b, _)| b);
    let body = body.rsplit_once('\n').map_or("", |(b, _)| b);
    assert_eq!(
        format!("{body}\n").trim_start(),
        text(&dry.stdout).trim_start(),
        "{name}: ingest of {file} did not do what dry-run said"
    );
    out
}

/// `automations run …`: the dry run first, which must leave the store
/// file as it was and print what the run then does; then the run (with
/// `--report`); then the same run again, which must change nothing.
pub fn automations(dir: &Path, db: &str, name: &str, args: &[String]) -> Output {
    let mut base = args.to_vec();
    base.extend(["--db".to_string(), db.to_string()]);
    base.extend(rules_args(dir));
    let mut dry = base.clone();
    dry.extend(["--dry-run".into(), "--report".into()]);
    let before = std::fs::read(db).unwrap();
    let dry = run(dir, &dry);
    assert_eq!(
        before,
        std::fs::read(db).unwrap(),
        "{name}: a dry run of the automations changed the store file"
    );
    let mut real = base.clone();
    real.push("--report".into());
    let out = run(dir, &real);
    if !out.status.success() {
        // A refused run (rules with errors, say) is only recorded: it must
        // fail as its dry run did and leave the store file as it was.
        assert_eq!(
            (out.status.code(), text(&out.stdout), text(&out.stderr)),
            (dry.status.code(), text(&dry.stdout), text(&dry.stderr)),
            "{name}: a failing automation run did not fail as its dry run did"
        );
        assert_eq!(
            before,
            std::fs::read(db).unwrap(),
            "{name}: a failing automation run changed the store file"
        );
        return out;
    }
    let predicted = text(&dry.stdout)
        .replace("  would change ", "  changed ")
        .replace("dry run, nothing written: ", "");
    assert_eq!(
        text(&out.stdout),
        predicted,
        "{name}: the automations did not do what their dry run said"
    );
    let after = dump(Path::new(db));
    let again = run(dir, &base);
    let summary = text(&again.stdout);
    assert!(
        summary
            .lines()
            .last()
            .unwrap_or("")
            .contains(": 0 tickets changed"),
        "{name}: running the automations again at the same time changed tickets: {summary}"
    );
    assert_eq!(
        after,
        dump(Path::new(db)),
        "{name}: running the automations again changed the store"
    );
    out
}

/// Runs one scenario folder's script; its transcript and the store
/// afterwards. `group` names the folder its store is kept in.
pub fn scenario(dir: &Path, group: &str, name: &str) -> String {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let db = std::path::absolute(tmp.join("store.db"))
        .unwrap()
        .display()
        .to_string();
    // The store exists from the start, so every step may open it.
    drop(Store::open(Path::new(&db)).unwrap());
    let script =
        std::fs::read_to_string(dir.join("script")).unwrap_or_else(|_| panic!("{name}: no script"));
    let mut out = String::new();
    let mut ingested = Vec::new();
    for line in script.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let args = words(line);
        let result = if args[0] == "ingest" {
            ingested.push(args[1..].to_vec());
            ingest(dir, &db, name, &args[1], &args[2..])
        } else if args[..2] == ["automations", "run"] && !args.iter().any(|a| a == "--dry-run") {
            automations(dir, &db, name, &args)
        } else {
            let mut full = args.clone();
            full.extend(["--db".to_string(), db.clone()]);
            run(dir, &full)
        };
        out.push_str(&transcript(line, &result).replace(&db, "<db>"));
        out.push('\n');
    }
    let after = dump(Path::new(&db));
    for file_and_flags in ingested {
        let mut args = vec!["ingest".to_string(), "--db".into(), db.clone()];
        args.extend(rules_args(dir));
        args.extend(file_and_flags.iter().cloned());
        let file = &file_and_flags[0];
        let again = run(dir, &args);
        let summary = text(&again.stdout);
        assert!(
            summary.starts_with("0 applied"),
            "{name}: replaying {file} applied events again: {summary}"
        );
    }
    assert_eq!(
        after,
        dump(Path::new(&db)),
        "{name}: replaying the events changed the store"
    );
    out.push_str("== store afterwards\n");
    out.push_str(&after);
    out
}
