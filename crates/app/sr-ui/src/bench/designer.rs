//! The designer's benchmark scene: a schema of many tables chained by
//! foreign keys, every table with a badge, the designer tab open as on a
//! first visit (automatic layout, zoomed to fit).

use std::sync::Arc;

use sr_engine::{DEMO_CONNECTION, Event};
use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{Column, Dialect, ForeignKey, PrimaryKey, Schema, Snapshot, Table};

use crate::UiState;
use sr_engine::{LinkEvent, SchemaEvent};

/// A workbench with `tables` tables of ten columns in the demo connection,
/// each of the most referencing an earlier one, and the designer open.
pub fn designer_scene(tables: usize) -> UiState {
    let mut state = super::explorer_scene(0, 0);
    let mut snapshot = Snapshot::new(Dialect::Sqlite, "bench");
    let mut schema = Schema::new("main");
    schema.tables = (0..tables).map(table).collect();
    snapshot.schemas.push(schema);
    let counts = (0..tables)
        .map(|i| {
            let o = ObjectRef::new(DEMO_CONNECTION, ObjectKind::Table, "bench", "main", name(i));
            (o.key(), 3, u32::from(i % 2 == 0))
        })
        .collect();
    state.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: DEMO_CONNECTION.into(),
        snapshot: Arc::new(snapshot),
    }));
    state.apply(Event::Links(LinkEvent::Counts {
        connection: DEMO_CONNECTION.into(),
        counts,
    }));
    state.open_designer(DEMO_CONNECTION);
    state.take_commands();
    state.jobs.clear();
    state
}

fn name(i: usize) -> String {
    format!("table_{i:04}")
}

fn table(i: usize) -> Table {
    let mut t = Table::new(name(i));
    t.columns = vec![
        Column::new("id", "INTEGER", false),
        Column::new("parent_id", "INTEGER", true),
        Column::new("name", "TEXT", false),
    ];
    t.columns
        .extend((0..7).map(|c| Column::new(format!("attribute_{c}"), "TEXT", true)));
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    // Groups of twenty: each table but the first of a group references
    // the one before it, or the group's first.
    if !i.is_multiple_of(20) {
        let parent = if i.is_multiple_of(3) {
            i - i % 20
        } else {
            i - 1
        };
        t.foreign_keys.push(ForeignKey {
            columns: vec!["parent_id".into()],
            referenced_schema: "main".into(),
            referenced_table: name(parent),
            referenced_columns: vec!["id".into()],
            ..ForeignKey::default()
        });
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scene_opens_the_designer_on_every_table() {
        let mut state = designer_scene(60);
        assert!(matches!(
            state.tabs.last(),
            Some(crate::state::Tab::Designer(c)) if c == DEMO_CONNECTION
        ));
        let stats = super::super::run(&mut state, 3);
        let model = state.er_model_now(DEMO_CONNECTION).expect("the model");
        assert_eq!((model.tables.len(), model.edges.len()), (60, 57));
        let saved = &state.designer.saved[DEMO_CONNECTION];
        assert_eq!(saved.positions.len(), 60);
        assert_eq!(saved.zoom, 0.0, "still fitting: nothing moved");
        let json = stats.scene_json("designer");
        assert!(
            json.starts_with(r#"{"bench":"ui","scene":"designer","frame_p50_ms":"#),
            "{json}"
        );
    }
}
