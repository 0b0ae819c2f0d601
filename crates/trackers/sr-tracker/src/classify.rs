//! Turns transport failures and HTTP error answers into [`TrackerError`]s
//! whose messages tell the user what to do: DNS, refused, TLS, timeout,
//! 401, 403 (with the missing OAuth scope), 404, 410, 422 (with the
//! provider's field errors), rate limited.

use std::error::Error as _;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::TrackerError;

/// Where a transport failure happened, which decides whether the request
/// may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePhase {
    /// Before any byte of the request left: safe to send again.
    Connect,
    /// After the request was (maybe) sent: the outcome is unknown.
    AfterSend,
}

/// Classifies a reqwest error for `url`; `timeout` is the configured
/// request timeout, reported in the message.
pub fn transport_error(
    err: &reqwest::Error,
    url: &str,
    timeout: Duration,
) -> (TrackerError, FailurePhase) {
    let chain = error_chain(err);
    let lower = chain.to_ascii_lowercase();
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned());
    let connect = err.is_connect();
    let phase = if connect {
        FailurePhase::Connect
    } else {
        FailurePhase::AfterSend
    };
    let error = if err.is_timeout() {
        TrackerError::Timeout {
            url: url.to_owned(),
            seconds: timeout.as_secs().max(1),
        }
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated")
    {
        TrackerError::Dns { host }
    } else if connect && refused(err) {
        TrackerError::Refused {
            url: url.to_owned(),
        }
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
    {
        TrackerError::Tls {
            url: url.to_owned(),
            detail: last_cause(err),
        }
    } else {
        TrackerError::Network {
            url: url.to_owned(),
            detail: last_cause(err),
        }
    };
    (error, phase)
}

fn refused(err: &reqwest::Error) -> bool {
    let mut source = err.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = s.source();
    }
    error_chain(err)
        .to_ascii_lowercase()
        .contains("connection refused")
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn last_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

/// Classifies an error answer. `what` names what was asked for
/// ("repository acme/db", "issue #7") for 404 and 410 messages.
pub fn status_error(
    provider: &str,
    what: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> TrackerError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let message = json
        .as_ref()
        .and_then(|j| j.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            json.as_ref()
                .and_then(|j| crate::graphql::errors_of(j).into_iter().next())
                .map(|e| e.message)
        })
        // OAuth's and YouTrack's `{"error", "error_description"}`, the code
        // kept beside the text (GitLab's `insufficient_scope` names the fix).
        .or_else(|| {
            let j = json.as_ref()?;
            let description = j.get("error_description").and_then(Value::as_str)?;
            Some(match j.get("error").and_then(Value::as_str) {
                Some(code) => format!("{description} ({code})"),
                None => description.to_owned(),
            })
        })
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&body[..body.len().min(200)])
                .trim()
                .to_owned()
        });
    let provider = provider.to_owned();
    let mut code = status.as_u16();
    if code == 400 {
        // A GraphQL server answers 400 and names the real status in
        // `errors[].extensions` (Linear: `RATELIMITED`, `AUTHENTICATION_ERROR`).
        code = crate::graphql::error_status(body).unwrap_or(code);
    }
    match code {
        401 => TrackerError::Unauthorized { provider },
        403 => TrackerError::Forbidden {
            provider,
            detail: forbidden_detail(what, headers, &message),
        },
        404 => TrackerError::NotFound {
            provider,
            what: what.to_owned(),
        },
        410 => TrackerError::Gone {
            provider,
            what: what.to_owned(),
        },
        400 | 422 => TrackerError::Validation {
            provider,
            errors: json
                .as_ref()
                .map(field_errors)
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| vec![message]),
        },
        429 => TrackerError::RateLimited {
            provider,
            reset_at: {
                let all = crate::RateBudget::all_from_headers(headers);
                crate::RateBudget::exhausted_of(&all, chrono::Utc::now())
                    .or(all.first())
                    .and_then(|b| b.reset_at)
            },
        },
        _ => TrackerError::Provider {
            provider,
            status: status.as_u16(),
            message: if message.is_empty() {
                status.canonical_reason().unwrap_or("error").to_owned()
            } else {
                message
            },
        },
    }
}

/// GitHub tells a classic token's scopes in `X-OAuth-Scopes` and what the
/// call accepts in `X-Accepted-OAuth-Scopes`; the difference is the scope
/// to add.
fn forbidden_detail(what: &str, headers: &HeaderMap, message: &str) -> String {
    let list = |name: &str| -> Option<Vec<String>> {
        headers.get(name).and_then(|v| v.to_str().ok()).map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
    };
    let have = list("x-oauth-scopes");
    let accepted = list("x-accepted-oauth-scopes");
    if let (Some(have), Some(accepted)) = (&have, &accepted)
        && !accepted.is_empty()
        && !accepted.iter().any(|a| have.contains(a))
    {
        let shown = if have.is_empty() {
            "no scopes".to_owned()
        } else {
            format!("scopes `{}`", have.join(", "))
        };
        return format!(
            "the token has {shown} but {what} needs one of `{}`; add the `{}` scope to the token (or, for a fine-grained token, grant it access to this repository's issues)",
            accepted.join(", "),
            accepted[0]
        );
    }
    let why = if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    };
    format!(
        "the token is not allowed to access {what}{why}; give the token's account access or use a token with more permissions"
    )
}

/// Field errors in the shapes the providers use: GitHub's
/// `errors: [{resource, field, code, message}]`, Jira's
/// `errorMessages: [...]` and `errors: {field: message}`, GitLab's
/// `message: {field: [messages]}`.
fn field_errors(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match json.get("errors") {
        Some(Value::Array(items)) => {
            for e in items {
                match e {
                    Value::String(s) => out.push(s.clone()),
                    Value::Object(_) => {
                        let field = e.get("field").and_then(Value::as_str);
                        let text = e
                            .get("message")
                            .and_then(Value::as_str)
                            .or_else(|| e.get("code").and_then(Value::as_str))
                            .unwrap_or("invalid");
                        out.push(match field {
                            Some(f) => format!("{f}: {text}"),
                            None => text.to_owned(),
                        });
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Object(map)) => {
            for (k, v) in map {
                out.push(format!(
                    "{k}: {}",
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                ));
            }
        }
        _ => {}
    }
    if let Some(Value::Array(items)) = json.get("errorMessages") {
        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::Object(map)) = json.get("message") {
        for (k, v) in map {
            let texts: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                other => vec![
                    other
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| other.to_string()),
                ],
            };
            out.push(format!("{k}: {}", texts.join(", ")));
        }
    }
    if out.is_empty()
        && let Some(m) = json.get("message").and_then(Value::as_str)
    {
        out.push(m.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use reqwest::header::HeaderValue;

    fn check(
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
        kind: ErrorKind,
        message: &str,
    ) {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        let status = StatusCode::from_u16(status).expect("status");
        let e = status_error("GitHub", "repository acme/db", status, &h, body.as_bytes());
        assert_eq!(e.kind(), kind, "{e}");
        assert_eq!(e.to_string(), message);
    }

    #[test]
    fn statuses() {
        check(
            401,
            &[],
            r#"{"message":"Bad credentials"}"#,
            ErrorKind::Unauthorized,
            "GitHub answered 401: the token is wrong, expired or revoked; create a new one and store it again",
        );
        check(
            403,
            &[
                ("x-oauth-scopes", "read:user, gist"),
                ("x-accepted-oauth-scopes", "repo"),
            ],
            "{}",
            ErrorKind::Forbidden,
            "GitHub answered 403: the token has scopes `read:user, gist` but repository acme/db needs one of `repo`; add the `repo` scope to the token (or, for a fine-grained token, grant it access to this repository's issues)",
        );
        check(
            403,
            &[
                ("x-oauth-scopes", ""),
                ("x-accepted-oauth-scopes", "repo, public_repo"),
            ],
            "{}",
            ErrorKind::Forbidden,
            "GitHub answered 403: the token has no scopes but repository acme/db needs one of `repo, public_repo`; add the `repo` scope to the token (or, for a fine-grained token, grant it access to this repository's issues)",
        );
        check(
            403,
            &[],
            r#"{"message":"Resource not accessible by personal access token"}"#,
            ErrorKind::Forbidden,
            "GitHub answered 403: the token is not allowed to access repository acme/db (Resource not accessible by personal access token); give the token's account access or use a token with more permissions",
        );
        check(
            404,
            &[],
            r#"{"message":"Not Found"}"#,
            ErrorKind::NotFound,
            "GitHub answered 404 for repository acme/db: it does not exist or this token cannot see it; check the name and the token's access",
        );
        check(
            410,
            &[],
            r#"{"message":"Issues are disabled for this repo"}"#,
            ErrorKind::Gone,
            "GitHub answered 410 for repository acme/db: it was deleted or the feature is turned off",
        );
        check(
            422,
            &[],
            r#"{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}]}"#,
            ErrorKind::Validation,
            "GitHub rejected the request: title: missing_field",
        );
        check(
            400,
            &[],
            r#"{"errorMessages":["Bad JQL"],"errors":{"project":"project is required"}}"#,
            ErrorKind::Validation,
            "GitHub rejected the request: project: project is required; Bad JQL",
        );
        check(
            400,
            &[],
            r#"{"message":{"title":["can't be blank"]}}"#,
            ErrorKind::Validation,
            "GitHub rejected the request: title: can't be blank",
        );
        check(
            429,
            &[("x-ratelimit-reset", "1700000000")],
            "{}",
            ErrorKind::RateLimited,
            "GitHub rate limit reached; it resets at 22:13:20 UTC",
        );
        check(
            400,
            &[("x-ratelimit-requests-reset", "1700000000000")],
            r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#,
            ErrorKind::RateLimited,
            "GitHub rate limit reached; it resets at 22:13:20 UTC",
        );
        check(
            400,
            &[],
            r#"{"errors":[{"message":"Authentication required, not authenticated","extensions":{"code":"AUTHENTICATION_ERROR","statusCode":401}}]}"#,
            ErrorKind::Unauthorized,
            "GitHub answered 401: the token is wrong, expired or revoked; create a new one and store it again",
        );
        check(
            400,
            &[],
            r#"{"errors":[{"message":"Cannot query field \"nope\" on type \"Issue\".","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}"#,
            ErrorKind::Validation,
            "GitHub rejected the request: Cannot query field \"nope\" on type \"Issue\".",
        );
        check(
            500,
            &[],
            "oops",
            ErrorKind::Provider,
            "GitHub answered 500: oops",
        );
        check(
            502,
            &[],
            "",
            ErrorKind::Provider,
            "GitHub answered 502: Bad Gateway",
        );
    }
}

#[cfg(test)]
mod transport_tests {
    use std::sync::Arc;
    use std::time::Duration;

    use reqwest::dns::{Name, Resolve, Resolving};

    use super::*;
    use crate::ErrorKind;

    /// A resolver that knows no host, so the DNS path is tested without a
    /// network.
    struct NoSuchHost;

    impl Resolve for NoSuchHost {
        fn resolve(&self, _name: Name) -> Resolving {
            Box::pin(async {
                Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "failed to lookup address information: Name or service not known",
                ))
                    as Box<dyn std::error::Error + Send + Sync>)
            })
        }
    }

    async fn classify(client: reqwest::Client, url: &str) -> (ErrorKind, FailurePhase) {
        let e = client.get(url).send().await.expect_err("must fail");
        let (error, phase) = transport_error(&e, url, Duration::from_secs(5));
        (error.kind(), phase)
    }

    #[tokio::test]
    async fn transport_failures() {
        let no_dns = reqwest::Client::builder()
            .dns_resolver(Arc::new(NoSuchHost))
            .build()
            .expect("client");
        assert_eq!(
            classify(no_dns, "https://tracker.example.invalid/").await,
            (ErrorKind::Dns, FailurePhase::Connect)
        );

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let refused = format!("http://127.0.0.1:{port}/");
        assert_eq!(
            classify(reqwest::Client::new(), &refused).await,
            (ErrorKind::Refused, FailurePhase::Connect)
        );

        // A server that accepts and never answers: the request timed out after it was sent.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", silent.local_addr().expect("addr"));
        let hold = tokio::spawn(async move {
            let (_socket, _) = silent.accept().await.expect("accept");
            std::future::pending::<()>().await;
        });
        let quick = reqwest::Client::builder()
            .timeout(Duration::from_millis(200))
            .build()
            .expect("client");
        assert_eq!(
            classify(quick, &url).await,
            (ErrorKind::Timeout, FailurePhase::AfterSend)
        );
        hold.abort();
    }
}
