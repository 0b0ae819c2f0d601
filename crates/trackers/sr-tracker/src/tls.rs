//! Extra trust roots for trackers behind a company certificate authority
//! (self-hosted GitLab, Jira Data Center, GitHub Enterprise): the PEM file
//! a tracker's `config.ca_file` names, added to the client's roots next to
//! the public ones. Read in one place, so every adapter checks it and
//! words a bad file the same way.

use std::path::Path;

use reqwest::{Certificate, ClientBuilder};

/// The certificates in the PEM file `path`, or why it cannot be used
/// (the message names `config.ca_file` and the fix).
pub fn ca_certificates(path: &Path) -> Result<Vec<Certificate>, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        format!(
            "config.ca_file `{shown}` cannot be read ({e}); set it to the PEM file of the certificate authority that signed the tracker's certificate"
        )
    })?;
    let certs = Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("config.ca_file `{shown}` is not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err(format!(
            "config.ca_file `{shown}` holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA certificate as PEM"
        ));
    }
    Ok(certs)
}

/// `builder` trusting the CA file too, when one is named.
pub fn with_ca_file(
    builder: ClientBuilder,
    ca_file: Option<&Path>,
) -> Result<ClientBuilder, String> {
    let Some(path) = ca_file else {
        return Ok(builder);
    };
    Ok(ca_certificates(path)?
        .into_iter()
        .fold(builder, ClientBuilder::add_root_certificate))
}
