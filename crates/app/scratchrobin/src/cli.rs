//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "scratchrobin",
    version,
    about = "Database workbench with issue-tracker links"
)]
pub struct Args {
    /// Directory for the store, logs and the demo database.
    #[arg(long, global = true, env = "SCRATCHROBIN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory for trackers.json, rules and templates.
    #[arg(long, global = true, env = "SCRATCHROBIN_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    /// Store URL: a SQLite file path or postgres://… (default: the SQLite
    /// file in the data directory).
    #[arg(long, global = true, env = "SCRATCHROBIN_STORE")]
    pub store: Option<String>,
    /// Run the webhook listener inside the workbench on this address
    /// (`serve --listen` for headless use).
    #[arg(long, env = "SCRATCHROBIN_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// Open the workbench with this panel in front, on the demo database.
    #[arg(long, value_enum)]
    pub open: Option<OpenPanel>,
    /// How log lines on stderr look: `text` for people, `json` (one object
    /// per line) for log collectors when running `serve`.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "SCRATCHROBIN_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OpenPanel {
    Designer,
    Whiteboard,
    Monitoring,
    Sql,
}

impl From<OpenPanel> for sr_ui::StartPanel {
    fn from(p: OpenPanel) -> Self {
        match p {
            OpenPanel::Designer => sr_ui::StartPanel::Designer,
            OpenPanel::Whiteboard => sr_ui::StartPanel::Whiteboard,
            OpenPanel::Monitoring => sr_ui::StartPanel::Monitoring,
            OpenPanel::Sql => sr_ui::StartPanel::Sql,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The bundled demo database.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Configured issue trackers.
    Tracker {
        #[command(subcommand)]
        command: TrackerCommand,
    },
    /// Notification channels (channels.json): list them, send a test.
    Channel {
        #[command(subcommand)]
        command: crate::channel_cmd::ChannelCommand,
    },
    /// Secrets ScratchRobin keeps: in the OS keyring or the encrypted
    /// secrets file of the data directory.
    Secret {
        #[command(subcommand)]
        command: SecretCommand,
    },
    /// The team HTTP API that `serve` offers under /api/v1.
    Api {
        #[command(subcommand)]
        command: ApiCommand,
    },
    /// Issues in a tracker.
    Issue {
        #[command(subcommand)]
        command: IssueCommand,
    },
    /// Add or remove one link between an object and an issue.
    Link {
        #[command(subcommand)]
        command: LinkCommand,
    },
    /// List links of an object or of an issue.
    Links {
        /// An object: CONNECTION:schema.name (demo:main.orders).
        #[arg(long, conflicts_with = "issue", required_unless_present = "issue")]
        object: Option<String>,
        /// An issue key: provider:instance:id (local:default:7).
        #[arg(long)]
        issue: Option<String>,
        /// With --object: only the pull and merge requests that change it
        /// (the text listing shows them after the issues anyway).
        #[arg(long, requires = "object")]
        pulls: bool,
        #[arg(long)]
        json: bool,
    },
    /// Schema snapshots and differences.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Schema drift against a baseline.
    Drift {
        #[command(subcommand)]
        command: DriftCommand,
    },
    /// Query performance: timed runs, plans and baselines.
    Query {
        #[command(subcommand)]
        command: crate::query_cmd::QueryCommand,
    },
    /// Named database connections (profiles in connections.json, passwords
    /// in the keyring).
    Connection {
        #[command(subcommand)]
        command: ConnectionCommand,
    },
    /// Health checks of a database. Exits 0 when all are ok, 2 when any is
    /// a warning or critical, 1 on error.
    Health {
        /// A connection name (demo, a profile), a database URL or an SQLite
        /// file.
        #[arg(long)]
        db: String,
        #[arg(long)]
        json: bool,
        /// A file the backup job writes or touches; its age is checked.
        #[arg(long)]
        backup_file: Option<PathBuf>,
        /// How old --backup-file may be, in hours (default 24).
        #[arg(long, requires = "backup_file")]
        backup_max_age_hours: Option<f64>,
        /// A shell command whose exit status says whether the last backup
        /// succeeded (0 = yes).
        #[arg(long)]
        backup_command: Option<String>,
        /// Report statements running longer than this (default 60).
        #[arg(long)]
        long_query_seconds: Option<f64>,
    },
    /// Auto-issue rules files.
    Rules {
        #[command(subcommand)]
        command: crate::rules_cmd::RulesCommand,
    },
    /// Database events through the auto-issue rules.
    Events {
        #[command(subcommand)]
        command: crate::auto_cmd::EventsCommand,
    },
    /// The auto-issue outbox: tracker calls committed before they are sent.
    Outbox {
        #[command(subcommand)]
        command: crate::auto_cmd::OutboxCommand,
    },
    /// Tracker sync: run one now, or show every tracker's sync state.
    Sync {
        #[command(subcommand)]
        command: crate::sync_cmd::SyncCommand,
    },
    /// Run the engine headless: the webhook listener and its processor.
    Serve {
        /// Address to listen on for webhooks.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Print changes other processes make to a team store, one per line.
    Watch {
        #[arg(long)]
        json: bool,
    },
    /// Webhook deliveries received by the listener.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Export links, cached issues or the audit log as CSV, JSON or an
    /// Excel workbook.
    Export(crate::export_cmd::ExportArgs),
    /// Reports computed from the store: `report traceability`, `report
    /// weekly` (preview, or send to a channel now).
    Report {
        #[command(subcommand)]
        command: crate::report_cmd::ReportCommand,
    },
    /// The audit log of creates, links and unlinks, newest first.
    Audit {
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Print the demo database's path, creating it if needed.
    Path,
}

#[derive(Debug, Subcommand)]
pub enum TrackerCommand {
    /// List configured trackers and whether each can be used.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Check a tracker's credentials and access.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Sign a tracker in through the sign-in its type offers (an OAuth
    /// device flow): prints a code to enter on the provider's page, then
    /// keeps the token in the OS keyring.
    Login {
        name: String,
        /// The client id of the OAuth app to sign in through (its settings
        /// must allow the device flow). Unset: the environment variable the
        /// tracker's type reads, which an error names when it is unset too.
        #[arg(long)]
        client_id: Option<String>,
        /// OAuth scopes to ask for (repeat for several); unset, the ones
        /// the tracker's type asks for by default.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Keep the token in the encrypted secrets file (passphrase from
        /// SCRATCHROBIN_SECRETS_PASSPHRASE) instead of the OS keyring.
        #[arg(long)]
        encrypted: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a secret read from standard input (its first line), under
    /// NAME: in the OS keyring, or with --encrypted in the encrypted
    /// secrets file. Reference it as {"keyring": NAME} or
    /// {"encrypted": NAME} in trackers.json or connections.json.
    Set {
        name: String,
        /// The encrypted secrets file (DATA_DIR/secrets.enc) instead of the
        /// keyring; its passphrase comes from SCRATCHROBIN_SECRETS_PASSPHRASE.
        #[arg(long)]
        encrypted: bool,
    },
    /// Remove a stored secret (from the keyring, or with --encrypted from
    /// the encrypted secrets file). Removing what is not there is fine.
    Delete {
        name: String,
        #[arg(long)]
        encrypted: bool,
    },
    /// Where secrets can be kept here and whether they survive a reboot.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// API tokens: create (shown once), list, revoke.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once; only its hash is stored.
    Create {
        /// Who holds it (ci-bot, dashboards); unique.
        name: String,
        /// read: every GET; write: also start syncs and replay deliveries.
        #[arg(long, default_value = "read", value_parser = ["read", "write"])]
        scope: String,
        /// Lifetime: 90d, 12h, 30m; without it the token lasts until revoked.
        #[arg(long)]
        expires: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every token with its scope, expiry, last use and whether it is revoked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by id or name; at once, for every serve on the store.
    Revoke { token: String },
}

#[derive(Debug, Subcommand)]
pub enum IssueCommand {
    /// Create an issue and link it to an object.
    Create {
        #[arg(long)]
        tracker: String,
        /// The object to link: CONNECTION:schema.name.
        #[arg(long)]
        object: Option<String>,
        #[arg(long)]
        title: String,
        /// Read the body from this file (`-` for standard input).
        #[arg(long)]
        body_file: Option<PathBuf>,
        /// P0 (critical) to P4 (lowest).
        #[arg(long)]
        priority: Option<String>,
        /// Repeat for several labels.
        #[arg(long = "label")]
        labels: Vec<String>,
        #[arg(long = "type")]
        issue_type: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one issue by key.
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Close an issue in its tracker.
    Close {
        key: String,
        /// Why: `done` (default) or the tracker's word, e.g. `wont_fix`.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Reopen a closed issue in its tracker.
    Reopen {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Comment on an issue. The comment is kept first and sent at once;
    /// when the tracker cannot take it now, the next sync sends it.
    Comment {
        key: String,
        /// The comment's text (Markdown); `-` reads standard input.
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Take back a comment not sent yet (its id from `issue comments`);
    /// prints its text.
    TakeBack { key: String, id: i64 },
    /// List an issue's comments, workbench comments not sent yet included.
    Comments {
        key: String,
        /// Read them from the tracker first (else the cache's, read from the
        /// tracker only the first time).
        #[arg(long)]
        refresh: bool,
        #[arg(long)]
        json: bool,
    },
    /// Search a tracker.
    Search {
        #[arg(long)]
        tracker: String,
        #[arg(long, default_value = "")]
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    Add {
        #[arg(long)]
        object: String,
        #[arg(long)]
        issue: String,
        #[arg(long)]
        json: bool,
    },
    Remove {
        #[arg(long)]
        object: String,
        #[arg(long)]
        issue: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// List deliveries, newest first.
    Deliveries {
        /// Only the ones whose processing failed.
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Queue a delivery for processing again (a running `serve` picks it up).
    Replay { id: i64 },
    /// Create a webhook in the tracker that delivers to URL, with a new
    /// secret kept in the keyring.
    Register {
        tracker: String,
        /// The listener's public address, e.g. https://sr.example.com/webhook/github
        #[arg(long)]
        url: String,
    },
    /// Remove the webhook `register` created, and its secret.
    Unregister { tracker: String },
}

#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Add or replace a profile. A password in the URL is moved into the
    /// OS keyring; the file keeps only a reference to it.
    Add {
        name: String,
        /// sqlite://PATH, postgres://USER[:PASSWORD]@HOST:PORT/DB,
        /// mysql://… or mariadb://…
        url: String,
        /// An environment label shown in reports (production, staging).
        #[arg(long = "env")]
        environment: Option<String>,
        /// Read the password from this environment variable when
        /// connecting, instead of the keyring.
        #[arg(long)]
        password_env: Option<String>,
        /// Keep the password from the URL in the encrypted secrets file
        /// (passphrase from SCRATCHROBIN_SECRETS_PASSPHRASE) instead of the
        /// OS keyring.
        #[arg(long, conflicts_with = "password_env")]
        encrypted: bool,
        #[command(flatten)]
        ssh: crate::connection_ssh::SshArgs,
    },
    /// Trust an SSH bastion's host key after checking its fingerprint
    /// (adds it to the connection's known_hosts file).
    Trust {
        name: String,
        /// The fingerprint the refusal printed (SHA256:…), once confirmed
        /// with the bastion's administrator.
        fingerprint: String,
    },
    /// List the built-in connections and the profiles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Connect and say what is wrong if that fails (exit 1).
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile and its keyring entry.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Write a database's schema as a snapshot (JSON).
    Snapshot {
        /// A connection name (demo, a profile), a database URL or an
        /// SQLite file.
        #[arg(long)]
        db: String,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Compare two schemas: connections, URLs, snapshot files or migration
    /// directories. Exits 0 when equal, 2 when they differ.
    Diff {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Print the migration script from FROM to TO.
        #[arg(long)]
        sql: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DriftCommand {
    /// Exit 0 when the database matches the baseline, 2 when it drifted, 1
    /// on error.
    Check {
        /// A connection name (demo, a profile), a database URL or an
        /// SQLite file.
        #[arg(long)]
        db: String,
        /// A snapshot file, a migrations directory or a database URL.
        #[arg(long)]
        baseline: String,
        #[arg(long)]
        json: bool,
    },
}
