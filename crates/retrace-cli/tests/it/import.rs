//! `retrace import pfif` against a SQLite file, with Person Finder's own
//! test feeds.

use crate::{retrace, text};
use std::path::{Path, PathBuf};

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../retrace-pfif/test-data/{name}"))
}

#[test]
fn pfif_imports_once_and_a_bad_record_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let made = retrace(
        dir.path(),
        &[
            "admin",
            "create-org",
            "--name",
            "Test Org",
            "--kind",
            "ngo",
            "--country",
            "BE",
        ],
    );
    assert!(made.status.success(), "{}", text(&made));

    let bad = feed("test.pfif-1.2-badrecord.xml");
    let refused = retrace(
        dir.path(),
        &[
            "import",
            "pfif",
            bad.to_str().unwrap(),
            "--org",
            "Test Org",
            "--domain",
            "test.google.com",
        ],
    );
    assert!(!refused.status.success());
    let out = text(&refused);
    assert!(out.contains("nothing imported"), "{out}");
    assert!(out.contains("line 79"), "{out}");
    assert!(out.contains("foo.google.com/person.666"), "{out}");

    let good = feed("test.pfif-1.2.xml");
    let args = [
        "import",
        "pfif",
        good.to_str().unwrap(),
        "--org",
        "Test Org",
    ];
    let first = retrace(dir.path(), &args);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("imported PFIF 1.2"),
        "{}",
        text(&first)
    );
    assert!(
        text(&first).contains("0 already imported"),
        "{}",
        text(&first)
    );
    let again = retrace(dir.path(), &args);
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("0 requests, 0 registrations, 1 already imported"),
        "{}",
        text(&again)
    );

    let unknown = retrace(
        dir.path(),
        &["import", "pfif", good.to_str().unwrap(), "--org", "Nobody"],
    );
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("org: no organisation"),
        "{}",
        text(&unknown)
    );
}
