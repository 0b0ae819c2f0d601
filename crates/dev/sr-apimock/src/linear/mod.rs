//! A Linear workspace behind a GraphQL endpoint ([`LinearServer`]): every
//! request's document is parsed and validated against Linear's published
//! schema with apollo-compiler and its variables checked against their
//! declared types ([`gql`]); a request Linear would refuse is recorded
//! ([`LinearServer::failures`]) and answered with the GraphQL error Linear
//! gives. Valid ones are answered from an in-memory [`LinearWorkspace`]
//! (one team, Linear's default workflow, labels, users, issues, comments,
//! webhooks, file uploads through a signed URL and attachments: see
//! [`files`]), with Linear's rate-limit headers on every answer.

mod files;
pub mod gql;
mod resolve;
mod server;
mod store;

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::server::{MockRequest, MockResponse, Responder};
pub use gql::GraphqlSchema;
pub use server::{LinearServer, UPLOAD};

/// One Linear workspace with one team, shared between the test and the
/// server (clones share the data).
#[derive(Debug, Clone)]
pub struct LinearWorkspace {
    schema: Arc<GraphqlSchema>,
    state: Arc<Mutex<store::State>>,
    /// `Authorization` values accepted (an API key as it is, an OAuth
    /// token as `Bearer …`); empty accepts any.
    pub authorization: Vec<String>,
}

impl LinearWorkspace {
    pub fn new(schema: Arc<GraphqlSchema>, team_key: &str) -> Self {
        LinearWorkspace {
            schema,
            state: Arc::new(Mutex::new(store::State::new(team_key))),
            authorization: Vec::new(),
        }
    }

    /// Accepts only requests whose `Authorization` is one of `values`.
    pub fn with_authorization(mut self, values: &[&str]) -> Self {
        self.authorization = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }

    fn lock<T>(&self, f: impl FnOnce(&mut store::State) -> T) -> T {
        let mut guard = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// The team's id (what `issueCreate` needs as `teamId`).
    pub fn team_id(&self) -> String {
        self.lock(|s| s.team_id.clone())
    }

    /// Adds an issue in Todo; returns its identifier (`DB-1`).
    pub fn seed(&self, title: &str, labels: &[&str]) -> String {
        self.lock(|s| s.seed(title, labels))
    }

    /// Issues not in the trash.
    pub fn issue_count(&self) -> usize {
        self.lock(|s| s.issues.iter().filter(|i| i.trashed_at.is_none()).count())
    }

    /// Every issue's title, by identifier, trash left out.
    pub fn titles(&self) -> Vec<(String, String)> {
        self.lock(|s| {
            s.issues
                .iter()
                .filter(|i| i.trashed_at.is_none())
                .map(|i| (s.identifier(i), i.title.clone()))
                .collect()
        })
    }

    /// Renames an issue as someone in Linear would.
    pub fn edit_title(&self, identifier: &str, title: &str) -> bool {
        self.lock(|s| match s.find_issue(identifier) {
            Some(n) => {
                s.issues[n].title = title.to_owned();
                s.issues[n].updated = s.tick();
                true
            }
            None => false,
        })
    }

    /// Moves an issue to a state by its name (`Done`).
    pub fn move_to(&self, identifier: &str, state_name: &str) -> bool {
        self.lock(|s| {
            let state = store::STATES.iter().find(|st| st.1 == state_name);
            match (s.find_issue(identifier), state) {
                (Some(n), Some(st)) => {
                    s.issues[n].state = st.0.to_owned();
                    s.issues[n].updated = s.tick();
                    true
                }
                _ => false,
            }
        })
    }

    /// Moves an issue to the trash, as deleting it in Linear does.
    pub fn trash(&self, identifier: &str) -> bool {
        self.lock(|s| match s.find_issue(identifier) {
            Some(n) => {
                let now = s.tick();
                s.issues[n].trashed_at = Some(now);
                s.issues[n].updated = now;
                true
            }
            None => false,
        })
    }

    /// Comments someone wrote in Linear on an issue.
    pub fn comment(&self, identifier: &str, body: &str) -> Option<String> {
        self.lock(|s| {
            let n = s.find_issue(identifier)?;
            let now = s.tick();
            let id = s.id("comment");
            let issue = s.issues[n].id.clone();
            s.comments.push(store::Comment {
                id: id.clone(),
                issue,
                body: body.to_owned(),
                user: "user-grace".into(),
                created: now,
                updated: now,
            });
            Some(id)
        })
    }

    /// `(url, resource types, secret)` of each registered webhook.
    pub fn webhooks(&self) -> Vec<(String, Vec<String>, Option<String>)> {
        self.lock(|s| {
            s.webhooks
                .iter()
                .map(|w| (w.url.clone(), w.resource_types.clone(), w.secret.clone()))
                .collect()
        })
    }

    /// `(title, subtitle, url)` of each attachment of an issue.
    pub fn attachments(&self, identifier: &str) -> Vec<(String, Option<String>, String)> {
        self.lock(|s| {
            let Some(n) = s.find_issue(identifier) else {
                return Vec::new();
            };
            let id = s.issues[n].id.clone();
            s.attachments
                .iter()
                .filter(|a| a.issue == id)
                .map(|a| (a.title.clone(), a.subtitle.clone(), a.url.clone()))
                .collect()
        })
    }

    /// The bytes stored at an asset URL, once their upload arrived.
    pub fn asset(&self, asset_url: &str) -> Option<Vec<u8>> {
        self.lock(|s| {
            s.uploads
                .iter()
                .find(|u| u.asset_url(&s.base_url) == asset_url)
                .and_then(|u| u.bytes.clone())
        })
    }

    /// How many uploads `fileUpload` prepared.
    pub fn uploads_prepared(&self) -> usize {
        self.lock(|s| s.uploads.len())
    }

    /// Runs a checked request's root fields against the store.
    fn execute(&self, checked: &gql::Checked) -> Value {
        let mut data = Map::new();
        let mut errors = Vec::new();
        let mut null_data = false;
        for field in checked.root_fields() {
            let answer = self.lock(|s| resolve::root(s, &field.name, &field.args));
            match answer {
                Some(Ok(full)) => {
                    data.insert(field.key.clone(), checked.project(&field, &full));
                }
                Some(Err(e)) => {
                    errors.push(e.to_json(&field.key));
                    // Every root field an issue tracker reads is non-null:
                    // its error nulls the whole `data`.
                    null_data = true;
                }
                None => {
                    errors.push(json!({"message": format!("the mock does not serve `{}`", field.name),
                                       "extensions": {"code": "INTERNAL_SERVER_ERROR", "type": "internal error"}}));
                    null_data = true;
                }
            }
        }
        let mut out = Map::new();
        out.insert(
            "data".into(),
            if null_data {
                Value::Null
            } else {
                Value::Object(data)
            },
        );
        if !errors.is_empty() {
            out.insert("errors".into(), Value::Array(errors));
        }
        Value::Object(out)
    }
}

/// Linear's answer to a request without valid credentials.
pub fn unauthenticated() -> MockResponse {
    MockResponse::json(
        400,
        &json!({"errors": [{"message": "Authentication required, not authenticated",
            "extensions": {"code": "AUTHENTICATION_ERROR", "type": "authentication error",
                "statusCode": 401, "userError": true,
                "userPresentableMessage": "You need to authenticate to access this operation."}}]}),
    )
}

/// Linear's rate-limit answer: 400 with `RATELIMITED`, the spent budget in
/// the headers (its reset in epoch milliseconds) and `Retry-After`.
pub fn rate_limited(retry_after_secs: u32) -> MockResponse {
    let reset = chrono::Utc::now().timestamp_millis() + i64::from(retry_after_secs) * 1000;
    MockResponse::json(
        400,
        &json!({"errors": [{"message": "Rate limit exceeded",
            "extensions": {"code": "RATELIMITED", "type": "ratelimited", "statusCode": 429,
                "userError": true,
                "userPresentableMessage": "Rate limit exceeded. Please try again later."}}]}),
    )
    .header("retry-after", retry_after_secs.to_string())
    .header("x-ratelimit-requests-limit", "1500")
    .header("x-ratelimit-requests-remaining", "0")
    .header("x-ratelimit-requests-reset", reset.to_string())
}

impl Responder for LinearWorkspace {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        self.lock(|s| req.base_url.clone_into(&mut s.base_url));
        if req.method == "PUT" {
            return Some(self.lock(|s| files::put(s, req)));
        }
        let body = req.body.as_ref()?;
        // The server validated the request already; a second check here
        // gives the executable form.
        let checked = self.schema.check(body).ok()?;
        let answer = self.execute(&checked);
        let served = self.lock(|s| {
            s.served += 1;
            s.served
        });
        let reset = chrono::Utc::now().timestamp_millis() + 3_600_000;
        Some(
            MockResponse::json(200, &answer)
                .header("x-ratelimit-requests-limit", "1500")
                .header(
                    "x-ratelimit-requests-remaining",
                    (1500 - served % 1000).to_string(),
                )
                .header("x-ratelimit-requests-reset", reset.to_string())
                .header("x-complexity", "53")
                .header("x-ratelimit-complexity-limit", "250000")
                .header("x-ratelimit-complexity-remaining", "249947")
                .header("x-ratelimit-complexity-reset", reset.to_string()),
        )
    }
}
