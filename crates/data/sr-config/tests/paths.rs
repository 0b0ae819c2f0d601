//! Where files are kept: overrides win over the platform directories, the
//! directories are created, and each file has its documented name.

use std::path::{Path, PathBuf};

use sr_config::{Paths, ensure_dir, platform_dirs};

#[test]
fn overrides_win_and_are_created() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("c/nested");
    let data = tmp.path().join("d");
    let paths = Paths::resolve(Some(config.clone()), Some(data.clone())).unwrap();
    assert_eq!(paths.config_dir, config);
    assert_eq!(paths.data_dir, data);
    assert!(config.is_dir() && data.is_dir());

    let cases: [(PathBuf, &Path, &str); 7] = [
        (paths.trackers_file(), &config, "trackers.json"),
        (paths.rules_file(), &config, "auto_issue_rules.json"),
        (paths.templates_dir(), &config, "templates"),
        (paths.connections_file(), &config, "connections.json"),
        (paths.default_store_path(), &data, "scratchrobin.db"),
        (paths.logs_dir(), &data, "logs"),
        (paths.demo_db_path(), &data, "demo.db"),
    ];
    for (got, dir, name) in cases {
        assert_eq!(got, dir.join(name));
    }
    ensure_dir(&paths.logs_dir()).unwrap();
    assert!(paths.logs_dir().is_dir());
}

#[test]
fn relative_overrides_become_absolute() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Tests run in the crate's directory; the workspace's target/ is ignored
    // by git, so the directory created there leaves nothing to commit.
    let relative = PathBuf::from("../../../target/sr-config-test/relative-cfg");
    let paths = Paths::resolve(Some(relative.clone()), Some(data)).unwrap();
    assert!(paths.config_dir.is_absolute(), "{:?}", paths.config_dir);
    assert_eq!(
        paths.config_dir,
        std::env::current_dir().unwrap().join(&relative)
    );
    assert!(paths.config_dir.is_dir());
}

#[test]
fn a_directory_that_cannot_be_created_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "").unwrap();
    let err = Paths::resolve(Some(file.join("sub")), Some(tmp.path().into())).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "{}: cannot create the directory",
            file.join("sub").display()
        )),
        "{err}"
    );
}

#[test]
fn platform_directories_are_named_for_the_app() {
    if let Some((config, data)) = platform_dirs() {
        for dir in [config, data] {
            let text = dir.to_string_lossy().to_lowercase();
            assert!(text.contains("scratchrobin"), "{text}");
        }
    }
}
