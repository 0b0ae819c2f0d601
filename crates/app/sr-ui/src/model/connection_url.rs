//! A connection profile's URL as the connection manager's fields, and back:
//! dialect, host, port, database, user, TLS mode and CA file for a server;
//! the file for SQLite. Parameters the form has no field for are kept as
//! written. A password found in a URL is handed out separately (it belongs
//! in the keyring, never in the URL).
//!
//! Server URLs are read and written with the `url` crate (the parser sqlx
//! and sr-db use, so the fields mean what the drivers will read). SQLite
//! URLs are not URLs to sqlx: everything after `sqlite://` up to `?` is
//! the file, percent-decoded, so they are split by hand here.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The database kinds a profile can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    #[default]
    Postgres,
    MySql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    pub fn label(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MariaDB / MySQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// The scheme a new URL of this dialect gets.
    pub fn scheme(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The dialect of a URL scheme (`postgresql`, `mariadb`, … included).
    pub fn from_scheme(scheme: &str) -> Option<Dialect> {
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::MySql),
            "sqlite" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    /// The dialect of the engine's name for it (`postgres`, `mysql`,
    /// `sqlite`).
    pub fn from_engine(name: &str) -> Option<Dialect> {
        Dialect::from_scheme(name)
    }

    pub fn default_port(self) -> Option<u16> {
        match self {
            Dialect::Postgres => Some(5432),
            Dialect::MySql => Some(3306),
            Dialect::Sqlite => None,
        }
    }

    /// The TLS modes, weakest first, as the driver spells them (libpq's
    /// `sslmode`, MySQL's `ssl-mode`).
    pub fn tls_modes(self) -> &'static [&'static str] {
        match self {
            Dialect::Postgres => &["disable", "prefer", "require", "verify-ca", "verify-full"],
            Dialect::MySql => &[
                "DISABLED",
                "PREFERRED",
                "REQUIRED",
                "VERIFY_CA",
                "VERIFY_IDENTITY",
            ],
            Dialect::Sqlite => &[],
        }
    }

    /// The URL parameter of the TLS mode.
    pub fn tls_param(self) -> &'static str {
        match self {
            Dialect::MySql => "ssl-mode",
            _ => "sslmode",
        }
    }

    /// The URL parameter of the CA file.
    pub fn ca_param(self) -> &'static str {
        match self {
            Dialect::MySql => "ssl-ca",
            _ => "sslrootcert",
        }
    }

    /// Other spellings of the TLS parameters the drivers accept.
    fn tls_aliases(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Dialect::MySql => (&["ssl-mode", "sslmode"], &["ssl-ca", "sslca"]),
            _ => (&["sslmode"], &["sslrootcert"]),
        }
    }
}

/// What the form shows of a URL. Text fields hold what the user reads
/// (decoded); [`build_url`] encodes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlFields {
    pub dialect: Dialect,
    /// The scheme as written (`postgresql`, `mariadb`), kept while it
    /// names the same dialect.
    pub scheme: Option<String>,
    pub host: String,
    /// Empty: the dialect's default.
    pub port: String,
    pub database: String,
    pub user: String,
    /// Empty: the driver's default (`prefer` / `PREFERRED`).
    pub tls_mode: String,
    pub ca_file: String,
    /// The SQLite file.
    pub path: String,
    /// The other query parameters, `key=value&…`, as written.
    pub options: String,
}

/// A URL read into fields, and the password it held, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    pub fields: UrlFields,
    pub password: Option<String>,
}

/// Characters that would end or split a query parameter's value. The rest
/// (slashes in a CA file's path) stay readable in connections.json.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'=')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// Characters a database name cannot carry unencoded in the URL's path.
const PATH_SEGMENT: &AsciiSet = &QUERY_VALUE.add(b'/').add(b'?').add(b'\\');

/// Characters sqlx would read as the end of an SQLite file name.
const SQLITE_PATH: &AsciiSet = &CONTROLS.add(b'%').add(b'?').add(b'#');

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Reads `text` (a database URL) into fields.
pub fn parse_url(text: &str) -> Result<ParsedUrl, String> {
    let text = text.trim();
    let Some((scheme, _)) = text.split_once(':') else {
        return Err(format!(
            "`{}` is not a database URL; paste one such as postgres://user@host:5432/db",
            short(text)
        ));
    };
    let Some(dialect) = Dialect::from_scheme(scheme) else {
        return Err(format!(
            "`{scheme}:` is not a database this workbench opens; use postgres://, mysql://, mariadb:// or sqlite://"
        ));
    };
    if dialect == Dialect::Sqlite {
        return Ok(parse_sqlite(text, scheme));
    }
    let url = url::Url::parse(text).map_err(|e| {
        format!(
            "the URL cannot be read ({e}); write {}://USER@HOST:PORT/DATABASE",
            dialect.scheme()
        )
    })?;
    let mut fields = UrlFields {
        dialect,
        scheme: Some(scheme.to_owned()),
        host: url
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port: url.port().map(|p| p.to_string()).unwrap_or_default(),
        database: decode(url.path().trim_start_matches('/')),
        user: decode(url.username()),
        ..UrlFields::default()
    };
    let mut password = url.password().map(decode);
    let (modes, cas) = dialect.tls_aliases();
    let mut others = Vec::new();
    for (key, value) in url.query_pairs() {
        let lower = key.to_ascii_lowercase();
        if lower == "password" {
            password = Some(value.into_owned());
        } else if modes.contains(&lower.as_str()) {
            fields.tls_mode = normal_mode(dialect, &value);
        } else if cas.contains(&lower.as_str()) {
            fields.ca_file = value.into_owned();
        } else if lower == "user" && fields.user.is_empty() {
            fields.user = value.into_owned();
        } else {
            others.push(format!(
                "{key}={}",
                utf8_percent_encode(&value, QUERY_VALUE)
            ));
        }
    }
    fields.options = others.join("&");
    Ok(ParsedUrl { fields, password })
}

/// A mode in the driver's usual case, when it is one of the dialect's.
fn normal_mode(dialect: Dialect, mode: &str) -> String {
    dialect
        .tls_modes()
        .iter()
        .find(|m| m.eq_ignore_ascii_case(mode))
        .map_or_else(|| mode.to_owned(), |m| (*m).to_owned())
}

fn parse_sqlite(text: &str, scheme: &str) -> ParsedUrl {
    let rest = &text[scheme.len() + 1..];
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    ParsedUrl {
        fields: UrlFields {
            dialect: Dialect::Sqlite,
            scheme: Some(scheme.to_owned()),
            path: decode(path),
            options: query.to_owned(),
            ..UrlFields::default()
        },
        password: None,
    }
}

/// A field of the connection form, to place a problem beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Host,
    Port,
    Database,
    User,
    Path,
    CaFile,
    TlsMode,
    Options,
    SshHost,
    SshPort,
    SshUser,
    SshKey,
    SshPassphrase,
}

/// Something to fix before the profile can be tested or saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
    /// A required field left empty: shown once the user tried to test or
    /// save, not while the form is still being filled.
    pub missing: bool,
}

impl Problem {
    pub fn new(field: Field, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
            missing: false,
        }
    }

    pub fn missing(field: Field, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
            missing: true,
        }
    }
}

/// The problems of `fields`, in form order (none: [`build_url`] succeeds).
pub fn url_problems(fields: &UrlFields) -> Vec<Problem> {
    let mut out = Vec::new();
    if fields.dialect == Dialect::Sqlite {
        if fields.path.trim().is_empty() {
            out.push(Problem::missing(
                Field::Path,
                "Choose the SQLite database file.",
            ));
        }
    } else {
        let host = fields.host.trim();
        if host.is_empty() && !has_option(&fields.options, "host") {
            out.push(Problem::missing(
                Field::Host,
                "Enter the server's host name or address.",
            ));
        } else if host.contains(['/', '@', '?', '#', ' ']) {
            out.push(Problem::new(
                Field::Host,
                format!("\"{host}\" is not a host name; write only the name or address, e.g. db.example.com"),
            ));
        }
        let port = fields.port.trim();
        if !port.is_empty() && !port.parse::<u16>().is_ok_and(|p| p > 0) {
            out.push(Problem::new(
                Field::Port,
                format!("\"{port}\" is not a port; write a number from 1 to 65535, or leave it empty for {}", fields.dialect.default_port().unwrap_or_default()),
            ));
        }
        let mode = fields.tls_mode.trim();
        if !mode.is_empty()
            && !fields
                .dialect
                .tls_modes()
                .iter()
                .any(|m| m.eq_ignore_ascii_case(mode))
        {
            out.push(Problem::new(
                Field::TlsMode,
                format!(
                    "\"{mode}\" is not a TLS mode of {}; choose one of {}",
                    fields.dialect.label(),
                    fields.dialect.tls_modes().join(", ")
                ),
            ));
        }
    }
    if let Some(problem) = options_problem(&fields.options) {
        out.push(Problem::new(Field::Options, problem));
    }
    out
}

fn has_option(options: &str, name: &str) -> bool {
    options.split('&').any(|p| {
        p.split('=')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(name))
    })
}

fn options_problem(options: &str) -> Option<String> {
    let options = options.trim();
    if options.is_empty() {
        return None;
    }
    for pair in options.split('&') {
        let Some((key, _)) = pair.split_once('=') else {
            return Some(format!(
                "\"{pair}\" is not a parameter; write key=value pairs joined by &"
            ));
        };
        if key.eq_ignore_ascii_case("password") {
            return Some(
                "the options hold a password; type it in the password field, so it goes to the keyring"
                    .into(),
            );
        }
    }
    None
}

/// The profile URL of `fields`, without a password; `Err` holds the
/// problems when there are any.
pub fn build_url(fields: &UrlFields) -> Result<String, Vec<Problem>> {
    let problems = url_problems(fields);
    if !problems.is_empty() {
        return Err(problems);
    }
    let scheme = fields
        .scheme
        .as_deref()
        .filter(|s| Dialect::from_scheme(s) == Some(fields.dialect))
        .unwrap_or(fields.dialect.scheme());
    let options = fields.options.trim();
    if fields.dialect == Dialect::Sqlite {
        let mut url = format!(
            "{scheme}://{}",
            utf8_percent_encode(fields.path.trim(), SQLITE_PATH)
        );
        if !options.is_empty() {
            url.push('?');
            url.push_str(options);
        }
        return Ok(url);
    }
    let host = fields.host.trim();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let mut url = url::Url::parse(&format!("{scheme}://{host}")).map_err(|e| {
        vec![Problem::new(
            Field::Host,
            format!("\"{host}\" is not a host name ({e}); write a name or address such as db.example.com"),
        )]
    })?;
    let mut query = Vec::new();
    // A URL without a host (a socket directory in `options`) has no place
    // for a user or a port; the drivers read them as parameters then.
    let user = fields.user.trim();
    if url.set_username(user).is_err() && !user.is_empty() {
        query.push(format!("user={}", utf8_percent_encode(user, QUERY_VALUE)));
    }
    if let Ok(port) = fields.port.trim().parse::<u16>()
        && url.set_port(Some(port)).is_err()
    {
        query.push(format!("port={port}"));
    }
    let database = fields.database.trim();
    if !database.is_empty() {
        url.set_path(&format!("/{}", utf8_percent_encode(database, PATH_SEGMENT)));
    }
    let mode = fields.tls_mode.trim();
    if !mode.is_empty() {
        query.push(format!(
            "{}={}",
            fields.dialect.tls_param(),
            normal_mode(fields.dialect, mode)
        ));
    }
    let ca = fields.ca_file.trim();
    if !ca.is_empty() {
        query.push(format!(
            "{}={}",
            fields.dialect.ca_param(),
            utf8_percent_encode(ca, QUERY_VALUE)
        ));
    }
    if !options.is_empty() {
        query.push(options.to_owned());
    }
    if !query.is_empty() {
        url.set_query(Some(&query.join("&")));
    }
    Ok(url.to_string())
}

/// The first characters of `text`, for a message.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// How an environment label is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Production: red.
    Danger,
    /// Staging and the like: amber.
    Caution,
    /// Anything else: neutral.
    Neutral,
}

/// The tone of an environment label: production red, staging amber,
/// everything else neutral.
pub fn environment_tone(label: &str) -> Tone {
    let l = label.trim().to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| l.contains(w));
    if has(&["stag", "stg", "preprod", "pre-prod", "uat"]) {
        Tone::Caution
    } else if has(&["prod", "prd", "live"]) {
        Tone::Danger
    } else {
        Tone::Neutral
    }
}

#[cfg(test)]
#[path = "connection_url_tests.rs"]
mod tests;
