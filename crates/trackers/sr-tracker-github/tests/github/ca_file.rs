//! `config.ca_file`: GitHub Enterprise behind a company CA. The validating
//! GitHub mock sits behind a loopback TLS front whose certificate (for
//! `localhost`) a throwaway CA signed; the adapter trusts it only when
//! `ca_file` names that CA.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use sr_apimock::MockServer;
use sr_secrets::Secret;
use sr_tracker::{ErrorKind, IssueTracker, TrackerFactory};
use sr_tracker_github::{GitHubConfig, GitHubFactory, GitHubTracker};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{TOKEN, settings};

/// A TLS front on a loopback port that hands each decrypted connection to
/// `backend`; returns its address.
async fn tls_front(backend: SocketAddr, cert_pem: &str, key_pem: &str) -> SocketAddr {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .expect("certificate");
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut back) = TcpStream::connect(backend).await {
                    tokio::io::copy_bidirectional(&mut tls, &mut back)
                        .await
                        .ok();
                }
            });
        }
    });
    addr
}

fn config(base_url: &str, ca_file: Option<&std::path::Path>) -> GitHubConfig {
    serde_json::from_value(json!({
        "owner": "acme", "repo": "db", "base_url": base_url,
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"},
        "ca_file": ca_file,
    }))
    .expect("config")
}

#[tokio::test]
async fn a_company_ca_is_trusted_only_when_named() {
    let ca = sr_testkit::TestCa::generate("Company CA").expect("CA");
    let server_cert = ca.server(&["localhost"]).expect("server certificate");
    let dir = tempfile::tempdir().expect("dir");
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, ca.cert_pem()).expect("write CA");

    let spec = sr_apimock::spec::github().expect("GitHub description");
    let server = MockServer::start(spec, sr_apimock::GitHubRepo::new("acme", "db"))
        .await
        .expect("mock");
    let front = tls_front(server.addr(), &server_cert.cert_pem, &server_cert.key_pem).await;
    let base = format!("https://localhost:{}", front.port());
    let tracker = |ca: Option<&std::path::Path>| {
        GitHubTracker::new(
            "GitHub Enterprise",
            &config(&base, ca),
            &Secret::new(TOKEN),
            Some(settings(&base)),
        )
        .expect("tracker")
    };

    let report = tracker(Some(&ca_file))
        .test_connection()
        .await
        .expect("connects through the company CA");
    assert_eq!(report.user.as_deref(), Some("octocat"));
    assert!(!server.requests().is_empty(), "requests reached the mock");
    assert_eq!(server.failures(), Vec::<String>::new());

    let e = tracker(None)
        .test_connection()
        .await
        .expect_err("untrusted");
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("set config.ca_file"), "{e}");

    // The factory checks the file with the rest of the config.
    let factory = GitHubFactory::default();
    let json = |path: &std::path::Path| {
        json!({"owner": "acme", "repo": "db", "base_url": base,
               "auth": {"type": "personal_token", "token": "${T}"}, "ca_file": path})
        .to_string()
    };
    factory.validate(&json(&ca_file)).expect("a good CA file");
    let e = factory
        .validate(&json(&dir.path().join("missing.pem")))
        .expect_err("missing");
    assert!(e.to_string().contains("config.ca_file"), "{e}");
}
