//! A real Zendesk API client from a package registry, node-zendesk,
//! unchanged but for its base URL, lists sharing agreements and creates,
//! updates, shows and lists tickets on the real server
//! (`tests/zendesk_client/client.js`). It runs where `node` and `npm` are
//! installed and the client installs (into cargo's scratch folder); where
//! they are not, the test says so and checks nothing. By hand: `npm
//! install` in `tests/zendesk_client`, then `node client.js BASE EMAIL
//! TOKEN` against a running `serve`.

mod serve;

use serde_json::{json, Value};
use serve::two_accounts;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The client's folder with node-zendesk installed, or why not.
fn installed() -> Result<PathBuf, String> {
    for tool in ["node", "npm"] {
        let found = Command::new(tool).arg("--version").output();
        if !found.is_ok_and(|o| o.status.success()) {
            return Err(format!("`{tool}` is not installed"));
        }
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zendesk_client");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("zendesk_client");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for file in ["package.json", "client.js"] {
        std::fs::copy(source.join(file), dir.join(file)).map_err(|e| e.to_string())?;
    }
    if !dir.join("node_modules/node-zendesk").exists() {
        let npm = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !npm.status.success() {
            return Err(format!(
                "npm install failed: {}",
                String::from_utf8_lossy(&npm.stderr)
            ));
        }
    }
    Ok(dir)
}

#[test]
fn node_zendesk_lists_agreements_and_creates_and_updates_a_ticket() {
    let dir = match installed() {
        Ok(dir) => dir,
        Err(why) => {
            eprintln!("node-zendesk check skipped: {why}");
            return;
        }
    };
    let desk = two_accounts("node-zendesk");
    desk.ok(&[
        "agreements",
        "invite",
        "--from",
        "support",
        "--to",
        "acme",
        "--name",
        "Acme",
        "--comments",
        "private_only",
    ]);
    let token = desk.token("support", "admin@support.example");
    let server = desk.serve(&[]);
    let out = Command::new("node")
        .arg("client.js")
        .args([&server.base, "admin@support.example", &token])
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "node-zendesk failed: {}\nserver log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.log_text()
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("the client printed JSON");
    assert_eq!(seen["agreements"]["sharing_agreements"][0]["name"], "Acme");
    assert_eq!(seen["created"]["subject"], "From node-zendesk");
    let id = seen["created"]["id"].clone();
    assert_eq!(seen["updated"]["id"], id);
    assert_eq!(seen["updated"]["status"], "pending");
    assert_eq!(seen["updated"]["tags"], json!(["node", "vip"]));
    assert_eq!(seen["shown"], seen["updated"]);
    let listed = seen["listed"].as_array().expect("a list of tickets");
    assert!(listed.iter().any(|t| t["id"] == id), "{listed:?}");
    let stored = desk
        .store()
        .ticket("support", id.as_i64().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(stored.status.to_string(), "pending");
}
