//! Trace the Face demo data: small tracing requests whose enquirers agreed
//! to publication, each published with a generated portrait (a geometric
//! silhouette drawn in code: no real face, no photograph).

use anyhow::Context;
use rand::RngCore;
use retrace_app::media::{MediaStore, new_token};
use retrace_app::photo::demo_photo;
use retrace_domain::{
    Circumstances, Clock, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, Email,
    GalleryReference, LastNews, NameKind, NewConsent, PersonDetails, PersonName, Region,
    Relationship, SeparationContext, Sex, SharingScope, SystemClock,
};
use retrace_store::{AuditContext, MediaTokens, NewGalleryEntry, NewRequest, OrgScope, Store};
use std::path::Path;

/// How many entries the demo publishes; `RETRACE_DEMO_GALLERY_ENTRIES`
/// raises it for benchmarks (`bench/gallery.sh` loads 10,000).
pub const ENTRIES: usize = 24;

fn entries() -> usize {
    std::env::var("RETRACE_DEMO_GALLERY_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ENTRIES)
}

/// Distinct portraits drawn; larger demos reuse them under new file names.
const PORTRAITS: u64 = 48;

const ORGS: [&str; 3] = ["redcross-be", "redcross-fr", "icrc-lb"];

const SOUGHT: [&[Relationship]; 8] = [
    &[Relationship::Brother],
    &[Relationship::Mother, Relationship::Father],
    &[Relationship::Sister],
    &[Relationship::Son],
    &[Relationship::Husband],
    &[Relationship::Daughter, Relationship::Son],
    &[Relationship::Cousin],
    &[Relationship::Wife],
];

const REGIONS: [Option<Region>; 6] = [
    Some(Region::WesternEurope),
    Some(Region::EastAfrica),
    Some(Region::MiddleEast),
    None,
    Some(Region::NorthAfrica),
    Some(Region::SouthernEurope),
];

fn person(name: &str) -> anyhow::Result<PersonDetails> {
    Ok(PersonDetails::new(
        vec![PersonName::simple(name, NameKind::Birth)?],
        Sex::Unknown,
    )?)
}

/// Publishes the demo entries. Called by `demo::load` on an empty database.
pub async fn load(store: &dyn Store, media_dir: &Path) -> anyhow::Result<usize> {
    let media = MediaStore::new(media_dir);
    let count = entries();
    let mut portraits = std::collections::HashMap::new();
    for index in 0..count {
        let slug = ORGS
            .get(index % ORGS.len())
            .copied()
            .unwrap_or("redcross-be");
        let caseworker = store
            .user_by_email(&Email::parse(&format!("caseworker@{slug}.example"))?)
            .await?
            .context("demo: the caseworker account is missing")?;
        let retrace_store::Membership::Member { org, .. } = caseworker.membership else {
            anyhow::bail!("demo: the caseworker has no organisation");
        };
        let scope = OrgScope::new(org);
        let audit = AuditContext {
            at: SystemClock.now(),
            actor: Some(caseworker.id),
            org: Some(org),
            purpose: Some("demo data".to_owned()),
        };
        let relationships = SOUGHT.get(index % SOUGHT.len()).copied().unwrap_or(&[]);
        let n = index + 1;
        let request = store
            .create_request(
                &audit,
                &scope,
                &NewRequest {
                    enquirer: person(&format!("Demo Enquirer {n:02}"))?,
                    sought: relationships
                        .iter()
                        .enumerate()
                        .map(|(i, r)| Ok((*r, person(&format!("Demo Sought {n:02}-{}", i + 1))?)))
                        .collect::<anyhow::Result<_>>()?,
                    circumstances: Circumstances {
                        context: SeparationContext::Migration,
                        date: None,
                        place: None,
                        countries_transited: Vec::new(),
                        last_news: LastNews {
                            date: None,
                            place: None,
                            source: None,
                        },
                        narrative: None,
                    },
                },
            )
            .await?;
        store
            .record_consent(
                &audit,
                &scope,
                request.enquirer.id,
                &NewConsent {
                    purpose: ConsentPurpose::Publication,
                    basis: ConsentBasis::Consent {
                        given_by: ConsentGiver::Person,
                        method: ConsentMethod::Written,
                    },
                    scope: SharingScope::default(),
                    note: None,
                },
            )
            .await?;
        let seed = (n as u64) % PORTRAITS + 1;
        let photo = match portraits.get(&seed) {
            Some(photo) => photo,
            None => {
                let drawn = demo_photo(0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(seed))?;
                portraits.entry(seed).or_insert(drawn)
            }
        };
        let tokens = MediaTokens {
            photo: new_token(),
            thumbnail: new_token(),
        };
        media.write(&tokens.photo, &photo.photo).await?;
        media.write(&tokens.thumbnail, &photo.thumbnail).await?;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let reference =
            GalleryReference::from_random_bytes(&bytes).context("demo: no random reference")?;
        store
            .create_gallery_entry(
                &audit,
                &scope,
                &NewGalleryEntry {
                    request: request.id,
                    reference,
                    relationships: relationships.to_vec(),
                    region: REGIONS.get(index % REGIONS.len()).copied().flatten(),
                    media: tokens,
                },
            )
            .await?;
    }
    Ok(count)
}
