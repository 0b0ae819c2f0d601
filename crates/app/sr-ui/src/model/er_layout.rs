//! The designer's ER diagram as data: the tables of a snapshot as boxes
//! (name, columns with key markers and types), the foreign keys between
//! them as edges, box sizes, and a deterministic automatic layout.
//!
//! The layout groups tables connected by foreign keys, puts each group in
//! columns by depth (a table right of the tables it references), and packs
//! the groups on shelves left to right, largest first; tables without any
//! foreign key come last, in a grid. Coordinates are diagram units (points
//! at zoom 1); nothing here draws.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sr_schema::Snapshot;

/// Width of every table box.
pub const BOX_WIDTH: f32 = 220.0;
/// Height of the title row.
pub const HEADER_HEIGHT: f32 = 24.0;
/// Height of one column row.
pub const ROW_HEIGHT: f32 = 18.0;
/// Columns shown before "+N more".
pub const MAX_ROWS: usize = 16;
/// Space between boxes.
pub const GAP: f32 = 48.0;
/// Shelves wrap past this width.
const SHELF_WIDTH: f32 = 2400.0;

/// One column as the diagram shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErColumn {
    pub name: String,
    pub data_type: String,
    pub primary_key: bool,
    pub foreign_key: bool,
    pub nullable: bool,
}

/// One table box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErTable {
    pub schema: String,
    pub name: String,
    pub columns: Vec<ErColumn>,
}

impl ErTable {
    /// `schema.table`: the key positions are saved under.
    pub fn key(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// The box's width and height.
    pub fn size(&self) -> [f32; 2] {
        let rows = self.columns.len().min(MAX_ROWS + 1);
        [BOX_WIDTH, HEADER_HEIGHT + ROW_HEIGHT * rows as f32 + 6.0]
    }
}

/// A foreign key from table `from` to table `to` (indexes into
/// [`ErModel::tables`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

/// The diagram of one snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErModel {
    pub tables: Vec<ErTable>,
    pub edges: Vec<ErEdge>,
}

impl ErModel {
    /// The tables and foreign keys of every schema of `snapshot`, in the
    /// snapshot's order. Keys to tables outside the snapshot are left out.
    pub fn from_snapshot(snapshot: &Snapshot) -> ErModel {
        ErModel::build(snapshot, None)
    }

    /// The tables and foreign keys of one schema of `snapshot`: the
    /// designer shows a large database one schema at a time. Keys to tables
    /// of other schemas are left out.
    pub fn from_schema(snapshot: &Snapshot, schema: &str) -> ErModel {
        ErModel::build(snapshot, Some(schema))
    }

    fn build(snapshot: &Snapshot, only: Option<&str>) -> ErModel {
        let shown = |name: &str| only.is_none_or(|o| o == name);
        let mut tables = Vec::new();
        let mut index = HashMap::new();
        for schema in snapshot.schemas.iter().filter(|s| shown(&s.name)) {
            for t in &schema.tables {
                let pk: BTreeSet<&str> = t
                    .primary_key
                    .iter()
                    .flat_map(|k| k.columns.iter().map(String::as_str))
                    .collect();
                let fk: BTreeSet<&str> = t
                    .foreign_keys
                    .iter()
                    .flat_map(|k| k.columns.iter().map(String::as_str))
                    .collect();
                let columns = t
                    .columns
                    .iter()
                    .map(|c| ErColumn {
                        name: c.name.clone(),
                        data_type: c.data_type.clone(),
                        primary_key: pk.contains(c.name.as_str()),
                        foreign_key: fk.contains(c.name.as_str()),
                        nullable: c.nullable,
                    })
                    .collect();
                index.insert((schema.name.clone(), t.name.clone()), tables.len());
                tables.push(ErTable {
                    schema: schema.name.clone(),
                    name: t.name.clone(),
                    columns,
                });
            }
        }
        let mut edges = Vec::new();
        for schema in snapshot.schemas.iter().filter(|s| shown(&s.name)) {
            for t in &schema.tables {
                let Some(&from) = index.get(&(schema.name.clone(), t.name.clone())) else {
                    continue;
                };
                for fk in &t.foreign_keys {
                    let target = (fk.referenced_schema.clone(), fk.referenced_table.clone());
                    if let Some(&to) = index.get(&target) {
                        edges.push(ErEdge {
                            from,
                            to,
                            label: fk.columns.join(", "),
                        });
                    }
                }
            }
        }
        ErModel { tables, edges }
    }

    /// Top-left corners for every table, by [`ErTable::key`]: the
    /// automatic layout described in the module documentation.
    pub fn auto_layout(&self) -> BTreeMap<String, [f32; 2]> {
        let n = self.tables.len();
        let mut neighbours = vec![BTreeSet::new(); n];
        let mut references = vec![BTreeSet::new(); n];
        for e in self.edges.iter().filter(|e| e.from != e.to) {
            neighbours[e.from].insert(e.to);
            neighbours[e.to].insert(e.from);
            references[e.from].insert(e.to);
        }
        // Connected groups, each in table order.
        let mut group_of = vec![usize::MAX; n];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for start in 0..n {
            if group_of[start] != usize::MAX {
                continue;
            }
            let g = groups.len();
            let mut members = vec![start];
            group_of[start] = g;
            let mut i = 0;
            while i < members.len() {
                for &m in &neighbours[members[i]] {
                    if group_of[m] == usize::MAX {
                        group_of[m] = g;
                        members.push(m);
                    }
                }
                i += 1;
            }
            members.sort_unstable();
            groups.push(members);
        }
        let (mut linked, lonely): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| g.len() > 1);
        linked.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        let depth = depths(&references);

        let mut out = BTreeMap::new();
        let mut shelf = Shelf::default();
        for group in &linked {
            let mut columns: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &t in group {
                columns.entry(depth[t]).or_default().push(t);
            }
            let mut placed = Vec::new();
            let mut width = 0.0_f32;
            let mut height = 0.0_f32;
            for (c, members) in columns.values().enumerate() {
                let x = c as f32 * (BOX_WIDTH + GAP);
                let mut y = 0.0;
                for &t in members {
                    placed.push((t, [x, y]));
                    y += self.tables[t].size()[1] + GAP;
                }
                width = width.max(x + BOX_WIDTH);
                height = height.max(y - GAP);
            }
            let [ox, oy] = shelf.place(width, height);
            for (t, [x, y]) in placed {
                out.insert(self.tables[t].key(), [ox + x, oy + y]);
            }
        }
        // Tables with no foreign key either way: a grid of rows of eight.
        let lonely: Vec<usize> = lonely.into_iter().flatten().collect();
        for row in lonely.chunks(8) {
            let height = row
                .iter()
                .map(|&t| self.tables[t].size()[1])
                .fold(0.0, f32::max);
            let width = row.len() as f32 * (BOX_WIDTH + GAP) - GAP;
            let [ox, oy] = shelf.place(width, height);
            for (i, &t) in row.iter().enumerate() {
                out.insert(
                    self.tables[t].key(),
                    [ox + i as f32 * (BOX_WIDTH + GAP), oy],
                );
            }
        }
        out
    }
}

/// Each table's depth: 0 when it references no other table, else one more
/// than the deepest table it references. Cycles are cut where the walk
/// meets a table already on its path.
fn depths(references: &[BTreeSet<usize>]) -> Vec<usize> {
    fn visit(
        t: usize,
        refs: &[BTreeSet<usize>],
        memo: &mut [Option<usize>],
        path: &mut Vec<usize>,
    ) -> usize {
        if let Some(d) = memo[t] {
            return d;
        }
        path.push(t);
        let mut d = 0;
        for &r in &refs[t] {
            if !path.contains(&r) {
                d = d.max(visit(r, refs, memo, path) + 1);
            }
        }
        path.pop();
        memo[t] = Some(d);
        d
    }
    let mut memo = vec![None; references.len()];
    (0..references.len())
        .map(|t| visit(t, references, &mut memo, &mut Vec::new()))
        .collect()
}

/// Shelf packing: blocks go left to right, a new shelf below when the
/// current one is full.
#[derive(Default)]
struct Shelf {
    x: f32,
    y: f32,
    height: f32,
}

impl Shelf {
    fn place(&mut self, width: f32, height: f32) -> [f32; 2] {
        if self.x > 0.0 && self.x + width > SHELF_WIDTH {
            self.y += self.height + GAP * 2.0;
            self.x = 0.0;
            self.height = 0.0;
        }
        let at = [self.x, self.y];
        self.x += width + GAP * 2.0;
        self.height = self.height.max(height);
        at
    }
}

#[cfg(test)]
#[path = "er_layout_tests.rs"]
pub(crate) mod tests;
