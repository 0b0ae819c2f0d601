//! Reading work items: one by id, many by WIQL. WIQL answers ids only and
//! at most 20,000 of them, so a read that may be longer goes in windows:
//! each asks for the newest `cap` ids older than the last window's oldest
//! work item (its `System.ChangedDate`, then its id among equal dates), and
//! the work items themselves come in batches of at most 200. A work item
//! changed while the windows run moves to the front, ahead of the windows
//! still to come, and is read again by the next incremental read; one
//! deleted between the query and the batch is left out (`errorPolicy:
//! omit`).

use serde_json::json;
use sr_model::{Issue, SearchQuery};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerError};

use crate::wiql::{self, Before};
use crate::wire::{List, WiqlResult, WireItem, WireType};
use crate::{API_VERSION, AzureTracker, BATCH, PROVIDER};

impl AzureTracker {
    pub(crate) fn issue(&self, w: &WireItem) -> Issue {
        w.to_issue(&self.info, &crate::wire::site_of(&self.info), &self.map)
    }

    /// Every area and iteration path of the project (`DB`, `DB\Backend`,
    /// `DB\Sprint 1`), from the classification tree.
    pub(crate) async fn classification_paths(&self) -> Result<Vec<String>> {
        let mut url = self.api(&["classificationnodes"], API_VERSION);
        url.query_pairs_mut().append_pair("$depth", "10");
        let req = ApiRequest::new(Method::GET, url, "list areas and iterations")
            .what(format!("areas and iterations of project {}", self.project));
        let list: List<serde_json::Value> = self.http.send(req).await?.json(PROVIDER)?;
        let mut out = Vec::new();
        let mut stack: Vec<serde_json::Value> = list.value;
        while let Some(node) = stack.pop() {
            // `\DB\Area\Backend` is the area path `DB\Backend`.
            if let Some(p) = node.get("path").and_then(serde_json::Value::as_str) {
                let mut parts: Vec<&str> = p.trim_start_matches('\\').split('\\').collect();
                if parts.len() >= 2 {
                    parts.remove(1);
                }
                let path = parts.join("\\");
                if !out.contains(&path) {
                    out.push(path);
                }
            }
            if let Some(children) = node.get("children").and_then(serde_json::Value::as_array) {
                stack.extend(children.iter().cloned());
            }
        }
        out.sort();
        Ok(out)
    }

    /// One work item, or a not-found error naming it.
    pub(crate) async fn read_item(&self, id: u64) -> Result<WireItem> {
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["workitems", &id.to_string()], API_VERSION),
            "read work item",
        )
        .what(Self::what(id));
        self.http.send(req).await?.json(PROVIDER)
    }

    /// The project's work item types and their states, read once.
    pub async fn work_item_types(&self) -> Result<&[WireType]> {
        let types = self
            .types
            .get_or_try_init(|| async {
                let req = ApiRequest::new(
                    Method::GET,
                    self.api(&["workitemtypes"], API_VERSION),
                    "list work item types",
                )
                .what(format!("project {}", self.project));
                let list: List<WireType> = self.http.send(req).await?.json(PROVIDER)?;
                Ok::<_, TrackerError>(list.value)
            })
            .await?;
        Ok(types.as_slice())
    }

    /// Every state name that counts as done, over the project's types.
    async fn closed_states(&self) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for t in self.work_item_types().await? {
            for s in &t.states {
                if self.map.state_of(&t.name, &s.name) == sr_model::IssueState::Done
                    && !out.iter().any(|o| o.eq_ignore_ascii_case(&s.name))
                {
                    out.push(s.name.clone());
                }
            }
        }
        Ok(out)
    }

    /// The area searches stay under: the configured one, else the project.
    fn area(&self) -> &str {
        self.area_path.as_deref().unwrap_or(&self.project)
    }

    /// Ids matching `query`, newest first, at most `top`.
    async fn wiql(&self, query: String, top: usize) -> Result<Vec<u64>> {
        let mut url = self.http.endpoint(&[
            &self.organization,
            &self.project,
            &self.team,
            "_apis",
            "wit",
            "wiql",
        ]);
        url.query_pairs_mut()
            .append_pair("timePrecision", "true")
            .append_pair("$top", &top.to_string())
            .append_pair("api-version", API_VERSION);
        let req = ApiRequest::new(Method::POST, url, "run a WIQL query")
            .what(format!("project {} (team {})", self.project, self.team))
            // A query changes nothing.
            .idempotent(true)
            .json(json!({ "query": query }));
        let result: WiqlResult = self.http.send(req).await?.json(PROVIDER)?;
        Ok(result.work_items.into_iter().map(|r| r.id).collect())
    }

    /// The work items of `ids`, in that order, in batches of 200; ids
    /// deleted meanwhile are left out.
    pub(crate) async fn batch(&self, ids: &[u64]) -> Result<Vec<WireItem>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            let req = ApiRequest::new(
                Method::POST,
                self.api(&["workitemsbatch"], API_VERSION),
                "read work items",
            )
            .what(format!("work items of project {}", self.project))
            .idempotent(true)
            .json(json!({ "ids": chunk, "errorPolicy": "omit" }));
            let list: List<Option<WireItem>> = self.http.send(req).await?.json(PROVIDER)?;
            out.extend(list.value.into_iter().flatten());
        }
        Ok(out)
    }

    /// A search, newest first, windowed past the WIQL cap.
    pub(crate) async fn search(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if query.limit == 0 {
            usize::MAX
        } else {
            query.limit
        };
        let closed = match query.state {
            sr_model::StateFilter::All => Vec::new(),
            _ => self.closed_states().await?,
        };
        let mut out: Vec<Issue> = Vec::new();
        let mut before: Option<Before> = None;
        loop {
            let top = self.wiql_cap.min(limit - out.len());
            let text = wiql::search(self.area(), query, &closed, before);
            let ids = self.wiql(text, top).await?;
            let full = ids.len() >= top;
            let items = self.batch(&ids).await?;
            // The next window starts below the oldest of this one, as the
            // batch read it (in WIQL's order; deleted ones are left out).
            let last = items
                .last()
                .and_then(|w| w.changed().map(|changed| Before { changed, id: w.id }));
            for w in &items {
                if !out.iter().any(|i| i.reference.key.id == w.id.to_string()) {
                    out.push(self.issue(w));
                }
            }
            match last {
                Some(b) if full && out.len() < limit && before != Some(b) => before = Some(b),
                _ => {
                    out.truncate(limit);
                    return Ok(out);
                }
            }
        }
    }
}
