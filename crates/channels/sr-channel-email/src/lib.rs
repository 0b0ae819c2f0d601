//! E-mail notifications over SMTP with lettre: one message per intent,
//! plain text beside HTML rendered from the alert's Markdown, threaded per
//! alert (every message of one fingerprint references the same thread id,
//! so a resolve lands under its trigger in the reader's mailbox).
//!
//! channels.json: `{"type": "email", "config": {"host": "smtp.example.com",
//! "port": 587, "security": "starttls", "username": "alerts",
//! "password": "${SMTP_PASSWORD}", "from": "ScratchRobin <alerts@example.com>",
//! "to": ["dba@example.com"]}}`. `security` is `starttls` (the default:
//! refuse a server that does not offer it, so no credential ever travels in
//! plain text), `tls` (implicit TLS, port 465) or `none` (plain SMTP, for a
//! relay on this machine only). `ca_file` adds a PEM of authorities to
//! trust besides the system's.
//!
//! SMTP has no idempotency key: the outbox sends each intent at most once,
//! and the `Message-ID` is the intent's key, so a copy that a retry after a
//! lost answer did deliver twice is one message to the mail reader.

mod render;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Email, Tokio1Executor};
use serde::Deserialize;
use sr_config::{ConfigField, FieldValue};
use sr_notify::{BuildContext, ChannelType, Delivered, Message, Notifier, NotifyError};
use sr_secrets::SecretRef;

/// `type` in channels.json.
pub const KIND: &str = "email";
/// The service, as messages name it.
const SERVICE: &str = "The SMTP server";
/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: a relay on this machine only.
    None,
}

impl Security {
    fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// The `config` of an e-mail channel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    host: String,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    security: Security,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<SecretRef>,
    from: String,
    to: Vec<String>,
    #[serde(default)]
    ca_file: Option<PathBuf>,
    /// Put before every subject.
    #[serde(default = "default_prefix")]
    subject_prefix: String,
}

fn default_prefix() -> String {
    "[ScratchRobin]".into()
}

/// The factory of e-mail channels.
#[derive(Debug, Default)]
pub struct EmailFactory;

impl ChannelType for EmailFactory {
    const KIND: &'static str = KIND;
    const DISPLAY_NAME: &'static str = "E-mail (SMTP)";
    const SECRET_FIELDS: &'static [&'static str] = &["password"];
    type Config = EmailConfig;

    fn config_fields(&self) -> Vec<ConfigField> {
        vec![
            ConfigField::text(
                "host",
                "SMTP server",
                true,
                false,
                "The SMTP server's host name.",
            ),
            ConfigField::typed(
                "port",
                "Port",
                false,
                FieldValue::Number,
                "Empty for the security's usual port: 587 STARTTLS, 465 TLS, 25 none.",
            ),
            ConfigField::choice(
                "security",
                "Security",
                &["starttls", "tls", "none"],
                "starttls",
                "STARTTLS (required to succeed), TLS from the first byte, or none (a relay on this machine only).",
            ),
            ConfigField::text(
                "username",
                "User name",
                false,
                false,
                "Empty when the server takes mail without signing in.",
            ),
            ConfigField::text(
                "password",
                "Password",
                false,
                true,
                "The SMTP password; kept out of channels.json.",
            ),
            ConfigField::text(
                "from",
                "From",
                true,
                false,
                "The sender, e.g. ScratchRobin <alerts@example.com>.",
            ),
            ConfigField::typed(
                "to",
                "To",
                true,
                FieldValue::List,
                "The recipients, comma-separated.",
            ),
            ConfigField::text(
                "subject_prefix",
                "Subject prefix",
                false,
                false,
                "Put before every subject; [ScratchRobin] when empty.",
            ),
        ]
    }

    fn notifier(
        &self,
        channel: &str,
        config: EmailConfig,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let bad = |message: String| NotifyError::Config {
            channel: channel.to_owned(),
            message,
        };
        let from: Mailbox = config.from.parse().map_err(|e| {
            bad(format!(
                "\"from\" is not an address ({e}); write it as \"Name <alerts@example.com>\" or \"alerts@example.com\""
            ))
        })?;
        if config.to.is_empty() {
            return Err(bad(
                "\"to\" names no recipient; list at least one address".into()
            ));
        }
        let to = config
            .to
            .iter()
            .map(|t| {
                t.parse::<Mailbox>().map_err(|e| {
                    bad(format!(
                        "\"to\" has \"{t}\", which is not an address ({e}); fix it in channels.json"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let credentials = match (&config.username, &config.password) {
            (Some(user), Some(pw)) => Some(Credentials::new(
                user.clone(),
                ctx.secret(channel, pw)?.expose().to_owned(),
            )),
            (None, None) => None,
            _ => {
                return Err(bad(
                    "\"username\" and \"password\" go together; give both or neither".into(),
                ));
            }
        };
        if config.security == Security::None && !is_loopback(&config.host) {
            return Err(bad(format!(
                "\"security\": \"none\" sends mail in plain text, allowed only to a relay on this machine, not to {}; use \"starttls\" or \"tls\"",
                config.host
            )));
        }
        if config.security == Security::None && credentials.is_some() {
            return Err(bad(
                "a password is never sent without TLS; use \"starttls\" or \"tls\", or drop \"username\" and \"password\" for the local relay".into(),
            ));
        }
        let transport = transport(&config, credentials, &bad)?;
        let domain = from.email.domain().to_owned();
        Ok(Arc::new(EmailChannel {
            channel: channel.to_owned(),
            from,
            to,
            prefix: config.subject_prefix,
            domain,
            transport,
        }))
    }
}

/// Whether `host` is this machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn transport(
    config: &EmailConfig,
    credentials: Option<Credentials>,
    bad: &dyn Fn(String) -> NotifyError,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, NotifyError> {
    let tls = match config.security {
        Security::None => Tls::None,
        s => {
            let mut params = TlsParameters::builder(config.host.clone());
            if let Some(path) = &config.ca_file {
                let pem = std::fs::read(path).map_err(|e| {
                    bad(format!(
                        "\"ca_file\" {} cannot be read ({e}); point it at a PEM file of certificate authorities",
                        path.display()
                    ))
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    bad(format!(
                        "\"ca_file\" {} is not a PEM certificate ({e}); point it at a PEM file of certificate authorities",
                        path.display()
                    ))
                })?;
                params = params.add_root_certificate(cert);
            }
            let params = params.build_rustls().map_err(|e| {
                bad(format!(
                    "TLS for {} cannot be set up ({e}); check \"ca_file\"",
                    config.host
                ))
            })?;
            if s == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
        .port(config.port.unwrap_or(config.security.default_port()))
        .tls(tls)
        .timeout(Some(TIMEOUT));
    if let Some(c) = credentials {
        builder = builder.credentials(c);
    }
    Ok(builder.build())
}

/// A channel sending e-mail.
struct EmailChannel {
    channel: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    prefix: String,
    /// The sender's domain, for the message and thread ids.
    domain: String,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

#[async_trait::async_trait]
impl Notifier for EmailChannel {
    fn channel(&self) -> &str {
        &self.channel
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        let email = self.email(message)?;
        match self.transport.send(email).await {
            Ok(answer) => Ok(Delivered {
                status: u16::from(answer.code()),
                detail: answer.message().collect::<Vec<_>>().join(" "),
            }),
            Err(e) => Err(self.classify(&e)),
        }
    }
}

impl EmailChannel {
    fn email(&self, message: &Message) -> Result<Email, NotifyError> {
        let n = &message.notification;
        let subject = render::subject(&self.prefix, message);
        let thread = format!("<alert-{}@{}>", id_part(&n.fingerprint), self.domain);
        let mut builder = Email::builder()
            .from(self.from.clone())
            .subject(subject)
            .message_id(Some(format!("<{}@{}>", id_part(&message.id), self.domain)))
            .in_reply_to(thread.clone())
            .references(thread)
            .date(n.occurred_at.into());
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                render::text(message),
                render::html(message),
            ))
            .map_err(|e| NotifyError::Config {
                channel: self.channel.clone(),
                message: format!("the message cannot be built ({e}); check \"from\" and \"to\""),
            })
    }

    /// One wording per kind of SMTP failure.
    fn classify(&self, e: &lettre::transport::smtp::Error) -> NotifyError {
        let channel = self.channel.clone();
        let code = e.status().map(u16::from);
        let detail = e.to_string();
        match code {
            Some(code) if e.is_permanent() => NotifyError::Refused {
                channel,
                service: SERVICE,
                status: code,
                detail,
                fix: match code {
                    530 | 534 | 535 | 538 => {
                        "check \"username\" and the password it points to; the server refused them".into()
                    }
                    550 | 551 | 553 => "check \"from\" and \"to\": the server does not take these addresses from this account".into(),
                    552 | 554 => "the server refused the message; ask its administrator why".into(),
                    _ => "the server refused the message; its answer says why".into(),
                },
            },
            Some(code) => NotifyError::Unavailable {
                channel,
                service: SERVICE,
                status: code,
                detail,
            },
            None if tls_failure(e) => NotifyError::Unreachable {
                channel,
                service: SERVICE,
                detail: format!(
                    "TLS failed ({detail}); if the server's certificate comes from a company CA, name it in \"ca_file\""
                ),
            },
            None if e.is_client() => NotifyError::Refused {
                channel,
                service: SERVICE,
                status: 0,
                detail,
                fix: "the server does not offer what \"security\" asks for (STARTTLS or the login); check \"security\" and \"port\"".into(),
            },
            None => NotifyError::Unreachable {
                channel,
                service: SERVICE,
                detail,
            },
        }
    }
}

/// Whether `e` is a failed TLS handshake. lettre reports a certificate its
/// verifier refused as a connection error, so its cause chain is read too.
fn tls_failure(e: &lettre::transport::smtp::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if text.contains("certificate") || text.contains("handshake") {
            return true;
        }
        cause = c.source();
    }
    e.is_tls()
}

/// `s` reduced to what a message id may hold.
fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "::1", "[::1]", "LOCALHOST"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["smtp.example.com", "10.0.0.1", "localhost.example.com"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn ids_keep_only_safe_characters() {
        assert_eq!(id_part("drift:shop:public.film"), "drift-shop-public.film");
        assert_eq!(id_part("a b<c>@d"), "a-b-c--d");
    }
}
