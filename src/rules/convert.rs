//! `convert`: DSL to Zendesk-shaped YAML (when the conditions fit Zendesk's
//! all/any shape), and anything to DSL through the formatter.
//!
//! A rule's conditions are first brought into a form without `not` (each
//! `not` pushed inward: De Morgan over `and`/`or`, and over a condition the
//! inverse operator, e.g. `is` ↔ `is not`). What is left fits Zendesk when
//! it is one condition, an `and` list, an `or` list, or an `and` list with
//! one `or` list inside it. Anything else is an error that names the
//! construct. The result is a `serde_json::Value` in Zendesk's API shape,
//! written out as YAML (or JSON) so that `yaml::load` reads back the AST.

use super::ast::*;
use super::diagnostics::Diagnostic;
use super::schema;
use serde_json::{json, Map, Value};

/// The Zendesk-shaped YAML of a rule file, or why it does not fit.
pub fn to_yaml(file: &RuleFile) -> Result<String, Vec<Diagnostic>> {
    to_value(file).map(|v| write_yaml(&v))
}

/// The Zendesk-shaped JSON of a rule file, or why it does not fit.
pub fn to_json(file: &RuleFile) -> Result<String, Vec<Diagnostic>> {
    to_value(file).map(|v| {
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        text
    })
}

/// The file as Zendesk's API shape: `{ triggers: [...], automations: [...] }`.
pub fn to_value(file: &RuleFile) -> Result<Value, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut triggers = Vec::new();
    let mut automations = Vec::new();
    for rule in &file.rules {
        match rule_value(rule) {
            Ok(v) => match rule.kind {
                RuleKind::Trigger => triggers.push(v),
                RuleKind::Automation => automations.push(v),
            },
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(json!({ "triggers": triggers, "automations": automations }))
    } else {
        Err(errors)
    }
}

fn rule_value(rule: &Rule) -> Result<Value, Vec<Diagnostic>> {
    let mut map = Map::new();
    map.insert("title".into(), Value::String(rule.title.node.clone()));
    map.insert("active".into(), Value::Bool(rule.active));
    if let Some(p) = &rule.position {
        map.insert("position".into(), Value::from(p.node));
    }
    if let Some(d) = &rule.description {
        map.insert("description".into(), Value::String(d.clone()));
    }
    let mut errors = Vec::new();
    let (all, any) = match &rule.conditions {
        None => (Vec::new(), Vec::new()),
        Some(e) => match shape(e) {
            Ok(lists) => lists,
            Err(d) => {
                errors.push(d);
                (Vec::new(), Vec::new())
            }
        },
    };
    let mut conds = |list: Vec<Expr>| -> Vec<Value> {
        list.iter()
            .filter_map(|e| match leaf_value(e) {
                Ok(v) => Some(v),
                Err(d) => {
                    errors.push(d);
                    None
                }
            })
            .collect()
    };
    let all = conds(all);
    let any = conds(any);
    map.insert("conditions".into(), json!({ "all": all, "any": any }));
    let mut actions = Vec::new();
    for a in &rule.actions {
        match action_values(a) {
            Ok(mut vs) => actions.append(&mut vs),
            Err(d) => errors.push(d),
        }
    }
    map.insert("actions".into(), Value::Array(actions));
    if errors.is_empty() {
        Ok(Value::Object(map))
    } else {
        Err(errors)
    }
}

// ------------------------------------------------------------- conditions

const FIT_HELP: &str = "Zendesk takes one `all` list and one `any` list; split the rule in two, or rewrite the conditions";

/// The `all` and `any` lists for an expression, or why it does not fit.
fn shape(expr: &Expr) -> Result<(Vec<Expr>, Vec<Expr>), Diagnostic> {
    let e = push_not(expr, false)?;
    let is_leaf = |e: &Expr| matches!(e, Expr::Cond(_) | Expr::Not(_));
    let and_in_or = |e: &Expr| {
        Diagnostic::error(
            "does-not-fit",
            e.span(),
            "`and` inside `or` does not fit Zendesk's all/any conditions",
        )
        .with_help(FIT_HELP)
    };
    match e {
        Expr::All(items) => {
            let mut all = Vec::new();
            let mut any: Option<Vec<Expr>> = None;
            for item in items {
                match item {
                    Expr::Any(inner) => {
                        if any.is_some() {
                            return Err(Diagnostic::error(
                                "does-not-fit",
                                Expr::Any(inner).span(),
                                "a second `or` inside `and` does not fit Zendesk's all/any conditions",
                            )
                            .with_help(FIT_HELP));
                        }
                        if let Some(bad) = inner.iter().find(|x| !is_leaf(x)) {
                            return Err(and_in_or(bad));
                        }
                        any = Some(inner);
                    }
                    leaf => all.push(leaf),
                }
            }
            Ok((all, any.unwrap_or_default()))
        }
        Expr::Any(items) => {
            if let Some(bad) = items.iter().find(|x| !is_leaf(x)) {
                return Err(and_in_or(bad));
            }
            Ok((Vec::new(), items))
        }
        leaf => Ok((vec![leaf], Vec::new())),
    }
}

/// The expression with every `not` pushed down to the conditions (and there
/// replaced by the inverse operator). `not` stays only before `shared with`
/// and `received from`, whose Zendesk form is `is_not`.
fn push_not(expr: &Expr, negate: bool) -> Result<Expr, Diagnostic> {
    match expr {
        Expr::Not(inner) => push_not(inner, !negate),
        Expr::All(items) | Expr::Any(items) => {
            let is_all = matches!(expr, Expr::All(_)) != negate;
            let mut out: Option<Expr> = None;
            for item in items {
                let e = push_not(item, negate)?;
                out = Some(match out {
                    None => e,
                    Some(acc) if is_all => acc.and(e),
                    Some(acc) => acc.or(e),
                });
            }
            Ok(out.unwrap_or_else(|| {
                if is_all {
                    Expr::All(Vec::new())
                } else {
                    Expr::Any(Vec::new())
                }
            }))
        }
        Expr::Cond(c) if !negate => Ok(Expr::Cond(c.clone())),
        Expr::Cond(c) => {
            if matches!(c.field.node, Field::SharedWith | Field::ReceivedFrom)
                && c.op.node == Op::Is
            {
                return Ok(Expr::Not(Box::new(Expr::Cond(c.clone()))));
            }
            match inverse(c) {
                Some(n) => Ok(Expr::Cond(n)),
                None => Err(Diagnostic::error(
                    "does-not-fit",
                    c.span,
                    format!(
                        "`not` before `{} {}` does not fit Zendesk's all/any conditions",
                        schema::field_name(&c.field.node),
                        schema::op_name(&c.op.node)
                    ),
                )
                .with_help(
                    "Zendesk has no exact opposite of this condition; write the rule without this `not`",
                )),
            }
        }
    }
}

/// The condition that holds exactly when `c` does not, if Zendesk has one.
fn inverse(c: &Condition) -> Option<Condition> {
    use Op::*;
    let field = &c.field.node;
    let mut operand = c.operand.clone();
    let op = match &c.op.node {
        Is => IsNot,
        IsNot => Is,
        ContainsAtLeastOneOf => ContainsNoneOf,
        ContainsNoneOf => ContainsAtLeastOneOf,
        Contains => DoesNotContain,
        DoesNotContain => Contains,
        ContainsAnyOfTheWords => ContainsNoneOfTheWords,
        ContainsNoneOfTheWords => ContainsAnyOfTheWords,
        Changed => NotChanged,
        NotChanged => Changed,
        ChangedTo => NotChangedTo,
        NotChangedTo => ChangedTo,
        ChangedFrom => NotChangedFrom,
        NotChangedFrom => ChangedFrom,
        IsPresent => IsNotPresent,
        IsNotPresent => IsPresent,
        // Statuses are a closed, ordered list with no empty value, so
        // `not status < x` is `status > the one before x` exactly. Priority
        // can be empty, so its complement is not exact.
        LessThan | GreaterThan if *field == Field::Status => {
            let order = schema::STATUSES;
            let value = super::check::words_of(&c.operand)?.to_lowercase();
            let i = order.iter().position(|s| *s == value)?;
            let (op, j) = if c.op.node == LessThan {
                (GreaterThan, i.checked_sub(1)?)
            } else {
                (LessThan, i + 1)
            };
            let name = order.get(j)?;
            let span = c
                .operand
                .iter()
                .map(|a| a.span)
                .reduce(Span::join)
                .unwrap_or(c.span);
            operand = vec![Spanned::new(Atom::Word(name.to_string()), span)];
            op
        }
        _ => return None,
    };
    if !schema::ops_for(field).contains(&op) {
        return None;
    }
    Some(Condition {
        field: c.field.clone(),
        op: Spanned::new(op, c.op.span),
        operand,
        span: c.span,
    })
}

/// A condition (or `not` before a sharing condition) as a Zendesk condition.
fn leaf_value(e: &Expr) -> Result<Value, Diagnostic> {
    let (c, negated) = match e {
        Expr::Cond(c) => (c, false),
        Expr::Not(inner) => match &**inner {
            Expr::Cond(c) => (c, true),
            other => return Err(not_fit(other.span(), "`not`")),
        },
        other => return Err(not_fit(other.span(), "a nested group")),
    };
    let mut map = Map::new();
    map.insert("field".into(), Value::String(zendesk_field(&c.field.node)));
    let op = if negated {
        "is_not".to_string()
    } else {
        zendesk_op(&c.field.node, &c.op.node)
    };
    map.insert("operator".into(), Value::String(op));
    if let Some(v) = operand_value(c) {
        map.insert("value".into(), v);
    } else if matches!(c.field.node, Field::Zendesk(_)) {
        map.insert("value".into(), Value::Null);
    }
    Ok(Value::Object(map))
}

fn not_fit(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        "does-not-fit",
        span,
        format!("{what} here does not fit Zendesk's all/any conditions"),
    )
    .with_help(FIT_HELP)
}

/// Zendesk's name of a condition field.
pub fn zendesk_field(field: &Field) -> String {
    if let Some((_, _, zendesk)) = schema::simple_field(field) {
        return zendesk.to_string();
    }
    match field {
        Field::CustomField(k) => format!("custom_fields_{k}"),
        Field::HoursSince(t) => schema::time_field_zendesk_name(*t).to_string(),
        Field::Zendesk(n) | Field::Unknown(n) => n.clone(),
        // Every other field has a row in `SIMPLE_FIELDS`.
        _ => String::new(),
    }
}

/// Zendesk's name of an operator on a field.
pub fn zendesk_op(field: &Field, op: &Op) -> String {
    use Op::*;
    let specific = match (field, op) {
        (_, Zendesk(n) | Unknown(n)) => Some(n.as_str()),
        (Field::Tags, ContainsAtLeastOneOf) => Some("includes"),
        (Field::Tags, ContainsNoneOf) => Some("not_includes"),
        (Field::Tags, ContainsAllOf) => Some("includes_all"),
        (Field::Subject | Field::CommentText, ContainsAnyOfTheWords) => Some("includes"),
        (Field::Subject | Field::CommentText, ContainsNoneOfTheWords) => Some("not_includes"),
        (Field::Subject | Field::CommentText, Contains) => Some("is"),
        (Field::Subject | Field::CommentText, DoesNotContain) => Some("is_not"),
        (Field::Subject | Field::CommentText, Matches) => Some("matches"),
        _ => None,
    };
    specific
        .or_else(|| schema::zendesk_op_name(op))
        .unwrap_or_default()
        .to_string()
}

/// The `value` of a condition, `None` when it has no operand.
fn operand_value(c: &Condition) -> Option<Value> {
    let atoms = &c.operand;
    if atoms.is_empty() {
        return None;
    }
    Some(match &c.field.node {
        Field::Ticket => match words(atoms).to_lowercase().as_str() {
            "created" => "Create".into(),
            "updated" => "Change".into(),
            other => other.into(),
        },
        Field::Source | Field::UpdateVia => channel_value(atoms),
        Field::Status | Field::Priority | Field::Type => enum_value(atoms),
        Field::Group | Field::Assignee | Field::Requester | Field::Organization | Field::Brand => {
            name_value(atoms)
        }
        Field::Tags => words(atoms).into(),
        Field::Subject | Field::CommentText => value(atoms),
        Field::Comment => match words(atoms).to_lowercase().as_str() {
            "public" => "true".into(),
            "private" => "false".into(),
            "any" => "not_relevant".into(),
            other => other.into(),
        },
        Field::Role => words(atoms).to_lowercase().replace(' ', "_").into(),
        Field::SharedWith
        | Field::ReceivedFrom
        | Field::SharedWithAgent
        | Field::HoursSince(_)
        | Field::CustomField(_)
        | Field::Zendesk(_)
        | Field::Unknown(_) => value(atoms),
    })
}

/// A channel as its via id, or as written when it is none we know.
fn channel_value(atoms: &[Spanned<Atom>]) -> Value {
    let text = words(atoms);
    match schema::channel(&text) {
        Some(c) => Value::from(c.via_id),
        None => text.into(),
    }
}

/// Status, priority or type: lowercase, `""` for none.
fn enum_value(atoms: &[Spanned<Atom>]) -> Value {
    match atoms {
        [Spanned {
            node: Atom::None, ..
        }] => "".into(),
        [Spanned {
            node: Atom::Num(n), ..
        }] => Value::from(*n),
        _ => words(atoms).to_lowercase().into(),
    }
}

/// A group, user, organization or brand: `current_user`, an id or a name.
fn name_value(atoms: &[Spanned<Atom>]) -> Value {
    if atoms.len() == 2 && words(atoms).eq_ignore_ascii_case("current user") {
        return "current_user".into();
    }
    if let [Spanned {
        node: Atom::Word(w),
        ..
    }] = atoms
    {
        if w.eq_ignore_ascii_case("requester") {
            return "requester_id".into();
        }
    }
    value(atoms)
}

/// Any operand: one number, none (`""`), JSON as it came, a regex's
/// pattern, or the texts joined by blanks.
fn value(atoms: &[Spanned<Atom>]) -> Value {
    match atoms {
        [one] => match &one.node {
            Atom::Num(n) => Value::from(*n),
            Atom::None => "".into(),
            Atom::Json(v) => v.clone(),
            Atom::Regex(p) => crate::rules::format::regex(p).into(),
            Atom::Word(p) | Atom::Str(p) => p.clone().into(),
        },
        _ => words(atoms).into(),
    }
}

/// The texts of atoms joined by single blanks.
fn words(atoms: &[Spanned<Atom>]) -> String {
    atoms
        .iter()
        .map(|a| match &a.node {
            Atom::Word(s) | Atom::Str(s) | Atom::Regex(s) => s.clone(),
            Atom::Num(n) => n.to_string(),
            Atom::None => String::new(),
            Atom::Json(v) => v.as_str().map_or_else(|| v.to_string(), str::to_string),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- actions

fn action(field: &str, value: Option<Value>) -> Value {
    let mut map = Map::new();
    map.insert("field".into(), Value::String(field.to_string()));
    if let Some(v) = value {
        map.insert("value".into(), v);
    }
    Value::Object(map)
}

/// One action as Zendesk actions (a comment is two: its mode and its text).
fn action_values(a: &Action) -> Result<Vec<Value>, Diagnostic> {
    let args = &a.args;
    let some = |v: Value| if args.is_empty() { None } else { Some(v) };
    Ok(match &a.kind.node {
        ActionKind::Set(f) => {
            let name = schema::set_field_zendesk_name(*f);
            let v = match f {
                SetField::Status | SetField::Priority | SetField::Type => enum_value(args),
                SetField::Group | SetField::Assignee => name_value(args),
            };
            vec![action(name, some(v))]
        }
        ActionKind::AddTags => vec![action("current_tags", Some(words(args).into()))],
        ActionKind::RemoveTags => vec![action("remove_tags", Some(words(args).into()))],
        ActionKind::SetTags => vec![action("set_tags", Some(words(args).into()))],
        ActionKind::ShareTicket => vec![action("share_ticket", some(value(args)))],
        ActionKind::UnshareTicket => vec![action("unshare_ticket", some(value(args)))],
        ActionKind::ShareWithAgent => vec![action("share_ticket_with_agent", some(value(args)))],
        ActionKind::UnshareFromAgent => {
            vec![action("unshare_ticket_from_agent", some(value(args)))]
        }
        ActionKind::SetCustomField(k) => {
            vec![action(&format!("custom_fields_{k}"), some(value(args)))]
        }
        ActionKind::AddComment { public } => vec![
            action("comment_mode_is_public", Some(public.to_string().into())),
            action("comment_value", Some(words(args).into())),
        ],
        ActionKind::Notify => vec![notify_value(a)?],
        ActionKind::Zendesk(n) => {
            let v = match args.as_slice() {
                [] => Value::Null,
                _ => value(args),
            };
            vec![action(n, Some(v))]
        }
        ActionKind::Unknown(n) => vec![action(n, some(value(args)))],
    })
}

/// `notify <who> "<subject>" "<body>"` as `notification_user` or
/// `notification_group`.
fn notify_value(a: &Action) -> Result<Value, Diagnostic> {
    let (who, texts) = a.notify_parts();
    let (field, recipient, texts) = match who {
        [] => match texts {
            [Spanned {
                node: Atom::Str(email),
                ..
            }, rest @ ..] => ("notification_user", email.clone(), rest),
            _ => ("", String::new(), texts),
        },
        words_ => match words(words_).to_lowercase().as_str() {
            "requester" => ("notification_user", "requester_id".into(), texts),
            "assignee" => ("notification_user", "assignee_id".into(), texts),
            "current user" => ("notification_user", "current_user".into(), texts),
            "group" => ("notification_group", "group_id".into(), texts),
            _ => ("", String::new(), texts),
        },
    };
    match texts {
        [Spanned {
            node: Atom::Str(subject),
            ..
        }, Spanned {
            node: Atom::Str(body),
            ..
        }] if !field.is_empty() => Ok(action(field, Some(json!([recipient, subject, body])))),
        _ => Err(Diagnostic::error(
            "does-not-fit",
            a.span,
            "this `notify` has no Zendesk form",
        )
        .with_help("`notify` takes `requester`, `assignee`, `group`, `current user` or a quoted email, then a subject and a body")),
    }
}

// ------------------------------------------------------------------- YAML

/// Writes the value as block YAML, with each condition and action on one
/// line as a flow map, like Zendesk's examples.
fn write_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(map) => write_entries(&mut out, map, 0),
        other => {
            out.push_str(&flow(other));
            out.push('\n');
        }
    }
    out
}

fn write_entries(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (k, v) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&scalar(k));
        out.push(':');
        match v {
            Value::Array(items) if !items.is_empty() && !flowable(v) => {
                out.push('\n');
                write_items(out, items, indent + 2);
            }
            Value::Object(m) if !m.is_empty() && !flowable(v) => {
                out.push('\n');
                write_entries(out, m, indent + 2);
            }
            _ => {
                out.push(' ');
                out.push_str(&flow(v));
                out.push('\n');
            }
        }
    }
}

fn write_items(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        match item {
            Value::Object(m) if !m.is_empty() && !flowable(item) => {
                let mut inner = String::new();
                write_entries(&mut inner, m, indent + 2);
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&inner[indent + 2..]);
            }
            Value::Array(inner) if !inner.is_empty() && !flowable(item) => {
                out.push_str(&" ".repeat(indent));
                out.push_str("-\n");
                write_items(out, inner, indent + 2);
            }
            _ => {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&flow(item));
                out.push('\n');
            }
        }
    }
}

/// Short enough to write on one line: scalars, lists of scalars, and maps
/// of those.
fn flowable(v: &Value) -> bool {
    let simple = |v: &Value| match v {
        Value::Array(items) => items.iter().all(|i| !i.is_array() && !i.is_object()),
        Value::Object(m) => m.is_empty(),
        _ => true,
    };
    match v {
        Value::Object(m) => m.values().all(simple),
        v => simple(v),
    }
}

/// A value in YAML flow style (JSON-like, with plain scalars where safe).
fn flow(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(k), flow(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string
/// in any context, double-quoted otherwise.
fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        quote(s)
    }
}

fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let inner_ok = |c: char| c.is_alphanumeric() || " _-./@()'+;&!?".contains(c);
    if !(first.is_alphanumeric() || first == '_' || first == '(')
        || !s.chars().all(inner_ok)
        || s.ends_with(' ')
        || s.contains("  ")
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ]
    .contains(&lower.as_str())
    {
        return false;
    }
    // Whatever else YAML would read as a number or a bool.
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(&format!("k: {s}")),
        Ok(serde_yaml::Value::Mapping(m)) if m.get("k").and_then(|v| v.as_str()) == Some(s)
    )
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
