//! Crash safety: a server and several clients sending acknowledged writes
//! (requests, registrations, consents), the server killed with SIGKILL at
//! a random moment, restarted, and checked after each restart: every
//! acknowledged write is there, no registration is visible without its
//! consent, the audit chain verifies, and the candidates the matching index
//! computes from the database are stored (a registration named like an
//! acknowledged sought person of the same organisation is its candidate).
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
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a client was told was stored.
#[derive(Debug, Clone)]
enum Ack {
    /// A request with its sought person's name and id.
    Request {
        id: String,
        sought: String,
        name: String,
    },
    /// A registration (with its consent) named `name`.
    Registration { id: String, name: String },
    /// A consent recorded on a person.
    Consent { person: String, id: String },
}

#[derive(Default)]
struct Acks {
    all: Vec<Ack>,
    /// Names of sought persons a registration was sent for.
    registered: std::collections::HashSet<String>,
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

/// A distinct full name and birth year: every sought person is named
/// unlike the others, so its own registration is its best candidate.
fn distinct_name(rng: &mut StdRng) -> (String, u32) {
    let pick = |rng: &mut StdRng, list: &[&'static str]| list[rng.gen_range(0..list.len())];
    let name = format!(
        "{} {} {}",
        pick(rng, &GIVEN),
        pick(rng, &GIVEN),
        pick(rng, &FAMILY)
    );
    (name, rng.gen_range(1940..2010))
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// One client's writes until the server stops answering.
async fn client_loop(port: u16, token: String, client: usize, acks: Arc<Mutex<Acks>>, seed: u64) {
    let api = Client::with_bearer(port, &token);
    let mut rng = StdRng::seed_from_u64(seed);
    for n in 0.. {
        let choice = rng.gen_range(0..10);
        let (known, unregistered): (Vec<Ack>, Vec<Ack>) = {
            let acks = acks.lock().unwrap();
            let unregistered = acks
                .all
                .iter()
                .filter(|ack| {
                    matches!(ack, Ack::Request { name, .. } if !acks.registered.contains(name))
                })
                .cloned()
                .collect();
            (acks.all.clone(), unregistered)
        };
        let requests: Vec<&Ack> = known
            .iter()
            .filter(|ack| matches!(ack, Ack::Request { .. }))
            .collect();
        let outcome = if choice < 4
            || requests.is_empty()
            || (choice < 7 && unregistered.is_empty())
        {
            let (sought_name, year) = distinct_name(&mut rng);
            let name = format!("{sought_name} {year}");
            let body = format!(
                r#"{{"enquirer":{{"names":["Enquirer {client} {n}"]}},"vital_interest":true,
                   "sought":[{{"relationship":"son","person":{{"names":["{sought_name}"],"birth_date":"{year}"}}}}],
                   "circumstances":{{"context":"conflict"}}}}"#
            );
            api.try_send(
                "POST",
                "/api/v1/requests",
                Some("application/json"),
                body.as_bytes(),
            )
            .await
            .map(|response| {
                (response.status == 201).then(|| {
                    let json = response.json();
                    Ack::Request {
                        id: json["id"].as_str().unwrap_or_default().to_owned(),
                        sought: json["sought"][0]["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        name,
                    }
                })
            })
        } else if choice < 7 {
            let Some(Ack::Request { name, .. }) =
                unregistered.get(rng.gen_range(0..unregistered.len()))
            else {
                continue;
            };
            acks.lock().unwrap().registered.insert(name.clone());
            let (person_name, year) = name.rsplit_once(' ').unwrap_or((name.as_str(), "1990"));
            let body = format!(
                r#"{{"kind":"safe","person":{{"names":["{person_name}"],"birth_date":"{year}"}},"consent_method":"oral"}}"#
            );
            let name = name.clone();
            api.try_send(
                "POST",
                "/api/v1/registrations",
                Some("application/json"),
                body.as_bytes(),
            )
            .await
            .map(|response| {
                (response.status == 201).then(|| Ack::Registration {
                    id: response.json()["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    name,
                })
            })
        } else {
            let Some(Ack::Request { sought, .. }) =
                requests.get(rng.gen_range(0..requests.len())).copied()
            else {
                continue;
            };
            let path = format!("/api/v1/persons/{sought}/consents");
            let body = r#"{"purpose":"sharing","basis":"vital_interest","countries":["FR"]}"#;
            let person = sought.clone();
            api.try_send("POST", &path, Some("application/json"), body.as_bytes())
                .await
                .map(|response| {
                    (response.status == 201).then(|| Ack::Consent {
                        person,
                        id: response.json()["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    })
                })
        };
        match outcome {
            Ok(Some(ack)) => acks.lock().unwrap().all.push(ack),
            // Refused or cut off mid-answer: not acknowledged.
            Ok(None) => {
                if std::env::var_os("RETRACE_CRASH_DEBUG").is_some() {
                    eprintln!("not acknowledged");
                }
            }
            // The server is gone.
            Err(error) => {
                if std::env::var_os("RETRACE_CRASH_DEBUG").is_some() {
                    eprintln!("client {client} stops: {error}");
                }
                return;
            }
        }
    }
}

/// Checks the acknowledged writes `to_check` through the restarted
/// server; `all` names the sought persons the registrations match.
async fn check_acknowledged(port: u16, token: &str, to_check: &[Ack], all: &[Ack]) {
    let api = Client::with_bearer(port, token);
    let sought_by_name: std::collections::HashMap<&str, &str> = all
        .iter()
        .filter_map(|ack| match ack {
            Ack::Request { sought, name, .. } => Some((name.as_str(), sought.as_str())),
            _ => None,
        })
        .collect();
    for ack in to_check {
        match ack {
            Ack::Request { id, sought, .. } => {
                let response = api.get(&format!("/api/v1/requests/{id}")).await;
                assert_eq!(response.status, 200, "request {id} lost: {}", response.body);
                assert_eq!(
                    response.json()["sought"][0]["id"].as_str(),
                    Some(sought.as_str()),
                    "request {id} without its sought person"
                );
            }
            Ack::Registration { id, .. } => {
                let response = api.get(&format!("/api/v1/persons/{id}")).await;
                assert_eq!(response.status, 200, "registration {id} lost");
            }
            Ack::Consent { person, id } => {
                let response = api.get(&format!("/api/v1/persons/{person}/consents")).await;
                assert!(
                    response.body.contains(id.as_str()),
                    "consent {id} lost: {}",
                    response.body
                );
            }
        }
    }
    // Every registration the server lists (acknowledged or not) carries
    // its consent: nothing half-written is visible.
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
    // The candidates agree with the database: each acknowledged
    // registration is a candidate of the sought person it is named after.
    for ack in to_check {
        if let Ack::Registration { id, name } = ack
            && let Some(sought) = sought_by_name.get(name.as_str())
        {
            let response = api
                .get(&format!("/api/v1/persons/{sought}/candidates"))
                .await;
            assert!(
                response.body.contains(id.as_str()),
                "registration {id} is not a candidate of {sought}: {}",
                response.body
            );
        }
    }
}

/// Runs the kill cycles on the database at `url` in `dir`.
async fn kill_cycles(dir: &Path, url: &str, cycles: u64, seed: u64) {
    let password = org_and_caseworker(dir, url, "Crash Red Cross", "case@crash.example");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut server = Server::start(dir, url).await;
    let browser = Client::new(server.port);
    browser.sign_in("case@crash.example", &password).await;
    let token = browser.api_token().await;
    let acks = Arc::new(Mutex::new(Acks::default()));
    let started = Instant::now();
    let mut checked = 0;
    for cycle in 0..cycles {
        let clients: Vec<_> = (0..3)
            .map(|client| {
                tokio::spawn(client_loop(
                    server.port,
                    token.clone(),
                    client,
                    acks.clone(),
                    seed.wrapping_mul(1000)
                        .wrapping_add(cycle * 10 + client as u64),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..600))).await;
        server.kill();
        for client in clients {
            client.await.unwrap();
        }
        let verify = retrace(dir, &["--database-url", url, "admin", "verify-audit"]);
        assert!(
            verify.status.success() && text(&verify).contains("audit chain intact"),
            "cycle {cycle}: {}",
            text(&verify)
        );
        server = Server::start(dir, url).await;
        // This cycle's writes, and a sample of the earlier ones (each was
        // checked after its own cycle; all are checked at the end).
        let known = acks.lock().unwrap().all.clone();
        let mut to_check = known[checked..].to_vec();
        for _ in 0..checked.min(20) {
            to_check.push(known[rng.gen_range(0..checked)].clone());
        }
        check_acknowledged(server.port, &token, &to_check, &known).await;
        checked = known.len();
    }
    let known = acks.lock().unwrap().all.clone();
    check_acknowledged(server.port, &token, &known, &known).await;
    let total = acks.lock().unwrap().all.len();
    println!(
        "crash cycles: {cycles}, acknowledged writes: {total}, lost: 0, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
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
