//! The engine's commands and events grouped by domain: each domain is one
//! module with its command enum, its event enum and the function that runs
//! its commands, wrapped by one variant of [`crate::Command`] and of
//! [`crate::Event`]. A new capability adds a module here and two variants.

pub(crate) mod boards;
pub(crate) mod channels;
pub(crate) mod issues;
pub(crate) mod links;
pub(crate) mod query;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod settings;
pub(crate) mod trackers;

pub use boards::{BoardCommand, BoardEvent};
pub use channels::{ChannelCommand, ChannelEvent};
pub use issues::{IssueCommand, IssueEvent};
pub use links::{LinkCommand, LinkEvent};
pub use query::{QueryCommand, QueryEvent};
pub use rules::{RulesCommand, RulesEvent};
pub use schema::{SchemaCommand, SchemaEvent};
pub use settings::{SettingsCommand, SettingsEvent};
pub use trackers::{TrackerCommand, TrackerEvent};
