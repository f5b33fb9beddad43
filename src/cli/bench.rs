//! `ticket-rules bench`: an admin's rule set on real or generated events:
//! load time, updates/s, per-update p50/p99, and the costliest triggers.

use super::running::open_input;
use super::{report, stderr_style, CliError, Format, Outcome};
use crate::bench::{load_timed, measure, LoadTimes, Measured};
use crate::event::read_events;
use crate::gen::{events, world::World, Options};
use crate::model::Update;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders (every event runs through all of them)
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Events as JSON Lines; `-` for stdin
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "gen",
        required_unless_present = "gen"
    )]
    events: Option<PathBuf>,
    /// Generate the events instead, as `gen` would
    #[arg(long)]
    gen: bool,
    /// With `--gen`: how many events, on how many tickets
    #[arg(long, default_value_t = 10_000)]
    gen_events: usize,
    #[arg(long, default_value_t = 1_000)]
    gen_tickets: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 1.1)]
    tag_skew: f64,
    /// How many of the costliest triggers to list
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Profile the triggers' conditions on this many updates
    #[arg(long, default_value_t = 1_000)]
    profile: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let (set, mut files, times) = load_timed(&args.rules)?;
    let Some(set) = set else {
        for (_, diags) in &mut files {
            diags.retain(|d| d.is_error());
        }
        eprint!("{}", report(&files, Format::Human, stderr_style()));
        eprintln!("the rules have errors; nothing was run");
        return Ok(Outcome::Failed);
    };
    let (updates, skipped) = updates(&args)?;
    let m = measure(&set, &updates, args.profile);
    let files = files.len();
    match args.format {
        Format::Human => print!("{}", human(&args, files, set.triggers.len(), times, &m)),
        Format::Json => println!("{:#}", as_json(&args, set.triggers.len(), times, &m)),
    }
    Ok(if skipped > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

/// The updates to run, and how many lines were skipped as bad (each
/// reported on stderr with its line).
fn updates(args: &Args) -> Result<(Vec<Update>, usize), CliError> {
    let text = match &args.events {
        Some(path) => path.clone(),
        None => return Ok((generated(args)?, 0)),
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for line in read_events(open_input(&text)?) {
        match line.event {
            Ok(u) => out.push(u),
            Err(e) => {
                skipped += 1;
                eprintln!(
                    "{}: {}: {e}",
                    stderr_style().paint("1;31", "skipped"),
                    text.display()
                );
            }
        }
    }
    Ok((out, skipped))
}

fn generated(args: &Args) -> Result<Vec<Update>, CliError> {
    let options = Options {
        seed: args.seed,
        events: args.gen_events,
        tickets: args.gen_tickets,
        tag_skew: args.tag_skew,
        ..Options::default()
    };
    if options.tickets == 0 || options.events < options.tickets {
        return Err(CliError::Usage(
            "`gen-events` must be at least `gen-tickets`, and `gen-tickets` at least 1".into(),
        ));
    }
    let mut text = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = events::write(&options, &World::new(&options), &mut text);
    Ok(read_events(text.as_slice())
        .filter_map(|l| l.event.ok())
        .collect())
}

fn human(args: &Args, files: usize, triggers: usize, t: LoadTimes, m: &Measured) -> String {
    let load = t.parse + t.check + t.compile;
    let n = m.per_update.len();
    let rate = m.fired as f64 / n.max(1) as f64 / triggers.max(1) as f64 * 1_000.0;
    let mut out = format!(
        "rules: {triggers} triggers in {files} file{}, loaded in {} (parse {}, check {}, compile {})\n",
        if files == 1 { "" } else { "s" },
        dur(load), dur(t.parse), dur(t.check), dur(t.compile)
    );
    out += &format!(
        "updates: {n}, {} rules fired ({rate:.2} per update per 1,000 triggers)\n",
        m.fired
    );
    out += &format!(
        "trigger cycle: {:.0} updates/s; per update p50 {}, p99 {}, max {}\n",
        m.per_second(),
        dur(m.quantile(0.5)),
        dur(m.quantile(0.99)),
        dur(m.quantile(1.0))
    );
    out += &format!(
        "costliest triggers (conditions timed on {} updates):\n",
        m.profiled
    );
    out += &format!(
        "  {:>10}  {:>7}  {:>6}  trigger\n",
        "time", "tested", "fired"
    );
    for c in m.costs.iter().take(args.top) {
        out += &format!(
            "  {:>10}  {:>7}  {:>6}  `{}` ({})\n",
            dur(c.time),
            c.tested,
            c.fired,
            c.title,
            c.source
        );
    }
    out
}

fn as_json(args: &Args, triggers: usize, t: LoadTimes, m: &Measured) -> serde_json::Value {
    let ns = |d: Duration| d.as_nanos() as u64;
    let top: Vec<_> = m
        .costs
        .iter()
        .take(args.top)
        .map(|c| json!({"title": c.title, "source": c.source, "time_ns": ns(c.time), "tested": c.tested, "fired": c.fired}))
        .collect();
    json!({
        "triggers": triggers,
        "load_ns": {"parse": ns(t.parse), "check": ns(t.check), "compile": ns(t.compile)},
        "updates": m.per_update.len(),
        "fired": m.fired,
        "updates_per_second": m.per_second(),
        "per_update_ns": {"p50": ns(m.quantile(0.5)), "p99": ns(m.quantile(0.99)), "max": ns(m.quantile(1.0))},
        "profiled_updates": m.profiled,
        "costliest": top,
    })
}

/// A duration in the unit that suits it.
fn dur(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    match ns {
        x if x < 1e3 => format!("{x:.0} ns"),
        x if x < 1e6 => format!("{:.1} µs", x / 1e3),
        x if x < 1e9 => format!("{:.1} ms", x / 1e6),
        x => format!("{:.2} s", x / 1e9),
    }
}
