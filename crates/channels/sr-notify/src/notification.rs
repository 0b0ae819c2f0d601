//! The notification a channel sends, and one intent to send it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How bad an alert is; the names are PagerDuty's Events API v2 severities,
/// which the other channels map to colours and words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A link shown with the notification (the issue filed, the object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// An alert as the channels see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// The alert's fingerprint: the same condition has the same one, so a
    /// resolve finds its trigger (PagerDuty's `dedup_key`).
    pub fingerprint: String,
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// Markdown; each channel converts it to its own format.
    pub body: String,
    /// Where the alert comes from (`shop:table:public.film`, a connection).
    pub source: String,
    pub links: Vec<Link>,
    /// When the condition was seen.
    pub occurred_at: DateTime<Utc>,
}

/// What a message does with its alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The condition is there (first time, or again after the repeat
    /// interval).
    Trigger,
    /// Someone is on it.
    Acknowledge,
    /// The condition cleared.
    Resolve,
    /// A test message from the settings dialog.
    Test,
    /// A summary that alerts nobody and opens nothing: what a channel's
    /// noise policy held back, or the weekly report.
    Report,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Trigger => "trigger",
            Action::Acknowledge => "acknowledge",
            Action::Resolve => "resolve",
            Action::Test => "test",
            Action::Report => "report",
        }
    }
}

/// One intent to send a notification to a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The idempotency key: chosen once when the intent is stored and sent
    /// unchanged on every retry, so that a receiver that got the first
    /// attempt (whose answer was lost) can tell the second is the same.
    pub id: String,
    pub action: Action,
    pub notification: Notification,
}
