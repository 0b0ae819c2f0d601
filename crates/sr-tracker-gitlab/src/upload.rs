//! File uploads: `POST /projects/:id/uploads` as `multipart/form-data`
//! with one `file` part, then a note on the issue that links the file
//! (GitLab attaches files to issues only through Markdown links).
//!
//! An upload creates something, so it is sent once: a broken connection
//! after sending is reported as an unknown outcome, never retried blindly.

use sr_model::{Attachment, AttachmentUpload};
use sr_tracker::classify::{FailurePhase, status_error, transport_error};
use sr_tracker::reqwest::header::CONTENT_TYPE;
use sr_tracker::{Result, TrackerError};

use crate::wire::WireUpload;
use crate::{GitLabTracker, PROVIDER, explain};

/// The multipart body for `file`, and its boundary.
pub(crate) fn multipart_body(file: &AttachmentUpload) -> (String, Vec<u8>) {
    let boundary = format!("scratchrobin-{:016x}", fastrand::u64(..));
    // Quotes and line breaks would end the header early.
    let name: String = file
        .filename
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\r' | '\n' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let content_type = if file.content_type.trim().is_empty() {
        "application/octet-stream"
    } else {
        file.content_type.trim()
    };
    let mut body = Vec::with_capacity(file.bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

impl GitLabTracker {
    pub(crate) async fn upload(&self, file: &AttachmentUpload) -> Result<WireUpload> {
        let url = self.project_url(&["uploads"]);
        let (boundary, body) = multipart_body(file);
        let what = format!("uploads of {}", self.project_what());
        let resp = self
            .uploads
            .post(url.clone())
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                let (error, phase) = transport_error(&e, url.as_str(), self.request_timeout);
                return Err(match phase {
                    FailurePhase::Connect => error,
                    FailurePhase::AfterSend => TrackerError::UnknownOutcome {
                        provider: PROVIDER.into(),
                        operation: format!("uploading {}", file.filename),
                    },
                });
            }
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|_| TrackerError::UnknownOutcome {
                provider: PROVIDER.into(),
                operation: format!("uploading {}", file.filename),
            })?;
        if !status.is_success() {
            return Err(explain(status_error(
                PROVIDER, &what, status, &headers, &bytes,
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| TrackerError::Provider {
            provider: PROVIDER.into(),
            status: status.as_u16(),
            message: format!("the upload answer is not the JSON expected ({e})"),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_has_one_file_part() {
        let file = AttachmentUpload {
            filename: "plan \"v2\".sql".into(),
            content_type: String::new(),
            description: String::new(),
            bytes: b"select 1;".to_vec(),
        };
        let (boundary, body) = multipart_body(&file);
        let text = String::from_utf8(body).expect("utf8");
        assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
        assert!(
            text.contains("name=\"file\"; filename=\"plan _v2_.sql\""),
            "{text}"
        );
        assert!(text.contains("Content-Type: application/octet-stream\r\n\r\nselect 1;\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
