//! Writing to stdout and stderr without panicking: `println!` panics when
//! the reader has gone (`ingest --report … | head -3`), which would abort
//! a run halfway and lose its batch. Here a closed stream is noted once and
//! further output to it is dropped, so the command finishes its work.
//!
//! Human output also passes [`crate::escape::controls`] here, so that no
//! event data reaches the terminal as a control sequence; [`data`] is for
//! a file's own text (`convert`), which must come out byte for byte.

use crate::escape::controls;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);
static STDOUT_COLOUR: OnceLock<bool> = OnceLock::new();
static STDERR_COLOUR: OnceLock<bool> = OnceLock::new();

/// Writes human output to stdout; after a failed write (a closed pipe, a
/// full disk) the rest of the output is dropped rather than retried line
/// by line.
pub fn stdout(args: std::fmt::Arguments) {
    let text = args.to_string();
    let shown = controls(&text, colour(&STDOUT_COLOUR, super::stdout_style));
    to_stdout(&shown);
}

/// Writes a file's text to stdout as it is, as [`stdout`] does otherwise.
pub fn data(text: &str) {
    to_stdout(text);
}

fn to_stdout(text: &str) {
    let failed = write_to(&mut std::io::stdout().lock(), &STDOUT_GONE, text);
    // A reader that has gone is no news; a full disk is.
    if let Some(e) = failed.filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        stderr(format_args!(
            "cannot write to stdout: {e}; the rest of the output is dropped\n"
        ));
    }
}

/// Writes human output to stderr, as [`stdout`] does.
pub fn stderr(args: std::fmt::Arguments) {
    let text = args.to_string();
    let shown = controls(&text, colour(&STDERR_COLOUR, super::stderr_style));
    let _ = write_to(&mut std::io::stderr().lock(), &STDERR_GONE, &shown);
}

/// Whether stdout has stopped taking output.
pub fn stdout_gone() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
}

/// Whether a stream shows colour, asked once per run.
fn colour(cell: &OnceLock<bool>, style: fn() -> crate::rules::diagnostics::Style) -> bool {
    *cell.get_or_init(|| style().color)
}

/// Writes unless the stream has gone; the error of the write that found
/// it gone.
fn write_to(stream: &mut impl Write, gone: &AtomicBool, text: &str) -> Option<std::io::Error> {
    if gone.load(Ordering::Relaxed) {
        return None;
    }
    let e = stream.write_all(text.as_bytes()).err()?;
    gone.store(true, Ordering::Relaxed);
    Some(e)
}

/// `print!` that never panics.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::stdout(format_args!($($arg)*)) };
}

/// `println!` that never panics.
macro_rules! outln {
    () => { $crate::cli::out::stdout(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that never panics.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::out::stderr(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {err, errln, out, outln};
