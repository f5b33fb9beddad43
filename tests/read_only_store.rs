//! Issue 15, point 11: a store this process may not write (a read-only
//! folder, a read-only file) can still be read and dry-run, through the
//! real binary; writing to it says why it cannot. Run as root, the binary
//! runs as `nobody`, for whom permissions count.

mod common;
use common::desk::{creates, text, Desk};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Output;

const NOBODY: u32 = 65534;

/// The commands that only read, and the dry runs, each with `--db`.
const READING: [&[&str]; 6] = [
    &["tickets", "list"],
    &["tickets", "show", "2"],
    &["accounts", "list"],
    &["outbox", "list"],
    &[
        "dry-run",
        "--rules",
        "../r.rules",
        "--event",
        "../more.jsonl",
    ],
    &[
        "automations",
        "run",
        "--dry-run",
        "--rules",
        "../auto.rules",
        "--at",
        "2026-11-23T00:00:00Z",
    ],
];

const AUTOMATION: &str = "automation \"Open new tickets\" {\n  when status is new and hours since created greater than 1\n  then set status open\n}\n";

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs the binary in `dir` on `dir/store.db`, as `nobody` when we are root.
fn run_in(desk: &Desk, dir: &Path, args: &[&str]) -> Output {
    command_in(desk, dir, args).output().expect("binary runs")
}

fn command_in(desk: &Desk, dir: &Path, args: &[&str]) -> std::process::Command {
    let mut command = desk.command(&[args, &["--db", "store.db"][..]].concat());
    command.current_dir(dir);
    if std::fs::metadata(&desk.dir).unwrap().uid() == 0 {
        command.uid(NOBODY).gid(NOBODY);
    }
    command
}

/// Whether the binary can run here as it will in the test: as root, it
/// runs as `nobody`, who cannot under a home folder closed to others (a
/// checkout in `/root`); then there is no one to test permissions on.
fn permissions_testable(desk: &Desk) -> bool {
    let root = std::fs::metadata(&desk.dir).unwrap().uid() == 0;
    let ran = command_in(desk, &desk.dir, &["accounts", "list"]).output();
    let testable = !root || ran.is_ok_and(|o| o.status.success());
    if !testable {
        eprintln!("skipped: root, and `nobody` cannot run the binary here");
    }
    testable
}

/// A desk with three tickets, and a copy of its store in `sub`.
fn desk_with_copy(name: &str, sub: &str) -> Desk {
    let leftover = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("desks")
        .join(name)
        .join(sub);
    if leftover.exists() {
        chmod(&leftover, 0o755);
    }
    let desk = Desk::new(name);
    desk.write("few.jsonl", &creates(3));
    desk.write("more.jsonl", &creates(5));
    desk.write("auto.rules", AUTOMATION);
    assert!(desk.ingest("few.jsonl", &[]).status.success());
    let copy = desk.path(sub);
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(desk.path("store.db"), copy.join("store.db")).unwrap();
    desk
}

/// Every reading command and dry run answers in the read-only place as it
/// does on a writable copy, and the files there stay as they were.
fn reads_like_a_writable_copy(desk: &Desk, sub: &str) {
    let (here, there) = (desk.path("rw"), desk.path(sub));
    std::fs::create_dir_all(&here).unwrap();
    // SQLite may leave an empty `-wal` and `-shm` beside a read-only file.
    let stored = || std::fs::read(there.join("store.db")).unwrap();
    let before = stored();
    for args in READING {
        std::fs::copy(there.join("store.db"), here.join("store.db")).unwrap();
        let writable = run_in(desk, &here, args);
        let out = run_in(desk, &there, args);
        let err = text(&out.stderr);
        assert!(
            writable.status.success(),
            "{args:?}: {}",
            text(&writable.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(text(&out.stdout), text(&writable.stdout), "{args:?}");
    }
    assert!(stored() == before, "the read-only store changed");
    let set = ["accounts", "set", "support", "--decline-all-invites", "on"];
    let out = run_in(desk, &there, &set);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("read-only"), "{err}");
}

#[test]
fn a_store_in_a_read_only_folder_can_be_read_and_dry_run() {
    let desk = desk_with_copy("ro-folder", "ro");
    if !permissions_testable(&desk) {
        return;
    }
    let ro = desk.path("ro");
    chmod(&ro.join("store.db"), 0o644);
    chmod(&ro, 0o555);
    reads_like_a_writable_copy(&desk, "ro");
    chmod(&ro, 0o755);
}

#[test]
fn a_read_only_store_file_can_be_read_and_dry_run() {
    let desk = desk_with_copy("ro-file", "ro");
    if !permissions_testable(&desk) {
        return;
    }
    let ro = desk.path("ro");
    chmod(&ro, 0o777);
    chmod(&ro.join("store.db"), 0o444);
    reads_like_a_writable_copy(&desk, "ro");
    chmod(&ro, 0o755);
}
