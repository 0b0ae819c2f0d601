//! Pagination with `Link` headers and the search query syntax, as GitHub
//! does them.

use serde_json::Value;

use crate::server::{MockRequest, MockResponse};

/// One page of `items` by the request's `page` and `per_page`, with the
/// `Link` header GitHub sends.
pub(super) fn page(
    req: &MockRequest,
    items: Vec<Value>,
    wrap: impl Fn(Vec<Value>, usize) -> Value,
) -> MockResponse {
    page_of(req, items, |v| v.clone(), wrap)
}

/// Like [`page`], rendering only the items on the page (a list of ten
/// thousand issues costs one page of JSON per request).
pub(super) fn page_of<T>(
    req: &MockRequest,
    items: Vec<T>,
    render: impl Fn(&T) -> Value,
    wrap: impl Fn(Vec<Value>, usize) -> Value,
) -> MockResponse {
    let per_page: usize = req
        .query("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page: usize = req
        .query("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let chunk: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|i| render(&i))
        .collect();
    let body = wrap(chunk, total);
    let etag = format!("W/\"{:016x}\"", fnv(&body.to_string()));
    let mut resp = if req.header("if-none-match") == Some(etag.as_str()) {
        MockResponse::empty(304)
    } else {
        MockResponse::json(200, &body)
    };
    resp = resp.header("etag", etag);
    let link = |p: usize, rel: &str| {
        let mut q: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        q.push(format!("page={p}"));
        format!(
            "<{}{}?{}>; rel=\"{rel}\"",
            req.base_url,
            req.path,
            q.join("&")
        )
    };
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    if !links.is_empty() {
        resp = resp.header("link", links.join(", "));
    }
    resp
}

pub(super) fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Splits a search `q` into `key:value` qualifiers and plain words;
/// quotes group (`label:"needs review"`).
pub(super) fn parse_q(q: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut filters = Vec::new();
    let mut words = Vec::new();
    for t in tokens {
        match t.split_once(':') {
            Some((k, v))
                if ["repo", "is", "state", "label", "updated", "in", "type"].contains(&k) =>
            {
                filters.push((k.to_owned(), v.to_owned()))
            }
            _ => words.push(t),
        }
    }
    (filters, words)
}

pub(super) fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}
