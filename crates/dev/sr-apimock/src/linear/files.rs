//! Linear's file uploads as its guide "How to upload a file to Linear"
//! describes them: `fileUpload` hands out a pre-signed `uploadUrl`, the
//! `assetUrl` and headers the upload must carry; the client `PUT`s the
//! bytes to the signed URL (here `/uploads/{key}` on the same loopback
//! port, standing in for the storage host); `attachmentCreate` links a
//! URL to an issue, updating the attachment the issue already has for the
//! same URL rather than adding a second.
//!
//! The storage answers as a signed-URL store does: a PUT whose signature,
//! declared headers, content type or length differ from what was signed
//! is refused with 403 and an XML error.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::resolve::GqlError;
use super::store::State;
use crate::server::{MockRequest, MockResponse};

/// An upload `fileUpload` prepared; `bytes` once the PUT arrived.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub key: String,
    pub signature: String,
    pub content_type: String,
    pub size: u64,
    pub headers: Vec<(String, String)>,
    pub bytes: Option<Vec<u8>>,
}

/// An issue's attachment.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub id: String,
    pub issue: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub url: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

fn text<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    m.get(name).and_then(Value::as_str)
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Upload {
    pub fn asset_url(&self, base: &str) -> String {
        format!("{base}/assets/{}", self.key)
    }
}

/// `fileUpload(contentType, filename, size)`.
pub(crate) fn file_upload(s: &mut State, args: &Map<String, Value>) -> Result<Value, GqlError> {
    let filename = text(args, "filename").unwrap_or_default().trim().to_owned();
    let content_type = text(args, "contentType").unwrap_or_default().to_owned();
    let size = args.get("size").and_then(Value::as_i64).unwrap_or(-1);
    if filename.is_empty() || content_type.is_empty() {
        return Err(GqlError::invalid(
            "filename and contentType must not be empty",
        ));
    }
    let Ok(size) = u64::try_from(size) else {
        return Err(GqlError::invalid("size must not be negative"));
    };
    let id = s.id("upload");
    let key = id.replace('-', "");
    let upload = Upload {
        signature: format!("{:x}", key.len() as u64 * 7919 + size),
        key,
        headers: vec![
            (
                "x-goog-content-length-range".into(),
                format!("{size},{size}"),
            ),
            (
                "content-disposition".into(),
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        content_type: content_type.clone(),
        size,
        bytes: None,
    };
    let base = s.base_url.clone();
    let headers: Vec<Value> = upload
        .headers
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    let answer = json!({"success": true, "lastSyncId": 1.0, "uploadFile": {
        "uploadUrl": format!("{base}/uploads/{}?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature={}",
            upload.key, upload.signature),
        "assetUrl": upload.asset_url(&base),
        "contentType": content_type, "filename": filename, "size": size,
        "headers": headers, "metaData": {}}});
    s.uploads.push(upload);
    Ok(answer)
}

/// `attachmentCreate(input)`.
pub(crate) fn attachment_create(
    s: &mut State,
    input: &Map<String, Value>,
) -> Result<Value, GqlError> {
    let issue = text(input, "issueId").unwrap_or_default();
    let Some(n) = s.find_issue(issue) else {
        return Err(GqlError::not_found("Issue"));
    };
    let title = text(input, "title").unwrap_or_default().to_owned();
    let url = text(input, "url").unwrap_or_default().to_owned();
    if title.trim().is_empty() || url.trim().is_empty() {
        return Err(GqlError::invalid("title and url must not be empty"));
    }
    let subtitle = text(input, "subtitle").map(str::to_owned);
    let now = s.tick();
    let issue_id = s.issues[n].id.clone();
    s.issues[n].updated = now;
    let pos = s
        .attachments
        .iter()
        .position(|a| a.issue == issue_id && a.url == url);
    let pos = match pos {
        Some(p) => {
            let a = &mut s.attachments[p];
            a.title = title;
            a.subtitle = subtitle;
            a.updated = now;
            p
        }
        None => {
            let id = s.id("attachment");
            s.attachments.push(Attachment {
                id,
                issue: issue_id,
                title,
                subtitle,
                url,
                created: now,
                updated: now,
            });
            s.attachments.len() - 1
        }
    };
    let a = &s.attachments[pos];
    Ok(json!({"success": true, "lastSyncId": 1.0, "attachment": {
        "id": a.id, "title": a.title, "subtitle": a.subtitle, "url": a.url,
        "createdAt": ts(a.created), "updatedAt": ts(a.updated),
        "metadata": {}, "groupBySource": false, "issue": {"id": a.issue}}}))
}

/// The storage's XML refusal, as a signed-URL store words it.
fn refused(code: &str, message: &str) -> MockResponse {
    refused_with(403, code, message)
}

fn refused_with(status: u16, code: &str, message: &str) -> MockResponse {
    let mut r =
        MockResponse::empty(status).header("content-type", "application/xml; charset=UTF-8");
    r.body = format!(
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    .into_bytes();
    r
}

/// `PUT /uploads/{key}?…&X-Goog-Signature=…` with the file's bytes.
pub(crate) fn put(s: &mut State, req: &MockRequest) -> MockResponse {
    let key = req.path.trim_start_matches("/uploads/");
    let Some(u) = s.uploads.iter_mut().find(|u| u.key == key) else {
        return refused("NoSuchUpload", "No upload was prepared for this URL.");
    };
    if req.query("X-Goog-Signature") != Some(u.signature.as_str()) {
        return refused(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    for (k, v) in &u.headers {
        if req.header(k) != Some(v.as_str()) {
            return refused(
                "SignatureDoesNotMatch",
                &format!("The signed header {k} is missing or differs."),
            );
        }
    }
    if req.header("content-type") != Some(u.content_type.as_str()) {
        return refused(
            "SignatureDoesNotMatch",
            "The content type differs from the one the upload was prepared for.",
        );
    }
    if req.raw.len() as u64 != u.size {
        return refused_with(
            400,
            "EntityTooLarge",
            "Your proposed upload differs from the length allowed by the signed URL.",
        );
    }
    u.bytes = Some(req.raw.clone());
    MockResponse::empty(200)
}
