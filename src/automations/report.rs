//! How an automation run prints, piece by piece as it goes: each
//! [`Seen`] becomes the text or JSON for it at once, so a run at any cap
//! holds no ticket's report after printing it.
//!
//! By default an automation's part is its counts; [`Listing::Tickets`]
//! adds a line per changed ticket and [`Listing::Full`] the whole report
//! of each update, as `dry-run` prints an event. The JSON is written by
//! hand, a piece at a time, in exactly the shape and spacing
//! `serde_json::to_string_pretty` gives the whole document (a test holds
//! it to that), with a `tickets` array only when tickets are listed.

use super::{AutomationRun, Seen, Summary};
use crate::ingest::{Processed, Status};
use crate::model::Time;
use crate::report::{event_json, event_text};
use std::fmt::Write;

/// How much of each automation's changed tickets a report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Counts per automation only.
    Counts,
    /// A line per ticket (in JSON, each update as `dry-run` has it).
    Tickets,
    /// Each update's whole report.
    Full,
}

/// One step of a run in words. With tickets listed, an automation's
/// heading comes first and its count last, once known.
pub fn text(seen: Seen, listing: Listing, dry_run: bool) -> String {
    let mut out = String::new();
    match (seen, listing) {
        (Seen::Start(run), Listing::Tickets | Listing::Full) => {
            let _ = writeln!(out, "{}:", heading(run));
        }
        (Seen::Start(_) | Seen::Changed(..), Listing::Counts) => {}
        (Seen::Changed(_, p), Listing::Tickets) => {
            let _ = writeln!(out, "  {}", ticket_line(p));
        }
        (Seen::Changed(_, p), Listing::Full) => {
            for line in event_text(p).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        (Seen::Done(run), _) => {
            let changed = changed_count(run, dry_run);
            let _ = match listing {
                Listing::Counts => writeln!(out, "{}: {changed}", heading(run)),
                _ => writeln!(out, "  {changed}"),
            };
            rest_text(&mut out, run);
        }
    }
    out
}

fn heading(run: &AutomationRun) -> String {
    format!(
        "automation {:?} ({}) in {}",
        run.title, run.source, run.account
    )
}

/// `changed 2 tickets`, or `would change` on a dry run.
fn changed_count(run: &AutomationRun, dry_run: bool) -> String {
    let verb = if dry_run { "would change" } else { "changed" };
    let n = run.changed;
    format!("{verb} {n} ticket{}", if n == 1 { "" } else { "s" })
}

/// The tickets it held on but did not change.
fn rest_text(out: &mut String, run: &AutomationRun) {
    if run.already > 0 {
        let _ = writeln!(
            out,
            "  {} more already changed by it this hour; not again",
            run.already
        );
    }
    if run.left > 0 {
        let _ = writeln!(
            out,
            "  {} more left over the cap, for a run in a later hour",
            run.left
        );
    }
}

/// One automation update on one line: the ticket, what the automation
/// did, and which triggers fired after it.
fn ticket_line(p: &Processed) -> String {
    let Status::Applied(update, outcome) = &p.status else {
        return event_text(p).trim_end().to_string();
    };
    let id = update.ticket_id;
    if let Some(why) = &outcome.skipped {
        return format!("ticket {id}: nothing done: {why}");
    }
    let mut fired = outcome.fired.iter();
    let did: Vec<String> = fired
        .next()
        .map(|f| f.effects.iter().map(|e| e.change.describe()).collect())
        .unwrap_or_default();
    let did = if did.is_empty() {
        "no change".to_string()
    } else {
        did.join(", ")
    };
    let then: Vec<String> = fired.map(|f| format!("{:?}", f.title)).collect();
    let then = if then.is_empty() {
        String::new()
    } else {
        format!("; then triggers {}", then.join(", "))
    };
    let reached = p.network.steps().count();
    let reached = match reached {
        0 => String::new(),
        n => format!("; {n} partner update{}", if n == 1 { "" } else { "s" }),
    };
    format!("ticket {id}: {did}{then}{reached}")
}

/// The JSON document of a run, written as it goes: [`Json::open`], then
/// [`Json::seen`] for each step, then [`Json::close`].
pub struct Json {
    listing: bool,
    automations: usize,
    tickets: usize,
}

impl Json {
    /// The document's start: the time, whether it is a dry run, and the
    /// opening of the `automations` array.
    pub fn open(at: Time, dry_run: bool, listing: Listing) -> (Json, String) {
        let head = format!(
            "{{\n  \"at\": {},\n  \"dry_run\": {dry_run},\n  \"automations\": [",
            quoted(&at.to_rfc3339())
        );
        let json = Json {
            listing: listing != Listing::Counts,
            automations: 0,
            tickets: 0,
        };
        (json, head)
    }

    /// One step's piece of the document.
    pub fn seen(&mut self, seen: Seen) -> String {
        let mut out = String::new();
        match seen {
            Seen::Start(run) => {
                let comma = if self.automations > 0 { "," } else { "" };
                self.automations += 1;
                self.tickets = 0;
                let _ = write!(
                    out,
                    "{comma}\n    {{\n      \"account\": {},\n      \"title\": {},\n      \"source\": {},",
                    quoted(&run.account),
                    quoted(&run.title),
                    quoted(&run.source)
                );
                if self.listing {
                    out.push_str("\n      \"tickets\": [");
                }
            }
            Seen::Changed(_, p) if self.listing => {
                let comma = if self.tickets > 0 { "," } else { "" };
                self.tickets += 1;
                let value = serde_json::to_string_pretty(&event_json(p)).unwrap_or_default();
                let _ = write!(out, "{comma}\n{}", indented(&value, 8));
            }
            Seen::Changed(..) => {}
            Seen::Done(run) => {
                if self.listing {
                    out.push_str(if self.tickets > 0 { "\n      ]," } else { "]," });
                }
                let _ = write!(
                    out,
                    "\n      \"changed\": {},\n      \"already_changed_this_hour\": {},\n      \"left_over_cap\": {}\n    }}",
                    run.changed, run.already, run.left
                );
            }
        }
        out
    }

    /// The document's end: the `automations` array closed, then the run's
    /// counts.
    pub fn close(self, summary: &Summary) -> String {
        let end = if self.automations > 0 { "\n  ]" } else { "]" };
        format!(
            "{end},\n  \"changed\": {},\n  \"already_changed_this_hour\": {},\n  \"left_over_cap\": {},\n  \"rules_fired\": {},\n  \"shared_updates\": {},\n  \"queued\": {}\n}}\n",
            summary.changed,
            summary.already,
            summary.left,
            summary.rules_fired,
            summary.shared_updates,
            summary.queued
        )
    }
}

/// A JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Pretty JSON moved `by` spaces right, every line.
fn indented(pretty: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    pretty
        .lines()
        .map(|line| format!("{pad}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::Network;

    fn run(title: &str, changed: usize) -> AutomationRun {
        AutomationRun {
            account: "support".into(),
            title: title.into(),
            source: "a.rules:1:1".into(),
            changed,
            already: 1,
            left: 2,
        }
    }

    fn rejected(id: &str) -> Processed {
        Processed {
            event_id: Some(id.into()),
            line: None,
            status: Status::Rejected("a \"quoted\"\nreason".into()),
            network: Network::default(),
        }
    }

    /// The document written piece by piece, for runs with these counts
    /// of tickets.
    fn document(listing: Listing, tickets: &[usize]) -> String {
        let at: Time = "2026-11-22T11:00:00Z".parse().unwrap();
        let (mut json, mut out) = Json::open(at, true, listing);
        for (i, &n) in tickets.iter().enumerate() {
            let title = format!("automation {i} \u{e9}");
            out += &json.seen(Seen::Start(&run(&title, 0)));
            for t in 0..n {
                let p = rejected(&format!("e{t}"));
                out += &json.seen(Seen::Changed(&run(&title, t), &p));
            }
            out += &json.seen(Seen::Done(&run(&title, n)));
        }
        out + &json.close(&Summary::default())
    }

    #[test]
    fn the_streamed_json_is_what_serde_pretty_prints() {
        for listing in [Listing::Counts, Listing::Tickets] {
            for tickets in [&[][..], &[0], &[2], &[0, 1, 3]] {
                let text = document(listing, tickets);
                let value: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
                let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
                assert_eq!(text, pretty, "{listing:?} {tickets:?}");
                let first = &value["automations"][0];
                if let Some(&n) = tickets.first() {
                    assert_eq!(first["changed"], n);
                    let listed = first.get("tickets").map(|t| t.as_array().unwrap().len());
                    let want = (listing == Listing::Tickets).then_some(n);
                    assert_eq!(listed, want, "{listing:?} {tickets:?}");
                }
            }
        }
    }
}
