use super::*;
use crate::model::{Actor, Agent, NewComment, Status, UpdateKind};

fn staff(sharing: bool) -> Staff {
    let mut s = Staff {
        account: "support".into(),
        agent_ticket_sharing: sharing,
        ..Staff::default()
    };
    for (email, admin, groups) in [
        ("bo@s.test", false, vec!["tier 2"]),
        ("cy@s.test", false, vec!["tier 1"]),
        ("root@s.test", true, vec![]),
    ] {
        let agent = Agent {
            email: email.into(),
            name: None,
            admin,
            groups: groups.into_iter().map(str::to_string).collect(),
        };
        s.agents.insert(email.into(), agent);
    }
    for g in ["Tier 1", "Tier 2"] {
        s.groups.insert(g.to_lowercase(), g.into());
    }
    s
}

fn ticket() -> Ticket {
    let mut t = Ticket::new("support", 10, "web", chrono::Utc::now());
    t.group = Some("Tier 2".into());
    t.requester = Some("ann@example.com".into());
    t
}

fn update(email: &str, role: Role, changes: Changes) -> Update {
    Update {
        event_id: "x".into(),
        kind: UpdateKind::Update,
        account: "support".into(),
        ticket_id: 10,
        at: chrono::Utc::now(),
        via: "web".into(),
        actor: Some(Actor {
            email: email.into(),
            role,
            name: None,
        }),
        changes,
        automation: None,
    }
}

fn solve() -> Changes {
    Changes {
        status: Some(Status::Solved),
        ..Changes::default()
    }
}

fn comment() -> Changes {
    Changes {
        comment: Some(NewComment {
            body: "thanks".into(),
            public: true,
        }),
        ..Changes::default()
    }
}

fn check(email: &str, role: Role, changes: Changes) -> Result<(), String> {
    check_actor(&staff(true), &update(email, role, changes), Some(&ticket()))
}

#[test]
fn a_known_agent_keeps_the_stores_role() {
    let admin = check("cy@s.test", Role::Admin, solve()).unwrap_err();
    assert!(admin.starts_with("`cy@s.test` is an agent of `support`, not an admin"));
    let end_user = check("CY@s.test", Role::EndUser, comment()).unwrap_err();
    assert!(end_user.contains("is an agent of `support`, not an end user"));
    let agent = check("cy@s.test", Role::Agent, solve()).unwrap_err();
    assert!(agent.contains("not in group `Tier 2`"), "{agent}");
    assert_eq!(check("bo@s.test", Role::Agent, solve()), Ok(()));
    assert_eq!(check("root@s.test", Role::Admin, solve()), Ok(()));
    let demoted = check("root@s.test", Role::Agent, solve()).unwrap_err();
    assert!(demoted.contains("is an admin of `support`, not an agent"));
}

#[test]
fn an_unknown_actor_is_an_end_user() {
    let claimed = check("eve@evil.test", Role::Admin, solve()).unwrap_err();
    assert!(claimed.contains("claims to be an admin of `support`, but is not on its staff"));
    assert!(claimed.contains("agents add support eve@evil.test --admin"));
    let agent = check("eve@evil.test", Role::Agent, solve()).unwrap_err();
    assert!(agent.contains("claims to be an agent"));
}

#[test]
fn end_users_only_comment_on_their_own_tickets() {
    assert_eq!(check("ANN@example.com", Role::EndUser, comment()), Ok(()));
    let stranger = check("dan@example.com", Role::EndUser, comment()).unwrap_err();
    assert!(stranger.contains("did not request ticket 10"), "{stranger}");
    let mut more = solve();
    more.group = Some(Some("Tier 1".into()));
    more.comment = comment().comment;
    let changed = check("ann@example.com", Role::EndUser, more).unwrap_err();
    assert!(
        changed.ends_with("may only comment on ticket 10, not change its status, group"),
        "{changed}"
    );
}

#[test]
fn creates_are_checked_for_roles_only() {
    let mut create = update("dan@example.com", Role::EndUser, solve());
    create.kind = UpdateKind::Create;
    assert_eq!(check_actor(&staff(true), &create, None), Ok(()));
    create.actor.as_mut().unwrap().role = Role::Admin;
    assert!(check_actor(&staff(true), &create, None).is_err());
}

#[test]
fn a_share_grants_access_only_while_sharing_is_on() {
    let mut t = ticket();
    t.agents.insert("cy@s.test".into());
    let u = update("cy@s.test", Role::Agent, solve());
    assert_eq!(check_actor(&staff(true), &u, Some(&t)), Ok(()));
    let off = check_actor(&staff(false), &u, Some(&t)).unwrap_err();
    assert!(
        off.ends_with(
            "the ticket is shared with them, but agent ticket sharing is off in `support`"
        ),
        "{off}"
    );
}
