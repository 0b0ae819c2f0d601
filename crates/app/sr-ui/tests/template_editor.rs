//! The template editor over a real engine: Tools → Issue Templates…, pick
//! drift_detection, type a variable its sample event lacks and see the
//! error inline (Save refused), take it out again, Save, and find the
//! override in CONFIG_DIR/templates.

use crate::common;

use common::{Workbench, text_box};
use egui_kittest::kittest::Queryable;

#[test]
fn edit_a_template_see_the_error_fix_it_and_save() {
    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Templates…");
    bench.harness.get_by_label("Issue Templates…").click();
    bench.wait_for_label("drift_detection");
    bench.harness.get_by_label("drift_detection").click();
    bench.wait_for("the drift_detection text", |h| {
        h.state().state.templates.stored.is_some()
    });
    let builtin = sr_templates::builtin_text("drift_detection").expect("built-in");
    assert_eq!(bench.state().templates.text, builtin);
    assert!(!bench.state().templates.overridden);
    bench.wait_for_label("Preview on the sample event");

    let typed = "{{drift.nope}}";
    text_box(&bench.harness, "Template text").focus();
    bench.harness.step();
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    bench.harness.step();
    bench.harness.key_press(egui::Key::Enter);
    bench.harness.step();
    text_box(&bench.harness, "Template text").type_text(typed);
    bench.wait_for("the error", |h| {
        h.query_by_label_contains("`drift.nope` is not in the sample event")
            .is_some()
    });
    let problem = bench
        .state()
        .templates
        .problem()
        .cloned()
        .expect("a problem");
    assert_eq!(problem.variable.as_deref(), Some("drift.nope"));
    let with_it = format!("{builtin}\n{typed}");
    assert_eq!(bench.state().templates.text, with_it);
    assert_eq!(problem.line, Some(with_it.lines().count()));
    assert!(!bench.state().templates.can_save(), "Save is refused");
    bench.snapshot("template_editor_error");

    // Take the variable out again; the new line stays, a valid change.
    text_box(&bench.harness, "Template text").focus();
    bench.harness.step();
    for _ in 0..typed.chars().count() {
        bench.harness.key_press(egui::Key::Backspace);
        bench.harness.step();
    }
    bench.wait_for("the template to check again", |h| {
        h.state().state.templates.can_save()
    });
    let edited = bench.state().templates.text.clone();
    assert!(!edited.contains("drift.nope"), "{edited}");
    assert!(bench.state().templates.is_dirty());

    bench.harness.get_by_label("💾 Save").click();
    bench.wait_for("the override to be saved", |h| {
        let t = &h.state().state.templates;
        t.overridden && !t.is_dirty()
    });
    let file = bench
        .dir
        .path()
        .join("config/templates/drift_detection.hbs");
    assert_eq!(std::fs::read_to_string(file).expect("saved"), edited);
}
