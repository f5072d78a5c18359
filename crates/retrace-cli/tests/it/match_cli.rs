use std::path::Path;
use std::process::Command;

const HEADER: &str = "id,source,role,full_name,sex,birth_date,age,father_name,mother_name,birth_place,nationality,last_seen_place\n";

fn run(dir: &Path, input: &str) -> (bool, String) {
    let inp = dir.join("records.csv");
    std::fs::write(&inp, input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(["match", "--input"])
        .arg(&inp)
        .arg("--output")
        .arg(dir.join("pairs.csv"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn values_typed_wrong_are_read_as_far_as_they_can_be_and_reported_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // A day that is no day, a year with a letter, an age with a letter O,
    // and day and month swapped (the schema allows it: not reported).
    let input = format!(
        "{HEADER}\
R1,X,registered,Ali Hassan,M,1990-07-14,,,,,SY,\n\
R2,X,registered,Ali Hasan,M,1990-07-63,,,,,SY,\n\
R3,X,registered,Omar Khaled,M,19x0,3O,,,,SY,\n\
R4,X,registered,Samira Haddad,F,1985-23-04,,,,,LB,\n\
R5,X,registered,Samira Hadad,F,1985-04-23,,,,,LB,\n"
    );
    let (ok, err) = run(dir.path(), &input);
    assert!(ok, "{err}");
    for reported in [
        "line 3, column 6 (birth_date): not YYYY, YYYY-MM or YYYY-MM-DD, read as 1990-07: `1990-07-63`",
        "line 4, column 6 (birth_date): no year from 1850 to 2100, left out: `19x0`",
        "line 4, column 7 (age): not a whole number, left out: `3O`",
    ] {
        assert!(err.contains(reported), "{reported} in {err}");
    }
    assert!(!err.contains("line 5"), "{err}");
    let out = std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap();
    assert!(
        out.lines().any(|l| l.starts_with("R1,R2,")),
        "the July 1990 date still counts: {out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("R4,R5,")),
        "the swapped date is the same date: {out}"
    );
}

#[test]
fn a_column_mostly_unreadable_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (1..=12)
        .map(|i| format!("R{i},X,registered,Ali Hassan {i},M,14/03/1988,,,,,SY,\n"))
        .collect();
    let (ok, err) = run(dir.path(), &format!("{HEADER}{rows}"));
    assert!(!ok);
    assert!(
        err.contains("12 of the 12 values of column `birth_date` cannot be read")
            && err.contains("line 2, column 6"),
        "{err}"
    );
    assert!(!dir.path().join("pairs.csv").exists());
}

#[test]
fn malformed_csv_names_line_and_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{HEADER}R1,X,registered,Ali Hassan,M,1990,,,,,SY,\nR2,X,registered,\"Ali Hasan,M\n"
    );
    let (ok, err) = run(dir.path(), &input);
    assert!(!ok);
    assert!(err.contains("line 3"), "{err}");
    assert!(!dir.path().join("pairs.csv").exists());
    // only the output file is ever created in the directory, never a left-over temporary file
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_file_a_spreadsheet_saved_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "\u{feff}{HEADER}R1,X,registered,Ali Hassan,M,1990-07-14,,,,,SY,\nR2,X,registered,Ali Hasan,M,1990-07-14,,,,,SY,\n"
    );
    let (ok, err) = run(dir.path(), &input);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap();
    assert!(out.lines().any(|l| l.starts_with("R1,R2,")), "{out}");
}

#[test]
fn small_input_gives_the_right_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{HEADER}\
R1,ICRC-SY,registered,Mohammed Ali Al-Hassan,M,1988-03-14,,Ali,Fatima,Aleppo,SY,\n\
R2,NS-SY,registered,محمد علي الحسن,M,1988-03-14,,علي,فاطمة,حلب,SY,\n\
R3,DE-RC,sought,AL-HASSAN Mohamed,M,1988,,Ali,,Halab,SY,Izmir\n\
R4,DE-RC,registered,Olena Shevchenko,F,1979-11-02,,Mykola,,Kharkiv,UA,\n\
R5,FR-RC,sought,Елена Шевченко,F,1979-11-02,,Николай,,Харьков,UA,\n\
R6,SE-RC,registered,Tesfay Habtom,M,1995-06-20,,Habtom,,Asmara,ER,\n"
    );
    let (ok, err) = run(dir.path(), &input);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap();
    let mut pairs: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let (a, b) = if f[0] < f[1] {
                (f[0], f[1])
            } else {
                (f[1], f[0])
            };
            format!("{a}-{b}")
        })
        .collect();
    pairs.sort();
    assert!(out.starts_with("left_id,right_id,score\n"));
    assert_eq!(pairs, ["R1-R2", "R1-R3", "R2-R3", "R4-R5"], "{out}");
}
