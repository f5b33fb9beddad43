//! Step three for actions: each `{ field, value }` item mapped to our
//! actions, with `comment_mode_is_public` paired to its `comment_value`.

use super::loader::{At, Loader};
use super::values::*;
use crate::locate::{skip_item_marks, token_at};
use crate::rules::ast::*;
use crate::rules::schema::is_email;
use serde_json::Value;

/// One action as written, before mapping.
struct RawAction {
    field: String,
    field_span: Span,
    value: Value,
    value_at: Option<At>,
}

impl Loader<'_> {
    pub(super) fn actions(&mut self, value: &Value, kspan: Span) -> Vec<Action> {
        let help = "actions are a list of `{ field: status, value: solved }`";
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Array(items) => items,
            _ => {
                self.bad_shape(
                    kspan,
                    format!("`actions` must be a list, not {}", describe(value)),
                    help,
                );
                return Vec::new();
            }
        };
        let mut raw = Vec::new();
        for item in items {
            let Value::Object(map) = item else {
                let span = token_at(self.loc.src, skip_item_marks(self.loc.src, self.loc.pos));
                self.loc.pos = self.loc.pos.max(span.end);
                self.bad_shape(
                    span,
                    format!("an action must be a map, not {}", describe(item)),
                    help,
                );
                continue;
            };
            let mut start = None;
            let mut field = None;
            let mut val = (Value::Null, None);
            for (key, v) in map {
                let (kspan, at) = self.key_span(key);
                start.get_or_insert(kspan);
                match key.as_str() {
                    "field" => match v {
                        Value::String(s) => {
                            let span = self.value_span(at, kspan);
                            field = Some((s.clone(), span));
                        }
                        _ => self.bad_shape(
                            kspan,
                            format!("`field` must be text, not {}", describe(v)),
                            help,
                        ),
                    },
                    "value" => {
                        if !matches!(v, Value::Array(_) | Value::Object(_)) {
                            if let Some(At(p)) = at {
                                self.loc.scalar(p);
                            }
                        }
                        val = (v.clone(), at);
                    }
                    k => self.unknown_key(k, kspan, &["field", "value"], "an action"),
                }
            }
            let start = start.unwrap_or_else(|| self.loc.here());
            match field {
                Some((field, field_span)) => raw.push(RawAction {
                    field,
                    field_span,
                    value: val.0,
                    value_at: val.1,
                }),
                None if !map.contains_key("field") => {
                    self.bad_shape(start, "action has no `field`", help)
                }
                None => {}
            }
        }
        self.map_actions(raw)
    }

    fn map_actions(&mut self, raw: Vec<RawAction>) -> Vec<Action> {
        // Pair each readable `comment_value` with a `comment_mode_is_public`
        // right before it, else right after it.
        let mode = |a: &RawAction| {
            a.field
                .eq_ignore_ascii_case("comment_mode_is_public")
                .then(|| comment_visibility(&a.value))
                .flatten()
        };
        let mut used = vec![false; raw.len()];
        let mut public_of: Vec<Option<bool>> = vec![None; raw.len()];
        for i in 0..raw.len() {
            if !raw[i].field.eq_ignore_ascii_case("comment_value")
                || comment_body(&raw[i].value).is_none()
            {
                continue;
            }
            let before = i
                .checked_sub(1)
                .filter(|&j| !used[j] && mode(&raw[j]).is_some());
            let after =
                Some(i + 1).filter(|&j| j < raw.len() && !used[j] && mode(&raw[j]).is_some());
            let public = match before.or(after) {
                Some(j) => {
                    used[j] = true;
                    mode(&raw[j]).unwrap_or(true)
                }
                None => true,
            };
            public_of[i] = Some(public);
        }
        let mut out = Vec::new();
        for (i, a) in raw.into_iter().enumerate() {
            if used[i] {
                continue;
            }
            out.push(self.map_action(a, public_of[i]));
        }
        out
    }

    fn map_action(&mut self, a: RawAction, comment_public: Option<bool>) -> Action {
        let name = a.field.to_lowercase();
        let fspan = a.field_span;
        let (kind, args) = match name.as_str() {
            "status" | "priority" | "type" => {
                let f = match name.as_str() {
                    "status" => SetField::Status,
                    "priority" => SetField::Priority,
                    _ => SetField::Type,
                };
                let args = if a.value.as_str() == Some("") {
                    self.one(a.value_at, fspan, Atom::None)
                } else if a.value.is_null() {
                    Vec::new()
                } else {
                    self.atoms(&a.value, a.value_at, fspan, lower_pieces(&a.value), |p| {
                        dsl_atom(p)
                    })
                };
                (ActionKind::Set(f), args)
            }
            "group_id" | "assignee_id" => {
                let f = if name == "group_id" {
                    SetField::Group
                } else {
                    SetField::Assignee
                };
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    self.name_atoms(&a.value, a.value_at, fspan)
                };
                (ActionKind::Set(f), args)
            }
            "current_tags" | "remove_tags" | "set_tags" => {
                let kind = match name.as_str() {
                    "current_tags" => ActionKind::AddTags,
                    "remove_tags" => ActionKind::RemoveTags,
                    _ => ActionKind::SetTags,
                };
                let args = self.atoms(&a.value, a.value_at, fspan, pieces(&a.value), |p| {
                    dsl_atom(p)
                });
                (kind, args)
            }
            "share_ticket" => {
                let atom = match integer(&a.value) {
                    Some(n) => Atom::Num(n),
                    None => Atom::Str(scalar_text(&a.value).unwrap_or_default()),
                };
                (ActionKind::ShareTicket, self.one_unless_null(&a, atom))
            }
            "share_ticket_with_agent" | "unshare_ticket_from_agent" => {
                let kind = if name == "share_ticket_with_agent" {
                    ActionKind::ShareWithAgent
                } else {
                    ActionKind::UnshareFromAgent
                };
                let email = Atom::Str(scalar_text(&a.value).unwrap_or_default());
                (kind, self.one_unless_null(&a, email))
            }
            "unshare_ticket" => {
                let args = match &a.value {
                    Value::Null | Value::Bool(true) => Vec::new(),
                    Value::String(s) if s.is_empty() || s == "true" => Vec::new(),
                    v => self.value_atoms(v, a.value_at, fspan, false),
                };
                (ActionKind::UnshareTicket, args)
            }
            "comment_value" if comment_public.is_some() => {
                let body = comment_body(&a.value).unwrap_or_default();
                let span = match (&a.value, a.value_at) {
                    (Value::Array(items), Some(At(p))) => {
                        let spans = self.loc.items(p, items.len());
                        spans.last().copied().unwrap_or(fspan)
                    }
                    (_, Some(At(p))) => token_at(self.loc.src, p),
                    _ => fspan,
                };
                (
                    ActionKind::AddComment {
                        public: comment_public.unwrap_or(true),
                    },
                    vec![Spanned::new(Atom::Str(body), span)],
                )
            }
            "notification_user" | "notification_group" => {
                match self.notify_args(&name, &a.value, a.value_at, fspan) {
                    Some(args) => (ActionKind::Notify, args),
                    None => self.passthrough_action(&a),
                }
            }
            _ if name.starts_with("custom_fields_") => {
                let key = field_key(&a.field["custom_fields_".len()..]);
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    self.value_atoms(&a.value, a.value_at, fspan, false)
                };
                (ActionKind::SetCustomField(key), args)
            }
            // Any other action is Zendesk's: kept as written, not run.
            _ => self.passthrough_action(&a),
        };
        let span = args.iter().map(|s| s.span).fold(fspan, Span::join);
        Action {
            kind: Spanned::new(kind, fspan),
            args,
            span,
        }
    }

    /// `atom` as the action's one argument, at its value; none for a null
    /// value (which `check` reports as missing).
    fn one_unless_null(&mut self, a: &RawAction, atom: Atom) -> Vec<Spanned<Atom>> {
        if a.value.is_null() {
            return Vec::new();
        }
        self.one(a.value_at, a.field_span, atom)
    }

    fn passthrough_action(&mut self, a: &RawAction) -> (ActionKind, Vec<Spanned<Atom>>) {
        let args = self.one(a.value_at, a.field_span, Atom::Json(a.value.clone()));
        (ActionKind::Zendesk(a.field.clone()), args)
    }

    /// `[recipient, subject, body]` as `notify` arguments, when we can run it.
    fn notify_args(
        &mut self,
        name: &str,
        value: &Value,
        at: Option<At>,
        fallback: Span,
    ) -> Option<Vec<Spanned<Atom>>> {
        let Value::Array(items) = value else {
            return None;
        };
        let [Value::String(who), Value::String(subject), Value::String(body)] = items.as_slice()
        else {
            return None;
        };
        let who_atoms: Vec<Atom> = match (name, who.as_str()) {
            ("notification_user", "requester_id") => vec![Atom::Word("requester".into())],
            ("notification_user", "assignee_id") => vec![Atom::Word("assignee".into())],
            ("notification_user", "current_user") => {
                vec![Atom::Word("current".into()), Atom::Word("user".into())]
            }
            ("notification_user", email) if is_email(email) => vec![Atom::Str(email.into())],
            ("notification_group", "group_id") => vec![Atom::Word("group".into())],
            _ => return None,
        };
        let spans = match at {
            Some(At(p)) => self.loc.items(p, 3),
            None => vec![fallback; 3],
        };
        let mut args: Vec<Spanned<Atom>> = who_atoms
            .into_iter()
            .map(|a| Spanned::new(a, spans[0]))
            .collect();
        args.push(Spanned::new(Atom::Str(subject.clone()), spans[1]));
        args.push(Spanned::new(Atom::Str(body.clone()), spans[2]));
        Some(args)
    }
}

/// The text of a `comment_value`: a string, or `["channel:all", body]`.
fn comment_body(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => match items.as_slice() {
            [Value::String(channel), Value::String(body)] if channel == "channel:all" => {
                Some(body.clone())
            }
            _ => None,
        },
        _ => None,
    }
}
