//! The `ticket-rules` binary: parses arguments and hands over to the CLI.

/// mimalloc rather than the system's allocator: loading rules and the
/// trigger cycle allocate many small strings, and glibc's malloc, free and
/// page clearing were a third of loading 10,000 rules (README,
/// Performance). The library leaves the choice to whoever embeds it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ticket_rules::cli::main()
}
