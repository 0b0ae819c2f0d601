//! The fault-run half of the contract, one harness for every adapter:
//! with the provider's faults switched on (its own rate-limit answer,
//! 5xx, resets, bodies cut short), read the whole tracker into a copy,
//! file issues as the outbox does, let the provider change some, read
//! what changed, then read everything again. The copy must then equal the
//! tracker issue for issue, and no issue may exist twice.
//!
//! The adapter brings its fault plan (how faults are switched and
//! counted, what changes on the provider's side) and the copy being kept:
//! [`CursorMirror`] reads through the adapter alone; a test that syncs
//! into a real store brings its own [`Mirror`].
//!
//! Beside it, the steps each adapter's fault tests share: a connection
//! test's diagnosis ([`diagnose`]), a base URL nothing listens on
//! ([`refused_base_url`]) and a read that waits out a rate limit
//! ([`check_waited_read`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sr_model::{Issue, IssueDraft, SearchQuery, StateFilter, Timestamp};

use super::{ContractFailure, ensure, fail};
use crate::{ErrorKind, IssueTracker};

/// How often a create, a search or a sync is tried before the run gives
/// up: with a quarter of requests failing, thirty in a row do not.
const TRIES: usize = 30;
/// A sync is many requests (pages, windows), so more of them fail whole.
const SYNC_TRIES: usize = 60;

/// A copy of the tracker kept up to date by syncs.
#[async_trait(?Send)]
pub trait Mirror {
    /// One sync: `full` reads everything, otherwise what changed since the
    /// last completed one. `true` when it completed.
    async fn sync(&mut self, t: &dyn IssueTracker, full: bool) -> bool;

    /// What the copy holds: issue key (as `IssueKey` prints) to
    /// [`Issue::content_hash`].
    async fn contents(&self, t: &dyn IssueTracker) -> BTreeMap<String, String>;
}

/// A copy kept as a poller keeps it: reads of what changed since the
/// newest change seen; a failed read leaves the cursor where it was.
#[derive(Debug, Default)]
pub struct CursorMirror {
    cache: BTreeMap<String, String>,
    cursor: Option<Timestamp>,
}

#[async_trait(?Send)]
impl Mirror for CursorMirror {
    async fn sync(&mut self, t: &dyn IssueTracker, full: bool) -> bool {
        let q = SearchQuery {
            limit: 0,
            state: StateFilter::All,
            updated_since: if full { None } else { self.cursor },
            ..SearchQuery::default()
        };
        let Ok(list) = t.search_issues(&q).await else {
            return false;
        };
        for i in &list {
            self.cache.insert(i.key().to_string(), i.content_hash());
            self.cursor = self.cursor.max(Some(i.reference.updated_at));
        }
        true
    }

    async fn contents(&self, _: &dyn IssueTracker) -> BTreeMap<String, String> {
        self.cache.clone()
    }
}

/// What one adapter's fault run does beyond the common steps.
pub struct FaultPlan<'a> {
    /// Issues the provider holds before the run (seeded by the test).
    pub seeded: usize,
    /// Issues filed during the run, titled `filed N`.
    pub filed: usize,
    /// Switches the provider's faults on (`true`) or off.
    pub switch: &'a dyn Fn(bool),
    /// How many faults of each kind were served so far.
    pub counts: &'a dyn Fn() -> Vec<u64>,
    /// Changes made on the provider's side after the filing.
    pub edit: &'a dyn Fn(),
}

/// What a run that held saw: every issue on the tracker at the end, and
/// the faults of each kind served.
#[derive(Debug)]
pub struct FaultRun {
    pub issues: Vec<Issue>,
    pub faults: Vec<u64>,
}

/// Runs the fault run on `t`, keeping `mirror`; see the module doc.
pub async fn fault_run(
    t: &dyn IssueTracker,
    mirror: &mut dyn Mirror,
    plan: FaultPlan<'_>,
) -> Result<FaultRun, ContractFailure> {
    (plan.switch)(true);
    sync_until_done(t, mirror, true).await?;
    for n in 0..plan.filed {
        create_once(
            t,
            &IssueDraft::new(format!("filed {n}"), "Filed by the *fault* run."),
        )
        .await?;
    }
    (plan.edit)();
    sync_until_done(t, mirror, false).await?;
    sync_until_done(t, mirror, true).await?;
    let faults = (plan.counts)();
    (plan.switch)(false);
    ensure(faults.iter().all(|n| *n > 0), "faults", || {
        format!("not every fault happened: {faults:?}")
    })?;

    let everything = SearchQuery {
        limit: 0,
        state: StateFilter::All,
        ..SearchQuery::default()
    };
    let issues = t
        .search_issues(&everything)
        .await
        .map_err(|e| fail("exact copy", e.to_string()))?;
    let on_server: BTreeMap<String, String> = issues
        .iter()
        .map(|i| (i.key().to_string(), i.content_hash()))
        .collect();
    let want = plan.seeded + plan.filed;
    ensure(on_server.len() == want, "no duplicates", || {
        format!(
            "{} issues on the tracker, want {} seeded and {} filed, each once",
            on_server.len(),
            plan.seeded,
            plan.filed
        )
    })?;
    let copy = mirror.contents(t).await;
    ensure(copy == on_server, "exact copy", || {
        let differ: Vec<&String> = on_server
            .iter()
            .filter(|(k, h)| copy.get(*k) != Some(h))
            .map(|(k, _)| k)
            .chain(copy.keys().filter(|k| !on_server.contains_key(*k)))
            .collect();
        format!("the copy differs from the tracker at {differ:?} (faults {faults:?})")
    })?;
    let mut titles: Vec<&str> = issues.iter().map(|i| i.reference.title.as_str()).collect();
    titles.sort_unstable();
    titles.dedup();
    ensure(titles.len() == want, "no duplicates", || {
        format!("{} distinct titles among {want} issues", titles.len())
    })?;
    Ok(FaultRun { issues, faults })
}

/// Syncs until one completes, as the scheduler retries a failed sync.
async fn sync_until_done(
    t: &dyn IssueTracker,
    mirror: &mut dyn Mirror,
    full: bool,
) -> Result<(), ContractFailure> {
    for _ in 0..SYNC_TRIES {
        if mirror.sync(t, full).await {
            return Ok(());
        }
    }
    Err(fail(
        "sync",
        format!("no sync completed in {SYNC_TRIES} tries"),
    ))
}

/// What the outbox does with a create: on any failure, look for the issue
/// by its title before trying again. Only an answered search settles that
/// it is not there: a failed one is asked again, never taken for "not
/// there", or an issue whose answer was lost would be filed twice.
pub async fn create_once(t: &dyn IssueTracker, draft: &IssueDraft) -> Result<(), ContractFailure> {
    let title = draft.title.as_str();
    for _ in 0..TRIES {
        let Err(created) = t.create_issue(draft).await else {
            return Ok(());
        };
        if is_there(t, title)
            .await
            .map_err(|e| fail("create", format!("after `{created}`: {e}")))?
        {
            return Ok(());
        }
    }
    Err(fail("create", format!("`{title}` was never created")))
}

/// Whether an issue titled `title` exists, searched until a search is
/// answered.
async fn is_there(t: &dyn IssueTracker, title: &str) -> Result<bool, String> {
    let mut last = String::new();
    for _ in 0..TRIES {
        match t.search_issues(&SearchQuery::text(title)).await {
            Ok(list) => return Ok(list.iter().any(|i| i.reference.title == title)),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "no search for `{title}` was answered in {TRIES} tries, last: {last}"
    ))
}

/// The kind and text of the error `t`'s connection test fails with.
pub async fn diagnose(t: &dyn IssueTracker) -> Result<(ErrorKind, String), ContractFailure> {
    match t.test_connection().await {
        Ok(report) => Err(fail(
            "diagnose",
            format!("the connection test passed: {:?}", report.checks),
        )),
        Err(e) => Ok((e.kind(), e.to_string())),
    }
}

/// A loopback base URL nothing listens on: a port bound, then let go.
pub fn refused_base_url() -> Result<String, ContractFailure> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| fail("refused", e.to_string()))?
        .port();
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Reads issue `id`, titled `title`, while the provider's next answer is
/// a rate limit asking for `wait`: the read succeeds, and not before the
/// wait is over (less a tenth, for clock granularity).
pub async fn check_waited_read(
    t: &dyn IssueTracker,
    id: &str,
    title: &str,
    wait: Duration,
) -> Result<(), ContractFailure> {
    const STEP: &str = "rate limit";
    let started = Instant::now();
    let got = t
        .get_issue(id)
        .await
        .map_err(|e| fail(STEP, format!("not retried: {e}")))?
        .ok_or_else(|| fail(STEP, format!("{id} not found")))?;
    ensure(got.reference.title == title, STEP, || {
        format!("read {:?}, want {title:?}", got.reference.title)
    })?;
    let waited = started.elapsed();
    ensure(waited >= wait - wait / 10, STEP, || {
        format!("retried after {waited:?}, before the {wait:?} asked for")
    })
}
