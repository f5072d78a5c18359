//! The directory of services and the country profiles: organisations
//! maintain their own entries, coordinators the shared entries and the
//! profile of their country. The rules are `retrace_domain::directory`'s;
//! the store enforces visibility and the editor's reach in the same
//! statement that reads or writes.

use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::directory::{
    Eligibility, EntryKind, LanguageCode, OpeningHours, Service, SexLimit, UtcOffset, Visibility,
    maintains_directory, may_revise_profile, parse_list, utc_week_minute,
};
use retrace_domain::library::fold;
use retrace_domain::{CountryCode, DirectoryEntryId, PartialDate, Role, Text, Timestamp};
use retrace_store::{
    CountryProfile, DIRECTORY_COUNT_LIMIT, DirectoryEntry, DirectoryFilter, EntryDetails,
    EntryEditor, ProfileContent, StoreError, Viewer,
};
use serde::Deserialize;

/// Entries shown per page of the directory.
pub const PAGE_SIZE: u32 = 25;
const SECTION_MAX: usize = 20_000;

/// A directory entry as typed in the form or sent as JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub name: String,
    pub kind: String,
    pub country: String,
    pub city: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default)]
    pub utc_offset: String,
    #[serde(default)]
    pub min_age: Option<u8>,
    #[serde(default)]
    pub max_age: Option<u8>,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub nationalities: Vec<String>,
    pub visibility: String,
}

fn optional(field: &'static str, value: &str, max: usize) -> AppResult<Option<Text>> {
    Ok(Text::optional(field, value, max)?)
}

impl EntryInput {
    /// The entry's details, or every error of the input at once.
    pub fn parse(&self) -> AppResult<EntryDetails> {
        let mut errors = Collect::default();
        let list = |values: &[String]| values.join(",");
        let services = errors.note(parse_list(&list(&self.services), Service::parse))?;
        let languages = errors.note(parse_list(&list(&self.languages), LanguageCode::parse))?;
        let nationalities = errors.note(parse_list(&list(&self.nationalities), |c| {
            CountryCode::parse(c)
                .map_err(|e| retrace_domain::InvalidValue::new("nationalities", e.problem))
        }))?;
        let sex = if self.sex.trim().is_empty() {
            Some(SexLimit::Any)
        } else {
            errors.note(SexLimit::parse(&self.sex))?
        };
        let name = errors.note(Text::parse("name", &self.name, 200, false))?;
        let kind = errors.note(EntryKind::parse(&self.kind))?;
        let country = errors.note(CountryCode::parse(&self.country))?;
        let city = errors.note(Text::parse("city", &self.city, 100, false))?;
        let description = errors.take(section("description", &self.description, 2000))?;
        let address = errors.take(optional("address", &self.address, 300))?;
        let phone = errors.take(optional("phone", &self.phone, 100))?;
        let email = errors.take(optional("email", &self.email, 200))?;
        let website = errors.take(optional("website", &self.website, 300))?;
        let opening_hours = errors.note(OpeningHours::parse(&self.opening_hours))?;
        let utc_offset = errors.note(UtcOffset::parse(&self.utc_offset))?;
        let eligibility = match (sex, nationalities) {
            (Some(sex), Some(nationalities)) => errors.note(Eligibility::new(
                self.min_age,
                self.max_age,
                sex,
                nationalities,
            ))?,
            _ => None,
        };
        let visibility = errors.note(Visibility::parse(&self.visibility))?;
        errors.done(|| {
            Some(EntryDetails {
                name: name?,
                kind: kind?,
                country: country?,
                city: city?,
                services: services?,
                languages: languages?,
                description: description?,
                address: address?,
                phone: phone?,
                email: email?,
                website: website?,
                opening_hours: opening_hours?,
                utc_offset: utc_offset?,
                eligibility: eligibility?,
                visibility: visibility?,
            })
        })
    }
}

/// Adds an entry maintained by the actor's organisation.
pub async fn create_entry(
    app: &App,
    actor: &Actor,
    input: EntryInput,
) -> AppResult<DirectoryEntry> {
    if !maintains_directory(actor.roles()) {
        return Err(AppError::Forbidden);
    }
    let details = input.parse()?;
    Ok(app
        .store()
        .create_directory_entry(
            &actor.audit(app, "directory entry"),
            &actor.scope(),
            &details,
        )
        .await?)
}

/// Who the actor is as an editor: their organisation, and the country
/// they coordinate when they are a coordinator.
async fn editor(app: &App, actor: &Actor) -> AppResult<EntryEditor> {
    let coordinator_of = if actor.roles().contains(Role::Coordinator) {
        app.store()
            .organisation(actor.org())
            .await?
            .map(|org| org.country)
    } else {
        None
    };
    Ok(EntryEditor {
        scope: actor.scope(),
        coordinator_of,
    })
}

/// Whether the actor may change this entry (for showing the edit link).
pub async fn may_edit(app: &App, actor: &Actor, entry: &DirectoryEntry) -> AppResult<bool> {
    let Some(own) = app.store().organisation(actor.org()).await? else {
        return Ok(false);
    };
    Ok(retrace_domain::directory::entry_edit_right(
        actor.roles(),
        actor.org(),
        own.country,
        entry.org,
        entry.details.country,
        entry.details.visibility,
    )
    .is_some())
}

/// Replaces an entry's details, if `version` is still current.
pub async fn update_entry(
    app: &App,
    actor: &Actor,
    id: DirectoryEntryId,
    version: i64,
    input: EntryInput,
) -> AppResult<DirectoryEntry> {
    if !maintains_directory(actor.roles()) {
        return Err(AppError::Forbidden);
    }
    let details = input.parse()?;
    let editor = editor(app, actor).await?;
    app.store()
        .update_directory_entry(
            &actor.audit(app, "directory entry"),
            &editor,
            id,
            version,
            &details,
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AppError::conflict("version", Problem::EntryChanged),
            other => other.into(),
        })
}

/// The directory's search, as query parameters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub open_now: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
}

impl DirectoryQuery {
    pub fn filter(&self, app: &App) -> AppResult<DirectoryFilter> {
        self.filter_at(app.clock().now())
    }

    /// The filter, `now` being the moment "open now" asks about.
    pub(crate) fn filter_at(&self, now: Timestamp) -> AppResult<DirectoryFilter> {
        let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        let page = self.page.unwrap_or(1).clamp(1, 10_000);
        // Every filter that cannot be read is named at once.
        let mut errors = Collect::default();
        if self.q.chars().count() > 200 {
            errors.push("q", Problem::TooLong { max: 200 });
        }
        let at = |field: &'static str| {
            move |error: retrace_domain::InvalidValue| AppError::invalid(field, error.problem)
        };
        let country = errors.take(
            some(&self.country)
                .map(|c| CountryCode::parse(&c))
                .transpose()
                .map_err(at("country")),
        )?;
        let kind = errors.take(
            some(&self.kind)
                .map(|k| EntryKind::parse(&k))
                .transpose()
                .map_err(at("kind")),
        )?;
        let service = errors.take(
            some(&self.service)
                .map(|s| Service::parse(&s))
                .transpose()
                .map_err(at("service")),
        )?;
        let language = errors.take(
            some(&self.language)
                .map(|l| LanguageCode::parse(&l))
                .transpose()
                .map_err(at("language")),
        )?;
        let (country, kind, service, language) =
            errors.done(|| Some((country?, kind?, service?, language?)))?;
        Ok(DirectoryFilter {
            country,
            city: some(&self.city).map(|c| fold(&c)),
            kind,
            service,
            language,
            open_at: self
                .open_now
                .as_deref()
                .filter(|v| matches!(*v, "1" | "true" | "on"))
                .map(|_| utc_week_minute(now)),
            text: some(&self.q).map(|q| fold(&q)),
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        })
    }
}

/// A page of the directory and how many entries passed the query.
pub struct DirectoryResults {
    pub entries: Vec<DirectoryEntry>,
    /// The number of entries found, or, when `more` is set, the number
    /// counted: more than that were found (`DIRECTORY_COUNT_LIMIT`).
    pub total: u64,
    pub more: bool,
}

/// The entries the viewer may see that pass the query.
pub async fn search(
    app: &App,
    viewer: &Viewer,
    query: &DirectoryQuery,
) -> AppResult<DirectoryResults> {
    let filter = query.filter(app)?;
    let (entries, counted) = app.store().search_directory(viewer, &filter).await?;
    let limit = u64::from(filter.offset) + DIRECTORY_COUNT_LIMIT;
    Ok(DirectoryResults {
        entries,
        total: counted.min(limit),
        more: counted > limit,
    })
}

/// A revision of a country profile, as typed or sent as JSON. `version`
/// is the version it was based on (0 for the first).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub version: i64,
    #[serde(default)]
    pub legal_framework: String,
    #[serde(default)]
    pub referral_mechanism: String,
    #[serde(default)]
    pub focal_points: String,
    #[serde(default)]
    pub family_links: String,
    #[serde(default)]
    pub entry_and_return: String,
    #[serde(default)]
    pub sources: String,
    #[serde(default)]
    pub last_reviewed: String,
}

fn section(field: &'static str, value: &str, max: usize) -> AppResult<Option<Text>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        Ok(Some(Text::parse(field, value, max, true)?))
    }
}

impl ProfileInput {
    /// The profile, or every error of the input at once.
    pub fn parse(&self) -> AppResult<ProfileContent> {
        let mut errors = Collect::default();
        let mut text =
            |field: &'static str, value: &str| errors.take(section(field, value, SECTION_MAX));
        let legal_framework = text("legal_framework", &self.legal_framework)?;
        let referral_mechanism = text("referral_mechanism", &self.referral_mechanism)?;
        let focal_points = text("focal_points", &self.focal_points)?;
        let family_links = text("family_links", &self.family_links)?;
        let entry_and_return = text("entry_and_return", &self.entry_and_return)?;
        let sources = text("sources", &self.sources)?;
        let last_reviewed = if self.last_reviewed.trim().is_empty() {
            Some(None)
        } else {
            errors
                .note(PartialDate::parse_field(
                    "last_reviewed",
                    &self.last_reviewed,
                ))?
                .map(Some)
        };
        errors.done(|| {
            Some(ProfileContent {
                legal_framework: legal_framework?,
                referral_mechanism: referral_mechanism?,
                focal_points: focal_points?,
                family_links: family_links?,
                entry_and_return: entry_and_return?,
                sources: sources?,
                last_reviewed: last_reviewed?,
            })
        })
    }
}

/// Whether the actor may revise this country's profile.
pub async fn may_revise(app: &App, actor: &Actor, country: CountryCode) -> AppResult<bool> {
    let own = app.store().organisation(actor.org()).await?;
    Ok(own.is_some_and(|org| may_revise_profile(actor.roles(), org.country, country)))
}

/// Writes the next version of a country's profile.
pub async fn revise_profile(
    app: &App,
    actor: &Actor,
    country: CountryCode,
    input: ProfileInput,
) -> AppResult<CountryProfile> {
    if !may_revise(app, actor, country).await? {
        return Err(AppError::Forbidden);
    }
    let content = input.parse()?;
    app.store()
        .revise_country_profile(
            &actor.audit(app, "country profile"),
            &actor.scope(),
            country,
            input.version,
            &content,
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AppError::conflict("version", Problem::ProfileRevised),
            other => other.into(),
        })
}
