//! The auto-issue feed (this session's rule outcomes with their issues,
//! each alert with "File issue…" and, when no rule matched it, "Make a
//! rule from this"; then the stored outbox) and each tracker's sync state
//! and rate budget.

use egui::{CollapsingHeader, Grid, RichText};
use sr_engine::TrackerMonitor;
use sr_engine::monitoring::OutboxStatus;

use super::{action_button, chip_ui, error_ui, running};
use crate::state::{Load, UiState, feed_rows};
use crate::ui::widgets::{DONE_COLOR, OPEN_COLOR, PROGRESS_COLOR, empty_ui};

pub fn feed_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let outbox: &[_] = state.monitoring.outbox.ready().map_or(&[], |v| v);
    let rows = feed_rows(&state.auto_feed, outbox);
    let mut file = None;
    let mut make_rule = None;
    if rows.is_empty() {
        empty_ui(ui, "No auto-issue rule has fired in this session.");
    } else {
        Grid::new("auto-feed")
            .num_columns(6)
            .striped(true)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for h in ["When", "Event", "Rule", "What happened", "Issue", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for r in &rows {
                    ui.weak(r.at.format("%H:%M:%S").to_string());
                    ui.label(format!("{} on {}", r.event, r.connection));
                    ui.label(&r.rule);
                    if r.failed {
                        error_ui(ui, &r.action);
                    } else {
                        ui.label(&r.action);
                    }
                    if r.no_rule {
                        ui.label("");
                    } else {
                        ui.monospace(r.issue.as_deref().unwrap_or("…"));
                    }
                    ui.horizontal(|ui| {
                        if r.alert && super::file_issue_button(ui) {
                            file = Some(r.index);
                        }
                        if r.no_rule
                            && ui
                                .small_button("Make a rule from this")
                                .on_hover_text(
                                    "A new rule in Tools → Auto-issue Rules… for this event \
                                     on this connection",
                                )
                                .clicked()
                        {
                            make_rule = Some(r.index);
                        }
                        ui.weak(r.note.as_deref().unwrap_or_default());
                    });
                    ui.end_row();
                }
            });
    }
    if let Some(i) = file {
        state.file_issue_for_feed(i);
    }
    if let Some(i) = make_rule {
        state.make_rule_from_feed(i);
    }
    outbox_ui(ui, state);
}

fn outbox_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let busy = running(state, "outbox");
    let mut reload = false;
    CollapsingHeader::new("Outbox")
        .id_salt("monitoring-outbox")
        .default_open(false)
        .show(ui, |ui| {
            reload = action_button(ui, "Reload outbox", busy, "Read the outbox again");
            match &state.monitoring.outbox {
                Load::Ready(rows) if rows.is_empty() => {
                    empty_ui(ui, "The outbox is empty.");
                }
                Load::Ready(rows) => {
                    Grid::new("outbox-rows")
                        .num_columns(6)
                        .striped(true)
                        .show(ui, |ui| {
                            for r in rows {
                                ui.weak(format!("#{}", r.id));
                                ui.label(&r.intent.rule);
                                ui.label(format!(
                                    "{} ({})",
                                    r.intent.action.as_str(),
                                    r.intent.purpose
                                ));
                                let color = match r.status {
                                    OutboxStatus::Done => DONE_COLOR,
                                    OutboxStatus::Pending => PROGRESS_COLOR,
                                    OutboxStatus::Failed => OPEN_COLOR,
                                };
                                chip_ui(ui, r.status.as_str(), color);
                                ui.monospace(r.intent.issue_key.as_deref().unwrap_or("—"));
                                ui.label(&r.intent.title);
                                ui.end_row();
                            }
                        });
                }
                Load::Failed(e) => {
                    error_ui(ui, e);
                }
                _ => {}
            }
        });
    if reload {
        state.load_outbox();
    }
}

pub fn sync_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let busy = running(state, "sync");
    let mut reload = false;
    ui.horizontal(|ui| {
        reload = action_button(
            ui,
            "Reload sync status",
            busy,
            "Read the trackers' state again",
        );
    });
    if reload {
        state.load_sync_status();
    }
    match &state.monitoring.sync {
        Load::Ready(list) if list.is_empty() => {
            empty_ui(ui, "No enabled trackers.");
        }
        Load::Ready(list) => {
            for t in list {
                tracker_ui(ui, t);
            }
        }
        Load::Failed(e) => {
            error_ui(ui, e);
        }
        _ => {}
    }
}

fn tracker_ui(ui: &mut egui::Ui, t: &TrackerMonitor) {
    ui.horizontal(|ui| {
        ui.strong(&t.tracker);
        ui.weak(&t.kind);
        match &t.sync {
            Some(s) => {
                let color = match s.health.as_str() {
                    "ok" => DONE_COLOR,
                    "degraded" => OPEN_COLOR,
                    _ => PROGRESS_COLOR,
                };
                chip_ui(ui, &s.health.replace('_', " "), color);
                let last = s.last_success.map_or("never".to_owned(), |t| {
                    t.format("%Y-%m-%d %H:%M UTC").to_string()
                });
                ui.label(format!(
                    "last sync {last}; polled every {} min; {}",
                    s.poll_every_minutes, s.webhook_summary
                ));
            }
            None => {
                ui.weak("kept in the store; not polled");
            }
        }
    });
    ui.indent(("tracker", &t.tracker), |ui| {
        match &t.rate {
            Some(r) => {
                let count = |v: Option<u64>| v.map_or("?".to_owned(), |n| n.to_string());
                let reset = r.reset_at.map_or(String::new(), |t| {
                    format!(", resets {}", t.format("%H:%M UTC"))
                });
                ui.label(format!(
                    "Rate budget: {} of {} left{reset}",
                    count(r.remaining),
                    count(r.limit)
                ));
            }
            None => {
                ui.weak("No rate limit reported.");
            }
        }
        if let Some(e) = t.sync.as_ref().and_then(|s| s.last_error.as_deref()) {
            error_ui(ui, e);
        }
        for op in &t.recent {
            let when = op
                .started_at
                .unwrap_or(op.created_at)
                .format("%Y-%m-%d %H:%M");
            let mut text = format!("{when} {:?} {:?}", op.kind, op.status);
            if let Some(e) = &op.error {
                text.push_str(&format!(": {e}"));
            }
            ui.label(RichText::new(text).small());
        }
    });
}
