//! The table editor window: columns (add, rename, drop, alter type,
//! nullability and default), indexes, foreign keys, the DDL preview with
//! destructive statements marked and the impact, then "Propose Change…"
//! (a schema-change issue) or "Apply" (after a confirmation).

use egui::{Color32, Grid, RichText, TextEdit};

use crate::state::{TableEditor, UiState};

/// Draws the table editor when one is open and no dialog covers it.
pub fn table_editor_ui(ctx: &egui::Context, state: &mut UiState) {
    if state.dialog.is_some() {
        return;
    }
    let Some(editor) = &mut state.designer.editor else {
        return;
    };
    let mut open = true;
    let mut propose = false;
    let mut apply = false;
    egui::Window::new(format!("Edit Table: {}", editor.table.name))
        .id(egui::Id::unique("table-editor"))
        .open(&mut open)
        .default_width(700.0)
        .default_pos(ctx.content_rect().center() - egui::vec2(350.0, 330.0))
        .resizable(true)
        .show(ctx, |ui| {
            // The edits scroll; the preview and the buttons stay in view.
            egui::ScrollArea::vertical()
                .id_salt("table-editor-edits")
                .max_height(330.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    columns_ui(ui, editor);
                    ui.separator();
                    keys_ui(ui, editor);
                });
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("table-editor-preview")
                .max_height(200.0)
                .auto_shrink([false, true])
                .show(ui, |ui| preview_ui(ui, editor));
            {
                if let Some(e) = &editor.error {
                    super::super::widgets::error_ui(ui, e);
                }
                ui.horizontal(|ui| {
                    let changed = !editor.script.is_empty();
                    propose = ui
                        .add_enabled(changed, egui::Button::new("Propose Change…"))
                        .on_hover_text("File a schema-change issue with this DDL and its impact")
                        .clicked();
                    let apply_text = if editor.confirm_apply {
                        format!(
                            "Confirm: run {} statement(s)",
                            editor.script.statements.len()
                        )
                    } else {
                        "Apply".to_owned()
                    };
                    apply = ui
                        .add_enabled(
                            changed && editor.applying.is_none(),
                            egui::Button::new(apply_text),
                        )
                        .on_hover_text("Run the DDL on the database now")
                        .clicked();
                    if editor.applying.is_some() {
                        ui.spinner();
                    }
                });
            }
        });
    if !open {
        state.designer.editor = None;
    } else if propose {
        state.propose_schema_change();
    } else if apply {
        state.apply_schema_change();
    }
}

fn labelled(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> bool {
    let l = ui.label(label);
    ui.add(TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
        .changed()
}

fn columns_ui(ui: &mut egui::Ui, editor: &mut TableEditor) {
    ui.strong("Columns");
    let mut changed = false;
    let mut drop = None;
    Grid::new("table-editor-columns")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            ui.weak("Name");
            ui.weak("Type");
            ui.weak("Null");
            ui.weak("Default");
            ui.end_row();
            for i in 0..editor.table.columns.len() {
                let c = &mut editor.table.columns[i];
                // The name labels the row's fields for screen readers.
                let name = ui.label(&c.name).id;
                changed |= ui
                    .add_sized([140.0, 18.0], TextEdit::singleline(&mut c.data_type))
                    .labelled_by(name)
                    .changed();
                changed |= ui.checkbox(&mut c.nullable, "").labelled_by(name).changed();
                let mut default = c.default.clone().unwrap_or_default();
                if ui
                    .add_sized([140.0, 18.0], TextEdit::singleline(&mut default))
                    .labelled_by(name)
                    .changed()
                {
                    editor.set_default(i, &default);
                    changed = true;
                }
                if ui
                    .small_button("🗑")
                    .labelled_by(name)
                    .on_hover_text("Drop the column")
                    .clicked()
                {
                    drop = Some(editor.table.columns[i].name.clone());
                }
                ui.end_row();
            }
        });
    if changed {
        editor.refresh();
    }
    if let Some(name) = drop {
        editor.edit(|e| e.drop_column(&name));
    }
    ui.horizontal(|ui| {
        let f = &mut editor.new_column;
        labelled(ui, "New column", &mut f.name, 120.0);
        labelled(ui, "Type", &mut f.data_type, 90.0);
        ui.checkbox(&mut f.nullable, "Null");
        labelled(ui, "Default", &mut f.default, 80.0);
        if ui.button("Add Column").clicked() {
            editor.edit(TableEditor::add_column);
        }
    });
    ui.horizontal(|ui| {
        let (from, to) = &mut editor.rename;
        egui::ComboBox::from_label("renamed to")
            .selected_text(if from.is_empty() {
                "column…"
            } else {
                from.as_str()
            })
            .show_ui(ui, |ui| {
                for c in &editor.table.columns {
                    ui.selectable_value(from, c.name.clone(), &c.name);
                }
            });
        labelled(ui, "New name", to, 120.0);
        if ui.button("Rename").clicked() {
            let (from, to) = editor.rename.clone();
            editor.edit(|e| e.rename_column(&from, &to));
        }
    });
}

fn keys_ui(ui: &mut egui::Ui, editor: &mut TableEditor) {
    ui.strong("Indexes");
    let mut drop = None;
    for i in &editor.indexes {
        ui.horizontal(|ui| {
            let columns: Vec<String> = i
                .columns
                .iter()
                .map(|c| match &c.key {
                    sr_schema::IndexKey::Column(n) => n.clone(),
                    sr_schema::IndexKey::Expression(e) => format!("({e})"),
                })
                .collect();
            let unique = if i.unique { "unique " } else { "" };
            let label = ui.label(format!("{unique}{} ({})", i.name, columns.join(", ")));
            if ui
                .small_button("🗑")
                .labelled_by(label.id)
                .on_hover_text("Drop the index")
                .clicked()
            {
                drop = Some(i.name.clone());
            }
        });
    }
    if let Some(name) = drop {
        editor.edit(|e| e.drop_index(&name));
    }
    ui.horizontal(|ui| {
        let f = &mut editor.new_index;
        labelled(ui, "Index name", &mut f.name, 140.0);
        labelled(ui, "on columns", &mut f.columns, 140.0);
        ui.checkbox(&mut f.unique, "Unique");
        if ui.button("Add Index").clicked() {
            editor.edit(TableEditor::add_index);
        }
    });
    ui.strong("Foreign keys");
    for k in &editor.table.foreign_keys {
        ui.label(format!(
            "({}) references {}.{} ({})",
            k.columns.join(", "),
            k.referenced_schema,
            k.referenced_table,
            k.referenced_columns.join(", ")
        ));
    }
    ui.horizontal(|ui| {
        let f = &mut editor.new_fk;
        labelled(ui, "Key columns", &mut f.columns, 110.0);
        labelled(ui, "references", &mut f.table, 110.0);
        labelled(ui, "columns", &mut f.referenced, 90.0);
        if ui.button("Add Foreign Key").clicked() {
            editor.edit(TableEditor::add_foreign_key);
        }
    });
}

fn preview_ui(ui: &mut egui::Ui, editor: &TableEditor) {
    ui.strong(format!("DDL preview ({})", editor.dialect.label()));
    if editor.script.is_empty() {
        ui.weak("No change yet.");
        return;
    }
    let warn = ui.visuals().error_fg_color;
    for s in &editor.script.statements {
        if s.destructive {
            ui.label(RichText::new("⚠ destructive: may lose data").color(warn));
        }
        ui.label(RichText::new(format!("{};", s.sql)).monospace());
    }
    let i = &editor.impact;
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    ui.add_space(4.0);
    ui.strong("Impact");
    Grid::new("table-editor-impact")
        .num_columns(2)
        .show(ui, |ui| {
            for (k, v) in [
                ("Dependent views", list(&i.dependent_views)),
                ("Referencing keys", list(&i.referencing_keys)),
                ("Indexes", list(&i.indexes)),
                (
                    "Rewrites the table",
                    if i.rewrites_table { "yes" } else { "no" }.to_owned(),
                ),
            ] {
                ui.weak(k);
                ui.label(v);
                ui.end_row();
            }
        });
    if i.destructive {
        ui.label(
            RichText::new("This change can lose data.").color(Color32::from_rgb(0xd0, 0x40, 0x30)),
        );
    }
}
