//! The `ticket-rules` binary: parses arguments and hands over to the CLI.

fn main() -> std::process::ExitCode {
    ticket_rules::cli::main()
}
