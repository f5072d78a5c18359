use super::*;

fn sample(name: &str) -> String {
    std::fs::read_to_string(format!("{}/test-data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn reads_pfif_1_1() {
    let feed = parse(&sample("test.pfif-1.1.xml")).unwrap();
    assert_eq!(feed.version, Version::V1_1);
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert_eq!(feed.persons.len(), 1);
    let person = &feed.persons[0];
    assert_eq!(person.person_record_id, "test.google.com/person.21009");
    assert_eq!(person.given_name.as_deref(), Some("_test_first_name"));
    assert_eq!(person.family_name.as_deref(), Some("_test_last_name"));
    assert_eq!(person.home_city.as_deref(), Some("_test_home_city"));
    assert_eq!(person.home_postal_code.as_deref(), Some("_test_home_zip"));
    assert_eq!(person.description.as_deref(), Some("_test_description"));
    assert_eq!(person.notes.len(), 2);
    assert_eq!(person.notes[0].author_made_contact, Some(true));
    assert_eq!(
        person.notes[0].person_record_id,
        "test.google.com/person.21009"
    );
}

#[test]
fn reads_pfif_1_2_with_statuses() {
    let feed = parse(&sample("test.pfif-1.2.xml")).unwrap();
    assert_eq!(feed.version, Version::V1_2);
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert_eq!(feed.persons.len(), 1);
    let person = &feed.persons[0];
    assert_eq!(person.sex.as_deref(), Some("female"));
    assert_eq!(person.date_of_birth.as_deref(), Some("1970-01"));
    assert_eq!(person.age.as_deref(), Some("35-45"));
    assert_eq!(person.home_country.as_deref(), Some("US"));
    assert!(!person.notes.is_empty());
    assert!(person.latest_status().is_some());
}

#[test]
fn top_level_notes_of_pfif_1_2_are_read_and_kept_apart_without_their_person() {
    let feed = parse(&sample("test.pfif-1.2-note.xml")).unwrap();
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert!(feed.persons.is_empty());
    assert_eq!(feed.orphan_notes.len(), 2);
    assert_eq!(
        feed.orphan_notes[1].person_record_id,
        "test.google.com/person.21010"
    );
}

#[test]
fn reads_pfif_1_4() {
    let feed = parse(&sample("test.pfif-1.4.xml")).unwrap();
    assert_eq!(feed.version, Version::V1_4);
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    let person = &feed.persons[0];
    assert_eq!(
        person.full_name.as_deref(),
        Some("_test_full_name1\n_test_full_name2")
    );
    assert_eq!(person.given_name.as_deref(), Some("_test_given_name"));
    assert_eq!(
        person.alternate_names,
        vec!["_test_alternate_name1", "_test_alternate_name2"]
    );
    assert_eq!(person.description.as_deref(), Some("_test_description"));
    assert_eq!(person.profile_urls.len(), 2);
    assert_eq!(person.notes[0].author_made_contact, Some(false));
    assert_eq!(person.notes[0].status.as_deref(), Some("believed_missing"));
}

#[test]
fn the_bad_record_of_another_domain_is_reported_and_the_good_one_read() {
    let mut feed = parse(&sample("test.pfif-1.2-badrecord.xml")).unwrap();
    assert_eq!(feed.persons.len(), 2);
    feed.keep_domain("test.google.com");
    assert_eq!(feed.persons.len(), 1);
    assert_eq!(
        feed.persons[0].person_record_id,
        "test.google.com/person.21009"
    );
    assert_eq!(feed.persons[0].notes.len(), 4);
    assert_eq!(feed.problems.len(), 1);
    let problem = &feed.problems[0];
    assert_eq!(
        problem.record.person_record_id.as_deref(),
        Some("foo.google.com/person.666")
    );
    assert_eq!(problem.record.index, 2);
    assert_eq!(problem.record.line, 79);
    let text = problem.to_string();
    assert!(text.contains("person 2 (line 79"), "{text}");
    assert!(text.contains("foo.google.com"), "{text}");
}

#[test]
fn the_latest_status_is_that_of_the_latest_note_by_source_date() {
    let feed = parse(&sample("test.pfif-1.2-badrecord.xml")).unwrap();
    // Notes at 01-16 believed_missing, 01-18T20:21 is_note_author and a
    // backdated 01-18T20:00 believed_missing: the author's note wins.
    assert_eq!(feed.persons[0].latest_status(), Some("is_note_author"));
}

#[test]
fn an_entity_bomb_is_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>x.org/1</pfif:person_record_id>
<pfif:full_name>&lol3;</pfif:full_name></pfif:person></pfif:pfif>"#;
    let error = parse(bomb).unwrap_err();
    assert!(matches!(error, FeedError::Dtd { .. }), "{error:?}");
    assert!(error.to_string().contains("DTD"));
}

#[test]
fn a_wrong_namespace_is_refused_with_what_was_found() {
    let text = sample("test.pfif-1.4.xml").replace("zesty.ca/pfif/1.4", "zesty.ca/pfif/9.9");
    let error = parse(&text).unwrap_err();
    assert!(
        error.to_string().contains("http://zesty.ca/pfif/9.9"),
        "{error}"
    );
}

#[test]
fn a_truncated_file_names_its_line_and_the_last_record_read() {
    let text = sample("test.pfif-1.2-badrecord.xml");
    let cut = text.find("<pfif:photo_url>_test_photo_url</pfif:photo_url>\n    <pfif:source_name>_test_source_name</pfif:source_name>\n    <pfif:source_url>_test_source_url</pfif:source_url>\n    <pfif:source_date>2000-01-01T00:00:00Z</pfif:source_date>\n    <!-- The following entry_date should be overwritten on import. -->\n    <pfif:entry_date>2000-01-16T02:07:57Z</pfif:entry_date>\n  </pfif:person>").unwrap();
    let error = parse(&text[..cut + 20]).unwrap_err();
    match &error {
        FeedError::Malformed {
            line, last_record, ..
        } => {
            assert!(*line >= 100, "{error:?}");
            assert_eq!(last_record.as_deref(), Some("foo.google.com/person.666"));
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("foo.google.com/person.666"));
}

fn one_person(fields: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>example.org/p.1</pfif:person_record_id>
    <pfif:full_name>Amina Yusuf</pfif:full_name>
  </pfif:person>
  <pfif:person>
{fields}
  </pfif:person>
</pfif:pfif>"#
    )
}

#[test]
fn records_missing_required_fields_are_reported_by_index_line_and_id() {
    let feed = parse(&one_person(
        "<pfif:person_record_id>example.org/p.2</pfif:person_record_id>",
    ))
    .unwrap();
    assert_eq!(feed.persons.len(), 1);
    assert_eq!(feed.problems.len(), 1);
    let text = feed.problems[0].to_string();
    assert!(
        text.starts_with("person 2 (line 7, person_record_id example.org/p.2)"),
        "{text}"
    );
    assert!(text.contains("no name"), "{text}");

    let feed = parse(&one_person("<pfif:full_name>Nobody</pfif:full_name>")).unwrap();
    assert_eq!(
        feed.problems[0].reason.to_string(),
        "person_record_id is missing"
    );
    assert_eq!(feed.problems[0].record.index, 2);
}

#[test]
fn malformed_values_are_reported() {
    for (fields, expected) in [
        ("<pfif:sex>f</pfif:sex>", "sex"),
        (
            "<pfif:date_of_birth>01/02/1970</pfif:date_of_birth>",
            "date_of_birth",
        ),
        ("<pfif:age>old</pfif:age>", "age"),
        (
            "<pfif:source_date>yesterday</pfif:source_date>",
            "source_date",
        ),
    ] {
        let text = one_person(&format!(
            "<pfif:person_record_id>example.org/p.2</pfif:person_record_id><pfif:full_name>X</pfif:full_name>{fields}"
        ));
        let feed = parse(&text).unwrap();
        assert_eq!(feed.persons.len(), 1, "{fields}");
        assert!(
            feed.problems[0].reason.to_string().starts_with(expected),
            "{fields}"
        );
    }
    let feed = parse(&one_person(
        "<pfif:person_record_id>noslash</pfif:person_record_id><pfif:full_name>X</pfif:full_name>",
    ))
    .unwrap();
    assert!(
        feed.problems[0]
            .reason
            .to_string()
            .contains("domain/identifier")
    );
}

#[test]
fn written_pfif_1_4_reads_back() {
    let person = ExportPerson {
        person_record_id: "retrace.example/person.1".into(),
        full_name: "Amina <Yusuf> & co".into(),
        given_name: Some("Amina".into()),
        alternate_names: vec!["Aminah".into(), "Amina Y.".into()],
        sex: Some("female".into()),
        age: Some("30".into()),
        source_date: Some("2026-01-02T03:04:05Z".into()),
        notes: vec![ExportNote {
            note_record_id: "retrace.example/note.1".into(),
            author_name: "Red Cross".into(),
            source_date: "2026-01-02T03:04:05Z".into(),
            status: Some("believed_alive".into()),
            text: "Registered as safe.".into(),
            ..ExportNote::default()
        }],
        ..ExportPerson::default()
    };
    let xml = write_feed(&[person]);
    crate::validate_with_xmllint(&xml).unwrap();
    let feed = parse(&xml).unwrap();
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert_eq!(feed.version, Version::V1_4);
    let read = &feed.persons[0];
    assert_eq!(read.full_name.as_deref(), Some("Amina <Yusuf> & co"));
    assert_eq!(read.alternate_names, vec!["Aminah", "Amina Y."]);
    assert_eq!(read.notes[0].status.as_deref(), Some("believed_alive"));
    assert_eq!(read.notes[0].person_record_id, "retrace.example/person.1");
}

/// Found by the fuzz target `pfif_export`: a name holding U+FFFF made a
/// feed that no XML reader accepts. Characters XML 1.0 cannot carry are
/// left out; the rest of the text is kept.
#[test]
fn characters_xml_cannot_carry_are_left_out_of_the_feed() {
    let person = ExportPerson {
        person_record_id: "retrace.example/person.1".into(),
        full_name: "Amina\u{FFFF} Yu\u{1}suf\u{FFFE}".into(),
        notes: vec![ExportNote {
            note_record_id: "retrace.example/note.1".into(),
            author_name: "Red\u{0} Cross".into(),
            source_date: "2026-01-02T03:04:05Z".into(),
            text: "Safe\u{FFFF}\tin Gent.".into(),
            ..ExportNote::default()
        }],
        ..ExportPerson::default()
    };
    let xml = write_feed(&[person]);
    let feed = parse(&xml).unwrap();
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert_eq!(feed.persons[0].full_name.as_deref(), Some("Amina Yusuf"));
    assert_eq!(
        feed.persons[0].notes[0].author_name.as_deref(),
        Some("Red Cross")
    );
    assert_eq!(
        feed.persons[0].notes[0].text.as_deref(),
        Some("Safe\tin Gent.")
    );
}

#[test]
fn the_schema_refuses_what_pfif_1_4_does_not_allow() {
    let person = ExportPerson {
        person_record_id: "retrace.example/person.1".into(),
        full_name: "Amina Yusuf".into(),
        sex: Some("woman".into()),
        ..ExportPerson::default()
    };
    let refused = crate::validate_with_xmllint(&write_feed(&[person])).unwrap_err();
    assert!(refused.contains("sex"), "{refused}");
}
