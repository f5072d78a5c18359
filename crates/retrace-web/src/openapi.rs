//! The OpenAPI 3.1 description of `/api/v1`, written as data next to the
//! routes it describes; a test checks that every API route appears in it.

use serde_json::{Value, json};

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

fn tracing_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let object = json!({ "type": "object" });
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": object.clone() } } } });
    let person = json!({
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
    });
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
                "responses": with_errors(ok("Requests"), &[("422", "A parameter is invalid; the message names it")])
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
                "responses": with_errors(json!({ "201": { "description": "Created" } }), &[("422", "A field is invalid; `field` names it (e.g. `sought[0].person.birth_date`)")])
            }
        },
        "/api/v1/requests/{id}/status": { "post": { "summary": "Move the request along its status machine, as the page does (caseworker): open, searching, located, contact_restored, reunited, closed (with `closure_reason`). Closing or reopening changes what it is matched with and takes a gallery entry down",
            "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "status"], "additionalProperties": false, "properties": {
                "version": { "type": "integer", "description": "The request's `version` as last read; another change since makes this a 409 conflict" },
                "status": { "type": "string", "enum": ["open", "searching", "located", "contact_restored", "reunited", "closed"], "description": "The new status code" },
                "closure_reason": { "type": "string", "description": "Why it closes (required with status `closed`)" },
                "note": { "type": "string", "maxLength": 500, "description": "A note kept with the change" } } } } } },
            "responses": with_errors(ok("The request after the change"), &[("404", "Missing, or another organisation's"), ("409", "The version is stale: read the request again"), ("422", "The move is not allowed or a field is invalid; `field` names it")]) } },
        "/api/v1/requests/{id}/assignment": { "post": { "summary": "Assign the request to an active caseworker of the organisation, or take the assignment back with an empty `assignee` (caseworker; audited)",
            "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false, "properties": {
                "assignee": { "type": "string", "description": "A member's id (see `/api/v1/me`), or empty" } } } } } },
            "responses": with_errors(json!({ "204": { "description": "Assigned" } }), &[("404", "Missing, or another organisation's"), ("422", "`assignee` is not an active caseworker of the organisation")]) } },
        "/api/v1/requests/{id}": { "get": { "summary": "One request (audited)", "parameters": id.clone(), "responses": with_errors(ok("Request"), &[("404", "Missing, or another organisation's")]) } },
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
                "responses": with_errors(ok("Registrations"), &[("422", "A parameter is invalid; the message names it")]) },
            "post": { "summary": "Register a person who is safe or looking for their family (caseworker)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["kind", "person"], "additionalProperties": false, "properties": { "kind": { "type": "string", "enum": ["safe", "looking_for_family"] }, "person": person.clone(), "consent_method": { "type": "string", "enum": ["written", "oral", "digital"] } } } } } },
                "responses": with_errors(json!({ "201": { "description": "Registered" } }), &[("422", "A field is invalid; `field` names it (e.g. `person.names[0]`)")]) }
        },
        "/api/v1/persons/{id}": { "get": { "summary": "One person (audited)", "parameters": id.clone(), "responses": with_errors(ok("Person"), &[("404", "Missing, or another organisation's")]) } },
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
                "records": { "type": "array", "items": { "type": "object", "required": ["person_record_id", "person", "created"], "properties": { "person_record_id": { "type": "string" }, "person": { "type": "string", "format": "uuid", "description": "The registered or sought person it became" }, "created": { "type": "boolean" } } } } } } } } } }),
                &[("422", "Nothing imported: `problems` lists each, with its line")]) } },
        "/api/v1/persons/{id}/consents": {
            "get": { "summary": "The person's consent ledger, withdrawn entries included (reader)", "parameters": id.clone(), "responses": with_errors(ok("`consents`: entries with `purpose`, `basis`, `method`, `countries`, `note`, `recorded_at`, `withdrawn_at`, `active`"), &[("404", "Missing, or another organisation's")]) },
            "post": { "summary": "Record a consent or a lawful basis for one of our persons (caseworker); a minor's consent is a guardian's", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["purpose", "basis"], "additionalProperties": false, "properties": {
                    "purpose": { "type": "string", "enum": ["tracing", "sharing", "publication", "authorities", "face_matching"], "description": "What the entry allows: tracing (matching), sharing (release to the organisations of `countries`), publication (the gallery), authorities, face_matching" },
                    "basis": { "type": "string", "enum": ["self", "guardian", "vital_interest", "public_interest"], "description": "`self` or `guardian`: a consent, given as `method`; `vital_interest` or `public_interest`: a lawful basis decided by the caller, for a person who cannot be asked" },
                    "method": { "type": "string", "enum": ["written", "oral", "digital"], "description": "How the consent was given; required with `self` and `guardian`" },
                    "countries": { "type": "array", "items": { "type": "string", "pattern": "^[A-Z]{2}$" }, "description": "For sharing: the countries whose organisations may receive the person's details" },
                    "note": { "type": "string", "maxLength": 500 } } } } } },
                "responses": with_errors(json!({ "201": { "description": "The recorded entry" } }), &[("404", "Missing, or another organisation's"), ("422", "A field is invalid; `field` names it")]) }
        },
        "/api/v1/persons/{id}/consents/{consent}/withdraw": { "post": { "summary": "Withdraw one consent entry (caseworker): withdrawing publication takes the gallery entry down, withdrawing tracing stops the matching, withdrawing sharing hides earlier releases",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "consent", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(ok("The withdrawn entry"), &[("404", "Missing, or another organisation's"), ("409", "Already withdrawn")]) } },
        "/api/v1/persons/{id}/candidates": { "get": { "summary": "Possible matches of one of our persons: score and field agreement, never the other side's values", "parameters": id.clone(), "responses": with_errors(ok("Candidates"), &[("404", "Missing, or another organisation's")]) } },
        "/api/v1/candidates/{id}": { "get": { "summary": "One candidate; `released_person` only once the other organisation released it", "parameters": id.clone(), "responses": with_errors(ok("Candidate"), &[("404", "Missing, or not involving our records")]) } },
        "/api/v1/candidates/{id}/review": { "post": { "summary": "Confirm, reject (with a reason) or reopen our side's review", "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "properties": { "status": { "type": "string", "enum": ["proposed", "confirmed", "rejected"] }, "reason": { "type": "string" } } } } } },
            "responses": with_errors(ok("Candidate"), &[("404", "Missing"), ("422", "Invalid")]) } },
        "/api/v1/candidates/{id}/release": { "post": { "summary": "Approve releasing our person's details to the other organisation (checked against the consent ledger; a minor needs two staff)", "parameters": id.clone(),
            "responses": with_errors(ok("Candidate with `outcome`"), &[("404", "Missing"), ("409", "Refused: no consent, at risk, or same approver")]) } },
        "/api/v1/candidates/{id}/messages": {
            "get": { "summary": "Family messages on a candidate", "parameters": id.clone(), "responses": with_errors(ok("Messages"), &[("404", "Missing")]) },
            "post": { "summary": "Draft a family message (both sides confirmed)", "parameters": id,
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["direction", "body"], "properties": { "direction": { "type": "string", "enum": ["to_sought_person", "to_enquirer"] }, "body": { "type": "string", "maxLength": 2000 } } } } } },
                "responses": with_errors(json!({ "201": { "description": "Drafted" } }), &[("404", "Missing"), ("409", "Not confirmed by both sides")]) }
        }
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
        practice_paths(),
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
    declare_scopes(&mut doc);
    doc
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
    let object = json!({ "type": "object" });
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": object.clone() } } } });
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
                "responses": with_errors(ok("Referrals"), &[("422", "A parameter is invalid; the message names it")]) },
            "post": { "summary": "Refer a person of the caller's organisation to another organisation; refused without an active sharing consent or lawful basis covering it", "requestBody": body(referral),
                "responses": with_errors(json!({ "201": { "description": "Created" } }), &[("404", "No such person in the caller's organisation"), ("422", "Invalid or refused; `field` names the input (consent, to_organisation, services, risk.safety_plan, ...)")]) }
        },
        "/api/v1/referrals/{id}": { "get": { "summary": "One referral as the caller's side sees it now: the receiver gets the person only as shared and while consent holds (audited)", "parameters": id.clone(),
            "responses": with_errors(ok("Referral"), &[missing]) } },
        "/api/v1/referrals/{id}/decision": { "post": { "summary": "The receiver accepts or declines (a decline needs a reason)", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["decision"], "properties": { "decision": code(&["accept", "decline"]), "reason": { "type": "string", "maxLength": 500 } } })),
            "responses": with_errors(ok("Referral"), &[missing, ("409", "Already decided"), ("422", "Invalid")]) } },
        "/api/v1/referrals/{id}/status": { "post": { "summary": "The receiver starts the work (in_progress) or closes with an outcome", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["status"], "properties": { "status": code(&["in_progress", "closed"]), "outcome": code(&["assisted", "returned_safely", "reintegrated", "person_withdrew", "lost_contact", "referred_elsewhere"]), "note": { "type": "string" } } })),
            "responses": with_errors(ok("Referral"), &[missing, ("409", "Not allowed from the current status"), ("422", "Invalid")]) } },
        "/api/v1/referrals/{id}/steps/{step}": { "post": { "summary": "Tick (done) or skip (with a reason) a checklist step of the current stage",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "step", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["action"], "properties": { "action": code(&["done", "skip"]), "reason": { "type": "string", "maxLength": 500 } } })),
            "responses": with_errors(ok("Step"), &[missing, ("409", "Already ticked or skipped"), ("422", "Not the current stage, or the other side's")]) } },
        "/api/v1/referrals/{id}/stage": { "post": { "summary": "Close the current stage once its required steps are done or skipped", "parameters": id.clone(),
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["stage"], "properties": { "stage": code(&stages) } })),
            "responses": with_errors(ok("Referral"), &[missing, ("422", "Required steps open, or not the current stage")]) } },
        "/api/v1/referrals/{id}/updates": { "post": { "summary": "Add an update to the timeline; report=true shares it with the other organisation", "parameters": id,
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["text"], "properties": { "text": { "type": "string", "maxLength": 2000 }, "report": { "type": "boolean" } } })),
            "responses": with_errors(json!({ "204": { "description": "Added" } }), &[missing, ("422", "Invalid")]) } },
        "/api/v1/tools": {
            "get": { "summary": "The toolbox: the eight built-in tools and those the organisation added, each a list of typed fields with labels and help in en, fr, ar and es", "responses": with_errors(ok("Tools"), &[]) },
            "post": { "summary": "Add a tool to the organisation's toolbox (org_admin)",
                "requestBody": body(json!({ "type": "object", "required": ["key", "title", "fields"], "properties": {
                    "key": { "type": "string", "pattern": "^[a-z0-9_]{1,40}$" },
                    "title": { "type": "object", "required": ["en", "fr", "ar", "es"] },
                    "fields": { "type": "array", "minItems": 1, "maxItems": 40, "items": { "type": "object", "required": ["key", "kind", "required", "label", "help"], "properties": {
                        "key": { "type": "string" }, "kind": code(&["text", "long_text", "yes_no", "number", "date"]), "required": { "type": "boolean" },
                        "label": { "type": "object", "required": ["en", "fr", "ar", "es"] }, "help": { "type": "object" } } } } } })),
                "responses": with_errors(json!({ "201": { "description": "Added" } }), &[("409", "The key is taken"), ("422", "Invalid; `field` names it")]) }
        },
        "/api/v1/referrals/{id}/tools/{key}": { "post": { "summary": "Fill a tool for a referral; each value must be of its field's type (text, yes/no as boolean or \"yes\"/\"no\", whole number, date)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "key", "in": "path", "required": true, "schema": { "type": "string" } } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["values"], "properties": { "values": { "type": "object" } } })),
            "responses": with_errors(json!({ "201": { "description": "Saved" } }), &[missing, ("422", "A value of the wrong type or missing; `field` is values.<key>")]) } },
        "/api/v1/referrals/{id}/tool-entries/{entry}": { "get": { "summary": "A tool the caller's organisation filled for a referral (audited)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "entry", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(ok("Filled tool"), &[missing]) } },
        "/api/v1/referrals/{id}/tool-entries/{entry}/pdf": { "get": { "summary": "The same filled tool as an A4 PDF in the caller's language (Accept-Language; audited like reading it)",
            "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }, { "name": "entry", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
            "responses": with_errors(json!({ "200": { "description": "The PDF", "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } } }), &[missing]) } },
        "/api/v1/sop-templates": { "get": { "summary": "The latest version of each checklist template of the caller's organisation (org_admin or referral_officer)", "responses": with_errors(ok("Templates"), &[]) } },
        "/api/v1/sop-templates/{stage}": { "post": { "summary": "Save a new version of the template of a stage (org_admin); cases already started keep their version",
            "parameters": [ { "name": "stage", "in": "path", "required": true, "schema": code(&stages) } ],
            "requestBody": body(json!({ "type": "object", "additionalProperties": false, "required": ["steps"], "properties": { "steps": { "type": "array", "maxItems": 40, "items": { "type": "object", "additionalProperties": false, "required": ["label"], "properties": { "label": { "type": "string", "maxLength": 300 }, "required": { "type": "boolean" } } } } } })),
            "responses": with_errors(json!({ "201": { "description": "Saved" } }), &[("422", "Invalid; the message names the field")]) } }
    })
}

fn transfer_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": { "type": "object" } } } } });
    json!({
        "/api/v1/requests/{id}/transfers": {
            "get": { "summary": "Transfers of one of our requests, with their status", "parameters": id.clone(),
                "responses": with_errors(ok("Transfers"), &[("404", "Missing, or another organisation's")]) },
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
                "responses": with_errors(json!({ "201": { "description": "Transferred" } }), &[("404", "Missing, or another organisation's request"), ("422", "Refused; `field` names why: `to_organisation` (same country, own organisation, already transferred), `sought`, `enquirer_contact`, `share`")]) }
        },
        "/api/v1/transfers": { "get": { "summary": "Requests transferred to our organisation (not revoked)", "responses": with_errors(ok("Transfers"), &[]) } },
        "/api/v1/transfers/{id}": { "get": { "summary": "One transfer to us with only the shared parts, read now (audited)", "parameters": id.clone(),
            "responses": with_errors(ok("Transfer"), &[("404", "Missing, revoked, or not addressed to us")]) } },
        "/api/v1/transfers/{id}/decision": { "post": { "summary": "Accept or decline a pending transfer to us (a decline needs a reason)", "parameters": id,
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["decision"], "additionalProperties": false, "properties": { "decision": { "type": "string", "enum": ["accept", "decline"] }, "reason": { "type": "string", "maxLength": 500 } } } } } },
            "responses": with_errors(ok("Transfer"), &[("404", "Missing, revoked, or not addressed to us"), ("409", "Already decided"), ("422", "Invalid")]) } }
    })
}

/// The directory of services, the country profiles and the library
/// (issue 12). Public entries and documents answer without a token.
fn directory_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let code_param = json!({ "name": "code", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Z]{2}$" } });
    let code = json!([code_param.clone()]);
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": { "type": "object" } } } } });
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
                "responses": with_errors(ok("Entries, total, and more (true when more than total entries matched: counting stops 1,000 entries past the page)"), &[("422", "A parameter is invalid; `field` names it")]) },
            "post": { "summary": "Add an entry maintained by our organisation", "requestBody": { "required": true, "content": { "application/json": { "schema": entry.clone() } } },
                "responses": with_errors(json!({ "201": { "description": "Created" } }), &[("422", "Invalid; `field` names it")]) }
        },
        "/api/v1/directory/{id}": {
            "get": { "summary": "One entry we may see", "security": [], "parameters": id.clone(), "responses": with_errors(ok("Entry"), &[("404", "Missing, or not visible to us")]) },
            "post": { "summary": "Change an entry (its organisation, or a coordinator of its country)", "parameters": id.clone(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "entry"], "additionalProperties": false, "properties": { "version": { "type": "integer" }, "entry": entry } } } } },
                "responses": with_errors(ok("Entry"), &[("404", "Missing, or not ours to change"), ("409", "Changed since `version`"), ("422", "Invalid")]) }
        },
        "/api/v1/countries": { "get": { "summary": "The current version of every country profile", "responses": with_errors(ok("Profiles"), &[]) } },
        "/api/v1/countries/{code}": {
            "get": { "summary": "A country profile, its current or a given version, with the list of versions", "parameters": [code_param, { "name": "version", "in": "query", "schema": { "type": "integer" } }],
                "responses": with_errors(ok("Profile"), &[("404", "No such profile or version")]) },
            "post": { "summary": "Revise a country profile (coordinator of an organisation in that country)", "parameters": code,
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version"], "additionalProperties": false, "properties": {
                    "version": { "type": "integer", "description": "The version this revision is based on (0 for the first)" },
                    "legal_framework": text, "referral_mechanism": text, "focal_points": text, "family_links": text, "entry_and_return": text, "sources": text,
                    "last_reviewed": { "type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD" } } } } } },
                "responses": with_errors(ok("Profile"), &[("409", "Revised since `version`"), ("422", "Invalid")]) }
        },
        "/api/v1/library": {
            "get": { "summary": "Full-text search of the documents we may see, with snippets (public ones without a token)", "security": [], "parameters": library_query,
                "responses": with_errors(ok("Documents, total, more (true when more than total documents matched: counting stops 1,000 documents past the page), only_common_words"), &[("422", "A parameter is invalid")]) },
            "post": { "summary": "Upload a document (PDF, DOCX, ODT, TXT, HTML, Markdown; at most 20 MB)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["title", "language", "document_type", "visibility", "file_name", "content_base64"], "additionalProperties": false, "properties": {
                    "title": text, "summary": text, "language": { "type": "string", "enum": ["en", "fr", "ar", "es", "ru"] },
                    "themes": { "type": "array", "items": text }, "countries": { "type": "array", "items": text },
                    "document_type": { "type": "string", "enum": ["sop", "guideline", "law", "form", "training"] },
                    "visibility": { "type": "string", "enum": ["public", "organisations", "own_organisation"] },
                    "file_name": text, "content_base64": text } } } } },
                "responses": with_errors(json!({ "201": { "description": "Stored; `has_text` says whether its text could be read" } }), &[("413", "Too large"), ("422", "Not what its extension says, or invalid")]) }
        },
        "/api/v1/library/{id}": { "get": { "summary": "One document we may see", "security": [], "parameters": id.clone(), "responses": with_errors(ok("Document"), &[("404", "Missing, or not visible to us")]) } },
        "/api/v1/library/{id}/file": { "get": { "summary": "The file as uploaded, as an attachment", "security": [], "parameters": id, "responses": with_errors(json!({ "200": { "description": "The file" } }), &[("404", "Missing, or not visible to us")]) } }
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
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI document" } } }
            },
            "/api/v1/me": {
                "get": { "summary": "The token's account", "responses": with_errors(json!({ "200": { "description": "Account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[]) }
            },
            "/api/v1/org/users": {
                "get": { "summary": "Accounts of the caller's organisation (org_admin)", "responses": with_errors(json!({ "200": { "description": "Accounts", "content": { "application/json": { "schema": { "type": "object", "properties": { "users": { "type": "array", "items": { "$ref": "#/components/schemas/User" } } } } } } } }), &[]) }
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
                        { "name": "before", "in": "query", "schema": { "type": "integer" } },
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }
                    ],
                    "responses": with_errors(json!({ "200": { "description": "Entries", "content": { "application/json": { "schema": { "type": "object", "properties": { "entries": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEntry" } } } } } } } }), &[])
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
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": { "type": "object" } } } } });
    json!({
        "/api/v1/outreach/sync": { "post": { "summary": "Apply a device's queue session by session (outreach_worker); each result is stored, already_applied, conflict, invalid (with field and message) or not_found",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["sessions"], "properties": { "sessions": { "type": "array", "maxItems": 500, "items": session.clone() } } } } } },
            "responses": with_errors(ok("One result per session, in order"), &[("422", "The body is not a list of sessions")]) } },
        "/api/v1/outreach/sessions": { "post": { "summary": "Record one session (outreach_worker); the same session sent twice is stored once",
            "requestBody": { "required": true, "content": { "application/json": { "schema": session } } },
            "responses": with_errors(json!({ "201": { "description": "Stored" }, "200": { "description": "Already stored" } }), &[("409", "An edit made on an older version: kept aside as a conflict"), ("422", "Invalid; the field names the JSON path")]) } },
        "/api/v1/outreach/sessions/{id}": { "get": { "summary": "One session with its names and pseudonyms (audited)", "parameters": id,
            "responses": with_errors(ok("Session"), &[("404", "Missing or another organisation's")]) } },
        "/api/v1/outreach/dashboard": { "get": { "summary": "The organisation's outreach figures (outreach_worker, coordinator, viewer)",
            "parameters": [
                { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
                { "name": "place_kind", "in": "query", "schema": { "type": "string" } },
                { "name": "team", "in": "query", "schema": { "type": "string" } },
                { "name": "nationality", "in": "query", "schema": { "type": "string" } }
            ],
            "responses": with_errors(ok("Totals and sections of rows"), &[("422", "A filter is invalid")]) } }
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

fn network_paths() -> Value {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let kinds: Vec<&str> = retrace_domain::PostKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let post = json!({
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
    });
    let ok = |description: &str| json!({ "200": { "description": description, "content": { "application/json": { "schema": { "type": "object" } } } } });
    let hidden = (
        "404",
        "Missing, or a network the caller's organisation is not a member of",
    );
    json!({
        "/api/v1/networks": { "get": { "summary": "The networks of the caller's organisation, with its role in each (member or coordinator)",
            "responses": with_errors(ok("Networks"), &[]) } },
        "/api/v1/networks/{id}": { "get": { "summary": "A network with its member organisations", "parameters": id.clone(),
            "responses": with_errors(ok("Network"), &[hidden]) } },
        "/api/v1/networks/{id}/posts": {
            "get": { "summary": "The network's posts, newest first (at most 100)",
                "parameters": [id[0].clone(),
                    { "name": "kind", "in": "query", "schema": { "type": "string", "enum": kinds.clone() } },
                    { "name": "country", "in": "query", "schema": { "type": "string", "description": "ISO 3166-1 alpha-2" } }],
                "responses": with_errors(ok("Posts"), &[hidden, ("422", "A filter is invalid")]) },
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
            "get": { "summary": "What the caller follows: kind:<post kind> and country:<code>", "responses": with_errors(ok("Follows"), &[]) },
            "post": { "summary": "Follow or stop following a kind or a country; audited",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "additionalProperties": false, "required": ["follow", "on"],
                    "properties": { "follow": { "type": "string", "description": "kind:<post kind> or country:<code>" }, "on": { "type": "boolean" } } } } } },
                "responses": with_errors(ok("Done"), &[("422", "Not a kind or a country")]) } },
        "/api/v1/network-digest": { "get": { "summary": "What an e-mail digest of the caller's follows lists: posts after `since` in their organisation's networks, by others, newest first (at most 200)",
            "parameters": [{ "name": "since", "in": "query", "required": true, "schema": { "type": "string", "format": "date-time" } }],
            "responses": with_errors(ok("Posts"), &[("422", "since is not an RFC 3339 time")]) } }
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
            "responses": with_errors(json!({ "200": { "description": "Practice: the list fields with implementers, funders, target_group, impact, cost_per_beneficiary ({amount, currency} or null), challenges, lessons, recommendations and review_list", "content": { "application/json": { "schema": { "type": "object" } } } } }), &[("404", "Missing, or not visible to the caller")]) } }
    })
}
