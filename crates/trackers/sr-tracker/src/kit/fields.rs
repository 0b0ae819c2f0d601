//! The settings dialog's fields that every adapter's `config` object has,
//! with the provider's own help text where it differs.

use crate::ConfigField;

/// `base_url`: the instance or API root.
pub const fn base_url(label: &'static str, required: bool, help: &'static str) -> ConfigField {
    ConfigField::text("base_url", label, required, false, help)
}

/// `auth.type` of trackers that sign in with one token only.
pub const fn personal_token(help: &'static str) -> ConfigField {
    ConfigField::choice(
        "auth.type",
        "Sign-in",
        &["personal_token"],
        "personal_token",
        help,
    )
}

/// `auth.token`: kept in the keyring, never in trackers.json.
pub const fn token(help: &'static str) -> ConfigField {
    ConfigField::text("auth.token", "Token", true, true, help)
}

/// `labels`: added to every issue ScratchRobin creates.
pub const fn labels() -> ConfigField {
    ConfigField::text(
        "labels",
        "Labels",
        false,
        false,
        "Labels added to every issue ScratchRobin creates.",
    )
}
