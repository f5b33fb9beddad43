//! The trigger cycle on `ticket-rules gen`'s workload (issue 14), for
//! callgrind: instruction counts do not move with the machine's load, so
//! the cost per update at 1,000 and 10,000 triggers compares reliably.
//!
//! ```text
//! cargo build --release --example cycle_cost
//! valgrind --tool=callgrind --toggle-collect='*cycle_cost::run_all*' \
//!     target/release/examples/cycle_cost 1000
//! ```
//!
//! The instructions callgrind reports, over the updates this prints, are
//! the cost per update. `match` as a second argument runs only the match
//! step ([`ticket_rules::matching`]).

/// The allocator the binary and the benches use (`src/main.rs`), so the
/// counts are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ticket_rules::engine::{self, Context, RuleSet};
use ticket_rules::gen::replay::{replay, Step};
use ticket_rules::gen::Options;

fn main() {
    let mut args = std::env::args().skip(1);
    let rules = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let only_match = args.next().as_deref() == Some("match");
    let options = Options {
        rules,
        events: 2_000,
        tickets: 200,
        ..Options::default()
    };
    let (set, steps) = replay(&options).expect("the workload generates");
    let fired = run_all(&set, &steps, only_match);
    println!("{} updates, {fired} firings, {rules} triggers", steps.len());
}

/// The part callgrind counts.
#[inline(never)]
fn run_all(set: &RuleSet, steps: &[Step], only_match: bool) -> usize {
    let cx = Context::default();
    let mut fired = 0;
    for (before, u) in steps {
        fired += match only_match {
            true => ticket_rules::matching(set, before.as_ref(), u).len(),
            false => engine::run(set, before.as_ref(), u, &cx).fired.len(),
        };
    }
    fired
}
