//! How much a snapshot holds, by kind: the "summary of each side" of a
//! drift report.

use serde::{Deserialize, Serialize};

use crate::{Dialect, Snapshot};

/// Object counts of one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    pub database: String,
    pub dialect: Option<Dialect>,
    pub schemas: usize,
    pub tables: usize,
    pub columns: usize,
    pub views: usize,
    pub materialized_views: usize,
    pub indexes: usize,
    pub triggers: usize,
    pub sequences: usize,
    pub routines: usize,
    pub types: usize,
    pub extensions: usize,
}

impl Snapshot {
    pub fn summary(&self) -> SnapshotSummary {
        let mut s = SnapshotSummary {
            database: self.database.clone(),
            dialect: Some(self.dialect),
            schemas: self.schemas.len(),
            ..SnapshotSummary::default()
        };
        for sc in &self.schemas {
            s.tables += sc.tables.len();
            s.columns += sc.tables.iter().map(|t| t.columns.len()).sum::<usize>();
            s.views += sc.views.iter().filter(|v| !v.materialized).count();
            s.materialized_views += sc.views.iter().filter(|v| v.materialized).count();
            s.indexes += sc.indexes.len();
            s.triggers += sc.triggers.len();
            s.sequences += sc.sequences.len();
            s.routines += sc.routines.len();
            s.types += sc.enums.len() + sc.domains.len();
            s.extensions += sc.extensions.len();
        }
        s
    }
}

impl std::fmt::Display for SnapshotSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} tables ({} columns), {} views, {} indexes, {} triggers, {} routines, {} sequences",
            self.tables,
            self.columns,
            self.views + self.materialized_views,
            self.indexes,
            self.triggers,
            self.routines,
            self.sequences
        )
    }
}
