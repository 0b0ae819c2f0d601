//! Interactive sign-in a tracker type may offer (an OAuth device flow):
//! the adapter knows the provider's endpoints and where the token goes in
//! its configuration; `scratchrobin tracker login` only shows the code,
//! waits, and keeps the token as a secret.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use sr_secrets::{Secret, SecretRef};

use crate::Result;

/// The token a started sign-in hands out once the user has entered the
/// code (or the error that ended it: declined, expired).
pub type PendingToken = Pin<Box<dyn Future<Output = Result<Secret>> + Send>>;

/// A started sign-in: what to show the user, and the token to wait for.
pub struct DeviceLogin {
    /// The code the user types (`WDJB-MJHT`).
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
    pub token: PendingToken,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// A tracker type's sign-in through the provider's web page.
#[async_trait]
pub trait LoginFlow: Send + Sync + 'static {
    /// The environment variable that names the OAuth app's client id when
    /// the command line gives none.
    fn client_id_env(&self) -> &'static str;

    /// The scopes asked for when the command line names none.
    fn default_scopes(&self) -> &'static [&'static str];

    /// Asks the provider for a code, for the tracker `tracker` whose
    /// `config` object is `config` (its base URL says which server).
    async fn start(
        &self,
        tracker: &str,
        config: &serde_json::Value,
        client_id: &str,
        scopes: &[&str],
    ) -> Result<DeviceLogin>;

    /// Points the tracker's `config` object at the stored token.
    fn store_token(&self, config: &mut serde_json::Value, token: SecretRef);
}
