//! `dry-run … --save-test FILE`: a case written from a real event and what
//! the rules do with it today, so an admin can pin current behaviour
//! before changing the rules. The file is created, or the case is added
//! to its cases.

use crate::engine::ShareOp;
use crate::event::parse_event;
use crate::ingest::{Processed, Status};
use crate::model::{Agreement, Ticket, Update};
use crate::sharing::StepResult;
use crate::store::{Store, StoreError};
use serde_json::{json, Map, Value};
use std::path::{Component, Path, PathBuf};

/// A case being pinned: what `dry-run` learns as it runs, then written.
pub struct Pin {
    file: PathBuf,
    /// Rule paths by account (`None`: every account without its own).
    rules: Vec<(Option<String>, PathBuf)>,
    /// The event as written, and as read.
    event: Option<(Value, Update)>,
    before: Option<Ticket>,
    agreements: Vec<Agreement>,
    expect: Option<Result<Value, SaveError>>,
}

/// Why the case could not be saved.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::sync::Arc<std::io::Error>,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::sync::Arc<std::io::Error>,
    },
    #[error("`{path}` is not a test file: {message}")]
    NotTests { path: String, message: String },
    #[error("the event was rejected, so there is no outcome to pin: {0}")]
    Rejected(String),
}

impl Pin {
    pub fn new(file: PathBuf, rules: Vec<(Option<String>, PathBuf)>) -> Pin {
        Pin {
            file,
            rules,
            event: None,
            before: None,
            agreements: Vec::new(),
            expect: None,
        }
    }

    /// The first event of an events file is the one pinned.
    pub fn first_event_of(&mut self, path: &Path) -> Result<(), SaveError> {
        let text = std::fs::read_to_string(path).map_err(|source| SaveError::Read {
            path: path.display().to_string(),
            source: source.into(),
        })?;
        let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if let Ok(update) = parse_event(line, 1) {
            self.event = Some((serde_json::from_str(line).unwrap_or(Value::Null), update));
        }
        Ok(())
    }

    /// `dry-run --ticket-json` alone: the ticket file as a create event.
    pub fn ticket_json(&mut self, text: &str, update: &Update) {
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let event = if value.get("ticket").is_some() {
            value
        } else {
            let mut ticket = value;
            if let Some(m) = ticket.as_object_mut() {
                m.remove("account");
            }
            json!({
                "id": update.event_id, "type": "create", "account": update.account,
                "at": update.at, "via": update.via, "actor": update.actor, "ticket": ticket,
            })
        };
        self.event = Some((event, update.clone()));
    }

    /// The ticket the event updates, and its account's agreements, as the
    /// store has them before the event.
    pub fn before(&mut self, store: &Store) -> Result<(), StoreError> {
        if let Some((_, update)) = &self.event {
            self.before = store.ticket(&update.account, update.ticket_id)?;
            self.agreements = store.agreements(&update.account)?;
        }
        Ok(())
    }

    /// What the pinned event did: the first one seen.
    pub fn seen(&mut self, p: &Processed) {
        if self.expect.is_none() {
            self.expect = Some(expect_of(p));
        }
    }

    /// Writes the case into the file; returns its name.
    pub fn write(self) -> Result<String, SaveError> {
        let Some((event, update)) = &self.event else {
            return Err(SaveError::Rejected("the event could not be read".into()));
        };
        let expect = self
            .expect
            .clone()
            .unwrap_or_else(|| Err(SaveError::Rejected("nothing ran".into())))?;
        let file = &self.file;
        let shown = file.display().to_string();
        let mut doc = match std::fs::read_to_string(file) {
            Ok(text) => serde_yaml::from_str::<Value>(&text).map_err(|e| SaveError::NotTests {
                path: shown.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.header(&update.account),
            Err(source) => {
                let source = source.into();
                return Err(SaveError::Read {
                    path: shown,
                    source,
                });
            }
        };
        let name = format!("event {} as it runs today", update.event_id);
        let mut case = json!({ "name": name });
        if let Some(t) = &self.before {
            case["given"] = json!({"at": t.times.created_at, "ticket": given_ticket_json(t)});
        }
        case["when"] = json!({ "event": event });
        case["expect"] = expect;
        match doc.get_mut("cases").and_then(Value::as_array_mut) {
            Some(cases) => cases.push(case),
            None => doc["cases"] = json!([case]),
        }
        let text = serde_yaml::to_string(&doc).unwrap_or_default();
        let text = format!(
            "# Written by `ticket-rules dry-run --save-test`; see docs/TESTING.md.\n{text}"
        );
        std::fs::write(file, text).map_err(|source| SaveError::Write {
            path: shown,
            source: source.into(),
        })?;
        Ok(name)
    }

    /// A new file's accounts: the rules (relative to the file) and the
    /// agreements of the event's account.
    fn header(&self, account: &str) -> Value {
        let dir = self.file.parent().unwrap_or(Path::new(""));
        let mut accounts = Map::new();
        for (name, path) in &self.rules {
            let name = name.as_deref().unwrap_or(account);
            let entry = accounts
                .entry(name.to_string())
                .or_insert_with(|| json!({"rules": []}));
            if let Some(list) = entry["rules"].as_array_mut() {
                list.push(relative(dir, path).into());
            }
        }
        if let Some(entry) = accounts.get_mut(account) {
            if !self.agreements.is_empty() {
                entry["agreements"] = serde_json::to_value(&self.agreements).unwrap_or_default();
            }
        }
        json!({"accounts": accounts, "account": account, "cases": []})
    }
}

/// The ticket as a create event's `ticket` object.
fn given_ticket_json(t: &Ticket) -> Value {
    let mut v = json!({"id": t.id, "via": t.via, "subject": t.subject, "status": t.status});
    let optional = [
        ("priority", t.priority.map(|p| p.as_str().to_string())),
        ("type", t.ticket_type.map(|p| p.as_str().to_string())),
        ("group", t.group.clone()),
        ("assignee", t.assignee.clone()),
        ("requester", t.requester.clone()),
        ("organization", t.organization.clone()),
        ("brand", t.brand.clone()),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            v[key] = value.into();
        }
    }
    if !t.tags.is_empty() {
        v["tags"] = json!(t.tags);
    }
    if !t.custom_fields.is_empty() {
        let fields: Map<String, Value> = t
            .custom_fields
            .values()
            .map(|f| (f.title.clone(), f.value.clone()))
            .collect();
        v["custom_fields"] = Value::Object(fields);
    }
    v
}

/// What the event did today, as checks: the rules fired on its ticket
/// (synced back from partners too), the ticket after, shares, refusals,
/// notifications.
fn expect_of(p: &Processed) -> Result<Value, SaveError> {
    let (update, o) = match &p.status {
        Status::Applied(u, o) => (u, o),
        Status::Rejected(why) => return Err(SaveError::Rejected(why.clone())),
        Status::Duplicate => return Err(SaveError::Rejected("it was applied before".into())),
    };
    let mut fired: Vec<&str> = o.fired.iter().map(|f| f.title.as_str()).collect();
    let mut after = &o.after;
    for step in p.network.steps() {
        let same =
            step.update.account == update.account && step.update.ticket_id == update.ticket_id;
        if let (true, StepResult::Applied(later)) = (same, &step.result) {
            fired.extend(later.fired.iter().map(|f| f.title.as_str()));
            after = &later.after;
        }
    }
    let mut v = expect(o, after);
    v["fired"] = json!(fired);
    Ok(v)
}

/// Today's outcome as checks.
fn expect(o: &crate::engine::Outcome, t: &Ticket) -> Value {
    let mut v = json!({
        "fired": o.fired.iter().map(|f| &f.title).collect::<Vec<_>>(),
        "ticket": {
            "status": t.status, "priority": t.priority, "type": t.ticket_type, "group": t.group,
            "assignee": t.assignee,
        },
        "tags": t.tags,
    });
    let agreements = |want: fn(&ShareOp) -> Option<&String>| {
        o.shares.iter().filter_map(want).collect::<Vec<_>>()
    };
    v["shares"] = json!(agreements(|s| match s {
        ShareOp::Share { agreement, .. } => Some(agreement),
        _ => None,
    }));
    let unshares = agreements(|s| match s {
        ShareOp::Unshare { agreement, .. } => Some(agreement),
        _ => None,
    });
    if !unshares.is_empty() {
        v["unshares"] = json!(unshares);
    }
    let refusals: Vec<Value> = o
        .shares
        .iter()
        .filter_map(|s| match s {
            ShareOp::Refused {
                agreement, reason, ..
            } => Some(json!({"agreement": agreement, "reason": reason})),
            _ => None,
        })
        .collect();
    if !refusals.is_empty() {
        v["refusals"] = json!(refusals);
    }
    let notes: Vec<Value> = o
        .notifications
        .iter()
        .map(|n| json!({"to": n.to, "subject": n.subject, "rule": n.rule}))
        .collect();
    v["notifications"] = json!(notes);
    v
}

/// `path` as seen from `dir`: `../rules/support.rules`.
fn relative(dir: &Path, path: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (dir, path) = (
        abs(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }),
        abs(path),
    );
    let from: Vec<Component> = dir.components().collect();
    let to: Vec<Component> = path.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    out.display().to_string()
}
