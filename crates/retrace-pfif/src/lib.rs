//! PFIF (People Finder Interchange Format) read and written without I/O.
//!
//! [`parse`] reads a PFIF 1.1, 1.2, 1.3 or 1.4 document (persons, the notes
//! nested in them and top-level notes) from text: every valid record is
//! returned and every invalid one reported with its position (index,
//! line) and `person_record_id`. A document that cannot be read as a whole
//! (not XML, truncated, a DTD or entity declaration, a namespace that is
//! not PFIF) is one [`FeedError`]: nothing of it is returned.
//!
//! DTDs are refused outright (roxmltree's `allow_dtd: false`), so no entity
//! is ever declared or expanded: a "billion laughs" file is an error at
//! its first line, not a memory explosion.
//!
//! [`write_feed`] writes persons and their notes as PFIF 1.4, elements in
//! the order of the PFIF 1.4 XML schema.

#![forbid(unsafe_code)]

mod write;

pub use write::{ExportNote, ExportPerson, write_feed};

use roxmltree::{Document, Node, ParsingOptions};

/// The PFIF versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V1_1,
    V1_2,
    V1_3,
    V1_4,
}

impl Version {
    /// The namespace URI of this version.
    pub fn namespace(self) -> &'static str {
        match self {
            Version::V1_1 => "http://zesty.ca/pfif/1.1",
            Version::V1_2 => "http://zesty.ca/pfif/1.2",
            Version::V1_3 => "http://zesty.ca/pfif/1.3",
            Version::V1_4 => "http://zesty.ca/pfif/1.4",
        }
    }

    fn from_namespace(uri: &str) -> Option<Self> {
        [Version::V1_1, Version::V1_2, Version::V1_3, Version::V1_4]
            .into_iter()
            .find(|version| version.namespace() == uri)
    }

    /// "1.4".
    pub fn label(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
            Version::V1_3 => "1.3",
            Version::V1_4 => "1.4",
        }
    }
}

/// Largest document read, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;
/// Most XML nodes read from one document.
const MAX_NODES: u32 = 2_000_000;

/// Why a whole document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the file is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error(
        "line {line}: the file declares a DTD or entities, which are refused (an entity bomb such as \"billion laughs\" is one)"
    )]
    Dtd { line: u32 },
    #[error("line {line}: not well-formed XML ({reason}){}", after_record(.last_record))]
    Malformed {
        line: u32,
        reason: String,
        /// The `person_record_id` read last before the error, if any.
        last_record: Option<String>,
    },
    #[error(
        "the root element is {found}, not a PFIF <pfif> in one of the namespaces http://zesty.ca/pfif/1.1 to 1.4"
    )]
    NotPfif {
        found: String,
        /// The root element's name, without its namespace.
        element: String,
    },
}

/// Why a record is invalid: a code with what it names, its `Display` the
/// English sentence of the command line and the API (the web page
/// translates the code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("the note is not from the domain {domain}")]
    NoteOtherDomain { domain: String },
    #[error("the record is from the domain {found}, not {domain}")]
    OtherDomain { found: String, domain: String },
    #[error("{described} is not in the namespace {namespace}")]
    NotInNamespace {
        element: String,
        /// The element and its own namespace, in words.
        described: String,
        namespace: String,
    },
    #[error("<{element}> is not a PFIF record")]
    NotARecord { element: String },
    #[error("{field} is missing")]
    Missing {
        /// `person_record_id` or `note_record_id`.
        field: &'static str,
    },
    #[error("{field} \"{id}\" is not of the form domain/identifier")]
    RecordId { field: &'static str, id: String },
    #[error(
        "no name: full_name, given_name and family_name (first_name, last_name before 1.3) are all missing"
    )]
    NoName,
    #[error("{field} \"{value}\" is not a UTC date and time (YYYY-MM-DDTHH:MM:SSZ)")]
    DateTime {
        /// `source_date` or `entry_date`.
        field: &'static str,
        value: String,
    },
    #[error("date_of_birth \"{value}\" is not YYYY, YYYY-MM or YYYY-MM-DD")]
    DateOfBirth { value: String },
    #[error("age \"{value}\" is not a number of years or a range such as 35-45")]
    Age { value: String },
    #[error("sex \"{value}\" is not female, male or other")]
    Sex { value: String },
    #[error("its person_record_id {own} is not the one of the person it is in ({parent})")]
    OtherPerson { own: String, parent: String },
    #[error("{field} \"{value}\" is not true or false")]
    MadeContact {
        /// `author_made_contact` (`found` before 1.3).
        field: &'static str,
        value: String,
    },
    #[error("status \"{status}\" is not a PFIF note status")]
    NoteStatus { status: String },
    #[error("a note of this person: {0}")]
    InNote(Box<Reason>),
    #[error("the note is about a person not in the file")]
    OrphanNote,
}

fn after_record(record: &Option<String>) -> String {
    match record {
        Some(id) => format!(", after the record {id}"),
        None => String::new(),
    }
}

/// Which record a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// "person" or "note".
    pub kind: &'static str,
    /// Position among the top-level records of its kind, from 1.
    pub index: usize,
    /// Line of its opening tag.
    pub line: u32,
    pub person_record_id: Option<String>,
    pub note_record_id: Option<String>,
}

impl std::fmt::Display for RecordRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} (line {}", self.kind, self.index, self.line)?;
        if let Some(id) = &self.person_record_id {
            write!(f, ", person_record_id {id}")?;
        }
        if let Some(id) = &self.note_record_id {
            write!(f, ", note_record_id {id}")?;
        }
        f.write_str(")")
    }
}

/// An invalid record and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    pub record: RecordRef,
    pub reason: Reason,
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.record, self.reason)
    }
}

/// A PFIF person record, fields trimmed, empty ones `None`. PFIF 1.1-1.2's
/// `first_name`/`last_name` are read as `given_name`/`family_name`,
/// 1.1's `home_zip` as `home_postal_code`, and a 1.1-1.2 `other` field
/// starting with "description:" as the description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Where the record is in the document.
    pub index: usize,
    pub line: u32,
    pub person_record_id: String,
    pub entry_date: Option<String>,
    pub expiry_date: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_name: Option<String>,
    pub source_date: Option<String>,
    pub source_url: Option<String>,
    pub full_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// One name a line.
    pub alternate_names: Vec<String>,
    pub description: Option<String>,
    pub sex: Option<String>,
    pub date_of_birth: Option<String>,
    pub age: Option<String>,
    pub home_street: Option<String>,
    pub home_neighborhood: Option<String>,
    pub home_city: Option<String>,
    pub home_state: Option<String>,
    pub home_postal_code: Option<String>,
    pub home_country: Option<String>,
    /// Read, never fetched.
    pub photo_url: Option<String>,
    pub profile_urls: Vec<String>,
    /// Notes nested in this person, and top-level notes about it.
    pub notes: Vec<Note>,
}

impl Person {
    /// The domain of the record id (`test.google.com` of
    /// `test.google.com/person.1`).
    pub fn domain(&self) -> &str {
        record_domain(&self.person_record_id)
    }

    /// The status of the latest note that has one (by `source_date`, then
    /// position in the document).
    pub fn latest_status(&self) -> Option<&str> {
        self.notes
            .iter()
            .enumerate()
            .filter(|(_, note)| note.status.is_some())
            .max_by(|(a_pos, a), (b_pos, b)| {
                a.source_date
                    .cmp(&b.source_date)
                    .then_with(|| a_pos.cmp(b_pos))
            })
            .and_then(|(_, note)| note.status.as_deref())
    }
}

/// The domain part of a PFIF record id.
pub fn record_domain(id: &str) -> &str {
    id.split_once('/').map_or("", |(domain, _)| domain)
}

/// A PFIF note record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    pub line: u32,
    pub note_record_id: String,
    pub person_record_id: String,
    pub linked_person_record_id: Option<String>,
    pub entry_date: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_date: Option<String>,
    /// PFIF 1.1-1.2's `found`.
    pub author_made_contact: Option<bool>,
    /// `information_sought`, `is_note_author`, `believed_alive`,
    /// `believed_missing` or `believed_dead`.
    pub status: Option<String>,
    pub email_of_found_person: Option<String>,
    pub phone_of_found_person: Option<String>,
    pub last_known_location: Option<String>,
    pub text: Option<String>,
    pub photo_url: Option<String>,
}

/// The note statuses of PFIF 1.2-1.4.
pub const NOTE_STATUSES: [&str; 5] = [
    "information_sought",
    "is_note_author",
    "believed_alive",
    "believed_missing",
    "believed_dead",
];

/// What a document holds: its valid persons (with their notes), and the
/// invalid records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub version: Version,
    pub persons: Vec<Person>,
    /// Valid top-level notes about a person not in the document.
    pub orphan_notes: Vec<Note>,
    pub problems: Vec<RecordProblem>,
}

impl Feed {
    /// Moves the persons whose record id is not of `domain` (and the notes
    /// of other domains) to the problems: an importer names the one source
    /// it accepts records from, as Person Finder does.
    pub fn keep_domain(&mut self, domain: &str) {
        let persons = std::mem::take(&mut self.persons);
        for mut person in persons {
            if person.domain() == domain {
                person.notes.retain(|note| {
                    let ours = record_domain(&note.note_record_id) == domain;
                    if !ours {
                        self.problems.push(RecordProblem {
                            record: RecordRef {
                                kind: "note",
                                index: 0,
                                line: note.line,
                                person_record_id: Some(note.person_record_id.clone()),
                                note_record_id: Some(note.note_record_id.clone()),
                            },
                            reason: Reason::NoteOtherDomain {
                                domain: domain.to_owned(),
                            },
                        });
                    }
                    ours
                });
                self.persons.push(person);
            } else {
                self.problems.push(RecordProblem {
                    record: RecordRef {
                        kind: "person",
                        index: person.index,
                        line: person.line,
                        person_record_id: Some(person.person_record_id.clone()),
                        note_record_id: None,
                    },
                    reason: Reason::OtherDomain {
                        found: person.domain().to_owned(),
                        domain: domain.to_owned(),
                    },
                });
            }
        }
        self.problems.sort_by_key(|problem| problem.record.line);
    }
}

/// Reads a PFIF document.
pub fn parse(text: &str) -> Result<Feed, FeedError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(FeedError::TooLarge);
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let document = Document::parse_with_options(text, options).map_err(|error| {
        let line = match error {
            // The end of the text, which roxmltree does not place.
            roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
                u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX)
            }
            _ => error.pos().row,
        };
        match error {
            roxmltree::Error::DtdDetected => FeedError::Dtd { line },
            other => FeedError::Malformed {
                line,
                reason: other.to_string(),
                last_record: last_record_before(text, line),
            },
        }
    })?;
    let root = document.root_element();
    let version = root
        .tag_name()
        .namespace()
        .and_then(Version::from_namespace)
        .filter(|_| root.tag_name().name() == "pfif")
        .ok_or_else(|| FeedError::NotPfif {
            found: describe(root),
            element: root.tag_name().name().to_owned(),
        })?;
    let namespace = version.namespace();
    let mut feed = Feed {
        version,
        persons: Vec::new(),
        orphan_notes: Vec::new(),
        problems: Vec::new(),
    };
    let mut person_index = 0;
    let mut note_index = 0;
    let mut top_notes = Vec::new();
    for node in root.children().filter(Node::is_element) {
        let line = line_of(&document, node);
        if node.tag_name().namespace() != Some(namespace) {
            feed.problems.push(RecordProblem {
                record: RecordRef {
                    kind: "element",
                    index: 0,
                    line,
                    person_record_id: None,
                    note_record_id: None,
                },
                reason: Reason::NotInNamespace {
                    element: node.tag_name().name().to_owned(),
                    described: describe(node),
                    namespace: namespace.to_owned(),
                },
            });
            continue;
        }
        match node.tag_name().name() {
            "person" => {
                person_index += 1;
                match read_person(&document, node, version, person_index) {
                    Ok((person, problems)) => {
                        feed.problems.extend(problems);
                        feed.persons.push(person);
                    }
                    Err(problem) => feed.problems.push(*problem),
                }
            }
            "note" => {
                note_index += 1;
                match read_note(&document, node, version, None) {
                    Ok(note) => top_notes.push(note),
                    Err(reason) => feed.problems.push(RecordProblem {
                        record: RecordRef {
                            kind: "note",
                            index: note_index,
                            line,
                            person_record_id: field(node, namespace, "person_record_id"),
                            note_record_id: field(node, namespace, "note_record_id"),
                        },
                        reason,
                    }),
                }
            }
            other => feed.problems.push(RecordProblem {
                record: RecordRef {
                    kind: "element",
                    index: 0,
                    line,
                    person_record_id: None,
                    note_record_id: None,
                },
                reason: Reason::NotARecord {
                    element: other.to_owned(),
                },
            }),
        }
    }
    for note in top_notes {
        match feed
            .persons
            .iter_mut()
            .find(|person| person.person_record_id == note.person_record_id)
        {
            Some(person) => {
                if !person
                    .notes
                    .iter()
                    .any(|known| known.note_record_id == note.note_record_id)
                {
                    person.notes.push(note);
                }
            }
            None => feed.orphan_notes.push(note),
        }
    }
    Ok(feed)
}

fn describe(node: Node) -> String {
    match node.tag_name().namespace() {
        Some(ns) => format!("<{}> in the namespace {ns}", node.tag_name().name()),
        None => format!("<{}> without a namespace", node.tag_name().name()),
    }
}

fn line_of(document: &Document, node: Node) -> u32 {
    document.text_pos_at(node.range().start).row
}

/// The last `person_record_id` whose value ends before `line`, found in
/// the raw text (the document could not be parsed).
fn last_record_before(text: &str, line: u32) -> Option<String> {
    let cut: usize = text
        .split_inclusive('\n')
        .take(usize::try_from(line).unwrap_or(usize::MAX))
        .map(str::len)
        .sum();
    let head = text.get(..cut)?;
    // The last opening tag (not `</…person_record_id>`).
    let start = head
        .rmatch_indices("person_record_id>")
        .map(|(at, _)| at)
        .find(|&at| {
            head.get(..at)
                .and_then(|before| before.rfind('<'))
                .is_some_and(|lt| head.get(lt + 1..lt + 2) != Some("/"))
        })?
        + "person_record_id>".len();
    let rest = head.get(start..)?;
    let end = rest.find('<')?;
    let id = rest.get(..end)?.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// The trimmed text of the child `name` of `node`; `None` when absent or
/// empty.
fn field(node: Node, namespace: &str, name: &str) -> Option<String> {
    node.children()
        .find(|child| {
            child.is_element()
                && child.tag_name().name() == name
                && child.tag_name().namespace() == Some(namespace)
        })
        .map(|child| {
            child
                .descendants()
                .filter(Node::is_text)
                .filter_map(|text| text.text())
                .collect::<String>()
        })
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

fn lines(value: Option<String>) -> Vec<String> {
    value
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A record id is `domain/unique-id`, both parts non-empty.
fn check_record_id(field: &'static str, id: &str) -> Result<(), Reason> {
    match id.split_once('/') {
        Some((domain, local)) if !domain.trim().is_empty() && !local.trim().is_empty() => Ok(()),
        _ => Err(Reason::RecordId {
            field,
            id: id.to_owned(),
        }),
    }
}

/// A PFIF date-time: `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second
/// allowed).
fn check_datetime(field: &'static str, value: &Option<String>) -> Result<(), Reason> {
    let Some(value) = value else { return Ok(()) };
    let bytes = value.as_bytes();
    let shape_ok = bytes.len() >= 20
        && bytes.last() == Some(&b'Z')
        && bytes.iter().take(19).enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            _ => b.is_ascii_digit(),
        });
    if shape_ok {
        Ok(())
    } else {
        Err(Reason::DateTime {
            field,
            value: value.clone(),
        })
    }
}

fn check_date_of_birth(value: &Option<String>) -> Result<(), Reason> {
    let Some(value) = value else { return Ok(()) };
    let parts: Vec<&str> = value.split('-').collect();
    let widths_ok = matches!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>().as_slice(),
        [4] | [4, 2] | [4, 2, 2]
    ) && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if widths_ok {
        Ok(())
    } else {
        Err(Reason::DateOfBirth {
            value: value.clone(),
        })
    }
}

fn check_age(value: &Option<String>) -> Result<(), Reason> {
    let Some(value) = value else { return Ok(()) };
    let number = |text: &str| text.trim().parse::<u32>().ok().filter(|n| *n <= 150);
    let ok = match value.split_once('-') {
        Some((low, high)) => matches!((number(low), number(high)), (Some(l), Some(h)) if l <= h),
        None => number(value).is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(Reason::Age {
            value: value.clone(),
        })
    }
}

fn check_sex(value: &Option<String>) -> Result<(), Reason> {
    match value.as_deref() {
        None | Some("female" | "male" | "other") => Ok(()),
        Some(other) => Err(Reason::Sex {
            value: other.to_owned(),
        }),
    }
}

fn read_person(
    document: &Document,
    node: Node,
    version: Version,
    index: usize,
) -> Result<(Person, Vec<RecordProblem>), Box<RecordProblem>> {
    let ns = version.namespace();
    let get = |name: &str| field(node, ns, name);
    let line = line_of(document, node);
    let record = |person_record_id: Option<String>| RecordRef {
        kind: "person",
        index,
        line,
        person_record_id,
        note_record_id: None,
    };
    let refuse = |id: Option<String>, reason: Reason| {
        Box::new(RecordProblem {
            record: record(id),
            reason,
        })
    };
    let Some(id) = get("person_record_id") else {
        return Err(refuse(
            None,
            Reason::Missing {
                field: "person_record_id",
            },
        ));
    };
    let (given_name, family_name) = if version >= Version::V1_3 {
        (get("given_name"), get("family_name"))
    } else {
        (get("first_name"), get("last_name"))
    };
    let description = match version {
        Version::V1_1 | Version::V1_2 => get("other").map(|other| {
            other
                .strip_prefix("description:")
                .map_or(other.clone(), |rest| rest.trim().to_owned())
        }),
        _ => get("description"),
    };
    let person = Person {
        index,
        line,
        person_record_id: id.clone(),
        entry_date: get("entry_date"),
        expiry_date: get("expiry_date"),
        author_name: get("author_name"),
        author_email: get("author_email"),
        author_phone: get("author_phone"),
        source_name: get("source_name"),
        source_date: get("source_date"),
        source_url: get("source_url"),
        full_name: get("full_name"),
        given_name,
        family_name,
        alternate_names: lines(get("alternate_names")),
        description,
        sex: get("sex"),
        date_of_birth: get("date_of_birth"),
        age: get("age"),
        home_street: get("home_street"),
        home_neighborhood: get("home_neighborhood"),
        home_city: get("home_city"),
        home_state: get("home_state"),
        home_postal_code: get("home_postal_code").or_else(|| get("home_zip")),
        home_country: get("home_country"),
        photo_url: get("photo_url"),
        profile_urls: lines(get("profile_urls")),
        notes: Vec::new(),
    };
    let checks = [
        check_record_id("person_record_id", &id),
        if person.full_name.is_none() && person.given_name.is_none() && person.family_name.is_none()
        {
            Err(Reason::NoName)
        } else {
            Ok(())
        },
        check_datetime("source_date", &person.source_date),
        check_datetime("entry_date", &person.entry_date),
        check_sex(&person.sex),
        check_date_of_birth(&person.date_of_birth),
        check_age(&person.age),
    ];
    if let Some(reason) = checks.into_iter().find_map(Result::err) {
        return Err(refuse(Some(id), reason));
    }
    let mut person = person;
    let mut problems = Vec::new();
    for (number, child) in node
        .children()
        .filter(|child| child.is_element() && child.tag_name().name() == "note")
        .enumerate()
    {
        match read_note(document, child, version, Some(&id)) {
            Ok(note) => person.notes.push(note),
            Err(reason) => problems.push(RecordProblem {
                record: RecordRef {
                    kind: "note",
                    index: number + 1,
                    line: line_of(document, child),
                    person_record_id: Some(id.clone()),
                    note_record_id: field(child, ns, "note_record_id"),
                },
                reason: Reason::InNote(Box::new(reason)),
            }),
        }
    }
    Ok((person, problems))
}

fn read_note(
    document: &Document,
    node: Node,
    version: Version,
    parent: Option<&str>,
) -> Result<Note, Reason> {
    let ns = version.namespace();
    let get = |name: &str| field(node, ns, name);
    let note_record_id = get("note_record_id").ok_or(Reason::Missing {
        field: "note_record_id",
    })?;
    check_record_id("note_record_id", &note_record_id)?;
    let person_record_id = match (get("person_record_id"), parent) {
        (Some(own), Some(parent)) if own != parent => {
            return Err(Reason::OtherPerson {
                own,
                parent: parent.to_owned(),
            });
        }
        (Some(own), _) => own,
        (None, Some(parent)) => parent.to_owned(),
        (None, None) => {
            return Err(Reason::Missing {
                field: "person_record_id",
            });
        }
    };
    let made_contact_field = if version >= Version::V1_3 {
        "author_made_contact"
    } else {
        "found"
    };
    let author_made_contact = match get(made_contact_field).as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(Reason::MadeContact {
                field: made_contact_field,
                value: other.to_owned(),
            });
        }
    };
    let status = get("status");
    if let Some(status) = &status
        && !NOTE_STATUSES.contains(&status.as_str())
    {
        return Err(Reason::NoteStatus {
            status: status.clone(),
        });
    }
    let note = Note {
        line: line_of(document, node),
        note_record_id,
        person_record_id,
        linked_person_record_id: get("linked_person_record_id"),
        entry_date: get("entry_date"),
        author_name: get("author_name"),
        author_email: get("author_email"),
        author_phone: get("author_phone"),
        source_date: get("source_date"),
        author_made_contact,
        status,
        email_of_found_person: get("email_of_found_person"),
        phone_of_found_person: get("phone_of_found_person"),
        last_known_location: get("last_known_location"),
        text: get("text"),
        photo_url: get("photo_url"),
    };
    check_datetime("source_date", &note.source_date)?;
    check_datetime("entry_date", &note.entry_date)?;
    Ok(note)
}

#[cfg(test)]
mod tests;

/// The PFIF 1.4 XML schema shipped with this crate (written from the
/// specification), for validating what [`write_feed`] writes.
pub const SCHEMA_1_4_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/pfif-1.4.xsd");

/// Validates `xml` against the PFIF 1.4 schema with `xmllint --schema`
/// (Debian's libxml2-utils; `scripts/test-all` installs it): `Err` with
/// xmllint's message when invalid or when xmllint cannot be run. For
/// tests only (feature `test-support`): the crate otherwise does no I/O.
#[cfg(any(test, feature = "test-support"))]
pub fn validate_with_xmllint(xml: &str) -> Result<(), String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", SCHEMA_1_4_PATH, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("xmllint could not run ({err}): install libxml2-utils"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(xml.as_bytes())
            .map_err(|err| format!("writing to xmllint: {err}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|err| format!("xmllint: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
