//! PFIF export: persons and notes with any text written by
//! `retrace_pfif::write_feed` must read back, by the project's own
//! reader, as a valid document with every person and its name (another
//! registry reads what the export feed serves).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use retrace_pfif::{ExportNote, ExportPerson};

#[derive(Arbitrary, Debug)]
struct Note {
    author_name: String,
    made_contact: Option<bool>,
    status: Option<String>,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct Person {
    full_name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    alternate_names: Vec<String>,
    description: Option<String>,
    sex: Option<String>,
    date_of_birth: Option<String>,
    age: Option<String>,
    home_city: Option<String>,
    home_country: Option<String>,
    source_name: Option<String>,
    notes: Vec<Note>,
}

fuzz_target!(|persons: Vec<Person>| {
    let export: Vec<ExportPerson> = persons
        .into_iter()
        .enumerate()
        .map(|(i, p)| ExportPerson {
            person_record_id: format!("retrace.example.org/person.{i}"),
            entry_date: Some("2026-06-15T12:00:00Z".to_owned()),
            source_date: Some("2026-06-15T12:00:00Z".to_owned()),
            full_name: p.full_name,
            given_name: p.given_name,
            family_name: p.family_name,
            alternate_names: p.alternate_names,
            description: p.description,
            sex: p.sex,
            date_of_birth: p.date_of_birth,
            age: p.age,
            home_city: p.home_city,
            home_country: p.home_country,
            source_name: p.source_name,
            notes: p
                .notes
                .into_iter()
                .enumerate()
                .map(|(j, n)| ExportNote {
                    note_record_id: format!("retrace.example.org/note.{i}.{j}"),
                    entry_date: Some("2026-06-15T12:00:00Z".to_owned()),
                    author_name: n.author_name,
                    source_date: "2026-06-15T12:00:00Z".to_owned(),
                    author_made_contact: n.made_contact,
                    status: n.status,
                    text: n.text,
                })
                .collect(),
            ..ExportPerson::default()
        })
        .collect();
    let xml = retrace_pfif::write_feed(&export);
    let feed = match retrace_pfif::parse(&xml) {
        Ok(feed) => feed,
        Err(error) => panic!("the export feed does not read back: {error}\n{xml}"),
    };
    assert_eq!(
        feed.persons.len()
            + feed
                .problems
                .iter()
                .filter(|p| p.record.kind == "person")
                .count(),
        export.len(),
        "{xml}"
    );
});
