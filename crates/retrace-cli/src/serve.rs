//! `retrace serve`: the web server, with the demo data on request.

use crate::settings::{LogFormat, Settings, load_or_create_secret_key};
use crate::{demo, store};
use anyhow::Context;
use retrace_app::cluster::Recovery;
use retrace_app::snapshot::{MatchingStart, SnapshotDue};
use retrace_domain::{Clock, SystemClock};
use retrace_web::{AppState, WebConfig};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tracing_subscriber::EnvFilter;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to bind, e.g. 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The public https:// address when behind a TLS proxy.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// The SMTP relay for e-mail digests, e.g. smtps://user@relay.example.org
    /// (also RETRACE_SMTP_URL; the password may come from
    /// RETRACE_SMTP_PASSWORD). Unset, no e-mail is sent.
    #[arg(long, value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The sender of e-mail digests, e.g. "retrace <retrace@example.org>".
    #[arg(long, value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// Load the demo organisations and accounts when the database is empty.
    #[arg(long)]
    pub demo: bool,
}

/// How often due e-mail digests are looked for.
const DIGEST_POLL: Duration = Duration::from_secs(5 * 60);

/// How often a snapshot of the matching index is written (when persons
/// changed).
const SNAPSHOT_EVERY: Duration = Duration::from_secs(10 * 60);

/// How often the change outbox is read when no notification came.
const FOLLOW_POLL: Duration = Duration::from_secs(2);

/// How often the candidate recovery after start logs its progress.
const RECOVERY_LOG: Duration = Duration::from_secs(10);

pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (in tests) is harmless: keep the first.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub async fn run(settings: &Settings, args: &ServeArgs) -> anyhow::Result<std::process::ExitCode> {
    let started = Instant::now();
    let secret_key = load_or_create_secret_key(&settings.secret_key_path())?;
    let store = store::open(settings).await?;
    let demo_sign_ins = if args.demo {
        if store.as_store().organisations().await?.is_empty() {
            Some(demo::load_into(settings, &store).await?)
        } else if demo::is_loaded(store.as_store()).await? {
            Some(demo::Loaded::already_present())
        } else {
            None
        }
    } else {
        None
    };

    let mut config = WebConfig::new(secret_key);
    config.secure_cookies = settings.secure_cookies();
    config.session_idle = Duration::from_secs(u64::from(settings.session_idle_minutes) * 60);
    config.session_absolute =
        Duration::from_secs(u64::from(settings.session_absolute_hours) * 3600);
    config.sign_in_attempts_per_client = settings.sign_in_attempts_per_client;
    config.media_dir = settings.media_dir();
    config.public_url = settings.browse_url();
    config.gallery_pages_per_client = settings.gallery_requests_per_client;
    config.gallery_images_per_client = settings.gallery_requests_per_client.saturating_mul(5);
    config.metrics_token = settings
        .metrics_token
        .as_ref()
        .map(|token| retrace_web::MetricsToken::new(token.expose()));
    config.trusted_proxies = settings.trusted_proxies()?;
    // Several servers may share a PostgreSQL database: their rate limits
    // count there (docs/adr/0019-several-servers-one-database.md).
    config.shared_rate_limits = matches!(store, store::OpenStore::Postgres(_));
    config.retention = settings.retention_rules()?;
    let mailer = settings.mailer()?;
    config.digest_enabled = mailer.is_some();
    let idle = config.session_idle;
    let absolute = config.session_absolute;

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let shared = store.shared();
    let state = AppState::new(shared.clone(), clock.clone(), config);
    // The matching index starts from its snapshot when there is a usable
    // one, replaying the changes made since (issue 17), else from the
    // database.
    let snapshot_path = settings.matching_snapshot_path();
    match state
        .app
        .start_matching(&snapshot_path)
        .await
        .context("database_url: cannot read the persons for the matching index")?
    {
        MatchingStart::Restored {
            persons,
            position,
            replayed,
            restore_ms,
            replay_ms,
        } => tracing::info!(
            persons,
            position,
            replayed,
            restore_ms,
            replay_ms,
            "matching index restored from snapshot in {restore_ms} ms, replayed the changes of {replayed} persons in {replay_ms} ms"
        ),
        MatchingStart::Built {
            persons,
            reason,
            ms,
        } => tracing::info!(
            persons,
            ms,
            snapshot = %reason,
            "matching index built from the database in {ms} ms"
        ),
    }
    let crypto = retrace_store::crypto::usage();
    tracing::info!(
        sealed = crypto.sealed,
        opened = crypto.opened,
        ms = crypto.nanos / 1_000_000,
        "field encryption during start-up"
    );
    // The candidate lists the last run (killed) or a command-line import
    // left undone are recomputed after the server listens, in the
    // background (docs/adr/0036-serve-listens-before-candidate-recovery.md).
    let recovery = state
        .app
        .plan_recovery()
        .await
        .context("database_url: cannot read the matching checkpoint")?;
    match &recovery {
        Recovery::Done => {}
        Recovery::Changes { from, until, .. } => tracing::info!(
            changes = until - from,
            "candidate lists of the changes since the matching checkpoint to recompute after listening"
        ),
        Recovery::All {
            sought,
            other_engine,
            ..
        } => tracing::info!(
            sought = sought.len(),
            other_engine,
            "every sought person's candidate list to recompute after listening"
        ),
    }
    match state.sweep_gallery_media().await {
        Ok(removed) => tracing::info!(removed, "gallery media checked"),
        Err(err) => tracing::warn!(error = %err, "could not check the gallery media"),
    }

    // On PostgreSQL, other server processes may change the database: this
    // one follows the change outbox, woken by NOTIFY and reading it at
    // least every FOLLOW_POLL in case a notification was missed. A SQLite
    // database has one server process, whose use cases apply each change.
    let follower = match &store {
        store::OpenStore::Postgres(_) => {
            let wake = Arc::new(tokio::sync::Notify::new());
            let listening = retrace_store_postgres::wake_on_changes(
                settings.database_url.expose(),
                wake.clone(),
            );
            let state = state.clone();
            let following = tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = wake.notified() => {}
                        () = tokio::time::sleep(FOLLOW_POLL) => {}
                    }
                    match state.follow_changes().await {
                        Ok(done) if done.persons > 0 || done.gallery_cleared => {
                            tracing::debug!(
                                persons = done.persons,
                                gallery = done.gallery_cleared,
                                reloaded = done.reloaded,
                                position = done.position,
                                "followed the changes of other servers"
                            );
                        }
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!(error = %err, "could not follow the change outbox");
                        }
                    }
                }
            });
            Some((listening, following))
        }
        store::OpenStore::Sqlite(_) => None,
    };

    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listen: cannot bind {}", settings.listen))?;
    let url = settings.browse_url();
    if let Some(loaded) = &demo_sign_ins {
        demo::print_sign_ins(loaded, Some(&url));
    }
    println!(
        "retrace is listening on {url} (database {}, ready in {} ms)",
        settings.database_url,
        started.elapsed().as_millis()
    );
    tracing::info!(listen = %settings.listen, database = %settings.database_url, "serving");

    // On a thread of its own, off the runtime's workers that answer
    // requests; stopped between two batches at shutdown.
    let recovery_stop = Arc::new(AtomicBool::new(false));
    let recovering = (!recovery.is_done()).then(|| {
        let (state, stop) = (state.clone(), recovery_stop.clone());
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            runtime.block_on(recover_in_background(&state, recovery, &stop));
        })
    });

    let checkpointing = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut checkpointer = retrace_app::cluster::Checkpointer::default();
            let mut every = tokio::time::interval(Duration::from_secs(15));
            loop {
                every.tick().await;
                if let Err(err) = state
                    .app
                    .advance_checkpoint(&mut checkpointer, Instant::now())
                    .await
                {
                    tracing::warn!(error = %err, "could not advance the matching checkpoint");
                }
            }
        })
    };
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(300));
        loop {
            every.tick().await;
            let now = clock.now();
            let idle_before = retrace_domain::Timestamp::from_millis(
                now.as_millis() - i64::try_from(idle.as_millis()).unwrap_or(i64::MAX),
            );
            let created_before = retrace_domain::Timestamp::from_millis(
                now.as_millis() - i64::try_from(absolute.as_millis()).unwrap_or(i64::MAX),
            );
            if let Err(err) = shared
                .delete_expired_sessions(idle_before, created_before)
                .await
            {
                tracing::warn!(error = %err, "could not remove expired sessions");
            }
            if let Err(err) = shared.prune_rate_limits(now).await {
                tracing::warn!(error = %err, "could not remove ended rate limit windows");
            }
            let kept_after = retrace_domain::Timestamp::from_millis(
                now.as_millis() - retrace_store::OUTBOX_RETENTION_DAYS * 24 * 60 * 60 * 1000,
            );
            if let Err(err) = shared.prune_outbox(kept_after).await {
                tracing::warn!(error = %err, "could not prune the change outbox");
            }
        }
    });

    // A snapshot of the matching index every SNAPSHOT_EVERY when persons
    // changed, the first one now (after a build from the database, so
    // that the next start is fast), and one at shutdown.
    let snapshot_job = {
        let state = state.clone();
        let path = snapshot_path.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(SNAPSHOT_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                save_snapshot(&state, &path).await;
            }
        })
    };

    // Erasures made by another process (`retrace admin erase-person`)
    // reach this server's matching index through the audit log (and
    // through the change outbox, which the snapshot's replay and the
    // follower read). The index was just built or replayed from the store:
    // only later erasures matter.
    let watcher_state = state.clone();
    let erasure_watcher = tokio::spawn(async move {
        let app = &watcher_state.app;
        let mut after = match app.store().erased_persons_since(i64::MAX).await {
            Ok((last, _)) => last,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the audit log for erasures");
                0
            }
        };
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            match retrace_app::privacy::catch_up_with_erasures(app, after).await {
                Ok(last) => after = last,
                Err(err) => tracing::warn!(error = %err, "could not apply erasures to the index"),
            }
        }
    });

    // Retention: records past their organisation's period go at start and
    // then every day (docs/adr/0018-retention-erasure-subject-access.md).
    // A demo's data is dated back over years so that its pages have
    // something to show: its first run waits a day.
    let retention_state = state.clone();
    let day = Duration::from_secs(24 * 60 * 60);
    let first_run = tokio::time::Instant::now() + if args.demo { day } else { Duration::ZERO };
    let retention_job = tokio::spawn(async move {
        let mut every = tokio::time::interval_at(first_run, day);
        loop {
            every.tick().await;
            match retrace_app::retention::apply_retention(&retention_state.app).await {
                Ok(removed) => tracing::info!(
                    removed = removed.iter().map(|r| r.count).sum::<u64>(),
                    "retention applied"
                ),
                Err(err) => tracing::warn!(error = %err, "could not apply retention"),
            }
        }
    });

    // E-mail digests (docs/adr/0029-email-digest.md): only with a relay.
    // Each server claims the digests it sends in the database, so any
    // number of servers may run this.
    let digest_job = mailer.map(|mailer| {
        let state = state.clone();
        let composer = retrace_web::digest_mail::DigestMailComposer::new(&url);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(DIGEST_POLL);
            loop {
                every.tick().await;
                match retrace_app::digest::send_due_digests(&state.app, &mailer, &composer).await {
                    Ok(run) => {
                        for (user, error) in &run.failed {
                            tracing::warn!(user = %user, error = %error, "could not send an e-mail digest; it will be tried again");
                        }
                        if run.sent > 0 || !run.failed.is_empty() {
                            tracing::info!(
                                sent = run.sent,
                                not_needed = run.not_needed,
                                failed = run.failed.len(),
                                "e-mail digests"
                            );
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "could not send the due e-mail digests"),
                }
            }
        })
    });
    if digest_job.is_some() {
        tracing::info!("e-mail digests are enabled");
    }

    retrace_web::serve(listener, state.clone(), shutdown_signal())
        .await
        .context("the web server stopped")?;
    recovery_stop.store(true, Ordering::SeqCst);
    if let Some(job) = recovering {
        let _ = job.await;
    }
    snapshot_job.abort();
    save_snapshot(&state, &snapshot_path).await;
    sweeper.abort();
    erasure_watcher.abort();
    checkpointing.abort();
    if let Some((listening, following)) = follower {
        listening.abort();
        following.abort();
    }
    retention_job.abort();
    if let Some(job) = digest_job {
        job.abort();
    }
    store.close().await;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Recomputes the candidate lists planned at start, batch by batch (each
/// batch's lists in one transaction, the matching checkpoint moved over
/// what is done), logging progress; returns early when `stop` is set, the
/// rest being the next start's. A failed batch is tried again.
async fn recover_in_background(state: &AppState, mut plan: Recovery, stop: &AtomicBool) {
    let started = Instant::now();
    let mut logged = Instant::now();
    let mut persons = 0;
    while !plan.is_done() {
        if stop.load(Ordering::SeqCst) {
            let (done, total) = plan.progress();
            tracing::info!(
                done,
                total,
                "candidate recovery stopped; the next start goes on from the matching checkpoint"
            );
            return;
        }
        match state.app.recover_batch(&mut plan).await {
            Ok(batch) => persons += batch,
            Err(err) => {
                tracing::warn!(error = %err, "could not recompute a batch of candidate lists; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        if logged.elapsed() >= RECOVERY_LOG && !plan.is_done() {
            if let Some((linked, records)) = plan.linking() {
                tracing::info!(
                    linked,
                    records,
                    "linking the whole index for every candidate list"
                );
            } else {
                let (done, total) = plan.progress();
                tracing::info!(done, total, persons, "recomputing candidate lists");
            }
            logged = Instant::now();
        }
    }
    tracing::info!(
        persons,
        ms = started.elapsed().as_millis(),
        "candidates of the last changes recomputed"
    );
}

/// Reads again the persons changed since the matching index's position
/// and, when any did, writes its sealed snapshot on a blocking thread
/// (serialising it read-locks the index; sealing and writing do not).
async fn save_snapshot(state: &AppState, path: &Path) {
    match state.app.catch_up_for_snapshot().await {
        Ok(SnapshotDue::At(position)) => {
            let started = Instant::now();
            let (writer, path) = (state.clone(), path.to_owned());
            match tokio::task::spawn_blocking(move || {
                writer.app.write_matching_snapshot(&path, position)
            })
            .await
            {
                Ok(Ok(bytes)) => tracing::info!(
                    position,
                    bytes,
                    ms = started.elapsed().as_millis(),
                    "matching index snapshot written"
                ),
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "could not write the matching index snapshot");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not write the matching index snapshot");
                }
            }
        }
        Ok(SnapshotDue::Unchanged) => {}
        Ok(SnapshotDue::OutboxPruned) => tracing::warn!(
            "the change outbox no longer holds the matching index's position: no snapshot written, the next start reads the database"
        ),
        Err(err) => {
            tracing::warn!(error = %err, "could not bring the matching index up to date for its snapshot")
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
