//! The large-schema explorer scene (`explorer_large`): a production
//! PostgreSQL connection of 5,000 tables in 20 schemas, every table with
//! linked issues, the schemas expanded, and the filter changed every few
//! frames as a user typing in it would. Filtering has to answer within a
//! frame, so the frames that change it count in the percentiles like any.

use std::sync::Arc;

use sr_engine::{ConnectionInfo, DEMO_CONNECTION, Event};
use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{Dialect, Schema, Snapshot};

use crate::UiState;
use sr_engine::{ConnectionEvent, LinkEvent, SchemaEvent};

/// The connection the scene fills.
pub const LARGE_CONNECTION: &str = "warehouse";

/// What the filter box holds, frame after frame (one change every
/// [`FILTER_EVERY`] frames): narrowing, widening, clearing.
const FILTERS: &[&str] = &["t", "ta", "table_01", "table_012", "", "9", "99", ""];
const FILTER_EVERY: usize = 4;

/// A workbench whose `warehouse` connection has `schemas` schemas of
/// `tables_per_schema` tables and `issues` linked issues spread over
/// them; its first table is selected.
pub fn explorer_large_scene(schemas: usize, tables_per_schema: usize, issues: usize) -> UiState {
    let mut state = super::explorer_scene(0, 0);
    state.apply(Event::Connection(ConnectionEvent::Listed {
        connections: vec![
            ConnectionInfo {
                dialect: "sqlite".into(),
                ..ConnectionInfo::named(DEMO_CONNECTION)
            },
            ConnectionInfo {
                url: "postgres://app@warehouse.example.com:5432/dw".into(),
                dialect: "postgres".into(),
                environment: Some("production".into()),
                builtin: false,
                ..ConnectionInfo::named(LARGE_CONNECTION)
            },
        ],
        problem: None,
    }));
    let mut snapshot = Snapshot::new(Dialect::Postgres, "dw");
    let mut objects = Vec::with_capacity(schemas * tables_per_schema);
    for s in 0..schemas {
        let name = format!("schema_{s:02}");
        let mut schema = Schema::new(&name);
        schema.tables = (0..tables_per_schema)
            .map(|t| super::table(&format!("table_{t:04}")))
            .collect();
        objects.extend(schema.tables.iter().map(|t| {
            ObjectRef::new(
                LARGE_CONNECTION,
                ObjectKind::Table,
                "dw",
                name.as_str(),
                t.name.as_str(),
            )
        }));
        snapshot.schemas.push(schema);
    }
    state.ensure_connection(LARGE_CONNECTION);
    state.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: LARGE_CONNECTION.into(),
        snapshot: Arc::new(snapshot),
    }));
    let per = u32::try_from(issues.checked_div(objects.len()).unwrap_or(0)).unwrap_or(u32::MAX);
    state.apply(Event::Links(LinkEvent::Counts {
        connection: LARGE_CONNECTION.into(),
        counts: objects.iter().map(|o| (o.key(), per, per / 2)).collect(),
    }));
    if let Some(first) = objects.first() {
        state.select(first);
        let links = (0..per as usize).map(|n| super::link(first, n)).collect();
        state.apply(Event::Links(LinkEvent::Loaded {
            object: first.clone(),
            links,
        }));
    }
    state.take_commands();
    state.jobs.clear();
    state
}

/// Types the next filter every few frames; call before each frame.
pub fn type_filter(state: &mut UiState, frame: usize) {
    if filter_frame(frame) {
        let text = FILTERS[(frame / FILTER_EVERY) % FILTERS.len()];
        state.set_filter(text.to_owned());
    }
}

/// Whether `frame` is one where [`type_filter`] changes the filter.
pub fn filter_frame(frame: usize) -> bool {
    frame % FILTER_EVERY == FILTER_EVERY - 1
}

/// The scene's benchmark line: the frame percentiles over every frame,
/// and the p95 of the frames that changed the filter on their own.
pub fn explorer_large_json(
    schemas: usize,
    tables_per_schema: usize,
    issues: usize,
    frames: usize,
) -> String {
    let mut state = explorer_large_scene(schemas, tables_per_schema, issues);
    let times = super::frame_times(&mut state, frames, type_filter);
    let stats = super::FrameStats::of(&times);
    let filtering: Vec<f64> = times
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| filter_frame(*i))
        .map(|(_, t)| *t)
        .collect();
    format!(
        r#"{{"bench":"ui","scene":"explorer_large","tables":{},"schemas":{schemas},"issues":{issues},"frame_p50_ms":{:.3},"frame_p95_ms":{:.3},"filter_frame_p95_ms":{:.3},"first_frame_ms":{:.3},"frames":{}}}"#,
        schemas * tables_per_schema,
        stats.frame_p50_ms,
        stats.frame_p95_ms,
        super::quantile(&filtering, 0.95),
        stats.first_frame_ms,
        stats.frames
    )
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;

    #[test]
    fn the_large_connection_is_drawn_expanded_and_only_in_view() {
        let state = explorer_large_scene(3, 200, 600);
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_ui_state(|ui, s: &mut UiState| crate::ui::workbench_ui(ui, s), state);
        harness.run();
        assert!(harness.query_by_label("🗄 warehouse").is_some());
        assert!(harness.query_by_label("🗀 schema_00  (200)").is_some());
        assert!(harness.query_by_label("⊞ table_0001").is_some());
        // Far below the view: counted, not laid out.
        assert!(harness.query_by_label("⊞ table_0150").is_none());
        assert!(harness.query_by_label("🗀 schema_02  (200)").is_some());
        harness.state_mut().set_filter("table_0150".into());
        harness.run();
        assert!(harness.query_by_label("🗀 schema_02  (1/200)").is_some());
        assert_eq!(harness.query_all_by_label("⊞ table_0150").count(), 3);
    }

    #[test]
    fn the_scene_lists_every_table_and_filters_as_typed() {
        let mut state = explorer_large_scene(4, 120, 960);
        let conn = state.connection(LARGE_CONNECTION).expect("listed");
        assert_eq!(conn.tree.len(), 4);
        assert_eq!(conn.tree.iter().map(|s| s.total()).sum::<usize>(), 480);
        assert_eq!(conn.badges.len(), 480);
        assert_eq!(conn.environment(), Some("production"));
        let stats = super::super::run_with(&mut state, 12, type_filter);
        assert_eq!(stats.frames, 12);
        // Frame 11 typed the third filter.
        assert_eq!(state.filter, "table_01");
        let conn = state.connection(LARGE_CONNECTION).expect("listed");
        let shown: usize = conn.tree.iter().map(|s| s.shown()).sum();
        assert_eq!(shown, 4 * 20, "table_0100 to table_0119 in each schema");
        let json = explorer_large_json(2, 10, 40, 9);
        assert!(
            json.starts_with(
                r#"{"bench":"ui","scene":"explorer_large","tables":20,"schemas":2,"issues":40,"frame_p50_ms":"#
            ),
            "{json}"
        );
        assert!(json.ends_with(r#","frames":9}"#), "{json}");
    }
}
