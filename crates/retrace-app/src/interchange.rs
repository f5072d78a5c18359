//! Interchange with other registries: PFIF (Google Person Finder's format)
//! imported into requests and registrations.
//!
//! How a PFIF person is mapped (see `docs/adr/0013-pfif-interchange.md`):
//! the status of its latest note (by `source_date`) decides. A person who
//! wrote about themselves (`is_note_author`) or is `believed_alive` becomes
//! a registration `safe`; any other person (sought, missing, dead or no
//! status) becomes an open tracing request whose enquirer is the record's
//! author and whose one sought person (`other_relative`: PFIF does not say
//! how they are related) is the imported person. The latest note's place,
//! date and author are the request's last news; the description and the
//! notes' texts its narrative. No consent is recorded: PFIF carries none.
//!
//! An import is all or nothing: if the document cannot be read, or any
//! record is invalid (in PFIF or once mapped), every problem is reported
//! with its line and nothing is stored; otherwise every record is stored
//! in ONE store transaction. Record ids already imported by the
//! organisation are skipped, so importing a feed again creates nothing.

use crate::input::{CircumstancesInput, NameEntry, PersonInput, today};
use crate::{Actor, App, AppError, AppResult};
use retrace_domain::Problem;
use retrace_domain::{PersonDetails, RegistrationKind, Timestamp};
use retrace_pfif::{Feed, FeedError, Person, Reason, RecordRef};
use retrace_store::{
    AuditContext, ImportOutcome, ImportTarget, ImportedPerson, OrgScope, PfifSource, Store,
};

/// The largest PFIF document read, in bytes.
pub const MAX_PFIF_BYTES: usize = retrace_pfif::MAX_DOCUMENT_BYTES;

/// What a PFIF import did, or why it stored nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PfifImport {
    /// Every record was valid and is stored (or was stored before).
    Imported(PfifSummary),
    /// Nothing was stored: every problem, each naming its line.
    Refused { problems: Vec<PfifProblem> },
}

/// Why a PFIF document or one of its records was refused: where (the line,
/// and the record when one is known) and a coded problem the page
/// translates. `Display` is the English line of the command line and the
/// API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfifProblem {
    /// The line of the record, or where the document stops being read.
    pub line: u32,
    pub record: Option<RecordRef>,
    /// The field of the mapped input (`sought.birth_date`), for a record
    /// that PFIF accepts but retrace's rules refuse.
    pub field: Option<String>,
    pub problem: Problem,
    /// The English text (PFIF's own names, the parser's detail).
    english: String,
}

impl std::fmt::Display for PfifProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.record {
            Some(record) => write!(f, "{record}: {}", self.english),
            None => f.write_str(&self.english),
        }
    }
}

impl PfifProblem {
    /// A whole document refused.
    fn of_feed(error: &FeedError) -> Self {
        let (line, problem) = match error {
            FeedError::TooLarge => (
                0,
                Problem::FileLargerThan {
                    max: u32::try_from(MAX_PFIF_BYTES / (1024 * 1024)).unwrap_or(u32::MAX),
                },
            ),
            FeedError::Dtd { line } => (*line, Problem::PfifDtd),
            FeedError::Malformed { line, .. } => (*line, Problem::XmlMalformed),
            FeedError::NotPfif { element, .. } => (
                1,
                Problem::PfifRoot {
                    element: element.clone(),
                },
            ),
        };
        // The parser's detail and the record read last stay in the
        // English line.
        Self {
            line,
            record: None,
            field: None,
            problem,
            english: error.to_string(),
        }
    }

    /// A record refused by PFIF's rules.
    fn of_record(record: &RecordRef, reason: &Reason) -> Self {
        Self {
            line: record.line,
            record: Some(record.clone()),
            field: None,
            problem: reason_problem(reason),
            english: reason.to_string(),
        }
    }
}

/// The coded problem of a PFIF reason.
fn reason_problem(reason: &Reason) -> Problem {
    match reason {
        Reason::NoteOtherDomain { domain } => Problem::PfifNoteOtherDomain {
            domain: domain.clone(),
        },
        Reason::OtherDomain { found, domain } => Problem::PfifOtherDomain {
            found: found.clone(),
            domain: domain.clone(),
        },
        Reason::NotInNamespace {
            element, namespace, ..
        } => Problem::PfifNamespace {
            element: element.clone(),
            namespace: namespace.clone(),
        },
        Reason::NotARecord { element } => Problem::PfifNotRecord {
            element: element.clone(),
        },
        Reason::Missing { field } if *field == "note_record_id" => Problem::PfifNoteIdMissing,
        Reason::Missing { .. } => Problem::PfifPersonIdMissing,
        Reason::RecordId { id, .. } => Problem::PfifRecordId { id: id.clone() },
        Reason::NoName => Problem::PfifNoName,
        Reason::DateTime { field, value } if *field == "entry_date" => Problem::PfifEntryDate {
            value: value.clone(),
        },
        Reason::DateTime { value, .. } => Problem::PfifSourceDate {
            value: value.clone(),
        },
        Reason::DateOfBirth { value } => Problem::PfifBirthDate {
            value: value.clone(),
        },
        Reason::Age { value } => Problem::PfifAge {
            value: value.clone(),
        },
        Reason::Sex { value } => Problem::PfifSex {
            value: value.clone(),
        },
        Reason::OtherPerson { own, parent } => Problem::PfifNoteOtherPerson {
            own: own.clone(),
            parent: parent.clone(),
        },
        Reason::MadeContact { value, .. } => Problem::PfifMadeContact {
            value: value.clone(),
        },
        Reason::NoteStatus { status } => Problem::PfifNoteStatus {
            status: status.clone(),
        },
        // The record is the note, in its person: its own reason says it.
        Reason::InNote(inner) => reason_problem(inner),
        Reason::OrphanNote => Problem::PfifOrphanNote,
    }
}

/// The records of an import that was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfifSummary {
    /// "1.4".
    pub version: &'static str,
    pub registrations: usize,
    pub requests: usize,
    /// Record ids the organisation imported before: left as they were.
    pub already_imported: usize,
    /// Each record id with what became of it, in document order.
    pub records: Vec<(String, ImportOutcome)>,
}

/// Imports a PFIF 1.1-1.4 document for the actor's organisation (org
/// administrators and caseworkers), then indexes the new persons for
/// matching. `domain`, when given, is the only record-id domain accepted:
/// a record of another domain is a problem, as in Person Finder.
pub async fn import_pfif(
    app: &App,
    actor: &Actor,
    text: &str,
    domain: Option<&str>,
) -> AppResult<PfifImport> {
    if actor.require_caseworker().is_err() {
        actor.require_org_admin()?;
    }
    let audit = actor.audit(app, "PFIF import");
    let result = import_pfif_into(app.store(), &audit, &actor.scope(), text, domain).await?;
    if let PfifImport::Imported(summary) = &result {
        let created: Vec<_> = summary
            .records
            .iter()
            .filter_map(|(_, outcome)| match outcome {
                ImportOutcome::Created(id) => Some(*id),
                ImportOutcome::AlreadyImported(_) => None,
            })
            .collect();
        app.reindex(&created).await?;
    }
    Ok(result)
}

/// The import itself, for a caller that is not a signed-in member (the
/// command line acts as the system for a named organisation).
pub async fn import_pfif_into(
    store: &dyn Store,
    audit: &AuditContext,
    scope: &OrgScope,
    text: &str,
    domain: Option<&str>,
) -> AppResult<PfifImport> {
    let mut feed = match retrace_pfif::parse(text) {
        Ok(feed) => feed,
        Err(err) => {
            return Ok(PfifImport::Refused {
                problems: vec![PfifProblem::of_feed(&err)],
            });
        }
    };
    if let Some(domain) = domain.map(str::trim).filter(|d| !d.is_empty()) {
        feed.keep_domain(domain);
    }
    let (persons, problems) = map_feed(&feed, audit.at)?;
    if !problems.is_empty() {
        return Ok(PfifImport::Refused { problems });
    }
    let outcomes = store.import_pfif_persons(audit, scope, &persons).await?;
    let mut summary = PfifSummary {
        version: feed.version.label(),
        registrations: 0,
        requests: 0,
        already_imported: 0,
        records: Vec::with_capacity(persons.len()),
    };
    for (person, outcome) in persons.iter().zip(outcomes) {
        match (outcome, &person.target) {
            (ImportOutcome::AlreadyImported(_), _) => summary.already_imported += 1,
            (ImportOutcome::Created(_), ImportTarget::Registration(_)) => {
                summary.registrations += 1
            }
            (ImportOutcome::Created(_), ImportTarget::Request { .. }) => summary.requests += 1,
        }
        summary.records.push((person.record_id.clone(), outcome));
    }
    Ok(PfifImport::Imported(summary))
}

/// The persons to store, or every problem: the feed's own, then those of
/// mapping each valid person, in line order.
pub(crate) fn map_feed(
    feed: &Feed,
    now: Timestamp,
) -> AppResult<(Vec<ImportedPerson>, Vec<PfifProblem>)> {
    let mut problems: Vec<PfifProblem> = feed
        .problems
        .iter()
        .map(|problem| PfifProblem::of_record(&problem.record, &problem.reason))
        .collect();
    for note in &feed.orphan_notes {
        let record = RecordRef {
            kind: "note",
            index: 0,
            line: note.line,
            person_record_id: Some(note.person_record_id.clone()),
            note_record_id: Some(note.note_record_id.clone()),
        };
        problems.push(PfifProblem::of_record(&record, &Reason::OrphanNote));
    }
    let mut persons = Vec::with_capacity(feed.persons.len());
    for person in &feed.persons {
        match map_person(person, today(now)) {
            Ok(mapped) => persons.push(mapped),
            Err(err) => {
                let errors = err.field_errors();
                if errors.is_empty() {
                    return Err(err);
                }
                let record = RecordRef {
                    kind: "person",
                    index: person.index,
                    line: person.line,
                    person_record_id: Some(person.person_record_id.clone()),
                    note_record_id: None,
                };
                problems.extend(errors.into_iter().map(|error| PfifProblem {
                    line: person.line,
                    record: Some(record.clone()),
                    english: format!("{}: {}", error.field, error.problem),
                    field: Some(error.field),
                    problem: error.problem,
                }));
            }
        }
    }
    problems.sort_by_key(|problem| problem.line);
    Ok((persons, problems))
}

/// The date part of a PFIF UTC date-time (`2000-01-16T02:07:57Z`).
fn date_part(value: Option<&str>) -> String {
    value
        .and_then(|v| v.get(..10))
        .unwrap_or_default()
        .to_owned()
}

/// A PFIF age (`40` or a range `35-45`) as years: a range's midpoint.
fn age_years(age: &str) -> String {
    match age.split_once('-') {
        Some((low, high)) => match (low.trim().parse::<u32>(), high.trim().parse::<u32>()) {
            (Ok(low), Ok(high)) => ((low + high) / 2).to_string(),
            _ => age.to_owned(),
        },
        None => age.to_owned(),
    }
}

fn join_present(parts: &[Option<&str>], separator: &str) -> String {
    parts
        .iter()
        .flatten()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Names from PFIF text fields: one per line (Person Finder writes
/// several full names on several lines).
fn names(full: Option<&str>, kind: &str) -> Vec<NameEntry> {
    full.unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| NameEntry {
            full: line.to_owned(),
            kind: kind.to_owned(),
            ..NameEntry::default()
        })
        .collect()
}

fn map_person(person: &Person, today: (i32, u8, u8)) -> AppResult<ImportedPerson> {
    let mut name_entries = names(person.full_name.as_deref(), "");
    if name_entries.is_empty() {
        let joined = join_present(
            &[person.given_name.as_deref(), person.family_name.as_deref()],
            " ",
        );
        name_entries = names(Some(&joined), "");
    }
    for alternate in &person.alternate_names {
        name_entries.extend(names(Some(alternate), "alias"));
    }
    let latest = person
        .notes
        .iter()
        .filter(|note| note.source_date.is_some())
        .max_by(|a, b| a.source_date.cmp(&b.source_date));
    let home = join_present(
        &[
            person.home_city.as_deref(),
            person.home_state.as_deref(),
            person.home_country.as_deref(),
        ],
        ", ",
    );
    let last_place = latest
        .and_then(|note| note.last_known_location.clone())
        .unwrap_or(home);
    let input = PersonInput {
        names: name_entries,
        sex: person.sex.clone().unwrap_or_default(),
        birth_date: person.date_of_birth.clone().unwrap_or_default(),
        age: person.age.as_deref().map(age_years).unwrap_or_default(),
        age_on: date_part(
            person
                .source_date
                .as_deref()
                .or(person.entry_date.as_deref()),
        ),
        last_known_place: last_place.chars().take(200).collect(),
        distinguishing_marks: person
            .description
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        ..PersonInput::default()
    };
    let status = person.latest_status();
    let sought = !matches!(status, Some("is_note_author" | "believed_alive"));
    let details = input.details("person", today, !sought)?;
    let target = if sought {
        ImportTarget::Request {
            enquirer: Box::new(enquirer(person, today)?),
            relationship: retrace_domain::Relationship::OtherRelative,
            circumstances: Box::new(
                CircumstancesInput {
                    context: "other".into(),
                    news_date: date_part(latest.and_then(|n| n.source_date.as_deref())),
                    news_place: latest
                        .and_then(|n| n.last_known_location.clone())
                        .unwrap_or_default(),
                    news_source: latest
                        .map(|note| {
                            let author = note.author_name.as_deref().unwrap_or("an unnamed author");
                            let status = note.status.as_deref().unwrap_or("no status");
                            format!("PFIF note {} by {author} ({status})", note.note_record_id)
                        })
                        .map(|text| text.chars().take(200).collect())
                        .unwrap_or_default(),
                    narrative: narrative(person),
                    ..CircumstancesInput::default()
                }
                .parse("circumstances", today)?,
            ),
        }
    } else {
        ImportTarget::Registration(RegistrationKind::Safe)
    };
    Ok(ImportedPerson {
        record_id: person.person_record_id.clone(),
        source: PfifSource {
            name: person.source_name.clone(),
            url: person.source_url.clone(),
            date: person.source_date.clone(),
        },
        target,
        details,
        created_as_duplicate: false,
    })
}

/// The enquirer of a sought person's request: the record's author (or
/// the first note author), with their e-mail and phone as the contact.
fn enquirer(person: &Person, today: (i32, u8, u8)) -> AppResult<PersonDetails> {
    let author = person
        .author_name
        .clone()
        .or_else(|| person.notes.iter().find_map(|n| n.author_name.clone()))
        .ok_or_else(|| AppError::invalid("author_name", Problem::AuthorRequired))?;
    PersonInput {
        names: names(Some(&author), ""),
        contact: join_present(
            &[
                person.author_email.as_deref(),
                person.author_phone.as_deref(),
            ],
            ", ",
        ),
        ..PersonInput::default()
    }
    .details("enquirer", today, true)
}

/// The description and each note's text, in order, within the
/// narrative's 4000 characters.
fn narrative(person: &Person) -> String {
    let mut parts: Vec<String> = person.description.iter().cloned().collect();
    for note in &person.notes {
        if let Some(text) = &note.text {
            let date = date_part(note.source_date.as_deref());
            parts.push(format!("{date} {text}").trim().to_owned());
        }
    }
    parts.join("\n\n").chars().take(4000).collect()
}

/// Persons read from the store per page while exporting.
const EXPORT_PAGE: u32 = 500;

/// Which of its persons the organisation chooses to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PfifSelection {
    /// Sought persons of tracing requests.
    pub sought: bool,
    /// Registered persons (safe, or looking for their family).
    pub registered: bool,
}

impl PfifSelection {
    pub const ALL: PfifSelection = PfifSelection {
        sought: true,
        registered: true,
    };

    /// Reads `sought`, `registered` or both (`all`, or empty), separated
    /// by commas or spaces.
    pub fn parse(value: &str) -> AppResult<Self> {
        let mut selection = PfifSelection {
            sought: false,
            registered: false,
        };
        for word in value
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            match word {
                "sought" => selection.sought = true,
                "registered" => selection.registered = true,
                "all" => selection = Self::ALL,
                _ => {
                    return Err(AppError::invalid(
                        "include",
                        Problem::OneOf {
                            choices: vec![
                                retrace_domain::Choice::Sought,
                                retrace_domain::Choice::Registered,
                                retrace_domain::Choice::All,
                            ],
                        },
                    ));
                }
            }
        }
        Ok(if selection.sought || selection.registered {
            selection
        } else {
            Self::ALL
        })
    }

    fn includes(self, role: &retrace_store::PersonRole) -> bool {
        use retrace_store::PersonRole;
        match role {
            PersonRole::Enquirer => false,
            PersonRole::Sought(_) => self.sought,
            PersonRole::Registered(_) => self.registered,
        }
    }
}

/// Writes, as PFIF 1.4, the organisation's sought and/or registered persons
/// (`selection`) that `receiver` may see now (`may_disclose`: never an at-risk person,
/// only under an active sharing consent covering the receiver or its
/// country): record id `{domain}/person.{id}`, names, sex, date of birth
/// and age, never whereabouts or contact details. Audited as
/// `pfif_exported` with the receiver as object.
pub async fn export_pfif(
    app: &App,
    actor: &Actor,
    receiver: retrace_domain::OrgId,
    domain: &str,
    selection: PfifSelection,
) -> AppResult<String> {
    use retrace_domain::{Audience, ConsentLedger, ObjectKind, may_disclose};
    use retrace_store::AuditEvent;
    if actor.require_caseworker().is_err() {
        actor.require_org_admin()?;
    }
    let store = app.store();
    let receiver_org = store
        .organisation(receiver)
        .await?
        .ok_or_else(|| AppError::invalid("receiver", Problem::NoSuchOrganisation))?;
    let audience = Audience::Organisation {
        org: receiver_org.id,
        country: receiver_org.country,
    };
    let mut persons = Vec::new();
    let mut after = None;
    loop {
        let page = store.matchable_persons(after, EXPORT_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for person in page {
            if person.org != actor.org()
                || !selection.includes(&person.role)
                || may_disclose(
                    person.details.flags,
                    ConsentLedger(&person.consents),
                    audience,
                )
                .is_err()
            {
                continue;
            }
            persons.push(export_person(domain, person.id, &person.details));
        }
    }
    let audit = actor.audit(app, "PFIF export");
    let event = AuditEvent {
        action: retrace_domain::AuditAction::PfifExported,
        object_kind: ObjectKind::Organisation,
        object_id: receiver.to_string(),
    };
    store.append_audit(&audit, &event).await?;
    Ok(retrace_pfif::write_feed(&persons))
}

fn export_person(
    domain: &str,
    id: retrace_domain::PersonId,
    details: &PersonDetails,
) -> retrace_pfif::ExportPerson {
    use retrace_domain::Sex;
    let names = details.names();
    retrace_pfif::ExportPerson {
        person_record_id: format!("{domain}/person.{id}"),
        full_name: names
            .first()
            .map(|n| n.full().to_owned())
            .unwrap_or_default(),
        given_name: names.first().and_then(|n| n.given()).map(str::to_owned),
        family_name: names.first().and_then(|n| n.family()).map(str::to_owned),
        alternate_names: names.iter().skip(1).map(|n| n.full().to_owned()).collect(),
        sex: match details.sex {
            Sex::Female => Some("female".into()),
            Sex::Male => Some("male".into()),
            Sex::Other => Some("other".into()),
            Sex::Unknown => None,
        },
        date_of_birth: details
            .birth_date
            .map(|date| date.to_string().trim_start_matches('~').to_owned()),
        age: details.age_estimate.map(|age| age.years.to_string()),
        ..retrace_pfif::ExportPerson::default()
    }
}
