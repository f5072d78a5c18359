//! An organisation's public contact (issue 15, item 9): its administrator
//! sets a phone, an e-mail address and a few lines of address and opening
//! hours; gallery entries and posters name the organisation and show them.
//! Nothing about its staff. See
//! `docs/adr/0027-poster-text-and-confirmation.md`.

use crate::error::Collect;
use crate::{Actor, App, AppError, AppResult};
use retrace_domain::{OrgId, OrgName, PublicContact};

/// The organisation responsible for a gallery entry, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsible {
    pub name: OrgName,
    pub contact: PublicContact,
}

/// The actor's organisation's public contact, for its settings page.
pub async fn own_contact(app: &App, actor: &Actor) -> AppResult<PublicContact> {
    actor.require_org_admin()?;
    Ok(app.store().public_contact(actor.org).await?)
}

/// Replaces the actor's organisation's public contact (blank fields are
/// left out); every invalid field is reported at once (as `public_phone`,
/// `public_email`, `public_details`), nothing changed.
pub async fn set_contact(
    app: &App,
    actor: &Actor,
    phone: &str,
    email: &str,
    details: &str,
) -> AppResult<PublicContact> {
    actor.require_org_admin()?;
    let contact = PublicContact::parse(phone, email, details).map_err(|errors| {
        let mut collect = Collect::default();
        for error in errors {
            collect.push(format!("public_{}", error.field), error.problem);
        }
        // `parse` refuses only with at least one error.
        collect
            .finish()
            .err()
            .unwrap_or_else(|| AppError::Internal("a refused contact without errors".to_owned()))
    })?;
    app.store()
        .set_public_contact(
            &actor.audit(app, "public contact"),
            &actor.scope(),
            &contact,
        )
        .await?;
    Ok(contact)
}

/// The organisation's name and public contact, for the public pages and
/// posters of its gallery entries.
pub async fn responsible(app: &App, org: OrgId) -> AppResult<Responsible> {
    let organisation = app
        .store()
        .organisation(org)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Responsible {
        name: organisation.name,
        contact: app.store().public_contact(org).await?,
    })
}
