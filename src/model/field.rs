//! Custom ticket field types, by Zendesk's names for them, and which JSON
//! values each can hold. An account defines its fields by title and type;
//! a value a shared ticket brings along is copied only when it fits the
//! receiving account's type for that title.

use serde::{Deserialize, Serialize};

/// The type of a custom ticket field (Zendesk's `type` of a ticket field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Textarea,
    Integer,
    Decimal,
    Checkbox,
    Date,
    Dropdown,
    Multiselect,
    Regexp,
}

impl FieldType {
    pub const ALL: [FieldType; 9] = [
        FieldType::Text,
        FieldType::Textarea,
        FieldType::Integer,
        FieldType::Decimal,
        FieldType::Checkbox,
        FieldType::Date,
        FieldType::Dropdown,
        FieldType::Multiselect,
        FieldType::Regexp,
    ];

    /// Reads a type by its Zendesk name (`dropdown`), ignoring ASCII case.
    pub fn parse(text: &str) -> Option<FieldType> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The type as Zendesk names it.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Textarea => "textarea",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Checkbox => "checkbox",
            FieldType::Date => "date",
            FieldType::Dropdown => "dropdown",
            FieldType::Multiselect => "multiselect",
            FieldType::Regexp => "regexp",
        }
    }

    /// Can a field of this type hold `value`? `null` (no value) always fits.
    /// A dropdown's or a regexp field's own options and pattern are not
    /// known here, so any string fits them.
    pub fn fits(self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (self, value) {
            (_, Value::Null) => true,
            (
                FieldType::Text | FieldType::Textarea | FieldType::Dropdown | FieldType::Regexp,
                Value::String(_),
            ) => true,
            (FieldType::Integer, Value::Number(n)) => is_integral(n),
            (FieldType::Decimal, Value::Number(_)) => true,
            (FieldType::Checkbox, Value::Bool(_)) => true,
            (FieldType::Date, Value::String(s)) => is_date(s),
            (FieldType::Multiselect, Value::Array(items)) => items.iter().all(Value::is_string),
            _ => false,
        }
    }
}

/// A whole number: `12`, and `12.0` too, since JSON does not tell them
/// apart and a value that went through a float should still fit.
fn is_integral(n: &serde_json::Number) -> bool {
    n.is_i64()
        || n.is_u64()
        || n.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// `YYYY-MM-DD`, and a day that exists (no `2023-02-29`). The shape is
/// checked first because chrono's parser also takes `2024-1-5` and `+2024`.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_read_back_and_match_serde() {
        for t in FieldType::ALL {
            assert_eq!(FieldType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert_eq!(FieldType::parse(" Dropdown "), Some(FieldType::Dropdown));
        assert_eq!(FieldType::parse("tagger"), None);
        assert_eq!(FieldType::parse(""), None);
    }

    #[test]
    fn null_fits_every_type() {
        for t in FieldType::ALL {
            assert!(t.fits(&json!(null)), "{t:?}");
        }
    }

    /// Each type against one value of every JSON kind: which fit.
    #[test]
    fn each_type_takes_its_own_kind_of_value() {
        let values = [
            json!("X200"),
            json!(12),
            json!(0.25),
            json!(true),
            json!("2024-02-29"),
            json!(["toner", "drum"]),
            json!({"a": 1}),
        ];
        // One column a value above: `x` fits, `.` does not.
        let expected = [
            (FieldType::Text, "x...x.."),
            (FieldType::Textarea, "x...x.."),
            (FieldType::Dropdown, "x...x.."),
            (FieldType::Regexp, "x...x.."),
            (FieldType::Integer, ".x....."),
            (FieldType::Decimal, ".xx...."),
            (FieldType::Checkbox, "...x..."),
            (FieldType::Date, "....x.."),
            (FieldType::Multiselect, ".....x."),
        ];
        assert_eq!(expected.len(), FieldType::ALL.len());
        for (t, row) in expected {
            let fits: String = values
                .iter()
                .map(|v| if t.fits(v) { 'x' } else { '.' })
                .collect();
            assert_eq!(fits, row, "{t:?}");
        }
    }

    #[test]
    fn integers_are_whole_numbers_of_any_sign_and_size() {
        for v in [json!(-3), json!(u64::MAX), json!(12.0), json!(0)] {
            assert!(FieldType::Integer.fits(&v), "{v}");
        }
        for v in [json!(12.5), json!("12"), json!(true)] {
            assert!(!FieldType::Integer.fits(&v), "{v}");
        }
    }

    #[test]
    fn dates_are_real_days_written_yyyy_mm_dd() {
        for ok in ["2024-02-29", "1999-12-31", "2026-01-01"] {
            assert!(FieldType::Date.fits(&json!(ok)), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-04-31",
            "2024-1-5",
            "24-01-05",
            "2024/01/05",
            "2024-01-05T10:00:00Z",
            "+2024-01-5",
            "",
        ] {
            assert!(!FieldType::Date.fits(&json!(bad)), "{bad}");
        }
    }

    #[test]
    fn a_multiselect_holds_strings_only() {
        assert!(FieldType::Multiselect.fits(&json!([])));
        assert!(!FieldType::Multiselect.fits(&json!(["a", 1])));
        assert!(!FieldType::Multiselect.fits(&json!("a")));
    }
}
