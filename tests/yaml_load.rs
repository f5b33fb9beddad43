//! The YAML/JSON front end on small inline files: every Zendesk mapping,
//! passthrough, spans, syntax and shape errors.

use serde_json::json;
use ticket_rules::rules::ast::*;
use ticket_rules::rules::check::{check, CheckOptions};
use ticket_rules::rules::diagnostics::{Diagnostic, Severity, SourceFile};
use ticket_rules::rules::yaml::load;

fn load_ok(src: &str) -> RuleFile {
    let (file, diags) = load(src, false);
    assert!(diags.is_empty(), "{diags:#?}");
    file
}

/// A trigger with these `all` conditions and one harmless action.
fn trigger_with(conditions: &str) -> String {
    format!(
        "triggers:\n  - title: T\n    conditions:\n      all:\n{conditions}    actions:\n      - {{ field: current_tags, value: x }}\n"
    )
}

/// The one condition of a file built by [`trigger_with`].
fn only_condition(conditions: &str) -> Condition {
    let file = load_ok(&trigger_with(conditions));
    match file.rules[0].conditions.clone() {
        Some(Expr::Cond(c)) => c,
        other => panic!("expected one condition, got {other:?}"),
    }
}

fn cond(field: &str, op: &str, value: serde_json::Value) -> Condition {
    let line = format!(
        "        - {{ field: {field}, operator: {op}, value: {} }}\n",
        serde_json::to_string(&value).unwrap()
    );
    only_condition(&line)
}

fn atoms(c: &Condition) -> Vec<Atom> {
    c.operand.iter().map(|a| a.node.clone()).collect()
}

fn w(s: &str) -> Atom {
    Atom::Word(s.into())
}

fn action_of(field: &str, value: serde_json::Value) -> Action {
    let src = format!(
        "triggers:\n  - title: T\n    actions:\n      - {{ field: {field}, value: {} }}\n",
        serde_json::to_string(&value).unwrap()
    );
    let file = load_ok(&src);
    assert_eq!(
        file.rules[0].actions.len(),
        1,
        "{:?}",
        file.rules[0].actions
    );
    file.rules[0].actions[0].clone()
}

fn args(a: &Action) -> Vec<Atom> {
    a.args.iter().map(|x| x.node.clone()).collect()
}

fn text_at(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

#[test]
fn issue_example_loads() {
    let src = "triggers:
  - title: Share image sensor tickets with Acme
    active: true
    conditions:
      all:
        - { field: update_type, operator: is, value: Create }
        - { field: current_tags, operator: includes, value: image_sensor lens_module }
        - { field: status, operator: less_than, value: solved }
      any: []
    actions:
      - { field: share_ticket, value: Acme Optics }
      - { field: current_tags, value: shared_acme }
automations: []
";
    let file = load_ok(src);
    assert_eq!(file.rules.len(), 1);
    let r = &file.rules[0];
    assert_eq!(r.kind, RuleKind::Trigger);
    assert_eq!(r.title.node, "Share image sensor tickets with Acme");
    assert_eq!(
        text_at(src, r.title.span),
        "Share image sensor tickets with Acme"
    );
    let Some(Expr::All(items)) = &r.conditions else {
        panic!("{:?}", r.conditions)
    };
    assert_eq!(items.len(), 3);
    let conds = r.conditions.as_ref().unwrap().conditions();
    assert_eq!(conds[0].field.node, Field::Ticket);
    assert_eq!(atoms(conds[0]), vec![w("created")]);
    assert_eq!(conds[1].op.node, Op::ContainsAtLeastOneOf);
    assert_eq!(atoms(conds[1]), vec![w("image_sensor"), w("lens_module")]);
    assert_eq!(text_at(src, conds[1].operand[1].span), "lens_module");
    assert_eq!(conds[2].op.node, Op::LessThan);
    assert_eq!(text_at(src, conds[2].field.span), "status");
    assert_eq!(text_at(src, conds[2].op.span), "less_than");
    assert_eq!(r.actions[0].kind.node, ActionKind::ShareTicket);
    assert_eq!(args(&r.actions[0]), vec![Atom::Str("Acme Optics".into())]);
    assert_eq!(text_at(src, r.actions[0].kind.span), "share_ticket");
    assert_eq!(r.actions[1].kind.node, ActionKind::AddTags);
    assert!(check(&file, &CheckOptions::default()).is_empty());
}

#[test]
fn update_type_values() {
    let c = cond("update_type", "is", json!("Change"));
    assert_eq!(atoms(&c), vec![w("updated")]);
    let c = cond("update_type", "is_not", json!("Create"));
    assert_eq!(
        (c.op.node.clone(), atoms(&c)),
        (Op::IsNot, vec![w("created")])
    );
}

#[test]
fn channels_by_id_name_or_via_type() {
    let c = cond("via_id", "is", json!(31));
    assert_eq!(c.field.node, Field::Source);
    assert_eq!(atoms(&c), vec![w("ticket"), w("sharing")]);
    let c = cond("current_via_id", "is_not", json!("4"));
    assert_eq!(c.field.node, Field::UpdateVia);
    assert_eq!(atoms(&c), vec![w("email")]);
    assert_eq!(
        atoms(&cond("via_id", "is", json!("ticket_sharing"))),
        vec![w("ticket"), w("sharing")]
    );
    assert_eq!(
        atoms(&cond("via_id", "is", json!("mail"))),
        vec![w("email")]
    );
    // A via id we cannot name stays a number, as the DSL would read it.
    assert_eq!(atoms(&cond("via_id", "is", json!(99))), vec![Atom::Num(99)]);
    assert_eq!(
        atoms(&cond("via_id", "is", json!("69"))),
        vec![w("side"), w("conversation")]
    );
    assert_eq!(
        atoms(&cond("via_id", "is", json!("75"))),
        vec![w("native"), w("messaging")]
    );
}

#[test]
fn unknown_channel_is_reported_by_check() {
    let file = load_ok(&trigger_with(
        "        - { field: update_type, operator: is, value: Create }\n        - { field: via_id, operator: is, value: pigeon }\n",
    ));
    let diags = check(&file, &CheckOptions::default());
    assert!(
        diags
            .iter()
            .any(|d| d.code == "unknown-value" && d.message.contains("pigeon")),
        "{diags:#?}"
    );
}

#[test]
fn status_priority_type_are_lowercase_words() {
    assert_eq!(
        atoms(&cond("status", "is", json!("Solved"))),
        vec![w("solved")]
    );
    assert_eq!(
        atoms(&cond("priority", "greater_than", json!("NORMAL"))),
        vec![w("normal")]
    );
    assert_eq!(
        atoms(&cond("type", "is", json!("incident"))),
        vec![w("incident")]
    );
    assert_eq!(atoms(&cond("priority", "is", json!(""))), vec![Atom::None]);
    let c = cond("status", "value", json!("solved"));
    assert_eq!(c.op.node, Op::ChangedTo);
    assert_eq!(
        cond("status", "value_previous", json!("open")).op.node,
        Op::ChangedFrom
    );
    assert_eq!(
        cond("status", "not_value", json!("open")).op.node,
        Op::NotChangedTo
    );
    assert_eq!(
        cond("status", "not_value_previous", json!("open")).op.node,
        Op::NotChangedFrom
    );
    let c = cond("status", "changed", json!(null));
    assert_eq!((c.op.node.clone(), c.operand.len()), (Op::Changed, 0));
    assert_eq!(
        cond("status", "not_changed", json!(null)).op.node,
        Op::NotChanged
    );
}

#[test]
fn names_ids_none_and_current_user() {
    assert_eq!(
        atoms(&cond("group_id", "is", json!(360001))),
        vec![Atom::Num(360001)]
    );
    assert_eq!(
        atoms(&cond("group_id", "is", json!("360001"))),
        vec![Atom::Num(360001)]
    );
    assert_eq!(
        atoms(&cond("assignee_id", "is", json!(""))),
        vec![Atom::None]
    );
    assert_eq!(
        atoms(&cond("assignee_id", "is_not", json!("current_user"))),
        vec![w("current"), w("user")]
    );
    assert_eq!(
        atoms(&cond("organization_id", "is", json!("Acme"))),
        vec![w("Acme")]
    );
    assert_eq!(
        atoms(&cond("brand_id", "is", json!("Acme Optics"))),
        vec![Atom::Str("Acme Optics".into())]
    );
    assert_eq!(
        cond("requester_id", "is", json!(5)).field.node,
        Field::Requester
    );
    let c = cond("group_id", "is", json!(null));
    assert!(c.operand.is_empty());
}

#[test]
fn tags_operators_and_splitting() {
    let c = cond("current_tags", "not_includes", json!("a b"));
    assert_eq!(
        (c.op.node.clone(), atoms(&c)),
        (Op::ContainsNoneOf, vec![w("a"), w("b")])
    );
    assert_eq!(
        cond("current_tags", "includes_all", json!("a")).op.node,
        Op::ContainsAllOf
    );
    assert_eq!(
        atoms(&cond("current_tags", "includes", json!(["a", "b c"]))),
        vec![w("a"), w("b"), w("c")]
    );
    assert_eq!(
        atoms(&cond("current_tags", "includes", json!("vip 2024"))),
        vec![w("vip"), Atom::Num(2024)]
    );
}

#[test]
fn subject_and_comment_text() {
    let c = cond(
        "subject_includes_word",
        "includes",
        json!("refund chargeback"),
    );
    assert_eq!(c.field.node, Field::Subject);
    assert_eq!(
        (c.op.node.clone(), atoms(&c)),
        (
            Op::ContainsAnyOfTheWords,
            vec![w("refund"), w("chargeback")]
        )
    );
    let c = cond("comment_includes_word", "not_includes", json!("spam"));
    assert_eq!(
        (c.field.node.clone(), c.op.node.clone()),
        (Field::CommentText, Op::ContainsNoneOfTheWords)
    );
    let c = cond("subject_includes_word", "is", json!("order"));
    assert_eq!(
        (c.op.node.clone(), atoms(&c)),
        (Op::Contains, vec![Atom::Str("order".into())])
    );
    assert_eq!(
        cond("subject_includes_word", "is_not", json!("x y"))
            .op
            .node,
        Op::DoesNotContain
    );
    let c = cond("subject_includes_word", "matches", json!("order #\\d+"));
    assert_eq!(atoms(&c), vec![Atom::Regex("order #\\d+".into())]);
}

#[test]
fn comment_visibility_role_and_sharing() {
    assert_eq!(
        atoms(&cond("comment_is_public", "is", json!(true))),
        vec![w("public")]
    );
    assert_eq!(
        atoms(&cond("comment_is_public", "is", json!("false"))),
        vec![w("private")]
    );
    assert_eq!(
        atoms(&cond("role", "is", json!("end_user"))),
        vec![w("end"), w("user")]
    );
    assert_eq!(
        atoms(&cond("role", "is_not", json!("agent"))),
        vec![w("agent")]
    );
    let c = cond("sent_to", "is", json!("Acme Optics"));
    assert_eq!(
        (c.field.node.clone(), atoms(&c)),
        (Field::SharedWith, vec![Atom::Str("Acme Optics".into())])
    );
    let c = cond("received_from", "is", json!("48"));
    assert_eq!(
        (c.field.node.clone(), atoms(&c)),
        (Field::ReceivedFrom, vec![Atom::Num(48)])
    );
}

#[test]
fn sharing_is_not_becomes_not() {
    let file = load_ok(&trigger_with(
        "        - { field: sent_to, operator: is_not, value: Acme Optics }\n",
    ));
    let Some(Expr::Not(inner)) = &file.rules[0].conditions else {
        panic!("{:?}", file.rules[0].conditions)
    };
    let Expr::Cond(c) = &**inner else { panic!() };
    assert_eq!(
        (c.field.node.clone(), c.op.node.clone()),
        (Field::SharedWith, Op::Is)
    );
}

#[test]
fn custom_fields_by_id_or_title() {
    let c = cond("custom_fields_360012", "is", json!("gold"));
    assert_eq!(c.field.node, Field::CustomField(FieldKey::Id(360012)));
    assert_eq!(atoms(&c), vec![w("gold")]);
    let c = cond("custom_fields_Product line", "present", json!(null));
    assert_eq!(
        c.field.node,
        Field::CustomField(FieldKey::Title("Product line".into()))
    );
    assert_eq!(c.op.node, Op::IsPresent);
    assert_eq!(
        cond("custom_fields_1", "not_present", json!(null)).op.node,
        Op::IsNotPresent
    );
}

#[test]
fn automation_time_fields() {
    let src = "automations:\n  - title: A\n    conditions:\n      all:\n        - { field: SOLVED, operator: greater_than, value: \"96\" }\n        - { field: status_changed_at, operator: is, value: 24 }\n    actions:\n      - { field: status, value: closed }\n";
    let file = load_ok(src);
    let r = &file.rules[0];
    assert_eq!(r.kind, RuleKind::Automation);
    let conds = r.conditions.as_ref().unwrap().conditions();
    assert_eq!(conds[0].field.node, Field::HoursSince(TimeField::Solved));
    assert_eq!(atoms(conds[0]), vec![Atom::Num(96)]);
    assert_eq!(
        conds[1].field.node,
        Field::HoursSince(TimeField::StatusChanged)
    );
    for (name, t) in [
        ("NEW", TimeField::Created),
        ("OPEN", TimeField::Open),
        ("PENDING", TimeField::Pending),
        ("updated_at", TimeField::Updated),
        ("assigned_at", TimeField::Assigned),
        ("requester_updated_at", TimeField::RequesterUpdated),
        ("assignee_updated_at", TimeField::AssigneeUpdated),
    ] {
        assert_eq!(
            cond(name, "is", json!("1")).field.node,
            Field::HoursSince(t)
        );
    }
    assert_eq!(r.actions[0].kind.node, ActionKind::Set(SetField::Status));
    assert_eq!(args(&r.actions[0]), vec![w("closed")]);
}

#[test]
fn zendesk_conditions_pass_through_with_a_warning() {
    let c = cond("satisfaction_score", "is", json!("unoffered"));
    assert_eq!(c.field.node, Field::Zendesk("satisfaction_score".into()));
    assert_eq!(c.op.node, Op::Zendesk("is".into()));
    assert_eq!(atoms(&c), vec![Atom::Json(json!("unoffered"))]);
    let c = cond("OPEN", "greater_than_business_hours", json!("48"));
    assert_eq!(c.field.node, Field::Zendesk("OPEN".into()));
    assert_eq!(atoms(&c), vec![Atom::Json(json!("48"))]);
    let c = cond("comment_is_public", "is", json!("a_future_value"));
    assert_eq!(c.field.node, Field::Zendesk("comment_is_public".into()));
    let c = cond("comment_is_public", "is", json!("not_relevant"));
    assert_eq!(
        (c.field.node.clone(), atoms(&c)),
        (Field::Comment, vec![w("any")])
    );
    let c = cond(
        "comment_is_public",
        "is",
        json!("requester_can_see_comment"),
    );
    assert_eq!(atoms(&c), vec![w("public")]);
    let c = cond("HOLD", "greater_than", json!(12));
    assert_eq!(c.field.node, Field::Zendesk("HOLD".into()));

    let file = load_ok(&trigger_with(
        "        - { field: update_type, operator: is, value: Create }\n        - { field: ticket_form_id, operator: is, value: 360000123456 }\n",
    ));
    let diags = check(&file, &CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (diags[0].severity, diags[0].code),
        (Severity::Warning, "not-run")
    );
    assert!(diags[0].message.contains("ticket_form_id"));
}

#[test]
fn zendesk_actions_pass_through_with_a_warning() {
    for (field, value) in [
        ("notification_webhook", json!(["01GXYZ", "{\"a\": 1}"])),
        ("satisfaction_score", json!("offered")),
        ("cc", json!("360009876543")),
        ("brand_id", json!(360001)),
        ("requester_id", json!(5)),
        ("locale_id", json!(1176)),
        ("notification_user", json!(["all_agents", "s", "b"])),
        ("notification_user", json!(["360000001", "s", "b"])),
        ("notification_group", json!(["360000002", "s", "b"])),
        ("comment_value_html", json!("<p>Hi</p>")),
    ] {
        let a = action_of(field, value.clone());
        assert_eq!(a.kind.node, ActionKind::Zendesk(field.into()));
        assert_eq!(args(&a), vec![Atom::Json(value)]);
    }
    let src = "triggers:\n  - title: T\n    conditions: { all: [ { field: update_type, operator: is, value: Create } ] }\n    actions:\n      - { field: deflection, value: [\"a\"] }\n";
    let file = load_ok(src);
    let diags = check(&file, &CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0]
        .message
        .contains("`deflection` is loaded but not run"));
    assert_eq!(text_at(src, diags[0].span), "deflection");
}

#[test]
fn actions_map_to_ours() {
    assert_eq!(
        action_of("priority", json!("High")).kind.node,
        ActionKind::Set(SetField::Priority)
    );
    assert_eq!(args(&action_of("type", json!("task"))), vec![w("task")]);
    let a = action_of("group_id", json!("360004567890"));
    assert_eq!(
        (a.kind.node.clone(), args(&a)),
        (
            ActionKind::Set(SetField::Group),
            vec![Atom::Num(360004567890)]
        )
    );
    let a = action_of("assignee_id", json!("current_user"));
    assert_eq!(args(&a), vec![w("current"), w("user")]);
    assert_eq!(
        args(&action_of("group_id", json!("Tier 2"))),
        vec![Atom::Str("Tier 2".into())]
    );
    let a = action_of("remove_tags", json!("a b"));
    assert_eq!(
        (a.kind.node.clone(), args(&a)),
        (ActionKind::RemoveTags, vec![w("a"), w("b")])
    );
    assert_eq!(
        action_of("set_tags", json!("a")).kind.node,
        ActionKind::SetTags
    );
    assert_eq!(
        args(&action_of("share_ticket", json!(48))),
        vec![Atom::Num(48)]
    );
    assert_eq!(
        args(&action_of("share_ticket", json!("48"))),
        vec![Atom::Num(48)]
    );
    let a = action_of("unshare_ticket", json!(null));
    assert_eq!(
        (a.kind.node.clone(), a.args.len()),
        (ActionKind::UnshareTicket, 0)
    );
    let a = action_of("custom_fields_360012", json!("gold"));
    assert_eq!(
        a.kind.node,
        ActionKind::SetCustomField(FieldKey::Id(360012))
    );
    let a = action_of("custom_fields_Tier", json!(3));
    assert_eq!(
        (a.kind.node.clone(), args(&a)),
        (
            ActionKind::SetCustomField(FieldKey::Title("Tier".into())),
            vec![Atom::Num(3)]
        )
    );
}

#[test]
fn notifications() {
    let a = action_of("notification_user", json!(["requester_id", "Subj", "Body"]));
    assert_eq!(a.kind.node, ActionKind::Notify);
    assert_eq!(
        args(&a),
        vec![
            w("requester"),
            Atom::Str("Subj".into()),
            Atom::Str("Body".into())
        ]
    );
    assert_eq!(
        args(&action_of(
            "notification_user",
            json!(["assignee_id", "s", "b"])
        ))[0],
        w("assignee")
    );
    assert_eq!(
        args(&action_of(
            "notification_user",
            json!(["current_user", "s", "b"])
        ))[..2],
        [w("current"), w("user")]
    );
    assert_eq!(
        args(&action_of(
            "notification_user",
            json!(["ops@example.com", "s", "b"])
        ))[0],
        Atom::Str("ops@example.com".into())
    );
    let a = action_of("notification_group", json!(["group_id", "s", "b"]));
    assert_eq!(
        (a.kind.node.clone(), args(&a)[0].clone()),
        (ActionKind::Notify, w("group"))
    );
}

#[test]
fn comments_pair_with_their_mode() {
    let src = r#"triggers:
  - title: T
    actions:
      - { field: comment_mode_is_public, value: "false" }
      - { field: comment_value, value: ["channel:all", "Private note"] }
      - { field: comment_value, value: Public reply }
      - { field: comment_mode_is_public, value: true }
      - { field: comment_value, value: Default is public }
      - { field: comment_mode_is_public, value: false }
"#;
    let file = load_ok(src);
    let kinds: Vec<_> = file.rules[0]
        .actions
        .iter()
        .map(|a| (a.kind.node.clone(), args(a)))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                ActionKind::AddComment { public: false },
                vec![Atom::Str("Private note".into())]
            ),
            (
                ActionKind::AddComment { public: true },
                vec![Atom::Str("Public reply".into())]
            ),
            (
                ActionKind::AddComment { public: false },
                vec![Atom::Str("Default is public".into())]
            ),
        ]
    );
    // A mode with no comment next to it is kept, not dropped.
    let src = "triggers:\n  - title: T\n    actions:\n      - { field: comment_mode_is_public, value: false }\n      - { field: status, value: open }\n";
    let file = load_ok(src);
    assert_eq!(
        file.rules[0].actions[0].kind.node,
        ActionKind::Zendesk("comment_mode_is_public".into())
    );
}

#[test]
fn any_and_all_normalise() {
    let c = |f: &str| format!("{{ field: current_tags, operator: includes, value: {f} }}");
    let conds = |all: &[&str], any: &[&str]| {
        let src = format!(
            "triggers:\n  - title: T\n    conditions:\n      all: [{}]\n      any: [{}]\n    actions: [{{ field: status, value: open }}]\n",
            all.iter().map(|x| c(x)).collect::<Vec<_>>().join(", "),
            any.iter().map(|x| c(x)).collect::<Vec<_>>().join(", "),
        );
        load_ok(&src).rules[0].conditions.clone()
    };
    let shape = |e: &Option<Expr>| -> String {
        fn s(e: &Expr) -> String {
            match e {
                Expr::All(i) => format!("all({})", i.iter().map(s).collect::<Vec<_>>().join(",")),
                Expr::Any(i) => format!("any({})", i.iter().map(s).collect::<Vec<_>>().join(",")),
                Expr::Not(i) => format!("not({})", s(i)),
                Expr::Cond(c) => match &c.operand[0].node {
                    Atom::Word(w) => w.clone(),
                    _ => "?".into(),
                },
            }
        }
        e.as_ref().map_or("none".into(), s)
    };
    assert_eq!(shape(&conds(&[], &[])), "none");
    assert_eq!(shape(&conds(&["a"], &[])), "a");
    assert_eq!(shape(&conds(&["a", "b"], &[])), "all(a,b)");
    assert_eq!(shape(&conds(&[], &["a"])), "a");
    assert_eq!(shape(&conds(&[], &["a", "b"])), "any(a,b)");
    assert_eq!(shape(&conds(&["a", "b"], &["c"])), "all(a,b,c)");
    assert_eq!(shape(&conds(&["a"], &["c", "d"])), "all(a,any(c,d))");
}

#[test]
fn rule_settings_and_metadata() {
    let src = r#"{"trigger": {"id": 1, "url": "u", "raw_title": "r", "title": "T", "active": false,
 "position": 7, "description": "Why", "default": false, "category_id": "9",
 "created_at": "x", "updated_at": "y",
 "actions": [{"field": "status", "value": "open"}], "conditions": {"all": [], "any": []}}}"#;
    let (file, diags) = load(src, true);
    assert!(diags.is_empty(), "{diags:#?}");
    let r = &file.rules[0];
    assert!(!r.active);
    assert_eq!(r.position.as_ref().map(|p| p.node), Some(7));
    assert_eq!(text_at(src, r.position.as_ref().unwrap().span), "7");
    assert_eq!(r.description.as_deref(), Some("Why"));
    assert_eq!(r.conditions, None);
    assert_eq!(text_at(src, r.title.span), "\"T\"");

    let (file, diags) = load(r#"{"automation": {"title": "A", "actions": []}}"#, true);
    assert!(diags.is_empty());
    assert_eq!(file.rules[0].kind, RuleKind::Automation);
    assert!(file.rules[0].active);
}

#[test]
fn unknown_field_operator_and_action_pass_through_with_did_you_mean() {
    let file = load_ok(&trigger_with(
        "        - { field: update_type, operator: is, value: Create }\n        - { field: statuss, operator: is, value: open }\n        - { field: status, operator: iss, value: open }\n",
    ));
    let conds = file.rules[0].conditions.as_ref().unwrap().conditions();
    assert_eq!(conds[1].field.node, Field::Zendesk("statuss".into()));
    assert_eq!(conds[2].field.node, Field::Zendesk("status".into()));
    assert_eq!(conds[2].op.node, Op::Zendesk("iss".into()));
    let diags = check(&file, &CheckOptions::default());
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let helps: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "not-run")
        .map(|d| (d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        helps,
        [
            (
                "condition `statuss` is loaded but not run",
                Some("did you mean `status`?")
            ),
            (
                "condition `status iss` is loaded but not run",
                Some("did you mean `is`?")
            ),
        ]
    );

    let file = load_ok(
        "triggers:\n  - title: T\n    actions:\n      - { field: sharee_ticket, value: x }\n",
    );
    assert_eq!(
        file.rules[0].actions[0].kind.node,
        ActionKind::Zendesk("sharee_ticket".into())
    );
    let diags = check(&file, &CheckOptions::default());
    assert_eq!(
        diags.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["not-run"],
        "{diags:#?}"
    );
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let src = "triggers:\n  - title: T\n    conditions: [\n  - oops: {\n";
    let (file, diags) = load(src, false);
    assert!(file.rules.is_empty());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, "yaml");
    assert!(d.message.starts_with("invalid yaml: "), "{}", d.message);
    assert!(!d.message.contains("at line"), "{}", d.message);
    assert!(d.help.is_some());

    let src = "triggers:\n  - title: T\n   bad: indentation\n";
    let (_, diags) = load(src, false);
    let f = SourceFile::new("x.yaml", src);
    assert_eq!(diags[0].code, "yaml");
    assert_eq!(f.line_col(diags[0].span.start).0, 3, "{diags:#?}");
}

#[test]
fn json_syntax_error_has_line_and_column() {
    let src = "{\"triggers\": [\n  {\"title\": \"T\",,}\n]}";
    let (_, diags) = load(src, true);
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, "json");
    let f = SourceFile::new("x.json", src);
    assert_eq!(f.line_col(d.span.start), (2, 17), "{d:#?}");
    assert_eq!(text_at(src, d.span), ",");
}

#[test]
fn bad_shapes_are_reported_and_loading_goes_on() {
    let src = "triggers:
  - title: Broken conditions
    conditions: [ { field: status, operator: is, value: open } ]
    actions: [ { field: status, value: open } ]
  - active: true
    actions: [ { field: status, value: open } ]
  - title: Condition without field
    conditions:
      all:
        - { operator: is, value: open }
        - { field: status, value: open }
        - just text
    actions: [ { value: open } ]
  - title: Good
    actions: [ { field: status, value: open } ]
";
    let (file, diags) = load(src, false);
    let titles: Vec<_> = file.rules.iter().map(|r| r.title.node.as_str()).collect();
    assert_eq!(
        titles,
        ["Broken conditions", "Condition without field", "Good"]
    );
    let f = SourceFile::new("x.yaml", src);
    let found: Vec<(usize, &str)> = errors(&diags)
        .iter()
        .map(|d| (f.line_col(d.span.start).0, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                3,
                "`conditions` must be a map with `all` and `any` lists, not a list"
            ),
            (5, "trigger has no `title`"),
            (10, "condition has no `field`"),
            (11, "condition on `status` has no `operator`"),
            (12, "a condition must be a map, not text"),
            (13, "action has no `field`"),
        ],
        "{diags:#?}"
    );
    assert!(diags
        .iter()
        .all(|d| d.code == "bad-shape" && d.help.is_some()));
}

#[test]
fn unknown_keys() {
    let src = "triggers:\n  - title: T\n    condtions: {}\n    colour: red\n    actions: [ { field: status, value: open } ]\ntrigers: []\n";
    let (_, diags) = load(src, false);
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.severity, d.code, d.help.clone()))
        .collect();
    assert_eq!(
        got[0],
        (
            Severity::Error,
            "bad-shape",
            Some("did you mean `conditions`?".into())
        )
    );
    assert_eq!((got[1].0, got[1].1), (Severity::Warning, "unknown-key"));
    assert_eq!(
        got[2],
        (
            Severity::Error,
            "bad-shape",
            Some("did you mean `triggers`?".into())
        )
    );
}

#[test]
fn spans_point_at_the_right_tokens_in_block_yaml() {
    let src = "# Support rules
triggers:
  - title: \"Escalate: VIP\"
    conditions:
      any:
        - field: status
          operator: is
          value: open
        - operator: is
          field: \"priority\"
          value: urgent   # a comment with field: status
    actions:
      - field: current_tags
        value: vip escalated
";
    let file = load_ok(src);
    let r = &file.rules[0];
    assert_eq!(text_at(src, r.title.span), "\"Escalate: VIP\"");
    let conds = r.conditions.as_ref().unwrap().conditions();
    assert_eq!(text_at(src, conds[0].field.span), "status");
    assert_eq!(text_at(src, conds[0].operand[0].span), "open");
    assert_eq!(text_at(src, conds[1].field.span), "\"priority\"");
    assert_eq!(text_at(src, conds[1].op.span), "is");
    assert_eq!(text_at(src, conds[1].operand[0].span), "urgent");
    let a = &r.actions[0];
    assert_eq!(text_at(src, a.kind.span), "current_tags");
    assert_eq!(text_at(src, a.args[1].span), "escalated");
    let f = SourceFile::new("x.yaml", src);
    assert_eq!(f.line_col(a.args[1].span.start), (14, 20));
}

#[test]
fn empty_files_load_empty() {
    for (src, json) in [
        ("", false),
        ("# nothing\n", false),
        ("{}", true),
        ("triggers: []\nautomations: []\n", false),
    ] {
        let (file, diags) = load(src, json);
        assert!(
            file.rules.is_empty() && diags.is_empty(),
            "{src:?}: {diags:#?}"
        );
    }
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "[", "{", "- - -", "triggers: 3", "triggers: [1, [2], {}]", "trigger: []",
        "triggers:\n - title: [1]\n   conditions: {all: 3, any: [[]]}\n   actions: {a: b}\n",
        "triggers:\n - title: x\n   conditions: {all: [{field: 3, operator: [], value: {a: 1}}]}\n",
        "triggers:\n - title: é\n   actions: [{field: comment_value, value: [\"channel:all\"]}, {field: notification_user, value: [1,2,3]}]\n",
        "\u{feff}triggers: []", "triggers: &a [*a]", "\"\\u0000\"", "42", "null",
    ];
    for s in samples {
        let _ = load(s, false);
        let _ = load(s, true);
        let bytes = s.as_bytes();
        for cut in 0..bytes.len() {
            if let Ok(t) = std::str::from_utf8(&bytes[..cut]) {
                let _ = load(t, false);
                let _ = load(t, true);
            }
        }
    }
}

/// One line per rule, condition and action, with where each was found.
fn summary(file: &RuleFile, src: &SourceFile) -> String {
    use std::fmt::Write as _;
    let at = |s: Span| {
        let (l, c) = src.line_col(s.start);
        format!("@{l}:{c}")
    };
    let atom = |a: &Spanned<Atom>| match &a.node {
        Atom::Word(w) => w.clone(),
        Atom::Str(s) => format!("{s:?}"),
        Atom::Num(n) => n.to_string(),
        Atom::Regex(r) => format!("/{r}/"),
        Atom::None => "(none)".into(),
        Atom::Json(v) => format!("json {v}"),
    };
    fn expr(out: &mut String, e: &Expr, depth: usize, f: &dyn Fn(&Condition) -> String) {
        let pad = "  ".repeat(depth);
        match e {
            Expr::All(items) | Expr::Any(items) => {
                let word = if matches!(e, Expr::All(_)) {
                    "all"
                } else {
                    "any"
                };
                out.push_str(&format!("{pad}{word}\n"));
                items.iter().for_each(|i| expr(out, i, depth + 1, f));
            }
            Expr::Not(inner) => {
                out.push_str(&format!("{pad}not\n"));
                expr(out, inner, depth + 1, f);
            }
            Expr::Cond(c) => out.push_str(&format!("{pad}{}\n", f(c))),
        }
    }
    let cond = |c: &Condition| {
        let vals: Vec<String> = c.operand.iter().map(atom).collect();
        format!(
            "{:?} {:?} [{}] {}",
            c.field.node,
            c.op.node,
            vals.join(", "),
            at(c.field.span)
        )
    };
    let mut out = String::new();
    for r in &file.rules {
        let _ = writeln!(
            out,
            "{} {:?} {} active={} position={:?} description={:?}",
            r.kind.keyword(),
            r.title.node,
            at(r.title.span),
            r.active,
            r.position.as_ref().map(|p| p.node),
            r.description
        );
        match &r.conditions {
            Some(e) => expr(&mut out, e, 1, &cond),
            None => out.push_str("  (no conditions)\n"),
        }
        for a in &r.actions {
            let vals: Vec<String> = a.args.iter().map(atom).collect();
            let _ = writeln!(
                out,
                "  => {:?} [{}] {}",
                a.kind.node,
                vals.join(", "),
                at(a.kind.span)
            );
        }
    }
    out
}

#[test]
fn zendesk_api_export_loads() {
    let path = "tests/yaml/zendesk_export.json";
    let text = std::fs::read_to_string(path).unwrap();
    let (file, mut diags) = load(&text, true);
    diags.extend(check(&file, &CheckOptions::default()));
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let src = SourceFile::new(path, text);
    let rendered: String = diags
        .iter()
        .map(|d| {
            ticket_rules::rules::diagnostics::render(
                d,
                &src,
                ticket_rules::rules::diagnostics::Style { color: false },
            )
        })
        .collect();
    insta::assert_snapshot!("zendesk_export_diagnostics", rendered);
    insta::assert_snapshot!("zendesk_export_ast", summary(&file, &src));
}
