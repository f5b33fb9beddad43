//! The harness of the server tests: a scratch folder with a store set up
//! through the real binary (`accounts`, `agents`, `tokens`), the real
//! `serve` on an ephemeral port of 127.0.0.1 (its first stdout line is
//! the address), and an HTTP client that speaks as one user.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A scratch folder with a store in it.
pub struct Desk {
    pub dir: PathBuf,
    pub db: PathBuf,
}

impl Desk {
    /// A fresh, empty folder for test `name`.
    pub fn new(name: &str) -> Desk {
        let dir =
            std::env::temp_dir().join(format!("ticket-rules-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let db = dir.join("desk.db");
        Desk { dir, db }
    }

    /// Runs the binary with `--db` pointing at the store (but for
    /// `convert`, which has no store).
    pub fn run(&self, args: &[&str]) -> Output {
        let db: &[&std::ffi::OsStr] = if args.first() == Some(&"convert") {
            &[]
        } else {
            &["--db".as_ref(), self.db.as_os_str()]
        };
        Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
            .args(args)
            .args(db)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("binary runs")
    }

    /// Runs the binary and insists it succeeds; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A new token for an agent or admin.
    pub fn token(&self, account: &str, email: &str) -> String {
        self.ok(&["tokens", "add", account, email])
            .trim()
            .to_string()
    }

    /// Writes a rule file into the folder; its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("rule file written");
        path
    }

    /// Starts `serve` with these `--rules` arguments and no clock.
    pub fn serve(&self, rules: &[&str]) -> Server {
        self.serve_with(rules, &["--no-clock"])
    }

    /// Starts `serve` with these `--rules` and more arguments.
    pub fn serve_with(&self, rules: &[&str], more: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ticket-rules"));
        command.arg("serve").arg("--db").arg(&self.db);
        if rules.is_empty() {
            let none = self.write("none.rules", "# no rules\n");
            command.arg("--rules").arg(none);
        }
        for r in rules {
            command.arg("--rules").arg(r);
        }
        let log = std::fs::File::create(self.dir.join("serve.log")).expect("log file");
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .args(more)
            .current_dir(&self.dir)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("serve starts");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
        let addr = first.trim().to_string();
        assert!(
            addr.starts_with("127.0.0.1:"),
            "serve printed `{addr}`; log: {}",
            std::fs::read_to_string(self.dir.join("serve.log")).unwrap_or_default()
        );
        Server {
            child: Some(child),
            base: format!("http://{addr}"),
            log: self.dir.join("serve.log"),
        }
    }

    /// Opens the store file (for checks after the server stopped or while
    /// it runs: WAL lets both read).
    pub fn store(&self) -> ticket_rules::store::Store {
        ticket_rules::store::Store::open_existing(&self.db).expect("store opens")
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Two accounts, `support` and `acme`; in `support` an admin, an agent in
/// group `Tier 2` and an agent in no group; in `acme` an admin.
pub fn two_accounts(name: &str) -> Desk {
    let desk = Desk::new(name);
    desk.ok(&["accounts", "add", "support"]);
    desk.ok(&["accounts", "add", "acme"]);
    desk.ok(&["groups", "add", "support", "Tier 2"]);
    desk.ok(&[
        "agents",
        "add",
        "support",
        "admin@support.example",
        "--admin",
    ]);
    desk.ok(&[
        "agents",
        "add",
        "support",
        "bo@support.example",
        "--group",
        "Tier 2",
    ]);
    desk.ok(&["agents", "add", "support", "cy@support.example"]);
    desk.ok(&["agents", "add", "acme", "admin@acme.example", "--admin"]);
    desk
}

/// A running `serve`; killed when dropped.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    /// A client acting as `email` with `token`.
    pub fn as_user(&self, email: &str, token: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            auth: Some((email.to_string(), token.to_string())),
        }
    }

    /// A client acting as `email` of `account`, with a new token.
    pub fn user(&self, desk: &Desk, account: &str, email: &str) -> Api {
        self.as_user(email, &desk.token(account, email))
    }

    /// A client with no credentials.
    pub fn anonymous(&self) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            auth: None,
        }
    }

    /// Sends a signal (`TERM`, `HUP`, `KILL`) to the server.
    pub fn signal(&self, name: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status();
        assert!(status.expect("kill runs").success());
    }

    /// SIGTERM, then waits for the exit; its status code.
    pub fn stop(mut self) -> Option<i32> {
        self.signal("TERM");
        let status = self.child.take().expect("running").wait().expect("exits");
        status.code()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP client for one user.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    auth: Option<(String, String)>,
}

impl Api {
    /// The email it acts as.
    pub fn email(&self) -> &str {
        self.auth.as_ref().map_or("", |(e, _)| e.as_str())
    }

    /// The API token it sends.
    pub fn token(&self) -> &str {
        self.auth.as_ref().map_or("", |(_, t)| t.as_str())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// A request and its answer: the status and the JSON body (`null`
    /// for an empty one).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some((email, token)) = &self.auth {
            request = request.basic_auth(format!("{email}/token"), Some(token));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body read");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
    }
}

/// Insists an answer is a Zendesk error body with this status.
pub fn assert_error(answer: &(u16, Value), status: u16) {
    assert_eq!(answer.0, status, "answer: {}", answer.1);
    assert!(answer.1["error"].is_string(), "no `error`: {}", answer.1);
    assert!(
        answer.1["description"].is_string(),
        "no `description`: {}",
        answer.1
    );
}

pub fn path_in(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}
