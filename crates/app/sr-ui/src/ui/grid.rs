//! The rows of a statement's answer as a grid that only lays out the rows
//! in view, so 100,000 rows scroll as smoothly as ten.

use egui::RichText;
use sr_engine::QueryOutput;

/// Rows sampled to size the columns.
const SAMPLE: usize = 200;
const MIN_CHARS: usize = 4;
const MAX_CHARS: usize = 48;

pub fn grid_ui(ui: &mut egui::Ui, id: u32, out: &QueryOutput) {
    let char_w = ui.text_style_height(&egui::TextStyle::Monospace) * 0.62;
    let widths: Vec<f32> = column_chars(out)
        .into_iter()
        .map(|c| c as f32 * char_w + 12.0)
        .collect();
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + 4.0;
    let null = ui.visuals().weak_text_color();
    // The header follows the grid's horizontal scroll (as of the last
    // frame) but stays put vertically.
    let offset_id = egui::Id::unique(("sql-grid-x", id));
    let offset_x = ui.data(|d| d.get_temp::<f32>(offset_id)).unwrap_or(0.0);
    egui::ScrollArea::horizontal()
        .id_salt(("sql-grid-header", id))
        .horizontal_scroll_offset(offset_x)
        .scroll_source(egui::scroll_area::ScrollSource::NONE)
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.add_sized([48.0, row_h], egui::Label::new(RichText::new("#").weak()));
                for (name, w) in out.columns.iter().zip(&widths) {
                    ui.add_sized(
                        [*w, row_h],
                        egui::Label::new(RichText::new(name).strong().monospace()).truncate(),
                    );
                }
            });
        });
    ui.separator();
    let shown = egui::ScrollArea::both()
        .id_salt(("sql-grid", id))
        .auto_shrink([false, false])
        .show_rows(ui, row_h, out.row_count(), |ui, rows| {
            ui.data_mut(|d| d.insert_temp(first_row_id(id), rows.start));
            for i in rows {
                ui.horizontal(|ui| {
                    ui.add_sized(
                        [48.0, row_h],
                        egui::Label::new(RichText::new((i + 1).to_string()).weak()),
                    );
                    for (cell, w) in out.row(i).iter().zip(&widths) {
                        let text = match cell {
                            Some(v) => RichText::new(v.as_ref()).monospace(),
                            None => RichText::new("NULL").monospace().color(null),
                        };
                        // Numbers line up on the right, text on the left.
                        let numeric = cell.as_deref().is_some_and(|v| v.parse::<f64>().is_ok());
                        let layout = if numeric {
                            egui::Layout::right_to_left(egui::Align::Center)
                        } else {
                            egui::Layout::left_to_right(egui::Align::Center)
                        };
                        let r = ui
                            .allocate_ui_with_layout(egui::vec2(*w, row_h), layout, |ui| {
                                ui.set_min_size(egui::vec2(*w, row_h));
                                ui.add(egui::Label::new(text).truncate())
                            })
                            .inner;
                        if let Some(v) = cell
                            && v.chars().count() > MAX_CHARS
                        {
                            r.on_hover_text(v.as_ref());
                        }
                    }
                });
            }
        });
    ui.data_mut(|d| d.insert_temp(offset_id, shown.state.clamped_offset().x));
}

/// Where the grid of editor `id` keeps the first row it laid out (tests
/// and the status line read it).
pub fn first_row_id(id: u32) -> egui::Id {
    egui::Id::unique(("sql-grid-first-row", id))
}

/// Each column's width in characters: its longest value among the
/// header and the first rows, within bounds.
fn column_chars(out: &QueryOutput) -> Vec<usize> {
    let rows = out.row_count().min(SAMPLE);
    out.columns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let longest = (0..rows)
                .filter_map(|r| out.row(r).get(c))
                .map(|v| v.as_deref().map_or(4, |s| s.chars().count()))
                .chain([name.chars().count()])
                .max()
                .unwrap_or(MIN_CHARS);
            longest.clamp(MIN_CHARS, MAX_CHARS)
        })
        .collect()
}
