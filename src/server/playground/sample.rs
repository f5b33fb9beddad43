//! The playground's built-in world: the demo's two local accounts,
//! `support` (home) and `acme` (its partner), with their rules, their
//! sides of the agreements (and `support`'s remote partner `northwind`),
//! the `Camera model` field and their agents; and a ticket and events to
//! start from.

/// One local account of the sample world.
pub struct Account {
    pub name: &'static str,
    /// What the page calls it on its tab.
    pub role: &'static str,
    pub file: &'static str,
    pub rules: &'static str,
    pub agreements: &'static str,
    /// The agent events may name as actor: an event's role is the store's.
    pub agent: (&'static str, &'static str),
}

pub const ACCOUNTS: [Account; 2] = [
    Account {
        name: "support",
        role: "home",
        file: "support.rules",
        rules: include_str!("../../../demo/rules/support.rules"),
        agreements: include_str!("../../../demo/agreements/support.json"),
        agent: ("bo@support.example", "Bo"),
    },
    Account {
        name: "acme",
        role: "partner",
        file: "acme.rules",
        rules: include_str!("../../../demo/rules/acme.rules"),
        agreements: include_str!("../../../demo/agreements/acme.json"),
        agent: ("tess@acme.example", "Tess Acme"),
    },
];

/// The account events happen in.
pub const HOME: &str = "support";

/// The field both accounts have, so it syncs.
pub const FIELD: &str = "Camera model";

/// When the ticket was made, and when the event happens by default.
pub const TICKET_AT: &str = "2026-11-21T09:00:00Z";
pub const EVENT_AT: &str = "2026-11-21T10:00:00Z";

/// The ticket the page starts with: the demo's first one.
pub const TICKET: &str = r#"{
  "id": 101,
  "subject": "Camera won't focus",
  "status": "new",
  "priority": "normal",
  "tags": ["image_sensor"],
  "requester": "ann@example.com",
  "custom_fields": {"Camera model": "X200"},
  "comment": {"body": "It broke after the firmware update", "public": true}
}
"#;

/// The ticket above arrives: a create, by its requester.
pub const CREATE_EVENT: &str = r#"{
  "type": "create",
  "via": "email",
  "actor": {"email": "ann@example.com", "role": "end_user", "name": "Ann Lee"}
}
"#;

/// An agent answers the ticket above, as it stands.
pub const UPDATE_EVENT: &str = r#"{
  "type": "update",
  "via": "web",
  "actor": {"email": "bo@support.example", "role": "agent"},
  "changes": {
    "status": "pending",
    "comment": {"body": "Which lens are you using?", "public": true}
  }
}
"#;

/// The sample account named `name`.
pub fn account(name: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.name == name)
}
