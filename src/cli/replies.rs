//! `ticket-rules replies due | list`: replies that updates scheduled
//! (`"schedule_reply"` in an event). `due` posts each reply whose time has
//! come as a comment by its author, through the ingest pipeline, so the
//! author's access is checked, triggers run and the audit trail records
//! it. Each reply goes out as the update `~reply-<id>`: a rerun posts
//! nothing twice.

use super::out::{out, outln};
use super::running::{account_rules, run_updates, time_arg, DbArg, RulesArg};
use super::table;
use super::{CliError, Format, Outcome};
use crate::ingest::DERIVED;
use crate::model::{Actor, Changes, NewComment, Update, UpdateKind};
use crate::store::{Reply, ReplyFilter};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Post the replies that are due, as their authors
    Due {
        #[command(flatten)]
        db: DbArg,
        /// Post what is due at this time (RFC 3339; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Rule files whose triggers run on each reply, as for `ingest`
        #[arg(long, value_name = "[ACCOUNT=]PATH")]
        rules: Vec<RulesArg>,
    },
    /// Replies waiting to go out (with `--all`, posted and deleted ones too)
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Due { db, at, rules } => {
            let Some(rules) = account_rules(&rules)? else {
                return Ok(Outcome::Failed);
            };
            let at = time_arg(at.as_deref())?;
            let store = db.open_existing()?;
            let due = store.due_replies(at)?;
            if due.is_empty() {
                outln!("no replies are due at {}", at.to_rfc3339());
                return Ok(Outcome::Ok);
            }
            let summary = run_updates(&store, &rules, due.iter().map(posting).collect())?;
            outln!("{summary}");
            Ok(if summary.rejected > 0 {
                Outcome::Failed
            } else {
                Outcome::Ok
            })
        }
        Command::List {
            db,
            account,
            all,
            format,
        } => {
            let store = db.open_to_read()?;
            let replies = store.replies(&ReplyFilter { account, all })?;
            out!("{}", list(&replies, format));
            Ok(Outcome::Ok)
        }
    }
}

/// The update that posts a reply: its comment, by its author, at its time.
/// The update that posts a due reply as its author.
pub(crate) fn posting(r: &Reply) -> Update {
    Update {
        event_id: format!("{DERIVED}reply-{}", r.id),
        kind: UpdateKind::Update,
        account: r.account.clone(),
        ticket_id: r.ticket_id,
        at: r.due_at,
        via: "web".into(),
        actor: Some(Actor {
            email: r.author.clone(),
            role: r.role,
            name: None,
        }),
        changes: Changes {
            comment: Some(NewComment {
                body: r.body.clone(),
                public: r.public,
            }),
            posts_reply: Some(r.id),
            ..Changes::default()
        },
        automation: None,
    }
}

fn list(replies: &[Reply], format: Format) -> String {
    if format == Format::Json {
        let text = serde_json::to_string_pretty(&json!({ "replies": replies }));
        return text.unwrap_or_default() + "\n";
    }
    if replies.is_empty() {
        return "no scheduled replies\n".into();
    }
    let rows: Vec<Vec<String>> = replies
        .iter()
        .map(|r| {
            let state = match &r.done_event {
                Some(event) => format!("{} by {event}", r.state.as_str()),
                None => r.state.as_str().into(),
            };
            let kind = if r.public { "public" } else { "private" };
            vec![
                r.id.to_string(),
                format!("{}/{}", r.account, r.ticket_id),
                r.author.clone(),
                r.due_at.to_rfc3339(),
                state,
                format!("{kind}: {:?}", r.body),
            ]
        })
        .collect();
    let header = ["id", "ticket", "author", "due", "state", "reply"];
    table::render(&header, &rows)
}
