//! `ticket-rules outbox`: what waits for a transport to deliver
//! (notifications rules asked for, agreement changes a remote partner is to
//! hear of), with the delivery worker's attempts and last error, and
//! `ack`, which a transport runs once it has delivered.

use super::out::{out, outln};
use super::running::DbArg;
use super::table;
use super::{CliError, Format, Outcome};
use crate::store::{OutboxEntry, Store};
use chrono::SecondsFormat;
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Entries not yet delivered, oldest first
    List {
        #[command(flatten)]
        db: DbArg,
        /// Delivered entries too
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Mark entries delivered, by their sequence numbers
    Ack {
        #[arg(required = true, value_name = "SEQ")]
        seqs: Vec<i64>,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::List { db, all, format } => {
            let store = db.open_to_read()?;
            let entries = if all {
                store.outbox()?
            } else {
                store.pending_outbox()?
            };
            match format {
                Format::Json => out!("{}", entries_json(&entries)),
                Format::Human => out!("{}", entries_text(&entries, all)),
            }
        }
        Command::Ack { seqs, db } => ack(&db.open_existing()?, &seqs)?,
    }
    Ok(Outcome::Ok)
}

/// The rows as a JSON list, each payload as the JSON it holds.
fn entries_json(entries: &[OutboxEntry]) -> String {
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut row = serde_json::to_value(e).unwrap_or_default();
            row["payload"] = payload(e);
            row
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

/// An entry's payload as JSON; a payload that is not JSON (never written
/// by ticket-rules) as a string rather than an error.
fn payload(entry: &OutboxEntry) -> Value {
    serde_json::from_str(&entry.payload).unwrap_or_else(|_| Value::String(entry.payload.clone()))
}

fn entries_text(entries: &[OutboxEntry], all: bool) -> String {
    if entries.is_empty() {
        let what = if all {
            "the outbox is empty"
        } else {
            "nothing waits in the outbox"
        };
        return format!("{what}\n");
    }
    // The delivery worker's columns, once it has tried something.
    let tried = entries.iter().any(|e| e.attempts > 0);
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let mut row = vec![
                e.seq.to_string(),
                e.kind.clone(),
                e.account.clone(),
                if e.ticket_id == 0 {
                    "-".into()
                } else {
                    e.ticket_id.to_string()
                },
                e.event_id.clone(),
                e.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            ];
            if all {
                row.push(if e.acked { "yes" } else { "no" }.into());
            }
            if tried {
                row.push(e.attempts.to_string());
                row.push(
                    e.last_error
                        .as_deref()
                        .map_or_else(String::new, |w| shorten(w, 60)),
                );
            }
            row.push(summary(e));
            row
        })
        .collect();
    let mut header = vec!["seq", "kind", "account", "ticket", "event", "created"];
    if all {
        header.push("acked");
    }
    if tried {
        header.extend(["attempts", "last error"]);
    }
    header.push("what");
    table::render(&header, &rows)
}

/// An entry in a few words: `to ann@example.com: "Subject"`, `agreement 3
/// `Acme` accepted, for acme`.
fn summary(entry: &OutboxEntry) -> String {
    let p = payload(entry);
    let text = |v: &Value| v.as_str().unwrap_or("?").to_string();
    match entry.kind.as_str() {
        "notification" => format!("to {}: {:?}", text(&p["to"]), text(&p["subject"])),
        "agreement" => {
            let a = &p["sharing_agreement"];
            format!(
                "agreement {} `{}` {}, for {}",
                a["id"],
                text(&a["name"]),
                text(&a["status"]),
                text(&a["remote_subdomain"])
            )
        }
        _ => shorten(&entry.payload, 60),
    }
}

/// The first `most` characters, with `…` when there was more.
fn shorten(text: &str, most: usize) -> String {
    match text.char_indices().nth(most) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Acks every entry named, or none when one is unknown.
fn ack(store: &Store, seqs: &[i64]) -> Result<(), CliError> {
    let mut seqs = seqs.to_vec();
    seqs.sort_unstable();
    seqs.dedup();
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for &seq in &seqs {
        match store.outbox_entry(seq)? {
            Some(entry) => found.push(entry),
            None => unknown.push(seq.to_string()),
        }
    }
    if !unknown.is_empty() {
        let s = if unknown.len() == 1 { "y" } else { "ies" };
        return Err(CliError::Usage(format!(
            "no outbox entr{s} {}; nothing was acked\nhelp: `ticket-rules outbox list --all` \
             shows every entry",
            unknown.join(", ")
        )));
    }
    store.transaction(|| -> Result<(), CliError> {
        for entry in found.iter().filter(|e| !e.acked) {
            store.ack(entry.seq)?;
        }
        Ok(())
    })?;
    for entry in &found {
        if entry.acked {
            outln!("outbox entry {} was already acked", entry.seq);
        } else {
            outln!("acked outbox entry {}", entry.seq);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_payloads_are_shortened_on_a_character() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("ab⇄cd", 3), "ab⇄…");
    }
}
