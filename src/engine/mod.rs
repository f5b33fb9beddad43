//! The engine: compiled rules run over a ticket and an update, as a pure
//! function. No I/O here; `store` reads the ticket before and commits the
//! outcome, `dry-run` prints it.

pub mod outcome;

pub use outcome::*;
