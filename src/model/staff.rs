//! The people of one account who work its tickets: agents and admins, the
//! groups (inboxes) agents are members of, and whether agents may share a
//! single ticket with agents outside its group. Plain data and the two
//! rules that read it: who may see and change a ticket ([`Staff::access`])
//! and whether a ticket may be shared with an agent
//! ([`Staff::share_check`]).
//!
//! Access is enforced only where membership is known: on a ticket whose
//! group is one of the account's groups. A ticket with no group, or with a
//! group the account has not defined, is open to every agent, so a store
//! that never defined groups works as it did before groups existed.

use super::{Role, Ticket};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One account's agents and groups, and its sharing setting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub account: String,
    /// Agents may share a ticket with agents outside its group.
    pub agent_ticket_sharing: bool,
    /// By lowercased email.
    pub agents: BTreeMap<String, Agent>,
    /// Group names as first written, by lowercased name.
    pub groups: BTreeMap<String, String>,
}

/// An agent (or admin) of an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Agent {
    /// Lowercased.
    pub email: String,
    pub name: Option<String>,
    /// Admins see and change every ticket.
    pub admin: bool,
    /// The groups they are a member of, by lowercased name.
    pub groups: BTreeSet<String>,
}

impl Agent {
    /// Their role, as the store gives it.
    pub fn role(&self) -> Role {
        if self.admin {
            Role::Admin
        } else {
            Role::Agent
        }
    }
}

/// Whether someone may see and change a ticket, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Admin,
    /// End users (requesters) are not restricted by groups.
    EndUser,
    /// A member of the ticket's group (by name as the account writes it).
    InGroup(String),
    /// The ticket is shared with them.
    Shared,
    /// The ticket has no group: every agent may.
    NoGroup,
    /// The ticket's group is not one the account defined, so its members
    /// are not known and no one is kept out.
    UnknownGroup(String),
    /// Neither in the ticket's group nor shared on the ticket.
    Denied(String),
    /// Not in the ticket's group; the ticket is shared with them, but the
    /// account has agent ticket sharing off, so the share grants nothing.
    SharingOff(String),
}

impl Access {
    pub fn allowed(&self) -> bool {
        !matches!(self, Access::Denied(_) | Access::SharingOff(_))
    }

    /// Why, in words, for someone acting on a ticket of `account`; reads
    /// after "`x` may (not) change ticket 7: ".
    pub fn reason(&self, account: &str) -> String {
        match self {
            Access::Admin => format!("an admin of `{account}`"),
            Access::EndUser => "acting as an end user, whom groups do not restrict".into(),
            Access::InGroup(g) => format!("in group `{g}`"),
            Access::Shared => "the ticket is shared with them".into(),
            Access::NoGroup => "the ticket has no group, so every agent may".into(),
            Access::UnknownGroup(g) => {
                format!("group `{g}` is not one of `{account}`'s groups, so no one is kept out")
            }
            Access::Denied(g) => {
                format!("not in group `{g}`, and the ticket is not shared with them")
            }
            Access::SharingOff(g) => format!(
                "not in group `{g}`; the ticket is shared with them, but agent ticket sharing is off in `{account}`"
            ),
        }
    }
}

/// What sharing a ticket with an agent would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareCheck {
    Share,
    /// Nothing to do, and why (already shared, in the group, an admin).
    Already(String),
    /// Refused, and why.
    Refused(String),
}

impl Staff {
    /// An agent (or admin) of the account, by email ignoring case.
    pub fn agent(&self, email: &str) -> Option<&Agent> {
        self.agents.get(&email.to_lowercase())
    }

    /// The account's name for a group, ignoring case; `None` when the
    /// account has no such group.
    pub fn group(&self, name: &str) -> Option<&str> {
        self.groups.get(&name.to_lowercase()).map(String::as_str)
    }

    /// May `email`, acting with `role` (as the update says), see and
    /// change ticket `t`? An admin of the store counts as one whatever the
    /// update says.
    pub fn access(&self, t: &Ticket, email: &str, role: Role) -> Access {
        let agent = self.agent(email);
        if role == Role::Admin || agent.is_some_and(|a| a.admin) {
            return Access::Admin;
        }
        if role == Role::EndUser {
            return Access::EndUser;
        }
        let group = t.group.as_deref().and_then(|g| self.group(g));
        if let Some(group) = group {
            let key = group.to_lowercase();
            if agent.is_some_and(|a| a.groups.contains(&key)) {
                return Access::InGroup(group.to_string());
            }
        }
        // A share grants access only while the account has the feature on;
        // the share itself is kept, so turning it back on restores it.
        let shared = t.is_shared_with_agent(email);
        if self.agent_ticket_sharing && shared {
            return Access::Shared;
        }
        match (&t.group, group) {
            (None, _) => Access::NoGroup,
            (Some(written), None) => Access::UnknownGroup(written.clone()),
            (Some(_), Some(group)) if shared => Access::SharingOff(group.to_string()),
            (Some(_), Some(group)) => Access::Denied(group.to_string()),
        }
    }

    /// Could ticket `t` be shared with `email`? Refused when the account
    /// has agent ticket sharing off or `email` is not one of its agents;
    /// nothing to do when they already have access through the share, the
    /// group, or as an admin.
    pub fn share_check(&self, t: &Ticket, email: &str) -> ShareCheck {
        let account = &self.account;
        if !self.agent_ticket_sharing {
            return ShareCheck::Refused(format!("agent ticket sharing is off in `{account}`"));
        }
        let Some(agent) = self.agent(email) else {
            return ShareCheck::Refused(format!("`{email}` is not an agent of `{account}`"));
        };
        if agent.admin {
            return ShareCheck::Already(format!("`{email}` is an admin and sees every ticket"));
        }
        if t.is_shared_with_agent(email) {
            return ShareCheck::Already(format!("the ticket is already shared with `{email}`"));
        }
        match self.access(t, email, Role::Agent) {
            Access::InGroup(g) => {
                ShareCheck::Already(format!("`{email}` is in group `{g}` already"))
            }
            _ => ShareCheck::Share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Staff {
        let agent = |email: &str, admin, groups: &[&str]| Agent {
            email: email.into(),
            name: None,
            admin,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        };
        let mut staff = Staff {
            account: "support".into(),
            agent_ticket_sharing: true,
            ..Staff::default()
        };
        for a in [
            agent("bo@s.test", false, &["tier 2"]),
            agent("cy@s.test", false, &["billing"]),
            agent("root@s.test", true, &[]),
        ] {
            staff.agents.insert(a.email.clone(), a);
        }
        for g in ["Tier 2", "Billing"] {
            staff.groups.insert(g.to_lowercase(), g.into());
        }
        staff
    }

    fn ticket(group: Option<&str>) -> Ticket {
        let mut t = Ticket::new("support", 1, "web", chrono::Utc::now());
        t.group = group.map(str::to_string);
        t
    }

    #[test]
    fn access_by_group_share_role_and_unknown_groups() {
        let s = staff();
        let t = ticket(Some("tier 2"));
        assert_eq!(
            s.access(&t, "BO@s.test", Role::Agent),
            Access::InGroup("Tier 2".into())
        );
        assert_eq!(
            s.access(&t, "cy@s.test", Role::Agent),
            Access::Denied("Tier 2".into())
        );
        assert_eq!(s.access(&t, "cy@s.test", Role::EndUser), Access::EndUser);
        assert_eq!(s.access(&t, "root@s.test", Role::Agent), Access::Admin);
        assert_eq!(
            s.access(&t, "new@s.test", Role::Agent),
            Access::Denied("Tier 2".into())
        );
        let mut shared = t.clone();
        shared.agents.insert("cy@s.test".into());
        assert_eq!(s.access(&shared, "Cy@s.test", Role::Agent), Access::Shared);
        assert_eq!(
            s.access(&ticket(None), "cy@s.test", Role::Agent),
            Access::NoGroup
        );
        let odd = ticket(Some("Tier 9"));
        assert_eq!(
            s.access(&odd, "cy@s.test", Role::Agent),
            Access::UnknownGroup("Tier 9".into())
        );
        assert!(Access::UnknownGroup("x".into()).allowed());
        assert!(!Access::Denied("x".into()).allowed());
    }

    #[test]
    fn sharing_is_refused_off_and_for_strangers_and_idle_for_members() {
        let mut s = staff();
        let t = ticket(Some("Tier 2"));
        assert_eq!(s.share_check(&t, "cy@s.test"), ShareCheck::Share);
        assert!(
            matches!(s.share_check(&t, "bo@s.test"), ShareCheck::Already(w) if w.contains("group `Tier 2`"))
        );
        assert!(matches!(
            s.share_check(&t, "root@s.test"),
            ShareCheck::Already(_)
        ));
        assert_eq!(
            s.share_check(&t, "ann@example.com"),
            ShareCheck::Refused("`ann@example.com` is not an agent of `support`".into())
        );
        let mut shared = t.clone();
        shared.agents.insert("cy@s.test".into());
        assert!(matches!(
            s.share_check(&shared, "cy@s.test"),
            ShareCheck::Already(_)
        ));
        s.agent_ticket_sharing = false;
        assert_eq!(
            s.share_check(&t, "cy@s.test"),
            ShareCheck::Refused("agent ticket sharing is off in `support`".into())
        );
    }
}
