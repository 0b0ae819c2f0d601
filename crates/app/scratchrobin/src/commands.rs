//! Runs one subcommand on an engine opened for it.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use sr_config::Paths;
use sr_engine::{Engine, EngineOptions};
use sr_model::{IssueDraft, IssueKey, SearchQuery};
use tracing::Instrument;

use crate::cli::{
    Args, Command, ConnectionCommand, DemoCommand, DriftCommand, IssueCommand, LinkCommand,
    SchemaCommand, TrackerCommand, WebhookCommand,
};
use crate::output;

pub fn run(args: Args, paths: Paths) -> anyhow::Result<ExitCode> {
    let mut options = EngineOptions::new(paths);
    options.store_url = args.store.clone();
    options.listen = args.listen;
    let Some(command) = args.command else {
        return gui(options, args.open.map(Into::into));
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let span = tracing::info_span!("command", name = command_name(&command));
    runtime.block_on(
        async move {
            let engine = std::sync::Arc::new(Engine::open(options).await?);
            let result = dispatch(&engine, command).await;
            engine.close().await;
            result
        }
        .instrument(span),
    )
}

fn gui(options: EngineOptions, open: Option<sr_ui::StartPanel>) -> anyhow::Result<ExitCode> {
    sr_ui::run_opening(options, open).context("the workbench window could not start")?;
    Ok(ExitCode::SUCCESS)
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Demo { .. } => "demo",
        Command::Tracker { .. } => "tracker",
        Command::Channel { .. } => "channel",
        Command::Secret { .. } => "secret",
        Command::Api { .. } => "api",
        Command::Issue { .. } => "issue",
        Command::Link { .. } => "link",
        Command::Links { .. } => "links",
        Command::Audit { .. } => "audit",
        Command::Export(_) => "export",
        Command::Serve { .. } => "serve",
        Command::Sync { .. } => "sync",
        Command::Schema { .. } => "schema",
        Command::Drift { .. } => "drift",
        Command::Query { .. } => "query",
        Command::Connection { .. } => "connection",
        Command::Health { .. } => "health",
        Command::Report { .. } => "report",
        Command::Rules { .. } => "rules",
        Command::Events { .. } => "events",
        Command::Outbox { .. } => "outbox",
        Command::Webhook { .. } => "webhook",
        Command::Watch { .. } => "watch",
    }
}

async fn dispatch(engine: &std::sync::Arc<Engine>, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Demo {
            command: DemoCommand::Path,
        } => {
            println!("{}", engine.demo_path().await?.display());
        }
        Command::Tracker { command } => return tracker(engine, command).await,
        Command::Channel { command } => {
            return crate::channel_cmd::channel(engine, command).await;
        }
        Command::Secret { command } => crate::secret_cmd::secret(engine, command).await?,
        Command::Api { command } => return crate::api_cmd::api(engine, command).await,
        Command::Issue { command } => issue(engine, command).await?,
        Command::Link { command } => link(engine, command).await?,
        Command::Links {
            object,
            issue,
            pulls,
            json,
        } => {
            let resolved = match &object {
                Some(o) => Some(engine.object(o).await?),
                None => None,
            };
            let pull_list = match &resolved {
                Some(o) => engine.pulls_for_object(o).await?,
                None => Vec::new(),
            };
            if pulls {
                if json {
                    output::json(&pull_list)?;
                } else if pull_list.is_empty() {
                    println!("no pull requests");
                } else {
                    for p in &pull_list {
                        println!("{}", output::pull_line(p));
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (links, by_object) = match (resolved, issue) {
                (Some(o), _) => (engine.linked_issues(&o).await?, true),
                (None, Some(k)) => (engine.linked_objects(&k.parse::<IssueKey>()?).await?, false),
                (None, None) => {
                    anyhow::bail!("give --object CONNECTION:schema.name or --issue KEY")
                }
            };
            if json {
                output::json(&links)?;
            } else {
                if links.is_empty() {
                    println!("no links");
                }
                for l in &links {
                    let line = if by_object {
                        output::link_line_by_object(l)
                    } else {
                        output::link_line_by_issue(l)
                    };
                    println!("{line}");
                }
                if !pull_list.is_empty() {
                    println!("pull requests:");
                    for p in &pull_list {
                        println!("{}", output::pull_line(p));
                    }
                }
            }
        }
        Command::Schema {
            command: SchemaCommand::Snapshot { db, output },
        } => {
            crate::schema_cmd::snapshot(engine, &db, output).await?;
        }
        Command::Schema {
            command:
                SchemaCommand::Diff {
                    from,
                    to,
                    sql,
                    json,
                },
        } => {
            return crate::schema_cmd::diff(engine, &from, &to, sql, json).await;
        }
        Command::Drift {
            command: DriftCommand::Check { db, baseline, json },
        } => {
            return crate::schema_cmd::drift_check(engine, &db, &baseline, json).await;
        }
        Command::Query { command } => return crate::query_cmd::run(engine, command).await,
        Command::Connection { command } => return connection(engine, command).await,
        Command::Sync { command } => return crate::sync_cmd::sync_cmd(engine, command).await,
        Command::Health {
            db,
            json,
            backup_file,
            backup_max_age_hours,
            backup_command,
            long_query_seconds,
        } => {
            let args = crate::health_cmd::HealthArgs {
                json,
                backup_file,
                backup_max_age_hours,
                backup_command,
                long_query_seconds,
            };
            return crate::health_cmd::run(engine, &db, args).await;
        }
        Command::Serve { listen } => return crate::serve::run(engine.clone(), listen).await,
        Command::Watch { json } => return crate::watch_cmd::run(engine, json).await,
        Command::Rules { command } => return crate::rules_cmd::rules_cmd(engine, command).await,
        Command::Events { command } => return crate::auto_cmd::events_cmd(engine, command).await,
        Command::Outbox { command } => return crate::auto_cmd::outbox_cmd(engine, command).await,
        Command::Webhook { command } => webhook(engine, command).await?,
        Command::Export(args) => crate::export_cmd::run(engine, args).await?,
        Command::Report { command } => crate::report_cmd::run(engine, command).await?,
        Command::Audit { limit, json } => {
            let entries = engine.audit_log(limit).await?;
            if json {
                output::json(&entries)?;
            } else {
                for e in &entries {
                    println!(
                        "{}  {:<8} {:<14} {} {}",
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        e.actor,
                        e.action.as_str(),
                        e.object.as_deref().unwrap_or("-"),
                        e.issue.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn connection(engine: &Engine, command: ConnectionCommand) -> anyhow::Result<ExitCode> {
    use crate::connection_cmd as c;
    match command {
        ConnectionCommand::Add {
            name,
            url,
            environment,
            password_env,
            encrypted,
            ssh,
        } => {
            c::add(
                engine,
                &name,
                &url,
                environment,
                password_env,
                encrypted,
                &ssh,
            )
            .await?
        }
        ConnectionCommand::Trust { name, fingerprint } => {
            crate::connection_ssh::trust(engine, &name, &fingerprint).await?
        }
        ConnectionCommand::List { json } => c::list(engine, json).await?,
        ConnectionCommand::Test { name, json } => return c::test(engine, &name, json).await,
        ConnectionCommand::Remove { name } => c::remove(engine, &name).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn tracker(engine: &Engine, command: TrackerCommand) -> anyhow::Result<ExitCode> {
    match command {
        TrackerCommand::List { json } => {
            let statuses = engine.tracker_statuses().await;
            if json {
                output::json(&statuses)?;
            } else {
                for s in &statuses {
                    let state = s.problem.as_deref().unwrap_or("ready");
                    println!("{:<24} {:<8} {}", s.name, s.kind, state);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TrackerCommand::Login {
            name,
            client_id,
            scopes,
            encrypted,
        } => crate::tracker_cmd::login(engine, &name, client_id, &scopes, encrypted).await,
        TrackerCommand::Test { name, json } => {
            let result = engine.test_configured_tracker(&name).await;
            let ok = result.is_ok();
            let until_reboot = engine.tracker_until_reboot(&name).await;
            if json {
                let mut value = match &result {
                    Ok(report) => {
                        serde_json::json!({"tracker": name, "ok": true, "report": report})
                    }
                    Err(e) => match e.tracker_error() {
                        Some(t) => {
                            serde_json::json!({"tracker": name, "ok": false, "kind": t.kind(), "diagnosis": t.to_string(),
                                "cause": t.unusable().map(|c| c.code())})
                        }
                        None => {
                            serde_json::json!({"tracker": name, "ok": false, "kind": "config", "diagnosis": e.to_string()})
                        }
                    },
                };
                if !until_reboot.is_empty() {
                    value["until_reboot"] = serde_json::json!(until_reboot);
                }
                output::json(&value)?;
            } else {
                match &result {
                    Ok(report) => {
                        println!("{name}: ok");
                        for c in &report.checks {
                            println!("  {c}");
                        }
                    }
                    Err(e) => eprintln!("{name}: {e}"),
                }
            }
            for r in &until_reboot {
                eprintln!(
                    "warning: {}",
                    sr_engine::until_reboot_note(&format!("the secret {r} of `{name}`"))
                );
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

async fn issue(engine: &Engine, command: IssueCommand) -> anyhow::Result<()> {
    match command {
        IssueCommand::Create {
            tracker,
            object,
            title,
            body_file,
            priority,
            labels,
            issue_type,
            assignee,
            json,
        } => {
            let object = match object {
                Some(o) => Some(engine.object(&o).await?),
                None => None,
            };
            let body = match body_file {
                None => String::new(),
                Some(p) if p.as_os_str() == "-" => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .context("reading the body from standard input")?;
                    s
                }
                Some(p) => std::fs::read_to_string(&p)
                    .with_context(|| format!("reading the body file {}", p.display()))?,
            };
            let draft = IssueDraft {
                title,
                body,
                priority: priority
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                labels,
                issue_type,
                assignees: assignee.into_iter().collect(),
                project: None,
            };
            let (created, link) = engine
                .create_issue(object.as_ref(), &draft, &tracker)
                .await?;
            if json {
                output::json(&serde_json::json!({"issue": created, "link": link}))?;
            } else {
                println!("{}", created.key());
            }
        }
        IssueCommand::Show { key, json } => {
            let issue = engine.issue(&key.parse::<IssueKey>()?).await?;
            if json {
                output::json(&issue)?;
            } else {
                print!("{}", output::issue_details(&issue));
            }
        }
        IssueCommand::Close { key, reason, json } => {
            let update = sr_model::IssueUpdate {
                state: Some(sr_model::IssueState::Done),
                resolution: reason,
                ..sr_model::IssueUpdate::default()
            };
            let issue = engine
                .update_issue(&key.parse::<IssueKey>()?, &update)
                .await?;
            if json {
                output::json(&issue)?;
            } else {
                println!(
                    "closed {} ({})",
                    issue.reference.display_key, issue.reference.status.name
                );
            }
        }
        IssueCommand::Reopen { key, json } => {
            let update = sr_model::IssueUpdate {
                state: Some(sr_model::IssueState::Open),
                ..sr_model::IssueUpdate::default()
            };
            let issue = engine
                .update_issue(&key.parse::<IssueKey>()?, &update)
                .await?;
            if json {
                output::json(&issue)?;
            } else {
                println!(
                    "reopened {} ({})",
                    issue.reference.display_key, issue.reference.status.name
                );
            }
        }
        IssueCommand::Comment { key, text, json } => {
            crate::comment_cmd::comment(engine, &key, &text, json).await?;
        }
        IssueCommand::TakeBack { key, id } => {
            let (_, body) = engine.take_back_comment(&key.parse()?, id).await?;
            println!("{body}");
        }
        IssueCommand::Comments { key, refresh, json } => {
            crate::comment_cmd::comments(engine, &key, refresh, json).await?;
        }
        IssueCommand::Search {
            tracker,
            query,
            limit,
            json,
        } => {
            let q = SearchQuery {
                text: query,
                limit,
                ..SearchQuery::default()
            };
            let found = engine.search_issues(&tracker, &q).await?;
            if json {
                output::json(&found)?;
            } else if found.is_empty() {
                println!("no issues found");
            } else {
                for i in &found {
                    println!("{}", output::issue_line(i));
                }
            }
        }
    }
    Ok(())
}

async fn link(engine: &Engine, command: LinkCommand) -> anyhow::Result<()> {
    match command {
        LinkCommand::Add {
            object,
            issue,
            json,
        } => {
            let object = engine.object(&object).await?;
            let key: IssueKey = issue.parse()?;
            let link = engine.link_issue(&object, &key).await?;
            if json {
                output::json(&link)?;
            } else {
                println!("linked {} to {}", object.name(), link.issue.display_key);
            }
        }
        LinkCommand::Remove { object, issue } => {
            let object = engine.object(&object).await?;
            engine
                .unlink_issue(&object, &issue.parse::<IssueKey>()?)
                .await?;
            println!("unlinked {} from {issue}", object.name());
        }
    }
    Ok(())
}

async fn webhook(engine: &Engine, command: WebhookCommand) -> anyhow::Result<()> {
    match command {
        WebhookCommand::Deliveries {
            failed,
            limit,
            json,
        } => {
            let list = engine.deliveries(failed, limit).await?;
            if json {
                output::json(&list)?;
            } else if list.is_empty() {
                println!("no deliveries");
            } else {
                for d in &list {
                    println!(
                        "{:>6}  {}  {:<10} {:<20} {:<24} {:<9} {}",
                        d.id,
                        d.received_at.format("%Y-%m-%d %H:%M:%S"),
                        d.provider,
                        d.tracker,
                        d.event,
                        d.status.as_str(),
                        d.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        WebhookCommand::Replay { id } => {
            if !engine.replay_delivery(id).await? {
                anyhow::bail!("no delivery {id}; list them with `scratchrobin webhook deliveries`");
            }
            println!("delivery {id} queued again");
        }
        WebhookCommand::Register { tracker, url } => {
            let reg = engine.register_webhook(&tracker, &url).await?;
            println!(
                "registered webhook {} for {tracker} delivering to {}",
                reg.id, reg.url
            );
        }
        WebhookCommand::Unregister { tracker } => {
            let id = engine.unregister_webhook(&tracker).await?;
            println!("removed webhook {id} of {tracker}");
        }
    }
    Ok(())
}
