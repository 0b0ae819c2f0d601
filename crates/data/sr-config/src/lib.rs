//! ScratchRobin's configuration files and directories.
//!
//! - [`Paths`]: the platform config and data directories (or the ones given
//!   on the command line) and every file's place in them.
//! - [`load_trackers`] / [`save_trackers`]: `trackers.json` in the product
//!   spec's format. Reading is strict: an unknown field, a missing one, a
//!   bad value, an unknown tracker type or a duplicate name is a
//!   [`ConfigError`] placed at `FILE:LINE:COLUMN` that says what to write
//!   instead. Each provider's `config` object is checked by its adapter's
//!   factory, with the adapter's positions mapped into the file: the
//!   caller hands in the known types as a [`TrackerTypes`] (sr-tracker's
//!   `Registry` is one), since this crate sits below the trackers.
//! - [`TrackerEntry`]: one tracker of the file with its [`SyncSettings`].
//! - [`load_connections`] / [`save_connections`]: `connections.json`, the
//!   named database connection profiles, read as strictly; a profile's URL
//!   never holds a password, only a reference to one, and its optional
//!   `ssh` bastion ([`SshSettings`]) holds only a reference to a key's
//!   passphrase.
//! - [`load_channels`] / [`save_channels`]: `channels.json`, the
//!   notification channels, read as strictly as trackers.json; each
//!   channel type checks its `config` through [`ChannelTypes`] (sr-notify's
//!   registry), its [`Grouping`] says how alerts are grouped, its
//!   [`NoisePolicy`] how many reach it when, and its [`WeeklyReport`]
//!   when it gets the weekly summary.
//! - [`ConfigField`]: how a settings form shows one field of a tracker's
//!   or a channel's `config`.
//! - [`check_env`]: the `${VAR}` references that cannot be resolved now,
//!   for a warning; the loader itself never expands them.

mod atomic;
mod channel_policy;
mod channels;
mod connections;
mod diagnose;
mod entry;
mod env_check;
mod error;
mod fields;
mod paths;
mod reading;
mod spans;
mod ssh;
mod suggest;
mod trackers;

pub use atomic::{lock_beside, write_atomically};
pub use channel_policy::{
    ClockTime, NoisePolicy, QuietHours, RateLimit, Schedule, TimeZone, WeeklyReport,
};
pub use channels::{
    ChannelEntry, ChannelTypes, ChannelsFile, Grouping, load_channels, parse_channels,
    save_channels,
};
pub use connections::{
    ConnectionProfile, ConnectionsFile, RESERVED_CONNECTION_NAMES, check_connection_name,
    dialect_name, load_connections, parse_connections, save_connections, split_url_password,
    update_connections,
};
pub use entry::{
    ConflictPolicies, ConflictPolicy, SyncField, SyncMode, SyncSettings, TrackerEntry,
};
pub use env_check::{check_env, check_env_text};
pub use error::{ConfigError, ConfigErrorKind};
pub use fields::{ConfigField, FieldValue};
pub use paths::{Paths, ensure_dir, platform_dirs};
pub use ssh::{SshSettings, expand_home};
pub use suggest::closest;
pub use trackers::{
    LOCAL_TRACKER_NAME, LOCAL_TRACKER_TYPE, TrackerTypes, TrackersFile, load_trackers, local_entry,
    parse_trackers, save_trackers,
};

pub type Result<T, E = ConfigError> = std::result::Result<T, E>;
