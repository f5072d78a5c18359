//! `retrace import pfif` against a SQLite file, with Person Finder's own
//! test feeds.

use crate::{retrace, text};
use std::path::{Path, PathBuf};

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../retrace-pfif/test-data/{name}"))
}

/// A data directory with the organisation "Test Org" (Belgium).
fn with_test_org() -> tempfile::TempDir {
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
    dir
}

#[test]
fn pfif_imports_once_and_a_bad_record_imports_nothing() {
    let dir = with_test_org();

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

#[test]
fn csv_dry_run_says_row_by_row_and_a_refused_row_imports_nothing() {
    let dir = with_test_org();
    let good = dir.path().join("people.csv");
    std::fs::write(
        &good,
        "Ref;Enquirer;Link;Missing person;Born\n\
         A1;Amina Haddad;brother;Karim Haddad;1990\n\
         A2;Omar Said;wife;Nadia Said;1985-03\n\
         A2;Omar Said;wife;Nadia Said;1985-03\n",
    )
    .unwrap();
    let mapping = dir.path().join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"columns":{"row_id":"Ref","enquirer_name":"Enquirer","relationship":"Link",
            "sought_name":"Missing person","sought_birth_date":"Born"}}"#,
    )
    .unwrap();
    let base = [
        "import",
        "csv",
        good.to_str().unwrap(),
        "--org",
        "Test Org",
        "--kind",
        "requests",
        "--quiet",
    ];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        retrace(dir.path(), &args)
    };
    let dry = with(&[
        "--mapping",
        mapping.to_str().unwrap(),
        "--save-mapping",
        "--dry-run",
    ]);
    let out = text(&dry);
    assert!(dry.status.success(), "{out}");
    assert!(out.contains("line 2: create row (Karim Haddad)"), "{out}");
    assert!(out.contains("line 4: duplicate of line 3"), "{out}");
    assert!(out.contains("nothing stored"), "{out}");

    // The saved mapping is used without --mapping.
    let first = with(&[]);
    let out = text(&first);
    assert!(first.status.success(), "{out}");
    assert!(out.contains("2 created"), "{out}");
    let again = with(&[]);
    let out = text(&again);
    assert!(again.status.success(), "{out}");
    assert!(out.contains("3 already imported"), "{out}");
    assert!(out.contains("nothing new"), "{out}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Ref;Enquirer;Link;Missing person;Born\n\
         B1;Amina Haddad;brother;Samir Haddad;1990\n\
         B2;Omar Said;=HYPERLINK(\"http://x\");Hana Said;1985\n",
    )
    .unwrap();
    let refused = retrace(
        dir.path(),
        &[
            "import",
            "csv",
            bad.to_str().unwrap(),
            "--org",
            "Test Org",
            "--kind",
            "requests",
            "--quiet",
        ],
    );
    let out = text(&refused);
    assert!(!refused.status.success(), "{out}");
    assert!(
        out.contains("line 3: refused: column \"Link\" (relationship)"),
        "{out}"
    );
    assert!(out.contains("nothing imported"), "{out}");

    let latin = dir.path().join("latin.csv");
    std::fs::write(&latin, b"name\nJos\xe9\n").unwrap();
    let unreadable = retrace(
        dir.path(),
        &[
            "import",
            "csv",
            latin.to_str().unwrap(),
            "--org",
            "Test Org",
            "--kind",
            "registrations",
            "--quiet",
        ],
    );
    let out = text(&unreadable);
    assert!(!unreadable.status.success(), "{out}");
    assert!(out.contains("not UTF-8"), "{out}");
}

#[test]
fn csv_duplicates_named_on_the_command_line_are_created_anyway() {
    let dir = with_test_org();
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "row_id;enquirer_name;relationship;sought_name;sought_birth_date\n\
         A1;Amina Haddad;brother;Karim Haddad;1990\n\
         A2;Omar Said;wife;Nadia Said;1985-03\n\
         A3;Omar Said;wife;Nadia  Said;1985-03\n",
    )
    .unwrap();
    let with = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "csv",
            file.to_str().unwrap(),
            "--org",
            "Test Org",
            "--kind",
            "requests",
            "--quiet",
            "--no-match",
        ];
        args.extend_from_slice(extra);
        retrace(dir.path(), &args)
    };

    // Not ticked: the duplicate is left out and says how to create it.
    let dry = with(&["--dry-run"]);
    let out = text(&dry);
    assert!(dry.status.success(), "{out}");
    assert!(
        out.contains("line 4: duplicate of line 3: not created (--create-duplicates"),
        "{out}"
    );

    // A line that is not a duplicate's: nothing imported.
    let wrong = with(&["--create-duplicates", "2,4"]);
    let out = text(&wrong);
    assert!(!wrong.status.success(), "{out}");
    assert!(out.contains("nothing imported"), "{out}");
    assert!(out.contains("line 2"), "{out}");
    let still = with(&["--dry-run"]);
    assert!(
        text(&still).contains("0 already imported"),
        "{}",
        text(&still)
    );

    let dry = with(&["--dry-run", "--create-duplicates", "4"]);
    let out = text(&dry);
    assert!(dry.status.success(), "{out}");
    assert!(
        out.contains("line 4: duplicate of line 3: create row anyway, as chosen"),
        "{out}"
    );
    assert!(
        out.contains("3 to create (1 duplicates created anyway)"),
        "{out}"
    );

    let done = with(&["--create-duplicates", "4"]);
    let out = text(&done);
    assert!(done.status.success(), "{out}");
    assert!(out.contains("3 created"), "{out}");
    let again = with(&[]);
    let out = text(&again);
    assert!(again.status.success(), "{out}");
    assert!(out.contains("3 already imported"), "{out}");
    assert!(out.contains("nothing new"), "{out}");
}
