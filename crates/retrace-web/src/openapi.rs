//! The OpenAPI 3.1 description of `/api/v1`, written as data next to the
//! routes it describes; a test checks that every API route appears in it.

use serde_json::{Value, json};

fn error_responses() -> Value {
    json!({
        "401": { "description": "No valid API token", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "403": { "description": "The token's account lacks the role", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
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
                        "enquirer_consent_method": { "type": "string", "enum": ["written", "oral", "digital"] },
                        "vital_interest": { "type": "boolean" }
                    }
                } } } },
                "responses": with_errors(json!({ "201": { "description": "Created" } }), &[("422", "A field is invalid; `field` names it (e.g. `sought[0].person.birth_date`)")])
            }
        },
        "/api/v1/requests/{id}": { "get": { "summary": "One request (audited)", "parameters": id.clone(), "responses": with_errors(ok("Request"), &[("404", "Missing, or another organisation's")]) } },
        "/api/v1/registrations": {
            "get": { "summary": "The organisation's registrations, newest first", "responses": with_errors(ok("Registrations"), &[]) },
            "post": { "summary": "Register a person who is safe or looking for their family (caseworker)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["kind", "person"], "additionalProperties": false, "properties": { "kind": { "type": "string", "enum": ["safe", "looking_for_family"] }, "person": person.clone(), "consent_method": { "type": "string", "enum": ["written", "oral", "digital"] } } } } } },
                "responses": with_errors(json!({ "201": { "description": "Registered" } }), &[("422", "A field is invalid; `field` names it (e.g. `person.names[0]`)")]) }
        },
        "/api/v1/persons/{id}": { "get": { "summary": "One person (audited)", "parameters": id.clone(), "responses": with_errors(ok("Person"), &[("404", "Missing, or another organisation's")]) } },
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
    for extra in [tracing_paths(), transfer_paths(), directory_paths()] {
        if let (Some(paths), Some(extra)) = (
            doc.get_mut("paths").and_then(Value::as_object_mut),
            extra.as_object(),
        ) {
            for (path, item) in extra {
                paths.insert(path.clone(), item.clone());
            }
        }
    }
    doc
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
                "responses": with_errors(ok("Entries and total"), &[("422", "A parameter is invalid; `field` names it")]) },
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
                "responses": with_errors(ok("Documents, total, only_common_words"), &[("422", "A parameter is invalid")]) },
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
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
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
