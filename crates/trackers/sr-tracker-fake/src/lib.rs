//! A tracker type that exists only in tests (`type: "fake"`), written the
//! way a new provider is: a config struct, an [`Adapter`] on the kit, the
//! tracker, a webhook spec and parser. Its "server" is a [`FakeService`]
//! the test holds, so the test can change issues "remotely" and see sync
//! and webhooks carry the change in. Registering [`FakeFactory`] in a
//! registry is all the rest of the workspace needs to use it.

mod tracker;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Deserialize;
use sr_model::{Issue, IssueRef, Timestamp};
use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, LabelMap, Webhooks, fields};
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{
    ConfigField, IssueAction, IssueTracker, ProviderInfo, Result, TrackerError, TrackerEvent,
    TrackerInfo, WebhookParseError,
};

pub use tracker::FakeTracker;

/// The type in trackers.json.
pub const KIND: &str = "fake";
const PROVIDER: &str = "Fake";

/// The registry entry: `registry.register(FakeFactory::new(FakeAdapter::new(service)))`.
pub type FakeFactory = ConfigFactory<FakeAdapter>;

/// Deliveries carry `X-Fake-Signature: <hex HMAC-SHA256(secret, body)>`,
/// `X-Fake-Event` and `X-Fake-Delivery`.
pub const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[Signature::HmacSha256Hex {
        header: "X-Fake-Signature",
        prefix: "",
    }],
    event_header: Some("X-Fake-Event"),
    event_field: None,
    delivery_id_headers: &["X-Fake-Delivery"],
    form_field: None,
};

sr_tracker::labelled_token_config! {
    /// The `config` object of a `fake` tracker: the kit's shared fields
    /// (token, labels and label tables) after its own.
    pub struct FakeConfig {
        /// The project issues live in; the instance part of issue keys.
        pub project: String,
    }
    labels: "prio:", "doing";
}

/// One issue as the service keeps it: labels stand for priorities.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub closed: bool,
    pub updated_at: Timestamp,
}

#[derive(Debug, Default)]
struct State {
    issues: BTreeMap<u64, FakeIssue>,
    comments: BTreeMap<u64, Vec<sr_model::Comment>>,
}

/// The provider's side: the accepted token and the issues. Clones share.
#[derive(Debug, Clone)]
pub struct FakeService {
    token: String,
    state: Arc<Mutex<State>>,
}

impl FakeService {
    pub fn new(token: &str) -> FakeService {
        FakeService {
            token: token.to_owned(),
            state: Arc::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding it has failed already.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn issue(&self, number: u64) -> Option<FakeIssue> {
        self.state().issues.get(&number).cloned()
    }

    /// Changes an issue as someone using the provider would.
    pub fn edit(&self, number: u64, change: impl FnOnce(&mut FakeIssue)) {
        if let Some(i) = self.state().issues.get_mut(&number) {
            change(i);
            i.updated_at = chrono::Utc::now();
        }
    }
}

/// The fake type as the kit's [`Adapter`].
#[derive(Debug, Clone)]
pub struct FakeAdapter {
    service: FakeService,
}

impl FakeAdapter {
    pub fn new(service: FakeService) -> FakeAdapter {
        FakeAdapter { service }
    }
}

impl Adapter for FakeAdapter {
    type Config = FakeConfig;
    type Mapping = LabelMap;

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: KIND,
            display_name: "Fake tracker",
            fields: vec![
                ConfigField::text("project", "Project", true, false, "The project."),
                fields::personal_token("`personal_token`: the service's token."),
                fields::token("The token the service accepts."),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &FakeConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        if config.project.trim().is_empty() {
            return Err(TrackerError::config(name, "config.project is empty"));
        }
        Ok(Arc::new(FakeTracker::new(
            name,
            config,
            token,
            config.label_map(),
            self.service.clone(),
        )))
    }

    const WEBHOOKS: Option<Webhooks<LabelMap>> = Some(Webhooks {
        spec: WEBHOOK,
        parse: parse_webhook,
    });

    fn mapping(&self, config: Option<&FakeConfig>) -> LabelMap {
        config.map_or_else(FakeConfig::default_labels, FakeConfig::label_map)
    }
}

/// `issue` events carry `{"issue": {"number", "title", "body",
/// "labels", "closed", "updated_at"}}`; others are `Unknown`.
fn parse_webhook(
    info: &TrackerInfo,
    mapping: &LabelMap,
    event: &str,
    body: &[u8],
) -> std::result::Result<TrackerEvent, WebhookParseError> {
    if event != "issue" {
        return Ok(TrackerEvent::Unknown {
            event: event.to_owned(),
        });
    }
    #[derive(Deserialize)]
    struct Body {
        issue: Wire,
    }
    #[derive(Deserialize)]
    struct Wire {
        number: u64,
        title: String,
        #[serde(default)]
        body: String,
        #[serde(default)]
        labels: Vec<String>,
        #[serde(default)]
        closed: bool,
        updated_at: Timestamp,
    }
    let w = serde_json::from_slice::<Body>(body)
        .map_err(|e| WebhookParseError {
            event: event.to_owned(),
            reason: e.to_string(),
        })?
        .issue;
    let issue = FakeIssue {
        number: w.number,
        title: w.title,
        body: w.body,
        labels: w.labels,
        closed: w.closed,
        updated_at: w.updated_at,
    };
    Ok(TrackerEvent::Issue {
        action: IssueAction::Edited,
        issue: Box::new(to_issue(&issue, info, mapping)),
    })
}

/// An issue as the product sees it; priority labels become the field.
fn to_issue(i: &FakeIssue, info: &TrackerInfo, map: &LabelMap) -> Issue {
    let read = map.read(i.labels.clone());
    Issue {
        reference: IssueRef {
            key: info.key(i.number.to_string()),
            display_key: format!("F-{}", i.number),
            url: format!("fake://{}/{}", info.instance, i.number),
            title: i.title.clone(),
            status: read.status(i.closed, None),
            priority: read.priority,
            labels: read.plain,
            assignee: None,
            created_at: i.updated_at,
            updated_at: i.updated_at,
        },
        body: i.body.clone(),
        issue_type: read.issue_type,
        project: Some(info.instance.clone()),
    }
}
