//! File uploads: `POST /projects/:id/uploads` as `multipart/form-data`
//! with one `file` part, then a note on the issue that links the file
//! (GitLab attaches files to issues only through Markdown links).
//!
//! An upload creates something, so it is sent once: a broken connection
//! after sending is reported as an unknown outcome, never retried blindly.

use sr_model::{Attachment, AttachmentUpload};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{FilePart, Result, TrackerError};

use crate::wire::WireUpload;
use crate::{GitLabTracker, PROVIDER};

impl GitLabTracker {
    /// Sent once (`attempts(1)`): an upload whose answer was lost is
    /// reported as an unknown outcome, never sent again blindly.
    pub(crate) async fn upload(&self, file: &AttachmentUpload) -> Result<WireUpload> {
        let req = ApiRequest::new(
            Method::POST,
            self.project_url(&["uploads"]),
            format!("uploading {}", file.filename),
        )
        .file(FilePart {
            field: "file",
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            bytes: file.bytes.clone(),
        })
        .what(format!("uploads of {}", self.project_what()))
        .attempts(1);
        self.send(req).await?.json(PROVIDER)
    }

    /// Uploads the file and links it from a note on the issue.
    pub(crate) async fn attach(&self, iid: u64, file: &AttachmentUpload) -> Result<Attachment> {
        // The issue must exist before anything is uploaded.
        if self.wire_issue(iid).await?.is_none() {
            return Err(TrackerError::not_found(PROVIDER, self.issue_what(iid)));
        }
        let up = self.upload(file).await?;
        let text = if file.description.trim().is_empty() {
            up.markdown.clone()
        } else {
            format!("{}\n\n{}", file.description.trim(), up.markdown)
        };
        self.note(iid, &text).await?;
        let web = self.info.web_url.clone().unwrap_or_default();
        let url = match &up.full_path {
            Some(p) if p.starts_with('/') => {
                let site = web
                    .strip_suffix(&format!("/{}", self.project))
                    .unwrap_or(&web);
                format!("{site}{p}")
            }
            _ => format!("{web}{}", up.url),
        };
        Ok(Attachment {
            id: up
                .id
                .map(|i| i.to_string())
                .unwrap_or_else(|| up.url.clone()),
            filename: file.filename.clone(),
            size: file.bytes.len() as u64,
            url: Some(url),
        })
    }
}
