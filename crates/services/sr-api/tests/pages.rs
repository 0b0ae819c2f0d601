//! Lists page by cursor without repeating or skipping a row, filter the
//! issue cache, and refuse a cursor they did not give out.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use serde_json::Value;
use sr_engine::TokenScope;
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};

use crate::common::{Api, problem};

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

fn issue(id: u32, labels: &[&str], assignee: Option<&str>, open: bool) -> Issue {
    Issue {
        reference: IssueRef {
            key: IssueKey::new("github", "github.com/acme/db", id.to_string()),
            display_key: format!("#{id}"),
            url: format!("https://github.com/acme/db/issues/{id}"),
            title: format!("orders table issue {id}"),
            status: if open {
                IssueStatus::open()
            } else {
                IssueStatus::closed(None)
            },
            priority: None,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            assignee: assignee.map(str::to_owned),
            created_at: at(i64::from(id)),
            updated_at: at(i64::from(id)),
        },
        body: if id == 3 {
            "drop the index".into()
        } else {
            String::new()
        },
        issue_type: None,
        project: None,
    }
}

/// Follows `next_cursor` from `path` to the end; every page's keys.
async fn walk(api: &Api, token: &str, path: &str, field: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}cursor={c}"),
            None => path.to_owned(),
        };
        let r = api.get(&url, token).await;
        assert_eq!(r.status(), 200, "{url}");
        let body: Value = r.json().await.unwrap();
        pages.push(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i[field].as_str().unwrap().to_owned())
                .collect(),
        );
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn cached_issues_page_and_filter() {
    let api = Api::start(1000).await;
    let token = api.token("reader", TokenScope::Read).await;
    let store = api.engine.store();
    store
        .upsert_issue(&issue(1, &["db"], Some("ana"), true))
        .await
        .unwrap();
    store
        .upsert_issue(&issue(2, &["db", "perf"], None, true))
        .await
        .unwrap();
    store
        .upsert_issue(&issue(3, &["perf"], Some("ana"), false))
        .await
        .unwrap();
    store
        .upsert_issue(&issue(4, &[], None, true))
        .await
        .unwrap();
    store
        .upsert_issue(&issue(5, &["db"], Some("bo"), true))
        .await
        .unwrap();

    let pages = walk(&api, &token, "/api/v1/issues?limit=2", "display_key").await;
    assert_eq!(pages, [vec!["#1", "#2"], vec!["#3", "#4"], vec!["#5"]]);
    let check = |query: &'static str, expected: &'static [&'static str]| {
        let api = &api;
        let token = &token;
        async move {
            let flat: Vec<String> = walk(
                api,
                token,
                &format!("/api/v1/issues?{query}"),
                "display_key",
            )
            .await
            .concat();
            assert_eq!(flat, expected, "{query}");
        }
    };
    check("label=db", &["#1", "#2", "#5"]).await;
    check("label=perf&state=open", &["#2"]).await;
    check("state=done", &["#3"]).await;
    check("assignee=ana", &["#1", "#3"]).await;
    check("text=INDEX", &["#3"]).await;
    check(
        "tracker=github:github.com/acme/db&label=db&assignee=bo",
        &["#5"],
    )
    .await;
    check("tracker=gitlab", &[]).await;

    let bad = problem(api.get("/api/v1/issues?cursor=not-ours", &token).await, 400).await;
    assert!(bad["detail"].as_str().unwrap().contains("next_cursor"));
    problem(api.get("/api/v1/issues?limit=0", &token).await, 400).await;
    problem(api.get("/api/v1/issues?state=sideways", &token).await, 400).await;
}

#[tokio::test]
async fn links_page_by_object_and_by_issue() {
    let api = Api::start(1000).await;
    let token = api.token("reader", TokenScope::Read).await;
    let store = api.engine.store();
    let orders = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders");
    for id in 1..=3 {
        store
            .link(&sr_store::NewLink {
                object: &orders,
                issue: &issue(id, &[], None, true),
                link_type: LinkType::Manual,
                created_by: "ana",
                sync_direction: SyncDirection::Bidirectional,
            })
            .await
            .unwrap();
    }
    let pages = walk(
        &api,
        &token,
        "/api/v1/links/by-object?object=shop:table:public.orders&limit=2",
        "issue_key",
    )
    .await;
    let flat = pages.concat();
    assert_eq!(pages[0].len(), 2);
    let mut sorted = flat.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 3, "every link once: {flat:?}");
    let by_issue = walk(
        &api,
        &token,
        "/api/v1/links/by-issue?issue=github:github.com/acme/db:2",
        "object_key",
    )
    .await;
    assert_eq!(by_issue, [vec!["shop:table:public.orders"]]);
    problem(
        api.get("/api/v1/links/by-object?object=orders", &token)
            .await,
        400,
    )
    .await;
}
