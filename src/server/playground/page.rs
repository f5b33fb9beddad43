//! The page at `/playground`, rendered on the server with the sample's
//! rules, ticket and event already in the editors, so it reads without
//! its script; the script adds live diagnostics, runs and share links.

use super::sample;
use crate::server::console::{styled_layout, Nav, Viewer};
use crate::server::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use maud::{html, Markup, PreEscaped};

/// `GET /playground`: no login needed, but a logged-in viewer sees
/// themself in the nav, as on every console page.
pub async fn show(State(state): State<AppState>, mut parts: Parts) -> Markup {
    let viewer = Viewer::from_request_parts(&mut parts, &state).await.ok();
    render(viewer.as_ref())
}

/// The whole page.
pub fn render(viewer: Option<&Viewer>) -> Markup {
    styled_layout(
        "Rule playground",
        viewer,
        Nav::Playground,
        &["/playground/assets/playground.css"],
        html! {
            div #playground data-home=(sample::HOME) {
                h1 { "Rule playground" }
                p.intro {
                    "Edit the triggers of two help desks that share tickets — "
                    strong { "support" } " and its partner " strong { "acme" }
                    " — then run a ticket through them. Nothing is saved: every run happens in memory on sample data."
                }
                div.columns {
                    (rules_section())
                    (input_section())
                }
                (actions())
                section #result aria-labelledby="result-title" aria-live="polite" {
                    h2 #result-title { "Result" }
                    p.hint { "Press " kbd { "Ctrl" } "+" kbd { "Enter" } " or " em { "Run" } " to see what fires." }
                }
            }
            script src="/playground/assets/playground.js" {}
        },
    )
}

fn rules_section() -> Markup {
    html! {
        section.rules aria-labelledby="rules-title" {
            h2 #rules-title { "Rules" }
            div.tabs role="tablist" aria-label="Accounts" {
                @for (i, a) in sample::ACCOUNTS.iter().enumerate() {
                    button.tab role="tab" type="button" id={"tab-" (a.name)}
                        aria-controls={"panel-" (a.name)}
                        aria-selected=(if i == 0 { "true" } else { "false" })
                        tabindex=(if i == 0 { "0" } else { "-1" }) {
                        (a.name) " " span.role { "(" (a.role) ")" }
                    }
                }
            }
            @for (i, a) in sample::ACCOUNTS.iter().enumerate() {
                div.panel role="tabpanel" id={"panel-" (a.name)} aria-labelledby={"tab-" (a.name)}
                    hidden[i != 0] data-account=(a.name) {
                    div.toolbar {
                        label for={"name-" (a.name)} { "File" }
                        input.file-name type="text" id={"name-" (a.name)} value=(a.file)
                            aria-describedby="syntax-hint";
                        button.convert type="button" data-to="yaml" { "To YAML" }
                        button.convert type="button" data-to="dsl" { "To DSL" }
                    }
                    (editor(&format!("rules-{}", a.name), &format!("Rules of {}", a.name), a.rules, "rules"))
                }
            }
            p #syntax-hint .hint { "A name ending " code { ".rules" } " is the rule language; " code { ".yaml" } " is Zendesk-shaped YAML." }
            h3 #diagnostics-title { "Diagnostics" }
            ul #diagnostics aria-labelledby="diagnostics-title" aria-live="polite" aria-busy="true" {
                li.none { "Not checked yet." }
            }
        }
    }
}

fn input_section() -> Markup {
    html! {
        section.inputs aria-labelledby="inputs-title" {
            h2 #inputs-title { "Ticket and event" }
            (editor("ticket", "Ticket (JSON)", sample::TICKET, "json"))
            (editor("event", "Event (JSON)", sample::CREATE_EVENT, "json"))
            div.toolbar role="group" aria-label="Event templates" {
                button.template type="button" data-template="create" { "Template: create" }
                button.template type="button" data-template="update" { "Template: update" }
            }
            script #templates type="application/json" {
                (PreEscaped(templates()))
            }
        }
    }
}

fn actions() -> Markup {
    html! {
        div.actions {
            button #run type="button" aria-keyshortcuts="Control+Enter" { "Run" }
            button #share type="button" { "Share link" }
            label for="share-link" .sr-only { "The link to share" }
            input #share-link type="url" readonly placeholder="a link with these rules, ticket and event";
        }
    }
}

/// A labelled textarea with a line-number gutter beside it.
fn editor(id: &str, label: &str, text: &str, kind: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            div.editor data-kind=(kind) {
                div.gutter aria-hidden="true" {}
                textarea id=(id) spellcheck="false" autocapitalize="off" autocomplete="off"
                    wrap="off" rows="14" { (text) }
            }
        }
    }
}

/// The event templates as JSON, for the template buttons; `<` escaped so
/// no text can end the script element.
fn templates() -> String {
    serde_json::json!({ "create": sample::CREATE_EVENT, "update": sample::UPDATE_EVENT })
        .to_string()
        .replace('<', "\\u003c")
}
