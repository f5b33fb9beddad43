//! The web console through the real server: each page rendered for a
//! logged-in user and kept as a snapshot of its HTML (times, ports,
//! paths and ids masked): the login page and a wrong token (401, no
//! session), the tickets list, a shared ticket with the link to the
//! partner's copy and back, an agent kept out of a group ticket (403),
//! another account's ticket (404, as a missing one), the network with a
//! remote partner whose delivery failed, an agreement's page, and the
//! rules with fire counts and a rule that never fired; paging and filters
//! counted in visible tickets; and a ticket shared between two real
//! servers, showing the partner's URL and the outbox.

mod serve;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};
use serve::{two_accounts, Api, Desk, Server};

const RULES: &str = r#"
trigger "Urgent for VIPs" {
  when Ticket is Created and Tags contains at least one of vip
  then Set priority urgent
       Add tags escalated
}

trigger "Share with Acme" {
  when Ticket is Created and Tags contains at least one of for_acme
  then Share ticket with "Acme Optics"
}

trigger "Never fires" {
  when Tags contains at least one of nothing_has_this
  then Add comment public "Hello {{ticket.nonsense}}"
}

trigger "Switched off" {
  inactive
  when Ticket is Created
  then Add tags switched_off
}
"#;

/// A browser: a cookie jar of one session, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

/// A page as the browser got it.
struct Page {
    status: u16,
    location: Option<String>,
    cache_control: Option<String>,
    content_type: String,
    html: String,
}

impl Browser {
    fn new(server: &Server) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            http,
            base: server.base.clone(),
            cookie: None,
        }
    }

    async fn get(&self, path: &str) -> Page {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        page(request.send().await.unwrap(), &mut None).await
    }

    /// Posts the login form; keeps the session cookie it sets.
    async fn login(&mut self, email: &str, token: &str) -> Page {
        let mut request = self
            .http
            .post(format!("{}/login", self.base))
            .form(&[("email", email), ("token", token)]);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        let mut set = None;
        let answer = page(request.send().await.unwrap(), &mut set).await;
        if let Some(set) = set {
            self.cookie = Some(set.split(';').next().unwrap().to_string());
        }
        answer
    }

    async fn post(&self, path: &str) -> Page {
        let mut request = self.http.post(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        page(request.send().await.unwrap(), &mut None).await
    }
}

async fn page(response: reqwest::Response, set_cookie: &mut Option<String>) -> Page {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_string())
    };
    *set_cookie = header(SET_COOKIE);
    let (status, location) = (response.status().as_u16(), header(LOCATION));
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let cache_control = header(reqwest::header::CACHE_CONTROL);
    let html = response.text().await.unwrap();
    Page {
        status,
        location,
        cache_control,
        content_type,
        html,
    }
}

/// The page with what changes from run to run masked, a tag a line.
fn masked(html: &str, desk: &Desk) -> String {
    let rules: [(&str, &str); 5] = [
        (
            r#"<time datetime="[^"]*">[^<]*</time>"#,
            "<time>[time]</time>",
        ),
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
            "[time]",
        ),
        (r"127\.0\.0\.1:\d+", "[host]"),
        (r"\b[0-9a-f]{32,}\b", "[hex]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
    ];
    let mut text = html.replace(&desk.dir.display().to_string(), "[dir]");
    for (pattern, with) in rules {
        text = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text.replace("><", ">\n<")
}

/// The `<main>` of a page, masked.
fn main_of(page: &Page, desk: &Desk) -> String {
    let start = page.html.find("<main").expect("a main");
    let end = page.html.find("</main>").expect("a main") + "</main>".len();
    masked(&page.html[start..end], desk)
}

/// Two accounts with an accepted agreement `Acme Optics`, a failed one
/// with a remote partner, and tickets: a VIP one with comments, a group
/// one, a shared one.
struct World {
    desk: Desk,
    server: Server,
    support_admin: Api,
    acme_admin: Api,
}

async fn world(name: &str) -> World {
    let desk = two_accounts(name);
    let rules = desk.write("support.rules", RULES).display().to_string();
    let server = desk.serve(&[&format!("support={rules}")]);
    let support_admin = server.user(&desk, "support", "admin@support.example");
    let acme_admin = server.user(&desk, "acme", "admin@acme.example");
    let invite = json!({"sharing_agreement": {"remote_subdomain": "acme", "name": "Acme Optics", "sync_tags": true}});
    let (status, _) = support_admin
        .post("/api/v2/sharing_agreements", invite)
        .await;
    assert_eq!(status, 201);
    let (_, theirs) = acme_admin.get("/api/v2/sharing_agreements").await;
    let id = theirs["sharing_agreements"][0]["id"].as_i64().unwrap();
    let accept = json!({"sharing_agreement": {"status": "accepted"}});
    let (status, _) = acme_admin
        .put(&format!("/api/v2/sharing_agreements/{id}"), accept)
        .await;
    assert_eq!(status, 200);
    World {
        desk,
        server,
        support_admin,
        acme_admin,
    }
}

async fn create(api: &Api, ticket: Value) -> i64 {
    let (status, made) = api
        .post("/api/v2/tickets", json!({ "ticket": ticket }))
        .await;
    assert_eq!(status, 201, "{made}");
    made["ticket"]["id"].as_i64().unwrap()
}

/// Invites a partner at a sharing URL on this same server whose account
/// does not exist: the delivery worker's invite gets 404, and the
/// agreement turns `failed`.
async fn failed_remote(w: &World) -> i64 {
    let url = format!("{}/sharing/faraway", w.server.base);
    let invite = json!({"sharing_agreement": {"receiver_url": url, "name": "Far Away"}});
    let (status, made) = w
        .support_admin
        .post("/api/v2/sharing_agreements", invite)
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["sharing_agreement"]["id"].as_i64().unwrap();
    for _ in 0..200 {
        let (_, shown) = w
            .support_admin
            .get(&format!("/api/v2/sharing_agreements/{id}"))
            .await;
        if shown["sharing_agreement"]["status"] == "failed" {
            return id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the remote agreement never failed");
}

#[tokio::test]
async fn login_wrong_token_is_a_401_page_and_no_session() {
    let desk = two_accounts("console-login");
    let server = desk.serve(&[]);
    let token = desk.token("support", "admin@support.example");
    let mut browser = Browser::new(&server);

    let root = browser.get("/").await;
    assert_eq!(
        (root.status, root.location.as_deref()),
        (303, Some("/playground"))
    );
    let away = browser.get("/tickets?status=open").await;
    assert_eq!(away.status, 303);
    assert_eq!(
        away.location.as_deref(),
        Some("/login?next=/tickets%3Fstatus%3Dopen")
    );
    let form = browser.get("/login?next=/tickets").await;
    assert_eq!(form.status, 200);
    assert_eq!(form.cache_control.as_deref(), Some("private, no-store"));
    assert!(form.content_type.starts_with("text/html"));
    insta::assert_snapshot!("login_page", masked(&form.html, &desk));

    let wrong = browser
        .login("admin@support.example", "not-the-token")
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.content_type.starts_with("text/html"));
    assert!(browser.cookie.is_none(), "a wrong token makes no session");
    let empty = browser.login("", "").await;
    assert_eq!(empty.status, 401);
    assert!(browser.cookie.is_none());
    insta::assert_snapshot!("login_wrong_token", main_of(&wrong, &desk));

    let right = browser.login("Admin@Support.example", &token).await;
    assert_eq!(right.status, 303);
    assert_eq!(right.location.as_deref(), Some("/tickets?account=support"));
    let cookie = browser.cookie.clone().unwrap();
    assert!(cookie.starts_with("tr_session="), "{cookie}");
    assert_eq!(browser.get("/").await.location.as_deref(), Some("/tickets"));
    assert_eq!(browser.get("/tickets").await.status, 200);

    // A revoked token ends the login at the next request.
    desk.ok(&["tokens", "revoke", "support", "1"]);
    let after = browser.get("/tickets").await;
    assert_eq!(after.status, 303, "{}", after.html);

    // Log out: the session is gone even if the cookie comes back.
    let token = desk.token("support", "admin@support.example");
    browser.login("admin@support.example", &token).await;
    assert_eq!(browser.get("/tickets").await.status, 200);
    let out = browser.post("/logout").await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(browser.get("/tickets").await.status, 303);

    // The API keeps its JSON errors.
    let api = reqwest::get(format!("{}/api/v2/tickets", server.base))
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    assert!(api.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_as_an_admin_an_agent_and_a_partner_see_it() {
    let w = world("console-pages").await;
    let desk = &w.desk;
    let vip = create(
        &w.support_admin,
        json!({"subject": "Camera won't focus", "comment": {"body": "It broke on the trip.", "public": true},
               "tags": ["vip", "camera"], "custom_fields": [{"id": "Model", "value": "X200"}]}),
    )
    .await;
    let note = json!({"ticket": {"comment": {"body": "Checked the warranty: still valid.", "public": false}, "status": "open"}});
    let (status, _) = w
        .support_admin
        .put(&format!("/api/v2/tickets/{vip}"), note)
        .await;
    assert_eq!(status, 200);
    let grouped = create(
        &w.support_admin,
        json!({"subject": "Tier 2 only", "group": "Tier 2", "comment": {"body": "Escalated.", "public": true}}),
    )
    .await;
    let shared = create(
        &w.support_admin,
        json!({"subject": "Lens for Acme to repair", "tags": ["for_acme"], "comment": {"body": "Please repair.", "public": true}}),
    )
    .await;
    failed_remote(&w).await;

    let mut browser = Browser::new(&w.server);
    browser
        .login("admin@support.example", w.support_admin.token())
        .await;

    let list = browser.get("/tickets").await;
    assert_eq!(list.status, 200);
    insta::assert_snapshot!("tickets_admin", main_of(&list, desk));

    let one = browser.get(&format!("/tickets/{vip}")).await;
    assert_eq!(one.status, 200);
    assert!(
        one.html.contains("<h1>Camera won&#39;t focus</h1>")
            || one.html.contains("<h1>Camera won't focus</h1>"),
        "{}",
        one.html
    );
    insta::assert_snapshot!("ticket_with_comments_and_audit", main_of(&one, desk));

    let sent = browser.get(&format!("/tickets/{shared}")).await;
    assert_eq!(sent.status, 200);
    assert!(
        sent.html
            .contains(r#"<a class="partner-copy" href="/tickets/1?account=acme">"#),
        "{}",
        sent.html
    );
    insta::assert_snapshot!("ticket_shared_out", main_of(&sent, desk));

    // The partner's copy needs a login to `acme`: the same session takes it.
    let copy = browser.get("/tickets/1?account=acme").await;
    assert_eq!(copy.status, 303);
    browser
        .login("admin@acme.example", w.acme_admin.token())
        .await;
    let copy = browser.get("/tickets/1?account=acme").await;
    assert_eq!(copy.status, 200);
    assert!(copy
        .html
        .contains(r#"<main id="main" data-account="acme">"#));
    assert!(
        copy.html.contains(&format!(
            r#"<a class="partner-copy" href="/tickets/{shared}?account=support">"#
        )),
        "{}",
        copy.html
    );
    insta::assert_snapshot!("ticket_received_copy", main_of(&copy, desk));
    // The latest login is the default; `?account=` picks the other.
    assert!(browser
        .get("/tickets")
        .await
        .html
        .contains(r#"data-account="acme""#));

    // Another account's ticket id is 404, worded as a missing one.
    let theirs = browser
        .get(&format!("/tickets/{grouped}?account=acme"))
        .await;
    let missing = browser.get("/tickets/999?account=acme").await;
    assert_eq!((theirs.status, missing.status), (404, 404));
    assert_eq!(main_of(&theirs, desk), main_of(&missing, desk));
    insta::assert_snapshot!("ticket_404", main_of(&theirs, desk));

    let network = browser.get("/network?account=support").await;
    assert_eq!(network.status, 200);
    assert!(network.html.contains(r#"data-status="failed""#));
    assert!(network.html.contains(r#"data-status="accepted""#));
    insta::assert_snapshot!("network_with_failed_remote", main_of(&network, desk));
    arrows_are_whole(&network.html);

    let sides = w.support_admin.get("/api/v2/sharing_agreements").await.1;
    let acme_id = sides["sharing_agreements"][0]["id"].as_i64().unwrap();
    let agreement = browser
        .get(&format!("/network/agreements/{acme_id}?account=support"))
        .await;
    assert_eq!(agreement.status, 200);
    insta::assert_snapshot!("agreement_page", main_of(&agreement, desk));

    let rules = browser.get("/rules?account=support").await;
    assert_eq!(rules.status, 200);
    insta::assert_snapshot!("rules_with_counts", main_of(&rules, desk));

    // An agent in no group is kept out of the Tier 2 ticket: 403.
    let cy = w.server.user(desk, "support", "cy@support.example");
    let mut agent = Browser::new(&w.server);
    agent.login("cy@support.example", cy.token()).await;
    let kept_out = agent.get(&format!("/tickets/{grouped}")).await;
    assert_eq!(kept_out.status, 403);
    assert!(kept_out.content_type.starts_with("text/html"));
    insta::assert_snapshot!("ticket_403_for_agent", main_of(&kept_out, desk));
    let theirs = agent.get("/tickets").await;
    assert!(!theirs.html.contains("Tier 2 only"));
    assert!(theirs.html.contains("Camera won"));
}

#[tokio::test]
async fn pages_are_full_of_visible_tickets_and_filters_narrow_them() {
    let desk = two_accounts("console-paging");
    let server = desk.serve(&[]);
    let admin = server.user(&desk, "support", "admin@support.example");
    // 40 tickets; every 4th in group Tier 2, which `cy` may not see.
    for n in 1..=40 {
        let mut ticket =
            json!({"subject": format!("ticket {n}"), "comment": {"body": "hi", "public": true}});
        if n % 4 == 0 {
            ticket["group"] = json!("Tier 2");
        }
        if n % 5 == 0 {
            ticket["tags"] = json!(["fives"]);
        }
        create(&admin, ticket).await;
    }
    let cy = server.user(&desk, "support", "cy@support.example");
    let mut browser = Browser::new(&server);
    browser.login("cy@support.example", cy.token()).await;
    let rows = |page: &Page| page.html.matches("<tr><td>").count();

    let first = browser.get("/tickets").await;
    assert_eq!(rows(&first), 25);
    assert!(
        first
            .html
            .contains(r#"rel="next" href="/tickets?account=support&amp;page=2""#),
        "{}",
        first.html
    );
    assert!(!first.html.contains(r#"rel="prev""#));
    assert_eq!(rows(&browser.get("/tickets?page=abc").await), 25);
    let second = browser.get("/tickets?page=2").await;
    assert_eq!(rows(&second), 5, "30 visible of 40");
    assert!(second.html.contains(r#"rel="prev""#));
    assert!(!second.html.contains(r#"rel="next""#));

    // Tag `fives`: 5, 10 (hidden: 20, 40), 15, 25, 30, 35.
    let fives = browser.get("/tickets?tag=fives").await;
    assert_eq!(rows(&fives), 6, "{}", fives.html);
    let grouped = browser.get("/tickets?group=tier+2").await;
    assert_eq!(rows(&grouped), 0);
    let admin_browser = {
        let mut b = Browser::new(&server);
        b.login("admin@support.example", admin.token()).await;
        b
    };
    let grouped = admin_browser.get("/tickets?group=tier+2").await;
    assert_eq!(rows(&grouped), 10);
    let none = admin_browser.get("/tickets?sharing=none&status=new").await;
    assert_eq!(rows(&none), 25);
    let out = admin_browser.get("/tickets?sharing=out").await;
    assert_eq!(rows(&out), 0);
    let bad = admin_browser.get("/tickets?status=bogus").await;
    assert_eq!(bad.status, 400);
    assert!(bad.html.contains("unknown status `bogus`"), "{}", bad.html);
    let css = admin_browser.get("/assets/console.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.cache_control.as_deref(), Some("public, max-age=86400"));
    assert!(css.content_type.starts_with("text/css"));
}

/// The picture is well-formed XML (each element closed, as SVG inside
/// HTML needs), and each arrow links its line and its status label.
fn arrows_are_whole(html: &str) {
    let start = html.find("<svg class=\"network\"").expect("the picture");
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    let svg = roxmltree::Document::parse(&html[start..end]).expect("well-formed SVG");
    let arrows: Vec<_> = svg
        .descendants()
        .filter(|n| n.attribute("class") == Some("arrow"))
        .collect();
    assert_eq!(arrows.len(), 2);
    for arrow in arrows {
        let status = arrow.attribute("data-status").unwrap();
        let label = arrow
            .children()
            .find(|c| c.has_tag_name("text"))
            .and_then(|t| t.text());
        assert_eq!(label, Some(status));
        assert!(arrow.children().any(|c| c.has_tag_name("line")));
    }
}

/// Polls `check` every 50 ms for up to 10 s; panics with `what`.
async fn until<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_on_another_server_shows_its_url_and_outbox() {
    let here = two_accounts("console-remote-here");
    let there = Desk::new("console-remote-there");
    there.ok(&["accounts", "add", "ledger"]);
    there.ok(&["agents", "add", "ledger", "admin@ledger.example", "--admin"]);
    let rules = here.write(
        "support.rules",
        "trigger \"To Ledger\" {\n  when Ticket is Created and Tags contains at least one of books\n  then Share ticket with \"Ledger\"\n}\n",
    );
    let a = here.serve(&[&format!("support={}", rules.display())]);
    let b = there.serve(&[]);
    let support = a.user(&here, "support", "admin@support.example");
    let ledger = b.user(&there, "ledger", "admin@ledger.example");
    let url = format!("{}/sharing/ledger", b.base);
    let invite = json!({"sharing_agreement": {"receiver_url": url, "name": "Ledger"}});
    let (status, _) = support.post("/api/v2/sharing_agreements", invite).await;
    assert_eq!(status, 201);
    let side = |api: Api| async move {
        let (_, list) = api.get("/api/v2/sharing_agreements").await;
        list["sharing_agreements"][0].clone()
    };
    until("the invite's arrival", || async {
        side(ledger.clone()).await.is_object()
    })
    .await;
    let theirs = side(ledger.clone()).await["id"].as_i64().unwrap();
    let accept = json!({"sharing_agreement": {"status": "accepted"}});
    let path = format!("/api/v2/sharing_agreements/{theirs}");
    assert_eq!(ledger.put(&path, accept).await.0, 200);
    until("the acceptance's arrival", || async {
        side(support.clone()).await["status"] == "accepted"
    })
    .await;
    let id = create(
        &support,
        json!({"subject": "Books to close", "tags": ["books"]}),
    )
    .await;

    let mut browser = Browser::new(&a);
    browser.login(support.email(), support.token()).await;
    let page = format!("/tickets/{id}");
    until("the share's delivery", || async {
        browser.get(&page).await.html.contains("Outbox: 0 waiting")
    })
    .await;
    let shown = browser.get(&page).await;
    let remote = format!("Shared to <strong>{url}</strong> (remote)");
    assert!(shown.html.contains(&remote), "{}", shown.html);
    assert!(
        !shown.html.contains("partner-copy"),
        "no local copy to link"
    );
    let network = browser.get("/network").await;
    assert!(network.html.contains(r#"<g class="node remote">"#));

    let mut theirs = Browser::new(&b);
    theirs.login(ledger.email(), ledger.token()).await;
    let copy = theirs.get("/tickets/1").await;
    assert_eq!(copy.status, 200);
    assert!(
        copy.html.contains("<h1>Books to close</h1>"),
        "{}",
        copy.html
    );
    let origin = format!(
        "Received from <strong>{}/sharing/support</strong> (remote)",
        a.base
    );
    assert!(copy.html.contains(&origin), "{}", copy.html);
}

/// The playground, in the console's frame: anyone may open it; a login
/// shows in its nav; a session that no longer holds does not stop it.
#[tokio::test]
async fn the_playground_is_in_the_console_frame_with_or_without_a_login() {
    let desk = two_accounts("console-playground");
    let server = desk.serve(&[]);
    let mut browser = Browser::new(&server);
    let current = r#"<a href="/playground" aria-current="page">Playground</a>"#;

    let anyone = browser.get("/playground").await;
    assert_eq!(anyone.status, 200);
    assert_eq!(anyone.cache_control.as_deref(), Some("private, no-store"));
    assert!(anyone.html.contains(current), "{}", anyone.html);
    assert!(anyone.html.contains(r#"<a href="/login">Log in</a>"#));

    let token = desk.token("support", "admin@support.example");
    browser.login("admin@support.example", &token).await;
    let viewer = browser.get("/playground").await;
    assert_eq!(viewer.status, 200);
    assert!(viewer.html.contains(current));
    assert!(viewer.html.contains("admin@support.example"));
    assert!(viewer.html.contains(r#"action="/logout""#));

    desk.ok(&["tokens", "revoke", "support", "1"]);
    let revoked = browser.get("/playground").await;
    assert_eq!(revoked.status, 200, "{}", revoked.html);
    assert!(!revoked.html.contains("admin@support.example"));
    assert!(revoked.html.contains(r#"<a href="/login">Log in</a>"#));
}
