//! The one place that names adapter and channel crates: adding a tracker
//! or a notification channel means one line here.

use sr_notify::ChannelRegistry;
use sr_store::Store;
use sr_tracker::Registry;

/// Every tracker type this build knows.
pub fn registry(store: &Store, actor: &str) -> Registry {
    let mut r = Registry::new();
    r.register(sr_tracker_local::LocalFactory::new(store.clone(), actor));
    r.register(sr_tracker_github::GitHubFactory::default());
    r.register(sr_tracker_gitlab::GitLabFactory::default());
    r.register(sr_tracker_jira::JiraFactory::default());
    r.register(sr_tracker_azure::AzureFactory::default());
    r.register(sr_tracker_redmine::RedmineFactory::default());
    r.register(sr_tracker_linear::LinearFactory::default());
    r.register(sr_tracker_youtrack::YouTrackFactory::default());
    r
}

/// Every notification channel type this build knows.
pub fn channels() -> ChannelRegistry {
    let mut r = ChannelRegistry::new();
    r.register(sr_channel_slack::SlackFactory);
    r.register(sr_channel_pagerduty::PagerDutyFactory);
    r.register(sr_channel_webhook::WebhookFactory);
    r.register(sr_channel_email::EmailFactory);
    r.register(sr_channel_teams::TeamsFactory);
    r
}
