//! A throwaway certificate authority for TLS tests, made with rcgen: a CA
//! certificate and the server and client certificates it signs, as PEM
//! text. Servers get a certificate for `localhost` only, so connecting to
//! `127.0.0.1` with full verification is a host name mismatch.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

use crate::error::{Error, Result};

/// The name every test server's certificate is made for.
pub const SERVER_NAME: &str = "localhost";

/// The PostgreSQL role and MariaDB user that log in with a client
/// certificate (its common name).
pub const CERT_USER: &str = "certuser";

/// A certificate and its private key, PEM encoded.
#[derive(Debug, Clone)]
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

/// A certificate authority that lives as long as the test run.
#[derive(Debug)]
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    /// A new CA named `name` (its common name).
    pub fn generate(name: &str) -> Result<TestCa> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().map_err(rcgen_error)?;
        let issuer = CertifiedIssuer::self_signed(params, key).map_err(rcgen_error)?;
        Ok(TestCa { issuer })
    }

    /// The CA's certificate (what a client's `sslrootcert` names).
    pub fn cert_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `names` (DNS names).
    pub fn server(&self, names: &[&str]) -> Result<Issued> {
        let sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(sans).map_err(rcgen_error)?;
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("server"),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.sign(params)
    }

    /// A client certificate whose common name is `user`.
    pub fn client(&self, user: &str) -> Result<Issued> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error)?;
        params.distinguished_name.push(DnType::CommonName, user);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Result<Issued> {
        let key = KeyPair::generate().map_err(rcgen_error)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(rcgen_error)?;
        Ok(Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Writes what a test client needs into `dir`: `ca.pem`, and a client
    /// certificate for [`CERT_USER`] as `client.pem` / `client.key`
    /// (mode 0600). Returns `dir/ca.pem`.
    pub fn write_client_files(&self, dir: &Path) -> Result<PathBuf> {
        let client = self.client(CERT_USER)?;
        let ca = dir.join("ca.pem");
        write(&ca, &self.cert_pem(), 0o644)?;
        write(&dir.join("client.pem"), &client.cert_pem, 0o644)?;
        write(&dir.join("client.key"), &client.key_pem, 0o600)?;
        Ok(ca)
    }
}

/// Writes `text` to `path` with `mode`.
pub(crate) fn write(path: &Path, text: &str, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let io = |source| Error::Io {
        what: "could not write the TLS file",
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(path, text).map_err(io)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io)
}

fn rcgen_error(e: rcgen::Error) -> Error {
    Error::Certificate(e.to_string())
}
