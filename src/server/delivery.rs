//! The delivery worker: sends the outbox rows meant for partners on other
//! servers over the Networked Help Desk API.
//!
//! - Rows go in order per *lane* (one ticket's rows, or one agreement's
//!   status changes): a row is sent only once the one before it in its
//!   lane is delivered, so an update never overtakes its share.
//! - Timeouts, refused connections, 5xx and 408/409/429 are retried with
//!   exponential backoff and jitter; the attempts, the last error and the
//!   next try are in the store, so a restarted worker picks up where it
//!   was.
//! - Any other 4xx marks the agreement `failed`, a TLS failure
//!   `ssl_error`, a malformed URL or a host that does not resolve
//!   `configuration_error`; that agreement's rows then wait, untried.
//! - `agreements retry` ([`retry`]) puts a faulted agreement back to its
//!   status before the fault, and its rows are sent again.
//! - Rows for partners with no sharing URL (invited by subdomain) are
//!   left for another transport (`outbox ack`).

use super::partner::{HostDown, PartnerHost, DELIVERY_HEADER, TOKEN_HEADER};
use crate::model::{AgreementStatus, Direction, Time};
use crate::sharing::agreements::stamp;
use crate::sharing::remote::{sharing_url, Invite};
use crate::store::{OutboxEntry, Store, StoreError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct Config {
    /// The first retry's delay; each next one doubles, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// How often to look for new rows when there is nothing to send.
    pub poll: Duration,
    /// A send that takes longer is a timeout, and retried.
    pub timeout: Duration,
    /// Lanes sent side by side.
    pub parallel: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            poll: Duration::from_millis(250),
            timeout: Duration::from_secs(30),
            parallel: 16,
        }
    }
}

/// The HTTP client deliveries go through (rustls, no OpenSSL).
pub fn client(config: &Config) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .build()
}

/// One outbox row as a request.
#[derive(Clone, Debug)]
pub struct Job {
    pub seq: i64,
    pub attempts: i64,
    /// The sending side: its account and agreement id.
    pub account: String,
    pub agreement_id: i64,
    pub post: bool,
    pub url: String,
    pub token: Option<String>,
    pub body: Value,
}

/// How one send went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// Try again later.
    Retry(String),
    /// The agreement goes to this status; the row waits.
    Fault(AgreementStatus, String),
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub delivered: usize,
    pub retried: usize,
    pub faults: usize,
}

impl Pass {
    fn count(&mut self, sent: &Sent) {
        match sent {
            Sent::Delivered => self.delivered += 1,
            Sent::Retry(_) => self.retried += 1,
            Sent::Fault(..) => self.faults += 1,
        }
    }

    pub fn sent(&self) -> usize {
        self.delivered + self.retried + self.faults
    }
}

/// Runs passes until `stop` resolves.
pub async fn run<H: PartnerHost>(
    host: H,
    client: reqwest::Client,
    config: Config,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        let idle = match pass(&host, &client, &config).await {
            Ok(p) => p.delivered == 0,
            Err(HostDown) => return,
        };
        let wait = if idle { config.poll } else { Duration::ZERO };
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Sends every row that is due, lane by lane (up to `parallel` lanes side
/// by side), and records the results in batches of [`RECORD_BATCH`]. A
/// send whose result was not recorded (the process died) is sent again;
/// the partner applies it once, by its delivery id.
pub async fn pass<H: PartnerHost>(
    host: &H,
    client: &reqwest::Client,
    config: &Config,
) -> Result<Pass, HostDown> {
    let public_url = host.public_url();
    let now = chrono::Utc::now();
    let lanes = host
        .write(move |store| due(store, &public_url, now))
        .await?
        .unwrap_or_else(|e| {
            tracing::error!("delivery: cannot read the outbox: {e}");
            Vec::new()
        });
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(config.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for lane in lanes {
        let (client, config, permits) = (client.clone(), config.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            send_lane(&client, &config, lane).await
        });
    }
    let mut total = Pass::default();
    let mut results = Vec::new();
    while let Some(done) = tasks.join_next().await {
        for (_, sent, _) in done.as_ref().map_or(&[][..], Vec::as_slice) {
            total.count(sent);
        }
        results.extend(done.unwrap_or_default());
        if results.len() >= RECORD_BATCH {
            record_all(host, std::mem::take(&mut results)).await?;
        }
    }
    record_all(host, results).await?;
    Ok(total)
}

/// Results recorded per write.
pub const RECORD_BATCH: usize = 64;

/// A send's result, and the wait before a retry.
type Outcome = (Job, Sent, Duration);

/// Sends a lane's rows in order, up to the first that is not delivered.
async fn send_lane(client: &reqwest::Client, config: &Config, lane: Vec<Job>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for job in lane {
        let sent = send(client, &job).await;
        let delivered = sent == Sent::Delivered;
        let delay = backoff(config, job.attempts);
        out.push((job, sent, delay));
        if !delivered {
            break;
        }
    }
    out
}

/// Records results in one write, telling the host of each.
async fn record_all<H: PartnerHost>(host: &H, results: Vec<Outcome>) -> Result<(), HostDown> {
    if results.is_empty() {
        return Ok(());
    }
    for (job, sent, _) in &results {
        let result = match sent {
            Sent::Delivered => "delivered",
            Sent::Retry(_) => "retry",
            Sent::Fault(status, _) => status.as_str(),
        };
        host.delivered(partner_of(&job.url), result);
    }
    let recorded = host
        .write(move |store| {
            store.transaction(|| {
                results
                    .iter()
                    .try_for_each(|(job, sent, delay)| record(store, job, sent, *delay))
            })
        })
        .await?;
    if let Err(e) = recorded {
        tracing::error!("delivery: cannot record sends: {e}");
    }
    Ok(())
}

/// The partner's sharing URL a request goes to: what comes before its
/// `/agreements/{uuid}` or `/tickets/{uuid}`.
fn partner_of(url: &str) -> &str {
    ["/tickets/", "/agreements/"]
        .iter()
        .find_map(|part| url.rsplit_once(part).map(|(base, _)| base))
        .unwrap_or(url)
}

/// The rows due now, by lane, each lane in order. A lane stops at its
/// first row that waits for a retry; rows of an agreement in a fault
/// state, or with no sharing URL, are not sent.
pub fn due(store: &Store, public_url: &str, now: Time) -> Result<Vec<Vec<Job>>, StoreError> {
    let mut lanes: BTreeMap<(String, i64), (bool, Vec<Job>)> = BTreeMap::new();
    for entry in store.pending_outbox()? {
        let Some((agreement_id, lane)) = lane_of(&entry) else {
            continue;
        };
        let slot = lanes.entry((entry.account.clone(), lane)).or_default();
        if slot.0 {
            continue;
        }
        let waits = entry.next_attempt_at.is_some_and(|t| t > now);
        let job = if waits {
            None
        } else {
            job(store, public_url, &entry, agreement_id)?
        };
        match job {
            Some(job) => slot.1.push(job),
            // What is not sent now holds back what follows it.
            None => slot.0 = true,
        }
    }
    Ok(lanes
        .into_values()
        .map(|(_, jobs)| jobs)
        .filter(|jobs| !jobs.is_empty())
        .collect())
}

/// The agreement an outbox row goes over, if it names one.
pub fn agreement_of(entry: &OutboxEntry) -> Option<i64> {
    lane_of(entry).map(|(id, _)| id)
}

/// A row's agreement id and lane: the ticket, or (negative) the agreement.
fn lane_of(entry: &OutboxEntry) -> Option<(i64, i64)> {
    let payload: Value = serde_json::from_str(&entry.payload).ok()?;
    match entry.kind.as_str() {
        "agreement" => {
            let id = payload["sharing_agreement"]["id"].as_i64()?;
            Some((id, -id))
        }
        "share" | "update" | "unshare" => {
            let id = payload["agreement_id"].as_i64()?;
            Some((id, entry.ticket_id))
        }
        _ => None,
    }
}

/// The request for a row; `None` when it is not for this worker or its
/// agreement is in a fault state.
fn job(
    store: &Store,
    public_url: &str,
    entry: &OutboxEntry,
    agreement_id: i64,
) -> Result<Option<Job>, StoreError> {
    let Some(key) = store.agreement_key(&entry.account, agreement_id)? else {
        return Ok(None);
    };
    let Some(side) = store.agreement(&entry.account, agreement_id)? else {
        return Ok(None);
    };
    if is_fault(side.status) {
        return Ok(None);
    }
    let payload: Value = serde_json::from_str(&entry.payload).unwrap_or_default();
    let base = key.partner_url.trim_end_matches('/');
    let token = Some(key.token());
    let (post, url, body, token) = if entry.kind == "agreement" {
        let status = payload["sharing_agreement"]["status"]
            .as_str()
            .unwrap_or("");
        let url = format!("{base}/agreements/{}", key.uuid);
        if status == "pending" && side.direction == Direction::Outbound {
            let sender = sharing_url(public_url, &entry.account);
            let invite = Invite::of(&side, &key, sender);
            (
                true,
                url,
                serde_json::to_value(invite).unwrap_or_default(),
                None,
            )
        } else {
            let body = serde_json::to_value(Invite::status(&key.uuid, status));
            (false, url, body.unwrap_or_default(), token)
        }
    } else {
        let ticket = payload["ticket"].clone();
        let uuid = ticket["uuid"].as_str().unwrap_or_default();
        let url = format!("{base}/tickets/{uuid}");
        (entry.kind == "share", url, ticket, token)
    };
    Ok(Some(Job {
        seq: entry.seq,
        attempts: entry.attempts,
        account: entry.account.clone(),
        agreement_id,
        post,
        url,
        token,
        body,
    }))
}

fn is_fault(status: AgreementStatus) -> bool {
    matches!(
        status,
        AgreementStatus::Failed | AgreementStatus::SslError | AgreementStatus::ConfigurationError
    )
}

/// Sends one row and says how it went.
pub async fn send(client: &reqwest::Client, job: &Job) -> Sent {
    let url = match reqwest::Url::parse(&job.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            let why = format!("`{}` is not an http(s) URL", job.url);
            return Sent::Fault(AgreementStatus::ConfigurationError, why);
        }
    };
    let request = if job.post {
        client.post(url)
    } else {
        client.put(url)
    };
    let mut request = request
        .json(&job.body)
        .header(DELIVERY_HEADER, job.seq.to_string());
    if let Some(token) = &job.token {
        request = request.header(TOKEN_HEADER, token);
    }
    match request.send().await {
        Ok(response) => by_status(response).await,
        Err(e) => by_error(&e),
    }
}

/// A partner's answer, by its status code.
async fn by_status(response: reqwest::Response) -> Sent {
    let status = response.status();
    if status.is_success() {
        return Sent::Delivered;
    }
    let body = response.text().await.unwrap_or_default();
    let why = format!("{status}: {}", body.chars().take(300).collect::<String>());
    match status.as_u16() {
        408 | 409 | 429 => Sent::Retry(why),
        400..=499 => Sent::Fault(AgreementStatus::Failed, why),
        _ => Sent::Retry(why),
    }
}

/// A send that got no answer: TLS, a name that does not resolve, or (to
/// retry) a timeout or a partner that is down.
fn by_error(e: &reqwest::Error) -> Sent {
    let why = chain(e);
    if e.is_builder() {
        return Sent::Fault(AgreementStatus::ConfigurationError, why);
    }
    if is_tls(e) {
        return Sent::Fault(AgreementStatus::SslError, why);
    }
    if why.contains("dns error") {
        return Sent::Fault(AgreementStatus::ConfigurationError, why);
    }
    Sent::Retry(why)
}

/// An error with its causes, `: `-separated.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

/// Does a rustls error lie in the chain? An `io::Error` hides the error
/// it wraps from `source` (and hyper wraps one `io::Error` in another),
/// so the walk goes into it.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = next {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as _),
            None => cause.source(),
        };
    }
    false
}

/// The wait before the next try after `attempts` failed ones: the base
/// doubled each time, capped, then jittered into its upper half so that
/// rows failing together do not retry together.
pub fn backoff(config: &Config, attempts: i64) -> Duration {
    let doubling = 2u32.saturating_pow(attempts.clamp(0, 30) as u32);
    let full = config
        .base_delay
        .saturating_mul(doubling)
        .min(config.max_delay);
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    full / 2 + full.mul_f64(f64::from(byte[0]) / 255.0) / 2
}

/// Writes how a send went: delivered, a retry due after `delay`, or the
/// agreement's fault.
pub fn record(store: &Store, job: &Job, sent: &Sent, delay: Duration) -> Result<(), StoreError> {
    let now = chrono::Utc::now();
    store.transaction(|| match sent {
        Sent::Delivered => store.outbox_delivered(job.seq).map(drop),
        Sent::Retry(why) => {
            tracing::warn!(seq = job.seq, url = %job.url, "delivery will be retried: {why}");
            let next = now + chrono::Duration::from_std(delay).unwrap_or_default();
            store.outbox_attempted(job.seq, why, Some(next)).map(drop)
        }
        Sent::Fault(status, why) => {
            tracing::error!(seq = job.seq, url = %job.url, "agreement is now {}: {why}", status.as_str());
            store.outbox_attempted(job.seq, why, None)?;
            let at = stamp(now);
            store
                .set_agreement_status(&job.account, job.agreement_id, *status, &at)
                .map(drop)
        }
    })
}

pub mod retry;

#[cfg(test)]
mod tests;
