//! Writes an [`ExportTable`] as CSV (the `csv` crate), JSON (an array of
//! objects keyed by column) or an Excel workbook (`rust_xlsxwriter`), and
//! puts a finished file in place atomically.

use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use super::tables::{Cell, ExportTable};
use super::{ExportFormat, ExportKind};
use crate::EngineError;

/// The longest text an Excel cell holds; longer text is cut (with a mark)
/// rather than failing the whole export.
const XLSX_MAX_TEXT: usize = 32_767;

pub(super) fn render(
    table: &ExportTable,
    kind: ExportKind,
    format: ExportFormat,
) -> Result<Vec<u8>, EngineError> {
    let failed = |reason: String| EngineError::ExportRender {
        format: format.extension(),
        reason,
    };
    match format {
        ExportFormat::Csv => csv(table).map_err(|e| failed(e.to_string())),
        ExportFormat::Json => json(table).map_err(|e| failed(e.to_string())),
        ExportFormat::Xlsx => xlsx(table, kind).map_err(|e| failed(e.to_string())),
    }
}

fn csv(table: &ExportTable) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&table.columns)?;
    for row in &table.rows {
        out.write_record(row.iter().map(csv_field))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A cell as CSV text. Text a spreadsheet would run as a formula (`=`,
/// `+`, `-`, `@`, tab, CR first) gets a leading `'`: titles come from
/// trackers anyone may write to, and a CSV opened in a spreadsheet must
/// not run them (the workbook stores such text as text, needing no mark).
fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Float(x) => x.to_string(),
        Cell::Empty => String::new(),
    }
}

fn json(table: &ExportTable) -> Result<Vec<u8>, serde_json::Error> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(column, cell)| {
                    let value = match cell {
                        Cell::Text(s) => serde_json::Value::from(s.as_str()),
                        Cell::Int(n) => serde_json::Value::from(*n),
                        Cell::Float(x) => serde_json::Value::from(*x),
                        Cell::Empty => serde_json::Value::Null,
                    };
                    ((*column).to_owned(), value)
                })
                .collect()
        })
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&rows)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn xlsx(table: &ExportTable, kind: ExportKind) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(kind.as_str())?;
    let bold = Format::new().set_bold();
    for (col, name) in (0u16..).zip(&table.columns) {
        sheet.write_string_with_format(0, col, *name, &bold)?;
    }
    for (r, row) in (1u32..).zip(&table.rows) {
        for (col, cell) in (0u16..).zip(row) {
            match cell {
                // An empty text is a blank cell, as it is an empty CSV field.
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(r, col, cut(s))?;
                }
                // Exact in a double for every id a store hands out (< 2^53).
                Cell::Int(n) => {
                    sheet.write_number(r, col, *n as f64)?;
                }
                Cell::Float(x) => {
                    sheet.write_number(r, col, *x)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// `s` cut to what one cell holds, on a character boundary.
fn cut(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= XLSX_MAX_TEXT {
        return s.into();
    }
    let mut out: String = s.chars().take(XLSX_MAX_TEXT - 1).collect();
    out.push('…');
    out.into()
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never a part.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let failed = |source: std::io::Error| EngineError::ExportWrite {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ExportTable {
        ExportTable {
            columns: vec!["id", "title", "assignee"],
            rows: vec![
                vec![
                    Cell::Int(7),
                    Cell::Text("a, \"quoted\"\nline".into()),
                    Cell::Empty,
                ],
                vec![
                    Cell::Int(8),
                    Cell::Text("=1+1".into()),
                    Cell::Text("ann".into()),
                ],
            ],
        }
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let text = String::from_utf8(csv(&table()).unwrap()).unwrap();
        assert_eq!(
            text,
            "id,title,assignee\n7,\"a, \"\"quoted\"\"\nline\",\n8,'=1+1,ann\n"
        );
    }

    #[test]
    fn json_keys_rows_by_column_with_nulls() {
        let v: serde_json::Value = serde_json::from_slice(&json(&table()).unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"id": 7, "title": "a, \"quoted\"\nline", "assignee": null},
                {"id": 8, "title": "=1+1", "assignee": "ann"},
            ])
        );
    }

    #[test]
    fn long_text_is_cut_to_a_cell() {
        let long = "é".repeat(XLSX_MAX_TEXT + 5);
        let cut = cut(&long);
        assert_eq!(cut.chars().count(), XLSX_MAX_TEXT);
        assert!(cut.ends_with('…'));
        assert_eq!(super::cut("short"), "short");
    }
}
