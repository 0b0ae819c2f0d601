//! The factory half of the contract, the same checks for every tracker
//! type: building from a trackers.json entry (the instance issue keys
//! carry, or a configuration error that names the fix), the company CA
//! file (`config.ca_file`) checked while the file is validated, and the
//! `config` struct read strictly.

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sr_secrets::{Keyring, Resolver};

use super::{ContractFailure, ensure, fail};
use crate::{ErrorKind, IssueTracker, Result, TrackerEntry, TrackerFactory};

/// Builds the entry `{"name", "type", "config": config}` of `factory`'s
/// type, with `token` in the environment variable `var` (unset when
/// `None`) and nothing in the keyring.
pub fn build(
    factory: &dyn TrackerFactory,
    config: Value,
    var: &str,
    token: Option<&str>,
) -> Result<Arc<dyn IssueTracker>> {
    let info = factory.info();
    let entry: TrackerEntry = serde_json::from_value(
        json!({"name": info.display_name, "type": info.kind, "config": config}),
    )
    .map_err(|e| crate::TrackerError::config(info.display_name, e.to_string()))?;
    let (var, token) = (var.to_owned(), token.map(str::to_owned));
    let secrets = Resolver::with_env(
        move |n| (n == var).then(|| token.clone()).flatten(),
        Keyring::in_memory(),
    );
    factory.build(&entry, &secrets)
}

/// [`build`], then: `Ok(instance)` wants a tracker whose issue keys carry
/// `instance`; `Err(words)` wants a configuration error that says `words`.
pub fn check_build(
    factory: &dyn TrackerFactory,
    config: Value,
    var: &str,
    token: Option<&str>,
    expected: std::result::Result<&str, &str>,
) -> std::result::Result<(), ContractFailure> {
    const STEP: &str = "build";
    match (build(factory, config.clone(), var, token), expected) {
        (Ok(t), Ok(instance)) => ensure(t.info().instance == instance, STEP, || {
            format!("{config}: instance {}, want {instance}", t.info().instance)
        }),
        (Err(e), Err(words)) => ensure(
            e.kind() == ErrorKind::Config && e.to_string().contains(words),
            STEP,
            || {
                format!(
                    "{config}: `{e}` ({:?}) is not a config error saying `{words}`",
                    e.kind()
                )
            },
        ),
        (Ok(t), Err(words)) => Err(fail(
            STEP,
            format!(
                "{config}: built {:?}, want an error saying `{words}`",
                t.info()
            ),
        )),
        (Err(e), Ok(_)) => Err(fail(STEP, format!("{config}: {e}"))),
    }
}

/// The factory checks `config.ca_file` while validating: a file that is
/// not there, or holds no certificate, is an error; no `ca_file` is fine.
/// `config` is a valid `config` object without `ca_file`; the test file is
/// written in `dir`.
pub fn check_ca_file(
    factory: &dyn TrackerFactory,
    config: Value,
    dir: &Path,
) -> std::result::Result<(), ContractFailure> {
    const STEP: &str = "ca_file";
    let file = dir.join("company-ca.pem");
    let with = |ca: Option<&Path>| {
        let mut config = config.clone();
        config["ca_file"] = json!(ca);
        factory.validate(&config.to_string())
    };
    let refused = |words: &str| match with(Some(&file)) {
        Err(e) => ensure(e.to_string().contains(words), STEP, || {
            format!("`{e}` does not say `{words}`")
        }),
        Ok(()) => Err(fail(STEP, format!("{} was accepted", file.display()))),
    };
    refused("config.ca_file")?;
    std::fs::write(&file, "not a certificate").map_err(|e| fail(STEP, e.to_string()))?;
    refused("holds no PEM certificate")?;
    with(None).map_err(|e| fail(STEP, format!("without ca_file: {e}")))
}

/// Reads `json` as the config struct `C`: `Ok(())` wants it read,
/// `Err(words)` an error that says `words`.
pub fn check_config<C: DeserializeOwned>(
    json: &str,
    expected: std::result::Result<(), &str>,
) -> std::result::Result<(), ContractFailure> {
    const STEP: &str = "config";
    match (serde_json::from_str::<C>(json), expected) {
        (Ok(_), Ok(())) => Ok(()),
        (Err(e), Err(words)) => ensure(e.to_string().contains(words), STEP, || {
            format!("{json}: `{e}` does not say `{words}`")
        }),
        (Ok(_), Err(words)) => Err(fail(STEP, format!("{json}: read, want `{words}`"))),
        (Err(e), Ok(())) => Err(fail(STEP, format!("{json}: {e}"))),
    }
}

/// One entry to build and what it must give, for [`check_builds`]:
/// the `config` object, the token in the environment (`None`: unset),
/// and `Ok(instance)` or `Err(words)` as [`check_build`] takes them.
pub type BuildCase<'a> = (
    Value,
    Option<&'a str>,
    std::result::Result<&'a str, &'a str>,
);

/// [`check_build`] for each case in turn, the token in the environment
/// variable `var`; the first that does not hold is the failure.
pub fn check_builds(
    factory: &dyn TrackerFactory,
    var: &str,
    cases: Vec<BuildCase<'_>>,
) -> std::result::Result<(), ContractFailure> {
    cases.into_iter().try_for_each(|(config, token, expected)| {
        check_build(factory, config, var, token, expected)
    })
}

/// What every type built on the kit's `ConfigFactory` does alike, checked
/// from `config`: a valid `config` object (no `ca_file`) whose token is
/// `${var}` and goes into a header as given. The settings dialog hides
/// `auth.token` and nothing else; an unset variable is named with the key
/// it stands for; a token a header cannot carry and a base URL that is not
/// http(s) are refused with the fix; an unknown field is refused at its own line; the company CA file is
/// checked while validating ([`check_ca_file`], its file written in `dir`).
pub fn check_common(
    factory: &dyn TrackerFactory,
    config: Value,
    var: &str,
    dir: &Path,
) -> std::result::Result<(), ContractFailure> {
    let secret: Vec<&str> = factory
        .info()
        .fields
        .iter()
        .filter(|f| f.secret)
        .map(|f| f.key)
        .collect();
    ensure(secret == ["auth.token"], "fields", || {
        format!("secret fields {secret:?}, want [\"auth.token\"]")
    })?;
    let unset = format!(
        "cannot read its secret config.auth.token: environment variable `{var}` is not set"
    );
    check_build(factory, config.clone(), var, None, Err(&unset))?;
    check_build(
        factory,
        config.clone(),
        var,
        Some("bad\ntoken"),
        Err("characters a header cannot carry"),
    )?;
    let mut not_http = config.clone();
    not_http["base_url"] = json!("ftp://x");
    check_build(
        factory,
        not_http,
        var,
        Some("t"),
        Err("config.base_url `ftp://x` is not an http(s) URL; use "),
    )?;
    check_strict(factory, &config)?;
    check_ca_file(factory, config, dir)
}

/// An unknown field in a pretty-printed `config` is refused, named, at its
/// line (the settings dialog and `config check` point there).
fn check_strict(
    factory: &dyn TrackerFactory,
    config: &Value,
) -> std::result::Result<(), ContractFailure> {
    const STEP: &str = "validate";
    let pretty = serde_json::to_string_pretty(config).map_err(|e| fail(STEP, e.to_string()))?;
    // The unknown field goes on line 2, before the valid ones.
    let text = pretty.replacen('{', "{\n  \"colour\": 1,", 1);
    match factory.validate(&text) {
        Ok(()) => Err(fail(STEP, format!("{text}: accepted"))),
        Err(e) => ensure(
            e.line() == 2 && e.to_string().contains("unknown field `colour`"),
            STEP,
            || format!("{text}: `{e}` is not an unknown field `colour` at line 2"),
        ),
    }
}
