//! GraphQL checking with apollo-compiler: the schema (SDL) parsed and
//! validated once, each request's document parsed and validated against
//! it (unknown fields, wrong argument types, missing required arguments,
//! undefined variables, fragments on wrong types — everything the
//! specification's validation section lists), then its variables coerced
//! to the types the operation declares. What passes is [`Checked`]: the
//! operation's root fields with their arguments as JSON, and a projection
//! that shapes a full JSON object to a field's selection set, so that the
//! store can answer with whole objects and the client gets exactly what it
//! asked for.

use std::sync::{Arc, OnceLock};

use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Node, Schema, ast};
use serde_json::{Map, Value};

/// A schema every request is validated against.
#[derive(Debug)]
pub struct GraphqlSchema {
    schema: Valid<Schema>,
}

impl GraphqlSchema {
    /// Parses and validates SDL; the errors are apollo-compiler's.
    pub fn parse(sdl: &str, name: &str) -> Result<GraphqlSchema, String> {
        Schema::parse_and_validate(sdl, name)
            .map(|schema| GraphqlSchema { schema })
            .map_err(|e| format!("the schema {name} is invalid: {}", e.errors))
    }

    /// Linear's published schema in `shared/api-specs`, loaded once per
    /// test process (`SR_API_SPECS_DIR` overrides where it is looked for).
    pub fn linear() -> Result<Arc<GraphqlSchema>, String> {
        static SCHEMA: OnceLock<Result<Arc<GraphqlSchema>, String>> = OnceLock::new();
        SCHEMA
            .get_or_init(|| {
                let path = crate::spec::specs_dir().join("linear-schema.graphql");
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "cannot read the GraphQL schema {}: {e}; is shared/api-specs beside the checkout?",
                        path.display()
                    )
                })?;
                GraphqlSchema::parse(&text, "linear-schema.graphql").map(Arc::new)
            })
            .clone()
    }

    /// Checks a request body `{"query", "variables", "operationName"}`:
    /// the document against the schema, then the variables against the
    /// operation's declarations. Every problem is one message.
    pub fn check(&self, body: &Value) -> Result<Checked, Vec<String>> {
        let Some(query) = body.get("query").and_then(Value::as_str) else {
            return Err(vec!["the body has no `query` string".into()]);
        };
        let variables = match body.get("variables") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(other) => return Err(vec![format!("`variables` is not an object: {other}")]),
        };
        let operation_name = body
            .get("operationName")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let doc = ExecutableDocument::parse_and_validate(&self.schema, query, "request.graphql")
            .map_err(|e| e.errors.iter().map(|d| d.to_string()).collect::<Vec<_>>())?;
        let operation = doc
            .operations
            .get(operation_name.as_deref())
            .map_err(|e| vec![e.message().to_string()])?
            .clone();
        let given: apollo_compiler::response::JsonMap = variables
            .iter()
            .map(|(k, v)| (k.as_str().into(), v.clone().into()))
            .collect();
        let coerced =
            apollo_compiler::request::coerce_variable_values(&self.schema, &operation, &given)
                .map_err(|e| vec![format!("variables: {}", e.message())])?;
        let variables = serde_json::to_value(coerced.into_inner())
            .ok()
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default();
        Ok(Checked {
            mutation: operation.operation_type == ast::OperationType::Mutation,
            root: operation.selection_set.clone(),
            doc,
            variables,
        })
    }
}

/// A request that passed validation.
#[derive(Debug)]
pub struct Checked {
    pub mutation: bool,
    root: SelectionSet,
    doc: Valid<ExecutableDocument>,
    /// The variables, coerced to their declared types (defaults filled in).
    pub variables: Map<String, Value>,
}

/// One root field of the operation.
#[derive(Debug, Clone)]
pub struct RootField {
    /// Where its value goes in `data` (the alias, else the name).
    pub key: String,
    pub name: String,
    /// Its arguments with variables substituted.
    pub args: Map<String, Value>,
    selection: SelectionSet,
}

impl Checked {
    /// The operation's root fields, in order (`__typename` left out).
    pub fn root_fields(&self) -> Vec<RootField> {
        let mut out = Vec::new();
        self.collect_roots(&self.root, &mut out);
        out
    }

    fn collect_roots(&self, set: &SelectionSet, out: &mut Vec<RootField>) {
        for s in &set.selections {
            match s {
                Selection::Field(f) if f.name != "__typename" => out.push(RootField {
                    key: f.response_key().to_string(),
                    name: f.name.to_string(),
                    args: f
                        .arguments
                        .iter()
                        .map(|a| (a.name.to_string(), self.value(&a.value)))
                        .collect(),
                    selection: f.selection_set.clone(),
                }),
                Selection::Field(_) => {}
                Selection::InlineFragment(i) => self.collect_roots(&i.selection_set, out),
                Selection::FragmentSpread(s) => {
                    if let Some(frag) = self.doc.fragments.get(&s.fragment_name) {
                        self.collect_roots(&frag.selection_set, out);
                    }
                }
            }
        }
    }

    /// An argument's value as JSON, variables substituted.
    fn value(&self, v: &Node<ast::Value>) -> Value {
        match v.as_ref() {
            ast::Value::Null => Value::Null,
            ast::Value::Enum(n) => Value::from(n.as_str()),
            ast::Value::Variable(n) => self.variables.get(n.as_str()).cloned().unwrap_or_default(),
            ast::Value::String(s) => Value::from(s.as_str()),
            ast::Value::Float(f) => f.try_to_f64().map(Value::from).unwrap_or_default(),
            ast::Value::Int(i) => i
                .as_str()
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_default(),
            ast::Value::Boolean(b) => Value::from(*b),
            ast::Value::List(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            ast::Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), self.value(v)))
                    .collect(),
            ),
        }
    }

    /// `full` (a whole object, or a list of them, as the store keeps it)
    /// shaped to the root field's selection set.
    pub fn project(&self, field: &RootField, full: &Value) -> Value {
        self.shape(&field.selection, full)
    }

    fn shape(&self, set: &SelectionSet, full: &Value) -> Value {
        match full {
            Value::Array(items) => Value::Array(items.iter().map(|i| self.shape(set, i)).collect()),
            Value::Object(obj) if !set.selections.is_empty() => {
                let mut out = Map::new();
                self.shape_into(set, obj, &mut out);
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn shape_into(
        &self,
        set: &SelectionSet,
        obj: &Map<String, Value>,
        out: &mut Map<String, Value>,
    ) {
        for s in &set.selections {
            match s {
                Selection::Field(f) => {
                    let value = if f.name == "__typename" {
                        Value::from(set.ty.as_str())
                    } else {
                        obj.get(f.name.as_str())
                            .map(|v| self.shape(&f.selection_set, v))
                            .unwrap_or_default()
                    };
                    out.insert(f.response_key().to_string(), value);
                }
                Selection::InlineFragment(i) => self.shape_into(&i.selection_set, obj, out),
                Selection::FragmentSpread(s) => {
                    let name: &Name = &s.fragment_name;
                    if let Some(frag) = self.doc.fragments.get(name) {
                        self.shape_into(&frag.selection_set, obj, out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> GraphqlSchema {
        GraphqlSchema::parse(
            "type Query { issue(id: String!): Issue! issues(first: Int): [Issue!]! }
             type Issue { id: ID! title: String! priority: Float! team: Team! }
             type Team { key: String! name: String! }",
            "t.graphql",
        )
        .expect("schema")
    }

    #[test]
    fn documents_and_variables_are_validated() {
        let s = schema();
        let ok = s
            .check(&json!({"query": "query Q($id: String!) { one: issue(id: $id) { title team { key } __typename } }", "variables": {"id": "DB-1"}}))
            .expect("valid");
        let roots = ok.root_fields();
        assert_eq!(
            (roots[0].key.as_str(), roots[0].name.as_str()),
            ("one", "issue")
        );
        assert_eq!(roots[0].args["id"], json!("DB-1"));
        let full =
            json!({"id": "1", "title": "T", "priority": 2, "team": {"key": "DB", "name": "Db"}});
        assert_eq!(
            ok.project(&roots[0], &full),
            json!({"title": "T", "team": {"key": "DB"}, "__typename": "Issue"})
        );
        let unknown = s
            .check(&json!({"query": "{ issue(id: \"x\") { nope } }"}))
            .expect_err("unknown field");
        assert!(unknown.iter().any(|e| e.contains("nope")), "{unknown:?}");
        let typed = s
            .check(&json!({"query": "query Q($id: String!) { issue(id: $id) { id } }", "variables": {"id": 7}}))
            .expect_err("wrong type");
        assert!(
            typed.iter().any(|e| e.starts_with("variables:")),
            "{typed:?}"
        );
        let missing = s
            .check(&json!({"query": "query Q($id: String!) { issue(id: $id) { id } }"}))
            .expect_err("missing variable");
        assert!(missing.iter().any(|e| e.contains("id")), "{missing:?}");
    }
}
