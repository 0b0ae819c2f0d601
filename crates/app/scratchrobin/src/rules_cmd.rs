//! `rules list|add|edit|duplicate|move|remove|test|check`: the auto-issue
//! rules file from the command line, without an editor. Rules are given by
//! flags or as a JSON snippet; every edit passes the checks of `rules
//! check` before it is saved (the engine's `edit_rules`), and `rules test`
//! runs the rules over an event file without filing anything.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};
use sr_auto::Preview;
use sr_engine::{Engine, RuleEdit};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rules file: JSON, fields, CEL conditions, events, trackers
    /// and templates (default: CONFIG_DIR/auto_issue_rules.json).
    Check { file: Option<PathBuf> },
    /// The rules in file order.
    List {
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Add a rule from flags or a JSON snippet (`--json -` reads it from
    /// standard input).
    Add {
        #[command(flatten)]
        fields: RuleFields,
        /// Where to insert it (0 is first; default: last).
        #[arg(long)]
        at: Option<usize>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Change fields of the named rule; `--clear FIELD` removes one
    /// (`--name` renames it).
    Edit {
        #[arg(value_name = "NAME")]
        rule: String,
        #[command(flatten)]
        fields: RuleFields,
        #[arg(long, value_name = "FIELD")]
        clear: Vec<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Copy the named rule, right after it, under a new name.
    Duplicate {
        name: String,
        new_name: String,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Move the named rule to a position (0 is first).
    Move {
        name: String,
        to: usize,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Remove the named rule.
    Remove {
        name: String,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Run the rules over an event file (the `events emit` format) and
    /// print which rule matches and the issue it would file; nothing is
    /// filed. Exits 1 when no enabled rule matches.
    Test {
        event: PathBuf,
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// A rule's fields as flags; `--json` gives any of them as an object.
#[derive(Debug, Args)]
pub struct RuleFields {
    /// The rule (or, for `edit`, the fields to change) as a JSON object;
    /// `-` reads it from standard input. Flags override its fields.
    #[arg(long, value_name = "JSON")]
    json: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// The event kind, e.g. drift.detected.
    #[arg(long)]
    event: Option<String>,
    /// A CEL condition, e.g. "drift.severity == 'high'".
    #[arg(long)]
    condition: Option<String>,
    #[arg(long)]
    tracker: Option<String>,
    #[arg(long)]
    template: Option<String>,
    /// P0 … P4.
    #[arg(long)]
    priority: Option<String>,
    /// A label (repeat for more); replaces the rule's labels.
    #[arg(long = "label")]
    labels: Vec<String>,
    #[arg(long)]
    assignee: Option<String>,
    #[arg(long)]
    enabled: Option<bool>,
    #[arg(long)]
    close_on_resolve: Option<bool>,
    #[arg(long)]
    reopen_window_hours: Option<u32>,
    #[arg(long)]
    max_per_hour: Option<u32>,
    #[arg(long)]
    include_rows: Option<bool>,
}

impl RuleFields {
    /// The fields given, as a JSON object.
    fn to_map(&self) -> anyhow::Result<Map<String, Value>> {
        let mut map = match &self.json {
            None => Map::new(),
            Some(text) => {
                let text = if text == "-" {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                } else {
                    text.clone()
                };
                match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(m)) => m,
                    Ok(_) => anyhow::bail!(
                        "--json takes a JSON object, e.g. {{\"name\": \"Drift\", \"event\": \"drift.detected\", \"tracker\": \"Local\", \"template\": \"drift_detection\"}}"
                    ),
                    Err(e) => anyhow::bail!("--json is not valid JSON: {e}"),
                }
            }
        };
        let strings = [
            ("name", &self.name),
            ("event", &self.event),
            ("condition", &self.condition),
            ("tracker", &self.tracker),
            ("template", &self.template),
            ("priority", &self.priority),
            ("assignee", &self.assignee),
        ];
        for (k, v) in strings {
            if let Some(v) = v {
                map.insert(k.into(), json!(v));
            }
        }
        if !self.labels.is_empty() {
            map.insert("labels".into(), json!(self.labels));
        }
        let flags = [
            ("enabled", self.enabled),
            ("close_on_resolve", self.close_on_resolve),
            ("include_rows", self.include_rows),
        ];
        for (k, v) in flags {
            if let Some(v) = v {
                map.insert(k.into(), json!(v));
            }
        }
        for (k, v) in [
            ("reopen_window_hours", self.reopen_window_hours),
            ("max_per_hour", self.max_per_hour),
        ] {
            if let Some(v) = v {
                map.insert(k.into(), json!(v));
            }
        }
        Ok(map)
    }
}

pub async fn rules_cmd(engine: &Engine, command: RulesCommand) -> anyhow::Result<ExitCode> {
    // The default file gets the starter rules on a first run, as the
    // workbench's does.
    let file = match &command {
        RulesCommand::Check { file } => file.clone(),
        RulesCommand::List { file, .. }
        | RulesCommand::Add { file, .. }
        | RulesCommand::Edit { file, .. }
        | RulesCommand::Duplicate { file, .. }
        | RulesCommand::Move { file, .. }
        | RulesCommand::Remove { file, .. }
        | RulesCommand::Test { file, .. } => file.clone(),
    };
    if file.is_none() && engine.install_starter_rules().await? {
        eprintln!(
            "wrote the starter rules to {}",
            engine.paths().rules_file().display()
        );
    }
    let file = file.as_deref();
    let edit = match command {
        RulesCommand::Check { file } => return check(engine, file).await,
        RulesCommand::List { json, .. } => return list(engine, file, json).await,
        RulesCommand::Test { event, json, .. } => return test(engine, file, &event, json).await,
        RulesCommand::Add { fields, at, .. } => RuleEdit::Add {
            rule: Value::Object(fields.to_map()?),
            at,
        },
        RulesCommand::Edit {
            rule: name,
            fields,
            clear,
            ..
        } => {
            let mut fields = fields.to_map()?;
            for f in clear {
                fields.insert(f, Value::Null);
            }
            if fields.is_empty() {
                anyhow::bail!("nothing to change: give flags (--priority P2 …), --json or --clear");
            }
            RuleEdit::Update { name, fields }
        }
        RulesCommand::Duplicate { name, new_name, .. } => RuleEdit::Duplicate { name, new_name },
        RulesCommand::Move { name, to, .. } => RuleEdit::Move { name, to },
        RulesCommand::Remove { name, .. } => RuleEdit::Remove { name },
    };
    match engine.edit_rules(file, edit).await {
        Ok(()) => {
            println!("saved {}", shown(engine, file).display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn shown(engine: &Engine, file: Option<&Path>) -> PathBuf {
    file.map_or_else(|| engine.paths().rules_file(), Path::to_path_buf)
}

async fn check(engine: &Engine, file: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = file.unwrap_or_else(|| engine.paths().rules_file());
    if !path.exists() {
        anyhow::bail!(
            "{}: no such file; copy config/auto_issue_rules.example.json there to start",
            path.display()
        );
    }
    let templates = engine.templates().await?;
    match engine.rules(Some(&path), &templates).await {
        Ok(set) => {
            let enabled = set.rules.iter().filter(|r| r.enabled).count();
            println!(
                "{}: {} rules ({enabled} enabled), all valid",
                path.display(),
                set.rules.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn list(engine: &Engine, file: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let doc = engine.rules_document(file).await?;
    let rules = doc
        .get("auto_issue_rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if json {
        output::json(&rules)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rules.is_empty() {
        println!(
            "no rules in {}; add one with `scratchrobin rules add`",
            shown(engine, file).display()
        );
    }
    let text = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("-").to_owned();
    for (i, r) in rules.iter().enumerate() {
        let on = r.get("enabled").and_then(Value::as_bool).unwrap_or(true);
        let starter = r.get("starter").and_then(Value::as_bool).unwrap_or(false);
        println!(
            "{i:>2} {} {:<26} {:<22} {:<8} {:<3} {}{}",
            if on { "on " } else { "off" },
            text(r, "name"),
            text(r, "event"),
            text(r, "tracker"),
            text(r, "priority"),
            r.get("condition")
                .and_then(Value::as_str)
                .map_or_else(|| "(every event)".to_owned(), |c| format!("if {c}")),
            if starter { "  [starter]" } else { "" },
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn test(
    engine: &Engine,
    file: Option<&Path>,
    event: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let event = sr_auto::load_event(event)?;
    let previews = engine.test_rules(&event, file).await?;
    let matched = Preview::first_match(&previews);
    if json {
        output::json(&json!({"matched": matched.map(|p| &p.rule), "rules": previews}))?;
    } else {
        match matched {
            Some(p) => {
                println!("matched: {}", p.rule);
                println!("tracker: {}", p.tracker);
                if let Some(pr) = p.priority {
                    println!("priority: {pr}");
                }
                if !p.labels.is_empty() {
                    println!("labels: {}", p.labels.join(", "));
                }
                match &p.title {
                    Some(t) => println!("title: {t}"),
                    None => println!("action: comments on (and may close) the alert it resolves"),
                }
                if let Some(n) = &p.note {
                    println!("note: {n}");
                }
            }
            None => println!(
                "no enabled rule in {} matches this {} event; nothing would be filed",
                shown(engine, file).display(),
                event.event.as_str()
            ),
        }
        for p in previews.iter().filter(|p| matched != Some(*p)) {
            let why = match (&p.error, p.enabled, p.matched) {
                (Some(e), _, _) => format!("error: {e}"),
                (None, false, _) => "disabled".into(),
                (None, true, true) => "matches too (a later rule files as well)".into(),
                (None, true, false) => "condition is false".into(),
            };
            println!("  {}: {why}", p.rule);
        }
    }
    if matched.is_some() && previews.iter().all(|p| p.error.is_none()) {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
