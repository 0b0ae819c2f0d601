//! What GraphQL APIs say in the `errors` of an answer, read the same way
//! for every provider that speaks GraphQL: the status an error stands for
//! (a GraphQL server answers 200 or 400 and names the real cause in
//! `errors[].extensions`, e.g. `{"code": "RATELIMITED", "statusCode":
//! 429}`), so that the retry loop and the classifier treat a rate limit
//! inside a 400 like a 429 and an authentication error like a 401.

use serde_json::Value;

/// One entry of an answer's `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphqlError {
    pub message: String,
    /// `extensions.code` (`RATELIMITED`, `AUTHENTICATION_ERROR`,
    /// `GRAPHQL_VALIDATION_FAILED`), when given.
    pub code: Option<String>,
    /// The HTTP status the error stands for: `extensions.statusCode`, else
    /// what its code means.
    pub status: Option<u16>,
}

/// The errors of a GraphQL answer body; empty when the body is not one.
pub fn errors(body: &[u8]) -> Vec<GraphqlError> {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    errors_of(&json)
}

/// [`errors`] of an answer already parsed.
pub fn errors_of(json: &Value) -> Vec<GraphqlError> {
    let Some(Value::Array(items)) = json.get("errors") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|e| {
            let message = e.get("message")?.as_str()?.to_owned();
            let ext = e.get("extensions");
            let text = |k: &str| ext.and_then(|x| x.get(k)).and_then(Value::as_str);
            let code = text("code").map(str::to_owned);
            let status = ext
                .and_then(|x| x.get("statusCode"))
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .or_else(|| code.as_deref().and_then(code_status))
                .or_else(|| text("type").and_then(type_status));
            Some(GraphqlError {
                message: text("userPresentableMessage")
                    .map(str::to_owned)
                    .unwrap_or(message),
                code,
                status,
            })
        })
        .collect()
}

/// The status the first error that names one stands for.
pub fn error_status(body: &[u8]) -> Option<u16> {
    errors(body).iter().find_map(|e| e.status)
}

/// Error codes in use by GraphQL servers (Apollo's and Linear's).
fn code_status(code: &str) -> Option<u16> {
    Some(match code {
        "RATELIMITED" | "RATE_LIMITED" => 429,
        "AUTHENTICATION_ERROR" | "UNAUTHENTICATED" => 401,
        "FORBIDDEN" => 403,
        _ => return None,
    })
}

/// Linear's `extensions.type` words, for answers without a code.
fn type_status(kind: &str) -> Option<u16> {
    Some(match kind {
        "ratelimited" => 429,
        "authentication error" => 401,
        "forbidden" => 403,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, expected: Option<u16>) {
        assert_eq!(error_status(body.as_bytes()), expected, "{body}");
    }

    #[test]
    fn statuses_from_extensions() {
        check(
            r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#,
            Some(429),
        );
        check(
            r#"{"errors":[{"message":"x","extensions":{"code":"INVALID_INPUT","statusCode":404}}]}"#,
            Some(404),
        );
        check(
            r#"{"errors":[{"message":"x","extensions":{"type":"authentication error"}}]}"#,
            Some(401),
        );
        check(
            r#"{"errors":[{"message":"Cannot query field","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}"#,
            None,
        );
        check(r#"{"message":"Bad credentials"}"#, None);
        check("not json", None);
        let e = errors(br#"{"errors":[{"message":"raw","extensions":{"userPresentableMessage":"Nice words"}}]}"#);
        assert_eq!(e[0].message, "Nice words");
    }
}
