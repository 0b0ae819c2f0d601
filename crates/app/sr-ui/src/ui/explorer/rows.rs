//! A schema's node, its object groups and their rows. A group draws only
//! the rows in view: its first row gives every row's height, and the rows
//! above and below the view are one block of empty space each, so the
//! cost of a frame does not grow with the schema.

use egui::CollapsingHeader;
use sr_model::ObjectKind;

use super::{Action, Collect, Rows};
use crate::model::explorer::{ExplorerGroup, ExplorerItem, ExplorerSchema, GroupKind};
use crate::state::{ConnectionState, can_file_issue};
use crate::ui::widgets::{badge_ui, kind_icon};

pub(super) fn schema_ui(
    ui: &mut egui::Ui,
    conn: &ConnectionState,
    schema: &ExplorerSchema,
    rows: &Rows<'_>,
    out: &mut Collect<'_>,
) {
    let name = &conn.info.name;
    if !schema.loaded {
        ui.horizontal(|ui| {
            ui.label(format!("🗀 {}", schema.name));
            ui.spinner().on_hover_text("Listing its objects…");
        });
        return;
    }
    let count = if rows.filtering {
        format!("{}/{}", schema.shown(), schema.total())
    } else {
        schema.total().to_string()
    };
    let header = CollapsingHeader::new(format!("🗀 {}  ({count})", schema.name))
        .id_salt(("schema", name, &schema.name))
        .default_open(true)
        .open(rows.filtering.then_some(true))
        .show(ui, |ui| {
            for group in &schema.groups {
                if rows.filtering && group.shown.is_empty() {
                    continue;
                }
                let salt = ("group", name, &schema.name, group.kind.label());
                group_ui(ui, salt, group, rows, conn, out);
            }
        });
    header.header_response.context_menu(|ui| {
        if ui.button("Open Designer").clicked() {
            out.actions.push(Action::Designer(name.clone()));
        }
        if ui.button("New SQL Editor").clicked() {
            out.actions.push(Action::NewSql(name.clone()));
        }
    });
}

fn group_ui(
    ui: &mut egui::Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    group: &ExplorerGroup,
    rows: &Rows<'_>,
    conn: &ConnectionState,
    out: &mut Collect<'_>,
) {
    let count = if rows.filtering {
        format!("{}/{}", group.shown.len(), group.total())
    } else {
        group.total().to_string()
    };
    CollapsingHeader::new(format!("{}  ({count})", group.kind.label()))
        .id_salt(salt)
        .default_open(matches!(group.kind, GroupKind::Tables | GroupKind::Views))
        .open(rows.filtering.then_some(true))
        .show(ui, |ui| group_rows_ui(ui, group, rows, conn, out));
}

/// The group's rows: the first, then blocks of empty space for rows out
/// of view and the rows in it. The selected row is drawn wherever it is
/// when it is to be scrolled to.
fn group_rows_ui(
    ui: &mut egui::Ui,
    group: &ExplorerGroup,
    rows: &Rows<'_>,
    conn: &ConnectionState,
    out: &mut Collect<'_>,
) {
    let n = group.shown.len();
    if rows.listing {
        out.visible
            .extend(group.shown_items().map(|i| i.object.clone()));
    }
    let Some(first) = group.shown_item(0) else {
        return;
    };
    let height = row_ui(ui, first, rows, conn, out);
    let spacing = ui.spacing().item_spacing.y;
    let pitch = height + spacing;
    let target = if rows.scroll {
        (0..n).find(|&i| {
            group
                .shown_item(i)
                .is_some_and(|item| rows.selected == Some(item.key.as_str()))
        })
    } else {
        None
    };
    let mut i = 1;
    while i < n {
        let top = ui.cursor().min.y;
        let clip = ui.clip_rect();
        let next_target = target.filter(|&t| t >= i);
        let skip_to = if top > clip.max.y {
            // Below the view: everything up to the row to scroll to.
            next_target.unwrap_or(n)
        } else if top + pitch < clip.min.y {
            // Above the view: up to the first row in it.
            let above = ((clip.min.y - top) / pitch).floor() as usize;
            let first_in_view = i.saturating_add(above).min(n);
            next_target.map_or(first_in_view, |t| t.min(first_in_view))
        } else {
            i
        };
        if skip_to > i {
            let k = (skip_to - i) as f32;
            ui.allocate_exact_size(egui::vec2(0.0, k * pitch - spacing), egui::Sense::hover());
            i = skip_to;
            continue;
        }
        if let Some(item) = group.shown_item(i) {
            row_ui(ui, item, rows, conn, out);
        }
        i += 1;
    }
}

/// One object row; returns its height.
fn row_ui(
    ui: &mut egui::Ui,
    item: &ExplorerItem,
    rows: &Rows<'_>,
    conn: &ConnectionState,
    out: &mut Collect<'_>,
) -> f32 {
    let is_selected = rows.selected == Some(item.key.as_str());
    // Ids from the object key, so they do not depend on which rows were
    // skipped.
    let drawn = ui.push_id(&item.key, |ui| {
        ui.horizontal(|ui| {
            let text = format!("{} {}", kind_icon(item.object.kind), item.object.name);
            let row = ui.selectable_label(is_selected, text);
            if is_selected && rows.scroll {
                row.scroll_to_me(None);
            }
            if let Some(parent) = &item.parent {
                ui.weak(format!("on {parent}"));
            }
            if let Some(badge) = conn.badges.get(&item.key) {
                badge_ui(ui, *badge);
            }
            if row.clicked() {
                out.actions.push(Action::Select(item.object.clone()));
            }
            if row.double_clicked() {
                out.actions.push(Action::Pin(item.object.clone()));
            }
            row.context_menu(|ui| object_menu_ui(ui, item, out));
        })
    });
    drawn.inner.response.rect.height()
}

fn object_menu_ui(ui: &mut egui::Ui, item: &ExplorerItem, out: &mut Collect<'_>) {
    let object = &item.object;
    ui.weak(format!("{} {}", object.kind.label(), object.name));
    ui.separator();
    if can_file_issue(object.kind) {
        if ui.button("Create Issue…").clicked() {
            out.actions.push(Action::CreateIssue(object.clone()));
        }
        if ui.button("Link Existing Issue…").clicked() {
            out.actions.push(Action::LinkIssue(object.clone()));
        }
    }
    if matches!(
        object.kind,
        ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView
    ) && ui.button("Query Rows in SQL Editor").clicked()
    {
        out.actions.push(Action::Query(object.clone()));
    }
    if ui.button("Open Details").clicked() {
        out.actions.push(Action::Select(object.clone()));
    }
    if ui.button("Copy Name").clicked() {
        ui.ctx()
            .copy_text(format!("{}.{}", object.schema, object.name));
    }
}
