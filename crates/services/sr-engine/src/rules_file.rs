//! The rules file as the CLI and the rules window edit it: the starter set
//! written on first run, rules added, changed, duplicated, moved and
//! removed, each edit checked by the same strict parser as `rules check`
//! before it replaces the file (under the file's lock, atomically, so two
//! processes editing at once never lose an edit), and a dry run of the
//! rules over one event. The engine reads the file for every event, so a
//! saved edit applies to the next event without a restart.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use sr_auto::{DatabaseEvent, Preview, RULE_FIELDS, RuleSet, STARTER_RULES};
use sr_model::EventKind;

use crate::{ConnectionMonitoring, Engine, EngineError};

/// The file in the data directory that records that the starter rules were
/// written once: a user who deletes the rules file keeps no rules.
const STARTER_MARKER: &str = "starter_rules_written";

/// One change to a rules file; rules are named by their `name`.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleEdit {
    /// A rule object, at `at` (default: the end).
    Add {
        rule: Value,
        at: Option<usize>,
    },
    /// Fields to set on the named rule; a `null` removes the field.
    Update {
        name: String,
        fields: Map<String, Value>,
    },
    /// A copy of the named rule under a new name, right after it.
    Duplicate {
        name: String,
        new_name: String,
    },
    /// The named rule moved to position `to` (0 is first).
    Move {
        name: String,
        to: usize,
    },
    Remove {
        name: String,
    },
}

impl Engine {
    /// Writes [`STARTER_RULES`] where the rules file lives when there is no
    /// rules file and none was ever written here; `true` when it wrote
    /// them. Two processes starting at once write them once.
    pub async fn install_starter_rules(&self) -> Result<bool, EngineError> {
        let path = self.paths().rules_file();
        let marker = self.paths().data_dir.join(STARTER_MARKER);
        blocking(move || {
            let _lock = sr_config::lock_beside(&path)?;
            if path.exists() || marker.exists() {
                return Ok(false);
            }
            sr_config::write_atomically(&path, STARTER_RULES.as_bytes(), ".auto_issue_rules.")?;
            let note = format!(
                "The starter auto-issue rules were written to {}; they are not written again.\n",
                path.display()
            );
            sr_config::write_atomically(&marker, note.as_bytes(), ".starter.")?;
            Ok(true)
        })
        .await
    }

    /// The rules file's JSON (`{"auto_issue_rules": []}` when it is
    /// missing), for editing as data.
    pub async fn rules_document(&self, file: Option<&Path>) -> Result<Value, EngineError> {
        let path = self.rules_path(file);
        blocking(move || read_document(&path)).await
    }

    /// Applies `edit` to the rules file and saves it when the result passes
    /// every check of `rules check`; the file is left as it was otherwise.
    pub async fn edit_rules(&self, file: Option<&Path>, edit: RuleEdit) -> Result<(), EngineError> {
        let path = self.rules_path(file);
        let templates = self.templates().await?;
        let known = self.known_names(&templates).await?;
        blocking(move || {
            let _lock = sr_config::lock_beside(&path)?;
            let mut doc = read_document(&path)?;
            apply(&mut doc, edit)?;
            save_checked(&path, &doc, &known)
        })
        .await
    }

    /// The rules file's JSON (as [`Engine::rules_document`]) and the hash
    /// of its content as read, for [`Engine::save_rules_document`] to
    /// notice an edit made meanwhile.
    pub async fn rules_document_hashed(
        &self,
        file: Option<&Path>,
    ) -> Result<(Value, String), EngineError> {
        let path = self.rules_path(file);
        blocking(move || {
            let hash = content_hash(&path)?;
            Ok((read_document(&path)?, hash))
        })
        .await
    }

    /// Replaces the rules file with `doc` (the rules window's save) when it
    /// passes every check of `rules check`, and, given `read_hash` (the
    /// content hash of the file when the window read it), only when nobody
    /// changed the file since: [`EngineError::RulesChanged`] otherwise, so
    /// a save never overwrites another process's edit unseen. The hash of
    /// the file as saved.
    pub async fn save_rules_document(
        &self,
        file: Option<&Path>,
        doc: Value,
        read_hash: Option<String>,
    ) -> Result<String, EngineError> {
        let path = self.rules_path(file);
        let templates = self.templates().await?;
        let known = self.known_names(&templates).await?;
        blocking(move || {
            // Compared under the lock every editor of the file takes.
            let _lock = sr_config::lock_beside(&path)?;
            if let Some(read) = read_hash
                && content_hash(&path)? != read
            {
                return Err(EngineError::RulesChanged {
                    file: path.display().to_string(),
                });
            }
            save_checked(&path, &doc, &known)?;
            content_hash(&path)
        })
        .await
    }

    /// What every rule for the event's kind would do with it, filing
    /// nothing: `rules test` and "Try on the last event".
    pub async fn test_rules(
        &self,
        event: &DatabaseEvent,
        file: Option<&Path>,
    ) -> Result<Vec<Preview>, EngineError> {
        let templates = self.templates().await?;
        let path = self.rules_path(file);
        let rules = self.rules(Some(&path), &templates).await?;
        Ok(self.auto_issues(rules, templates)?.preview(event)?)
    }

    /// Drops the starter rules that may not file for `event`: those whose
    /// kind of monitoring is off for the event's connection.
    pub(crate) async fn gate_starter_rules(
        &self,
        rules: &mut RuleSet,
        event: &DatabaseEvent,
    ) -> Result<(), EngineError> {
        if !rules.rules.iter().any(|r| r.starter) {
            return Ok(());
        }
        let settings = self.monitoring_settings(&event.connection).await?;
        if !monitored(&settings, event.event) {
            let before = rules.rules.len();
            rules.rules.retain(|r| !r.starter);
            tracing::info!(
                connection = %event.connection,
                event = event.event.as_str(),
                skipped = before - rules.rules.len(),
                "starter rules file only where monitoring is on"
            );
        }
        Ok(())
    }

    /// One rule as edited (unsaved) over the last event of its kind this
    /// engine saw, or the example event of that kind when none happened:
    /// `(whether it was the last event, the event, what the rule does)`.
    /// The rule passes the same checks as a saved one first.
    pub async fn try_rule(
        &self,
        rule: Value,
    ) -> Result<(bool, DatabaseEvent, Preview), EngineError> {
        let templates = self.templates().await?;
        let known = self.known_names(&templates).await?;
        let text = render(&serde_json::json!({ "auto_issue_rules": [rule] }))?;
        let rules = sr_auto::parse_rules(Path::new("the rule being edited"), &text, &known)?;
        let kind =
            rules.rules.first().map(|r| r.event).ok_or_else(|| {
                rule_edit(Path::new("the rule being edited"), "no rule given".into())
            })?;
        let last = self.last_event(kind);
        let (was_last, event) = match last {
            Some(e) => (true, e),
            None => (false, example_event(kind)?),
        };
        let mut previews = self.auto_issues(rules, templates)?.preview(&event)?;
        let preview = previews
            .pop()
            .ok_or_else(|| rule_edit(Path::new("the rule being edited"), "no rule given".into()))?;
        Ok((was_last, event, preview))
    }

    fn rules_path(&self, file: Option<&Path>) -> PathBuf {
        file.map_or_else(|| self.paths().rules_file(), Path::to_path_buf)
    }
}

/// The example event of `kind` (the templates' sample, as in
/// `config/events/`), for trying a rule before any such event happened.
fn example_event(kind: EventKind) -> Result<DatabaseEvent, EngineError> {
    let text = sr_templates::event_sample(kind.as_str()).ok_or_else(|| {
        rule_edit(
            Path::new("the rule being edited"),
            format!("no example event of kind {}", kind.as_str()),
        )
    })?;
    Ok(sr_auto::parse_event(Path::new(kind.as_str()), text)?)
}

/// Whether the check that raises events of `kind` runs for a connection.
pub(crate) fn monitored(settings: &ConnectionMonitoring, kind: EventKind) -> bool {
    match kind {
        EventKind::DriftDetected | EventKind::DriftResolved => settings.drift_minutes > 0,
        EventKind::HealthFailed | EventKind::HealthRecovered => settings.health_minutes > 0,
        EventKind::PerformanceRegression => settings.perf_minutes > 0,
        _ => settings.any_on(),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| EngineError::Background(e.to_string()))?
}

fn read_document(path: &Path) -> Result<Value, EngineError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(serde_json::json!({"auto_issue_rules": []}));
        }
        Err(e) => {
            return Err(sr_config::ConfigError::io(
                path,
                "read",
                &e,
                "check that it is a readable file",
            )
            .into());
        }
    };
    match serde_json::from_str::<Value>(text.strip_prefix('\u{feff}').unwrap_or(&text)) {
        Ok(v) if v.get("auto_issue_rules").is_some_and(Value::is_array) => Ok(v),
        // The strict parser says where and what is wrong.
        _ => Err(
            sr_auto::parse_rules(path, &text, &sr_auto::KnownNames::default())
                .err()
                .map_or_else(
                    || rule_edit(path, "the file has no \"auto_issue_rules\" list".into()),
                    EngineError::from,
                ),
        ),
    }
}

/// The SHA-256 of the file's bytes; `""` when there is no file.
fn content_hash(path: &Path) -> Result<String, EngineError> {
    use sha2::Digest;
    match std::fs::read(path) {
        Ok(bytes) => Ok(hex::encode(sha2::Sha256::digest(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => {
            Err(
                sr_config::ConfigError::io(path, "read", &e, "check that it is a readable file")
                    .into(),
            )
        }
    }
}

fn rule_edit(path: &Path, message: String) -> EngineError {
    EngineError::RuleEdit {
        file: path.display().to_string(),
        message,
    }
}

fn rules_of(doc: &mut Value) -> Result<&mut Vec<Value>, EngineError> {
    doc.get_mut("auto_issue_rules")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| {
            rule_edit(
                Path::new("the rules file"),
                r#"it has no "auto_issue_rules" list; a rules file is {"auto_issue_rules": [ {…}, … ]}"#.into(),
            )
        })
}

fn name_of(rule: &Value) -> Option<&str> {
    rule.get("name").and_then(Value::as_str)
}

/// The position of the rule named `name` (case-insensitive, as the parser
/// compares names), or an error listing the names there are.
fn position(rules: &[Value], name: &str) -> Result<usize, String> {
    if let Some(i) = rules
        .iter()
        .position(|r| name_of(r).is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim())))
    {
        return Ok(i);
    }
    let names: Vec<&str> = rules.iter().filter_map(name_of).collect();
    let hint = match sr_config::closest(name, names.iter().copied()) {
        Some(best) => format!("did you mean \"{best}\"? "),
        None => String::new(),
    };
    Err(format!(
        "no rule named \"{name}\"; {hint}the rules are: {}; `scratchrobin rules list` shows them",
        if names.is_empty() {
            "(none)".to_owned()
        } else {
            names.join(", ")
        }
    ))
}

fn apply(doc: &mut Value, edit: RuleEdit) -> Result<(), EngineError> {
    let path = PathBuf::from("the rules edit");
    let err = |m: String| rule_edit(&path, m);
    let rules = rules_of(doc)?;
    match edit {
        RuleEdit::Add { rule, at } => {
            if !rule.is_object() {
                return Err(err(
                    "a rule is a JSON object: {\"name\": …, \"event\": …, \"tracker\": …, \"template\": …}".into(),
                ));
            }
            let at = at.unwrap_or(rules.len()).min(rules.len());
            rules.insert(at, rule);
        }
        RuleEdit::Update { name, fields } => {
            let i = position(rules, &name).map_err(err)?;
            let Some(rule) = rules[i].as_object_mut() else {
                return Err(err(format!("rule \"{name}\" is not a JSON object")));
            };
            for (k, v) in fields {
                if v.is_null() {
                    rule.remove(&k);
                } else {
                    rule.insert(k, v);
                }
            }
        }
        RuleEdit::Duplicate { name, new_name } => {
            let i = position(rules, &name).map_err(err)?;
            let mut copy = rules[i].clone();
            copy["name"] = Value::String(new_name);
            // A copy is the user's own rule, never a starter one.
            if let Some(o) = copy.as_object_mut() {
                o.remove("starter");
            }
            rules.insert(i + 1, copy);
        }
        RuleEdit::Move { name, to } => {
            let i = position(rules, &name).map_err(err)?;
            let rule = rules.remove(i);
            let to = to.min(rules.len());
            rules.insert(to, rule);
        }
        RuleEdit::Remove { name } => {
            let i = position(rules, &name).map_err(err)?;
            rules.remove(i);
        }
    }
    Ok(())
}

/// Checks `doc` as `rules check` does, then writes it over `path`.
fn save_checked(path: &Path, doc: &Value, known: &sr_auto::KnownNames) -> Result<(), EngineError> {
    let text = render(doc)?;
    // Positions refer to the text that would have been written.
    let unsaved = PathBuf::from(format!("{} (not saved)", path.display()));
    sr_auto::parse_rules(&unsaved, &text, known)?;
    sr_config::write_atomically(path, text.as_bytes(), ".auto_issue_rules.")?;
    Ok(())
}

/// The document as pretty JSON with each rule's fields in the documented
/// order (serde_json's maps are sorted, which would scatter them).
pub fn render(doc: &Value) -> Result<String, EngineError> {
    /// A map with `first` keys in that order, then the rest.
    struct Ordered<'a> {
        map: &'a Map<String, Value>,
        first: &'a [&'a str],
    }
    impl Serialize for Ordered<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.map.len()))?;
            for k in self.first {
                if let Some(v) = self.map.get(*k) {
                    m.serialize_entry(k, &Item(v, RULE_FIELDS))?;
                }
            }
            for (k, v) in self.map {
                if !self.first.contains(&k.as_str()) {
                    m.serialize_entry(k, &Item(v, RULE_FIELDS))?;
                }
            }
            m.end()
        }
    }
    /// A value; objects inside the rules list keep the rule field order.
    struct Item<'a>(&'a Value, &'a [&'a str]);
    impl Serialize for Item<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0 {
                Value::Object(map) => Ordered { map, first: self.1 }.serialize(s),
                Value::Array(items) => s.collect_seq(items.iter().map(|v| Item(v, self.1))),
                other => other.serialize(s),
            }
        }
    }
    let empty = Map::new();
    let top = Ordered {
        map: doc.as_object().unwrap_or(&empty),
        first: &["auto_issue_rules", "secret_patterns"],
    };
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"  "),
    );
    top.serialize(&mut ser)
        .map_err(|e| EngineError::Background(format!("the rules cannot be written: {e}")))?;
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        serde_json::from_str(STARTER_RULES).expect("starter JSON")
    }

    #[test]
    fn edits_change_the_named_rule_and_keep_the_field_order() {
        let mut d = doc();
        let n = rules_of(&mut d).expect("rules").len();
        apply(
            &mut d,
            RuleEdit::Duplicate {
                name: "schema drift".into(),
                new_name: "Drift copy".into(),
            },
        )
        .expect("duplicate");
        assert_eq!(
            name_of(&rules_of(&mut d).expect("rules")[1]),
            Some("Drift copy")
        );
        assert!(rules_of(&mut d).expect("rules")[1].get("starter").is_none());
        let mut fields = Map::new();
        fields.insert("priority".into(), json!("P3"));
        fields.insert("labels".into(), Value::Null);
        apply(
            &mut d,
            RuleEdit::Update {
                name: "Drift copy".into(),
                fields,
            },
        )
        .expect("update");
        assert_eq!(rules_of(&mut d).expect("rules")[1]["priority"], json!("P3"));
        assert!(rules_of(&mut d).expect("rules")[1].get("labels").is_none());
        apply(
            &mut d,
            RuleEdit::Move {
                name: "Drift copy".into(),
                to: 99,
            },
        )
        .expect("move");
        assert_eq!(
            name_of(&rules_of(&mut d).expect("rules")[n]),
            Some("Drift copy")
        );
        apply(
            &mut d,
            RuleEdit::Remove {
                name: "Drift copy".into(),
            },
        )
        .expect("remove");
        assert_eq!(rules_of(&mut d).expect("rules").len(), n);
        let e = apply(
            &mut d,
            RuleEdit::Remove {
                name: "Schema drif".into(),
            },
        )
        .expect_err("no such rule")
        .to_string();
        assert!(e.contains("did you mean \"Schema drift\"?"), "{e}");
        let text = render(&d).expect("render");
        let name = text.find("\"name\"").expect("name");
        let event = text.find("\"event\"").expect("event");
        let starter = text.find("\"starter\"").expect("starter");
        assert!(name < event && event < starter, "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), d);
    }

    #[test]
    fn starter_rules_follow_the_kind_of_monitoring() {
        let drift_only = ConnectionMonitoring {
            drift_minutes: 5,
            ..ConnectionMonitoring::off()
        };
        assert!(monitored(&drift_only, EventKind::DriftDetected));
        assert!(monitored(&drift_only, EventKind::DriftResolved));
        assert!(!monitored(&drift_only, EventKind::HealthFailed));
        assert!(!monitored(
            &ConnectionMonitoring::off(),
            EventKind::PerformanceRegression
        ));
    }
}
