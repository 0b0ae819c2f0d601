//! Toasts in the bottom-right corner, newest at the bottom.

use egui::{Align2, RichText};

use super::widgets::DONE_COLOR;
use crate::state::{ToastLevel, UiState};

pub fn toasts_ui(ctx: &egui::Context, state: &mut UiState) {
    let now = ctx.input(|i| i.time);
    if let Some(next) = state.toasts.tick(now) {
        ctx.request_repaint_after_secs(next.max(0.05) as f32);
    }
    if state.toasts.is_empty() {
        return;
    }
    let mut undo = None;
    let mut dismiss = None;
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            for toast in state.toasts.iter() {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(360.0);
                    ui.horizontal(|ui| {
                        let (icon, color) = match toast.level {
                            ToastLevel::Success => ("✔", DONE_COLOR),
                            ToastLevel::Info => ("ℹ", ui.visuals().text_color()),
                            ToastLevel::Error => ("⚠", ui.visuals().error_fg_color),
                        };
                        ui.label(RichText::new(icon).color(color));
                        ui.add(egui::Label::new(&toast.text).wrap());
                        if toast.undo.is_some() && ui.button("Undo").clicked() {
                            undo = Some(toast.id);
                        }
                        if ui.small_button("✖").clicked() {
                            dismiss = Some(toast.id);
                        }
                    });
                });
                ui.add_space(4.0);
            }
        });
    if let Some(id) = undo {
        state.undo(id);
    }
    if let Some(id) = dismiss {
        state.toasts.take(id);
    }
}
