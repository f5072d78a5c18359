#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::xlsx::{Cell, workbook};

const HEADER: &str = "row_id,enquirer_name,relationship,sought_name,sought_sex,sought_birth_date\n";

fn context<'a>(imported: &'a HashMap<String, PersonId>) -> PlanContext<'a> {
    PlanContext {
        org: OrgId::random(),
        now: Timestamp::from_millis(1_780_000_000_000),
        file_name: "people.csv",
        imported,
        matching: None,
        create_anyway: &NONE_CHOSEN,
    }
}

static NONE_CHOSEN: BTreeSet<u64> = BTreeSet::new();

fn plan_of(text: &str) -> ImportPlan {
    let table = read_table(text.as_bytes(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    let mapping = ColumnMapping::by_header_names(ImportKind::Requests, &table.headers);
    let imported = HashMap::new();
    plan(
        ImportKind::Requests,
        &mapping,
        &table,
        &context(&imported),
        &|_, _, _| {},
    )
    .unwrap()
}

#[test]
fn rows_are_created_refused_or_duplicates_with_their_line() {
    let plan = plan_of(&format!(
        "{HEADER}1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         2,Amina Haddad,cousin,Leila Haddad,f,2999\n\
         3,Amina Haddad,brother,Karim  haddad,male,1990\n\
         1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         4,Omar Said,spouse,Nadia Said,,\n\
         5,Omar Said,=HYPERLINK(\"http://x\"),Nadia Said,,\n"
    ));
    let outcomes: Vec<_> = plan.rows.iter().map(|r| (r.line, &r.outcome)).collect();
    assert_eq!(outcomes[0], (2, &RowOutcome::Create));
    match outcomes[1] {
        (3, RowOutcome::Refused(refusals)) => {
            assert_eq!(refusals[0].field, "sought_birth_date");
            assert_eq!(refusals[0].column.as_deref(), Some("sought_birth_date"));
        }
        other => panic!("{other:?}"),
    }
    let of_line_2 = RowOutcome::Duplicate(Duplicate::OfRow { line: 2 });
    assert_eq!(outcomes[2], (4, &of_line_2));
    assert_eq!(outcomes[3], (5, &of_line_2));
    match outcomes[4] {
        (6, RowOutcome::Refused(refusals)) => assert_eq!(refusals[0].field, "relationship"),
        other => panic!("{other:?}"),
    }
    match outcomes[5] {
        (7, RowOutcome::Refused(refusals)) => {
            assert_eq!(refusals[0].problem, Problem::CellFormula);
            assert_eq!(refusals[0].column.as_deref(), Some("relationship"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(plan.to_create(), 1);
    assert_eq!(plan.refused(), 3);
    assert_eq!(plan.duplicates(), 2);
}

#[test]
fn duplicates_chosen_are_created_anyway_with_their_own_record_id() {
    let text = format!(
        "{HEADER}1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         3,Amina Haddad,brother,Karim  haddad,male,1990\n\
         1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         5,Amina Haddad,brother,Karim Haddad,M,2999\n"
    );
    let table = read_table(text.as_bytes(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    let mapping = ColumnMapping::by_header_names(ImportKind::Requests, &table.headers);
    let imported = HashMap::new();
    let chosen = BTreeSet::from([3, 4, 6]);
    let planned = plan(
        ImportKind::Requests,
        &mapping,
        &table,
        &PlanContext {
            create_anyway: &chosen,
            ..context(&imported)
        },
        &|_, _, _| {},
    )
    .unwrap();
    let of_line_2 = Duplicate::OfRow { line: 2 };
    let outcomes: Vec<_> = planned.rows.iter().map(|r| &r.outcome).collect();
    assert_eq!(outcomes[0], &RowOutcome::Create);
    // The same person under another id, and the same id again: created.
    assert_eq!(outcomes[1], &RowOutcome::CreateAnyway(of_line_2));
    assert_eq!(outcomes[2], &RowOutcome::CreateAnyway(of_line_2));
    // Not chosen: left out.
    assert_eq!(outcomes[3], &RowOutcome::Duplicate(of_line_2));
    // Chosen, but refused: a duplicate is checked like any row.
    assert!(
        matches!(outcomes[4], RowOutcome::Refused(refusals) if refusals[0].field == "sought_birth_date"),
        "{outcomes:?}"
    );
    assert_eq!(planned.to_create(), 3);
    assert_eq!(planned.created_anyway(), 2);
    assert_eq!(planned.duplicates(), 1);
    let ids: Vec<(&str, bool)> = planned
        .persons
        .iter()
        .map(|p| (p.record_id.as_str(), p.created_as_duplicate))
        .collect();
    assert_eq!(
        ids,
        [
            ("csv:requests:id:1", false),
            ("csv:requests:id:3", true),
            ("csv:requests:id:1:line:4", true),
        ]
    );
}

#[test]
fn rows_imported_before_are_not_created_again() {
    let text = format!(
        "{HEADER}1,Amina Haddad,brother,Karim Haddad,M,1990\n\
         9,Amina Haddad,brother,Karim Haddad,m,1990\n"
    );
    let table = read_table(text.as_bytes(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    let mapping = ColumnMapping::by_header_names(ImportKind::Requests, &table.headers);
    let person = PersonId::random();
    let imported = HashMap::from([("csv:requests:id:1".to_owned(), person)]);
    let plan = plan(
        ImportKind::Requests,
        &mapping,
        &table,
        &context(&imported),
        &|_, _, _| {},
    )
    .unwrap();
    assert_eq!(plan.rows[0].outcome, RowOutcome::AlreadyImported(person));
    // A later row about the same person is still its duplicate.
    assert_eq!(
        plan.rows[1].outcome,
        RowOutcome::Duplicate(Duplicate::OfRow { line: 2 })
    );
}

#[test]
fn a_mapping_naming_a_missing_column_or_an_unknown_field_is_refused() {
    let table = read_table(HEADER.as_bytes(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    let imported = HashMap::new();
    let mut mapping = ColumnMapping::by_header_names(ImportKind::Requests, &table.headers);
    mapping.columns.insert("narrative".into(), "Story".into());
    match plan(
        ImportKind::Requests,
        &mapping,
        &table,
        &context(&imported),
        &|_, _, _| {},
    ) {
        Err(AppError::Invalid { field, .. }) => assert_eq!(field, "mapping.narrative"),
        other => panic!("{other:?}"),
    }
    mapping.columns.insert("salary".into(), "Pay".into());
    assert!(mapping.check(ImportKind::Requests).is_err());
    let empty = ColumnMapping::default();
    match empty.check(ImportKind::Registrations) {
        Err(AppError::Invalid { field, .. }) => assert_eq!(field, "mapping.name"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn encodings_are_detected_or_named() {
    let latin = b"name;sex\nJos\xe9 Mart\xednez;m\n";
    match read_table(latin, TextEncoding::Detect, MAX_UPLOAD_BYTES) {
        Err(ReadError::NotUtf8 { offset }) => assert_eq!(offset, 12),
        other => panic!("{other:?}"),
    }
    let table = read_table(latin, TextEncoding::Windows1252, MAX_UPLOAD_BYTES).unwrap();
    assert_eq!(table.headers, vec!["name", "sex"]);
    assert_eq!(table.rows[0].1[0], "José Martínez");

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "name\tsex\nعمر خالد\tm\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let table = read_table(&utf16, TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    assert_eq!(table.rows[0].1, vec!["عمر خالد", "m"]);

    let bom = "\u{FEFF}name,sex\nA B,f\n";
    let table = read_table(bom.as_bytes(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    assert_eq!(table.headers[0], "name");
}

#[test]
fn bad_files_are_named() {
    assert_eq!(
        read_table(b"", TextEncoding::Detect, 10),
        Err(ReadError::Empty)
    );
    assert_eq!(
        read_table(&[b'a'; 2_000_000], TextEncoding::Detect, 1024 * 1024),
        Err(ReadError::TooLarge { max: 1 })
    );
    assert!(matches!(
        read_table(b"name,Name\nA,B\n", TextEncoding::Detect, 100),
        Err(ReadError::DuplicateHeader { .. })
    ));
    assert!(matches!(
        read_table(b"name,sex\n\"A B,f\n", TextEncoding::Detect, 100),
        Ok(_) | Err(ReadError::Csv { .. })
    ));
}

fn sample_xlsx() -> Vec<u8> {
    let text = |s: &str| Cell::Text(s.to_owned());
    workbook(
        "People",
        &[
            vec![text("name"), text("sex"), text("age")],
            vec![text("Leila Haddad"), text("f"), Cell::Number(30)],
            vec![text("=1+1"), text("m"), Cell::Number(40)],
        ],
    )
}

#[test]
fn xlsx_is_read_as_text_and_a_truncated_one_is_named() {
    let table = read_table(&sample_xlsx(), TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    assert_eq!(table.headers, vec!["name", "sex", "age"]);
    assert_eq!(
        table.rows[0],
        (2, vec!["Leila Haddad".into(), "f".into(), "30".into()])
    );
    // An inline string "=1+1" is text, not a formula, but still refused.
    let imported = HashMap::new();
    let mapping = ColumnMapping::by_header_names(ImportKind::Registrations, &table.headers);
    let planned = plan(
        ImportKind::Registrations,
        &mapping,
        &table,
        &context(&imported),
        &|_, _, _| {},
    )
    .unwrap();
    assert_eq!(planned.rows[0].outcome, RowOutcome::Create);
    assert!(matches!(planned.rows[1].outcome, RowOutcome::Refused(_)));

    let bytes = sample_xlsx();
    let truncated = &bytes[..bytes.len() / 2];
    assert!(matches!(
        read_table(truncated, TextEncoding::Detect, MAX_UPLOAD_BYTES),
        Err(ReadError::Xlsx { .. })
    ));
}

/// A sheet of the cells given as (reference, inline text).
fn sheet_of(cells: &[(&str, &str)]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (reference, text) in cells {
        xml.push_str(&format!(
            "<row><c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c></row>"
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    crate::xlsx::workbook_of_part("Sheet1", xml)
}

/// Found by the fuzz target `xlsx`: two cells far apart made calamine
/// allocate the dense range between them (17 billion cells for A1 and
/// XFD1048576), which aborted the process. The sheet is read cell by cell;
/// too wide a sheet is refused, rows far apart cost nothing.
#[test]
fn cells_far_apart_are_read_without_the_range_between_them() {
    let corner = sheet_of(&[("A1", "name"), ("XFD1048576", "x")]);
    assert_eq!(
        read_table(&corner, TextEncoding::Detect, MAX_UPLOAD_BYTES),
        Err(ReadError::TooWide {
            max: MAX_XLSX_COLUMNS
        })
    );
    let tall = sheet_of(&[("B2", "name"), ("C2", "sex"), ("B1048576", "Amina")]);
    let table = read_table(&tall, TextEncoding::Detect, MAX_UPLOAD_BYTES).unwrap();
    assert_eq!(table.headers, vec!["name", "sex"]);
    assert_eq!(
        table.rows,
        vec![(1_048_576, vec!["Amina".to_owned(), String::new()])]
    );
}

#[test]
fn lines_to_create_anyway_are_numbers_and_ranges() {
    let lines = parse_lines("4, 9 1200-1203;7").unwrap();
    assert_eq!(
        lines.into_iter().collect::<Vec<_>>(),
        vec![4, 7, 9, 1200, 1201, 1202, 1203]
    );
    assert!(parse_lines("  ").unwrap().is_empty());
    for bad in ["four", "12-x", "9-4", "1-99999999", "-3"] {
        assert_eq!(parse_lines(bad), Err(Problem::LineNumbers), "{bad}");
    }
}

/// Found by the fuzz target `xlsx`: a row number past u32 made calamine
/// 0.38 overflow (a panic where overflow checks are on, as in debug
/// builds). The read ends as a damaged file, never as a panic.
#[test]
fn a_reference_past_the_last_row_is_a_damaged_file_not_a_panic() {
    let hostile = sheet_of(&[("A1", "name"), ("A99999999999", "x")]);
    match read_table(&hostile, TextEncoding::Detect, MAX_UPLOAD_BYTES) {
        Err(ReadError::Xlsx { .. }) => {}
        // Without overflow checks calamine wraps and reads on.
        Ok(_) if !cfg!(debug_assertions) => {}
        other => panic!("{other:?}"),
    }
}
