//! The performance section: each tracked query's median over time, the
//! band its newest baseline allows (median ± 3 × MAD, the noise the
//! regression rule ignores), and the measurements that regressed against
//! the one before marked in red.

use egui::{Color32, RichText};
use egui_plot::{FilledArea, Legend, Line, MarkerShape, Plot, PlotPoints, Points};
use sr_engine::PerfSeries;

use super::{action_button, error_ui, running};
use crate::state::{Load, UiState};
use crate::ui::widgets::empty_ui;

const REGRESSION: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
/// How many MADs either side of the median the band covers.
const BAND_MADS: f64 = 3.0;

pub fn perf_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    let busy = running(state, &format!("perf:{connection}"));
    let mut reload = false;
    ui.horizontal(|ui| {
        reload = action_button(ui, "Reload", busy, "Read the saved measurements again");
    });
    if reload {
        state.load_perf(connection);
    }
    let series = match state.monitoring.of(connection).map(|m| &m.perf) {
        Some(Load::Ready(s)) => s,
        Some(Load::Failed(e)) => {
            error_ui(ui, e);
            return;
        }
        _ => return,
    };
    let measured: Vec<&PerfSeries> = series.iter().filter(|s| !s.points.is_empty()).collect();
    if measured.is_empty() {
        empty_ui(
            ui,
            "No measurements yet: \"Track performance\" in a SQL editor adds a query; \
             its timings appear here as they are saved.",
        );
        return;
    }
    let start = measured
        .iter()
        .filter_map(|s| s.points.first())
        .map(|p| p.recorded_at)
        .min()
        .unwrap_or_else(chrono::Utc::now);
    let minutes = |t: chrono::DateTime<chrono::Utc>| (t - start).num_seconds() as f64 / 60.0;
    Plot::new(("perf-plot", connection))
        .height(220.0)
        .legend(Legend::default())
        .x_axis_label(format!(
            "minutes since {}",
            start.format("%Y-%m-%d %H:%M UTC")
        ))
        .y_axis_label("median ms")
        .allow_scroll(false)
        .show(ui, |plot| {
            for s in &measured {
                let name = short_sql(&s.sql);
                let xs: Vec<f64> = s.points.iter().map(|p| minutes(p.recorded_at)).collect();
                if let (Some(base), Some(&first), Some(&last)) =
                    (s.points.last(), xs.first(), xs.last())
                {
                    let low = (base.median_ms - BAND_MADS * base.mad_ms).max(0.0);
                    let high = base.median_ms + BAND_MADS * base.mad_ms;
                    plot.add(FilledArea::new(
                        format!("{name} baseline"),
                        &[first, last.max(first + 1.0)],
                        &[low, low],
                        &[high, high],
                    ));
                }
                let line: Vec<[f64; 2]> = s
                    .points
                    .iter()
                    .zip(&xs)
                    .map(|(p, &x)| [x, p.median_ms])
                    .collect();
                plot.line(Line::new(name.clone(), PlotPoints::from(line)));
                let regressed: Vec<[f64; 2]> = s
                    .points
                    .iter()
                    .zip(&xs)
                    .zip(&s.regressed)
                    .filter(|(_, r)| **r)
                    .map(|((p, &x), _)| [x, p.median_ms])
                    .collect();
                if !regressed.is_empty() {
                    plot.points(
                        Points::new(format!("{name} regressions"), PlotPoints::from(regressed))
                            .shape(MarkerShape::Diamond)
                            .radius(6.0)
                            .color(REGRESSION),
                    );
                }
            }
        });
    let mut file = None;
    for s in &measured {
        if summary_ui(ui, s) {
            file = Some((*s).clone());
        }
    }
    if let Some(series) = file {
        state.file_issue_for(sr_engine::Alert::Regression {
            connection: connection.to_owned(),
            series,
        });
    }
}

/// One query's line; true when "File issue…" was pressed on its latest
/// regression.
fn summary_ui(ui: &mut egui::Ui, s: &PerfSeries) -> bool {
    let Some(last) = s.points.last() else {
        return false;
    };
    let mut file = false;
    let regressions = s.regressed.iter().filter(|r| **r).count();
    ui.horizontal(|ui| {
        ui.label(RichText::new(short_sql(&s.sql)).monospace());
        ui.weak(format!(
            "median {:.2} ms (±{:.2}), {} measurement(s)",
            last.median_ms,
            last.mad_ms,
            s.points.len()
        ));
        if regressions > 0 {
            ui.colored_label(REGRESSION, format!("{regressions} regression(s)"));
        }
        if s.regressed.last() == Some(&true) {
            file = super::file_issue_button(ui);
        }
    });
    file
}

/// The first line of a query, cut to 60 characters.
fn short_sql(sql: &str) -> String {
    let first = sql.lines().next().unwrap_or_default().trim();
    match first.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &first[..i]),
        None => first.to_owned(),
    }
}
