//! `ticket-rules tickets show | list`: tickets as the store holds them,
//! with their comments, sharing state and audit trail.

use super::running::{account_of, DbArg};
use super::{CliError, Format, Outcome};
use crate::model::{Status, Ticket};
use crate::report::ticket_text;
use crate::store::{Store, TicketFilter};
use std::fmt::Write;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// One ticket: fields, tags, comments, sharing and audit trail
    Show {
        /// The ticket's id, or `ACCOUNT/ID` (as `tickets list` prints it)
        id: TicketId,
        #[command(flatten)]
        db: DbArg,
        /// The account, when the store has several
        #[arg(long)]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Tickets, one line each
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        account: Option<String>,
        /// Only tickets with this status
        #[arg(long)]
        status: Option<String>,
        /// Only tickets with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Only tickets shared with or received from a partner
        #[arg(long, conflicts_with = "not_shared")]
        shared: bool,
        /// Only tickets that are not shared
        #[arg(long)]
        not_shared: bool,
        /// At most this many
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// `42` or `acme/42`.
#[derive(Clone, Debug)]
struct TicketId {
    account: Option<String>,
    id: i64,
}

impl std::str::FromStr for TicketId {
    type Err = String;

    fn from_str(text: &str) -> Result<TicketId, String> {
        let (account, id) = match text.rsplit_once('/') {
            Some((account, id)) if !account.is_empty() => (Some(account.to_string()), id),
            _ => (None, text),
        };
        let id = id
            .parse()
            .map_err(|_| format!("`{text}` is not a ticket id (`42` or `acme/42`)"))?;
        Ok(TicketId { account, id })
    }
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Show {
            id,
            db,
            account,
            format,
        } => {
            let store = db.open_existing()?;
            let named = id.account.as_deref().or(account.as_deref());
            let account = account_of(&store, named)?;
            show(&store, &account, id.id, format)
        }
        Command::List {
            db,
            account,
            status,
            tag,
            shared,
            not_shared,
            limit,
            format,
        } => {
            let status = match status.as_deref() {
                None => None,
                Some(s) => Some(Status::parse(s).ok_or_else(|| {
                    CliError::Usage(format!(
                        "unknown status `{s}`\nhelp: one of new, open, pending, hold, solved, closed"
                    ))
                })?),
            };
            let filter = TicketFilter {
                account,
                status,
                tag: tag.map(|t| t.to_lowercase()),
                shared: (shared || not_shared).then_some(shared),
                limit,
            };
            let store = db.open_existing()?;
            print!("{}", list(&store.tickets(&filter)?, format));
            Ok(Outcome::Ok)
        }
    }
}

fn show(store: &Store, account: &str, id: i64, format: Format) -> Result<Outcome, CliError> {
    let Some(ticket) = store.ticket(account, id)? else {
        return Err(CliError::Usage(format!(
            "no ticket {id} in `{account}`\nhelp: `tickets list` shows the tickets there are"
        )));
    };
    let comments = store.comments(account, id)?;
    let audit = store.audit(account, id)?;
    match format {
        Format::Json => {
            let v = serde_json::json!({ "ticket": ticket, "comments": comments, "audit": audit });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => print!("{}", ticket_text(&ticket, &comments, &audit)),
    }
    Ok(Outcome::Ok)
}

fn list(tickets: &[Ticket], format: Format) -> String {
    if format == Format::Json {
        let text = serde_json::to_string_pretty(tickets).unwrap_or_default();
        return text + "\n";
    }
    let mut out = String::new();
    for t in tickets {
        let tags: Vec<&str> = t.tags.iter().map(String::as_str).collect();
        let shared = if t.is_shared() { " · shared" } else { "" };
        let _ = writeln!(
            out,
            "{}/{} {:<8} {:?} [{}]{shared}",
            t.account,
            t.id,
            t.status.as_str(),
            t.subject,
            tags.join(" ")
        );
    }
    if tickets.is_empty() {
        out.push_str("no tickets\n");
    }
    out
}
