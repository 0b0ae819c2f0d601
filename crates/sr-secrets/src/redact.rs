//! Redaction of known secret values from text.

use crate::Secret;

/// Replaces every occurrence of the secrets it knows with `***`. Values
/// shorter than four characters are not registered: replacing them would
/// mangle ordinary text and hides nothing worth hiding.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    pub fn add(&mut self, secret: &Secret) {
        let v = secret.expose();
        if v.len() >= 4 && !self.values.iter().any(|x| x == v) {
            self.values.push(v.to_owned());
            // Longest first, so a secret that contains another is removed whole.
            self.values.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "***");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_known_values_only() {
        let mut r = Redactor::new();
        r.add(&Secret::new("s3cr3t-token"));
        r.add(&Secret::new("ab"));
        assert_eq!(
            r.redact("auth s3cr3t-token failed for ab"),
            "auth *** failed for ab"
        );
    }
}
