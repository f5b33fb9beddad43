//! A scratch help desk for tests of the real binary: a folder of its own
//! under the target's temp dir, a store with the `support` account, a rule
//! file, and events made to order.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use ticket_rules::store::{EventRecord, EventState, Store};

/// A folder with `store.db` (holding `support`) and `r.rules`.
pub struct Desk {
    pub dir: PathBuf,
}

/// A trigger that fires on every new ticket, so runs have work to do.
pub const RULES: &str = "trigger \"Seen\" {\n  when ticket is created\n  then add tags seen\n}\n";

impl Desk {
    /// A fresh desk named after the test.
    pub fn new(name: &str) -> Desk {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("desks")
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let desk = Desk { dir };
        desk.write("r.rules", RULES);
        let out = desk.run(&["accounts", "add", "--db", "store.db", "support"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        desk
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ticket-rules"));
        c.args(args).current_dir(&self.dir).env("NO_COLOR", "1");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("binary runs")
    }

    /// `ingest --db store.db --rules r.rules FILE` and more arguments, run.
    pub fn ingest(&self, file: &str, more: &[&str]) -> Output {
        self.ingest_command(file, more)
            .output()
            .expect("binary runs")
    }

    /// The command [`Desk::ingest`] runs, to start some other way.
    pub fn ingest_command(&self, file: &str, more: &[&str]) -> Command {
        let mut args = vec!["ingest", "--db", "store.db", "--rules", "r.rules"];
        args.extend_from_slice(more);
        args.push(file);
        self.command(&args)
    }

    /// Runs a command with stdout a pipe whose reader has already gone.
    pub fn run_into_closed_pipe(&self, args: &[&str]) -> Output {
        let mut child: Child = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary runs");
        drop(child.stdout.take());
        child.wait_with_output().expect("binary ends")
    }

    /// How many events the store holds as applied.
    pub fn applied(&self) -> usize {
        let events = self.events();
        events
            .iter()
            .filter(|e| e.state == EventState::Applied)
            .count()
    }

    /// The ids of the events the store holds as rejected, in order.
    pub fn rejected(&self) -> Vec<String> {
        let events = self.events();
        let rejected = events
            .into_iter()
            .filter(|e| e.state != EventState::Applied);
        rejected.map(|e| e.event_id).collect()
    }

    fn events(&self) -> Vec<EventRecord> {
        Store::open_existing(&self.path("store.db"))
            .and_then(|s| s.events())
            .unwrap()
    }
}

/// A ticket create for `support` by its requester at `at`.
pub fn create(n: usize, at: &str) -> serde_json::Value {
    serde_json::json!({
        "id": format!("e{n}"), "type": "create", "account": "support", "at": at,
        "via": "email",
        "actor": {"email": format!("u{n}@example.com"), "role": "end_user"},
        "ticket": {"id": n, "subject": format!("ticket {n}"),
                   "requester": format!("u{n}@example.com"), "tags": ["new_here"]},
    })
}

/// `count` creates, one a line, at a fixed time.
pub fn creates(count: usize) -> String {
    lines((1..=count).map(|n| create(n, "2026-11-21T09:00:00Z")))
}

/// Events as JSON Lines.
pub fn lines(events: impl IntoIterator<Item = serde_json::Value>) -> String {
    events.into_iter().map(|e| format!("{e}\n")).collect()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
