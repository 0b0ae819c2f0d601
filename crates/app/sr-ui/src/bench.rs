//! The workbench's frame-time benchmark (`cargo xtask bench ui`): a
//! synthetic schema of many tables, every table with linked issues, the
//! explorer expanded and the side panel full, drawn headless frame after
//! frame. A frame is egui's layout plus tessellation, the CPU work the UI
//! thread does before the GPU; no engine runs.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use sr_engine::{ConnectionInfo, DEMO_CONNECTION, Event, TrackerStatus};
use sr_model::{
    IssueKey, IssueLink, IssueRef, IssueState, IssueStatus, LinkType, ObjectKind, ObjectRef,
    SyncDirection,
};
use sr_schema::{Column, Dialect, PrimaryKey, Schema, Snapshot, Table};

use crate::UiState;
use crate::state::Persisted;
use sr_engine::{ConnectionEvent, LinkEvent, SchemaEvent, TrackerEvent};

mod designer;
mod explorer_large;
mod grid;

pub use designer::designer_scene;
pub use explorer_large::{
    LARGE_CONNECTION, explorer_large_json, explorer_large_scene, filter_frame, type_filter,
};
pub use grid::grid_scene;

/// What one run measured, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameStats {
    pub first_frame_ms: f64,
    pub frame_p50_ms: f64,
    pub frame_p95_ms: f64,
    pub frames: usize,
}

impl FrameStats {
    /// The benchmark's line: `{"bench":"ui","scene":"explorer",…}`.
    pub fn json(&self) -> String {
        self.scene_json("explorer")
    }

    /// The benchmark's line for `scene`.
    pub fn scene_json(&self, scene: &str) -> String {
        format!(
            r#"{{"bench":"ui","scene":"{scene}","frame_p50_ms":{:.3},"frame_p95_ms":{:.3},"first_frame_ms":{:.3},"frames":{}}}"#,
            self.frame_p50_ms, self.frame_p95_ms, self.first_frame_ms, self.frames
        )
    }
}

/// A workbench state with `tables` tables in the demo connection and
/// `issues` linked issues spread over them; the first table is selected,
/// so its issues fill the side panel.
pub fn explorer_scene(tables: usize, issues: usize) -> UiState {
    let mut snapshot = Snapshot::new(Dialect::Sqlite, "bench");
    let mut schema = Schema::new("main");
    schema.tables = (0..tables)
        .map(|i| table(&format!("table_{i:04}")))
        .collect();
    snapshot.schemas.push(schema);
    let objects: Vec<ObjectRef> = (0..tables)
        .map(|i| {
            ObjectRef::new(
                DEMO_CONNECTION,
                ObjectKind::Table,
                "bench",
                "main",
                format!("table_{i:04}"),
            )
        })
        .collect();
    let per_table = issues.checked_div(tables).unwrap_or(0);
    let mut state = UiState::new(Persisted::default());
    state.take_commands();
    state.apply(Event::Ready);
    state.apply(Event::Connection(ConnectionEvent::Listed {
        connections: vec![ConnectionInfo {
            dialect: "sqlite".into(),
            ..ConnectionInfo::named(DEMO_CONNECTION)
        }],
        problem: None,
    }));
    state.apply(Event::Trackers(TrackerEvent::Statuses(vec![
        TrackerStatus {
            name: "Local".into(),
            kind: "local".into(),
            enabled: true,
            instance: Some("local:default".into()),
            problem: None,
            cause: None,
            secrets: Vec::new(),
            until_reboot: Vec::new(),
        },
    ])));
    state.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: DEMO_CONNECTION.into(),
        snapshot: Arc::new(snapshot),
    }));
    let per = u32::try_from(per_table).unwrap_or(u32::MAX);
    state.apply(Event::Links(LinkEvent::Counts {
        connection: DEMO_CONNECTION.into(),
        counts: objects.iter().map(|o| (o.key(), per, per / 2)).collect(),
    }));
    if let Some(first) = objects.first() {
        state.select(first);
        let links = (0..per_table).map(|n| link(first, n)).collect();
        state.apply(Event::Links(LinkEvent::Loaded {
            object: first.clone(),
            links,
        }));
    }
    state.take_commands();
    state.jobs.clear();
    state
}

/// Draws `state` for `frames` frames at 1280×800 and times each.
pub fn run(state: &mut UiState, frames: usize) -> FrameStats {
    run_with(state, frames, |_, _| {})
}

/// [`run`], calling `before(state, frame)` before each frame (as a user's
/// input would); its work counts in the frame's time.
pub fn run_with(
    state: &mut UiState,
    frames: usize,
    before: impl FnMut(&mut UiState, usize),
) -> FrameStats {
    FrameStats::of(&frame_times(state, frames, before))
}

/// Each frame's time in milliseconds, the first (layout from nothing,
/// fonts) included.
pub fn frame_times(
    state: &mut UiState,
    frames: usize,
    mut before: impl FnMut(&mut UiState, usize),
) -> Vec<f64> {
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..egui::RawInput::default()
    };
    let mut times = Vec::with_capacity(frames);
    for frame in 0..frames.max(1) {
        let start = Instant::now();
        before(state, frame);
        let mut output = ctx.run_ui(input(), |ui| crate::ui::workbench_ui(ui, state));
        // No GPU here: the font atlas updates have nowhere to go.
        output.textures_delta.clear();
        let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(shapes);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// The `q` quantile (0 to 1) of `times`, nearest rank.
pub fn quantile(times: &[f64], q: f64) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n => sorted[((n - 1) as f64 * q).round() as usize],
    }
}

impl FrameStats {
    /// The statistics of `times`: the first frame apart, the percentiles
    /// over the others.
    pub fn of(times: &[f64]) -> FrameStats {
        let rest = if times.len() > 1 { &times[1..] } else { times };
        FrameStats {
            first_frame_ms: times.first().copied().unwrap_or_default(),
            frame_p50_ms: quantile(rest, 0.5),
            frame_p95_ms: quantile(rest, 0.95),
            frames: times.len(),
        }
    }
}

fn table(name: &str) -> Table {
    let mut t = Table::new(name);
    t.columns = vec![
        Column::new("id", "INTEGER", false),
        Column::new("name", "TEXT", false),
        Column::new("created_at", "TEXT", false),
        Column::new("note", "TEXT", true),
    ];
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    t
}

fn link(object: &ObjectRef, n: usize) -> IssueLink {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let state = if n.is_multiple_of(2) {
        IssueState::Open
    } else {
        IssueState::Done
    };
    IssueLink {
        link_id: format!("bench-{n}"),
        object: object.clone(),
        issue: IssueRef {
            key: IssueKey::new("local", "default", n.to_string()),
            display_key: format!("LOCAL-{n}"),
            url: format!("scratchrobin://issue/local:default:{n}"),
            title: format!("Benchmark issue {n} about {}", object.name),
            status: IssueStatus {
                state,
                name: state.as_str().into(),
                resolution: None,
            },
            priority: None,
            labels: vec!["database".into()],
            assignee: Some("tester".into()),
            created_at: at,
            updated_at: at,
        },
        link_type: LinkType::Manual,
        created_by: "tester".into(),
        created_at: at,
        sync_direction: SyncDirection::Bidirectional,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scene_shows_every_table_with_badges_and_a_full_side_panel() {
        let mut state = explorer_scene(40, 400);
        let first = state.selection.clone().expect("a table is selected");
        assert_eq!(first.name, "table_0000");
        assert_eq!(
            state.badge(&first).map(|b| (b.total, b.open)),
            Some((10, 5))
        );
        assert!(matches!(state.links_of(&first), crate::state::Load::Ready(l) if l.len() == 10));
        let stats = run(&mut state, 3);
        assert_eq!(stats.frames, 3);
        assert!(stats.frame_p95_ms >= stats.frame_p50_ms);
        let json = stats.json();
        assert!(
            json.starts_with(r#"{"bench":"ui","scene":"explorer","frame_p50_ms":"#),
            "{json}"
        );
    }
}
