//! Issue 16, item 3: the subject-access export of one person, as a page
//! with download links, as JSON (the page's download and the API under the
//! `admin` scope) and as a PDF in a chosen language. The rules are in
//! `retrace_app::privacy::subject_access`; this module only shapes the
//! answer. See `docs/adr/0025-subject-access.md`.

use super::api_requests::person_json;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{OrgAdmin, PathId, QueryParams};
use crate::i18n::Lang;
use crate::page::Page;
use crate::pdf::{LabelledDocument, Section, labelled_document};
use crate::privacy_views::{PdfLink, SubjectAccessPage};
use crate::templates::{CircumstancesView, PersonSummary, percent, render};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use retrace_app::privacy::{self, SubjectAccessExport};
use retrace_domain::Problem;
use retrace_domain::{ConsentId, ConsentRecord, PersonId, Text, Timestamp};
use retrace_store::{NamedOrg, PersonRole};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/subject-access", get(page))
        .route("/persons/{id}/subject-access.json", get(download_json))
        .route("/persons/{id}/subject-access.pdf", get(download_pdf))
        .route("/api/v1/persons/{id}/subject-access", get(api))
}

/// The page: who the person is and the links to each download. Reading
/// the person's name is audited as any view of the person; the export
/// itself happens (and is audited) at each download.
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    let person = state
        .store
        .person(&member.audit(&state, "subject access"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let pdfs = Lang::ALL
        .into_iter()
        .map(|lang| PdfLink {
            code: lang.code(),
            name: lang.native_name(),
        })
        .collect();
    let html = render(&SubjectAccessPage {
        page: &page,
        id: id.to_string(),
        name: person.details.primary_name().to_owned(),
        pdfs,
    })?;
    Ok(html.into_response())
}

fn org_json(org: &NamedOrg) -> Value {
    json!({ "id": org.id.to_string(), "name": org.name, "country": org.country.as_str() })
}

fn time(at: Option<Timestamp>) -> Option<String> {
    at.map(Timestamp::rfc3339)
}

fn ids(consents: &[ConsentId]) -> Vec<String> {
    consents.iter().map(ToString::to_string).collect()
}

/// The export as JSON: the same document for the page's download and for
/// the API.
fn export_json(export: &SubjectAccessExport) -> Value {
    let access = &export.access;
    let request = access.request.as_ref().map(|r| {
        json!({
            "id": r.id.to_string(),
            "reference": r.reference.to_string(),
            "status": r.status.code(),
            "closure_reason": r.status.closure_reason().map(|c| c.as_str()),
            "circumstances": r.circumstances,
            "history": r.history.iter().map(|h| json!({
                "status": h.status.code(),
                "note": h.note.as_ref().map(Text::as_str),
                "at": h.at.rfc3339(),
            })).collect::<Vec<_>>(),
            "created_at": r.created_at.rfc3339(),
            "updated_at": r.updated_at.rfc3339(),
        })
    });
    json!({
        "exported_at": export.exported_at.rfc3339(),
        "person": person_json(&access.person),
        "request": request,
        "consents": access.consents.iter().map(|c| json!({
            "id": c.id.to_string(),
            "purpose": c.purpose.as_str(),
            "basis": c.basis,
            "scope": c.scope,
            "note": c.note.as_ref().map(Text::as_str),
            "recorded_at": c.recorded_at.rfc3339(),
            "withdrawn_at": time(c.withdrawn_at),
        })).collect::<Vec<_>>(),
        "candidates": access.candidates.iter().map(|c| json!({
            "id": c.id.to_string(),
            "other_organisation": org_json(&c.other_org),
            "score": f64::from(c.score_milli) / 1000.0,
            "review": c.own_review.as_str(),
            "released_at": time(c.released_at),
            "created_at": c.created_at.rfc3339(),
        })).collect::<Vec<_>>(),
        "releases": access.releases.iter().zip(&export.release_consents).map(|(r, consents)| json!({
            "candidate": r.candidate.to_string(),
            "to_organisation": org_json(&r.to_org),
            "released_at": r.released_at.rfc3339(),
            "withheld_at": time(r.withheld_at),
            "under_consents": ids(consents),
        })).collect::<Vec<_>>(),
        "transfers": access.transfers.iter().zip(&export.transfer_consents).map(|(t, consents)| json!({
            "id": t.id.to_string(),
            "to_organisation": org_json(&t.to_org),
            "status": t.status.as_str(),
            "created_at": t.created_at.rfc3339(),
            "decided_at": time(t.decided_at),
            "revoked_at": time(t.revoked_at),
            "under_consents": ids(consents),
        })).collect::<Vec<_>>(),
        "messages": access.messages.iter().map(|m| json!({
            "id": m.id.to_string(),
            "candidate": m.candidate.to_string(),
            "direction": m.direction.as_str(),
            "body": m.body.as_str(),
            "status": m.status.as_str(),
            "created_at": m.created_at.rfc3339(),
        })).collect::<Vec<_>>(),
        "gallery_entries": access.gallery_entries.iter().map(|g| json!({
            "id": g.id.to_string(),
            "reference": g.reference.to_string(),
            "status": g.status.as_str(),
            "region": g.region.as_ref().map(|r| r.as_str().to_owned()),
            "created_at": g.created_at.rfc3339(),
            "published_at": time(g.published_at),
        })).collect::<Vec<_>>(),
        "reports": access.reports.iter().map(|r| json!({
            "id": r.id.to_string(),
            "reference": r.reference.to_string(),
            "message": r.message.as_str(),
            "status": r.status.as_str(),
            "received_at": r.received_at.rfc3339(),
        })).collect::<Vec<_>>(),
        "referrals": access.referrals.iter().map(|s| {
            let f = &s.referral;
            json!({
                "id": f.id.to_string(),
                "to_organisation": org_json(&s.to_org),
                "purpose": f.purpose.as_str(),
                "services": f.services.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                "urgency": f.urgency.as_str(),
                "status": f.status.as_str(),
                "risk": {
                    "level": f.risk.level.as_str(),
                    "who_at_risk": f.risk.who_at_risk.as_str(),
                    "from_whom": f.risk.from_whom.as_ref().map(Text::as_str),
                    "safety_plan": f.risk.safety_plan.as_str(),
                },
                "created_at": f.created_at.rfc3339(),
                "decided_at": time(f.decided_at),
                "timeline": s.timeline.iter().map(|e| json!({
                    "at": e.at.rfc3339(),
                    "kind": e.kind.as_str(),
                    "text": e.text.as_ref().map(Text::as_str),
                })).collect::<Vec<_>>(),
                "tools": s.tools.iter().map(|t| json!({
                    "id": t.id.to_string(),
                    "tool": t.tool_key,
                    "filled_at": t.filled_at.rfc3339(),
                    "values": t.values,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "import": access.import.as_ref().map(|i| json!({
            "record_id": i.record_id,
            "source_name": i.source_name,
            "source_url": i.source_url,
            "source_date": i.source_date,
            "imported_at": i.imported_at.rfc3339(),
        })),
        "seen_by": access.seen_by.iter().map(|e| json!({
            "at": e.at.rfc3339(),
            "action": e.action.as_str(),
            "object_kind": e.object_kind.as_str(),
            "actor": e.actor,
            "organisation": e.org.as_ref().map(org_json),
            "purpose": e.purpose,
        })).collect::<Vec<_>>(),
    })
}

fn file_name(id: PersonId, extension: &str) -> String {
    let text = id.to_string();
    format!(
        "attachment; filename=\"subject-access-{}.{extension}\"",
        text.get(..8).unwrap_or(&text)
    )
}

pub async fn download_json(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    let export = privacy::subject_access(&state.app, &member.actor(), id).await?;
    Ok((
        [(header::CONTENT_DISPOSITION, file_name(id, "json"))],
        Json(export_json(&export)),
    )
        .into_response())
}

pub async fn api(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
) -> WebResult<Json<Value>> {
    let export = privacy::subject_access(&state.app, &member.actor(), id).await?;
    Ok(Json(export_json(&export)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfQuery {
    /// The language of the document (`en`, `fr`, `es`, `ar`); the page's
    /// when absent.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Words of the PDF in one language.
struct Words(Lang);

impl Words {
    fn t(&self, key: &str) -> String {
        self.0.t(key)
    }

    fn label(&self, group: &str, code: &str) -> String {
        self.0
            .t(&format!("{group}-{}", code.replace(['_', ' '], "-")))
    }

    fn time(&self, at: Timestamp) -> String {
        at.display_utc()
    }

    fn maybe_time(&self, at: Option<Timestamp>) -> String {
        at.map(|at| self.time(at)).unwrap_or_default()
    }

    /// Between parts of one line: the Arabic comma in Arabic (the Arabic
    /// face has no middle dot or parentheses, and the writer has no
    /// per-glyph fallback), a middle dot otherwise. The comma is held
    /// between right-to-left marks, so that between two Latin parts it
    /// stays a run of its own and is not drawn with the Latin face, nor
    /// the Latin parts with the Arabic one.
    fn sep(&self) -> &'static str {
        if self.0.dir() == "rtl" {
            " \u{200F}\u{060C}\u{200F} "
        } else {
            " · "
        }
    }

    fn org(&self, org: &NamedOrg) -> String {
        let sep = self.sep();
        format!("{}{sep}{}", org.name, org.country.as_str())
    }

    fn role(&self, role: PersonRole) -> String {
        let sep = self.sep();
        match role {
            PersonRole::Enquirer => self.t("enquirer"),
            PersonRole::Sought(r) => format!(
                "{}{sep}{}",
                self.t("sought-person"),
                self.label("relationship", r.as_str())
            ),
            PersonRole::Registered(kind) => self.label("registration", kind.as_str()),
        }
    }
}

/// Label-value rows, leaving out empty values.
fn rows(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

fn section(heading: String, rows: Vec<(String, String)>, w: &Words) -> Section {
    let rows = if rows.is_empty() {
        vec![(String::new(), w.t("sar-none"))]
    } else {
        rows
    };
    Section {
        heading: Some(heading),
        rows,
    }
}

/// The sections of the PDF: the same content as the JSON, in words.
fn pdf_sections(export: &SubjectAccessExport, w: &Words) -> Vec<Section> {
    let access = &export.access;
    let sep = w.sep();
    let s = PersonSummary::of(&access.person.details);
    let mut person = vec![(
        w.t("names"),
        s.names
            .iter()
            .map(|n| format!("{}{sep}{}", n.full, w.label("name-kind", n.kind)))
            .collect::<Vec<_>>()
            .join("\n"),
    )];
    person.extend(rows(vec![
        (w.t("sar-role"), w.role(access.person.role)),
        (w.t("field-sex"), w.label("sex", s.sex)),
        (w.t("field-birth-date"), s.birth_date),
        (w.t("field-age"), s.age),
        (w.t("field-birth-place"), s.birth_place),
        (w.t("field-nationalities"), s.nationalities),
        (w.t("field-languages"), s.languages),
        (w.t("field-father-name"), s.father_name),
        (w.t("field-mother-name"), s.mother_name),
        (w.t("field-last-known-place"), s.last_known_place),
        (w.t("field-marks"), s.marks),
        (w.t("field-contact"), s.contact),
        (w.t("sar-recorded"), w.time(access.person.created_at)),
    ]));
    let mut sections = vec![section(w.t("sar-section-person"), person, w)];
    let mut request = Vec::new();
    if let Some(r) = &access.request {
        let c = CircumstancesView::of(&r.circumstances);
        request.extend(rows(vec![
            (w.t("sar-reference"), r.reference.to_string()),
            (w.t("status-history"), w.label("status", r.status.code())),
            (w.t("sar-recorded"), w.time(r.created_at)),
            (w.t("sar-circumstances"), c.narrative),
            (w.t("sar-place"), c.place),
        ]));
        for h in &r.history {
            let note = h.note.as_ref().map(Text::as_str).unwrap_or_default();
            request.push((
                w.time(h.at),
                format!("{} {note}", w.label("status", h.status.code()))
                    .trim()
                    .to_owned(),
            ));
        }
    }
    sections.push(section(w.t("sar-section-request"), request, w));
    let consents = access
        .consents
        .iter()
        .map(|c| {
            let given = format!("{}: {}", w.t("sar-given"), w.time(c.recorded_at));
            let withdrawn = c
                .withdrawn_at
                .map(|at| format!("{sep}{}: {}", w.t("sar-withdrawn"), w.time(at)))
                .unwrap_or_default();
            let note = c
                .note
                .as_ref()
                .map(|n| format!("\n{}", n.as_str()))
                .unwrap_or_default();
            (
                w.label("purpose", c.purpose.as_str()),
                format!("{given}{withdrawn}{note}"),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-consents"), consents, w));
    let candidates = access
        .candidates
        .iter()
        .map(|c| {
            (
                w.org(&c.other_org),
                format!(
                    "{}{sep}{}{sep}{}",
                    percent(c.score_milli),
                    w.label("review", c.own_review.as_str()),
                    w.time(c.created_at)
                ),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-candidates"), candidates, w));
    let releases = access
        .releases
        .iter()
        .zip(&export.release_consents)
        .map(|(r, consents)| {
            (
                w.org(&r.to_org),
                released_text(w, r.released_at, r.withheld_at, consents, &access.consents),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-releases"), releases, w));
    let transfers = access
        .transfers
        .iter()
        .zip(&export.transfer_consents)
        .map(|(t, consents)| {
            (
                w.org(&t.to_org),
                format!(
                    "{}{sep}{}",
                    w.label("transfer-status", t.status.as_str()),
                    released_text(w, t.created_at, t.revoked_at, consents, &access.consents)
                ),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-transfers"), transfers, w));
    let messages = access
        .messages
        .iter()
        .map(|m| {
            (
                format!(
                    "{}{sep}{}{sep}{}",
                    w.time(m.created_at),
                    w.label("direction", m.direction.as_str()),
                    w.label("message-status", m.status.as_str())
                ),
                m.body.as_str().to_owned(),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-messages"), messages, w));
    let gallery = access
        .gallery_entries
        .iter()
        .map(|g| {
            (
                g.reference.to_string(),
                format!(
                    "{}{sep}{}",
                    w.label("gallery-status", g.status.as_str()),
                    w.maybe_time(g.published_at.or(Some(g.created_at)))
                ),
            )
        })
        .chain(access.reports.iter().map(|r| {
            (
                format!("{}{sep}{}", w.t("sar-report"), w.time(r.received_at)),
                r.message.as_str().to_owned(),
            )
        }))
        .collect();
    sections.push(section(w.t("sar-section-gallery"), gallery, w));
    let mut referrals = Vec::new();
    for s in &access.referrals {
        let f = &s.referral;
        referrals.push((
            format!("{}{sep}{}", w.org(&s.to_org), w.time(f.created_at)),
            format!(
                "{}{sep}{}\n{}\n{}",
                w.label("referral-status", f.status.as_str()),
                w.label("urgency", f.urgency.as_str()),
                f.purpose.as_str(),
                f.risk.safety_plan.as_str()
            ),
        ));
        for e in &s.timeline {
            if let Some(text) = &e.text {
                referrals.push((w.time(e.at), text.as_str().to_owned()));
            }
        }
        for tool in &s.tools {
            let code = w.0.code();
            let values = tool
                .definition
                .fields
                .iter()
                .filter_map(|f| {
                    let value = tool.values.get(&f.key)?;
                    Some(format!("{}: {value}", f.label.get(code)))
                })
                .collect::<Vec<_>>()
                .join("\n");
            referrals.push((
                format!(
                    "{}{sep}{}",
                    tool.definition.title.get(code),
                    w.time(tool.filled_at)
                ),
                values,
            ));
        }
    }
    sections.push(section(w.t("sar-section-referrals"), referrals, w));
    if let Some(i) = &access.import {
        let source = [&i.source_name, &i.source_url, &i.source_date]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(sep);
        sections.push(section(
            w.t("sar-section-import"),
            rows(vec![(w.time(i.imported_at), source)]),
            w,
        ));
    }
    let seen = access
        .seen_by
        .iter()
        .map(|e| {
            let who = match (&e.actor, &e.org) {
                (Some(actor), Some(org)) => format!("{actor}, {}", org.name),
                // Another organisation's staff are not named; an entry of
                // the person's own organisation without an actor is the
                // platform's (a visitor's report, the retention job).
                (None, Some(org)) if org.id != access.person.org => {
                    format!("{}{sep}{}", org.name, w.t("sar-other-staff"))
                }
                _ => w.t("sar-platform"),
            };
            (
                format!("{}{sep}{}", w.time(e.at), who),
                w.label("audit-action", e.action.as_str()),
            )
        })
        .collect();
    sections.push(section(w.t("sar-section-seen-by"), seen, w));
    sections
}

fn released_text(
    w: &Words,
    at: Timestamp,
    until: Option<Timestamp>,
    consents: &[ConsentId],
    ledger: &[ConsentRecord],
) -> String {
    let sep = w.sep();
    let until = until
        .map(|u| format!(" – {}", w.time(u)))
        .unwrap_or_default();
    let given: Vec<String> = ledger
        .iter()
        .filter(|c| consents.contains(&c.id))
        .map(|c| w.time(c.recorded_at))
        .collect();
    let under = if given.is_empty() {
        w.t("sar-no-consent")
    } else {
        format!("{} {}", w.t("sar-under-consent"), given.join(", "))
    };
    format!("{}{until}{sep}{under}", w.time(at))
}

pub async fn download_pdf(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
    QueryParams(query): QueryParams<PdfQuery>,
) -> WebResult<Response> {
    let lang = match query.lang.as_deref() {
        None => page.lang,
        Some(code) => Lang::parse(code)
            .filter(|lang| lang.code() == code)
            .ok_or_else(|| {
                WebError::invalid(
                    "lang",
                    Problem::OneOf {
                        choices: vec![
                            retrace_domain::Choice::English,
                            retrace_domain::Choice::French,
                            retrace_domain::Choice::Spanish,
                            retrace_domain::Choice::Arabic,
                        ],
                    },
                )
            })?,
    };
    let export = privacy::subject_access(&state.app, &member.actor(), id).await?;
    let words = Words(lang);
    let sep = words.sep();
    let name = export.access.person.details.primary_name().to_owned();
    let title = format!("{}: {name}", words.t("sar-pdf-title"));
    let reference = export
        .access
        .request
        .as_ref()
        .map(|r| r.reference.to_string())
        .unwrap_or_else(|| id.to_string());
    let subtitle = format!(
        "{reference}{sep}{} {}",
        words.t("sar-exported"),
        export.exported_at.display_utc()
    );
    let sections = pdf_sections(&export, &words);
    let pdf = tokio::task::spawn_blocking(move || {
        labelled_document(&LabelledDocument {
            lang: lang.code(),
            rtl: lang.dir() == "rtl",
            title: &title,
            subtitle: &subtitle,
            sections: &sections,
        })
    })
    .await
    .map_err(WebError::internal)?
    .map_err(WebError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, file_name(id, "pdf")),
        ],
        pdf,
    )
        .into_response())
}
