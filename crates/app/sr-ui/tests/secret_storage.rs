//! Settings where no secret service answers (the keyring is the kernel's,
//! which forgets at reboot): adding a tracker with a token shows the
//! warning and the persistent choice; the encrypted file is created with
//! a passphrase typed twice, the token saved into it, and a new reader of
//! the file with that passphrase finds the token while trackers.json and
//! the file itself hold no trace of it.

use crate::common;

use std::sync::Arc;

use common::trackers;
use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_secrets::{EncryptedFile, Keyring, Resolver, Secret};

const PASSPHRASE: &str = "settings passphrase";
const TOKEN: &str = "ghp_typed_in_settings";

#[test]
fn a_token_saved_without_a_secret_service_goes_to_the_encrypted_file() {
    let mut bench = Workbench::start_custom(
        |_, _| {},
        // The real kernel keyring: what the system keyring amounts to
        // where no secret service answers.
        Keyring::kernel_only(),
        |paths, keyring| {
            Resolver::with_env(|_| None, keyring)
                .with_encrypted(Arc::new(EncryptedFile::new(paths.secrets_file())))
        },
    );
    trackers::open_form(&mut bench, "➕ GitHub Issues", "Owner *", &[]);
    fill(&mut bench, "Name", "Team Hub");
    fill(&mut bench, "Owner *", "acme");
    fill(&mut bench, "Repository *", "db");
    fill(&mut bench, "Token *", TOKEN);
    bench.wait_for("the warning", |h| {
        h.query_by_label_contains("forgets tokens at reboot")
            .is_some()
    });
    for choice in [
        "Encrypted file (survives reboots)",
        "Environment variable",
        "Kernel keyring (until reboot)",
    ] {
        assert!(bench.harness.query_by_label(choice).is_some(), "{choice}");
    }
    // A new file: the passphrase is asked twice.
    assert!(bench.harness.query_by_label("Repeat passphrase").is_some());
    bench.snapshot("secret_storage_warning");

    // Adding before the file has a passphrase is refused with the reason.
    bench.harness.get_by_label("Add").click();
    bench.wait_for("the reason", |h| {
        h.query_by_label_contains("Choose a passphrase for the encrypted secrets file")
            .is_some()
    });
    fill(&mut bench, "Passphrase", PASSPHRASE);
    fill(&mut bench, "Repeat passphrase", PASSPHRASE);
    bench.harness.get_by_label("Create encrypted file").click();
    bench.wait_for("the file to be unlocked", |h| {
        h.query_by_label_contains("unlocked for this session")
            .is_some()
    });
    let trackers = trackers::add_and_save(&mut bench, "Team Hub");
    assert!(
        trackers.contains(r#""encrypted": "tracker:Team Hub:auth.token""#)
            && !trackers.contains(TOKEN),
        "{trackers}"
    );
    let path = bench.dir.path().join("data/secrets.enc");
    let file = std::fs::read_to_string(&path).expect("secrets.enc");
    assert!(!file.contains(TOKEN), "{file}");
    let reader = EncryptedFile::new(&path);
    reader
        .unlock(Secret::new(PASSPHRASE))
        .expect("the passphrase opens it");
    assert_eq!(
        reader
            .get("tracker:Team Hub:auth.token")
            .expect("the token")
            .expose(),
        TOKEN
    );
    // Nothing went to the kernel keyring.
    assert_eq!(
        Keyring::kernel_only().locate("tracker:Team Hub:auth.token"),
        None
    );
}
