//! File attachments: `POST /api/issues/{id}/attachments?fields=…` with the
//! file as one part of a `multipart/form-data` body, as JetBrains' "Attach
//! Files to an Issue" page shows. YouTrack answers the list of the
//! attachments it created; their `url` is relative to the instance.
//!
//! An upload creates an attachment each time it arrives, so it is sent
//! once: a connection broken after sending is an unknown outcome, never
//! retried blindly.

use serde::Deserialize;
use sr_model::{Attachment, AttachmentUpload};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{FilePart, Result, TrackerError};

use crate::{PROVIDER, YouTrackTracker};

/// The `fields` projection of an attachment.
pub const ATTACHMENT_FIELDS: &str = "id,name,size,mimeType,url";

#[derive(Debug, Deserialize)]
struct WireAttachment {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    url: Option<String>,
}

impl YouTrackTracker {
    /// YouTrack's `url` of a file is a path (with a signature). A
    /// self-hosted instance under a path (`https://host/youtrack`) may
    /// answer it with or without that path, so the path is not doubled.
    fn absolute(&self, url: &str) -> String {
        if !url.starts_with('/') {
            return url.to_owned();
        }
        let base = self.http.base_url();
        let prefix = base.path().trim_end_matches('/');
        if !prefix.is_empty() && url.starts_with(&format!("{prefix}/")) {
            format!("{}{url}", base.origin().ascii_serialization())
        } else {
            format!("{}{url}", self.site())
        }
    }

    pub(crate) async fn attach(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let id = self.id(id)?;
        if file.filename.trim().is_empty() {
            return Err(crate::invalid("the file has no name; YouTrack needs one"));
        }
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issues", &id, "attachments"], ATTACHMENT_FIELDS),
            format!("uploading {}", file.filename),
        )
        .file(FilePart {
            field: "upload",
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            bytes: file.bytes.clone(),
        })
        .what(format!("issue {id}"))
        .attempts(1);
        let list: Vec<WireAttachment> = self.http.send(req).await?.json(PROVIDER)?;
        let a = list.into_iter().next().ok_or_else(|| TrackerError::Provider {
            provider: PROVIDER.into(),
            status: 200,
            message: format!(
                "YouTrack answered the upload of {} with no attachment; look at issue {id} before sending it again",
                file.filename
            ),
        })?;
        let url = a.url.map(|u| self.absolute(&u));
        Ok(Attachment {
            id: a.id,
            filename: a.name.unwrap_or_else(|| file.filename.clone()),
            size: a.size.unwrap_or(file.bytes.len() as u64),
            url,
        })
    }
}
