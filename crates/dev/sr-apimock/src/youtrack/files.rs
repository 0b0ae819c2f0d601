//! Attachments: `POST /api/issues/{id}/attachments?fields=…` takes files
//! as the parts of a `multipart/form-data` body ("Attach Files to an
//! Issue" in JetBrains' REST reference) and answers the list of
//! `IssueAttachment`s it created, each with a signed `url` under
//! `/api/files/`. A part without a filename is not a file and is refused.

use serde_json::{Value, json};

use super::projection::{parse_fields, project};
use super::{YouTrackProject, bad, not_found, page};
use crate::server::{MockRequest, MockResponse};

/// A file attached to an issue.
#[derive(Debug, Clone)]
pub(crate) struct File {
    pub id: String,
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    pub created: i64,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// `(filename, content type, bytes)` of each part of a multipart body.
///
/// Written here rather than with a multipart crate: the mock needs the
/// exact framing checked (boundary, CRLFs, closing delimiter) and an
/// error naming what is wrong, over a whole body already in memory.
pub(crate) fn parts(
    content_type: &str,
    body: &[u8],
) -> Result<Vec<(String, String, Vec<u8>)>, String> {
    let boundary = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| {
            rest.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
        .map(|b| b.trim_matches('"').to_owned())
        .ok_or_else(|| {
            format!("content-type `{content_type}` is not multipart/form-data with a boundary")
        })?;
    let delim = format!("--{boundary}").into_bytes();
    if !body.starts_with(&delim) {
        return Err("the body does not start with the boundary".into());
    }
    let mut next_delim = b"\r\n".to_vec();
    next_delim.extend_from_slice(&delim);
    let mut pos = delim.len();
    let mut out = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(out);
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err("a boundary is not followed by CRLF".into());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("a part has no header end")?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let start = head_end + 4;
        let end = find(body, &next_delim, start).ok_or("the multipart body is not closed")?;
        let mut filename = None;
        let mut mime = "text/plain".to_owned();
        for line in head.lines() {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            if name.eq_ignore_ascii_case("content-disposition") {
                filename = value
                    .split(';')
                    .find_map(|p| p.trim().strip_prefix("filename="))
                    .map(|f| f.trim_matches('"').to_owned());
            } else if name.eq_ignore_ascii_case("content-type") {
                value.trim().clone_into(&mut mime);
            }
        }
        let filename = filename.ok_or("a part has no filename, so it is not a file")?;
        out.push((filename, mime, body[start..end].to_vec()));
        pos = end + next_delim.len();
    }
}

fn file_json(f: &File) -> Value {
    json!({"$type": "IssueAttachment", "id": f.id, "name": f.name, "size": f.bytes.len(),
        "mimeType": f.mime, "created": f.created, "updated": f.created,
        "url": format!("/api/files/{}?sign=c2lnbmVk", f.id),
        "author": {"$type": "User", "login": "root", "name": "root"}})
}

impl YouTrackProject {
    /// The files attached to issue `number`: `(name, content type, bytes)`.
    pub fn attachments(&self, number: u64) -> Vec<(String, String, Vec<u8>)> {
        self.with(|s| {
            s.issues
                .iter()
                .find(|i| i.number == number)
                .map(|i| {
                    i.files
                        .iter()
                        .map(|f| (f.name.clone(), f.mime.clone(), f.bytes.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// `createAttachments` and `getAttachments`.
    pub(super) fn files(&self, req: &MockRequest) -> MockResponse {
        let id = req.param("issueID").to_owned();
        let Some(n) = self.number(&id) else {
            return not_found(&id);
        };
        let projection = req.query("fields").unwrap_or_default();
        let creating = req.method.eq_ignore_ascii_case("POST");
        let new = if creating {
            let ct = req.header("content-type").unwrap_or_default();
            match parts(ct, &req.raw) {
                Ok(p) if p.is_empty() => return bad("No files to attach"),
                Ok(p) => p,
                Err(e) => return bad(format!("Cannot read the attachments: {e}")),
            }
        } else {
            Vec::new()
        };
        let answer = self.with(|s| {
            let now = s.tick();
            let first = s.next_file;
            let issue = s.issues.iter_mut().find(|i| i.number == n)?;
            if !creating {
                return Some(Value::Array(issue.files.iter().map(file_json).collect()));
            }
            let made: Vec<File> = new
                .into_iter()
                .enumerate()
                .map(|(k, (name, mime, bytes))| File {
                    id: format!("77-{}", first + k as u64 + 1),
                    name,
                    mime,
                    bytes,
                    created: now,
                })
                .collect();
            issue.updated = now;
            issue.files.extend(made.iter().cloned());
            s.next_file += made.len() as u64;
            Some(Value::Array(made.iter().map(file_json).collect()))
        });
        match answer {
            None => not_found(&id),
            Some(list) if creating => {
                MockResponse::json(200, &project(&list, &parse_fields(projection)))
            }
            Some(list) => {
                MockResponse::json(200, &project(&page(list, req), &parse_fields(projection)))
            }
        }
    }
}
