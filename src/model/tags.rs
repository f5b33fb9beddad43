//! A ticket's tags: each once, sorted, in one vector. A rule's firing
//! adds its tag with a binary search and a short move, where a B-tree
//! walked its nodes comparing names one by one, and a ticket's copy is
//! one allocation, not one per node. Many tags at once (an event may
//! carry 100,000) go through [`Tags::add_all`], [`Tags::remove_all`] and
//! [`Tags::take_where`], which sort or sweep once rather than move the vector
//! for each tag.

use super::Shared;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::collections::HashSet;

/// Lowercase names, each once, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<Shared>);

impl Tags {
    pub fn new() -> Tags {
        Tags::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In order.
    pub fn iter(&self) -> std::slice::Iter<'_, Shared> {
        self.0.iter()
    }

    fn find(&self, tag: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|t| t.as_str().cmp(tag))
    }

    pub fn contains(&self, tag: &str) -> bool {
        self.find(tag).is_ok()
    }

    /// Adds `tag`; false when it was already there.
    pub fn insert(&mut self, tag: Shared) -> bool {
        match self.find(&tag) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, tag);
                true
            }
        }
    }

    /// Takes `tag` out, if it is there.
    pub fn take(&mut self, tag: &str) -> Option<Shared> {
        self.find(tag).ok().map(|at| self.0.remove(at))
    }

    pub fn remove(&mut self, tag: &str) -> bool {
        self.take(tag).is_some()
    }

    /// Takes out, in one sweep, every tag `gone` picks; returns them in
    /// order.
    pub fn take_where(&mut self, mut gone: impl FnMut(&Shared) -> bool) -> Vec<Shared> {
        self.0.extract_if(.., |t| gone(t)).collect()
    }

    /// The names, a space between each (`billing vip`).
    pub fn joined(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(Shared::as_str).collect();
        names.join(" ")
    }

    /// Adds each of `tags` not already there; returns those it added, in
    /// the order given, each once.
    pub fn add_all<'a>(&mut self, tags: impl IntoIterator<Item = &'a str>) -> Vec<Shared> {
        let new = once_each(tags.into_iter().filter(|tag| !self.contains(tag)));
        let added: Vec<Shared> = new.into_iter().map(Shared::from).collect();
        if let [one] = added.as_slice() {
            self.insert(one.clone());
        } else if !added.is_empty() {
            self.0.extend(added.iter().cloned());
            // Two sorted runs: the sort merges them in one sweep.
            self.0.sort();
        }
        added
    }

    /// Takes out each of `tags` that is there; returns those it took, in
    /// the order given, each once.
    pub fn remove_all<'a>(&mut self, tags: impl IntoIterator<Item = &'a str>) -> Vec<Shared> {
        let mut gone = once_each(tags.into_iter().filter(|tag| self.contains(tag)));
        match gone.as_slice() {
            [] => Vec::new(),
            [one] => self.take(one).into_iter().collect(),
            _ => {
                let taken: Vec<Shared> = (gone.iter())
                    .filter_map(|tag| self.find(tag).ok().map(|at| self.0[at].clone()))
                    .collect();
                gone.sort_unstable();
                let mut listed = listed_in(&gone);
                self.0.retain(|t| !listed(t));
                taken
            }
        }
    }

    /// The tags here that `other` lacks, in order.
    pub fn difference<'a>(&'a self, other: &'a Tags) -> impl Iterator<Item = &'a Shared> + 'a {
        let mut theirs = other.0.iter().peekable();
        self.0.iter().filter(move |tag| {
            while let Some(t) = theirs.peek() {
                match t.as_str().cmp(tag.as_str()) {
                    Ordering::Less => _ = theirs.next(),
                    Ordering::Equal => return false,
                    Ordering::Greater => break,
                }
            }
            true
        })
    }
}

/// Is each name, asked in ascending order (as a sweep of [`Tags`] asks),
/// in `sorted`? One walk down the list beside the names asked, rather
/// than a search of it for each.
pub fn listed_in<'a>(sorted: &'a [&'a str]) -> impl FnMut(&str) -> bool + 'a {
    let mut at = sorted.iter().copied().peekable();
    move |name| {
        while at.next_if(|k| *k < name).is_some() {}
        at.peek() == Some(&name)
    }
}

/// Each of `tags` once, in the order given: a scan while they are few, a
/// hash set once they are many.
fn once_each<'a>(tags: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    const FEW: usize = 16;
    let mut out: Vec<&str> = Vec::new();
    let mut seen: Option<HashSet<&str>> = None;
    for tag in tags {
        let new = match &mut seen {
            Some(seen) => seen.insert(tag),
            None => !out.contains(&tag),
        };
        if new {
            out.push(tag);
            if out.len() == FEW {
                seen = Some(out.iter().copied().collect());
            }
        }
    }
    out
}

impl FromIterator<Shared> for Tags {
    fn from_iter<I: IntoIterator<Item = Shared>>(iter: I) -> Tags {
        let mut tags: Vec<Shared> = iter.into_iter().collect();
        tags.sort();
        tags.dedup();
        Tags(tags)
    }
}

impl<const N: usize> From<[Shared; N]> for Tags {
    fn from(tags: [Shared; N]) -> Tags {
        tags.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = &'a Shared;
    type IntoIter = std::slice::Iter<'a, Shared>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Tags {
    type Item = Shared;
    type IntoIter = std::vec::IntoIter<Shared>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(names: &[&str]) -> Tags {
        names.iter().map(|n| Shared::from(*n)).collect()
    }

    fn names(t: &Tags) -> Vec<&str> {
        t.iter().map(Shared::as_str).collect()
    }

    #[test]
    fn it_keeps_each_tag_once_in_order() {
        let mut t = tags(&["vip", "billing", "vip"]);
        assert_eq!(names(&t), ["billing", "vip"]);
        assert!(t.insert("fire".into()));
        assert!(!t.insert("vip".into()));
        assert_eq!(names(&t), ["billing", "fire", "vip"]);
        assert_eq!(t.take("billing").as_deref(), Some("billing"));
        assert!(!t.remove("billing"));
        assert_eq!(names(&t), ["fire", "vip"]);
        assert_eq!(t.joined(), "fire vip");
        assert_eq!(Tags::new().joined(), "");
    }

    #[test]
    fn take_where_sweeps_out_what_it_picks_in_order() {
        let mut t = tags(&["a", "b", "c", "d"]);
        let gone = t.take_where(|tag| tag.as_str() != "c");
        assert_eq!(gone, ["a", "b", "d"].map(Shared::from));
        assert_eq!(names(&t), ["c"]);
        assert!(t.take_where(|_| false).is_empty());
    }

    #[test]
    fn many_at_once_report_what_changed_in_the_order_given() {
        let mut t = tags(&["b", "d"]);
        let added = t.add_all(["e", "a", "d", "e", "c"]);
        assert_eq!(added, ["e", "a", "c"].map(Shared::from));
        assert_eq!(names(&t), ["a", "b", "c", "d", "e"]);
        let gone = t.remove_all(["e", "x", "b", "e"]);
        assert_eq!(gone, ["e", "b"].map(Shared::from));
        assert_eq!(names(&t), ["a", "c", "d"]);
        assert_eq!(t.add_all(["c"]), Vec::<Shared>::new());
        assert_eq!(t.remove_all(["d"]), [Shared::from("d")]);
        assert_eq!(names(&t), ["a", "c"]);
    }

    #[test]
    fn many_tags_and_repeats_are_each_counted_once() {
        let names: Vec<String> = (0..100).map(|i| format!("t{}", i % 40)).collect();
        let mut t = Tags::new();
        let added = t.add_all(names.iter().map(String::as_str));
        assert_eq!(added.len(), 40);
        assert_eq!(added[..2], ["t0", "t1"].map(Shared::from));
        assert_eq!(t.len(), 40);
        let gone = t.remove_all(names.iter().rev().map(String::as_str));
        assert_eq!(gone.len(), 40);
        assert_eq!(gone[..2], ["t19", "t18"].map(Shared::from));
        assert!(t.is_empty());
    }

    #[test]
    fn difference_is_what_the_other_lacks() {
        let (a, b) = (tags(&["a", "b", "d", "f"]), tags(&["b", "c", "f", "g"]));
        let none = Tags::new();
        let names = |x: &Tags, y: &Tags| x.difference(y).map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&a, &b), ["a", "d"]);
        assert_eq!(names(&b, &a), ["c", "g"]);
        assert_eq!(names(&a, &none), ["a", "b", "d", "f"]);
        assert_eq!(names(&none, &a), Vec::<String>::new());
    }

    #[test]
    fn it_serializes_as_a_list() {
        assert_eq!(
            serde_json::to_string(&tags(&["vip", "b"])).unwrap(),
            r#"["b","vip"]"#
        );
    }
}
