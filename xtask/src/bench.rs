//! `cargo xtask bench [NAME] [-- ARGS…]`: runs the benchmark programs of
//! crates/dev/sr-bench (each a binary printing one JSON object per line,
//! `bench` first) in release mode. Without NAME every bench runs. A bench
//! whose source asks for PostgreSQL or MariaDB (it mentions `postgres_db` /
//! `SR_TEST_PG_URL`, or `mariadb_db` / `SR_TEST_MARIADB_URL`) gets the
//! same throwaway servers as the tests; one that reads `SR_BENCH_MIGRA`
//! gets migra, installed on first use (see `migra`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::servers::{Needs, Servers};
use crate::{cargo, migra, setup, sh, workspace_root};

/// The variable naming the migra program, for a bench whose source uses it.
const MIGRA_ENV: &str = "SR_BENCH_MIGRA";

/// A bench binary and the text of its source files.
#[derive(Debug)]
struct Bench {
    name: String,
    source: String,
}

fn benches(dir: &Path) -> Result<Vec<Bench>> {
    let bin = dir.join("src").join("bin");
    if !dir.join("Cargo.toml").is_file() {
        bail!(
            "{} does not exist yet: the benches live in crates/dev/sr-bench/src/bin/NAME.rs",
            dir.display()
        );
    }
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&bin).with_context(|| format!("reading {}", bin.display()))?;
    for entry in entries {
        let path = entry?.path();
        let (name, files): (String, Vec<PathBuf>) = if path.is_dir() {
            let files = std::fs::read_dir(&path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            (file_name(&path), files)
        } else if path.extension().is_some_and(|x| x == "rs") {
            (stem(&path), vec![path.clone()])
        } else {
            continue;
        };
        let mut source = String::new();
        for f in files {
            source +=
                &std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        }
        out.push(Bench { name, source });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The servers a bench's source asks for.
fn needs(source: &str) -> Needs {
    Needs {
        postgres: source.contains("postgres_db") || source.contains("SR_TEST_PG_URL"),
        mariadb: source.contains("mariadb_db") || source.contains("SR_TEST_MARIADB_URL"),
        tls_and_ssh: false,
        redmine: false,
        python: false,
    }
}

/// Runs the bench `name` (all when `None`); returns the exit code.
pub fn bench(name: Option<&str>, args: &[String]) -> Result<i32> {
    let all = benches(&workspace_root().join("crates").join("dev").join("sr-bench"))?;
    let chosen: Vec<&Bench> = match name {
        Some(n) => match all.iter().find(|b| b.name == n) {
            Some(b) => vec![b],
            None => {
                let names: Vec<&str> = all.iter().map(|b| b.name.as_str()).collect();
                bail!("no bench `{n}`; there are: {}", names.join(", "));
            }
        },
        None => all.iter().collect(),
    };
    let mut want = Needs::default();
    for b in &chosen {
        let n = needs(&b.source);
        want.postgres |= n.postgres;
        want.mariadb |= n.mariadb;
    }
    if want.postgres || want.mariadb {
        setup::ensure_packages(&["postgresql", "mariadb-server"])?;
    }
    let servers = Servers::start(want)?;
    let mut code = 0;
    for b in chosen {
        let mut cmd = cargo();
        cmd.args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "sr-bench",
            "--bin",
            &b.name,
            "--",
        ])
        .args(args);
        servers.apply(&mut cmd);
        if b.source.contains(MIGRA_ENV) {
            // Without migra the bench still runs and says why it is missing.
            match migra::ensure() {
                Ok(program) => {
                    cmd.env(MIGRA_ENV, program);
                }
                Err(e) => eprintln!("xtask: migra is not available: {e:#}"),
            }
        }
        let status = sh::status(&mut cmd)?;
        if !status.success() {
            eprintln!("xtask: bench {} failed ({status})", b.name);
            code = status.code().unwrap_or(1).max(1);
        }
    }
    servers.stop();
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_cases() {
        fn check(source: &str, postgres: bool, mariadb: bool) {
            let n = needs(source);
            assert_eq!((n.postgres, n.mariadb), (postgres, mariadb), "{source:?}");
        }
        check("fn main() {}", false, false);
        check("let url = sr_testkit::postgres_db().await;", true, false);
        check("std::env::var(\"SR_TEST_PG_URL\")", true, false);
        check(
            "sr_testkit::mariadb_db().await; sr_testkit::postgres_db().await",
            true,
            true,
        );
        check("env SR_TEST_MARIADB_URL", false, true);
    }
}
