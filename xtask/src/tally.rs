//! Counting tests from the runners' own closing lines, so the run can end
//! on one plain `summary: N passed, N failed` line whichever runner ran.

/// Tests counted so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// How many closing lines were seen (0: the runner never got to run).
    pub summaries: u64,
    /// Cargo said the chosen packages have no library, so no doc tests.
    pub no_library: bool,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.summaries += other.summaries;
        self.no_library |= other.no_library;
    }

    /// Counts `line` if it is a closing line of libtest (`cargo test`) or
    /// of nextest; other lines are ignored.
    pub fn scan(&mut self, line: &str) {
        let line = strip_ansi(line);
        if line.starts_with("error: no library targets found") {
            self.no_library = true;
        }
        // libtest: "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; ...",
        // at the start of the line: nextest repeats a failed test's output
        // indented, closing line included, and that one must not count twice.
        if let Some(rest) = line.trim_end().strip_prefix("test result: ") {
            let counts = rest.split_once(". ").map_or(rest, |(_, c)| c);
            self.summaries += 1;
            for part in counts.split(';') {
                self.count(part);
            }
            return;
        }
        // nextest: "Summary [   2.688s] 10 tests run: 9 passed, 1 failed, 0 skipped"
        let line = line.trim();
        if line.starts_with("Summary [")
            && let Some((_, counts)) = line.split_once(" run: ")
        {
            self.summaries += 1;
            for part in counts.split(',') {
                self.count(part);
            }
        }
    }

    fn count(&mut self, part: &str) {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next(), words.next()) else {
            return;
        };
        let Ok(n) = n.parse::<u64>() else { return };
        match what {
            "passed" => self.passed += n,
            "failed" => self.failed += n,
            // nextest: "1 timed out"
            "timed" => self.failed += n,
            "skipped" | "ignored" => self.skipped += n,
            _ => {}
        }
    }
}

/// `line` without ANSI colour sequences (`ESC [ ... letter`).
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lines: &[&str], passed: u64, failed: u64, skipped: u64) {
        let mut t = Tally::default();
        for l in lines {
            t.scan(l);
        }
        let summaries = u64::from(!(passed == 0 && failed == 0 && skipped == 0));
        assert_eq!(
            (t.passed, t.failed, t.skipped),
            (passed, failed, skipped),
            "{lines:?}"
        );
        assert!(t.summaries >= summaries, "{lines:?}");
    }

    #[test]
    fn libtest_lines() {
        check(
            &[
                "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            ],
            3,
            0,
            1,
        );
        check(
            &[
                "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 5 filtered out; finished in 1.20s",
            ],
            1,
            2,
            0,
        );
        check(
            &[
                "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
                "running 2 tests",
                "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            ],
            5,
            0,
            0,
        );
    }

    #[test]
    fn nextest_lines() {
        check(
            &["     Summary [   2.688s] 10 tests run: 10 passed, 0 skipped"],
            10,
            0,
            0,
        );
        check(
            &["     Summary [   2.598s] 8/10 tests run: 6 passed, 2 failed, 0 skipped"],
            6,
            2,
            0,
        );
        check(
            &["Summary [ 9.000s] 4 tests run: 2 passed, 1 failed, 1 timed out, 3 skipped"],
            2,
            2,
            3,
        );
        check(
            &["Summary [ 1.000s] 1 test run: 1 passed (1 leaky), 0 skipped"],
            1,
            0,
            0,
        );
        check(
            &[
                "\u{1b}[32;1m     Summary\u{1b}[0m [   0.1s] 2 tests run: 2 \u{1b}[32;1mpassed\u{1b}[0m, 0 skipped",
            ],
            2,
            0,
            0,
        );
    }

    #[test]
    fn other_lines_do_not_count() {
        check(
            &[
                "test foo ... ok",
                "PASS [ 0.1s] crate::test passed",
                "running 3 tests",
                "",
            ],
            0,
            0,
            0,
        );
        check(&["error: test run failed"], 0, 0, 0);
        check(
            &[
                "    test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 4 filtered out; finished in 0.12s",
            ],
            0,
            0,
            0,
        );
    }

    #[test]
    fn no_library_is_noticed() {
        let mut t = Tally::default();
        t.scan("error: no library targets found in package `xtask`");
        assert!(t.no_library);
        let mut t = Tally::default();
        t.scan("    error: no library targets found (quoted in a test's output)");
        assert!(!t.no_library);
    }

    #[test]
    fn strip_ansi_cases() {
        assert_eq!(strip_ansi("\u{1b}[1;31mFAIL\u{1b}[0m x"), "FAIL x");
        assert_eq!(strip_ansi("plain"), "plain");
        assert_eq!(strip_ansi(""), "");
    }
}
