//! How a settings dialog shows one field of a `config` object, for every
//! kind of entry whose `config` its type defines (trackers.json and
//! channels.json): the tracker and channel factories describe their
//! fields with it, and the workbench builds its forms from them.

use serde::Serialize;

/// A field of a type's `config` object, for the settings dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigField {
    /// Path in the `config` object, dotted (`auth.token`).
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    /// Stored in the keyring, never in the file.
    pub secret: bool,
    pub help: &'static str,
    /// The values the field may take (a drop-down); empty for free text.
    pub choices: &'static [&'static str],
    /// What a new entry starts with.
    pub default: Option<&'static str>,
    /// The JSON type of the value.
    pub value: FieldValue,
}

/// The JSON type a field's typed text becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldValue {
    /// A string (a secret field: its reference).
    #[default]
    Text,
    /// A list of strings, typed comma-separated (e-mail's `to`).
    List,
    /// A number (a port).
    Number,
}

impl ConfigField {
    /// A free-text field.
    pub const fn text(
        key: &'static str,
        label: &'static str,
        required: bool,
        secret: bool,
        help: &'static str,
    ) -> ConfigField {
        ConfigField {
            key,
            label,
            required,
            secret,
            help,
            choices: &[],
            default: None,
            value: FieldValue::Text,
        }
    }

    /// A non-secret field whose value is of JSON type `value`.
    pub const fn typed(
        key: &'static str,
        label: &'static str,
        required: bool,
        value: FieldValue,
        help: &'static str,
    ) -> ConfigField {
        ConfigField {
            value,
            ..ConfigField::text(key, label, required, false, help)
        }
    }

    /// A required field with a fixed set of values, starting at `default`
    /// (`auth.type`: which way the adapter signs in).
    pub const fn choice(
        key: &'static str,
        label: &'static str,
        choices: &'static [&'static str],
        default: &'static str,
        help: &'static str,
    ) -> ConfigField {
        ConfigField {
            key,
            label,
            required: true,
            secret: false,
            help,
            choices,
            default: Some(default),
            value: FieldValue::Text,
        }
    }
}
