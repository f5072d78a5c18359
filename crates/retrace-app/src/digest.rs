//! The e-mail digest (issues 14 and 15): a member may choose to be told,
//! daily or weekly, how much work waits for them and which followed network
//! posts are new. Off for everyone until they choose it, and never sent by
//! a server without an SMTP relay configured.
//!
//! Key design decisions (`docs/adr/0029-email-digest.md`): a due digest is
//! claimed in the database, so that among several servers one sends it;
//! it is built at send time with the member's rights as they are then (a
//! disabled account gets nothing, a network the organisation left is not
//! read); and it carries no personal data: counts per kind of work, the
//! titles of network posts, links to the platform. The words are the web
//! layer's ([`DigestComposer`]), the sending is a [`Mailer`]'s
//! (`crate::mail::SmtpMailer` in production).

use crate::error::Collect;
use crate::{Actor, App, AppError, AppResult};
use async_trait::async_trait;
use rand::RngCore;
use retrace_domain::{
    DIGEST_LEASE_MILLIS, DigestFrequency, DigestLanguage, Email, NetworkName, NetworkPostId,
    PostKind, Text, Timestamp, UserId, WorkKind, digest_retry_millis,
};
use retrace_store::{DigestClaim, DigestOutcome, DigestPreference, Membership, WorkWindow};

/// The most network posts one digest lists by title.
pub const DIGEST_POSTS: u32 = 20;
/// Digests claimed per round trip to the database.
const CLAIM_BATCH: u32 = 50;
/// Rounds of one run at most, so that a run ends even if the clock or the
/// database misbehaves.
const MAX_BATCHES: u32 = 100;

/// The member's digest, `None` when they receive none.
pub async fn preference(app: &App, actor: &Actor) -> AppResult<Option<DigestPreference>> {
    Ok(app.store().digest_preference(actor.user()).await?)
}

/// Chooses the member's digest: `frequency` is `off`, `daily` or `weekly`,
/// `language` one of the interface's. Both are checked, every error
/// reported at once (as `digest_frequency`, `digest_language`), nothing
/// changed. Audited as `digest_preference_set`, with the choice but never
/// the address.
pub async fn set_preference(
    app: &App,
    actor: &Actor,
    frequency: &str,
    language: &str,
) -> AppResult<Option<DigestPreference>> {
    let mut collect = Collect::default();
    let frequency = match frequency.trim() {
        "off" => Some(None),
        other => collect.take(
            DigestFrequency::parse(other)
                .map(Some)
                .map_err(AppError::from),
        )?,
    };
    let language = collect.take(DigestLanguage::parse(language).map_err(AppError::from))?;
    collect.finish()?;
    let (Some(frequency), Some(language)) = (frequency, language) else {
        return Err(AppError::Internal(
            "a checked choice without a value".to_owned(),
        ));
    };
    let choice = frequency.map(|frequency| (frequency, language));
    let purpose = match choice {
        Some((frequency, language)) => format!("digest {frequency} in {language}"),
        None => "digest off".to_owned(),
    };
    app.store()
        .set_digest_preference(&actor.audit(app, &purpose), actor.user(), choice)
        .await?;
    preference(app, actor).await
}

/// How much of one kind of work waits, and how much of it is new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCount {
    pub kind: WorkKind,
    /// Waiting now.
    pub waiting: u64,
    /// Started waiting since the last digest.
    pub new: u64,
}

/// A followed network post, by title only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestPost {
    pub id: NetworkPostId,
    pub network: NetworkName,
    pub kind: PostKind,
    pub title: Text,
}

/// What one digest tells: no names, no references, no addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub language: DigestLanguage,
    pub frequency: DigestFrequency,
    /// Every kind of the member's roles except network posts (listed by
    /// title instead), in queue order.
    pub counts: Vec<DigestCount>,
    /// New followed posts, newest first, at most [`DIGEST_POSTS`].
    pub posts: Vec<DigestPost>,
    /// More new posts than listed.
    pub more_posts: bool,
}

impl Digest {
    /// Nothing new since the last digest: none is sent.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty() && self.counts.iter().all(|count| count.new == 0)
    }
}

/// A digest put into words, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `Content-Language` code.
    pub language: &'static str,
}

/// Puts a digest into words in its language (the web layer, which holds
/// the translations and templates).
pub trait DigestComposer: Send + Sync {
    fn compose(&self, digest: &Digest) -> Mail;
}

/// Why a mail was not sent. Never holds the address or the server's own
/// words, which may repeat it: these are logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The relay could not be reached, timed out, or TLS failed.
    #[error("the mail server could not be reached")]
    Unreachable,
    /// The relay answered with a refusal (`4xx` transient, `5xx` permanent).
    #[error("the mail server refused the message with code {code}")]
    Refused { code: String },
    /// The message or an address could not be written.
    #[error("the message could not be written: {0}")]
    Message(&'static str),
}

/// Sends one mail to one address.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, to: &Email, mail: &Mail) -> Result<(), MailError>;
}

/// What the member would receive now: counts of the work of their roles
/// that waits at `until`, with what started waiting after `since`, and
/// followed posts written after `since` in the networks their organisation
/// is a member of now.
pub async fn build_digest(
    app: &App,
    actor: &Actor,
    frequency: DigestFrequency,
    language: DigestLanguage,
    since: Timestamp,
    until: Timestamp,
) -> AppResult<Digest> {
    let store = app.store();
    let kinds: Vec<WorkKind> = WorkKind::for_roles(actor.roles())
        .into_iter()
        .filter(|kind| *kind != WorkKind::NetworkPost)
        .collect();
    let counts = if kinds.is_empty() {
        Vec::new()
    } else {
        let window = WorkWindow {
            now: until,
            user: actor.user(),
        };
        store
            .work_queue(&actor.scope(), &kinds, window, Some(since), 0)
            .await?
            .into_iter()
            .map(|bucket| DigestCount {
                kind: bucket.kind,
                waiting: bucket.count,
                new: bucket.unread,
            })
            .collect()
    };
    let mut posts: Vec<DigestPost> = store
        .followed_posts(&actor.scope(), actor.user(), since, DIGEST_POSTS + 1)
        .await?
        .into_iter()
        .filter(|post| post.created_at <= until)
        .map(|post| DigestPost {
            id: post.id,
            network: post.network_name,
            kind: post.kind,
            title: post.title,
        })
        .collect();
    let more_posts = posts.len() > DIGEST_POSTS as usize;
    posts.truncate(DIGEST_POSTS as usize);
    Ok(Digest {
        language,
        frequency,
        counts,
        posts,
        more_posts,
    })
}

/// What a run of [`send_due_digests`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DigestRun {
    pub sent: u64,
    /// Due, but nothing was new, or the member may receive nothing now.
    pub not_needed: u64,
    /// Not sent, tried again later: the member (never the address) and why.
    pub failed: Vec<(UserId, MailError)>,
    /// Claims that could not be recorded (the preference changed meanwhile).
    pub lost: u64,
}

fn random_claim() -> String {
    let mut bytes = [0_u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Claims the digests due now and sends each. A failure to reach or
/// convince the relay is recorded and tried again later with a growing
/// delay; it never ends the run. Store errors end it (the claims then
/// lapse after their lease and are taken again).
pub async fn send_due_digests(
    app: &App,
    mailer: &dyn Mailer,
    composer: &dyn DigestComposer,
) -> AppResult<DigestRun> {
    let mut run = DigestRun::default();
    let claim = random_claim();
    for _ in 0..MAX_BATCHES {
        let now = app.clock().now();
        let lease = Timestamp::from_millis(now.as_millis().saturating_add(DIGEST_LEASE_MILLIS));
        let claimed = app
            .store()
            .claim_due_digests(now, lease, &claim, CLAIM_BATCH)
            .await?;
        let batch = claimed.len();
        for due in claimed {
            send_one(app, mailer, composer, &due, &mut run).await?;
        }
        if batch < CLAIM_BATCH as usize {
            break;
        }
    }
    Ok(run)
}

async fn send_one(
    app: &App,
    mailer: &dyn Mailer,
    composer: &dyn DigestComposer,
    due: &DigestClaim,
    run: &mut DigestRun,
) -> AppResult<()> {
    let store = app.store();
    let now = app.clock().now();
    let next_period = Timestamp::from_millis(
        now.as_millis()
            .saturating_add(due.frequency.period_millis()),
    );
    let nothing = DigestOutcome::NothingToSend { covered_to: now };
    // The member's rights as they are now: a disabled account, or one that
    // is no longer an organisation's member, receives nothing.
    let user = store.user(due.user).await?;
    let member = user
        .filter(|user| !user.disabled)
        .and_then(|user| match user.membership {
            Membership::Member { org, roles } => {
                Some((user.email, Actor::new(user.id, org, roles)))
            }
            Membership::Operator => None,
        });
    let (outcome, next_due) = match member {
        None => (nothing, next_period),
        Some((email, actor)) => {
            let digest = build_digest(
                app,
                &actor,
                due.frequency,
                due.language,
                due.covered_to,
                now,
            )
            .await?;
            if digest.is_empty() {
                (nothing, next_period)
            } else {
                match mailer.send(&email, &composer.compose(&digest)).await {
                    Ok(()) => (DigestOutcome::Sent { covered_to: now }, next_period),
                    Err(error) => {
                        let retry = digest_retry_millis(due.failures.saturating_add(1));
                        run.failed.push((due.user, error));
                        (
                            DigestOutcome::Failed,
                            Timestamp::from_millis(now.as_millis().saturating_add(retry)),
                        )
                    }
                }
            }
        }
    };
    let recorded = store
        .finish_digest(due.user, &due.claim, now, outcome, next_due)
        .await?;
    if !recorded {
        run.lost += 1;
    }
    match outcome {
        DigestOutcome::Sent { .. } => run.sent += 1,
        DigestOutcome::NothingToSend { .. } => run.not_needed += 1,
        DigestOutcome::Failed => {}
    }
    Ok(())
}
