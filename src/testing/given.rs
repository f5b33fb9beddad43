//! A case's given ticket: its create event, its later comments, and the
//! shares it already has (`shared_with`, `shared_with_agents`), made by a
//! trigger the runner writes so that they are made as a rule makes them.

use super::cases::CaseCx;
use crate::engine::{compile, Input};
use crate::ingest::AccountRules;
use crate::model::{Time, Update};
use crate::rules::check::{check, CheckOptions};
use crate::rules::diagnostics::Diagnostic;
use crate::rules::schema::quote;
use crate::rules::{load_str, Syntax};
use serde_json::{json, Value};

/// The given ticket: its create, later comments, and the update that
/// shares it, with the rules that do.
pub(super) struct GivenTicket {
    pub(super) created: Update,
    pub(super) comments: Vec<Update>,
    pub(super) sharing: Option<(Update, AccountRules)>,
}

/// One value or a list of them, as a list.
fn listed(value: Option<Value>) -> Vec<Value> {
    match value {
        None => Vec::new(),
        Some(Value::Array(list)) => list,
        Some(other) => vec![other],
    }
}

impl CaseCx<'_> {
    pub(super) fn given_ticket(&mut self, ticket: &Value, at: Time) -> Option<GivenTicket> {
        let mut ticket = ticket.clone();
        let mut taken = |key: &str| ticket.as_object_mut().and_then(|m| m.remove(key));
        let via = taken("via").unwrap_or_else(|| "web".into());
        let comments = taken("comments");
        let sharing = [taken("shared_with"), taken("shared_with_agents")];
        if let Some(m) = ticket.as_object_mut() {
            m.entry("id").or_insert(json!(1));
        }
        let at_text = at.to_rfc3339();
        let event = json!({"id": "given", "type": "create", "account": self.account, "at": at_text, "via": via, "ticket": ticket});
        let created = self.parse(&event, "ticket")?;
        let account = self.account;
        let update = |id: String, changes: Value| json!({"id": id, "type": "update", "account": account, "at": at_text, "via": via, "ticket_id": created.ticket_id, "changes": changes});
        let mut later = Vec::new();
        for (i, comment) in listed(comments).into_iter().enumerate() {
            let mut comment = comment;
            let actor = comment.as_object_mut().and_then(|c| {
                let role = c.remove("role").unwrap_or_else(|| "end_user".into());
                c.remove("author")
                    .map(|email| json!({"email": email, "role": role}))
            });
            let mut event = update(
                format!("given-comment-{}", i + 1),
                json!({ "comment": comment }),
            );
            if let Some(actor) = actor {
                event["actor"] = actor;
            }
            later.push(self.parse(&event, "comments")?);
        }
        let [partners, agents] = sharing;
        let sharing = match self.sharing_rules(listed(partners), listed(agents))? {
            None => None,
            Some(rules) => Some((
                self.parse(&update("given-sharing".into(), json!({})), "ticket")?,
                rules,
            )),
        };
        Some(GivenTicket {
            created,
            comments: later,
            sharing,
        })
    }

    /// `shared_with` and `shared_with_agents` as a trigger that shares the
    /// given ticket, so that the share is made as a rule makes it.
    fn sharing_rules(
        &mut self,
        partners: Vec<Value>,
        agents: Vec<Value>,
    ) -> Option<Option<AccountRules>> {
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let actions: Vec<String> = partners
            .iter()
            .map(|p| format!("share ticket with {}", quote(&text(p))))
            .chain(
                agents
                    .iter()
                    .map(|a| format!("share ticket with agent {}", quote(&text(a)))),
            )
            .collect();
        if actions.is_empty() {
            return Some(None);
        }
        let dsl = format!(
            "trigger \"the given sharing\" {{\n  then {}\n}}\n",
            actions.join("\n       ")
        );
        let loaded = load_str("(given sharing)", dsl, Syntax::Dsl);
        let mut errors = loaded
            .diagnostics
            .iter()
            .chain(&check(&loaded.file, &CheckOptions::default()))
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect::<Vec<_>>();
        if let Some(first) = errors.drain(..).next() {
            let span = self.finder.in_case(self.index, "ticket", "shared_with");
            self.diags.push(Diagnostic::error(
                "test-file",
                span,
                format!("the given ticket cannot be shared so: {first}"),
            ));
            return None;
        }
        let set = compile(&[Input {
            source: &loaded.source,
            file: &loaded.file,
        }]);
        let mut rules = AccountRules::default();
        rules.own.insert(self.account.to_string(), set);
        Some(Some(rules))
    }
}
