//! An object's detail tab: columns, keys and constraints, indexes,
//! triggers and the DDL, from the loaded snapshot.

use egui::{CollapsingHeader, Grid, RichText};
use std::sync::Arc;

use sr_model::ObjectKind;
use sr_schema::{Dialect, Schema, Snapshot, Table, TriggerEvent};

use super::widgets::empty_ui;
use crate::model::ddl::object_sql;
use crate::model::object::{ObjectDef, find_object};
use crate::model::summary::short_hash;
use crate::state::{Load, UiState};

pub(super) fn object_ui(ui: &mut egui::Ui, state: &mut UiState, object: &sr_model::ObjectRef) {
    ui.heading(format!(
        "{} {}.{}",
        object.kind.label(),
        object.schema,
        object.name
    ));
    let conn = state.connection(&object.connection);
    let snapshot = match conn.map(|c| &c.schema) {
        Some(Load::Ready(s)) => s.clone(),
        Some(Load::Failed(m)) => {
            super::widgets::error_ui(
                ui,
                &format!("The schema of {} could not be read: {m}", object.connection),
            );
            return;
        }
        _ => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Reading the schema…");
            });
            return;
        }
    };
    let Some(def) = find_object(&snapshot, object) else {
        empty_ui(
            ui,
            "This object is not in the loaded schema any more. Refresh the schema (F5) or close the tab.",
        );
        return;
    };
    let hash = match def {
        ObjectDef::Table(_, t) => &t.version_hash,
        ObjectDef::View(_, v) => &v.version_hash,
        ObjectDef::Index(i) => &i.version_hash,
        ObjectDef::Trigger(t) => &t.version_hash,
        ObjectDef::Sequence(s) => &s.version_hash,
        ObjectDef::Routine(r) => &r.version_hash,
    };
    ui.weak(format!(
        "Connection {} · {} · database {} · version {}",
        object.connection,
        snapshot.dialect.label(),
        snapshot.database,
        short_hash(hash)
    ));
    ui.add_space(6.0);
    match def {
        ObjectDef::Table(schema, table) => table_ui(ui, &snapshot, schema, table),
        ObjectDef::View(_, view) if !view.columns.is_empty() => {
            section(ui, "Columns", |ui| {
                ui.label(view.columns.join(", "));
            });
        }
        ObjectDef::Index(i) => {
            section(ui, "Index", |ui| {
                Grid::new("index-props").num_columns(2).show(ui, |ui| {
                    prop(ui, "Table", &i.table);
                    prop(ui, "Unique", if i.unique { "yes" } else { "no" });
                    prop(ui, "Method", i.method.as_deref().unwrap_or("default"));
                    prop(ui, "Where", i.predicate.as_deref().unwrap_or("—"));
                });
            });
        }
        ObjectDef::Trigger(t) => {
            section(ui, "Trigger", |ui| {
                Grid::new("trigger-props").num_columns(2).show(ui, |ui| {
                    prop(ui, "On", &t.table);
                    prop(ui, "Timing", &format!("{:?}", t.timing));
                    prop(ui, "Events", &trigger_events(&t.events));
                    prop(
                        ui,
                        "For each row",
                        if t.for_each_row { "yes" } else { "no" },
                    );
                    prop(ui, "When", t.when.as_deref().unwrap_or("—"));
                });
            });
        }
        ObjectDef::Routine(r) => {
            section(ui, "Routine", |ui| {
                Grid::new("routine-props").num_columns(2).show(ui, |ui| {
                    prop(ui, "Arguments", &r.arguments);
                    prop(ui, "Returns", r.returns.as_deref().unwrap_or("—"));
                    prop(ui, "Language", r.language.as_deref().unwrap_or("—"));
                });
            });
        }
        _ => {}
    }
    let sql = object_sql(&snapshot, object.kind, &object.schema, &object.name);
    ddl_ui(ui, &sql, snapshot.dialect);
}

fn table_ui(ui: &mut egui::Ui, snapshot: &Arc<Snapshot>, schema: &Schema, table: &Table) {
    let pk: &[String] = table
        .primary_key
        .as_ref()
        .map(|p| p.columns.as_slice())
        .unwrap_or(&[]);
    section(ui, &format!("Columns ({})", table.columns.len()), |ui| {
        Grid::new("columns")
            .striped(true)
            .num_columns(6)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                for h in ["#", "Name", "Type", "Null", "Default", "Key"] {
                    ui.strong(h);
                }
                ui.end_row();
                for (i, c) in table.columns.iter().enumerate() {
                    ui.weak((i + 1).to_string());
                    ui.monospace(&c.name);
                    ui.monospace(if c.data_type.is_empty() {
                        "—"
                    } else {
                        &c.data_type
                    });
                    ui.label(if c.nullable { "NULL" } else { "NOT NULL" });
                    let default = match (&c.default, &c.generated) {
                        (_, Some(g)) => format!("= {}", g.expression),
                        (Some(d), None) => d.clone(),
                        (None, None) => String::new(),
                    };
                    ui.monospace(default);
                    let mut keys = Vec::new();
                    if pk.contains(&c.name) {
                        keys.push("PK");
                    }
                    if table
                        .foreign_keys
                        .iter()
                        .any(|f| f.columns.contains(&c.name))
                    {
                        keys.push("FK");
                    }
                    if table
                        .unique_constraints
                        .iter()
                        .any(|u| u.columns == [c.name.clone()])
                    {
                        keys.push("UQ");
                    }
                    ui.label(keys.join(" "));
                    ui.end_row();
                }
            });
    });
    section(ui, "Keys and constraints", |ui| {
        let mut any = false;
        if let Some(pk) = &table.primary_key {
            any = true;
            ui.label(format!("Primary key ({})", pk.columns.join(", ")));
        }
        for u in &table.unique_constraints {
            any = true;
            ui.label(format!(
                "Unique {}({})",
                named(&u.name),
                u.columns.join(", ")
            ));
        }
        for f in &table.foreign_keys {
            any = true;
            ui.label(format!(
                "Foreign key {}({}) references {}.{} ({}) on delete {}, on update {}",
                named(&f.name),
                f.columns.join(", "),
                f.referenced_schema,
                f.referenced_table,
                f.referenced_columns.join(", "),
                f.on_delete.as_sql(),
                f.on_update.as_sql()
            ));
        }
        for c in &table.check_constraints {
            any = true;
            ui.label(format!("Check {}({})", named(&c.name), c.expression));
        }
        if !any {
            empty_ui(ui, "No keys or constraints.");
        }
    });
    let indexes: Vec<_> = schema.indexes_of(&table.name).collect();
    section(ui, &format!("Indexes ({})", indexes.len()), |ui| {
        if indexes.is_empty() {
            empty_ui(ui, "No indexes.");
        }
        for i in indexes {
            ui.monospace(&*object_sql(
                snapshot,
                ObjectKind::Index,
                &schema.name,
                &i.name,
            ));
        }
    });
    let triggers: Vec<_> = schema
        .triggers
        .iter()
        .filter(|t| t.table == table.name)
        .collect();
    if !triggers.is_empty() {
        section(ui, &format!("Triggers ({})", triggers.len()), |ui| {
            for t in triggers {
                ui.label(format!(
                    "{} — {:?} {}",
                    t.name,
                    t.timing,
                    trigger_events(&t.events)
                ));
            }
        });
    }
}

fn ddl_ui(ui: &mut egui::Ui, ddl: &str, dialect: Dialect) {
    if ddl.is_empty() {
        return;
    }
    CollapsingHeader::new(RichText::new("DDL").strong())
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.weak(dialect.label());
                if ui
                    .small_button("Copy")
                    .on_hover_text("Copy the DDL")
                    .clicked()
                {
                    ui.ctx().copy_text(ddl.to_owned());
                }
            });
            egui::Frame::group(ui.style()).show(ui, |ui| {
                egui::ScrollArea::horizontal()
                    .id_salt("ddl")
                    .show(ui, |ui| {
                        let text = RichText::new(ddl).monospace();
                        ui.add(egui::Label::new(text).selectable(true).extend());
                    });
            });
        });
}

fn section(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("section", title.split(' ').next().unwrap_or(title)))
        .default_open(true)
        .show(ui, body);
}

pub(super) fn prop(ui: &mut egui::Ui, name: &str, value: &str) {
    ui.strong(name);
    ui.label(value);
    ui.end_row();
}

fn named(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!("{n} ")).unwrap_or_default()
}

fn trigger_events(events: &[TriggerEvent]) -> String {
    events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_owned(),
            TriggerEvent::Update { columns } if columns.is_empty() => "UPDATE".to_owned(),
            TriggerEvent::Update { columns } => format!("UPDATE OF {}", columns.join(", ")),
            TriggerEvent::Delete => "DELETE".to_owned(),
            TriggerEvent::Truncate => "TRUNCATE".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}
