//! Talking GraphQL: one call (the document, its variables, the errors in
//! the answer turned into [`TrackerError`]s), cursor pagination over
//! connections (`pageInfo { hasNextPage endCursor }`), and what the
//! adapter reads once and keeps: the team's id, key and workflow states,
//! and its labels by name.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sr_tracker::reqwest::Method;
use sr_tracker::{ApiRequest, ErrorKind, Result, TrackerError};

use crate::wire::{self, Page, WireIssue, WireLabel, WireState, WireTeam};
use crate::{LinearTracker, PROVIDER};

/// What the adapter keeps between calls.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    pub team: Option<Team>,
    /// Label ids by lower-cased name.
    pub labels: HashMap<String, String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    pub id: String,
    pub key: String,
    pub name: String,
    /// By position.
    pub states: Vec<WireState>,
}

impl Team {
    /// The first state (by position) of the first of `kinds` the team has.
    pub fn state_of(&self, kinds: &[&str]) -> Option<&WireState> {
        kinds
            .iter()
            .find_map(|k| self.states.iter().find(|s| s.kind == *k))
    }
}

/// How a call reads: a query may be sent again; a mutation that creates
/// something may not once it may have arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    Read,
    /// Sets fields to given values: sending it twice does no harm.
    Write,
    Create,
}

impl LinearTracker {
    /// Sends one GraphQL operation and returns its `data`. `what` names
    /// what it is about for not-found and permission messages.
    pub(crate) async fn gql<T: DeserializeOwned>(
        &self,
        document: &str,
        variables: Value,
        call: Call,
        operation: &str,
        what: &str,
    ) -> Result<T> {
        let req = ApiRequest::new(Method::POST, self.endpoint(), operation)
            .json(json!({"query": document, "variables": variables}))
            .idempotent(call != Call::Create)
            .what(what.to_owned());
        let resp = self.http.send(req).await.map_err(|e| explain(e, what))?;
        let body: Value = resp.json(PROVIDER)?;
        let errors = sr_tracker::graphql::errors_of(&body);
        if let Some(e) = errors.first() {
            return Err(graphql_error(&errors, e, what));
        }
        let data = body.get("data").cloned().unwrap_or(Value::Null);
        serde_json::from_value(data).map_err(|e| TrackerError::Provider {
            provider: PROVIDER.into(),
            status: resp.status.as_u16(),
            message: format!("the answer to {operation} is not the data asked for ({e}); is the base URL Linear's API?"),
        })
    }

    /// Every node of a connection at `path` in the answer (`["issues"]`),
    /// following `endCursor` while Linear says there is a next page, until
    /// `limit` nodes are in. `variables` get `after` set per page.
    pub(crate) async fn pages<T: DeserializeOwned>(
        &self,
        document: &str,
        mut variables: Value,
        field: &str,
        limit: usize,
        what: &str,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        loop {
            let data: HashMap<String, Page<T>> = self
                .gql(document, variables.clone(), Call::Read, "list", what)
                .await?;
            let page = data
                .into_values()
                .next()
                .ok_or_else(|| TrackerError::Provider {
                    provider: PROVIDER.into(),
                    status: 200,
                    message: format!("the answer has no `{field}`"),
                })?;
            out.extend(page.nodes);
            if out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
            match page.page_info {
                Some(p) if p.has_next_page && p.end_cursor.is_some() => {
                    variables["after"] = json!(p.end_cursor);
                }
                _ => return Ok(out),
            }
        }
    }

    /// The team, read on first use.
    pub(crate) async fn team(&self) -> Result<Team> {
        let mut cache = self.cache.lock().await;
        if let Some(t) = &cache.team {
            return Ok(t.clone());
        }
        #[derive(serde::Deserialize)]
        struct Data {
            team: WireTeam,
        }
        let what = self.team_what();
        let data: Data = self
            .gql(
                wire::TEAM,
                json!({"id": self.team}),
                Call::Read,
                "read the team",
                &what,
            )
            .await?;
        let mut states = data.team.states.nodes;
        states.sort_by(|a, b| a.position.total_cmp(&b.position));
        let team = Team {
            id: data.team.id,
            key: data.team.key,
            name: data.team.name,
            states,
        };
        cache.team = Some(team.clone());
        Ok(team)
    }

    /// The labels the team's issues can carry (its own and the
    /// workspace's).
    pub(crate) async fn wire_labels(&self, team: &Team) -> Result<Vec<WireLabel>> {
        let filter = json!({"or": [{"team": {"id": {"eq": team.id}}}, {"team": {"null": true}}]});
        let labels: Vec<WireLabel> = self
            .pages(
                wire::LABELS,
                json!({"filter": filter}),
                "issueLabels",
                5_000,
                &format!("labels of team {}", team.key),
            )
            .await?;
        let mut cache = self.cache.lock().await;
        cache.labels = labels
            .iter()
            .map(|l| (l.name.to_lowercase(), l.id.clone()))
            .collect();
        Ok(labels)
    }

    /// The ids of labels named `names`, creating the ones the team lacks.
    pub(crate) async fn label_ids(&self, team: &Team, names: &[String]) -> Result<Vec<String>> {
        let known = |cache: &Cache| -> Option<Vec<String>> {
            names
                .iter()
                .map(|n| cache.labels.get(&n.to_lowercase()).cloned())
                .collect()
        };
        if let Some(ids) = known(&*self.cache.lock().await) {
            return Ok(ids);
        }
        self.wire_labels(team).await?;
        let missing: Vec<String> = {
            let cache = self.cache.lock().await;
            names
                .iter()
                .filter(|n| !cache.labels.contains_key(&n.to_lowercase()))
                .cloned()
                .collect()
        };
        for name in missing {
            #[derive(serde::Deserialize)]
            struct Data {
                #[serde(rename = "issueLabelCreate")]
                created: Created,
            }
            #[derive(serde::Deserialize)]
            struct Created {
                #[serde(rename = "issueLabel")]
                label: WireLabel,
            }
            let input = json!({"input": {"name": name, "teamId": team.id}});
            match self
                .gql::<Data>(
                    wire::LABEL_CREATE,
                    input,
                    Call::Create,
                    "create label",
                    &format!("label {name}"),
                )
                .await
            {
                Ok(d) => {
                    self.cache
                        .lock()
                        .await
                        .labels
                        .insert(d.created.label.name.to_lowercase(), d.created.label.id);
                }
                // Another process (or a create whose answer was lost)
                // made it meanwhile: read the labels again.
                Err(e) if matches!(e.kind(), ErrorKind::Validation | ErrorKind::UnknownOutcome) => {
                    self.wire_labels(team).await?;
                }
                Err(e) => return Err(e),
            }
        }
        known(&*self.cache.lock().await).ok_or_else(|| {
            TrackerError::invalid(
                PROVIDER,
                format!("labels: cannot create {names:?} in team {}", team.key),
            )
        })
    }

    /// An issue by identifier (`DB-7`) or number (`7`, `#7`); `None` when
    /// Linear does not have it (or it is in the trash).
    pub(crate) async fn wire_issue(&self, id: &str) -> Result<Option<WireIssue>> {
        #[derive(serde::Deserialize)]
        struct Data {
            issue: WireIssue,
        }
        let identifier = self.identifier(id)?;
        let what = format!("issue {identifier}");
        match self
            .gql::<Data>(
                &wire::with_issue(wire::ISSUE),
                json!({"id": identifier}),
                Call::Read,
                "read issue",
                &what,
            )
            .await
        {
            Ok(d) if d.issue.gone() => Ok(None),
            Ok(d) => Ok(Some(d.issue)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An issue that must exist, or NotFound naming it.
    pub(crate) async fn existing(&self, id: &str) -> Result<WireIssue> {
        let identifier = self.identifier(id)?;
        self.wire_issue(&identifier)
            .await?
            .ok_or_else(|| TrackerError::not_found(PROVIDER, format!("issue {identifier}")))
    }

    /// `DB-7` from `DB-7`, `db-7`, `7` or `#7`; otherwise a validation
    /// error. A bare number needs the team's key, which is the configured
    /// team when it is a key.
    pub(crate) fn identifier(&self, id: &str) -> Result<String> {
        let id = id.trim().trim_start_matches('#');
        if let Some((key, n)) = id.rsplit_once('-')
            && !key.is_empty()
            && n.parse::<u64>().is_ok()
        {
            return Ok(format!("{}-{n}", key.to_ascii_uppercase()));
        }
        match id.parse::<u64>() {
            Ok(n) => Ok(format!("{}-{n}", self.team.to_ascii_uppercase())),
            Err(_) => Err(TrackerError::invalid(
                PROVIDER,
                format!("`{id}` is not a Linear issue identifier; write it as DB-123"),
            )),
        }
    }
}

/// A Linear error answer with a status (the kit classifies those) named
/// by what it was about.
fn explain(e: TrackerError, what: &str) -> TrackerError {
    match e {
        TrackerError::Forbidden { provider, detail } if detail.contains("not allowed") => {
            TrackerError::Forbidden {
                provider,
                detail: format!(
                    "the token may not access {what}; give its user access to the team, or use an OAuth token with the `read` and `write` scopes"
                ),
            }
        }
        other => other,
    }
}

/// The errors of a 200 answer: Linear reports a missing entity, a refused
/// input and a missing permission inside the answer.
fn graphql_error(
    all: &[sr_tracker::graphql::GraphqlError],
    first: &sr_tracker::graphql::GraphqlError,
    what: &str,
) -> TrackerError {
    let provider = PROVIDER.to_owned();
    let not_found = all.iter().any(|e| {
        e.status == Some(404)
            || e.message.starts_with("Entity not found")
            || e.message.starts_with("Could not find referenced")
    });
    if not_found {
        return TrackerError::NotFound {
            provider,
            what: what.to_owned(),
        };
    }
    match first.status {
        Some(401) => TrackerError::Unauthorized { provider },
        Some(403) => TrackerError::Forbidden {
            provider,
            detail: format!("the token may not access {what} ({})", first.message),
        },
        Some(429) => TrackerError::RateLimited {
            provider,
            reset_at: None,
        },
        _ => TrackerError::Validation {
            provider,
            errors: all.iter().map(|e| e.message.clone()).collect(),
        },
    }
}
