//! The OpenAPI 3.1 description of `/api/v1`, written as data next to the
//! routes it describes; a test checks that every API route appears in it.

use serde_json::{Value, json};

mod schemas;

/// A 200 JSON response whose schema is a shared one.
fn ok_ref(description: &str, name: &str) -> Value {
    json!({ "200": { "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } } })
}

/// A 201 JSON response whose schema is a shared one.
fn created_ref(description: &str, name: &str) -> Value {
    json!({ "201": { "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } } })
}

fn error_responses() -> Value {
    json!({
        "401": { "description": "No valid API token (`unauthenticated`), or the token has expired (`token_expired`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "403": { "description": "The token lacks the scope the operation needs (`insufficient_scope`, see `x-required-scope`), or its account lacks the role (`forbidden`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

fn with_errors(mut responses: Value, extra: &[(&str, &str)]) -> Value {
    if let (Some(map), Some(errors)) = (responses.as_object_mut(), error_responses().as_object()) {
        for (code, value) in errors {
            map.insert(code.clone(), value.clone());
        }
        for (code, description) in extra {
            map.insert(
                (*code).to_owned(),
                json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            );
        }
    }
    responses
}

/// A person as entered (the body of opening, registering and editing).
fn person_schema() -> Value {
    json!({
        "type": "object",
        "required": ["names"],
        "properties": {
            "names": { "type": "array", "maxItems": 20, "items": { "oneOf": [ { "type": "string" }, { "type": "object", "required": ["full"], "properties": { "full": { "type": "string" }, "kind": { "type": "string", "enum": ["birth", "alias", "short_form", "transliteration", "married"] } } } ] } },
            "sex": { "type": "string", "enum": ["female", "male", "other", "unknown"] },
            "birth_date": { "type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD, ~ for approximate" },
            "age": { "type": "integer" }, "age_on": { "type": "string" },
            "birth_place": { "type": "string" }, "nationalities": { "type": "array", "items": { "type": "string" } },
            "languages": { "type": "array", "items": { "type": "string" } },
            "father_name": { "type": "string" }, "mother_name": { "type": "string" },
            "last_known_place": { "type": "string" }, "distinguishing_marks": { "type": "string" }, "contact": { "type": "string" },
            "minor": { "type": "boolean" }, "unaccompanied": { "type": "boolean" }, "at_risk": { "type": "boolean" }
        }
    })
}

fn tracing_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let person = person_schema();
    json!({
        "/api/v1/requests": {
            "get": {
                "summary": "The organisation's tracing requests (audited when searching)",
                "parameters": [
                    { "name": "status", "in": "query", "schema": { "type": "string" } },
                    { "name": "nationality", "in": "query", "schema": { "type": "string" } },
                    { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "q", "in": "query", "schema": { "type": "string" }, "description": "Reference or text" },
                    { "name": "name", "in": "query", "schema": { "type": "string" }, "description": "Name search across scripts and spellings" },
                    { "name": "assigned", "in": "query", "schema": { "type": "string", "enum": ["me"] }, "description": "Only the requests assigned to the caller" },
                    { "name": "flag", "in": "query", "schema": { "type": "string", "enum": ["minor", "at_risk"] }, "description": "Only requests with a person so flagged" },
                    { "name": "review", "in": "query", "schema": { "type": "string", "enum": ["1"] }, "description": "Only requests with a possible match to review" },
                    { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["newest", "oldest", "updated", "alphabetical"], "default": "newest" } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
                ],
                "responses": with_errors(ok_ref("Requests", "RequestList"), &[("422", "A parameter is invalid; the message names it")])
            },
            "post": {
                "summary": "Open a tracing request (caseworker)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["enquirer", "sought", "circumstances"], "additionalProperties": false,
                    "properties": {
                        "enquirer": person.clone(),
                        "sought": { "type": "array", "minItems": 1, "items": { "type": "object", "required": ["relationship", "person"], "properties": { "relationship": { "type": "string" }, "person": person } } },
                        "circumstances": { "type": "object", "required": ["context"], "properties": { "context": { "type": "string", "enum": ["migration", "conflict", "disaster", "detention", "other"] }, "date": { "type": "string" }, "place": { "type": "string" }, "countries_transited": { "type": "array", "items": { "type": "string" } }, "news_date": { "type": "string" }, "news_place": { "type": "string" }, "news_source": { "type": "string" }, "narrative": { "type": "string" } } },
                        "enquirer_consent_method": { "type": "string", "enum": ["written", "oral", "digital"], "description": "How the enquirer consented to tracing; without it the enquirer's own record has no tracing consent" },
                        "vital_interest": { "type": "boolean", "default": false, "description": "The lawful basis for tracing the sought persons, who cannot be asked: true records, for each sought person, a tracing entry on the basis `vital_interest` decided by the caller. Without it (or a tracing consent recorded later through `/api/v1/persons/{id}/consents`) the sought persons are not matched against anyone; the response then carries a `warnings` entry saying so" }
                    }
                } } } },
                "responses": with_errors(created_ref("The request as opened, with `warnings`", "CreatedRequest"), &[("422", "A field is invalid; `field` names it (e.g. `sought[0].person.birth_date`)")])
            }
        },
        "/api/v1/requests/{id}/status": { "post": { "summary": "Move the request along its status machine, as the page does (caseworker): open, searching, located, contact_restored, reunited, closed (with `closure_reason`). Closing or reopening changes what it is matched with and takes a gallery entry down",
            "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "status"], "additionalProperties": false, "properties": {
                "version": { "type": "integer", "description": "The request's `version` as last read; another change since makes this a 409 conflict" },
                "status": { "type": "string", "enum": ["open", "searching", "located", "contact_restored", "reunited", "closed"], "description": "The new status code" },
                "closure_reason": { "type": "string", "description": "Why it closes (required with status `closed`)" },
                "note": { "type": "string", "maxLength": 500, "description": "A note kept with the change" } } } } } },
            "responses": with_errors(ok_ref("The request after the change", "Request"), &[("404", "Missing, or another organisation's"), ("409", "The version is stale: read the request again"), ("422", "The move is not allowed or a field is invalid; `field` names it")]) } },
        "/api/v1/requests/{id}/assignment": { "post": { "summary": "Assign the request to an active caseworker of the organisation, or take the assignment back with an empty `assignee` (caseworker; audited)",
            "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false, "properties": {
                "assignee": { "type": "string", "description": "A member's id (see `/api/v1/me`), or empty" } } } } } },
            "responses": with_errors(json!({ "204": { "description": "Assigned" } }), &[("404", "Missing, or another organisation's"), ("422", "`assignee` is not an active caseworker of the organisation")]) } },
        "/api/v1/requests/{id}": { "get": { "summary": "One request (audited)", "parameters": id.clone(), "responses": with_errors(ok_ref("Request", "Request"), &[("404", "Missing, or another organisation's")]) } },
        "/api/v1/registrations": {
            "get": { "summary": "The organisation's registrations, one page of 50, with search, filters and an order like the request list",
                "parameters": [
                    { "name": "q", "in": "query", "schema": { "type": "string" }, "description": "Text in a name" },
                    { "name": "name", "in": "query", "schema": { "type": "string" }, "description": "Name search across scripts and spellings" },
                    { "name": "kind", "in": "query", "schema": { "type": "string", "enum": ["safe", "looking_for_family"] } },
                    { "name": "flag", "in": "query", "schema": { "type": "string", "enum": ["minor", "at_risk"] } },
                    { "name": "review", "in": "query", "schema": { "type": "string", "enum": ["1"] } },
                    { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["newest", "oldest", "updated", "alphabetical"], "default": "newest" } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
                ],
                "responses": with_errors(ok_ref("Registrations", "RegistrationList"), &[("422", "A parameter is invalid; the message names it")]) },
            "post": { "summary": "Register a person who is safe or looking for their family (caseworker)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["kind", "person"], "additionalProperties": false, "properties": { "kind": { "type": "string", "enum": ["safe", "looking_for_family"] }, "person": person.clone(), "consent_method": { "type": "string", "enum": ["written", "oral", "digital"] } } } } } },
                "responses": with_errors(created_ref("The registered person", "Person"), &[("422", "A field is invalid; `field` names it (e.g. `person.names[0]`)")]) }
        },
        "/api/v1/pfif/persons": { "get": { "summary": "PFIF 1.4 feed of the organisation's sought and registered persons that `receiver` may see now: never an at-risk person, only persons whose active sharing consent covers the receiver or its country; names, sex, date of birth and age only (caseworker or org admin; audited as `pfif_exported`). A partner reads it with a token of the exporting organisation scoped to `export` only; the same document is downloaded as a file on the page `/export/pfif`",
            "parameters": [ { "name": "receiver", "in": "query", "required": true, "schema": { "type": "string", "format": "uuid" }, "description": "The receiving organisation's id" },
                { "name": "include", "in": "query", "required": false, "schema": { "type": "string", "enum": ["sought", "registered", "sought,registered", "all"] }, "description": "Which of the organisation's persons: sought persons of tracing requests, registered persons, or both (the default)" } ],
            "responses": with_errors(json!({ "200": { "description": "A PFIF 1.4 document", "content": { "application/xml": { "schema": { "type": "string" } } } } }), &[("422", "`receiver` is not an organisation, or `include` is not sought, registered or both")]) } },
        "/api/v1/imports/pfif": { "post": { "summary": "Import a PFIF 1.1-1.4 document (caseworker or org admin): every record or none, in one transaction; a person whose latest note is `is_note_author` or `believed_alive` becomes a registration `safe`, any other an open request by the record's author; record ids imported before are skipped",
            "parameters": [ { "name": "domain", "in": "query", "required": false, "schema": { "type": "string" }, "description": "Accept only record ids of this domain; a record of another domain is a problem" } ],
            "requestBody": { "required": true, "content": { "application/xml": { "schema": { "type": "string" } } } },
            "responses": with_errors(json!({ "200": { "description": "Imported", "content": { "application/json": { "schema": { "type": "object", "required": ["version", "requests", "registrations", "already_imported", "records"], "properties": {
                "version": { "type": "string", "description": "The PFIF version read" },
                "requests": { "type": "integer", "description": "Requests opened" },
                "registrations": { "type": "integer", "description": "Registrations created" },
                "already_imported": { "type": "integer", "description": "Records imported before, left as they were" },
                "records": { "type": "array", "items": { "type": "object", "required": ["person_record_id", "person", "created"], "properties": { "person_record_id": { "type": "string" }, "person": { "type": "string", "format": "uuid", "description": "The registered or sought person it became" }, "created": { "type": "boolean" } } } } } } } } },
                "422": { "description": "Nothing imported: `problems` lists each, with its line", "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false, "required": ["imported", "problems"], "properties": { "imported": { "type": "boolean", "const": false }, "problems": { "type": "array", "items": { "type": "string" }, "description": "Each problem, with its line" } } } } } } }),
                &[]) } },
        "/api/v1/persons/{id}/consents": {
            "get": { "summary": "The person's consent ledger, withdrawn entries included (reader)", "parameters": id.clone(), "responses": with_errors(ok_ref("The consent ledger", "ConsentList"), &[("404", "Missing, or another organisation's")]) },
            "post": { "summary": "Record a consent or a lawful basis for one of our persons (caseworker); a minor's consent is a guardian's", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["purpose", "basis"], "additionalProperties": false, "properties": {
                    "purpose": { "type": "string", "enum": ["tracing", "sharing", "publication", "authorities", "face_matching"], "description": "What the entry allows: tracing (matching), sharing (release to the organisations of `countries`), publication (the gallery), authorities, face_matching" },
                    "basis": { "type": "string", "enum": ["self", "guardian", "vital_interest", "public_interest"], "description": "`self` or `guardian`: a consent, given as `method`; `vital_interest` or `public_interest`: a lawful basis decided by the caller, for a person who cannot be asked" },
                    "method": { "type": "string", "enum": ["written", "oral", "digital"], "description": "How the consent was given; required with `self` and `guardian`" },
                    "countries": { "type": "array", "items": { "type": "string", "pattern": "^[A-Z]{2}$" }, "description": "For sharing: the countries whose organisations may receive the person's details" },
                    "note": { "type": "string", "maxLength": 500 } } } } } },
                "responses": with_errors(created_ref("The recorded entry", "Consent"), &[("404", "Missing, or another organisation's"), ("422", "A field is invalid; `field` names it")]) }
        },
        "/api/v1/persons/{id}/consents/{consent}/withdraw": { "post": { "summary": "Withdraw one consent entry (caseworker): withdrawing publication takes the gallery entry down, withdrawing tracing stops the matching, withdrawing sharing hides earlier releases",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "consent", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(ok_ref("The withdrawn entry", "Consent"), &[("404", "Missing, or another organisation's"), ("409", "Already withdrawn")]) } },
        "/api/v1/persons/{id}/candidates": { "get": { "summary": "Possible matches of one of our persons: score and field agreement, never the other side's values", "parameters": id.clone(), "responses": with_errors(ok_ref("Candidates", "CandidateList"), &[("404", "Missing, or another organisation's")]) } },
        "/api/v1/candidates/{id}": { "get": { "summary": "One candidate; `released_person` only once the other organisation released it", "parameters": id.clone(), "responses": with_errors(ok_ref("Candidate", "Candidate"), &[("404", "Missing, or not involving our records")]) } },
        "/api/v1/candidates/{id}/review": { "post": { "summary": "Confirm, reject (with a reason) or reopen our side's review", "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "properties": { "status": { "type": "string", "enum": ["proposed", "confirmed", "rejected"] }, "reason": { "type": "string" } } } } } },
            "responses": with_errors(ok_ref("Candidate", "Candidate"), &[("404", "Missing"), ("422", "Invalid")]) } },
        "/api/v1/candidates/{id}/release": { "post": { "summary": "Approve releasing our person's details to the other organisation (checked against the consent ledger; a minor needs two staff)", "parameters": id.clone(),
            "responses": with_errors(ok_ref("Candidate with `outcome`", "Candidate"), &[("404", "Missing"), ("409", "Refused: no consent, at risk, or same approver")]) } },
        "/api/v1/candidates/{id}/messages": {
            "get": { "summary": "Family messages on a candidate", "parameters": id.clone(), "responses": with_errors(ok_ref("Messages", "MessageList"), &[("404", "Missing")]) },
            "post": { "summary": "Draft a family message (both sides confirmed)", "parameters": id,
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["direction", "body"], "properties": { "direction": { "type": "string", "enum": ["to_sought_person", "to_enquirer"] }, "body": { "type": "string", "maxLength": 2000 } } } } } },
                "responses": with_errors(created_ref("The drafted message", "Message"), &[("404", "Missing"), ("409", "Not confirmed by both sides")]) }
        }
    })
}

/// Changes to persons and requests beyond opening them, and the export (a
/// second function: one `json!` this size exceeds the macro's recursion).
fn tracing_change_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let person = person_schema();
    json!({
        "/api/v1/persons/{id}": {
            "get": { "summary": "One person (audited)", "parameters": id.clone(), "responses": with_errors(ok_ref("Person", "Person"), &[("404", "Missing, or another organisation's")]) },
            "put": { "summary": "Replace one of our persons' details (caseworker), as the page's edit form: every field is sent, what is left out is cleared. Marking the person at risk takes their gallery entries down in the same transaction; the matching index is updated", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "person"], "additionalProperties": false, "properties": {
                    "version": { "type": "integer", "description": "The `version` read with the person: a stale one is refused with 409 and changes nothing" },
                    "person": person.clone() } } } } },
                "responses": with_errors(ok_ref("The person as saved, with its new `version`", "Person"), &[("404", "Missing, or another organisation's"), ("409", "Changed by someone else since `version` was read"), ("422", "A field is invalid; `field` names it")]) }
        },
        "/api/v1/requests/{id}/sought": { "post": { "summary": "Add a sought person to one of our open requests (caseworker); with `vital_interest` the person is traced on that lawful basis, otherwise not matched until a tracing basis is recorded", "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["relationship", "person"], "additionalProperties": false, "properties": {
                "relationship": { "type": "string", "description": "The sought person's relationship to the enquirer (a relationship code, e.g. `brother`, `mother`, `daughter`)" },
                "person": person.clone(),
                "vital_interest": { "type": "boolean", "description": "Record the vital interest of the sought person as the lawful basis for tracing them: for a person who cannot be asked" } } } } } },
            "responses": with_errors(created_ref("The sought person as stored", "Person"), &[("404", "Missing, or another organisation's"), ("409", "The request is closed"), ("422", "A field is invalid; `field` names it")]) } },
        "/api/v1/exports/requests": { "post": { "summary": "CSV of the organisation's requests that the filters select (caseworker, token with the `export` scope; audited with the reason). Names of persons whose consent does not cover export are left out, as on the page",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["reason"], "additionalProperties": false, "properties": {
                "reason": { "type": "string", "minLength": 10, "maxLength": 300, "description": "Why the export is needed; kept in the audit log" },
                "filters": { "type": "object", "additionalProperties": false, "description": "The filters of `GET /api/v1/requests`", "properties": { "status": { "type": "string" }, "nationality": { "type": "string" }, "from": { "type": "string", "format": "date" }, "to": { "type": "string", "format": "date" }, "q": { "type": "string" }, "name": { "type": "string" }, "assigned": { "type": "string", "enum": ["me"] }, "flag": { "type": "string", "enum": ["minor", "at_risk"] }, "review": { "type": "string", "enum": ["1"] }, "sort": { "type": "string", "enum": ["newest", "oldest", "updated", "alphabetical"] }, "page": { "type": "integer", "minimum": 1 } } } } } } } },
            "responses": with_errors(json!({ "200": { "description": "CSV, UTF-8, one row per request", "content": { "text/csv": { "schema": { "type": "string" } } } } }), &[("422", "The reason is missing or too long")]) } }
    })
}

fn gallery_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let entry = json!({ "type": "object", "required": ["id", "request", "person", "reference", "relationships", "status", "approvals", "created_at"], "properties": {
        "id": { "type": "string", "format": "uuid" },
        "request": { "type": "string", "format": "uuid" },
        "person": { "type": "string", "format": "uuid", "description": "The enquirer whose photo is shown" },
        "reference": { "type": "string", "description": "The public reference of the entry (its address in the gallery)" },
        "relationships": { "type": "array", "items": { "type": "string" }, "description": "The relationships sought: all the public sees besides the photo" },
        "region": { "type": ["string", "null"], "description": "The region shown, if any" },
        "status": { "type": "string", "enum": ["awaiting_approval", "published"], "description": "After a takedown, the status the entry had" },
        "approvals": { "type": "integer", "description": "Staff approvals so far (a minor's entry needs two)" },
        "created_at": { "type": "string", "format": "date-time" },
        "published_at": { "type": ["string", "null"], "format": "date-time" } } });
    let report = json!({ "type": "object", "required": ["id", "request", "reference", "message", "language", "status", "received_at"], "properties": {
        "id": { "type": "string", "format": "uuid" },
        "request": { "type": "string", "format": "uuid" },
        "entry": { "type": ["string", "null"], "format": "uuid", "description": "None once the entry was taken down; the report stays with the request" },
        "reference": { "type": "string" },
        "message": { "type": "string", "description": "What the visitor wrote" },
        "contact": { "type": ["string", "null"], "description": "How the visitor may be reached, if given" },
        "language": { "type": "string", "description": "The language of the page the visitor used" },
        "status": { "type": "string", "enum": ["new", "useful", "spam", "linked"] },
        "received_at": { "type": "string", "format": "date-time" },
        "reviewed_at": { "type": ["string", "null"], "format": "date-time" } } });
    let one = |description: &str, schema: &Value| json!({ "200": { "description": description, "content": { "application/json": { "schema": schema } } } });
    let missing = [("404", "Missing, or another organisation's")];
    json!({
        "/api/v1/gallery": {
            "get": { "summary": "The organisation's gallery entries, whatever their status (reader)",
                "responses": with_errors(one("Entries", &json!({ "type": "object", "properties": { "entries": { "type": "array", "items": entry.clone() } } })), &[]) },
            "post": { "summary": "Publish an enquirer's photo in the public gallery (caseworker), as the staff page does: refused without an active publication consent, for a closed request or a person at risk; a minor's entry waits for a second approval",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["request", "relationships", "photo_base64"], "additionalProperties": false, "properties": {
                    "request": { "type": "string", "format": "uuid" },
                    "relationships": { "type": "array", "minItems": 1, "items": { "type": "string" }, "description": "Which of the request's relationships to show (`brother`, `mother`, ...)" },
                    "region": { "type": "string", "description": "A region code to show, or empty" },
                    "photo_base64": { "type": "string", "contentEncoding": "base64", "description": "The photo (JPEG, PNG or WebP) in standard base64; re-encoded without its metadata" } } } } } },
                "responses": with_errors(json!({ "201": { "description": "The entry", "content": { "application/json": { "schema": entry.clone() } } } }), &[("404", "No such request of ours"), ("409", "Already published, or the request is closed"), ("413", "The photo is too large"), ("422", "Refused: the reason names the field or the missing consent")]) }
        },
        "/api/v1/gallery/{id}": { "get": { "summary": "One of the organisation's entries (reader)", "parameters": id.clone(), "responses": with_errors(one("Entry", &entry), &missing) } },
        "/api/v1/gallery/{id}/approve": { "post": { "summary": "The second approval of a minor's entry, by another staff member (caseworker)", "parameters": id.clone(), "responses": with_errors(one("Entry", &entry), &[("404", "Missing, or another organisation's"), ("409", "Not awaiting approval, or already approved by the caller")]) } },
        "/api/v1/gallery/{id}/take-down": { "post": { "summary": "Take an entry down (caseworker): it leaves the public gallery and its photo, thumbnail and posters are deleted", "parameters": id.clone(), "responses": with_errors(one("Entry", &entry), &missing) } },
        "/api/v1/gallery-reports": { "get": { "summary": "Reports from the public to the organisation, newest first, at most 200 (reader)",
            "parameters": [{ "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": ["new", "useful", "spam", "linked"] } }],
            "responses": with_errors(one("Reports", &json!({ "type": "object", "properties": { "reports": { "type": "array", "items": report.clone() } } })), &[("422", "Unknown status")]) } },
        "/api/v1/gallery-reports/{id}": { "get": { "summary": "One report (reader; audited: a report may say where a person is)", "parameters": id.clone(), "responses": with_errors(one("Report", &report), &missing) } },
        "/api/v1/gallery-reports/{id}/status": { "post": { "summary": "Mark a report (caseworker)", "parameters": id,
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "additionalProperties": false, "properties": { "status": { "type": "string", "enum": ["new", "useful", "spam", "linked"] } } } } } },
            "responses": with_errors(one("Report", &report), &[("404", "Missing, or another organisation's"), ("422", "Unknown status")]) } }
    })
}

pub fn document() -> Value {
    let mut doc = base_document();
    for extra in [
        tracing_paths(),
        transfer_paths(),
        referral_paths(),
        directory_paths(),
        outreach_paths(),
        work_queue_paths(),
        privacy_paths(),
        network_paths(),
        tracing_change_paths(),
        gallery_paths(),
        practice_paths(),
        indicator_paths(),
    ] {
        if let (Some(paths), Some(extra)) = (
            doc.get_mut("paths").and_then(Value::as_object_mut),
            extra.as_object(),
        ) {
            for (path, item) in extra {
                paths.insert(path.clone(), item.clone());
            }
        }
    }
    if let Some(components) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas::components() {
            components.insert(name.to_owned(), schema);
        }
        components.insert("NetworkPost".to_owned(), network_post());
    }
    declare_scopes(&mut doc);
    declare_input_errors(&mut doc);
    doc
}

/// Writes on every operation the answers its input alone can earn, where
/// the operation does not already say them in its own words: a path id
/// that names nothing is 404 (a malformed id too: it names nothing), an
/// unreadable or unknown query parameter is 422, and a body is 413 past
/// its size limit and 422 when it is not of its type or does not read (the
/// extractors in `extract.rs`).
fn declare_input_errors(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let error = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut() {
            let located = |place: &str| {
                operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .is_some_and(|parameters| {
                        parameters
                            .iter()
                            .any(|p| p.get("in").and_then(Value::as_str) == Some(place))
                    })
            };
            let mut answers = Vec::new();
            if located("path") {
                answers.push(("404", "Nothing of the organisation's has this id"));
            }
            if located("query") {
                answers.push((
                    "422",
                    "A parameter is invalid or unknown; the message names it",
                ));
            }
            if operation.get("requestBody").is_some() {
                answers.push(("413", "The body is larger than the operation accepts"));
                answers.push((
                    "422",
                    "The body is not of the documented type or shape; `field` names what is wrong",
                ));
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (code, description) in answers {
                responses
                    .entry(code.to_owned())
                    .or_insert_with(|| error(description));
            }
        }
    }
}

/// Writes on every operation the scope its route declares in
/// `api_scopes::API_ROUTES`: as the bearer requirement's scope and as
/// `x-required-scope`. An open route gets `security: []`.
fn declare_scopes(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Ok(method) = method.to_uppercase().parse::<axum::http::Method>() else {
                continue;
            };
            let Some(route) = crate::api_scopes::declared(&method, path) else {
                continue;
            };
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            match route.scope {
                Some(scope) => {
                    operation.insert("security".into(), json!([{ "bearer": [scope.as_str()] }]));
                    operation.insert("x-required-scope".into(), json!(scope.as_str()));
                }
                None => {
                    operation.insert("security".into(), json!([]));
                }
            }
        }
    }
}

fn referral_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let body = |schema: Value| json!({ "required": true, "content": { "application/json": { "schema": schema } } });
    let code = |values: &[&str]| json!({ "type": "string", "enum": values });
    let referral = json!({
        "type": "object", "additionalProperties": false,
        "required": ["person", "to_organisation", "purpose", "services", "urgency", "risk"],
        "properties": {
            "person": { "type": "string", "format": "uuid", "description": "A person of the caller's organisation" },
            "to_organisation": { "type": "string", "format": "uuid" },
            "purpose": { "type": "string", "maxLength": 2000 },
            "services": { "type": "array", "minItems": 1, "items": code(&["shelter", "medical", "legal", "psychosocial", "safe_return", "reintegration", "family_tracing", "documents"]) },
            "urgency": code(&["routine", "urgent", "emergency"]),
            "risk": { "type": "object", "additionalProperties": false, "required": ["level", "who_at_risk", "safety_plan"], "properties": {
                "level": code(&["low", "medium", "high"]), "who_at_risk": { "type": "string" }, "from_whom": { "type": "string" }, "safety_plan": { "type": "string" } } },
            "share": { "type": "object", "additionalProperties": false, "properties": {
                "identity": { "type": "boolean" }, "contact": { "type": "boolean" }, "risk_assessment": { "type": "boolean" } } }
        }
    });
    let stages = [
        "identification",
        "referral",
        "assistance",
        "monitoring",
        "return",
        "reintegration",
    ];
    let missing = (
        "404",
        "Missing, or not one of the caller's organisation's referrals",
    );
    json!({
        "/api/v1/referrals": {
            "get": { "summary": "The inbox (box=inbox, the default) or outbox (box=outbox) of referrals (referral_officer; audited)",
                "parameters": [
                    { "name": "box", "in": "query", "schema": code(&["inbox", "outbox"]) },
                    { "name": "status", "in": "query", "schema": code(&["sent", "accepted", "declined", "in_progress", "closed"]) },
                    { "name": "stage", "in": "query", "schema": code(&stages) },
                    { "name": "urgency", "in": "query", "schema": code(&["routine", "urgent", "emergency"]) },
                    { "name": "country", "in": "query", "schema": { "type": "string" }, "description": "The other organisation's country" },
                    { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } }
                ],
                "responses": with_errors(ok_ref("Referrals", "ReferralList"), &[("422", "A parameter is invalid; the message names it")]) },
            "post": { "summary": "Refer a person of the caller's organisation to another organisation; refused without an active sharing consent or lawful basis covering it", "requestBody": body(referral),
                "responses": with_errors(created_ref("The referral", "Referral"), &[("404", "No such person in the caller's organisation"), ("422", "Invalid or refused; `field` names the input (consent, to_organisation, services, risk.safety_plan, ...)")]) }
        },
        "/api/v1/referrals/{id}": { "get": { "summary": "One referral as the caller's side sees it now: the receiver gets the person only as shared and while consent holds (audited)", "parameters": id.clone(),
            "responses": with_errors(ok_ref("Referral", "ReferralView"), &[missing]) } },
        "/api/v1/referrals/{id}/decision": { "post": { "summary": "The receiver accepts or declines (a decline needs a reason)", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["decision"], "properties": { "decision": code(&["accept", "decline"]), "reason": { "type": "string", "maxLength": 500 } } })),
            "responses": with_errors(ok_ref("The referral after the change; `person` only to the sender", "Referral"), &[missing, ("409", "Already decided"), ("422", "Invalid")]) } },
        "/api/v1/referrals/{id}/status": { "post": { "summary": "The receiver starts the work (in_progress) or closes with an outcome", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["status"], "properties": { "status": code(&["in_progress", "closed"]), "outcome": code(&["assisted", "returned_safely", "reintegrated", "person_withdrew", "lost_contact", "referred_elsewhere"]), "note": { "type": "string" } } })),
            "responses": with_errors(ok_ref("The referral after the change; `person` only to the sender", "Referral"), &[missing, ("409", "Not allowed from the current status"), ("422", "Invalid")]) } },
        "/api/v1/referrals/{id}/steps/{step}": { "post": { "summary": "Tick (done) or skip (with a reason) a checklist step of the current stage",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "step", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["action"], "properties": { "action": code(&["done", "skip"]), "reason": { "type": "string", "maxLength": 500 } } })),
            "responses": with_errors(ok_ref("Step", "ChecklistStep"), &[missing, ("409", "Already ticked or skipped"), ("422", "Not the current stage, or the other side's")]) } },
        "/api/v1/referrals/{id}/stage": { "post": { "summary": "Close the current stage once its required steps are done or skipped", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["stage"], "properties": { "stage": code(&stages) } })),
            "responses": with_errors(ok_ref("The referral after the change; `person` only to the sender", "Referral"), &[missing, ("422", "Required steps open, or not the current stage")]) } },
        "/api/v1/referrals/{id}/updates": { "post": { "summary": "Add an update to the timeline; report=true shares it with the other organisation", "parameters": id,
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["text"], "properties": { "text": { "type": "string", "maxLength": 2000 }, "report": { "type": "boolean" } } })),
            "responses": with_errors(json!({ "204": { "description": "Added" } }), &[missing, ("422", "Invalid")]) } },
        "/api/v1/tools": {
            "get": { "summary": "The toolbox: the eight built-in tools and those the organisation added, each a list of typed fields with labels and help in en, fr, ar and es", "responses": with_errors(ok_ref("Tools", "ToolList"), &[]) },
            "post": { "summary": "Add a tool to the organisation's toolbox (org_admin)",
                "requestBody": body(json!({ "type": "object", "required": ["key", "title", "fields"], "properties": {
                    "key": { "type": "string", "pattern": "^[a-z0-9_]{1,40}$" },
                    "title": { "$ref": "#/components/schemas/Translated" },
                    "fields": { "type": "array", "minItems": 1, "maxItems": 40, "items": { "type": "object", "required": ["key", "kind", "required", "label", "help"], "properties": {
                        "key": { "type": "string" }, "kind": code(&["text", "long_text", "yes_no", "number", "date"]), "required": { "type": "boolean" },
                        "label": { "$ref": "#/components/schemas/Translated" }, "help": { "$ref": "#/components/schemas/Translated" } } } } } })),
                "responses": with_errors(created_ref("The tool as added", "Tool"), &[("409", "The key is taken"), ("422", "Invalid; `field` names it")]) }
        },
        "/api/v1/referrals/{id}/tools/{key}": { "post": { "summary": "Fill a tool for a referral; each value must be of its field's type (text, yes/no as boolean or \"yes\"/\"no\", whole number, date)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "key", "in": "path", "required": true, "schema": { "type": "string" } } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["values"], "properties": { "values": { "type": "object", "description": "The value of each field by its key", "additionalProperties": { "type": ["string", "boolean", "integer"] } } } })),
            "responses": with_errors(created_ref("The filled tool", "ToolEntry"), &[missing, ("422", "A value of the wrong type or missing; `field` is values.<key>")]) } },
        "/api/v1/referrals/{id}/tool-entries/{entry}": { "get": { "summary": "A tool the caller's organisation filled for a referral (audited)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "entry", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(ok_ref("Filled tool", "ToolEntry"), &[missing]) } },
        "/api/v1/referrals/{id}/tool-entries/{entry}/pdf": { "get": { "summary": "The same filled tool as an A4 PDF in the caller's language (Accept-Language; audited like reading it)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "entry", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(json!({ "200": { "description": "The PDF", "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } } }), &[missing]) } },
        "/api/v1/sop-templates": { "get": { "summary": "The latest version of each checklist template of the caller's organisation (org_admin or referral_officer)", "responses": with_errors(ok_ref("Templates", "SopTemplateList"), &[]) } },
        "/api/v1/sop-templates/{stage}": { "post": { "summary": "Save a new version of the template of a stage (org_admin); cases already started keep their version",
            "parameters": [ { "name": "stage", "in": "path", "required": true, "schema": code(&stages) } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["steps"], "properties": { "steps": { "type": "array", "maxItems": 40, "items": { "type": "object", "additionalProperties": false, "required": ["label"], "properties": { "label": { "type": "string", "maxLength": 300 }, "required": { "type": "boolean" } } } } } })),
            "responses": with_errors(created_ref("The new version", "SopTemplate"), &[("422", "Invalid; the message names the field")]) } }
    })
}

fn transfer_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    json!({
        "/api/v1/requests/{id}/transfers": {
            "get": { "summary": "Transfers of one of our requests, with their status", "parameters": id.clone(),
                "responses": with_errors(ok_ref("Transfers", "OutgoingTransferList"), &[("404", "Missing, or another organisation's")]) },
            "post": { "summary": "Transfer one of our requests to an organisation in another country, sharing only the chosen parts (caseworker)", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["to_organisation"], "additionalProperties": false,
                    "properties": {
                        "to_organisation": { "type": "string", "format": "uuid" },
                        "circumstances": { "type": "boolean", "description": "Share the circumstances of separation" },
                        "sought": { "type": "array", "items": { "type": "string", "format": "uuid" }, "description": "Sought persons whose details are shared (never a person at risk)" },
                        "enquirer_names": { "type": "boolean" },
                        "enquirer_contact": { "type": "boolean", "description": "Only with the enquirer's active sharing consent covering the receiver or its country" },
                        "note": { "type": "string", "maxLength": 2000 }
                    }
                } } } },
                "responses": with_errors(created_ref("The transfer", "OutgoingTransfer"), &[("404", "Missing, or another organisation's request"), ("422", "Refused; `field` names why: `to_organisation` (same country, own organisation, already transferred), `sought`, `enquirer_contact`, `share`")]) }
        },
        "/api/v1/transfers": { "get": { "summary": "Requests transferred to our organisation (not revoked)", "responses": with_errors(ok_ref("Transfers", "IncomingTransferList"), &[]) } },
        "/api/v1/transfers/{id}": { "get": { "summary": "One transfer to us with only the shared parts, read now (audited)", "parameters": id.clone(),
            "responses": with_errors(ok_ref("Transfer", "Transfer"), &[("404", "Missing, revoked, or not addressed to us")]) } },
        "/api/v1/transfers/{id}/decision": { "post": { "summary": "Accept or decline a pending transfer to us (a decline needs a reason)", "parameters": id,
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["decision"], "additionalProperties": false, "properties": { "decision": { "type": "string", "enum": ["accept", "decline"] }, "reason": { "type": "string", "maxLength": 500 } } } } } },
            "responses": with_errors(ok_ref("Transfer", "IncomingTransfer"), &[("404", "Missing, revoked, or not addressed to us"), ("409", "Already decided"), ("422", "Invalid")]) } }
    })
}

/// The directory of services, the country profiles and the library
/// (issue 12). Public entries and documents answer without a token.
fn directory_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let code_param = json!({ "name": "code", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Z]{2}$" } });
    let code = json!([code_param.clone()]);
    let text = json!({ "type": "string" });
    let entry = json!({
        "type": "object", "required": ["name", "kind", "country", "city", "visibility"], "additionalProperties": false,
        "properties": {
            "name": text, "kind": { "type": "string", "enum": ["ngo", "shelter", "legal_aid", "health", "police", "consulate", "labour_inspection", "family_links", "government", "international"] },
            "country": text, "city": text,
            "services": { "type": "array", "items": { "type": "string", "enum": ["accommodation", "legal_advice", "medical", "psychosocial", "family_links", "interpretation", "asylum_information", "return_assistance", "child_protection", "labour_rights", "victim_identification", "food"] } },
            "languages": { "type": "array", "items": { "type": "string", "description": "ISO 639-1" } },
            "description": text, "address": text, "phone": text, "email": text, "website": text,
            "opening_hours": { "type": "string", "description": "Local time: `Mo-Fr 09:00-17:00; Sa 10:00-12:00` or `24/7`" },
            "utc_offset": { "type": "string", "description": "`+01:00`" },
            "min_age": { "type": "integer" }, "max_age": { "type": "integer" },
            "sex": { "type": "string", "enum": ["any", "female", "male"] },
            "nationalities": { "type": "array", "items": text },
            "visibility": { "type": "string", "enum": ["public", "organisations", "own_organisation"] }
        }
    });
    let directory_query = json!([
        { "name": "q", "in": "query", "schema": text }, { "name": "country", "in": "query", "schema": text },
        { "name": "city", "in": "query", "schema": text }, { "name": "kind", "in": "query", "schema": text },
        { "name": "service", "in": "query", "schema": text }, { "name": "language", "in": "query", "schema": text },
        { "name": "open_now", "in": "query", "schema": { "type": "string", "enum": ["1", "true", "on"] } },
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
    ]);
    let library_query = json!([
        { "name": "q", "in": "query", "schema": text, "description": "Words in any of English, French, Arabic, Spanish, Russian; operators and quotes are ignored" },
        { "name": "document_type", "in": "query", "schema": { "type": "string", "enum": ["sop", "guideline", "law", "form", "training"] } },
        { "name": "language", "in": "query", "schema": { "type": "string", "enum": ["en", "fr", "ar", "es", "ru"] } },
        { "name": "country", "in": "query", "schema": text }, { "name": "theme", "in": "query", "schema": text },
        { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["relevance", "newest"] } },
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
    ]);
    json!({
        "/api/v1/directory": {
            "get": { "summary": "Directory entries we may see (public ones without a token)", "security": [], "parameters": directory_query,
                "responses": with_errors(ok_ref("Entries, total, and more", "DirectoryResults"), &[("422", "A parameter is invalid; `field` names it")]) },
            "post": { "summary": "Add an entry maintained by our organisation", "requestBody": { "required": true, "content": { "application/json": { "schema": entry.clone() } } },
                "responses": with_errors(created_ref("The entry", "DirectoryEntry"), &[("422", "Invalid; `field` names it")]) }
        },
        "/api/v1/directory/{id}": {
            "get": { "summary": "One entry we may see", "security": [], "parameters": id.clone(), "responses": with_errors(ok_ref("Entry", "DirectoryEntry"), &[("404", "Missing, or not visible to us")]) },
            "post": { "summary": "Change an entry (its organisation, or a coordinator of its country)", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "entry"], "additionalProperties": false, "properties": { "version": { "type": "integer" }, "entry": entry } } } } },
                "responses": with_errors(ok_ref("Entry", "DirectoryEntry"), &[("404", "Missing, or not ours to change"), ("409", "Changed since `version`"), ("422", "Invalid")]) }
        },
        "/api/v1/countries": { "get": { "summary": "The current version of every country profile", "responses": with_errors(ok_ref("Profiles", "CountryProfileList"), &[]) } },
        "/api/v1/countries/{code}": {
            "get": { "summary": "A country profile, its current or a given version, with the list of versions", "parameters": [code_param, { "name": "version", "in": "query", "schema": { "type": "integer" } }],
                "responses": with_errors(ok_ref("Profile with its versions", "CountryProfileVersions"), &[("404", "No such profile or version")]) },
            "post": { "summary": "Revise a country profile (coordinator of an organisation in that country)", "parameters": code,
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version"], "additionalProperties": false, "properties": {
                    "version": { "type": "integer", "description": "The version this revision is based on (0 for the first)" },
                    "legal_framework": text, "referral_mechanism": text, "focal_points": text, "family_links": text, "entry_and_return": text, "sources": text,
                    "last_reviewed": { "type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD" } } } } } },
                "responses": with_errors(ok_ref("Profile", "CountryProfile"), &[("409", "Revised since `version`"), ("422", "Invalid")]) }
        },
        "/api/v1/library": {
            "get": { "summary": "Full-text search of the documents we may see, with snippets (public ones without a token)", "security": [], "parameters": library_query,
                "responses": with_errors(ok_ref("Documents with snippets, total, more, only_common_words", "LibraryResults"), &[("422", "A parameter is invalid")]) },
            "post": { "summary": "Upload a document (PDF, DOCX, ODT, TXT, HTML, Markdown; at most 20 MB)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["title", "language", "document_type", "visibility", "file_name", "content_base64"], "additionalProperties": false, "properties": {
                    "title": text, "summary": text, "language": { "type": "string", "enum": ["en", "fr", "ar", "es", "ru"] },
                    "themes": { "type": "array", "items": text }, "countries": { "type": "array", "items": text },
                    "document_type": { "type": "string", "enum": ["sop", "guideline", "law", "form", "training"] },
                    "visibility": { "type": "string", "enum": ["public", "organisations", "own_organisation"] },
                    "file_name": text, "content_base64": text } } } } },
                "responses": with_errors(created_ref("Stored; `has_text` says whether its text could be read", "Document"), &[("413", "Too large"), ("422", "Not what its extension says, or invalid")]) }
        },
        "/api/v1/library/{id}": { "get": { "summary": "One document we may see", "security": [], "parameters": id.clone(), "responses": with_errors(ok_ref("Document", "Document"), &[("404", "Missing, or not visible to us")]) } },
        "/api/v1/library/{id}/file": { "get": { "summary": "The file as uploaded, as an attachment", "security": [], "parameters": id, "responses": with_errors(json!({ "200": { "description": "The file as uploaded (its own type: PDF, DOCX, ODT, text, HTML or Markdown)", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } } }), &[("404", "Missing, or not visible to us")]) } }
    })
}

fn base_document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "retrace API",
            "version": "1",
            "description": "Staff API of retrace. Authenticate with `Authorization: Bearer <token>`; tokens are created on the account page. Another organisation's record answers exactly like a missing one (404)."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "An API token made on the account page, with scopes and an expiry of at most a year. Scopes: `read` (GET routes), `write` (create and change), `export` (bulk exports such as the PFIF feed), `admin` (the organisation's accounts and audit log; administrators only). Each operation names the scope it needs in `x-required-scope`; roles of the token's account still apply. Tokens made before scopes existed have `read` and `write` and no expiry." } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
                },
                "User": {
                    "type": "object",
                    "required": ["id", "email", "display_name", "roles", "operator", "disabled", "second_factor"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "email": { "type": "string" },
                        "display_name": { "type": "string" },
                        "organisation": { "type": ["string", "null"], "format": "uuid" },
                        "roles": { "type": "array", "items": { "type": "string", "enum": ["org_admin", "caseworker", "referral_officer", "outreach_worker", "coordinator", "viewer"] } },
                        "operator": { "type": "boolean" },
                        "disabled": { "type": "boolean" },
                        "second_factor": { "type": "boolean" }
                    }
                },
                "Organisation": {
                    "type": "object",
                    "required": ["id", "name", "kind", "country", "created_at"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "name": { "type": "string" },
                        "kind": { "type": "string", "enum": ["national_society", "icrc", "ifrc", "iom", "government_agency", "ngo"] },
                        "country": { "type": "string", "pattern": "^[A-Z]{2}$" },
                        "created_at": { "type": "string", "format": "date-time" }
                    }
                },
                "AuditEntry": {
                    "type": "object",
                    "properties": {
                        "seq": { "type": "integer" }, "at": { "type": "string", "format": "date-time" },
                        "actor": { "type": ["string", "null"] }, "action": { "type": "string" },
                        "object_kind": { "type": "string" }, "object_id": { "type": "string" },
                        "purpose": { "type": ["string", "null"] }, "hash": { "type": "string" }
                    }
                }
            }
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI document", "content": { "application/json": { "schema": { "type": "object", "additionalProperties": true, "required": ["openapi", "info", "paths"], "properties": { "openapi": { "type": "string" }, "info": { "type": "object", "additionalProperties": true }, "paths": { "type": "object", "additionalProperties": true } } } } } } } }
            },
            "/api/v1/me": {
                "get": { "summary": "The token's account", "responses": with_errors(json!({ "200": { "description": "Account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[]) }
            },
            "/api/v1/org/users": {
                "get": { "summary": "Accounts of the caller's organisation (org_admin)", "responses": with_errors(json!({ "200": { "description": "Accounts", "content": { "application/json": { "schema": { "type": "object", "properties": { "users": { "type": "array", "items": { "$ref": "#/components/schemas/User" } } } } } } } }), &[]) },
                "post": {
                    "summary": "Create a staff account of the caller's organisation (org_admin), as the page does",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["email", "display_name", "roles"], "additionalProperties": false, "properties": {
                        "email": { "type": "string", "format": "email", "description": "The sign-in address; unique on the platform" },
                        "display_name": { "type": "string", "description": "The name colleagues see" },
                        "roles": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": ["org_admin", "caseworker", "referral_officer", "outreach_worker", "coordinator", "viewer"] } } } } } } },
                    "responses": with_errors(json!({ "201": { "description": "The account and its one-time password", "content": { "application/json": { "schema": { "type": "object", "required": ["user", "password"], "properties": { "user": { "$ref": "#/components/schemas/User" }, "password": { "type": "string", "description": "A one-time password, shown only in this response: pass it on by a safe channel; it must be changed at the first sign-in" } } } } } } }), &[("409", "The e-mail address is in use"), ("422", "A field is invalid; `field` names it")])
                }
            },
            "/api/v1/org/users/{id}/reset-password": {
                "post": {
                    "summary": "Issue a new one-time password for another account of the caller's organisation (org_admin; never your own): its sessions end and its API tokens are revoked",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": with_errors(json!({ "200": { "description": "The account and its one-time password", "content": { "application/json": { "schema": { "type": "object", "required": ["user", "password"], "properties": { "user": { "$ref": "#/components/schemas/User" }, "password": { "type": "string", "description": "A one-time password, shown only in this response: pass it on by a safe channel; it must be changed at the first sign-in" } } } } } } }), &[("404", "No such account in the caller's organisation")])
                }
            },
            "/api/v1/org/users/{id}": {
                "get": {
                    "summary": "One account of the caller's organisation (org_admin)",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": with_errors(json!({ "200": { "description": "Account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[("404", "No such account in the caller's organisation")])
                }
            },
            "/api/v1/org/users/{id}/roles": {
                "post": {
                    "summary": "Set the roles of an account of the caller's organisation (org_admin), as the page does; an administrator cannot remove their own administration role",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["roles"], "additionalProperties": false, "properties": { "roles": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": ["org_admin", "caseworker", "referral_officer", "outreach_worker", "coordinator", "viewer"] }, "description": "The account's roles from now on" } } } } } },
                    "responses": with_errors(json!({ "200": { "description": "The account after the change", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[("404", "No such account in the caller's organisation"), ("409", "Removing your own administration role"), ("422", "A role is unknown")])
                }
            },
            "/api/v1/org/users/{id}/disable": {
                "post": {
                    "summary": "Disable an account of the caller's organisation (org_admin; never your own): its sessions end and its API tokens are revoked",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": with_errors(json!({ "200": { "description": "The account after the change", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[("404", "No such account in the caller's organisation")])
                }
            },
            "/api/v1/org/users/{id}/enable": {
                "post": {
                    "summary": "Enable a disabled account of the caller's organisation again (org_admin)",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": with_errors(json!({ "200": { "description": "The account after the change", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[("404", "No such account in the caller's organisation")])
                }
            },
            "/api/v1/org/audit": {
                "get": {
                    "summary": "The organisation's audit entries, newest first (org_admin); the read is itself audited",
                    "parameters": [
                        { "name": "before", "in": "query", "description": "The next page: entries strictly before this sequence number", "schema": { "type": "integer" } },
                        { "name": "limit", "in": "query", "description": "Entries at most (100 when absent)", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } },
                        { "name": "actor", "in": "query", "description": "Only entries written by this account (its id)", "schema": { "type": "string", "format": "uuid" } },
                        { "name": "action", "in": "query", "description": "Only entries of this action (`person_viewed`, `consent_withdrawn`, …)", "schema": { "type": "string" } },
                        { "name": "object_kind", "in": "query", "description": "Only entries about objects of this kind (`person`, `request`, …)", "schema": { "type": "string" } },
                        { "name": "object", "in": "query", "description": "Only entries about the object of this id (who opened a person's record, say)", "schema": { "type": "string", "maxLength": 100 } },
                        { "name": "from", "in": "query", "description": "Entries of this day (UTC, `YYYY-MM-DD`) or later", "schema": { "type": "string", "format": "date" } },
                        { "name": "to", "in": "query", "description": "Entries of this day (UTC, `YYYY-MM-DD`) or earlier", "schema": { "type": "string", "format": "date" } }
                    ],
                    "responses": with_errors(json!({ "200": { "description": "Entries", "content": { "application/json": { "schema": { "type": "object", "properties": { "entries": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEntry" } } } } } } } }), &[("422", "A filter cannot be read; the message names it")])
                }
            },
            "/api/v1/organisations": {
                "get": { "summary": "All organisations (platform operator)", "responses": with_errors(json!({ "200": { "description": "Organisations", "content": { "application/json": { "schema": { "type": "object", "properties": { "organisations": { "type": "array", "items": { "$ref": "#/components/schemas/Organisation" } } } } } } } }), &[]) },
                "post": {
                    "summary": "Create an organisation (platform operator)",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["name", "kind", "country"], "additionalProperties": false,
                        "properties": { "name": { "type": "string" }, "kind": { "type": "string" }, "country": { "type": "string" } }
                    } } } },
                    "responses": with_errors(json!({ "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Organisation" } } } } }), &[("409", "Name already in use"), ("422", "A field is invalid; the message names it")])
                }
            }
        }
    })
}

/// Outreach (issue 13): sessions recorded on phones, synced by the id the
/// phone made, and the results dashboard.
fn outreach_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let counted = json!({ "type": "integer", "minimum": 0 });
    let session = json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "team", "place_kind", "city", "started_at", "duration_minutes", "people_reached"],
        "properties": {
            "id": { "type": "string", "format": "uuid", "description": "Made on the device; the same id always names the same session" },
            "base_version": { "type": "integer", "minimum": 0, "description": "The version edited; 0 for a new session" },
            "team": { "type": "string", "maxLength": 80 },
            "place_kind": { "type": "string", "enum": ["street", "squat", "emergency_shelter", "station", "camp", "detention_centre"] },
            "city": { "type": "string", "maxLength": 80 },
            "started_at": { "type": "string", "description": "RFC 3339; not in the future" },
            "duration_minutes": { "type": "integer", "minimum": 1, "maximum": 1440 },
            "members": { "type": "array", "items": { "type": "string" } },
            "mediators": { "type": "array", "items": { "type": "string" } },
            "languages": { "type": "array", "items": { "type": "string", "description": "ISO 639" } },
            "people_reached": counted.clone(),
            "reached": { "type": "array", "description": "Must add up to people_reached", "items": { "type": "object", "required": ["sex", "age_band", "count"], "properties": {
                "sex": { "type": "string", "enum": ["female", "male", "other", "unknown"] },
                "age_band": { "type": "string", "enum": ["under_18", "18_25", "26_40", "41_60", "over_60", "unknown"] },
                "nationality": { "type": "string", "description": "ISO 3166-1 alpha-2, or unknown" },
                "count": counted.clone() } } },
            "topics": { "type": "array", "items": { "type": "string" } },
            "referrals": { "type": "array", "items": { "type": "object", "required": ["service", "count"], "properties": { "service": { "type": "string" }, "count": counted.clone() } } },
            "follow_ups": { "type": "array", "items": { "type": "object", "required": ["id", "pseudonym"], "properties": { "id": { "type": "string", "format": "uuid" }, "pseudonym": { "type": "string", "maxLength": 60 }, "consent_to_link": { "type": "boolean" } } } },
            "notes": { "type": "string", "maxLength": 2000 }
        }
    });
    json!({
        "/api/v1/outreach/sync": { "post": { "summary": "Apply a device's queue session by session (outreach_worker); each result is stored, already_applied, conflict, invalid (with field and message) or not_found",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["sessions"], "properties": { "sessions": { "type": "array", "maxItems": 500, "items": session.clone() } } } } } },
            "responses": with_errors(ok_ref("One result per session, in order", "SyncResults"), &[("422", "The body is not a list of sessions")]) } },
        "/api/v1/outreach/sessions": { "post": { "summary": "Record one session (outreach_worker); the same session sent twice is stored once",
            "requestBody": { "required": true, "content": { "application/json": { "schema": session } } },
            "responses": with_errors(json!({ "201": { "description": "Stored", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncResult" } } } }, "200": { "description": "Already stored", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncResult" } } } } }), &[("409", "An edit made on an older version: kept aside as a conflict"), ("422", "Invalid; the field names the JSON path")]) } },
        "/api/v1/outreach/sessions/{id}": { "get": { "summary": "One session with its names and pseudonyms (audited)", "parameters": id,
            "responses": with_errors(json!({ "200": { "description": "Session", "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false, "required": ["id", "version", "session", "updated_at"], "properties": { "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" }, "session": { "type": "object", "additionalProperties": true, "properties": {}, "description": "The session as recorded (the body of `POST /api/v1/outreach/sessions`)" }, "updated_at": { "type": "string", "format": "date-time" } } } } } } }), &[("404", "Missing or another organisation's")]) } },
        "/api/v1/outreach/dashboard": { "get": { "summary": "The organisation's outreach figures (outreach_worker, coordinator, viewer)",
            "parameters": [
                { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
                { "name": "place_kind", "in": "query", "schema": { "type": "string" } },
                { "name": "team", "in": "query", "schema": { "type": "string" } },
                { "name": "nationality", "in": "query", "schema": { "type": "string" } }
            ],
            "responses": with_errors(ok_ref("Totals and sections of rows", "OutreachDashboard"), &[("422", "A filter is invalid")]) } }
    })
}

fn work_queue_paths() -> Value {
    let count = json!({ "type": "integer", "minimum": 0 });
    let item = json!({
        "type": "object", "additionalProperties": false,
        "required": ["object_id", "reference", "since", "unread", "href"],
        "properties": {
            "object_id": { "type": "string", "format": "uuid", "description": "The record the work is on: a candidate, transfer, referral, public report or request" },
            "reference": { "type": ["string", "null"], "description": "The reference of the caller's own request it concerns; never anything of another organisation's record" },
            "since": { "type": "string", "format": "date-time", "description": "When it started waiting; for a quiet request, when it became quiet" },
            "unread": { "type": "boolean", "description": "Arrived after the caller last marked their notifications read" },
            "href": { "type": "string", "description": "The page the work is done on" }
        }
    });
    let kind = json!({
        "type": "object", "additionalProperties": false,
        "required": ["kind", "count", "unread", "items"],
        "properties": {
            "kind": { "type": "string", "enum": retrace_domain::WorkKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                "description": "candidate_to_review: a match proposal on the caller's side not yet reviewed; release_received: details another organisation released to the caller in the last 30 days; transfer_waiting / referral_waiting: sent to the caller's organisation, not yet accepted or declined; public_report: an \"I have information\" report not yet reviewed; message_to_relay: a family message whose next step (send or deliver) is the caller's organisation's; quiet_request: an open request unchanged for 30 days; network_post: a post of a kind or country the caller follows, in one of their organisation's networks, written by someone else in the last 30 days" },
            "count": count.clone(),
            "unread": count.clone(),
            "items": { "type": "array", "maxItems": 10, "items": item, "description": "The newest items, at most 10" }
        }
    });
    json!({
        "/api/v1/work-queue": { "get": { "summary": "The work waiting for the caller's roles in their organisation, by kind, with counts (caseworker: candidates, releases, transfers, public reports, messages, quiet requests; referral_officer: referrals). Kinds of other roles are not listed.",
            "responses": with_errors(json!({ "200": { "description": "The queue", "content": { "application/json": { "schema": {
                "type": "object", "additionalProperties": false, "required": ["total", "unread", "kinds"],
                "properties": { "total": count.clone(), "unread": count, "kinds": { "type": "array", "items": kind } } } } } } }), &[]) } }
    })
}

/// Erasure and subject access (issue 16).
fn privacy_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    json!({
        "/api/v1/persons/{id}/erase": { "post": {
            "summary": "Erase one of the caller's organisation's persons and every copy of them (org_admin): rows and their history, candidates on both sides (the other organisation sees only a withdrawal), gallery entries and files, referrals, import records, the matching index. An enquirer takes the whole request along. Cannot be undone; the audit log keeps ids and the fact of erasure.",
            "parameters": id,
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["confirm"], "additionalProperties": false,
                "properties": { "confirm": { "type": "boolean", "description": "Must be true" } } } } } },
            "responses": with_errors(json!({ "200": { "description": "What was erased", "content": { "application/json": { "schema": {
                "type": "object", "additionalProperties": false,
                "required": ["erased_persons", "erased_request", "candidates_withdrawn", "files_deleted"],
                "properties": {
                    "erased_persons": { "type": "array", "items": { "type": "string", "format": "uuid" } },
                    "erased_request": { "type": ["string", "null"], "format": "uuid" },
                    "candidates_withdrawn": { "type": "integer", "minimum": 0 },
                    "files_deleted": { "type": "integer", "minimum": 0 }
                } } } } } }), &[("404", "No such person in the caller's organisation"), ("422", "confirm is not true")])
        } },
        "/api/v1/persons/{id}/subject-access": { "get": {
            "summary": "Everything the caller's organisation holds on one of its persons, for a subject-access request (org_admin): the person's details, the request they appear in (without its other persons) with its status history, consents given and withdrawn, candidates (the other organisation named, never the other person), releases and transfers to other organisations with the sharing consents in force then, family messages, gallery entries and visitors' reports (without the visitor's contact), referrals the organisation sent with their shared timeline, the import record, and the audit entries about these records. Read in one transaction and audited as subject_access_exported.",
            "parameters": id,
            "responses": with_errors(json!({ "200": { "description": "The export", "content": { "application/json": { "schema": subject_access_schema() } } } }), &[("404", "No such person in the caller's organisation")])
        } },
        "/api/v1/retention": { "get": {
            "summary": "The caller's organisation's retention period per kind of record (org_admin), with the platform operator's limits",
            "responses": with_errors(json!({ "200": { "description": "Periods in days", "content": { "application/json": { "schema": {
                "type": "object", "required": ["periods"], "additionalProperties": false,
                "properties": { "periods": { "type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["kind", "days", "chosen_days", "default_days", "min_days", "max_days"],
                    "properties": {
                        "kind": { "type": "string", "enum": ["closed_requests", "gallery_reports", "outreach_follow_ups", "exports"] },
                        "days": { "type": "integer", "minimum": 1 },
                        "chosen_days": { "type": ["integer", "null"], "minimum": 1 },
                        "default_days": { "type": "integer", "minimum": 1 },
                        "min_days": { "type": "integer", "minimum": 1 },
                        "max_days": { "type": "integer", "minimum": 1 }
                    } } } } } } } } }), &[])
        } },
        "/api/v1/retention/{kind}": { "post": {
            "summary": "Set the caller's organisation's retention period for one kind of record (org_admin), within the operator's limits; audited",
            "parameters": [{ "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": ["closed_requests", "gallery_reports", "outreach_follow_ups", "exports"] } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["days"], "additionalProperties": false,
                "properties": { "days": { "type": "integer", "minimum": 1 } } } } } },
            "responses": with_errors(json!({ "200": { "description": "The period set", "content": { "application/json": { "schema": {
                "type": "object", "additionalProperties": false, "required": ["kind", "days"],
                "properties": { "kind": { "type": "string" }, "days": { "type": "integer", "minimum": 1 } } } } } } }), &[("422", "Unknown kind, or days outside the limits")])
        } }
    })
}

/// The subject-access export (`routes/subject_access.rs`).
fn subject_access_schema() -> Value {
    let time = json!({ "type": "string", "format": "date-time" });
    let maybe_time = json!({ "type": ["string", "null"], "format": "date-time" });
    let uuid = json!({ "type": "string", "format": "uuid" });
    let text = json!({ "type": ["string", "null"] });
    let org = json!({
        "type": "object", "additionalProperties": false, "required": ["id", "name", "country"],
        "properties": { "id": uuid.clone(), "name": { "type": "string" }, "country": { "type": "string", "description": "ISO 3166-1 alpha-2" } }
    });
    let list = |required: &[&str], properties: Value| {
        json!({ "type": "array", "items": {
        "type": "object", "additionalProperties": false, "required": required, "properties": properties } })
    };
    let under = json!({ "type": "array", "items": uuid.clone(), "description": "The sharing consents covering the receiving organisation that were in force at the time" });
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["exported_at", "person", "request", "consents", "candidates", "releases", "transfers", "messages", "gallery_entries", "reports", "referrals", "import", "seen_by"],
        "properties": {
            "exported_at": time.clone(),
            "person": { "type": "object", "description": "The person as GET /api/v1/persons/{id} returns it: id, request, role, relationship, registration, details (every name and detail, decrypted), version, created_at, updated_at",
                "required": ["id", "role", "details"], "properties": { "id": uuid.clone(), "role": { "type": "string", "enum": ["enquirer", "sought", "registered"] }, "details": { "$ref": "#/components/schemas/PersonDetails" } } },
            "request": { "type": ["object", "null"], "description": "The request the person appears in, without its other persons",
                "required": ["id", "reference", "status", "circumstances", "history", "created_at", "updated_at"],
                "properties": {
                    "id": uuid.clone(), "reference": { "type": "string" }, "status": { "type": "string" },
                    "closure_reason": text.clone(), "circumstances": { "$ref": "#/components/schemas/Circumstances" },
                    "history": list(&["status", "at"], json!({ "status": { "type": "string" }, "note": text.clone(), "at": time.clone() })),
                    "created_at": time.clone(), "updated_at": time.clone()
                } },
            "consents": list(&["id", "purpose", "basis", "scope", "recorded_at", "withdrawn_at"], json!({
                "id": uuid.clone(), "purpose": { "type": "string", "enum": retrace_domain::ConsentPurpose::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>() },
                "basis": { "oneOf": [ { "type": "object", "additionalProperties": false, "required": ["Consent"], "properties": { "Consent": { "type": "object", "additionalProperties": false, "required": ["given_by", "method"], "properties": { "given_by": { "type": "string", "enum": ["self", "guardian"] }, "method": { "type": "string", "enum": ["written", "oral", "digital"] } } } } }, { "type": "object", "additionalProperties": false, "required": ["Lawful"], "properties": { "Lawful": { "type": "string", "enum": ["vital_interest", "public_interest"] } } } ], "description": "A consent given by the person or a guardian, or a lawful basis decided by staff" }, "scope": { "type": "object", "additionalProperties": false, "required": ["organisations", "countries"], "properties": { "organisations": { "type": "array", "items": { "type": "string", "format": "uuid" } }, "countries": { "type": "array", "items": { "type": "string" } } }, "description": "Whom a sharing consent covers" }, "note": text.clone(),
                "recorded_at": time.clone(), "withdrawn_at": maybe_time.clone() })),
            "candidates": list(&["id", "other_organisation", "score", "review", "released_at", "created_at"], json!({
                "id": uuid.clone(), "other_organisation": org.clone(), "score": { "type": "number", "minimum": 0, "maximum": 1 },
                "review": { "type": "string", "description": "The person's side's review" },
                "released_at": maybe_time.clone(), "created_at": time.clone() })),
            "releases": list(&["candidate", "to_organisation", "released_at", "withheld_at", "under_consents"], json!({
                "candidate": uuid.clone(), "to_organisation": org.clone(), "released_at": time.clone(),
                "withheld_at": maybe_time.clone(), "under_consents": under.clone() })),
            "transfers": list(&["id", "to_organisation", "status", "created_at", "decided_at", "revoked_at", "under_consents"], json!({
                "id": uuid.clone(), "to_organisation": org.clone(), "status": { "type": "string", "enum": ["pending", "accepted", "declined", "revoked"] },
                "created_at": time.clone(), "decided_at": maybe_time.clone(), "revoked_at": maybe_time.clone(), "under_consents": under })),
            "messages": list(&["id", "candidate", "direction", "body", "status", "created_at"], json!({
                "id": uuid.clone(), "candidate": uuid.clone(), "direction": { "type": "string" }, "body": { "type": "string" },
                "status": { "type": "string" }, "created_at": time.clone() })),
            "gallery_entries": list(&["id", "reference", "status", "region", "created_at", "published_at"], json!({
                "id": uuid.clone(), "reference": { "type": "string" }, "status": { "type": "string" }, "region": text.clone(),
                "created_at": time.clone(), "published_at": maybe_time.clone() })),
            "reports": list(&["id", "reference", "message", "status", "received_at"], json!({
                "id": uuid.clone(), "reference": { "type": "string" }, "message": { "type": "string" }, "status": { "type": "string" },
                "received_at": time.clone() })),
            "referrals": list(&["id", "to_organisation", "purpose", "services", "urgency", "status", "risk", "created_at", "decided_at", "timeline", "tools"], json!({
                "id": uuid.clone(), "to_organisation": org.clone(), "purpose": { "type": "string" },
                "services": { "type": "array", "items": { "type": "string" } }, "urgency": { "type": "string" }, "status": { "type": "string" },
                "risk": { "type": "object", "additionalProperties": false, "required": ["level", "who_at_risk", "from_whom", "safety_plan"],
                    "properties": { "level": { "type": "string" }, "who_at_risk": { "type": "string" }, "from_whom": text.clone(), "safety_plan": { "type": "string" } } },
                "created_at": time.clone(), "decided_at": maybe_time.clone(),
                "timeline": list(&["at", "kind", "text"], json!({ "at": time.clone(), "kind": { "type": "string" }, "text": text.clone() })),
                "tools": list(&["id", "tool", "filled_at", "values"], json!({ "id": uuid.clone(), "tool": { "type": "string", "description": "The tool's key" },
                    "filled_at": time.clone(), "values": { "type": "object", "additionalProperties": { "type": "string" }, "description": "The filled values by field key" } })) })),
            "import": { "type": ["object", "null"], "additionalProperties": false,
                "required": ["record_id", "source_name", "source_url", "source_date", "imported_at"],
                "properties": { "record_id": { "type": "string" }, "source_name": text.clone(), "source_url": text.clone(), "source_date": text.clone(), "imported_at": time.clone() } },
            "seen_by": list(&["at", "action", "object_kind", "actor", "organisation", "purpose"], json!({
                "at": time,
                "action": { "type": "string", "enum": retrace_domain::AuditAction::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>() },
                "object_kind": { "type": "string", "enum": retrace_domain::ObjectKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() },
                "actor": { "type": ["string", "null"], "description": "The staff member's display name, for the person's own organisation only" },
                "organisation": { "oneOf": [org, { "type": "null" }] },
                "purpose": text }))
        }
    })
}

/// A network post (`post_json` in `routes/networks.rs`).
fn network_post() -> Value {
    let kinds: Vec<&str> = retrace_domain::PostKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    json!({
        "type": "object",
        "required": ["id", "network", "network_name", "org", "org_name", "kind", "title", "body", "countries", "joint_action", "created_at"],
        "properties": {
            "id": { "type": "string", "format": "uuid" },
            "network": { "type": "string", "format": "uuid" },
            "network_name": { "type": "string" },
            "org": { "type": "string", "format": "uuid", "description": "The organisation that wrote it" },
            "org_name": { "type": "string" },
            "kind": { "type": "string", "enum": kinds.clone() },
            "title": { "type": "string" },
            "body": { "type": "string" },
            "countries": { "type": "array", "items": { "type": "string", "description": "ISO 3166-1 alpha-2" } },
            "joint_action": { "type": ["object", "null"], "properties": { "owner": { "type": "string", "format": "uuid" }, "owner_name": { "type": "string" }, "due": { "type": "string", "format": "date" } } },
            "created_at": { "type": "string", "format": "date-time" }
        }
    })
}

fn network_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let kinds: Vec<&str> = retrace_domain::PostKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let post = network_post();
    let hidden = (
        "404",
        "Missing, or a network the caller's organisation is not a member of",
    );
    json!({
        "/api/v1/networks": { "get": { "summary": "The networks of the caller's organisation, with its role in each (member or coordinator)",
            "responses": with_errors(ok_ref("Networks", "NetworkList"), &[]) } },
        "/api/v1/networks/{id}": { "get": { "summary": "A network with its member organisations", "parameters": id.clone(),
            "responses": with_errors(ok_ref("Network", "NetworkDetail"), &[hidden]) } },
        "/api/v1/networks/{id}/posts": {
            "get": { "summary": "The network's posts, newest first (at most 100)",
                "parameters": [id[0].clone(),
                    { "name": "kind", "in": "query", "schema": { "type": "string", "enum": kinds.clone() } },
                    { "name": "country", "in": "query", "schema": { "type": "string", "description": "ISO 3166-1 alpha-2" } }],
                "responses": with_errors(ok_ref("Posts", "NetworkPostList"), &[hidden, ("422", "A filter is invalid")]) },
            "post": { "summary": "Write a post (any role but viewer; meeting_minutes and joint_action only by a coordinating organisation); audited",
                "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "additionalProperties": false, "required": ["kind", "title", "body"],
                    "properties": {
                        "kind": { "type": "string", "enum": kinds },
                        "title": { "type": "string", "maxLength": 200 },
                        "body": { "type": "string", "maxLength": 20000 },
                        "countries": { "type": "array", "maxItems": 30, "items": { "type": "string" } },
                        "owner": { "type": "string", "format": "uuid", "description": "joint_action only: the member organisation that does it" },
                        "due": { "type": "string", "format": "date", "description": "joint_action only: by when" }
                    } } } } },
                "responses": with_errors(json!({ "201": { "description": "Written", "content": { "application/json": { "schema": post.clone() } } } }), &[hidden, ("422", "Invalid; the field names the JSON path")]) } },
        "/api/v1/network-posts/{id}": { "get": { "summary": "One post", "parameters": id,
            "responses": with_errors(json!({ "200": { "description": "Post", "content": { "application/json": { "schema": post } } } }), &[hidden]) } },
        "/api/v1/network-follows": {
            "get": { "summary": "What the caller follows: kind:<post kind> and country:<code>", "responses": with_errors(ok_ref("Follows", "Follows"), &[]) },
            "post": { "summary": "Follow or stop following a kind or a country; audited",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "additionalProperties": false, "required": ["follow", "on"],
                    "properties": { "follow": { "type": "string", "description": "kind:<post kind> or country:<code>" }, "on": { "type": "boolean" } } } } } },
                "responses": with_errors(ok_ref("Done", "Follow"), &[("422", "Not a kind or a country")]) } },
        "/api/v1/network-digest": { "get": { "summary": "What an e-mail digest of the caller's follows lists: posts after `since` in their organisation's networks, by others, newest first (at most 200)",
            "parameters": [{ "name": "since", "in": "query", "required": true, "schema": { "type": "string", "format": "date-time" } }],
            "responses": with_errors(ok_ref("Posts", "NetworkDigest"), &[("422", "since is not an RFC 3339 time")]) } }
    })
}

fn practice_paths() -> Value {
    let codes = |all: &[&'static str]| json!(all);
    let stages: Vec<&str> = retrace_domain::RouteStage::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let support: Vec<&str> = retrace_domain::SupportType::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let statuses: Vec<&str> = retrace_domain::PracticeStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let summary = json!({
        "type": "object",
        "required": ["id", "network", "network_name", "org", "org_name", "status", "language", "title", "stages", "support", "countries", "objectives", "reviews", "submitted_at", "published_at"],
        "properties": {
            "id": { "type": "string", "format": "uuid" },
            "network": { "type": "string", "format": "uuid" },
            "network_name": { "type": "string" },
            "org": { "type": ["string", "null"], "format": "uuid", "description": "The submitting organisation; null for a public submission not yet accepted" },
            "org_name": { "type": ["string", "null"] },
            "status": { "type": "string", "enum": codes(&statuses) },
            "language": { "type": "string", "enum": ["en", "fr", "es", "ar"] },
            "title": { "type": "string" },
            "stages": { "type": "array", "items": { "type": "string", "enum": codes(&stages) } },
            "support": { "type": "array", "items": { "type": "string", "enum": codes(&support) } },
            "countries": { "type": "array", "items": { "type": "string", "description": "ISO 3166-1 alpha-2" } },
            "objectives": { "type": "array", "items": { "type": "integer", "minimum": 1, "maximum": 23, "description": "Objective of the Global Compact for Migration" } },
            "reviews": { "type": "integer", "description": "Peer reviews given" },
            "submitted_at": { "type": "string", "format": "date-time" },
            "published_at": { "type": ["string", "null"], "format": "date-time" }
        }
    });
    let mut detail = summary.clone();
    if let Some(properties) = detail["properties"].as_object_mut() {
        let text = json!({ "type": "string" });
        let maybe = json!({ "type": ["string", "null"] });
        for (key, schema) in [
            ("implementers", text.clone()),
            ("funders", maybe.clone()),
            ("target_group", text.clone()),
            ("impact", text),
            (
                "cost_per_beneficiary",
                json!({ "oneOf": [{ "type": "object", "additionalProperties": false, "required": ["amount", "currency"], "properties": { "amount": { "type": "number" }, "currency": { "type": "string", "description": "ISO 4217" } } }, { "type": "null" }] }),
            ),
            ("challenges", maybe.clone()),
            ("lessons", maybe.clone()),
            ("recommendations", maybe),
            (
                "review_list",
                json!({ "type": "array", "items": { "$ref": "#/components/schemas/PracticeReview" }, "description": "Peer reviews, when the caller's organisation is in its network" }),
            ),
        ] {
            properties.insert(key.to_owned(), schema);
        }
    }
    let query =
        |name: &str, schema: Value| json!({ "name": name, "in": "query", "schema": schema });
    json!({
        "/api/v1/practices": { "get": {
            "summary": "The practices the caller may see (published ones, those in review in the organisation's networks, held ones for their coordinators), newest first (at most 100)",
            "parameters": [
                query("q", json!({ "type": "string", "maxLength": 200, "description": "Words; every word must match, in any of the four languages" })),
                query("status", json!({ "type": "string", "enum": codes(&statuses) })),
                query("network", json!({ "type": "string", "format": "uuid" })),
                query("stage", json!({ "type": "string", "enum": codes(&stages) })),
                query("support", json!({ "type": "string", "enum": codes(&support) })),
                query("country", json!({ "type": "string", "description": "ISO 3166-1 alpha-2" })),
                query("objective", json!({ "type": "integer", "minimum": 1, "maximum": 23 })),
                query("language", json!({ "type": "string", "enum": ["en", "fr", "es", "ar"] }))
            ],
            "responses": with_errors(json!({ "200": { "description": "Practices", "content": { "application/json": { "schema": {
                "type": "object", "properties": { "practices": { "type": "array", "items": summary } } } } } } }), &[("422", "A filter is invalid")]) } },
        "/api/v1/practices/{id}": { "get": {
            "summary": "One practice with every field; its peer reviews when the caller's organisation is in its network",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
            "responses": with_errors(json!({ "200": { "description": "Practice", "content": { "application/json": { "schema": detail } } } }), &[("404", "Missing, or not visible to the caller")]) } }
    })
}

/// Pledge indicators (issue 14, item 3).
fn indicator_paths() -> Value {
    let figures: Vec<String> = retrace_domain::Figure::all()
        .iter()
        .map(|f| f.code())
        .collect();
    let entered: Vec<String> = retrace_domain::Figure::entered()
        .iter()
        .map(|f| f.code())
        .collect();
    let report = json!({
        "type": "object",
        "required": ["years", "utc_offset", "figures"],
        "properties": {
            "years": { "type": "array", "items": { "type": "integer" } },
            "utc_offset": { "type": "string", "description": "The offset from UTC the organisation's years are counted in (+00:00 for a network: each member at its own)" },
            "network": { "type": "object", "description": "For a network's report: its id and name", "required": ["id", "name"], "additionalProperties": false, "properties": {
                "id": { "type": "string", "format": "uuid" },
                "name": { "type": "string" }
            } },
            "figures": { "type": "array", "items": { "type": "object", "properties": {
                "figure": { "type": "string", "enum": figures },
                "group": { "type": "string" },
                "source": { "type": "string", "enum": ["entered", "computed"] },
                "values": { "type": "array", "items": { "type": "object", "properties": {
                    "year": { "type": "integer" },
                    "value": { "type": ["integer", "null"], "description": "null: an entered figure not entered for the year" },
                    "note": { "type": ["string", "null"] }
                } } }
            } } }
        }
    });
    let years = [
        json!({ "name": "from", "in": "query", "schema": { "type": "integer", "minimum": 2000 }, "description": "First year; default last year" }),
        json!({ "name": "to", "in": "query", "schema": { "type": "integer" }, "description": "Last year (at most the current one, twenty years at most); default this year" }),
    ];
    json!({
        "/api/v1/indicators": { "get": {
            "summary": "The caller's organisation's pledge indicators per year: entered figures and those computed from the platform's records (aggregates only)",
            "parameters": years,
            "responses": with_errors(json!({ "200": { "description": "Report", "content": { "application/json": { "schema": report } } } }), &[("422", "A year is invalid")]) } },
        "/api/v1/indicators/{year}": { "put": {
            "summary": "Sets the organisation's hand-entered figures of a year (organisation administrators); figures computed by the platform are refused; audited as indicators_entered",
            "parameters": [{ "name": "year", "in": "path", "required": true, "schema": { "type": "integer" } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["figures"], "properties": { "figures": { "type": "array", "items": {
                    "type": "object", "required": ["figure"], "properties": {
                        "figure": { "type": "string", "enum": entered },
                        "value": { "type": ["integer", "null"], "minimum": 0, "maximum": 10000000, "description": "null removes the entry" },
                        "note": { "type": "string", "maxLength": 300 }
                    } } } } } } } },
            "responses": with_errors(json!({ "200": { "description": "The codes of the figures changed", "content": { "application/json": { "schema": { "type": "object", "properties": { "year": { "type": "string" }, "changed": { "type": "array", "items": { "type": "string" } } } } } } } }), &[("422", "Every invalid figure, at once")]) } },
        "/api/v1/networks/{id}/indicators": { "get": {
            "summary": "A network's indicators: its members' figures added up, each member counted in its own reporting year (members of the network only)",
            "parameters": [years[0].clone(), years[1].clone(), json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } })],
            "responses": with_errors(json!({ "200": { "description": "Report", "content": { "application/json": { "schema": report } } } }), &[("404", "Missing, or the caller's organisation is not a member")]) } }
    })
}
