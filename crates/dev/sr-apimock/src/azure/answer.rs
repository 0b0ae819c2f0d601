//! The project's answers, one arm per operation, and its rules: how a
//! JSON Patch applies to a work item, and how WIQL is answered.

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{AzureBoards, Comment, Item, State, TYPES, error, eval, missing, now, parse, stamp};
use crate::server::{MockRequest, MockResponse};

impl AzureBoards {
    fn item_json(&self, req: &MockRequest, i: &Item) -> Value {
        let url = format!(
            "{}/{}/{}/_apis/wit/workItems/{}",
            req.base_url, self.organization, self.project, i.id
        );
        let mut fields = i.fields.clone();
        fields.insert("System.Id".into(), json!(i.id));
        fields.insert("System.Rev".into(), json!(i.rev));
        let relations = (!i.relations.is_empty()).then(|| i.relations.clone());
        json!({"id": i.id, "rev": i.rev, "fields": fields, "url": url, "relations": relations,
            "_links": {"html": {"href": format!("{}/{}/{}/_workitems/edit/{}", req.base_url, self.organization, self.project, i.id)}}})
    }

    pub(super) fn answer(
        &self,
        s: &mut State,
        op: &str,
        req: &MockRequest,
    ) -> Option<MockResponse> {
        if req.param("organization") != self.organization {
            return Some(error(
                404,
                "ProjectDoesNotExistWithNameException",
                "The resource cannot be found.",
            ));
        }
        if req.path_params.contains_key("project") && req.param("project") != self.project {
            let p = req.param("project");
            return Some(error(
                404,
                "ProjectDoesNotExistWithNameException",
                &format!(
                    "TF200016: The following project does not exist: {p}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server."
                ),
            ));
        }
        let body = req.body.clone().unwrap_or(Value::Null);
        let answer = match op {
            "Work Item Types_List" => {
                let list: Vec<Value> = TYPES
                    .iter()
                    .map(|(name, states)| {
                        let states: Vec<Value> = states
                            .iter()
                            .map(|(n, c)| json!({"name": n, "color": "b2b2b2", "category": c}))
                            .collect();
                        json!({"name": name, "referenceName": format!("Microsoft.VSTS.WorkItemTypes.{}", name.replace(' ', "")),
                            "isDisabled": false, "states": states})
                    })
                    .collect();
                MockResponse::json(200, &json!({"count": list.len(), "value": list}))
            }
            "Classification Nodes_Get Root Nodes" => {
                let areas: Vec<Value> = self
                    .areas
                    .iter()
                    .enumerate()
                    .map(|(n, a)| json!({"id": 10 + n, "name": a, "structureType": "area", "hasChildren": false,
                        "path": format!("\\{}\\Area\\{a}", self.project)}))
                    .collect();
                let roots = [
                    json!({"id": 1, "name": self.project, "structureType": "area", "hasChildren": !areas.is_empty(),
                        "path": format!("\\{}\\Area", self.project), "children": areas}),
                    json!({"id": 2, "name": self.project, "structureType": "iteration", "hasChildren": true,
                        "path": format!("\\{}\\Iteration", self.project),
                        "children": [{"id": 20, "name": "Sprint 1", "structureType": "iteration", "hasChildren": false,
                            "path": format!("\\{}\\Iteration\\Sprint 1", self.project)}]}),
                ];
                MockResponse::json(200, &json!({"count": 2, "value": roots}))
            }
            "Work Items_Create" => {
                let kind = req.param("type").to_owned();
                let Some((_, states)) = TYPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(&kind))
                else {
                    return Some(error(
                        404,
                        "WorkItemTypeNotFoundException",
                        &format!(
                            "VS402323: Work item type {kind} does not exist in project {} or you do not have permission to access it.",
                            self.project
                        ),
                    ));
                };
                let now = now(s);
                let mut fields = Map::new();
                for (k, v) in [
                    ("System.TeamProject", json!(self.project)),
                    ("System.AreaPath", json!(self.project)),
                    ("System.IterationPath", json!(self.project)),
                    (
                        "System.WorkItemType",
                        json!(
                            TYPES
                                .iter()
                                .find(|(n, _)| n.eq_ignore_ascii_case(&kind))
                                .map(|t| t.0)
                        ),
                    ),
                    ("System.State", json!(states[0].0)),
                    ("System.Reason", json!("New")),
                    ("System.CreatedDate", json!(stamp(now))),
                    ("System.ChangedDate", json!(stamp(now))),
                    ("Microsoft.VSTS.Common.Priority", json!(2)),
                ] {
                    fields.insert(k.into(), v);
                }
                let mut item = Item {
                    id: s.items.keys().last().copied().unwrap_or(0) + 1,
                    rev: 1,
                    fields,
                    relations: Vec::new(),
                };
                if let Err(e) = self.apply(&mut item, &body) {
                    return Some(e);
                }
                let a = MockResponse::json(200, &self.item_json(req, &item));
                s.items.insert(item.id, item);
                a
            }
            "Work Items_Update" => {
                let id = req.param("id");
                let Some(mut item) = id.parse().ok().and_then(|n: u64| s.items.get(&n).cloned())
                else {
                    return Some(missing(id));
                };
                if let Err(e) = self.apply(&mut item, &body) {
                    return Some(e);
                }
                item.rev += 1;
                let now = now(s);
                item.fields
                    .insert("System.ChangedDate".into(), json!(stamp(now)));
                let a = MockResponse::json(200, &self.item_json(req, &item));
                s.items.insert(item.id, item);
                a
            }
            "Work Items_Get Work Item" => {
                let id = req.param("id");
                match id.parse().ok().and_then(|n: u64| s.items.get(&n)) {
                    Some(i) => MockResponse::json(200, &self.item_json(req, i)),
                    None => missing(id),
                }
            }
            "Work Items_Delete" => {
                let id = req.param("id");
                match id.parse().ok().and_then(|n: u64| s.items.remove(&n)) {
                    Some(i) => MockResponse::json(
                        200,
                        &json!({"id": i.id, "project": self.project, "type": i.fields.get("System.WorkItemType")}),
                    ),
                    None => missing(id),
                }
            }
            "Work Items_Get Work Items Batch" => {
                let ids: Vec<u64> = body["ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_u64)
                    .collect();
                if ids.len() > 200 {
                    return Some(error(
                        400,
                        "WorkItemsBatchLimitExceededException",
                        "VS402335: The number of work items requested exceeds the limit of 200. Request fewer work items.",
                    ));
                }
                let omit = body["errorPolicy"] == "omit";
                let mut list = Vec::new();
                for id in ids {
                    match s.items.get(&id) {
                        Some(i) => list.push(self.item_json(req, i)),
                        None if omit => list.push(Value::Null),
                        None => return Some(missing(&id.to_string())),
                    }
                }
                MockResponse::json(200, &json!({"count": list.len(), "value": list}))
            }
            "Wiql_Query By Wiql" => self.wiql(s, req, &body),
            "Attachments_Create" => {
                let id = format!("6b3f0f2e-0000-4000-8000-{:012}", s.attachments.len() + 1);
                s.attachments.push((id.clone(), req.raw.clone()));
                let name = req.query("fileName").unwrap_or("file");
                MockResponse::json(
                    200,
                    &json!({"id": id,
                    "url": format!("{}/{}/{}/_apis/wit/attachments/{id}?fileName={name}", req.base_url, self.organization, self.project)}),
                )
            }
            "Tags_List" => {
                let mut names: Vec<String> = s
                    .items
                    .values()
                    .flat_map(|i| {
                        i.fields
                            .get("System.Tags")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .split(';')
                            .map(|t| t.trim().to_owned())
                            .filter(|t| !t.is_empty())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                names.sort_by_key(|n| n.to_lowercase());
                names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                let list: Vec<Value> = names
                    .iter()
                    .enumerate()
                    .map(|(n, name)| json!({"id": format!("00000000-0000-0000-0000-{n:012}"), "name": name,
                        "url": format!("{}/{}/_apis/wit/tags/{n}", req.base_url, self.organization)}))
                    .collect();
                MockResponse::json(200, &json!({"count": list.len(), "value": list}))
            }
            "Comments_Add Work Item Comment" | "Comments_Add Comment" => {
                let id = req.param("workItemId");
                let Some(n) = id.parse().ok().filter(|n: &u64| s.items.contains_key(n)) else {
                    return Some(missing(id));
                };
                let now = now(s);
                s.next_comment += 1;
                let c = Comment {
                    id: s.next_comment,
                    item: n,
                    text: body["text"].as_str().unwrap_or_default().to_owned(),
                    format: req.query("format").unwrap_or("html").to_ascii_lowercase(),
                    created: now,
                };
                let a = MockResponse::json(200, &self.comment_json(req, &c));
                if let Some(i) = s.items.get_mut(&n) {
                    i.fields.insert(
                        "System.CommentCount".into(),
                        json!(s.comments.iter().filter(|c| c.item == n).count() + 1),
                    );
                }
                s.comments.push(c);
                a
            }
            "Comments_Get Comments" => {
                let id = req.param("workItemId");
                let Some(n) = id.parse().ok().filter(|n: &u64| s.items.contains_key(n)) else {
                    return Some(missing(id));
                };
                let all: Vec<&Comment> = s.comments.iter().filter(|c| c.item == n).collect();
                let top: usize = req
                    .query("$top")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(200);
                let skip: usize = req
                    .query("continuationToken")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                let page: Vec<Value> = all
                    .iter()
                    .skip(skip)
                    .take(top)
                    .map(|c| self.comment_json(req, c))
                    .collect();
                let mut list =
                    json!({"totalCount": all.len(), "count": page.len(), "comments": page});
                if skip + top < all.len() {
                    list["continuationToken"] = json!((skip + top).to_string());
                }
                MockResponse::json(200, &list)
            }
            _ => return None,
        };
        Some(answer)
    }

    fn comment_json(&self, req: &MockRequest, c: &Comment) -> Value {
        json!({"workItemId": c.item, "id": c.id, "version": 1, "text": c.text, "format": c.format,
            "createdBy": {"displayName": "Mia Krystof", "uniqueName": "mia@acme.com", "id": "d291b0c4-a05c-4ea6-8df1-4b41d5f39eff"},
            "createdDate": stamp(c.created), "modifiedDate": stamp(c.created), "isDeleted": false,
            "url": format!("{}/{}/{}/_apis/wit/workItems/{}/comments/{}", req.base_url, self.organization, self.project, c.item, c.id)})
    }

    /// Applies a JSON Patch to a work item as Azure DevOps does, then its
    /// rules: a title, a state of the type, a priority from 1 to 4.
    fn apply(&self, item: &mut Item, patch: &Value) -> Result<(), MockResponse> {
        let bad = |m: String| error(400, "RuleValidationException", &m);
        for op in patch.as_array().into_iter().flatten() {
            let path = op["path"].as_str().unwrap_or_default();
            let name = op["op"].as_str().unwrap_or_default();
            if name == "test" && path == "/rev" {
                if op["value"].as_u64() != Some(item.rev) {
                    return Err(error(
                        412,
                        "WorkItemRevisionMismatchException",
                        &format!(
                            "TF26071: This work item has been changed by someone else since you opened it. Rev {} is current.",
                            item.rev
                        ),
                    ));
                }
                continue;
            }
            if path == "/relations/-" && name == "add" {
                let rel = &op["value"];
                let known = rel["rel"].as_str().is_some() && rel["url"].as_str().is_some();
                if !known {
                    return Err(bad("VS402625: A relation needs `rel` and `url`.".into()));
                }
                item.relations.push(rel.clone());
                continue;
            }
            let Some(field) = path.strip_prefix("/fields/") else {
                return Err(bad(format!("VS403691: The path {path} is not supported.")));
            };
            match name {
                "add" | "replace" => {
                    let mut v = op["value"].clone();
                    if field == "System.AssignedTo"
                        && let Some(who) = v.as_str()
                    {
                        v = json!({"displayName": who, "uniqueName": who, "id": format!("id-{who}")});
                    }
                    item.fields.insert(field.to_owned(), v);
                }
                "remove" => {
                    item.fields.remove(field);
                }
                other => {
                    return Err(bad(format!(
                        "VS403691: The operation {other} is not supported for {path}."
                    )));
                }
            }
        }
        let title_ok = item
            .fields
            .get("System.Title")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.trim().is_empty());
        if !title_ok {
            return Err(bad(
                "TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.".into(),
            ));
        }
        let kind = item
            .fields
            .get("System.WorkItemType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let state = item
            .fields
            .get("System.State")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let states = TYPES
            .iter()
            .find(|(n, _)| *n == kind)
            .map(|t| t.1)
            .unwrap_or(&[]);
        if !states.iter().any(|(n, _)| *n == state) {
            return Err(bad(format!(
                "TF401320: Rule Error for field State. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty. `{state}` is not a state of {kind}."
            )));
        }
        if let Some(p) = item.fields.get("Microsoft.VSTS.Common.Priority")
            && !p.as_u64().is_some_and(|p| (1..=4).contains(&p))
        {
            return Err(bad(format!(
                "TF401320: Rule Error for field Priority. Error code: LimitedToValues. {p} is not 1, 2, 3 or 4."
            )));
        }
        if let Some(area) = item.fields.get("System.AreaPath").and_then(Value::as_str) {
            let known = area == self.project
                || self
                    .areas
                    .iter()
                    .any(|a| area == format!("{}\\{a}", self.project));
            if !known {
                return Err(bad(format!(
                    "TF401347: Invalid tree name given for work item -1, field 'System.AreaPath': {area}."
                )));
            }
        }
        Ok(())
    }

    fn wiql(&self, s: &State, req: &MockRequest, body: &Value) -> MockResponse {
        let text = body["query"].as_str().unwrap_or_default();
        let q = match parse(text, &self.project) {
            Ok(q) => q,
            Err(e) => {
                return error(
                    400,
                    "SyntaxException",
                    &format!("VS402782: The query is not valid WIQL: {e}."),
                );
            }
        };
        let mut hits: Vec<&Item> = s
            .items
            .values()
            .filter(|i| q.cond.as_ref().is_none_or(|c| eval(c, &i.fields)))
            .collect();
        hits.sort_by(|a, b| {
            for (f, asc) in &q.order {
                let o = if f == "System.Id" {
                    a.id.cmp(&b.id)
                } else {
                    let x = a.fields.get(f).map(Value::to_string).unwrap_or_default();
                    let y = b.fields.get(f).map(Value::to_string).unwrap_or_default();
                    x.cmp(&y)
                };
                let o = if *asc { o } else { o.reverse() };
                if o.is_ne() {
                    return o;
                }
            }
            a.id.cmp(&b.id)
        });
        let top: Option<usize> = req.query("$top").and_then(|t| t.parse().ok());
        if top.is_none() && hits.len() > self.wiql_cap {
            return error(
                400,
                "WorkItemTrackingQueryResultSizeLimitExceededException",
                &format!(
                    "VS402337: The number of work items returned exceeds the size limit of {}. Change the query to return fewer work items.",
                    self.wiql_cap
                ),
            );
        }
        let limit = top.unwrap_or(usize::MAX).min(self.wiql_cap);
        let refs: Vec<Value> = hits
            .iter()
            .take(limit)
            .map(|i| json!({"id": i.id, "url": format!("{}/{}/{}/_apis/wit/workItems/{}", req.base_url, self.organization, self.project, i.id)}))
            .collect();
        MockResponse::json(
            200,
            &json!({"queryType": "flat", "queryResultType": "workItem",
            "asOf": stamp(Utc::now()), "columns": [{"referenceName": "System.Id", "name": "ID"}], "workItems": refs}),
        )
    }
}
