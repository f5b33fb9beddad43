//! What the language knows: the name of every field, operator and action in
//! the DSL and in Zendesk's JSON, which operators each field takes, what
//! values it takes, and the channel table. `parse`, `yaml`, `check`,
//! `format` and `convert` all read these tables, so a name is spelt once.

use super::ast::{ActionKind, Field, FieldKey, Op, SetField, TimeField};

/// Statuses in Zendesk's order.
pub const STATUSES: &[&str] = &["new", "open", "pending", "hold", "solved", "closed"];
/// Priorities in Zendesk's order.
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
/// Ticket types.
pub const TYPES: &[&str] = &["question", "incident", "problem", "task"];
/// What `ticket is …` can say.
pub const TICKET_STATES: &[&str] = &["created", "updated", "shared"];
/// Who made the update.
pub const ROLES: &[&str] = &["end user", "agent"];
/// Comment visibility; `any` is a comment of either kind.
pub const VISIBILITIES: &[&str] = &["public", "private", "any"];
/// Who `notify` can address, besides a quoted email address.
pub const RECIPIENTS: &[&str] = &["requester", "assignee", "group", "current user"];
/// Placeholders allowed in comments and notifications.
pub const PLACEHOLDERS: &[&str] = &[
    "ticket.id",
    "ticket.subject",
    "ticket.origin_id",
    "ticket.account",
];

/// Zendesk's own placeholders that its default triggers use; accepted so an
/// export loads as is, and filled in from the ticket where it has the data.
pub const ZENDESK_PLACEHOLDERS: &[&str] = &[
    "ticket.title",
    "ticket.url",
    "ticket.link",
    "ticket.description",
    "ticket.status",
    "ticket.priority",
    "ticket.ticket_type",
    "ticket.via",
    "ticket.tags",
    "ticket.external_id",
    "ticket.created_at",
    "ticket.updated_at",
    "ticket.group.name",
    "ticket.brand.name",
    "ticket.organization.name",
    "ticket.requester.name",
    "ticket.requester.first_name",
    "ticket.requester.email",
    "ticket.assignee.name",
    "ticket.assignee.first_name",
    "ticket.assignee.email",
    "ticket.latest_comment",
    "ticket.latest_comment_html",
    "ticket.latest_public_comment",
    "ticket.latest_public_comment_html",
    "ticket.comments_formatted",
    "ticket.public_comments_formatted",
    "current_user.name",
    "current_user.first_name",
    "current_user.email",
    "satisfaction.rating_section",
    "satisfaction.rating_url",
    // Zendesk's other standard placeholders: accepted, left as written
    // where ticket-rules has no value for them.
    "ticket.latest_comment_formatted",
    "ticket.latest_public_comment_formatted",
    "ticket.latest_comment_rich",
    "ticket.latest_public_comment_rich",
    "ticket.comments_formatted_html",
    "ticket.public_comments",
    "ticket.url_with_protocol",
    "ticket.created_at_with_time",
    "ticket.updated_at_with_time",
    "ticket.created_at_with_timestamp",
    "ticket.updated_at_with_timestamp",
    "ticket.due_date",
    "ticket.due_date_with_timestamp",
    "ticket.in_business_hours",
    "ticket.score",
    "ticket.cc_names",
    "ticket.ccs",
    "ticket.email_cc_names",
    "ticket.email_ccs",
    "ticket.follower_names",
    "ticket.followers",
    "ticket.follower_reply_type_message",
    "ticket.requester.last_name",
    "ticket.requester.phone",
    "ticket.requester.external_id",
    "ticket.requester.details",
    "ticket.requester.language",
    "ticket.assignee.last_name",
    "ticket.organization.details",
    "ticket.organization.notes",
    "ticket.organization.external_id",
    "ticket.submitter.name",
    "ticket.submitter.email",
    "current_user.last_name",
    "current_user.details",
    "current_user.phone",
    "current_user.language",
    "current_user.organization.name",
    "current_user.external_id",
    "satisfaction.survey_section",
    "satisfaction.positive_rating_url",
    "satisfaction.negative_rating_url",
    "satisfaction.current_rating",
    "satisfaction.current_comment",
];

/// Prefixes of Zendesk placeholders named by a field's key or id
/// (`{{ticket.ticket_field_360012345678}}`).
const ZENDESK_PLACEHOLDER_PREFIXES: &[&str] = &[
    "ticket.ticket_field_",
    "ticket.ticket_field_option_title_",
    "ticket.requester.custom_fields.",
    "ticket.organization.custom_fields.",
    "current_user.custom_fields.",
    "ticket.latest_comment.",
    "ticket.latest_public_comment.",
];

/// Is `name` a placeholder of ours or one of Zendesk's standard ones?
pub fn is_placeholder(name: &str) -> bool {
    PLACEHOLDERS.contains(&name)
        || ZENDESK_PLACEHOLDERS.contains(&name)
        || ZENDESK_PLACEHOLDER_PREFIXES
            .iter()
            .any(|p| name.len() > p.len() && name.starts_with(p))
}

/// A channel: its name in the DSL, Zendesk's via type and via id.
pub struct Channel {
    pub name: &'static str,
    pub via_type: &'static str,
    pub via_id: i64,
}

const fn ch(name: &'static str, via_type: &'static str, via_id: i64) -> Channel {
    Channel {
        name,
        via_type,
        via_id,
    }
}

/// Zendesk's via types that tickets and updates arrive by: every row of
/// Zendesk's via types reference up to 41 (the older channels our DSL names
/// in its own words), then the SDK and mobile channels, the answer bot
/// ones, side conversations, and the messaging and social channels from
/// 72 on. A via id not in this table loads with an `unknown-channel`
/// warning.
pub const CHANNELS: &[Channel] = &[
    ch("web", "web_form", 0),
    ch("email", "mail", 4),
    ch("api", "web_service", 5),
    ch("rule", "rule", 8),
    ch("linked problem", "linked_problem", 9),
    ch("group deletion", "group_deletion", 10),
    ch("user change", "user_change", 11),
    ch("user deletion", "user_deletion", 12),
    ch("group change", "group_change", 13),
    ch("resource push", "resource_push", 14),
    ch("iphone", "iphone", 15),
    ch("get satisfaction", "get_satisfaction", 16),
    ch("feedback tab", "dropbox", 17),
    ch("merge", "merge", 19),
    ch("batch", "batch", 20),
    ch(
        "recovered from suspended tickets",
        "recovered_from_suspended_tickets",
        21,
    ),
    ch(
        "automatic solution suggestions",
        "automatic_solution_suggestions",
        22,
    ),
    ch("twitter favorite", "twitter_favorite", 23),
    ch("topic", "topic", 24),
    ch("user merge", "user_merge", 25),
    ch("twitter dm", "twitter_dm", 26),
    ch("closed ticket", "closed_ticket", 27),
    ch("logmein rescue", "logmein_rescue", 28),
    ch("chat", "chat", 29),
    ch("twitter", "twitter", 30),
    ch("ticket sharing", "ticket_sharing", 31),
    ch("macro reference", "macro_reference", 32),
    ch("voicemail", "voicemail", 33),
    ch("phone", "phone_call_inbound", 34),
    ch("phone outbound", "phone_call_outbound", 35),
    ch("blog", "blog", 36),
    ch("text message", "text_message", 37),
    ch("facebook", "facebook_post", 38),
    ch("import", "import", 39),
    ch("github", "github", 40),
    ch("facebook message", "facebook_message", 41),
    ch("satisfaction prediction", "satisfaction_prediction", 42),
    ch("cti voicemail", "cti_voicemail", 44),
    ch("cti phone", "cti_phone_call_inbound", 45),
    ch("cti phone outbound", "cti_phone_call_outbound", 46),
    ch("help center", "help_center", 48),
    ch("sample ticket", "sample_ticket", 49),
    ch("any channel", "any_channel", 55),
    ch("mobile sdk", "mobile_sdk", 56),
    ch("mobile", "mobile", 57),
    ch("answer bot for agents", "answer_bot_for_agents", 63),
    ch("answer bot for slack", "answer_bot_for_slack", 64),
    ch("answer bot for sdk", "answer_bot_for_sdk", 65),
    ch("answer bot api", "answer_bot_api", 66),
    ch("answer bot for web widget", "answer_bot_for_web_widget", 67),
    ch("side conversation", "side_conversation", 69),
    ch("line", "line", 72),
    ch("wechat", "wechat", 73),
    ch("whatsapp", "whatsapp", 74),
    ch("native messaging", "native_messaging", 75),
    ch("mailgun", "mailgun", 76),
    ch("messagebird sms", "messagebird_sms", 77),
    ch(
        "facebook messenger",
        "sunshine_conversations_facebook_messenger",
        78,
    ),
    ch("telegram", "telegram", 79),
    ch("twilio sms", "twilio_sms", 80),
    ch("viber", "viber", 81),
    ch("google rcs", "google_rcs", 82),
    ch("apple business chat", "apple_business_chat", 83),
    ch("google business messages", "google_business_messages", 84),
    ch("kakaotalk", "kakaotalk", 85),
    ch("instagram dm", "instagram_dm", 86),
    ch(
        "sunshine conversations api",
        "sunshine_conversations_api",
        87,
    ),
    ch("twitter messaging", "sunshine_conversations_twitter_dm", 88),
    ch("chat transcript", "chat_transcript", 90),
    ch("slack connect", "business_messaging_slack_connect", 91),
];

/// Finds a channel by DSL name, via type or via id, ignoring case and
/// treating `_` as a space.
pub fn channel(text: &str) -> Option<&'static Channel> {
    let key = text.trim().to_lowercase().replace('_', " ");
    if let Ok(id) = key.parse::<i64>() {
        return CHANNELS.iter().find(|c| c.via_id == id);
    }
    CHANNELS
        .iter()
        .find(|c| c.name == key || c.via_type.replace('_', " ") == key)
}

/// A time field's words after `hours since`, and its Zendesk name.
pub const TIME_FIELDS: &[(TimeField, &str, &str)] = &[
    (TimeField::Created, "created", "NEW"),
    (TimeField::Updated, "updated", "updated_at"),
    (TimeField::Solved, "solved", "SOLVED"),
    (TimeField::Pending, "pending", "PENDING"),
    (TimeField::Open, "open", "OPEN"),
    (
        TimeField::StatusChanged,
        "status changed",
        "status_changed_at",
    ),
    (TimeField::Assigned, "assigned", "assigned_at"),
    (
        TimeField::RequesterUpdated,
        "requester updated",
        "requester_updated_at",
    ),
    (
        TimeField::AssigneeUpdated,
        "assignee updated",
        "assignee_updated_at",
    ),
    (TimeField::Closed, "closed", "CLOSED"),
];

/// The DSL phrase and Zendesk name of `key` in a name table.
fn names_of<K: PartialEq>(
    table: &'static [(K, &'static str, &'static str)],
    key: &K,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(k, ..)| k == key)
        .map(|(_, dsl, zendesk)| (*dsl, *zendesk))
}

/// A time field's words after `hours since`.
pub fn time_field_name(t: TimeField) -> &'static str {
    names_of(TIME_FIELDS, &t).map_or("", |(dsl, _)| dsl)
}

/// Zendesk's name of a time field (`SOLVED`, `assigned_at`).
pub fn time_field_zendesk_name(t: TimeField) -> &'static str {
    names_of(TIME_FIELDS, &t).map_or("", |(_, zendesk)| zendesk)
}

/// Fields with a fixed name: the field, its DSL phrase and Zendesk's name.
pub const SIMPLE_FIELDS: &[(Field, &str, &str)] = &[
    (Field::Ticket, "ticket", "update_type"),
    (Field::Source, "ticket source", "via_id"),
    (Field::UpdateVia, "update via", "current_via_id"),
    (Field::Status, "status", "status"),
    (Field::Priority, "priority", "priority"),
    (Field::Type, "type", "type"),
    (Field::Group, "group", "group_id"),
    (Field::Assignee, "assignee", "assignee_id"),
    (Field::Requester, "requester", "requester_id"),
    (Field::Organization, "organization", "organization_id"),
    (Field::Brand, "brand", "brand_id"),
    (Field::Tags, "tags", "current_tags"),
    (Field::Subject, "subject", "subject_includes_word"),
    (Field::CommentText, "comment text", "comment_includes_word"),
    (Field::Comment, "comment", "comment_is_public"),
    (Field::Role, "role", "role"),
    (Field::SharedWith, "shared with", "sent_to"),
    (Field::ReceivedFrom, "received from", "received_from"),
    (
        Field::SharedWithAgent,
        "shared with agent",
        "shared_with_agent",
    ),
];

/// The `SIMPLE_FIELDS` row of a field with a fixed name.
pub fn simple_field(field: &Field) -> Option<&'static (Field, &'static str, &'static str)> {
    SIMPLE_FIELDS.iter().find(|(f, ..)| f == field)
}

/// The DSL phrase of a field, lowercase (`ticket source`, `hours since solved`).
pub fn field_name(field: &Field) -> String {
    if let Some((_, phrase, _)) = simple_field(field) {
        return phrase.to_string();
    }
    match field {
        Field::CustomField(FieldKey::Title(t)) => format!("custom field {}", quote(t)),
        Field::CustomField(FieldKey::Id(id)) => format!("custom field {id}"),
        Field::HoursSince(t) => format!("hours since {}", time_field_name(*t)),
        Field::Zendesk(name) | Field::Unknown(name) => name.clone(),
        // Every other field has a row in `SIMPLE_FIELDS`.
        _ => String::new(),
    }
}

/// Every field phrase, for "did you mean" on an unknown field.
pub fn field_phrases() -> Vec<String> {
    let mut out: Vec<String> = SIMPLE_FIELDS
        .iter()
        .map(|(_, n, _)| n.to_string())
        .collect();
    out.push("ticket channel".into());
    out.push("custom field".into());
    out.extend(
        TIME_FIELDS
            .iter()
            .map(|(_, n, _)| format!("hours since {n}")),
    );
    out
}

/// Zendesk's names for the fields we run, for "did you mean" in YAML/JSON.
pub fn zendesk_field_names() -> impl Iterator<Item = &'static str> {
    SIMPLE_FIELDS
        .iter()
        .map(|(_, _, z)| *z)
        .chain(TIME_FIELDS.iter().map(|(_, _, z)| *z))
}

/// Zendesk's generic name of an operator (`less_than`).
pub fn zendesk_op_name(op: &Op) -> Option<&'static str> {
    names_of(OPS, op).map(|(_, zendesk)| zendesk)
}

/// Operators: DSL phrase and Zendesk's generic operator name.
pub const OPS: &[(Op, &str, &str)] = &[
    (Op::Is, "is", "is"),
    (Op::IsNot, "is not", "is_not"),
    (Op::LessThan, "less than", "less_than"),
    (Op::GreaterThan, "greater than", "greater_than"),
    (Op::Changed, "changed", "changed"),
    (Op::NotChanged, "not changed", "not_changed"),
    (Op::ChangedTo, "changed to", "value"),
    (Op::ChangedFrom, "changed from", "value_previous"),
    (Op::NotChangedTo, "not changed to", "not_value"),
    (Op::NotChangedFrom, "not changed from", "not_value_previous"),
    (
        Op::ContainsAtLeastOneOf,
        "contains at least one of",
        "includes",
    ),
    (Op::ContainsAllOf, "contains all of", "includes_all"),
    (Op::ContainsNoneOf, "contains none of", "not_includes"),
    (Op::Contains, "contains", "is"),
    (Op::DoesNotContain, "does not contain", "is_not"),
    (
        Op::ContainsAnyOfTheWords,
        "contains any of the words",
        "includes",
    ),
    (
        Op::ContainsNoneOfTheWords,
        "contains none of the words",
        "not_includes",
    ),
    (Op::Matches, "matches", "matches"),
    (Op::IsPresent, "is present", "present"),
    (Op::IsNotPresent, "is not present", "not_present"),
];

/// The DSL phrase of an operator.
pub fn op_name(op: &Op) -> String {
    match op {
        Op::Zendesk(n) | Op::Unknown(n) => n.clone(),
        op => names_of(OPS, op).map_or(String::new(), |(dsl, _)| dsl.to_string()),
    }
}

/// What a field's operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// One of a fixed list of words (multi-word values may be bare).
    Enum(&'static [&'static str]),
    /// A channel from `CHANNELS`, by name or via id.
    Channel,
    /// A name or id of a group, user, organization or brand; `(none)` allowed.
    Name { current_user: bool },
    /// One or more tags.
    Tags,
    /// One quoted or bare text.
    Text,
    /// One or more words.
    Words,
    /// A `/regex/`.
    Regex,
    /// A whole number of hours.
    Hours,
    /// A sharing agreement, by name or id.
    Agreement,
    /// An agent, by email address.
    Email,
    /// Any single value of a custom field.
    Any,
    /// No operand at all.
    Nothing,
}

/// The operators a field takes, in the order `check` lists them.
pub fn ops_for(field: &Field) -> &'static [Op] {
    use Op::*;
    const ORDERED: &[Op] = &[
        Is,
        IsNot,
        LessThan,
        GreaterThan,
        Changed,
        NotChanged,
        ChangedTo,
        ChangedFrom,
        NotChangedTo,
        NotChangedFrom,
    ];
    const CHANGEABLE: &[Op] = &[
        Is,
        IsNot,
        Changed,
        NotChanged,
        ChangedTo,
        ChangedFrom,
        NotChangedTo,
        NotChangedFrom,
    ];
    const EQUALITY: &[Op] = &[Is, IsNot];
    const TAGS: &[Op] = &[ContainsAtLeastOneOf, ContainsAllOf, ContainsNoneOf];
    const TEXT: &[Op] = &[
        Contains,
        DoesNotContain,
        ContainsAnyOfTheWords,
        ContainsNoneOfTheWords,
        Matches,
    ];
    const CUSTOM: &[Op] = &[Is, IsNot, IsPresent, IsNotPresent];
    const HOURS: &[Op] = &[Is, LessThan, GreaterThan];
    const ONLY_IS: &[Op] = &[Is];
    match field {
        Field::Status | Field::Priority => ORDERED,
        Field::Group | Field::Assignee | Field::Organization => CHANGEABLE,
        Field::Ticket
        | Field::Source
        | Field::UpdateVia
        | Field::Type
        | Field::Requester
        | Field::Brand
        | Field::Role
        | Field::SharedWithAgent => EQUALITY,
        Field::Tags => TAGS,
        Field::Subject | Field::CommentText => TEXT,
        Field::Comment => ONLY_IS,
        Field::CustomField(_) => CUSTOM,
        // Negated with `not`: the DSL has no `shared with … is not`.
        Field::SharedWith | Field::ReceivedFrom => ONLY_IS,
        Field::HoursSince(_) => HOURS,
        Field::Zendesk(_) | Field::Unknown(_) => &[],
    }
}

/// What operand a field takes with an operator.
pub fn value_kind(field: &Field, op: &Op) -> ValueKind {
    match op {
        Op::Changed | Op::NotChanged | Op::IsPresent | Op::IsNotPresent => {
            return ValueKind::Nothing
        }
        Op::ContainsAnyOfTheWords | Op::ContainsNoneOfTheWords => return ValueKind::Words,
        Op::Matches => return ValueKind::Regex,
        Op::Contains | Op::DoesNotContain => return ValueKind::Text,
        _ => {}
    }
    match field {
        Field::Ticket => ValueKind::Enum(TICKET_STATES),
        Field::Source | Field::UpdateVia => ValueKind::Channel,
        Field::Status => ValueKind::Enum(STATUSES),
        Field::Priority => ValueKind::Enum(PRIORITIES),
        Field::Type => ValueKind::Enum(TYPES),
        Field::Group | Field::Organization | Field::Brand => ValueKind::Name {
            current_user: false,
        },
        Field::Assignee | Field::Requester => ValueKind::Name { current_user: true },
        Field::Tags => ValueKind::Tags,
        Field::Subject | Field::CommentText => ValueKind::Text,
        Field::Comment => ValueKind::Enum(VISIBILITIES),
        Field::Role => ValueKind::Enum(ROLES),
        Field::SharedWith | Field::ReceivedFrom => ValueKind::Agreement,
        Field::SharedWithAgent => ValueKind::Email,
        Field::HoursSince(_) => ValueKind::Hours,
        Field::CustomField(_) | Field::Zendesk(_) | Field::Unknown(_) => ValueKind::Any,
    }
}

/// Is `field` a time condition (`hours since …`), which only automations take?
pub fn is_time_field(field: &Field) -> bool {
    matches!(field, Field::HoursSince(_))
}

/// The ordering of an ordered field's values (status, priority).
pub fn ordering(field: &Field) -> Option<&'static [&'static str]> {
    match field {
        Field::Status => Some(STATUSES),
        Field::Priority => Some(PRIORITIES),
        _ => None,
    }
}

/// Action phrases in the DSL and their Zendesk action field.
pub fn action_name(kind: &ActionKind) -> String {
    match kind {
        ActionKind::ShareTicket => "share ticket with".into(),
        ActionKind::UnshareTicket => "unshare ticket".into(),
        ActionKind::ShareWithAgent => "share ticket with agent".into(),
        ActionKind::UnshareFromAgent => "unshare ticket from agent".into(),
        ActionKind::AddTags => "add tags".into(),
        ActionKind::RemoveTags => "remove tags".into(),
        ActionKind::SetTags => "set tags".into(),
        ActionKind::Set(f) => format!("set {}", set_field_name(*f)),
        ActionKind::SetCustomField(FieldKey::Title(t)) => {
            format!("set custom field {} to", quote(t))
        }
        ActionKind::SetCustomField(FieldKey::Id(id)) => format!("set custom field {id} to"),
        ActionKind::AddComment { public: true } => "add comment public".into(),
        ActionKind::AddComment { public: false } => "add comment private".into(),
        ActionKind::Notify => "notify".into(),
        ActionKind::Zendesk(n) | ActionKind::Unknown(n) => n.clone(),
    }
}

/// Every action phrase, for "did you mean" on an unknown action.
pub fn action_phrases() -> Vec<&'static str> {
    vec![
        "share ticket with",
        "unshare ticket",
        "share ticket with agent",
        "unshare ticket from agent",
        "add tags",
        "remove tags",
        "set tags",
        "set status",
        "set priority",
        "set type",
        "set group",
        "set assignee",
        "set custom field",
        "add comment public",
        "add comment private",
        "notify",
    ]
}

/// `set` fields: the field, its DSL word and Zendesk's action field.
pub const SET_FIELDS: &[(SetField, &str, &str)] = &[
    (SetField::Status, "status", "status"),
    (SetField::Priority, "priority", "priority"),
    (SetField::Type, "type", "type"),
    (SetField::Group, "group", "group_id"),
    (SetField::Assignee, "assignee", "assignee_id"),
];

/// The DSL word of a `set` field.
pub fn set_field_name(f: SetField) -> &'static str {
    names_of(SET_FIELDS, &f).map_or("", |(dsl, _)| dsl)
}

/// Zendesk's action field for a `set` field (`group_id`).
pub fn set_field_zendesk_name(f: SetField) -> &'static str {
    names_of(SET_FIELDS, &f).map_or("", |(_, zendesk)| zendesk)
}

/// The value a `set` action takes.
pub fn set_value_kind(f: SetField) -> ValueKind {
    match f {
        SetField::Status => ValueKind::Enum(STATUSES),
        SetField::Priority => ValueKind::Enum(PRIORITIES),
        SetField::Type => ValueKind::Enum(TYPES),
        SetField::Group => ValueKind::Name {
            current_user: false,
        },
        SetField::Assignee => ValueKind::Name { current_user: true },
    }
}

/// Does `text` look like one email address (`name@host.tld`, no blanks)?
pub fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None) if !a.is_empty() && b.contains('.') && !text.contains(char::is_whitespace)
    )
}

/// Quotes a text the way the DSL writes strings.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The nearest candidate to `input` by edit distance, if close enough to be
/// a plausible typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let input = input.to_lowercase();
    // About one edit in four: typos, not different words.
    let limit = (input.chars().count() + 2) / 4;
    candidates
        .into_iter()
        .map(|c| (edit_distance(&input, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= limit && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            did_you_mean("statsu", ["status", "priority"]),
            Some("status".into())
        );
        assert_eq!(did_you_mean("xyz", ["status", "priority"]), None);
        assert_eq!(did_you_mean("tagz", ["tags"]), Some("tags".into()));
    }

    #[test]
    fn channels_by_any_name() {
        assert_eq!(channel("Ticket sharing").map(|c| c.via_id), Some(31));
        assert_eq!(channel("ticket_sharing").map(|c| c.via_id), Some(31));
        assert_eq!(channel("31").map(|c| c.name), Some("ticket sharing"));
        assert_eq!(channel("mail").map(|c| c.name), Some("email"));
        assert!(channel("pigeon").is_none());
    }

    /// The messaging and social channels real exports name (69 and 75
    /// among them) are known by via id, via type and DSL name.
    #[test]
    fn messaging_channels_by_any_name() {
        let names = |id: &str| channel(id).map(|c| (c.name, c.via_type));
        assert_eq!(
            names("69"),
            Some(("side conversation", "side_conversation"))
        );
        assert_eq!(names("75"), Some(("native messaging", "native_messaging")));
        assert_eq!(names("74"), Some(("whatsapp", "whatsapp")));
        assert_eq!(names("86"), Some(("instagram dm", "instagram_dm")));
        let messenger = channel("sunshine_conversations_facebook_messenger");
        assert_eq!(messenger.map(|c| c.via_id), Some(78));
        assert_eq!(channel("Facebook messenger").map(|c| c.via_id), Some(78));
        assert!(channel("96").is_none());
    }

    #[test]
    fn every_channel_has_one_via_id_and_one_name() {
        for (i, a) in CHANNELS.iter().enumerate() {
            for b in &CHANNELS[i + 1..] {
                assert_ne!(a.via_id, b.via_id, "{} and {}", a.name, b.name);
                assert_ne!(a.name, b.name);
                assert_ne!(a.via_type, b.via_type);
            }
        }
    }
}
