//! The ER diagram as an SVG document: the same boxes and edges the
//! designer draws, at the saved positions, for "Export SVG" and for
//! attaching the diagram to an issue.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::er_layout::{ErModel, HEADER_HEIGHT, MAX_ROWS, ROW_HEIGHT};

const MARGIN: f32 = 20.0;

/// `model` drawn with its tables' top-left corners at `positions` (by
/// `schema.table`; a table without one goes where the automatic layout
/// puts it).
pub fn er_svg(model: &ErModel, positions: &BTreeMap<String, [f32; 2]>) -> String {
    let auto = if model
        .tables
        .iter()
        .all(|t| positions.contains_key(&t.key()))
    {
        BTreeMap::new()
    } else {
        model.auto_layout()
    };
    let rects: Vec<[f32; 4]> = model
        .tables
        .iter()
        .map(|t| {
            let [x, y] = positions
                .get(&t.key())
                .or(auto.get(&t.key()))
                .copied()
                .unwrap_or_default();
            let [w, h] = t.size();
            [x, y, w, h]
        })
        .collect();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (0.0_f32, 0.0_f32, 0.0_f32, 0.0_f32);
    if let Some(first) = rects.first() {
        (min_x, min_y, max_x, max_y) = (first[0], first[1], first[0], first[1]);
    }
    for r in &rects {
        min_x = min_x.min(r[0]);
        min_y = min_y.min(r[1]);
        max_x = max_x.max(r[0] + r[2]);
        max_y = max_y.max(r[1] + r[3]);
    }
    let (dx, dy) = (MARGIN - min_x, MARGIN - min_y);
    let mut out = String::new();
    // Writing to a String cannot fail: `.ok()` below.
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#,
        w = (max_x - min_x + 2.0 * MARGIN).round(),
        h = (max_y - min_y + 2.0 * MARGIN).round(),
    ).ok();
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for e in &model.edges {
        let (Some(a), Some(b)) = (rects.get(e.from), rects.get(e.to)) else {
            continue;
        };
        let ([x1, y1], [x2, y2]) = edge_ends(*a, *b);
        writeln!(
            out,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6a7b8c" stroke-width="1.5"><title>{}</title></line>"##,
            x1 + dx,
            y1 + dy,
            x2 + dx,
            y2 + dy,
            escape(&e.label)
        ).ok();
    }
    for (t, r) in model.tables.iter().zip(&rects) {
        let (x, y) = (r[0] + dx, r[1] + dy);
        writeln!(
            out,
            r##"<g><rect x="{x}" y="{y}" width="{}" height="{}" fill="#f7f9fb" stroke="#34495e"/><rect x="{x}" y="{y}" width="{}" height="{HEADER_HEIGHT}" fill="#34495e"/><text x="{}" y="{}" fill="white" font-weight="bold">{}</text>"##,
            r[2],
            r[3],
            r[2],
            x + 6.0,
            y + 16.0,
            escape(&t.name)
        ).ok();
        for (i, c) in t.columns.iter().take(MAX_ROWS).enumerate() {
            let row_y = y + HEADER_HEIGHT + ROW_HEIGHT * (i as f32 + 1.0) - 4.0;
            let mark = match (c.primary_key, c.foreign_key) {
                (true, true) => "PK FK ",
                (true, false) => "PK ",
                (false, true) => "FK ",
                (false, false) => "",
            };
            writeln!(
                out,
                r##"<text x="{}" y="{row_y}">{}{}</text><text x="{}" y="{row_y}" text-anchor="end" fill="#6a7b8c">{}</text>"##,
                x + 6.0,
                mark,
                escape(&c.name),
                x + r[2] - 6.0,
                escape(&c.data_type)
            ).ok();
        }
        if t.columns.len() > MAX_ROWS {
            let row_y = y + HEADER_HEIGHT + ROW_HEIGHT * (MAX_ROWS as f32 + 1.0) - 4.0;
            writeln!(
                out,
                r##"<text x="{}" y="{row_y}" fill="#6a7b8c">+{} more</text>"##,
                x + 6.0,
                t.columns.len() - MAX_ROWS
            )
            .ok();
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// Where an edge between boxes `a` and `b` (`[x, y, w, h]`) starts and
/// ends: the facing sides' middles, or the tops' when one is above the
/// other.
pub fn edge_ends(a: [f32; 4], b: [f32; 4]) -> ([f32; 2], [f32; 2]) {
    let mid = |r: [f32; 4]| [r[0] + r[2] / 2.0, r[1] + r[3] / 2.0];
    let (ma, mb) = (mid(a), mid(b));
    if a[0] + a[2] <= b[0] {
        ([a[0] + a[2], ma[1]], [b[0], mb[1]])
    } else if b[0] + b[2] <= a[0] {
        ([a[0], ma[1]], [b[0] + b[2], mb[1]])
    } else if a[1] + a[3] <= b[1] {
        ([ma[0], a[1] + a[3]], [mb[0], b[1]])
    } else {
        ([ma[0], a[1]], [mb[0], b[1] + b[3]])
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_has_every_table_its_columns_and_edges() {
        let s = crate::model::er_layout::tests::snapshot(&[("a<b", &[]), ("orders", &["a<b"])]);
        let m = ErModel::from_snapshot(&s);
        let svg = er_svg(&m, &m.auto_layout());
        let check = |needle: &str, count: usize| {
            assert_eq!(svg.matches(needle).count(), count, "{needle:?} in {svg}");
        };
        check("<svg ", 1);
        check("</svg>", 1);
        check("<g>", 2);
        check(">a&lt;b</text>", 1);
        check(">orders</text>", 1);
        check(">PK id</text>", 2);
        check(">FK a&lt;b_id</text>", 1);
        check("<line ", 1);
        check("<title>a&lt;b_id</title>", 1);
        assert_eq!(svg, er_svg(&m, &m.auto_layout()), "deterministic");
    }

    #[test]
    fn edges_join_the_facing_sides() {
        let check = |a: [f32; 4], b: [f32; 4], expected: ([f32; 2], [f32; 2])| {
            assert_eq!(edge_ends(a, b), expected, "{a:?} → {b:?}");
        };
        check(
            [0.0, 0.0, 10.0, 10.0],
            [20.0, 0.0, 10.0, 10.0],
            ([10.0, 5.0], [20.0, 5.0]),
        );
        check(
            [20.0, 0.0, 10.0, 10.0],
            [0.0, 0.0, 10.0, 10.0],
            ([20.0, 5.0], [10.0, 5.0]),
        );
        check(
            [0.0, 0.0, 10.0, 10.0],
            [0.0, 20.0, 10.0, 10.0],
            ([5.0, 10.0], [5.0, 20.0]),
        );
        check(
            [0.0, 20.0, 10.0, 10.0],
            [0.0, 0.0, 10.0, 10.0],
            ([5.0, 20.0], [5.0, 10.0]),
        );
    }
}
