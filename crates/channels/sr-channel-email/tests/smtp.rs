//! The e-mail channel against a real SMTP server: aiosmtpd on loopback
//! (tests/sink.py, run in the tests' Python), which reads each message back
//! with Python's own e-mail parser, an implementation independent of
//! lettre's.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use chrono::TimeZone;
use serde_json::{Value, json};
use sr_channel_email::EmailFactory;
use sr_config::{ChannelEntry, Grouping};
use sr_notify::{
    Action, BuildContext, ChannelFactory, Link, Message, Notification, Notifier, NotifyError,
    Severity,
};
use sr_secrets::{Keyring, Resolver};
use sr_testkit::TestCa;

const PASSWORD: &str = "s3cret-smtp-pass";
/// A failsafe for a sink that died; each wait ends on the sink's own line.
const FAILSAFE: Duration = Duration::from_secs(60);

/// A running aiosmtpd; stops when dropped (its stdin closes).
struct Sink {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    port: u16,
}

impl Sink {
    /// Starts the sink; with `tls`, it requires STARTTLS with the
    /// certificate in `tls` and takes the login `alerts`/[`PASSWORD`].
    fn start(tls: Option<(&Path, &Path)>) -> Sink {
        let python = sr_testkit::python().expect("the tests' Python");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sink.py");
        let port = sr_testkit::free_port();
        let mut child = Command::new(python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP sink starts");
        let mut stdin = child.stdin.take().expect("its stdin");
        let mut cfg = json!({"port": port});
        if let Some((cert, key)) = tls {
            cfg["cert"] = json!(cert);
            cfg["key"] = json!(key);
            cfg["user"] = json!("alerts");
            cfg["password"] = json!(PASSWORD);
        }
        writeln!(stdin, "{cfg}").expect("configure the sink");
        stdin.flush().expect("flush");
        let stdout = child.stdout.take().expect("its stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let sink = Sink {
            child,
            stdin: Some(stdin),
            lines,
            port,
        };
        assert_eq!(sink.next_line(), "READY");
        sink
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(FAILSAFE)
            .expect("the sink printed a line (is aiosmtpd installed? run `cargo xtask test`)")
    }

    /// The next message the sink took, as Python parsed it.
    fn next_message(&self) -> Value {
        serde_json::from_str(&self.next_line()).expect("a JSON line")
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A CA, the sink's certificate for `localhost` from it, and the CA's file.
struct Certs {
    _dir: tempfile::TempDir,
    ca_file: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn certs() -> Certs {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ca = TestCa::generate("sr-channel-email test CA").expect("a CA");
    let issued = ca.server(&["localhost"]).expect("a server certificate");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    Certs {
        ca_file: write("ca.pem", &ca.cert_pem()),
        cert: write("server.pem", &issued.cert_pem),
        key: write("server.key", &issued.key_pem),
        _dir: dir,
    }
}

fn build(config: Value) -> Result<Arc<dyn Notifier>, NotifyError> {
    let resolver = Resolver::with_env(
        |name| (name == "SMTP_PASSWORD").then(|| PASSWORD.to_owned()),
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the context");
    let entry = ChannelEntry {
        name: "dba-mail".into(),
        kind: "email".into(),
        enabled: true,
        config,
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    EmailFactory.build(&entry, &ctx)
}

fn starttls_config(port: u16, ca_file: &Path, password_var: &str) -> Value {
    json!({
        "host": "localhost",
        "port": port,
        "security": "starttls",
        "username": "alerts",
        "password": format!("${{{password_var}}}"),
        "from": "ScratchRobin <alerts@example.com>",
        "to": ["dba@example.com", "Ops <ops@example.com>"],
        "ca_file": ca_file,
    })
}

fn message(id: &str, action: Action) -> Message {
    Message {
        id: id.into(),
        action,
        notification: Notification {
            fingerprint: "drift:shop:public.film".into(),
            severity: Severity::Critical,
            title: "Schema drift on shop: public.film".into(),
            body: "Column **rating** changed type.\n\n```sql\nALTER TABLE film ...\n```\n<b>not markup</b>".into(),
            source: "shop:table:public.film".into(),
            links: vec![Link {
                text: "LOCAL-12".into(),
                url: "http://127.0.0.1/issues/12".into(),
            }],
            occurred_at: chrono::Utc
                .with_ymd_and_hms(2026, 12, 7, 18, 30, 0)
                .single()
                .expect("a time"),
        },
    }
}

#[tokio::test]
async fn a_trigger_and_its_resolve_arrive_over_starttls_with_login_in_one_thread() {
    let c = certs();
    let sink = Sink::start(Some((&c.cert, &c.key)));
    let mail = build(starttls_config(sink.port, &c.ca_file, "SMTP_PASSWORD")).expect("built");

    let sent = mail
        .send(&message("intent-1", Action::Trigger))
        .await
        .expect("the trigger is sent");
    assert_eq!(sent.status, 250, "{sent:?}");
    let trigger = sink.next_message();
    assert_eq!(trigger["tls"], true, "{trigger}");
    assert_eq!(trigger["authenticated"], true, "{trigger}");
    assert_eq!(trigger["mail_from"], "alerts@example.com");
    assert_eq!(
        trigger["rcpt_tos"],
        json!(["dba@example.com", "ops@example.com"])
    );
    assert_eq!(
        trigger["subject"],
        "[ScratchRobin] CRITICAL: Schema drift on shop: public.film"
    );
    assert_eq!(trigger["message_id"], "<intent-1@example.com>");
    assert_eq!(
        trigger["types"],
        json!(["multipart/alternative", "text/plain", "text/html"])
    );
    let text = trigger["text"].as_str().expect("a text part");
    assert!(text.contains("Column **rating** changed type."), "{text}");
    assert!(
        text.contains("LOCAL-12: http://127.0.0.1/issues/12"),
        "{text}"
    );
    let html = trigger["html"].as_str().expect("an HTML part");
    assert!(html.contains("<strong>rating</strong>"), "{html}");
    assert!(html.contains("&lt;b&gt;not markup&lt;/b&gt;"), "{html}");
    assert!(
        trigger["date"]
            .as_str()
            .is_some_and(|d| d.contains("7 Dec 2026")),
        "{trigger}"
    );

    mail.send(&message("intent-2", Action::Resolve))
        .await
        .expect("the resolve is sent");
    let resolve = sink.next_message();
    assert_eq!(
        resolve["subject"],
        "[ScratchRobin] Resolved: Schema drift on shop: public.film"
    );
    assert_eq!(resolve["message_id"], "<intent-2@example.com>");
    // One thread per alert: both reference the alert's thread id.
    assert_eq!(resolve["references"], trigger["references"]);
    assert_eq!(resolve["in_reply_to"], trigger["references"]);
    assert_eq!(
        trigger["references"],
        "<alert-drift-shop-public.film@example.com>"
    );
    assert!(
        resolve["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Resolved: the condition on shop:table:public.film")),
        "{resolve}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_message_names_the_fix() {
    let c = certs();
    let sink = Sink::start(Some((&c.cert, &c.key)));
    let resolver_var = "SMTP_PASSWORD";
    let mut config = starttls_config(sink.port, &c.ca_file, resolver_var);
    config["username"] = json!("someone-else");
    let mail = build(config).expect("built");
    let e = mail
        .send(&message("intent-3", Action::Trigger))
        .await
        .expect_err("the login is refused");
    assert_eq!(e.code(), "refused", "{e}");
    assert_eq!(e.status(), Some(535), "{e}");
    assert!(!e.retryable(), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("dba-mail") && text.contains("\"username\""),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn a_certificate_from_another_authority_fails_as_tls_and_names_ca_file() {
    let c = certs();
    let other = certs();
    let sink = Sink::start(Some((&c.cert, &c.key)));
    let mail = build(starttls_config(sink.port, &other.ca_file, "SMTP_PASSWORD")).expect("built");
    let e = mail
        .send(&message("intent-4", Action::Trigger))
        .await
        .expect_err("the certificate is not trusted");
    assert_eq!(e.code(), "unreachable", "{e}");
    assert!(e.to_string().contains("ca_file"), "{e}");
}

#[tokio::test]
async fn a_server_without_starttls_is_refused_before_any_login() {
    let c = certs();
    // A sink offering neither STARTTLS nor a login.
    let sink = Sink::start(None);
    let mail = build(starttls_config(sink.port, &c.ca_file, "SMTP_PASSWORD")).expect("built");
    let e = mail
        .send(&message("intent-5", Action::Trigger))
        .await
        .expect_err("STARTTLS is required");
    assert!(!e.retryable(), "{e}");
    assert!(e.to_string().contains("\"security\""), "{e}");
}

#[tokio::test]
async fn plain_smtp_to_a_relay_on_this_machine_sends_a_test_message() {
    let sink = Sink::start(None);
    let mail = build(json!({
        "host": "127.0.0.1",
        "port": sink.port,
        "security": "none",
        "from": "alerts@example.com",
        "to": ["dba@example.com"],
        "subject_prefix": "[db]",
    }))
    .expect("built");
    mail.send(&message("intent-6", Action::Test))
        .await
        .expect("sent");
    let m = sink.next_message();
    assert_eq!(m["tls"], false);
    assert_eq!(m["subject"], "[db] Test: Schema drift on shop: public.film");
    assert!(
        m["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("A test message from ScratchRobin")),
        "{m}"
    );
}

#[test]
fn configurations_that_would_leak_or_cannot_work_are_refused_with_their_fix() {
    let base =
        json!({"host": "smtp.example.com", "from": "a@example.com", "to": ["b@example.com"]});
    let with = |patch: Value| {
        let mut c = base.clone();
        for (k, v) in patch.as_object().expect("an object") {
            c[k] = v.clone();
        }
        build(c).err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert!(with(json!({"security": "none"})).contains("plain text"));
    assert!(
        with(json!({"host": "127.0.0.1", "security": "none", "username": "u", "password": "${SMTP_PASSWORD}"}))
            .contains("never sent without TLS")
    );
    assert!(with(json!({"username": "u"})).contains("go together"));
    assert!(with(json!({"to": []})).contains("no recipient"));
    assert!(with(json!({"to": ["not an address"]})).contains("not an address"));
    assert!(with(json!({"from": "nobody"})).contains("\"from\""));
    assert!(with(json!({"ca_file": "/nonexistent/ca.pem"})).contains("ca_file"));
    // A password written in the file is refused by the reference type.
    let literal = EmailFactory.check_config(
        r#"{"host": "h", "from": "a@b.c", "to": ["d@e.f"], "username": "u", "password": "hunter2"}"#,
    );
    assert!(literal.is_err(), "{literal:?}");
    // And a good one builds.
    assert_eq!(with(json!({})), "");
}
