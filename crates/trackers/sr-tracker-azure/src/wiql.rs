//! The WIQL of a search: the project (and area), words in the title or
//! description, tags, open or closed states, a changed-since bound and the
//! window after the last work item already read, newest first.

use sr_model::{SearchQuery, StateFilter, Timestamp};

/// A WIQL string literal: single quotes, doubled inside.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A timestamp as WIQL compares `System.ChangedDate` with time precision.
pub fn instant(t: Timestamp) -> String {
    quote(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

/// Where a window of a long read continues: before the oldest work item
/// of the last window (newest first), the id breaking ties of equal dates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Before {
    pub changed: Timestamp,
    pub id: u64,
}

/// The query. `closed_states` are the states that count as done, for
/// open/closed filters.
pub fn search(
    area: &str,
    query: &SearchQuery,
    closed_states: &[String],
    before: Option<Before>,
) -> String {
    let mut conditions = vec![
        "[System.TeamProject] = @project".to_owned(),
        format!("[System.AreaPath] UNDER {}", quote(area)),
    ];
    for word in query.text.split_whitespace() {
        let w = quote(word);
        conditions.push(format!(
            "([System.Title] CONTAINS {w} OR [System.Description] CONTAINS {w})"
        ));
    }
    for label in &query.labels {
        conditions.push(format!("[System.Tags] CONTAINS {}", quote(label.trim())));
    }
    if !closed_states.is_empty() {
        let list = closed_states
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ");
        match query.state {
            StateFilter::Open => conditions.push(format!("[System.State] NOT IN ({list})")),
            StateFilter::Closed => conditions.push(format!("[System.State] IN ({list})")),
            StateFilter::All => {}
        }
    }
    if let Some(since) = query.updated_since {
        conditions.push(format!("[System.ChangedDate] >= {}", instant(since)));
    }
    if let Some(b) = before {
        let at = instant(b.changed);
        conditions.push(format!(
            "([System.ChangedDate] < {at} OR ([System.ChangedDate] = {at} AND [System.Id] < {}))",
            b.id
        ));
    }
    format!(
        "SELECT [System.Id] FROM WorkItems WHERE {} ORDER BY [System.ChangedDate] DESC, [System.Id] DESC",
        conditions.join(" AND ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let q = SearchQuery {
            text: "orders it's".into(),
            labels: vec!["db".into()],
            state: StateFilter::Open,
            updated_since: chrono::DateTime::from_timestamp(1_735_689_601, 0),
            limit: 10,
        };
        let before = Before {
            changed: chrono::DateTime::from_timestamp(1_735_689_700, 0).unwrap_or_default(),
            id: 42,
        };
        assert_eq!(
            search("DB", &q, &["Closed".into(), "Done".into()], Some(before)),
            "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project \
             AND [System.AreaPath] UNDER 'DB' \
             AND ([System.Title] CONTAINS 'orders' OR [System.Description] CONTAINS 'orders') \
             AND ([System.Title] CONTAINS 'it''s' OR [System.Description] CONTAINS 'it''s') \
             AND [System.Tags] CONTAINS 'db' \
             AND [System.State] NOT IN ('Closed', 'Done') \
             AND [System.ChangedDate] >= '2025-01-01T00:00:01.000Z' \
             AND ([System.ChangedDate] < '2025-01-01T00:01:40.000Z' OR ([System.ChangedDate] = '2025-01-01T00:01:40.000Z' AND [System.Id] < 42)) \
             ORDER BY [System.ChangedDate] DESC, [System.Id] DESC"
        );
        let all = search("DB\\Backend", &SearchQuery::default(), &[], None);
        assert!(all.contains("UNDER 'DB\\Backend' ORDER BY"), "{all}");
    }
}
