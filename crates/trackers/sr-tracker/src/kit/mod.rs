//! The adapter kit: what the HTTP adapters share, so that an adapter crate
//! holds only what is specific to its provider. The pieces of a `config`
//! object every adapter reads ([`AdapterConfig`], [`TokenAuth`], the
//! settings dialog's common [`fields`]), the checks every adapter makes
//! while building (the API root, the token as a header), the label mapping
//! of trackers without priority and type fields ([`LabelMap`]) and the
//! common part of their issue updates ([`LabelledUpdate`]), the
//! accessors of an adapter's tracker ([`crate::http_tracker_accessors!`]),
//! and a [`ConfigFactory`] that turns an [`Adapter`] into a registry entry.
//!
//! Config structs cannot flatten a shared struct (serde cannot combine
//! `flatten` with `deny_unknown_fields` and still place an unknown field's
//! line and column); trackers that keep priorities as labels declare theirs
//! with [`crate::labelled_token_config!`], which adds the shared fields.

mod accessors;
mod factory;
pub mod fields;
mod labelled;
mod labels;
mod update;
mod wire;

use std::path::Path;

use reqwest::Url;
use reqwest::header::{ACCEPT, HeaderValue, IntoHeaderName};
use serde::Deserialize;

use crate::{HttpClient, HttpSettings, Result, TrackerError};

pub use factory::{Adapter, ConfigFactory, WebhookParser, Webhooks};
pub use labels::{LabelMap, ReadLabels};
/// Named by [`crate::labelled_token_config!`]'s expansion.
pub use sr_model::Priority;
pub use sr_secrets::SecretRef;
pub use update::LabelledUpdate;
pub use wire::WireLabel;

/// What the kit reads from every adapter's `config` object.
pub trait AdapterConfig: serde::de::DeserializeOwned + Send + Sync + 'static {
    /// The token (`auth.token`), resolved when the tracker is built.
    fn token(&self) -> &SecretRef;

    /// A PEM file of certificate authorities to trust besides the public
    /// ones (`ca_file`: a company CA in front of a self-hosted instance).
    fn ca_file(&self) -> Option<&Path>;
}

/// `auth` of trackers that sign in with one token:
/// `{"type": "personal_token", "token": …}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenAuth {
    /// A personal (or project, group, fine-grained) access token.
    PersonalToken { token: SecretRef },
}

impl TokenAuth {
    pub fn token(&self) -> &SecretRef {
        match self {
            TokenAuth::PersonalToken { token } => token,
        }
    }
}

/// A configured base URL checked: http(s) with a host. Otherwise a
/// configuration error of `tracker` that says what to write (`use`).
pub fn base_url(tracker: &str, base: &str, use_instead: &str) -> Result<Url> {
    Url::parse(base)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| {
            TrackerError::config(
                tracker,
                format!("config.base_url `{base}` is not an http(s) URL; use {use_instead}"),
            )
        })
}

/// `host[:port]` of a URL: what issue keys name the instance by.
pub fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// A credential as a header value that never shows in debug output; a
/// token a header cannot carry is a configuration error of `tracker`.
pub fn credential(tracker: &str, value: &str) -> Result<HeaderValue> {
    crate::http::sensitive(value).map_err(|_| {
        TrackerError::config(
            tracker,
            "the token holds characters a header cannot carry; copy it again without spaces or line breaks",
        )
    })
}

/// The client of a JSON API that signs in with one header: `settings`
/// with `header: value` (kept out of debug output) and `Accept:
/// application/json` unless the provider asked for its own media type. A
/// value a header cannot carry is a configuration error of `tracker`.
pub fn signed_client(
    tracker: &str,
    mut settings: HttpSettings,
    header: impl IntoHeaderName,
    value: &str,
) -> Result<HttpClient> {
    settings.headers.insert(header, credential(tracker, value)?);
    settings
        .headers
        .entry(ACCEPT)
        .or_insert(HeaderValue::from_static("application/json"));
    HttpClient::new(settings)
}

/// The client settings of a tracker: `given` (tests shorten the retry
/// delays) or the provider's `defaults`, then this configuration's
/// provider name, API root and company CA.
pub fn http_settings(
    provider: &str,
    api: &Url,
    ca_file: Option<&Path>,
    given: Option<HttpSettings>,
    defaults: impl FnOnce(HttpSettings) -> HttpSettings,
) -> HttpSettings {
    let mut settings = given.unwrap_or_else(|| defaults(HttpSettings::new(provider, api.clone())));
    settings.provider = provider.into();
    settings.base_url = api.clone();
    settings.ca_file = ca_file.map(Path::to_path_buf);
    settings
}

/// An issue number as users write it (`7`, `#7`); otherwise a validation
/// error saying it is not a `noun` ("GitHub issue number").
pub fn issue_number(provider: &str, id: &str, noun: &str) -> Result<u64> {
    id.trim()
        .trim_start_matches('#')
        .parse::<u64>()
        .map_err(|_| {
            TrackerError::invalid(
                provider,
                format!("`{id}` is not a {noun}; write it as 123 or #123"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_hosts_and_numbers() {
        let url = base_url("T", "http://127.0.0.1:8080/x", "https://h").expect("url");
        assert_eq!(host_port(&url), "127.0.0.1:8080");
        assert_eq!(
            host_port(&base_url("T", "https://h.example", "").expect("url")),
            "h.example"
        );
        for bad in ["ftp://x", "acme.atlassian.net", "http://"] {
            let e = base_url("T", bad, "https://HOST").expect_err(bad);
            assert!(
                e.to_string().contains(&format!(
                    "config.base_url `{bad}` is not an http(s) URL; use https://HOST"
                )),
                "{e}"
            );
        }
        assert_eq!(issue_number("P", " #7", "n").ok(), Some(7));
        let e = issue_number("GitHub", "x7", "GitHub issue number").expect_err("x7");
        assert!(
            e.to_string()
                .contains("`x7` is not a GitHub issue number; write it as 123 or #123"),
            "{e}"
        );
        assert!(credential("T", "Bearer ok").is_ok_and(|v| v.is_sensitive()));
        assert!(
            credential("T", "bad\ntoken")
                .is_err_and(|e| e.to_string().contains("characters a header cannot carry"))
        );
    }
}
