//! A pull request's files, read through the validating mock: every page,
//! with the diffs the engine parses for SQL.

use sr_tracker::IssueTracker;

use crate::common::fixture;

#[tokio::test]
async fn reads_every_file_of_a_pull_request_with_its_diff() {
    let f = fixture().await;
    let n = f.repo.seed("Orders: add a note", &[], true);
    let many: Vec<String> = (0..130).map(|i| format!("docs/{i}.md")).collect();
    let mut files: Vec<(&str, &str, Option<&str>)> = vec![(
        "migrations/0042.sql",
        "added",
        Some("@@ -0,0 +1 @@\n+ALTER TABLE public.orders ADD COLUMN note text;"),
    )];
    files.extend(many.iter().map(|p| (p.as_str(), "modified", None)));
    assert!(f.repo.set_pull_files(n, &files));
    let got = f.tracker.pull_files(n).await.expect("files");
    assert_eq!(got.len(), 131, "both pages");
    assert_eq!(got[0].path, "migrations/0042.sql");
    assert_eq!(
        got[0].added_text(),
        "ALTER TABLE public.orders ADD COLUMN note text;\n"
    );
    assert_eq!(got[1].patch, None);
    let pages = f
        .server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/files"))
        .count();
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn a_missing_pull_request_is_named() {
    let f = fixture().await;
    let err = f.tracker.pull_files(77).await.expect_err("no such pull");
    assert!(
        err.to_string().contains("pull request #77 of acme/db"),
        "{err}"
    );
}
