//! The events: `tickets` creates spread through `events` lines, the rest
//! updates of tickets already created, by the account's agents. Every
//! event sets status, priority, group and tags afresh (see [`super::world`]).

use super::rng::Rng;
use super::world::{self, World, CHANNELS, PRIORITIES, STATUSES};
use super::Options;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};
use std::io::Write;

/// Writes the events as JSON Lines (docs/EVENTS.md) a line at a time, so a
/// workload of any size takes no more memory than one event.
pub fn write(o: &Options, w: &World, out: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Rng::new(o.seed ^ 0x4556_454e);
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    let mut created = 0;
    for i in 0..o.events {
        let left = (o.events - i) as f64;
        let creates = (o.tickets - created) as f64;
        let create = created == 0 || rng.chance(creates / left);
        let at = (start + Duration::seconds(7 * i as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let line = match create {
            true => {
                created += 1;
                create_event(&mut rng, w, o, i, created, &at)
            }
            false => {
                let ticket = rng.range(1, created);
                update_event(&mut rng, w, o, i, ticket, &at)
            }
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Ticket `id` lives in account `id % accounts`.
pub fn account_of(o: &Options, ticket: usize) -> String {
    super::setup::account_name(ticket % o.accounts)
}

fn create_event(rng: &mut Rng, w: &World, o: &Options, i: usize, id: usize, at: &str) -> Value {
    let requester = format!("user{id}@example.com");
    let mut ticket = json!({"id": id, "subject": format!("Problem report {id}")});
    fields(rng, w, &mut ticket);
    ticket["requester"] = json!(requester);
    ticket["comment"] = json!({"body": "Something is wrong", "public": true});
    json!({
        "id": format!("g{i}"), "type": "create", "account": account_of(o, id), "at": at,
        "via": CHANNELS[w.channel.draw(rng)],
        "actor": {"email": requester, "role": "end_user"},
        "ticket": ticket,
    })
}

fn update_event(rng: &mut Rng, w: &World, o: &Options, i: usize, id: usize, at: &str) -> Value {
    let agent = super::setup::agent_email(id % o.accounts, rng.range(1, o.agents));
    let mut changes = json!({});
    fields(rng, w, &mut changes);
    changes["comment"] = json!({"body": "Looking into it", "public": false});
    json!({
        "id": format!("g{i}"), "type": "update", "account": account_of(o, id), "at": at,
        "via": CHANNELS[w.channel.draw(rng)],
        "actor": {"email": agent, "role": "agent"},
        "ticket_id": id,
        "changes": changes,
    })
}

/// Status, priority, group and tags, drawn independently.
fn fields(rng: &mut Rng, w: &World, into: &mut Value) {
    into["status"] = json!(STATUSES[w.status.draw(rng)]);
    into["priority"] = json!(PRIORITIES[w.priority.draw(rng)]);
    into["group"] = json!(world::group_name(w.group.draw(rng)));
    let count = rng.range(0, world::MAX_TAGS);
    let mut tags: Vec<usize> = (0..count).map(|_| w.tag.draw(rng)).collect();
    tags.sort_unstable();
    tags.dedup();
    let names: Vec<String> = tags.into_iter().map(world::tag_name).collect();
    into["tags"] = json!(names);
}
