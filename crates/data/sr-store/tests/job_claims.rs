//! Scheduled jobs on a shared store: each interval is claimed by exactly
//! one process, a run's outcome sets the next due time for everyone, and
//! a claimant that died is taken over once its interval has passed.
//! Against real PostgreSQL (two or more store handles, as two `serve`
//! processes hold) and SQLite.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sr_store::{JobClaim, Store};

const MINUTE: Duration = Duration::from_secs(60);

/// A fixed clock: `s` seconds after a base far from the real now.
fn at(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(2_000_000_000 + s, 0).unwrap()
}

fn won(s: i64) -> JobClaim {
    JobClaim::Won { next_due: at(s) }
}

fn held(by: &str, s: i64) -> JobClaim {
    JobClaim::Held {
        by: Some(by.into()),
        next_due: at(s),
    }
}

/// Claims `job` for `who` at second `now` and compares.
async fn check(store: &Store, who: &str, now: i64, expected: JobClaim) {
    let got = store
        .claim_job("tracker:GH", MINUTE, who, at(now))
        .await
        .unwrap();
    assert_eq!(got, expected, "{who} at {now}s");
}

/// Claims until won: a closed session's lock goes when its server process
/// has ended, a moment after the client hung up. Fails after 10 s.
async fn check_takeover(store: &Store, who: &str, now: i64, expected_next: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let got = store
            .claim_job("tracker:GH", MINUTE, who, at(now))
            .await
            .unwrap();
        if got == won(expected_next) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{who} at {now}s never took over: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The sequence two live announced claimants (PostgreSQL) follow
/// (intervals of 60 s, so the last runner's head start is 15 s).
async fn one_claim_per_interval(a_store: &Store, b_store: &Store, a: &str, b: &str) {
    check(a_store, a, 0, won(60)).await;
    check(b_store, b, 0, held(a, 60)).await;
    check(b_store, b, 59, held(a, 60)).await;
    // a finishes and schedules the next run 60 s after it.
    assert!(
        a_store
            .finish_job("tracker:GH", a, at(70), None)
            .await
            .unwrap()
    );
    check(b_store, b, 60, held(a, 70)).await;
    // Due, but a, the last runner, has until 85 to come back.
    check(b_store, b, 70, held(a, 85)).await;
    check(b_store, b, 84, held(a, 85)).await;
    check(b_store, b, 85, won(145)).await;
    check(a_store, a, 85, held(b, 145)).await;
    // A failed run's backoff is everyone's.
    assert!(
        b_store
            .finish_job("tracker:GH", b, at(200), Some("GitHub answered 502"))
            .await
            .unwrap()
    );
    check(a_store, a, 145, held(b, 200)).await;
    let record = a_store.job_record("tracker:GH").await.unwrap().unwrap();
    assert_eq!(
        (
            record.runs,
            record.last_by.as_deref(),
            record.last_error.as_deref(),
            record.claimed_by
        ),
        (2, Some(b), Some("GitHub answered 502"), None)
    );
    // Finishing a claim one no longer holds changes nothing.
    assert!(
        !a_store
            .finish_job("tracker:GH", a, at(0), None)
            .await
            .unwrap()
    );
    check(a_store, a, 200, held(b, 215)).await;
    check(b_store, b, 200, won(260)).await;
    // Released by shutdown: due at once (the real now) for anyone.
    assert!(b_store.release_job("tracker:GH", b).await.unwrap());
    assert!(!b_store.release_job("tracker:GH", b).await.unwrap(), "once");
    let got = a_store
        .claim_job("tracker:GH", MINUTE, a, Utc::now())
        .await
        .unwrap();
    assert!(matches!(got, JobClaim::Won { .. }), "{got:?}");
}

#[tokio::test]
async fn postgres_one_claim_per_interval_between_two_processes() {
    let url = sr_testkit::postgres_db().await;
    let (first, second) = (
        Store::open(&url).await.unwrap(),
        Store::open(&url).await.unwrap(),
    );
    let a = first.announce("host-a:1:1").await.unwrap();
    let b = second.announce("host-b:2:2").await.unwrap();
    one_claim_per_interval(&first, &second, &a, &b).await;
}

#[tokio::test]
async fn sqlite_one_claim_per_interval_and_no_head_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let a = store.announce("host:1:1").await.unwrap();
    assert_eq!(a, "host:1:1", "SQLite claimants are not announced");
    let b = "host:2:2";
    check(&store, &a, 0, won(60)).await;
    check(&store, b, 59, held(&a, 60)).await;
    assert!(
        store
            .finish_job("tracker:GH", &a, at(70), Some("boom"))
            .await
            .unwrap()
    );
    check(&store, b, 69, held(&a, 70)).await;
    // Unannounced, a cannot show it lives: due is due for anyone.
    check(&store, b, 70, won(130)).await;
    check(&store, &a, 70, held(b, 130)).await;
    // An unannounced claim lasts its interval (a crashed desktop session).
    check(&store, &a, 130, won(190)).await;
    assert!(
        !store
            .finish_job("tracker:GH", b, at(0), None)
            .await
            .unwrap()
    );
    let record = store.job_record("tracker:GH").await.unwrap().unwrap();
    assert_eq!(
        (
            record.runs,
            record.claimed_by.as_deref(),
            record.last_error.as_deref()
        ),
        (3, Some(a.as_str()), Some("boom"))
    );
}

#[tokio::test]
async fn a_live_claimant_keeps_a_long_run_and_a_dead_one_loses_it_after_its_interval() {
    let url = sr_testkit::postgres_db().await;
    let (first, second) = (
        Store::open(&url).await.unwrap(),
        Store::open(&url).await.unwrap(),
    );
    let a = first.announce("host-a:1:1").await.unwrap();
    let b = second.announce("host-b:2:2").await.unwrap();
    check(&first, &a, 0, won(60)).await;
    // Still running past its interval, and alive: nobody overlaps it.
    check(&second, &b, 90, held(&a, 60)).await;
    // Killed mid-run: its session ends with it.
    first.close().await;
    check_takeover(&second, &b, 90, 150).await;

    // A dead claimant is not taken over before its interval has passed.
    let third = Store::open(&url).await.unwrap();
    let c = third.announce("host-c:3:3").await.unwrap();
    second.close().await;
    check(&third, &c, 149, held(&b, 150)).await;
    check_takeover(&third, &c, 150, 210).await;
}

#[tokio::test]
async fn many_concurrent_claimers_one_winner() {
    let url = sr_testkit::postgres_db().await;
    let mut stores = Vec::new();
    for n in 0..8 {
        let store = Store::open(&url).await.unwrap();
        let me = store.announce(&format!("host-{n}:{n}:1")).await.unwrap();
        stores.push((store, me));
    }
    for round in 0..5i64 {
        let now = at(round * 60);
        let claims = stores.iter().flat_map(|(store, me)| {
            // Four claimers per process, all at once.
            (0..4).map(move |_| {
                let (store, me) = (store.clone(), me.clone());
                tokio::spawn(async move { store.claim_job("drift:demo", MINUTE, &me, now).await })
            })
        });
        let claims: Vec<_> = claims.collect();
        let mut winners = 0;
        for claim in claims {
            if matches!(claim.await.unwrap().unwrap(), JobClaim::Won { .. }) {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}");
        let record = stores[0].0.job_record("drift:demo").await.unwrap().unwrap();
        assert_eq!(
            (record.runs, record.next_due),
            (round + 1, at(round * 60 + 60))
        );
    }
}

#[tokio::test]
async fn a_departed_last_runner_has_no_head_start() {
    let url = sr_testkit::postgres_db().await;
    let (first, second) = (
        Store::open(&url).await.unwrap(),
        Store::open(&url).await.unwrap(),
    );
    let a = first.announce("host-a:1:1").await.unwrap();
    let b = second.announce("host-b:2:2").await.unwrap();
    check(&first, &a, 0, won(60)).await;
    assert!(
        first
            .finish_job("tracker:GH", &a, at(60), None)
            .await
            .unwrap()
    );
    check(&second, &b, 60, held(&a, 75)).await;
    // Killed between runs.
    first.close().await;
    check_takeover(&second, &b, 60, 120).await;
}
