//! Crash safety: a server and several clients of two organisations sending
//! acknowledged writes (requests, registrations, consents, releases of a
//! candidate to the other organisation, gallery publications with their
//! photo), the server killed with SIGKILL at a random moment, restarted,
//! and checked after each restart: every acknowledged write is there (a
//! release is seen by the organisation it was released to, a publication
//! is in the public gallery with its photo), nothing half-written is
//! visible (no registration without its consent, no release without what
//! it released, no public entry without its photo, no photo served without
//! its entry), the audit chain verifies, and the candidates the matching
//! index computes from the database are stored (a registration named like
//! an acknowledged sought person is its candidate).
//!
//! A short run is part of the test command; `bench/crash.sh` runs the
//! same harness for 1,000 cycles per backend (`RETRACE_CRASH_CYCLES`,
//! `RETRACE_CRASH_SEED`).

use crate::http::{Client, Server};
use crate::scale_out::{fresh_postgres, org_and_caseworker};
use crate::{retrace, text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use retrace_store_postgres::test_support;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The organisation a write was made in: `Home` opens the requests, `Other`
/// registers the persons it releases to `Home`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Org {
    Home,
    Other,
}

/// What a client was told was stored.
#[derive(Debug, Clone)]
enum Ack {
    /// A request with its sought person's name and id and its enquirer.
    Request {
        id: String,
        sought: String,
        enquirer: String,
        name: String,
    },
    /// A registration (with its consent) named `name`.
    Registration { org: Org, id: String, name: String },
    /// A consent recorded on a person.
    Consent {
        org: Org,
        person: String,
        id: String,
    },
    /// The other organisation's person `person`, named `name`, released
    /// to the home organisation through `candidate`.
    Release {
        candidate: String,
        person: String,
        name: String,
    },
    /// A public gallery entry of the home organisation.
    Publication { id: String, reference: String },
}

/// What the clients were told, and what they tried (a write cut off by
/// the kill may or may not be stored: it is not tried again).
#[derive(Default)]
struct Acks {
    all: Vec<Ack>,
    /// Names of sought persons a home registration was sent for.
    registered: HashSet<String>,
    /// Names of sought persons the other organisation registered.
    registered_elsewhere: HashSet<String>,
    /// Other-organisation persons a sharing consent was sent for.
    shared: HashSet<String>,
    /// Other-organisation persons a release was sent for.
    released: HashSet<String>,
    /// Enquirers a publication consent was sent for.
    publication_consent: HashSet<String>,
    /// Requests a publication was sent for.
    published: HashSet<String>,
    /// When each cycle's clients started, and how long after it each
    /// acknowledgement came (milliseconds).
    cycle_started: Option<Instant>,
    latencies: Vec<u64>,
}

const GIVEN: [&str; 24] = [
    "Amina", "Karim", "Lina", "Omar", "Samira", "Yusuf", "Fatima", "Tariq", "Nadia", "Hassan",
    "Leila", "Bilal", "Rania", "Idris", "Huda", "Zain", "Mariam", "Faris", "Salma", "Adel", "Noor",
    "Sami", "Dalia", "Walid",
];
const FAMILY: [&str; 24] = [
    "Haddad", "Warsame", "Khalil", "Mansour", "Abdi", "Nasser", "Farah", "Osman", "Saleh", "Jaber",
    "Hamdan", "Rahimi", "Qureshi", "Barzani", "Tesfaye", "Mekonnen", "Okafor", "Diallo", "Traore",
    "Kamara", "Suleiman", "Darwish", "Yilmaz", "Karimi",
];

/// A distinct full name and an adult's birth year: every sought person is
/// named unlike the others, so its own registration is its best candidate,
/// and a release needs no second approval.
fn distinct_name(rng: &mut StdRng) -> (String, u32) {
    let pick = |rng: &mut StdRng, list: &[&'static str]| list[rng.gen_range(0..list.len())];
    let name = format!(
        "{} {} {}",
        pick(rng, &GIVEN),
        pick(rng, &GIVEN),
        pick(rng, &FAMILY)
    );
    (name, rng.gen_range(1940..2000))
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn debug(message: impl FnOnce() -> String) {
    if std::env::var_os("RETRACE_CRASH_DEBUG").is_some() {
        eprintln!("{}", message());
    }
}

/// A small photo the gallery accepts.
fn photo_base64() -> String {
    let photo = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../retrace-web/tests/hostile-uploads/gps-exif-xmp-icc-comment.jpg"),
    )
    .unwrap();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in photo.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let bits = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(bits >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The body of an answer `expected`, when it is whole JSON (an answer cut
/// off by the kill is not an acknowledgement).
fn answer(response: &crate::http::Response, expected: u16) -> Option<serde_json::Value> {
    if response.status != expected {
        return None;
    }
    serde_json::from_str(&response.body).ok()
}

/// The `"id"` of a created record, when the answer is `expected`.
fn created(response: &crate::http::Response, expected: u16) -> Option<String> {
    answer(response, expected)?["id"]
        .as_str()
        .map(str::to_owned)
}

/// The next write of a home client, or `None` when there is nothing to
/// do yet.
async fn home_write(
    api: &Client,
    rng: &mut StdRng,
    acks: &Mutex<Acks>,
    client: usize,
    n: usize,
) -> Option<std::io::Result<Option<Ack>>> {
    let choice = rng.gen_range(0..10);
    // What may be written next, read under the lock.
    let (requests, unregistered, unconsented, unpublished) = {
        let acks = acks.lock().unwrap();
        let mut requests = Vec::new();
        let mut unregistered = Vec::new();
        let mut unconsented = Vec::new();
        let mut unpublished = Vec::new();
        for ack in &acks.all {
            if let Ack::Request {
                id, name, enquirer, ..
            } = ack
            {
                requests.push(ack.clone());
                if !acks.registered.contains(name) {
                    unregistered.push(ack.clone());
                }
                if !acks.publication_consent.contains(enquirer) {
                    unconsented.push(ack.clone());
                } else if !acks.published.contains(id) {
                    unpublished.push(ack.clone());
                }
            }
        }
        (requests, unregistered, unconsented, unpublished)
    };
    let pick = |rng: &mut StdRng, list: &[Ack]| list[rng.gen_range(0..list.len())].clone();
    if choice < 3 || requests.is_empty() || (choice < 5 && unregistered.is_empty()) {
        let (sought_name, year) = distinct_name(rng);
        let name = format!("{sought_name} {year}");
        let body = format!(
            r#"{{"enquirer":{{"names":["Enquirer {client} {n}"]}},"vital_interest":true,
               "sought":[{{"relationship":"son","person":{{"names":["{sought_name}"],"birth_date":"{year}"}}}}],
               "circumstances":{{"context":"conflict"}}}}"#
        );
        let sent = api
            .try_send(
                "POST",
                "/api/v1/requests",
                Some("application/json"),
                body.as_bytes(),
            )
            .await;
        return Some(sent.map(|response| {
            let json = answer(&response, 201)?;
            Some(Ack::Request {
                id: json["id"].as_str()?.to_owned(),
                sought: json["sought"][0]["id"].as_str()?.to_owned(),
                enquirer: json["enquirer"]["id"].as_str()?.to_owned(),
                name,
            })
        }));
    }
    if choice < 5 {
        let Ack::Request { name, .. } = pick(rng, &unregistered) else {
            return None;
        };
        acks.lock().unwrap().registered.insert(name.clone());
        return Some(register(api, Org::Home, name).await);
    }
    if choice < 6 {
        let Ack::Request { sought, .. } = pick(rng, &requests) else {
            return None;
        };
        let body = r#"{"purpose":"sharing","basis":"vital_interest","countries":["FR"]}"#;
        return Some(consent(api, Org::Home, sought, body).await);
    }
    if choice < 8 && !unconsented.is_empty() {
        let Ack::Request { enquirer, .. } = pick(rng, &unconsented) else {
            return None;
        };
        acks.lock()
            .unwrap()
            .publication_consent
            .insert(enquirer.clone());
        let body = r#"{"purpose":"publication","basis":"self","method":"written"}"#;
        return Some(consent(api, Org::Home, enquirer, body).await);
    }
    if unpublished.is_empty() {
        return None;
    }
    let Ack::Request { id: request, .. } = pick(rng, &unpublished) else {
        return None;
    };
    acks.lock().unwrap().published.insert(request.clone());
    let body = format!(
        r#"{{"request":"{request}","relationships":["son"],"region":"","photo_base64":"{}"}}"#,
        photo_base64()
    );
    let sent = api
        .try_send(
            "POST",
            "/api/v1/gallery",
            Some("application/json"),
            body.as_bytes(),
        )
        .await;
    Some(sent.map(|response| {
        let json = answer(&response, 201)?;
        Some(Ack::Publication {
            id: json["id"].as_str()?.to_owned(),
            reference: json["reference"].as_str()?.to_owned(),
        })
    }))
}

/// A registration named `name` (a sought person's name and birth year),
/// with its tracing consent.
async fn register(api: &Client, org: Org, name: String) -> std::io::Result<Option<Ack>> {
    let (person_name, year) = name.rsplit_once(' ').unwrap_or((name.as_str(), "1990"));
    let body = format!(
        r#"{{"kind":"safe","person":{{"names":["{person_name}"],"birth_date":"{year}"}},"consent_method":"oral"}}"#
    );
    let response = api
        .try_send(
            "POST",
            "/api/v1/registrations",
            Some("application/json"),
            body.as_bytes(),
        )
        .await?;
    Ok(created(&response, 201).map(|id| Ack::Registration { org, id, name }))
}

async fn consent(
    api: &Client,
    org: Org,
    person: String,
    body: &str,
) -> std::io::Result<Option<Ack>> {
    let path = format!("/api/v1/persons/{person}/consents");
    let response = api
        .try_send("POST", &path, Some("application/json"), body.as_bytes())
        .await?;
    Ok(created(&response, 201).map(|id| Ack::Consent { org, person, id }))
}

/// The next write of the other organisation's client: a registration
/// named like a home sought person, its sharing consent with the home
/// organisation's country, then the release of its candidate.
async fn other_write(
    api: &Client,
    rng: &mut StdRng,
    acks: &Mutex<Acks>,
) -> Option<std::io::Result<Option<Ack>>> {
    let (unregistered, unshared, unreleased) = {
        let acks = acks.lock().unwrap();
        let mut unregistered = Vec::new();
        let mut unshared = Vec::new();
        let mut unreleased = Vec::new();
        for ack in &acks.all {
            match ack {
                Ack::Request { name, .. } if !acks.registered_elsewhere.contains(name) => {
                    unregistered.push(name.clone());
                }
                Ack::Registration {
                    org: Org::Other,
                    id,
                    name,
                } if !acks.shared.contains(id) => unshared.push((id.clone(), name.clone())),
                Ack::Consent {
                    org: Org::Other,
                    person,
                    ..
                } if !acks.released.contains(person) => {
                    let name = acks.all.iter().find_map(|ack| match ack {
                        Ack::Registration { id, name, .. } if id == person => Some(name.clone()),
                        _ => None,
                    });
                    if let Some(name) = name {
                        unreleased.push((person.clone(), name));
                    }
                }
                _ => {}
            }
        }
        (unregistered, unshared, unreleased)
    };
    let choice = rng.gen_range(0..3);
    if (choice == 0 || (unshared.is_empty() && unreleased.is_empty())) && !unregistered.is_empty() {
        let name = unregistered[rng.gen_range(0..unregistered.len())].clone();
        acks.lock()
            .unwrap()
            .registered_elsewhere
            .insert(name.clone());
        return Some(register(api, Org::Other, name).await);
    }
    if (choice == 1 || unreleased.is_empty()) && !unshared.is_empty() {
        let (person, _) = unshared[rng.gen_range(0..unshared.len())].clone();
        acks.lock().unwrap().shared.insert(person.clone());
        let body = r#"{"purpose":"sharing","basis":"self","method":"oral","countries":["BE"]}"#;
        return Some(consent(api, Org::Other, person, body).await);
    }
    if unreleased.is_empty() {
        return None;
    }
    let (person, name) = unreleased[rng.gen_range(0..unreleased.len())].clone();
    acks.lock().unwrap().released.insert(person.clone());
    let candidates = match api
        .try_get(&format!("/api/v1/persons/{person}/candidates"))
        .await
    {
        Ok(response) => response,
        Err(error) => return Some(Err(error)),
    };
    let Some(list) = answer(&candidates, 200) else {
        return Some(Ok(None));
    };
    // The best candidate of the home organisation: the sought person it
    // is named after.
    let Some(candidate) = foreign_candidate(&list) else {
        panic!(
            "registration {person} has no candidate: {}",
            candidates.body
        );
    };
    let sent = api
        .try_send(
            "POST",
            &format!("/api/v1/candidates/{candidate}/release"),
            Some("application/json"),
            b"{}",
        )
        .await;
    Some(sent.map(|response| {
        (answer(&response, 200)?["outcome"] == "released").then_some(Ack::Release {
            candidate,
            person,
            name,
        })
    }))
}

/// The best candidate of a candidate list held by another organisation
/// (whose person's id is not shown).
fn foreign_candidate(list: &serde_json::Value) -> Option<String> {
    list["candidates"]
        .as_array()?
        .iter()
        .find(|candidate| candidate["other_person"].is_null())?["id"]
        .as_str()
        .map(str::to_owned)
}

/// One client's writes until the server stops answering.
async fn client_loop(
    port: u16,
    token: String,
    org: Org,
    client: usize,
    acks: Arc<Mutex<Acks>>,
    seed: u64,
    killed: Arc<AtomicBool>,
) {
    let api = Client::with_bearer(port, &token);
    let mut rng = StdRng::seed_from_u64(seed);
    for n in 0.. {
        let outcome = match org {
            Org::Home => home_write(&api, &mut rng, &acks, client, n).await,
            Org::Other => other_write(&api, &mut rng, &acks).await,
        };
        match outcome {
            // Nothing to do yet, and nothing sent that would find the
            // server gone: the kill is told.
            None if killed.load(Ordering::SeqCst) => return,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
            Some(Ok(Some(ack))) => {
                let mut acks = acks.lock().unwrap();
                let elapsed = acks.cycle_started.map(|at| at.elapsed().as_millis() as u64);
                acks.latencies.extend(elapsed);
                acks.all.push(ack);
            }
            // Refused or cut off mid-answer: not acknowledged.
            Some(Ok(None)) => debug(|| format!("client {client}: not acknowledged")),
            // The server is gone.
            Some(Err(error)) => {
                debug(|| format!("client {client} stops: {error}"));
                return;
            }
        }
    }
}

/// The two organisations' API clients and an anonymous visitor.
struct Clients {
    home: Client,
    other: Client,
    visitor: Client,
}

impl Clients {
    fn new(port: u16, tokens: &[String; 2]) -> Self {
        Self {
            home: Client::with_bearer(port, &tokens[0]),
            other: Client::with_bearer(port, &tokens[1]),
            visitor: Client::new(port),
        }
    }

    fn of(&self, org: Org) -> &Client {
        match org {
            Org::Home => &self.home,
            Org::Other => &self.other,
        }
    }
}

/// The photo a public gallery page shows, and whether it is served.
async fn public_photo(visitor: &Client, reference: &str) -> Result<String, String> {
    let page = visitor.get(&format!("/gallery/{reference}")).await;
    if page.status != 200 {
        return Err(format!("gallery page {reference}: {}", page.status));
    }
    let photo = page
        .between("src=\"/gallery/photos/", "\"")
        .ok_or_else(|| format!("gallery page {reference} without a photo"))?;
    let served = visitor.get(&format!("/gallery/photos/{photo}")).await;
    if served.status != 200 || served.body.is_empty() {
        return Err(format!(
            "gallery entry {reference}: its photo {photo} is not served ({})",
            served.status
        ));
    }
    Ok(photo)
}

/// Checks the acknowledged writes `to_check` through the restarted
/// server; `all` names the sought persons the registrations match.
async fn check_acknowledged(clients: &Clients, to_check: &[Ack], all: &[Ack]) {
    let sought_by_name: HashMap<&str, &str> = all
        .iter()
        .filter_map(|ack| match ack {
            Ack::Request { sought, name, .. } => Some((name.as_str(), sought.as_str())),
            _ => None,
        })
        .collect();
    for ack in to_check {
        match ack {
            Ack::Request { id, sought, .. } => {
                let response = clients.home.get(&format!("/api/v1/requests/{id}")).await;
                assert_eq!(response.status, 200, "request {id} lost: {}", response.body);
                assert_eq!(
                    response.json()["sought"][0]["id"].as_str(),
                    Some(sought.as_str()),
                    "request {id} without its sought person"
                );
            }
            Ack::Registration { org, id, name } => {
                let api = clients.of(*org);
                let response = api.get(&format!("/api/v1/persons/{id}")).await;
                assert_eq!(response.status, 200, "registration {id} lost");
                // The candidates agree with the database: a registration
                // is a candidate of the sought person it is named after
                // (seen from the other organisation's side without the
                // sought person's id).
                let candidates = api.get(&format!("/api/v1/persons/{id}/candidates")).await;
                match (org, sought_by_name.get(name.as_str())) {
                    (Org::Home, Some(sought)) => assert!(
                        candidates.body.contains(&format!("\"{sought}\"")),
                        "registration {id} is not a candidate of {sought}: {}",
                        candidates.body
                    ),
                    _ => assert!(
                        foreign_candidate(&candidates.json()).is_some(),
                        "registration {id} of the other organisation has no candidate: {}",
                        candidates.body
                    ),
                }
            }
            Ack::Consent { org, person, id } => {
                let response = clients
                    .of(*org)
                    .get(&format!("/api/v1/persons/{person}/consents"))
                    .await;
                assert!(
                    response.body.contains(id.as_str()),
                    "consent {id} lost: {}",
                    response.body
                );
            }
            Ack::Release {
                candidate,
                person,
                name,
            } => {
                let path = format!("/api/v1/candidates/{candidate}");
                let ours = clients.other.get(&path).await;
                assert_eq!(
                    ours.json()["our_release"]["released"],
                    true,
                    "release of {person} through {candidate} lost: {}",
                    ours.body
                );
                let theirs = clients.home.get(&path).await;
                let (given, _) = name.rsplit_once(' ').unwrap_or((name.as_str(), ""));
                let json = theirs.json();
                assert!(
                    json["released_to_us"] == true
                        && json["released_person"].to_string().contains(given),
                    "release of {person} through {candidate} not seen by the home organisation: {}",
                    theirs.body
                );
            }
            Ack::Publication { id, reference } => {
                let entry = clients.home.get(&format!("/api/v1/gallery/{id}")).await;
                assert_eq!(entry.status, 200, "gallery entry {id} lost");
                assert_eq!(entry.json()["status"], "published", "{}", entry.body);
                if let Err(problem) = public_photo(&clients.visitor, reference).await {
                    panic!("acknowledged publication {id}: {problem}");
                }
            }
        }
    }
    // Every registration the server lists (acknowledged or not) carries
    // its consent: nothing half-written is visible.
    for api in [&clients.home, &clients.other] {
        let listed = api.get("/api/v1/registrations").await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        let json = listed.json();
        for registration in json["registrations"].as_array().into_iter().flatten() {
            let id = registration["id"].as_str().unwrap_or_default();
            let consents = api.get(&format!("/api/v1/persons/{id}/consents")).await;
            assert!(
                consents.json()["consents"]
                    .as_array()
                    .is_some_and(|list| !list.is_empty()),
                "registration {id} is visible without its consent"
            );
        }
    }
}

/// What the gallery checks have seen so far.
#[derive(Default)]
struct GallerySeen {
    entries: HashSet<String>,
    files: HashSet<String>,
    /// Files no entry owns (written before a kill cut the publication
    /// off): never served.
    orphans: usize,
}

/// Nothing half-written in the gallery: every published entry that
/// appeared since the last check (acknowledged or not) is on its public
/// page with its photo served, and of the media files that appeared, the
/// server serves exactly the photo and thumbnail of those entries, none
/// of the files a killed publication left without its entry.
async fn check_gallery(clients: &Clients, media: &Path, seen: &mut GallerySeen) {
    let listed = clients.home.get("/api/v1/gallery").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let mut new_published = 0;
    for entry in listed.json()["entries"].as_array().into_iter().flatten() {
        let id = entry["id"].as_str().unwrap_or_default().to_owned();
        if !seen.entries.insert(id.clone()) {
            continue;
        }
        assert_eq!(entry["status"], "published", "{entry}");
        let reference = entry["reference"].as_str().unwrap_or_default();
        if let Err(problem) = public_photo(&clients.visitor, reference).await {
            panic!("gallery entry {id} half-written: {problem}");
        }
        new_published += 1;
    }
    let mut new_served = 0;
    let mut new_files = 0;
    for file in std::fs::read_dir(media).into_iter().flatten() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        if !seen.files.insert(name.clone()) {
            continue;
        }
        new_files += 1;
        if name.ends_with(".jpg") {
            let served = clients
                .visitor
                .get(&format!("/gallery/photos/{name}"))
                .await;
            match served.status {
                200 => new_served += 1,
                404 => seen.orphans += 1,
                status => panic!("media file {name}: {status}"),
            }
        } else {
            seen.orphans += 1;
        }
    }
    assert_eq!(
        new_served,
        2 * new_published,
        "{new_published} new entries, {new_files} new media files of which {new_served} served"
    );
}

/// Runs the kill cycles on the database at `url` in `dir`.
async fn kill_cycles(dir: &Path, url: &str, cycles: u64, seed: u64) {
    let mut passwords = Vec::new();
    for (name, email) in [
        ("Crash Red Cross", "case@crash.example"),
        ("Crash Crescent", "case@crash-other.example"),
    ] {
        passwords.push((email, org_and_caseworker(dir, url, name, email)));
    }
    // Many pages and photos are read for the checks.
    let env = [("RETRACE_GALLERY_REQUESTS_PER_CLIENT", "1000000")];
    let mut rng = StdRng::seed_from_u64(seed);
    let mut server = Server::start_with(dir, url, &env).await;
    let mut tokens = Vec::new();
    for (email, password) in &passwords {
        let browser = Client::new(server.port);
        browser.sign_in(email, password).await;
        tokens.push(browser.api_token().await);
    }
    let tokens: [String; 2] = tokens.try_into().unwrap();
    let media = dir.join("data/media");
    let acks = Arc::new(Mutex::new(Acks::default()));
    let mut gallery = GallerySeen::default();
    let started = Instant::now();
    let mut checked = 0;
    let mut ready = Duration::ZERO;
    // A line of figures every `progress` cycles (0: none), so that a long
    // run cut short still says what it checked.
    let progress = env_number("RETRACE_CRASH_PROGRESS", 0);
    for cycle in 0..cycles {
        acks.lock().unwrap().cycle_started = Some(Instant::now());
        let killed = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = [Org::Home, Org::Home, Org::Home, Org::Other]
            .into_iter()
            .enumerate()
            .map(|(client, org)| {
                let token = tokens[usize::from(org == Org::Other)].clone();
                tokio::spawn(client_loop(
                    server.port,
                    token,
                    org,
                    client,
                    acks.clone(),
                    seed.wrapping_mul(1000)
                        .wrapping_add(cycle * 10 + client as u64),
                    killed.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..600))).await;
        server.kill();
        killed.store(true, Ordering::SeqCst);
        for client in clients {
            client.await.unwrap();
        }
        let verify = retrace(dir, &["--database-url", url, "admin", "verify-audit"]);
        assert!(
            verify.status.success() && text(&verify).contains("audit chain intact"),
            "cycle {cycle}: {}",
            text(&verify)
        );
        let starting = Instant::now();
        server = Server::start_with(dir, url, &env).await;
        ready += starting.elapsed();
        let checks = Clients::new(server.port, &tokens);
        // This cycle's writes, and a sample of the earlier ones (each was
        // checked after its own cycle; all are checked at the end).
        let known = acks.lock().unwrap().all.clone();
        let mut to_check = known[checked..].to_vec();
        for _ in 0..checked.min(20) {
            to_check.push(known[rng.gen_range(0..checked)].clone());
        }
        check_acknowledged(&checks, &to_check, &known).await;
        check_gallery(&checks, &media, &mut gallery).await;
        checked = known.len();
        if progress > 0 && (cycle + 1) % progress == 0 {
            println!(
                "after {} cycles: {}",
                cycle + 1,
                summary(&acks, &gallery, ready, cycle + 1, started)
            );
        }
    }
    let known = acks.lock().unwrap().all.clone();
    check_acknowledged(&Clients::new(server.port, &tokens), &known, &known).await;
    println!(
        "crash cycles: {cycles}, {}",
        summary(&acks, &gallery, ready, cycles, started)
    );
}

/// The figures of the cycles run so far.
fn summary(
    acks: &Mutex<Acks>,
    gallery: &GallerySeen,
    ready: Duration,
    cycles: u64,
    started: Instant,
) -> String {
    let acks = acks.lock().unwrap();
    let known = &acks.all;
    let count = |kind: fn(&Ack) -> bool| known.iter().filter(|ack| kind(ack)).count();
    let mut latencies = acks.latencies.clone();
    latencies.sort_unstable();
    let first_ack = latencies.first().copied().unwrap_or_default();
    let median = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or_default();
    format!(
        "acknowledged writes: {} (requests {}, registrations {}, consents {}, \
         releases {}, publications {}), lost: 0, half-written visible: 0, \
         unowned media files not served: {}, audit chain intact after every kill, \
         mean start {:.0} ms, acknowledgements at {first_ack}/{median} ms (first/median) \
         after the clients started, in {:.1} s",
        known.len(),
        count(|ack| matches!(ack, Ack::Request { .. })),
        count(|ack| matches!(ack, Ack::Registration { .. })),
        count(|ack| matches!(ack, Ack::Consent { .. })),
        count(|ack| matches!(ack, Ack::Release { .. })),
        count(|ack| matches!(ack, Ack::Publication { .. })),
        gallery.orphans,
        ready.as_secs_f64() * 1000.0 / cycles.max(1) as f64,
        started.elapsed().as_secs_f64()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_servers_keep_every_acknowledged_write_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("data/retrace.db").display());
    let cycles = env_number("RETRACE_CRASH_CYCLES", 4);
    kill_cycles(
        dir.path(),
        &url,
        cycles,
        env_number("RETRACE_CRASH_SEED", 19),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_servers_keep_every_acknowledged_write_on_postgres() {
    let _keys = crate::FIELD_KEYS.read().await;
    let Some(store) = fresh_postgres().await else {
        return;
    };
    let url = store.dialect().url_for_tests().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cycles = env_number("RETRACE_CRASH_CYCLES", 4);
    kill_cycles(
        dir.path(),
        &url,
        cycles,
        env_number("RETRACE_CRASH_SEED", 19),
    )
    .await;
    test_support::remove_for_tests(store).await;
}
