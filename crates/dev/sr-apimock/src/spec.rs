//! An OpenAPI 3.0 description (or a Swagger 2.0 one, read through
//! [`crate::swagger2`]) loaded for matching and validating requests: each
//! incoming request is matched to an operation by method, path template
//! and the query names a template requires, then its path parameters,
//! query parameters, content type and body are checked against the
//! operation's schemas.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::schema::{resolve, validate};

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error(
        "cannot read the API description {path}: {source}; is shared/api-specs beside the checkout?"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the API description {path} is not JSON: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the API description {path} has no `paths` object")]
    NoPaths { path: PathBuf },
}

/// One operation of the description.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: String,
    pub template: String,
    pub operation_id: String,
    segments: Vec<Segment>,
    /// Query names the request must carry to be this operation (Swagger's
    /// `x-ms-paths` key `…/comments?format={format}`).
    required_query: Vec<String>,
    /// The operation object itself.
    pub raw: Value,
    /// Parameters, `$ref`s resolved, path-level ones included.
    pub parameters: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    /// A parameter, after a literal prefix (`${type}`: `$`, `type`).
    Param {
        prefix: String,
        name: String,
    },
}

/// A loaded description.
#[derive(Debug)]
pub struct Spec {
    pub root: Value,
    operations: Vec<Operation>,
}

/// A request matched to its operation.
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    pub operation: &'a Operation,
    pub path_params: BTreeMap<String, String>,
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, SpecError> {
        let text = std::fs::read(path).map_err(|source| SpecError::Read {
            path: path.into(),
            source,
        })?;
        let root: Value =
            serde_json::from_slice(crate::swagger2::strip_bom(&text)).map_err(|source| {
                SpecError::Parse {
                    path: path.into(),
                    source,
                }
            })?;
        let root = if crate::swagger2::is_swagger2(&root) {
            // The recorded examples live beside it: `NAME-examples/`.
            let examples = path.with_extension("");
            let examples = PathBuf::from(format!("{}-examples", examples.display()));
            crate::swagger2::convert(root, examples.is_dir().then_some(examples.as_path()))
        } else {
            root
        };
        Spec::from_value(root).ok_or_else(|| SpecError::NoPaths { path: path.into() })
    }

    pub fn from_value(root: Value) -> Option<Spec> {
        let paths = root.get("paths")?.as_object()?;
        let mut operations = Vec::new();
        for (key, item) in paths {
            let (template, required_query) = match key.split_once('?') {
                Some((t, q)) => (
                    t.to_owned(),
                    q.split('&')
                        .filter_map(|p| p.split('=').next())
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                None => (key.clone(), Vec::new()),
            };
            let template = &template;
            let shared: Vec<Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if !matches!(
                    method.as_str(),
                    "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
                ) {
                    continue;
                }
                let mut parameters: Vec<Value> = Vec::new();
                for p in shared.iter().chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                ) {
                    let mut ignore = Vec::new();
                    if let Some(p) = resolve(&root, p, &mut ignore, "parameter") {
                        parameters.push(p.clone());
                    }
                }
                operations.push(Operation {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    operation_id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or(template)
                        .to_owned(),
                    segments: template
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(segment)
                        .collect(),
                    required_query: required_query.clone(),
                    raw: op.clone(),
                    parameters,
                });
            }
        }
        Some(Spec { root, operations })
    }

    /// The operation for `method` and `path` (already percent-decoded per
    /// segment); the one with the most literal segments wins, so
    /// `/issues/comments` beats `/issues/{issue_number}`.
    pub fn find(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        self.find_with_query(method, path, &[])
    }

    /// [`Spec::find`] for a request with `query`: operations whose
    /// template requires query names the request lacks are left out, and
    /// among equals the one that knows every query name sent wins (Azure
    /// DevOps serves a comment list and a comment batch on one path).
    pub fn find_with_query(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
    ) -> Option<Matched<'_>> {
        let parts: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method) && op.segments.len() == parts.len())
            .filter(|op| {
                op.required_query
                    .iter()
                    .all(|n| query.iter().any(|(k, _)| k == n))
            })
            .filter_map(|op| {
                let mut params = BTreeMap::new();
                let mut literals = 0;
                for (seg, part) in op.segments.iter().zip(&parts) {
                    match seg {
                        Segment::Literal(l) if l == part => literals += 2,
                        Segment::Literal(_) => return None,
                        Segment::Param { prefix, name } => {
                            let value = part.strip_prefix(prefix.as_str())?;
                            if !prefix.is_empty() {
                                literals += 1;
                            }
                            params.insert(name.clone(), value.to_owned());
                        }
                    }
                }
                let knows_query = query.iter().all(|(k, _)| {
                    op.parameters.iter().any(|p| {
                        p.get("in").and_then(Value::as_str) == Some("query")
                            && p.get("name").and_then(Value::as_str) == Some(k)
                    })
                });
                Some((
                    (literals, knows_query, op.required_query.len()),
                    Matched {
                        operation: op,
                        path_params: params,
                    },
                ))
            })
            .max_by_key(|(score, _)| *score)
            .map(|(_, m)| m)
    }

    /// Every violation of the description by this request.
    pub fn check_request(
        &self,
        m: &Matched<'_>,
        query: &[(String, String)],
        content_type: Option<&str>,
        body: &[u8],
    ) -> Vec<String> {
        let op = m.operation;
        let mut errors = Vec::new();
        let at = format!("{} {}", op.method, op.template);
        for p in &op.parameters {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let given: Vec<&String> = match place {
                "path" => m.path_params.get(name).into_iter().collect(),
                "query" => query
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v)
                    .collect(),
                _ => continue,
            };
            if given.is_empty() && required {
                errors.push(format!(
                    "{at}: required {place} parameter `{name}` is missing"
                ));
            }
            for v in given {
                let value = coerce(&self.root, &schema, v);
                validate(
                    &self.root,
                    &schema,
                    &value,
                    &format!("{at}: {place} parameter `{name}`"),
                    &mut errors,
                );
            }
        }
        for (k, _) in query {
            let known = op.parameters.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("name").and_then(Value::as_str) == Some(k)
            });
            if !known {
                errors.push(format!(
                    "{at}: query parameter `{k}` is not in the description"
                ));
            }
        }
        let request_body = op.raw.get("requestBody").and_then(|b| {
            let mut ignore = Vec::new();
            resolve(&self.root, b, &mut ignore, "requestBody").cloned()
        });
        match (request_body, body.is_empty()) {
            (None, true) => {}
            (None, false) => errors.push(format!(
                "{at}: the operation takes no body, but one was sent"
            )),
            (Some(rb), true) => {
                if rb.get("required").and_then(Value::as_bool) == Some(true) {
                    errors.push(format!("{at}: the request body is required"));
                }
            }
            (Some(rb), false) => {
                let given = content_type.map(|c| {
                    c.split(';')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_ascii_lowercase()
                });
                let content = rb.get("content").and_then(Value::as_object);
                let chosen = content.and_then(|c| {
                    c.iter().find(|(media, _)| {
                        given.as_deref() == Some(media.to_ascii_lowercase().as_str())
                    })
                });
                match (chosen, content) {
                    (Some((media, entry)), _) => {
                        let schema = entry.get("schema");
                        if let Some(schema) = schema.filter(|_| media.ends_with("json")) {
                            match serde_json::from_slice::<Value>(body) {
                                Ok(v) => validate(
                                    &self.root,
                                    schema,
                                    &v,
                                    &format!("{at}: body"),
                                    &mut errors,
                                ),
                                Err(e) => errors.push(format!("{at}: the body is not JSON: {e}")),
                            }
                        }
                    }
                    (None, Some(c)) if !c.is_empty() => {
                        let expected: Vec<&str> = c.keys().map(String::as_str).collect();
                        errors.push(format!(
                            "{at}: body sent as {content_type:?}, expected {}",
                            expected.join(" or ")
                        ));
                    }
                    _ => {}
                }
            }
        }
        errors
    }

    /// Every way an answer differs from what the description says the
    /// operation answers with that status (a fake's answers must look like
    /// the real service's).
    pub fn check_response(&self, op: &Operation, status: u16, body: &[u8]) -> Vec<String> {
        let mut errors = Vec::new();
        let at = format!("answer {status} to {} {}", op.method, op.template);
        let Some(responses) = op.raw.get("responses") else {
            return errors;
        };
        let Some(resp) = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
        else {
            if (200..300).contains(&status) {
                errors.push(format!("{at}: the description lists no such status"));
            }
            return errors;
        };
        let Some(resp) = resolve(&self.root, resp, &mut errors, &at) else {
            return errors;
        };
        let Some(schema) = resp.pointer("/content/application~1json/schema") else {
            if !body.is_empty() && (200..300).contains(&status) {
                errors.push(format!(
                    "{at}: the description gives no JSON body, but one was sent"
                ));
            }
            return errors;
        };
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => validate(&self.root, schema, &v, &format!("{at}: body"), &mut errors),
            Err(e) => errors.push(format!("{at}: the body is not JSON: {e}")),
        }
        errors
    }

    /// The first example of the operation's first 2xx JSON answer.
    pub fn example_response(&self, op: &Operation) -> Option<(u16, Value)> {
        let responses = op.raw.get("responses")?.as_object()?;
        let (code, resp) = responses.iter().find(|(c, _)| c.starts_with('2'))?;
        let status = code.parse().ok()?;
        let mut ignore = Vec::new();
        let resp = resolve(&self.root, resp, &mut ignore, "response")?;
        let Some(content) = resp.pointer("/content/application~1json") else {
            return Some((status, Value::Null));
        };
        if let Some(example) = content.get("example") {
            // Jira writes its examples as JSON text.
            let parsed = example
                .as_str()
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
                .filter(|v| !v.is_string());
            return Some((status, parsed.unwrap_or_else(|| example.clone())));
        }
        // GitHub writes both `{"$ref": example}` and `{"value": {"$ref": example}}`.
        let first = content.get("examples")?.as_object()?.values().next()?;
        let first = resolve(&self.root, first, &mut ignore, "example")?;
        let value = resolve(&self.root, first.get("value")?, &mut ignore, "example")?;
        let value = if first.get("value").is_some_and(|v| v.get("$ref").is_some()) {
            value.get("value")?
        } else {
            value
        };
        Some((status, value.clone()))
    }

    /// A named example from `components/examples` (`issue`, `label`).
    pub fn component_example(&self, name: &str) -> Option<Value> {
        self.root
            .pointer(&format!("/components/examples/{name}/value"))
            .cloned()
    }
}

fn segment(s: &str) -> Segment {
    match s
        .strip_suffix('}')
        .and_then(|s| s.split_once('{'))
        .filter(|(prefix, _)| !prefix.contains('}'))
    {
        Some((prefix, name)) => Segment::Param {
            prefix: prefix.to_owned(),
            name: name.to_owned(),
        },
        None => Segment::Literal(s.to_owned()),
    }
}

/// Percent-decodes one path segment or query part.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A parameter's text as the JSON value its schema's type asks for; text
/// that does not parse stays a string, so validation reports it.
fn coerce(root: &Value, schema: &Value, text: &str) -> Value {
    let mut ignore = Vec::new();
    let t = resolve(root, schema, &mut ignore, "")
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str);
    match t {
        Some("integer") => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(text)),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::from(text)),
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::from(text),
        },
        Some("array") => Value::Array(text.split(',').map(Value::from).collect()),
        _ => Value::from(text),
    }
}

pub(crate) fn specs_dir() -> PathBuf {
    std::env::var_os("SR_API_SPECS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../../shared/api-specs"
            ))
        })
}

fn load_once(
    cell: &'static OnceLock<Result<Arc<Spec>, String>>,
    file: &str,
) -> Result<Arc<Spec>, String> {
    cell.get_or_init(|| {
        Spec::load(&specs_dir().join(file))
            .map(Arc::new)
            .map_err(|e| e.to_string())
    })
    .clone()
}

/// The GitHub REST description in `shared/api-specs`, loaded once per
/// test process. `SR_API_SPECS_DIR` overrides where it is looked for.
pub fn github() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Result<Arc<Spec>, String>> = OnceLock::new();
    load_once(&SPEC, "github-rest-api.json")
}

/// The Jira Cloud platform REST v3 description in `shared/api-specs`.
pub fn jira() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Result<Arc<Spec>, String>> = OnceLock::new();
    load_once(&SPEC, "jira-cloud-platform-v3.json")
}

/// Microsoft's Azure DevOps Work Item Tracking 7.1 description (Swagger
/// 2.0) in `shared/api-specs`, with the recorded examples beside it.
pub fn azure_devops() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Result<Arc<Spec>, String>> = OnceLock::new();
    load_once(&SPEC, "azure-devops-wit-7.1.json")
}

/// Jira Data Center's REST v2, as far as the adapter uses it: written by
/// hand from Atlassian's Data Center REST reference (there is no published
/// description); see the module `jira::dc_spec` for what it checks.
pub fn jira_data_center() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Result<Arc<Spec>, String>> = OnceLock::new();
    SPEC.get_or_init(|| {
        Spec::from_value(crate::jira::dc_spec::description())
            .map(Arc::new)
            .ok_or_else(|| "the Data Center description has no paths".to_owned())
    })
    .clone()
}

/// YouTrack's REST API, as far as the adapter uses it: written by hand
/// from JetBrains' REST reference (see `youtrack::spec` and SOURCES.md).
pub fn youtrack() -> Result<Arc<Spec>, String> {
    static SPEC: OnceLock<Result<Arc<Spec>, String>> = OnceLock::new();
    SPEC.get_or_init(|| {
        Spec::from_value(crate::youtrack::spec::description())
            .map(Arc::new)
            .ok_or_else(|| "the YouTrack description has no paths".to_owned())
    })
    .clone()
}
