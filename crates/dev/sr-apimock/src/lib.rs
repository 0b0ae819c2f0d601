//! Loopback mock tracker servers for tests (`publish = false`). A
//! [`MockServer`] is built from a provider's OpenAPI (or Swagger 2.0) description: it
//! matches every request to an operation, validates path parameters,
//! query parameters and the JSON body against the operation's schemas and
//! records each violation ([`MockServer::failures`]; tests assert there
//! are none). Answers come from programmed faults, a [`Responder`] such as
//! the stateful [`GitHubRepo`], [`JiraSite`], [`AzureBoards`] and [`YouTrackProject`], or the description's examples.
//! GraphQL APIs have [`linear`]: every document validated against the
//! provider's schema with apollo-compiler, answered from a workspace.
//!
//! Notification channels have [`channels`]: PagerDuty's Events API v2 and
//! Slack's incoming webhooks, validated as the services validate.
//!
//! Only ever binds 127.0.0.1.

mod azure;
pub mod channels;
mod chaos;
mod github;
mod jira;
pub mod linear;
pub mod schema;
mod server;
pub mod spec;
pub mod swagger2;
pub mod youtrack;

pub use azure::{AzureBoards, json_patch_rule};
pub use chaos::{Chaos, ChaosKnobs, FAULTS};
pub use github::GitHubRepo;
pub use jira::JiraSite;
pub use linear::{LinearServer, LinearWorkspace};
pub use server::{
    ExamplesOnly, Fault, MockRequest, MockResponse, MockServer, Recorded, Responder, Rule,
};
pub use spec::{Spec, SpecError};
pub use youtrack::YouTrackProject;
