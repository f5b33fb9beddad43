//! The group names the triggers' top-level conditions name, each with a
//! number, so that the index and the pre-filter decide `group is …`
//! exactly: one lookup of the ticket's group an update, rather than a
//! name compared for each trigger found (at 10,000 triggers, most of
//! the conditions the pre-filter left to test were these).

use super::condition::same_text;
use super::hash::{fnv1a, Fnv, FnvMap};
use std::hash::Hasher;

/// No group: a ticket with none, or `group is (none)`. (0 is left for
/// the pre-filter's "no group condition".)
pub const NONE: u64 = 1;
/// A group that no trigger names.
pub const UNNAMED: u64 = u64::MAX;

/// Group names, lowercased as conditions keep them, with their numbers.
#[derive(Debug, Default)]
pub struct Groups {
    /// By the hash of the name: each name with that hash, and its number.
    by_hash: FnvMap<u64, Vec<(String, u64)>>,
    count: u64,
}

impl Groups {
    /// The number of a condition's group name (already lowercased); a
    /// name not seen before gets the next one.
    pub fn intern(&mut self, name: Option<&str>) -> u64 {
        let Some(name) = name else { return NONE };
        let same = self.by_hash.entry(fnv1a(name.as_bytes())).or_default();
        if let Some((_, id)) = same.iter().find(|(n, _)| n == name) {
            return *id;
        }
        self.count += 1;
        let id = NONE + self.count;
        same.push((name.to_string(), id));
        id
    }

    /// The number of a ticket's group, matched as a condition matches it
    /// ([`same_text`]: the group lowercased is the name); [`UNNAMED`]
    /// when no condition names it.
    pub fn of(&self, group: Option<&str>) -> u64 {
        let Some(group) = group else { return NONE };
        let same = self.by_hash.get(&lowercase_hash(group));
        let found = same.and_then(|s| s.iter().find(|(name, _)| same_text(group, name)));
        found.map_or(UNNAMED, |(_, id)| *id)
    }
}

/// The hash of a name lowercased, without making the lowercase copy when
/// it is ASCII: equal to [`fnv1a`] of `name.to_lowercase()`.
fn lowercase_hash(name: &str) -> u64 {
    if !name.is_ascii() {
        return fnv1a(name.to_lowercase().as_bytes());
    }
    let mut h = Fnv::default();
    for b in name.bytes() {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_group_has_the_number_of_the_name_it_matches() {
        let mut groups = Groups::default();
        let tier = groups.intern(Some("tier 2"));
        let equipe = groups.intern(Some("équipe été"));
        assert_eq!(groups.intern(Some("tier 2")), tier);
        assert_ne!(tier, equipe);
        assert_eq!(groups.of(Some("Tier 2")), tier);
        assert_eq!(groups.of(Some("ÉQUIPE Été")), equipe);
        assert_eq!(groups.of(Some("Tier 20")), UNNAMED);
        assert_eq!(groups.of(Some("")), UNNAMED);
        assert_eq!(groups.of(None), NONE);
        assert_eq!(groups.intern(None), NONE);
    }

    #[test]
    fn names_with_one_hash_keep_their_own_numbers() {
        let mut groups = Groups::default();
        let a = groups.intern(Some("a"));
        // Two names filed under one hash, as a collision would file them.
        let b = groups.count + NONE + 1;
        groups.count += 1;
        let bucket = groups.by_hash.get_mut(&fnv1a(b"a")).unwrap();
        bucket.insert(0, ("b".into(), b));
        assert_eq!(groups.of(Some("A")), a);
        assert_eq!(groups.intern(Some("a")), a);
        assert_ne!(a, b);
    }
}
