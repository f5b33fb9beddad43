//! The frame every console page shares: the head, a skip link, the nav
//! (with `aria-current="page"` on the page shown) and who is logged in.

use super::session::{with_account, Viewer};
use maud::{html, Markup, DOCTYPE};

/// The nav's items; `None` marks no item current (the login page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Playground,
    Tickets,
    Network,
    Rules,
    Login,
    None,
}

/// The nav's links, in order.
const ITEMS: [(Nav, &str, &str); 4] = [
    (Nav::Playground, "/playground", "Playground"),
    (Nav::Tickets, "/tickets", "Tickets"),
    (Nav::Network, "/network", "Network"),
    (Nav::Rules, "/rules", "Rules"),
];

/// A whole page: `body` inside the frame, titled `title`.
pub fn layout(title: &str, viewer: Option<&Viewer>, current: Nav, body: Markup) -> Markup {
    styled_layout(title, viewer, current, &[], body)
}

/// [`layout`] with more stylesheets after the console's own, for a page
/// (the playground) that brings its own.
pub fn styled_layout(
    title: &str,
    viewer: Option<&Viewer>,
    current: Nav,
    styles: &[&str],
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · ticket-rules" }
                link rel="stylesheet" href="/assets/console.css";
                @for href in styles {
                    link rel="stylesheet" href=(href);
                }
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    (nav(viewer, current))
                }
                main #main data-account=[viewer.map(Viewer::account)] {
                    (body)
                }
            }
        }
    }
}

fn nav(viewer: Option<&Viewer>, current: Nav) -> Markup {
    html! {
        nav aria-label="Console" {
            ul.nav {
                @for (item, href, label) in ITEMS {
                    @let href = match (viewer, item) {
                        (Some(v), Nav::Tickets | Nav::Network | Nav::Rules) => v.link(href),
                        _ => href.to_string(),
                    };
                    li {
                        a href=(href) aria-current=[(item == current).then_some("page")] { (label) }
                    }
                }
            }
            (who(viewer, current))
        }
    }
}

/// Who is logged in (with the other accounts of the session), or a login
/// link.
fn who(viewer: Option<&Viewer>, current: Nav) -> Markup {
    let login_current = (current == Nav::Login).then_some("page");
    html! {
        div.who {
            @if let Some(v) = viewer {
                span { (v.caller.email) " · " strong { (v.account()) } }
                @for other in v.accounts.iter().filter(|a| a.as_str() != v.account()) {
                    " " a href=(with_account("/tickets", other)) { "switch to " (other) }
                }
                " " a href="/login" aria-current=[login_current] { "Log in to another account" }
                form.inline method="post" action="/logout" {
                    button type="submit" { "Log out" }
                }
            } @else {
                a href="/login" aria-current=[login_current] { "Log in" }
            }
        }
    }
}
