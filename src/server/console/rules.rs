//! `GET /rules`: the account's triggers and automations in the order they
//! run (inactive ones too, marked), each with what `check` warns of it
//! and how often it fired in the last 7 days, from the audit trail; a rule
//! the audit trail never names is marked "never fired".

use super::layout::{layout, Nav};
use super::page::{read, table, PageError};
use super::session::Viewer;
use crate::server::rules::Listed;
use crate::server::AppState;
use axum::extract::State;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// How far back "recently" looks.
const DAYS: i64 = 7;

/// Firings by rule title: in the last [`DAYS`], and ever.
struct Fired {
    recent: BTreeMap<String, u64>,
    ever: BTreeMap<String, u64>,
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, PageError> {
    let rules = state.rules();
    let listed = rules.listed(viewer.account());
    let account = viewer.account().to_string();
    let now = chrono::Utc::now();
    let fired = read(&state, &viewer, move |store| {
        let since = now - chrono::Duration::days(DAYS);
        let recent = store.fire_counts(&account, &since)?;
        let ever = store.fire_counts(&account, &chrono::DateTime::UNIX_EPOCH)?;
        Ok(Fired { recent, ever })
    })
    .await?;
    let body = html! {
        h1 { "Rules" }
        p.lede { "The rules " (viewer.account()) " runs, in order. Fired: how many tickets each changed in the last " (DAYS) " days, from the audit trail." }
        @for (kind, heading) in [("trigger", "Triggers"), ("automation", "Automations")] {
            @let these: Vec<&Listed> = listed.iter().filter(|r| r.kind == kind).collect();
            section aria-labelledby={ (kind) "-h" } {
                h2 id={ (kind) "-h" } { (heading) }
                (listing(&these, &fired))
            }
        }
    };
    Ok(layout("Rules", Some(&viewer), Nav::Rules, body))
}

fn listing(rules: &[&Listed], fired: &Fired) -> Markup {
    let fired_heading = format!("Fired ({DAYS} days)");
    html! {
        @if rules.is_empty() {
            p { "None." }
        } @else {
            (table(None, &["#", "Title", "State", &fired_heading, "Warnings", "Where"], html! {
                @for (i, rule) in rules.iter().enumerate() {
                    @let recent = fired.recent.get(&rule.title).copied().unwrap_or(0);
                    @let never = !fired.ever.contains_key(&rule.title);
                    tr class=[(!rule.active).then_some("inactive")] {
                        td { (i + 1) }
                        td.title { (rule.title) }
                        td {
                            @if rule.active { "active" } @else { span.badge.stopped { "inactive" } }
                        }
                        td.fired {
                            (recent)
                            @if never { " " span.badge.never { "never fired" } }
                        }
                        td { (warnings(&rule.warnings)) }
                        td { code { (rule.at) } }
                    }
                }
            }))
        }
    }
}

fn warnings(list: &[String]) -> Markup {
    html! {
        @if list.is_empty() {
            "-"
        } @else {
            ul.warnings {
                @for w in list {
                    @let (text, help) = w.split_once("\nhelp: ").map_or((w.as_str(), None), |(t, h)| (t, Some(h)));
                    li { "warning: " (text) @if let Some(h) = help { br; span.help { "help: " (h) } } }
                }
            }
        }
    }
}
