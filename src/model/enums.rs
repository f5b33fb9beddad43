//! The closed sets of values a ticket field takes, with their names as the
//! language and the events write them.

use crate::rules::schema::{PRIORITIES, STATUSES, TYPES};

/// Defines an enum whose variants are named, in order, by a schema table.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $table:expr, [$($variant:ident),+]) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's name (`pending`).
            pub fn as_str(self) -> &'static str {
                $table[self as usize]
            }

            /// Reads a name, ignoring case, `_` for a space.
            pub fn parse(text: &str) -> Option<$name> {
                let key = text.trim().to_lowercase().replace('_', " ");
                Self::ALL.iter().copied().find(|v| v.as_str() == key)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.as_str().replace(' ', "_"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// `new < open < pending < hold < solved < closed`.
    Status, STATUSES, [New, Open, Pending, Hold, Solved, Closed]
);
named_enum!(
    /// `low < normal < high < urgent`.
    Priority, PRIORITIES, [Low, Normal, High, Urgent]
);
named_enum!(
    /// Question, incident, problem, task.
    TicketType, TYPES, [Question, Incident, Problem, Task]
);
named_enum!(
    /// Who made an update.
    Role, ROLE_NAMES, [EndUser, Agent, Admin]
);

const ROLE_NAMES: &[&str] = &["end user", "agent", "admin"];

impl Role {
    /// What a `role is …` condition sees: admins are agents.
    pub fn as_condition(self) -> &'static str {
        match self {
            Role::EndUser => "end user",
            Role::Agent | Role::Admin => "agent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_order() {
        assert_eq!(Status::parse("On_Hold"), None);
        assert_eq!(Status::parse("Hold"), Some(Status::Hold));
        assert!(Status::Open < Status::Solved);
        assert_eq!(Role::parse("end_user"), Some(Role::EndUser));
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(*p));
        }
    }
}
