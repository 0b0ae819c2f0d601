//! The Sync window (Tools → Sync trackers…, Ctrl+Shift+S): each polled
//! tracker with its state, webhook health, last sync and rate budget,
//! "Sync now" / "Full sync" per tracker and "Sync all", a running sync's
//! progress with Cancel, the last result, and the field conflicts recent
//! syncs settled. Also the status bar's sync item.

use chrono::{DateTime, Utc};
use egui::RichText;
use sr_engine::monitoring::{SyncOperation, SyncStatus};
use sr_engine::{ConflictEntry, SyncState, TrackerSync};

use super::widgets::{DONE_COLOR, OPEN_COLOR, ago};
use crate::state::{Load, UiState, progress_fraction, progress_text};

pub fn sync_window_ui(ctx: &egui::Context, state: &mut UiState) {
    if !state.sync.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Sync trackers")
        .open(&mut open)
        .collapsible(false)
        .default_width(760.0)
        .default_pos(egui::pos2(300.0, 60.0))
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let any = state
                    .sync
                    .status
                    .ready()
                    .is_some_and(|s| !s.trackers.is_empty());
                if ui
                    .add_enabled(any, egui::Button::new("Sync all"))
                    .on_hover_text("A manual sync of every tracker listed")
                    .clicked()
                {
                    state.start_sync(None, false);
                }
                ui.checkbox(&mut state.sync.include_closed, "Include closed issues");
                if ui.button("Refresh").clicked() {
                    state.open_sync_window();
                }
            });
            ui.separator();
            let overview = match &state.sync.status {
                Load::Ready(o) => o.clone(),
                Load::Failed(m) => {
                    ui.colored_label(ui.visuals().error_fg_color, m);
                    return;
                }
                _ => {
                    ui.spinner();
                    return;
                }
            };
            if overview.trackers.is_empty() {
                ui.weak("No tracker is synced: the local tracker keeps its issues itself. Add one in Tools → Issue Tracker Settings…");
            }
            let now = Utc::now();
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    for t in &overview.trackers {
                        tracker_ui(ui, state, t, now);
                        ui.separator();
                    }
                    conflicts_ui(ui, &overview.conflicts, now);
                });
        });
    if !open {
        state.close_sync_window();
    }
}

fn tracker_ui(ui: &mut egui::Ui, state: &mut UiState, t: &TrackerSync, now: DateTime<Utc>) {
    let running = state.sync.running.get(&t.tracker).cloned();
    ui.horizontal(|ui| {
        ui.label(RichText::new(&t.tracker).strong());
        ui.weak(&t.kind);
        let (word, color) = match (running.is_some(), t.state) {
            (true, _) | (false, SyncState::Running) => ("running", ui.visuals().text_color()),
            (false, SyncState::Degraded) => ("degraded", ui.visuals().error_fg_color),
            (false, SyncState::Idle) => ("idle", DONE_COLOR),
        };
        ui.label(RichText::new(word).color(color));
        ui.separator();
        let webhook = if t.webhook_active {
            RichText::new("webhook active").color(DONE_COLOR)
        } else {
            RichText::new("webhook inactive").color(OPEN_COLOR)
        };
        ui.label(webhook);
        ui.separator();
        ui.label(match t.last_sync {
            Some(at) => format!("last sync {}", ago(at, now)),
            None => "never synced".into(),
        });
        if let Some(rate) = &t.rate
            && let (Some(left), Some(limit)) = (rate.remaining, rate.limit)
        {
            ui.separator();
            ui.label(format!("rate {left}/{limit} left"));
        }
    });
    if t.state == SyncState::Degraded
        && let Some(error) = &t.last_error
    {
        ui.colored_label(ui.visuals().error_fg_color, format!("Last error: {error}"));
    }
    ui.weak(format!(
        "{} — polled every {} min",
        t.webhook_summary, t.poll_every_minutes
    ));
    match &running {
        Some(op) => running_ui(ui, state, op),
        None => {
            ui.horizontal(|ui| {
                if ui
                    .button("Sync now")
                    .on_hover_text(format!("What changed in {} since the last sync", t.tracker))
                    .clicked()
                {
                    state.start_sync(Some(&t.tracker), false);
                }
                if ui
                    .button("Full sync")
                    .on_hover_text("Read every issue; also finds deleted and moved ones")
                    .clicked()
                {
                    state.start_sync(Some(&t.tracker), true);
                }
            });
        }
    }
    if let Some(op) = state.sync.finished.get(&t.tracker) {
        result_ui(ui, op, now);
    }
    if !t.recent.is_empty() {
        egui::CollapsingHeader::new(format!("Recent syncs of {}", t.tracker))
            .id_salt(("recent_syncs", &t.tracker))
            .show(ui, |ui| {
                for op in &t.recent {
                    ui.label(format!(
                        "{} · {} {} · {}",
                        ago(op.completed_at.unwrap_or(op.updated_at), now),
                        word(op.origin),
                        word(op.kind),
                        outcome(op)
                    ));
                }
            });
    }
}

fn running_ui(ui: &mut egui::Ui, state: &mut UiState, op: &SyncOperation) {
    ui.horizontal(|ui| {
        let text = progress_text(op);
        let bar = match progress_fraction(op) {
            Some(f) => egui::ProgressBar::new(f),
            None => egui::ProgressBar::new(0.0).animate(true),
        };
        ui.add(bar.desired_width(420.0).text(text));
        let cancelling = state.sync.cancelling.contains(&op.tracker);
        let label = if cancelling {
            "Cancelling…"
        } else {
            "Cancel"
        };
        if ui
            .add_enabled(!cancelling, egui::Button::new(label))
            .clicked()
        {
            state.cancel_sync(&op.tracker);
        }
    });
}

/// The last ended operation: its status and counts, and its errors.
fn result_ui(ui: &mut egui::Ui, op: &SyncOperation, now: DateTime<Utc>) {
    let color = match op.status {
        SyncStatus::Completed => DONE_COLOR,
        SyncStatus::Cancelled => OPEN_COLOR,
        _ => ui.visuals().error_fg_color,
    };
    ui.horizontal(|ui| {
        ui.label("Last result:");
        ui.label(RichText::new(word(op.status)).color(color));
        ui.label(outcome(op));
        ui.weak(ago(op.completed_at.unwrap_or(op.updated_at), now));
    });
    if let Some(error) = op
        .error
        .as_ref()
        .filter(|_| op.status == SyncStatus::Failed)
    {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    for e in op.results.errors.iter().take(10) {
        let issue = e.issue_id.as_deref().unwrap_or("—");
        ui.colored_label(ui.visuals().error_fg_color, format!("{issue}: {}", e.error));
    }
    if op.results.errors.len() > 10 {
        ui.weak(format!(
            "… and {} more errors",
            op.results.errors.len() - 10
        ));
    }
}

/// "3 created, 1 updated, 0 skipped, 0 failed" and what else happened.
fn outcome(op: &SyncOperation) -> String {
    let r = &op.results;
    let mut text = format!(
        "{} created, {} updated, {} skipped, {} failed",
        r.created, r.updated, r.skipped, r.failed
    );
    for (n, what) in [
        (r.pushed, "pushed"),
        (r.removed, "removed"),
        (r.moved, "moved"),
        (r.conflicts.len() as u64, "conflicts"),
    ] {
        if n > 0 {
            text.push_str(&format!(", {n} {what}"));
        }
    }
    if r.comments_sent + r.comments_received > 0 {
        text.push_str(&format!(
            "; comments: {} sent, {} received",
            r.comments_sent, r.comments_received
        ));
    }
    text
}

fn conflicts_ui(ui: &mut egui::Ui, conflicts: &[ConflictEntry], now: DateTime<Utc>) {
    ui.label(RichText::new("Conflicts").strong());
    if conflicts.is_empty() {
        ui.weak("No field was changed on both sides in recent syncs.");
        return;
    }
    egui::Grid::new("sync_conflicts")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for h in [
                "Issue", "Field", "Local", "Remote", "Policy", "Winner", "When",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for c in conflicts {
                let k = &c.conflict;
                ui.label(short_key(&k.issue)).on_hover_text(&k.issue);
                ui.label(k.field.as_str());
                ui.label(&k.local);
                ui.label(&k.remote);
                ui.label(word(k.policy));
                let winner = RichText::new(&k.winner);
                ui.label(if k.winner == "local" {
                    winner.color(DONE_COLOR)
                } else {
                    winner
                });
                ui.label(if c.open {
                    "syncing now".into()
                } else {
                    ago(c.at, now)
                });
                ui.end_row();
            }
        });
}

/// The status bar's sync item: the running syncs' progress, or the words
/// it always showed; a click opens the Sync window.
pub fn sync_status_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let running: Vec<SyncOperation> = state.running_syncs().cloned().collect();
    let clicked = match running.first() {
        None => ui
            .add(
                egui::Label::new(RichText::new("· Sync: manual ·").weak())
                    .sense(egui::Sense::click()),
            )
            .on_hover_text("Open the Sync window")
            .clicked(),
        Some(op) => {
            let mut text = progress_text(op);
            if running.len() > 1 {
                text.push_str(&format!(" (+{} more)", running.len() - 1));
            }
            let bar = match progress_fraction(op) {
                Some(f) => egui::ProgressBar::new(f),
                None => egui::ProgressBar::new(0.0).animate(true),
            };
            ui.add(bar.desired_width(260.0).text(text))
                .interact(egui::Sense::click())
                .on_hover_text("Open the Sync window")
                .clicked()
        }
    };
    if clicked {
        state.open_sync_window();
    }
}

/// An issue key as a reader knows it: `github:host/acme/db:2` →
/// `acme/db#2`; keys without a path stay as they are.
fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('/').collect();
    let tail = match parts.as_slice() {
        [.., owner, last] if parts.len() >= 3 => format!("{owner}/{last}"),
        _ => key.to_owned(),
    };
    match tail.rsplit_once(':') {
        Some((path, id)) if tail.contains('/') => format!("{path}#{id}"),
        _ => tail,
    }
}

/// An enum's word as its serde name ("in_progress" → "in progress").
fn word(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_keys() {
        for (key, short) in [
            ("github:127.0.0.1:4000/acme/db:2", "acme/db#2"),
            ("github:github.com/acme/db:17", "acme/db#17"),
            (
                "jira:acme.atlassian.net:DB-4",
                "jira:acme.atlassian.net:DB-4",
            ),
            ("local:default:3", "local:default:3"),
        ] {
            assert_eq!(super::short_key(key), short, "{key}");
        }
    }
}
