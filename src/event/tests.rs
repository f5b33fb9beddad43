//! Tests of the event reader: the two example lines, every error with its
//! message and position, the ticket JSON of `dry-run`, streaming, and a
//! no-panic sweep over mutated lines.

use super::*;
use crate::model::{Actor, NewComment, Priority, Role, Status, TicketType};
use serde_json::json;

const CREATE: &str = r#"{"id":"e1","type":"create","account":"support","at":"2026-11-21T09:00:00Z","via":"email","actor":{"email":"ann@example.com","role":"end_user"},"ticket":{"id":101,"subject":"Camera won't focus","status":"new","priority":"normal","tags":["image_sensor"],"requester":"ann@example.com","custom_fields":{"Camera model":"X200"},"comment":{"body":"It broke","public":true}}}"#;

const UPDATE: &str = r#"{"id":"e2","type":"update","account":"support","at":"2026-11-21T09:05:00Z","via":"web","actor":{"email":"bo@support.example","role":"agent"},"ticket_id":101,"changes":{"status":"open","add_tags":["vip"],"comment":{"body":"Looking","public":false}}}"#;

/// The start of an update event; the test adds `changes` and the closing `}`.
const HEAD: &str =
    r#"{"id":"e7","type":"update","account":"a","at":"2026-11-21T09:00:00Z","ticket_id":5,"#;

fn time(text: &str) -> Time {
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("test time")
        .with_timezone(&chrono::Utc)
}

fn update_with(changes: &str) -> String {
    format!(r#"{HEAD}"changes":{changes}}}"#)
}

fn create_with(ticket: &str) -> String {
    format!(
        r#"{{"id":"e7","type":"create","account":"a","at":"2026-11-21T09:00:00Z","ticket":{ticket}}}"#
    )
}

fn ok(text: &str) -> Update {
    match parse_event(text, 1) {
        Ok(update) => update,
        Err(err) => panic!("{text}\nshould parse, got: {err}"),
    }
}

fn error(text: &str) -> EventError {
    match parse_event(text, 3) {
        Ok(update) => panic!("{text}\nshould fail, got: {update:?}"),
        Err(err) => err,
    }
}

fn message(text: &str) -> String {
    error(text).message
}

/// The 1-based column of the first `needle` in `text`.
fn column_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| text[..i].chars().count() + 1)
}

#[test]
fn the_create_example_reads_every_field() {
    let u = ok(CREATE);
    assert_eq!(u.event_id, "e1");
    assert_eq!(u.kind, UpdateKind::Create);
    assert_eq!(u.account, "support");
    assert_eq!(u.ticket_id, 101);
    assert_eq!(u.at, time("2026-11-21T09:00:00Z"));
    assert_eq!(u.via, "email");
    let actor = Actor {
        email: "ann@example.com".into(),
        role: Role::EndUser,
        name: None,
    };
    assert_eq!(u.actor, Some(actor));
    let c = &u.changes;
    assert_eq!(c.subject.as_deref(), Some("Camera won't focus"));
    assert_eq!(c.status, Some(Status::New));
    assert_eq!(c.priority, Some(Some(Priority::Normal)));
    assert_eq!(c.ticket_type, None);
    assert_eq!(c.set_tags, Some(vec!["image_sensor".to_string()]));
    assert!(c.add_tags.is_empty() && c.remove_tags.is_empty());
    assert_eq!(c.requester, Some(Some("ann@example.com".into())));
    assert_eq!(c.group, None);
    assert_eq!(
        c.custom_fields,
        vec![("Camera model".into(), json!("X200"))]
    );
    let comment = NewComment {
        body: "It broke".into(),
        public: true,
    };
    assert_eq!(c.comment, Some(comment));
}

#[test]
fn the_update_example_reads_every_field() {
    let u = ok(UPDATE);
    assert_eq!(u.event_id, "e2");
    assert_eq!(u.kind, UpdateKind::Update);
    assert_eq!(u.ticket_id, 101);
    assert_eq!(u.at, time("2026-11-21T09:05:00Z"));
    assert_eq!(u.via, "web");
    assert_eq!(u.actor.as_ref().map(|a| a.role), Some(Role::Agent));
    let c = &u.changes;
    assert_eq!(c.status, Some(Status::Open));
    assert_eq!(c.add_tags, vec!["vip".to_string()]);
    assert_eq!(c.set_tags, None);
    assert_eq!(c.priority, None);
    let comment = NewComment {
        body: "Looking".into(),
        public: false,
    };
    assert_eq!(c.comment, Some(comment));
}

#[test]
fn an_error_shows_line_column_and_event() {
    let text = update_with(r#"{"status":"opne"}"#);
    let err = error(&text);
    let column = column_of(&text, r#""status""#);
    assert_eq!(err.line, 3);
    assert_eq!(err.column, column);
    assert_eq!(err.id.as_deref(), Some("e7"));
    assert_eq!(
        err.message,
        "unknown status `opne`, expected `new`, `open`, `pending`, `hold`, `solved` or `closed`"
    );
    let shown = format!(
        "line 3, column {}: event `e7`: {}",
        column.unwrap_or(0),
        err.message
    );
    assert_eq!(err.to_string(), shown);
    let bare = EventError {
        line: 9,
        column: None,
        id: None,
        message: "m".into(),
    };
    assert_eq!(bare.to_string(), "line 9: m");
}

#[test]
fn malformed_json_has_serdes_column() {
    let err = error(r#"{"id":"e9","type":}"#);
    assert_eq!(err.line, 3);
    assert_eq!(err.column, Some(19));
    assert_eq!(err.id.as_deref(), Some("e9"));
    assert_eq!(err.message, "malformed JSON: expected value");
    // Columns count characters, not bytes.
    let err = error(r#"{"s":"é", x}"#);
    assert_eq!(err.column, Some(11));
    assert_eq!(err.id, None);
    let err = error("[1, 2]");
    assert_eq!(err.message, "an event must be a JSON object, not a list");
}

#[test]
fn missing_keys_are_named() {
    let cases = [
        (r#"{"type":"update"}"#, "missing key `id`"),
        (r#"{"id":"e","account":"a"}"#, "missing key `type`"),
        (r#"{"id":"e","type":"update"}"#, "missing key `account`"),
        (
            r#"{"id":"e","type":"update","account":"a"}"#,
            "missing key `at`",
        ),
    ];
    for (text, expected) in cases {
        let err = error(text);
        assert_eq!(err.message, expected, "{text}");
        assert_eq!(err.column, None);
    }
    assert_eq!(
        message(&format!("{}}}", HEAD.trim_end_matches(','))),
        "missing key `changes`"
    );
    let head = HEAD.replace(r#""ticket_id":5,"#, "");
    assert_eq!(
        message(&format!(r#"{head}"changes":{{}}}}"#)),
        "missing key `ticket_id`"
    );
    let text = create_with(r#"{"subject":"s"}"#);
    let err = error(&text);
    assert_eq!(err.message, "missing key `ticket.id`");
    assert_eq!(err.column, column_of(&text, r#""ticket""#));
    let text = create_with(r#"{"id":1,"comment":{"public":true}}"#);
    assert_eq!(message(&text), "missing key `ticket.comment.body`");
    let text = UPDATE.replace(r#""email":"bo@support.example","#, "");
    assert_eq!(message(&text), "missing key `actor.email`");
    let text = UPDATE.replace(r#","changes":{"#, r#","_x":{"#);
    assert_eq!(message(&text), "missing key `changes`");
}

#[test]
fn unknown_keys_suggest_a_near_one() {
    let text = update_with(r#"{"stauts":"open"}"#);
    let err = error(&text);
    assert_eq!(
        err.message,
        "unknown key `stauts` in `changes`, did you mean `status`?"
    );
    assert_eq!(err.column, column_of(&text, r#""stauts""#));
    let text = CREATE.replace(r#""type":"create""#, r#""tpye":"create""#);
    assert_eq!(message(&text), "unknown key `tpye`, did you mean `type`?");
    let text = update_with(r#"{"colour":"red"}"#);
    assert_eq!(message(&text), "unknown key `colour` in `changes`");
    let text = create_with(r#"{"id":1,"comment":{"body":"b","pubic":true}}"#);
    assert_eq!(
        message(&text),
        "unknown key `pubic` in `ticket.comment`, did you mean `public`?"
    );
    let text = UPDATE.replace(r#""role":"agent""#, r#""roles":"agent""#);
    assert_eq!(
        message(&text),
        "unknown key `roles` in `actor`, did you mean `role`?"
    );
}

#[test]
fn comment_keys_are_ignored_everywhere() {
    let text = update_with(
        r#"{"_note":"why","status":"open","custom_fields":{"_c":1,"Size":"L"},"comment":{"_":0,"body":"b"}}"#,
    );
    let text = text.replacen('{', r#"{"_comment":{"any":"thing"},"#, 1);
    let u = ok(&text);
    assert_eq!(u.changes.status, Some(Status::Open));
    assert_eq!(u.changes.custom_fields, vec![("Size".into(), json!("L"))]);
    assert_eq!(u.changes.comment.map(|c| c.public), Some(true));
    let u = ok(&create_with(r#"{"id":3,"_why":null}"#));
    assert_eq!(u.ticket_id, 3);
}

#[test]
fn bad_values_name_the_allowed_ones() {
    let cases = [
        (
            r#"{"priority":"hgh"}"#,
            "unknown priority `hgh`, expected `low`, `normal`, `high` or `urgent`",
        ),
        (
            r#"{"type":"bug"}"#,
            "unknown ticket type `bug`, expected `question`, `incident`, `problem` or `task`",
        ),
        (
            r#"{"status":null}"#,
            "`changes.status` must be a status, not null",
        ),
        (
            r#"{"subject":null}"#,
            "`changes.subject` must be a string, not null",
        ),
    ];
    for (changes, expected) in cases {
        assert_eq!(message(&update_with(changes)), expected, "{changes}");
    }
    let text = UPDATE.replace(r#""role":"agent""#, r#""role":"boss""#);
    assert_eq!(
        message(&text),
        "unknown role `boss`, expected `end_user`, `agent` or `admin`"
    );
    let text = UPDATE.replace(r#""via":"web""#, r#""via":"pigeon""#);
    let err = error(&text);
    assert!(
        err.message
            .starts_with("unknown channel `pigeon`, expected `web`, `email`, `api`"),
        "{}",
        err.message
    );
    assert!(err.message.contains("`ticket_sharing`"), "{}", err.message);
    assert_eq!(err.column, column_of(&text, r#""via""#));
    let text = UPDATE.replace(r#""type":"update""#, r#""type":"upsert""#);
    assert_eq!(
        message(&text),
        "unknown event type `upsert`, expected `create` or `update`"
    );
}

#[test]
fn at_must_be_rfc_3339() {
    let text = UPDATE.replace("2026-11-21T09:05:00Z", "2026-11-21 09:05");
    let err = error(&text);
    assert_eq!(
        err.message,
        "`at` must be an RFC 3339 time like `2026-11-21T09:00:00Z`, not `2026-11-21 09:05`"
    );
    assert_eq!(err.column, column_of(&text, r#""at""#));
    let text = UPDATE.replace("2026-11-21T09:05:00Z", "2026-11-21T10:05:00+01:00");
    assert_eq!(ok(&text).at, time("2026-11-21T09:05:00Z"));
}

#[test]
fn tags_are_lowercased_and_checked() {
    let u = ok(&update_with(
        r#"{"tags":["VIP","vip","Big_Deal"],"add_tags":["A"],"remove_tags":["b"]}"#,
    ));
    let c = u.changes;
    assert_eq!(c.set_tags, Some(vec!["vip".into(), "big_deal".into()]));
    assert_eq!(c.add_tags, vec!["a".to_string()]);
    assert_eq!(c.remove_tags, vec!["b".to_string()]);
    let cases = [
        (
            r#"{"add_tags":["ok",""]}"#,
            "empty tag in `changes.add_tags`",
        ),
        (
            r#"{"tags":["big deal"]}"#,
            "tag `big deal` in `changes.tags` has a space",
        ),
        (
            r#"{"tags":"a"}"#,
            "`changes.tags` must be a list of tags, not a string",
        ),
        (
            r#"{"remove_tags":["a",3]}"#,
            "`changes.remove_tags` must be a list of strings; item 2 is a number",
        ),
    ];
    for (changes, expected) in cases {
        let text = update_with(changes);
        let err = error(&text);
        assert_eq!(err.message, expected, "{changes}");
        let key = changes.split('"').nth(1).unwrap_or_default();
        assert_eq!(err.column, column_of(&text, &format!("\"{key}\"")));
    }
    let text = create_with(r#"{"id":1,"tags":["Tab\tin"]}"#);
    assert_eq!(message(&text), "tag `Tab\tin` in `ticket.tags` has a space");
}

#[test]
fn a_body_belongs_to_its_kind() {
    let text = CREATE.replace(r#""ticket":{"#, r#""changes":{},"ticket":{"#);
    let err = error(&text);
    assert_eq!(
        err.message,
        "a `create` event takes `ticket`, not `changes`"
    );
    assert_eq!(err.column, column_of(&text, r#""changes""#));
    let text = CREATE.replace(r#""ticket":{"#, r#""ticket_id":4,"ticket":{"#);
    assert_eq!(
        message(&text),
        "a `create` event gives the ticket's id as `ticket.id`, not `ticket_id`"
    );
    let text = UPDATE.replace(
        r#""ticket_id":101,"#,
        r#""ticket":{"id":101},"ticket_id":101,"#,
    );
    assert_eq!(
        message(&text),
        "an `update` event takes `ticket_id` and `changes`, not `ticket`"
    );
    let text = CREATE.replace(r#""ticket":{"#, r#""ticket":null,"_":{"#);
    assert_eq!(message(&text), "missing key `ticket`");
}

#[test]
fn ids_must_be_positive_whole_numbers() {
    let text = create_with(r#"{"id":0}"#);
    let err = error(&text);
    assert_eq!(err.message, "`ticket.id` must be above 0, not `0`");
    assert_eq!(err.column, column_of(&text, r#""id":0"#));
    let text = UPDATE.replace(r#""ticket_id":101"#, r#""ticket_id":-3"#);
    assert_eq!(message(&text), "`ticket_id` must be above 0, not `-3`");
    let text = UPDATE.replace(r#""ticket_id":101"#, r#""ticket_id":"101""#);
    assert_eq!(
        message(&text),
        "`ticket_id` must be a whole number above 0, not a string"
    );
    let text = UPDATE.replace(r#""ticket_id":101"#, r#""ticket_id":1.5"#);
    assert_eq!(
        message(&text),
        "`ticket_id` must be a whole number above 0, not a number"
    );
    let text = UPDATE.replace(r#""id":"e2""#, r#""id":"""#);
    assert_eq!(message(&text), "`id` is empty");
    let text = UPDATE.replace(r#""id":"e2""#, r#""id":2"#);
    let err = error(&text);
    assert_eq!(err.message, "`id` must be a string, not a number");
    assert_eq!(err.id, None);
}

#[test]
fn wrong_json_types_are_named() {
    let cases = [
        (
            r#"{"subject":5}"#,
            "`changes.subject` must be a string or null, not a number",
        ),
        (
            r#"{"group":["a"]}"#,
            "`changes.group` must be a string or null, not a list",
        ),
        (
            r#"{"status":true}"#,
            "`changes.status` must be a string, not true/false",
        ),
        (
            r#"{"comment":"hi"}"#,
            "`changes.comment` must be an object, not a string",
        ),
        (
            r#"{"comment":{"body":"b","public":"no"}}"#,
            "`changes.comment.public` must be true or false, not a string",
        ),
        (
            r#"{"comment":{"body":"  "}}"#,
            "`changes.comment.body` is empty",
        ),
        (
            r#"{"custom_fields":[1]}"#,
            "`changes.custom_fields` must be an object of title to value, not a list",
        ),
        (
            r#"{"custom_fields":{"Size":["L"]}}"#,
            "custom field `Size` must be a string, a number, true/false or null, not a list",
        ),
        (
            r#"{"custom_fields":{" ":1}}"#,
            "empty custom field title in `changes.custom_fields`",
        ),
    ];
    for (changes, expected) in cases {
        assert_eq!(message(&update_with(changes)), expected, "{changes}");
    }
    let text = update_with(r#"{"custom_fields":{"Size":{"a":1}}}"#);
    assert_eq!(error(&text).column, column_of(&text, r#""Size""#));
    let text = UPDATE.replace(r#""actor":{"#, r#""actor":5,"_":{"#);
    assert_eq!(message(&text), "`actor` must be an object, not a number");
    let text = UPDATE.replace(r#""via":"web""#, r#""via":true"#);
    assert_eq!(
        message(&text),
        "`via` must be a channel name, not true/false"
    );
    let text = UPDATE.replace(r#""type":"update""#, r#""type":1"#);
    assert_eq!(
        message(&text),
        "`type` must be `create` or `update`, not a number"
    );
    let text = UPDATE.replace(r#""at":"2026-11-21T09:05:00Z""#, r#""at":0"#);
    assert_eq!(
        message(&text),
        "`at` must be an RFC 3339 time, not a number"
    );
}

#[test]
fn description_is_the_first_comment() {
    let u = ok(&create_with(r#"{"id":1,"description":"Help"}"#));
    let comment = NewComment {
        body: "Help".into(),
        public: true,
    };
    assert_eq!(u.changes.comment, Some(comment));
    let u = ok(&create_with(r#"{"id":1,"comment":{"body":"c"}}"#));
    assert_eq!(u.changes.comment.map(|c| c.public), Some(true));
    let text = create_with(r#"{"id":1,"description":"d","comment":{"body":"c"}}"#);
    let err = error(&text);
    assert_eq!(
        err.message,
        "`ticket.description` and `ticket.comment` are both the first comment, give one"
    );
    assert_eq!(err.column, column_of(&text, r#""description""#));
}

#[test]
fn null_clears_on_update_and_is_unset_on_create() {
    let all = r#"{"priority":null,"type":null,"group":null,"assignee":"","requester":null,"organization":null,"brand":null}"#;
    let c = ok(&update_with(all)).changes;
    assert_eq!(c.priority, Some(None));
    assert_eq!(c.ticket_type, Some(None));
    assert_eq!(c.group, Some(None));
    assert_eq!(c.assignee, Some(None));
    assert_eq!(c.requester, Some(None));
    assert_eq!(c.organization, Some(None));
    assert_eq!(c.brand, Some(None));
    let c = ok(&update_with(r#"{"subject":""}"#)).changes;
    assert_eq!(c.subject.as_deref(), Some(""));
    let c = ok(&update_with(
        r#"{"type":"Incident","group":"Tier 2","brand":"Acme"}"#,
    ))
    .changes;
    assert_eq!(c.ticket_type, Some(Some(TicketType::Incident)));
    assert_eq!(c.group, Some(Some("Tier 2".into())));
    assert_eq!(c.brand, Some(Some("Acme".into())));
    let ticket = all.replacen('{', r#"{"id":1,"status":null,"subject":null,"#, 1);
    let c = ok(&create_with(&ticket)).changes;
    assert_eq!(c.status, Some(Status::New));
    assert_eq!(c.subject, None);
    assert_eq!((c.priority, c.ticket_type), (None, None));
    assert_eq!((c.group, c.assignee, c.requester), (None, None, None));
    assert_eq!((c.organization, c.brand), (None, None));
}

#[test]
fn via_and_actor_defaults() {
    let text = UPDATE
        .replace(r#""via":"web","#, "")
        .replace(r#","role":"agent""#, r#","name":"Bo""#);
    let u = ok(&text);
    assert_eq!(u.via, "api");
    let actor = Actor {
        email: "bo@support.example".into(),
        role: Role::EndUser,
        name: Some("Bo".into()),
    };
    assert_eq!(u.actor, Some(actor));
    for (via, name) in [
        (r#""ticket_sharing""#, "ticket sharing"),
        ("31", "ticket sharing"),
        (r#""mail""#, "email"),
        (r#""Web""#, "web"),
    ] {
        let text = UPDATE.replace(r#""web""#, via);
        assert_eq!(ok(&text).via, name, "{via}");
    }
    let text = UPDATE.replace(r#""agent""#, r#""admin""#);
    assert_eq!(ok(&text).actor.map(|a| a.role), Some(Role::Admin));
    let u = ok(&create_with(r#"{"id":1}"#));
    assert_eq!((u.actor, u.via.as_str()), (None, "api"));
}

#[test]
fn ticket_json_takes_a_bare_ticket() {
    let at = time("2026-12-01T08:00:00Z");
    let text = "{\n  \"id\": 7,\n  \"subject\": \"Hi\",\n  \"requester\": \"ann@example.com\"\n}";
    let u = parse_ticket_json(text, "support", at).expect("bare ticket");
    assert_eq!(u.event_id, "ticket-json");
    assert_eq!(u.kind, UpdateKind::Create);
    assert_eq!((u.account.as_str(), u.ticket_id, u.at), ("support", 7, at));
    assert_eq!(u.via, "web");
    let actor = Actor {
        email: "ann@example.com".into(),
        role: Role::EndUser,
        name: None,
    };
    assert_eq!(u.actor, Some(actor));
    assert_eq!(u.changes.subject.as_deref(), Some("Hi"));

    let u = parse_ticket_json(r#"{"id":8,"account":"sales"}"#, "support", at).expect("account");
    assert_eq!((u.account.as_str(), u.actor), ("sales", None));

    let text = "{\n  \"id\": 7,\n  \"stauts\": \"open\"\n}";
    let err = parse_ticket_json(text, "support", at).expect_err("typo");
    assert_eq!(err.message, "unknown key `stauts`, did you mean `status`?");
    assert_eq!((err.line, err.column, err.id), (3, Some(3), None));
    let err = parse_ticket_json("{\n\"id\": }", "support", at).expect_err("bad JSON");
    assert_eq!((err.line, err.column), (2, Some(7)));
    let err = parse_ticket_json(r#"{"account":5,"id":1}"#, "s", at).expect_err("account");
    assert_eq!(
        err.message,
        "`account` must be an account name, not a number"
    );
}

#[test]
fn ticket_json_takes_a_create_event() {
    let at = time("2030-01-01T00:00:00Z");
    let u = parse_ticket_json(CREATE, "other", at).expect("event");
    assert_eq!(u, ok(CREATE));
    let err = parse_ticket_json(UPDATE, "other", at).expect_err("update");
    assert_eq!(
        err.message,
        "expected a create event or a ticket, not an `update` event"
    );
    assert_eq!(err.id.as_deref(), Some("e2"));
    let err = parse_ticket_json("3", "other", at).expect_err("number");
    assert_eq!(
        err.message,
        "expected a create event or a ticket, not a number"
    );
}

#[test]
fn read_events_numbers_lines_and_skips_blank_ones() {
    let input = format!("\u{feff}{CREATE}\r\n\n   \n{UPDATE}\nnot json\n\n");
    let lines: Vec<EventLine> = read_events(input.as_bytes()).collect();
    let numbers: Vec<usize> = lines.iter().map(|l| l.line).collect();
    assert_eq!(numbers, vec![1, 4, 5]);
    assert_eq!(lines[0].text, CREATE);
    assert_eq!(lines[0].event, Ok(ok(CREATE)));
    assert_eq!(lines[1].event.as_ref().map(|u| u.ticket_id), Ok(101));
    assert_eq!(lines[2].text, "not json");
    let err = lines[2].event.clone().expect_err("not json");
    assert_eq!((err.line, err.column), (5, Some(2)));

    let mut bytes = b"\n".to_vec();
    bytes.extend_from_slice(b"{\"id\":\"\xff\"}\n");
    let lines: Vec<EventLine> = read_events(bytes.as_slice()).collect();
    assert_eq!(lines.len(), 1);
    let err = lines[0].event.clone().expect_err("not UTF-8");
    assert_eq!(
        (err.line, err.message.as_str()),
        (2, "the line is not valid UTF-8")
    );
}

#[test]
fn read_events_stops_after_a_read_error() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    let lines: Vec<EventLine> = read_events(std::io::BufReader::new(Broken)).collect();
    assert_eq!(lines.len(), 1);
    let err = lines[0].event.clone().expect_err("read error");
    assert_eq!(err.message, "cannot read the input: disk gone");
}

#[test]
fn event_id_of_survives_broken_lines() {
    assert_eq!(event_id_of(CREATE).as_deref(), Some("e1"));
    let cut = &UPDATE[..40];
    assert_eq!(event_id_of(cut).as_deref(), Some("e2"));
    let late = r#"{"ticket":{"id":5},"id":"e\"3", oops"#;
    assert_eq!(event_id_of(late).as_deref(), Some("e\"3"));
    assert_eq!(event_id_of("garbage"), None);
    assert_eq!(event_id_of(r#"{"id":"#), None);
    assert_eq!(event_id_of(r#"{"id":""}"#), None);
    assert_eq!(event_id_of(r#"{"id":12}"#), None);
    assert_eq!(event_id_of(r#"["id","x"]"#), None);
    let err = error(cut);
    assert_eq!(err.id.as_deref(), Some("e2"));
}

/// xorshift64*: small, seeded, the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

/// `text` cut, spliced or with a token inserted, at char boundaries.
fn mutate(text: &str, rng: &mut Rng) -> String {
    const TOKENS: &[&str] = &[
        "\"", "{", "}", "[", "]", ",", ":", "null", "0", "-1", "1e400", "\"é\"", "\\", "_x",
    ];
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    let a = bounds[rng.below(bounds.len())];
    let b = bounds[rng.below(bounds.len())].max(a);
    match rng.below(3) {
        0 => text[..a].to_string(),
        1 => format!("{}{}", &text[..a], &text[b..]),
        _ => format!(
            "{}{}{}",
            &text[..a],
            TOKENS[rng.below(TOKENS.len())],
            &text[a..]
        ),
    }
}

#[test]
fn mutated_lines_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let at = time("2026-11-21T09:00:00Z");
    for base in [CREATE, UPDATE] {
        let mut text = base.to_string();
        for round in 0..300 {
            if round % 10 == 0 {
                text = base.to_string();
            }
            text = mutate(&text, &mut rng);
            let parsed = parse_event(&text, 1);
            let _ = event_id_of(&text);
            let _ = parse_ticket_json(&text, "a", at);
            if let Err(err) = parsed {
                assert!(!err.message.is_empty());
                let _ = err.to_string();
            }
        }
    }
}

#[test]
fn the_docs_error_example_holds() {
    let text = r#"{"id":"e7","type":"update","account":"support","at":"2026-11-21T09:05:00Z","ticket_id":101,"changes":{"status":"opne"}}"#;
    let shown = parse_event(text, 3).map_err(|e| e.to_string());
    assert_eq!(
        shown,
        Err("line 3, column 103: event `e7`: unknown status `opne`, expected `new`, `open`, `pending`, `hold`, `solved` or `closed`".to_string())
    );
}
