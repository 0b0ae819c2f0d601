//! Retry timing under tokio's paused clock: each case scripts the answers
//! and checks when each try happened and what came out.

use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use super::*;
use crate::ErrorKind;

/// A scripted answer: a status with headers and a body, or a failure.
#[derive(Clone)]
enum Step {
    Status(u16, Vec<(&'static str, String)>, &'static str),
    Fail(ErrorKind, FailurePhase),
}

fn ok() -> Step {
    Step::Status(200, vec![], "{}")
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(30),
        max_rate_limit_wait: Duration::from_secs(120),
        secondary_min_wait: Duration::from_secs(60),
    }
}

/// Runs the script; returns the seconds (from the start) at which each try
/// was sent and the final status or error kind.
async fn play(idempotent: bool, script: Vec<Step>) -> (Vec<f64>, Result<u16, ErrorKind>) {
    let start = Instant::now();
    let times = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let result = run(&policy(), idempotent, "create issue", "GitHub", |n| {
        let times = times.clone();
        let script = script.clone();
        async move {
            times
                .lock()
                .expect("lock")
                .push(start.elapsed().as_secs_f64());
            match script[(n - 1) as usize].clone() {
                Step::Status(code, headers, body) => {
                    let mut h = HeaderMap::new();
                    for (k, v) in headers {
                        h.insert(k, v.parse().expect("header"));
                    }
                    Attempt::Answered {
                        status: StatusCode::from_u16(code).expect("status"),
                        headers: h,
                        body: body.as_bytes().to_vec(),
                        response: (),
                    }
                }
                Step::Fail(kind, phase) => Attempt::Failed {
                    error: match kind {
                        ErrorKind::Refused => TrackerError::Refused { url: "u".into() },
                        ErrorKind::Timeout => TrackerError::Timeout {
                            url: "u".into(),
                            seconds: 30,
                        },
                        _ => TrackerError::Dns { host: "h".into() },
                    },
                    phase,
                },
            }
        }
    })
    .await;
    let times = times.lock().expect("lock").clone();
    (
        times,
        result.map(|(s, ..)| s.as_u16()).map_err(|e| e.kind()),
    )
}

/// Checks that the tries happened within the given windows of seconds.
fn check(
    got: (Vec<f64>, Result<u16, ErrorKind>),
    windows: &[(f64, f64)],
    outcome: Result<u16, ErrorKind>,
) {
    let (times, result) = got;
    assert_eq!(result, outcome, "times {times:?}");
    assert_eq!(times.len(), windows.len(), "tries at {times:?}");
    for (t, (lo, hi)) in times.iter().zip(windows) {
        assert!(
            *lo <= *t && *t <= *hi,
            "try at {t}s, expected within [{lo}, {hi}]: {times:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn success_first_time_does_not_wait() {
    check(play(true, vec![ok()]).await, &[(0.0, 0.0)], Ok(200));
}

#[tokio::test(start_paused = true)]
async fn server_errors_back_off_exponentially_with_jitter() {
    let s = |c| Step::Status(c, vec![], "");
    // Backoffs 1–1.5 s, then 2–3 s, then 4–6 s.
    check(
        play(true, vec![s(502), s(503), s(504), ok()]).await,
        &[(0.0, 0.0), (1.0, 1.5), (3.0, 4.5), (7.0, 10.5)],
        Ok(200),
    );
    // After the last try the last answer is given back for classification.
    check(
        play(true, vec![s(503), s(503), s(503), s(503)]).await,
        &[(0.0, 0.0), (1.0, 1.5), (3.0, 4.5), (7.0, 10.5)],
        Ok(503),
    );
    // A 500 or a 404 is final.
    check(play(true, vec![s(500)]).await, &[(0.0, 0.0)], Ok(500));
    check(play(true, vec![s(404)]).await, &[(0.0, 0.0)], Ok(404));
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_exactly() {
    let r = |c, v: &str| Step::Status(c, vec![("retry-after", v.to_owned())], "");
    check(
        play(true, vec![r(429, "7"), ok()]).await,
        &[(0.0, 0.0), (7.0, 7.0)],
        Ok(200),
    );
    check(
        play(true, vec![r(503, "3"), ok()]).await,
        &[(0.0, 0.0), (3.0, 3.0)],
        Ok(200),
    );
    // GitHub's secondary limit: 403 with retry-after.
    check(
        play(false, vec![r(403, "2"), ok()]).await,
        &[(0.0, 0.0), (2.0, 2.0)],
        Ok(200),
    );
    // Longer than the policy allows: report the limit instead of waiting.
    check(
        play(true, vec![r(429, "3600")]).await,
        &[(0.0, 0.0)],
        Err(ErrorKind::RateLimited),
    );
}

#[tokio::test(start_paused = true)]
async fn github_primary_limit_waits_for_the_reset() {
    let reset = (Utc::now().timestamp() + 10).to_string();
    let limited = Step::Status(
        403,
        vec![
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", reset),
        ],
        r#"{"message":"API rate limit exceeded"}"#,
    );
    check(
        play(true, vec![limited, ok()]).await,
        &[(0.0, 0.0), (9.0, 12.0)],
        Ok(200),
    );
}

#[tokio::test(start_paused = true)]
async fn github_secondary_limit_without_headers_waits_a_minute() {
    let limited = Step::Status(
        403,
        vec![],
        r#"{"message":"You have exceeded a secondary rate limit."}"#,
    );
    check(
        play(true, vec![limited, ok()]).await,
        &[(0.0, 0.0), (60.0, 60.0)],
        Ok(200),
    );
    // A plain 403 (no limit signal) is final.
    check(
        play(
            true,
            vec![Step::Status(403, vec![], r#"{"message":"Forbidden"}"#)],
        )
        .await,
        &[(0.0, 0.0)],
        Ok(403),
    );
}

#[tokio::test(start_paused = true)]
async fn connection_failures() {
    let refused = Step::Fail(ErrorKind::Refused, FailurePhase::Connect);
    // Refused before sending: safe to retry, even a create.
    check(
        play(false, vec![refused.clone(), ok()]).await,
        &[(0.0, 0.0), (1.0, 1.5)],
        Ok(200),
    );
    check(
        play(
            true,
            vec![refused.clone(), refused.clone(), refused.clone(), refused],
        )
        .await,
        &[(0.0, 0.0), (1.0, 1.5), (3.0, 4.5), (7.0, 10.5)],
        Err(ErrorKind::Refused),
    );
    // DNS failures do not get better by retrying.
    check(
        play(
            true,
            vec![Step::Fail(ErrorKind::Dns, FailurePhase::Connect)],
        )
        .await,
        &[(0.0, 0.0)],
        Err(ErrorKind::Dns),
    );
}

#[tokio::test(start_paused = true)]
async fn a_create_is_never_resent_after_an_unknown_outcome() {
    let timeout = Step::Fail(ErrorKind::Timeout, FailurePhase::AfterSend);
    check(
        play(false, vec![timeout.clone()]).await,
        &[(0.0, 0.0)],
        Err(ErrorKind::UnknownOutcome),
    );
    check(
        play(false, vec![Step::Status(502, vec![], "")]).await,
        &[(0.0, 0.0)],
        Err(ErrorKind::UnknownOutcome),
    );
    check(
        play(false, vec![Step::Status(504, vec![], "")]).await,
        &[(0.0, 0.0)],
        Err(ErrorKind::UnknownOutcome),
    );
    // A read may be sent again.
    check(
        play(true, vec![timeout, ok()]).await,
        &[(0.0, 0.0), (1.0, 1.5)],
        Ok(200),
    );
}

/// Linear answers a rate limit with 400 and `RATELIMITED` in the GraphQL
/// error; the wait is until the spent budget (here complexity) resets.
#[tokio::test(start_paused = true)]
async fn graphql_rate_limits_inside_a_400_are_waited_out() {
    const LIMITED: &str =
        r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#;
    let reset = (Utc::now() + chrono::Duration::seconds(5)).timestamp_millis();
    let spent = Step::Status(
        400,
        vec![
            ("x-ratelimit-requests-remaining", "900".to_owned()),
            ("x-ratelimit-complexity-remaining", "0".to_owned()),
            ("x-ratelimit-complexity-reset", reset.to_string()),
        ],
        LIMITED,
    );
    check(
        play(true, vec![spent, ok()]).await,
        &[(0.0, 0.0), (4.5, 6.5)],
        Ok(200),
    );
    // Without budget headers it backs off like a bare 429.
    check(
        play(true, vec![Step::Status(400, vec![], LIMITED), ok()]).await,
        &[(0.0, 0.0), (1.0, 1.5)],
        Ok(200),
    );
    // Any other 400 is final.
    let invalid = r#"{"errors":[{"message":"Argument Validation Error","extensions":{"code":"INVALID_INPUT"}}]}"#;
    check(
        play(true, vec![Step::Status(400, vec![], invalid)]).await,
        &[(0.0, 0.0)],
        Ok(400),
    );
}
