//! `scratchrobin api token create|list|revoke`: the tokens of the team
//! HTTP API. A new token is printed once, on standard output only; the
//! store keeps its hash, so a lost token is revoked and replaced, never
//! read back.

use std::process::ExitCode;

use serde::Serialize;
use sr_engine::{ApiTokenRow, Engine, TokenScope, parse_expiry};

use crate::cli::{ApiCommand, TokenCommand};
use crate::output;

/// A token as `list --json` prints it (never its secret).
#[derive(Serialize)]
struct TokenOut<'a> {
    id: &'a str,
    name: &'a str,
    scope: &'a str,
    created_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

impl<'a> From<&'a ApiTokenRow> for TokenOut<'a> {
    fn from(t: &'a ApiTokenRow) -> Self {
        TokenOut {
            id: &t.id,
            name: &t.name,
            scope: &t.scope,
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.map(|x| x.to_rfc3339()),
            revoked_at: t.revoked_at.map(|x| x.to_rfc3339()),
            last_used_at: t.last_used_at.map(|x| x.to_rfc3339()),
        }
    }
}

pub async fn api(engine: &Engine, command: ApiCommand) -> anyhow::Result<ExitCode> {
    let ApiCommand::Token { command } = command;
    match command {
        TokenCommand::Create {
            name,
            scope,
            expires,
            json,
        } => {
            let scope = TokenScope::parse(&scope)?;
            let lifetime = expires.as_deref().map(parse_expiry).transpose()?;
            let made = engine.create_api_token(&name, scope, lifetime).await?;
            if json {
                #[derive(Serialize)]
                struct Created<'a> {
                    #[serde(flatten)]
                    token: TokenOut<'a>,
                    secret: &'a str,
                }
                output::json(&Created {
                    token: (&made.row).into(),
                    secret: made.token.expose(),
                })?;
            } else {
                println!("{}", made.token.expose());
                eprintln!(
                    "token `{}` ({}, scope {}{}): shown this once; send it as `Authorization: Bearer TOKEN`",
                    made.row.name,
                    made.row.id,
                    made.row.scope,
                    made.row
                        .expires_at
                        .map(|x| format!(", expires {}", x.to_rfc3339()))
                        .unwrap_or_default()
                );
            }
        }
        TokenCommand::List { json } => {
            let tokens = engine.api_tokens().await?;
            if json {
                let out: Vec<TokenOut> = tokens.iter().map(TokenOut::from).collect();
                output::json(&out)?;
            } else if tokens.is_empty() {
                println!("no API tokens; create one with `scratchrobin api token create NAME`");
            } else {
                let now = chrono::Utc::now();
                for t in &tokens {
                    let state = if t.revoked_at.is_some() {
                        "revoked".to_owned()
                    } else if t.expires_at.is_some_and(|x| x <= now) {
                        "expired".to_owned()
                    } else {
                        match t.expires_at {
                            Some(x) => format!("until {}", x.format("%Y-%m-%d %H:%M")),
                            None => "no expiry".to_owned(),
                        }
                    };
                    let used = t
                        .last_used_at
                        .map(|x| x.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into());
                    println!(
                        "{}  {:<20} {:<5}  {state}  last used {used}",
                        t.id, t.name, t.scope
                    );
                }
            }
        }
        TokenCommand::Revoke { token } => {
            if engine.revoke_api_token(&token).await? {
                println!("revoked {token}");
            } else {
                eprintln!(
                    "no live token with id or name `{token}`; `scratchrobin api token list` shows them"
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
