//! The accessors every HTTP adapter's [`IssueTracker`](crate::IssueTracker)
//! implementation writes alike, given as one macro so that an adapter's
//! `impl` holds only its provider's calls.
//!
//! A macro because the accessors are trait methods of each adapter's own
//! type: a default method cannot reach the adapter's fields, and a second
//! trait would make every caller name it.

/// Inside `impl IssueTracker for T`, where `T` has the fields `info:
/// TrackerInfo` and `http: HttpClient`: `info()`, `rate_budget()` (the
/// client's budget) and, given `body_limit: EXPR`, `body_limit()`;
/// without it the trait's default limit stands.
#[macro_export]
macro_rules! http_tracker_accessors {
    () => {
        fn info(&self) -> &$crate::TrackerInfo {
            &self.info
        }

        fn rate_budget(&self) -> ::std::option::Option<$crate::RateBudget> {
            ::std::option::Option::Some(self.http.budget())
        }
    };
    (body_limit: $limit:expr) => {
        $crate::http_tracker_accessors!();

        fn body_limit(&self) -> usize {
            $limit
        }
    };
}
