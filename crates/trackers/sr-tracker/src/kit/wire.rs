//! Wire shapes REST providers answer alike: a label as GitHub's and
//! GitLab's label lists give it (`name`, `color`, `description`).

use serde::Deserialize;
use sr_model::Label;

/// One entry of a provider's label list.
#[derive(Debug, Clone, Deserialize)]
pub struct WireLabel {
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl WireLabel {
    pub fn to_label(&self) -> Label {
        Label {
            name: self.name.clone(),
            color: self.color.clone(),
            description: self.description.clone(),
        }
    }
}
