//! The console in a real headless Chromium, driven over WebDriver
//! (`tests/browser`), against a real `serve` on 127.0.0.1. Each page
//! visited is saved as `target/console-screenshots/NAME.png`.
//!
//! Without chromedriver the tests print SKIP and pass, unless `CI=true`.

mod browser;
mod serve;

use browser::{keys, Browser};
use serde_json::json;
use serve::{two_accounts, Desk};
use std::time::{Duration, Instant};

const TYPO: &str = "trigger \"Escalate VIP\" {
  when Tags contains at least one of vip and Priorty less than High
  then Set priority high
}

trigger \"Route billing\" {
  when Ticket is Created and Tags contains at least one of billing
  then Set group \"Billing\"
}
";

const TICKET: &str = r#"{"id": 7, "subject": "VIP camera", "status": "open",
 "priority": "normal", "tags": ["vip"], "requester": "ann@example.com"}"#;

/// The elements that reach past the window's right edge, as
/// `tag#id.class (right edge)`.
const WIDER_THAN_THE_WINDOW: &str = "return Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' (' + Math.round(e.getBoundingClientRect().right) + ')')";

/// Like [`WIDER_THAN_THE_WINDOW`], but what a sideways-scrolling box
/// (a table, the network picture) holds may reach past the edge: the box
/// itself must not.
const WIDER_OUTSIDE_SCROLLERS: &str = "const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
return Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !scrolls(e))
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' (' + Math.round(e.getBoundingClientRect().right) + ')')";

/// Saves the page at a desktop's width as `NAME` and at a phone's as
/// `NAME-phone`, where nothing may run off the side.
async fn both_widths(b: &Browser, name: &str) {
    b.screenshot(name).await;
    b.resize(390, 844).await;
    b.screenshot(&format!("{name}-phone")).await;
    let wide = b.run_js(WIDER_OUTSIDE_SCROLLERS, json!([])).await;
    assert_eq!(wide, json!([]), "{name} is wider than a phone");
    b.resize(1280, 1400).await;
}

/// Replaces a textarea's text by typing, as a person would.
async fn retype(b: &Browser, css: &str, text: &str) {
    let area = b.find(css).await;
    b.clear(&area).await;
    b.type_in(&area, text).await;
}

/// Waits for the check of the text as it is now to answer.
async fn checked(b: &Browser) {
    b.find("#diagnostics[aria-busy=false]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_marks_a_typo_then_runs_the_fixed_rule() {
    let Some(b) = Browser::start("playground").await else {
        return;
    };
    let desk = Desk::new("browser-playground");
    let server = desk.serve(&[]);
    let page = format!("{}/playground", server.base);
    b.goto(&page).await;
    checked(&b).await;
    b.find("#diagnostics li.diag").await;
    b.screenshot("playground").await;

    retype(&b, "#rules-support", TYPO).await;
    checked(&b).await;
    let diag = b.find("#diagnostics li.diag.error[data-line='2']").await;
    let said = b.text(&diag).await;
    assert!(said.contains("unknown field `Priorty`"), "{said}");
    assert!(said.contains("help: did you mean `priority`?"), "{said}");
    b.find("#panel-support .gutter [data-line='2'].error").await;
    b.scroll_to("#rules-title").await;
    b.screenshot("playground-typo").await;

    retype(&b, "#rules-support", &TYPO.replace("Priorty", "Priority")).await;
    checked(&b).await;
    let clean = b.all("#diagnostics li.diag").await;
    assert!(clean.is_empty(), "{}", b.page_text().await);
    b.find("#diagnostics li.ok").await;
    retype(&b, "#ticket", TICKET).await;
    b.click(&b.find("button[data-template='create']").await)
        .await;
    let event = b.find("#event").await;
    assert!(b.property(&event, "value").await.contains("\"create\""));
    b.type_in(&event, &format!("{}{}", keys::CONTROL, keys::ENTER))
        .await;
    let fired = b.find(".run .fired-rule[data-title='Escalate VIP']").await;
    assert!(b.text(&fired).await.contains("priority normal → high"));
    let why_not = b
        .find(".run .why-not[data-title='Route billing'] li.failed")
        .await;
    let why = b.text(&why_not).await;
    assert!(
        why.contains("Tags contains at least one of billing"),
        "{why}"
    );
    assert!(why.contains("saw tags are vip"), "{why}");
    b.scroll_to("#result").await;
    b.screenshot("playground-run").await;

    // The share link carries everything in the fragment; a fresh load of
    // it restores the rules, not the server.
    b.click(&b.find("#share").await).await;
    let link = b.property(&b.find("#share-link").await, "value").await;
    assert!(link.starts_with(&format!("{page}#v1=")), "{link}");
    b.goto("about:blank").await;
    b.goto(&link).await;
    checked(&b).await;
    b.find("#diagnostics li.ok").await;
    let rules = b.property(&b.find("#rules-support").await, "value").await;
    assert!(rules.contains("Priority less than High"), "{rules}");

    // The sample as it comes: the share reaches Acme, whose rules run on
    // its copy.
    b.goto(&page).await;
    checked(&b).await;
    b.click(&b.find("#run").await).await;
    let copy = ".run .partner[data-account=acme] .fired-rule[data-title='Escalate tickets shared with us']";
    b.find(copy).await;
    b.scroll_to("#result").await;
    b.screenshot("playground-partner").await;

    // The partner's tab by keyboard, and its rules converted to YAML.
    let home = b.find("#tab-support").await;
    b.type_in(&home, keys::RIGHT).await;
    b.find("#tab-acme[aria-selected=true]").await;
    b.click(&b.find("#panel-acme button[data-to=yaml]").await)
        .await;
    b.find("#name-acme[value]").await;
    b.wait_for(
        "the acme rules in YAML",
        "return document.querySelector('#name-acme').value === 'acme.yaml' && document.querySelector('#rules-acme').value.includes('triggers:')",
    )
    .await;
    checked(&b).await;
    assert!(b.all("#diagnostics li.diag.error").await.is_empty());
    b.scroll_to("#rules-title").await;
    b.screenshot("playground-yaml").await;

    // At a phone's width nothing runs off the side.
    b.resize(390, 844).await;
    b.screenshot("playground-phone").await;
    let wide = b.run_js(WIDER_THAN_THE_WINDOW, json!([])).await;
    assert_eq!(wide, json!([]), "wider than a phone");
}

/// Waits until `support`'s agreement named `name` has `status`.
async fn wait_status(api: &serve::Api, name: &str, status: &str) {
    let started = Instant::now();
    loop {
        let (_, list) = api.get("/api/v2/sharing_agreements").await;
        let items = list["sharing_agreements"].as_array().cloned();
        let found = items
            .unwrap_or_default()
            .into_iter()
            .find(|a| a["name"] == name);
        if found.as_ref().is_some_and(|a| a["status"] == status) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "agreement `{name}` never became {status}: {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Logs in on `/login` with an email and token; lands on `/tickets`.
async fn log_in(b: &Browser, base: &str, email: &str, token: &str, shot: Option<&str>) {
    b.goto(&format!("{base}/login")).await;
    if let Some(name) = shot {
        both_widths(b, name).await;
    }
    b.type_in(&b.find("input#email").await, email).await;
    b.type_in(&b.find("input#token").await, token).await;
    b.click(&b.find("button[type=submit]").await).await;
    let started = Instant::now();
    while !b.url().await.contains("/tickets") {
        assert!(
            started.elapsed() < browser::WAIT,
            "login did not land on /tickets"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_follows_a_share_and_marks_a_failed_agreement() {
    let Some(b) = Browser::start("console").await else {
        return;
    };
    let desk = two_accounts("browser-console");
    let rules = desk.write(
        "support.rules",
        "trigger \"Share with Acme\" {\n  when Ticket is Created and Tags contains at least one of camera\n  then Share ticket with \"acme\"\n}\n",
    );
    let support_rules = format!("support={}", rules.display());
    let server = desk.serve(&[&support_rules]);
    let support = server.user(&desk, "support", "admin@support.example");
    let acme = server.user(&desk, "acme", "admin@acme.example");

    // Support and Acme agree; a ticket tagged `camera` is shared.
    let invited = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"remote_subdomain": "acme"}}),
        )
        .await;
    assert_eq!(invited.0, 201, "{}", invited.1);
    let (_, theirs) = acme.get("/api/v2/sharing_agreements").await;
    let inbound = theirs["sharing_agreements"][0]["id"].as_i64().unwrap();
    let accepted = acme
        .put(
            &format!("/api/v2/sharing_agreements/{inbound}"),
            json!({"sharing_agreement": {"status": "accepted"}}),
        )
        .await;
    assert_eq!(accepted.0, 200, "{}", accepted.1);
    let subject = "Lens cracked in transit";
    let made = support
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": subject, "tags": ["camera"]}}),
        )
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let links = &made.1["ticket"]["sharing_agreements"];
    assert_eq!(links[0]["partner"], "acme", "not shared: {}", made.1);
    let id = made.1["ticket"]["id"].as_i64().unwrap();

    // A remote partner that answers 404 (no account `nobody` on this
    // server): the delivery worker marks its agreement failed.
    let ghost = format!("{}/sharing/nobody", server.base);
    let far = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"receiver_url": ghost, "name": "Ghost"}}),
        )
        .await;
    assert_eq!(far.0, 201, "{}", far.1);
    wait_status(&support, "Ghost", "failed").await;

    // Acme first, so the ticket page below is support's, whose ticket
    // the id is; the session holds both to follow the link to Acme's copy.
    let base = &server.base;
    log_in(&b, base, acme.email(), acme.token(), Some("console-login")).await;
    log_in(&b, base, support.email(), support.token(), None).await;
    both_widths(&b, "console-tickets").await;

    b.goto(&format!("{base}/tickets/{id}")).await;
    both_widths(&b, "console-ticket").await;
    b.click(&b.find("a.partner-copy").await).await;
    b.find("main[data-account=acme]").await;
    let heading = b.text(&b.find("h1").await).await;
    assert_eq!(heading.trim(), subject);
    both_widths(&b, "console-partner-copy").await;

    b.goto(&format!("{base}/network?account=support")).await;
    b.find("[data-status=failed]").await;
    both_widths(&b, "console-network").await;
    b.click(&b.find("tr[data-status=accepted] a").await).await;
    b.find("main[data-account=support]").await;
    both_widths(&b, "console-agreement").await;

    b.goto(&format!("{base}/rules?account=support")).await;
    b.find("main[data-account=support]").await;
    both_widths(&b, "console-rules").await;

    // The playground needs no login, but shows who is logged in, in the
    // same nav as every console page.
    b.goto(&format!("{base}/playground")).await;
    checked(&b).await;
    let current = b.find("nav a[aria-current=page]").await;
    assert_eq!(b.text(&current).await.trim(), "Playground");
    let who = b.text(&b.find("nav .who").await).await;
    assert!(who.contains(support.email()), "{who}");
    both_widths(&b, "console-playground").await;
}
