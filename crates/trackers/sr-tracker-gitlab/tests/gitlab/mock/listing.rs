//! The issue list with GitLab's filters, offset pagination headers, and
//! the JSON shapes of users and labels.

use axum::http::Uri;
use axum::response::Response;
use serde_json::{Value, json};

use super::check::{Rules, any, boolean, datetime, issue_state, order_by, page, per_page, sort};
use super::{Gitlab, query_pairs, reply};

impl Gitlab {
    pub(super) fn list(&mut self, uri: &Uri) -> Response {
        let rules: Rules<'_> = &[
            ("state", issue_state),
            ("labels", any),
            ("search", any),
            ("in", any),
            ("updated_after", datetime),
            ("updated_before", datetime),
            ("created_after", datetime),
            ("order_by", order_by),
            ("sort", sort),
            ("per_page", per_page),
            ("page", page),
            ("iids[]", page),
            ("with_labels_details", boolean),
        ];
        if let Some(r) = self.check_query(uri, rules) {
            return r;
        }
        let q = query_pairs(uri);
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut out: Vec<Value> = self
            .issues
            .iter()
            .filter(|i| !i.is_null())
            .filter(|i| match get("state").as_deref() {
                Some("opened") => i["state"] == "opened",
                Some("closed") => i["state"] == "closed",
                _ => true,
            })
            .filter(|i| {
                get("labels").is_none_or(|ls| {
                    ls.split(',').all(|l| {
                        i["labels"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == l))
                    })
                })
            })
            .filter(|i| {
                get("search").is_none_or(|s| {
                    let s = s.to_lowercase();
                    let has =
                        |k: &str| i[k].as_str().is_some_and(|t| t.to_lowercase().contains(&s));
                    has("title") || has("description")
                })
            })
            .filter(|i| {
                let after = get("updated_after")
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
                let at = i["updated_at"]
                    .as_str()
                    .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok());
                after.is_none_or(|t| at.is_some_and(|u| u >= t))
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
        paged(uri, out)
    }
}

/// One page of `items` with GitLab's offset pagination headers.
pub(super) fn paged(uri: &Uri, items: Vec<Value>) -> Response {
    let q = query_pairs(uri);
    let get = |k: &str, d: usize| {
        q.iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(d)
    };
    let (page, per) = (get("page", 1), get("per_page", 20));
    let total = items.len();
    let pages = total.div_ceil(per).max(1);
    let chunk: Vec<Value> = items.into_iter().skip((page - 1) * per).take(per).collect();
    let mut r = reply(200, Value::Array(chunk));
    let h = r.headers_mut();
    let next = if page < pages {
        (page + 1).to_string()
    } else {
        String::new()
    };
    h.insert("x-page", page.to_string().parse().expect("h"));
    h.insert("x-per-page", per.to_string().parse().expect("h"));
    h.insert("x-total", total.to_string().parse().expect("h"));
    h.insert("x-total-pages", pages.to_string().parse().expect("h"));
    h.insert("x-next-page", next.parse().expect("h"));
    r
}

pub(super) fn split_labels(v: Option<&Value>) -> Value {
    let s = v.and_then(Value::as_str).unwrap_or("");
    Value::Array(
        s.split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Value::from)
            .collect(),
    )
}

pub(super) fn assignees(ids: &Value) -> Value {
    let names = ["", "root", "alice", "alicia"];
    Value::Array(
        ids.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .filter(|i| (1..=3).contains(i))
            .map(|i| user_json(i, names[i as usize]))
            .collect(),
    )
}

pub(super) fn user_json(id: u64, username: &str) -> Value {
    json!({"id": id, "username": username, "name": username.to_uppercase(), "state": "active",
           "web_url": format!("http://gitlab.test/{username}")})
}
