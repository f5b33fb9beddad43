//! Stage four: what a case expects against what its `when` did. Each
//! difference is a [`Mismatch`]: what was checked, expected, got, and for
//! a rule expected to fire that did not, the conditions that failed with
//! the values they saw.

use super::run::Observed;
use super::spec::{Checks, NotificationSpec, OutboxSpec, Refusal, TicketChecks};
use crate::engine::ShareOp;
use crate::model::{Tags, Ticket};
use serde_json::Value;

/// One check that did not hold.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Mismatch {
    /// What was checked: `fired`, `ticket.status`, `partners.acme.tags`.
    pub what: String,
    pub expected: String,
    pub got: String,
    /// More lines: why a rule did not fire.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
}

impl Mismatch {
    fn new(
        what: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Mismatch {
        Mismatch {
            what: what.into(),
            expected: expected.into(),
            got: got.into(),
            why: Vec::new(),
        }
    }
}

/// Every check of `checks` that `seen` does not meet.
pub fn compare(checks: &Checks, seen: &Observed) -> Vec<Mismatch> {
    let mut out = Vec::new();
    rejected(checks.rejected.as_deref(), &seen.rejected, &mut out);
    let own = Ticketed {
        prefix: "",
        after: seen.after.as_ref(),
        fired: &seen.fired,
        why_not: Some(seen),
    };
    own.check(&checks.on_ticket(), &mut out);
    shares(checks, &seen.shares, &mut out);
    for (account, c) in &checks.partners {
        match seen.partners.get(account) {
            None => out.push(Mismatch::new(
                format!("partners.{account}"),
                "a copy in `".to_string() + account + "`",
                "nothing reached it",
            )),
            Some((after, fired)) => {
                let prefix = format!("partners.{account}.");
                Ticketed {
                    prefix: &prefix,
                    after: after.as_ref(),
                    fired,
                    why_not: None,
                }
                .check(c, &mut out);
            }
        }
    }
    if let Some(want) = &checks.notifications {
        notifications(want, seen, &mut out);
    }
    if let Some(want) = &checks.outbox {
        outbox(want, &seen.outbox, &mut out);
    }
    out
}

fn rejected(want: Option<&str>, got: &[String], out: &mut Vec<Mismatch>) {
    match (want, got.first()) {
        (Some(w), Some(g)) if g.contains(w) => {}
        (Some(w), g) => out.push(Mismatch::new(
            "rejected",
            format!("rejected: …{w}…"),
            g.map_or("applied".into(), |g| format!("rejected: {g}")),
        )),
        (None, Some(g)) => out.push(Mismatch::new(
            "rejected",
            "applied",
            format!("rejected: {g}"),
        )),
        (None, None) => {}
    }
}

/// One ticket's checks: the case's own, or a partner's copy.
struct Ticketed<'a> {
    prefix: &'a str,
    after: Option<&'a Ticket>,
    fired: &'a [String],
    /// Why rules did not fire, on the case's own ticket.
    why_not: Option<&'a Observed>,
}

impl Ticketed<'_> {
    fn check(&self, c: &TicketChecks, out: &mut Vec<Mismatch>) {
        let p = self.prefix;
        if let Some(want) = &c.fired {
            if want.as_slice() != self.fired {
                let mut m = Mismatch::new(format!("{p}fired"), quoted(want), quoted(self.fired));
                for title in want.iter().filter(|t| !self.fired.contains(t)) {
                    let why = self.why_not(title);
                    if !why.is_empty() {
                        m.why.push(format!("`{title}` did not fire:"));
                        m.why.extend(why.into_iter().map(|w| format!("  {w}")));
                    }
                }
                out.push(m);
            }
        }
        for title in &c.must_fire {
            if !self.fired.contains(title) {
                let mut m = Mismatch::new(
                    format!("{p}must_fire"),
                    format!("`{title}` fires"),
                    format!("it did not; fired: {}", quoted(self.fired)),
                );
                m.why = self.why_not(title);
                out.push(m);
            }
        }
        for title in &c.must_not_fire {
            if self.fired.contains(title) {
                out.push(Mismatch::new(
                    format!("{p}must_not_fire"),
                    format!("`{title}` does not fire"),
                    "it fired",
                ));
            }
        }
        let needs_ticket = !c.ticket.is_empty()
            || c.tags.is_some()
            || !c.has_tags.is_empty()
            || !c.lacks_tags.is_empty();
        match self.after {
            Some(t) => {
                fields(p, &c.ticket, t, out);
                tags(p, c, &t.tags, out);
            }
            None if needs_ticket => out.push(Mismatch::new(
                format!("{p}ticket"),
                "a ticket",
                "none in the store",
            )),
            None => {}
        }
    }

    fn why_not(&self, title: &str) -> Vec<String> {
        let Some(seen) = self.why_not else {
            return Vec::new();
        };
        match seen.why_not.get(title) {
            None => vec![
                "it was not evaluated: the ticket was closed, or the automation did not hold"
                    .into(),
            ],
            Some(conds) if conds.is_empty() => vec!["it has no conditions".into()],
            Some(conds) => conds
                .iter()
                .filter(|c| !c.held)
                .map(|c| format!("✗ {}: {}", c.condition, c.saw))
                .collect(),
        }
    }
}

/// The ticket's fields by their event names, as JSON.
fn fields(
    p: &str,
    want: &std::collections::BTreeMap<String, Value>,
    t: &Ticket,
    out: &mut Vec<Mismatch>,
) {
    let view = serde_json::to_value(t).unwrap_or_default();
    for (key, expected) in want {
        if key == "custom_fields" {
            custom_fields(p, expected, t, out);
            continue;
        }
        let got = view.get(key).cloned().unwrap_or(Value::Null);
        if !same(expected, &got) {
            out.push(Mismatch::new(
                format!("{p}ticket.{key}"),
                shown(expected),
                shown(&got),
            ));
        }
    }
}

fn custom_fields(p: &str, want: &Value, t: &Ticket, out: &mut Vec<Mismatch>) {
    let Some(want) = want.as_object() else { return };
    for (title, expected) in want {
        let got = t
            .custom_fields
            .get(&title.to_lowercase())
            .map_or(Value::Null, |f| f.value.clone());
        if !same(expected, &got) {
            out.push(Mismatch::new(
                format!("{p}ticket.custom_fields.{title}"),
                shown(expected),
                shown(&got),
            ));
        }
    }
}

/// Names compare ignoring case and `_` for a space, as events read them;
/// `""` is none.
fn same(expected: &Value, got: &Value) -> bool {
    let norm = |v: &Value| match v {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::String(s) => Value::String(s.to_lowercase().replace('_', " ")),
        other => other.clone(),
    };
    norm(expected) == norm(got) || expected.as_str().is_some_and(|e| Some(e) == got.as_str())
}

fn tags(p: &str, c: &TicketChecks, got: &Tags, out: &mut Vec<Mismatch>) {
    if let Some(want) = &c.tags {
        let want: Tags = want.iter().map(|t| t.to_lowercase().into()).collect();
        if &want != got {
            out.push(Mismatch::new(
                format!("{p}tags"),
                want.joined(),
                got.joined(),
            ));
        }
    }
    for tag in &c.has_tags {
        if !got.contains(tag.to_lowercase().as_str()) {
            out.push(Mismatch::new(
                format!("{p}has_tags"),
                format!("tag `{tag}`"),
                format!("tags: {}", got.joined()),
            ));
        }
    }
    for tag in &c.lacks_tags {
        if got.contains(tag.to_lowercase().as_str()) {
            out.push(Mismatch::new(
                format!("{p}lacks_tags"),
                format!("no tag `{tag}`"),
                format!("tags: {}", got.joined()),
            ));
        }
    }
}

fn shares(checks: &Checks, got: &[ShareOp], out: &mut Vec<Mismatch>) {
    let shared: Vec<String> = got
        .iter()
        .filter_map(|s| match s {
            ShareOp::Share { agreement, .. } => Some(agreement.clone()),
            _ => None,
        })
        .collect();
    let unshared: Vec<String> = got
        .iter()
        .filter_map(|s| match s {
            ShareOp::Unshare { agreement, .. } => Some(agreement.clone()),
            _ => None,
        })
        .collect();
    let refused: Vec<(String, String)> = got
        .iter()
        .filter_map(|s| match s {
            ShareOp::Refused {
                agreement, reason, ..
            } => Some((agreement.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    if let Some(want) = &checks.shares {
        if want != &shared {
            out.push(Mismatch::new("shares", quoted(want), quoted(&shared)));
        }
    }
    if let Some(want) = &checks.unshares {
        if want != &unshared {
            out.push(Mismatch::new("unshares", quoted(want), quoted(&unshared)));
        }
    }
    if let Some(want) = &checks.refusals {
        refusals(want, &refused, out);
    }
}

fn refusals(want: &[Refusal], got: &[(String, String)], out: &mut Vec<Mismatch>) {
    let shown_got = listed(got.iter().map(|(a, r)| format!("`{a}`: {r}")));
    if want.len() != got.len() {
        out.push(Mismatch::new(
            "refusals",
            format!("{} refusal(s)", want.len()),
            shown_got.clone(),
        ));
    }
    for w in want {
        let reason = w.reason.as_deref().unwrap_or("");
        if !got
            .iter()
            .any(|(a, r)| a == &w.agreement && r.contains(reason))
        {
            out.push(Mismatch::new(
                "refusals",
                format!("`{}` refused: …{reason}…", w.agreement),
                shown_got.clone(),
            ));
        }
    }
}

fn notifications(want: &[NotificationSpec], seen: &Observed, out: &mut Vec<Mismatch>) {
    let got = &seen.notifications;
    let shown_got = listed(got.iter().map(|n| format!("to {}: {:?}", n.to, n.subject)));
    if want.len() != got.len() {
        out.push(Mismatch::new(
            "notifications",
            format!("{} notification(s)", want.len()),
            shown_got.clone(),
        ));
        return;
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let ok = w.to.as_ref().is_none_or(|t| t.eq_ignore_ascii_case(&g.to))
            && w.subject.as_ref().is_none_or(|s| s == &g.subject)
            && w.body.as_ref().is_none_or(|b| g.body.contains(b.as_str()))
            && w.rule.as_ref().is_none_or(|r| r == &g.rule);
        if !ok {
            let expected = serde_json::to_string(&serde_json::json!({"to": w.to, "subject": w.subject, "body": w.body, "rule": w.rule})).unwrap_or_default();
            let got = serde_json::to_string(g).unwrap_or_default();
            out.push(Mismatch::new(
                format!("notifications[{}]", i + 1),
                expected,
                got,
            ));
        }
    }
}

fn outbox(want: &[OutboxSpec], got: &[(String, Value)], out: &mut Vec<Mismatch>) {
    let kinds: Vec<String> = got.iter().map(|(k, _)| k.clone()).collect();
    if want.len() != got.len() {
        out.push(Mismatch::new(
            "outbox",
            format!("{} row(s)", want.len()),
            format!("{} row(s): {}", got.len(), kinds.join(", ")),
        ));
        return;
    }
    for (i, (w, (kind, payload))) in want.iter().zip(got).enumerate() {
        if w.kind.as_ref().is_some_and(|k| k != kind) {
            out.push(Mismatch::new(
                format!("outbox[{}].kind", i + 1),
                w.kind.clone().unwrap_or_default(),
                kind.clone(),
            ));
        }
        if let Some(want) = &w.payload {
            if let Some(path) = first_difference(want, payload, String::new()) {
                let got = pointer(payload, &path);
                out.push(Mismatch::new(
                    format!("outbox[{}].payload{path}", i + 1),
                    shown(&pointer(want, &path)),
                    shown(&got),
                ));
            }
        }
    }
}

/// Where `got` first differs from `want`, which it must contain: every
/// key of an object, every item of a list, the same scalar.
fn first_difference(want: &Value, got: &Value, at: String) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w.iter().find_map(|(k, v)| {
            let here = format!("{at}.{k}");
            match g.get(k) {
                Some(gv) => first_difference(v, gv, here),
                None => Some(here),
            }
        }),
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => w
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (a, b))| first_difference(a, b, format!("{at}[{i}]"))),
        _ if want == got => None,
        _ => Some(at),
    }
}

/// The value at a path `first_difference` gave.
fn pointer(v: &Value, path: &str) -> Value {
    let pointer: String = path
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect();
    v.pointer(&pointer).cloned().unwrap_or(Value::Null)
}

fn quoted<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Items joined by `; `, or `none`.
fn listed(items: impl Iterator<Item = String>) -> String {
    let text = items.collect::<Vec<_>>().join("; ");
    if text.is_empty() {
        "none".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_payload_must_contain_what_is_expected() {
        let got = json!({"a": 1, "b": {"c": [1, {"d": "x", "e": 2}]}, "f": "g"});
        assert_eq!(
            first_difference(&json!({"b": {"c": [1, {"d": "x"}]}}), &got, String::new()),
            None
        );
        assert_eq!(
            first_difference(&json!({"b": {"c": [1, {"d": "y"}]}}), &got, String::new()),
            Some(".b.c[1].d".into())
        );
        assert_eq!(
            first_difference(&json!({"z": 1}), &got, String::new()),
            Some(".z".into())
        );
        assert_eq!(
            first_difference(&json!({"b": {"c": [1]}}), &got, String::new()),
            Some(".b.c".into())
        );
        assert_eq!(pointer(&got, ".b.c[1].d"), json!("x"));
    }

    #[test]
    fn names_compare_as_events_read_them() {
        assert!(same(&json!("Ticket_Sharing"), &json!("ticket sharing")));
        assert!(same(&json!(""), &Value::Null));
        assert!(same(&json!(null), &Value::Null));
        assert!(!same(&json!("high"), &json!("urgent")));
        assert!(!same(&json!(3), &json!("3")));
    }
}
