//! `ticket-rules agreements`: sharing agreements in the store. `list`,
//! `show` and `export` read them (as Sharing Agreements API JSON with
//! `--format json`); `import` loads that JSON back; `invite`, `accept`,
//! `decline` and `deactivate` move an agreement through its life on both
//! sides (see [`crate::sharing::agreements`]); `retry` puts one delivery
//! faulted back to its status before.

use super::out::{out, outln};
use super::running::{account_of, time_arg, DbArg};
use super::table;
use super::{CliError, Format, Outcome};
use crate::model::agreement::from_api_json;
use crate::model::{Agreement, CommentTerms};
use crate::sharing::agreements::{self as lifecycle, Action, Changed, Invited, Terms};
use crate::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Agreement sides, one line each
    List {
        #[command(flatten)]
        db: DbArg,
        /// Only this account's side
        #[arg(long)]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One agreement, and where its other side is
    Show {
        id: i64,
        #[command(flatten)]
        db: DbArg,
        /// Whose side, when accounts share the id
        #[arg(long)]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print agreements as Sharing Agreements API JSON that `import` reads
    Export {
        #[command(flatten)]
        db: DbArg,
        /// Only this account's side
        #[arg(long)]
        account: Option<String>,
    },
    /// Import `{"sharing_agreements": [...]}` for an account
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Whose agreements these are (default: each agreement's own
        /// `account`, else the store's only account)
        #[arg(long)]
        account: Option<String>,
    },
    /// Invite a partner account to an agreement (pending until it answers)
    Invite {
        #[command(flatten)]
        db: DbArg,
        /// The sending account (in the store)
        #[arg(long, value_name = "ACCOUNT")]
        from: String,
        /// The partner: an account in the store, a remote subdomain, or
        /// another server's sharing URL (`https://desk.example/sharing/acme`)
        #[arg(long, value_name = "SUBDOMAIN|URL")]
        to: String,
        /// The agreement's name, as rules name it
        #[arg(long)]
        name: String,
        /// Which comments cross: public_and_private (with status sync) or
        /// private_only
        #[arg(long, value_enum)]
        comments: Comments,
        /// Sync tags both ways
        #[arg(long)]
        sync_tags: bool,
        /// Sync custom fields both ways
        #[arg(long)]
        sync_custom_fields: bool,
        /// When it happened, for `created_at` (RFC 3339; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Accept a pending invite (the receiving account)
    Accept(Move),
    /// Decline a pending invite (the receiving account)
    Decline(Move),
    /// End a pending or accepted agreement, for good (either side)
    Deactivate(Move),
    /// Put an agreement that delivery marked `failed`, `ssl_error` or
    /// `configuration_error` back to its status before, to send its rows again
    Retry(Move),
}

/// What `accept`, `decline` and `deactivate` take.
#[derive(clap::Args)]
struct Move {
    /// The agreement's id on the acting account's side
    id: i64,
    /// The acting account
    #[arg(long = "as", value_name = "ACCOUNT")]
    as_account: String,
    #[command(flatten)]
    db: DbArg,
    /// When it happened, for `updated_at` (RFC 3339; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

/// `--comments`, by the API's names.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Comments {
    #[value(name = "public_and_private")]
    PublicAndPrivate,
    #[value(name = "private_only")]
    PrivateOnly,
}

impl From<Comments> for CommentTerms {
    fn from(comments: Comments) -> CommentTerms {
        match comments {
            Comments::PublicAndPrivate => CommentTerms::PublicAndPrivate,
            Comments::PrivateOnly => CommentTerms::PrivateOnly,
        }
    }
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::List {
            db,
            account,
            format,
        } => {
            let store = db.open_to_read()?;
            let list = listed(&store, account.as_deref())?;
            match format {
                Format::Json => out!("{}", api_json(&list)),
                Format::Human => out!("{}", table(&store, &list)?),
            }
        }
        Command::Show {
            id,
            db,
            account,
            format,
        } => show(&db.open_to_read()?, id, account.as_deref(), format)?,
        Command::Export { db, account } => {
            let store = db.open_to_read()?;
            out!("{}", api_json(&listed(&store, account.as_deref())?));
        }
        Command::Import { file, db, account } => import(&file, &db, account.as_deref())?,
        Command::Invite {
            db,
            from,
            to,
            name,
            comments,
            sync_tags,
            sync_custom_fields,
            at,
        } => {
            let terms = Terms {
                comments: comments.into(),
                sync_tags,
                sync_custom_fields,
            };
            let store = db.open_existing()?;
            let at = time_arg(at.as_deref())?;
            let invited = if is_url(&to) {
                crate::sharing::remote::invite_remote(&store, &from, &to, &name, terms, at)?
            } else {
                lifecycle::invite(&store, &from, &to, &name, terms, at)?
            };
            out!("{}", invited_text(&invited));
        }
        Command::Accept(m) => move_one(m, Action::Accept)?,
        Command::Decline(m) => move_one(m, Action::Decline)?,
        Command::Deactivate(m) => move_one(m, Action::Deactivate)?,
        Command::Retry(m) => retry(m)?,
    }
    Ok(Outcome::Ok)
}

/// Every account's agreements, or one account's, by id (so that the two
/// sides of an invite stand together) and account.
fn listed(store: &Store, account: Option<&str>) -> Result<Vec<Agreement>, CliError> {
    let accounts = match account {
        Some(a) => vec![a.to_string()],
        None => store.accounts()?,
    };
    let mut all = Vec::new();
    for a in &accounts {
        all.extend(store.agreements(a)?);
    }
    all.sort_by(|a, b| (a.id, &a.account).cmp(&(b.id, &b.account)));
    Ok(all)
}

/// `{"sharing_agreements": [...]}`, pretty, as `import` reads it.
fn api_json(list: &[Agreement]) -> String {
    let value = serde_json::json!({ "sharing_agreements": list });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// One line an agreement side.
fn table(store: &Store, list: &[Agreement]) -> Result<String, CliError> {
    if list.is_empty() {
        return Ok("no agreements\n".into());
    }
    let local: BTreeSet<String> = store.accounts()?.into_iter().collect();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.account.clone(),
                a.name.clone(),
                a.direction.as_str().into(),
                a.status.as_str().into(),
                partner_text(a, &local),
                terms_text(a),
            ]
        })
        .collect();
    let header = [
        "id", "account", "name", "type", "status", "partner", "terms",
    ];
    Ok(table::render(&header, &rows))
}

/// The partner's subdomain, marked when it is not in the store.
fn partner_text(agreement: &Agreement, local: &BTreeSet<String>) -> String {
    let partner = agreement.partner();
    let is_local = agreement
        .remote_subdomain
        .as_ref()
        .is_some_and(|s| local.contains(s));
    if is_local {
        partner
    } else {
        format!("{partner} (remote)")
    }
}

/// `public_and_private, sync tags, sync custom fields`.
fn terms_text(agreement: &Agreement) -> String {
    let mut terms = vec![agreement.comments.as_str()];
    if agreement.sync_tags {
        terms.push("sync tags");
    }
    if agreement.sync_custom_fields {
        terms.push("sync custom fields");
    }
    terms.join(", ")
}

fn show(store: &Store, id: i64, account: Option<&str>, format: Format) -> Result<(), CliError> {
    let agreement = find(store, id, account)?;
    match format {
        Format::Json => {
            let value = serde_json::json!({ "sharing_agreement": agreement });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        Format::Human => out!("{}", show_text(store, &agreement)?),
    }
    Ok(())
}

/// The side with this id: the named account's, or the only one there is.
fn find(store: &Store, id: i64, account: Option<&str>) -> Result<Agreement, CliError> {
    let found = match account {
        Some(a) => store.agreement(a, id)?.into_iter().collect(),
        None => store.agreements_with_id(id)?,
    };
    let whose = account.map_or_else(|| "the store".to_string(), |a| format!("`{a}`"));
    match <[Agreement; 1]>::try_from(found) {
        Ok([one]) => Ok(one),
        Err(found) if found.is_empty() => Err(CliError::Usage(format!(
            "no agreement {id} in {whose}\nhelp: `ticket-rules agreements list` shows them all"
        ))),
        Err(found) => {
            let accounts: Vec<&str> = found.iter().map(|a| a.account.as_str()).collect();
            Err(CliError::Usage(format!(
                "accounts {} each have an agreement {id}\nhelp: name one with `--account`",
                accounts.join(", ")
            )))
        }
    }
}

fn show_text(store: &Store, a: &Agreement) -> Result<String, CliError> {
    let (created, updated) = (
        a.created_at.as_deref().unwrap_or("(none)"),
        a.updated_at.as_deref().unwrap_or("(none)"),
    );
    let mut partner = a.partner();
    if let Some(name) = a.partner_name.as_ref().filter(|n| **n != partner) {
        partner += &format!(" ({name})");
    }
    partner += if partner_is_local(store, a)? {
        ", in the store"
    } else {
        ", remote"
    };
    let mut out = format!(
        "agreement {} `{}` of `{}`: {}, {}\n  partner: {partner}\n  terms: {}\n  \
         created {created}, updated {updated}\n",
        a.id,
        a.name,
        a.account,
        a.direction.as_str(),
        a.status.as_str(),
        terms_text(a),
    );
    if let Some(url) = &a.url {
        out += &format!("  url: {url}\n");
    }
    if let Some(key) = store.agreement_key(&a.account, a.id)? {
        out += &format!(
            "  partner's sharing URL: {}\n  uuid: {}\n",
            key.partner_url, key.uuid
        );
    }
    let other = match lifecycle::peer(store, a)? {
        Some(p) => format!(
            "agreement {} of `{}` ({}, {})",
            p.id,
            p.account,
            p.direction.as_str(),
            p.status.as_str()
        ),
        None if partner_is_local(store, a)? => "not in the store".into(),
        None => "with the remote partner".into(),
    };
    out += &format!("  other side: {other}\n");
    Ok(out)
}

fn partner_is_local(store: &Store, a: &Agreement) -> Result<bool, CliError> {
    Ok(match a.remote_subdomain.as_deref() {
        Some(s) => lifecycle::is_local(store, s)?,
        None => false,
    })
}

/// Loads the file's agreements, each for the account `--account` names,
/// else its own `account` (as `export` writes it), else the store's only
/// account; all in one transaction.
fn import(file: &std::path::Path, db: &DbArg, account: Option<&str>) -> Result<(), CliError> {
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|source| CliError::Read {
        path: shown.clone(),
        source,
    })?;
    let list = from_api_json(&text).map_err(|e| {
        CliError::Usage(format!("`{shown}` is not Sharing Agreements API JSON: {e}"))
    })?;
    let store = db.open()?;
    let mut by_account: BTreeMap<String, Vec<Agreement>> = BTreeMap::new();
    if let Some(a) = account {
        // Named, it is recorded even when the file is an empty list.
        by_account.entry(a.to_string()).or_default();
    }
    let mut only: Option<String> = None;
    for agreement in list {
        let whose = match account {
            Some(a) => a.to_string(),
            None if !agreement.account.is_empty() => agreement.account.clone(),
            // Asked for only when needed, so that exported agreements
            // import into a store with several accounts.
            None => match &only {
                Some(a) => a.clone(),
                None => only.insert(account_of(&store, None)?).clone(),
            },
        };
        by_account.entry(whose).or_default().push(agreement);
    }
    let counts = store.transaction(|| -> Result<Vec<(&String, usize)>, CliError> {
        let mut counts = Vec::new();
        for (account, list) in &by_account {
            counts.push((account, store.import_agreements(account, list)?));
        }
        Ok(counts)
    })?;
    for (account, n) in &counts {
        let s = if *n == 1 { "" } else { "s" };
        outln!("imported {n} agreement{s} for `{account}`");
    }
    if counts.is_empty() {
        outln!("imported no agreements");
    }
    Ok(())
}

fn move_one(m: Move, action: Action) -> Result<(), CliError> {
    let store = m.db.open_existing()?;
    let at = time_arg(m.at.as_deref())?;
    let changed = lifecycle::transition(&store, m.id, &m.as_account, action, at)?;
    out!("{}", changed_text(&changed));
    Ok(())
}

fn retry(m: Move) -> Result<(), CliError> {
    let store = m.db.open_existing()?;
    let at = time_arg(m.at.as_deref())?;
    let retried = crate::server::delivery::retry::retry(&store, &m.as_account, m.id, at)?;
    let side = &retried.side;
    outln!(
        "agreement `{}` {} again (was {}): {}; its waiting rows are sent on the next delivery pass",
        side.name,
        side.status.as_str(),
        retried.was.as_str(),
        side_text(side)
    );
    Ok(())
}

/// `agreement `Acme` accepted: support #1 (outbound) ⇄ acme #2 (inbound)`.
fn changed_text(c: &Changed) -> String {
    let this = side_text(&c.side);
    let other = match &c.peer {
        Some(p) => side_text(p),
        None => absent_text(&c.side.partner(), c.partner_local, c.outbox),
    };
    let mut text = format!(
        "agreement `{}` {}: {}\n",
        c.side.name,
        c.action.done(),
        outbound_first(&c.side, this, other)
    );
    if c.stopped > 0 {
        let s = if c.stopped == 1 { "" } else { "s" };
        text.push_str(&format!("{} shared ticket{s} stopped syncing\n", c.stopped));
    }
    text
}

fn invited_text(i: &Invited) -> String {
    let out = &i.outbound;
    let inbound = match &i.inbound {
        Some(a) => side_text(a),
        None => absent_text(&out.partner(), false, i.outbox),
    };
    let sides = format!("{} ⇄ {inbound}", side_text(out));
    if i.declined {
        format!(
            "agreement `{}` declined: {sides}\n`{}` declines all invites\n",
            out.name,
            out.partner()
        )
    } else {
        format!("agreement `{}` invited, pending: {sides}\n", out.name)
    }
}

/// Is `--to` another server's URL rather than a subdomain?
fn is_url(to: &str) -> bool {
    let to = to.trim_start();
    to.starts_with("http://") || to.starts_with("https://")
}

/// `support #1 (outbound)`.
fn side_text(a: &Agreement) -> String {
    format!("{} #{} ({})", a.account, a.id, a.direction.as_str())
}

/// The partner's side when the store does not hold it.
fn absent_text(partner: &str, local: bool, outbox: Option<i64>) -> String {
    match (local, outbox) {
        (true, _) => format!("{partner} (no side in the store)"),
        (false, Some(seq)) => format!("{partner} (remote: outbox entry {seq} tells it)"),
        (false, None) => format!("{partner} (remote)"),
    }
}

/// The two sides' texts, the sender's first.
fn outbound_first(this: &Agreement, this_text: String, other_text: String) -> String {
    match this.direction {
        crate::model::Direction::Outbound => format!("{this_text} ⇄ {other_text}"),
        crate::model::Direction::Inbound => format!("{other_text} ⇄ {this_text}"),
    }
}
