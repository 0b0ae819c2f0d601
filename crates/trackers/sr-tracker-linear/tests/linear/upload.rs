//! File attachments the way Linear takes them: `fileUpload` hands out a
//! signed URL, the bytes are PUT there (without Linear's credentials: the
//! fixture's drop fails on any request Linear or its storage would refuse,
//! an `Authorization` header on the PUT included), and `attachmentCreate`
//! links the asset. Each step runs again after a failed or lost answer
//! without a second attachment.

use serde_json::json;
use sr_apimock::MockResponse;
use sr_apimock::linear::UPLOAD;
use sr_model::AttachmentUpload;
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

fn plan() -> AttachmentUpload {
    AttachmentUpload {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        description: "EXPLAIN output".into(),
        bytes: b"Seq Scan on orders\r\n\0end".to_vec(),
    }
}

#[tokio::test]
async fn a_file_is_uploaded_to_the_signed_url_and_linked() {
    let f = fixture().await;
    let id = f.ws.seed("Slow orders query", &[]);
    let a = f.tracker.attach_file(&id, &plan()).await.expect("attached");
    assert_eq!((a.filename.as_str(), a.size), ("plan.txt", 24));
    let url = a.url.expect("the asset URL");
    assert_eq!(f.ws.asset(&url), Some(plan().bytes), "stored bytes");
    assert_eq!(
        f.ws.attachments(&id),
        [(
            "plan.txt".to_owned(),
            Some("EXPLAIN output".to_owned()),
            url.clone()
        )]
    );
    assert_eq!(
        (
            f.server.count("fileUpload"),
            f.server.count(UPLOAD),
            f.server.count("attachmentCreate")
        ),
        (1, 1, 1)
    );
    // The PUT went to the signed URL, signature and all.
    let put = f
        .server
        .requests()
        .into_iter()
        .find(|r| r.operation_id.as_deref() == Some(UPLOAD))
        .expect("the PUT");
    assert_eq!(put.method, "PUT");
    assert!(
        put.query.iter().any(|(k, _)| k == "X-Goog-Signature"),
        "{put:?}"
    );
}

#[tokio::test]
async fn failures_at_every_step_leave_one_attachment() {
    let f = fixture().await;
    let id = f.ws.seed("Slow orders query", &[]);
    f.server
        .push_fault("fileUpload", MockResponse::json(503, &json!({})));
    // Storage answers a PUT with an empty body, which leaves no answer to
    // cut: its failure is a 503 instead.
    f.server
        .push_fault(UPLOAD, MockResponse::json(503, &json!({})));
    f.server.push_break_after_answer("attachmentCreate");
    let a = f.tracker.attach_file(&id, &plan()).await.expect("attached");
    let url = a.url.expect("the asset URL");
    assert_eq!(f.ws.asset(&url), Some(plan().bytes));
    assert_eq!(f.ws.attachments(&id).len(), 1, "one attachment");
    assert_eq!(
        (
            f.server.count("fileUpload"),
            f.server.count(UPLOAD),
            f.server.count("attachmentCreate")
        ),
        (2, 2, 2)
    );
    // Attaching the same file again is a new upload, so a new asset.
    f.tracker.attach_file(&id, &plan()).await.expect("again");
    assert_eq!(f.ws.attachments(&id).len(), 2);
}

#[tokio::test]
async fn a_missing_issue_is_not_found_before_anything_is_uploaded() {
    let f = fixture().await;
    let e = f
        .tracker
        .attach_file("DB-404", &plan())
        .await
        .expect_err("no issue");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("DB-404"), "{e}");
    assert_eq!(f.ws.uploads_prepared(), 0);
}

#[tokio::test]
async fn a_refused_upload_names_the_storage_and_links_nothing() {
    let f = fixture().await;
    let id = f.ws.seed("Slow orders query", &[]);
    let mut expired = MockResponse::json(403, &json!({}));
    expired.body = b"<Error><Code>ExpiredToken</Code></Error>".to_vec();
    f.server.push_fault(UPLOAD, expired);
    let e = f
        .tracker
        .attach_file(&id, &plan())
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(e.to_string().contains("file storage"), "{e}");
    assert!(f.ws.attachments(&id).is_empty());
}
