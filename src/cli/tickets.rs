//! `ticket-rules tickets show | list`: tickets as the store holds them,
//! with their comments, sharing state and audit trail; and one ticket
//! shared with agents outside its group: `share`, `unshare`, an agent's
//! `shared-with` list, and `can`, which says whether an agent may see and
//! change a ticket, and why. Shares are updates like any other: they run
//! through the ingest pipeline (with `--rules`, the account's triggers).

use super::out::{out, outln};
use super::running::{account_of, account_rules, run_updates, time_arg, DbArg, ReadArgs, RulesArg};
use super::{CliError, Format, Outcome};
use crate::ingest::DERIVED;
use crate::model::{Actor, Changes, ShareCheck, Staff, Status, Ticket, Update, UpdateKind};
use crate::report::ticket_text;
use crate::rules::schema::did_you_mean;
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
        read: ReadArgs,
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
    /// Share one ticket with agents outside its group
    Share {
        /// The ticket's id, or `ACCOUNT/ID`
        id: TicketId,
        /// The agents, by email
        #[arg(long = "with", value_name = "AGENT", required = true, num_args = 1..)]
        agents: Vec<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Take one ticket from agents it is shared with; their scheduled
    /// replies on it that have not gone out are deleted
    Unshare {
        /// The ticket's id, or `ACCOUNT/ID`
        id: TicketId,
        /// The agents, by email
        #[arg(long = "from", value_name = "AGENT", required = true, num_args = 1..)]
        agents: Vec<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// The tickets shared with an agent ("Shared with me")
    SharedWith {
        /// The agent, by email
        agent: String,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Whether an agent may see and change a ticket, and why (exit 1: no)
    Can {
        /// The agent, by email
        agent: String,
        /// The ticket's id, or `ACCOUNT/ID`
        id: TicketId,
        #[command(flatten)]
        read: ReadArgs,
    },
}

/// What `share` and `unshare` take besides the ticket and the agents.
#[derive(clap::Args)]
struct ChangeArgs {
    #[command(flatten)]
    db: DbArg,
    /// The account, when the store has several
    #[arg(long)]
    account: Option<String>,
    /// The agent or admin making the change (left out: an admin at the
    /// command line); an agent must have access to the ticket
    #[arg(long, value_name = "EMAIL")]
    by: Option<String>,
    /// When (RFC 3339; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Rule files whose triggers run on the change, as for `ingest`
    #[arg(long, value_name = "[ACCOUNT=]PATH")]
    rules: Vec<RulesArg>,
}

/// Share or unshare.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Share,
    Unshare,
}

/// `42` or `acme/42`.
#[derive(Clone, Debug)]
struct TicketId {
    account: Option<String>,
    id: i64,
}

impl TicketId {
    /// The account the id names (`acme/42`), else `--account`, else the
    /// store's only one.
    fn account_in(&self, store: &Store, flag: Option<&str>) -> Result<String, CliError> {
        account_of(store, self.account.as_deref().or(flag))
    }
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
        Command::Show { id, read } => {
            let store = read.db.open_to_read()?;
            let account = id.account_in(&store, read.account.as_deref())?;
            show(&store, &account, id.id, read.format)
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
                ..TicketFilter::default()
            };
            let store = db.open_to_read()?;
            out!("{}", list(&store.tickets(&filter)?, format));
            Ok(Outcome::Ok)
        }
        Command::Share { id, agents, change } => change_shares(Verb::Share, &id, &agents, &change),
        Command::Unshare { id, agents, change } => {
            change_shares(Verb::Unshare, &id, &agents, &change)
        }
        Command::SharedWith { agent, read } => {
            let store = read.db.open_to_read()?;
            let account = account_of(&store, read.account.as_deref())?;
            let ids = store.shared_with(&account, &agent)?;
            let tickets = store.tickets_by_id(&account, &ids)?;
            if tickets.is_empty() && read.format == Format::Human {
                outln!("no tickets of `{account}` are shared with `{agent}`");
            } else {
                out!("{}", list(&tickets, read.format));
            }
            let off = !store.staff(&account)?.agent_ticket_sharing;
            if off && !tickets.is_empty() && read.format == Format::Human {
                println!("agent ticket sharing is off in `{account}`: these shares grant no access until it is on again");
            }
            Ok(Outcome::Ok)
        }
        Command::Can { agent, id, read } => {
            let store = read.db.open_to_read()?;
            let account = id.account_in(&store, read.account.as_deref())?;
            can(&store, &account, id.id, &agent, read.format)
        }
    }
}

/// The ticket, or a usage error that says how to find one.
fn stored_ticket(store: &Store, account: &str, id: i64) -> Result<Ticket, CliError> {
    store.ticket(account, id)?.ok_or_else(|| {
        CliError::Usage(format!(
            "no ticket {id} in `{account}`\nhelp: `tickets list` shows the tickets there are"
        ))
    })
}

/// `tickets share` and `tickets unshare`: checks every agent first (a
/// refusal changes nothing), then runs one update through the pipeline.
fn change_shares(
    verb: Verb,
    id: &TicketId,
    agents: &[String],
    args: &ChangeArgs,
) -> Result<Outcome, CliError> {
    let Some(rules) = account_rules(&args.rules)? else {
        return Ok(Outcome::Failed);
    };
    let at = time_arg(args.at.as_deref())?;
    let store = args.db.open_existing()?;
    let account = id.account_in(&store, args.account.as_deref())?;
    let ticket = stored_ticket(&store, &account, id.id)?;
    let staff = store.staff(&account)?;
    let actor = args.by.as_deref().map(|by| actor(&staff, by)).transpose()?;
    let mut chosen: Vec<String> = Vec::new();
    for agent in agents {
        let email = agent.to_lowercase();
        let check = match verb {
            Verb::Share => staff.share_check(&ticket, agent),
            Verb::Unshare if ticket.is_shared_with_agent(agent) => ShareCheck::Share,
            Verb::Unshare => {
                ShareCheck::Already(format!("the ticket is not shared with `{agent}`"))
            }
        };
        match check {
            ShareCheck::Share if !chosen.contains(&email) => chosen.push(email),
            ShareCheck::Share => {}
            ShareCheck::Already(why) => outln!("`{agent}` left out: {why}"),
            ShareCheck::Refused(reason) => return Err(refused(&staff, agent, reason)),
        }
    }
    if chosen.is_empty() {
        outln!("nothing to change on ticket {} in `{account}`", ticket.id);
        return Ok(Outcome::Ok);
    }
    let seq = store.next_event_seq()?;
    let mut changes = Changes::default();
    let name = match verb {
        Verb::Share => {
            changes.share_agents = chosen;
            "share"
        }
        Verb::Unshare => {
            changes.unshare_agents = chosen;
            "unshare"
        }
    };
    let update = Update {
        event_id: format!("{DERIVED}{name}-{seq}"),
        kind: UpdateKind::Update,
        account,
        ticket_id: ticket.id,
        at,
        via: "api".into(),
        actor,
        changes,
        automation: None,
    };
    let summary = run_updates(&store, &rules, vec![update])?;
    Ok(if summary.rejected > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

/// `--by EMAIL`: one of the account's agents or admins.
fn actor(staff: &Staff, email: &str) -> Result<Actor, CliError> {
    let Some(agent) = staff.agent(email) else {
        return Err(not_an_agent(staff, email));
    };
    Ok(Actor {
        email: agent.email.clone(),
        role: agent.role(),
        name: agent.name.clone(),
    })
}

/// A refused share as a usage error, with what to do about it.
fn refused(staff: &Staff, agent: &str, reason: String) -> CliError {
    if !staff.agent_ticket_sharing {
        return CliError::Usage(format!(
            "{reason}\nhelp: an admin turns it on with `ticket-rules accounts set {} --agent-ticket-sharing on`",
            staff.account
        ));
    }
    not_an_agent(staff, agent)
}

/// `x` is not an agent of the account, with the nearest one there is.
fn not_an_agent(staff: &Staff, email: &str) -> CliError {
    let account = &staff.account;
    let help = match did_you_mean(email, staff.agents.keys().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("add them with `ticket-rules agents add {account} {email} --group GROUP`"),
    };
    CliError::Usage(format!(
        "`{email}` is not an agent of `{account}`\nhelp: {help}"
    ))
}

/// `tickets can AGENT ID`: yes (exit 0) or no (exit 1), and why.
fn can(
    store: &Store,
    account: &str,
    id: i64,
    agent: &str,
    format: Format,
) -> Result<Outcome, CliError> {
    let ticket = stored_ticket(store, account, id)?;
    let staff = store.staff(account)?;
    let (allowed, reason) = match staff.agent(agent) {
        None => (false, format!("`{agent}` is not an agent of `{account}`")),
        Some(a) => {
            let access = staff.access(&ticket, agent, a.role());
            (access.allowed(), access.reason(account))
        }
    };
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "agent": agent, "account": account, "ticket": id,
                "allowed": allowed, "reason": reason,
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human if allowed => {
            outln!("yes: `{agent}` may see and change ticket {id} in `{account}`: {reason}")
        }
        Format::Human => {
            outln!("no: `{agent}` may not see or change ticket {id} in `{account}`: {reason}")
        }
    }
    Ok(if allowed {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}

fn show(store: &Store, account: &str, id: i64, format: Format) -> Result<Outcome, CliError> {
    let ticket = stored_ticket(store, account, id)?;
    let comments = store.comments(account, id)?;
    let audit = store.audit(account, id)?;
    match format {
        Format::Json => {
            let v = serde_json::json!({ "ticket": ticket, "comments": comments, "audit": audit });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => out!("{}", ticket_text(&ticket, &comments, &audit)),
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
        let shared = if t.is_shared() { " · shared" } else { "" };
        let _ = writeln!(
            out,
            "{}/{} {:<8} {:?} [{}]{shared}",
            t.account,
            t.id,
            t.status.as_str(),
            t.subject,
            t.tags.joined()
        );
    }
    if tickets.is_empty() {
        out.push_str("no tickets\n");
    }
    out
}
