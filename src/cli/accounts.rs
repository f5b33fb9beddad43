//! `ticket-rules accounts`: the accounts in the store and what each has
//! chosen: whether it declines all invites, whether its agents may share
//! a ticket with agents outside its group, and its custom fields' types.
//! An account in the store is *local*: agreements with it keep both sides.

use super::out::{out, outln};
use super::running::DbArg;
use super::table;
use super::{CliError, Format, Outcome};
use crate::model::{Direction, FieldType};
use crate::rules::schema::did_you_mean;
use crate::store::Store;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Add an account, by its subdomain
    Add {
        name: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Accounts, one line each
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One account: its settings, fields and agreements
    Show {
        name: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change an account's settings
    Set {
        name: String,
        #[command(flatten)]
        db: DbArg,
        /// Decline every new invite to this account as it arrives
        #[arg(long, value_enum, value_name = "on|off")]
        decline_all_invites: Option<Switch>,
        /// Let agents share one ticket with agents outside its group
        #[arg(long, value_enum, value_name = "on|off")]
        agent_ticket_sharing: Option<Switch>,
        /// Define a custom field, or change its type (repeatable):
        /// `"Camera model=dropdown"`
        #[arg(long = "field", value_name = "TITLE=TYPE")]
        fields: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Switch {
    On,
    Off,
}

impl Switch {
    fn on(self) -> bool {
        matches!(self, Switch::On)
    }
}

/// What `accounts set` changes; `None` leaves a setting as it is.
struct Settings {
    decline: Option<bool>,
    sharing: Option<bool>,
    fields: Vec<(String, FieldType)>,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Add { name, db } => add(&db, &name)?,
        Command::List { db, format } => list(&db.open_to_read()?, format)?,
        Command::Show { name, db, format } => show(&db.open_to_read()?, &name, format)?,
        Command::Set {
            name,
            db,
            decline_all_invites,
            agent_ticket_sharing,
            fields,
        } => {
            let fields = fields
                .iter()
                .map(|f| field_arg(f))
                .collect::<Result<Vec<_>, _>>()?;
            let settings = Settings {
                decline: decline_all_invites.map(Switch::on),
                sharing: agent_ticket_sharing.map(Switch::on),
                fields,
            };
            set(&db.open_existing()?, &name, &settings)?;
        }
    }
    Ok(Outcome::Ok)
}

fn add(db: &DbArg, name: &str) -> Result<(), CliError> {
    if !is_subdomain(name) {
        return Err(CliError::Usage(format!(
            "`{name}` is not a subdomain\nhelp: an account is named by its subdomain: lowercase \
             letters, digits and hyphens, as in `acme-optics`"
        )));
    }
    let store = db.open()?;
    if store.add_account(name)? {
        outln!("added account `{name}`");
    } else {
        outln!("account `{name}` is already in the store");
    }
    Ok(())
}

/// Lowercase letters, digits and inner hyphens: what a partner's
/// `remote_subdomain` can name.
fn is_subdomain(name: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    !name.is_empty() && name.chars().all(ok) && !name.starts_with('-') && !name.ends_with('-')
}

/// Everything shown of an account, as JSON.
fn account_json(store: &Store, name: &str) -> Result<Option<Value>, CliError> {
    let Some(settings) = store.account_settings(name)? else {
        return Ok(None);
    };
    let fields: Vec<Value> = store
        .fields(name)?
        .into_iter()
        .map(|(title, t)| json!({ "title": title, "type": t }))
        .collect();
    Ok(Some(json!({
        "name": settings.name,
        "decline_all_invites": settings.decline_all_invites,
        "agent_ticket_sharing": settings.agent_ticket_sharing,
        "fields": fields,
    })))
}

fn list(store: &Store, format: Format) -> Result<(), CliError> {
    let names = store.accounts()?;
    if format == Format::Json {
        let accounts = names
            .iter()
            .filter_map(|n| account_json(store, n).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let text = serde_json::to_string_pretty(&json!({ "accounts": accounts }));
        outln!("{}", text.unwrap_or_default());
        return Ok(());
    }
    if names.is_empty() {
        outln!("no accounts\nhelp: add one with `ticket-rules accounts add NAME`");
        return Ok(());
    }
    let mut rows = Vec::new();
    for name in &names {
        let settings = store.account_settings(name)?;
        let decline = settings.as_ref().is_some_and(|s| s.decline_all_invites);
        let sharing = settings.as_ref().is_some_and(|s| s.agent_ticket_sharing);
        rows.push(vec![
            name.clone(),
            on_off(decline).into(),
            on_off(sharing).into(),
            store.fields(name)?.len().to_string(),
            store.agreements(name)?.len().to_string(),
        ]);
    }
    let header = [
        "account",
        "declines all invites",
        "agent ticket sharing",
        "fields",
        "agreements",
    ];
    out!("{}", table::render(&header, &rows));
    Ok(())
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn show(store: &Store, name: &str, format: Format) -> Result<(), CliError> {
    let Some(account) = account_json(store, name)? else {
        return Err(unknown_account(store, name)?);
    };
    if format == Format::Json {
        let text = serde_json::to_string_pretty(&json!({ "account": account }));
        outln!("{}", text.unwrap_or_default());
        return Ok(());
    }
    let decline = account["decline_all_invites"].as_bool().unwrap_or(false);
    let sharing = account["agent_ticket_sharing"].as_bool().unwrap_or(false);
    let mut out = format!(
        "account `{name}`\n  declines all invites: {}\n  agent ticket sharing: {}\n",
        on_off(decline),
        on_off(sharing)
    );
    let fields = store.fields(name)?;
    if fields.is_empty() {
        out += "  fields: none\n";
    } else {
        out += "  fields:\n";
        let rows: Vec<Vec<String>> = fields
            .into_iter()
            .map(|(title, t)| vec![format!("    {title}"), t.as_str().into()])
            .collect();
        let rows: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
        out += &table::aligned(&rows);
    }
    let agreements = store.agreements(name)?;
    let count = |d| agreements.iter().filter(|a| a.direction == d).count();
    out += &format!(
        "  agreements: {} outbound, {} inbound\n",
        count(Direction::Outbound),
        count(Direction::Inbound)
    );
    out!("{out}");
    Ok(())
}

/// `no account `x``, with the nearest name there is.
pub fn unknown_account(store: &Store, name: &str) -> Result<CliError, CliError> {
    let accounts = store.accounts()?;
    let help = match did_you_mean(name, accounts.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("add it with `ticket-rules accounts add {name}`"),
    };
    Ok(CliError::Usage(format!(
        "no account `{name}` in the store\nhelp: {help}"
    )))
}

/// Reads `--field "TITLE=TYPE"`.
fn field_arg(text: &str) -> Result<(String, FieldType), CliError> {
    let Some((title, kind)) = text.rsplit_once('=') else {
        return Err(CliError::Usage(format!(
            "`--field {text}` has no type\nhelp: write it `TITLE=TYPE`, as in `Camera model=dropdown`"
        )));
    };
    let title = title.trim();
    if title.is_empty() {
        return Err(CliError::Usage(format!(
            "`--field {text}` has no title\nhelp: write it `TITLE=TYPE`, as in `Camera model=dropdown`"
        )));
    }
    let Some(field_type) = FieldType::parse(kind) else {
        let names = FieldType::ALL.map(FieldType::as_str);
        let help = match did_you_mean(kind.trim(), names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("a type is one of {}", names.join(", ")),
        };
        return Err(CliError::Usage(format!(
            "unknown field type `{}`\nhelp: {help}",
            kind.trim()
        )));
    };
    Ok((title.to_string(), field_type))
}

/// Applies every change in one transaction, after checking them all.
fn set(store: &Store, name: &str, settings: &Settings) -> Result<(), CliError> {
    let Settings {
        decline,
        sharing,
        fields,
    } = settings;
    if decline.is_none() && sharing.is_none() && fields.is_empty() {
        return Err(CliError::Usage(
            "nothing to set\nhelp: give `--decline-all-invites on|off`, `--agent-ticket-sharing on|off` or `--field TITLE=TYPE`"
                .into(),
        ));
    }
    if store.account_settings(name)?.is_none() {
        return Err(unknown_account(store, name)?);
    }
    let said = store.transaction(|| -> Result<Vec<String>, CliError> {
        let mut said = Vec::new();
        if let Some(on) = *decline {
            store.set_decline_all_invites(name, on)?;
            said.push(format!("declines all invites: {}", on_off(on)));
        }
        if let Some(on) = *sharing {
            store.set_agent_ticket_sharing(name, on)?;
            said.push(format!("agent ticket sharing: {}", on_off(on)));
        }
        for (title, t) in fields {
            let was = store.field_type(name, title)?;
            store.set_field(name, title, *t)?;
            said.push(match was {
                None => format!("field `{title}`: {} (new)", t.as_str()),
                Some(old) if old == *t => format!("field `{title}`: {} (as it was)", t.as_str()),
                Some(old) => format!("field `{title}`: {} → {}", old.as_str(), t.as_str()),
            });
        }
        Ok(said)
    })?;
    for line in said {
        outln!("`{name}` {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_are_lowercase_letters_digits_and_inner_hyphens() {
        for ok in ["acme", "acme-optics", "a1", "7eleven"] {
            assert!(is_subdomain(ok), "{ok}");
        }
        for bad in [
            "",
            "Acme",
            "acme optics",
            "-acme",
            "acme-",
            "acme.com",
            "ácme",
        ] {
            assert!(!is_subdomain(bad), "{bad}");
        }
    }

    #[test]
    fn field_arguments_are_title_equals_type() {
        let (title, t) = field_arg(" Camera model = Dropdown").unwrap();
        assert_eq!((title.as_str(), t), ("Camera model", FieldType::Dropdown));
        // The last `=` splits: a title may hold one.
        let (title, t) = field_arg("a=b=date").unwrap();
        assert_eq!((title.as_str(), t), ("a=b", FieldType::Date));
        let message = |text| field_arg(text).unwrap_err().to_string();
        assert_eq!(
            message("Model=dropdwn"),
            "unknown field type `dropdwn`\nhelp: did you mean `dropdown`?"
        );
        assert!(message("Model=tagger").contains("one of text, textarea, integer"));
        assert!(message("Model").starts_with("`--field Model` has no type"));
        assert!(message("=text").starts_with("`--field =text` has no title"));
    }
}
