//! The traceability figures from plain inputs, as they stood at one
//! moment (`as_of`): what existed later (a link made, an issue closed) is
//! left out, so the same history gives the report of today and each point
//! of the weekly series alike. Pure: no store, no clock.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sr_model::Timestamp;

use super::{ChangeShares, ResolveStats, ResolveTimes, Share, TimeStats, Traceability};

/// Where a schema change was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeSource {
    Drift,
    Migration,
    MergedPr,
}

/// One schema change.
#[derive(Debug, Clone)]
pub(crate) struct ChangeIn {
    pub source: ChangeSource,
    /// `schema` and `name` of the object changed; `None` for a change of
    /// the whole database.
    pub object: Option<(String, String)>,
    pub at: Timestamp,
    /// Issues the change names itself (a pull request's), with when each
    /// was created.
    pub issues: Vec<(String, Timestamp)>,
}

/// One link of an object to an issue.
#[derive(Debug, Clone)]
pub(crate) struct LinkIn {
    pub schema: String,
    pub name: String,
    pub issue: String,
    pub issue_created: Timestamp,
    pub linked_at: Timestamp,
}

/// What kind of alert an auto-issue was filed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlertKind {
    Drift,
    Regression,
    Health,
}

/// One issue an auto-issue rule filed.
#[derive(Debug, Clone)]
pub(crate) struct AlertIssueIn {
    pub kind: AlertKind,
    pub schema: Option<String>,
    pub filed: Timestamp,
    /// When it was closed, if it is.
    pub closed: Option<Timestamp>,
}

/// Everything about one connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inputs {
    /// Objects per schema, from the live schema; `None` when unknown.
    pub objects: Option<BTreeMap<String, BTreeSet<String>>>,
    pub changes: Vec<ChangeIn>,
    pub links: Vec<LinkIn>,
    pub alerts: Vec<AlertIssueIn>,
    /// Keys of issues auto-issue rules filed: reports of a change, never
    /// the issue that asked for one.
    pub auto_issue_keys: HashSet<String>,
}

impl Inputs {
    /// Every schema any input names, sorted.
    pub fn schemas(&self) -> Vec<String> {
        let mut all: BTreeSet<String> = BTreeSet::new();
        if let Some(objects) = &self.objects {
            all.extend(objects.keys().cloned());
        }
        all.extend(
            self.changes
                .iter()
                .filter_map(|c| c.object.as_ref().map(|o| o.0.clone())),
        );
        all.extend(self.links.iter().map(|l| l.schema.clone()));
        all.extend(self.alerts.iter().filter_map(|a| a.schema.clone()));
        all.into_iter().collect()
    }
}

/// The figures for `schema` (all of the connection when `None`) as of
/// `as_of`.
pub(crate) fn figures(inputs: &Inputs, schema: Option<&str>, as_of: Timestamp) -> Traceability {
    let in_schema = |s: &str| schema.is_none_or(|want| want == s);
    // Links made by then, by object.
    let mut links: BTreeMap<(&str, &str), Vec<&LinkIn>> = BTreeMap::new();
    for l in inputs.links.iter().filter(|l| l.linked_at <= as_of) {
        links
            .entry((l.schema.as_str(), l.name.as_str()))
            .or_default()
            .push(l);
    }

    let objects = inputs.objects.as_ref().map(|by_schema| {
        let mut share = Share::default();
        for (s, names) in by_schema.iter().filter(|(s, _)| in_schema(s)) {
            for n in names {
                share.add(links.contains_key(&(s.as_str(), n.as_str())));
            }
        }
        share.finish()
    });

    let mut changes = ChangeShares::default();
    let mut lead: Vec<f64> = Vec::new();
    for c in inputs.changes.iter().filter(|c| c.at <= as_of) {
        let object = c.object.as_ref().map(|(s, n)| (s.as_str(), n.as_str()));
        // A change of the whole database belongs to no schema.
        if schema.is_some() && !object.is_some_and(|(s, _)| in_schema(s)) {
            continue;
        }
        let object_links: &[&LinkIn] = object
            .and_then(|o| links.get(&o))
            .map_or(&[], Vec::as_slice);
        let linked = !c.issues.is_empty() || !object_links.is_empty();
        changes.total.add(linked);
        match c.source {
            ChangeSource::Drift => changes.drift.add(linked),
            ChangeSource::Migration => changes.migrations.add(linked),
            ChangeSource::MergedPr => changes.merged_prs.add(linked),
        }
        if c.source != ChangeSource::Drift
            && let Some(created) = request_issue_created(c, object_links, &inputs.auto_issue_keys)
        {
            lead.push(hours(c.at - created));
        }
    }
    changes.finish();

    let mut resolve = ResolveTimes::default();
    for a in inputs.alerts.iter().filter(|a| a.filed <= as_of) {
        if schema.is_some() && !a.schema.as_deref().is_some_and(in_schema) {
            continue;
        }
        let stats = match a.kind {
            AlertKind::Drift => &mut resolve.drift,
            AlertKind::Regression => &mut resolve.regression,
            AlertKind::Health => &mut resolve.health,
        };
        stats.add(a.filed, a.closed.filter(|c| *c <= as_of));
    }
    resolve.finish();

    Traceability {
        objects,
        schema_changes: changes,
        issue_to_migration: TimeStats::of(&lead),
        resolve,
    }
}

/// When the issue that asked for migration `c` was created: the earliest
/// issue the change names itself (a pull request says which issue it
/// does); otherwise the newest issue linked to its object before it came,
/// other than an auto-issue (older issues of the object are likely about
/// earlier changes). `None` when there is none.
fn request_issue_created(
    c: &ChangeIn,
    object_links: &[&LinkIn],
    auto_issue_keys: &HashSet<String>,
) -> Option<Timestamp> {
    if !c.issues.is_empty() {
        return c
            .issues
            .iter()
            .map(|(_, t)| *t)
            .filter(|t| *t <= c.at)
            .min();
    }
    object_links
        .iter()
        .filter(|l| !auto_issue_keys.contains(&l.issue) && l.issue_created <= c.at)
        .map(|l| l.issue_created)
        .max()
}

fn hours(d: chrono::TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 3_600_000.0
}

impl Share {
    fn add(&mut self, linked: bool) {
        self.total += 1;
        self.linked += u64::from(linked);
    }

    fn finish(mut self) -> Share {
        self.share = ratio(self.linked, self.total);
        self
    }
}

impl ChangeShares {
    fn finish(&mut self) {
        for s in [
            &mut self.total,
            &mut self.drift,
            &mut self.migrations,
            &mut self.merged_prs,
        ] {
            *s = s.clone().finish();
        }
    }
}

impl ResolveStats {
    fn add(&mut self, filed: Timestamp, closed: Option<Timestamp>) {
        self.filed += 1;
        match closed {
            Some(c) => {
                self.resolved += 1;
                self.resolved_hours.push(hours(c - filed));
            }
            None => self.open += 1,
        }
    }
}

impl ResolveTimes {
    fn finish(&mut self) {
        for s in [&mut self.drift, &mut self.regression, &mut self.health] {
            s.mean_hours = mean(&s.resolved_hours);
        }
    }
}

impl TimeStats {
    fn of(values: &[f64]) -> TimeStats {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = match sorted.len() {
            0 => None,
            n if n % 2 == 1 => Some(sorted[n / 2]),
            n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
        };
        TimeStats {
            count: values.len() as u64,
            mean_hours: mean(values),
            median_hours: median,
        }
    }
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn at(day: u32, hour: u32) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn link(name: &str, issue: &str, created: Timestamp) -> LinkIn {
        LinkIn {
            schema: "public".into(),
            name: name.into(),
            issue: issue.into(),
            issue_created: created,
            linked_at: created,
        }
    }

    fn migration(name: &str, at: Timestamp) -> ChangeIn {
        ChangeIn {
            source: ChangeSource::Migration,
            object: Some(("public".into(), name.into())),
            at,
            issues: Vec::new(),
        }
    }

    #[test]
    fn a_migration_counts_from_the_newest_request_before_it() {
        let inputs = Inputs {
            links: vec![
                link("orders", "old", at(1, 0)),
                link("orders", "req", at(3, 0)),
                link("orders", "auto", at(3, 12)),
                link("orders", "later", at(9, 0)),
            ],
            changes: vec![migration("orders", at(4, 0))],
            auto_issue_keys: HashSet::from(["auto".to_owned()]),
            ..Inputs::default()
        };
        let f = figures(&inputs, None, at(20, 0));
        // From `req` (day 3, 00:00) to the migration (day 4, 00:00): 24 h;
        // the auto-issue and the issue made after it do not count.
        assert_eq!(f.issue_to_migration.count, 1);
        assert_eq!(f.issue_to_migration.mean_hours, Some(24.0));
        assert_eq!(f.schema_changes.migrations.share, Some(1.0));
    }

    #[test]
    fn what_came_after_as_of_is_left_out() {
        let inputs = Inputs {
            objects: Some(BTreeMap::from([(
                "public".to_owned(),
                BTreeSet::from(["orders".to_owned(), "items".to_owned()]),
            )])),
            links: vec![link("orders", "req", at(5, 0))],
            changes: vec![migration("items", at(2, 0)), migration("orders", at(6, 0))],
            alerts: vec![AlertIssueIn {
                kind: AlertKind::Health,
                schema: None,
                filed: at(2, 0),
                closed: Some(at(4, 0)),
            }],
            ..Inputs::default()
        };
        let early = figures(&inputs, None, at(3, 0));
        assert_eq!(early.objects.as_ref().map(|o| o.linked), Some(0));
        assert_eq!(early.schema_changes.total.total, 1);
        assert_eq!(early.resolve.health.open, 1);
        assert_eq!(early.resolve.health.mean_hours, None);
        let late = figures(&inputs, None, at(7, 0));
        assert_eq!(late.objects.map(|o| o.share), Some(Some(0.5)));
        assert_eq!(late.schema_changes.total.share, Some(0.5));
        assert_eq!(late.resolve.health.mean_hours, Some(48.0));
        // The health alert names no schema: only in the connection's row.
        let public = figures(&inputs, Some("public"), at(7, 0));
        assert_eq!(public.resolve.health.filed, 0);
    }
}
