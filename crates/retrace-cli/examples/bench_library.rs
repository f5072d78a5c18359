//! The directory and the library at scale on SQLite or PostgreSQL: loads generated
//! directory entries and documents (built from the demo's texts in five
//! languages, each document a different mix of sentences and rare words),
//! reports indexing throughput and the database size, then measures:
//!
//! (a) library search: one word, two words, Arabic, French with accents,
//!     a query with quotes and operators, a rare word, one letter, with and
//!     without a language filter, for the public and for a member;
//! (b) directory search with filters: country, city, service, language,
//!     open now, free text (among it one letter, short beginnings of several
//!     words of the same entries, and two digits that begin more words than
//!     the search walks one by one), and all of them at once.
//!
//! ```sh
//! cargo run --release -p retrace-cli --example bench_library -- [DOCUMENTS] [ENTRIES] [ITERATIONS] [DIR|URL]
//! ```
//!
//! The database goes to DIR (default /tmp/bench-library, a SQLite file,
//! reused when it already holds the data), or to the PostgreSQL database
//! at URL (`postgres://…`, reused the same way; its size is not measured
//! here: ask `pg_database_size`). Figures go to BENCHMARKS.md.

#[allow(
    dead_code,
    reason = "the benchmark uses the generators, not the loader"
)]
#[path = "../src/demo_directory.rs"]
mod demo_directory;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use retrace_domain::directory::{LanguageCode, Service};
use retrace_domain::library::fold;
use retrace_domain::library::{DocumentFormat, SearchQuery, TextLanguage};
use retrace_domain::{Clock, CountryCode, OrgKind, OrgName, SystemClock, Text};
use retrace_store::{
    AuditContext, DirectoryFilter, DocumentMeta, LibraryFilter, LibrarySort, NewDocument,
    NewOrganisation, OrgScope, Store, Viewer,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut number = |default: usize| -> anyhow::Result<usize> {
        Ok(args
            .next()
            .map(|a| a.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let documents = number(100_000)?;
    let entries = number(100_000)?;
    let iterations = number(200)?;
    let target = std::env::args()
        .nth(4)
        .unwrap_or_else(|| "/tmp/bench-library".to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let (store, dir): (Arc<dyn Store>, Option<std::path::PathBuf>) =
                if target.starts_with("postgres://") || target.starts_with("postgresql://") {
                    let store = retrace_store_postgres::open(&target).await?;
                    store.migrate().await?;
                    (Arc::new(store), None)
                } else {
                    let dir = std::path::PathBuf::from(&target);
                    std::fs::create_dir_all(&dir)?;
                    let url = format!("sqlite://{}", dir.join("bench.db").display());
                    let store = retrace_store_sqlite::open_for_bulk_load(&url).await?;
                    store.migrate().await?;
                    (Arc::new(store), Some(dir))
                };
            run(
                store.as_ref(),
                dir.as_deref(),
                documents,
                entries,
                iterations,
            )
            .await
        })
}

fn report(label: &str, samples: &mut [Duration], found: u64) {
    samples.sort();
    let at = |q: f64| -> f64 {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(index)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default()
    };
    println!(
        "{label:<46} found {found:>6}  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

fn size_of(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The sentences of the demo's documents, by language.
fn sentences() -> anyhow::Result<Vec<(TextLanguage, Vec<String>)>> {
    let mut by_language: Vec<(TextLanguage, Vec<String>)> =
        TextLanguage::ALL.iter().map(|l| (*l, Vec::new())).collect();
    for document in demo_directory::documents()? {
        let text = document.text.unwrap_or_default();
        if let Some((_, pool)) = by_language
            .iter_mut()
            .find(|(l, _)| *l == document.meta.language)
        {
            pool.extend(
                text.split(['.', '\n', '؛', '،'])
                    .map(str::trim)
                    .filter(|s| s.split_whitespace().count() > 3)
                    .map(str::to_owned),
            );
        }
    }
    Ok(by_language)
}

async fn run(
    store: &dyn Store,
    dir: Option<&std::path::Path>,
    documents: usize,
    entries: usize,
    iterations: usize,
) -> anyhow::Result<()> {
    let now = SystemClock.now();
    let audit = AuditContext::system(now, "benchmark");
    let org = match store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.name.as_str() == "Library bench")
    {
        Some(org) => org,
        None => {
            store
                .create_organisation(
                    &audit,
                    &NewOrganisation {
                        name: OrgName::parse("Library bench")?,
                        kind: OrgKind::Ngo,
                        country: CountryCode::parse("BE")?,
                    },
                )
                .await?
        }
    };
    let scope = OrgScope::new(org.id);
    let member = Viewer::Member(scope);
    let mut rng = StdRng::seed_from_u64(12);

    // Documents.
    let everything = LibraryFilter {
        query: None,
        document_type: None,
        language: None,
        country: None,
        theme: None,
        sort: LibrarySort::Newest,
        limit: 1,
        offset: 0,
    };
    // Counts stop past 1,000 (`LIBRARY_COUNT_LIMIT`): a database that holds
    // documents is taken as loaded by an earlier run.
    let (_, found) = store.search_library(&member, &everything).await?;
    let already = if found > 0 { documents } else { 0 };
    let templates = demo_directory::documents()?;
    let pools = sentences()?;
    let started = Instant::now();
    let mut text_bytes = 0usize;
    for i in already..documents {
        let template = templates
            .get(i % templates.len())
            .ok_or_else(|| anyhow::anyhow!("no template"))?;
        let language = template.meta.language;
        let pool = pools
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, p)| p.as_slice())
            .unwrap_or_default();
        let mut text = String::new();
        for _ in 0..8 {
            if let Some(sentence) = pool.choose(&mut rng) {
                text.push_str(sentence);
                text.push_str(". ");
            }
            // A rare word: about one document in 5,000 has each.
            text.push_str(&format!("kx{} ", rng.gen_range(0..20_000)));
        }
        text_bytes += text.len();
        let mut meta: DocumentMeta = template.meta.clone();
        meta.title = Text::parse(
            "title",
            &format!("{} #{i}", meta.title.as_str()),
            300,
            false,
        )?;
        store
            .upload_document(
                &audit,
                &scope,
                &NewDocument {
                    meta,
                    file_name: format!("doc-{i}.txt"),
                    format: DocumentFormat::Txt,
                    bytes: text.clone().into_bytes(),
                    text: Some(text),
                },
            )
            .await?;
        if (i + 1) % 20_000 == 0 {
            println!(
                "  {} documents in {:.0} s",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let loaded = documents.saturating_sub(already);
    if loaded > 0 {
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "indexed {loaded} documents ({:.1} MB of text) in {seconds:.1} s: {:.0} documents/s",
            text_bytes as f64 / 1e6,
            loaded as f64 / seconds
        );
    }

    // Directory entries.
    let all_entries = DirectoryFilter {
        country: None,
        city: None,
        kind: None,
        service: None,
        language: None,
        open_at: None,
        text: None,
        limit: 1,
        offset: 0,
    };
    let (_, found) = store.search_directory(&member, &all_entries).await?;
    let already = if found > 0 { entries } else { 0 };
    let base = demo_directory::entries()?;
    let started = Instant::now();
    for i in already..entries {
        let (_, details) = base
            .get(i % base.len())
            .ok_or_else(|| anyhow::anyhow!("no entry"))?;
        let mut details = details.clone();
        details.name = Text::parse(
            "name",
            &format!("{} {i}", details.name.as_str()),
            300,
            false,
        )?;
        store
            .create_directory_entry(&audit, &scope, &details)
            .await?;
    }
    let loaded = entries.saturating_sub(already);
    if loaded > 0 {
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "stored {loaded} directory entries in {seconds:.1} s: {:.0} entries/s",
            loaded as f64 / seconds
        );
    }
    if let Some(dir) = dir {
        println!(
            "database with its indexes: {:.1} MB ({})",
            size_of(dir) as f64 / 1e6,
            dir.display()
        );
    }

    // Library search.
    let queries: [(&str, &str, TextLanguage, Option<TextLanguage>); 10] = [
        ("one word", "trafficking", TextLanguage::En, None),
        (
            "two words",
            "victims identification",
            TextLanguage::En,
            None,
        ),
        ("Arabic", "حماية الأطفال", TextLanguage::En, None),
        (
            "French with accents",
            "réunification familiale",
            TextLanguage::Fr,
            None,
        ),
        (
            "French without accents",
            "reunification familiale",
            TextLanguage::Fr,
            None,
        ),
        (
            "quotes and operators",
            "\"forced labour\" AND -(inspectors) OR",
            TextLanguage::En,
            None,
        ),
        ("rare word", "kx4242", TextLanguage::En, None),
        (
            "one word, language filter",
            "victimes",
            TextLanguage::Fr,
            Some(TextLanguage::Fr),
        ),
        ("Russian", "беженцы", TextLanguage::En, None),
        ("one letter (s)", "s", TextLanguage::En, None),
    ];
    let mut filters = Vec::new();
    for (label, q, reader, language) in &queries {
        filters.push((
            (*label).to_owned(),
            LibraryFilter {
                query: Some(SearchQuery::parse(q, *reader)?),
                document_type: None,
                language: *language,
                country: None,
                theme: None,
                sort: LibrarySort::Relevance,
                limit: 20,
                offset: 0,
            },
        ));
    }
    let one_word = filters
        .first()
        .map(|(_, f)| f.clone())
        .ok_or_else(|| anyhow::anyhow!("no query"))?;
    filters.push((
        "one word, country + type filters".to_owned(),
        LibraryFilter {
            country: Some(CountryCode::parse("FR")?),
            document_type: Some(retrace_domain::library::DocumentType::Guideline),
            ..one_word.clone()
        },
    ));
    filters.push((
        "one word, page 5".to_owned(),
        LibraryFilter {
            offset: 80,
            ..one_word.clone()
        },
    ));
    filters.push((
        "one word, newest first".to_owned(),
        LibraryFilter {
            sort: LibrarySort::Newest,
            ..one_word
        },
    ));
    for (viewer_label, viewer) in [("public", Viewer::Public), ("member", member)] {
        for (label, filter) in &filters {
            let mut samples = Vec::with_capacity(iterations);
            let mut found = 0;
            for _ in 0..iterations {
                let started = Instant::now();
                let (_, total) = store.search_library(&viewer, filter).await?;
                samples.push(started.elapsed());
                found = total;
            }
            report(
                &format!("library {viewer_label}: {label}"),
                &mut samples,
                found,
            );
        }
    }
    let mut newest = everything.clone();
    newest.limit = 20;
    let mut samples = Vec::with_capacity(iterations);
    let mut found = 0;
    for _ in 0..iterations {
        let started = Instant::now();
        found = store.search_library(&Viewer::Public, &newest).await?.1;
        samples.push(started.elapsed());
    }
    report(
        "library public: no words (newest first)",
        &mut samples,
        found,
    );

    // Directory search.
    let be = CountryCode::parse("BE")?;
    let minute = retrace_domain::directory::utc_week_minute(now);
    // Monday 00:30 UTC: only the entries open day and night are open (the
    // quiet hour); Monday 10:30 UTC: every entry is open (the busy hour).
    let (quiet, busy) = (30, 10 * 60 + 30);
    let directory_filters: [(&str, DirectoryFilter); 20] = [
        (
            "country",
            DirectoryFilter {
                country: Some(be),
                ..all_entries.clone()
            },
        ),
        (
            "country + city",
            DirectoryFilter {
                country: Some(be),
                city: Some(fold("Brussels")),
                ..all_entries.clone()
            },
        ),
        (
            "service",
            DirectoryFilter {
                service: Some(Service::Accommodation),
                ..all_entries.clone()
            },
        ),
        (
            "language",
            DirectoryFilter {
                language: Some(LanguageCode::parse("ar")?),
                ..all_entries.clone()
            },
        ),
        (
            "open now",
            DirectoryFilter {
                open_at: Some(minute),
                ..all_entries.clone()
            },
        ),
        (
            "text",
            DirectoryFilter {
                text: Some(fold("house")),
                ..all_entries.clone()
            },
        ),
        (
            "text, rare (about 10 entries)",
            DirectoryFilter {
                text: Some(fold("4242")),
                ..all_entries.clone()
            },
        ),
        (
            "text, two words: common + rare",
            DirectoryFilter {
                text: Some(fold("house 4242")),
                ..all_entries.clone()
            },
        ),
        (
            "text, two common words",
            DirectoryFilter {
                text: Some(fold("safe house")),
                ..all_entries.clone()
            },
        ),
        (
            "text, a word's beginning (hous)",
            DirectoryFilter {
                text: Some(fold("hous")),
                ..all_entries.clone()
            },
        ),
        (
            "text, one letter (s)",
            DirectoryFilter {
                text: Some(fold("s")),
                ..all_entries.clone()
            },
        ),
        (
            "text, one letter that is a word (d, 3,206 entries)",
            DirectoryFilter {
                text: Some(fold("d")),
                ..all_entries.clone()
            },
        ),
        (
            "text, one letter and a word (s house)",
            DirectoryFilter {
                text: Some(fold("s house")),
                ..all_entries.clone()
            },
        ),
        (
            "text, two letters beginning 10 words (ال)",
            DirectoryFilter {
                text: Some(fold("ال")),
                ..all_entries.clone()
            },
        ),
        (
            "text, article + letter beginning 3 words (الم)",
            DirectoryFilter {
                text: Some(fold("الم")),
                ..all_entries.clone()
            },
        ),
        (
            "text, two digits beginning 1,100 words (10)",
            DirectoryFilter {
                text: Some(fold("10")),
                ..all_entries.clone()
            },
        ),
        (
            "text, two letters beginning 5 words (pr)",
            DirectoryFilter {
                text: Some(fold("pr")),
                ..all_entries.clone()
            },
        ),
        (
            "open now, quiet hour (Mon 00:30 UTC)",
            DirectoryFilter {
                open_at: Some(quiet),
                ..all_entries.clone()
            },
        ),
        (
            "open now, busy hour (Mon 10:30 UTC)",
            DirectoryFilter {
                open_at: Some(busy),
                ..all_entries.clone()
            },
        ),
        (
            "country + city + service + language + open now",
            DirectoryFilter {
                country: Some(be),
                city: Some(fold("Brussels")),
                service: Some(Service::Accommodation),
                language: Some(LanguageCode::parse("fr")?),
                open_at: Some(minute),
                ..all_entries.clone()
            },
        ),
    ];
    for (viewer_label, viewer) in [("public", Viewer::Public), ("member", member)] {
        for (label, filter) in &directory_filters {
            let filter = DirectoryFilter {
                limit: 20,
                ..filter.clone()
            };
            let mut samples = Vec::with_capacity(iterations);
            let mut found = 0;
            for _ in 0..iterations {
                let started = Instant::now();
                found = store.search_directory(&viewer, &filter).await?.1;
                samples.push(started.elapsed());
            }
            report(
                &format!("directory {viewer_label}: {label}"),
                &mut samples,
                found,
            );
        }
    }
    Ok(())
}
