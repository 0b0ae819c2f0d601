//! Pagination by RFC 8288 `Link` headers, as GitHub (and GitLab's keyset
//! pagination) send them: `<https://…?page=2>; rel="next", <…>; rel="last"`,
//! and by GitLab's `x-next-page` page numbers.

use reqwest::header::{HeaderMap, LINK};

/// The URL of the relation `rel` (`next`, `last`, …) in every `Link` header
/// of a response, if there is one.
pub fn link_relation(headers: &HeaderMap, rel: &str) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(split_links)
        .find(|(_, rels)| rels.split_whitespace().any(|r| r.eq_ignore_ascii_case(rel)))
        .map(|(url, _)| url)
}

/// The `next` page's URL.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    link_relation(headers, "next")
}

/// GitLab's offset pagination: the `x-next-page` header holds the next
/// page's number, empty on the last page.
pub fn next_page_number(headers: &HeaderMap) -> Option<u32> {
    headers
        .get("x-next-page")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Splits one header value into `(url, rel)` pairs. Commas inside `<…>` do
/// not split (GitHub's search URLs carry them in `q`).
fn split_links(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let url = rest[start + 1..start + end].to_owned();
        let after = &rest[start + end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let rel = params
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("rel="))
            .map(|r| {
                r.trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .to_owned()
            })
            .next()
            .unwrap_or_default();
        out.push((url, rel));
        rest = &after[params_end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn check(values: &[&str], rel: &str, expected: Option<&str>) {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(LINK, HeaderValue::from_str(v).expect("header value"));
        }
        assert_eq!(
            link_relation(&headers, rel).as_deref(),
            expected,
            "{values:?} rel={rel}"
        );
    }

    #[test]
    fn link_headers() {
        let gh = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        check(
            &[gh],
            "next",
            Some("https://api.github.com/repositories/1/issues?page=2"),
        );
        check(
            &[gh],
            "last",
            Some("https://api.github.com/repositories/1/issues?page=5"),
        );
        check(&[gh], "prev", None);
        check(&[], "next", None);
        // A comma inside the URL does not split it.
        check(
            &[r#"<https://h/search/issues?q=a,b&page=2>; rel="next""#],
            "next",
            Some("https://h/search/issues?q=a,b&page=2"),
        );
        // Unquoted rel, several rels, several headers.
        check(
            &[
                "<https://h/p1>; rel=prev",
                "<https://h/p3>; rel=\"next last\"",
            ],
            "next",
            Some("https://h/p3"),
        );
        check(
            &["<https://h/p3>; rel=\"next last\""],
            "last",
            Some("https://h/p3"),
        );
        check(&["garbage"], "next", None);
    }

    #[test]
    fn gitlab_next_page() {
        let page = |v: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(v) = v {
                h.insert("x-next-page", HeaderValue::from_str(v).expect("value"));
            }
            next_page_number(&h)
        };
        assert_eq!(page(Some("3")), Some(3));
        assert_eq!(page(Some("")), None);
        assert_eq!(page(None), None);
    }
}
