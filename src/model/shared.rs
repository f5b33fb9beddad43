//! A text made once and shared by every value that names it: a rule's
//! title and source, an action's canonical text, a tag's name (a rule's
//! `Add tags` hands the same name to the ticket and to the outcome). A
//! firing copies 24 bytes or clones a pointer rather than allocating a
//! copy of the text, which at 10,000 triggers (15 firings an update) was a
//! third of the cycle's cost. A text of up to 23 bytes lives inside the
//! value itself: a ticket's tags are compared and copied with no read of
//! another cache line (an `Arc<str>` for every tag cost 5% more at 10,000
//! triggers, in cache misses). It serializes, prints and compares as the
//! text itself, so outcomes and tickets read exactly as they did when
//! these were `String`s.

use serde::{Serialize, Serializer};
use smol_str::SmolStr;
use std::fmt;
use std::ops::Deref;

/// An immutable text, cheap to clone: up to 23 bytes held inline (most
/// tags, many titles), so a copy or a comparison reads no other memory;
/// longer, one shared allocation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Shared(SmolStr);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Shared {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Shared {
        Shared(SmolStr::from(s))
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Shared {
        Shared(SmolStr::from(s))
    }
}

impl From<Shared> for String {
    fn from(s: Shared) -> String {
        s.0.as_str().to_string()
    }
}

impl From<&Shared> for String {
    fn from(s: &Shared) -> String {
        s.0.as_str().to_string()
    }
}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for Shared {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0.as_str(), f)
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_reads_as_the_text_it_holds() {
        let s = Shared::from("Escalate \"VIP\"");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""Escalate \"VIP\"""#);
        assert_eq!(format!("{s:?}"), format!("{:?}", "Escalate \"VIP\""));
        assert_eq!(s.to_string(), "Escalate \"VIP\"");
        assert!(s == "Escalate \"VIP\"");
    }
}
