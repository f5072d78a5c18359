//! Persons: editing one, their consent ledger, and self-registrations
//! ("I am safe", "I am looking for my family").

use crate::input::{PersonInput, countries, lenient_text, today};
use crate::requests::{
    PAGE_SIZE, flag_filter, list_order, search_terms, to_review, tracing_consent,
};
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentId, ConsentMethod, ConsentPurpose, ConsentRecord,
    LawfulBasis, NewConsent, PersonId, RegistrationKind, SharingScope, Text,
};
use retrace_store::{PersonRole, RegistrationFilter, StoredPerson};
use serde::Deserialize;

/// Replaces a person's details saved at `version`. A sought person has no
/// contact details: any sent are ignored.
pub async fn edit_person(
    app: &App,
    actor: &Actor,
    id: PersonId,
    version: i64,
    input: PersonInput,
) -> AppResult<StoredPerson> {
    actor.require_caseworker()?;
    let audit = actor.audit(app, "person edit");
    let scope = actor.scope();
    let person = app
        .store()
        .person(&audit, &scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let with_contact = !matches!(person.role, PersonRole::Sought(_));
    let details = input.details("person", today(app.clock.now()), with_contact)?;
    let media_before = if details.flags.at_risk {
        app.media_tokens_of(&scope).await?
    } else {
        Vec::new()
    };
    let saved = app
        .store()
        .update_person(&audit, &scope, id, version, &details)
        .await?;
    if saved.details.flags.at_risk {
        // The store took down, in the same transaction, the gallery
        // entries that named this person; their files go now.
        app.forget_withdrawn_media(&media_before).await?;
    }
    app.reindex(&[id]).await?;
    Ok(saved)
}

/// A consent entry: `purpose`, `basis` (`self`, `guardian` or a lawful
/// basis such as `vital_interest`), the `method` of a consent, the
/// `countries` a sharing consent covers, and a `note`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    #[serde(deserialize_with = "lenient_text")]
    pub purpose: String,
    #[serde(deserialize_with = "lenient_text")]
    pub basis: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub method: String,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub note: String,
}

impl ConsentInput {
    pub(crate) fn parse(&self) -> AppResult<NewConsent> {
        let purpose = ConsentPurpose::parse(self.purpose.trim())?;
        let method = || ConsentMethod::parse(self.method.trim());
        let basis = match self.basis.trim() {
            "self" => ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: method()?,
            },
            "guardian" => ConsentBasis::Consent {
                given_by: ConsentGiver::Guardian,
                method: method()?,
            },
            other => ConsentBasis::Lawful(
                LawfulBasis::parse(other).map_err(|err| AppError::invalid("basis", err.problem))?,
            ),
        };
        Ok(NewConsent {
            purpose,
            basis,
            scope: SharingScope {
                organisations: Vec::new(),
                countries: countries("", "countries", &self.countries)?,
            },
            note: Text::optional("note", self.note.trim(), 500)?,
        })
    }
}

/// Records a consent entry for one of the organisation's persons, checked
/// against the person's flags (a minor's consent is a guardian's).
pub async fn record_consent(
    app: &App,
    actor: &Actor,
    person: PersonId,
    input: ConsentInput,
) -> AppResult<ConsentRecord> {
    actor.require_caseworker()?;
    let audit = actor.audit(app, "consent");
    let scope = actor.scope();
    let stored = app
        .store()
        .person(&audit, &scope, person)
        .await?
        .ok_or(AppError::NotFound)?;
    let consent = input.parse()?;
    consent.check(stored.details.flags)?;
    let recorded = app
        .store()
        .record_consent(&audit, &scope, person, &consent)
        .await?;
    app.reindex(&[person]).await?;
    Ok(recorded)
}

/// Withdraws one of a person's consent entries. Withdrawing publication
/// takes the person's gallery entry down; withdrawing tracing stops the
/// matching.
pub async fn withdraw_consent(
    app: &App,
    actor: &Actor,
    person: PersonId,
    consent: ConsentId,
) -> AppResult<ConsentRecord> {
    actor.require_caseworker()?;
    let scope = actor.scope();
    let audit = actor.audit(app, "consent withdrawal");
    let owned = app.store().consents(&scope, person).await?;
    let Some(record) = owned.iter().find(|record| record.id == consent) else {
        return Err(AppError::NotFound);
    };
    let media_before = if record.purpose == ConsentPurpose::Publication {
        app.media_tokens_of(&scope).await?
    } else {
        Vec::new()
    };
    let withdrawn = app
        .store()
        .withdraw_consent(&audit, &scope, consent)
        .await?;
    if withdrawn.purpose == ConsentPurpose::Publication {
        // The store took down, in the same transaction, the entries that
        // needed this consent; their files go now.
        app.forget_withdrawn_media(&media_before).await?;
    }
    app.reindex(&[person]).await?;
    Ok(withdrawn)
}

/// A self-registration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// `safe` or `looking_for_family`.
    #[serde(deserialize_with = "lenient_text")]
    pub kind: String,
    pub person: PersonInput,
    /// How the person's consent to tracing was given, if it was.
    #[serde(default)]
    pub consent_method: Option<String>,
}

/// Registers a person with their tracing consent (a guardian's for a
/// minor), then indexes them for matching.
pub async fn register_person(
    app: &App,
    actor: &Actor,
    input: Registration,
) -> AppResult<StoredPerson> {
    actor.require_caseworker()?;
    let mut errors = Collect::default();
    let kind = errors.take(
        RegistrationKind::parse(input.kind.trim())
            .map_err(|e| AppError::invalid("kind", e.problem)),
    )?;
    let details = errors.take(input.person.details("person", today(app.clock.now()), true))?;
    let given_by = if input.person.minor {
        ConsentGiver::Guardian
    } else {
        ConsentGiver::Person
    };
    let consent = errors.take(
        input
            .consent_method
            .as_deref()
            .map(|method| tracing_consent("consent_method", method, given_by))
            .transpose(),
    )?;
    errors.finish()?;
    let (Some(kind), Some(details), Some(consent)) = (kind, details, consent) else {
        return Err(AppError::Internal(
            "a registration failed without an error".to_owned(),
        ));
    };
    let audit = actor.audit(app, "registration");
    let scope = actor.scope();
    let person = app
        .store()
        .create_registration(&audit, &scope, kind, &details, consent.as_ref())
        .await?;
    app.reindex(&[person.id]).await?;
    Ok(person)
}

/// The filters of the registration list (query parameters).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RegistrationQuery {
    /// Text in a name.
    #[serde(default)]
    pub q: String,
    /// A name in any script or spelling, searched by the matching index.
    #[serde(default)]
    pub name: String,
    /// `safe` or `looking_for_family`.
    #[serde(default)]
    pub kind: String,
    /// `minor` or `at_risk`.
    #[serde(default)]
    pub flag: String,
    /// `1`: only registrations with a candidate to review.
    #[serde(default)]
    pub review: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u32>,
}

/// The store filter of a registration list, one page of `PAGE_SIZE`. A
/// name search finds only the actor's organisation's persons.
pub fn registration_filter(
    app: &App,
    actor: &Actor,
    query: &RegistrationQuery,
) -> AppResult<RegistrationFilter> {
    actor.require_reader()?;
    // Every filter that cannot be read is named at once.
    let mut errors = Collect::default();
    let terms = errors.take(search_terms(&query.q, &query.name))?;
    let kind = errors.take(match query.kind.trim() {
        "" => Ok(None),
        code => RegistrationKind::parse(code)
            .map(Some)
            .map_err(|e| AppError::invalid("kind", e.problem)),
    })?;
    let flag = errors.take(flag_filter(&query.flag))?;
    let to_review = errors.take(to_review(&query.review))?;
    let order = errors.take(list_order(&query.sort))?;
    let page = query.page.unwrap_or(1).max(1);
    errors.done(|| {
        let (text, name) = terms?;
        Some(RegistrationFilter {
            text,
            only: name.map(|name| app.matching().search_names(actor.org(), name, 500)),
            kind: kind?,
            flag: flag?,
            to_review: to_review?,
            order: order?,
            limit: PAGE_SIZE,
            offset: (page - 1).saturating_mul(PAGE_SIZE),
        })
    })
}
