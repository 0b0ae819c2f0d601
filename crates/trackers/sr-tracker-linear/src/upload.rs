//! File attachments as Linear's "How to upload a file to Linear" guide
//! describes them, in three steps:
//!
//! 1. `fileUpload(contentType, filename, size)` hands out a pre-signed
//!    `uploadUrl` on Linear's cloud storage, the `assetUrl` the file will
//!    have, and headers the upload must carry;
//! 2. the bytes go there in one `PUT` with those headers, `Content-Type`
//!    and `Cache-Control`. That request goes through a client without
//!    Linear's credentials: the signed URL is the authorization, and the
//!    API key must never reach the storage host;
//! 3. `attachmentCreate` links the asset to the issue.
//!
//! Each step may be sent again: asking for another upload URL leaves the
//! first unused, a PUT of the same bytes to the same signed URL stores the
//! same object, and Linear's `attachmentCreate` updates the attachment an
//! issue already has for the same `url` instead of adding a second.

use serde::Deserialize;
use serde_json::json;
use sr_model::{Attachment, AttachmentUpload};
use sr_tracker::reqwest::header::{HeaderName, HeaderValue};
use sr_tracker::reqwest::{Method, Url};
use sr_tracker::{ApiRequest, Result, TrackerError};

use crate::read::Call;
use crate::{LinearTracker, PROVIDER};

const FILE_UPLOAD: &str = "mutation FileUpload($contentType: String!, $filename: String!, $size: Int!) { fileUpload(contentType: $contentType, filename: $filename, size: $size) { success uploadFile { uploadUrl assetUrl headers { key value } } } }";

const ATTACHMENT_CREATE: &str = "mutation AttachmentCreate($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success attachment { id url title } } }";

/// What Linear's guide sends with every upload: the asset is stored for
/// a year in caches (its URL never changes content).
const CACHE_CONTROL: &str = "public, max-age=31536000";

#[derive(Deserialize)]
struct UploadData {
    #[serde(rename = "fileUpload")]
    upload: UploadPayload,
}

#[derive(Deserialize)]
struct UploadPayload {
    #[serde(rename = "uploadFile")]
    file: Option<UploadFile>,
}

#[derive(Deserialize)]
struct UploadFile {
    #[serde(rename = "uploadUrl")]
    upload_url: String,
    #[serde(rename = "assetUrl")]
    asset_url: String,
    headers: Vec<UploadHeader>,
}

#[derive(Deserialize)]
struct UploadHeader {
    key: String,
    value: String,
}

#[derive(Deserialize)]
struct AttachmentData {
    #[serde(rename = "attachmentCreate")]
    created: AttachmentPayload,
}

#[derive(Deserialize)]
struct AttachmentPayload {
    attachment: WireAttachment,
}

#[derive(Deserialize)]
struct WireAttachment {
    id: String,
}

fn provider_error(message: String) -> TrackerError {
    TrackerError::Provider {
        provider: PROVIDER.into(),
        status: 200,
        message,
    }
}

impl LinearTracker {
    pub(crate) async fn attach(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let name = file.filename.trim();
        if name.is_empty() {
            return Err(TrackerError::invalid(
                PROVIDER,
                "the file has no name; Linear needs one",
            ));
        }
        // Linear's `size` is a GraphQL Int: 32 bits.
        let size = i32::try_from(file.bytes.len()).map_err(|_| {
            TrackerError::invalid(
                PROVIDER,
                format!(
                    "{name} is {} bytes; Linear takes files up to 2 GiB through its API",
                    file.bytes.len()
                ),
            )
        })?;
        let issue = self.existing(id).await?;
        let what = format!("issue {}", issue.identifier);
        let content_type = match file.content_type.trim() {
            "" => "application/octet-stream",
            given => given,
        };
        let data: UploadData = self
            .gql(
                FILE_UPLOAD,
                json!({"contentType": content_type, "filename": name, "size": size}),
                Call::Write,
                "prepare a file upload",
                &what,
            )
            .await?;
        let target = data.upload.file.ok_or_else(|| {
            provider_error(format!(
                "Linear could not prepare the upload of {name} (fileUpload answered no upload URL); try again later"
            ))
        })?;
        self.put(&target, content_type, &file.bytes, name).await?;
        let mut input = json!({"issueId": issue.id, "title": name, "url": target.asset_url});
        if !file.description.trim().is_empty() {
            input["subtitle"] = json!(file.description.trim());
        }
        let linked: AttachmentData = self
            .gql(
                ATTACHMENT_CREATE,
                json!({"input": input}),
                Call::Write,
                "attach a file",
                &what,
            )
            .await?;
        Ok(Attachment {
            id: linked.created.attachment.id,
            filename: name.to_owned(),
            size: file.bytes.len() as u64,
            url: Some(target.asset_url),
        })
    }

    /// The bytes to the signed URL, with the headers Linear gave.
    async fn put(
        &self,
        target: &UploadFile,
        content_type: &str,
        bytes: &[u8],
        name: &str,
    ) -> Result<()> {
        let url = Url::parse(&target.upload_url).map_err(|e| {
            provider_error(format!(
                "Linear's upload URL for {name} is not a URL ({e}); try again"
            ))
        })?;
        let mut req = ApiRequest::new(Method::PUT, url, format!("uploading {name}"))
            .bytes(content_type, bytes.to_vec())
            .what(format!("Linear's file storage ({name})"))
            .idempotent(true);
        req.headers
            .insert("cache-control", HeaderValue::from_static(CACHE_CONTROL));
        for h in &target.headers {
            let header = HeaderName::from_bytes(h.key.as_bytes())
                .ok()
                .zip(HeaderValue::from_str(&h.value).ok());
            let Some((k, v)) = header else {
                return Err(provider_error(format!(
                    "Linear asked for upload header `{}`, which is not a valid HTTP header",
                    h.key
                )));
            };
            // The content type is the one declared to fileUpload, sent
            // with the body; a copy from the list would be a second one.
            if k != "content-type" {
                req.headers.insert(k, v);
            }
        }
        self.storage.send(req).await?;
        Ok(())
    }
}
