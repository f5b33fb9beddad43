//! The network picture: accounts as nodes on a circle (this server's
//! accounts as filled circles, remote partners as dashed squares) and
//! agreements as arrows sender → receiver. Each status has a colour, a
//! dash pattern and its name written on the arrow, so colour is never
//! the only sign. Arrows between the same two nodes (parallel or
//! opposite) are offset side by side, and their labels run along them,
//! so labels never sit on each other.
//!
//! Every SVG element is closed explicitly (`{}`): inside `<svg>` an HTML
//! parser does not treat `<line>` as void, so an unclosed one would
//! swallow what follows it.

use crate::model::AgreementStatus;
use maud::{html, Markup};
use std::collections::BTreeMap;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 440.0;
/// The circle the nodes sit on.
const RING: f64 = 160.0;
/// A node's radius (half a remote square's side).
const NODE: f64 = 26.0;
/// The gap between arrows that join the same two nodes.
const GAP: f64 = 24.0;

/// An account in the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    /// A partner on another server.
    pub remote: bool,
}

/// An agreement in the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    pub status: AgreementStatus,
    pub name: String,
    pub href: String,
}

/// A status's colour and dash pattern (`None`: solid). Every colour
/// holds at least 4.5:1 against white.
pub fn style(status: AgreementStatus) -> (&'static str, Option<&'static str>) {
    match status {
        AgreementStatus::Accepted => ("#1a7f37", None),
        AgreementStatus::Pending => ("#8a5300", Some("8 4")),
        AgreementStatus::Declined => ("#57606a", Some("2 4")),
        AgreementStatus::Inactive => ("#424a53", Some("12 4 2 4")),
        AgreementStatus::Failed => ("#c21f2c", Some("6 3")),
        AgreementStatus::SslError => ("#a0111f", Some("1 3")),
        AgreementStatus::ConfigurationError => ("#7a3ed6", Some("10 3 2 3 2 3")),
    }
}

/// Where node `i` of `n` sits.
fn place(i: usize, n: usize) -> (f64, f64) {
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    if n <= 1 {
        return (cx, cy);
    }
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    (cx + RING * angle.cos(), cy + RING * angle.sin())
}

/// The picture, titled `title`.
pub fn picture(title: &str, nodes: &[Node], arrows: &[Arrow]) -> Markup {
    let at: Vec<(f64, f64)> = (0..nodes.len()).map(|i| place(i, nodes.len())).collect();
    let offsets = offsets(arrows);
    html! {
        svg.network xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-labelledby="network-title" {
            title #network-title { (title) }
            defs {
                @for status in AgreementStatus::ALL {
                    marker id={ "head-" (status.as_str()) } viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                        path d="M0,0 L10,5 L0,10 z" fill=(style(status).0) {}
                    }
                }
            }
            @for (arrow, offset) in arrows.iter().zip(&offsets) {
                (arrow_mark(arrow, at[arrow.from], at[arrow.to], *offset))
            }
            @for (node, (x, y)) in nodes.iter().zip(&at) {
                (node_mark(node, *x, *y))
            }
        }
    }
}

/// Each arrow's sideways offset: arrows joining the same two nodes, in
/// either direction, spread evenly about the line between them.
fn offsets(arrows: &[Arrow]) -> Vec<f64> {
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, a) in arrows.iter().enumerate() {
        pairs
            .entry((a.from.min(a.to), a.from.max(a.to)))
            .or_default()
            .push(i);
    }
    let mut offsets = vec![0.0; arrows.len()];
    for members in pairs.values() {
        let middle = (members.len() as f64 - 1.0) / 2.0;
        for (k, &i) in members.iter().enumerate() {
            offsets[i] = (k as f64 - middle) * GAP;
        }
    }
    offsets
}

fn arrow_mark(arrow: &Arrow, from: (f64, f64), to: (f64, f64), offset: f64) -> Markup {
    // The offset is measured on the pair's own side (lower index first),
    // so opposite arrows spread apart rather than onto each other.
    let (low, high) = if arrow.from <= arrow.to {
        (from, to)
    } else {
        (to, from)
    };
    let (dx, dy) = (high.0 - low.0, high.1 - low.1);
    let length = dx.hypot(dy).max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    let (px, py) = (-uy * offset, ux * offset);
    let sign = if arrow.from <= arrow.to { 1.0 } else { -1.0 };
    let (sx, sy) = (ux * sign, uy * sign);
    let start = (from.0 + sx * NODE + px, from.1 + sy * NODE + py);
    let end = (to.0 - sx * (NODE + 3.0) + px, to.1 - sy * (NODE + 3.0) + py);
    let mid = ((start.0 + end.0) / 2.0, (start.1 + end.1) / 2.0);
    // Text reads left to right whichever way the arrow runs.
    let mut angle = dy.atan2(dx).to_degrees();
    if angle > 90.0 {
        angle -= 180.0;
    } else if angle < -90.0 {
        angle += 180.0;
    }
    let (colour, dash) = style(arrow.status);
    let status = arrow.status.as_str();
    html! {
        a.arrow href=(arrow.href) data-status=(status)
            aria-label={ "agreement " (arrow.name) ", " (status) } {
            title { (arrow.name) ": " (status) }
            line x1=(n(start.0)) y1=(n(start.1)) x2=(n(end.0)) y2=(n(end.1))
                stroke=(colour) stroke-width="2.5" stroke-dasharray=[dash]
                marker-end={ "url(#head-" (status) ")" } {}
            text x=(n(mid.0)) y=(n(mid.1)) dy="-4" text-anchor="middle" fill=(colour)
                transform={ "rotate(" (n(angle)) " " (n(mid.0)) " " (n(mid.1)) ")" } {
                (status)
            }
        }
    }
}

fn node_mark(node: &Node, x: f64, y: f64) -> Markup {
    html! {
        g.node.remote[node.remote] {
            @if node.remote {
                rect x=(n(x - NODE)) y=(n(y - NODE)) width=(n(2.0 * NODE)) height=(n(2.0 * NODE))
                    rx="4" fill="#ffffff" stroke="#24292f" stroke-width="2" stroke-dasharray="5 3" {}
            } @else {
                circle cx=(n(x)) cy=(n(y)) r=(n(NODE)) fill="#ddf4ff" stroke="#0a3069" stroke-width="2" {}
            }
            text x=(n(x)) y=(n(y + NODE + 16.0)) text-anchor="middle" fill="#1f2328" { (node.label) }
            @if node.remote {
                text.kind x=(n(x)) y=(n(y + 4.0)) text-anchor="middle" fill="#1f2328" font-size="11" { "remote" }
            }
        }
    }
}

/// A coordinate, to one decimal.
fn n(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrow(from: usize, to: usize) -> Arrow {
        Arrow {
            from,
            to,
            status: AgreementStatus::Accepted,
            name: "a".into(),
            href: "/".into(),
        }
    }

    #[test]
    fn arrows_between_the_same_nodes_spread_apart() {
        let arrows = [arrow(0, 1), arrow(1, 0), arrow(0, 2), arrow(1, 0)];
        let got = offsets(&arrows);
        assert_eq!(got, vec![-GAP, 0.0, 0.0, GAP]);
    }

    #[test]
    fn every_status_has_its_own_dash_and_colour() {
        let styles: Vec<_> = AgreementStatus::ALL.iter().map(|s| style(*s)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a.0, b.0);
                assert_ne!(a.1, b.1);
            }
        }
    }
}
