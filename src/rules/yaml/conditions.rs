//! Step three for conditions: the `all`/`any` map and each
//! `{ field, operator, value }` item, mapped to our fields and operators.

use super::loader::{join_all, At, Loader};
use super::values::*;
use crate::locate::{skip_item_marks, token_at};
use crate::rules::ast::*;
use crate::rules::schema;
use serde_json::Value;

/// One condition as written, before mapping.
struct RawCond {
    field: String,
    field_span: Span,
    op: String,
    op_span: Span,
    value: Value,
    value_at: Option<At>,
}

impl Loader<'_> {
    pub(super) fn conditions(&mut self, value: &Value, kspan: Span) -> Option<Expr> {
        let help = "conditions are `{ all: [...], any: [...] }`, each item `{ field: status, operator: is, value: open }`";
        let map = match value {
            Value::Null => return None,
            Value::Object(map) => map,
            _ => {
                self.bad_shape(
                    kspan,
                    format!(
                        "`conditions` must be a map with `all` and `any` lists, not {}",
                        describe(value)
                    ),
                    help,
                );
                return None;
            }
        };
        let mut all = Vec::new();
        let mut any = Vec::new();
        for (key, list) in map {
            let (span, _) = self.key_span(key);
            let target = match key.as_str() {
                "all" => &mut all,
                "any" => &mut any,
                k => {
                    self.unknown_key(k, span, &["all", "any"], "`conditions`");
                    continue;
                }
            };
            let mut out = Vec::new();
            match list {
                Value::Array(items) => {
                    for item in items {
                        if let Some(e) = self.condition(item) {
                            out.push(e);
                        }
                    }
                }
                Value::Null => {}
                _ => self.bad_shape(
                    span,
                    format!(
                        "`{key}` must be a list of conditions, not {}",
                        describe(list)
                    ),
                    help,
                ),
            }
            target.extend(out);
        }
        // An `any` of one is just one more `all` condition: the DSL parser
        // never makes a one-element `or`, and YAML→DSL→YAML must keep the AST.
        if any.len() == 1 {
            all.append(&mut any);
        }
        match (all.len(), any.len()) {
            (0, 0) => None,
            (1, 0) => all.pop(),
            (_, 0) => Some(Expr::All(all)),
            (0, _) => Some(Expr::Any(any)),
            _ => {
                all.push(Expr::Any(any));
                Some(Expr::All(all))
            }
        }
    }

    fn condition(&mut self, value: &Value) -> Option<Expr> {
        let help = "a condition is `{ field: status, operator: is, value: open }`";
        let Value::Object(map) = value else {
            let span = token_at(self.loc.src, skip_item_marks(self.loc.src, self.loc.pos));
            self.loc.pos = self.loc.pos.max(span.end);
            self.bad_shape(
                span,
                format!("a condition must be a map, not {}", describe(value)),
                help,
            );
            return None;
        };
        let mut start = None;
        let mut field = None;
        let mut op = None;
        let mut val = (Value::Null, None);
        for (key, v) in map {
            let (kspan, at) = self.key_span(key);
            start.get_or_insert(kspan);
            match key.as_str() {
                "field" | "operator" => match v {
                    Value::String(s) => {
                        let span = self.value_span(at, kspan);
                        if key == "field" {
                            field = Some((s.clone(), span));
                        } else {
                            op = Some((s.clone(), span));
                        }
                    }
                    _ => self.bad_shape(
                        kspan,
                        format!("`{key}` must be text, not {}", describe(v)),
                        help,
                    ),
                },
                "value" => {
                    if matches!(v, Value::Array(_) | Value::Object(_)) {
                        // Its items are located when the value is mapped.
                    } else if let Some(At(p)) = at {
                        self.loc.scalar(p);
                    }
                    val = (v.clone(), at);
                }
                k => self.unknown_key(k, kspan, &["field", "operator", "value"], "a condition"),
            }
        }
        let start = start.unwrap_or_else(|| self.loc.here());
        let Some((field, field_span)) = field else {
            if !map.contains_key("field") {
                self.bad_shape(start, "condition has no `field`", help);
            }
            return None;
        };
        let Some((op, op_span)) = op else {
            if !map.contains_key("operator") {
                self.bad_shape(
                    field_span,
                    format!("condition on `{field}` has no `operator`"),
                    help,
                );
            }
            return None;
        };
        let raw = RawCond {
            field,
            field_span,
            op,
            op_span,
            value: val.0,
            value_at: val.1,
        };
        Some(self.map_condition(raw))
    }

    fn map_condition(&mut self, c: RawCond) -> Expr {
        let op_name = c.op.as_str();
        // Anything we cannot run is carried through as Zendesk wrote it, so
        // a new Zendesk field or operator loads with a `not-run` warning
        // instead of failing the whole file.
        let Some(field) = field_of(&c.field) else {
            return self.passthrough(c);
        };
        if op_name.ends_with("_business_hours") {
            return self.passthrough(c);
        }
        if field == Field::Comment && comment_condition(&c.value).is_none() {
            return self.passthrough(c);
        }
        let op = op_for(&field, op_name);
        // Zendesk's `is_not` on sharing is our `not`, below.
        let negatable = matches!(field, Field::SharedWith | Field::ReceivedFrom) && op == Op::IsNot;
        if !negatable && !schema::ops_for(&field).contains(&op) {
            return self.passthrough(c);
        }
        let operand = if schema::value_kind(&field, &op) == schema::ValueKind::Nothing
            && (c.value.is_null() || c.value.as_str() == Some(""))
        {
            // Zendesk writes `""` (or null) after operators that take no value.
            Vec::new()
        } else {
            self.operand(&field, &op, &c.value, c.value_at, c.field_span)
        };
        let negate = matches!(field, Field::SharedWith | Field::ReceivedFrom) && op == Op::IsNot;
        let op = if negate { Op::Is } else { op };
        let cond = Condition {
            span: join_all(c.field_span, c.op_span, &operand),
            field: Spanned::new(field, c.field_span),
            op: Spanned::new(op, c.op_span),
            operand,
        };
        if negate {
            // The DSL has only `shared with`; Zendesk's `is_not` is its `not`.
            Expr::Not(Box::new(Expr::Cond(cond)))
        } else {
            Expr::Cond(cond)
        }
    }

    /// A condition kept as Zendesk wrote it, for `check` to warn about.
    fn passthrough(&mut self, c: RawCond) -> Expr {
        let operand = self.one(c.value_at, c.field_span, Atom::Json(c.value.clone()));
        Expr::Cond(Condition {
            span: join_all(c.field_span, c.op_span, &operand),
            field: Spanned::new(Field::Zendesk(c.field), c.field_span),
            op: Spanned::new(Op::Zendesk(c.op), c.op_span),
            operand,
        })
    }

    /// The operand atoms of a condition on one of our fields.
    fn operand(
        &mut self,
        field: &Field,
        op: &Op,
        value: &Value,
        at: Option<At>,
        fallback: Span,
    ) -> Vec<Spanned<Atom>> {
        if value.is_null() {
            return Vec::new();
        }
        if value.as_str() == Some("") {
            return if takes_none(field) {
                self.one(at, fallback, Atom::None)
            } else {
                Vec::new()
            };
        }
        match field {
            Field::Ticket => {
                let pieces = match value.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("create") => vec!["created".to_string()],
                    Some(s) if s.eq_ignore_ascii_case("change") => vec!["updated".to_string()],
                    _ => lower_pieces(value),
                };
                let span = self.spans_for(value, at, &[], fallback)[0];
                pieces
                    .into_iter()
                    .map(|p| Spanned::new(Atom::Word(p), span))
                    .collect()
            }
            Field::Source | Field::UpdateVia => {
                let text = scalar_text(value).unwrap_or_default();
                let span = self.spans_for(value, at, &[], fallback)[0];
                let words: Vec<String> = match schema::channel(&text) {
                    Some(ch) => ch.name.split(' ').map(str::to_string).collect(),
                    None => text.split_whitespace().map(str::to_string).collect(),
                };
                // A via id we have no name for stays a number, as the DSL reads it.
                words
                    .into_iter()
                    .map(|w| Spanned::new(dsl_atom(&w), span))
                    .collect()
            }
            Field::Status | Field::Priority | Field::Type => {
                self.atoms(value, at, fallback, lower_pieces(value), dsl_atom)
            }
            Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand => self.name_atoms(value, at, fallback),
            Field::Tags => self.atoms(value, at, fallback, pieces(value), dsl_atom),
            Field::Subject | Field::CommentText => match op {
                Op::Contains | Op::DoesNotContain => {
                    let text = scalar_text(value).unwrap_or_default();
                    self.one(at, fallback, Atom::Str(text))
                }
                Op::Matches => {
                    let text = scalar_text(value).unwrap_or_default();
                    self.one(at, fallback, Atom::Regex(pattern_of(&text)))
                }
                _ => self.atoms(value, at, fallback, pieces(value), dsl_atom),
            },
            Field::Comment => {
                let word = comment_condition(value).unwrap_or("public");
                self.one(at, fallback, Atom::Word(word.into()))
            }
            Field::Role => {
                let text = scalar_text(value).unwrap_or_default().to_lowercase();
                let words: Vec<String> = text
                    .split(|c: char| c == '_' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                let span = self.spans_for(value, at, &[], fallback)[0];
                words
                    .into_iter()
                    .map(|w| Spanned::new(Atom::Word(w), span))
                    .collect()
            }
            Field::SharedWith | Field::ReceivedFrom => {
                let atom = match integer(value) {
                    Some(n) => Atom::Num(n),
                    None => Atom::Str(scalar_text(value).unwrap_or_default()),
                };
                self.one(at, fallback, atom)
            }
            Field::SharedWithAgent => {
                let email = scalar_text(value).unwrap_or_default();
                self.one(at, fallback, Atom::Str(email))
            }
            Field::HoursSince(_) => {
                let atom = match integer(value) {
                    Some(n) => Atom::Num(n),
                    None => text_atom(&scalar_text(value).unwrap_or_default()),
                };
                self.one(at, fallback, atom)
            }
            Field::CustomField(_) => self.value_atoms(value, at, fallback, false),
            Field::Zendesk(_) | Field::Unknown(_) => {
                self.one(at, fallback, Atom::Json(value.clone()))
            }
        }
    }
}

/// Our field for a Zendesk condition field name.
fn field_of(name: &str) -> Option<Field> {
    if let Some(rest) = name.strip_prefix("custom_fields_") {
        return Some(Field::CustomField(field_key(rest)));
    }
    let simple = schema::SIMPLE_FIELDS
        .iter()
        .find(|(_, _, z)| z.eq_ignore_ascii_case(name));
    if let Some((field, ..)) = simple {
        return Some(field.clone());
    }
    schema::TIME_FIELDS
        .iter()
        .find(|(_, _, z)| z.eq_ignore_ascii_case(name))
        .map(|(t, ..)| Field::HoursSince(*t))
}

/// Our operator for a Zendesk operator name on `field`.
pub fn op_for(field: &Field, name: &str) -> Op {
    let name_lc = name.to_lowercase();
    let specific = match field {
        Field::Tags => match name_lc.as_str() {
            "includes" => Some(Op::ContainsAtLeastOneOf),
            "not_includes" => Some(Op::ContainsNoneOf),
            "includes_all" => Some(Op::ContainsAllOf),
            _ => None,
        },
        Field::Subject | Field::CommentText => match name_lc.as_str() {
            "includes" => Some(Op::ContainsAnyOfTheWords),
            "not_includes" => Some(Op::ContainsNoneOfTheWords),
            "is" => Some(Op::Contains),
            "is_not" => Some(Op::DoesNotContain),
            "matches" => Some(Op::Matches),
            _ => None,
        },
        _ => None,
    };
    specific
        .or_else(|| {
            schema::OPS
                .iter()
                .find(|(_, _, z)| *z == name_lc)
                .map(|(o, ..)| o.clone())
        })
        .unwrap_or_else(|| Op::Unknown(name.to_string()))
}

/// Fields where an empty value means "none".
fn takes_none(field: &Field) -> bool {
    matches!(
        field,
        Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand
            | Field::Status
            | Field::Priority
            | Field::Type
            | Field::CustomField(_)
    )
}

/// A `matches` value: `/regex/` as the DSL writes it (`\/` for a slash
/// inside), or a bare pattern.
fn pattern_of(text: &str) -> String {
    match text.strip_prefix('/').and_then(|t| t.strip_suffix('/')) {
        Some(inner) if text.len() >= 2 => inner.replace("\\/", "/"),
        _ => text.to_string(),
    }
}

/// `comment_is_public`'s value as our word: `true` and
/// `requester_can_see_comment` are public, `false` private, and
/// `not_relevant` (Zendesk's "present, public or private") is any comment.
fn comment_condition(value: &Value) -> Option<&'static str> {
    match comment_visibility(value) {
        Some(true) => return Some("public"),
        Some(false) => return Some("private"),
        None => {}
    }
    match value.as_str()?.to_ascii_lowercase().as_str() {
        "requester_can_see_comment" => Some("public"),
        "not_relevant" => Some("any"),
        _ => None,
    }
}
