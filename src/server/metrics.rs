//! Counters for `GET /metrics`, in Prometheus' text format: events
//! applied and rejected, rules fired, request latency as a histogram,
//! writer batches, outbox depth, deliveries by partner and result, and
//! automation runs. Plain atomics: no exporter crate is needed for a
//! format this small.

use crate::ingest::{Processed, Summary};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Everything `/metrics` shows.
#[derive(Default)]
pub struct Metrics {
    applied: AtomicU64,
    rejected: AtomicU64,
    rules_fired: AtomicU64,
    automation_runs: AtomicU64,
    replies_posted: AtomicU64,
    batches: AtomicU64,
    batched_writes: AtomicU64,
    latency: Histogram,
    /// By method and status.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// By partner and result (set by the delivery worker).
    deliveries: Mutex<BTreeMap<(String, String), u64>>,
}

#[derive(Default)]
struct Histogram {
    /// One count per bucket, not cumulative; the last is above every bound.
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts what one event (and what it set off) did.
    pub fn processed(&self, p: &Processed) {
        let s = Summary::of(p);
        self.applied.fetch_add(s.applied as u64, Relaxed);
        self.rejected.fetch_add(s.rejected as u64, Relaxed);
        self.rules_fired.fetch_add(s.rules_fired as u64, Relaxed);
    }

    /// Counts an automation run of the clock, and the rules it fired.
    pub fn automation_run(&self, changed: usize, rules_fired: usize) {
        self.automation_runs.fetch_add(1, Relaxed);
        self.applied.fetch_add(changed as u64, Relaxed);
        self.rules_fired.fetch_add(rules_fired as u64, Relaxed);
    }

    /// Counts scheduled replies the clock posted.
    pub fn replies(&self, summary: &Summary) {
        self.replies_posted
            .fetch_add(summary.applied as u64, Relaxed);
        self.applied.fetch_add(summary.applied as u64, Relaxed);
        self.rejected.fetch_add(summary.rejected as u64, Relaxed);
        self.rules_fired
            .fetch_add(summary.rules_fired as u64, Relaxed);
    }

    /// Counts one transaction of the writer and the closures in it.
    pub fn batch(&self, size: usize) {
        self.batches.fetch_add(1, Relaxed);
        self.batched_writes.fetch_add(size as u64, Relaxed);
    }

    /// Counts one answered request.
    pub fn request(&self, method: &str, status: u16, took: Duration) {
        let bucket = BUCKETS
            .iter()
            .position(|b| took.as_secs_f64() <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency.counts[bucket].fetch_add(1, Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency.sum_micros.fetch_add(micros, Relaxed);
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((method.to_string(), status)).or_default() += 1;
        }
    }

    /// Counts one delivery to a partner (`ok`, `retry`, `failed`, ...).
    pub fn delivery(&self, partner: &str, result: &str) {
        if let Ok(mut deliveries) = self.deliveries.lock() {
            *deliveries
                .entry((partner.to_string(), result.to_string()))
                .or_default() += 1;
        }
    }

    /// The text `/metrics` answers; `outbox_depth` is read from the store
    /// at the time of asking.
    pub fn render(&self, outbox_depth: usize) -> String {
        let mut out = String::new();
        let counters = [
            (
                "ticket_rules_events_applied_total",
                "Events applied: API writes, scheduled replies, automation updates",
                &self.applied,
            ),
            (
                "ticket_rules_events_rejected_total",
                "Events rejected",
                &self.rejected,
            ),
            (
                "ticket_rules_rules_fired_total",
                "Triggers and automations fired",
                &self.rules_fired,
            ),
            (
                "ticket_rules_automation_runs_total",
                "Automation runs of the clock",
                &self.automation_runs,
            ),
            (
                "ticket_rules_scheduled_replies_posted_total",
                "Scheduled replies the clock posted",
                &self.replies_posted,
            ),
            (
                "ticket_rules_writer_batches_total",
                "Transactions the writer committed",
                &self.batches,
            ),
            (
                "ticket_rules_writer_batched_writes_total",
                "Writes committed in those transactions",
                &self.batched_writes,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Relaxed)
            );
        }
        let name = "ticket_rules_outbox_depth";
        let _ = writeln!(out, "# HELP {name} Outbox rows not yet delivered\n# TYPE {name} gauge\n{name} {outbox_depth}");
        self.render_latency(&mut out);
        self.render_maps(&mut out);
        out
    }

    fn render_latency(&self, out: &mut String) {
        let name = "ticket_rules_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time to answer a request\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (i, count) in self.latency.counts.iter().enumerate() {
            cumulative += count.load(Relaxed);
            let le = BUCKETS.get(i).map_or("+Inf".to_string(), f64::to_string);
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {cumulative}");
        }
        let sum = self.latency.sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {cumulative}");
    }

    fn render_maps(&self, out: &mut String) {
        let name = "ticket_rules_requests_total";
        let _ = writeln!(
            out,
            "# HELP {name} Requests answered, by method and status\n# TYPE {name} counter"
        );
        if let Ok(requests) = self.requests.lock() {
            for ((method, status), n) in requests.iter() {
                let _ = writeln!(out, "{name}{{method=\"{method}\",status=\"{status}\"}} {n}");
            }
        }
        let name = "ticket_rules_deliveries_total";
        let _ = writeln!(
            out,
            "# HELP {name} Outbox deliveries, by partner and result\n# TYPE {name} counter"
        );
        if let Ok(deliveries) = self.deliveries.lock() {
            for ((partner, result), n) in deliveries.iter() {
                let partner = label(partner);
                let _ = writeln!(
                    out,
                    "{name}{{partner=\"{partner}\",result=\"{result}\"}} {n}"
                );
            }
        }
    }
}

/// A label value as the text format escapes it.
fn label(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_cumulative() {
        let m = Metrics::default();
        m.request("GET", 200, Duration::from_micros(500));
        m.request("PUT", 200, Duration::from_millis(20));
        m.request("PUT", 422, Duration::from_secs(30));
        m.delivery("partner \"x\"", "ok");
        let text = m.render(3);
        assert!(text.contains("ticket_rules_request_duration_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("ticket_rules_request_duration_seconds_bucket{le=\"0.025\"} 2\n"));
        assert!(text.contains("ticket_rules_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("ticket_rules_requests_total{method=\"PUT\",status=\"422\"} 1\n"));
        assert!(text.contains("ticket_rules_outbox_depth 3\n"));
        assert!(text.contains("partner=\"partner \\\"x\\\"\""));
    }
}
