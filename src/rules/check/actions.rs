//! Step one for actions: each action's arguments, `notify`'s recipient,
//! subject and body, and the placeholders in comments and notifications.

use super::values::words_of;
use super::RuleChecker;
use crate::rules::ast::*;
use crate::rules::diagnostics::{list, Diagnostic};
use crate::rules::schema::{self, did_you_mean, ValueKind};

impl RuleChecker<'_> {
    pub(super) fn check_action(&mut self, a: &Action) {
        let name = schema::action_name(&a.kind.node);
        let what = format!("`{name}`");
        match &a.kind.node {
            ActionKind::Unknown(first) => {
                let mut written = first.to_lowercase();
                if let Some(Spanned {
                    node: Atom::Word(w),
                    ..
                }) = a.args.first()
                {
                    written = format!("{written} {}", w.to_lowercase());
                }
                let suggestion = did_you_mean(&written, schema::action_phrases())
                    .or_else(|| did_you_mean(first, schema::action_phrases()));
                self.push(
                    Diagnostic::error(
                        "unknown-action",
                        a.kind.span,
                        format!("unknown action `{written}`"),
                    )
                    .did_you_mean(suggestion)
                    .or_help(
                        "actions include `add tags`, `set status`, `share ticket with`, `notify`",
                    ),
                );
            }
            ActionKind::Zendesk(field) => {
                if self.not_run.insert(format!("action {field}")) {
                    self.push(
                        Diagnostic::warning(
                            "not-run",
                            a.kind.span,
                            format!("action `{field}` is loaded but not run"),
                        )
                        .with_help("ticket-rules skips this action when the rule fires"),
                    );
                }
            }
            ActionKind::ShareTicket => {
                self.check_values(&what, ValueKind::Agreement, &a.args, a.span);
                self.check_can_share(&a.args);
            }
            ActionKind::UnshareTicket => {
                self.check_values(&what, ValueKind::Nothing, &a.args, a.span)
            }
            ActionKind::ShareWithAgent | ActionKind::UnshareFromAgent => {
                self.check_values(&what, ValueKind::Email, &a.args, a.span)
            }
            ActionKind::AddTags | ActionKind::RemoveTags | ActionKind::SetTags => {
                if matches!(a.kind.node, ActionKind::SetTags) {
                    self.push(
                        Diagnostic::warning("set-tags", a.kind.span, "`set tags` replaces every tag on the ticket")
                            .with_help("tags that other rules test disappear, which can make triggers fire again; prefer `add tags` and `remove tags`"),
                    );
                }
                if a.args.is_empty() {
                    self.push(
                        Diagnostic::error(
                            "empty-tag-list",
                            a.span,
                            format!("{what} needs at least one tag"),
                        )
                        .with_help(format!("for example `{name} vip`")),
                    );
                } else {
                    self.check_tags(&what, &a.args);
                }
            }
            ActionKind::Set(f) => {
                self.check_values(&what, schema::set_value_kind(*f), &a.args, a.span)
            }
            ActionKind::SetCustomField(_) => {
                self.check_values(&what, ValueKind::Any, &a.args, a.span)
            }
            ActionKind::AddComment { .. } => match a.args.as_slice() {
                [Spanned {
                    node: Atom::Str(text),
                    span,
                }] => self.check_placeholders(text, *span),
                _ => self.push(
                    Diagnostic::error("bad-value", a.span, format!("{what} takes one quoted text"))
                        .with_help(format!("for example `{name} \"We are on it\"`")),
                ),
            },
            ActionKind::Notify => self.check_notify(a),
        }
    }

    fn check_notify(&mut self, a: &Action) {
        let (who, texts) = a.notify_parts();
        let help = "for example `notify requester \"Subject\" \"Body\"`";
        let recipient = match who {
            [] => texts.first().and_then(|t| match &t.node {
                Atom::Str(s) if s.contains('@') => Some(()),
                _ => None,
            }),
            words => {
                let text = words_of(words);
                let ok = text
                    .as_deref()
                    .is_some_and(|t| schema::RECIPIENTS.contains(&t.to_lowercase().as_str()));
                if !ok {
                    let span = words
                        .iter()
                        .map(|w| w.span)
                        .reduce(Span::join)
                        .unwrap_or(a.span);
                    let t = text.unwrap_or_default();
                    self.push(
                        Diagnostic::error("unknown-value", span, format!("unknown recipient `{t}`"))
                            .did_you_mean(did_you_mean(&t, schema::RECIPIENTS.iter().copied()))
                            .or_help("notify `requester`, `assignee`, `group`, `current user` or a quoted email address"),
                    );
                    return;
                }
                Some(())
            }
        };
        let texts = if who.is_empty() && recipient.is_some() {
            &texts[1..]
        } else {
            texts
        };
        if recipient.is_none()
            || texts.len() != 2
            || !texts.iter().all(|t| matches!(t.node, Atom::Str(_)))
        {
            self.push(
                Diagnostic::error(
                    "bad-value",
                    a.span,
                    "`notify` takes a recipient, a subject and a body",
                )
                .with_help(help),
            );
            return;
        }
        for t in texts {
            if let Atom::Str(s) = &t.node {
                self.check_placeholders(s, t.span);
            }
        }
    }

    fn check_placeholders(&mut self, text: &str, span: Span) {
        // Exact columns only when the source held the text unescaped.
        let exact = span.end - span.start == text.len() + 2;
        let mut rest = text;
        let mut base = 0;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}") else {
                break;
            };
            let inner = &rest[open + 2..open + close];
            // Liquid filters (`{{ticket.title | upcase}}`) do not change the name.
            let name = inner.split('|').next().unwrap_or("").trim();
            let known = schema::is_placeholder(name);
            let at = if exact {
                let s = span.start + 1 + base + open;
                Span::new(s, s + close + 2)
            } else {
                span
            };
            if name.starts_with("dc.") {
                self.push(
                    Diagnostic::warning(
                        "dynamic-content",
                        at,
                        format!("dynamic content `{{{{{name}}}}}` is left as written"),
                    )
                    .with_help("ticket-rules has no dynamic content items to fill it from"),
                );
            } else if !known {
                self.push(
                    Diagnostic::warning(
                        "unknown-placeholder",
                        at,
                        format!("unknown placeholder `{{{{{name}}}}}`"),
                    )
                    .did_you_mean(
                        did_you_mean(
                            name,
                            schema::PLACEHOLDERS
                                .iter()
                                .chain(schema::ZENDESK_PLACEHOLDERS)
                                .copied(),
                        )
                        .map(|s| format!("{{{{{s}}}}}")),
                    )
                    .or_help(format!(
                        "Zendesk renders an unknown placeholder empty; ours are {}",
                        list(
                            &schema::PLACEHOLDERS
                                .iter()
                                .map(|p| format!("{{{{{p}}}}}"))
                                .collect::<Vec<_>>(),
                            "or"
                        )
                    )),
                );
            }
            base += open + close + 2;
            rest = &rest[open + close + 2..];
        }
    }
}
