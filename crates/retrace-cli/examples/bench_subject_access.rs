//! The subject-access export (issue 16, item 3) against a large audit log
//! on SQLite: one request with its enquirer, then ENTRIES audit entries
//! about other records (and one view of the enquirer in every thousand),
//! then ITERATIONS exports of the enquirer (`PrivacyStore::subject_access`:
//! every read, the audit entries about the person found by a scan of the
//! log, and the appended `subject_access_exported`).
//!
//! ```sh
//! cargo run -p retrace-cli --example bench_subject_access -- [ENTRIES] [ITERATIONS]
//! ```
//!
//! The database goes to a temporary directory. Figures go to BENCHMARKS.md.

use retrace_domain::{
    AuditAction, Circumstances, CountryCode, DisplayName, Email, NameKind, ObjectKind, OrgKind,
    OrgName, PersonDetails, PersonName, RegistrationKind, Role, RoleSet, SeparationContext, Sex,
    Timestamp,
};
use retrace_store::{
    AuditContext, AuditEvent, Membership, NewOrganisation, NewRequest, NewUser, OrgScope,
    PrivacyStore, Store, TracingStore,
};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    retrace_store::crypto::install(
        retrace_store::crypto::Keyring::derived(&retrace_store::crypto::SecretKey::from_bytes(
            [7; 32],
        )),
        None,
    );
    let mut args = std::env::args().skip(1);
    let entries: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let iterations: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(entries, iterations))
}

fn details(name: &str) -> anyhow::Result<PersonDetails> {
    Ok(PersonDetails::new(
        vec![PersonName::simple(name, NameKind::Birth)?],
        Sex::Female,
    )?)
}

async fn run(entries: usize, iterations: usize) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let url = format!("sqlite://{}", temp.path().join("bench.db").display());
    let store = retrace_store_sqlite::open(&url).await?;
    store.migrate().await?;
    let start = Timestamp::from_millis(1_800_000_000_000);
    let system = AuditContext::system(start, "benchmark");
    let org = store
        .create_organisation(
            &system,
            &NewOrganisation {
                name: OrgName::parse("Bench Red Cross")?,
                kind: OrgKind::NationalSociety,
                country: CountryCode::parse("BE")?,
            },
        )
        .await?;
    let user = store
        .create_user(
            &system,
            &NewUser {
                email: Email::parse("admin@bench.example")?,
                display_name: DisplayName::parse("Administrator")?,
                membership: Membership::Member {
                    org: org.id,
                    roles: RoleSet::single(Role::OrgAdmin),
                },
                password_hash: "not-a-hash".to_owned(),
            },
        )
        .await?;
    let scope = OrgScope::new(org.id);
    let acting = |millis: i64| AuditContext {
        at: Timestamp::from_millis(start.as_millis() + millis),
        actor: Some(user.id),
        org: Some(org.id),
        purpose: Some("benchmark".to_owned()),
    };
    let request = store
        .create_request(
            &acting(1),
            &scope,
            &NewRequest {
                enquirer: details("Enquirer Bench")?,
                sought: vec![(
                    retrace_domain::Relationship::Brother,
                    details("Sought Bench")?,
                )],
                circumstances: Circumstances {
                    context: SeparationContext::Migration,
                    date: None,
                    place: None,
                    countries_transited: Vec::new(),
                    last_news: retrace_domain::LastNews {
                        date: None,
                        place: None,
                        source: None,
                    },
                    narrative: None,
                },
            },
        )
        .await?;
    let enquirer = request.enquirer.id;
    let other = store
        .create_registration(
            &acting(2),
            &scope,
            RegistrationKind::Safe,
            &details("Other Bench")?,
            None,
        )
        .await?;
    let filling = Instant::now();
    for n in 0..entries {
        let object = if n % 1000 == 0 { enquirer } else { other.id };
        store
            .append_audit(
                &acting(10 + n as i64),
                &AuditEvent {
                    action: AuditAction::PersonViewed,
                    object_kind: ObjectKind::Person,
                    object_id: object.to_string(),
                },
            )
            .await?;
    }
    println!(
        "{entries} audit entries written in {:.1} s",
        filling.elapsed().as_secs_f64()
    );
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations);
    let mut seen = 0;
    for n in 0..iterations {
        let began = Instant::now();
        let access = store
            .subject_access(&acting(10 + (entries + n) as i64), &scope, enquirer)
            .await?;
        samples.push(began.elapsed());
        seen = access.seen_by.len();
    }
    samples.sort();
    let ms = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(index)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default()
    };
    println!(
        "subject_access over {entries} entries ({seen} about the person): n={iterations} p50 {:.1} ms  p95 {:.1} ms  max {:.1} ms",
        ms(0.5),
        ms(0.95),
        ms(1.0)
    );
    Ok(())
}
