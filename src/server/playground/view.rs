//! A run as the page shows it, the same facts `dry-run` prints: the rules
//! that fired in order with each action's effect, for each trigger that
//! did not fire the condition that failed and the value it saw, and what
//! reached partners (the copy made, the partner rules that fired on it,
//! what was queued for a remote partner). `text` is `dry-run`'s own text,
//! and `update` the event as it ran.

use crate::engine::{Outcome, RuleTrace};
use crate::ingest::{Processed, Status};
use crate::report::{event_json, event_text};
use crate::sharing::{Reached, Step, StepKind, StepResult};
use serde_json::{json, Value};

/// One event's run: `dry-run --format json`'s event with its outcome
/// and what reached partners in the page's words.
pub fn processed(p: &Processed) -> Value {
    let mut v = event_json(p);
    v["text"] = event_text(p).into();
    if let Status::Applied(update, outcome) = &p.status {
        v["account"] = update.account.clone().into();
        v["ticket_id"] = update.ticket_id.into();
        v["outcome"] = outcome_view(outcome);
        v["partners"] = p.network.items.iter().map(reached).collect();
        if let Value::Object(map) = &mut v {
            map.remove("sharing");
        }
    }
    v
}

fn outcome_view(o: &Outcome) -> Value {
    let fired: Vec<Value> = o
        .fired
        .iter()
        .map(|f| {
            let effects: Vec<Value> = f
                .effects
                .iter()
                .map(|e| json!({ "action": e.action, "effect": e.change.describe() }))
                .collect();
            json!({ "title": f.title, "source": f.source, "effects": effects })
        })
        .collect();
    json!({
        "skipped": o.skipped,
        "changes": o.changes.iter().map(|c| c.describe()).collect::<Vec<_>>(),
        "fired": fired,
        "not_fired": o.trace.iter().map(why_not).collect::<Vec<_>>(),
        "ticket": o.after,
    })
}

fn why_not(t: &RuleTrace) -> Value {
    let conditions: Vec<Value> = t
        .conditions
        .iter()
        .map(|c| json!({ "condition": c.condition, "held": c.held, "saw": c.saw }))
        .collect();
    json!({ "title": t.title, "source": t.source, "conditions": conditions })
}

fn reached(item: &Reached) -> Value {
    match item {
        Reached::Ran(step) => step_view(step),
        Reached::Queued(q) => json!({
            "what": "queued",
            "hop": q.hop,
            "kind": q.kind,
            "from": { "account": q.from.account, "id": q.from.id },
            "partner": q.partner,
            "agreement": q.agreement,
        }),
        Reached::Note(n) => json!({
            "what": "note",
            "hop": n.hop,
            "on": { "account": n.on.account, "id": n.on.id },
            "text": n.text,
        }),
    }
}

fn step_view(step: &Step) -> Value {
    let kind = match step.kind {
        StepKind::Copy => "copy",
        StepKind::Sync => "sync",
        StepKind::Unshare => "unshare",
    };
    let mut v = json!({
        "what": kind,
        "hop": step.hop,
        "from": { "account": step.from.account, "id": step.from.id },
        "to": { "account": step.update.account, "id": step.update.ticket_id },
    });
    match &step.result {
        StepResult::NotApplied(reason) => v["not_applied"] = reason.clone().into(),
        StepResult::Applied(outcome) => v["outcome"] = outcome_view(outcome),
    }
    v
}
