//! Monitoring state as data.
