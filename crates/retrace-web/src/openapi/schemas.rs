//! The shared response shapes of the API (`components/schemas`), each
//! written from the handler's serialiser it describes (`routes/api*.rs`
//! and the module routes' `*_json` functions). Operations point at them
//! with `$ref`.

use serde_json::{Value, json};

fn codes<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Value {
    json!(all.iter().map(|c| as_str(*c)).collect::<Vec<_>>())
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}
fn maybe_uuid() -> Value {
    json!({ "type": ["string", "null"], "format": "uuid" })
}
fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}
fn maybe_time() -> Value {
    json!({ "type": ["string", "null"], "format": "date-time" })
}
fn text() -> Value {
    json!({ "type": "string" })
}
fn maybe_text() -> Value {
    json!({ "type": ["string", "null"] })
}
fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}
fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
fn list_of(name: &str) -> Value {
    json!({ "type": "array", "items": reference(name) })
}

/// An object whose every property is required and that has no others.
fn closed(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// `{ key: [Name] }`: the list envelopes.
pub fn envelope(key: &str, name: &str) -> Value {
    closed(json!({ key: list_of(name) }))
}

fn person_schemas() -> Vec<(&'static str, Value)> {
    use retrace_domain::{NameKind, Relationship, Sex};
    let name = closed(json!({
        "full": text(), "script": { "type": "string", "enum": ["latin", "arabic", "cyrillic", "ethiopic", "other"], "description": "The writing system, detected from the letters" },
        "kind": { "type": "string", "enum": codes(NameKind::ALL, NameKind::as_str) },
        "given": maybe_text(), "father": maybe_text(), "grandfather": maybe_text(), "family": maybe_text() }));
    let details = closed(json!({
        "names": list_of("PersonName"),
        "sex": { "type": "string", "enum": codes(Sex::ALL, Sex::as_str) },
        "birth_date": { "type": ["string", "null"], "description": "YYYY, YYYY-MM or YYYY-MM-DD; ~ in front when approximate" },
        "age_estimate": { "oneOf": [ closed(json!({ "years": { "type": "integer", "minimum": 0, "maximum": 120 }, "estimated_on": { "type": "string", "description": "The date the age was estimated on (a partial date)" } })), { "type": "null" } ] },
        "birth_place": maybe_text(), "nationalities": { "type": "array", "items": { "type": "string", "pattern": "^[A-Z]{2}$" } },
        "languages": strings(), "father_name": maybe_text(), "mother_name": maybe_text(),
        "last_known_place": { "type": ["string", "null"], "description": "Whereabouts: never shown to an enquirer without consent" },
        "distinguishing_marks": maybe_text(),
        "contact": { "type": ["string", "null"], "description": "Kept for enquirers and self-registrations only" },
        "flags": closed(json!({ "minor": { "type": "boolean" }, "unaccompanied": { "type": "boolean" }, "at_risk": { "type": "boolean", "description": "A known threat: never matched or disclosed outside the organisation" } })) }));
    let person = closed(json!({
        "id": uuid(), "request": { "type": ["string", "null"], "format": "uuid", "description": "The request of an enquirer or sought person; null for a registration" },
        "role": { "type": "string", "enum": ["enquirer", "sought", "registered"] },
        "relationship": { "type": ["string", "null"], "enum": codes(Relationship::ALL, Relationship::as_str).as_array().map(|a| { let mut a = a.clone(); a.push(Value::Null); a }), "description": "A sought person's relationship to the enquirer" },
        "registration": { "type": ["string", "null"], "enum": ["safe", "looking_for_family", null], "description": "A registered person's kind" },
        "details": reference("PersonDetails"),
        "version": { "type": "integer", "description": "Quote it when editing: a stale one is a 409" },
        "created_at": time(), "updated_at": time() }));
    let circumstances = closed(json!({
        "context": { "type": "string", "enum": codes(retrace_domain::SeparationContext::ALL, retrace_domain::SeparationContext::as_str) },
        "date": maybe_text(), "place": maybe_text(),
        "countries_transited": strings(),
        "last_news": closed(json!({ "date": maybe_text(), "place": maybe_text(), "source": { "type": ["string", "null"], "description": "From whom or through what" } })),
        "narrative": maybe_text() }));
    let request = closed(json!({
        "id": uuid(), "reference": { "type": "string", "description": "The case reference, e.g. BE-2026-00042" },
        "status": text(), "closure_reason": maybe_text(),
        "circumstances": reference("Circumstances"),
        "enquirer": reference("Person"), "sought": list_of("Person"),
        "assigned_to": { "type": ["string", "null"], "format": "uuid", "description": "The assigned member's account" },
        "version": { "type": "integer" }, "created_at": time(), "updated_at": time() }));
    let mut created = request.clone();
    if let Some(p) = created["properties"].as_object_mut() {
        p.insert("warnings".into(), json!({ "type": "array", "items": { "type": "string" }, "description": "What the caller should know, e.g. sought persons without a tracing basis" }));
    }
    let row = closed(json!({
        "id": uuid(), "reference": text(), "status": text(),
        "enquirer": { "type": ["string", "null"], "description": "The enquirer's primary name" },
        "sought": { "type": "array", "items": closed(json!({ "relationship": text(), "name": maybe_text() })) },
        "assigned_to": maybe_uuid(),
        "candidates": { "type": "integer", "description": "Possible matches" },
        "candidates_to_review": { "type": "integer", "description": "Possible matches still to review" },
        "minor": { "type": "boolean" }, "at_risk": { "type": "boolean" },
        "created_at": time(), "updated_at": time() }));
    let registration = closed(json!({
        "id": uuid(), "kind": text(), "name": maybe_text(),
        "candidates": { "type": "integer" }, "candidates_to_review": { "type": "integer" },
        "minor": { "type": "boolean" }, "at_risk": { "type": "boolean" }, "created_at": time() }));
    vec![
        ("PersonName", name),
        ("PersonDetails", details),
        ("Person", person),
        ("Circumstances", circumstances),
        ("Request", request),
        ("CreatedRequest", created),
        (
            "RequestList",
            closed(
                json!({ "total": { "type": "integer", "description": "Requests matching, over all pages" }, "requests": { "type": "array", "items": row } }),
            ),
        ),
        (
            "RegistrationList",
            closed(
                json!({ "total": { "type": "integer" }, "registrations": { "type": "array", "items": registration } }),
            ),
        ),
    ]
}

fn candidate_schemas() -> Vec<(&'static str, Value)> {
    let candidate = json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "score", "explanation", "our_person", "other_person", "other_organisation", "our_review", "their_review", "our_release", "released_to_us"],
        "properties": {
            "id": uuid(), "score": { "type": "number", "minimum": 0, "maximum": 1 },
            "explanation": { "type": "array", "items": closed(json!({ "field": text(), "agreement": text(), "contribution": { "type": "number" } })), "description": "How each field agreed; never the other side's values" },
            "our_person": uuid(),
            "other_person": { "type": ["string", "null"], "format": "uuid", "description": "Only when the other record is ours too" },
            "other_organisation": closed(json!({ "name": text(), "country": text(), "contacts": strings() })),
            "our_review": closed(json!({ "status": { "type": "string", "enum": ["proposed", "confirmed", "rejected"] }, "reason": maybe_text() })),
            "their_review": closed(json!({ "status": { "type": "string", "enum": ["proposed", "confirmed", "rejected"] } })),
            "our_release": closed(json!({ "approvals": { "type": "integer" }, "released": { "type": "boolean" } })),
            "released_to_us": { "type": "boolean" },
            "released_person": reference("Person"),
            "released_at": time(), "withdrawn_at": time(),
            "outcome": { "type": "string", "description": "After a release approval: what it did" }
        }
    });
    let message = closed(json!({
        "id": uuid(), "direction": { "type": "string", "enum": ["to_sought_person", "to_enquirer"] }, "body": text(), "status": text(),
        "history": { "type": "array", "items": closed(json!({ "status": text(), "at": time() })) }, "created_at": time() }));
    let consent = closed(json!({
        "id": uuid(), "person": uuid(),
        "purpose": { "type": "string", "enum": codes(retrace_domain::ConsentPurpose::ALL, retrace_domain::ConsentPurpose::as_str) },
        "basis": { "type": "string", "enum": ["self", "guardian", "vital_interest", "public_interest"] },
        "method": { "type": ["string", "null"], "enum": ["written", "oral", "digital", null], "description": "How a consent was given; null for a lawful basis" },
        "countries": strings(), "organisations": { "type": "array", "items": uuid() },
        "note": maybe_text(), "recorded_by": uuid(), "recorded_at": time(), "withdrawn_at": maybe_time(),
        "active": { "type": "boolean" } }));
    vec![
        ("Candidate", candidate),
        ("CandidateList", envelope("candidates", "Candidate")),
        ("Message", message),
        ("MessageList", envelope("messages", "Message")),
        ("Consent", consent),
        ("ConsentList", envelope("consents", "Consent")),
    ]
}

fn transfer_schemas() -> Vec<(&'static str, Value)> {
    let names = json!({ "type": "array", "items": closed(json!({ "full": text(), "kind": text(), "script": text() })) });
    let incoming = closed(json!({
        "id": uuid(), "reference": text(), "status": { "type": "string", "enum": ["pending", "accepted", "declined", "revoked"] },
        "from_organisation": closed(json!({ "name": text(), "country": text() })),
        "created_at": time(), "decided_at": maybe_time() }));
    let outgoing = closed(json!({
        "id": uuid(), "request": uuid(), "reference": text(), "status": text(),
        "to_organisation": closed(json!({ "id": uuid(), "name": text(), "country": text() })),
        "share": closed(json!({ "circumstances": { "type": "boolean" }, "sought": { "type": "array", "items": uuid() }, "enquirer_names": { "type": "boolean" }, "enquirer_contact": { "type": "boolean" }, "note": maybe_text() })),
        "reason": { "type": ["string", "null"], "description": "Why it was declined" },
        "created_at": time(), "decided_at": maybe_time(), "revoked_at": maybe_time() }));
    let shown = closed(json!({
        "id": uuid(), "reference": text(), "status": text(), "reason": maybe_text(), "note": maybe_text(),
        "created_at": time(), "decided_at": maybe_time(),
        "from_organisation": closed(json!({ "name": text(), "country": text(), "contacts": strings() })),
        "circumstances": { "oneOf": [reference("Circumstances"), { "type": "null" }], "description": "Only when shared" },
        "enquirer": { "oneOf": [closed(json!({ "names": names.clone(), "relationships": strings() })), { "type": "null" }], "description": "Only when the enquirer's names are shared" },
        "enquirer_contact": { "type": ["string", "null"], "description": "Only when shared under the enquirer's sharing consent" },
        "sought": { "type": "array", "items": closed(json!({
            "relationship": text(), "names": names, "birth_date": maybe_text(),
            "age_estimate": { "oneOf": [closed(json!({ "years": { "type": "integer" }, "estimated_on": text() })), { "type": "null" }] },
            "birth_place": maybe_text(), "father_name": maybe_text(), "mother_name": maybe_text(), "last_known_place": maybe_text(),
            "minor": { "type": "boolean" }, "unaccompanied": { "type": "boolean" } })) } }));
    vec![
        ("IncomingTransfer", incoming),
        (
            "IncomingTransferList",
            envelope("transfers", "IncomingTransfer"),
        ),
        ("OutgoingTransfer", outgoing),
        (
            "OutgoingTransferList",
            envelope("transfers", "OutgoingTransfer"),
        ),
        ("Transfer", shown),
    ]
}

fn referral_schemas() -> Vec<(&'static str, Value)> {
    let translated = closed(json!({ "en": text(), "fr": text(), "ar": text(), "es": text() }));
    let field = closed(json!({
        "key": text(), "kind": { "type": "string", "enum": ["text", "long_text", "yes_no", "number", "date"] }, "required": { "type": "boolean" },
        "label": reference("Translated"), "help": reference("Translated") }));
    let tool = closed(
        json!({ "key": { "type": "string", "description": "The tool's key in addresses" }, "title": reference("Translated"), "fields": list_of("ToolField") }),
    );
    let entry = closed(json!({
        "id": uuid(), "referral": uuid(), "tool": { "type": "string", "description": "The tool's key" }, "title": reference("Translated"),
        "values": { "type": "object", "additionalProperties": { "type": "string" }, "description": "The filled values by field key" }, "filled_at": time() }));
    let summary = closed(json!({
        "id": uuid(), "side": { "type": "string", "description": "The caller's side: the sending or the receiving organisation" },
        "other_organisation": closed(json!({ "id": uuid(), "name": text(), "country": text() })),
        "status": text(), "stage": maybe_text(), "urgency": text(), "services": strings(),
        "created_at": time(), "updated_at": time() }));
    let referral = json!({ "type": "object", "additionalProperties": false,
        "required": ["id", "to_organisation", "from_organisation", "status", "stage", "outcome", "reason", "created_at", "updated_at"],
        "properties": { "id": uuid(), "person": { "type": "string", "format": "uuid", "description": "The sender's person: only to the sender" },
            "to_organisation": uuid(), "from_organisation": uuid(), "status": text(), "stage": maybe_text(), "outcome": maybe_text(),
            "reason": { "type": ["string", "null"], "description": "Why it was declined" }, "created_at": time(), "updated_at": time() } });
    let party = closed(
        json!({ "id": uuid(), "name": text(), "country": text(), "contact": closed(json!({ "name": maybe_text(), "email": maybe_text() })) }),
    );
    let step = closed(json!({
        "id": uuid(), "stage": text(), "position": { "type": "integer" }, "label": text(), "required": { "type": "boolean" },
        "template_version": { "type": "integer" }, "state": { "type": "string", "description": "open, done or skipped" },
        "reason": maybe_text(), "by": maybe_uuid(), "at": maybe_time() }));
    let view = closed(json!({
        "id": uuid(), "side": { "type": "string", "description": "The caller's side: the sending or the receiving organisation" },
        "from_organisation": reference("ReferralParty"), "to_organisation": reference("ReferralParty"),
        "status": text(), "stage": maybe_text(), "urgency": text(), "services": strings(), "outcome": maybe_text(), "reason": maybe_text(),
        "created_at": time(), "decided_at": maybe_time(),
        "person_id": { "type": ["string", "null"], "format": "uuid", "description": "The sender's person: only to the sender" },
        "withheld": { "type": "boolean", "description": "The person's details are withheld: consent no longer covers the receiver" },
        "person": { "oneOf": [closed(json!({ "names": { "type": "array", "items": closed(json!({ "full": text(), "kind": text(), "script": text() })) }, "sex": text(), "birth_date": maybe_text(), "nationalities": strings(), "languages": strings(), "contact": maybe_text() })), { "type": "null" }], "description": "As shared, while consent holds" },
        "purpose": text(),
        "risk": { "oneOf": [closed(json!({ "level": text(), "who_at_risk": text(), "from_whom": maybe_text(), "safety_plan": text() })), { "type": "null" }], "description": "Only when the risk assessment is shared" },
        "share": closed(json!({ "identity": { "type": "boolean" }, "contact": { "type": "boolean" }, "risk_assessment": { "type": "boolean" } })),
        "steps": list_of("ChecklistStep"),
        "timeline": { "type": "array", "items": closed(json!({ "at": time(), "side": text(), "kind": text(), "stage": maybe_text(), "outcome": maybe_text(), "text": maybe_text(), "shared": { "type": "boolean" } })) } }));
    let template = closed(json!({
        "stage": text(), "version": { "type": "integer" },
        "steps": { "type": "array", "items": closed(json!({ "label": text(), "required": { "type": "boolean" } })) }, "created_at": time() }));
    vec![
        ("Translated", translated),
        ("ToolField", field),
        ("Tool", tool),
        ("ToolList", envelope("tools", "Tool")),
        ("ToolEntry", entry),
        ("ReferralSummary", summary),
        ("ReferralList", envelope("referrals", "ReferralSummary")),
        ("Referral", referral),
        ("ReferralParty", party),
        ("ChecklistStep", step),
        ("ReferralView", view),
        ("SopTemplate", template),
        ("SopTemplateList", envelope("templates", "SopTemplate")),
    ]
}

fn directory_schemas() -> Vec<(&'static str, Value)> {
    let entry = closed(json!({
        "id": uuid(), "version": { "type": "integer", "description": "Quote it when changing the entry" },
        "name": text(), "kind": text(), "country": text(), "city": text(), "services": strings(), "languages": strings(),
        "description": maybe_text(), "address": maybe_text(), "phone": maybe_text(), "email": maybe_text(), "website": maybe_text(),
        "opening_hours": { "type": "string", "description": "Local time: `Mo-Fr 09:00-17:00` or `24/7`" },
        "utc_offset": { "type": "string", "description": "`+01:00`" },
        "eligibility": closed(json!({ "min_age": { "type": ["integer", "null"] }, "max_age": { "type": ["integer", "null"] }, "sex": text(), "nationalities": strings() })),
        "visibility": text(), "verified_at": time(),
        "verified_by": { "type": ["string", "null"], "format": "uuid", "description": "Shown to signed-in members only" } }));
    let content = closed(json!({
        "legal_framework": maybe_text(), "referral_mechanism": maybe_text(), "focal_points": maybe_text(),
        "family_links": maybe_text(), "entry_and_return": maybe_text(), "sources": maybe_text(), "last_reviewed": maybe_text() }));
    let profile_properties = json!({
        "country": text(), "version": { "type": "integer" }, "content": content,
        "changed_sections": { "type": "array", "items": { "type": "string" }, "description": "The sections this version changed" },
        "changed_at": time(), "changed_by": maybe_uuid(), "changed_by_organisation": maybe_uuid() });
    let profile = closed(profile_properties.clone());
    let mut with_versions = profile_properties;
    with_versions["versions"] = json!({ "type": "array", "items": closed(json!({ "version": { "type": "integer" }, "changed_at": time(), "changed_sections": strings() })) });
    let document_properties = json!({
        "id": uuid(), "title": text(), "summary": maybe_text(), "language": text(), "themes": strings(), "countries": strings(),
        "document_type": text(), "visibility": text(), "file_name": text(), "format": text(),
        "size": { "type": "integer", "description": "Bytes" }, "has_text": { "type": "boolean", "description": "Whether its text could be read for the search" },
        "uploaded_at": time(), "file": { "type": "string", "description": "The address of the file" } });
    let document = closed(document_properties.clone());
    let mut hit = document_properties;
    hit["snippet"] = json!({ "type": "array", "items": closed(json!({ "text": text(), "hit": { "type": "boolean", "description": "A matched word" } })) });
    vec![
        ("DirectoryEntry", entry),
        (
            "DirectoryResults",
            closed(
                json!({ "total": { "type": "integer" }, "more": { "type": "boolean", "description": "More than total matched: counting stops 1,000 entries past the page" }, "entries": list_of("DirectoryEntry") }),
            ),
        ),
        ("CountryProfile", profile),
        ("CountryProfileList", envelope("profiles", "CountryProfile")),
        ("CountryProfileVersions", closed(with_versions)),
        ("Document", document),
        (
            "LibraryResults",
            closed(
                json!({ "total": { "type": "integer" }, "more": { "type": "boolean" }, "only_common_words": { "type": "boolean", "description": "The words were all too common to search" }, "documents": { "type": "array", "items": closed(hit) } }),
            ),
        ),
    ]
}

fn network_schemas() -> Vec<(&'static str, Value)> {
    let network = closed(
        json!({ "id": uuid(), "name": text(), "description": text(), "role": { "type": "string", "enum": ["member", "coordinator"] }, "members": { "type": "integer" }, "posts": { "type": "integer" } }),
    );
    let detail = closed(
        json!({ "id": uuid(), "name": text(), "description": text(), "role": { "type": "string", "enum": ["member", "coordinator"] },
        "members": { "type": "array", "items": closed(json!({ "org": uuid(), "name": text(), "country": text(), "role": { "type": "string", "enum": ["member", "coordinator"] } })) } }),
    );
    let practice_review = closed(
        json!({ "org": uuid(), "org_name": text(), "verdict": text(), "comment": text(), "at": time() }),
    );
    vec![
        ("Network", network),
        ("NetworkList", envelope("networks", "Network")),
        ("NetworkDetail", detail),
        ("NetworkPostList", envelope("posts", "NetworkPost")),
        (
            "NetworkDigest",
            closed(json!({ "since": time(), "posts": list_of("NetworkPost") })),
        ),
        (
            "Follows",
            closed(
                json!({ "follows": { "type": "array", "items": { "type": "string", "description": "kind:<post kind> or country:<code>" } } }),
            ),
        ),
        (
            "Follow",
            closed(json!({ "follow": text(), "on": { "type": "boolean" } })),
        ),
        ("PracticeReview", practice_review),
    ]
}

fn outreach_schemas() -> Vec<(&'static str, Value)> {
    let figure =
        json!({ "type": ["integer", "null"], "description": "null when suppressed as too small" });
    let result = json!({ "type": "object", "additionalProperties": false, "required": ["id", "status"], "properties": {
        "id": { "type": "string", "description": "The session's id as sent (empty when it had none)" },
        "status": { "type": "string", "enum": ["stored", "already_applied", "conflict", "invalid", "not_found"] },
        "version": { "type": "integer" }, "conflict": text(),
        "field": { "type": "string", "description": "For invalid: the JSON path within the session" }, "message": text() } });
    vec![
        (
            "SyncResults",
            closed(json!({ "results": { "type": "array", "items": result.clone() } })),
        ),
        ("SyncResult", result),
        (
            "OutreachDashboard",
            closed(json!({
            "suppressed": { "type": "boolean", "description": "Small counts are suppressed (the country view)" },
            "sessions": figure.clone(), "people": figure.clone(),
            "sections": { "type": "array", "items": closed(json!({ "name": { "type": "string", "description": "month, place_kind, team, nationality, sex, age_band, topic, referral or outcome" },
                "rows": { "type": "array", "items": closed(json!({ "key": text(), "sessions": figure.clone(), "people": figure })) } })) } })),
        ),
    ]
}

/// Every shared schema, by name.
pub fn components() -> Vec<(&'static str, Value)> {
    let mut all = person_schemas();
    all.extend(candidate_schemas());
    all.extend(transfer_schemas());
    all.extend(referral_schemas());
    all.extend(directory_schemas());
    all.extend(network_schemas());
    all.extend(outreach_schemas());
    all
}
