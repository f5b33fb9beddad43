//! `ticket-rules gen`: a seeded, deterministic workload for benchmarks and
//! load tests, shaped like a large real account (issue 14): accounts and
//! their agents, an agreement between each neighbouring pair, tickets with
//! a history of updates, and `M` triggers in the DSL and in Zendesk-shaped
//! YAML whose firing rate per update is the one asked for.
//!
//! Every field a rule reads is drawn independently for every event, from
//! distributions whose probabilities are known exactly ([`world`]), so
//! each rule's chance of holding is a product, and [`rules`] picks the
//! selective condition that brings it to the requested rate.

pub mod dist;
pub mod events;
pub mod replay;
pub mod rng;
pub mod rules;
pub mod setup;
pub mod world;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    pub accounts: usize,
    pub agents: usize,
    pub tickets: usize,
    pub events: usize,
    pub rules: usize,
    /// Triggers that fire per update, per 1,000 triggers.
    pub match_rate: f64,
    /// Zipf exponent of the tickets' tags over the tag pool.
    pub tag_skew: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 1,
            accounts: 2,
            agents: 5,
            tickets: 1_000,
            events: 10_000,
            rules: 1_000,
            match_rate: 1.6,
            tag_skew: 1.1,
        }
    }
}

/// A generated workload: file contents, by their place in the output.
pub struct Workload {
    /// The triggers in the DSL (`dsl/triggers.rules`).
    pub dsl: String,
    /// The same triggers in Zendesk-shaped YAML (`yaml/triggers.yaml`).
    pub yaml: String,
    /// JSON Lines events (`events.jsonl`).
    pub events: String,
    /// The commands that make the accounts, agents and agreements the
    /// events need (`setup.sh`).
    pub setup: String,
}

/// Why options cannot make a workload.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GenError {
    #[error("`{name}` must be {want}")]
    Option {
        name: &'static str,
        want: &'static str,
    },
    /// A generated rule that does not fit Zendesk's all/any shape: a bug here.
    #[error("{0} generated rules do not fit the YAML shape")]
    Yaml(usize),
    /// Generated rules that do not check clean: a bug here.
    #[error("generated rules have {0} errors")]
    Rules(usize),
}

/// Generates the workload `options` describe; the same options give the
/// same bytes.
pub fn generate(options: &Options) -> Result<Workload, GenError> {
    let plan = plan(options)?;
    let mut events = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = plan.write_events(&mut events);
    Ok(Workload {
        events: String::from_utf8(events).unwrap_or_default(),
        dsl: plan.dsl,
        yaml: plan.yaml,
        setup: plan.setup,
    })
}

/// A workload's rules and setup, with what its events are drawn from:
/// [`Plan::write_events`] writes them as they are made, for workloads too
/// big to hold (`gen --events 10000000`).
pub struct Plan {
    options: Options,
    world: world::World,
    pub dsl: String,
    pub yaml: String,
    pub setup: String,
}

/// The workload `options` describe, but for its events.
pub fn plan(options: &Options) -> Result<Plan, GenError> {
    validate(options)?;
    let world = world::World::new(options);
    let dsl = rules::triggers(options, &world);
    let yaml = rules::as_yaml(&dsl)?;
    Ok(Plan {
        options: options.clone(),
        setup: setup::script(options),
        world,
        dsl,
        yaml,
    })
}

impl Plan {
    /// Writes the events, the same bytes [`generate`] holds.
    pub fn write_events(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        events::write(&self.options, &self.world, out)
    }
}

fn validate(o: &Options) -> Result<(), GenError> {
    let bad = |name, want| Err(GenError::Option { name, want });
    if o.accounts == 0 {
        return bad("accounts", "at least 1");
    }
    if o.agents == 0 {
        return bad("agents", "at least 1");
    }
    if o.tickets == 0 || o.events < o.tickets {
        return bad("events", "at least `tickets`, and `tickets` at least 1");
    }
    if !(o.match_rate > 0.0 && o.match_rate <= 1_000.0) {
        return bad("match-rate", "above 0 and at most 1000");
    }
    if !(o.tag_skew >= 0.0 && o.tag_skew <= 10.0) {
        return bad("tag-skew", "from 0 to 10");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_that_cannot_make_a_workload_are_refused() {
        type Change = fn(&mut Options);
        let cases: [(&str, Change); 6] = [
            ("accounts", |o| o.accounts = 0),
            ("agents", |o| o.agents = 0),
            ("events", |o| o.tickets = 0),
            ("match-rate", |o| o.match_rate = f64::NAN),
            ("match-rate", |o| o.match_rate = 0.0),
            ("tag-skew", |o| o.tag_skew = -1.0),
        ];
        for (name, change) in cases {
            let mut o = Options {
                rules: 3,
                events: 3,
                tickets: 1,
                ..Options::default()
            };
            change(&mut o);
            let err = generate(&o).err().map(|e| e.to_string());
            assert!(
                err.is_some_and(|e| e.starts_with(&format!("`{name}`"))),
                "{name}"
            );
        }
    }

    /// `gen` writes the events as it makes them; they are the bytes the
    /// whole workload holds.
    #[test]
    fn streamed_events_are_the_workloads_events() {
        let o = Options {
            rules: 20,
            events: 500,
            tickets: 50,
            ..Options::default()
        };
        let whole = generate(&o).expect("workload");
        let mut streamed = Vec::new();
        plan(&o)
            .expect("plan")
            .write_events(&mut streamed)
            .expect("write");
        assert_eq!(String::from_utf8(streamed).expect("utf-8"), whole.events);
        assert_eq!(whole.events.lines().count(), 500);
    }

    #[test]
    fn the_top_tag_is_on_43_percent_of_tickets_at_skew_1_1() {
        let w = world::World::new(&Options::default());
        let top = w.tag_on_ticket[0];
        assert!((0.41..0.45).contains(&top), "{top}");
        let flat = world::World::new(&Options {
            tag_skew: 0.0,
            ..Options::default()
        });
        let each = 3.0 / world::TAGS as f64;
        assert!(
            (flat.tag_on_ticket[0] - each).abs() < 0.001,
            "{}",
            flat.tag_on_ticket[0]
        );
    }

    #[test]
    fn nearest_is_by_ratio() {
        let chances = [0.5, 0.1, 0.01, 0.001];
        assert_eq!(dist::nearest(4, 0.02, |i| chances[i]), 2);
        assert_eq!(dist::nearest(4, 0.9, |i| chances[i]), 0);
        assert_eq!(dist::nearest(4, 0.0001, |i| chances[i]), 3);
    }
}
