//! Compile: checked rule ASTs into a [`RuleSet`] that is cheap to run many
//! times. Tags are interned, enum values become ordinals, names are
//! lowercased, regexes are compiled, and triggers are put in run order
//! (by `position`, then file order) and indexed (see [`super::index`]).
//!
//! Compile trusts `check`: rules with errors are not given to it. What it
//! still cannot run (Zendesk passthrough) compiles to a condition that never
//! holds or an action that is skipped, as the language reference says.

use super::action::{compile_action, Act};
use super::condition::*;
use super::hash::FnvMap;
use super::index::Index;
use super::touch::{self, Touch};
use crate::model::Shared;
use crate::model::{Priority, Status, Tags, TicketType};
use crate::rules::ast::*;
use crate::rules::check::words_of;
use crate::rules::diagnostics::{Diagnostic, SourceFile};
use crate::rules::format;
use crate::rules::schema::{self, field_name};
use crate::rules::Loaded;

/// Interned tag names.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FnvMap<String, u32>,
    /// Each id's name, by id: an automation sweep asks SQL for tags by name.
    names: Vec<String>,
}

impl Interner {
    pub fn intern(&mut self, tag: &str) -> u32 {
        let key = tag.to_lowercase();
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    /// The name of an interned tag (lowercase).
    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }

    pub fn id(&self, tag: &str) -> Option<u32> {
        self.ids.get(tag).copied()
    }

    /// The ids of the tags rules name, sorted; other tags are left out
    /// because no condition can ask about them.
    pub fn ids_of(&self, tags: &Tags) -> Vec<u32> {
        let mut ids = Vec::with_capacity(tags.len());
        ids.extend(tags.iter().filter_map(|t| self.id(t)));
        ids.sort_unstable();
        ids
    }
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    pub kind: RuleKind,
    /// The title, shared by each firing's outcome.
    pub title: Shared,
    /// `path:line:column` of the rule, shared as the title is.
    pub source: Shared,
    /// `None`: no `when`, always holds.
    pub cond: Option<Cond>,
    pub actions: Vec<Act>,
    /// What its conditions read of the working ticket.
    pub reads: Touch,
    /// What its actions may write on it.
    pub writes: Touch,
    /// Does some trigger read what its actions may write? When none
    /// does, a firing leaves every other trigger's truth as it was.
    pub wakes: bool,
}

/// Every active rule of an account, compiled, in run order.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub triggers: Vec<CompiledRule>,
    pub automations: Vec<CompiledRule>,
    pub interner: Interner,
    pub index: Index,
    /// What any trigger reads: a firing that writes none of it changes no
    /// trigger's truth.
    pub reads: Touch,
}

/// One checked rule file and the text it came from.
pub struct Input<'a> {
    pub source: &'a SourceFile,
    pub file: &'a RuleFile,
}

/// Compiles checked rule files as `rules::check_paths` gives them.
pub fn compile_loaded(files: &[(Loaded, Vec<Diagnostic>)]) -> RuleSet {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(l, _)| Input {
            source: &l.source,
            file: &l.file,
        })
        .collect();
    compile(&inputs)
}

/// Compiles the active rules of `files` (in path order).
pub fn compile(files: &[Input]) -> RuleSet {
    let mut set = RuleSet::default();
    let mut ordered: Vec<(Option<i64>, usize, CompiledRule)> = Vec::new();
    for input in files {
        for rule in input.file.rules.iter().filter(|r| r.active) {
            let compiled = compile_rule(rule, input.source, &mut set.interner);
            let position = rule.position.as_ref().map(|p| p.node);
            ordered.push((position, ordered.len(), compiled));
        }
    }
    // Rules with a position first, by position; then the rest; file order
    // breaks ties.
    ordered.sort_by_key(|(pos, i, _)| (pos.is_none(), *pos, *i));
    for (_, _, rule) in ordered {
        match rule.kind {
            RuleKind::Trigger => set.triggers.push(rule),
            RuleKind::Automation => set.automations.push(rule),
        }
    }
    set.index = Index::build(&set.triggers);
    set.reads = Touch::union(set.triggers.iter().map(|t| &t.reads));
    for rule in &mut set.triggers {
        rule.wakes = set.reads.meets(&rule.writes);
    }
    set
}

fn compile_rule(rule: &Rule, source: &SourceFile, interner: &mut Interner) -> CompiledRule {
    let (line, col) = source.line_col(rule.span.start);
    let cond = rule.conditions.as_ref().map(|e| compile_expr(e, interner));
    let actions: Vec<Act> = rule
        .actions
        .iter()
        .map(|a| compile_action(a, interner))
        .collect();
    CompiledRule {
        kind: rule.kind,
        title: rule.title.node.as_str().into(),
        source: format!("{}:{line}:{col}", source.path).into(),
        reads: touch::reads(cond.as_ref()),
        writes: touch::writes(&actions, interner),
        wakes: true,
        cond,
        actions,
    }
}

fn compile_expr(e: &Expr, interner: &mut Interner) -> Cond {
    match e {
        Expr::All(items) => Cond::All(items.iter().map(|i| compile_expr(i, interner)).collect()),
        Expr::Any(items) => Cond::Any(items.iter().map(|i| compile_expr(i, interner)).collect()),
        Expr::Not(inner) => Cond::Not(
            Box::new(compile_expr(inner, interner)),
            format::expression(inner),
        ),
        Expr::Cond(c) => Cond::Leaf(Box::new(Leaf {
            test: compile_test(c, interner),
            text: format::condition(c),
            field: field_name(&c.field.node),
        })),
    }
}

/// The operand as one text (`Ticket sharing`, `"Tier 2"`, `24`).
pub fn operand_text(atoms: &[Spanned<Atom>]) -> Option<String> {
    words_of(atoms)
}

fn compile_test(c: &Condition, interner: &mut Interner) -> Test {
    let field = &c.field.node;
    let op = &c.op.node;
    let text = operand_text(&c.operand).unwrap_or_default();
    let is = !matches!(op, Op::IsNot);
    match field {
        Field::Ticket => {
            let state = match text.to_lowercase().as_str() {
                "created" => TicketState::Created,
                "updated" => TicketState::Updated,
                _ => TicketState::Shared,
            };
            Test::Ticket(state, is)
        }
        Field::Source | Field::UpdateVia => {
            let of = if *field == Field::Source {
                ChannelOf::Source
            } else {
                ChannelOf::UpdateVia
            };
            match schema::channel(&text) {
                Some(ch) => Test::Channel(of, ch.name, is),
                // A via id we cannot name: no ticket here came in by it, so
                // `is` never holds and `is not` always does.
                None if text.trim().parse::<i64>().is_ok() => Test::Channel(of, "", is),
                None => Test::Never(format!("unknown channel `{text}`")),
            }
        }
        Field::Tags => {
            let ids = tags_of(&c.operand)
                .iter()
                .map(|t| interner.intern(t))
                .collect();
            let op = match op {
                Op::ContainsAllOf => TagOp::All,
                Op::ContainsNoneOf => TagOp::None,
                _ => TagOp::Any,
            };
            Test::Tags(op, ids)
        }
        Field::Subject | Field::CommentText => {
            let of = if *field == Field::Subject {
                TextOf::Subject
            } else {
                TextOf::Comment
            };
            text_test(op, &c.operand, &text).map_or_else(Test::Never, |t| Test::Text(of, t))
        }
        Field::Comment => Test::Comment(match text.to_lowercase().as_str() {
            "public" => Some(true),
            "private" => Some(false),
            _ => None,
        }),
        Field::Role => {
            let role = if text.to_lowercase().replace('_', " ") == "end user" {
                "end user"
            } else {
                "agent"
            };
            Test::Role(role, is)
        }
        Field::SharedWith | Field::ReceivedFrom => {
            let test = if *field == Field::SharedWith {
                Test::SharedWith(text)
            } else {
                Test::ReceivedFrom(text)
            };
            if is {
                test
            } else {
                // `is not` on sharing conditions only comes from YAML; the
                // DSL writes it `not …`, which compiles to `Cond::Not`.
                Test::Never("negated sharing condition".into())
            }
        }
        Field::SharedWithAgent => Test::SharedWithAgent(text.to_lowercase(), is),
        Field::HoursSince(since) => {
            let n = text.trim().parse().unwrap_or(0);
            let op = match op {
                Op::LessThan => HoursOp::Less,
                Op::GreaterThan => HoursOp::Greater,
                _ => HoursOp::Is,
            };
            Test::Hours(*since, op, n)
        }
        Field::Zendesk(name) => Test::Never(format!("not run: Zendesk condition `{name}`")),
        Field::Unknown(name) => Test::Never(format!("unknown field `{name}`")),
        scalar_field => match scalar_of(scalar_field) {
            Some(scalar) => {
                let want = want_of(&scalar, &c.operand);
                Test::Scalar(scalar, scalar_op(op), want)
            }
            None => Test::Never(format!("cannot run `{}`", format::condition(c))),
        },
    }
}

/// Each tag of an operand, lowercased.
pub fn tags_of(atoms: &[Spanned<Atom>]) -> Vec<String> {
    atoms
        .iter()
        .filter_map(|a| match &a.node {
            Atom::Word(w) | Atom::Str(w) => Some(w.to_lowercase()),
            Atom::Num(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

fn text_test(op: &Op, atoms: &[Spanned<Atom>], text: &str) -> Result<TextTest, String> {
    let lower = text.to_lowercase();
    Ok(match op {
        Op::DoesNotContain => TextTest::DoesNotContain(lower),
        Op::ContainsAnyOfTheWords => TextTest::AnyWords(tags_of(atoms)),
        Op::ContainsNoneOfTheWords => TextTest::NoWords(tags_of(atoms)),
        Op::Matches => {
            let pattern = atoms.iter().find_map(|a| match &a.node {
                Atom::Regex(r) => Some(r.as_str()),
                _ => None,
            });
            let pattern = pattern.ok_or("no pattern")?;
            // Texts are matched lowercased, so the pattern ignores case too.
            let re = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("bad regex: {e}"))?;
            TextTest::Matches(re)
        }
        _ => TextTest::Contains(lower),
    })
}

fn scalar_of(field: &Field) -> Option<Scalar> {
    Some(match field {
        Field::Status => Scalar::Status,
        Field::Priority => Scalar::Priority,
        Field::Type => Scalar::Type,
        Field::Group => Scalar::Group,
        Field::Assignee => Scalar::Assignee,
        Field::Requester => Scalar::Requester,
        Field::Organization => Scalar::Organization,
        Field::Brand => Scalar::Brand,
        Field::CustomField(FieldKey::Title(t)) => Scalar::Custom(t.to_lowercase()),
        Field::CustomField(FieldKey::Id(id)) => Scalar::Custom(id.to_string()),
        _ => return None,
    })
}

fn scalar_op(op: &Op) -> ScalarOp {
    match op {
        Op::IsNot => ScalarOp::IsNot,
        Op::LessThan => ScalarOp::Less,
        Op::GreaterThan => ScalarOp::Greater,
        Op::Changed => ScalarOp::Changed,
        Op::NotChanged => ScalarOp::NotChanged,
        Op::ChangedTo => ScalarOp::ChangedTo,
        Op::ChangedFrom => ScalarOp::ChangedFrom,
        Op::NotChangedTo => ScalarOp::NotChangedTo,
        Op::NotChangedFrom => ScalarOp::NotChangedFrom,
        Op::IsPresent => ScalarOp::Present,
        Op::IsNotPresent => ScalarOp::NotPresent,
        _ => ScalarOp::Is,
    }
}

/// A scalar operand, resolved for the field.
pub fn want_of(scalar: &Scalar, atoms: &[Spanned<Atom>]) -> Want {
    if atoms.is_empty() {
        return Want::Nothing;
    }
    if matches!(atoms, [a] if a.node == Atom::None) {
        return match scalar {
            Scalar::Status | Scalar::Priority | Scalar::Type => Want::Ord(None),
            _ => Want::Text(None),
        };
    }
    let text = operand_text(atoms).unwrap_or_default();
    match scalar {
        Scalar::Status => Want::Ord(Status::parse(&text).map(|s| s as u8)),
        Scalar::Priority => Want::Ord(Priority::parse(&text).map(|s| s as u8)),
        Scalar::Type => Want::Ord(TicketType::parse(&text).map(|s| s as u8)),
        Scalar::Assignee | Scalar::Requester
            if text.to_lowercase().replace('_', " ") == "current user" =>
        {
            Want::CurrentUser
        }
        Scalar::Assignee if text.eq_ignore_ascii_case("requester") => Want::Requester,
        _ => Want::Text(Some(text.to_lowercase())),
    }
}
