//! File attachments: the file goes as one part of a multipart/form-data
//! body to `/api/issues/{id}/attachments`, arrives byte for byte, and an
//! upload whose answer is lost is reported, never sent twice.

use sr_model::AttachmentUpload;
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

fn plan() -> AttachmentUpload {
    AttachmentUpload {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        description: "EXPLAIN output".into(),
        // Bytes that would break a careless multipart writer or reader:
        // CRLFs, a dash run like a boundary, a NUL.
        bytes: b"Seq Scan on orders\r\n--\r\n\0end".to_vec(),
    }
}

#[tokio::test]
async fn a_file_arrives_whole_and_links_back() {
    let f = fixture().await;
    let id = f.project.seed("Slow orders query", &[]);
    let a = f.tracker.attach_file(&id, &plan()).await.expect("attached");
    assert_eq!((a.filename.as_str(), a.size), ("plan.txt", 28));
    let url = a.url.expect("a url");
    assert!(
        url.starts_with(&format!("{}/api/files/", f.server.base_url())),
        "{url}"
    );
    assert_eq!(
        f.project.attachments(1),
        [("plan.txt".to_owned(), "text/plain".to_owned(), plan().bytes)]
    );
    // A bare number is this project's issue.
    f.tracker.attach_file("1", &plan()).await.expect("again");
    assert_eq!(f.project.attachments(1).len(), 2);
    assert_eq!(f.server.count("createAttachments"), 2);
}

#[tokio::test]
async fn a_missing_issue_is_not_found() {
    let f = fixture().await;
    let e = f
        .tracker
        .attach_file("DB-404", &plan())
        .await
        .expect_err("no issue");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("DB-404"), "{e}");
}

#[tokio::test]
async fn a_lost_answer_is_an_unknown_outcome_not_a_second_upload() {
    let f = fixture().await;
    let id = f.project.seed("Slow orders query", &[]);
    f.server.push_break_after_answer("createAttachments");
    let e = f
        .tracker
        .attach_file(&id, &plan())
        .await
        .expect_err("answer lost");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(f.server.count("createAttachments"), 1);
    assert_eq!(f.project.attachments(1).len(), 1);
}
