//! The part of the load-time check that rendering cannot do: Handlebars
//! treats a variable that `{{#if}}` or `{{#unless}}` tests as false when it
//! is missing, even in strict mode, so a misspelt condition would silently
//! hide its section forever. This walks a template's syntax tree and looks
//! up every condition's path in the sample data.
//!
//! Only conditions in the template's own scope are checked: inside
//! `{{#each}}` or `{{#with}}` a path is relative to the item, and `this`,
//! `@index` or `../x` are left to rendering.

use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};
use serde_json::Value;

/// The first condition path in `template` that `data` lacks, with its line
/// and column.
pub(crate) fn missing_condition(
    template: &Template,
    data: &Value,
) -> Option<(String, usize, usize)> {
    for (i, element) in template.elements.iter().enumerate() {
        let TemplateElement::HelperBlock(block) = element else {
            continue;
        };
        let Parameter::Name(helper) = &block.name else {
            continue;
        };
        if helper != "if" && helper != "unless" {
            continue;
        }
        let (line, column) = template.mapping.get(i).map_or((0, 0), |m| (m.0, m.1));
        for param in &block.params {
            if let Some(path) = plain_path(param)
                && lookup(data, &path).is_none()
            {
                return Some((path.join("."), line, column));
            }
        }
        for inner in [&block.template, &block.inverse].into_iter().flatten() {
            if let Some(found) = missing_condition(inner, data) {
                return Some(found);
            }
        }
    }
    None
}

/// The segments of a path relative to the template's data, or `None` for
/// `this`, `@data`, `../` and literal paths.
fn plain_path(param: &Parameter) -> Option<Vec<String>> {
    let Parameter::Path(Path::Relative((segs, raw))) = param else {
        return None;
    };
    if raw.starts_with("this") || raw.starts_with('@') || raw.starts_with("..") {
        return None;
    }
    segs.iter()
        .map(|s| match s {
            PathSeg::Named(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

fn lookup<'a>(data: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(data, |v, seg| match v {
        Value::Object(map) => map.get(seg),
        Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}
