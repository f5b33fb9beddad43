use super::*;
use crate::model::CommentTerms;
use crate::sharing::agreements::Terms;
use crate::sharing::remote::invite_remote;

fn at() -> Time {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

/// `support` has invited the remote `acme` by URL: one invite row.
fn invited() -> Store {
    let store = Store::in_memory().unwrap();
    store.add_account("support").unwrap();
    let terms = Terms {
        comments: CommentTerms::PrivateOnly,
        sync_tags: true,
        sync_custom_fields: false,
    };
    let url = "http://127.0.0.1:9/sharing/acme";
    invite_remote(&store, "support", url, "Acme Optics", terms, at()).unwrap();
    store
}

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
    let config = Config {
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
        ..Config::default()
    };
    for (attempts, full) in [(0, 1), (1, 2), (3, 8), (5, 32), (6, 60), (40, 60)] {
        let full = Duration::from_secs(full);
        for _ in 0..20 {
            let d = backoff(&config, attempts);
            assert!(d >= full / 2 && d <= full, "{attempts}: {d:?}");
        }
    }
}

#[test]
fn the_invite_goes_as_a_post_with_the_key_and_no_token() {
    let store = invited();
    let lanes = due(&store, "https://support.example", chrono::Utc::now()).unwrap();
    assert_eq!(lanes.len(), 1);
    let job = &lanes[0][0];
    let key = store.agreement_key("support", 1).unwrap().unwrap();
    assert!(job.post);
    assert_eq!(job.token, None);
    assert_eq!(
        job.url,
        format!("http://127.0.0.1:9/sharing/acme/agreements/{}", key.uuid)
    );
    assert_eq!(job.body["access_key"], key.access_key.as_str());
    assert_eq!(
        job.body["sender_url"],
        "https://support.example/sharing/support"
    );
    assert_eq!(job.body["allows_public_comments"], false);
    assert_eq!(job.body["sync_tags"], true);
    assert_eq!(job.body["status"], "pending");
}

#[test]
fn a_row_waits_for_its_retry_and_holds_back_its_lane() {
    let store = invited();
    // The agreement's next row (the sender withdraws) is in the same lane.
    crate::sharing::agreements::deactivate(&store, 1, "support", at()).unwrap();
    let now = chrono::Utc::now();
    let lanes = due(&store, "https://s.example", now).unwrap();
    assert_eq!(lanes[0].len(), 2, "both, in order");
    assert!(lanes[0][0].post && !lanes[0][1].post);
    assert_eq!(lanes[0][1].body["status"], "inactive");
    assert!(lanes[0][1].token.is_some());

    let seq = lanes[0][0].seq;
    let later = now + chrono::Duration::hours(1);
    store
        .outbox_attempted(seq, "503 Service Unavailable", Some(later))
        .unwrap();
    assert!(due(&store, "https://s.example", now).unwrap().is_empty());
    let lanes = due(&store, "https://s.example", later).unwrap();
    assert_eq!((lanes[0][0].seq, lanes[0][0].attempts), (seq, 1));
}

#[test]
fn a_faulty_agreement_and_rows_with_no_url_are_not_sent() {
    let store = invited();
    let sent = Sent::Fault(AgreementStatus::Failed, "404 Not Found".into());
    let job = due(&store, "https://s.example", chrono::Utc::now()).unwrap()[0][0].clone();
    record(&store, &job, &sent, Duration::ZERO).unwrap();
    assert_eq!(
        store.agreement("support", 1).unwrap().unwrap().status,
        AgreementStatus::Failed
    );
    let row = store.outbox_entry(job.seq).unwrap().unwrap();
    assert_eq!((row.attempts, row.acked), (1, false));
    assert_eq!(row.last_error.as_deref(), Some("404 Not Found"));
    assert!(due(&store, "https://s.example", chrono::Utc::now())
        .unwrap()
        .is_empty());

    // A remote partner invited by subdomain has no URL: another transport's.
    let plain = Store::in_memory().unwrap();
    plain.add_account("support").unwrap();
    crate::sharing::agreements::invite(&plain, "support", "acme", "A", Terms::default(), at())
        .unwrap();
    assert_eq!(plain.pending_outbox().unwrap().len(), 1);
    assert!(due(&plain, "https://s.example", chrono::Utc::now())
        .unwrap()
        .is_empty());
}

#[test]
fn a_delivered_row_is_acked_with_its_attempt_counted() {
    let store = invited();
    let job = due(&store, "https://s.example", chrono::Utc::now()).unwrap()[0][0].clone();
    record(
        &store,
        &job,
        &Sent::Retry("timed out".into()),
        Duration::ZERO,
    )
    .unwrap();
    record(&store, &job, &Sent::Delivered, Duration::ZERO).unwrap();
    let row = store.outbox_entry(job.seq).unwrap().unwrap();
    assert_eq!((row.attempts, row.acked), (2, true));
    assert!(store.pending_outbox().unwrap().is_empty());
}

#[tokio::test]
async fn urls_that_cannot_work_are_configuration_errors() {
    let client = client(&Config::default()).unwrap();
    let job = |url: &str| Job {
        seq: 1,
        attempts: 0,
        account: "support".into(),
        agreement_id: 1,
        post: true,
        url: url.into(),
        token: None,
        body: Value::Null,
    };
    for url in [
        "not a url",
        "ftp://127.0.0.1/sharing/acme",
        "http://no-such-host.invalid/sharing/acme",
    ] {
        match send(&client, &job(url)).await {
            Sent::Fault(AgreementStatus::ConfigurationError, _) => {}
            other => panic!("{url}: {other:?}"),
        }
    }
}
