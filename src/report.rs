//! How `dry-run` and `ingest --report` print what each event did, and how
//! `tickets show` prints a ticket. Both event reports print through here,
//! so a dry run reads exactly like the run it predicts.

use crate::engine::{Outcome, RuleTrace};
use crate::ingest::{Processed, Status};
use crate::model::ticket::value_text;
use crate::model::Ticket;
use crate::model::{Update, UpdateKind};
use crate::sharing::{Network, Reached, Step, StepKind, StepResult};
use crate::store::{AuditEntry, StoredComment};
use std::fmt::Write;

/// One event in words.
pub fn event_text(p: &Processed) -> String {
    let mut out = String::new();
    let id = p.event_id.as_deref().unwrap_or("(no id)");
    let line = p.line.map(|l| format!(" (line {l})")).unwrap_or_default();
    match &p.status {
        Status::Rejected(reason) => {
            let _ = writeln!(out, "event {id}{line}: rejected: {reason}");
        }
        Status::Duplicate => {
            let _ = writeln!(
                out,
                "event {id}{line}: duplicate: already applied; nothing done"
            );
        }
        Status::Applied(update, outcome) => {
            let _ = writeln!(out, "event {id}{line}: {}", heading(update));
            outcome_text(&mut out, outcome);
            network_text(&mut out, &p.network);
        }
    }
    out
}

/// What the event set off across the sharing network, indented under it.
fn network_text(out: &mut String, network: &Network) {
    if network.is_empty() {
        return;
    }
    let _ = writeln!(out, "  sharing:");
    for item in &network.items {
        match item {
            Reached::Ran(step) => step_text(out, step),
            Reached::Queued(q) => {
                let seq = q.seq.map(|s| format!(" #{s}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    hop {}: outbox{seq}: {} of ticket {} in {} for remote `{}` over {:?}",
                    q.hop, q.kind, q.from.id, q.from.account, q.partner, q.agreement
                );
            }
            Reached::Note(n) => {
                let _ = writeln!(
                    out,
                    "    hop {}: note on ticket {} in {}: {}",
                    n.hop, n.on.id, n.on.account, n.text
                );
            }
        }
    }
}

fn step_text(out: &mut String, step: &Step) {
    let u = &step.update;
    let what = match step.kind {
        StepKind::Copy => "copy",
        StepKind::Sync => "sync",
        StepKind::Unshare => "unshare",
    };
    let _ = writeln!(
        out,
        "    hop {}: {what} from ticket {} in {} to ticket {} in {}",
        step.hop, step.from.id, step.from.account, u.ticket_id, u.account
    );
    match &step.result {
        StepResult::NotApplied(reason) => {
            let _ = writeln!(out, "      not applied: {reason}");
        }
        StepResult::Applied(outcome) => {
            let mut inner = String::new();
            outcome_text(&mut inner, outcome);
            for l in inner.lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
}

fn heading(u: &Update) -> String {
    let what = match u.kind {
        UpdateKind::Create => "create",
        UpdateKind::Update => "update",
    };
    let by = match &u.actor {
        Some(a) => format!(" by {} ({})", a.email, a.role),
        None => String::new(),
    };
    let automation = match &u.automation {
        Some(title) => format!(" (automation {title:?})"),
        None => String::new(),
    };
    format!(
        "{what} of ticket {} in {}{by} via {}{automation}",
        u.ticket_id, u.account, u.via
    )
}

fn outcome_text(out: &mut String, o: &Outcome) {
    if let Some(why) = &o.skipped {
        let _ = writeln!(out, "  no rules ran: {why}");
        return;
    }
    if !o.changes.is_empty() {
        let _ = writeln!(out, "  the update:");
        for c in &o.changes {
            let _ = writeln!(out, "    {}", c.describe());
        }
    }
    if o.fired.is_empty() {
        let _ = writeln!(out, "  fired: none");
    } else {
        let _ = writeln!(out, "  fired, in order:");
    }
    for (i, f) in o.fired.iter().enumerate() {
        let _ = writeln!(out, "    {}. {:?} ({})", i + 1, f.title, f.source);
        for c in &f.conditions {
            let _ = writeln!(out, "         when {}: {}", c.condition, c.saw);
        }
        for e in &f.effects {
            let _ = writeln!(out, "         {} → {}", e.action, e.change.describe());
        }
    }
    if !o.trace.is_empty() {
        let _ = writeln!(out, "  did not fire:");
        for t in &o.trace {
            trace_text(out, t);
        }
    }
}

fn trace_text(out: &mut String, t: &RuleTrace) {
    let _ = writeln!(out, "    {:?} ({})", t.title, t.source);
    if t.conditions.is_empty() {
        let _ = writeln!(out, "         (no conditions)");
    }
    for c in &t.conditions {
        let mark = if c.held { "✓" } else { "✗" };
        let _ = writeln!(out, "         {mark} {}: {}", c.condition, c.saw);
    }
}

/// The JSON `ingest --report` and `dry-run` print, one shape for both:
/// whether it was a dry run, each event as [`event_json`] has it, and the
/// summary's counts.
pub fn events_json(
    events: Vec<serde_json::Value>,
    summary: &crate::ingest::Summary,
    dry_run: bool,
) -> serde_json::Value {
    serde_json::json!({
        "dry_run": dry_run,
        "events": events,
        "applied": summary.applied,
        "rejected": summary.rejected,
        "duplicate": summary.duplicate,
        "rules_fired": summary.rules_fired,
        "shared_updates": summary.shared_updates,
        "queued": summary.queued,
    })
}

/// One event as JSON.
pub fn event_json(p: &Processed) -> serde_json::Value {
    let mut v = serde_json::json!({
        "event": p.event_id,
        "line": p.line,
    });
    match &p.status {
        Status::Rejected(reason) => {
            v["status"] = "rejected".into();
            v["reason"] = reason.clone().into();
        }
        Status::Duplicate => v["status"] = "duplicate".into(),
        Status::Applied(update, outcome) => {
            v["status"] = "applied".into();
            v["update"] = serde_json::to_value(update).unwrap_or_default();
            v["outcome"] = serde_json::to_value(outcome).unwrap_or_default();
            if !p.network.is_empty() {
                v["sharing"] = serde_json::to_value(&p.network).unwrap_or_default();
            }
        }
    }
    v
}

fn or_none(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

/// A ticket in words, for `tickets show` and the demo.
pub fn ticket_text(t: &Ticket, comments: &[StoredComment], audit: &[AuditEntry]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ticket {} in {}: {:?}", t.id, t.account, t.subject);
    let name = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
    let _ = writeln!(
        out,
        "  status {} · priority {} · type {} · via {}",
        t.status,
        name(t.priority.map(|p| p.to_string())),
        name(t.ticket_type.map(|p| p.to_string())),
        t.via
    );
    let _ = writeln!(
        out,
        "  group {} · assignee {} · requester {}",
        or_none(&t.group),
        or_none(&t.assignee),
        or_none(&t.requester)
    );
    if t.organization.is_some() || t.brand.is_some() {
        let org = or_none(&t.organization);
        let _ = writeln!(out, "  organization {org} · brand {}", or_none(&t.brand));
    }
    let _ = writeln!(
        out,
        "  tags: {}",
        if t.tags.is_empty() {
            "(none)".into()
        } else {
            t.tags.joined()
        }
    );
    for f in t.custom_fields.values() {
        let value = value_text(&f.value);
        let value = if value.is_empty() { "(none)" } else { &value };
        let _ = writeln!(out, "  custom field {:?}: {value}", f.title);
    }
    sharing_text(&mut out, t);
    if !comments.is_empty() {
        let _ = writeln!(out, "  comments:");
    }
    for c in comments {
        let kind = if c.public { "public" } else { "private" };
        let author = if c.author.is_empty() {
            "(no actor)"
        } else {
            &c.author
        };
        let _ = writeln!(
            out,
            "    {} {author} ({kind}): {}",
            c.at.to_rfc3339(),
            c.body
        );
    }
    if !audit.is_empty() {
        let _ = writeln!(out, "  audit trail:");
    }
    for a in audit {
        let _ = writeln!(out, "    {}", audit_line(a));
    }
    out
}

fn sharing_text(out: &mut String, t: &Ticket) {
    if !t.agents.is_empty() {
        let agents: Vec<&str> = t.agents.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  shared with agents: {}", agents.join(", "));
    }
    for s in &t.shares {
        let state = if s.active { "syncing" } else { "unshared" };
        let _ = writeln!(
            out,
            "  shared with {:?} (account {}): {state}",
            s.agreement, s.partner
        );
    }
    if let Some(r) = &t.received {
        let state = if r.active { "syncing" } else { "unshared" };
        let origin = r
            .origin_id
            .map(|id| format!(", their ticket {id}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  received from {:?} (account {}{origin}): {state}",
            r.agreement, r.partner
        );
    }
}

fn audit_line(a: &AuditEntry) -> String {
    let who = match &a.rule {
        Some(rule) => format!("rule {rule:?}"),
        None => "update".into(),
    };
    let shown = |v: &str| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.to_string()
        }
    };
    let change = match (&a.before, &a.after) {
        (Some(b), Some(x)) => format!("{} → {}", shown(b), shown(x)),
        (None, Some(x)) => format!("+ {x}"),
        (Some(b), None) => format!("- {b}"),
        (None, None) => "no change".into(),
    };
    format!(
        "{} {} {who}: {}: {change}",
        a.at.to_rfc3339(),
        a.event_id,
        a.action
    )
}
