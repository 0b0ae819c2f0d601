//! The e-mail channel's tests, in one binary.

mod smtp;
