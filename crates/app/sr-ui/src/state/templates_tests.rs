//! The template editor's state as data: load, edit to an error, fix,
//! preview, save and reset, with the commands each step sends.

use sr_engine::{Command, Event};

use super::*;
use crate::state::Persisted;
use sr_engine::{SettingsCommand, SettingsEvent};

const NAME: &str = "drift_detection";

/// The commands sent since the last call, as text (commands are not
/// comparable).
fn sent(s: &mut UiState) -> Vec<String> {
    s.take_commands().iter().map(|c| format!("{c:?}")).collect()
}

fn loaded(text: &str) -> UiState {
    let mut s = UiState::new(Persisted::default());
    s.apply(Event::Ready);
    s.take_commands();
    s.jobs.clear();
    s.open_template_editor();
    s.choose_template(NAME);
    assert_eq!(
        sent(&mut s),
        vec![format!(
            "{:?}",
            Command::Settings(SettingsCommand::LoadTemplate { name: NAME.into() })
        )]
    );
    assert!(s.template_busy());
    s.apply(Event::Settings(SettingsEvent::Template {
        name: NAME.into(),
        text: text.into(),
        overridden: false,
    }));
    assert!(!s.template_busy());
    s
}

/// What the editor shows for `text`: `Ok(preview title)` or
/// `Err((line, variable))` (`(0, "")` for an error without a place).
fn check(text: &str, expected: Result<&str, (usize, &str)>) {
    let mut s = loaded("# {{connection}}");
    s.edit_template(text);
    let got = match &s.templates.check {
        Some(Ok(issue)) => Ok(issue.title.as_str()),
        Some(Err(p)) => Err((p.line.unwrap_or(0), p.variable.as_deref().unwrap_or(""))),
        None => Err((usize::MAX, "not checked")),
    };
    assert_eq!(got, expected, "{text}");
    assert_eq!(s.templates.can_save(), expected.is_ok(), "{text}");
}

#[test]
fn edits_are_checked_against_the_sample_event() {
    check("# Drift on {{connection}}", Ok("Drift on demo"));
    check("# {{object.qualified_name}}", Ok("main.orders"));
    check("# x\n{{drift.nope}}", Err((2, "drift.nope")));
    check("# x\n\n{{#if nope}}y{{/if}}", Err((3, "nope")));
    check("# {{#each}}", Err((0, "")));
}

#[test]
fn edit_error_fix_preview_save_reset() {
    let mut s = loaded("# Drift {{connection}}\n");
    assert_eq!(s.tabs, vec![Tab::Templates]);
    assert!(!s.templates.is_dirty());
    assert!(matches!(&s.templates.check, Some(Ok(i)) if i.title == "Drift demo"));

    s.edit_template("# Drift {{connection}} {{drift.sevrity}}\n");
    let problem = s.templates.problem().cloned().expect("an error");
    assert_eq!(
        problem.headline(),
        "Line 1, column 24: `drift.sevrity` is not in the sample event"
    );
    assert!(
        problem.message.contains("drift_detection"),
        "{}",
        problem.message
    );
    assert!(
        matches!(&s.templates.last_good, Some(i) if i.title == "Drift demo"),
        "the preview keeps the last text that checked"
    );
    s.save_template();
    assert!(s.take_commands().is_empty(), "an invalid text is not saved");

    let fixed = "# Drift {{connection}} {{drift.severity}}\n";
    s.edit_template(fixed);
    assert!(s.templates.is_dirty());
    assert!(matches!(&s.templates.check, Some(Ok(i)) if i.title == "Drift demo high"));
    s.save_template();
    assert_eq!(
        sent(&mut s),
        vec![format!(
            "{:?}",
            Command::Settings(SettingsCommand::SaveTemplate {
                name: NAME.into(),
                text: fixed.into()
            })
        )]
    );
    s.apply(Event::Settings(SettingsEvent::Template {
        name: NAME.into(),
        text: fixed.into(),
        overridden: true,
    }));
    assert!(!s.templates.is_dirty() && s.templates.overridden);
    assert_eq!(s.toasts.iter().count(), 1);

    s.reset_template();
    assert_eq!(
        sent(&mut s),
        vec![format!(
            "{:?}",
            Command::Settings(SettingsCommand::ResetTemplate { name: NAME.into() })
        )]
    );
    s.apply(Event::Settings(SettingsEvent::Template {
        name: NAME.into(),
        text: "# Built-in {{connection}}\n".into(),
        overridden: false,
    }));
    assert_eq!(s.templates.text, "# Built-in {{connection}}\n");
    assert!(!s.templates.overridden);
}

#[test]
fn a_failed_save_is_shown_and_ends_the_job() {
    let mut s = loaded("# {{connection}}");
    s.edit_template("# {{connection}}!");
    s.save_template();
    s.take_commands();
    s.fail_job(
        format!("Save the {NAME} template"),
        "cannot write it".into(),
    );
    assert_eq!(s.templates.error.as_deref(), Some("cannot write it"));
    assert!(!s.template_busy());
    assert_eq!(s.templates.text, "# {{connection}}!", "the edit is kept");
}
