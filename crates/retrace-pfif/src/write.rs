//! PFIF 1.4 output. Elements are written in the order of the PFIF 1.4 XML
//! schema's sequences (person: record id, dates, author, source, names,
//! description, sex, date of birth, age, home, photo and profile URLs, then
//! notes; note: record ids, dates, author, source date,
//! `author_made_contact`, `status`, found person's contact, location,
//! text, photo). Empty fields are left out.

use crate::Version;

/// A person to write. Only what the caller chose to disclose is here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportPerson {
    pub person_record_id: String,
    pub entry_date: Option<String>,
    pub expiry_date: Option<String>,
    pub author_name: Option<String>,
    pub source_name: Option<String>,
    pub source_date: Option<String>,
    pub source_url: Option<String>,
    /// Required by PFIF 1.4.
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub alternate_names: Vec<String>,
    pub description: Option<String>,
    pub sex: Option<String>,
    pub date_of_birth: Option<String>,
    pub age: Option<String>,
    pub home_city: Option<String>,
    pub home_state: Option<String>,
    pub home_country: Option<String>,
    pub notes: Vec<ExportNote>,
}

/// A note to write under its person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportNote {
    pub note_record_id: String,
    pub entry_date: Option<String>,
    /// Required by PFIF 1.4.
    pub author_name: String,
    pub source_date: String,
    pub author_made_contact: Option<bool>,
    pub status: Option<String>,
    pub text: String,
}

/// Escapes text for an XML element's content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry are dropped: controls other
            // than tab and line ends, and the noncharacters U+FFFE, U+FFFF.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn element(out: &mut String, indent: &str, name: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        out.push_str(indent);
        out.push_str("<pfif:");
        out.push_str(name);
        out.push('>');
        out.push_str(&escape(value));
        out.push_str("</pfif:");
        out.push_str(name);
        out.push_str(">\n");
    }
}

/// A PFIF 1.4 document of `persons`.
pub fn write_feed(persons: &[ExportPerson]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<pfif:pfif xmlns:pfif=\"");
    out.push_str(Version::V1_4.namespace());
    out.push_str("\">\n");
    for person in persons {
        let p = "    ";
        out.push_str("  <pfif:person>\n");
        element(
            &mut out,
            p,
            "person_record_id",
            Some(&person.person_record_id),
        );
        element(&mut out, p, "entry_date", person.entry_date.as_deref());
        element(&mut out, p, "expiry_date", person.expiry_date.as_deref());
        element(&mut out, p, "author_name", person.author_name.as_deref());
        element(&mut out, p, "source_name", person.source_name.as_deref());
        element(&mut out, p, "source_date", person.source_date.as_deref());
        element(&mut out, p, "source_url", person.source_url.as_deref());
        element(&mut out, p, "full_name", Some(&person.full_name));
        element(&mut out, p, "given_name", person.given_name.as_deref());
        element(&mut out, p, "family_name", person.family_name.as_deref());
        let alternates = person.alternate_names.join("\n");
        element(&mut out, p, "alternate_names", Some(&alternates));
        element(&mut out, p, "description", person.description.as_deref());
        element(&mut out, p, "sex", person.sex.as_deref());
        element(
            &mut out,
            p,
            "date_of_birth",
            person.date_of_birth.as_deref(),
        );
        element(&mut out, p, "age", person.age.as_deref());
        element(&mut out, p, "home_city", person.home_city.as_deref());
        element(&mut out, p, "home_state", person.home_state.as_deref());
        element(&mut out, p, "home_country", person.home_country.as_deref());
        for note in &person.notes {
            let n = "      ";
            out.push_str("    <pfif:note>\n");
            element(&mut out, n, "note_record_id", Some(&note.note_record_id));
            element(
                &mut out,
                n,
                "person_record_id",
                Some(&person.person_record_id),
            );
            element(&mut out, n, "entry_date", note.entry_date.as_deref());
            element(&mut out, n, "author_name", Some(&note.author_name));
            element(&mut out, n, "source_date", Some(&note.source_date));
            let made_contact = note
                .author_made_contact
                .map(|made| if made { "true" } else { "false" });
            element(&mut out, n, "author_made_contact", made_contact);
            element(&mut out, n, "status", note.status.as_deref());
            element(&mut out, n, "text", Some(&note.text));
            out.push_str("    </pfif:note>\n");
        }
        out.push_str("  </pfif:person>\n");
    }
    out.push_str("</pfif:pfif>\n");
    out
}
