//! Auto-issues: database events become tracker issues, once.
//!
//! - [`rules`]: the product spec's `auto_issue_rules` files, read strictly
//!   (positions, did-you-mean), with CEL conditions ([`Condition`]).
//! - [`AutoIssues::handle`]: an event through the rules: fingerprint
//!   ([`fingerprint()`]), deduplication ([`decide()`]), hourly limits,
//!   rendering through sr-links' templates after sanitising, and one store
//!   transaction that records the occurrence and the tracker calls it asks
//!   for (the outbox).
//! - [`AutoIssues::preview`]: the same rules over an event as a dry run
//!   (what `rules test` prints); [`STARTER_RULES`], the first run's set.
//! - [`AutoIssues::alerts`]: the alerts of rules that `notify` channels
//!   (fingerprint, title and body as the issue's); the engine commits them
//!   to the notification outbox.
//! - [`AutoIssues::draft_by_hand`] and [`AutoIssues::file_by_hand`]: an
//!   alert filed from the workbench through the same template,
//!   fingerprint row and outbox as a rule, so each dedupes the other.
//! - [`OutboxWorker`]: sends the outbox with sr-tracker's retries, looks
//!   for an issue by its fingerprint before creating it again, links and
//!   audits what it created.
//!
//! Sits above sr-links, sr-tracker and sr-store and below sr-engine; it
//! never names an adapter crate and never opens a user database.

mod alert;
mod comment;
mod condition;
mod decide;
mod error;
mod event;
mod fingerprint;
mod manual;
mod pipeline;
mod preview;
mod render;
mod resolve;
pub mod rules;
mod suggest;
mod worker;

pub use alert::{Alert, clears};
pub use condition::{Condition, SyntaxError, names as condition_names};
pub use decide::{Decision, Known, decide, is_wont_fix};
pub use error::{AutoError, RuleError, RuleErrors};
pub use event::{DatabaseEvent, load_event, parse_event};
pub use fingerprint::{body_marker, fingerprint, label as fingerprint_label, normalise};
pub use manual::{HandDraft, HandIssue, Tracked};
pub use pipeline::{AutoIssues, Outcome};
pub use preview::Preview;
pub use rules::{
    Known as KnownNames, RULE_FIELDS, Rule, RuleSet, STARTER_RULES, load_rules, parse_rules,
};
pub use worker::{MAX_ATTEMPTS, OutboxWorker, WorkReport};

#[cfg(test)]
mod tests {
    /// The engine runs rules and the worker on spawned tasks.
    #[test]
    fn rules_and_the_worker_can_move_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<crate::AutoIssues>();
        send_sync::<crate::OutboxWorker>();
        send_sync::<crate::RuleSet>();
    }

    #[allow(dead_code, reason = "compiled only: the futures must be Send")]
    fn futures_are_send(a: &crate::AutoIssues, w: &crate::OutboxWorker, e: &crate::DatabaseEvent) {
        fn send<T: Send>(_: &T) {}
        send(&a.handle(e, None));
        send(&w.run_until_idle());
    }
}
