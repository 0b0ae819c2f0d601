//! The `config` struct of a tracker that signs in with one token and keeps
//! priorities, issue types and "in progress" as labels (GitHub, GitLab):
//! [`labelled_token_config!`](crate::labelled_token_config) writes the
//! provider's own fields as given, then the shared ones, and the kit's
//! [`AdapterConfig`](super::AdapterConfig) and label tables over them.
//!
//! A macro because serde cannot `flatten` a shared struct into one that
//! denies unknown fields and still place an unknown field's line and
//! column in the file.

/// Declares a token-and-labels `config` struct. After the provider's own
/// fields it adds, read strictly:
/// - `ca_file`: a PEM file of certificate authorities to trust besides the
///   public ones (a company CA in front of a self-hosted instance);
/// - `auth`: the token ([`TokenAuth`](crate::kit::TokenAuth));
/// - `labels`: labels added to every issue ScratchRobin creates;
/// - `priority_labels`, `type_labels`, `in_progress_label`: the label that
///   stands for each priority, issue type and "in progress", over the
///   provider's defaults (`labels:` priority prefix and in-progress label).
///
/// It implements [`AdapterConfig`](crate::kit::AdapterConfig) and gives
/// `Config::default_labels()` and `config.label_map()`.
#[macro_export]
macro_rules! labelled_token_config {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty ),* $(,)?
        }
        labels: $prefix:expr, $in_progress:expr;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field : $ty, )*
            /// A PEM file of certificate authorities to trust besides the
            /// public ones.
            #[serde(default)]
            pub ca_file: ::std::option::Option<::std::path::PathBuf>,
            /// The token the tracker signs in with.
            pub auth: $crate::kit::TokenAuth,
            /// Labels added to every issue ScratchRobin creates.
            #[serde(default)]
            pub labels: ::std::vec::Vec<::std::string::String>,
            /// The label that stands for each priority; levels left out use
            /// the provider's defaults.
            #[serde(default)]
            pub priority_labels: ::std::collections::BTreeMap<
                $crate::kit::Priority,
                ::std::string::String,
            >,
            /// The label that stands for each issue type (`Bug` → `bug`).
            #[serde(default)]
            pub type_labels:
                ::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            /// The label that marks an open issue as in progress.
            #[serde(default)]
            pub in_progress_label: ::std::option::Option<::std::string::String>,
        }

        impl $crate::kit::AdapterConfig for $name {
            fn token(&self) -> &$crate::kit::SecretRef {
                self.auth.token()
            }

            fn ca_file(&self) -> ::std::option::Option<&::std::path::Path> {
                self.ca_file.as_deref()
            }
        }

        impl $name {
            /// The provider's default label tables.
            pub fn default_labels() -> $crate::kit::LabelMap {
                $crate::kit::LabelMap::with_defaults($prefix, $in_progress)
            }

            /// The label tables of this tracker: its configuration over
            /// the defaults.
            pub fn label_map(&self) -> $crate::kit::LabelMap {
                Self::default_labels().configured(
                    &self.priority_labels,
                    &self.type_labels,
                    self.in_progress_label.as_deref(),
                )
            }
        }
    };
}
