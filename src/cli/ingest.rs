//! `ticket-rules ingest`: run events through the rules into the store.

use super::out::{errln, out, outln};
use super::running::{account_rules, open_input, DbArg, MaxLineArg, RulesArg};
use super::{stderr_style, CliError, Format, Outcome};
use crate::engine::Explain;
use crate::escape::controls;
use crate::ingest::{incoming_up_to, Pipeline, Processed, Status};
use crate::report::{event_json, event_text, events_json};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    max_line: MaxLineArg,
    /// Rule files or folders: `ACCOUNT=PATH` for one account's, `PATH` for
    /// every account without its own (repeat `--rules` for more)
    #[arg(long, required = true, value_name = "[ACCOUNT=]PATH")]
    rules: Vec<RulesArg>,
    /// Events as JSON Lines; `-` for stdin
    #[arg(default_value = "-")]
    file: PathBuf,
    /// Print what each event did, as `dry-run` does
    #[arg(long)]
    report: bool,
    /// With `--report`: why other rules did not fire (`failed`) or every condition (`all`)
    #[arg(long, value_enum, default_value_t = ExplainArg::None)]
    explain: ExplainArg,
    /// Output format of `--report` and the summary
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Let creates with `received_from` import copies received from remote
    /// partners (without it only the partner protocol makes them)
    #[arg(long)]
    import_copies: bool,
}

/// How much `--explain` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainArg {
    None,
    Failed,
    All,
}

impl From<ExplainArg> for Explain {
    fn from(e: ExplainArg) -> Explain {
        match e {
            ExplainArg::None => Explain::None,
            ExplainArg::Failed => Explain::Failed,
            ExplainArg::All => Explain::All,
        }
    }
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let Some(rules) = account_rules(&args.rules)? else {
        return Ok(Outcome::Failed);
    };
    let store = args.db.open()?;
    let bar = progress(&args.file);
    let input = open_input(&args.file)?;
    let input = std::io::BufReader::new(Counted {
        inner: input,
        bar: bar.clone(),
    });
    let mut pipeline =
        Pipeline::new(&store, &rules, args.explain.into()).importing_copies(args.import_copies);
    let style = stderr_style();
    let mut reports = Vec::new();
    let summary = pipeline.run(
        incoming_up_to(input, args.max_line.max_line),
        false,
        |p: &Processed| {
            if let Status::Rejected(reason) = &p.status {
                // Escaped before painting: colour from the event would pass.
                let id = controls(p.event_id.as_deref().unwrap_or("(no id)"), false);
                let reason = controls(reason, false);
                let line = p.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                bar.suspend(|| {
                    errln!(
                        "{}: event {id}{line}: {reason}",
                        style.paint("1;31", "rejected")
                    )
                });
            }
            // Once the reader has gone, rendering reports is wasted work.
            if args.report && !super::out::stdout_gone() {
                match args.format {
                    Format::Human => bar.suspend(|| out!("{}", event_text(p))),
                    Format::Json => reports.push(event_json(p)),
                }
            }
        },
    )?;
    bar.finish_and_clear();
    match args.format {
        Format::Human => outln!("{summary}"),
        Format::Json => {
            let out = events_json(reports, &summary, false);
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    Ok(if summary.rejected > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

/// A progress bar over the input's bytes, on stderr when it is a terminal.
fn progress(file: &std::path::Path) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let len = std::fs::metadata(file).map(|m| m.len()).ok();
    let bar = match len {
        Some(len) if file != std::path::Path::new("-") => ProgressBar::new(len),
        _ => ProgressBar::new_spinner(),
    };
    let template = "{spinner} {bar:40} {bytes}/{total_bytes} {elapsed}";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// A reader that moves the progress bar as it reads.
struct Counted<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}
