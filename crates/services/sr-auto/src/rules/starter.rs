//! The starter rule set a first run writes where the rules file lives:
//! drift to a P1 issue on the built-in Local tracker (deduplicated by
//! fingerprint, closed when the drift is resolved), a critical health
//! check to P1, a regression over 20% to P2. Each rule is marked
//! `"starter": true`; it files only on connections whose monitoring of its
//! kind is on, so the defaults never surprise. Users edit them like any
//! other rule.

/// The starter rules file, as written on first run.
pub const STARTER_RULES: &str = include_str!("starter.json");

#[cfg(test)]
mod tests {
    use std::path::Path;

    use sr_model::{EventKind, Priority};

    use super::STARTER_RULES;
    use crate::rules::{Known, parse_rules};

    #[test]
    fn the_starter_set_passes_the_strict_checks_with_the_built_in_names() {
        let templates = sr_templates::Templates::load(None).expect("built-in templates");
        let known = Known {
            trackers: vec![sr_config::LOCAL_TRACKER_NAME.to_owned()],
            templates: templates.names().into_iter().map(str::to_owned).collect(),
            channels: Vec::new(),
        };
        let set = parse_rules(Path::new("starter.json"), STARTER_RULES, &known)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(set.rules.iter().all(|r| r.starter && r.enabled));
        let drift = set
            .for_event(EventKind::DriftDetected)
            .next()
            .expect("a drift rule");
        assert_eq!(drift.priority, Some(Priority::P1));
        assert!(drift.condition.is_none(), "every drift files");
        let resolved = set
            .for_event(EventKind::DriftResolved)
            .next()
            .expect("a drift.resolved rule");
        assert!(resolved.close_on_resolve);
        let regression = set
            .for_event(EventKind::PerformanceRegression)
            .next()
            .expect("a regression rule");
        assert_eq!(regression.priority, Some(Priority::P2));
    }
}
