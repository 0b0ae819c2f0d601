//! The Auto-issue Rules tab: the rules file as a list, one rule edited at a
//! time in a form, its CEL condition checked as it is typed (the error
//! under the field, with the names the event offers), a "Try on the last
//! event" preview, and a save the engine checks like `rules check`.
//!
//! Compiling a condition ([`sr_auto::Condition::compile`]) is pure and
//! fast, so it runs in the frame that changed the text; reading, saving
//! and trying are engine commands ([`RulesCommand`]). A save carries the
//! content hash of the file as read: when another process changed the
//! file meanwhile the engine refuses, and the tab offers Reload instead of
//! overwriting. Rules are kept as
//! JSON objects so that fields this form does not show (another helper's
//! `notify`, say) survive an edit.

use serde_json::{Map, Value, json};
use sr_auto::{DatabaseEvent, Preview};
use sr_engine::{Command, RulesCommand, RulesEvent};

use super::{Load, Tab, ToastLevel, UiState};

/// A rule's fields as the form edits them (text for numbers, so a
/// half-typed value is not lost).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleForm {
    pub name: String,
    pub event: String,
    pub condition: String,
    pub tracker: String,
    pub template: String,
    /// Empty for none.
    pub priority: String,
    /// Comma-separated.
    pub labels: String,
    pub assignee: String,
    pub enabled: bool,
    pub close_on_resolve: bool,
    pub reopen_window_hours: String,
    pub max_per_hour: String,
    pub starter: bool,
}

fn text(rule: &Value, key: &str) -> String {
    match rule.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn flag(rule: &Value, key: &str, default: bool) -> bool {
    rule.get(key).and_then(Value::as_bool).unwrap_or(default)
}

impl RuleForm {
    pub fn from_value(rule: &Value) -> RuleForm {
        RuleForm {
            name: text(rule, "name"),
            event: text(rule, "event"),
            condition: text(rule, "condition"),
            tracker: text(rule, "tracker"),
            template: text(rule, "template"),
            priority: text(rule, "priority"),
            labels: rule
                .get("labels")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            assignee: text(rule, "assignee"),
            enabled: flag(rule, "enabled", true),
            close_on_resolve: flag(rule, "close_on_resolve", false),
            reopen_window_hours: text(rule, "reopen_window_hours"),
            max_per_hour: text(rule, "max_per_hour"),
            starter: flag(rule, "starter", false),
        }
    }

    /// The form over `original`: its fields replaced, empty ones removed,
    /// fields the form does not know kept.
    pub fn to_value(&self, original: &Value) -> Value {
        let mut rule: Map<String, Value> = original.as_object().cloned().unwrap_or_default();
        let mut put = |key: &str, value: Option<Value>| match value {
            Some(v) => {
                rule.insert(key.to_owned(), v);
            }
            None => {
                rule.remove(key);
            }
        };
        let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(|s| json!(s));
        put("name", Some(json!(self.name.trim())));
        put("event", Some(json!(self.event.trim())));
        // The condition as typed: CEL may span lines.
        put(
            "condition",
            Some(&self.condition)
                .filter(|c| !c.trim().is_empty())
                .map(|c| json!(c)),
        );
        put("tracker", Some(json!(self.tracker.trim())));
        put("template", Some(json!(self.template.trim())));
        put("priority", some(&self.priority));
        let labels: Vec<&str> = self
            .labels
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        put("labels", (!labels.is_empty()).then(|| json!(labels)));
        put("assignee", some(&self.assignee));
        put("enabled", (!self.enabled).then_some(json!(false)));
        put(
            "close_on_resolve",
            self.close_on_resolve.then_some(json!(true)),
        );
        // A number that does not parse is kept as text: the save's checks
        // then name the field.
        let number = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.parse::<u64>().map_or_else(|_| json!(s), |n| json!(n)))
        };
        put("reopen_window_hours", number(&self.reopen_window_hours));
        put("max_per_hour", number(&self.max_per_hour));
        put("starter", self.starter.then_some(json!(true)));
        Value::Object(rule)
    }
}

/// What "Try on the last event" showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    /// `true` for the last event of the kind, `false` for the example.
    pub last: bool,
    pub event: DatabaseEvent,
    pub preview: Preview,
}

/// The rules tab's state.
#[derive(Debug, Clone, Default)]
pub struct RulesEditor {
    /// Where the rules live, to tell the user.
    pub file: String,
    /// The rules as saved.
    pub saved: Load<Vec<Value>>,
    /// The rules as edited (the selected one as of the last form change).
    pub draft: Vec<Value>,
    pub selected: Option<usize>,
    pub form: RuleForm,
    /// Configured trackers and templates, for the form's choices.
    pub trackers: Vec<String>,
    pub templates: Vec<String>,
    /// Why the condition does not compile, shown under the field.
    pub condition_error: Option<String>,
    /// The names a condition may read for the form's event kind.
    pub names: Vec<String>,
    pub tried: Option<Tried>,
    /// Why the last save or try was refused.
    pub error: Option<String>,
    pub saving: bool,
    /// The content hash of the rules file as last read or saved.
    pub hash: Option<String>,
    /// The last save was refused because the file changed on disk since it
    /// was read: Reload is offered.
    pub conflict: bool,
    /// A rule "Make a rule from this" adds once the rules are loaded.
    pub pending_rule: Option<Value>,
}

impl RulesEditor {
    pub fn dirty(&self) -> bool {
        self.saved.ready() != Some(&self.draft)
    }
}

/// Why `condition` is not valid CEL, in the words the file's check uses.
pub fn condition_problem(condition: &str) -> Option<String> {
    if condition.trim().is_empty() {
        return None;
    }
    sr_auto::Condition::compile(condition)
        .err()
        .map(|e| format!("not valid CEL at {}:{}: {}", e.line, e.column, e.message))
}

/// The names a condition may read for events of `kind`, from its example
/// event (empty for an unknown kind).
pub fn names_for(kind: &str) -> Vec<String> {
    sr_templates::event_sample(kind)
        .and_then(|text| sr_auto::parse_event(std::path::Path::new(kind), text).ok())
        .map(|e| sr_auto::condition_names(&e))
        .unwrap_or_default()
}

impl UiState {
    /// Tools → Auto-issue Rules…: the tab, and the rules from the engine.
    pub fn open_rules_editor(&mut self) {
        self.open_tab(Tab::Rules);
        if !matches!(self.rules.saved, Load::Ready(_)) {
            self.rules.saved = Load::Loading;
            self.send(Command::Rules(RulesCommand::Load));
        }
    }

    /// Shows rule `i` in the form.
    pub fn select_rule(&mut self, i: usize) {
        self.commit_rule_form();
        let r = &mut self.rules;
        let Some(rule) = r.draft.get(i) else {
            return;
        };
        r.selected = Some(i);
        r.form = RuleForm::from_value(rule);
        r.tried = None;
        self.rule_form_changed();
    }

    /// After the form changed: the draft follows, the condition is checked
    /// and the names follow the event kind.
    pub fn rule_form_changed(&mut self) {
        let r = &mut self.rules;
        r.condition_error = condition_problem(&r.form.condition);
        r.names = names_for(r.form.event.trim());
        self.commit_rule_form();
    }

    fn commit_rule_form(&mut self) {
        let r = &mut self.rules;
        if let Some(i) = r.selected
            && let Some(rule) = r.draft.get(i)
        {
            let value = r.form.to_value(rule);
            r.draft[i] = value;
        }
    }

    /// `rule` added after the selected rule (or last), selected; its name
    /// made unique with a number.
    pub fn insert_rule(&mut self, mut rule: Value) {
        self.commit_rule_form();
        let r = &mut self.rules;
        let base = text(&rule, "name");
        let taken = |name: &str| {
            r.draft
                .iter()
                .any(|x| x.get("name").and_then(Value::as_str) == Some(name))
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        rule["name"] = json!(name);
        let at = r.selected.map_or(r.draft.len(), |i| i + 1);
        r.draft.insert(at, rule);
        r.selected = None;
        self.select_rule(at);
    }

    /// Reads the rules file again, dropping unsaved edits (after a save was
    /// refused because the file changed on disk).
    pub fn reload_rules(&mut self) {
        self.rules.conflict = false;
        self.rules.error = None;
        self.rules.saved = Load::Loading;
        self.send(Command::Rules(RulesCommand::Load));
    }

    /// A new rule after the selected one (or last), selected.
    pub fn add_rule(&mut self) {
        self.commit_rule_form();
        let tracker = self.default_tracker();
        let r = &mut self.rules;
        let mut n = r.draft.len() + 1;
        let taken = |n: usize| {
            r.draft
                .iter()
                .any(|x| x.get("name").and_then(Value::as_str) == Some(&format!("New rule {n}")))
        };
        while taken(n) {
            n += 1;
        }
        let rule = json!({"name": format!("New rule {n}"), "event": "drift.detected",
            "tracker": tracker, "template": "drift_detection"});
        let at = r.selected.map_or(r.draft.len(), |i| i + 1);
        r.draft.insert(at, rule);
        r.selected = None;
        self.select_rule(at);
    }

    /// A copy of the selected rule right after it (never a starter rule).
    pub fn duplicate_rule(&mut self) {
        self.commit_rule_form();
        let r = &mut self.rules;
        let Some(i) = r.selected else { return };
        let mut copy = r.draft[i].clone();
        let name = text(&copy, "name");
        copy["name"] = json!(format!("{name} (copy)"));
        if let Some(o) = copy.as_object_mut() {
            o.remove("starter");
        }
        r.draft.insert(i + 1, copy);
        r.selected = None;
        self.select_rule(i + 1);
    }

    pub fn delete_rule(&mut self) {
        let r = &mut self.rules;
        let Some(i) = r.selected.take() else { return };
        r.draft.remove(i);
        r.form = RuleForm::default();
        if !r.draft.is_empty() {
            self.select_rule(i.min(self.rules.draft.len() - 1));
        }
    }

    /// Moves the selected rule up (`-1`) or down (`1`).
    pub fn move_rule(&mut self, by: isize) {
        self.commit_rule_form();
        let r = &mut self.rules;
        let Some(i) = r.selected else { return };
        let Some(to) = i.checked_add_signed(by).filter(|t| *t < r.draft.len()) else {
            return;
        };
        r.draft.swap(i, to);
        r.selected = Some(to);
    }

    /// Saves the draft; the engine checks it like `rules check`.
    pub fn save_rules(&mut self) {
        self.commit_rule_form();
        self.rules.error = None;
        self.rules.saving = true;
        let rules = self.rules.draft.clone();
        let hash = self.rules.hash.clone();
        self.send(Command::Rules(RulesCommand::Save { rules, hash }));
    }

    /// The selected rule, as edited, over the last event of its kind.
    pub fn try_rule(&mut self) {
        self.commit_rule_form();
        let Some(rule) = self.rules.selected.and_then(|i| self.rules.draft.get(i)) else {
            return;
        };
        let rule = rule.clone();
        self.rules.error = None;
        self.send(Command::Rules(RulesCommand::Try { rule }));
    }

    pub(crate) fn apply_rules(&mut self, event: RulesEvent) {
        if matches!(
            event,
            RulesEvent::AlertDrafted { .. } | RulesEvent::AlertFiled { .. }
        ) {
            self.apply_alert_event(event);
            return;
        }
        self.jobs.finish(&super::JobKind::Rules);
        match event {
            RulesEvent::Loaded {
                file,
                rules,
                trackers,
                templates,
                hash,
            } => {
                let r = &mut self.rules;
                r.file = file;
                r.trackers = trackers;
                r.templates = templates;
                r.hash = Some(hash);
                r.conflict = false;
                r.draft = rules.clone();
                r.saved = Load::Ready(rules);
                r.selected = None;
                if let Some(rule) = r.pending_rule.take() {
                    self.insert_rule(rule);
                } else if !r.draft.is_empty() {
                    self.select_rule(0);
                }
            }
            RulesEvent::Saved { rules, hash } => {
                let r = &mut self.rules;
                r.hash = Some(hash);
                r.conflict = false;
                r.saving = false;
                r.draft = rules.clone();
                r.saved = Load::Ready(rules);
                self.toasts.push(
                    ToastLevel::Success,
                    "Rules saved; they apply to the next event",
                    None,
                );
            }
            RulesEvent::Tried {
                last,
                event,
                preview,
            } => {
                self.rules.tried = Some(Tried {
                    last,
                    event,
                    preview,
                });
            }
            RulesEvent::AlertDrafted { .. } | RulesEvent::AlertFiled { .. } => {}
        }
    }

    /// `conflict`: the engine refused a save because the file changed on
    /// disk since it was read.
    pub(crate) fn rules_failed(&mut self, context: &str, message: &str, conflict: bool) {
        let r = &mut self.rules;
        if context == RulesCommand::Load.describe() {
            r.saved = Load::Failed(message.to_owned());
        }
        r.saving = false;
        r.conflict = conflict;
        r.error = Some(message.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Persisted;

    fn loaded() -> UiState {
        let mut s = UiState::new(Persisted::default());
        s.open_rules_editor();
        s.take_commands();
        let rules: Vec<Value> = serde_json::from_str::<Value>(sr_auto::STARTER_RULES)
            .expect("starter")["auto_issue_rules"]
            .as_array()
            .expect("rules")
            .clone();
        s.apply_rules(RulesEvent::Loaded {
            file: "rules.json".into(),
            rules,
            trackers: vec!["Local".into()],
            templates: vec!["drift_detection".into()],
            hash: "h1".into(),
        });
        s
    }

    #[test]
    fn the_form_edits_the_rule_and_keeps_fields_it_does_not_show() {
        let mut s = loaded();
        assert_eq!(s.rules.selected, Some(0));
        assert!(!s.rules.dirty());
        s.rules.draft[0]["notify"] = json!(["ops"]);
        s.rules.form.priority = "P2".into();
        s.rules.form.labels = "drift, prod".into();
        s.rules.form.condition = "drift.severity == ".into();
        s.rule_form_changed();
        let e = s.rules.condition_error.clone().expect("invalid CEL");
        assert!(e.contains("not valid CEL at 1:"), "{e}");
        assert!(s.rules.names.contains(&"drift.severity".to_owned()));
        assert_eq!(s.rules.draft[0]["priority"], "P2");
        assert_eq!(s.rules.draft[0]["labels"], json!(["drift", "prod"]));
        assert_eq!(s.rules.draft[0]["notify"], json!(["ops"]));
        assert!(s.rules.dirty());
        s.rules.form.condition = "drift.severity == 'high'".into();
        s.rule_form_changed();
        assert_eq!(s.rules.condition_error, None);
    }

    #[test]
    fn add_duplicate_move_delete_and_save() {
        let mut s = loaded();
        let n = s.rules.draft.len();
        s.duplicate_rule();
        assert_eq!(s.rules.selected, Some(1));
        assert_eq!(s.rules.form.name, "Schema drift (copy)");
        assert!(!s.rules.form.starter);
        s.move_rule(-1);
        assert_eq!(s.rules.selected, Some(0));
        assert_eq!(s.rules.draft[0]["name"], "Schema drift (copy)");
        s.add_rule();
        assert_eq!(s.rules.draft.len(), n + 2);
        assert_eq!(s.rules.form.name, format!("New rule {}", n + 2));
        assert_eq!(s.rules.form.tracker, s.default_tracker());
        s.delete_rule();
        assert_eq!(s.rules.draft.len(), n + 1);
        s.save_rules();
        let sent = s.take_commands();
        assert!(
            matches!(&sent[..], [Command::Rules(RulesCommand::Save { rules, hash })]
                if rules.len() == n + 1 && hash.as_deref() == Some("h1")),
            "{sent:?}"
        );
        s.fail_job(
            RulesCommand::Save {
                rules: Vec::new(),
                hash: None,
            }
            .describe(),
            "rules.json (not saved):3:5: unknown tracker".into(),
        );
        assert!(!s.rules.saving);
        assert!(
            s.rules
                .error
                .as_deref()
                .is_some_and(|e| e.contains("unknown tracker"))
        );
    }
}
